"""Where docgen's bookmarks (``convert.marks``) ended up in a PDF: LibreOffice exports each as
a named destination with its page and the position of its paragraph.

The bundle reads them to place seals and to write the manifest; the preflight reads them
from a PDF of one document (``build --pdf``), so that both see a document's signatures
alike.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pypdf import PdfReader

from ..geometry import LINE_PT, TYPE_LEFT, TYPE_RIGHT
from ..records import Box
from .page import Page

CELL_MARGIN = 5.4
"""Word's left and right cell margin (108 twips), which the signature tables keep."""


@dataclass(frozen=True)
class Anchor:
    """Where a signer's name is printed: the page (0-based), the left edge and top of the
    name's first line, the width of its cell, and the top of the date line below it (None
    when the cell has no date line)."""

    page: int
    left: float
    top: float
    width: float
    date_top: float | None = None


@dataclass
class Marks:
    """The bookmarks of a PDF, by document (1-based, in the order composed)."""

    starts: dict[int, int] = field(default_factory=dict)
    """Document -> its first page (0-based)."""
    attachments: dict[int, dict[int, int]] = field(default_factory=dict)
    """Document -> K-th 附件 label -> its page."""
    signers: dict[int, dict[int, Anchor]] = field(default_factory=dict)
    """Document -> K-th signer -> where its name is printed."""
    kinds: list[str] = field(default_factory=list)
    """The families named in the PDF (a PDF of one document names its own)."""


def read_marks(reader: PdfReader) -> Marks:
    marks = Marks()
    names: dict[tuple[int, int], tuple[int, float, float, float]] = {}
    dates: dict[tuple[int, int], float] = {}
    for name, dest in reader.named_destinations.items():
        name = str(name).lstrip("/")
        if not name.startswith("docgen"):
            continue
        page = reader.get_destination_page_number(dest)
        if page is None:
            continue  # a destination on no page of this file
        if m := re.fullmatch(r"docgenpart(\d+)att(\d+)", name):
            marks.attachments.setdefault(int(m.group(1)), {})[int(m.group(2))] = page
        elif m := re.fullmatch(r"docgenpart(\d+)", name):
            marks.starts[int(m.group(1))] = page
        elif m := re.fullmatch(r"docgensign(\d+)k(\d+)w(\d+)", name):
            if dest.left is not None and dest.top is not None:  # docgen's own marks are /XYZ with both
                names[int(m.group(1)), int(m.group(2))] = (page, float(dest.left), float(dest.top), int(m.group(3)) / 20)
        elif (m := re.fullmatch(r"docgendate(\d+)k(\d+)", name)) and dest.top is not None:
            dates[int(m.group(1)), int(m.group(2))] = float(dest.top)
        elif m := re.fullmatch(r"docgenkind([a-z_]+)", name):
            marks.kinds.append(m.group(1))
    for (n, k), (page, left, top, width) in sorted(names.items()):
        marks.signers.setdefault(n, {})[k] = Anchor(page, left, top, width, date_top=dates.get((n, k)))
    return marks


def centred(anchor: Anchor) -> bool:
    """Whether the name stands centred in a cell of a signature row: every signer's but the
    issuer's, whose cell spans the type area and whose name stands over the date, right."""
    return 0 < anchor.width < TYPE_RIGHT - TYPE_LEFT - 1


def name_area(page: Callable[[], Page], anchor: Anchor) -> tuple[Box, Box | None]:
    """The box of the printed name in the anchor's cell, and of name and date together.

    The cell follows from the table, which spans the type area in cells of equal width: a
    destination's left edge is where its text starts, not where its cell does. A name
    centred in its cell lies between its own destination and its date's, across the cell;
    a name in a cell as wide as the type area (the issuer's, or a name given a row of its
    own) is measured on the page (``page`` reads it, only then)."""
    bottom = (anchor.date_top if anchor.date_top is not None else anchor.top - LINE_PT) - LINE_PT
    name_floor = anchor.date_top if anchor.date_top is not None else bottom
    column = max(0, int((anchor.left - TYPE_LEFT + 1) // anchor.width)) if anchor.width else 0
    left = TYPE_LEFT + column * anchor.width
    if centred(anchor):
        x0, x1 = left + CELL_MARGIN, left + anchor.width - CELL_MARGIN
        return Box(x0, name_floor, x1, anchor.top), Box(x0, bottom, x1, anchor.top)
    width = anchor.width or TYPE_RIGHT - TYPE_LEFT
    band = [g for g in page().glyphs if g.char.strip() and bottom < g.y <= anchor.top
            and left - 2 <= g.x <= left + width + 2]

    def box(glyphs) -> Box | None:
        if not glyphs:
            return None
        return Box(min(g.x for g in glyphs), min(g.y - 0.15 * g.size for g in glyphs),
                max(g.x + g.width for g in glyphs), max(g.y + 0.85 * g.size for g in glyphs))

    name = box([g for g in band if g.y > name_floor]) or Box(left, name_floor, left + width, anchor.top)
    return name, box(band)
