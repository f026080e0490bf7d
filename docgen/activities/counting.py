"""Counting what was done against what was promised, per term and per year.

A record counts toward a commitment when its type (and tag) match, its organiser is the
committed side, it was filed within the allowed days (unless the programme says late
records count) and it has evidence. Late, unfiled and evidence-less records are listed,
never silently accepted or dropped.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..load.model.activity import ActivityLog, Record
from ..load.model.common import ACTIVITY_NAMES, Activity, Party, Period
from ..load.model.cycle import CycleYear, Term
from ..load.model.pairing import Pairing
from ..load.model.programme import Commitment, Programme

METRIC_NAMES = {"times": "次", "subjects": "个学科", "person_times": "人次", "people": "人", "days": "天"}


@dataclass
class Check:
    """One commitment in one period (or for one teacher pair in one period)."""

    commitment: Commitment
    period: str
    """学期或学年的名称"""
    term: Term | None
    subject: str
    """What is counted, in Chinese: 送课指导, or 师徒交流（葛某某—奚某某）."""
    needs: list[tuple[str, float, float]]
    """(metric, required, done)"""
    records: list[int] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        if not self.needs:
            return 1.0
        return min(min(1.0, done / need) for _, need, done in self.needs)

    @property
    def met(self) -> bool:
        return all(done >= need for _, need, done in self.needs)

    def required_text(self) -> str:
        return "、".join(f"≥{need:g}{METRIC_NAMES[m]}" for m, need, _ in self.needs)

    def done_text(self) -> str:
        return "、".join(f"{done:g}{METRIC_NAMES[m]}" for m, _, done in self.needs)


@dataclass
class Flagged:
    index: int
    record: Record
    why: str


@dataclass
class YearCounts:
    pairing: Pairing
    year: CycleYear
    records: list[Record]
    counted: list[int]
    late: list[Flagged]
    unfiled: list[Flagged]
    no_evidence: list[Flagged]
    checks: list[Check]

    @property
    def by_type(self) -> Counter:
        return Counter(self.records[i].type for i in self.counted)

    def by_month(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for r in self.records:
            out.setdefault(r.date.strftime("%Y-%m"), Counter())[r.type] += 1
        return out

    @property
    def unmet(self) -> list[Check]:
        return [c for c in self.checks if not c.met]


def _matches(c: Commitment, r: Record) -> bool:
    if r.type != c.activity or (c.tag and r.tag != c.tag):
        return False
    return c.by == Party.both or r.organiser in (c.by, Party.both)


def _measure(c: Commitment, records: list[Record]) -> list[tuple[str, float, float]]:
    needs = []
    if c.times:
        needs.append(("times", c.times, len(records)))
    if c.subjects:
        needs.append(("subjects", c.subjects, len({s for r in records for s in r.subjects})))
    if c.person_times:
        needs.append(("person_times", c.person_times, sum(r.person_count for r in records)))
    if c.people:  # named people once each; a record that names nobody counts its person-times
        named = {p for r in records for p in r.people}
        needs.append(("people", c.people, len(named) + sum(r.person_count for r in records if not r.people)))
    if c.days:
        needs.append(("days", c.days, sum(r.days or 1.0 for r in records)))
    if not needs:  # a commitment without numbers: at least one record
        needs.append(("times", 1, len(records)))
    return needs


def count(prog: Programme, pairing: Pairing, year: CycleYear, log: ActivityLog | None) -> YearCounts:
    records = list(log.records) if log else []
    late, unfiled, no_evidence, counted = [], [], [], []
    for i, r in enumerate(records):
        limit = prog.report_within_days
        ok = True
        if r.filed_on is None:
            unfiled.append(Flagged(i, r, "未报备"))
            ok = prog.count_late_records
        elif limit is not None and (r.filed_on - r.date).days > limit:
            late.append(Flagged(i, r, f"活动后第 {(r.filed_on - r.date).days} 天报备（应在 {limit} 日内）"))
            ok = prog.count_late_records
        if not r.evidence:
            no_evidence.append(Flagged(i, r, "缺少证明材料"))
            ok = False
        if ok:
            counted.append(i)
    checks: list[Check] = []
    terms = year.terms
    for c in prog.commitments:
        mine = [i for i in counted if _matches(c, records[i])]
        name = ACTIVITY_NAMES[c.activity] + (f"（{c.tag}）" if c.tag else "")
        periods: list[tuple[str, Term | None, list[int]]]
        if c.per == Period.term:
            periods = [(t.short_label, t, [i for i in mine if Term.of(records[i].date) == t]) for t in terms]
        elif c.per == Period.month:
            months = sorted({records[i].date.strftime("%Y-%m") for i in mine})
            periods = [(m, None, [i for i in mine if records[i].date.strftime("%Y-%m") == m]) for m in months]
        else:
            periods = [(year.label, None, mine)]
        for label, term, ids in periods:
            if c.activity == Activity.mentor_exchange and pairing.teacher_pairs:
                for tp in pairing.teacher_pairs:
                    own = [i for i in ids if records[i].mentor == tp.mentor.name
                           and (not records[i].mentee or records[i].mentee == tp.mentee.name)]
                    checks.append(Check(c, label, term, f"{name}（{tp.mentor.name}—{tp.mentee.name}）",
                                        _measure(c, [records[i] for i in own]), own))
            else:
                checks.append(Check(c, label, term, name, _measure(c, [records[i] for i in ids]), ids))
    return YearCounts(pairing, year, records, counted, late, unfiled, no_evidence, checks)
