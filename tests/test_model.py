"""Derived facts of the model: the cycle's years and terms, pairs of a pairing."""
from __future__ import annotations

import datetime as dt

from docgen.load.model.cycle import Cycle, Term


def test_cycle_from_september_is_three_school_years():
    cycle = Cycle(start=dt.date(2022, 9, 1))
    assert cycle.end == dt.date(2025, 8, 31)
    assert [y.label for y in cycle.cycle_years] == ["2022—2023学年", "2023—2024学年", "2024—2025学年"]
    assert len(cycle.terms) == 6
    assert cycle.terms[0].label == "2022—2023学年第一学期"
    assert cycle.terms[1].label == "2022—2023学年第二学期"


def test_cycle_from_spring_counts_years_not_school_years():
    cycle = Cycle(start=dt.date(2020, 3, 1))
    assert cycle.end == dt.date(2023, 2, 28)
    assert [y.label for y in cycle.cycle_years] == ["2020年度", "2021年度", "2022年度"]
    assert [t.short_label for t in cycle.cycle_years[0].terms] == ["2020年春季学期", "2020年秋季学期"]


def test_term_of_date():
    assert Term.of(dt.date(2023, 1, 15)) == Term(2022, "autumn")
    assert Term.of(dt.date(2023, 3, 1)) == Term(2022, "spring")
    assert Term(2022, "spring").end == dt.date(2023, 8, 31)


def test_leap_day_start():
    cycle = Cycle(start=dt.date(2024, 2, 29), years=1)
    assert cycle.end == dt.date(2025, 2, 27)


def test_explicit_end_wins():
    assert Cycle(start=dt.date(2022, 9, 1), end=dt.date(2025, 7, 31)).end == dt.date(2025, 7, 31)
