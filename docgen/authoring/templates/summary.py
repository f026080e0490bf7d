"""A pairing's annual (or term) work summary (年度工作总结) and its annexes."""
from __future__ import annotations

from ..blocks import title
from ..writer import Writer


def flagged_table(w: Writer, rows: str) -> None:
    w.table([("日期", 27, "{{ r.date }}"), ("类型", 14, "{{ r.type }}"), ("内容", 31, "<{{ r.description }}"),
             ("问题", 28, "<{{ r.why }}")], f"for r in {rows}")


def summary_annex(w: Writer, rows: str, label: str, heading: str) -> None:
    """An annex of a summary after its signatures, on a new page: 附表N, its title (the table and
    the closing ``endif`` follow)."""
    w.tag(f"if {rows}")
    w.p("{{ " + label + " }}", "AttachmentLabel")
    w.blank()
    w.p(heading, "DocTitle")
    w.blank()


def build() -> Writer:
    w = Writer("年度工作总结")
    title(w)
    w.blank()
    w.loop("for para in lead", "{{ para }}")
    w.p("一、基本情况", "Heading1Cn")
    w.loop("for para in overview", "{{ para }}")
    w.tag("if facts")
    w.loop("for para in facts", "{{ para }}")
    w.tag("else")
    w.p("【活动统计待补充：在 activities/ 中填写或导入本年度活动记录后，此处自动列出各类活动次数、承诺完成情况和考核得分。】",
        "Draft")
    w.tag("endif")
    w.tag("if commitment_rows")
    w.p("表1　承诺事项完成情况{{ as_of }}", "TableCaption")
    w.table([("周期", 12, "{{ r.period }}"), ("承诺事项", 29, "<{{ r.item }}"), ("要求", 11, "{{ r.required }}"),
             ("完成", 36, "<{{ r.done }}"), ("情况", 12, "{{ r.status }}")], "for r in commitment_rows")
    w.tag("endif")
    w.tag("if chart")
    w.p("{{ chart }}", "Figure")
    w.p("图1　各月帮扶活动次数（按类型）", "TableCaption")
    w.tag("endif")
    w.tag("if flagged_rows")
    w.p("表2　迟报、未报备或缺少证明材料的活动", "TableCaption")
    flagged_table(w, "flagged_rows")
    w.tag("endif")
    w.tag("for part in parts")
    w.p("{{ (loop.index + 1)|ordinal }}{{ part.title }}", "Heading1Cn")
    w.tag("if part.note")
    w.p("{{ part.note }}", "Draft")
    w.tag("endif")
    w.tag("for para in part.paragraphs")
    w.tag("if para.keep")  # an item that is only its lead sentence stays with what follows
    w.p("{{r para.text }}", "BodyKeep")
    w.tag("else")
    w.p("{{r para.text }}", "BodyItem")
    w.tag("endif")
    w.tag("endfor")
    w.tag("endfor")
    w.tag("if rubric_rows")
    w.p("{{ (parts|length + 2)|ordinal }}考核自评", "Heading1Cn")
    w.p("按照考核细则逐项自评如下（依据为活动记录的统计{{ as_of }}；方案未规定计分办法的项目待评定"
        "{% if annex_rows %}；各承诺事项逐对的完成情况见附表{% endif %}）：")
    w.table([("序号", 7, "{{ r.no }}"), ("考核项目", 14, "{{ r.title }}"), ("分值", 9, "{{ r.points }}"),
             ("得分", 8, "{{ r.score }}"), ("依据", 62, "<{{ r.reason }}")], "for r in rubric_rows")
    w.p("{{ rubric_total }}", "BodyKeep")
    w.tag("endif")
    w.signature_area("signature")
    summary_annex(w, "annex_rows", "annex_labels.detail", "承诺事项逐对完成情况")
    detail = [("承诺事项", 24, "<{{ r.subject }}"), ("要求", 12, "{{ r.period }}{{ r.required }}"),
              ("完成情况", 16, "{{ r.tally }}"), ("未达到的周期", 42, "<{{ r.missed }}")]
    w.tag("if annex_items")  # the rubric's item numbers only where there is a rubric to number them
    w.table([("细则\n序号", 6, "{{ r.item }}"), *detail], "for r in annex_rows")
    w.tag("else")
    w.table([(head, width + (6 if k == 0 else 0), cell) for k, (head, width, cell) in enumerate(detail)], "for r in annex_rows")
    w.tag("endif")
    w.tag("endif")
    summary_annex(w, "flagged_annex", "annex_labels.flagged", "迟报、未报备或缺少证明材料的活动")
    flagged_table(w, "flagged_annex")
    w.tag("endif")
    w.p("", "EndMark")
    return w
