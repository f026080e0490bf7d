"""How titles and marks are set: line breaks of titles, the size of the red issuer mark,
and pictures a context may carry."""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from docxtpl import RichText

from .. import geometry
from ..text import display_width, glued_words
from .prose import lines_of

OPENING = "《“‘（(〔【"
CLOSING = "》”’）)〕】，。、；：！？"
_KEEP_TOGETHER = re.compile(r"“[^”]*”|《[^》]*》|\d{4}—\d{4}学年|\d+年度?|\d+")
_LATIN = re.compile(r"[!-~]+")


def _units(text: str, keep: tuple[str, ...], limit: float) -> list[str]:
    """``text`` in pieces a title may break between: names to keep, quoted and 《》 spans and
    years when they fit a line, and otherwise words (jieba); punctuation stays with its word."""
    spans: list[tuple[int, int]] = []
    for name in sorted(keep, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if display_width(name) <= limit and not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
    for m in _KEEP_TOGETHER.finditer(text):
        if display_width(m.group()) <= limit and not any(a < m.end() and m.start() < b for a, b in spans):
            spans.append((m.start(), m.end()))
    pieces, at = [], 0
    for a, b in sorted(spans):
        pieces += glued_words(text[at:a])
        pieces.append(text[a:b])
        at = b
    pieces += glued_words(text[at:])
    units: list[str] = []
    glue = False  # Latin letters and ASCII signs hold on to the words either side of them
    for piece in pieces:
        latin = _LATIN.fullmatch(piece) is not None and not piece.isdigit()
        if units and (piece[0] in CLOSING or units[-1][-1] in OPENING or latin or glue):
            units[-1] += piece
        else:
            units.append(piece)
        glue = latin
    return units


_ASCII_EM = (
    0.333, 0.278, 0.5, 0.833, 0.5, 0.833, 0.781, 0.278, 0.389, 0.389, 0.5, 0.778, 0.278, 0.333, 0.278, 0.5,
    0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.278, 0.278, 0.778, 0.778, 0.778, 0.472,
    0.778, 0.739, 0.703, 0.722, 0.758, 0.675, 0.647, 0.782, 0.739, 0.35, 0.508, 0.767, 0.619, 0.906, 0.739, 0.778,
    0.675, 0.778, 0.731, 0.556, 0.722, 0.739, 0.739, 1.017, 0.739, 0.739, 0.611, 0.278, 0.5, 0.278, 0.611, 0.778,
    0.5, 0.489, 0.561, 0.444, 0.561, 0.444, 0.306, 0.5, 0.561, 0.283, 0.311, 0.533, 0.283, 0.839, 0.561, 0.5,
    0.561, 0.533, 0.392, 0.394, 0.389, 0.561, 0.533, 0.728, 0.533, 0.533, 0.446, 0.5, 0.278, 0.5, 0.611)
"""Advance widths (ems) of the printable ASCII characters in the converter's 仿宋 (FandolFang)."""


@functools.cache
def _em(ch: str) -> float:
    """The width of a character in ems as the converter's 仿宋 sets it: Chinese characters and
    Chinese punctuation (“” and — included) a full em, ASCII as the face sets it."""
    if " " <= ch <= "~":
        return _ASCII_EM[ord(ch) - 32]
    if unicodedata.east_asian_width(ch) in "WFA":
        return 1.0
    return 0.6


def em_width(text: str) -> float:
    """The width of ``text`` in ems of the converter's 仿宋 (see ``_em``)."""
    return sum(map(_em, text))


def split_title(text: str, limit: float = 18, keep: tuple[str, ...] = (),
                width: Callable[[str], float] = display_width) -> list[str]:
    """A long title in balanced lines, broken only between words, never inside a name of
    ``keep`` or a quoted phrase (GB/T 9704 7.3.1: 回行时词意完整，排列对称，长短适宜，梯形或菱形).
    ``width`` measures text in characters (a signer's name is measured glyph by glyph).

    18 rather than the nominal 20 characters a line: the bold title face sets digits wider
    than half a character, so a 20-character title with a year in it does not fit."""
    total = width(text)
    if total <= limit:
        return [text]
    units = _units(str(text), keep, limit)
    widths = [width(u) for u in units]
    for lines in range(math.ceil(total / limit), len(units) + 1):
        best = _balanced(widths, lines, limit)
        if best is not None:
            cuts = [0, *best, len(units)]
            return lines_of(text, ["".join(units[a:b]) for a, b in pairwise(cuts)])
    return [text]


def _balanced(widths: list[float], lines: int, limit: float) -> list[int] | None:
    """Where to cut ``widths`` into ``lines`` lines of at most ``limit``, as even as possible
    (a slight preference for lines that grow downwards, the 正梯形), or None."""
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    mean = prefix[-1] / lines

    @functools.cache
    def best(start: int, left: int) -> tuple[float, tuple[int, ...]] | None:
        if left == 1:
            rest = prefix[n] - prefix[start]
            return ((rest - mean) ** 2, ()) if 0 < rest <= limit else None
        found = None
        for end in range(start + 1, n - left + 2):
            line = prefix[end] - prefix[start]
            if line > limit:
                break
            tail = best(end, left - 1)
            if tail is None:
                continue
            following = prefix[(tail[1] + (n,))[0]] - prefix[end]
            cost = (line - mean) ** 2 + tail[0] + (0.1 if line > following else 0.0)
            if found is None or cost < found[0]:
                found = (cost, (end, *tail[1]))
        return found

    result = best(0, lines)
    return list(result[1]) if result else None


def issuer_mark(text: str) -> RichText:
    """The red 发文机关标志, shrunk to fit the type width (小初 at most)."""
    width_pt = geometry.TEXT_W / 20
    size_pt = min(36, int(width_pt / max(display_width(text), 1)))
    return RichText(text, size=size_pt * 2)


KAI = "eastAsia:楷体_GB2312"
"""The face of second-level headings (GB/T 9704 7.3.3: （一） in 楷体)."""


@dataclass(frozen=True)
class Picture:
    """A PNG for a template; the renderer embeds it as an image of the document. ``draw``
    makes it only then: a context is also built where only a document's title and gaps are
    wanted (the bundle's planning), where drawing a chart would be wasted."""

    draw: Callable[[], bytes | None]
    width_mm: float = 150
