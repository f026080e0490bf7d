"""附件: the numbered annexes of notices and plans (pair list, leading group, rubric, task
list, monthly plan, teacher pairs, free text), and the 附件说明 that lists them.

Each attachment is a dict with ``kind`` (which table the template draws, a ``TableKind``), ``label``
(附件 / 附件N), ``title_lines``, ``rows`` and ``paragraphs``.
"""
from __future__ import annotations

from ..errors import given
from ..load.model.common import LeadingGroup
from ..load.model.pairing import Pairing
from ..load.model.programme import Attachment, AttachmentContent, Programme
from ..text import cn_num, number
from .blocks import NO_HEADS
from .prose import cat, data, join, say
from .scope import Scope
from .tables import TableKind
from .typography import split_title
from .wording import full_name, mentee_word, mentor_word, recipient_word, rubric_item, supporter_word

STAGES = ["幼儿园", "特殊教育学校", "特教", "小学", "农村中心学校", "初中", "九年一贯制学校", "九年一贯", "完全中学",
          "高中", "普通高中", "中职", "中职学校", "职业学校"]
"""School stages in the order lists are grouped by (seed 002 counts recipients this way)."""


def _stage_key(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def pair_list_kind(pairings: list[Pairing]) -> TableKind:
    """Which pair list a programme's pairings read best in: grouped by stage when every
    recipient has one and there are several; with each school's 负责人 when the schools
    name them and all pairs are in one county; else by county."""
    recipients = [r for p in pairings for r in p.recipients]
    stages = {r.stage for r in recipients}
    if recipients and "" not in stages and len(stages) > 1:
        return TableKind.pair_list_stage
    schools = recipients + [p.supporter for p in pairings]
    if len({p.county for p in pairings}) == 1 and any(s.lead for s in schools):
        return TableKind.pair_list_leads
    return TableKind.pair_list


def pair_rows(pairings: list[Pairing], county: str | None = None, kind: TableKind = TableKind.pair_list) -> list[dict]:
    """The rows of a pair list; a group value (county, stage, supporter) is written on the
    first row of its group only (the template merges the cells below it)."""
    chosen = [p for p in pairings if not county or county in p.county.split("/")]
    items = [(p, k, r) for p in chosen for k, r in enumerate(p.recipients)]
    if kind == TableKind.pair_list_stage:
        items.sort(key=lambda item: _stage_key(item[2].stage))  # stable: pairing order within a stage
    rows: list[dict] = []
    last: dict[str, str] = {}
    for pairing, k, recipient in items:
        sup = pairing.supporter
        row = {"county": data(pairing, "county"), "stage": data(recipient, "stage"), "supporter": data(sup, "name"),
               "supporter_lead": data(sup.lead, "name") if sup.lead else "",
               "recipient": full_name(recipient), "recipient_lead": data(recipient.lead, "name") if recipient.lead else "",
               "remark": data(pairing, "remark") if pairing.remark else ""}
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


def pair_heads(prog: Programme, pairings: list[Pairing]) -> dict:
    """The pair list's column headings in the programme's own words."""
    return {"supporter": supporter_word(pairings, prog), "recipient": recipient_word(prog)}


def leading_group(group: LeadingGroup, title: str) -> dict:
    return {"kind": TableKind.leading_group, "label": "", "title_lines": split_title(title),
            "rows": group_rows(group), "paragraphs": group_notes(group), "heads": NO_HEADS}


def group_rows(group: LeadingGroup) -> list[dict]:
    return [{"role": data(m, "role"), "name": data(m, "name"), "position": data(m, "position")} for m in group.members]


def group_notes(group: LeadingGroup) -> list[str]:
    return [*([data(group, "office")] if group.office else []), *(data(group, "duties", i) for i in range(len(group.duties)))]


def rubric(prog: Programme, title: str) -> dict:
    return {"kind": TableKind.rubric, "label": "", "title_lines": split_title(title), "rows": rubric_rows(prog),
            "paragraphs": rubric_notes(prog), "heads": NO_HEADS}


def rubric_rows(prog: Programme) -> list[dict]:
    rows, last = [], None
    for _i, it in enumerate(given(prog.rubric, "a rubric").items):  # (only for a programme with one: load.checks, plan inserts)
        rows.append({"category": data(it, "category") if it.category != last else "",
                     "item": cat(data(it, "no", text=f"{it.no}."), rubric_item(it, points=True)),
                     "criteria": data(it, "criteria"),
                     "evidence": join([data(it, "evidence", k) for k in range(len(it.evidence))], "；"),
                     "due": data(it, "due") if it.due else "", "score": ""})
        last = it.category
    return rows


def rubric_notes(prog: Programme) -> list[str]:
    """The totals, the grade bands only where the data sets them, and the rubric's note."""
    rub = given(prog.rubric, "a rubric")  # (only for a programme with one: load.checks, plan inserts)
    note = say("基本分{}分{}。", data(rub, "total"),
               say("，加分项{}分", number(rub.bonus_points)) if rub.bonus_points else "")
    if "bands" in rub.model_fields_set and rub.bands:
        bands = [cat(data(b, "name"), say("（{}分及以上）", data(b, "min")) if b.min else "") for b in rub.bands]
        note = cat(note, say("等次：{}。", join(bands, "，")))
    return [note, *([say("备注：{}", data(rub, "note"))] if rub.note else [])]


def teacher_pairs(pairing: Pairing, title: str, keep: tuple[str, ...] = (), prog: Programme | None = None) -> dict:
    rows = []
    for i, tp in enumerate(pairing.teacher_pairs, 1):
        school = pairing.recipient(tp.recipient_school)
        subjects = [data(t, "subject") for t in (tp.mentor, tp.mentee) if t.subject]
        if len(subjects) == 2 and subjects[0] == subjects[1]:
            subjects = subjects[:1]  # one subject when they share it
        rows.append({"no": i, "mentor": data(tp.mentor, "name"), "mentor_title": data(tp.mentor, "title"),
                     "mentee": data(tp.mentee, "name"), "mentee_title": data(tp.mentee, "title"),
                     "subject": join(subjects, "／"), "school": data(school, "name") if school else ""})
    return {"kind": TableKind.teacher_pairs, "label": "", "title_lines": split_title(title, keep=keep), "rows": rows,
            "paragraphs": [], "heads": {**NO_HEADS, "mentor": mentor_word(prog), "mentee": mentee_word(prog)}}


def _table(kind: TableKind, title: str, rows: list[dict], heads: dict | None = None) -> dict:
    return {"kind": kind, "label": "", "title_lines": split_title(title), "rows": rows, "paragraphs": [],
            "heads": {**NO_HEADS, **(heads or {})}}


def programme_attachments(scope: Scope, wanted: list[Attachment]) -> list[dict]:
    """The attachments a notice names, or the programme plan's own list, numbered."""
    prog = scope.programme
    out = []
    for att in wanted:
        title = data(att, "title")
        if att.content == AttachmentContent.pair_list:
            title = cat(title, f"（{scope.county}）" if scope.county else "")
            kind = pair_list_kind(scope.loaded.pairings)
            out.append(_table(kind, title, pair_rows(scope.loaded.pairings, scope.county, kind),
                              pair_heads(prog, scope.loaded.pairings)))
        elif att.content == AttachmentContent.leading_group:
            out.append(leading_group(given(prog.leading_group, "a leading group"), title))  # (checked: load.checks)
        elif att.content == AttachmentContent.rubric:
            out.append(rubric(prog, title))
        elif att.content == AttachmentContent.measures:
            out.append(_table(TableKind.measures, title, measure_rows(prog)))
        elif att.content == AttachmentContent.monthly_plan_form:
            form = _table(TableKind.monthly_plan, title, form_rows(att))
            form["paragraphs"] = form_notes(att)
            out.append(form)
        else:
            out.append({"kind": TableKind.text, "label": "", "title_lines": split_title(title), "rows": [], "heads": NO_HEADS,
                        "paragraphs": [data(att, "paragraphs", k) for k in range(len(att.paragraphs))]})
    return numbered(out)


FORM_MONTHS = (3, 4, 5, 6, 9, 10, 11, 12)
"""The months of a plan form whose rows the data does not list (the months of a school year's terms)."""


def form_rows(att: Attachment) -> list[dict]:
    """The rows of a plan form: those the data lists (some filled in, as the programme's own
    form has them), else one blank row per month of the terms."""
    if att.rows:
        return [{key: data(row, key) if getattr(row, key) else "" for key in ("month", "content", "work", "owner", "deadline")}
                for row in att.rows]
    return [{"month": f"{cn_num(m)}月", "content": "", "work": "", "owner": "", "deadline": ""} for m in FORM_MONTHS]


def form_notes(att: Attachment) -> list[str]:
    return [cat("备注：" if k == 0 else "", data(att, "paragraphs", k)) for k in range(len(att.paragraphs))]


def measure_rows(prog: Programme) -> list[dict]:
    """The task list: every measure, numbered through, its area written once per group."""
    rows, last = [], None
    for i, m in enumerate(prog.measures, 1):
        rows.append({"area": data(m, "area") if m.area != last else "", "no": i, "text": data(m, "text"),
                     "units": join([data(m, "units", k) for k in range(len(m.units))]),
                     "deadline": data(m, "deadline") if m.deadline else ""})
        last = m.area
    return rows


def reference(items: list[dict], kinds: TableKind | frozenset[TableKind]) -> str:
    """见附件2 — how the body points at an attachment of one of ``kinds``: by its number when
    there are several, or "" when there is no such attachment."""
    wanted = kinds if isinstance(kinds, frozenset) else {kinds}
    label = next((a["label"] for a in items if a["kind"] in wanted), "")
    return f"见{label}" if label else ""


def numbered(items: list[dict]) -> list[dict]:
    """Label the attachments 附件, or 附件1, 附件2… when there are several (GB/T 9704 7.3.7)."""
    for i, item in enumerate(items, 1):
        item["label"] = "附件" if len(items) == 1 else f"附件{i}"
    return items


def attachment_lines(items: list[dict]) -> list[str]:
    """附件说明: 附件：1.××, then 2.××… (GB/T 9704 7.3.4)."""
    titles = [cat(*a["title_lines"]) for a in items]
    if not titles:
        return []
    if len(titles) == 1:
        return [cat("附件：", titles[0])]
    return [cat("附件：1.", titles[0]), *(cat(f"{i}.", t) for i, t in enumerate(titles[1:], 2))]
