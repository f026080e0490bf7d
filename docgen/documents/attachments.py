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

STAGES = ["幼儿园", "特殊教育学校", "特教", "小学", "农村中心学校", "初中", "九年一贯制学校", "九年一贯", "完全中学",
          "高中", "普通高中", "中职", "中职学校", "职业学校"]
"""School stages in the order lists are grouped by (seed 002 counts recipients this way)."""


def _stage_key(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def pair_list_kind(pairings: list[Pairing]) -> str:
    """Which pair list a programme's pairings read best in: grouped by stage when every
    recipient has one and there are several; with each school's 负责人 when the schools
    name them and all pairs are in one county; else by county."""
    recipients = [r for p in pairings for r in p.recipients]
    stages = {r.stage for r in recipients}
    if recipients and "" not in stages and len(stages) > 1:
        return "pair_list_stage"
    schools = recipients + [p.supporter for p in pairings]
    if len({p.county for p in pairings}) == 1 and any(s.lead for s in schools):
        return "pair_list_leads"
    return "pair_list"


def pair_rows(pairings: list[Pairing], county: str | None = None, kind: str = "pair_list") -> list[dict]:
    """The rows of a pair list; a group value (county, stage, supporter) is written on the
    first row of its group only (the template merges the cells below it)."""
    chosen = [p for p in pairings if not county or county in p.county.split("/")]
    items = [(p, k, r) for p in chosen for k, r in enumerate(p.recipients)]
    if kind == "pair_list_stage":
        items.sort(key=lambda item: _stage_key(item[2].stage))  # stable: pairing order within a stage
    rows, last = [], {}
    for pairing, k, recipient in items:
        row = {"county": pairing.county, "stage": recipient.stage, "supporter": pairing.supporter.name,
               "supporter_lead": pairing.supporter.lead.name if pairing.supporter.lead else "",
               "recipient": recipient.full_name, "recipient_lead": recipient.lead.name if recipient.lead else "",
               "remark": pairing.remark}
        same_group = all(row[g] == last.get(g) for g in ("county", "stage"))
        shown = dict(row)
        for group in ("county", "stage"):
            if row[group] == last.get(group):
                shown[group] = ""
        if same_group and pairing.supporter.name == last.get("supporter") and k > 0:
            shown["supporter"] = shown["supporter_lead"] = ""
        rows.append(shown)
        last = row
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
            kind = pair_list_kind(scope.loaded.pairings)
            out.append(_table(kind, title, pair_rows(scope.loaded.pairings, scope.county, kind)))
        elif att.content == AttachmentContent.leading_group:
            out.append(leading_group(prog.leading_group, att.title))
        elif att.content == AttachmentContent.rubric:
            out.append(rubric(prog, att.title))
        elif att.content == AttachmentContent.measures:
            out.append(_table("measures", att.title, measure_rows(prog)))
        elif att.content == AttachmentContent.monthly_plan_form:
            form = _table("monthly_plan", att.title, [{"month": f"{cn_num(m)}月", "content": "", "work": "",
                                                       "owner": "", "deadline": ""} for m in (3, 4, 5, 6, 9, 10, 11, 12)])
            form["paragraphs"] = [f"备注：{p}" if k == 0 else p for k, p in enumerate(att.paragraphs)]
            out.append(form)
        else:
            out.append({"kind": "text", "label": "", "title_lines": split_title(att.title), "rows": [],
                        "paragraphs": list(att.paragraphs)})
    return numbered(out)


def measure_rows(prog: Programme) -> list[dict]:
    """The task list: every measure, numbered through, its area written once per group."""
    rows, last = [], None
    for i, m in enumerate(prog.measures, 1):
        rows.append({"area": m.area if m.area != last else "", "no": i, "text": m.text, "units": join(m.units),
                     "deadline": m.deadline})
        last = m.area
    return rows


def reference(items: list[dict], kind: str) -> str:
    """见附件2 — how the body points at an attachment: by its number when there are several,
    or "" when there is no such attachment."""
    label = next((a["label"] for a in items if a["kind"] == kind or a["kind"].startswith(kind + "_")), "")
    return f"见{label}" if label else ""


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
