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


def _header_width(head: str) -> int:
    """The width (twips) a header needs to stand on its lines without breaking a word."""
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
        self._rows(table, [(["{{ signer }}\n{{ date|cn_date(blank=True) }}{{ date_pad }}"], "Signer", SEALED_ROW,
                            WD_CELL_VERTICAL_ALIGNMENT.BOTTOM),
                           (["{{ remark|paren }}"], "Remark", LINE, WD_CELL_VERTICAL_ALIGNMENT.TOP)])
        table.rows[0].cells[0].paragraphs[1].style = layout.style_by_id(self.doc, "SignDate")

    def bytes(self) -> bytes:
        return normalise_docx(layout.to_bytes(self.doc), when=layout.FIXED_TIME)


# ----------------------------------------------------------------- shared blocks

def title(b: Builder, expr: str = "title_lines", style: str = "DocTitle") -> None:
    b.loop(f"for line in {expr}", "{{ line }}", style)


def sections(b: Builder, expr: str) -> None:
    """Numbered sections: 一、 (黑体) with paragraphs and （一） (楷体) sub-sections."""
    b.tag(f"for s in {expr}")
    b.p("{{ loop.index|ordinal }}{{ s.title }}", "Heading1Cn")
    b.loop("for para in s.paragraphs", "{{ para }}")
    b.tag("for sub in s.subsections")
    b.p("{{ loop.index|paren_ordinal }}{{ sub.title }}", "Heading2Cn")
    b.loop("for para in sub.paragraphs", "{{ para }}")
    b.tag("endfor")
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


def attachments(b: Builder, expr: str = "attachments") -> None:
    """Each attachment on a new page: 附件N (黑体, 顶格), a blank line, its title, its table."""
    b.tag(f"for a in {expr}")
    b.p("{{ a.label }}", "AttachmentLabel")
    b.blank()
    title(b, "a.title_lines")
    b.blank()
    b.tag('if a.kind == "pair_list"')
    b.table([("县市区", 16, "^{{ r.county }}"), ("支援学校", 22, "^{{ r.supporter }}"),
             ("受援学校", 24, "{{ r.recipient }}"), ("备注", 22, "{{ r.remark }}")], "for r in a.rows")
    b.tag("endif")
    b.tag('if a.kind == "pair_list_stage"')
    b.table([("学段", 14, "^{{ r.stage }}"), ("支援学校", 26, "^{{ r.supporter }}"),
             ("受援学校", 26, "{{ r.recipient }}"), ("备注", 18, "{{ r.remark }}")], "for r in a.rows")
    b.tag("endif")
    b.tag('if a.kind == "pair_list_leads"')
    b.table([("支援学校", 24, "^{{ r.supporter }}"), ("负责人", 12, "^{{ r.supporter_lead }}"),
             ("受援学校", 32, "{{ r.recipient }}"), ("负责人", 12, "{{ r.recipient_lead }}")], "for r in a.rows")
    b.tag("endif")
    b.tag('if a.kind == "leading_group"')
    b.table([("职务", 12, "{{ r.role }}"), ("姓名", 12, "{{ r.name }}"), ("单位及职务", 40, "<{{ r.position }}")],
            "for r in a.rows")
    b.loop("for para in a.paragraphs", "{{ para }}")
    b.tag("endif")
    b.tag('if a.kind == "monthly_plan"')
    b.table([("月份", 9, "^{{ r.month }}"), ("内容", 14, "{{ r.content }}"), ("开展的具体工作", 36, "<{{ r.work }}"),
             ("责任人", 13, "{{ r.owner }}"), ("完成时限", 16, "{{ r.deadline }}")], "for r in a.rows")
    b.loop("for para in a.paragraphs", "{{ para }}")
    b.tag("endif")
    b.tag('if a.kind == "teacher_pairs"')
    b.table([("序号", 6, "{{ r.no }}"), ("帮扶教师", 12, "{{ r.mentor }}"), ("职称", 12, "{{ r.mentor_title }}"),
             ("受援教师", 12, "{{ r.mentee }}"), ("职称", 12, "{{ r.mentee_title }}"), ("学科", 15, "{{ r.subject }}"),
             ("所在学校", 21, "{{ r.school }}")], "for r in a.rows")
    b.tag("endif")
    b.tag('if a.kind == "rubric"')
    b.table([("项目", 8, "^{{ r.category }}"), ("考核要素", 13, "{{ r.item }}"), ("考核细则", 30, "<{{ r.criteria }}"),
             ("查阅资料", 28, "<{{ r.evidence }}"), ("上报\n时间", 10, "{{ r.due }}"), ("得分", 7, "{{ r.score }}")],
            "for r in a.rows")
    b.loop("for para in a.paragraphs", "{{ para }}")
    b.tag("endif")
    b.tag('if a.kind == "measures"')
    b.table([("方面", 10, "^{{ r.area }}"), ("序号", 6, "{{ r.no }}"), ("任务", 38, "<{{ r.text }}"),
             ("责任单位", 16, "{{ r.units }}"), ("完成时限", 14, "{{ r.deadline }}")], "for r in a.rows")
    b.tag("endif")
    b.tag('if a.kind == "text"')
    b.loop("for para in a.paragraphs", "{{ para }}")
    b.tag("endif")
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
    b.loop(f"for para in {expr}.preamble", "{{ para }}")
    sections(b, f"{expr}.sections")


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
    line("{{ printed_by }}\t{{ printed_on|cn_date }}印发", None, 8)
    b.tag("else")
    line("{{ printed_by }}\t{{ printed_on|cn_date }}印发", 8, 8)
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


def agreement() -> Builder:
    b = Builder("结对帮扶协议书")
    title(b)
    b.blank()
    b.p("甲方（{{ a.role }}）：{{ a.name }}", "BodyNoIndent")
    b.tag("if a.lead")
    b.p("负责人：{{ a.lead }}", "BodyNoIndent")
    b.tag("endif")
    b.p("乙方（受援学校）：{{ b.name }}", "BodyNoIndent")
    b.tag("if b.lead")
    b.p("负责人：{{ b.lead }}", "BodyNoIndent")
    b.tag("endif")
    b.blank()
    b.p("{{ basis }}，经甲乙双方平等协商，就结对帮扶事宜订立本协议，共同遵守。")
    b.p("一、帮扶期限", "Heading1Cn")
    b.p("本协议帮扶期限自{{ term.start_text }}起至{{ term.end_text }}止，为期{{ term.years|cn_num }}年"
        "{% if term.school_years %}，涵盖{{ term.school_years|join }}{% endif %}。")
    b.p("二、帮扶目标", "Heading1Cn")
    b.tag("if goal")
    b.p("{{ goal }}")
    b.tag("endif")
    b.tag("if key_target")
    b.p("年度重点帮扶目标：{{ key_target }}")
    b.tag("endif")
    b.loop("for g in yearly_goals", "{{ g }}")
    b.p("三、帮扶内容及方式", "Heading1Cn")
    b.tag("for line in content_lines")
    b.tag("if line.heading")
    b.p("{{ line.text }}", "Heading2Cn")
    b.tag("else")
    b.p("{{ line.text }}")
    b.tag("endif")
    b.tag("endfor")
    b.p("四、甲方职责", "Heading1Cn")
    b.loop("for d in duties_a", "{{ loop.index }}.{{ d }}")
    b.p("五、乙方职责", "Heading1Cn")
    b.loop("for d in duties_b", "{{ loop.index }}.{{ d }}")
    b.p("六、工作机制", "Heading1Cn")
    b.loop("for m in mechanisms", "{% if mechanisms|length > 1 %}{{ loop.index }}.{% endif %}{{ m }}")
    b.p("七、考核评价", "Heading1Cn")
    b.p("双方于每学年末开展自评，形成年度工作总结，连同过程资料报主管教育行政部门。{{ assessment }}")
    b.p("八、协议的变更、解除与终止", "Heading1Cn")
    b.p("本协议未尽事宜由双方协商补充，补充协议与本协议具有同等效力。因政策调整或学校撤并等原因无法继续履行的，"
        "经双方协商一致并报主管教育行政部门同意后，可以变更或解除本协议。")
    b.p("九、争议解决", "Heading1Cn")
    b.p("履行本协议发生争议的，双方应友好协商；协商不成的，提请{{ dispute_bureau }}协调解决。")
    b.p("十、附则", "Heading1Cn")
    b.p("本协议一式{{ copies|cn_num }}份，甲乙双方各执一份，{{ filing }}。{{ effective }}")
    b.signature_area("signature", Label("主管教育行政部门确认："), "confirmations")
    b.p("", "EndMark")
    return b


def letter(doc_title: str, parties: list[str], intro: str, goal: str, heads: tuple[str, str],
           assessment: str) -> Builder:
    """A responsibility letter (责任书): parties, goal, duties of each side, assessment, term."""
    b = Builder(doc_title)
    title(b)
    b.blank()
    for party in parties:
        b.p(party, "BodyNoIndent")
    b.blank()
    b.p(intro)
    b.p("一、责任目标", "Heading1Cn")
    b.p(goal)
    b.p("二、责任内容", "Heading1Cn")
    b.p(heads[0], "Heading2Cn")
    b.loop("for d in duties_a", "{{ loop.index }}.{{ d }}")
    b.p(heads[1], "Heading2Cn")
    b.loop("for d in duties_b", "{{ loop.index }}.{{ d }}")
    b.tag("if duties_both")
    b.p("（三）双方共同责任", "Heading2Cn")
    b.loop("for d in duties_both", "{{ loop.index }}.{{ d }}")
    b.tag("endif")
    b.p("三、考核与奖惩", "Heading1Cn")
    b.p(assessment)
    b.p("四、责任期限", "Heading1Cn")
    b.p("自{{ term.start_text }}起至{{ term.end_text }}止。")
    b.p("五、其他", "Heading1Cn")
    b.p("本责任书一式{{ copies|cn_num }}份，{{ filing }}。自双方签字之日起生效，有效期至{{ term.end_text }}。")
    b.signature_area("signature")
    b.p("", "EndMark")
    return b


def management_letter() -> Builder:
    return letter(
        "管理帮扶责任书",
        ["甲方（{{ a.role }}）：{{ a.school }}　{{ a.person }}", "乙方（{{ b.role }}）：{{ b.school }}　{{ b.person }}"],
        "{{ basis }}，为明确{{ purpose }}，签订本责任书。",
        "{{ goal }}",
        ("（一）甲方责任", "（二）乙方责任"),
        "双方学校每学期对责任落实情况进行检查，每学年考核一次，结果记入本人年度考核和业务档案，作为评优评先、职称评聘的参考；"
        "无正当理由不履行责任的，由所在学校督促整改。")


def teacher_letter() -> Builder:
    return letter(
        "教师结对帮扶责任书",
        ["甲方（帮扶教师）：{{ mentor.name }}　{{ mentor.school }}　{{ mentor.detail }}",
         "乙方（受援教师）：{{ mentee.name }}　{{ mentee.school }}　{{ mentee.detail }}"],
        "{{ basis }}，甲乙双方结成师徒对子，签订本责任书。",
        "通过结对帮扶，乙方在教学设计、课堂教学、作业设计和教学研究等方面明显进步，帮扶期满时能独立承担{{ subject }}教学并上好公开课。",
        ("（一）甲方（帮扶教师）责任", "（二）乙方（受援教师）责任"),
        "双方学校每学期检查交流记录、听课记录和课例材料，每学年考核一次，结果记入双方年度考核和业务档案，作为评优评先、职称评聘的参考。")


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
    b.p("表1　承诺事项完成情况", "TableCaption")
    b.table([("周期", 14, "{{ r.period }}"), ("承诺事项", 28, "<{{ r.item }}"), ("要求", 14, "{{ r.required }}"),
             ("完成", 32, "<{{ r.done }}"), ("情况", 8, "{{ r.status }}")], "for r in commitment_rows")
    b.tag("endif")
    b.tag("if chart")
    b.p("{{ chart }}", "Figure")
    b.p("图1　各月帮扶活动次数（按类型）", "TableCaption")
    b.tag("endif")
    b.tag("if flagged_rows")
    b.p("表2　迟报、未报备或缺少证明材料的活动", "TableCaption")
    b.table([("日期", 18, "{{ r.date }}"), ("类型", 14, "{{ r.type }}"), ("内容", 40, "<{{ r.description }}"),
             ("问题", 28, "<{{ r.why }}")], "for r in flagged_rows")
    b.tag("endif")
    b.tag("for part in parts")
    b.p("{{ (loop.index + 1)|ordinal }}{{ part.title }}", "Heading1Cn")
    b.tag("if part.note")
    b.p("{{ part.note }}", "Draft")
    b.tag("endif")
    b.loop("for para in part.paragraphs", "{{r para }}")
    b.tag("endfor")
    b.tag("if rubric_rows")
    b.p("{{ (parts|length + 2)|ordinal }}考核自评", "Heading1Cn")
    b.p("按照考核细则逐项自评如下（依据为本年度活动记录；需人工评定的项目以评定分为准）：")
    b.table([("序号", 7, "{{ r.no }}"), ("考核项目", 14, "{{ r.title }}"), ("分值", 9, "{{ r.points }}"),
             ("得分", 8, "{{ r.score }}"), ("依据", 62, "<{{ r.reason }}")], "for r in rubric_rows")
    b.p("{{ rubric_total }}", "BodyKeep")
    b.tag("endif")
    b.signature_area("signature")
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
    b.p("{{ date|cn_date }}", "CoverText")
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
    b.table([("名次", 5, "{{ r.rank }}"), ("支援学校", 14, "{{ r.supporter }}"), ("受援学校", 17, "<{{ r.recipients }}"),
             ("活动记录", 9, "{{ r.records }}"), ("承诺完成", 9, "{{ r.completion }}"), ("迟报/缺材料", 9, "{{ r.flagged }}"),
             ("得分", 7, "{{r r.score }}"), ("等次", 6, "{{ r.grade }}"), ("备注", 24, "<{{ r.note }}")], "for r in rows")
    b.doc.tables[-1].autofit = True  # widths from content when rendered (render.columns), and in Word
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
