"""The days the data says something was done: a notice dated or printed, an agreement signed
or confirmed, a letter signed, a summary dated, an activity held or filed.

An output's metadata (the time in its Word properties, PDF information, XMP and zip entries)
carries such a day rather than the clock's or a constant's, so that the same data still
gives the same bytes and a clerk who reads a file's properties sees a day of the programme
(``documents.dates`` picks the day of each document). Days that plan ahead — a cycle's end,
a deadline, a step's start and end — are not counted: a file is not dated in the future.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

EVENT_FIELDS = frozenset({"date", "signed_on", "confirmed_on", "printed_on", "filed_on"})
"""Fields that hold the day something was done (any model: notices, pairings, pairs,
summaries, activity records)."""


def stated_days(value: object, named: str = "") -> Iterator[dt.date]:
    """Every day ``value`` (a model, or lists and dicts of them) states in an ``EVENT_FIELDS``
    field; ``named`` is the field ``value`` itself was read from."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if named in EVENT_FIELDS:
            yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from stated_days(getattr(value, name), name)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from stated_days(item, named)
    elif isinstance(value, dict):
        for item in value.values():
            yield from stated_days(item, named)


def latest_stated(items: Iterable[object]) -> dt.date | None:
    """The latest day any of ``items`` states something was done; None when none does."""
    return max((day for item in items for day in stated_days(item)), default=None)
