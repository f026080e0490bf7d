"""结对帮扶协议书: the agreement of one supporter–recipient pair.

It holds what the data says the two schools agree to and nothing else: the term, the pair's
own goals and its school's indicators, the programme's content, the duties the programme
puts on each school (in the programme's words), the people the pairing pairs or sends, the
programme's assessment and agreement clauses, and what the pair itself agreed. A measure
whose 责任单位 are government departments is the bureau's task, never put on a school here;
a duty of one layer of pairing (a mentor's, two principals') is in that layer's letter, not
made the school's. The template adds only the form: copies, coming into force, signatures,
and the bureaus' confirmation where the programme requires it.
"""
from __future__ import annotations

from ..errors import given
from ..load.model.common import Party, SupporterKind
from ..load.model.programme import DocumentKind, Programme
from ..text import BLANK_DATE, cn_count, ordinal
from . import signatures
from .blocks import Items, Node, Section, from_data, layout
from .plan import (
    blank_gaps,
    doc_title,
    exchange_lines,
    fills,
    gap,
    indicators_for,
    pairing_file,
    people_lines,
    programme_inserts,
)
from .prose import cat, data, join, lit, say
from .scope import Scope
from .signers import agreement_signers
from .typography import split_title
from .wording import (
    BLANK,
    basis_sentence,
    duty,
    full_name,
    lead_line,
    pair_bureaus,
    recipient_word,
    school_names,
    sign_date,
    supporter_word,
    term_context,
)


def school_duties(prog: Programme, party: Party) -> list[Node]:
    """The duties the programme puts on one school (not on a layer of its people)."""
    return [duty(c) for c in prog.commitments if c.by == party and c.layer is None and duty(c)]


def content_nodes(prog: Programme) -> list[Node]:
    """帮扶内容: the programme's content areas, as it words them."""
    return [Section(data(a, "title"), [data(a, "paragraphs", i) for i in range(len(a.paragraphs))])
            for a in prog.content_areas]


def agreement(scope: Scope) -> dict:
    prog = scope.programme
    pairing, pair = given(scope.pairing, "a pairing (Per.pair)"), given(scope.pair, "a pair (Per.pair)")
    a, b = pair.supporter, pair.recipient
    team = a.kind == SupporterKind.team
    terms = prog.agreement
    confirmed = bool(terms and terms.confirmed_by_bureaus)
    gaps: list[str] = []
    file = pairing_file(pairing)

    parties: list[str] = [say("甲方（{}）：{}", supporter_word(pairing, prog), data(a, "name")), lead_line(a),
                          say("乙方（{}）：{}", recipient_word(prog), full_name(b)), lead_line(b)]
    place = f"recipients[{pairing.recipients.index(b)}].lead"
    for side, school, where in (("甲方", a, "supporter.lead"), ("乙方", b, place)):
        if school.lead is None:
            gaps.append(gap(f"{side}负责人", file, where))

    term = term_context(pairing, prog)
    nodes: list[Node] = []
    covers = say("，涵盖{}", join(term["school_years"])) if term["school_years"] else ""
    if prog.cycle_in_documents:
        nodes.append(Section(lit("帮扶期限"), [say("本协议帮扶期限自{}起至{}止，为期{}年{}。", term["start_text"],
                                               term["end_text"], term["years"], covers)]))
        if term["open"]:
            gaps.append(gap("帮扶起止日期", file, "cycle"))
    goals: list[Node] = [data(pairing, "goals", i) for i in range(len(pairing.goals))]
    if pairing.key_target:
        goals.append(say("重点帮扶目标：{}", data(pairing, "key_target")))
    goals += indicators_for(prog, [b])
    nodes.append(Section(lit("帮扶目标"), goals))
    nodes.append(Section(lit("帮扶内容"), content_nodes(prog)))
    nodes.append(Section(lit("甲方职责"), [Items(school_duties(prog, Party.supporter))]))
    nodes.append(Section(lit("乙方职责"), [Items(school_duties(prog, Party.recipient))]))
    nodes.append(Section(lit("双方共同职责"), [Items(school_duties(prog, Party.both))]))
    people: list[Node] = [*people_lines(prog, pairing, only=b.name, as_signed=True), *exchange_lines(pairing, only=b.name)]
    nodes.append(Section(lit("人员结对与交流"), people))
    if prog.assessment:
        nodes.append(Section(lit("考核评价"), [data(prog.assessment, "text")]))
    inserts = programme_inserts(scope, [])
    if terms and terms.clauses:
        clauses = from_data(terms.clauses, inserts, fills(pairing))
        gaps += blank_gaps(clauses, "programme.yaml 中 agreement.clauses")
        nodes += clauses
    if pairing.agreement:
        own = from_data(pairing.agreement, inserts)
        gaps += blank_gaps(own, f"{file} 中 agreement")
        nodes += own
    blocks = layout(nodes)
    closing_no = sum(1 for x in blocks if x["style"] == "h1") + 1

    bureaus = pair_bureaus(pair, prog) if confirmed else []
    if any(not str(name).strip() for name in bureaus):
        gaps.append(f"确认协议的主管教育行政部门名称（programme.yaml 中 county_bureaus，或 {file} 中学校的 bureau）")
    signers = agreement_signers(scope)
    if not pairing.signed_on:
        gaps.append(gap("签订日期", file, "signed_on"))
    if confirmed and not pairing.confirmed_on:
        gaps.append(gap("主管部门确认日期", file, "confirmed_on"))
    start, signed = (term["start"] if prog.cycle_in_documents else None), pairing.signed_on
    return {
        "title_lines": split_title(say("{}与{}{}", data(a, "name"), full_name(b),
                                       doc_title(prog, DocumentKind.agreement, "结对帮扶协议书")), keep=school_names(pairing)),
        "parties": parties,
        "basis": say("{}，经甲乙双方平等协商，订立本协议。", basis_sentence(prog)),
        "blocks": blocks,
        "closing_heading": lit(f"{ordinal(closing_no)}附则"),
        "copies": lit(cn_count(2 + len(bureaus))),
        "filing": say("，{}{}", join([b if str(b).strip() else BLANK for b in bureaus]),
                      "各存一份" if len(bureaus) > 1 else "存一份") if bureaus else "",
        # 生效 on signing is form; it is not said where the term begins before the signing
        "effective": "" if start and signed and start < signed else (
            lit("本协议自双方负责人签字、乙方加盖公章之日起生效。") if team else lit("本协议自双方负责人签字并加盖公章之日起生效。")),
        "signature": signatures.parties(signers[:2], [cat("甲方：") if team else cat("甲方（盖章）："), cat("乙方（盖章）：")],
                                        [cat("负责人（签字）："), cat("负责人（签字）：")], sign_date(pairing)),
        "confirm": confirmed,
        "confirmations": signatures.confirmations(signers[2:], data(pairing, "confirmed_on") if pairing.confirmed_on
                                                  else BLANK_DATE),
        "gaps": gaps,
    }

