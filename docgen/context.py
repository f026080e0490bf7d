"""Stage 2, context: typed model -> the plain values a template needs.

Every function here takes loaded data and returns a dict of strings, numbers, dates and
lists of such; templates never reach into the model, so a template can be checked
against a context (``docgen templates check``) and the wording of derived sentences
lives in one place.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docxtpl import RichText

from . import layout
from .filters import center_over, cn_date, cn_num, display_width, join, number
from .model.common import PARTY_NAMES, Activity, Party, Period
from .model.cycle import Cycle
from .model.pairing import Pair, Pairing, School
from .model.programme import AttachmentContent, Commitment, Notice, Programme

from .filters import BLANK_DATE


@dataclass
class Scope:
    """What one document is rendered for: the programme plus, where relevant, one item."""

    programme: Programme
    programme_id: str
    pairings: list[Pairing]
    root: Path
    pairing: Pairing | None = None
    pair: Pair | None = None
    item: Any = None  # a ManagerPair or TeacherPair
    notice: Notice | None = None
    county: str | None = None
    year: Any = None  # a CycleYear
    activities: dict = field(default_factory=dict)  # (pairing id, year key) -> ActivityLog


# ------------------------------------------------------------------ helpers

def split_title(text: str, limit: int = 18) -> list[str]:
    """Break a long title into balanced lines at natural points (GB/T 9704 7.3.1).

    18 rather than the nominal 20 characters a line: the bold title face sets digits wider
    than half a character, so a 20-character title with a year in it does not fit.
    """
    if display_width(text) <= limit:
        return [text]
    n = math.ceil(display_width(text) / limit)
    target = len(text) / n
    breaks = {i for i, ch in enumerate(text) if ch == "《" or (i and text[i - 1] in "》，、")}
    breaks |= {i for i in range(len(text)) if text.startswith(("的通知", "的实施方案", "结对帮扶", "工作总结", "协议书"), i)}
    lines, start = [], 0
    for _ in range(n - 1):
        ideal = start + target
        candidates = [i for i in breaks if start + 4 <= i <= len(text) - 4 and display_width(text[start:i]) <= limit]
        cut = min(candidates, key=lambda i: abs(i - ideal)) if candidates else int(ideal)
        if abs(cut - ideal) > target / 2:
            cut = int(round(ideal))
        lines.append(text[start:cut])
        start = cut
    lines.append(text[start:])
    return [line for line in lines if line]


def issuer_mark(text: str) -> RichText:
    """The red 发文机关标志, shrunk to fit the type width (小初 at most)."""
    width_pt = layout.TEXT_W / 20
    size_pt = min(36, int(width_pt / max(display_width(text), 1)))
    return RichText(text, size=size_pt * 2)


def person(p) -> str:
    if p is None:
        return ""
    return f"{p.name}（{p.position}）" if getattr(p, "position", "") else p.name


def signer_rows(names: list[str]) -> list[dict]:
    """Joint signers, two to a row (the template gives each row the height of a seal)."""
    return [{"left": names[i], "right": names[i + 1] if i + 1 < len(names) else ""} for i in range(0, len(names), 2)]


def bureau_of(school: School, pairing: Pairing, prog: Programme) -> str:
    if school.bureau:
        return school.bureau
    county = school.county or pairing.county
    return prog.county_bureaus.get(county, prog.bureau.name)


def cycle_of(scope: Scope) -> Cycle:
    if scope.pairing and scope.pairing.cycle:
        return scope.pairing.cycle
    return scope.programme.cycle


def term_context(cycle: Cycle) -> dict[str, Any]:
    return {"start": cycle.start, "end": cycle.end, "years": cycle.years,
            "school_years": [y.label for y in cycle.cycle_years]}


def issuing_notice(prog: Programme) -> Notice | None:
    return next((n for n in prog.notices if n.issues_plan), None)


def basis_sentence(prog: Programme) -> str:
    notice = issuing_notice(prog)
    ref = f"《{prog.title}》"
    if notice:
        ref += f"（{notice.doc_no}）"
    return f"根据{prog.bureau.name}{ref}的要求"


def commitment_text(c: Commitment, *, with_party: bool = True) -> str:
    """支援学校每学期为受援学校送课指导不少于3个学科、5人次。"""
    numbers = []
    if c.times:
        numbers.append(f"{c.times}次")
    if c.subjects:
        numbers.append(f"{c.subjects}个学科")
    if c.people:
        numbers.append(f"{c.people}人")
    if c.person_times:
        numbers.append(f"{c.person_times}人次")
    if c.days:
        numbers.append(f"累计{number(c.days)}天")
    text = (PARTY_NAMES[c.by] if with_party else "") + {Period.month: "每月", Period.term: "每学期",
                                                         Period.school_year: "每学年", Period.cycle: "在帮扶期内"}[c.per]
    text += c.what
    if numbers:
        text += "不少于" + "、".join(numbers)
    if c.tenure_years:
        text += f"，每人时间不少于{cn_num(c.tenure_years)}学年"
    return text + "。"


def report_rule(prog: Programme) -> str:
    if prog.report_within_days:
        return f"每次帮扶活动结束后{cn_num(prog.report_within_days)}日内，由组织方将活动方案、记录和图片等资料报主管教育行政部门备案。"
    return "帮扶活动的方案、记录和图片等资料及时整理归档。"


def recipients_text(pairing: Pairing) -> str:
    return join([r.full_name for r in pairing.recipients])


# ------------------------------------------------------------ attachments

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


def counties(pairings: list[Pairing]) -> list[str]:
    """Every county named by a pairing, in first-seen order; 靖安县/奉新县 counts for both."""
    seen: list[str] = []
    for pairing in pairings:
        for part in pairing.county.split("/"):
            if part not in seen:
                seen.append(part)
    return seen


def leading_group_attachment(group, title: str, label: str) -> dict:
    return {"kind": "leading_group", "label": label, "title_lines": split_title(title),
            "rows": [{"role": m.role, "name": m.name, "position": m.position} for m in group.members],
            "paragraphs": ([group.office] if group.office else []) + list(group.duties)}


def rubric_attachment(prog: Programme, label: str) -> dict:
    rub = prog.rubric
    rows = [{"category": it.category, "title": it.title,
             "points": number(it.points) + ("（加分）" if it.bonus else ""), "criteria": it.criteria,
             "evidence": "；".join(it.evidence), "due": it.due, "score": ""} for it in rub.items]
    note = [f"基本分{number(rub.total)}分" + (f"，加分项{number(rub.bonus_points)}分" if rub.bonus_points else "") + "。"
            + "等次：" + "，".join(f"{b.name}{'（' + number(b.min) + '分及以上）' if b.min else ''}" for b in rub.bands) + "。"]
    if rub.note:
        note.append("备注：" + rub.note)
    return {"kind": "rubric", "label": label, "title_lines": split_title(rub.title or f"{prog.title}考核细则"),
            "rows": rows, "paragraphs": note}


def programme_attachments(scope: Scope, wanted: list) -> list[dict]:
    """Attachments named by a notice, or the programme plan's own list."""
    prog = scope.programme
    out = []
    for att in wanted:
        label = ""  # numbered below
        if att.content == AttachmentContent.pair_list:
            title = att.title + (f"（{scope.county}）" if scope.county else "")
            out.append({"kind": "pair_list", "label": label, "title_lines": split_title(title),
                        "rows": pair_rows(scope.pairings, scope.county), "paragraphs": []})
        elif att.content == AttachmentContent.leading_group:
            out.append(leading_group_attachment(prog.leading_group, att.title, label))
        elif att.content == AttachmentContent.rubric:
            item = rubric_attachment(prog, label)
            item["title_lines"] = split_title(att.title)
            out.append(item)
        elif att.content == AttachmentContent.measures:
            out.append({"kind": "measures", "label": label, "title_lines": split_title(att.title),
                        "rows": [{"no": i + 1, "text": m.text, "units": join(m.units), "deadline": m.deadline}
                                 for i, m in enumerate(prog.measures)], "paragraphs": []})
        elif att.content == AttachmentContent.monthly_plan_form:
            out.append({"kind": "monthly_plan", "label": label, "title_lines": split_title(att.title),
                        "rows": [{"month": f"{cn_num(m)}月", "content": "", "work": "", "owner": "", "deadline": ""}
                                 for m in (3, 4, 5, 6, 9, 10, 11, 12)], "paragraphs": []})
        else:
            out.append({"kind": "text", "label": label, "title_lines": split_title(att.title), "rows": [],
                        "paragraphs": list(att.paragraphs)})
    return number_attachments(out)


def number_attachments(items: list[dict]) -> list[dict]:
    for i, item in enumerate(items, 1):
        item["label"] = "附件" if len(items) == 1 else f"附件{i}"
    return items


def attachment_lines(items: list[dict]) -> list[str]:
    titles = ["".join(a["title_lines"]) for a in items]
    if not titles:
        return []
    if len(titles) == 1:
        return [f"附件：{titles[0]}"]
    return [f"附件：1.{titles[0]}"] + [f"{i}.{t}" for i, t in enumerate(titles[1:], 2)]


# ------------------------------------------------------------------- plans

def _section(title: str, paragraphs: list[str] | None = None, subsections: list[dict] | None = None) -> dict:
    return {"title": title, "paragraphs": [p for p in (paragraphs or []) if p], "subsections": subsections or []}


def _steps(prog: Programme) -> list[dict]:
    subs = []
    for step in prog.steps:
        when = ""
        if step.start and step.end:
            when = f"（{cn_date(step.start)}—{cn_date(step.end)}）"
        elif step.end:
            when = f"（{cn_date(step.end)}前）"
        subs.append({"title": step.title + when, "paragraphs": [step.text] if step.text else []})
    return subs


def programme_plan_data(scope: Scope, *, attachments_from: list | None = None) -> dict:
    prog = scope.programme
    cyc = prog.cycle
    preamble = prog.preamble or (basis_sentence(prog) + "，结合实际，制定本方案。")
    secs = []
    if prog.guiding_idea:
        secs.append(_section("指导思想", prog.guiding_idea))
    if prog.goals:
        yearly = [{"title": f"{g.year}年目标", "paragraphs": [g.text] + [
            f"{ind.name}：{number(ind.target)}{ind.unit}" for ind in g.indicators]} for g in prog.goals.yearly]
        secs.append(_section("工作目标", [prog.goals.overall], yearly))
    n_pairs = sum(len(p.recipients) for p in scope.pairings)
    arrangement = [prog.principles,
                   f"帮扶周期为{cn_num(cyc.years)}年，自{cn_date(cyc.start)}起至{cn_date(cyc.end)}止。"
                   f"本轮共确定结对{len(scope.pairings)}组、支援学校与受援学校{n_pairs}对，名单见附件。"]
    secs.append(_section("结对安排", arrangement))
    content = [{"title": a.title, "paragraphs": a.paragraphs} for a in prog.content_areas]
    if prog.commitments:
        content.append({"title": "量化要求", "paragraphs": [commitment_text(c) for c in prog.commitments]
                        + [report_rule(prog)]})
    if content:
        secs.append(_section("帮扶内容", [], content))
    if prog.steps:
        secs.append(_section("实施步骤", [], _steps(prog)))
    safeguards = [{"title": s.title, "paragraphs": s.paragraphs} for s in prog.safeguards]
    if prog.leading_group:
        lead = next((m for m in prog.leading_group.members if m.role.startswith("组长")), None)
        text = f"成立{prog.leading_group.name or '结对帮扶工作领导小组'}"
        if lead:
            text += f"，由{lead.name}（{lead.position}）任组长"
        text += "，成员名单见附件。" + (prog.leading_group.office or "")
        safeguards.insert(0, {"title": "组织领导", "paragraphs": [text]})
    if safeguards:
        secs.append(_section("保障措施", [], safeguards))
    if attachments_from is None:
        from .model.programme import Attachment

        wanted = [Attachment(title=f"{prog.title.removesuffix('实施方案').removesuffix('工作方案')}学校名单".replace("方案", ""),
                             content=AttachmentContent.pair_list)]
        if prog.leading_group:
            wanted.append(Attachment(title=prog.leading_group.name or "结对帮扶工作领导小组名单",
                                     content=AttachmentContent.leading_group))
        if prog.measures:
            wanted.append(Attachment(title="重点任务分工表", content=AttachmentContent.measures))
        if prog.rubric:
            wanted.append(Attachment(title=prog.rubric.title or "考核细则", content=AttachmentContent.rubric))
        attachments_from = wanted
    atts = programme_attachments(scope, attachments_from)
    return {"title_lines": split_title(prog.title), "preamble": [preamble], "sections": secs}, atts


def programme_plan(scope: Scope) -> dict:
    plan, atts = programme_plan_data(scope)
    notice = issuing_notice(scope.programme)
    return {"plan": plan, "attachments": atts, "attachment_lines": attachment_lines(atts),
            "signer_rows": [], "date": notice.date if notice else None}


def pairing_plan(scope: Scope) -> dict:
    prog, pairing = scope.programme, scope.pairing
    cyc = cycle_of(scope)
    sup = pairing.supporter
    names = f"{sup.name}与{recipients_text(pairing)}"
    title = f"{names}结对帮扶工作实施方案"
    secs = [_section("指导思想", [f"{basis_sentence(prog)}，{sup.name}与{recipients_text(pairing)}结成帮扶对子，"
                                  "坚持优势互补、共同发展，以提升受援学校管理水平和教育教学质量为目标，制定本方案。"])]
    goal_paras = [prog.goals.overall] if prog.goals else []
    if pairing.key_target:
        goal_paras.append(f"年度重点帮扶目标：{pairing.key_target}")
    goal_paras += list(pairing.goals)
    if goal_paras:
        secs.append(_section("工作目标", goal_paras))
    leads = [f"支援学校：{sup.name}，负责人{person(sup.lead) or '（待定）'}。"]
    leads += [f"受援学校：{r.full_name}，负责人{person(r.lead) or '（待定）'}。" for r in pairing.recipients]
    leads.append(f"帮扶期限自{cn_date(cyc.start)}起至{cn_date(cyc.end)}止，为期{cn_num(cyc.years)}年。")
    secs.append(_section("结对安排", leads))
    duties = [commitment_text(c) for c in prog.commitments]
    subs = [{"title": a.title, "paragraphs": a.paragraphs} for a in prog.content_areas]
    if duties:
        subs.append({"title": "量化要求", "paragraphs": duties + [report_rule(prog)]})
    people = []
    if pairing.middle_manager_pairs:
        people.append(f"双方中层干部结对{cn_num(len(pairing.middle_manager_pairs))}对，签订管理帮扶责任书。")
    if pairing.teacher_pairs:
        people.append(f"双方教师结成师徒对子{cn_num(len(pairing.teacher_pairs))}对，签订教师结对帮扶责任书，名单见附件。")
    for s in pairing.secondments:
        side = "支援学校" if s.sent_by == Party.supporter else "受援学校"
        people.append(f"{side}选派{s.person.name}挂职（跟岗）{s.post}，时间为{cn_date(s.start)}至{cn_date(s.end)}。")
    for p in pairing.placements:
        what = "支教" if p.kind.value == "teaching" else "顶岗学习"
        people.append(f"{p.teacher.name}（{p.teacher.subject}）{what}，时间为{cn_date(p.start)}至{cn_date(p.end)}。")
    if people:
        subs.append({"title": "人员结对与交流", "paragraphs": people})
    secs.append(_section("帮扶内容", [], subs))
    org = ["双方各自成立由主要负责人任组长的结对帮扶工作领导小组，负责审定帮扶计划、协调人员和经费、检查落实情况。"]
    if pairing.monthly_plan:
        org.append("双方按月度计划安排表（见附件）开展帮扶活动，每项活动明确责任人和完成时限。")
    org.append(report_rule(prog))
    secs.append(_section("组织保障", org))
    atts = []
    groups = [(s, s.leading_group) for s in [sup, *pairing.recipients] if s.leading_group]
    for school, group in groups:
        atts.append(leading_group_attachment(group, f"{school.name}结对帮扶工作领导小组", ""))
    if pairing.monthly_plan:
        rows = []
        for month in pairing.monthly_plan:
            for k, it in enumerate(month.items):
                rows.append({"month": f"{cn_num(month.number)}月" if k == 0 else "", "content": it.content,
                             "work": it.work, "owner": it.owner, "deadline": cn_date(it.deadline)})
        atts.append({"kind": "monthly_plan", "label": "", "title_lines": split_title(f"{names}结对帮扶工作计划表"),
                     "rows": rows, "paragraphs": []})
    if pairing.teacher_pairs:
        atts.append(teacher_pairs_attachment(pairing, f"{names}教师结对安排表"))
    atts = number_attachments(atts)
    plan = {"title_lines": split_title(title), "preamble": [], "sections": secs}
    return {"plan": plan, "attachments": atts, "attachment_lines": attachment_lines(atts),
            "signer_rows": signer_rows([sup.name] + [r.name for r in pairing.recipients]), "date": pairing.signed_on}


def teacher_pairs_attachment(pairing: Pairing, title: str) -> dict:
    rows = []
    for i, tp in enumerate(pairing.teacher_pairs, 1):
        school = pairing.recipient(tp.recipient_school)
        rows.append({"no": i, "mentor": tp.mentor.name, "mentor_subject": tp.mentor.subject,
                     "mentor_title": tp.mentor.title, "mentee": tp.mentee.name, "mentee_subject": tp.mentee.subject,
                     "mentee_title": tp.mentee.title, "school": school.name if school else ""})
    return {"kind": "teacher_pairs", "label": "", "title_lines": split_title(title), "rows": rows, "paragraphs": []}


# ------------------------------------------------------------------ notice

def notice(scope: Scope) -> dict:
    prog, n = scope.programme, scope.notice
    contact = n.contact or prog.bureau.contact
    body = list(n.body)
    if contact:
        parts = [f"联系人：{contact.name}"]
        if contact.phone:
            parts.append(f"电话：{contact.phone}")
        if contact.email:
            parts.append(f"邮箱：{contact.email}")
        body.append("；".join(parts) + "。")
    plan = None
    if n.issues_plan:
        plan, atts = programme_plan_data(scope, attachments_from=n.attachments)
    else:
        atts = programme_attachments(scope, n.attachments)
    # 署名 centred over 成文日期 (GB/T 9704 7.3.5): pad the shorter of the two right-aligned lines
    date_text = cn_date(n.date)
    signer, padded_date = center_over(n.signer or prog.bureau.name, date_text)
    pad = padded_date[len(date_text):]
    addressees = list(n.addressees)
    return {
        "issuer_mark": issuer_mark(prog.bureau.mark),
        "doc_no": n.doc_no,
        "title_lines": split_title(n.title),
        "addressee_line": "，".join(addressees) + "：",
        "body": body,
        "attachment_lines": attachment_lines(atts),
        "signer": signer,
        "date": n.date,
        "date_pad": pad,
        "remark": n.remark,
        "plan": plan,
        "attachments": atts,
        "cc": "，".join(n.cc),
        "printed_by": n.printed_by or f"{prog.bureau.name}办公室",
        "printed_on": n.printed_on or n.date,
    }


# --------------------------------------------------------------- agreement

def agreement(scope: Scope) -> dict:
    prog, pairing, pair = scope.programme, scope.pairing, scope.pair
    a, b = pair.supporter, pair.recipient
    cyc = cycle_of(scope)
    duties_a = [commitment_text(c, with_party=False) for c in prog.commitments if c.by in (Party.supporter, Party.both)]
    duties_b = [commitment_text(c, with_party=False) for c in prog.commitments if c.by in (Party.recipient, Party.both)]
    duties_a += ["选派骨干教师与乙方青年教师结成师徒对子，指导备课、上课、听评课和教学研究。",
                 "向乙方开放教研、培训和课程资源，帮助乙方完善管理制度和教学常规。"]
    duties_b += ["结合本校实际提出帮扶需求，主动对接，安排好甲方人员的工作和生活。",
                 "组织干部教师参加甲方的教研、培训和观摩活动，按时整理上报帮扶资料。"]
    bureaus = []
    for school in (a, b):
        name = bureau_of(school, pairing, prog)
        if name not in bureaus:
            bureaus.append(name)
    filing = "、".join(bureaus)
    copies = 2 + len(bureaus)
    sign_date = cn_date(pairing.signed_on) if pairing.signed_on else BLANK_DATE
    goals = [f"{g.year}年：{g.text}" for g in prog.goals.yearly] if prog.goals else []
    return {
        "title_lines": split_title(f"{a.name}与{b.full_name}结对帮扶协议书"),
        "a": {"name": a.name, "lead": person(a.lead) or "　　　　　　"},
        "b": {"name": b.full_name, "lead": person(b.lead) or "　　　　　　"},
        "basis": basis_sentence(prog),
        "term": term_context(cyc),
        "goal": prog.goals.overall if prog.goals else "帮助乙方提升管理水平和教育教学质量，实现共同发展。",
        "key_target": pairing.key_target,
        "yearly_goals": goals,
        "content_areas": [f"{area.title}。{area.paragraphs[0] if area.paragraphs else ''}" for area in prog.content_areas],
        "duties_a": duties_a,
        "duties_b": duties_b,
        "report_rule": report_rule(prog),
        "assessment": f"{prog.bureau.name}按照{('《' + prog.rubric.title + '》') if prog.rubric and prog.rubric.title else '有关考核办法'}"
                      "对双方进行捆绑考核，结果纳入学校年度考核。",
        "dispute_bureau": bureaus[-1] if len(bureaus) == 1 else "双方主管教育行政部门共同",
        "copies": copies,
        "filing": f"报{filing}备案各一份" if len(bureaus) > 1 else f"报{filing}备案一份",
        "sign_date": sign_date,
        "bureaus": bureaus,
        "confirm_rows": [{"left": f"{name}（盖章）", "right": BLANK_DATE} for name in bureaus],
    }


# ----------------------------------------------------------------- letters

def _letter_base(scope: Scope) -> dict:
    pairing = scope.pairing
    cyc = cycle_of(scope)
    return {"basis": basis_sentence(scope.programme) + f"和{pairing.supporter.name}与受援学校签订的结对帮扶协议",
            "term": term_context(cyc), "copies": 3,
            "filing": "甲乙双方各执一份，支援学校存档一份",
            "sign_date": cn_date(pairing.signed_on) if pairing.signed_on else BLANK_DATE}


def _commitment_times(prog: Programme, activity: Activity) -> Commitment | None:
    return next((c for c in prog.commitments if c.activity == activity), None)


def management_letter(scope: Scope) -> dict:
    pairing, mp = scope.pairing, scope.item
    recipient = pairing.recipient(mp.recipient_school)
    prog = scope.programme
    guide = _commitment_times(prog, Activity.management_guidance)
    visits = "每学期到乙方学校实地指导"
    if guide and guide.times:
        visits += f"不少于{guide.times}次" + (f"、累计不少于{number(guide.days)}天" if guide.days else "")
    duties_a = [visits + "，了解管理现状，对乙方各类计划、方案提出书面意见。"]
    duties_a.append(f"围绕{mp.focus or '学校管理'}，帮助乙方健全制度、规范流程，指导乙方开展相关工作。")
    duties_a.append("通过电话、网络等方式保持经常联系，及时解答乙方提出的管理问题。")
    observe = _commitment_times(prog, Activity.observation_visit)
    duties_b = ["每学期到甲方学校观摩学习" + (f"累计不少于{number(observe.days)}天" if observe and observe.days else "")
                + "，参加行政会、教研会等活动，学习管理经验。",
                "结合本校实际制定改进措施并抓好落实，每学期形成一份管理改进小结。",
                "每次活动结束后及时整理记录和图片，按要求报送备案。"]
    if pairing.key_target:
        goal = f"围绕年度重点帮扶目标（{pairing.key_target.rstrip('。')}），提升乙方在{mp.focus or '学校管理'}方面的水平。"
    else:
        goal = f"提升乙方在{mp.focus or '学校管理'}方面的规范化水平。"
    return {**_letter_base(scope),
            "title_lines": split_title(f"{pairing.supporter.name}与{recipient.name}管理帮扶责任书"),
            "a": {"school": pairing.supporter.name, "person": person(mp.supporter)},
            "b": {"school": recipient.name, "person": person(mp.recipient)},
            "goal": goal, "duties_a": duties_a, "duties_b": duties_b}


def teacher_letter(scope: Scope) -> dict:
    pairing, tp = scope.pairing, scope.item
    recipient = pairing.recipient(tp.recipient_school)
    exchange = _commitment_times(scope.programme, Activity.mentor_exchange)
    per_term = f"每学期与乙方开展教育教学交流不少于{exchange.times}次" if exchange and exchange.times else "每学期与乙方定期开展教育教学交流"
    duties_a = [per_term + "（实地指导或线上交流均可），保留交流记录和图片。",
                "听乙方的课并逐节评课，指导乙方备课、作业设计和批改。",
                "每学期指导乙方上好一节成功课例，并帮助其完成课例稿。"]
    duties_b = ["虚心接受指导，按时提交教学设计和教学反思。",
                "主动听甲方的课，学习课堂组织和教学方法。",
                "每学期在甲方指导下上好一节成功课例，撰写一篇帮扶心得。"]

    def detail(t) -> str:
        return join([t.subject, t.title], "　")

    subject = tp.mentee.subject or tp.mentor.subject or "本学科"
    return {**_letter_base(scope),
            "title_lines": split_title("教师结对帮扶责任书"),
            "mentor": {"name": tp.mentor.name, "school": pairing.supporter.name, "detail": detail(tp.mentor)},
            "mentee": {"name": tp.mentee.name, "school": recipient.name, "detail": detail(tp.mentee)},
            "subject": subject, "duties_a": duties_a, "duties_b": duties_b}


# ----------------------------------------------------------------- summary

def _facts(counts, card, prog: Programme) -> list[str]:
    """The facts paragraph(s) of a summary, written from the counts."""
    from .model.common import ACTIVITY_NAMES

    by_type = counts.by_type
    parts = []
    for kind, n in by_type.most_common():
        text = f"{ACTIVITY_NAMES[kind]}{n}次"
        if kind == Activity.lesson_delivery:
            ids = [i for i in counts.counted if counts.records[i].type == kind]
            subjects = sorted({s for i in ids for s in counts.records[i].subjects})
            persons = sum(counts.records[i].person_count for i in ids)
            text += f"（涉及{join(subjects)}{len(subjects)}个学科、{persons}人次）" if subjects else ""
        parts.append(text)
    total = len(counts.records)
    out = [f"本年度共记录帮扶活动{total}次，计入考核{len(counts.counted)}次，其中{join(parts, '，')}。"]
    flagged = []
    if counts.late:
        flagged.append(f"迟报{len(counts.late)}次")
    if counts.unfiled:
        flagged.append(f"未报备{len(counts.unfiled)}次")
    if counts.no_evidence:
        flagged.append(f"缺少证明材料{len(counts.no_evidence)}次")
    if flagged:
        rule = "（按规定不计入完成数）" if not prog.count_late_records else ""
        out.append(f"另有{join(flagged, '、')}{rule}，明细见表2。")
    met = sum(1 for c in counts.checks if c.met)
    out.append(f"对照承诺事项，{len(counts.checks)}项次中完成{met}项次"
               + (f"，未完成{len(counts.checks) - met}项次：" + join([f"{c.period}{c.subject}" for c in counts.unmet], "；")
                  if counts.unmet else "，全部完成") + "。")
    if card:
        out.append(f"按考核细则自评得分{number(card.total)}分（基本分{number(card.base)}分"
                   + (f"，加分{number(card.bonus)}分" if card.bonus else "") + f"），等次为“{card.grade}”"
                   + (f"；其中{len(card.pending)}项需人工评定，尚未评分" if card.pending else "") + "。")
    return out


def summary(scope: Scope) -> dict:
    from .chart import activities_by_month
    from .counting import count
    from .model.common import ACTIVITY_NAMES
    from .scoring import score

    prog, pairing, year = scope.programme, scope.pairing, scope.year
    text = next((s for s in pairing.summaries if str(s.year) == year.key), None)
    log = scope.activities.get((pairing.id, year.key))
    names = f"{pairing.supporter.name}与{recipients_text(pairing)}"
    overview = [text.overview] if text and text.overview else []
    people = [f"本年度是帮扶周期的第{cn_num(year.index)}年（{cn_date(year.start)}至{cn_date(year.end)}）。"
              f"结对双方为支援学校{pairing.supporter.name}和受援学校{recipients_text(pairing)}"]
    headcount = []
    if pairing.middle_manager_pairs:
        headcount.append(f"中层干部结对{len(pairing.middle_manager_pairs)}对")
    if pairing.teacher_pairs:
        headcount.append(f"师徒结对{len(pairing.teacher_pairs)}对")
    people[0] += ("，" + "、".join(headcount) if headcount else "") + "。"
    overview += people
    counts = count(prog, pairing, year, log) if log else None
    card = score(prog, counts, log) if counts else None

    def section(values: list[str], draft: list[str]) -> dict:
        return {"paragraphs": values, "draft": False} if values else {"paragraphs": draft, "draft": True}

    planned = sorted({it.content for m in pairing.monthly_plan for it in m.items
                      if year.start.strftime("%Y-%m") <= m.month <= year.end.strftime("%Y-%m")})
    if counts:
        done = counts.by_type
        draft_achievements = [f"全年开展{ACTIVITY_NAMES[k]}{n}次。" for k, n in done.most_common()]
        draft_problems = [f"{c.period}{c.subject}完成{c.done_text()}，未达到{c.required_text()}的要求。" for c in counts.unmet]
        if counts.late or counts.unfiled:
            draft_problems.append(f"有{len(counts.late) + len(counts.unfiled)}次活动未在规定时限内报备，按规定不计入完成数。")
        if counts.no_evidence:
            draft_problems.append(f"有{len(counts.no_evidence)}次活动缺少证明材料。")
        draft_problems = draft_problems or ["各项承诺均已完成，帮扶成效的总结提炼还需加强。"]
        draft_next = ([f"补齐{c.subject}等未完成事项，确保每学期达到承诺次数。" for c in counts.unmet[:1]]
                      + ["活动结束后按时报备并留存证明材料。"])
    else:
        draft_achievements = [f"按照结对帮扶协议开展了{join(planned)}等活动。" if planned else "按照结对帮扶协议开展了帮扶活动。"]
        draft_problems = ["帮扶活动的过程资料和成效总结有待进一步完善。"]
        draft_next = ["对照协议和考核细则查漏补缺，按计划完成下一年度帮扶任务。"]
    if pairing.key_target:
        draft_achievements.append(f"围绕年度重点帮扶目标“{pairing.key_target.rstrip('。')}”推进帮扶工作。")
    flagged = sorted([*counts.late, *counts.unfiled, *counts.no_evidence], key=lambda f: (f.record.date, f.index)) if counts else []
    return {
        "title_lines": split_title(f"{names}{year.label}结对帮扶工作总结"),
        "lead": [f"{year.label}，{basis_sentence(prog)}，结对双方按照协议扎实开展帮扶工作。现将有关情况总结如下："],
        "overview": overview,
        "facts": _facts(counts, card, prog) if counts else [],
        "commitment_rows": [{"period": c.period, "item": c.subject, "required": c.required_text(), "done": c.done_text(),
                             "status": "完成" if c.met else "未完成"} for c in counts.checks] if counts else [],
        "flagged_rows": [{"date": cn_date(f.record.date), "type": ACTIVITY_NAMES[f.record.type],
                          "description": f.record.description, "why": f.why} for f in flagged],
        "chart": activities_by_month(counts) if counts else None,
        "rubric_rows": [{"no": s.item.no, "title": s.item.title, "points": number(s.item.points) + ("（加分）" if s.item.bonus else ""),
                         "score": "待评" if s.pending else number(s.score), "reason": s.reason} for s in card.items] if card else [],
        "rubric_total": (f"合计{number(card.total)}分（基本分{number(card.base)}分，加分{number(card.bonus)}分），等次：{card.grade}。"
                         + (f"另有{len(card.pending)}项待人工评定。" if card.pending else "")) if card else "",
        "achievements": section(list(text.achievements) if text else [], draft_achievements),
        "problems": section(list(text.problems) if text else [], draft_problems),
        "next_steps": section(list(text.next_steps) if text else [], draft_next),
        "signer_rows": signer_rows([pairing.supporter.name] + [r.name for r in pairing.recipients]),
        "date": text.date if text else None,
    }


# ----------------------------------------------------------------- signers

@dataclass(frozen=True)
class Signer:
    """A party that signs a document: the name printed where it signs, and its seal image."""

    name: str
    role: str
    seal: Path | None


def _seal(scope: Scope, value: str | None) -> Path | None:
    return (scope.root / value).resolve() if value else None


def _school_signer(scope: Scope, school: School, role: str, printed: str | None = None) -> Signer:
    return Signer(printed or school.name, role, _seal(scope, school.seal))


def _bureau_signer(scope: Scope, name: str) -> Signer:
    prog = scope.programme
    seal = prog.seals.get(name) or (prog.bureau.seal if name == prog.bureau.name else None)
    return Signer(name, "教育行政部门", _seal(scope, seal))


def notice_signers(scope: Scope) -> list[Signer]:
    return [_bureau_signer(scope, scope.notice.signer or scope.programme.bureau.name)]


def pairing_signers(scope: Scope) -> list[Signer]:
    p = scope.pairing
    return [_school_signer(scope, p.supporter, "支援学校")] + [_school_signer(scope, r, "受援学校") for r in p.recipients]


def agreement_signers(scope: Scope) -> list[Signer]:
    pair = scope.pair
    out = [_school_signer(scope, pair.supporter, "甲方（支援学校）"),
           _school_signer(scope, pair.recipient, "乙方（受援学校）", pair.recipient.full_name)]
    bureaus = []
    for school in (pair.supporter, pair.recipient):
        name = bureau_of(school, scope.pairing, scope.programme)
        if name not in bureaus:
            bureaus.append(name)
    return out + [_bureau_signer(scope, name) for name in bureaus]


def letter_signers(scope: Scope) -> list[Signer]:
    pairing, item = scope.pairing, scope.item
    recipient = pairing.recipient(item.recipient_school)
    return [_school_signer(scope, pairing.supporter, "支援学校"), _school_signer(scope, recipient, "受援学校")]


def no_signers(scope: Scope) -> list[Signer]:
    return []


# ------------------------------------------------------------ bundle cover

def cover(scope: Scope) -> dict:
    """Cover and contents of a submission bundle; ``scope.item`` carries the bundle's facts."""
    info = scope.item
    return {
        "title_lines": ["结对帮扶报送材料"],
        "subtitle_lines": split_title(info["title"], 18),
        "parties": info["parties"],
        "date": info.get("date"),
        "entries": info["entries"],
    }


def sample_cover(scope: Scope) -> Scope:
    scope.item = {"title": "示例学校结对帮扶报送材料", "parties": ["示例学校甲", "示例学校乙"], "date": None,
                  "entries": [{"no": 1, "title": "结对帮扶协议书", "pages": 4, "start": 3}]}
    return scope


# ------------------------------------------------------------------ report

def report(scope: Scope) -> dict:
    """The roll-up annex; ``scope.item`` is a docgen.report.Rollup."""
    from .report import context as report_context

    return report_context(scope.item)
