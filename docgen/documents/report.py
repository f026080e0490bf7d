"""考核汇总表: the Word annex of the bureau's roll-up, one row per pairing (by score, when every
score is complete). A programme without a rubric has no score column; one whose rubric states
no grade bands has no grade column."""
from __future__ import annotations

from docxtpl import RichText

from ..errors import given
from ..text import number
from .scope import Scope
from .typography import split_title


def report(scope: Scope) -> dict:
    """What report.docx needs; rows behind their commitments are marked."""
    data = given(scope.rollup, "a roll-up")
    rows = []
    for rank, row in enumerate(data.rows, 1):
        done = sum(m for m, _ in row.completion.values())
        total = sum(t for _, t in row.completion.values())
        score = "" if row.score is None else number(row.score) + ("（另有待评）" if row.pending else "")
        mark = RichText(score, bold=True, color="C00000") if row.behind else RichText(score)
        note = ("未完成：" + "、".join(row.unmet_commitments)) if row.unmet_commitments else (
            "无活动记录" if not row.has_records else "")
        rows.append({"rank": rank, "supporter": row.supporter, "recipients": row.recipients,
                     "records": f"{row.counted}/{row.records}", "completion": f"{done}/{total}",
                     "flagged": f"{row.late}/{row.no_evidence}", "score": mark, "grade": row.grade, "note": note})
    notes = ["“活动记录”为计入考核次数/记录总数；“承诺完成”为完成的项次/应完成的项次（统计截止日期时尚未结束的学期、学年，"
             "已完成的计入，未完成的不计为未完成）；“迟报/缺材料”为迟报或未报备次数/缺少证明材料次数。"]
    if data.scored:
        notes.append("得分只含已评定的考核项（按方案规定的办法计分或由评定人评定）；标“另有待评”的结对尚有考核项待教育局评定。")
        # (only the score is marked: a roll-up without scores says what is behind in 备注 alone)
        notes.append("得分以红色加粗标出的结对未完成承诺事项或没有活动记录。")
    if data.as_of_note:
        notes.append(data.as_of_note + "。")
    terms = given(data.loaded.programme, "a programme").terms
    return {"title_lines": split_title(data.title.rsplit("（", 1)[0]) + [f"（{data.label}）"], "rows": rows,
            "heads": {"supporter": terms.supporter, "recipient": terms.recipient},
            "scored": data.scored, "graded": data.graded, "ranked": data.ranked, "notes": notes}
