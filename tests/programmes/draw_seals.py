"""Draws the stress programme's seal images: one different picture per party, so that a
test can tell whose seal landed where (the ring carries 1 to 13 marks, no words).

Run: .venv/bin/python tests/programmes/draw_seals.py
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

FOLDER = Path(__file__).parent / "stress" / "seals"
RED = (210, 25, 35, 230)
SIZE = 300
NAMES = [f"school-{k}" for k in range(8)] + [
    "bureau-city", "bureau-dongling", "bureau-xichuan", "bureau-nanhu", "bureau-beishan", "bureau-zhonghe"]


def seal(marks: int) -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((6, 6, SIZE - 6, SIZE - 6), outline=RED, width=10)
    c, r = SIZE / 2, SIZE * 0.33
    for k in range(marks):
        a = -math.pi / 2 + 2 * math.pi * k / marks
        x, y = c + r * math.cos(a), c + r * math.sin(a)
        draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=RED)
    draw.regular_polygon((c, c, SIZE * 0.12), 5, fill=RED)
    return img


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(NAMES, 1):
        seal(k).save(FOLDER / f"{name}.png", optimize=True)


if __name__ == "__main__":
    main()
