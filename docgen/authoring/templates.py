"""Builds the .docx templates in templates/ from code, byte for byte the same every time.

Run ``.venv/bin/python -m docgen.authoring.templates`` after changing a template here; commit
both this module and the .docx files (a test checks they match). A clerk may also edit a
.docx in Word or WPS directly: ``docgen templates check`` then verifies it.

The templates built are the ones the document kinds declare (``documents.kinds``); the
builder of ``X.docx`` is the function ``X`` below. Each template is a list of styled
paragraphs and tables. Jinja tags follow docxtpl: ``{%p ... %}`` alone in a paragraph,
``{%tr ... %}`` alone in a table row.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips

from ..documents import kinds
from ..geometry import LINE, TEXT_H, TEXT_W
from ..outputs import normalise_docx
from ..render import TEMPLATE_DIR
from ..text import display_width
from . import layout, ooxml

SEALED_ROW = layout.SEALED_ROW


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


def _widths(table, widths: list[int]) -> None:
    """A fixed-layout table as wide as ``widths`` add up to, each column and cell set."""
    ooxml.set_table_width(table, sum(widths))
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Twips(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Twips(width)


class Label(str):
    """A line of text between the signature blocks of one signature area."""


class Builder:
    """A thin writer over python-docx that knows the GB/T 9704 styles by id."""

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
        _widths(table, widths)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        ooxml.set_cell_margins(table)
        ooxml.set_table_borders(table, none=not borders)
        r = 0
        if header:
            ooxml.repeat_header(table.rows[0])
            for cell, (head, _, _) in zip(table.rows[0].cells, columns):
                self._cell(cell, head.split("\n")[0], "TableHead")
                for more in head.split("\n")[1:]:
                    cell.add_paragraph(more, style=layout.style_by_id(self.doc, "TableHead"))
            r = 1
        self._cell(table.rows[r].cells[0], "{%tr " + loop + " %}", "TableText")
        ooxml.cant_split(table.rows[r + 1])
        for cell, (_, _, body) in zip(table.rows[r + 1].cells, columns):
            style = {"<": "TableTextLeft", "^": "TableGroup"}.get(body[:1], "TableText")
            self._cell(cell, body.lstrip("<^"), style)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        self._cell(table.rows[r + 2].cells[0], "{%tr endfor %}", "TableText")

    def _cell(self, cell, text: str, style: str) -> None:
        para = cell.paragraphs[0]
        para.style = layout.style_by_id(self.doc, style)
        if text:
            para.add_run(text)

    def _rows(self, table, rows: list[tuple[list[str], str, int | None, str]]) -> None:
        """Fill ``table``'s rows: (cell texts, style, exact height in twips or None, vertical alignment)."""
        for row, (texts, style, height, valign) in zip(table.rows, rows):
            if height:
                row.height = Twips(height)
                row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
                ooxml.cant_split(row)
            for cell, text in zip(row.cells, texts):
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
        _widths(outer, [TEXT_W])
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
        _widths(table, [TEXT_W])
        ooxml.set_table_borders(table, none=True)
        self._rows(table, [(["{{ signer }}\n{{ date }}{{ date_pad }}"], "Signer", SEALED_ROW,
                            WD_CELL_VERTICAL_ALIGNMENT.BOTTOM),
                           (["{{ remark }}"], "Remark", LINE, WD_CELL_VERTICAL_ALIGNMENT.TOP)])
        table.rows[0].cells[0].paragraphs[1].style = layout.style_by_id(self.doc, "SignDate")

    def bytes(self) -> bytes:
        return normalise_docx(layout.to_bytes(self.doc), when=layout.FIXED_TIME)


# ----------------------------------------------------------------- shared blocks

def title(b: Builder, expr: str = "title_lines", style: str = "DocTitle") -> None:
    b.loop(f"for line in {expr}", "{{ line }}", style)


def lead_paragraph(b: Builder, font: str) -> None:
    """A paragraph whose heading runs into it: the heading in ``font`` (黑体 or 楷体), then the text."""
    para = b.doc.add_paragraph(style=layout.style_by_id(b.doc, "Body"))
    lead = para.add_run("{{ x.lead }}")
    ooxml.set_fonts(lead._r.get_or_add_rPr(), font)
    para.add_run("{{ x.text }}")


def blocks(b: Builder, expr: str) -> None:
    """A body laid out by ``documents.blocks``: headings (一、 黑体; （一） 楷体), paragraphs,
    paragraphs led by a run-in heading, and tables, each as its ``style`` says. The numbers
    and words are the context's; the template sets only how each kind of line looks."""
    b.tag(f"for x in {expr}")
    for style, paragraph in (("h1", "Heading1Cn"), ("h2", "Heading2Cn"), ("p", "Body")):
        b.tag(f'if x.style == "{style}"')
        b.p("{{ x.text }}", paragraph)
        b.tag("endif")
    for style, font in (("lead1", layout.HEITI), ("lead2", layout.KAITI)):
        b.tag(f'if x.style == "{style}"')
        lead_paragraph(b, font)
        b.tag("endif")
    b.tag('if x.style == "table"')
    tables(b, "x")
    b.tag("endif")
    b.tag("endfor")


def attachment_note(b: Builder, expr: str = "attachment_lines") -> None:
    """附件说明: one blank line, then 附件：1.…, with wrapped lines aligned under the name."""
    b.tag(f"if {expr}")
    b.blank()
    b.tag(f"for line in {expr}")
    b.tag("if loop.first")
    b.p("{{ line }}", "AttachmentNote")
    b.tag("else")
    b.p("{{ line }}", "AttachmentNoteMore")
    b.tag("endif")
    b.tag("endfor")
    b.tag("endif")


def tables(b: Builder, var: str) -> None:
    """The table of ``var`` (an attachment or a body block) by its ``kind``; column headings
    that name the parties are the programme's own words (``var.heads``)."""
    v = var
    b.tag(f'if {v}.kind == "pair_list"')
    b.table([("县市区", 16, "^{{ r.county }}"), ("{{ %s.heads.supporter }}" % v, 22, "^{{ r.supporter }}"),
             ("{{ %s.heads.recipient }}" % v, 24, "{{ r.recipient }}"), ("备注", 22, "{{ r.remark }}")],
            f"for r in {v}.rows")
    b.tag("endif")
    b.tag(f'if {v}.kind == "pair_list_stage"')
    b.table([("学段", 14, "^{{ r.stage }}"), ("{{ %s.heads.supporter }}" % v, 26, "^{{ r.supporter }}"),
             ("{{ %s.heads.recipient }}" % v, 26, "{{ r.recipient }}"), ("备注", 18, "{{ r.remark }}")],
            f"for r in {v}.rows")
    b.tag("endif")
    b.tag(f'if {v}.kind == "pair_list_leads"')
    b.table([("{{ %s.heads.supporter }}" % v, 24, "^{{ r.supporter }}"), ("负责人", 12, "^{{ r.supporter_lead }}"),
             ("{{ %s.heads.recipient }}" % v, 32, "{{ r.recipient }}"), ("负责人", 12, "{{ r.recipient_lead }}")],
            f"for r in {v}.rows")
    b.tag("endif")
    b.tag(f'if {v}.kind == "leading_group"')
    b.table([("职务", 12, "{{ r.role }}"), ("姓名", 12, "{{ r.name }}"), ("单位及职务", 40, "<{{ r.position }}")],
            f"for r in {v}.rows")
    b.loop(f"for para in {v}.paragraphs", "{{ para }}")
    b.tag("endif")
    b.tag(f'if {v}.kind == "monthly_plan"')
    b.table([("月份", 9, "^{{ r.month }}"), ("内容", 14, "{{ r.content }}"), ("开展的具体工作", 36, "<{{ r.work }}"),
             ("责任人", 13, "{{ r.owner }}"), ("完成时限", 16, "{{ r.deadline }}")], f"for r in {v}.rows")
    b.loop(f"for para in {v}.paragraphs", "{{ para }}")
    b.tag("endif")
    b.tag(f'if {v}.kind == "teacher_pairs"')
    b.table([("序号", 6, "{{ r.no }}"), ("{{ %s.heads.mentor }}" % v, 12, "{{ r.mentor }}"), ("职称", 12, "{{ r.mentor_title }}"),
             ("{{ %s.heads.mentee }}" % v, 12, "{{ r.mentee }}"), ("职称", 12, "{{ r.mentee_title }}"),
             ("学科", 15, "{{ r.subject }}"), ("所在学校", 21, "{{ r.school }}")], f"for r in {v}.rows")
    b.tag("endif")
    b.tag(f'if {v}.kind == "rubric"')
    b.table([("项目", 8, "^{{ r.category }}"), ("考核要素", 13, "{{ r.item }}"), ("考核细则", 30, "<{{ r.criteria }}"),
             ("查阅资料", 28, "<{{ r.evidence }}"), ("上报\n时间", 10, "{{ r.due }}"), ("得分", 7, "{{ r.score }}")],
            f"for r in {v}.rows")
    b.loop(f"for para in {v}.paragraphs", "{{ para }}")
    b.tag("endif")
    b.tag(f'if {v}.kind == "measures"')
    b.table([("方面", 10, "^{{ r.area }}"), ("序号", 6, "{{ r.no }}"), ("任务", 38, "<{{ r.text }}"),
             ("责任单位", 16, "{{ r.units }}"), ("完成时限", 14, "{{ r.deadline }}")], f"for r in {v}.rows")
    b.tag("endif")
    b.tag(f'if {v}.kind == "text"')
    b.loop(f"for para in {v}.paragraphs", "{{ para }}")
    b.tag("endif")


def attachments(b: Builder, expr: str = "attachments") -> None:
    """Each attachment on a new page: 附件N (黑体, 顶格), a blank line, its title, its table."""
    b.tag(f"for a in {expr}")
    b.p("{{ a.label }}", "AttachmentLabel")
    b.blank()
    title(b, "a.title_lines")
    b.blank()
    tables(b, "a")
    b.tag("endfor")


def plan_body(b: Builder, expr: str, new_page: bool) -> None:
    b.tag(f"for line in {expr}.title_lines")
    b.tag("if loop.first")
    b.p("{{ line }}", "DocTitleNewPage" if new_page else "DocTitle")
    b.tag("else")
    b.p("{{ line }}", "DocTitle")
    b.tag("endif")
    b.tag("endfor")
    b.blank()
    blocks(b, f"{expr}.blocks")


# ------------------------------------------------------------------- templates

def notice() -> Builder:
    b = Builder("通知")
    b.p("", "MarkSpacer")
    b.p("{{r issuer_mark }}", "IssuerMark")
    b.blank(2)
    b.p("{{ doc_no }}", "DocNo")
    b.blank(2)
    title(b)
    b.blank()
    b.p("{{ addressee_line }}", "Addressee")
    b.loop("for para in body", "{{ para }}")
    attachment_note(b)
    b.signature_area("issuer")
    b.tag("if plan")
    plan_body(b, "plan", new_page=True)
    attachment_note(b, "plan_attachment_lines")
    b.tag("endif")
    attachments(b)
    colophon(b)
    b.p("", "EndMark")
    return b


COLOPHON_LINE = 560
"""A line of the 版记 (style Colophon), in twips."""


def colophon(b: Builder) -> None:
    """版记: 抄送 and 印发机关/日期 between a thick top rule, a thin rule between them and a thick
    bottom rule, framed on the bottom edge of the type area of the last page (GB/T 9704 7.4)."""
    def line(text: str, top: int | None, bottom: int, above: int | None = None) -> None:
        para = b.doc.add_paragraph(style=layout.style_by_id(b.doc, "Colophon"))
        para.add_run(text)
        ppr = para._p.get_or_add_pPr()
        ooxml.frame_at_bottom(ppr, TEXT_W, above)
        if top:
            ooxml.set_border(ppr, "top", top)
        ooxml.set_border(ppr, "bottom", bottom)
        para.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_W - 280), WD_TAB_ALIGNMENT.RIGHT)

    b.tag("if cc")
    line("抄送：{{ cc }}。", 8, 6, above=TEXT_H - 2 * COLOPHON_LINE - 140)  # just above the 印发 line
    line("{{ printed_by }}\t{{ printed_on }}印发", None, 8)
    b.tag("else")
    line("{{ printed_by }}\t{{ printed_on }}印发", 8, 8)
    b.tag("endif")


def plan() -> Builder:
    b = Builder("实施方案")
    plan_body(b, "plan", new_page=False)
    attachment_note(b)
    b.tag("if signature")
    b.signature_area("signature")
    b.tag("endif")
    attachments(b)
    b.p("", "EndMark")
    return b


def parties(b: Builder) -> None:
    """The parties, one line each (甲方…, 负责人…, 乙方…), then a blank line."""
    b.loop("for line in parties", "{{ line }}", "BodyNoIndent")
    b.blank()


def agreement() -> Builder:
    """The agreement's form around its body: parties, basis, the numbered sections the data
    fills, 附则 (copies and coming into force), signatures, and the bureaus' confirmation
    where the programme requires it."""
    b = Builder("结对帮扶协议书")
    title(b)
    b.blank()
    parties(b)
    b.p("{{ basis }}")
    blocks(b, "blocks")
    b.p("{{ closing_heading }}", "Heading1Cn")
    b.p("本协议一式{{ copies }}份，甲乙双方各执一份{{ filing }}。{{ effective }}")
    b.tag("if confirm")
    b.signature_area("signature", Label("主管教育行政部门确认："), "confirmations")
    b.tag("else")
    b.signature_area("signature")
    b.tag("endif")
    b.p("", "EndMark")
    return b


def letter(doc_title: str) -> Builder:
    """A responsibility letter (责任书) or a mentoring agreement: parties, the basis, the sections
    the data fills, 份数 and coming into force, signatures."""
    b = Builder(doc_title)
    title(b)
    b.blank()
    parties(b)
    b.p("{{ intro }}")
    blocks(b, "blocks")
    b.p("{{ closing_heading }}", "Heading1Cn")
    b.p("本{{ doc }}一式{{ copies }}份，甲乙双方各执一份，{{ keeper }}存档一份。{{ effective }}")
    b.signature_area("signature")
    b.p("", "EndMark")
    return b


def management_letter() -> Builder:
    return letter("管理帮扶责任书")


def teacher_letter() -> Builder:
    return letter("教师结对帮扶责任书")


def flagged_table(b: Builder, rows: str) -> None:
    b.table([("日期", 27, "{{ r.date }}"), ("类型", 14, "{{ r.type }}"), ("内容", 31, "<{{ r.description }}"),
             ("问题", 28, "<{{ r.why }}")], f"for r in {rows}")


def summary_annex(b: Builder, rows: str, label: str, heading: str) -> None:
    """An annex of a summary after its signatures, on a new page: 附表N, its title (the table and
    the closing ``endif`` follow)."""
    b.tag(f"if {rows}")
    b.p("{{ " + label + " }}", "AttachmentLabel")
    b.blank()
    b.p(heading, "DocTitle")
    b.blank()


def summary() -> Builder:
    b = Builder("年度工作总结")
    title(b)
    b.blank()
    b.loop("for para in lead", "{{ para }}")
    b.p("一、基本情况", "Heading1Cn")
    b.loop("for para in overview", "{{ para }}")
    b.tag("if facts")
    b.loop("for para in facts", "{{ para }}")
    b.tag("else")
    b.p("【活动统计待补充：在 activities/ 中填写或导入本年度活动记录后，此处自动列出各类活动次数、承诺完成情况和考核得分。】",
        "Draft")
    b.tag("endif")
    b.tag("if commitment_rows")
    b.p("表1　承诺事项完成情况{{ as_of }}", "TableCaption")
    b.table([("周期", 12, "{{ r.period }}"), ("承诺事项", 29, "<{{ r.item }}"), ("要求", 11, "{{ r.required }}"),
             ("完成", 36, "<{{ r.done }}"), ("情况", 12, "{{ r.status }}")], "for r in commitment_rows")
    b.tag("endif")
    b.tag("if chart")
    b.p("{{ chart }}", "Figure")
    b.p("图1　各月帮扶活动次数（按类型）", "TableCaption")
    b.tag("endif")
    b.tag("if flagged_rows")
    b.p("表2　迟报、未报备或缺少证明材料的活动", "TableCaption")
    flagged_table(b, "flagged_rows")
    b.tag("endif")
    b.tag("for part in parts")
    b.p("{{ (loop.index + 1)|ordinal }}{{ part.title }}", "Heading1Cn")
    b.tag("if part.note")
    b.p("{{ part.note }}", "Draft")
    b.tag("endif")
    b.tag("for para in part.paragraphs")
    b.tag("if para.keep")  # an item that is only its lead sentence stays with what follows
    b.p("{{r para.text }}", "BodyKeep")
    b.tag("else")
    b.p("{{r para.text }}", "BodyItem")
    b.tag("endif")
    b.tag("endfor")
    b.tag("endfor")
    b.tag("if rubric_rows")
    b.p("{{ (parts|length + 2)|ordinal }}考核自评", "Heading1Cn")
    b.p("按照考核细则逐项自评如下（依据为活动记录的统计{{ as_of }}；方案未规定计分办法的项目待评定"
        "{% if annex_rows %}；各承诺事项逐对的完成情况见附表{% endif %}）：")
    b.table([("序号", 7, "{{ r.no }}"), ("考核项目", 14, "{{ r.title }}"), ("分值", 9, "{{ r.points }}"),
             ("得分", 8, "{{ r.score }}"), ("依据", 62, "<{{ r.reason }}")], "for r in rubric_rows")
    b.p("{{ rubric_total }}", "BodyKeep")
    b.tag("endif")
    b.signature_area("signature")
    summary_annex(b, "annex_rows", "annex_labels.detail", "承诺事项逐对完成情况")
    b.table([("细则\n序号", 6, "{{ r.item }}"), ("承诺事项", 24, "<{{ r.subject }}"),
             ("要求", 12, "{{ r.period }}{{ r.required }}"), ("完成情况", 16, "{{ r.tally }}"),
             ("未达到的周期", 42, "<{{ r.missed }}")], "for r in annex_rows")
    b.tag("endif")
    summary_annex(b, "flagged_annex", "annex_labels.flagged", "迟报、未报备或缺少证明材料的活动")
    flagged_table(b, "flagged_annex")
    b.tag("endif")
    b.p("", "EndMark")
    return b


def cover() -> Builder:
    """Cover and table of contents of a submission bundle."""
    b = Builder("封面和目录", page_numbers=False)
    b.blank()
    b.tag("if spacious")  # a long list of schools takes the room of the blank lines
    b.blank(2)
    b.tag("endif")
    b.loop("for line in title_lines", "{{ line }}", "CoverTitle")
    b.blank()
    b.loop("for line in subtitle_lines", "{{ line }}", "CoverText")
    b.blank()
    b.tag("if spacious")
    b.blank(2)
    b.tag("endif")
    b.loop("for p in parties", "{{ p }}", "CoverText")
    b.tag("if date")
    b.blank()
    b.p("{{ date }}", "CoverText")
    b.tag("endif")
    b.p("目　　录", "DocTitleNewPage")
    b.blank()
    b.table([("序号", 8, "{{ e.no }}"), ("文件", 60, "<{{r e.title }}"), ("页数", 10, "{{ e.pages }}"),
             ("PDF页码", 12, "{{ e.start }}")], "for e in entries")
    b.p("", "EndMark")
    return b


def report() -> Builder:
    """The bureau's roll-up annex: one row per pairing, sorted by score."""
    b = Builder("考核汇总表")
    b.p("附件", "BodyNoIndent")
    b.blank()
    title(b)
    b.blank()
    counts = [("名次", 5, "{{ r.rank }}"), ("{{ heads.supporter }}", 14, "{{ r.supporter }}"),
              ("{{ heads.recipient }}", 17, "<{{ r.recipients }}"),
              ("活动记录", 9, "{{ r.records }}"), ("承诺完成", 9, "{{ r.completion }}"), ("迟报/缺材料", 9, "{{ r.flagged }}")]
    score, grade, note = ("得分", 9, "{{r r.score }}"), ("等次", 6, "{{ r.grade }}"), ("备注", 24, "<{{ r.note }}")
    b.tag("if graded")  # a score column only for a rubric, a grade column only for stated bands
    b.table(counts + [score, grade, note], "for r in rows")
    b.doc.tables[-1].autofit = True  # widths from content when rendered (render.columns), and in Word
    b.tag("elif scored")
    b.table(counts + [score, note], "for r in rows")
    b.doc.tables[-1].autofit = True
    b.tag("else")
    b.table(counts[1:] + [note], "for r in rows")
    b.doc.tables[-1].autofit = True
    b.tag("endif")
    b.loop("for para in notes", "{{ para }}")
    return b


def builder(template: str) -> Callable[[], Builder]:
    """The function of this module that builds ``template`` (``agreement.docx`` -> ``agreement``)."""
    make = globals().get(template.removesuffix(".docx"))
    if not callable(make):
        raise LookupError(f"no builder for {template}: add a function {template.removesuffix('.docx')}() here")
    return make


def build_all(out: Path) -> dict[str, bytes]:
    """Every template the kinds declare, written to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    built = {}
    for name in sorted({k.template for k in kinds.KINDS}):
        data = builder(name)().bytes()
        (out / name).write_bytes(data)
        built[name] = data
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the docgen .docx templates.")
    parser.add_argument("--out", type=Path, default=TEMPLATE_DIR, help="output folder (default: templates/)")
    args = parser.parse_args()
    for name in build_all(args.out):
        print(args.out / name)


if __name__ == "__main__":
    main()
