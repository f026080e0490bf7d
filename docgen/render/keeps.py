"""Layout rules a template cannot state, applied to each rendered document, because they
depend on what the loops produced.

- Signatures: the templates put every signature area in one table row that cannot split;
  the last paragraph of body text before it (and the 附件说明 and blank lines between) is
  marked keep-with-next, which LibreOffice and Word honour into a following table, so the
  signatures share a page with body text (GB/T 9704 7.3.5.5).
- 附件说明: kept with the last lines of the body above it, never alone on a page.
- Tables: rows never split, and the rows of a table are cut into runs of two or three that
  stay together (each row of a run but its last keeps with the next; the header rows keep
  with the first run); a short table stays whole. Every page a table reaches then holds a
  whole run, so no page holds a single row of it. The runs are chosen from each row's height
  as estimated from its text, so that no run is taller than a page where that can be helped:
  a tall row goes with a short neighbour rather than with another tall row.
- Groups: a cell in the style TableGroup that is empty continues the vertical merge of the
  group cell above it (县市区 and 支援学校 of a pair list, 月份 of a plan table, 项目 of a rubric),
  or, for a value taller than its group's first row, the group's inner rules are left out.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..geometry import TEXT_H
from ..text import display_width

SIGNATURE_STYLES = {"SignName", "Signer"}
"""Paragraph styles that only a signature area holds."""
BETWEEN_STYLES = {"AttachmentNote", "AttachmentNoteFirst", "AttachmentNoteMore"}
"""Paragraphs that stand between the body and the signatures (附件说明)."""


def _style(paragraph) -> str:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


def _has_text(paragraph) -> bool:
    return any((t.text or "").strip() for t in paragraph.iter(qn("w:t")))


def _keep_next(paragraph) -> None:
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is None:
        keep = OxmlElement("w:keepNext")
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)


def _keep_text_before(element) -> None:
    """The paragraphs before ``element`` keep with it, up to and with the last one of body
    text (blank lines and an 附件说明 between go along)."""
    before = element.getprevious()
    while before is not None and before.tag == qn("w:p"):
        _keep_next(before)
        if _has_text(before) and _style(before) not in BETWEEN_STYLES:
            break
        before = before.getprevious()


def keep_text_with_signatures(body) -> None:
    """Mark the body text before each signature area to stay on its page."""
    for table in body.findall(qn("w:tbl")):
        if any(_style(p) in SIGNATURE_STYLES for p in table.iter(qn("w:p"))):
            _keep_text_before(table)


def keep_notes_with_text(body) -> None:
    """An 附件说明 stands under the body (GB/T 9704 7.3.4, 正文下空一行), never alone at the
    top of a page: its lines keep together and the body text before it (the blank line and
    the last paragraph, which the converter moves whole) keeps with it."""
    for note in body.iter(qn("w:p")):
        if _style(note) not in ("AttachmentNote", "AttachmentNoteFirst"):
            continue
        after = note
        while after.getnext() is not None and after.getnext().tag == qn("w:p") and \
                _style(after.getnext()) == "AttachmentNoteMore":
            _keep_next(after)
            after = after.getnext()
        _keep_text_before(note)


def _is_signature_area(table) -> bool:
    return any(_style(p) in SIGNATURE_STYLES for p in table.iter(qn("w:p")))


def _keep_row(row) -> None:
    for paragraph in row.iter(qn("w:p")):
        _keep_next(paragraph)


def keep_rows_together(body) -> None:
    """No table leaves a single row on a page: its rows stand in runs of two or three."""
    for table in body.iter(qn("w:tbl")):
        if _is_signature_area(table) or table.getparent().tag == qn("w:tc"):
            continue
        rows = table.findall(qn("w:tr"))
        header = [r for r in rows if r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
        data = [r for r in rows if r not in header]
        heights = [_row_height(r) for r in data]
        room = TEXT_H - sum(_row_height(r) for r in header)
        if len(data) <= 4 and sum(heights) <= room:  # a short table stays whole
            keep = rows[:-1]
        else:
            keep, at = list(header), 0
            for size in runs(heights, room):
                keep += data[at:at + size - 1]
                at += size
        for row in keep:
            _keep_row(row)


def runs(heights: list[int], room: int) -> list[int]:
    """The sizes of the runs a table's rows stand in, in order: two or three rows each (one
    only for a table of one row), as few of them taller than ``room`` as can be, then as many
    runs (the fewer rows kept together, the less room a page leaves empty)."""
    n = len(heights)
    if n < 2:
        return [n] if n else []
    # best[i]: the least cost (runs taller than room, runs of three) of the rows from i on,
    # and the size of the first run that gives it (a size of two first among equal costs);
    # one choice per row, not a list per row: a list of 10,000 rows stays linear
    best: dict[int, tuple[tuple[int, int], int]] = {n: ((0, 0), 0)}
    for i in range(n - 2, -1, -1):
        for size in (2, 3):
            if i + size in best:
                (over, threes), _ = best[i + size]
                cost = (over + (sum(heights[i:i + size]) > room), threes + (size == 3))
                if i not in best or cost < best[i][0]:
                    best[i] = (cost, size)
    sizes, at = [], 0
    while at < n:
        size = best[at][1]
        sizes.append(size)
        at += size
    return sizes


ROW_PADDING = 60
"""Twips a table row takes beyond its lines of text (its rules)."""


def _row_height(row) -> int:
    """About how tall a row is set (rows of tables are set at 20 pt a line): its tallest cell,
    leaving out a group cell merged down over the rows below (its text spreads over them)."""
    lines = [_lines(cell) for cell in row.findall(qn("w:tc")) if not _merged_down(cell)]
    return max(lines, default=1) * TABLE_LINE + ROW_PADDING


def _merged_down(cell) -> bool:
    merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return merge is not None


def _set_vmerge(cell, value: str | None) -> None:
    """Start (``restart``) or continue (None) a vertical merge (python-docx's own setter)."""
    cell.vMerge = value or "continue"


def merge_groups(body) -> None:
    """Merge each group cell with the empty group cells below it.

    A group value taller than the first row of its group (a long school name beside short
    rows) is not merged: LibreOffice then moves the whole group, and a table after a title,
    to the next page. Such a group is shown merged by its rules instead: no rule between its
    cells, the value in its first cell."""
    for table in body.iter(qn("w:tbl")):
        groups: dict[int, list] = {}
        done: list[list] = []
        for row in table.findall(qn("w:tr")):
            for col, cell in enumerate(row.findall(qn("w:tc"))):
                paragraphs = cell.findall(qn("w:p"))
                if not paragraphs or _style(paragraphs[0]) != "TableGroup":
                    if col in groups:
                        done.append(groups.pop(col))
                    continue
                if any(_has_text(p) for p in paragraphs):
                    if col in groups:
                        done.append(groups.pop(col))
                    groups[col] = [cell]
                elif col in groups:
                    groups[col].append(cell)
        done += groups.values()
        for cells in done:
            if len(cells) < 2:
                continue
            others = [c for c in cells[0].getparent().findall(qn("w:tc")) if c is not cells[0]]
            if _lines(cells[0], fill=0.75) <= max((_lines(c) for c in others), default=1):
                _set_vmerge(cells[0], "restart")
                for cell in cells[1:]:
                    _set_vmerge(cell, None)
            else:
                for k, cell in enumerate(cells):
                    _open_borders(cell, top=k > 0, bottom=k < len(cells) - 1)


TABLE_CHAR = 240
"""A character of table text (小四), in twips."""
TABLE_LINE = 400
"""The line pitch of table text (20 pt exact: the TableText styles of authoring/layout.py)."""


def _lines(cell, fill: float = 1.0) -> int:
    """About how many lines the text of ``cell`` takes in its width, each line filled to
    ``fill`` (a line breaks early before punctuation and Latin letters)."""
    width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    room = max(1, int((int(width.get(qn("w:w"))) - 170) * fill)) if width is not None else 2000
    lines = 0
    for paragraph in cell.findall(qn("w:p")):
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        lines += max(1, -(-int(display_width(text) * TABLE_CHAR) // room))
    return lines


def _open_borders(cell, *, top: bool, bottom: bool) -> None:
    """No rule above (``top``) or below (``bottom``) the cell."""
    tcpr = cell.get_or_add_tcPr()
    borders = tcpr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tcpr.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                   "w:vAlign", "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge",
                                   "w:tcPrChange")
    for side, wanted in (("top", top), ("bottom", bottom)):
        if wanted:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "nil")
            borders.append(edge)


def apply(document) -> None:
    body = document.element.body
    keep_text_with_signatures(body)
    keep_notes_with_text(body)
    merge_groups(body)
    keep_rows_together(body)
