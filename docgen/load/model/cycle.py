"""The three-year cycle and what follows from its dates: years and terms.

A school year runs from 1 September to 31 August; its autumn term is September to
February and its spring term March to August. A *cycle year* is a twelve-month span
from the cycle's start: it equals a school year when the cycle starts in September
(seed 000), and a calendar-style 年度 when it starts in spring (seed 001).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ...text import school_year
from .common import Strict


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
    def of(cls, day: dt.date) -> "Term":
        if day.month >= 9:
            return cls(day.year, "autumn")
        if day.month <= 2:
            return cls(day.year - 1, "autumn")
        return cls(day.year - 1, "spring")


@dataclass(frozen=True)
class CycleYear:
    """The k-th twelve months of a cycle."""

    index: int
    """1, 2 or 3."""
    start: dt.date
    end: dt.date

    @property
    def is_school_year(self) -> bool:
        return self.start.month == 9 and self.start.day == 1

    @property
    def label(self) -> str:
        """2022—2023学年, or 2020年度 when the cycle does not start in September."""
        if self.is_school_year:
            return school_year(self.start.year)
        return f"{self.start.year}年度"

    @property
    def key(self) -> str:
        return str(self.start.year)

    @property
    def terms(self) -> list[Term]:
        out: list[Term] = []
        day = self.start
        while day <= self.end:
            term = Term.of(day)
            if term not in out:
                out.append(term)
            day = term.end + dt.timedelta(days=1)
        return out

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class Cycle(Strict):
    """帮扶周期: a start date and a length in years; the end is derived unless given."""

    start: dt.date
    """起始日期, e.g. 2022-09-01"""
    years: int = Field(default=3, ge=1, le=10)
    """周期年数，默认 3 年"""
    end: dt.date | None = None
    """结束日期；不写时按起始日期加年数减一天计算"""
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
    def _end(self) -> "Cycle":
        if self.end is None:
            object.__setattr__(self, "end", add_years(self.start, self.years) - dt.timedelta(days=1))
        return self

    @property
    def cycle_years(self) -> list[CycleYear]:
        out = []
        for k in range(self.years):
            start = add_years(self.start, k)
            end = min(add_years(self.start, k + 1) - dt.timedelta(days=1), self.end)
            if start > self.end:
                break
            out.append(CycleYear(k + 1, start, end))
        return out

    @property
    def terms(self) -> list[Term]:
        out: list[Term] = []
        for year in self.cycle_years:
            out += [t for t in year.terms if t not in out]
        return out

