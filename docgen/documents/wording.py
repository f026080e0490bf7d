"""Sentences and names derived from the data, each written in one place.

Every document family builds its text from these, so the same fact reads the same way in
the plan, the agreement, the letters and the summary.
"""
from __future__ import annotations

from ..load.model.common import PERIOD_NAMES, SUPPORTER_NAMES, Activity, Layer, Party, SupporterKind
from ..load.model.pairing import Pair, Pairing, School
from ..load.model.programme import Commitment, Programme
from ..text import BLANK_DATE, cn_count, cn_date, cn_num, join, number


def person(p) -> str:
    """张某某（校长）, or the name alone when no post is given."""
    if p is None:
        return ""
    return f"{p.name}（{p.position}）" if getattr(p, "position", "") else p.name


def supporter_word(pairings: list[Pairing] | Pairing) -> str:
    """What the supporter is called: 支援学校, 帮扶团队 or 支援单位; 支援方 when a programme's
    supporters are of several kinds."""
    if isinstance(pairings, Pairing):
        pairings = [pairings]
    kinds = {p.supporter.kind for p in pairings} or {SupporterKind.school}
    return SUPPORTER_NAMES[kinds.pop()] if len(kinds) == 1 else "支援方"


def party_word(party: Party, supporter: str = "支援学校") -> str:
    return {Party.supporter: supporter, Party.recipient: "受援学校", Party.both: "结对双方"}[party]


def policy_sentence(prog: Programme) -> str:
    """根据《…》（…号）、《…》等文件精神，结合实际，制定本方案。 — or "" without a policy basis."""
    if not prog.policy_basis:
        return ""
    refs = [f"{d.issuer}《{d.title}》" + (f"（{d.doc_no}）" if d.doc_no else "") for d in prog.policy_basis]
    return f"根据{'、'.join(refs)}{'等文件' if len(refs) > 1 else ''}精神，结合实际，制定本方案。"


def short(school: School) -> str:
    """A school as a file name names it: its short name if it has one."""
    return school.short_name or school.name


def recipients_text(pairing: Pairing) -> str:
    return join([r.full_name for r in pairing.recipients])


def school_names(pairing: Pairing) -> tuple[str, ...]:
    """The names a title must not break inside (GB/T 9704 7.3.1: 回行时词意完整)."""
    return (pairing.supporter.name, *(r.full_name for r in pairing.recipients), *(r.name for r in pairing.recipients))


def pairing_names(pairing: Pairing) -> str:
    """万载中学与万载县第二中学、万载县株潭中学."""
    return f"{pairing.supporter.name}与{recipients_text(pairing)}"


def short_names(pairing: Pairing) -> str:
    """A pairing as file names name it: 示范一中与受援1校、受援2校 (short names where given)."""
    return f"{short(pairing.supporter)}与{join([short(r) for r in pairing.recipients])}"


def bureau_of(school: School, pairing: Pairing, prog: Programme) -> str:
    """The school's own education bureau: given, or by county, or the programme's."""
    if school.bureau:
        return school.bureau
    county = school.county or pairing.county
    return prog.county_bureaus.get(county, prog.bureau.name)


def pair_bureaus(pair: Pair, prog: Programme) -> list[str]:
    """The bureaus that confirm an agreement: the supporter's, then the recipient's if another."""
    out: list[str] = []
    for school in (pair.supporter, pair.recipient):
        name = bureau_of(school, pair.pairing, prog)
        if name not in out:
            out.append(name)
    return out


def sign_date(pairing: Pairing) -> str:
    """The agreement's date, or a form to date by hand."""
    return cn_date(pairing.signed_on) if pairing.signed_on else BLANK_DATE


def term_context(pairing: Pairing, prog: Programme | None = None) -> dict:
    """The pairing's term. Where the programme leaves the dates to each pair and this pair has
    not written its own, the dates are left as a form to fill in when signing."""
    cycle = pairing.cycle
    if prog is not None and prog.cycle.agreed_by_pairs and cycle is prog.cycle:
        return {"start": None, "end": None, "years": cycle.years, "school_years": [],
                "start_text": BLANK_DATE, "end_text": BLANK_DATE}
    return {"start": cycle.start, "end": cycle.end, "years": cycle.years,
            "school_years": [y.label for y in cycle.cycle_years],
            "start_text": cn_date(cycle.start), "end_text": cn_date(cycle.end)}


def basis_sentence(prog: Programme) -> str:
    """根据宜春市教育体育局《…工作方案》（宜教体字〔2022〕38号）的要求."""
    notice = prog.issuing_notice
    ref = f"《{prog.title}》"
    if notice:
        ref += f"（{notice.doc_no}）"
    return f"根据{prog.bureau.name}{ref}的要求"


def commitment_text(c: Commitment, *, with_party: bool = True, supporter: str = "支援学校") -> str:
    """支援学校每学期为受援学校送课指导不少于3个学科、5人次。 (``supporter``: what the
    supporting side is called, e.g. 帮扶团队)"""
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
    text = (party_word(c.by, supporter) if with_party else "") + PERIOD_NAMES.get(c.per, "") + c.what
    if numbers:  # an exact count (每周1次) is written as it is, never as a minimum
        text += ("" if c.exact else "不少于") + "、".join(numbers)
    if c.tenure_years:
        text += f"，每人时间不少于{cn_num(c.tenure_years)}学年"
    return text + "。"


def commitment_for(prog: Programme, activity: Activity) -> Commitment | None:
    """The programme's first commitment about ``activity``."""
    return next((c for c in prog.commitments if c.activity == activity), None)


def layer_commitments(prog: Programme, layer: Layer) -> list[Commitment]:
    """The duties of one layer of pairing, in the programme's order; for the teachers' layer,
    mentor exchanges not given a layer count too."""
    return [c for c in prog.commitments if c.layer == layer
            or (layer == Layer.teachers and c.layer is None and c.activity == Activity.mentor_exchange)]


def duties(commitments: list[Commitment], side: Party) -> list[str]:
    """The duties of one side, each with its own period: 每周听乙方的课并评课不少于1次。"""
    return [commitment_text(c, with_party=False) for c in commitments if c.by in (side, Party.both)]


def report_rule(prog: Programme) -> str:
    if prog.report_within_days:
        return f"每次帮扶活动结束后{cn_count(prog.report_within_days)}日内，由组织方将活动方案、记录和图片等资料报主管教育行政部门备案。"
    return ""  # the programme sets no filing rule: none is printed


def rubric_item(item, points: bool = False) -> str:
    """A rubric item's name, marked as a bonus unless its name already says so: 加分项（5分）,
    特色工作（加分项，5分）, or without points 特色工作（加分项）."""
    marks = (["加分项"] if item.bonus and "加分" not in item.title else []) + ([f"{number(item.points)}分"] if points else [])
    return item.title + (f"（{'，'.join(marks)}）" if marks else "")
