"""The programme's rubric applied to a year's counts, item by item, with reasons."""
from __future__ import annotations

from dataclasses import dataclass

from ..load.model.activity import ActivityLog
from ..load.model.common import ACTIVITY_NAMES
from ..load.model.cycle import Term
from ..load.model.programme import Programme, RubricItem
from ..text import number
from .counting import YearCounts


@dataclass
class ItemScore:
    item: RubricItem
    score: float
    reason: str
    judged: bool = False
    pending: bool = False


@dataclass
class Scorecard:
    items: list[ItemScore]
    base: float
    bonus: float
    grade: str

    @property
    def total(self) -> float:
        return self.base + self.bonus

    @property
    def pending(self) -> list[ItemScore]:
        return [s for s in self.items if s.pending]


def _round(x: float) -> float:
    return round(x * 2) / 2  # half points, as assessors write them


def score(prog: Programme, counts: YearCounts, log: ActivityLog | None) -> Scorecard | None:
    if prog.rubric is None:
        return None
    judged = {s.item: s for s in (log.scores if log else [])}
    terms = counts.year.terms
    results = []
    for item in prog.rubric.items:
        if item.commitments:
            parts, total = [], 0.0
            share = item.points / len(terms) if item.per_term else item.points
            periods = [(t.short_label, t) for t in terms] if item.per_term else [(counts.year.label, None)]
            for label, term in periods:
                checks = [c for c in counts.checks if c.commitment.id in item.commitments
                          and (term is None or c.term is None or c.term == term)]
                ratio = sum(c.ratio for c in checks) / len(checks) if checks else 0.0
                total += share * ratio
                detail = "；".join(f"{c.subject}{c.done_text()}（要求{c.required_text()}）" for c in checks
                                  if c.term is None or term is None or c.term == term)
                parts.append(f"{label}：{detail or '无记录'}，得{number(_round(share * ratio))}分")
            results.append(ItemScore(item, _round(total), "；".join(parts)))
        elif item.activity:
            share = item.points / len(terms) if item.per_term else item.points
            got, parts = 0.0, []
            for term in (terms if item.per_term else [None]):
                n = sum(1 for i in counts.counted if counts.records[i].type == item.activity
                        and (term is None or Term.of(counts.records[i].date) == term))
                got += share if n else 0.0
                parts.append(f"{term.short_label if term else counts.year.label}：{ACTIVITY_NAMES[item.activity]}{n}次")
            results.append(ItemScore(item, _round(got), "；".join(parts)))
        elif item.no in judged:
            given = judged[item.no]
            results.append(ItemScore(item, min(given.points, item.points),
                                     f"人工评分{('：' + given.note) if given.note else ''}", judged=True))
        else:
            results.append(ItemScore(item, 0.0, "需人工评定，尚未评分（在活动记录文件的 scores 中填写）",
                                     judged=True, pending=True))
    base = min(sum(r.score for r in results if not r.item.bonus), prog.rubric.total)
    bonus = min(sum(r.score for r in results if r.item.bonus), prog.rubric.bonus_points)
    grade = next((b.name for b in sorted(prog.rubric.bands, key=lambda b: -b.min) if base + bonus >= b.min), "")
    return Scorecard(results, base, bonus, grade)

