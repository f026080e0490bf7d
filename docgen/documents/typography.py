"""How titles and marks are set: line breaks of titles, the size of the red issuer mark,
and pictures a context may carry."""
from __future__ import annotations

import math
from dataclasses import dataclass

from docxtpl import RichText

from .. import geometry
from ..text import display_width


def split_title(text: str, limit: int = 18) -> list[str]:
    """Break a long title into balanced lines at natural points (GB/T 9704 7.3.1).

    18 rather than the nominal 20 characters a line: the bold title face sets digits wider
    than half a character, so a 20-character title with a year in it does not fit.
    """
    if display_width(text) <= limit:
        return [text]
    n = math.ceil(display_width(text) / limit)
    target = len(text) / n
    breaks = {i for i, ch in enumerate(text) if ch == "《" or (i and text[i - 1] in "》，、")}
    breaks |= {i for i in range(len(text)) if text.startswith(("的通知", "的实施方案", "结对帮扶", "工作总结", "协议书"), i)}
    lines, start = [], 0
    for _ in range(n - 1):
        ideal = start + target
        candidates = [i for i in breaks if start + 4 <= i <= len(text) - 4 and display_width(text[start:i]) <= limit]
        cut = min(candidates, key=lambda i: abs(i - ideal)) if candidates else int(ideal)
        if abs(cut - ideal) > target / 2:
            cut = int(round(ideal))
        lines.append(text[start:cut])
        start = cut
    lines.append(text[start:])
    return [line for line in lines if line]


def issuer_mark(text: str) -> RichText:
    """The red 发文机关标志, shrunk to fit the type width (小初 at most)."""
    width_pt = geometry.TEXT_W / 20
    size_pt = min(36, int(width_pt / max(display_width(text), 1)))
    return RichText(text, size=size_pt * 2)


@dataclass(frozen=True)
class Picture:
    """A PNG for a template; the renderer embeds it as an image of the document."""

    png: bytes
    width_mm: float = 150
