"""``docgen seal prepare``: a seal scanned on paper becomes the transparent PNG a bundle stamps.

The scans are made here the way a clerk's come: a seal (the sample seal the project draws, with
its characters) pressed on slightly grey, grainy paper with dust specks and uneven light,
turned a few degrees, saved as JPEG; and pictures that are no seal."""
from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from docgen.load.images import seal_problem
from tests.helpers import DATA, run

SAMPLE = sorted(DATA.glob("*/seals/*.png"))[0]


def paper(size: int, seed: int = 7, tint=(236, 234, 229)) -> np.ndarray:
    """Office paper as a scanner sees it: off-white, grainy, lit unevenly, with dust (a sheet
    of its own, for the caller to draw on)."""
    return _paper(size, seed, tint).copy()


@functools.cache  # the same sheet for several tests: made once (a tenth of a second each)
def _paper(size: int, seed: int, tint: tuple[int, int, int]) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.ones((size, size, 3), np.float32) * np.array(tint, np.float32)
    base += rng.normal(0, 5, (size, size, 1))                 # grain (grey)
    base += rng.normal(0, 2, (size, size, 3))                 # sensor noise per channel
    base += np.linspace(-8, 6, size, dtype=np.float32)[None, :, None]  # uneven light
    for _ in range(40):                                       # dust specks
        y, x = rng.integers(0, size, 2)
        base[y:y + 2, x:x + 2] -= 70
    return base


def stamped(seal: Image.Image, size: int = 900, at: int = 150, angle: float = 4.0, seed: int = 7) -> Image.Image:
    """The seal pressed on paper: the ink multiplies the paper's colour, unevenly."""
    scale = 600 / seal.width
    ink = seal.resize((600, 600)) if scale != 1 else seal
    sheet = paper(size, seed)
    rgba = np.asarray(ink, np.float32) / 255
    rng = np.random.default_rng(seed + 1)
    pressure = np.clip(rng.normal(0.9, 0.12, (600, 600)), 0.45, 1.0)  # the seal pressed unevenly
    alpha = rgba[..., 3] * pressure
    region = sheet[at:at + 600, at:at + 600]
    colour = np.array([196, 36, 44], np.float32) / 255  # the red of a seal's ink pad
    region[:] = region * (1 - alpha[..., None]) + region * colour * alpha[..., None]
    img = Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8), "RGB")
    return img.rotate(angle, resample=Image.BICUBIC, fillcolor=(234, 232, 227))


def jpeg(img: Image.Image, path: Path, quality: int = 72) -> Path:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def scan(tmp_path) -> Path:
    with Image.open(SAMPLE) as seal:
        return jpeg(stamped(seal.convert("RGBA")), tmp_path / "县教育局公章.jpg")


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_a_scanned_seal_becomes_a_transparent_square_png_that_bundles_accept(scan, tmp_path):
    out = tmp_path / "seals" / "县教育局公章.png"
    result = run("seal", "prepare", scan, "-o", out)
    assert result.returncode == 0, result.stderr
    assert seal_problem(out, "公章图片", out.name) == ""  # what load checks before a bundle stamps it
    preview = out.with_name("县教育局公章_预览.png")
    assert str(preview.name) in result.stdout and preview.exists()
    with Image.open(out) as img:
        assert img.mode == "RGBA" and img.width == img.height
        a = np.asarray(img, np.float32)
    alpha = a[..., 3]
    side = alpha.shape[0]
    yy, xx = np.mgrid[:side, :side]
    r = np.hypot(yy - side / 2, xx - side / 2) / (side / 2)
    # the paper is gone: outside the ring everything is transparent (no grain, no dust)
    assert (alpha[r > 1.02] < 16).mean() > 0.995
    # the ring is kept whole and opaque, and fills the square (cropped to the seal)
    ring = (r > 0.91) & (r < 0.95)  # the ring's stroke, with the prepared seal's 2 % margin
    assert (alpha[ring] > 128).mean() > 0.9
    # inside the ring, between the characters, the paper is transparent too
    assert (alpha[(r > 0.3) & (r < 0.85)] < 16).mean() > 0.5
    opaque = a[alpha > 200]
    assert opaque[:, 0].mean() > 150 and opaque[:, 1].mean() < 90 and opaque[:, 2].mean() < 90  # red ink


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_the_prepared_seal_matches_the_drawn_one(tmp_path):
    """Unturned, the recovered ink is the seal that was pressed: its shape, character by character."""
    with Image.open(SAMPLE) as seal:
        drawn = seal.convert("RGBA")
        path = jpeg(stamped(drawn, angle=0), tmp_path / "scan.jpg")
    out = tmp_path / "seal.png"
    assert run("seal", "prepare", path, "-o", out).returncode == 0
    with Image.open(out) as img:
        got = np.asarray(img.getchannel("A").resize((300, 300))) > 100
    box = drawn.getchannel("A").getbbox()
    want = np.asarray(drawn.getchannel("A").crop(box).resize((300, 300))) > 100
    # the prepared seal has a small margin around the ink: compare the inner 96 %
    margin = 300 * 0.02
    pad = int(round(margin))
    inner = np.asarray(Image.fromarray(want.astype(np.uint8) * 255).resize((300 - 2 * pad, 300 - 2 * pad))) > 100
    want_padded = np.zeros_like(got)
    want_padded[pad:300 - pad, pad:300 - pad] = inner
    union = (got | want_padded).sum()
    assert (got & want_padded).sum() / union > 0.8


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_a_scan_cropped_to_the_seals_ring_is_prepared(tmp_path, suffix):
    """Review 2026-12: the seal on white, cropped to its ring (the ring on the image's edges),
    was refused as 看起来是一张白纸 (JPEG) or 没有找到清楚的红色印迹 (PNG): the ring at the
    edges was taken for the paper's grain."""
    with Image.open(SAMPLE) as seal:
        drawn = seal.convert("RGBA")
    box = drawn.getchannel("A").getbbox()
    tight = drawn.crop(box)
    white = Image.new("RGB", tight.size, "white")
    white.paste(tight, mask=tight.getchannel("A"))
    path = tmp_path / f"scan{suffix}"
    white.save(path, quality=92) if suffix == ".jpg" else white.save(path)
    out = tmp_path / "seal.png"
    result = run("seal", "prepare", path, "-o", out)
    assert result.returncode == 0, result.stderr
    with Image.open(out) as img:
        got = np.asarray(img.getchannel("A").resize((300, 300))) > 100
    pad = 6  # the prepared seal's margin around the ink (2 % a side), as above
    inner = np.asarray(tight.getchannel("A").resize((300 - 2 * pad, 300 - 2 * pad))) > 100
    want = np.zeros_like(got)
    want[pad:300 - pad, pad:300 - pad] = inner
    assert (got & want).sum() / (got | want).sum() > 0.8  # the whole ring and its characters


@pytest.mark.parametrize("kind", ["text", "blank", "photo", "blue"])
def test_a_picture_that_is_not_a_red_seal_is_refused_in_chinese(tmp_path, kind):
    img = Image.fromarray(np.clip(paper(700), 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    if kind == "text":  # a page of black print with a signature
        for y in range(60, 640, 34):
            for x in range(50, 640, 22):
                draw.rectangle((x, y, x + 15, y + 18), fill=(25, 25, 25))
    elif kind == "photo":  # a colourful photograph
        # red across, green down, blue at random (whole arrays: a loop over its pixels takes a
        # quarter of a second)
        across = np.broadcast_to(np.arange(700) * 255 // 700, (700, 700))
        pixels = np.stack([across, across.T, np.random.default_rng(3).integers(0, 256, (700, 700))], axis=-1)
        img = Image.fromarray(pixels.astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(3))
    elif kind == "blue":  # a blue received-stamp
        draw.ellipse((150, 150, 550, 550), outline=(40, 60, 190), width=22)
    path = jpeg(img, tmp_path / f"{kind}.jpg")
    out = tmp_path / "seal.png"
    result = run("seal", "prepare", path, "-o", out)
    assert result.returncode == 2 and "不能做成公章图片" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
    reason = {"text": "不是红色", "blank": "白纸", "photo": "背景不是白纸", "blue": "不是红色"}[kind]
    assert reason in result.stderr, result.stderr


@pytest.mark.slow  # large images: seconds
def test_a_seal_on_a_white_png_with_an_alpha_channel_and_a_red_ink_scan_next_to_text(tmp_path):
    """A PNG saved from 画图 (opaque white), and a scan whose corner holds a few words of print."""
    with Image.open(SAMPLE) as seal:
        img = stamped(seal.convert("RGBA"), angle=-3, seed=11)
    ImageDraw.Draw(img).rectangle((20, 20, 120, 34), fill=(30, 30, 30))  # a line of print in the corner
    path = tmp_path / "公章.png"
    img.convert("RGBA").save(path)
    out = tmp_path / "seals" / "公章_透明.png"
    result = run("seal", "prepare", path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert seal_problem(out, "公章图片", out.name) == ""
    with Image.open(out) as prepared:
        assert prepared.width == prepared.height and prepared.width > 500  # cropped to the seal, not the print


def test_validate_names_the_command_for_a_jpg_or_opaque_seal(tmp_path, example_copy):
    root = example_copy("gaotai-2020")
    seal = next((root / "seals").glob("*.png"))
    with Image.open(seal) as img:
        jpeg(stamped(img.convert("RGBA")), seal.with_suffix(".jpg"))
        opaque = Image.new("RGB", img.size, (255, 255, 255))
        opaque.paste(img, mask=img.getchannel("A"))
        opaque.save(seal)
    result = run("validate", root)
    assert result.returncode == 2 and "docgen seal prepare" in result.stderr, result.stderr
