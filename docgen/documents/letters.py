"""责任书: one letter per pair of each layer of pairing (seed 004) — school leaders, middle
managers, subject teaching-research groups, and mentor and mentee teachers.

A layer's letter lists the duties the programme gives that layer, in the programme's words,
on the side that carries them (甲方, 乙方, or both), and the programme's text and assessment
for that layer. A layer the programme gives nothing has no duty and no assessment section:
a heading never stands alone, and no duty, period or sanction is put in by docgen. The
parties are the persons (or groups) who sign, each named with the school they belong to.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import given
from ..load.model.common import Layer, Party
from ..load.model.pairing import GroupPair, ManagerPair, Pairing, School, TeacherPair
from ..load.model.programme import DocumentKind, Programme
from ..text import BLANK_DATE, ordinal
from . import signatures
from .blocks import Items, Node, Section, from_data, layout
from .plan import blank_gaps, gap, layer_title, pairing_file, programme_inserts
from .prose import cat, data, lit, say
from .scope import Scope
from .signers import letter_signers
from .typography import split_title
from .wording import (
    basis_sentence,
    duty,
    layer_commitments,
    mentee_word,
    mentor_word,
    school_names,
    sign_date,
    term_context,
)

LAYER_LETTERS = {Layer.leaders: ("校级领导结对帮扶责任书", "双方校级领导在结对帮扶中的责任"),
                 Layer.managers: ("管理帮扶责任书", "双方中层干部在管理帮扶中的责任"),
                 Layer.groups: ("学科教研组结对帮扶责任书", "双方学科教研组在联合教研中的责任"),
                 Layer.teachers: ("教师结对帮扶责任书", "师徒双方的责任")}
"""Each layer's letter: its default title and what it makes clear."""


KINDS = {Layer.leaders: DocumentKind.leader_letter, Layer.managers: DocumentKind.management_letter,
         Layer.groups: DocumentKind.group_letter, Layer.teachers: DocumentKind.teacher_letter}


def letter_title(prog: Programme, layer: Layer, default: str | None = None) -> str:
    """What the programme calls a layer's letter (``titles``, the layer's ``letter_title``),
    else ``default`` (the letter's own title when none is given)."""
    return layer_title(prog, layer.value, KINDS[layer], LAYER_LETTERS[layer][0] if default is None else default)


def _duties(prog: Programme, layer: Layer, party: Party) -> list[Node]:
    return [duty(c) for c in layer_commitments(prog, layer) if c.by == party and duty(c)]


def _pairing(scope: Scope) -> Pairing:
    return given(scope.pairing, "a pairing (a letter's scope)")


def _recipient(pairing: Pairing, item: ManagerPair | GroupPair | TeacherPair) -> School:
    """The recipient school a pair belongs to (load.checks: each pair names one of the pairing's)."""
    return given(pairing.recipient(item.recipient_school), "the recipient school of a pair")


def _dates(scope: Scope) -> tuple[dict, str, bool]:
    """The letter's term, its signing date as printed, and whether it is dated. A pair that
    starts after the agreement is signed has its own start and signing date, never the
    agreement's (a letter is not backdated)."""
    pairing = _pairing(scope)
    pair = scope.leader_pair or scope.manager_pair or scope.group_pair or scope.teacher_pair
    term = term_context(pairing, scope.programme)
    start, signed = pairing.letter_dates(pair) if pair is not None else (None, pairing.signed_on)
    if pair is not None and start is not None:  # (start: the pair's own)
        term = {**term, "start": start, "start_text": data(pair, "start")}
    if pair is not None and pair.signed_on:
        return term, data(pair, "signed_on"), True
    return term, sign_date(pairing) if signed else BLANK_DATE, signed is not None


def _body(scope: Scope, layer: Layer, focus: str, a_label: str, b_label: str) -> tuple[list[dict], list[str]]:
    """The letter's sections and what it leaves to fill in."""
    prog, pairing = scope.programme, _pairing(scope)
    terms = prog.layers.get(layer)
    nodes: list[Node] = []
    if terms and terms.text:
        nodes.append(Section(lit("工作要求"), from_data(terms.text, programme_inserts(scope, []))))
    if focus:
        nodes.append(Section(lit("帮扶重点"), [focus if str(focus)[-1:] in "。；！？" else cat(focus, "。")]))
    nodes.append(Section(lit("责任内容"), [
        Section(say("{}责任", a_label), [Items(_duties(prog, layer, Party.supporter))]),
        Section(say("{}责任", b_label), [Items(_duties(prog, layer, Party.recipient))]),
        Section(lit("双方共同责任"), [Items(_duties(prog, layer, Party.both))])]))
    if terms and terms.assessment:
        nodes.append(Section(lit("考核"), [data(terms, "assessment")]))
    term, _, dated = _dates(scope)
    gaps = blank_gaps(nodes, f"programme.yaml 中 layers.{layer.value}.text")
    if prog.cycle_in_documents:
        nodes.append(Section(lit("责任期限"), [say("自{}起至{}止。", term["start_text"], term["end_text"])]))
        if term["open"]:
            gaps.append(gap("责任起止日期", pairing_file(pairing), "cycle"))
    if not dated:
        gaps.append(gap("签订日期", pairing_file(pairing), "signed_on"))
    return layout(nodes), gaps


def _closing(scope: Scope, doc: str) -> dict:
    """份数 and 生效: form. Coming into force on signing is not said where the term starts before
    the signing (the term section states it)."""
    pairing = _pairing(scope)
    term, _, _ = _dates(scope)
    pair = scope.leader_pair or scope.manager_pair or scope.group_pair or scope.teacher_pair
    signed = pairing.letter_dates(pair)[1] if pair is not None else pairing.signed_on
    start = term["start"] if scope.programme.cycle_in_documents else None
    effective = "" if start and signed and start < signed else lit(f"本{doc}自双方签字之日起生效。")
    return {"copies": lit("三"), "keeper": data(pairing.supporter, "name"), "effective": effective}


def _letter(scope: Scope, layer: Layer, title: str, parties: Sequence[str], purpose: str, focus: str,
            a_label: str, b_label: str) -> dict:
    pairing = _pairing(scope)
    blocks, gaps = _body(scope, layer, focus, a_label, b_label)
    doc = "协议" if str(title).endswith("协议") else "责任书"
    intro = say("{}，为明确{}，签订本{}。", basis_sentence(scope.programme), purpose, doc)
    return {"title_lines": split_title(title, keep=school_names(pairing)), "parties": parties, "intro": intro, "blocks": blocks,
            "closing_heading": lit(f"{ordinal(sum(1 for b in blocks if b['style'] == 'h1') + 1)}其他"),
            "doc": lit(doc), **_closing(scope, doc),
            "signature": signatures.parties(letter_signers(scope), ["", ""], [cat("甲方（签字）："), cat("乙方（签字）：")],
                                            _dates(scope)[1]),
            "gaps": gaps}


def _member(p, school) -> str:
    """章某某（万载中学教务处主任）: a person named with the school they belong to."""
    post = data(p, "position") if getattr(p, "position", "") else ""
    return say("{}（{}{}）", data(p, "name"), data(school, "name"), post)


def _pair_letter(scope: Scope, layer: Layer, item: ManagerPair, focus: str) -> dict:
    pairing = _pairing(scope)
    recipient = _recipient(pairing, item)
    title = say("{}与{}{}", data(pairing.supporter, "name"), data(recipient, "name"), letter_title(scope.programme, layer))
    parties = [say("甲方：{}", _member(item.supporter, pairing.supporter)),
               say("乙方：{}", _member(item.recipient, recipient))]
    return _letter(scope, layer, title, parties, lit(LAYER_LETTERS[layer][1]), focus, lit("甲方"), lit("乙方"))


def leader_letter(scope: Scope) -> dict:
    lp = given(scope.leader_pair, "a leader pair (Per.leader_pair)")
    return _pair_letter(scope, Layer.leaders, lp, data(lp, "focus") if lp.focus else "")


def management_letter(scope: Scope) -> dict:
    mp = given(scope.manager_pair, "a middle-manager pair (Per.manager_pair)")
    return _pair_letter(scope, Layer.managers, mp, data(mp, "focus") if mp.focus else "")


def _group(gp: GroupPair, side: str, school) -> str:
    named = gp.supporter_group if side == "supporter" else gp.recipient_group
    group = data(gp, f"{side}_group") if named else cat(data(gp, "subject"), "教研组")
    lead = gp.supporter_lead if side == "supporter" else gp.recipient_lead
    return cat(data(school, "name"), group, say("（组长{}）", data(lead, "name")) if lead else "")


def group_letter(scope: Scope) -> dict:
    gp, pairing = given(scope.group_pair, "a group pair (Per.group_pair)"), _pairing(scope)
    recipient = _recipient(pairing, gp)
    title = say("{}与{}{}", data(pairing.supporter, "name"), data(recipient, "name"),
                letter_title(scope.programme, Layer.groups))
    parties = [say("甲方：{}", _group(gp, "supporter", pairing.supporter)),
               say("乙方：{}", _group(gp, "recipient", recipient))]
    return _letter(scope, Layer.groups, title, parties, lit(LAYER_LETTERS[Layer.groups][1]),
                   data(gp, "focus") if gp.focus else "", lit("甲方"), lit("乙方"))


def teacher_letter(scope: Scope) -> dict:
    prog, pairing, tp = scope.programme, _pairing(scope), given(scope.teacher_pair, "a teacher pair (Per.teacher_pair)")
    recipient = _recipient(pairing, tp)

    def detail(t, school) -> str:
        parts = [data(t, f) for f in ("subject", "title", "position") if getattr(t, f)]
        return cat(data(t, "name"), "　", data(school, "name"), *[cat("　", p) for p in parts])

    parties = [say("甲方（{}）：{}", mentor_word(prog), detail(tp.mentor, pairing.supporter)),
               say("乙方（{}）：{}", mentee_word(prog), detail(tp.mentee, recipient))]
    return _letter(scope, Layer.teachers, letter_title(prog, Layer.teachers), parties,
                   lit(LAYER_LETTERS[Layer.teachers][1]), "",
                   say("甲方（{}）", mentor_word(prog)), say("乙方（{}）", mentee_word(prog)))

