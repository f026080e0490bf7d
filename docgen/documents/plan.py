"""实施方案: the bureau's programme plan and each pairing's own plan."""
from __future__ import annotations

from ..load.model.common import Party
from ..load.model.cycle import Term
from ..load.model.pairing import Pairing, School
from ..load.model.programme import Attachment, AttachmentContent, Indicator, Programme, YearGoal
from ..text import cn_count, cn_date, cn_num, display_width, join, number
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
    supporter_word,
    term_context,
)

ANNEX_NAMES = 36
"""An annex title names the pairing's schools when they fit two title lines; beyond that the
plan's own title is where they are named."""


def _section(title: str, paragraphs: list[str] | None = None, subsections: list[dict] | None = None) -> dict:
    """A numbered section; a lone subsection is not a list (no （一） without a （二）): its
    paragraphs become the section's own."""
    paragraphs = [p for p in (paragraphs or []) if p]
    subsections = subsections or []
    if len(subsections) == 1:
        paragraphs += [p for p in subsections[0]["paragraphs"] if p]
        subsections = []
    return {"title": title, "paragraphs": paragraphs, "subsections": subsections}


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
    base = prog.title
    for suffix in ("实施方案", "工作方案", "方案", "工作"):
        base = base.removesuffix(suffix)
    listed = f"{base}学校名单" if base.endswith("结对帮扶") else f"{base}结对名单"
    wanted = [Attachment(title=listed, content=AttachmentContent.pair_list)]
    if prog.leading_group:
        wanted.append(Attachment(title=prog.leading_group.name or "结对帮扶工作领导小组名单",
                                 content=AttachmentContent.leading_group))
    if prog.measures:
        wanted.append(Attachment(title=f"{base}工作任务清单", content=AttachmentContent.measures))
    if prog.rubric:
        wanted.append(Attachment(title=prog.rubric.title or "考核细则", content=AttachmentContent.rubric))
    return wanted


def indicator_text(ind: Indicator) -> str:
    """罗山中学市级精品课8节; 职业技术学校高职分类招考上线率≥80% — as the seed writes it."""
    return f"{ind.school}{ind.name}{ind.comparator}{number(ind.target)}{ind.unit}"


def goal_paragraphs(goal: YearGoal, school: School | None = None) -> list[str]:
    """A year's goal and its indicators; for one school, only the indicators that apply to it."""
    mine = [i for i in goal.indicators if school is None or not i.school
            or i.school in (school.name, school.short_name) or school.name.endswith(i.school)]
    return [goal.text] + ([f"主要指标：{'；'.join(indicator_text(i) for i in mine)}。"] if mine else [])


def measure_sections(prog: Programme) -> list[dict]:
    """帮扶措施: the measures grouped by area, numbered through, each with its 责任单位 and 完成时限."""
    groups: dict[str, list[str]] = {}
    for n, m in enumerate(prog.measures, 1):
        tail = join([f"责任单位：{join(m.units)}" if m.units else "", f"完成时限：{m.deadline}" if m.deadline else ""], "；")
        groups.setdefault(m.area, []).append(f"{n}.{m.text}" + (f"（{tail}）" if tail else ""))
    return [{"title": area, "paragraphs": paras} for area, paras in groups.items()]


def stage_counts(pairings: list[Pairing]) -> str:
    """幼儿园10所、特殊教育学校1所… — recipients counted by stage, when every one has a stage."""
    recipients = [r for p in pairings for r in p.recipients]
    if not recipients or any(not r.stage for r in recipients):
        return ""
    counts: dict[str, int] = {}
    for r in sorted(recipients, key=lambda r: attachments.STAGES.index(r.stage) if r.stage in attachments.STAGES else 99):
        counts[r.stage] = counts.get(r.stage, 0) + 1
    return "、".join(f"{stage}{n}所" for stage, n in counts.items()) if len(counts) > 1 else ""


def programme_plan_body(scope: Scope, wanted: list[Attachment] | None = None) -> tuple[dict, list[dict]]:
    """The plan's title and sections, and its attachments (the notice's, or the plan's own)."""
    prog = scope.programme
    cyc = prog.cycle
    pairings = scope.loaded.pairings
    word = supporter_word(pairings)
    if wanted is None:
        wanted = prog.attachments or _own_attachments(prog)
    atts = attachments.programme_attachments(scope, wanted)
    preamble = prog.preamble or policy_sentence(prog)
    secs = []
    if prog.guiding_idea:
        secs.append(_section("指导思想", prog.guiding_idea))
    if prog.goals:
        yearly = [{"title": f"{g.year}年目标", "paragraphs": goal_paragraphs(g)} for g in prog.goals.yearly]
        secs.append(_section("工作目标", [prog.goals.overall], yearly))  # an empty overall is dropped
    if len(prog.principles) > 1:
        secs.append(_section("工作原则", numbered_paragraphs(prog.principles)))
    n_pairs = sum(len(p.recipients) for p in pairings)
    listed = attachments.reference(atts, "pair_list")
    unit = "所" if word == "支援学校" else "个"
    supporters = len({p.supporter.name for p in pairings})
    recipients = len({r.full_name for p in pairings for r in p.recipients})
    count = f"本轮共确定结对{cn_count(n_pairs)}对"
    if supporters != n_pairs or recipients != n_pairs:
        count += f"，涉及{word}{cn_count(supporters)}{unit}、受援学校{cn_count(recipients)}所"
    stages = stage_counts(pairings)
    count += (f"，受援学校中{stages}" if stages else "") + (f"，名单{listed}" if listed else "") + "。"
    if cyc.agreed_by_pairs:
        period = (f"帮扶周期为{cn_num(cyc.years)}年，具体起止时间由结对双方商定，报当地教育行政部门备案，"
                  f"并在协议中注明；各地于{Term.of(cyc.start).short_label}内启动。")
    else:
        period = f"帮扶周期为{cn_num(cyc.years)}年，自{cn_date(cyc.start)}起至{cn_date(cyc.end)}止。"
    arrangement = (prog.principles if len(prog.principles) == 1 else []) + list(prog.arrangement) + [period + count]
    secs.append(_section("结对安排", arrangement))
    content = [{"title": a.title, "paragraphs": a.paragraphs} for a in prog.content_areas]
    if prog.commitments:
        content.append({"title": "量化要求", "paragraphs": [commitment_text(c, supporter=word) for c in prog.commitments]
                        + [r for r in [report_rule(prog)] if r]})
    if content:
        secs.append(_section("帮扶内容", [], content))
    if prog.measures:
        tasks = attachments.reference(atts, "measures")
        secs.append(_section("帮扶措施", [f"各项措施的责任单位和完成时限汇总为任务清单，{tasks}。"] if tasks else [],
                             measure_sections(prog)))
    if prog.steps:
        secs.append(_section("实施步骤", [], _steps(prog)))
    safeguards = [{"title": s.title, "paragraphs": s.paragraphs} for s in prog.safeguards]
    if prog.leading_group:
        lead = next((m for m in prog.leading_group.members if m.role.startswith("组长")), None)
        text = f"成立{prog.leading_group.name or '结对帮扶工作领导小组'}"
        if lead:
            text += f"，由{lead.name}（{lead.position}）任组长"
        members = attachments.reference(atts, "leading_group")
        text += (f"，成员名单{members}。" if members else "。") + (prog.leading_group.office or "")
        safeguards.insert(0, {"title": "组织领导", "paragraphs": [text]})
    if prog.assessment:
        safeguards.append({"title": "考核激励", "paragraphs": [
            join([prog.assessment.text, f"考核基准：{prog.assessment.baseline}。" if prog.assessment.baseline else ""], "")]})
    if safeguards:
        secs.append(_section(prog.safeguards_title or "保障措施", [], safeguards))
    if prog.expected_outcomes:
        secs.append(_section("预期成效", prog.expected_outcomes))
    return {"title_lines": split_title(prog.title), "preamble": [preamble] if preamble else [], "sections": secs}, atts


def numbered_paragraphs(items: list[str]) -> list[str]:
    return [f"{n}.{item}" for n, item in enumerate(items, 1)]


def programme_plan(scope: Scope) -> dict:
    plan, atts = programme_plan_body(scope)
    return {"plan": plan, "attachments": atts, "attachment_lines": attachments.attachment_lines(atts),
            "signature": None}


def duration(start, end) -> str:
    """为期一学年, 为期六个月: how long a placement lasts, in whole years or months."""
    months = round(((end - start).days + 1) / 30.44)
    if months >= 12 and months % 12 == 0:
        return f"为期{cn_num(months // 12)}年"
    return f"为期{cn_num(max(months, 1))}个月" if months else f"为期{(end - start).days + 1}天"


def exchange_lines(pairing: Pairing) -> list[str]:
    """Who goes to which school, as what, from when to when (挂职, 支教, 顶岗学习)."""
    out = []
    for s in pairing.secondments:
        recipient = pairing.recipient(s.recipient_school)
        host = recipient.full_name if recipient else recipients_text(pairing)
        sender, host = (pairing.supporter.name, host) if s.sent_by == Party.supporter else (host, pairing.supporter.name)
        verb = "挂职" if s.sent_by == Party.supporter else "跟岗"
        out.append(f"{sender}选派{person(s.person)}到{host}{verb}{s.post}，自{cn_date(s.start)}起至{cn_date(s.end)}止，"
                   f"{duration(s.start, s.end)}。")
    for p in pairing.placements:
        recipient = pairing.recipient(p.recipient_school)
        host = recipient.full_name if recipient else recipients_text(pairing)
        teacher = p.teacher.name + (f"（{p.teacher.subject}）" if p.teacher.subject else "")
        if p.kind.value == "teaching":
            line = f"{pairing.supporter.name}选派{teacher}到{host}支教"
        else:
            line = f"{host}选派{teacher}到{pairing.supporter.name}顶岗学习"
        out.append(f"{line}，自{cn_date(p.start)}起至{cn_date(p.end)}止，{duration(p.start, p.end)}。")
    return out


LAYER_LINES = (("leader_pairs", "校级领导结对{n}对，签订校级领导结对帮扶责任书"),
               ("middle_manager_pairs", "中层干部结对{n}对，签订管理帮扶责任书"),
               ("group_pairs", "学科教研组结对{n}对，签订学科教研组结对帮扶责任书"),
               ("teacher_pairs", "教师结成师徒对子{n}对，签订教师结对帮扶责任书"))


def pairing_plan(scope: Scope) -> dict:
    prog, pairing = scope.programme, scope.pairing
    cyc = pairing.cycle
    sup = pairing.supporter
    word = supporter_word(pairing)
    names = pairing_names(pairing)
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

    secs = [_section("指导思想", [f"{basis_sentence(prog)}，{sup.name}与{recipients_text(pairing)}结成帮扶对子，"
                                  "制定本方案。"])]
    goal_paras = [prog.goals.overall] if prog.goals and prog.goals.overall else []
    if pairing.key_target:
        goal_paras.append(f"年度重点帮扶目标：{pairing.key_target}")
    goal_paras += list(pairing.goals)
    if goal_paras:
        secs.append(_section("工作目标", goal_paras))

    def who(role: str, school) -> str:  # a lead only where the data names one
        return f"{role}：{school.full_name}" + (f"，负责人{person(school.lead)}" if school.lead else "") + "。"

    leads = [who(word, sup)] + [who("受援学校", r) for r in pairing.recipients]
    term = term_context(pairing, prog)
    leads.append(f"帮扶期限自{term['start_text']}起至{term['end_text']}止，为期{cn_num(cyc.years)}年。"
                 if term["start"] else f"帮扶期限为{cn_num(cyc.years)}年，具体起止时间以双方签订的协议为准。")
    secs.append(_section("结对安排", leads))
    duties = [commitment_text(c, supporter=word) for c in prog.commitments]
    subs = [{"title": a.title, "paragraphs": a.paragraphs} for a in prog.content_areas]
    if duties:
        subs.append({"title": "量化要求", "paragraphs": duties + [r for r in [report_rule(prog)] if r]})
    people = []
    for field, line in LAYER_LINES:
        n = len(getattr(pairing, field))
        if n:
            listed = attachments.reference(atts, "teacher_pairs") if field == "teacher_pairs" else ""
            people.append("双方" + line.format(n=cn_count(n)) + (f"，名单{listed}" if listed else "") + "。")
    people += exchange_lines(pairing)
    if people:
        subs.append({"title": "人员结对与交流", "paragraphs": people})
    secs.append(_section("帮扶内容", [], subs))
    org = []
    group = attachments.reference(atts, "leading_group")
    if group:
        org.append(f"双方成立结对帮扶工作领导小组，成员名单{group}。")
    planned = attachments.reference(atts, "monthly_plan")
    if planned:
        org.append(f"双方按月度工作计划表（{planned}）开展帮扶活动，每项活动明确责任人和完成时限。")
    org += [r for r in [report_rule(prog)] if r]
    if org:
        secs.append(_section("组织保障", org))
    plan = {"title_lines": split_title(f"{names}结对帮扶工作实施方案", keep=school_names(pairing)), "preamble": [],
            "sections": secs}
    return {"plan": plan, "attachments": atts, "attachment_lines": attachments.attachment_lines(atts),
            "signature": signatures.joint(pairing_signers(scope), cn_date(pairing.signed_on, blank=True))}
