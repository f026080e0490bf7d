"""考核汇总表: the Word annex of the bureau's roll-up, one row per pairing by score."""
from __future__ import annotations

from docxtpl import RichText

from ..text import number
from .scope import Scope
from .typography import split_title


def report(scope: Scope) -> dict:
    """What report.docx needs; rows behind their commitments are marked."""
    data = scope.rollup
    rows = []
    for rank, row in enumerate(data.rows, 1):
        done = sum(m for m, _ in row.completion.values())
        total = sum(t for _, t in row.completion.values())
        mark = RichText(number(row.score), bold=True, color="C00000") if row.behind else RichText(number(row.score))
        rows.append({"rank": rank, "supporter": row.supporter, "recipients": row.recipients,
                     "records": f"{row.counted}/{row.records}", "completion": f"{done}/{total}",
                     "flagged": f"{row.late}/{row.no_evidence}", "score": mark, "grade": row.grade,
                     "note": ("未完成：" + "、".join(row.unmet_commitments)) if row.unmet_commitments
                     else ("无活动记录" if not row.has_records else "")})
    return {"title_lines": split_title(data.title.rsplit("（", 1)[0]) + [f"（{data.year.label}）"], "rows": rows,
            "notes": ["“活动记录”为计入考核次数/记录总数；“承诺完成”为完成的项次/应完成的项次；“迟报/缺材料”为迟报或未报备次数/缺少证明材料次数。",
                      "得分以红色加粗显示的结对未完成承诺事项或没有活动记录；得分含人工评定项，尚未评定的按 0 分计。"]}
