"""The sample seals under data/ are what scripts/make_sample_seals.py draws, and are marked as samples."""
from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.helpers import DATA, ROOT


@pytest.mark.slow  # draws every sample seal: seconds
def test_committed_sample_seals_are_what_the_script_draws(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_seals.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for committed in sorted(DATA.glob("*/seals/*.png")):
        drawn = tmp_path / committed.relative_to(DATA)
        with Image.open(committed) as a, Image.open(drawn) as b:
            assert a.size == b.size and a.mode == b.mode == "RGBA"
            # the same drawing; font rasterisers may differ by a few anti-aliased pixels
            diff = ImageStat.Stat(ImageChops.difference(a, b)).mean
            assert max(diff) < 2.0, (committed, diff)


def test_sample_seals_are_transparent_and_red():
    for path in DATA.glob("*/seals/*.png"):
        with Image.open(path) as img:
            alpha = img.getchannel("A")
            assert alpha.getextrema()[0] == 0  # a transparent background
            r, g, b, a = img.getpixel((img.width // 2, int(img.height * 0.45)))  # the star
            assert a > 200 and r > 180 and g < 80 and b < 80
