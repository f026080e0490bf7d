"""The summary's chart, read back from its pixels: one bar a month, stacked by type, heights
in proportion to the counts, a swatch in the legend for each type shown."""
from __future__ import annotations

import io
import itertools
import math

from PIL import Image

from docgen.activities.chart import COLOURS, DPI, _drawn, _step, colour_of
from docgen.load.model.common import Activity


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _bars(image: Image.Image, colour: str, above: int) -> list[tuple[int, int]]:
    """(middle x, height in pixels) of each run of columns holding ``colour`` above row ``above``."""
    pixels = image.load()
    wanted = _rgb(colour)
    heights = [sum(pixels[x, y] == wanted for y in range(above)) for x in range(image.width)]
    runs, start = [], None
    for x, h in enumerate([*heights, 0]):
        if h and start is None:
            start = x
        elif not h and start is not None:
            runs.append(((start + x - 1) // 2, max(heights[start:x])))
            start = None
    return runs


def _axis_row(image: Image.Image) -> int:
    """The x axis: the row with the most black pixels."""
    pixels = image.load()
    return max(range(image.height), key=lambda y: sum(pixels[x, y] == (0, 0, 0) for x in range(image.width)))


def test_bars_stack_by_type_in_proportion_to_the_counts():
    months = ("2020-01", "2020-02", "2020-03", "2020-04")
    bars = ((Activity.lesson_delivery, (2, 4, 0, 1)), (Activity.donation, (0, 1, 0, 0)))
    png = Image.open(io.BytesIO(_drawn("2020年度", months, bars)))
    assert png.size == (1080, 510) and round(png.info["dpi"][0]) == DPI
    image = png.convert("RGB")

    axis = _axis_row(image)
    first = _bars(image, colour_of(Activity.lesson_delivery), axis)
    second = _bars(image, colour_of(Activity.donation), axis)
    assert len(first) == 3 and len(second) == 1  # nothing drawn for March
    (x1, h1), (x2, h2), (x4, h4) = first
    assert x1 < x2 < x4 and (x4 - x2) > 1.5 * (x2 - x1)  # April is two slots after February
    unit = h1 / 2
    assert abs(h2 - 4 * unit) <= 2 and abs(h4 - unit) <= 2
    assert abs(second[0][0] - x2) <= 1 and abs(second[0][1] - unit) <= 2  # on top of February's lessons

    below = image.crop((0, axis + 1, image.width, image.height))
    for kind in (Activity.lesson_delivery, Activity.donation):  # each type shown has its swatch in the legend
        assert _bars(below, colour_of(kind), below.height)
    assert not _bars(below, colour_of(Activity.observation_visit), below.height)  # a type not shown has none


def test_the_count_axis_has_few_round_steps():
    assert [_step(n) for n in (0, 1, 6, 8, 11.5, 17, 40, 143.8, 1200)] == [1, 1, 1, 1, 2, 5, 5, 20, 200]


def test_eleven_types_have_eleven_colours_told_apart():
    assert len({colour_of(kind) for kind in Activity}) == len(Activity)
    closest = min(math.dist(_rgb(a), _rgb(b)) for a, b in itertools.combinations(COLOURS, 2))
    assert closest >= 50
