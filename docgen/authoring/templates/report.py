"""The bureau's roll-up annex (考核汇总表)."""
from __future__ import annotations

from ..blocks import title
from ..writer import Writer


def build() -> Writer:
    """The bureau's roll-up annex: one row per pairing, sorted by score."""
    w = Writer("考核汇总表")
    w.p("附件", "BodyNoIndent")
    w.blank()
    title(w)
    w.blank()
    counts = [("名次", 5, "{{ r.rank }}"), ("{{ heads.supporter }}", 14, "{{ r.supporter }}"),
              ("{{ heads.recipient }}", 17, "<{{ r.recipients }}"),
              ("活动记录", 9, "{{ r.records }}"), ("承诺完成", 9, "{{ r.completion }}"), ("迟报/缺材料", 9, "{{ r.flagged }}")]
    score, grade, note = ("得分", 9, "{{r r.score }}"), ("等次", 6, "{{ r.grade }}"), ("备注", 24, "<{{ r.note }}")
    # a score column only for a rubric, a grade column only for stated bands, a rank only
    # once every score is complete (an empty column says nothing)
    tables = [("ranked and graded", counts + [score, grade, note]), ("graded", counts[1:] + [score, grade, note]),
              ("ranked", counts + [score, note]), ("scored", counts[1:] + [score, note])]
    for k, (condition, columns) in enumerate(tables):
        w.tag(f"{'if' if k == 0 else 'elif'} {condition}")
        w.table(columns, "for r in rows")
        w.doc.tables[-1].autofit = True  # widths from content when rendered (render.columns), and in Word
    w.tag("else")
    w.table(counts[1:] + [note], "for r in rows")
    w.doc.tables[-1].autofit = True
    w.tag("endif")
    w.loop("for para in notes", "{{ para }}")
    return w
