"""The day each document is dated in its metadata (Word properties; its PDF's information
and XMP; a bundle's zip entries and manifest), when ``SOURCE_DATE_EPOCH`` does not say.

A document's own date comes first: the day printed on it as the day it was issued, signed or
confirmed (``Kind.dated``). A document the data leaves undated takes the latest day its
sources say something was done (``load.stated``): the programme file and its pairing's file
(a bureau's document: every pairing's; a summary and the roll-up: the year's activity
records too), and never earlier than the day its cycle (or its pair) starts. So the same
data gives the same bytes, and a clerk who opens a file's properties reads a day of the
programme rather than a constant. A bundle is dated by the latest of its documents.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

from ..errors import given
from ..load import Loaded
from ..load.model.pairing import Pairing
from ..load.stated import latest_stated
from .scope import Per, Scope


class DatedKind(Protocol):
    """What dating a document needs of its kind (``kinds.Kind``, frozen: read-only here too)."""

    @property
    def per(self) -> Per: ...

    @property
    def dated(self) -> Callable[[Scope], dt.date | None]: ...


# ------------------------------------------------------------ own dates (Kind.dated)

def undated(scope: Scope) -> dt.date | None:
    """A kind with no date of its own (the cover: its bundle is dated by its documents)."""
    return None


def notice_date(scope: Scope) -> dt.date | None:
    """成文日期."""
    return scope.notice.date if scope.notice is not None else None


def programme_plan_date(scope: Scope) -> dt.date | None:
    """The date of the notice that issues the plan, if one does."""
    notice = scope.programme.issuing_notice
    return notice.date if notice is not None else None


def pairing_plan_date(scope: Scope) -> dt.date | None:
    """The day the pairing signs (落款日期)."""
    return scope.pairing.signed_on if scope.pairing is not None else None


def agreement_date(scope: Scope) -> dt.date | None:
    """The last day printed on the agreement: signed, or confirmed by the bureau after."""
    pairing = scope.pairing
    days = [d for d in (pairing.signed_on, pairing.confirmed_on) if d is not None] if pairing is not None else []
    return max(days, default=None)


def letter_date(scope: Scope) -> dt.date | None:
    """The day the letter is signed: its pair's own, else the agreement's (never for a pair
    that started after the agreement: ``Pairing.letter_dates``)."""
    pairing = scope.pairing
    if pairing is None:
        return None
    pair = scope.leader_pair or scope.manager_pair or scope.group_pair or scope.teacher_pair
    return pairing.letter_dates(pair)[1] if pair is not None else pairing.signed_on


def summary_date(scope: Scope) -> dt.date | None:
    """The summary's 落款日期, as the pairing writes it for the year."""
    if scope.pairing is None or scope.year is None:
        return None
    text = next((s for s in scope.pairing.summaries if str(s.year) == scope.year.key), None)
    return text.date if text is not None else None


def report_date(scope: Scope) -> dt.date | None:
    """The day the roll-up counts to, when one is asked for (``--as-of``)."""
    return scope.rollup.as_of if scope.rollup is not None else None


# ------------------------------------------------------------------ from the sources

class Dates:
    """The days one programme's data states, each source read once per run."""

    def __init__(self, loaded: Loaded):
        self.loaded = loaded
        self._programme: dt.date | None = None
        self._programme_read = False
        self._pairings: dict[str, dt.date | None] = {}
        self._every_pairing: dt.date | None = None
        self._logs: dict[tuple[str, str], dt.date | None] = {}

    def programme(self) -> dt.date | None:
        if not self._programme_read:
            self._programme, self._programme_read = latest_stated([self.loaded.programme]), True
        return self._programme

    def pairing(self, pairing: Pairing) -> dt.date | None:
        key = given(pairing.id, "a loaded pairing's id")
        if key not in self._pairings:
            self._pairings[key] = latest_stated([pairing])
        return self._pairings[key]

    def every_pairing(self) -> dt.date | None:
        if self._every_pairing is None:
            held = [self.pairing(p) for p in self.loaded.pairings]
            self._every_pairing = max((d for d in [*held, *(a.latest for a in self.loaded.let_go.values())] if d),
                                      default=None)
        return self._every_pairing

    def records(self, pairing_id: str, year_key: str) -> dt.date | None:
        """The activity records of one pairing and year."""
        if (pairing_id, year_key) not in self._logs:
            self._logs[pairing_id, year_key] = latest_stated([self.loaded.activity_log(pairing_id, year_key)])
        return self._logs[pairing_id, year_key]

    def sources(self, per: Per, scope: Scope) -> list[dt.date | None]:
        """The latest day each source of a document made ``per`` for ``scope`` states."""
        days = [self.programme()]
        if scope.pairing is not None:
            days.append(self.pairing(scope.pairing))
            if per is Per.year and scope.year is not None:
                days.append(self.records(given(scope.pairing.id, "a loaded pairing's id"), scope.year.key))
        elif per is not Per.bundle:  # the bureau's documents: every pairing's
            days.append(self.every_pairing())
            if per is Per.rollup and scope.rollup is not None:
                year = scope.rollup.year.key
                days += [self.records(given(p.id, "a loaded pairing's id"), year) for p in self.loaded.pairings]
        return days

    def day(self, kind: DatedKind, scope: Scope) -> dt.date:
        """The day a document of ``kind`` made for ``scope`` is dated: its own, else the
        latest its sources state, not before its cycle (or its pair) starts."""
        own = kind.dated(scope)
        if own is not None:
            return own
        cycle = (scope.pairing.cycle if scope.pairing is not None and scope.pairing.cycle
                 else given(self.loaded.programme, "a programme").cycle)
        pair = scope.leader_pair or scope.manager_pair or scope.group_pair or scope.teacher_pair
        floor = max([cycle.start] + ([pair.start] if pair is not None and pair.start else []))
        return max([d for d in self.sources(kind.per, scope) if d is not None] + [floor])
