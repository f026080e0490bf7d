"""实施方案: the bureau's programme plan and each pairing's own plan.

The programme plan prints the bureau's own text (``Programme.body``) in its order, with the
parts docgen writes from the data placed where the text puts them; a programme without a
``body`` is composed from its fields, each section only where the data has something for it.
Neither plan states a duty, a period or a count in docgen's words: duties are printed as the
data words them (``Commitment.text``).
"""
from __future__ import annotations

import re

from ..errors import given
from ..load.model.common import Block, Insert, Layer, Party, SupporterKind
from ..load.model.pairing import Pairing, School
from ..load.model.programme import Attachment, AttachmentContent, DocumentKind, Programme, YearGoal
from ..text import BLANK_DATE, cn_num, display_width
from . import attachments, signatures
from .blocks import NO_HEADS, Fills, Inserts, Items, Node, Section, Table, blanks, from_data, layout
from .prose import cat, data, join, lit, piece, say
from .scope import Scope
from .signers import pairing_signers
from .tables import PAIR_LISTS, TableKind
from .typography import split_title
from .wording import (
    basis_sentence,
    duty,
    full_name,
    indicator_text,
    pairing_names,
    person,
    policy_sentence,
    recipient_word,
    recipients_text,
    school_names,
    supporter_word,
    term_context,
)

ANNEX_NAMES = 36
"""An annex title names the pairing's schools when they fit two title lines; beyond that the
plan's own title is where they are named."""


def gap(what: str, file: str, field: str) -> str:
    """A field the data leaves open, as the bundle lists it: 签订日期（pairings/x.yaml 中 signed_on）."""
    return f"{what}（{file} 中 {field}）"


def pairing_file(pairing: Pairing) -> str:
    return f"pairings/{pairing.id}.yaml"


def fills(pairing: Pairing) -> Fills:
    """What the pairing writes into the blanks of the programme's clauses."""
    return Fills(pairing.blanks, pairing_file(pairing))


def blank_gaps(nodes: list[Node], where: str) -> list[str]:
    """The lines a bureau's text leaves to fill in, as fields to fill: where the data would
    fill each (a pairing's file and field), else the text that holds it (``where``)."""
    return [f"“{blank.label}”（{blank.where or where}）" for blank in blanks(nodes)]


def doc_title(prog: Programme, kind: DocumentKind, default: str) -> str:
    """What the programme calls a pairing's document (帮扶方案, 师徒带教协议), or ``default``."""
    return data(prog, "titles", kind) if kind in prog.titles else lit(default)


# ------------------------------------------------------------------ the parts

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


def _mine(ind, school: School | None) -> bool:
    return school is None or not ind.school or ind.school in (school.name, school.short_name) \
        or school.name.endswith(ind.school)


def goal_nodes(goal: YearGoal) -> list[Node]:
    """A year's goal as the programme words it, then those of its indicators the goal's own
    words do not already state."""
    out: list[Node] = [data(goal, "text")]
    listed = [indicator_text(i) for i in goal.indicators]
    listed = [t for t in listed if str(t) not in goal.text]
    if listed:
        out.append(say("主要指标：{}。", join(listed, "；")))
    return out


def indicators_for(prog: Programme, schools: list[School]) -> list[str]:
    """{year}年目标：罗山中学打造市级精品课8节，区级精品课2节；职业技术学校…；… — only the
    indicators of these schools (a goal's text is the programme's, not theirs), grouped by the
    school each belongs to and led by its name, so that an indicator written as a fragment of
    the goal's sentence (区级精品课2节) is never read as another school's; those of no school
    come last."""
    out: list[str] = []
    for goal in prog.goals.yearly if prog.goals else []:
        groups: dict[str, list] = {}
        for ind in goal.indicators:
            if any(_mine(ind, s) for s in schools):
                groups.setdefault(ind.school, []).append(ind)
        parts = [_school_indicators(school, inds) for school, inds in sorted(groups.items(), key=lambda g: not g[0])]
        if parts:
            out.append(say("{}年目标：{}。", data(goal, "year"), join(parts, "；")))
    return out


def _school_indicators(school: str, inds: list) -> str:
    """One school's indicators: its name once, at the head (a text that starts with it keeps it,
    the others lose it), then each indicator as the programme words it."""
    texts = []
    for k, ind in enumerate(inds):
        text = indicator_text(ind)
        named = bool(school) and str(text).startswith(school)
        if k == 0 and school and not named:
            text = cat(data(ind, "school"), text)
        elif k > 0 and named:
            text = piece(text, len(school), len(text))
        texts.append(text)
    return join(texts, "，")


def measure_nodes(prog: Programme) -> list[Node]:
    """帮扶措施: grouped by area, numbered through, each with its 责任单位 and 完成时限."""
    groups: dict[str, list[str]] = {}
    areas: dict[str, str] = {}
    for n, m in enumerate(prog.measures, 1):
        tail = join([say("责任单位：{}", join([data(m, "units", k) for k in range(len(m.units))])) if m.units else "",
                     say("完成时限：{}", data(m, "deadline")) if m.deadline else ""], "；")
        groups.setdefault(m.area, []).append(cat(f"{n}.", data(m, "text"), say("（{}）", tail) if tail else ""))
        areas.setdefault(m.area, data(m, "area") if m.area else "")
    if len(groups) == 1 and "" in groups:
        return [Items(groups[""])]
    return [Section(areas[area], [Items(items)]) if area else Items(items) for area, items in groups.items()]


def step_nodes(prog: Programme) -> list[Node]:
    out: list[Node] = []
    for step in prog.steps:
        when = ""
        if step.start and step.end:  # the year is written once: （2020年3月24日—3月30日）
            end = data(step, "end", text=f"{step.end.month}月{step.end.day}日") if step.end.year == step.start.year \
                else data(step, "end")
            when = say("（{}—{}）", data(step, "start"), end)
        elif step.end:
            when = say("（{}前）", data(step, "end"))
        out.append(Section(cat(data(step, "title"), when), [data(step, "text")] if step.text else []))
    return out


def duties_of(prog: Programme, ids: list[str] | None = None) -> list[str]:
    return [duty(c) for c in prog.commitments if duty(c) and (not ids or c.id in ids)]


def stage_counts(pairings: list[Pairing]) -> str:
    """幼儿园10所、特殊教育学校1所… — recipients counted by stage, when every one has a stage."""
    recipients = [r for p in pairings for r in p.recipients]
    if not recipients or any(not r.stage for r in recipients):
        return ""
    counts: dict[str, tuple[int, str]] = {}
    for r in sorted(recipients, key=lambda r: attachments.STAGES.index(r.stage) if r.stage in attachments.STAGES else 99):
        n, shown = counts.get(r.stage, (0, data(r, "stage")))
        counts[r.stage] = (n + 1, shown)
    return join([cat(shown, f"{n}所") for n, shown in counts.values()]) if len(counts) > 1 else ""


def pairs_said(prog: Programme, pairings: list[Pairing]) -> str:
    """结对15对，涉及支援学校12所、受援学校15所: the pairs counted from the pair list, in the
    programme's words, in Arabic numerals; a programme of mostly one-to-many pairings (seed 001's
    “一对多”) counts its 帮扶对子."""
    word = supporter_word(pairings, prog)
    unit = "所" if all(p.supporter.kind == SupporterKind.school for p in pairings) else "个"
    n_pairs = sum(len(p.recipients) for p in pairings)
    supporters = len({p.supporter.name for p in pairings})
    recipients = len({r.full_name for p in pairings for r in p.recipients})
    if sum(len(p.recipients) > 1 for p in pairings) * 2 <= len(pairings):  # mostly one to one: count the pairs
        text = say("结对{}对", n_pairs)
        if supporters != n_pairs or recipients != n_pairs:
            text = say("{}，涉及{}{}{}、{}{}所", text, word, supporters, unit, recipient_word(prog), recipients)
        return text
    return say("帮扶对子{}个，涉及{}{}{}、{}{}所", len(pairings), word, supporters, unit, recipient_word(prog), recipients)


def pair_count(prog: Programme, pairings: list[Pairing], listed: str) -> str:
    """共确定结对15对，涉及支援学校12所、受援学校15所，名单见附件 (``pairs_said``), with the recipients
    by stage where every one has a stage."""
    text = say("共确定{}", pairs_said(prog, pairings))
    stages = stage_counts(pairings)
    if stages:
        text = say("{}（{}：{}）", text, recipient_word(prog), stages)
    return say("{}{}。", text, say("，名单{}", listed) if listed else "")


def programme_inserts(scope: Scope, atts: list[dict]) -> Inserts:
    prog, pairings = scope.programme, scope.loaded.pairings

    def pair_list(block: Block) -> list[Node]:
        kind = attachments.pair_list_kind(pairings)
        return [Table(kind, attachments.pair_rows(pairings, scope.county, kind), attachments.pair_heads(prog, pairings))]

    def group(block: Block) -> list[Node]:
        lg = prog.leading_group
        return [Table(TableKind.leading_group, attachments.group_rows(lg), paragraphs=attachments.group_notes(lg))] if lg else []

    return {
        Insert.pair_list: pair_list,
        Insert.pair_count: lambda b: [pair_count(prog, pairings, attachments.reference(atts, PAIR_LISTS))],
        Insert.commitments: lambda b: [Items(duties_of(prog, b.ids))],
        Insert.measures: lambda b: measure_nodes(prog),
        Insert.measures_table: lambda b: [Table(TableKind.measures, attachments.measure_rows(prog))],
        Insert.leading_group: group,
        Insert.rubric: lambda b: [Table(TableKind.rubric, attachments.rubric_rows(prog), paragraphs=attachments.rubric_notes(prog))]
        if prog.rubric else [],
        Insert.steps: lambda b: step_nodes(prog),
        Insert.yearly_goals: lambda b: [Section(say("{}年目标", data(g, "year")), goal_nodes(g))
                                        for g in (prog.goals.yearly if prog.goals else [])],
    }


def _composed(scope: Scope, atts: list[dict]) -> list[Node]:
    """The plan of a programme without a ``body``: its fields in the usual order, each section
    only where the data has something for it."""
    prog = scope.programme
    pairings = scope.loaded.pairings
    cyc = prog.cycle
    nodes: list[Node] = []
    opening = data(prog, "preamble") if prog.preamble else policy_sentence(prog)
    if opening:
        nodes.append(opening)
    nodes.append(Section(lit("指导思想"), [data(prog, "guiding_idea", i) for i in range(len(prog.guiding_idea))]))
    if prog.goals:
        yearly = [Section(say("{}年目标", data(g, "year")), goal_nodes(g)) for g in prog.goals.yearly]
        nodes.append(Section(lit("工作目标"), [*([data(prog.goals, "overall")] if prog.goals.overall else []), *yearly]))
    principles = [data(prog, "principles", i) for i in range(len(prog.principles))]
    if len(principles) > 1:
        nodes.append(Section(lit("工作原则"), [Items(principles)]))
    period: str = say("帮扶周期为{}年", data(cyc, "years"))
    if not prog.cycle_in_documents:
        period = ""  # the programme states no cycle: none is printed
    elif cyc.agreed_by_pairs:
        period = say("{}，具体起止时间由结对双方商定。", period)
    else:
        period = say("{}，自{}起至{}止。", period, data(cyc, "start"), data(cyc, "end"))
    arrangement = (principles if len(principles) == 1 else []) + [data(prog, "arrangement", i)
                                                                   for i in range(len(prog.arrangement))]
    count = pair_count(prog, pairings, attachments.reference(atts, PAIR_LISTS))
    nodes.append(Section(lit("结对安排"), arrangement + [cat(period, count)]))
    content: list[Node] = [Section(data(a, "title"), [data(a, "paragraphs", i) for i in range(len(a.paragraphs))])
                           for a in prog.content_areas]
    duties = duties_of(prog)
    if duties:
        content.append(Section(lit("具体要求"), [Items(duties)]))
    nodes.append(Section(lit("帮扶内容"), content))
    if prog.measures:
        tasks = attachments.reference(atts, TableKind.measures)
        nodes.append(Section(lit("帮扶措施"), ([say("各项措施的责任单位和完成时限汇总为任务清单，{}。", tasks)] if tasks else [])
                             + measure_nodes(prog)))
    nodes.append(Section(lit("实施步骤"), step_nodes(prog)))
    safeguards: list[Node] = [Section(data(s, "title"), [data(s, "paragraphs", i) for i in range(len(s.paragraphs))])
                              for s in prog.safeguards]
    lg = prog.leading_group
    if lg:
        lead = next((m for m in lg.members if m.role.startswith("组长")), None)
        text = say("成立{}", data(lg, "name") if lg.name else "结对帮扶工作领导小组")
        if lead:
            text = say("{}，由{}任组长", text, person(lead))
        members = attachments.reference(atts, TableKind.leading_group)
        text = cat(text, say("，成员名单{}。", members) if members else "。", data(lg, "office") if lg.office else "")
        safeguards.insert(0, Section(lit("组织领导"), [text]))
    if prog.assessment:
        safeguards.append(Section(lit("考核激励"), [data(prog.assessment, "text")] + (
            [data(prog.assessment, "baseline")] if prog.assessment.baseline else [])))
    nodes.append(Section(data(prog, "safeguards_title") if "safeguards_title" in prog.model_fields_set
                         else lit(prog.safeguards_title or "保障措施"), safeguards))
    nodes.append(Section(lit("预期成效"), [data(prog, "expected_outcomes", i) for i in range(len(prog.expected_outcomes))]))
    return nodes


def programme_plan_body(scope: Scope, wanted: list[Attachment] | None = None) -> tuple[dict, list[dict]]:
    """The plan's title and text, and its attachments (the notice's, or the plan's own)."""
    prog = scope.programme
    if wanted is None:  # ``attachments: []`` written means none; not written, what has data
        wanted = prog.attachments if "attachments" in prog.model_fields_set else _own_attachments(prog)
    atts = attachments.programme_attachments(scope, wanted)
    nodes = from_data(prog.body, programme_inserts(scope, atts)) if prog.body else _composed(scope, atts)
    return {"title_lines": split_title(data(prog, "title")), "blocks": layout(nodes),
            "gaps": blank_gaps(nodes, "programme.yaml 中 body")}, atts


def programme_plan(scope: Scope) -> dict:
    plan, atts = programme_plan_body(scope)
    return {"plan": plan, "attachments": atts, "attachment_lines": attachments.attachment_lines(atts),
            "signature": None, "gaps": plan["gaps"]}


# ------------------------------------------------------------------ a pairing's plan

def duration(start, end) -> str:
    """为期一学年, 为期六个月: how long a placement lasts, in whole years or months."""
    months = round(((end - start).days + 1) / 30.44)
    if months >= 12 and months % 12 == 0:
        return f"为期{cn_num(months // 12)}年"
    return f"为期{cn_num(max(months, 1))}个月" if months else f"为期{(end - start).days + 1}天"


def exchange_lines(pairing: Pairing, only: str | None = None) -> list[str]:
    """Who goes to which school, as what, from when to when (挂职, 支教, 顶岗学习), as the
    pairing file records it; ``only``: those of one recipient."""
    out: list[str] = []
    for s in pairing.secondments:
        if only is not None and s.recipient_school and s.recipient_school != only:
            continue
        recipient = pairing.recipient(s.recipient_school)
        host = full_name(recipient) if recipient else recipients_text(pairing)
        own = data(pairing.supporter, "name")
        sender, host = (own, host) if s.sent_by == Party.supporter else (host, own)
        verb = "担任" if s.sent_by == Party.supporter else "跟岗"  # 挂职 or 出任 is the programme's word to write
        out.append(say("{}选派{}到{}{}{}，自{}起至{}止，{}。", sender, person(s.person), host, verb, data(s, "post"),
                       data(s, "start"), data(s, "end"), duration(s.start, s.end)))
    for p in pairing.placements:
        if only is not None and p.recipient_school and p.recipient_school != only:
            continue
        recipient = pairing.recipient(p.recipient_school)
        host = full_name(recipient) if recipient else recipients_text(pairing)
        teacher = cat(data(p.teacher, "name"), say("（{}）", data(p.teacher, "subject")) if p.teacher.subject else "")
        own = data(pairing.supporter, "name")
        line = (say("{}选派{}到{}支教", own, teacher, host) if p.kind.value == "teaching"
                else say("{}选派{}到{}顶岗学习", host, teacher, own))
        out.append(say("{}，自{}起至{}止，{}。", line, data(p, "start"), data(p, "end"), duration(p.start, p.end)))
    return out


LAYERS = (("leader_pairs", "leaders", "校级领导", DocumentKind.leader_letter, "校级领导结对帮扶责任书"),
          ("middle_manager_pairs", "managers", "中层干部", DocumentKind.management_letter, "管理帮扶责任书"),
          ("group_pairs", "groups", "学科教研组", DocumentKind.group_letter, "学科教研组结对帮扶责任书"),
          ("teacher_pairs", "teachers", "师徒", DocumentKind.teacher_letter, "教师结对帮扶责任书"))
"""Each layer of pairing: the pairing's field, the layer, its name, its letter's kind and title."""


def layer_title(prog: Programme, layer: str, kind: DocumentKind, default: str) -> str:
    """The name of a layer's document: the programme's (``titles``, or the layer's
    ``letter_title``), else ``default``."""
    terms = prog.layers.get(Layer(layer))
    if kind in prog.titles:
        return data(prog, "titles", kind)
    return data(terms, "letter_title") if terms and terms.letter_title else lit(default)


def people_lines(prog: Programme, pairing: Pairing, teacher_list: str = "", only: str | None = None,
                 as_signed: bool = False) -> list[str]:
    """双方结成中层干部对子2对（签订管理帮扶责任书）, from the pairing's own lists; the letter is
    named only when the programme asks for it. ``as_signed``: the pairs running on the day the
    agreement is signed (a pair added or ended later never changes a signed agreement)."""
    out: list[str] = []
    for field, layer, noun, kind, title in LAYERS:
        pairs = pairing.people_pairs_on(field, pairing.signed_on) if as_signed else getattr(pairing, field)
        items = [x for x in pairs if only is None or not x.recipient_school or x.recipient_school == only]
        if not items:
            continue
        terms = prog.layers.get(Layer(layer))
        if terms and terms.name:
            line = say("{}：双方结对{}对", data(terms, "name"), len(items))
        else:
            line = say("双方{}结对{}对", noun, len(items))
        if prog.wants(kind.value):
            line = say("{}，签订{}", line, layer_title(prog, layer, kind, title))
        out.append(cat(line, say("，名单{}", teacher_list) if field == "teacher_pairs" and teacher_list else "", "。"))
    return out


def draft_verb(prog: Programme) -> str:
    """制定 or 制订: the verb the programme's own text uses for drawing up a plan."""
    text = prog.preamble + "".join(b.text for b in prog.body)
    return "制订" if re.search(r"制订(本|实施|工作)?方案", text) else "制定"


def pairing_plan(scope: Scope) -> dict:
    prog, pairing = scope.programme, given(scope.pairing, "a pairing (Per.pairing)")
    sup = pairing.supporter
    word = supporter_word(pairing, prog)
    names = pairing_names(pairing)
    annex = names if display_width(names) <= ANNEX_NAMES else ""  # the plan's own title names them all
    atts = []
    gaps: list[str] = []
    for school in [sup, *pairing.recipients]:
        if school.leading_group:
            atts.append(attachments.leading_group(school.leading_group, say("{}结对帮扶工作领导小组", data(school, "name"))))
    if pairing.monthly_plan:
        rows = []
        for month in pairing.monthly_plan:
            for k, it in enumerate(month.items):
                rows.append({"month": data(month, "month", text=f"{cn_num(month.number)}月") if k == 0 else "",
                             "content": data(it, "content"), "work": data(it, "work") if it.work else "",
                             "owner": data(it, "owner") if it.owner else "",
                             "deadline": data(it, "deadline") if it.deadline else ""})
        atts.append({"kind": TableKind.monthly_plan, "label": "", "heads": NO_HEADS,
                     "title_lines": split_title(cat(annex, "结对帮扶工作计划表"), keep=school_names(pairing)),
                     "rows": rows, "paragraphs": []})
    form = next((a for a in prog.attachments if a.content == AttachmentContent.monthly_plan_form), None)
    if form is not None and not pairing.monthly_plan:  # the programme's form, for the pair to fill in
        atts.append({"kind": TableKind.monthly_plan, "label": "", "heads": NO_HEADS,
                     "title_lines": split_title(cat(annex, "结对帮扶工作计划表"), keep=school_names(pairing)),
                     "rows": attachments.form_rows(form), "paragraphs": attachments.form_notes(form)})
        gaps.append(gap("结对帮扶工作计划表", pairing_file(pairing), "monthly_plan"))
    if pairing.teacher_pairs:
        atts.append(attachments.teacher_pairs(pairing, cat(annex, "教师结对安排表"), keep=school_names(pairing), prog=prog))
    atts = attachments.numbered(atts)

    verb = "结对帮扶" if sup.kind == SupporterKind.school else "开展结对帮扶"
    # (本方案, or what the programme calls the document: 本规划 for a 结对帮扶发展规划)
    own = str(doc_title(prog, DocumentKind.pairing_plan, "方案"))
    noun = next((n for n in ("规划", "计划", "方案") if own.endswith(n)), "方案")
    nodes: list[Node] = [say("{}，{}与{}{}，{}本{}。", basis_sentence(prog), data(sup, "name"), recipients_text(pairing),
                             verb, draft_verb(prog), noun)]
    goals: list[Node] = [data(pairing, "goals", i) for i in range(len(pairing.goals))]
    if pairing.key_target:
        goals.append(say("重点帮扶目标：{}", data(pairing, "key_target")))
    goals += indicators_for(prog, pairing.recipients)
    nodes.append(Section(lit("工作目标"), goals))

    def who(role: str, school: School) -> str:  # a lead only where the data names one
        return cat(role, "：", full_name(school), say("，负责人{}", person(school.lead)) if school.lead else "", "。")

    arrangement = [who(word, sup)] + [who(recipient_word(prog), r) for r in pairing.recipients]
    term = term_context(pairing, prog)
    if prog.cycle_in_documents:
        arrangement.append(say("帮扶期限自{}起至{}止，为期{}年。", term["start_text"], term["end_text"], term["years"]))
        if term["open"]:
            gaps.append(gap("帮扶起止日期", pairing_file(pairing), "cycle"))
    nodes.append(Section(lit("结对双方" if len(pairing.recipients) == 1 else "结对各方"), arrangement))  # 双方 is two
    content: list[Node] = [Section(data(a, "title"), [data(a, "paragraphs", i) for i in range(len(a.paragraphs))])
                           for a in prog.content_areas]
    duties = duties_of(prog)
    if duties:
        content.append(Section(lit("具体要求"), [Items(duties)]))
    people = people_lines(prog, pairing, attachments.reference(atts, TableKind.teacher_pairs)) + exchange_lines(pairing)
    content.append(Section(lit("人员结对与交流"), people))
    nodes.append(Section(lit("帮扶内容"), content))
    if prog.pairing_plan and prog.pairing_plan.clauses:  # the programme's own parts of the plan's content
        clauses = from_data(prog.pairing_plan.clauses, programme_inserts(scope, atts), fills(pairing))
        gaps += blank_gaps(clauses, "programme.yaml 中 pairing_plan.clauses")
        nodes += clauses
    planned = attachments.reference(atts, TableKind.monthly_plan)
    if planned:
        nodes.append(Section(lit("工作计划"), [say("月度工作计划{}。", planned)]))
    group = attachments.reference(atts, TableKind.leading_group)
    if group:
        nodes.append(Section(lit("组织保障"), [say("双方成立结对帮扶工作领导小组，成员名单{}。", group)]))
    if not pairing.signed_on:
        gaps.append(gap("落款日期", pairing_file(pairing), "signed_on"))
    plan = {"title_lines": split_title(cat(names, doc_title(prog, DocumentKind.pairing_plan, "结对帮扶工作实施方案")),
                                      keep=school_names(pairing)),
            "blocks": layout(nodes)}
    return {"plan": plan, "attachments": atts, "attachment_lines": attachments.attachment_lines(atts),
            "signature": signatures.joint(pairing_signers(scope), data(pairing, "signed_on") if pairing.signed_on
                                          else BLANK_DATE),
            "gaps": gaps}
