"""实施方案: the bureau's programme plan and each pairing's own plan."""
from __future__ import annotations

from ..load.model.common import Party
from ..load.model.programme import Attachment, AttachmentContent, Programme
from ..text import cn_count, cn_date, cn_num, display_width, number
from . import attachments, signatures
from .scope import Scope
from .signers import pairing_signers
from .typography import split_title
from .wording import (
    basis_sentence,
    commitment_text,
    pairing_names,
    person,
    policy_sentence,
    recipients_text,
    report_rule,
    school_names,
)

ANNEX_NAMES = 36
"""An annex title names the pairing's schools when they fit two title lines; beyond that the
plan's own title is where they are named."""


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


def _own_attachments(prog: Programme) -> list[Attachment]:
    """What the programme plan attaches when no notice says: pair list, group, tasks, rubric."""
    wanted = [Attachment(title=f"{prog.title.removesuffix('实施方案').removesuffix('工作方案')}学校名单".replace("方案", ""),
                         content=AttachmentContent.pair_list)]
    if prog.leading_group:
        wanted.append(Attachment(title=prog.leading_group.name or "结对帮扶工作领导小组名单",
                                 content=AttachmentContent.leading_group))
    if prog.measures:
        wanted.append(Attachment(title="重点任务分工表", content=AttachmentContent.measures))
    if prog.rubric:
        wanted.append(Attachment(title=prog.rubric.title or "考核细则", content=AttachmentContent.rubric))
    return wanted


def programme_plan_body(scope: Scope, wanted: list[Attachment] | None = None) -> tuple[dict, list[dict]]:
    """The plan's title and sections, and its attachments (the notice's, or the plan's own)."""
    prog = scope.programme
    cyc = prog.cycle
    preamble = prog.preamble or policy_sentence(prog)
    secs = []
    if prog.guiding_idea:
        secs.append(_section("指导思想", prog.guiding_idea))
    if prog.goals:
        yearly = [{"title": f"{g.year}年目标", "paragraphs": [g.text] + [
            f"{ind.name}：{number(ind.target)}{ind.unit}" for ind in g.indicators]} for g in prog.goals.yearly]
        secs.append(_section("工作目标", [prog.goals.overall], yearly))
    pairings = scope.loaded.pairings
    n_pairs = sum(len(p.recipients) for p in pairings)
    arrangement = [prog.principles,
                   f"帮扶周期为{cn_num(cyc.years)}年，自{cn_date(cyc.start)}起至{cn_date(cyc.end)}止。"
                   f"本轮共确定结对{len(pairings)}组、支援学校与受援学校{n_pairs}对，名单见附件。"]
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
    atts = attachments.programme_attachments(scope, _own_attachments(prog) if wanted is None else wanted)
    return {"title_lines": split_title(prog.title), "preamble": [preamble] if preamble else [], "sections": secs}, atts


def programme_plan(scope: Scope) -> dict:
    plan, atts = programme_plan_body(scope)
    return {"plan": plan, "attachments": atts, "attachment_lines": attachments.attachment_lines(atts),
            "signature": None}


def pairing_plan(scope: Scope) -> dict:
    prog, pairing = scope.programme, scope.pairing
    cyc = pairing.cycle
    sup = pairing.supporter
    names = pairing_names(pairing)
    secs = [_section("指导思想", [f"{basis_sentence(prog)}，{sup.name}与{recipients_text(pairing)}结成帮扶对子，"
                                  "坚持优势互补、共同发展，以提升受援学校管理水平和教育教学质量为目标，制定本方案。"])]
    goal_paras = [prog.goals.overall] if prog.goals else []
    if pairing.key_target:
        goal_paras.append(f"年度重点帮扶目标：{pairing.key_target}")
    goal_paras += list(pairing.goals)
    if goal_paras:
        secs.append(_section("工作目标", goal_paras))
    def who(role: str, school) -> str:  # a lead only where the data names one
        return f"{role}：{school.full_name}" + (f"，负责人{person(school.lead)}" if school.lead else "") + "。"

    leads = [who("支援学校", sup)] + [who("受援学校", r) for r in pairing.recipients]
    leads.append(f"帮扶期限自{cn_date(cyc.start)}起至{cn_date(cyc.end)}止，为期{cn_num(cyc.years)}年。")
    secs.append(_section("结对安排", leads))
    duties = [commitment_text(c) for c in prog.commitments]
    subs = [{"title": a.title, "paragraphs": a.paragraphs} for a in prog.content_areas]
    if duties:
        subs.append({"title": "量化要求", "paragraphs": duties + [report_rule(prog)]})
    people = []
    if pairing.middle_manager_pairs:
        people.append(f"双方中层干部结对{cn_count(len(pairing.middle_manager_pairs))}对，签订管理帮扶责任书。")
    if pairing.teacher_pairs:
        people.append(f"双方教师结成师徒对子{cn_count(len(pairing.teacher_pairs))}对，签订教师结对帮扶责任书，名单见附件。")
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
    annex = names if display_width(names) <= ANNEX_NAMES else ""  # the plan's own title names them all
    atts = []
    for school in [sup, *pairing.recipients]:
        if school.leading_group:
            atts.append(attachments.leading_group(school.leading_group, f"{school.name}结对帮扶工作领导小组"))
    if pairing.monthly_plan:
        rows = []
        for month in pairing.monthly_plan:
            for k, it in enumerate(month.items):
                rows.append({"month": f"{cn_num(month.number)}月" if k == 0 else "", "content": it.content,
                             "work": it.work, "owner": it.owner, "deadline": cn_date(it.deadline)})
        atts.append({"kind": "monthly_plan", "label": "",
                     "title_lines": split_title(f"{annex}结对帮扶工作计划表", keep=school_names(pairing)),
                     "rows": rows, "paragraphs": []})
    if pairing.teacher_pairs:
        atts.append(attachments.teacher_pairs(pairing, f"{annex}教师结对安排表", keep=school_names(pairing)))
    atts = attachments.numbered(atts)
    plan = {"title_lines": split_title(f"{names}结对帮扶工作实施方案", keep=school_names(pairing)), "preamble": [],
            "sections": secs}
    return {"plan": plan, "attachments": atts, "attachment_lines": attachments.attachment_lines(atts),
            "signature": signatures.joint(pairing_signers(scope), cn_date(pairing.signed_on, blank=True))}
