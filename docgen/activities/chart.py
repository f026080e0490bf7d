"""The summary's chart: activities per month, stacked by type (a PNG drawn with Pillow).

A plain stacked bar chart: a title, an integer axis of counts, one bar per month in the
year, a legend of the types that occur. Pillow draws it in a few milliseconds in the
process that renders the summary; matplotlib took a fifth of a second a chart and about
60 MB more of that process's memory for the same picture.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import subprocess
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ..load.model.common import ACTIVITY_NAMES, Activity
from .counting import YearCounts

COLOURS = ["#c0392b", "#2471a3", "#229954", "#d68910", "#7d3c98", "#17a589", "#6e2c00", "#5d6d7e",
           "#f4d03f", "#e84393", "#7cb342"]
"""One a type, in the order of ``Activity`` (a type has the same colour in every summary): a
year with all eleven types still tells them apart (no two closer than 50 in RGB)."""
_COLOUR_OF = dict(zip(Activity, COLOURS, strict=True))


def colour_of(kind: Activity) -> str:
    return _COLOUR_OF[kind]


DPI = 150
"""Pixels per inch of the PNG (the template sets its printed width)."""
WIDTH, HEIGHT = 1080, 510
"""7.2 by 3.4 inches at ``DPI``."""
INK = "#000000"
LEGEND_COLUMNS = 4
BAR_WIDTH = 0.7
"""Of a month's slot."""
HEADROOM = 1.05
"""The axis goes 5 % above the highest bar, so that the bar does not touch the frame."""


@dataclass(frozen=True)
class _Box:
    """The plot area, in pixels."""

    left: int
    top: int
    right: int
    bottom: int


@lru_cache(maxsize=1)
def _cjk_font_file() -> tuple[str, int] | None:
    """A font with Chinese glyphs (file and face index), as fontconfig finds it; None: none."""
    for family in ("FandolHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}|%{index}", family], capture_output=True,
                                   text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        path, _, index = found.partition("|")
        if path and family.split()[0].lower() in path.lower().replace("-", " ").replace("_", " "):
            return path, int(index or 0)
    return None


@lru_cache(maxsize=8)
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = _cjk_font_file()
    if found is None:
        return ImageFont.load_default(pixels)
    path, index = found
    return ImageFont.truetype(path, pixels, index=index)


def _points(size: float) -> int:
    """A font size in points, in pixels of this picture."""
    return round(size * DPI / 72)


def _step(highest: float) -> int:
    """The step of the count axis: 1, 2 or 5 times a power of ten, for at most eight steps."""
    power = 10 ** max(0, math.floor(math.log10(max(highest, 1))) - 1)
    for multiple in (1, 2, 5, 10, 20, 50):
        if highest / (multiple * power) <= 8:
            return multiple * power
    return 100 * power


def activities_by_month(counts: YearCounts) -> bytes | None:
    """A PNG of the year's activities per month, stacked by type; None without records."""
    if not counts.records:
        return None
    months = []
    day = counts.year.start.replace(day=1)
    while day <= counts.year.end:
        months.append(day.strftime("%Y-%m"))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    per_month = counts.by_month()
    bars = tuple((kind, tuple(per_month.get(m, Counter()).get(kind, 0) for m in months)) for kind in Activity
                 if any(per_month.get(m, Counter()).get(kind) for m in months))
    return _drawn(counts.year.label, tuple(months), bars)


@lru_cache(maxsize=64)
def _drawn(label: str, months: tuple[str, ...], bars: tuple[tuple[Activity, tuple[int, ...]], ...]) -> bytes:
    """The chart of these bars, drawn once for the same figures (a pairing's documents made
    again after an edit that left its records alone, or pairings with the same counts)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    title, ticks, legend = _font(_points(11)), _font(_points(9)), _font(_points(8))
    draw.text((WIDTH // 2, 18), f"{label}各月帮扶活动（按类型）", font=title, fill=INK, anchor="mt")

    rows = math.ceil(len(bars) / LEGEND_COLUMNS)
    box = _Box(left=110, top=58, right=WIDTH - 24, bottom=HEIGHT - 70 - 32 * rows)
    totals = [sum(values[m] for _, values in bars) for m in range(len(months))]
    step = _step(max(totals, default=0) * HEADROOM)
    top = max(max(totals, default=0) * HEADROOM, step)
    height = box.bottom - box.top

    def y(count: float) -> int:
        return round(box.bottom - count * height / top)

    slot = (box.right - box.left) / max(len(months), 1)
    for m, month in enumerate(months):
        middle = box.left + slot * (m + 0.5)
        base = 0
        for kind, values in bars:
            if values[m]:
                draw.rectangle((round(middle - slot * BAR_WIDTH / 2), y(base + values[m]),
                                round(middle + slot * BAR_WIDTH / 2) - 1, y(base) - 1), fill=colour_of(kind))
            base += values[m]
        draw.line((round(middle), box.bottom, round(middle), box.bottom + 6), fill=INK, width=2)
        draw.text((round(middle), box.bottom + 10), f"{int(month[5:])}月", font=ticks, fill=INK, anchor="mt")
    for count in range(0, math.floor(top) + 1, step):
        draw.line((box.left - 6, y(count), box.left, y(count)), fill=INK, width=2)
        draw.text((box.left - 12, y(count)), str(count), font=ticks, fill=INK, anchor="rm")
    draw.line((box.left, box.top, box.left, box.bottom), fill=INK, width=2)
    draw.line((box.left, box.bottom, box.right, box.bottom), fill=INK, width=2)
    _axis_label(image, "活动次数", _font(_points(10)), centre=(48, (box.top + box.bottom) // 2))

    column = max((draw.textlength(ACTIVITY_NAMES[kind], font=legend) for kind, _ in bars), default=0) + 80
    left = (WIDTH - column * min(len(bars), LEGEND_COLUMNS)) / 2
    for k, (kind, _) in enumerate(bars):
        x = round(left + column * (k % LEGEND_COLUMNS))
        middle = box.bottom + 68 + 32 * (k // LEGEND_COLUMNS)
        draw.rectangle((x, middle - 8, x + 44, middle + 8), fill=colour_of(kind))
        draw.text((x + 56, middle), ACTIVITY_NAMES[kind], font=legend, fill=INK, anchor="lm")

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def _axis_label(image: Image.Image, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
                centre: tuple[int, int]) -> None:
    """``text`` read from bottom to top, centred at ``centre``."""
    left, top, right, bottom = (round(edge) for edge in font.getbbox(text))
    strip = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(strip).text((2 - left, 2 - top), text, font=font, fill=255)
    upright = strip.rotate(90, expand=True)
    ink = Image.new("RGB", upright.size, INK)
    image.paste(ink, (centre[0] - upright.width // 2, centre[1] - upright.height // 2), upright)
