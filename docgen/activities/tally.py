"""Checks folded into what a reader reads: per commitment (and pair), the periods due, met,
still open and missed — one number each, counted from the same checks everywhere (the
summary's table and text, the rubric's reasons, the roll-up)."""
from __future__ import annotations

import datetime as dt

from ..errors import given
from ..load.model.common import PERIOD_NAMES, Period
from ..text import display_width
from .counting import UNIT, Check

PAIR_UNIT = {Period.week: "周次", Period.month: "月次", Period.quarter: "季度次", Period.term: "学期次",
             Period.school_year: "学年次", Period.year: "年次", Period.cycle: "次"}
LONG_UNIT = {Period.term: "个学期", Period.school_year: "个学年", Period.year: "年", Period.cycle: "个帮扶周期"}


def fold(checks: list[Check]) -> dict:
    """Checks of one commitment (and pair): periods due (ended, or open and already met), met,
    still open, and the periods missed (consecutive ones joined)."""
    per = checks[0].commitment.per
    missed = [(c.period, (c.span.start, c.span.end)) for c in checks if c.missed]
    return {"due": sum(1 for c in checks if not c.open or c.met), "met": sum(1 for c in checks if c.met),
            "open": sum(1 for c in checks if c.open and not c.met), "missed": missed_runs(missed, per),
            "missed_count": len(missed)}


def unit_of(per: Period) -> str:
    return UNIT.get(per) or LONG_UNIT[per]


def facts(checks: list[Check], with_missed: bool = True) -> str:
    """The facts of one commitment's checks in a line: 1次（要求≥3次）; 44周中36周达到（要求每周≥1次），
    未达到：…; over several pairs 2对共88周次中80周次达到（要求每周≥1次）."""
    c0 = checks[0]
    per = given(c0.commitment.per, "a counted commitment's period")
    pairs = {id(c.pair) for c in checks if c.pair is not None}
    f = fold(checks)
    if len(checks) == 1:
        return f"{c0.period}{c0.done_text()}（要求{c0.required_text()}）" + ("，进行中" if f["open"] else "")
    if len(pairs) > 1:
        unit = PAIR_UNIT[per]
        text = f"{len(pairs)}对共{f['due']}{unit}中{f['met']}{unit}达到（要求{PERIOD_NAMES[per]}{c0.required_text()}）"
    else:
        unit = unit_of(per)
        text = f"{f['due']}{unit}中{f['met']}{unit}达到（要求{PERIOD_NAMES[per]}{c0.required_text()}）"
        if with_missed and f["missed"]:
            text += f"，未达到：{brief(f['missed'])}"
    if f["open"]:
        text += f"，另有{f['open']}{'项' if len(pairs) > 1 else unit}进行中"
    return text


def tally_text(checks: list[Check]) -> str:
    """What one commitment of one pair came to: 44周中36周达到, or 2次 for a single period."""
    if len(checks) == 1:
        c = checks[0]
        return f"{c.period}{c.done_text()}" + ("（进行中）" if c.open and not c.met else "")
    f = fold(checks)
    unit = unit_of(given(checks[0].commitment.per, "a counted commitment's period"))
    return f"{f['due']}{unit}中{f['met']}{unit}达到" + (f"，{f['open']}{unit}进行中" if f["open"] else "")


def missed_runs(missed: list[tuple[str, tuple[dt.date, dt.date]]], per: Period | None) -> list[str]:
    """Missed periods, consecutive ones joined: 2026年1月5日—2月22日（7周）, 2026年1月—2月（2个月）,
    or the one period's name."""
    groups: list[list[tuple[str, tuple]]] = []
    for label, span in missed:
        if groups and (span[0] - groups[-1][-1][1][1]).days == 1:
            groups[-1].append((label, span))
        else:
            groups.append([(label, span)])
    out = []
    for group in groups:
        if len(group) == 1 or per not in UNIT:
            out += [label for label, _ in group]
            continue
        start, end = group[0][1][0], group[-1][1][1]
        weekly = per == Period.week
        tail = f"{end.month}月{end.day}日" if weekly else f"{end.month}月"
        head = f"{start.year}年{start.month}月" + (f"{start.day}日" if weekly else "")
        if end.year != start.year:
            tail = f"{end.year}年{tail}"
        out.append(f"{head}—{tail}（{len(group)}{UNIT[per]}）")
    return out


BRIEF = 26
"""The widest list of missed periods (in characters) a table cell or a reason names; a longer
one is counted there and listed in full in the annex."""


def too_long(runs: list[str]) -> bool:
    return display_width(short_list(runs)) > BRIEF


def brief(runs: list[str]) -> str:
    """The missed periods, or, when they would run over a line or two, how many runs there are
    (the annex lists them all): a cell stays short however many periods were missed."""
    return f"{len(runs)}段，见附表" if too_long(runs) else short_list(runs)


def short_list(periods: list[str]) -> str:
    """2023年1月、2月、8月: a year is written once for the months that follow it in that year."""
    out, year = [], None
    for p in periods:
        head, sep, rest = p.partition("年")
        if sep and head == year and rest[:1].isdigit():
            out.append(rest)
        else:
            out.append(p)
        year = head if sep else None
    return "、".join(out)


def commitment_rows(checks: list[Check]) -> list[dict]:
    """The summary's table: one row per check of a long period (term, year, cycle); checks made
    week by week, month by month or quarter by quarter folded into one row per commitment and
    pair — periods met of periods due, naming the ones missed. ``behind``: missed in a period
    that has ended; ``open``: not yet met in one that has not; ``missed``: the periods missed."""
    rows: list[dict] = []
    folded: dict[tuple[str, str], list[Check]] = {}
    for c in checks:
        if not c.folds:
            rows.append({"period": c.period, "item": c.subject, "required": c.required_text(), "done": c.done_text(),
                         "met": c.met, "behind": c.missed, "open": c.open and not c.met, "state": c.state,
                         "missed": [c.period] if c.missed else [], "commitment": c.commitment.id, "pair": c.pair})
            continue
        key = (c.commitment.id, c.subject)
        if key not in folded:
            folded[key] = []
            rows.append({"key": key})
        folded[key].append(c)
    for i, row in enumerate(rows):
        if "key" not in row:
            continue
        group = folded[row["key"]]
        f = fold(group)
        per = given(group[0].commitment.per, "a counted commitment's period")
        unit = unit_of(per)
        tally = f"{f['due']}{unit}中{f['met']}{unit}达到"
        met = f["missed_count"] == 0
        rows[i] = {"period": PERIOD_NAMES[per], "item": group[0].subject, "required": group[0].required_text(),
                   "tally": tally, "done": tally + (f"；未达到：{brief(f['missed'])}" if f["missed"] else ""),
                   "long": too_long(f["missed"]),
                   "met": met, "behind": not met, "open": False, "state": "完成" if met else "未完成",
                   "due": f["due"], "met_count": f["met"], "missed": f["missed"],
                   "commitment": group[0].commitment.id, "pair": group[0].pair}
    return rows
