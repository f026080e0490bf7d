"""What one document is made for (its scope), and every scope of a programme for a kind.

A kind declares what one of its documents is made for (``Per``): the whole programme,
each notice, each pairing, each supporter–recipient pair, each pair of leaders, middle managers,
teaching-research groups or teachers, each year of a pairing; or, for the two kinds made outside ``docgen build``, a
submission bundle or the bureau's roll-up. ``scopes`` turns that into the list of scopes
of one programme: the only place that knows how.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import given
from ..load import Apart, Loaded
from ..load.model.cycle import CycleYear, Term
from ..load.model.pairing import GroupPair, ManagerPair, Pair, Pairing, TeacherPair
from ..load.model.programme import Notice, Programme
from ..shards import Shard

if TYPE_CHECKING:
    from ..activities.rollup import Rollup


class Per(Enum):
    """What one document of a kind is made for."""

    programme = "programme"
    notice = "notice"
    pairing = "pairing"
    pair = "pair"
    leader_pair = "leader_pair"
    manager_pair = "manager_pair"
    group_pair = "group_pair"
    teacher_pair = "teacher_pair"
    year = "year"
    bundle = "bundle"
    """Made only inside a submission bundle (docgen bundle)."""
    rollup = "rollup"
    """Made only by docgen report."""

    @property
    def built(self) -> bool:
        """Made by ``docgen build``."""
        return self not in (Per.bundle, Per.rollup)

    @property
    def bureau_level(self) -> bool:
        """A document of the bureau, not of one pairing."""
        return self in (Per.programme, Per.notice)


@dataclass(frozen=True)
class CoverFacts:
    """What a bundle's cover says: whose material it is, and what it holds on which pages."""

    title: str
    parties: list[str]
    date: dt.date | None
    entries: list[dict] = field(default_factory=list)
    """One per document: no, title, pages, start."""
    names: tuple[str, ...] = ()
    """Names a line of the cover or the contents must not break inside."""
    heading: str = "结对帮扶报送材料"
    """The cover's title: what the bundle is."""


@dataclass(frozen=True)
class Selection:
    """What a build is asked for: some pairings (None: all), some years (None: those written)."""

    pairing_ids: frozenset[str] | None = None
    years: frozenset[str] | None = None
    as_of: dt.date | None = None
    """Summaries count what was due by this day (None: each summary's own date, else today)."""
    term: str | None = None
    """One term to report on (``Term.key``, e.g. 2025-autumn) instead of whole years."""
    shard: Shard | None = None
    """Only the documents this shard makes (``--shard I/N``): its pairings', and the bureau's
    in the shard that owns them; the others are not planned at all."""

    def makes(self, pairing_id: str | None) -> bool:
        """Whether the documents of ``pairing_id`` are asked for."""
        ids, shard = self.pairing_ids, self.shard
        return (not ids or pairing_id in ids) and (shard is None or shard.owns(pairing_id))


@dataclass(frozen=True)
class Scope:
    """What one document is rendered for: the programme plus, where relevant, one item."""

    loaded: Loaded
    pairing: Pairing | None = None
    pair: Pair | None = None
    leader_pair: ManagerPair | None = None
    manager_pair: ManagerPair | None = None
    group_pair: GroupPair | None = None
    teacher_pair: TeacherPair | None = None
    notice: Notice | None = None
    county: str | None = None
    """The county a per-county notice is addressed to."""
    year: CycleYear | None = None
    as_of: dt.date | None = None
    """The day a summary counts to, when asked for (``--as-of``)."""
    term: Term | None = None
    """The one term of ``year`` a summary reports on (``--term``)."""
    cover: CoverFacts | None = None
    """The facts of a bundle's cover and contents (Per.bundle)."""
    rollup: Rollup | None = None
    """The roll-up of one year (Per.rollup)."""

    @property
    def programme(self) -> Programme:
        """The programme (scopes are made only for a folder whose programme file was read)."""
        return given(self.loaded.programme, "a programme")

    @property
    def people_pair(self) -> ManagerPair | GroupPair | TeacherPair | None:
        """The pair of people (leaders, middle managers, groups or teachers) of a letter, if any."""
        if self.leader_pair is not None:
            return self.leader_pair
        if self.manager_pair is not None:
            return self.manager_pair
        if self.group_pair is not None:
            return self.group_pair
        return self.teacher_pair

    @property
    def root(self) -> Path:
        return self.loaded.root


def counties(pairings: Sequence[Pairing | Apart]) -> list[str]:
    """Every county named by a pairing (held or not), in first-seen order; 靖安县/奉新县 counts for both."""
    seen: list[str] = []
    for pairing in pairings:
        for part in pairing.county.split("/"):
            if part not in seen:
                seen.append(part)
    return seen


def _programme(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return [base]


def _notices(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    out = []
    for notice in base.programme.notices:
        if notice.per_county:
            out += [replace(base, notice=notice, county=c) for c in counties(base.loaded.every_pairing())]
        else:
            out.append(replace(base, notice=notice))
    return out


def _pairings(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return [replace(base, pairing=p) for p in pairings]


def _pairs(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return [replace(base, pairing=p, pair=pair) for p in pairings for pair in p.pairs]


def _leader_pairs(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return [replace(base, pairing=p, leader_pair=m) for p in pairings for m in p.leader_pairs]


def _manager_pairs(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return [replace(base, pairing=p, manager_pair=m) for p in pairings for m in p.middle_manager_pairs]


def _group_pairs(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return [replace(base, pairing=p, group_pair=g) for p in pairings for g in p.group_pairs]


def _teacher_pairs(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return [replace(base, pairing=p, teacher_pair=t) for p in pairings for t in p.teacher_pairs]


def _years(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    """Years asked for, or else the years a pairing wrote a summary for or has records of."""
    out = []
    recorded: dict[str | None, set[str]] = {}  # each pairing's years of records, found in one pass
    for pid, y in base.loaded.activities:
        recorded.setdefault(pid, set()).add(y)
    for pid, years in base.loaded.bad_logs.items():  # (their summaries are planned, to fail with why)
        recorded.setdefault(pid, set()).update(years)
    for pairing in pairings:
        written = {str(s.year) for s in pairing.summaries} | recorded.get(pairing.id, set())
        for year in given(pairing.cycle, "a loaded pairing's cycle").cycle_years:
            term = next((t for t in year.terms if t.key == selection.term), None)
            if selection.term is not None:
                if term is not None:
                    out.append(replace(base, pairing=pairing, year=year, term=term, as_of=selection.as_of))
            elif year.key in (selection.years or written):
                out.append(replace(base, pairing=pairing, year=year, as_of=selection.as_of))
    return out


def _none(base: Scope, pairings: list[Pairing], selection: Selection) -> list[Scope]:
    return []  # made by docgen bundle / docgen report, not by a build


_SCOPES: dict[Per, Callable[[Scope, list[Pairing], Selection], list[Scope]]] = {
    Per.programme: _programme,
    Per.notice: _notices,
    Per.pairing: _pairings,
    Per.pair: _pairs,
    Per.leader_pair: _leader_pairs,
    Per.manager_pair: _manager_pairs,
    Per.group_pair: _group_pairs,
    Per.teacher_pair: _teacher_pairs,
    Per.year: _years,
    Per.bundle: _none,
    Per.rollup: _none,
}


def scopes(per: Per, loaded: Loaded, selection: Selection = Selection()) -> list[Scope]:
    """Every scope of ``loaded`` that a document made ``per`` this is rendered for."""
    pairings = [p for p in loaded.pairings if selection.makes(p.id)]
    return _SCOPES[per](Scope(loaded), pairings, selection)
