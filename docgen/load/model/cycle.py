"""The cycle and what follows from its dates: years and terms.

A programme counts its years one of two ways, as its plan says: by school year (学年,
1 September to 31 August; autumn term September to February, spring term March to
August), or by calendar year (年度, January to December; seed 001's "2020年度" is assessed
per term of the calendar year: spring up to August, autumn from September to December).
A cycle year is one of those years, cut to the cycle's own start and end; nothing is
counted past the end the data gives (or, without one, past the last year's end).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ...errors import given
from ...text import school_year
from .common import Int, Strict


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Term:
    """One term (学期) of a school year."""

    school_year: int
    """The year the school year starts in: 2022 for 2022—2023学年."""
    season: str
    """``autumn`` (第一学期) or ``spring`` (第二学期)."""

    @property
    def start(self) -> dt.date:
        return dt.date(self.school_year, 9, 1) if self.season == "autumn" else dt.date(self.school_year + 1, 3, 1)

    @property
    def end(self) -> dt.date:
        if self.season == "autumn":
            return dt.date(self.school_year + 1, 3, 1) - dt.timedelta(days=1)
        return dt.date(self.school_year + 1, 8, 31)

    @property
    def label(self) -> str:
        order = "第一学期" if self.season == "autumn" else "第二学期"
        return school_year(self.school_year) + order

    @property
    def short_label(self) -> str:
        return f"{self.start.year}年秋季学期" if self.season == "autumn" else f"{self.start.year}年春季学期"

    @property
    def key(self) -> str:
        return f"{self.school_year}-{self.season}"

    @classmethod
    def parse(cls, text: str) -> Term | None:
        """A term as a user writes it: 2026春, 2025秋, 2026年春季学期, 2025-autumn (the key), or
        None if it is none of these. The year is the one the term starts in."""
        text = text.strip()
        m = re.fullmatch(r"(\d{4})\s*(?:年)?\s*(春|秋)(?:季)?(?:学期)?", text)
        if m:
            year = int(m.group(1))
            return cls(year, "autumn") if m.group(2) == "秋" else cls(year - 1, "spring")
        m = re.fullmatch(r"(\d{4})-(autumn|spring)", text)
        return cls(int(m.group(1)), m.group(2)) if m else None

    @classmethod
    def of(cls, day: dt.date) -> Term:
        if day.month >= 9:
            return cls(day.year, "autumn")
        if day.month <= 2:
            return cls(day.year - 1, "autumn")
        return cls(day.year - 1, "spring")


class YearBasis(str, Enum):
    """How a programme cuts its cycle into years."""

    school = "school"
    """学年：9月1日至次年8月31日"""
    calendar = "calendar"
    """自然年度：1月1日至12月31日"""


@dataclass(frozen=True)
class CycleYear:
    """The k-th year of a cycle (a school year or a calendar year), cut to the cycle."""

    index: int
    """1, 2 or 3."""
    start: dt.date
    end: dt.date
    basis: YearBasis = YearBasis.school

    @property
    def is_school_year(self) -> bool:
        return self.basis == YearBasis.school

    @property
    def label(self) -> str:
        """2022—2023学年, or 2020年度 for a calendar year."""
        if self.is_school_year:
            return school_year(self.start.year if self.start.month >= 7 else self.start.year - 1)
        return f"{self.start.year}年度"

    @property
    def key(self) -> str:
        return str(self.start.year)

    @property
    def term_spans(self) -> list[tuple[Term, dt.date, dt.date]]:
        """Each term of the year with the days of it that fall in the year. A calendar year
        holds its spring term (March to August) and its autumn term cut at 31 December: the
        year's assessment closes with the year, and January and February (the winter holiday
        after the previous autumn term) belong to no term of it."""
        if self.is_school_year:
            spans = [(t, t.start, t.end) for t in _terms_between(self.start, self.end)]
        else:
            y = self.start.year
            spans = [(Term(y - 1, "spring"), dt.date(y, 3, 1), dt.date(y, 8, 31)),
                     (Term(y, "autumn"), dt.date(y, 9, 1), dt.date(y, 12, 31))]
        return [(t, max(a, self.start), min(b, self.end)) for t, a, b in spans
                if a <= self.end and b >= self.start]

    @property
    def terms(self) -> list[Term]:
        return [t for t, _, _ in self.term_spans]

    def term_of(self, day: dt.date) -> Term | None:
        """The term of this year a day falls in (None outside the year)."""
        return next((t for t, a, b in self.term_spans if a <= day <= b), None)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _terms_between(start: dt.date, end: dt.date) -> list[Term]:
    out: list[Term] = []
    day = start
    while day <= end:
        term = Term.of(day)
        if term not in out:
            out.append(term)
        day = term.end + dt.timedelta(days=1)
    return out


def _year_bounds(day: dt.date, basis: YearBasis) -> tuple[dt.date, dt.date]:
    """The school or calendar year ``day`` falls in (July and August: the school year they lead into)."""
    if basis == YearBasis.calendar:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    first = day.year if day.month >= 7 else day.year - 1
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


class Cycle(Strict):
    """帮扶周期: a start date, a number of years and how years are counted; the end is the data's
    or the last year's end."""

    start: dt.date
    """起始日期, e.g. 2022-09-01"""
    years: Int = Field(default=3, ge=1, le=10)
    """周期年数，默认 3 年"""
    end: dt.date | None = None
    """结束日期；不写则为最后一个学年（或年度）的最后一天"""
    basis: YearBasis | None = None
    """按什么划分年度：school 学年（9月至次年8月）、calendar 自然年度（1月至12月，如“2020年度”的方案）；
    不写则按起始日期：7月至12月起为学年，1月至6月起为自然年度"""
    agreed_by_pairs: bool = False
    """具体起止时间由结对双方商定、在协议中注明（方案只定年限和最早开始日期）；各结对文件可写自己的 cycle"""

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end <= start:
            raise ValueError(f"帮扶周期的结束日期 {end} 不晚于开始日期 {start}")
        return end

    @model_validator(mode="after")
    def _end(self) -> Cycle:
        basis = self.basis
        if basis is None:
            basis = YearBasis.school if self.start.month >= 7 else YearBasis.calendar
            object.__setattr__(self, "basis", basis)
        if self.end is None:
            _, first_end = _year_bounds(self.start, basis)
            object.__setattr__(self, "end", add_years(first_end, self.years - 1))
        return self

    @property
    def cycle_years(self) -> list[CycleYear]:
        end, basis = given(self.end, "a cycle's end"), given(self.basis, "a cycle's basis")  # (set by _end)
        out: list[CycleYear] = []
        day = self.start
        while day <= end and len(out) < self.years:
            _, year_end = _year_bounds(day, basis)
            out.append(CycleYear(len(out) + 1, day, min(year_end, end), basis))
            day = year_end + dt.timedelta(days=1)
        return out

    @property
    def terms(self) -> list[Term]:
        out: list[Term] = []
        for year in self.cycle_years:
            out += [t for t in year.terms if t not in out]
        return out
