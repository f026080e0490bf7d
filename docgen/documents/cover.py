"""封面和目录: the cover and table of contents of a submission bundle."""
from __future__ import annotations

from .scope import Scope
from .typography import split_title


def cover(scope: Scope) -> dict:
    facts = scope.cover
    return {
        "title_lines": ["结对帮扶报送材料"],
        "subtitle_lines": split_title(facts.title, 18),
        "parties": facts.parties,
        "date": facts.date,
        "entries": facts.entries,
    }
