"""Origin markers: a context whose every printed value is wrapped in invisible marks naming
its origin, and the marks read back out of the rendered text.

A segment is written as START, its number in private-use digits, MID, the text, END. Template
text is never marked, so whatever lies outside the marks of a rendered paragraph is the
template's own. Values that only steer a template (``kind``, ``style``, booleans) are left
alone, so that the marked document takes the same branches as the plain one.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from docxtpl import RichText

from ..documents.prose import FromCode, Origin, Phrase

START, MID, END = "\ue000", "\ue001", "\ue002"
_DIGIT0 = 0xE010
CONTROL_KEYS = frozenset({"kind", "style"})
"""Context keys a template compares (``a.kind == "rubric"``): never marked."""
_SEGMENT = re.compile(f"{START}([\ue010-\ue019]+){MID}(.*?){END}", re.S)
_RICH_TEXT = re.compile(r'(<w:t(?: [^>]*)?>)(.*?)(</w:t>)', re.S)


@dataclass
class Marker:
    """Marks the values of one context, numbering the origins it meets."""

    default: FromCode
    """The origin of a plain string: the code that made the context."""
    numbers: bool = True
    """Mark numbers too (a template that puts a number through a filter, cn_num, needs them bare)."""
    origins: list[Origin] = field(default_factory=list)
    _known: dict[str, Phrase] = field(default_factory=dict)

    def _id(self, origin: Origin) -> str:
        self.origins.append(origin)
        n = len(self.origins) - 1
        return "".join(chr(_DIGIT0 + int(d)) for d in str(n))

    def text(self, value: str) -> str:
        if not value:
            return value
        segments = value.segments if isinstance(value, Phrase) else ((value, self.default),)
        return "".join(f"{START}{self._id(origin)}{MID}{text}{END}" for text, origin in segments)

    def rich(self, value: RichText) -> RichText:
        """A RichText with its runs marked: as the phrase it was made from, when the context
        holds one with the same text, else as the code's."""
        runs = [(m.start(2), m.end(2), html.unescape(m.group(2))) for m in _RICH_TEXT.finditer(value.xml)]
        whole = "".join(t for _, _, t in runs).replace("\n", "")
        source = self._known.get(whole)
        out, at, offset = [], 0, 0
        for start, end, text in runs:
            plain = text.replace("\n", "")
            if source is not None and plain:
                piece = Phrase(_slice(source, offset, offset + len(plain)))
                marked = self._lines(piece, text)
            else:
                marked = self.text(text)
            offset += len(plain)
            out.append(value.xml[at:start] + html.escape(marked, quote=False))
            at = end
        copy = RichText()
        copy.xml = "".join(out) + value.xml[at:]
        return copy

    def _lines(self, phrase: Phrase, text: str) -> str:
        """``phrase`` marked, with the line breaks of ``text`` put back between its segments' marks."""
        breaks = [k - n for n, k in enumerate(k for k, ch in enumerate(text) if ch == "\n")]
        out, at = [], 0
        for seg_text, origin in phrase.segments:
            chars = []
            for ch in seg_text:
                while breaks and breaks[0] == at:
                    chars.append("\n")
                    breaks.pop(0)
                chars.append(ch)
                at += 1
            out.append(f"{START}{self._id(origin)}{MID}{''.join(chars)}{END}")
        return "".join(out) + "\n" * len(breaks)

    def collect(self, value: Any) -> None:
        if isinstance(value, Phrase):
            self._known.setdefault(str(value), value)
            for text, origin in value.segments:  # a name printed alone elsewhere (a signature)
                self._known.setdefault(text, Phrase(((text, origin),)))
        elif isinstance(value, dict):
            for v in value.values():
                self.collect(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.collect(v)

    def mark(self, value: Any, key: str = "") -> Any:
        if key in CONTROL_KEYS or isinstance(value, bool) or value is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (int, float)):
            return self.text(str(value)) if self.numbers else value
        if isinstance(value, RichText):
            return self.rich(value)
        if isinstance(value, dict):
            return {k: self.mark(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mark(v, key) for v in value]
        return value


def _slice(phrase: Phrase, start: int, end: int) -> list[tuple[str, Origin]]:
    out, at = [], 0
    for text, origin in phrase.segments:
        a, b = max(start, at), min(end, at + len(text))
        if a < b:
            out.append((text[a - at:b - at], origin))
        at += len(text)
    return out


def marked(context: dict, default: FromCode, numbers: bool = True) -> tuple[dict, list[Origin]]:
    """``context`` with every printed value marked, and the origins the marks number."""
    marker = Marker(default, numbers)
    marker.collect(context)
    return marker.mark(context), marker.origins


def read(text: str, origins: list[Origin]) -> list[tuple[str, Origin | None]]:
    """A rendered paragraph's text cut into (text, origin) runs; None: the template's text."""
    out: list[tuple[str, Origin | None]] = []
    at = 0
    for m in _SEGMENT.finditer(text):
        if m.start() > at:
            out.append((text[at:m.start()], None))
        n = int("".join(str(ord(c) - _DIGIT0) for c in m.group(1)))
        out.append((m.group(2), origins[n]))
        at = m.end()
    if at < len(text):
        out.append((text[at:], None))
    return [(t, o) for t, o in out if t]


MARKS = re.compile("[\ue000-\ue002\ue010-\ue019]")
"""Every character a mark is made of."""


def unmarked(text: str) -> str:
    """The text without any mark character (also a paragraph's text cut anywhere): what the
    layout passes measure, so that the marked document is laid out as the plain one."""
    return MARKS.sub("", text)


def strip(text: str) -> str:
    """The text as the plain document prints it."""
    return _SEGMENT.sub(lambda m: m.group(2), text)
