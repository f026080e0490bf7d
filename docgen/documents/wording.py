"""Names and sentences derived from the data, each written in one place.

Every document family builds its text from these, so the same fact reads the same way in
the plan, the agreement, the letters and the summary. They return ``Phrase``s: the data
values keep their file and line (``docgen explain``). None of them states a duty, a period or
a count: those are printed only as the data words them (``duty``).
"""
from __future__ import annotations

from ..errors import given
from ..load.model.common import SUPPORTER_NAMES, Activity, Layer, SupporterKind, Terms
from ..load.model.pairing import Pair, Pairing, School
from ..load.model.programme import Commitment, Indicator, Programme
from ..text import BLANK_DATE, number
from .prose import cat, data, join, lit, say

BLANK = "＿" * 6
"""A line to write a name in by hand, in running text."""


def person(p) -> str:
    """张某某（校长）, or the name alone when no post is given."""
    if p is None:
        return ""
    return say("{}（{}）", data(p, "name"), data(p, "position")) if getattr(p, "position", "") else data(p, "name")


def terms(prog: Programme | None) -> Terms:
    return prog.terms if prog is not None else Terms()


def _term(prog: Programme | None, field: str) -> str:
    """What the programme calls a party: its own word when it gives one, else the glossary's."""
    return data(prog.terms if prog is not None else Terms(), field)


def supporter_word(pairings: list[Pairing] | Pairing, prog: Programme | None = None) -> str:
    """What the supporter is called: the programme's word for a school (支援学校, 帮扶学校),
    帮扶团队 for a team, 支援单位 for an institution; 支援方 when supporters are of several kinds."""
    if isinstance(pairings, Pairing):
        pairings = [pairings]
    kinds = {p.supporter.kind for p in pairings} or {SupporterKind.school}
    if len(kinds) > 1:
        return lit("支援方")
    kind = kinds.pop()
    return _term(prog, "supporter") if kind == SupporterKind.school else lit(SUPPORTER_NAMES[kind])


def recipient_word(prog: Programme | None) -> str:
    return _term(prog, "recipient")


def mentor_word(prog: Programme | None) -> str:
    return _term(prog, "mentor")


def mentee_word(prog: Programme | None) -> str:
    return _term(prog, "mentee")


def issuer(prog: Programme) -> str:
    """Who issued the plan, as the data says: the notice that issues it, or ``issuer``; "" when
    the plan names none (no bureau is put in its place)."""
    notice = prog.issuing_notice
    if notice is not None:
        return data(notice, "signer") if notice.signer else data(prog.bureau, "name")
    return data(prog, "issuer") if prog.issuer else ""


def basis_sentence(prog: Programme) -> str:
    """根据宜春市教育体育局《…工作方案》（宜教体字〔2022〕38号）的要求 — the issuer only where known."""
    notice = prog.issuing_notice
    number = say("（{}）", data(notice, "doc_no")) if notice else ""
    return say("根据{}《{}》{}的要求", issuer(prog), data(prog, "title"), number)


def policy_sentence(prog: Programme) -> str:
    """根据《…》（…号）、《…》等文件精神，结合实际，制定本方案。 — or "" without a policy basis."""
    if not prog.policy_basis:
        return ""
    refs = [say("{}《{}》{}", data(d, "issuer"), data(d, "title"), say("（{}）", data(d, "doc_no")) if d.doc_no else "")
            for d in prog.policy_basis]
    return say("根据{}{}精神，结合实际，制定本方案。", join(refs), "等文件" if len(refs) > 1 else "")


def short(school: School) -> str:
    """A school as a file name names it: its short name if it has one."""
    return school.short_name or school.name


def full_name(school: School) -> str:
    """万载县第二中学, 南华镇中心小学及各校区."""
    return cat(data(school, "name"), data(school, "campuses") if school.campuses else "")


def recipients_text(pairing: Pairing) -> str:
    return join([full_name(r) for r in pairing.recipients])


def school_names(pairing: Pairing) -> tuple[str, ...]:
    """The names a title must not break inside (GB/T 9704 7.3.1: 回行时词意完整)."""
    return (pairing.supporter.name, *(r.full_name for r in pairing.recipients), *(r.name for r in pairing.recipients))


def pairing_names(pairing: Pairing) -> str:
    """万载中学与万载县第二中学、万载县株潭中学."""
    return say("{}与{}", data(pairing.supporter, "name"), recipients_text(pairing))


def short_names(pairing: Pairing) -> str:
    """A pairing as file names name it: 示范一中与受援1校、受援2校 (short names where given)."""
    return f"{short(pairing.supporter)}与{'、'.join(short(r) for r in pairing.recipients)}"


def bureau_of(school: School, pairing: Pairing, prog: Programme) -> str:
    """The school's own education bureau, as the data names it (the school's, or its county's
    in ``county_bureaus``); "" when the data names none (it is not guessed)."""
    if school.bureau:
        return data(school, "bureau")
    county = school.county or pairing.county
    if county in prog.county_bureaus:
        return data(prog, "county_bureaus", county)
    return ""


BLANK_ORGAN = "\u3000" * 8
"""Room to write the name of a body by hand."""


def pair_bureaus(pair: Pair, prog: Programme) -> list[str]:
    """The bureaus that confirm an agreement: the supporter's, then the recipient's if another;
    one the data does not name is a blank to fill in (one per county)."""
    out: list[str] = []
    keys: list[str] = []
    for school in (pair.supporter, pair.recipient):
        name = bureau_of(school, pair.pairing, prog)
        key = name or f"?{school.county or pair.pairing.county}"
        if key not in keys:
            keys.append(key)
            out.append(name or BLANK_ORGAN)
    return out


def sign_date(pairing: Pairing) -> str:
    """The agreement's date, or a form to date by hand."""
    return data(pairing, "signed_on") if pairing.signed_on else BLANK_DATE


def lead_line(school: School) -> str:
    """负责人：张某某（校长）, or a blank to write the name in."""
    return say("负责人：{}", person(school.lead) if school.lead else BLANK)


def term_context(pairing: Pairing, prog: Programme | None = None) -> dict:
    """The pairing's term. Where the programme leaves the dates to each pair and this pair has
    not written its own, the dates are left as a form to fill in when signing (``open``)."""
    cycle = given(pairing.cycle, "a loaded pairing's cycle")
    years = data(cycle, "years")  # in Arabic numerals, as counts are (3年, as seed 000 writes it)
    if prog is not None and prog.cycle.agreed_by_pairs and cycle is prog.cycle:
        return {"start": None, "end": None, "open": True, "years": years, "school_years": [],
                "start_text": BLANK_DATE, "end_text": BLANK_DATE}
    return {"start": cycle.start, "end": cycle.end, "open": False, "years": years,
            "school_years": [data(cycle, "start", text=y.label) for y in cycle.cycle_years],
            "start_text": data(cycle, "start"), "end_text": data(cycle, "end")}


def duty(c: Commitment) -> str:
    """A duty as the plan words it, or "" when the data gives no words for it (then it is
    counted, never printed)."""
    return data(c, "text") if c.text else ""


COMPARE_WORDS = {"≥": "不少于", ">": "超过", "≤": "不超过", "<": "低于", "": ""}
"""How a comparison reads in running text; 公文 prose does not print ≥ or >."""


def indicator_text(ind: Indicator) -> str:
    """罗山中学市级精品课8节; 学生高职分类招考上线率达80%以上 — the plan's own words when given."""
    if ind.text:
        return data(ind, "text")
    word = COMPARE_WORDS.get(ind.comparator, "")
    if ind.comparator == "≥" and ind.unit == "%":
        word = "不低于"
    return cat(data(ind, "school") if ind.school else "", data(ind, "name"),
               data(ind, "comparator", text=word) if word else "",
               data(ind, "target"), data(ind, "unit") if ind.unit else "")


def commitment_for(prog: Programme, activity: Activity) -> Commitment | None:
    """The programme's first commitment about ``activity``."""
    return next((c for c in prog.commitments if c.activity == activity), None)


def layer_commitments(prog: Programme, layer: Layer) -> list[Commitment]:
    """The duties of one layer of pairing, in the programme's order."""
    return [c for c in prog.commitments if c.layer == layer]


def rubric_item(item, points: bool = False) -> str:
    """A rubric item's name, marked as a bonus unless its name already says so: 加分项（5分）,
    特色工作（加分项，5分）, or without points 特色工作（加分项）."""
    marks = (["加分项"] if item.bonus and "加分" not in item.title else []) + (
        [data(item, "points", text=f"{number(item.points)}分")] if points else [])
    return cat(data(item, "title"), say("（{}）", join(marks, "，")) if marks else "")
