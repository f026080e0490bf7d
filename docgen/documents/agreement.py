"""结对帮扶协议书: the agreement of one supporter–recipient pair, confirmed by their bureaus."""
from __future__ import annotations

from ..load.model.common import Party
from ..text import cn_date
from . import signatures
from .scope import Scope
from .signers import agreement_signers
from .typography import split_title
from .wording import basis_sentence, commitment_text, pair_bureaus, person, report_rule, school_names, sign_date, term_context


def agreement(scope: Scope) -> dict:
    prog, pairing, pair = scope.programme, scope.pairing, scope.pair
    a, b = pair.supporter, pair.recipient
    duties_a = [commitment_text(c, with_party=False) for c in prog.commitments if c.by in (Party.supporter, Party.both)]
    duties_b = [commitment_text(c, with_party=False) for c in prog.commitments if c.by in (Party.recipient, Party.both)]
    duties_a += ["选派骨干教师与乙方青年教师结成师徒对子，指导备课、上课、听评课和教学研究。",
                 "向乙方开放教研、培训和课程资源，帮助乙方完善管理制度和教学常规。"]
    duties_b += ["结合本校实际提出帮扶需求，主动对接，安排好甲方人员的工作和生活。",
                 "组织干部教师参加甲方的教研、培训和观摩活动，按时整理上报帮扶资料。"]
    bureaus = pair_bureaus(pair, prog)
    signers = agreement_signers(scope)
    filing = "、".join(bureaus)
    goals = [f"{g.year}年：{g.text}" for g in prog.goals.yearly] if prog.goals else []
    rubric = f"《{prog.rubric.title}》" if prog.rubric and prog.rubric.title else "有关考核办法"
    return {
        "title_lines": split_title(f"{a.name}与{b.full_name}结对帮扶协议书", keep=school_names(pairing)),
        "a": {"name": a.name, "lead": person(a.lead)},
        "b": {"name": b.full_name, "lead": person(b.lead)},
        "basis": basis_sentence(prog),
        "term": term_context(pairing),
        "goal": prog.goals.overall if prog.goals else "帮助乙方提升管理水平和教育教学质量，实现共同发展。",
        "key_target": pairing.key_target,
        "yearly_goals": goals,
        "content_areas": [f"{area.title}。{area.paragraphs[0] if area.paragraphs else ''}" for area in prog.content_areas],
        "duties_a": duties_a,
        "duties_b": duties_b,
        "report_rule": report_rule(prog),
        # the bureau was named in full in the basis above; from here on its short name (规范化简称)
        "assessment": f"{prog.bureau.short_name or prog.bureau.name}按照{rubric}对双方进行捆绑考核，结果纳入学校年度考核。",
        "dispute_bureau": bureaus[-1] if len(bureaus) == 1 else "双方主管教育行政部门共同",
        "copies": 2 + len(bureaus),
        "filing": f"报{filing}备案各一份" if len(bureaus) > 1 else f"报{filing}备案一份",
        "bureaus": bureaus,
        "signature": signatures.parties(signers[:2], ["甲方（盖章）：", "乙方（盖章）："],
                                        ["负责人（签字）：", "负责人（签字）："], sign_date(pairing)),
        "confirmations": signatures.confirmations(signers[2:], cn_date(pairing.confirmed_on, blank=True)),
    }
