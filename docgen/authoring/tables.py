"""The tables of attachments and of bodies, drawn by their ``TableKind`` (``documents.tables``):
the template has one branch per kind, with the columns written here and the rows the context's.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..documents.tables import TableKind
from .writer import Writer


class Word(str):
    """A column heading in the programme's own words, from the table's ``heads`` (``supporter``:
    支援学校 or 帮扶学校 …)."""


Column = tuple[str, int, str]
"""(heading, relative width, cell template): a heading breaks at its ``\\n``; a cell template
starting with ``<`` is left-aligned, with ``^`` a group value (``Writer.table``)."""


@dataclass(frozen=True)
class Drawing:
    """How one kind of table is drawn."""

    columns: tuple[Column, ...]
    """No columns: no table (an attachment of paragraphs only)."""
    notes: bool = False
    """The table's ``paragraphs`` printed under it."""


DRAWINGS: dict[TableKind, Drawing] = {
    TableKind.pair_list: Drawing((("县市区", 16, "^{{ r.county }}"), (Word("supporter"), 22, "^{{ r.supporter }}"),
                                  (Word("recipient"), 24, "{{ r.recipient }}"), ("备注", 22, "{{ r.remark }}"))),
    TableKind.pair_list_stage: Drawing((("学段", 14, "^{{ r.stage }}"), (Word("supporter"), 26, "^{{ r.supporter }}"),
                                        (Word("recipient"), 26, "{{ r.recipient }}"), ("备注", 18, "{{ r.remark }}"))),
    TableKind.pair_list_leads: Drawing(((Word("supporter"), 24, "^{{ r.supporter }}"),
                                        ("负责人", 12, "^{{ r.supporter_lead }}"),
                                        (Word("recipient"), 32, "{{ r.recipient }}"),
                                        ("负责人", 12, "{{ r.recipient_lead }}"))),
    TableKind.leading_group: Drawing((("职务", 12, "{{ r.role }}"), ("姓名", 12, "{{ r.name }}"),
                                      ("单位及职务", 40, "<{{ r.position }}")), notes=True),
    TableKind.monthly_plan: Drawing((("月份", 9, "^{{ r.month }}"), ("内容", 14, "{{ r.content }}"),
                                     ("开展的具体工作", 36, "<{{ r.work }}"), ("责任人", 13, "{{ r.owner }}"),
                                     ("完成时限", 16, "{{ r.deadline }}")), notes=True),
    TableKind.teacher_pairs: Drawing((("序号", 6, "{{ r.no }}"), (Word("mentor"), 12, "{{ r.mentor }}"),
                                      ("职称", 12, "{{ r.mentor_title }}"), (Word("mentee"), 12, "{{ r.mentee }}"),
                                      ("职称", 12, "{{ r.mentee_title }}"), ("学科", 15, "{{ r.subject }}"),
                                      ("所在学校", 21, "{{ r.school }}"))),
    TableKind.rubric: Drawing((("项目", 8, "^{{ r.category }}"), ("考核要素", 13, "{{ r.item }}"),
                               ("考核细则", 30, "<{{ r.criteria }}"), ("查阅资料", 28, "<{{ r.evidence }}"),
                               ("上报\n时间", 10, "{{ r.due }}"), ("得分", 7, "{{ r.score }}")), notes=True),
    TableKind.measures: Drawing((("方面", 10, "^{{ r.area }}"), ("序号", 6, "{{ r.no }}"), ("任务", 38, "<{{ r.text }}"),
                                 ("责任单位", 16, "{{ r.units }}"), ("完成时限", 14, "{{ r.deadline }}"))),
    TableKind.text: Drawing((), notes=True),
}
"""Every kind of table, in the order of the template's branches."""

FROM_CONTENT = {TableKind.pair_list, TableKind.pair_list_stage, TableKind.pair_list_leads}
"""Tables whose columns take their widths from their content (names of counties and schools
that vary from one programme to the next: 靖安县/奉新县 broke inside a word at fixed widths)."""


def _heading(head: str, var: str) -> str:
    return "{{ " + f"{var}.heads.{head}" + " }}" if isinstance(head, Word) else head


def tables(w: Writer, var: str) -> None:
    """The table of ``var`` (an attachment or a body block) by its ``kind``: one branch per
    ``TableKind``; column headings that name the parties are the programme's own words
    (``var.heads``)."""
    for kind in TableKind:
        drawing = DRAWINGS[kind]
        w.tag(f'if {var}.kind == "{kind.value}"')
        if drawing.columns:
            w.table([(_heading(head, var), width, cell) for head, width, cell in drawing.columns],
                    f"for r in {var}.rows")
            if kind in FROM_CONTENT:  # widths from what the rows hold (render.columns), as in Word
                w.doc.tables[-1].autofit = True
        if drawing.notes:
            w.loop(f"for para in {var}.paragraphs", "{{ para }}")
        w.tag("endif")
