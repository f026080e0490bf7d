"""Text that knows where each of its characters comes from.

A ``Phrase`` is a ``str`` (templates, widths and comparisons see plain text) that also keeps
its segments: each run of characters with its origin — a value of a data file at a line
(``FromData``), or words written in docgen's code at a line of a module (``FromCode``).
Document contexts build their sentences with ``data`` (a value of the data, with its
position), ``say`` (a sentence of code with values in it) and ``cat`` (pieces joined), so
that the origin of every character is known exactly, not guessed from the text afterwards.

``docgen explain`` renders a document with each segment between invisible markers and
reads the markers back out of the Word file (``render.markers``, ``docgen.explain``).
Any plain ``str`` that reaches a template is counted as written by the code that made the
context; text in no context value is the template's.
"""
from __future__ import annotations

import datetime as dt
import functools
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..load.origins import FromData, where
from ..text import cn_date, number

PACKAGE = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class FromCode:
    """Words written in docgen's code (a module and line), or a default value of a field."""

    file: str
    line: int
    default: str = ""
    """For a value the data leaves out: the field whose default it is (e.g. Rubric.bands)."""


Origin = FromData | FromCode


@functools.cache
def shown_path(filename: str) -> str:
    """A module's file as explain names it: docgen/documents/agreement.py."""
    path = Path(filename)
    try:
        return path.resolve().relative_to(PACKAGE).as_posix()
    except ValueError:
        return path.name


def caller(depth: int = 2) -> FromCode:
    """The line of code that called the function that calls this one."""
    frame = sys._getframe(depth)
    return FromCode(shown_path(frame.f_code.co_filename), frame.f_lineno)


class Phrase(str):
    """A string with the origin of each of its runs of characters."""

    segments: tuple[tuple[str, Origin], ...]

    def __new__(cls, segments: Iterable[tuple[str, Origin]]) -> Phrase:
        merged: list[tuple[str, Origin]] = []
        for text, origin in segments:
            if not text:
                continue
            if merged and merged[-1][1] == origin:
                merged[-1] = (merged[-1][0] + text, origin)
            else:
                merged.append((text, origin))
        obj = super().__new__(cls, "".join(t for t, _ in merged))
        obj.segments = tuple(merged)
        return obj

    def __add__(self, other: str) -> Phrase:
        return Phrase(self.segments + _segments(other, caller()))

    def __radd__(self, other: str) -> Phrase:
        return Phrase(_segments(other, caller()) + self.segments)

    def __getitem__(self, key):
        if isinstance(key, slice) and key.step in (None, 1):
            return piece(self, *key.indices(len(self))[:2])
        return str.__getitem__(self, key)

    def __reduce__(self):
        return (Phrase, (self.segments,))


def _segments(value: Any, origin: FromCode) -> tuple[tuple[str, Origin], ...]:
    if isinstance(value, Phrase):
        return value.segments
    text = _plain(value)
    return ((text, origin),) if text else ()


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return cn_date(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def data(model: BaseModel, field: str, index: int | str | None = None, *, text: Any = None) -> Phrase:
    """The value of ``model.field`` (or its item ``index``) as printed, from its place in the
    data; ``text`` prints it otherwise (a date in another form, a derived name). A value the
    data leaves out is marked as the field's default."""
    value = getattr(model, field)
    if index is not None:
        value = value[index]
    shown = _plain(value if text is None else text)
    at: Origin | None = where(model, field, index)
    if at is None:
        code = caller()
        at = FromCode(code.file, code.line, default=f"{type(model).__name__}.{field}")
    return Phrase(((shown, at),))


def lit(text: str) -> Phrase:
    """Words of docgen's code."""
    return Phrase(((text, caller()),))


def cat(*parts: Any, sep: str = "") -> Phrase:
    """The parts joined (empty ones dropped); plain strings count as the caller's code."""
    origin = caller()
    out: list[tuple[str, Origin]] = []
    for part in parts:
        segments = _segments(part, origin)
        if not segments:
            continue
        if out and sep:
            out.append((sep, origin))
        out += segments
    return Phrase(out)


def join(parts: Iterable[Any], sep: str = "、") -> Phrase:
    origin = caller()
    out: list[tuple[str, Origin]] = []
    for part in parts:
        segments = _segments(part, origin)
        if segments:
            if out:
                out.append((sep, origin))
            out += segments
    return Phrase(out)


_FORMAT = string.Formatter()


def say(template: str, *args: Any, **values: Any) -> Phrase:
    """``template`` with ``{name}`` fields filled: its own words are the caller's code, each
    value keeps its origin (a plain value counts as the caller's code too)."""
    origin = caller()
    out: list[tuple[str, Origin]] = []
    auto = iter(args)
    for literal, name, _, _ in _FORMAT.parse(template):
        if literal:
            out.append((literal, origin))
        if name is None:
            continue
        value = next(auto) if name == "" else (args[int(name)] if name.isdigit() else values[name])
        out += _segments(value, origin)
    return Phrase(out)


def piece(phrase: str, start: int, end: int) -> str:
    """``phrase[start:end]`` keeping the origins of the characters."""
    if not isinstance(phrase, Phrase):
        return str.__getitem__(phrase, slice(start, end))
    out, at = [], 0
    for text, origin in phrase.segments:
        a, b = max(start, at), min(end, at + len(text))
        if a < b:
            out.append((text[a - at:b - at], origin))
        at += len(text)
    return Phrase(out)


def lines_of(phrase: str, lines: list[str]) -> list[str]:
    """``lines`` (``phrase`` cut into lines, nothing added or dropped) with their origins."""
    if not isinstance(phrase, Phrase) or "".join(lines) != phrase:
        return lines
    out, at = [], 0
    for line in lines:
        out.append(piece(phrase, at, at + len(line)))
        at += len(line)
    return out


def strip_end(phrase: str, chars: str) -> str:
    """``phrase.rstrip(chars)`` keeping origins."""
    return piece(phrase, 0, len(phrase.rstrip(chars)))
