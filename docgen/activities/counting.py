"""Counting what was done against what was promised, period by period, as of a date.

A record counts toward a commitment when its type (and tag) match, its organiser is the
committed side, it was filed within the allowed days and its evidence is in (unless the
programme says late records, or records whose evidence is only described, count too). Late,
unfiled, evidence-less and future records are listed, never silently accepted or dropped.

A commitment is checked in each of its periods (week, month, quarter, term, school year,
calendar year, cycle) that lies wholly inside the cycle — and, for a pair of people, wholly
inside the time the pair ran. A period is shown in the cycle year it ends in; one that has
not ended by the as-of date is *open*: done if already met, otherwise still in progress,
never missed. Periods that have not begun are not shown. A commitment with no period
(the plan says 定期) is listed, never counted as missed.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..errors import given
from ..load import Loaded
from ..load.model.activity import ActivityLog, Record
from ..load.model.common import Activity, Layer, Party, Period
from ..load.model.cycle import Cycle, CycleYear, Term, YearBasis
from ..load.model.pairing import Dated, GroupPair, ManagerPair, Pairing, TeacherPair
from ..load.model.programme import Commitment, Indicator, Programme
from ..text import cn_date, cn_month

METRIC_NAMES = {"times": "次", "subjects": "个学科", "person_times": "人次", "people": "人", "days": "天"}
SHORT_PERIODS = (Period.week, Period.month, Period.quarter)
UNIT = {Period.week: "周", Period.month: "个月", Period.quarter: "个季度"}


@dataclass
class Span:
    """One period a commitment is due in: its name and days, and its term if it is one."""

    label: str
    start: dt.date
    end: dt.date
    term: Term | None = None


REACHED = "已达到"
"""The state of a period still open after the year counted whose requirement is already done."""


@dataclass
class Check:
    """One commitment in one period (for one pair of a layer, or for the pairing as a whole)."""

    commitment: Commitment
    span: Span
    subject: str
    """What is counted, in Chinese: 送课指导, or 师徒交流（葛某某—奚某某）."""
    needs: list[tuple[str, float, float]]
    """(metric, required, done)"""
    records: list[Record] = field(default_factory=list)
    pair: Dated | None = None
    open: bool = False
    """The period has not ended by the as-of date."""
    carried: bool = False
    """The period ends after the year (or term) being counted (a calendar year in a school-year
    programme, the whole cycle): shown here as in progress (已达到 once what it requires is
    done), counted only in the year it ends in, so that no year is credited with what another
    year's summary counts too."""

    @property
    def period(self) -> str:
        return self.span.label

    @property
    def term(self) -> Term | None:
        return self.span.term

    @property
    def folds(self) -> bool:
        """Checked week by week, month by month or quarter by quarter: shown as one line per
        commitment and pair (periods met of periods due) rather than a line per period."""
        return self.commitment.per in SHORT_PERIODS

    @property
    def ratio(self) -> float:
        return min(min(1.0, done / need) for _, need, done in self.needs)

    @property
    def reached(self) -> bool:
        """What the period requires has been done (so far)."""
        return all(done >= need for _, need, done in self.needs)

    @property
    def met(self) -> bool:
        """Counted as done in this year: reached, in a period this year reports."""
        return self.reached and not self.carried

    @property
    def missed(self) -> bool:
        """Not met in a period that has ended."""
        return not self.met and not self.open

    @property
    def state(self) -> str:
        if self.carried:
            return REACHED if self.reached else "进行中"
        return "完成" if self.met else ("进行中" if self.open else "未完成")

    def required_text(self) -> str:
        sign = "" if self.commitment.exact else "≥"
        return "、".join(f"{sign}{need:g}{METRIC_NAMES[m]}" for m, need, _ in self.needs)

    def done_text(self) -> str:
        text = "、".join(f"{done:g}{METRIC_NAMES[m]}" for m, _, done in self.needs)
        unstated = unstated_persons(self.records)
        if unstated and any(m in ("person_times", "people") for m, _, _ in self.needs):
            text += f"（{unstated}）"
        return text


def unstated_persons(records: list[Record]) -> str:
    """What a count of persons rests on where records say no number: a record that names no
    one and gives no 人次 is counted as one person (someone did it), and the count says so
    (其中1条记录未写人数，各按1人计; empty when every record says)."""
    unstated = sum(1 for r in records if not r.person_times and not r.people)
    return f"其中{unstated}条记录未写人数，各按1人计" if unstated else ""


@dataclass
class Flagged:
    index: int
    record: Record
    why: str


@dataclass
class YearCounts:
    """A pairing's year (or one term of it) counted as of a date."""

    pairing: Pairing
    year: CycleYear
    as_of: dt.date
    window: Span
    """The days reported on: the cycle year, or one term of it."""
    records: list[Record]
    """The records of the window up to the as-of date."""
    counted: list[int]
    late: list[Flagged]
    unfiled: list[Flagged]
    no_evidence: list[Flagged]
    pending_evidence: list[Flagged]
    """Records whose evidence is described in words, its files still to come."""
    later: list[Record]
    """Records of the window dated after the as-of date: not counted here."""
    checks: list[Check]
    unperiodic: list[Commitment] = field(default_factory=list)
    """Commitments the plan gives no period (定期): listed, not counted."""

    @property
    def by_type(self) -> Counter:
        return Counter(self.records[i].type for i in self.counted)

    def by_month(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for r in self.records:
            out.setdefault(r.date.strftime("%Y-%m"), Counter())[r.type] += 1
        return out

    @property
    def flagged(self) -> list[Flagged]:
        return sorted([*self.late, *self.unfiled, *self.no_evidence, *self.pending_evidence],
                      key=lambda f: (f.record.date, f.index))

    @property
    def unmet(self) -> list[Check]:
        """Checks missed: not met in a period that has ended."""
        return [c for c in self.checks if c.missed]

    @property
    def whole_year(self) -> bool:
        """Counted to the end of the year (or term) reported on."""
        return self.as_of >= self.window.end


# ------------------------------------------------------------------ periods

def _months(start: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``start``'s month."""
    k = start.month - 1 + n
    return dt.date(start.year + k // 12, k % 12 + 1, 1)


def _tail(start: dt.date, end: dt.date) -> str:
    """The end of a range as far as it differs from its start: 11月, or 2023年2月."""
    return cn_month(end) if end.year != start.year else (f"{end.month}月" if end.month != start.month else "")


def _basis_start(day: dt.date, basis: YearBasis) -> dt.date:
    """The 1 January or 1 September on or before ``day``: where months, quarters and years of
    that basis are counted from."""
    if basis == YearBasis.calendar:
        return dt.date(day.year, 1, 1)
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def periods(per: Period, cycle: Cycle, first: dt.date, last: dt.date) -> list[Span]:
    """Every period of kind ``per`` that lies wholly inside the cycle and overlaps the days
    ``first``–``last``: weeks Monday to Sunday, months, quarters of three months from the
    start of the (school or calendar) year, terms, school years, calendar years, the cycle."""
    lo, hi = cycle.start, given(cycle.end, "a cycle's end")  # (set when the cycle is read)
    out: list[Span] = []
    if per == Period.week:
        day = lo + dt.timedelta(days=(7 - lo.weekday()) % 7)
        day = max(day, first - dt.timedelta(days=first.weekday()))
        while day <= last:
            end = day + dt.timedelta(days=6)
            out.append(Span(f"{cn_month(day)}{day.day}日—{_tail(day, end)}{end.day}日", day, end))
            day += dt.timedelta(days=7)
    elif per in (Period.month, Period.quarter):
        step = 1 if per == Period.month else 3
        anchor = _basis_start(first, given(cycle.basis, "a cycle's basis"))
        k = 0
        while True:
            start, end = _months(anchor, k), _months(anchor, k + step) - dt.timedelta(days=1)
            if start > last:
                break
            label = cn_month(start) if step == 1 else f"{cn_month(start)}—{_tail(start, end)}"
            out.append(Span(label, start, end))
            k += step
    elif per == Period.term:
        for year in cycle.cycle_years:
            out += [Span(t.short_label, a, b, t) for t, a, b in year.term_spans
                    if (a, b) == _whole_term(t, year)]
    elif per in (Period.school_year, Period.year):
        basis = YearBasis.school if per == Period.school_year else YearBasis.calendar
        start = _basis_start(first, basis)
        while start <= last:
            end = dt.date(start.year + 1, 8, 31) if basis == YearBasis.school else dt.date(start.year, 12, 31)
            label = f"{start.year}—{start.year + 1}学年" if basis == YearBasis.school else f"{start.year}年"
            out.append(Span(label, start, end))
            start = end + dt.timedelta(days=1)
    elif per == Period.cycle:
        out.append(Span("帮扶周期内", lo, hi))
    return [s for s in out if lo <= s.start and s.end <= hi and s.start <= last and s.end >= first]


def _whole_term(term: Term, year: CycleYear) -> tuple[dt.date, dt.date]:
    """A term's days as the year's basis cuts them (a calendar year's autumn ends 31 December)."""
    if year.is_school_year or term.season == "spring":
        return term.start, term.end
    return term.start, dt.date(term.start.year, 12, 31)


# ------------------------------------------------------------------ pairs

def pairs_of(c: Commitment, pairing: Pairing) -> list:
    """The pairs of a layer a commitment is counted for, one by one (none: the pairing as a whole)."""
    if c.layer == Layer.teachers or (c.layer is None and c.activity == Activity.mentor_exchange):
        return list(pairing.teacher_pairs)
    layers: dict[Layer | None, list[ManagerPair] | list[GroupPair]] = {
        Layer.leaders: pairing.leader_pairs, Layer.managers: pairing.middle_manager_pairs, Layer.groups: pairing.group_pairs}
    return layers.get(c.layer, [])


def of_pair(pair, r: Record) -> bool:
    """Whether a record belongs to one pair of a layer: by mentor and mentee, by the people
    it names, or by a teaching-research group's subject — on a day the pair ran."""
    if not pair.runs_on(r.date):
        return False
    if isinstance(pair, TeacherPair):
        return r.mentor == pair.mentor.name and (not r.mentee or r.mentee == pair.mentee.name)
    if isinstance(pair, ManagerPair):
        names = {pair.supporter.name, pair.recipient.name}
        return bool(names & set(r.people)) or r.mentor in names
    if isinstance(pair, GroupPair):
        leads = {p.name for p in (pair.supporter_lead, pair.recipient_lead) if p}
        return pair.subject in r.subjects or bool(leads & set(r.people))
    return True


def pair_name(pair) -> str:
    if isinstance(pair, TeacherPair):
        return f"{pair.mentor.name}—{pair.mentee.name}"
    if isinstance(pair, GroupPair):
        return f"{pair.group('supporter')}—{pair.group('recipient')}"
    return f"{pair.supporter.name}—{pair.recipient.name}"


def commitment_name(c: Commitment) -> str:
    """A commitment as the programme names it (its ``what``: 学科教学成果展示课), never a label
    made from docgen's activity types."""
    return c.what


# ------------------------------------------------------------------ records

def matches(c: Commitment, r: Record) -> bool:
    if r.type != c.activity or (c.tag and r.tag != c.tag):
        return False
    return c.by == Party.both or r.organiser in (c.by, Party.both)


def measure(c: Commitment, records: list[Record]) -> list[tuple[str, float, float]]:
    needs: list[tuple[str, float, float]] = []
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


def record_flags(prog: Programme, r: Record) -> tuple[bool, list[tuple[str, str]]]:
    """Whether a record counts, and why it is listed: (kind, reason) with kind one of
    late, unfiled, no_evidence, pending_evidence."""
    flags, ok = [], True
    limit = prog.report_within_days
    if r.filed_on is None:
        flags.append(("unfiled", "未报备"))
        ok = ok and prog.count_late_records
    elif limit is not None and (r.filed_on - r.date).days > limit:
        flags.append(("late", f"活动后第{(r.filed_on - r.date).days}天报备（应在{limit}日内）"))
        ok = ok and prog.count_late_records
    if not r.evidence:
        flags.append(("no_evidence", "缺少证明材料"))
        ok = False
    elif r.evidence_described:
        flags.append(("pending_evidence", f"证明材料待补（{'、'.join(r.evidence_described)}）"))
        ok = ok and prog.count_pending_evidence
    return ok, flags


def count(prog: Programme, pairing: Pairing, year: CycleYear, log: ActivityLog | None,
          as_of: dt.date | None = None, term: Term | None = None,
          others: list[ActivityLog] | tuple = ()) -> YearCounts:
    """What was done in ``year`` (or in one ``term`` of it) against each commitment, as of
    ``as_of`` (default: the end of the year). ``others`` are the pairing's records of its other
    cycle years, for periods that reach across years (每年 in a school-year programme, the cycle)."""
    window = Span(year.label, year.start, year.end)
    if term is not None:
        window = Span(term.short_label, *term_days(year, term), term)
    as_of = as_of or window.end
    everything = list(log.records) if log else []
    mine = [r for r in everything if window.start <= r.date <= window.end]
    records = [r for r in mine if r.date <= as_of]
    later = [r for r in mine if r.date > as_of]
    late: list[Flagged] = []
    unfiled: list[Flagged] = []
    no_evidence: list[Flagged] = []
    pending: list[Flagged] = []
    counted: list[int] = []
    lists = {"late": late, "unfiled": unfiled, "no_evidence": no_evidence, "pending_evidence": pending}
    for i, r in enumerate(records):
        ok, flags = record_flags(prog, r)
        for kind, why in flags:
            lists[kind].append(Flagged(i, r, why))
        if ok:
            counted.append(i)
    pool = [r for r in everything + [r for other in others for r in other.records]
            if r.date <= as_of and record_flags(prog, r)[0]]
    checks: list[Check] = []
    unperiodic = []
    for c in prog.commitments:
        if c.per is None:
            unperiodic.append(c)
            continue
        rs = [r for r in pool if matches(c, r)]
        pairs = pairs_of(c, pairing) or [None]
        for span in periods(c.per, given(pairing.cycle, "a loaded pairing's cycle"), window.start, min(window.end, as_of)):
            if not _shown_in(c.per, span, window, as_of):
                continue
            ids = [r for r in rs if span.start <= r.date <= span.end]
            for pair in pairs:
                if pair is not None and not pair.runs_through(span.start, span.end):
                    continue
                own = [r for r in ids if pair is None or of_pair(pair, r)]
                subject = commitment_name(c) + (f"（{pair_name(pair)}）" if pair is not None else "")
                checks.append(Check(c, span, subject, measure(c, own), own, pair, open=span.end > as_of,
                                    carried=span.end > window.end))
    return YearCounts(pairing, year, as_of, window, records, counted, late, unfiled, no_evidence, pending, later,
                      checks, unperiodic)


def _shown_in(per: Period, span: Span, window: Span, as_of: dt.date) -> bool:
    """A period is reported in the window it ends in; a long one (term, year, cycle) still open
    at the as-of date is reported, as in progress, in the window the as-of date falls in. A
    week, month or quarter is reported only once it has ended."""
    if per in SHORT_PERIODS:
        return window.start <= span.end <= min(window.end, as_of)
    if window.start <= span.end <= window.end:
        return True
    return span.end > as_of and window.start <= as_of <= window.end


def as_of_for(pairing: Pairing, year: CycleYear, given: dt.date | None, today: dt.date | None = None) -> dt.date:
    """The day a pairing's year is counted to: the date asked for, else the day its summary is
    signed, else today (``so_far``)."""
    if given is not None:
        return given
    text = next((s for s in pairing.summaries if str(s.year) == year.key), None)
    return text.date if text and text.date else so_far(year.end, today)


def term_as_of(year: CycleYear, term: Term, given: dt.date | None, today: dt.date | None = None) -> dt.date:
    """The day one term of ``year`` is counted to: the date asked for, else today (``so_far``)."""
    return given if given is not None else so_far(term_days(year, term)[1], today)


def term_days(year: CycleYear, term: Term) -> tuple[dt.date, dt.date]:
    """The first and last day of ``term`` that fall in ``year`` (``CycleYear.term_spans``)."""
    return next((a, b) for t, a, b in year.term_spans if t == term)


def so_far(end: dt.date, today: dt.date | None = None) -> dt.date:
    """Today, for a year (or term) not over yet; its last day once it is over: a 2020 year
    counted in 2026 is counted to 31 December 2020, the day its data ends, not to the day its
    documents happen to be made."""
    return min(today or dt.date.today(), end)


def count_pairing(loaded: Loaded, pairing: Pairing, year: CycleYear, as_of: dt.date,
                  term: Term | None = None) -> YearCounts:
    """``count`` with the pairing's records of every cycle year (the summary and the roll-up
    both count through here, so they cannot disagree)."""
    pairing_id = given(pairing.id, "a loaded pairing's id")
    others = [loaded.activities[pairing_id, key] for key in loaded.activities.years(pairing_id) if key != year.key]
    programme = given(loaded.programme, "a programme")
    log = loaded.activity_log(pairing_id, year.key)
    return count(programme, pairing, year, log, as_of, term, others)


# ------------------------------------------------------------------ indicators

def indicator_progress(prog: Programme, counts: YearCounts) -> tuple[list[tuple[int, Indicator, float]],
                                                                     list[tuple[int, Indicator]]]:
    """The indicators of the goals set for a year this cycle year touches: those with a
    counting rule (``activity``) with what the counted records give — (year, indicator, done) —
    and those no record can check — (year, indicator)."""
    years = {counts.year.start.year, counts.year.end.year}
    checked, unchecked = [], []
    for goal in (prog.goals.yearly if prog.goals else []):
        if goal.year not in years:
            continue
        for ind in goal.indicators:
            if ind.activity is None:
                unchecked.append((goal.year, ind))
                continue
            records = [counts.records[i] for i in counts.counted if counts.records[i].type == ind.activity
                       and (not ind.tag or counts.records[i].tag == ind.tag)]
            probe = Commitment.model_validate({"id": "indicator", "activity": ind.activity, "by": Party.both,
                                               "per": Period.cycle, "what": ind.name, ind.metric: 1})
            done = next(d for m, _, d in measure(probe, records) if m == ind.metric)
            checked.append((goal.year, ind, done))
    return checked, unchecked


def as_of_words(counts: YearCounts) -> str:
    """截至2026年7月10日 — or nothing when the whole year (or term) is counted."""
    return "" if counts.whole_year else f"截至{cn_date(counts.as_of)}"
