"""Derived facts of the model: the cycle's years and terms, pairs of a pairing."""
from __future__ import annotations

import datetime as dt

import pytest

from docgen.load.model.cycle import Cycle, Term


def test_cycle_from_september_is_three_school_years():
    cycle = Cycle(start=dt.date(2022, 9, 1))
    assert cycle.end == dt.date(2025, 8, 31)
    assert [y.label for y in cycle.cycle_years] == ["2022—2023学年", "2023—2024学年", "2024—2025学年"]
    assert len(cycle.terms) == 6
    assert cycle.terms[0].label == "2022—2023学年第一学期"
    assert cycle.terms[1].label == "2022—2023学年第二学期"


def test_cycle_from_spring_counts_calendar_years():
    """A 年度 programme starting in spring runs to 31 December: no twelve-month year invented."""
    cycle = Cycle(start=dt.date(2020, 3, 1))
    assert cycle.end == dt.date(2022, 12, 31)
    assert [(y.label, y.start, y.end) for y in cycle.cycle_years] == [
        ("2020年度", dt.date(2020, 3, 1), dt.date(2020, 12, 31)), ("2021年度", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        ("2022年度", dt.date(2022, 1, 1), dt.date(2022, 12, 31))]
    assert [(t.short_label, a, b) for t, a, b in cycle.cycle_years[0].term_spans] == [
        ("2020年春季学期", dt.date(2020, 3, 1), dt.date(2020, 8, 31)),
        ("2020年秋季学期", dt.date(2020, 9, 1), dt.date(2020, 12, 31))]


def test_one_calendar_year_ends_when_the_data_says():
    assert Cycle(start=dt.date(2020, 3, 1), years=1).end == dt.date(2020, 12, 31)  # seed 001: 2020年度
    stated = Cycle(start=dt.date(2020, 3, 1), years=1, end=dt.date(2020, 12, 20))
    assert [(y.start, y.end) for y in stated.cycle_years] == [(dt.date(2020, 3, 1), dt.date(2020, 12, 20))]
    assert Cycle(start=dt.date(2020, 3, 1), years=1, basis="school").end == dt.date(2020, 8, 31)


def test_term_as_written():
    assert Term.parse("2026春") == Term(2025, "spring") and Term.parse("2025秋") == Term(2025, "autumn")
    assert Term.parse("2026年春季学期") == Term(2025, "spring") and Term.parse("春") is None


def test_term_of_date():
    assert Term.of(dt.date(2023, 1, 15)) == Term(2022, "autumn")
    assert Term.of(dt.date(2023, 3, 1)) == Term(2022, "spring")
    assert Term(2022, "spring").end == dt.date(2023, 8, 31)


def test_leap_day_start():
    assert Cycle(start=dt.date(2024, 2, 29), years=1).end == dt.date(2024, 12, 31)
    assert Cycle(start=dt.date(2024, 2, 29), years=2, basis="school").end == dt.date(2025, 8, 31)


def test_explicit_end_wins():
    assert Cycle(start=dt.date(2022, 9, 1), end=dt.date(2025, 7, 31)).end == dt.date(2025, 7, 31)


def test_a_line_folded_between_a_number_and_a_character_leaves_no_space():
    """YAML's folded style joins lines with a space: "…2022\\n年秋季…" printed "2022 年秋季" in the
    yichun plan. Chinese takes no space beside a number; Latin words keep theirs."""
    import yaml

    from docgen.load.model.common import Section

    written = yaml.safe_load("title: 帮扶周期\nparagraphs:\n  - >-\n    并写入双方的合作协议。2022\n    年秋季学期内启动，Word 版报送。\n")
    assert Section.model_validate(written).paragraphs == ["并写入双方的合作协议。2022年秋季学期内启动，Word 版报送。"]


def _numeric_fields():
    """Every integer or number field of every model read from YAML: (model, field name)."""
    import typing

    from docgen.load.model import activity, programme  # noqa: F401  (every model defined)
    from docgen.load.model.common import Strict

    def numeric(tp) -> bool:
        if tp in (int, float):
            return True
        return any(numeric(arg) for arg in typing.get_args(tp) if arg is not bool)

    models, todo = set(), [Strict]
    while todo:
        model = todo.pop()
        models.add(model)
        todo += [m for m in model.__subclasses__() if m not in models]
    return sorted(((m, name) for m in models for name, f in m.model_fields.items() if numeric(f.annotation)),
                  key=lambda found: (found[0].__name__, found[1]))


def test_true_and_false_are_no_numbers():
    """Review 32 D6: ``person_times: true`` was read as 1 人次 (pydantic takes a bool for an int),
    and the summary printed 27 instead of 32: every number field refuses true and false."""
    from typing import Annotated

    import pydantic

    fields = _numeric_fields()
    names = {(m.__name__, n) for m, n in fields}
    assert {("Record", "person_times"), ("Record", "days"), ("Pairing", "no"), ("Commitment", "times"),
            ("Cycle", "years"), ("Indicator", "target"), ("JudgedScore", "points")} <= names
    for model, name in fields:
        field = model.model_fields[name]
        checker = pydantic.TypeAdapter(Annotated[field.annotation, *field.metadata])
        for flag in (True, False):
            with pytest.raises(pydantic.ValidationError, match="应为数字"):
                checker.validate_python(flag)


def test_person_times_true_is_reported_at_its_line(example_copy):
    from docgen.load import load_programme
    from tests.helpers import PROBLEM_LINE

    root = example_copy("gaotai-2020")
    path = root / "activities" / "2020" / "chengguan.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[104] == "  person_times: 6"
    lines[104] = "  person_times: true"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = [PROBLEM_LINE.match(str(p)) for p in load_programme(root).problems]
    assert len(found) == 1 and found[0]
    assert (found[0]["line"], found[0]["field"]) == ("105", "records[12].person_times")
    assert found[0]["msg"].startswith("应为数字，而不是“true”")
