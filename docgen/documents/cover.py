"""封面和目录: the cover and table of contents of a submission bundle."""
from __future__ import annotations

from docxtpl import RichText

from ..errors import given
from ..text import cn_date
from .scope import Scope
from .typography import split_title

COVER_LINE = 24
"""Characters of a cover line (三号 on the type area, less a margin)."""
SPACIOUS = 8
"""Lines of schools a cover holds with room to spare above and below them."""
CONTENTS_LINE = 22
"""Characters of a line of the contents' title column (小四)."""


def cover(scope: Scope) -> dict:
    """Lines broken where the typesetter would break them badly otherwise: between words, never
    inside a school's name (when the name fits a line)."""
    facts = given(scope.cover, "a bundle")
    parties = [line for party in facts.parties for line in split_title(party, COVER_LINE, keep=facts.names)]
    entries = [{**e, "title": RichText("\n".join(split_title(e["title"], CONTENTS_LINE, keep=facts.names)))}
               for e in facts.entries]
    return {
        "title_lines": [facts.heading],
        "subtitle_lines": split_title(facts.title, 18, keep=facts.names),
        "parties": parties,
        "spacious": len(parties) <= SPACIOUS,
        "date": cn_date(facts.date),
        "entries": entries,
    }
