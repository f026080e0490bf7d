"""责任书: the management letter of a pair of middle managers, and the teacher letter of a
mentor and a mentee."""
from __future__ import annotations

from ..load.model.common import Activity
from ..text import join, number
from . import signatures
from .scope import Scope
from .signers import letter_signers
from .typography import split_title
from .wording import basis_sentence, commitment_for, person, school_names, sign_date, term_context


def _letter_base(scope: Scope) -> dict:
    """What both letters share: basis, term, copies, and the signature block (the persons sign
    by hand, their schools seal)."""
    pairing = scope.pairing
    return {"basis": basis_sentence(scope.programme) + f"和{pairing.supporter.name}与受援学校签订的结对帮扶协议",
            "term": term_context(pairing), "copies": 3,
            "filing": "甲乙双方各执一份，支援学校存档一份",
            "signature": signatures.parties(letter_signers(scope), ["", ""], ["甲方（签字）：", "乙方（签字）："],
                                            sign_date(pairing))}


def management_letter(scope: Scope) -> dict:
    pairing, mp = scope.pairing, scope.manager_pair
    recipient = pairing.recipient(mp.recipient_school)
    prog = scope.programme
    guide = commitment_for(prog, Activity.management_guidance)
    visits = "每学期到乙方学校实地指导"
    if guide and guide.times:
        visits += f"不少于{guide.times}次" + (f"、累计不少于{number(guide.days)}天" if guide.days else "")
    duties_a = [visits + "，了解管理现状，对乙方各类计划、方案提出书面意见。"]
    duties_a.append(f"围绕{mp.focus or '学校管理'}，帮助乙方健全制度、规范流程，指导乙方开展相关工作。")
    duties_a.append("通过电话、网络等方式保持经常联系，及时解答乙方提出的管理问题。")
    observe = commitment_for(prog, Activity.observation_visit)
    duties_b = ["每学期到甲方学校观摩学习" + (f"累计不少于{number(observe.days)}天" if observe and observe.days else "")
                + "，参加行政会、教研会等活动，学习管理经验。",
                "结合本校实际制定改进措施并抓好落实，每学期形成一份管理改进小结。",
                "每次活动结束后及时整理记录和图片，按要求报送备案。"]
    if pairing.key_target:
        goal = f"围绕年度重点帮扶目标（{pairing.key_target.rstrip('。')}），提升乙方在{mp.focus or '学校管理'}方面的水平。"
    else:
        goal = f"提升乙方在{mp.focus or '学校管理'}方面的规范化水平。"
    return {**_letter_base(scope),
            "title_lines": split_title(f"{pairing.supporter.name}与{recipient.name}管理帮扶责任书", keep=school_names(pairing)),
            "a": {"school": pairing.supporter.name, "person": person(mp.supporter)},
            "b": {"school": recipient.name, "person": person(mp.recipient)},
            "goal": goal, "duties_a": duties_a, "duties_b": duties_b}


def teacher_letter(scope: Scope) -> dict:
    pairing, tp = scope.pairing, scope.teacher_pair
    recipient = pairing.recipient(tp.recipient_school)
    exchange = commitment_for(scope.programme, Activity.mentor_exchange)
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
