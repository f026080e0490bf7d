"""Draws the sample seal images under data/*/seals/ (clearly marked 样章 / SAMPLE).

They stand in for the scans of real seals a school or bureau would supply: a red ring,
a star, the words 示例样章 and SAMPLE, transparent background, no organisation's name.
Run: .venv/bin/python scripts/make_sample_seals.py
"""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
RED = (220, 20, 30, 235)
SIZE = 600  # pixels for a 42 mm seal: about 360 dpi


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC:bold"], capture_output=True, text=True).stdout
    if not path:
        sys.exit("需要 fonts-noto-cjk 字体来绘制示例印章")
    return ImageFont.truetype(path, size)


def star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.38
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def arc_text(img: Image.Image, text: str, font, radius: float, span_deg: float) -> None:
    c = SIZE / 2
    step = span_deg / max(len(text) - 1, 1)
    for i, ch in enumerate(text):
        angle = -90 - span_deg / 2 + i * step
        glyph = Image.new("RGBA", (font.size * 2, font.size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font.size, font.size), ch, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
        x = c + radius * math.cos(math.radians(angle)) - glyph.width / 2
        y = c + radius * math.sin(math.radians(angle)) - glyph.height / 2
        img.alpha_composite(glyph, (int(round(x)), int(round(y))))


def seal(top: str) -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((12, 12, SIZE - 12, SIZE - 12), outline=RED, width=18)
    star(draw, SIZE / 2, SIZE / 2, SIZE * 0.16)
    arc_text(img, top, cjk_font(78), SIZE * 0.355, 220)
    draw.text((SIZE / 2, SIZE * 0.72), "样章", font=cjk_font(64), fill=RED, anchor="mm")
    draw.text((SIZE / 2, SIZE * 0.83), "SAMPLE", font=cjk_font(40), fill=RED, anchor="mm")
    return img


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Draw the sample seals.")
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="data folder (default: data/)")
    args = parser.parse_args()
    for folder, names in {name: ["school", "bureau"] for name in ("yichun-2022", "gaotai-2020", "hongsibu-2023",
                                                               "sichuan-2025", "changsha-huaihua-2015")}.items():
        out = args.out / folder / "seals"
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            text = "示例学校专用样章" if name == "school" else "示例教育行政部门样章"
            seal(text).save(out / f"sample-{name}.png", optimize=True)
            print(out / f"sample-{name}.png")


if __name__ == "__main__":
    main()
