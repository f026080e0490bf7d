"""Layout rules a template cannot state, applied to each rendered document, because they
depend on what the loops produced.

- Signatures: the templates put every signature area in one table row that cannot split;
  the last paragraph of body text before it (and the 附件说明 and blank lines between) is
  marked keep-with-next, which LibreOffice and Word honour into a following table, so the
  signatures share a page with body text (GB/T 9704 7.3.5.5).
- Tables: a table's header rows and first row stay with the row after them, and its last
  four rows stand in two pairs (a short table stays whole), so no page holds a single row
  of a table, even when its last rows are tall; rows never split.
- Groups: a cell in the style TableGroup that is empty continues the vertical merge of the
  group cell above it (县市区 and 支援学校 of a pair list, 月份 of a plan table, 项目 of a rubric),
  or, for a value taller than its group's first row, the group's inner rules are left out.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..text import display_width

SIGNATURE_STYLES = {"SignName", "Signer"}
"""Paragraph styles that only a signature area holds."""
BETWEEN_STYLES = {"AttachmentNote", "AttachmentNoteMore"}
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


def keep_text_with_signatures(body) -> None:
    """Mark the body text before each signature area to stay on its page."""
    for table in body.findall(qn("w:tbl")):
        if not any(_style(p) in SIGNATURE_STYLES for p in table.iter(qn("w:p"))):
            continue
        before = table.getprevious()
        while before is not None and before.tag == qn("w:p"):
            _keep_next(before)
            if _has_text(before) and _style(before) not in BETWEEN_STYLES:
                break
            before = before.getprevious()


def _is_signature_area(table) -> bool:
    return any(_style(p) in SIGNATURE_STYLES for p in table.iter(qn("w:p")))


def _keep_row(row) -> None:
    for paragraph in row.iter(qn("w:p")):
        _keep_next(paragraph)


def keep_rows_together(body) -> None:
    """No table leaves a single row on a page."""
    for table in body.iter(qn("w:tbl")):
        if _is_signature_area(table) or table.getparent().tag == qn("w:tc"):
            continue
        rows = table.findall(qn("w:tr"))
        header = [r for r in rows if r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
        data = [r for r in rows if r not in header]
        if len(data) <= 4:
            keep = rows[:-1]
        else:  # the last four rows in two pairs: a tall pair at the end never leaves one row alone before it
            keep = header + [data[0], data[-4], data[-2]] if len(data) > 5 else header + [data[0], data[-2]]
        for row in keep:
            _keep_row(row)


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
    merge_groups(body)
    keep_rows_together(body)
