"""Column widths from content, for the tables a template marks as autofit (w:tblLayout
autofit, Word's 根据内容自动调整表格): the roll-up's annex, whose names, counts and notes vary
from one programme to the next.

Word recomputes such a table when it opens the file, LibreOffice keeps the widths written
in it; so the widths are worked out here, as a browser lays out a table: each column gets
at least its longest unbreakable piece (a number, a Latin word, a header word) and the rest
of the type width in proportion to how much more its longest cell would take on one line.
The table always spans the type area (GB/T 9704 4.6 of the notes: tables within 156 mm).
"""
from __future__ import annotations

import re

from docx.oxml.ns import qn

from ..documents.typography import em_width
from ..geometry import TEXT_W
from ..text import glued_words

MARGINS = 170
"""A cell's left and right margins together (85 + 85 twips, the templates' tables)."""
_UNBROKEN = re.compile(r"[!-~]+")


def _size(paragraph, default: int) -> int:
    sizes = [int(sz.get(qn("w:val"))) for sz in paragraph.iter(qn("w:sz"))]
    return max(sizes) if sizes else default


def _style_size(document) -> dict[str, int]:
    out = {}
    for style in document.styles.element.findall(qn("w:style")):
        size = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
        if size is not None:
            out[style.get(qn("w:styleId"))] = int(size.get(qn("w:val")))
    return out


def _needs(cell, sizes: dict[str, int], header: bool = False) -> tuple[float, float]:
    """(narrowest, widest) width in twips the cell's text may take: its longest unbreakable
    piece (a word, a number, a value of up to four characters), and all of its longest
    paragraph on one line."""
    low, high = 0.0, 0.0
    for paragraph in cell.findall(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        size = _size(paragraph, sizes.get(style.get(qn("w:val")) if style is not None else "", 24))
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        if not text:
            continue
        em = size * 10
        if em_width(text) <= 4 and not header:  # noqa: SIM108 - a reason per branch: a short value (不合格, 15/18) stays whole
            pieces = [text]
        else:  # a longer one, or a header, breaks between words (活动/记录, 迟报/ 缺材料)
            pieces = _UNBROKEN.findall(text) + glued_words(text)
        low = max(low, max((em_width(p) * em for p in pieces), default=em))
        high = max(high, em_width(text) * em)
    return low + MARGINS, high + MARGINS


def _autofit(table) -> bool:
    layout = table.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}")
    return layout is not None and layout.get(qn("w:type")) == "autofit"


def widths_for(needs: list[list[tuple[float, float]]], total: int = TEXT_W) -> list[int]:
    """Column widths that add up to ``total`` from each cell's (narrowest, widest) needs."""
    columns = len(needs[0])
    low = [max(row[j][0] for row in needs) for j in range(columns)]
    high = [max(max(row[j][1] for row in needs), low[j]) for j in range(columns)]
    if sum(high) <= total:
        extra = total - sum(high)
        out = [h + extra * h / sum(high) for h in high]
    elif sum(low) >= total:
        out = [total * w / sum(low) for w in low]
    else:
        spare = total - sum(low)
        more = [h - w for w, h in zip(low, high, strict=True)]
        out = [w + spare * m / sum(more) for w, m in zip(low, more, strict=True)]
    widths = [int(w) for w in out]
    widths[-1] = total - sum(widths[:-1])
    return widths


def fit_columns(document) -> None:
    """Set the widths of every autofit table of ``document`` from its content."""
    sizes = _style_size(document)
    for table in document.element.body.iter(qn("w:tbl")):
        if not _autofit(table):
            continue
        rows = table.findall(qn("w:tr"))
        cells = [row.findall(qn("w:tc")) for row in rows]
        grid = table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
        if not cells or any(len(r) != len(grid) for r in cells) or any(
                c.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None for r in cells for c in r):
            continue  # merged cells: left as the template has them
        heads = [row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows]
        widths = widths_for([[_needs(c, sizes, head) for c in r] for r, head in zip(cells, heads, strict=True)])
        for col, width in zip(grid, widths, strict=False):
            col.set(qn("w:w"), str(width))
        for row in cells:
            for cell, width in zip(row, widths, strict=False):
                tcw = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                if tcw is not None:
                    tcw.set(qn("w:w"), str(width))
                    tcw.set(qn("w:type"), "dxa")
