"""责任书: one letter per pair of each layer of pairing (seed 004) — school leaders, middle
managers, subject teaching-research groups, and mentor and mentee teachers.

A layer's letter lists every duty the programme gives that layer, each with its own period
(每周, 每月, 每学期 …). A programme that gives the managers' layer no duties of its own keeps
the management letter's duties drawn from its guidance and visit commitments.
"""
from __future__ import annotations

from ..load.model.common import Activity, Layer, Party, SupporterKind
from ..load.model.pairing import GroupPair, ManagerPair
from ..text import BLANK_DATE, cn_date, join, number
from . import signatures
from .scope import Scope
from .signers import letter_signers
from .typography import split_title
from .wording import (
    PERIOD_NAMES,
    basis_sentence,
    commitment_for,
    duties,
    layer_commitments,
    person,
    school_names,
    supporter_word,
    term_context,
)

VISIT = {SupporterKind.school: "到甲方学校观摩学习", SupporterKind.team: "参加甲方团队组织的观摩学习",
         SupporterKind.institution: "到甲方单位观摩学习"}
"""Where the recipient's people go to learn, by what the supporter is."""


def _letter_base(scope: Scope) -> dict:
    """What every letter shares: basis, term, copies, and the signature block (the persons sign
    by hand, their schools seal). A pair that starts after the agreement has its own start and
    signing date (never the agreement's)."""
    pairing = scope.pairing
    pair = scope.leader_pair or scope.manager_pair or scope.group_pair or scope.teacher_pair
    term = term_context(pairing, scope.programme)
    start, signed = pairing.letter_dates(pair) if pair is not None else (None, pairing.signed_on)
    if start is not None:
        term = {**term, "start": start, "start_text": cn_date(start)}
    return {"basis": basis_sentence(scope.programme) + f"和{pairing.supporter.name}与受援学校签订的结对帮扶协议",
            "term": term, "copies": 3,
            "filing": f"甲乙双方各执一份，{supporter_word(pairing)}存档一份",
            "signature": signatures.parties(letter_signers(scope), ["", ""], ["甲方（签字）：", "乙方（签字）："],
                                            cn_date(signed) if signed else BLANK_DATE)}


def _goal(scope: Scope, focus: str, default: str) -> str:
    target = scope.pairing.key_target
    if target:
        return f"围绕年度重点帮扶目标（{target.rstrip('。')}），提升乙方在{focus or default}方面的水平。"
    return f"提升乙方在{focus or default}方面的规范化水平。"


def _managers_own(scope: Scope, focus: str) -> tuple[list[str], list[str]]:
    """The managers' duties of a programme that gives that layer none of its own: drawn from
    its management-guidance and observation-visit commitments, each with its own period."""
    prog, pairing = scope.programme, scope.pairing
    guide = commitment_for(prog, Activity.management_guidance)
    visits = (PERIOD_NAMES.get(guide.per, "") if guide else "每学期") + "到乙方学校实地指导"
    if guide and guide.times:
        visits += f"不少于{guide.times}次" + (f"、累计不少于{number(guide.days)}天" if guide.days else "")
    duties_a = [visits + "，了解管理现状，对乙方各类计划、方案提出书面意见。",
                f"围绕{focus or '学校管理'}，帮助乙方健全制度、规范流程，指导乙方开展相关工作。",
                "通过电话、网络等方式保持经常联系，及时解答乙方提出的管理问题。"]
    observe = commitment_for(prog, Activity.observation_visit)
    visit = (PERIOD_NAMES.get(observe.per, "") if observe else "每学期") + VISIT[pairing.supporter.kind]
    duties_b = [visit + (f"累计不少于{number(observe.days)}天" if observe and observe.days else "")
                + "，参加行政会、教研会等活动，学习管理经验。",
                "结合本校实际制定改进措施并抓好落实，每学期形成一份管理改进小结。",
                "每次活动结束后及时整理记录和图片，按要求报送备案。"]
    return duties_a, duties_b


LAYER_LETTERS = {Layer.leaders: ("校级领导结对帮扶责任书", "双方校级领导在结对帮扶中的责任", "学校发展规划和内部管理"),
                 Layer.managers: ("管理帮扶责任书", "双方中层干部在管理帮扶中的责任", "学校管理"),
                 Layer.groups: ("学科教研组结对帮扶责任书", "双方学科教研组在联合教研中的责任", "学科教学和教研")}
"""Each two-party layer's letter: its title, what it makes clear, and its default focus."""


def _pair_letter(scope: Scope, layer: Layer, a_person: str, b_person: str, focus: str, recipient_school: str) -> dict:
    pairing = scope.pairing
    recipient = pairing.recipient(recipient_school)
    title, purpose, default = LAYER_LETTERS[layer]
    own = layer_commitments(scope.programme, layer)
    shared: list[str] = []
    if own:
        duties_a, duties_b, shared = _split(own)
    elif layer == Layer.managers:
        duties_a, duties_b = _managers_own(scope, focus)
    else:
        duties_a, duties_b = [], []
    return {**_letter_base(scope),
            "title_lines": split_title(f"{pairing.supporter.name}与{recipient.name}{title}", keep=school_names(pairing)),
            "purpose": purpose,
            "a": {"role": supporter_word(pairing), "school": pairing.supporter.name, "person": a_person},
            "b": {"role": "受援学校", "school": recipient.name, "person": b_person},
            "goal": _goal(scope, focus, default), "duties_a": duties_a, "duties_b": duties_b, "duties_both": shared}


def _split(own) -> tuple[list[str], list[str], list[str]]:
    """Each side's own duties, and the duties both sides share (listed once, not twice)."""
    return (duties([c for c in own if c.by == Party.supporter], Party.supporter),
            duties([c for c in own if c.by == Party.recipient], Party.recipient),
            duties([c for c in own if c.by == Party.both], Party.both))


def _people(pair: ManagerPair) -> tuple[str, str]:
    return person(pair.supporter), person(pair.recipient)


def leader_letter(scope: Scope) -> dict:
    lp = scope.leader_pair
    return _pair_letter(scope, Layer.leaders, *_people(lp), lp.focus, lp.recipient_school)


def management_letter(scope: Scope) -> dict:
    mp = scope.manager_pair
    return _pair_letter(scope, Layer.managers, *_people(mp), mp.focus, mp.recipient_school)


def _group(gp: GroupPair, side: str) -> str:
    lead = gp.supporter_lead if side == "supporter" else gp.recipient_lead
    return gp.group(side) + (f"（组长{lead.name}）" if lead else "")


def group_letter(scope: Scope) -> dict:
    gp = scope.group_pair
    return _pair_letter(scope, Layer.groups, _group(gp, "supporter"), _group(gp, "recipient"),
                        gp.focus or f"{gp.subject}教学和教研", gp.recipient_school)


def teacher_letter(scope: Scope) -> dict:
    pairing, tp = scope.pairing, scope.teacher_pair
    recipient = pairing.recipient(tp.recipient_school)
    own = layer_commitments(scope.programme, Layer.teachers)
    shared: list[str] = []
    if any(c.layer == Layer.teachers for c in own):
        duties_a, duties_b, shared = _split(own)
    else:
        exchanges = [c for c in own if c.times]
        meet = [f"{PERIOD_NAMES.get(c.per, '')}与乙方开展教育教学交流不少于{c.times}次" for c in exchanges]
        duties_a = [(join(meet, "；") or "定期与乙方开展教育教学交流") + "（实地指导或线上交流均可），保留交流记录和图片。",
                    "听乙方的课并逐节评课，指导乙方备课、作业设计和批改。",
                    "每学期指导乙方上好一节成功课例，并帮助其完成课例稿。"]
        duties_b = ["虚心接受指导，按时提交教学设计和教学反思。",
                    "主动听甲方的课，学习课堂组织和教学方法。",
                    "每学期在甲方指导下上好一节成功课例，撰写一篇帮扶心得。"]

    def detail(t) -> str:
        return join([t.subject, t.title, t.position], "　")

    subject = tp.mentee.subject or tp.mentor.subject or "本学科"
    return {**_letter_base(scope),
            "title_lines": split_title("教师结对帮扶责任书"),
            "mentor": {"name": tp.mentor.name, "school": pairing.supporter.name, "detail": detail(tp.mentor)},
            "mentee": {"name": tp.mentee.name, "school": recipient.name, "detail": detail(tp.mentee)},
            "subject": subject, "duties_a": duties_a, "duties_b": duties_b, "duties_both": shared}
