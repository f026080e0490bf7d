"""Who signs each document, with the name printed where it signs and its seal image.

The bundle stage stamps each signer's seal over that name; a signer without a seal image
is listed as unsealed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import given
from ..load.model.common import SupporterKind
from ..load.model.pairing import School
from .scope import Scope
from .wording import pair_bureaus, recipient_word, supporter_word


@dataclass(frozen=True)
class Signer:
    """A party that signs a document: the name printed where it signs, and its seal image."""

    name: str
    role: str
    seal: Path | None
    pending: str = ""
    """Why this party does not seal yet, though it has a seal (e.g. a confirmation not given)."""


def _seal(scope: Scope, value: str | None) -> Path | None:
    return scope.loaded.seal_path(value) if value else None


def _school(scope: Scope, school: School, role: str, printed: str | None = None) -> Signer:
    if school.kind == SupporterKind.team:  # a team has no official seal: its leader signs
        return Signer(printed or school.name, role, None, pending="帮扶团队没有公章，由团队负责人签字")
    return Signer(printed or school.name, role, _seal(scope, school.seal))


def _bureau(scope: Scope, name: str) -> Signer:
    prog = scope.programme
    if not name.strip():  # a body the data does not name: its name is written by hand, it is not sealed
        return Signer(name, "教育行政部门", None, pending="数据中没有写明主管教育行政部门")
    seal = prog.seals.get(name) or (prog.bureau.seal if name == prog.bureau.name else None)
    return Signer(name, "教育行政部门", _seal(scope, seal))


def notice_signers(scope: Scope) -> list[Signer]:
    return [_bureau(scope, given(scope.notice, "a notice").signer or scope.programme.bureau.name)]


def pairing_signers(scope: Scope) -> list[Signer]:
    p, prog = given(scope.pairing, "a pairing"), scope.programme
    return [_school(scope, p.supporter, supporter_word(p, prog))] + [_school(scope, r, recipient_word(prog))
                                                                     for r in p.recipients]


def agreement_signers(scope: Scope) -> list[Signer]:
    pair, pairing, prog = given(scope.pair, "a pair"), given(scope.pairing, "a pairing"), scope.programme
    out = [_school(scope, pair.supporter, f"甲方（{supporter_word(pairing, prog)}）"),
           _school(scope, pair.recipient, f"乙方（{recipient_word(prog)}）", pair.recipient.full_name)]
    if not (prog.agreement and prog.agreement.confirmed_by_bureaus):
        return out  # the programme asks for no confirmation by the bureaus
    bureaus = [_bureau(scope, name) for name in pair_bureaus(pair, prog)]
    if pairing.confirmed_on is None:
        why = f"主管部门尚未确认（pairings/{pairing.id}.yaml 未填 confirmed_on）"
        bureaus = [Signer(b.name, b.role, b.seal, pending=why) for b in bureaus]
    return out + bureaus


def letter_signers(scope: Scope) -> list[Signer]:
    pairing = given(scope.pairing, "a pairing")
    item = scope.people_pair
    assert item is not None, "a letter is made for a pair of people"  # (given() would join their types)
    recipient = given(pairing.recipient(item.recipient_school), "the pair's recipient school (checked when loaded)")
    prog = scope.programme
    return [_school(scope, pairing.supporter, supporter_word(pairing, prog)),
            _school(scope, recipient, recipient_word(prog))]


def no_signers(scope: Scope) -> list[Signer]:
    return []
