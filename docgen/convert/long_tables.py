"""Long tables cut into several for LibreOffice, in the copy it converts.

LibreOffice lays out a table that runs over many pages in a time that grows much faster than
its rows: the bureau's notice lists every pairing in one table, and at 1,000 pairings (two
tables of 2,001 rows, 295 pages) it converted in 24 s, at 2,000 in 139 s, at 5,000 not within
38 minutes. Cut into tables of at most ``CHUNK_ROWS`` rows, the same notice converts in 4.6 s
at 1,000 pairings and 20 s at 5,000 (1,438 pages).

Each piece repeats the table's heading rows, so every page of the list still starts with
them; where a piece starts in the middle of a page, its heading row is printed there too. A
piece never starts inside rows kept together (``keep_rows_together``) or inside a vertical
merge that began in the piece before (a pair's recipients); a merge longer than a piece (a
county's notice has one county cell down its 5,000 rows, which took LibreOffice ten minutes
uncut) is cut too, its value printed again at the top of the next piece.
The pieces are separated by a paragraph one twip high (two tables with nothing between them
are one table to Word and LibreOffice). Only the copy made for the converter is cut
(``marked.marked_copy``, the bundle's ``compose``): the Word file a clerk edits keeps its one table.
"""
from __future__ import annotations

import copy
from collections.abc import Iterator

from lxml import etree

from .marks import w_tag

CHUNK_ROWS = 100
"""The most body rows a piece holds (beyond rows kept together or a short merge, which are
not cut): at 1,000 pairings, pieces of 40, 100 and 200 rows converted in 4.0, 4.6 and
4.8 s, and at 5,000 pieces of 100 rows in 20 s, of 200 in 28 s."""


FRAME = (w_tag("tblPr"), w_tag("tblGrid"))
"""What a table's pieces repeat of it besides its heading rows."""
_VAL = w_tag("val")
_CELL = w_tag("tc")
_CELL_PROPERTIES = w_tag("tcPr")
_HEADER = f"{w_tag('trPr')}/{w_tag('tblHeader')}"
_BEFORE = f"{w_tag('trPr')}/{w_tag('gridBefore')}"
_SPAN = f"{w_tag('tcPr')}/{w_tag('gridSpan')}"
_MERGE = f"{w_tag('tcPr')}/{w_tag('vMerge')}"
_KEEP_NEXT = w_tag("keepNext")


def _on(flag) -> bool:
    """Whether an on/off property element is on (present, and not switched off)."""
    return flag is not None and flag.get(_VAL, "true") not in ("0", "false", "off")


def is_heading(row) -> bool:
    return _on(row.find(_HEADER))


def _cells(row) -> Iterator[tuple[int, etree._Element]]:
    """Each cell of ``row`` with the grid column it starts in."""
    before = row.find(_BEFORE)
    column = int(before.get(_VAL, "0")) if before is not None else 0
    for cell in row.iterfind(_CELL):
        yield column, cell
        span = cell.find(_SPAN)
        column += int(span.get(_VAL, "1")) if span is not None else 1


def _merge(cell) -> str | None:
    """``restart``, ``continue`` (a cell of a vertical merge), or None."""
    merge = cell.find(_MERGE)
    return None if merge is None else merge.get(_VAL, "continue")


def _restart(cell, origin) -> None:
    """``cell``, which continued the merge ``origin`` starts, starts a merge of its own
    showing what ``origin`` shows (a piece's first row names its county again)."""
    merge = cell.find(_MERGE)
    merge.set(_VAL, "restart")
    if origin is None:
        return
    for child in [c for c in cell if c.tag != _CELL_PROPERTIES]:
        cell.remove(child)
    for child in origin:
        if child.tag != _CELL_PROPERTIES:
            shown = copy.deepcopy(child)
            for mark in [*shown.iter(w_tag("bookmarkStart")), *shown.iter(w_tag("bookmarkEnd"))]:
                mark.getparent().remove(mark)
            cell.append(shown)


def _keeps_with_next(row) -> bool:
    """Whether ``row`` is kept on a page with the row below (a paragraph of it keeps with next)."""
    return any(_on(flag) for flag in row.iter(_KEEP_NEXT))


class Cutter:
    """Where the body rows of one table are cut into pieces of at most ``CHUNK_ROWS`` rows,
    decided a row at a time (the whole table need not be at hand). A piece is not cut after
    a row kept with the next, nor inside a vertical merge that began in it (a pair's
    recipients): it grows past the limit rather than cut there. A merge that spans the whole
    piece (the county of a county's list) is cut, and starts again in the next piece."""

    def __init__(self) -> None:
        self.rows = 0  # in the current piece
        self.index = 0  # of the next row among the table's body rows
        self.start = 0  # the current piece's first row
        self.keeps = False  # the current piece's last row keeps with the next
        self.origins: dict[int, tuple[etree._Element | None, int]] = {}  # column -> its merge's first cell, row

    def cuts_before(self, row) -> bool:
        """Whether a new piece starts at ``row``, the table's next body row (then its cells
        that continue a merge start one of their own); the row counts in the piece after."""
        cells = [(column, cell, _merge(cell)) for column, cell in _cells(row)]
        continuing = [(column, cell) for column, cell, merge in cells if merge == "continue"]
        cut = (self.rows >= CHUNK_ROWS and not self.keeps
               and all(self.origins.get(column, (None, self.start))[1] <= self.start for column, _ in continuing))
        if cut:
            for column, cell in continuing:
                _restart(cell, self.origins.get(column, (None, self.start))[0])
            self.rows = 0
            self.start = self.index
            cells = [(column, cell, _merge(cell)) for column, cell, _ in cells]  # those continuing now restart
        for column, cell, merge in cells:
            if merge == "restart":
                self.origins[column] = (cell, self.index)
            elif merge is None:
                self.origins.pop(column, None)
        self.rows += 1
        self.keeps = _keeps_with_next(row)
        self.index += 1
        return cut


def _pieces(rows: list) -> list[list]:
    """``rows`` in consecutive pieces (see ``Cutter``)."""
    pieces: list[list] = [[]]
    cutter = Cutter()
    for row in rows:
        if cutter.cuts_before(row):
            pieces.append([])
        pieces[-1].append(row)
    return pieces


def separator():
    """A paragraph one twip high, off the document grid."""
    paragraph = etree.Element(w_tag("p"))
    properties = etree.SubElement(paragraph, w_tag("pPr"))
    etree.SubElement(properties, w_tag("snapToGrid"), {w_tag("val"): "0"})
    etree.SubElement(properties, w_tag("spacing"), {w_tag("before"): "0", w_tag("after"): "0",
                                                 w_tag("line"): "1", w_tag("lineRule"): "exact"})
    marks = etree.SubElement(properties, w_tag("rPr"))
    etree.SubElement(marks, w_tag("sz"), {w_tag("val"): "2"})
    return paragraph


def split_long_tables(body) -> int:
    """Cut each table of ``body`` (not a table in a cell) with more than ``CHUNK_ROWS`` body
    rows into pieces that repeat its heading rows; the number of pieces added."""
    return sum(split_table(table) for table in body.findall(w_tag("tbl")))


def split_table(table) -> int:
    """``table`` cut into pieces, if it has more than ``CHUNK_ROWS`` body rows: the pieces
    after the first follow it, each after a separator; the number of pieces added."""
    rows = table.findall(w_tag("tr"))
    heading = 0
    while heading < len(rows) and is_heading(rows[heading]):
        heading += 1
    if len(rows) - heading <= CHUNK_ROWS:
        return 0
    first, *others = _pieces(rows[heading:])
    frame = [child for child in table if child.tag in FRAME]
    anchor = table
    for piece in others:
        part = etree.Element(w_tag("tbl"))
        part.extend(copy.deepcopy(child) for child in frame)
        part.extend(copy.deepcopy(row) for row in rows[:heading])
        part.extend(piece)  # moved out of ``table``
        cut = separator()
        anchor.addnext(cut)
        cut.addnext(part)
        anchor = part
    return len(others)
