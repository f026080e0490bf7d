"""Counting what was done against what was promised, per term and per year.

A record counts toward a commitment when its type (and tag) match, its organiser is the
committed side, it was filed within the allowed days (unless the programme says late
records count) and it has evidence. Late, unfiled and evidence-less records are listed,
never silently accepted or dropped.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..load.model.activity import ActivityLog, Record
from ..load.model.common import ACTIVITY_NAMES, Activity, Layer, Party, Period
from ..load.model.cycle import CycleYear, Term
from ..load.model.pairing import GroupPair, ManagerPair, Pairing, TeacherPair
from ..load.model.programme import Commitment, Programme
from ..text import cn_month

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
    span: tuple[dt.date, dt.date] | None = None
    """The days the period covers."""

    @property
    def folds(self) -> bool:
        """Checked week by week, month by month or quarter by quarter: shown as one line per
        commitment (periods met of periods due) rather than a line per period."""
        return self.commitment.per in SHORT_PERIODS

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


SHORT_PERIODS = (Period.week, Period.month, Period.quarter)


def _months(start: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``start``'s month."""
    k = start.month - 1 + n
    return dt.date(start.year + k // 12, k % 12 + 1, 1)


def _tail(start: dt.date, end: dt.date) -> str:
    """The end of a range as far as it differs from its start: 11月, or 2023年2月."""
    return cn_month(end) if end.year != start.year else (f"{end.month}月" if end.month != start.month else "")


def spans(per: Period, year: CycleYear, until: dt.date) -> list[tuple[str, Term | None, dt.date, dt.date]]:
    """The periods of ``year`` a commitment made ``per`` them is due in, up to ``until``: every
    week (Monday to Sunday), month or quarter (three months from the year's start) that has
    ended by then — whether or not anything was recorded in it; each term; the whole year."""
    out = []
    if per == Period.week:
        day = year.start + dt.timedelta(days=(7 - year.start.weekday()) % 7)
        while day + dt.timedelta(days=6) <= until:
            end = day + dt.timedelta(days=6)
            out.append((f"{cn_month(day)}{day.day}日—{_tail(day, end)}{end.day}日", None, day, end))
            day += dt.timedelta(days=7)
    elif per in (Period.month, Period.quarter):
        step = 1 if per == Period.month else 3
        first = year.start.replace(day=1)
        k = 0
        while True:
            start, nxt = _months(first, k), _months(first, k + step)
            end = nxt - dt.timedelta(days=1)
            if end > until:
                break
            label = cn_month(start) if step == 1 else f"{cn_month(start)}—{_tail(start, end)}"
            out.append((label, None, max(start, year.start), end))
            k += step
    elif per == Period.term:
        out = [(t.short_label, t, max(t.start, year.start), min(t.end, year.end)) for t in year.terms]
    else:
        out = [(year.label, None, year.start, year.end)]
    return out


def _pairs(c: Commitment, pairing: Pairing) -> list:
    """The pairs of a layer a commitment is counted for, one by one (none: the pairing as a whole)."""
    if c.layer == Layer.teachers or (c.layer is None and c.activity == Activity.mentor_exchange):
        return list(pairing.teacher_pairs)
    return {Layer.leaders: pairing.leader_pairs, Layer.managers: pairing.middle_manager_pairs,
            Layer.groups: pairing.group_pairs}.get(c.layer, [])


def _of_pair(pair, r: Record) -> bool:
    """Whether a record belongs to one pair of a layer: by mentor and mentee, by the people
    it names, or by a teaching-research group's subject."""
    if isinstance(pair, TeacherPair):
        return r.mentor == pair.mentor.name and (not r.mentee or r.mentee == pair.mentee.name)
    if isinstance(pair, ManagerPair):
        names = {pair.supporter.name, pair.recipient.name}
        return bool(names & set(r.people)) or r.mentor in names
    if isinstance(pair, GroupPair):
        leads = {p.name for p in (pair.supporter_lead, pair.recipient_lead) if p}
        return pair.subject in r.subjects or bool(leads & set(r.people))
    return True


def _pair_name(pair) -> str:
    if isinstance(pair, TeacherPair):
        return f"{pair.mentor.name}—{pair.mentee.name}"
    if isinstance(pair, GroupPair):
        return f"{pair.group('supporter')}—{pair.group('recipient')}"
    return f"{pair.supporter.name}—{pair.recipient.name}"


def indicator_progress(prog: Programme, counts: "YearCounts") -> list[tuple]:
    """The indicators of the goals set for a year this cycle year touches that name the records
    counting toward them: (year, indicator, done). Only records that count are counted."""
    years = {counts.year.start.year, counts.year.end.year}
    out = []
    for goal in (prog.goals.yearly if prog.goals else []):
        if goal.year not in years:
            continue
        for ind in goal.indicators:
            if ind.activity is None:
                continue
            records = [counts.records[i] for i in counts.counted if counts.records[i].type == ind.activity
                       and (not ind.tag or counts.records[i].tag == ind.tag)]
            probe = Commitment(id="indicator", activity=ind.activity, by=Party.both, per=Period.cycle, what=ind.name,
                               **{ind.metric: 1})
            done = next(d for m, _, d in _measure(probe, records) if m == ind.metric)
            out.append((goal.year, ind, done))
    return out


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


def count(prog: Programme, pairing: Pairing, year: CycleYear, log: ActivityLog | None,
          until: dt.date | None = None) -> YearCounts:
    """What was done in ``year`` against each commitment; periods that end after ``until`` (the
    day a summary is signed) are not yet due."""
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
    last = min(year.end, until) if until else year.end
    for c in prog.commitments:
        mine = [i for i in counted if _matches(c, records[i])]
        name = ACTIVITY_NAMES[c.activity] + (f"（{c.tag}）" if c.tag else "")
        pairs = _pairs(c, pairing) or [None]
        for label, term, start, end in spans(c.per, year, last):
            ids = [i for i in mine if start <= records[i].date <= end]
            for pair in pairs:
                own = [i for i in ids if pair is None or _of_pair(pair, records[i])]
                subject = name + (f"（{_pair_name(pair)}）" if pair is not None else "")
                checks.append(Check(c, label, term, subject, _measure(c, [records[i] for i in own]), own, (start, end)))
    return YearCounts(pairing, year, records, counted, late, unfiled, no_evidence, checks)
