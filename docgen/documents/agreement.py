"""结对帮扶协议书: the agreement of one supporter–recipient pair, confirmed by their bureaus."""
from __future__ import annotations

from ..load.model.common import Party, SupporterKind
from ..load.model.pairing import Pairing
from ..load.model.programme import Programme
from ..text import cn_count, cn_date, paren_ordinal
from . import signatures
from .plan import exchange_lines, goal_paragraphs, measure_sections
from .scope import Scope
from .signers import agreement_signers
from .typography import split_title
from .wording import (
    basis_sentence,
    commitment_text,
    pair_bureaus,
    person,
    report_rule,
    school_names,
    sign_date,
    supporter_word,
    term_context,
)


def content_lines(prog: Programme) -> list[dict]:
    """帮扶内容及方式: every content area whole, then the measures grouped by area with
    their 责任单位 and 完成时限, numbered through."""
    lines = [{"heading": False, "text": f"{n}.{area.title}。" + "".join(area.paragraphs)}
             for n, area in enumerate(prog.content_areas, 1)]
    groups = measure_sections(prog)
    for k, group in enumerate(groups, 1):
        if group["title"] and len(groups) > 1:  # a second-level heading, kept with what follows
            lines.append({"heading": True, "text": f"{paren_ordinal(k)}{group['title']}"})
        lines += [{"heading": False, "text": p} for p in group["paragraphs"]]
    return lines


def _people_duties(pairing: Pairing, recipient_name: str) -> list[str]:
    """What the pairing file itself says the supporter sends or pairs, for this recipient."""
    mine = lambda item: not item.recipient_school or item.recipient_school == recipient_name  # noqa: E731
    out = []
    for field, noun in (("leader_pairs", "校级领导"), ("middle_manager_pairs", "中层干部"),
                        ("group_pairs", "学科教研组"), ("teacher_pairs", "师徒")):
        n = len([x for x in pairing.people_pairs_on(field, pairing.signed_on) if mine(x)])  # as signed
        if n:
            out.append(f"与乙方结成{noun}对子{cn_count(n)}对，签订相应的责任书并督促落实。")
    only = pairing.model_copy(update={"secondments": [s for s in pairing.secondments if mine(s)],
                                      "placements": [p for p in pairing.placements if mine(p)]})
    return out + exchange_lines(only)


def agreement(scope: Scope) -> dict:
    prog, pairing, pair = scope.programme, scope.pairing, scope.pair
    a, b = pair.supporter, pair.recipient
    duties_a = [commitment_text(c, with_party=False) for c in prog.commitments if c.by == Party.supporter]
    duties_b = [commitment_text(c, with_party=False) for c in prog.commitments if c.by == Party.recipient]
    duties_a += _people_duties(pairing, b.name)
    both = [commitment_text(c, supporter=supporter_word(pairing)) for c in prog.commitments if c.by == Party.both]
    bureaus = pair_bureaus(pair, prog)
    signers = agreement_signers(scope)
    filing = "、".join(bureaus)
    goals = [f"{g.year}年：" + "".join(goal_paragraphs(g, b)) for g in prog.goals.yearly] if prog.goals else []
    if prog.rubric:
        rubric = f"《{prog.rubric.title}》" if prog.rubric.title else "考核细则"
        assessment = f"{prog.bureau.short_name or prog.bureau.name}按照{rubric}对双方进行捆绑考核。"
    elif prog.assessment:
        assessment = prog.assessment.text
    else:
        assessment = ""
    rule = report_rule(prog)
    mechanisms = [f"共同事项。{''.join(both)}" if both else "",
                  "交流对接。双方各明确一名联络人，建立日常沟通渠道" + (f"；{rule}" if rule else "。")]
    return {
        "title_lines": split_title(f"{a.name}与{b.full_name}结对帮扶协议书", keep=school_names(pairing)),
        "a": {"name": a.name, "lead": person(a.lead), "role": supporter_word(pairing)},
        "b": {"name": b.full_name, "lead": person(b.lead)},
        "basis": basis_sentence(prog),
        "term": term_context(pairing, scope.programme),
        "goal": (prog.goals.overall if prog.goals else "") or ("" if goals else "帮助乙方提升管理水平和教育教学质量，实现共同发展。"),
        "key_target": pairing.key_target,
        "yearly_goals": goals,
        "content_lines": content_lines(prog),
        "duties_a": duties_a or ["按本协议第三条所列内容和方式开展帮扶。"],
        "duties_b": duties_b or ["结合本校实际提出帮扶需求，配合甲方开展本协议所列帮扶活动。"],
        "mechanisms": [m for m in mechanisms if m],
        "effective": ("本协议自双方负责人签字、乙方加盖公章之日起生效。" if a.kind == SupporterKind.team
                      else "本协议自双方负责人签字并加盖公章之日起生效。"),
        "report_rule": rule,
        # the bureau was named in full in the basis above; from here on its short name (规范化简称)
        "assessment": assessment,
        "dispute_bureau": bureaus[-1] if len(bureaus) == 1 else "双方主管教育行政部门共同",
        "copies": 2 + len(bureaus),
        "filing": f"报{filing}备案各一份" if len(bureaus) > 1 else f"报{filing}备案一份",
        "bureaus": bureaus,
        "signature": signatures.parties(signers[:2], ["甲方：" if a.kind == SupporterKind.team else "甲方（盖章）：",
                                                      "乙方（盖章）："],
                                        ["负责人（签字）：", "负责人（签字）："], sign_date(pairing)),
        "confirmations": signatures.confirmations(signers[2:], cn_date(pairing.confirmed_on, blank=True)),
    }
