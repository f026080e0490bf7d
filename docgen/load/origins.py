"""Where each value of a model was read: the file, its line and column, and the field.

``attach`` runs once per file after validation: it gives every model read from that file an
``_origin`` (the file, the model's place in it, and the file's map of positions) and shares
its set of written fields with the models that wrote the same ones (``SharedFields``). ``where``
then answers, for any field (or item of a list field) of any model, the line it was written
on. A value that is not in the file (a default, or worked out from others) has no position:
``where`` says so, and ``docgen explain`` calls it a default, never a line of the data.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model.common import Block, Strict, shared_fields
from .yaml_source import Loc, Source, format_loc


@dataclass(frozen=True, slots=True)
class Origin:
    """A model's place in its file (every model read has one: 40 000 at 1 000 pairings, so
    without a ``__dict__`` each)."""

    path: Path
    loc: Loc
    values: Mapping[Loc, tuple[int, int]]
    """The file's positions, shared by every model read from it (``Packed``)."""


@dataclass(frozen=True)
class FromData:
    """A value written in a data file, at a line and column."""

    path: Path
    line: int
    col: int
    field: str
    """Where in the file, as a user writes it: commitments[3].text."""


def attach(model: Any, src: Source, loc: Loc = ()) -> None:
    """Give ``model`` and every model inside it its place in ``src`` (whose positions are
    packed first: the models keep them for as long as they live)."""
    src.pack()
    _attach(model, src.path, src.values, loc)


_LEAVES = (str, int, float, bool, type(None), dt.date)
"""Values with no model inside: not walked into (most of a file's values)."""


def _attach(model: Any, path: Path, values: Mapping[Loc, tuple[int, int]], loc: Loc) -> None:
    if isinstance(model, _LEAVES):
        return
    if isinstance(model, Strict):  # every model of the data is one
        # (its private attribute read and set in place: BaseModel's own way to it costs more
        # than the rest of this walk, for the tens of thousands of models of a bureau's files)
        private = model.__pydantic_private__
        if private is None:  # (pydantic gives every model with private attributes their dict)
            private = model.__pydantic_private__ = {"_origin": None}
        if private.get("_origin") is not None:  # a model shared with another file (a pairing's adopted cycle)
            return
        private["_origin"] = Origin(path, loc, values)
        object.__setattr__(model, "__pydantic_fields_set__", shared_fields(model.__pydantic_fields_set__))
        fields = model.__dict__
        for name in type(model).__pydantic_fields__:
            _attach(fields[name], path, values, loc + (name,))
    elif isinstance(model, list):
        for i, item in enumerate(model):
            _attach(item, path, values, loc + (i,))
    elif isinstance(model, dict):
        for key, item in model.items():
            _attach(item, path, values, loc + (key.value if hasattr(key, "value") else key,))


def where(model: BaseModel, field: str, index: int | str | None = None) -> FromData | None:
    """The position of ``model.field`` (or of its item ``index``) in its file, or None when
    the model was not read from a file or the value is not written there (a default)."""
    origin = getattr(model, "_origin", None)
    if origin is None:
        return None
    loc = origin.loc + (field,) + (() if index is None else (index,))
    at = origin.values.get(loc)
    if at is None and index is None:  # a block written as a plain string: the string is its text
        at = origin.values.get(origin.loc) if field == "text" and isinstance(model, Block) else None
    if at is None:
        return None
    return FromData(origin.path, at[0], at[1], format_loc(loc))

