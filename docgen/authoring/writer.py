"""The template writer: a thin layer over python-docx that writes paragraphs in the GB/T 9704
styles, docxtpl tags, tables that fill the type area and signature areas. Each template
(``authoring.templates``) is written with one ``Writer``.

Jinja tags follow docxtpl: ``{%p ... %}`` alone in a paragraph, ``{%tr ... %}`` alone in a
table row.
"""
from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.shared import Twips

from ..geometry import LINE, TEXT_W
from ..outputs import normalise_docx
from ..text import display_width
from . import layout, ooxml

CELL_MARGINS = 170
"""Left and right cell margins of a table, in twips (85 each)."""

TABLE_CHAR = 240
"""One 小四 character, the size of table text, in twips."""


HEAD_SAMPLE = "被帮扶学校"
"""The longest heading a context may put in a column (the programme's name for a party)."""


def _header_width(head: str) -> int:
    """The width (twips) a header needs to stand on its lines without breaking a word."""
    if "{{" in head:
        return _header_width(HEAD_SAMPLE)
    return int(max(display_width(line) for line in head.split("\n")) * TABLE_CHAR) + CELL_MARGINS + 20


def _fit(relative: list[int], minimum: list[int]) -> list[int]:
    """Column widths in the ratio ``relative`` that fill the type area, none below its minimum."""
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(len(relative)) if i not in fixed]
        room = TEXT_W - sum(fixed.values())
        share = sum(relative[i] for i in free)
        widths = {i: int(relative[i] * room / share) for i in free}
        short = [i for i in free if widths[i] < minimum[i]]
        if not short:
            break
        for i in short:
            fixed[i] = minimum[i]
    out = [fixed.get(i, widths.get(i, 0)) for i in range(len(relative))]
    out[-1] = TEXT_W - sum(out[:-1])
    return out


class Label(str):
    """A line of text between the signature blocks of one signature area."""


class Writer:
    """Writes one template: paragraphs in the GB/T 9704 styles (by id), docxtpl tags, tables and
    signature areas."""

    def __init__(self, title: str, page_numbers: bool = True):
        self.doc = layout.new_document(title, page_numbers=page_numbers)

    def p(self, text: str = "", style: str = "Body") -> None:
        para = self.doc.add_paragraph(style=layout.style_by_id(self.doc, style))
        if text:
            para.add_run(text)

    def tag(self, tag: str) -> None:
        """A docxtpl paragraph tag such as ``for x in xs`` (written as {%p ... %})."""
        self.p("{%p " + tag + " %}", "BodyNoIndent")

    def blank(self, n: int = 1, style: str = "BodyNoIndent") -> None:
        for _ in range(n):
            self.p("", style)

    def loop(self, header: str, text: str, style: str = "Body") -> None:
        self.tag(header)
        self.p(text, style)
        self.tag("endfor")

    def table(self, columns: list[tuple[str, int, str]], loop: str, *, borders: bool = True,
              header: bool = True) -> None:
        """A table with a header row and one row repeated by ``loop`` (docxtpl {%tr %}).

        ``columns`` are (header text, relative width, cell template). A header breaks only
        where it has a line break, and no column is narrower than its longest header line; the
        widths fill the type area exactly, so the table never leaves it. A cell template
        starting with ``<`` is left-aligned, with ``^`` a group value (TableGroup).
        """
        widths = _fit([w for _, w, _ in columns], [_header_width(head) for head, _, _ in columns])
        rows = (1 if header else 0) + 3
        table = self.doc.add_table(rows=rows, cols=len(columns))
        layout.fixed_widths(table, widths)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        ooxml.set_cell_margins(table)
        ooxml.set_table_borders(table, none=not borders)
        r = 0
        if header:
            ooxml.repeat_header(table.rows[0])
            for cell, (head, _, _) in zip(table.rows[0].cells, columns, strict=False):
                self._cell(cell, head.split("\n")[0], "TableHead")
                for more in head.split("\n")[1:]:
                    cell.add_paragraph(more, style=layout.style_by_id(self.doc, "TableHead"))
            r = 1
        self._cell(table.rows[r].cells[0], "{%tr " + loop + " %}", "TableText")
        ooxml.cant_split(table.rows[r + 1])
        for cell, (_, _, body) in zip(table.rows[r + 1].cells, columns, strict=False):
            style = {"<": "TableTextLeft", "^": "TableGroup"}.get(body[:1], "TableText")
            self._cell(cell, body.lstrip("<^"), style)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        self._cell(table.rows[r + 2].cells[0], "{%tr endfor %}", "TableText")

    def _cell(self, cell, text: str, style: str) -> None:
        para = cell.paragraphs[0]
        para.style = layout.style_by_id(self.doc, style)
        if text:
            para.add_run(text)

    def _rows(self, table, rows: list[tuple[list[str], str, int | None, WD_CELL_VERTICAL_ALIGNMENT]]) -> None:
        """Fill ``table``'s rows: (cell texts, style, exact height in twips or None, vertical alignment)."""
        for row, (texts, style, height, valign) in zip(table.rows, rows, strict=False):
            if height:
                row.height = Twips(height)
                row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
                ooxml.cant_split(row)
            for cell, text in zip(row.cells, texts, strict=False):
                for k, line in enumerate(text.split("\n")):
                    if k == 0:
                        self._cell(cell, line, style if line else "SignLabel")
                    else:
                        para = cell.add_paragraph(style=layout.style_by_id(self.doc, style))
                        para.add_run(line)
                cell.vertical_alignment = valign

    def signature_area(self, *blocks: str) -> None:
        """The whole signature area in one outer row that cannot split across pages, so it moves
        to the next page whole, with the body text before it (which rendering keeps with it):
        a page never holds signatures alone (GB/T 9704 7.3.5.5). ``blocks`` are signature
        blocks (documents.signatures) by name, 'issuer' for a notice's 署名 and 成文日期, or
        ``Label`` lines between them."""
        outer = self.doc.add_table(rows=1, cols=1)
        layout.fixed_widths(outer, [TEXT_W])
        ooxml.set_table_borders(outer, none=True)
        ooxml.set_cell_margins(outer, 0, 0)
        ooxml.cant_split(outer.rows[0])
        cell = outer.rows[0].cells[0]
        cell._tc.remove(cell.paragraphs[0]._p)
        for block in blocks:
            if isinstance(block, Label):
                cell.add_paragraph(block, style=layout.style_by_id(self.doc, "SignLabel"))
            elif block == "issuer":
                self._issuer_signature(cell)
            else:
                self._signature(cell, block)
        layout.end_cell(self.doc, cell)

    def _signature(self, container, expr: str) -> None:
        layout.signature_table(self.doc, container, expr)

    def _issuer_signature(self, container) -> None:
        """A single issuing organ (GB/T 9704 7.3.5.1): 署名 centred over 成文日期, which stands
        右空四字, in a row as tall as a seal; 附注 on the next line."""
        table = container.add_table(rows=2, cols=1)
        layout.fixed_widths(table, [TEXT_W])
        ooxml.set_table_borders(table, none=True)
        self._rows(table, [(["{{ signer }}\n{{ date }}{{ date_pad }}"], "Signer", layout.SEALED_ROW,
                            WD_CELL_VERTICAL_ALIGNMENT.BOTTOM),
                           (["{{ remark }}"], "Remark", LINE, WD_CELL_VERTICAL_ALIGNMENT.TOP)])
        table.rows[0].cells[0].paragraphs[1].style = layout.style_by_id(self.doc, "SignDate")

    def bytes(self) -> bytes:
        return normalise_docx(layout.to_bytes(self.doc), when=layout.FIXED_TIME)
