"""附件: the numbered annexes of notices and plans (pair list, leading group, rubric, task
list, monthly plan, teacher pairs, free text), and the 附件说明 that lists them.

Each attachment is a dict with ``kind`` (which table the template draws), ``label``
(附件 / 附件N), ``title_lines``, ``rows`` and ``paragraphs``.
"""
from __future__ import annotations

from ..load.model.common import LeadingGroup
from ..load.model.pairing import Pairing
from ..load.model.programme import Attachment, AttachmentContent, Programme
from ..text import cn_num, join, number
from .scope import Scope
from .typography import split_title
from .wording import rubric_item


def pair_rows(pairings: list[Pairing], county: str | None = None) -> list[dict]:
    rows, last_county, last_supporter = [], None, None
    for pairing in pairings:
        if county and county not in pairing.county.split("/"):
            continue
        for k, recipient in enumerate(pairing.recipients):
            rows.append({
                "county": pairing.county if pairing.county != last_county else "",
                "supporter": pairing.supporter.name if (k == 0 or pairing.supporter.name != last_supporter) else "",
                "recipient": recipient.full_name,
                "remark": pairing.remark,
            })
            last_county, last_supporter = pairing.county, pairing.supporter.name
    return rows


def leading_group(group: LeadingGroup, title: str) -> dict:
    return {"kind": "leading_group", "label": "", "title_lines": split_title(title),
            "rows": [{"role": m.role, "name": m.name, "position": m.position} for m in group.members],
            "paragraphs": ([group.office] if group.office else []) + list(group.duties)}


def rubric(prog: Programme, title: str) -> dict:
    rub = prog.rubric
    rows, last = [], None
    for it in rub.items:
        rows.append({"category": it.category if it.category != last else "", "item": f"{it.no}.{rubric_item(it, points=True)}",
                     "criteria": it.criteria, "evidence": "；".join(it.evidence), "due": it.due, "score": ""})
        last = it.category
    note = [f"基本分{number(rub.total)}分" + (f"，加分项{number(rub.bonus_points)}分" if rub.bonus_points else "") + "。"
            + "等次：" + "，".join(f"{b.name}{'（' + number(b.min) + '分及以上）' if b.min else ''}" for b in rub.bands) + "。"]
    if rub.note:
        note.append("备注：" + rub.note)
    return {"kind": "rubric", "label": "", "title_lines": split_title(title), "rows": rows, "paragraphs": note}


def teacher_pairs(pairing: Pairing, title: str, keep: tuple[str, ...] = ()) -> dict:
    rows = []
    for i, tp in enumerate(pairing.teacher_pairs, 1):
        school = pairing.recipient(tp.recipient_school)
        subjects = list(dict.fromkeys(s for s in (tp.mentor.subject, tp.mentee.subject) if s))
        rows.append({"no": i, "mentor": tp.mentor.name, "mentor_title": tp.mentor.title, "mentee": tp.mentee.name,
                     "mentee_title": tp.mentee.title, "subject": "／".join(subjects),  # one subject when they share it
                     "school": school.name if school else ""})
    return {"kind": "teacher_pairs", "label": "", "title_lines": split_title(title, keep=keep), "rows": rows,
            "paragraphs": []}


def _table(kind: str, title: str, rows: list[dict]) -> dict:
    return {"kind": kind, "label": "", "title_lines": split_title(title), "rows": rows, "paragraphs": []}


def programme_attachments(scope: Scope, wanted: list[Attachment]) -> list[dict]:
    """The attachments a notice names, or the programme plan's own list, numbered."""
    prog = scope.programme
    out = []
    for att in wanted:
        if att.content == AttachmentContent.pair_list:
            title = att.title + (f"（{scope.county}）" if scope.county else "")
            out.append(_table("pair_list", title, pair_rows(scope.loaded.pairings, scope.county)))
        elif att.content == AttachmentContent.leading_group:
            out.append(leading_group(prog.leading_group, att.title))
        elif att.content == AttachmentContent.rubric:
            out.append(rubric(prog, att.title))
        elif att.content == AttachmentContent.measures:
            out.append(_table("measures", att.title, [{"no": i + 1, "text": m.text, "units": join(m.units),
                                                       "deadline": m.deadline} for i, m in enumerate(prog.measures)]))
        elif att.content == AttachmentContent.monthly_plan_form:
            out.append(_table("monthly_plan", att.title, [{"month": f"{cn_num(m)}月", "content": "", "work": "",
                                                           "owner": "", "deadline": ""}
                                                          for m in (3, 4, 5, 6, 9, 10, 11, 12)]))
        else:
            out.append({"kind": "text", "label": "", "title_lines": split_title(att.title), "rows": [],
                        "paragraphs": list(att.paragraphs)})
    return numbered(out)


def numbered(items: list[dict]) -> list[dict]:
    """Label the attachments 附件, or 附件1, 附件2… when there are several (GB/T 9704 7.3.7)."""
    for i, item in enumerate(items, 1):
        item["label"] = "附件" if len(items) == 1 else f"附件{i}"
    return items


def attachment_lines(items: list[dict]) -> list[str]:
    """附件说明: 附件：1.××, then 2.××… (GB/T 9704 7.3.4)."""
    titles = ["".join(a["title_lines"]) for a in items]
    if not titles:
        return []
    if len(titles) == 1:
        return [f"附件：{titles[0]}"]
    return [f"附件：1.{titles[0]}"] + [f"{i}.{t}" for i, t in enumerate(titles[1:], 2)]
