"""The programme's rubric against a year's counts, item by item.

An item is scored from the records only by a rule the programme states (``RubricItem.rule``:
all or nothing per period, proportional, any record); an item without one is scored by a
person (``scores:`` in the activity file) or left for the bureau (待评). Whatever the rule,
each item carries the counts it is about, as facts: one line for the item, and one row per
commitment and pair for the annex.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import given
from ..load.model.activity import ActivityLog
from ..load.model.common import ACTIVITY_NAMES, PERIOD_NAMES
from ..load.model.programme import Programme, RubricItem, ScoreRule
from ..text import number
from .counting import Check, Span, YearCounts, commitment_name
from .tally import facts, fold, short_list, tally_text


@dataclass
class ItemScore:
    item: RubricItem
    score: float | None
    """None: to be scored by a person (待评)."""
    reason: str
    """One line: the facts the item is about, and how it was scored."""
    judged: bool = False
    details: list[dict] = field(default_factory=list)
    """One row per commitment and pair: commitment, pair, period, required, tally, missed."""

    @property
    def pending(self) -> bool:
        return self.score is None


@dataclass
class Scorecard:
    items: list[ItemScore]
    base: float
    bonus: float
    grade: str
    """The programme's band for the total; empty without bands or while items are pending."""

    @property
    def total(self) -> float:
        return self.base + self.bonus

    @property
    def pending(self) -> list[ItemScore]:
        return [s for s in self.items if s.pending]

    @property
    def complete(self) -> bool:
        return not self.pending


def _periods(item: RubricItem, counts: YearCounts) -> list[Span]:
    """The periods an item is scored in: each term of the window when its points are split by
    term, else the window itself."""
    if not item.per_term:
        return [counts.window]
    return [Span(t.short_label, a, b, t) for t, a, b in counts.year.term_spans
            if counts.window.start <= a and b <= counts.window.end]


def _in(check: Check, span: Span) -> bool:
    return span.start <= check.span.start and check.span.end <= span.end


def _rule_score(item: RubricItem, counts: YearCounts, checks: list[Check]) -> tuple[float, str]:
    """Points by the item's rule, and how they were reached, period by period."""
    periods = _periods(item, counts)
    share = item.points / len(periods) if periods else 0.0
    total, parts = 0.0, []
    for span in periods:
        mine = [c for c in checks if _in(c, span)]
        if item.rule == ScoreRule.any_record:
            n = sum(1 for i in counts.counted if counts.records[i].type == item.activity
                    and span.start <= counts.records[i].date <= span.end)
            got = share if n else 0.0
        elif item.rule == ScoreRule.all_or_nothing:
            got = share if mine and all(c.met for c in mine) else 0.0
        else:
            got = share * sum(c.ratio for c in mine) / len(mine) if mine else 0.0
        got = round(got, 1)  # points to one decimal, as a score sheet shows them
        total += got
        if len(periods) > 1:
            parts.append(f"{span.label}得{number(got)}分")
    return round(total, 1), "，".join(parts)


RULE_WORDS = {ScoreRule.all_or_nothing: "全部完成得分", ScoreRule.proportional: "按完成比例得分",
              ScoreRule.any_record: "有活动即得分"}


def score(prog: Programme, counts: YearCounts, log: ActivityLog | None) -> Scorecard | None:
    if prog.rubric is None:
        return None
    judged = {s.item: s for s in (log.scores if log else [])}
    results = []
    for item in prog.rubric.items:
        checks = [c for c in counts.checks if c.commitment.id in item.commitments]
        lines, details = [], []
        for cid in item.commitments:
            mine = [c for c in checks if c.commitment.id == cid]
            if not mine:
                continue
            lines.append(f"{commitment_name(mine[0].commitment)}{facts(mine)}")
            by_pair: dict[str, list[Check]] = {}
            for c in mine:
                by_pair.setdefault(c.subject, []).append(c)
            for subject, group in by_pair.items():
                f = fold(group)
                details.append({"item": item.no, "commitment": cid, "subject": subject,
                                "period": PERIOD_NAMES[given(group[0].commitment.per, "a counted commitment's period")],
                                "required": group[0].required_text(), "tally": tally_text(group),
                                "missed": short_list(f["missed"]) or "—"})
        if item.activity and not item.commitments:
            n = sum(1 for i in counts.counted if counts.records[i].type == item.activity)
            lines.append(f"{ACTIVITY_NAMES[item.activity]}{n}次（计入考核的）")
        reason = "；".join(lines)
        if item.rule is not None and (checks or item.rule == ScoreRule.any_record):
            points, how = _rule_score(item, counts, checks)
            reason = "；".join(x for x in (reason, RULE_WORDS[item.rule] + (f"：{how}" if how else "")) if x)
            results.append(ItemScore(item, points, reason, details=details))
        elif item.no in judged:
            judgement = judged[item.no]
            note = f"评定：{judgement.note}" if judgement.note else "评定分"
            results.append(ItemScore(item, min(judgement.points, item.points), "；".join(x for x in (reason, note) if x),
                                     judged=True, details=details))
        else:
            results.append(ItemScore(item, None, reason or "需评定", judged=True, details=details))
    base = min(sum(r.score or 0 for r in results if not r.item.bonus), prog.rubric.total)
    bonus = min(sum(r.score or 0 for r in results if r.item.bonus), prog.rubric.bonus_points)
    complete = all(not r.pending for r in results)
    grade = next((b.name for b in sorted(prog.rubric.bands, key=lambda b: -b.min) if base + bonus >= b.min),
                 "") if complete else ""
    return Scorecard(results, base, bonus, grade)
