"""``docgen seal prepare``: a seal scanned on white paper (JPG, PNG) -> the transparent PNG a
bundle stamps.

A clerk has a scan or a phone photo of the seal pressed on paper, not a transparent image.
Here the paper is measured at the edges of the picture (white, greyish or yellowish, with its
grain and the scanner's noise), and each pixel is kept by how much *red* ink it holds, not by
how dark it is: red ink takes green and blue out of the paper's colour and leaves its red,
while black text, a signature in blue or a grey smudge takes all three (or the red) and is
dropped. The ink keeps its own shade of red with the strength of each pixel as its opacity, so
faint strokes stay faint and the paper's texture disappears; the seal is cropped to its ink,
centred and squared. A picture that is not mostly red ink on light paper is refused, with the
reason, rather than turned into a seal that is not one.

Seals are not prepared on the fly from a ``seal:`` that names a scan: what is stamped on an
official document should be a file the clerk has looked at (the preview), and the bundle's
manifest records the image used, which must be the file the data names.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError, display_path
from .images import MAX_PIXELS, MIN_PIXELS

if TYPE_CHECKING:
    from PIL.Image import Image

OUTPUT_MAX = 1000
"""Pixels of the prepared seal's side at most: 600 dpi for a 42 mm seal, more than a print needs."""
RED_SHARE = 0.6
"""Of the marks on the paper, at least this share must be red ink."""
MIN_MARKS = 0.002
"""Of the picture, at least this share must be marked (else it is blank paper)."""


@dataclass
class PreparedSeal:
    """A prepared seal: the transparent image, a preview, and what was measured."""

    image: Image
    """The RGBA image, square, cropped to the seal."""
    preview: Image
    """An RGB PIL image: the scan, the seal on a checkerboard, and the seal stamped over text."""
    red_share: float
    ink: tuple[int, int, int]


def _refuse(path: Path, why: str) -> UsageError:
    return UsageError(f"{display_path(path)} 不能做成公章图片：{why}")


def _open(path: Path):
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as opened:
            opened.load()
            if max(opened.size) > MAX_PIXELS * 2:
                opened.thumbnail((MAX_PIXELS * 2, MAX_PIXELS * 2))
            img = ImageOps.exif_transpose(opened)  # a phone photo taken sideways
            if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
                rgba = img.convert("RGBA")
                white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                return Image.alpha_composite(white, rgba).convert("RGB")
            return img.convert("RGB")
    except FileNotFoundError:
        raise UsageError(f"找不到文件 {display_path(path)}") from None
    except Image.DecompressionBombError:
        raise _refuse(path, "图片尺寸过大，请缩小后再试") from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse(path, "不是图片文件，或文件不完整（JPG、PNG、BMP、TIFF 都可以）") from None


def prepare(path: Path) -> PreparedSeal:
    """The transparent seal in the scan at ``path``; ``UsageError`` (in Chinese) if there is none."""
    import numpy as np
    from PIL import Image, ImageFilter

    path = Path(path)
    rgb = _open(path)
    if min(rgb.size) < MIN_PIXELS:
        raise _refuse(path, f"图片只有 {rgb.width}×{rgb.height} 像素，太小：请用 300 dpi 以上扫描，或拍得更近一些")
    a = np.asarray(rgb, dtype=np.float32)
    h, w, _ = a.shape
    frame = max(2, min(h, w) // 25)
    border = np.concatenate([a[:frame].reshape(-1, 3), a[-frame:].reshape(-1, 3),
                             a[:, :frame].reshape(-1, 3), a[:, -frame:].reshape(-1, 3)])
    paper = np.median(border, axis=0)
    if paper.mean() < 150 or paper.max() - paper.min() > 60:
        raise _refuse(path, "背景不是白纸（边缘的颜色太深或太鲜艳）：请把印章盖在白纸上，平放扫描或在光线均匀处正对着拍照，"
                            "四周留出白边")
    drop = paper - a  # how much of each channel the ink took out of the paper
    redness = (drop[..., 1] + drop[..., 2]) / 2 - np.maximum(drop[..., 0], 0)
    strength = drop.max(axis=2)
    # the paper's own texture and the scanner's noise, at the edges: of the edge pixels that are
    # paper (a scan cropped to the seal has its ring on the edges, which is ink, not grain, and
    # taken for grain it made the whole seal too faint to count: 看起来是一张白纸)
    paper_like = np.abs(border - paper).max(axis=1) < 60
    grain = paper - (border[paper_like] if paper_like.mean() > 0.5 else border)
    floor = max(18.0, float(np.percentile((grain[:, 1] + grain[:, 2]) / 2 - np.maximum(grain[:, 0], 0), 98)) + 10.0)
    mark_floor = max(40.0, float(np.percentile(grain.max(axis=1), 98)) + 10.0)
    marked = strength > mark_floor
    if marked.mean() < MIN_MARKS:
        raise _refuse(path, "图片上几乎没有印迹（看起来是一张白纸）：请确认选对了文件，印章盖得清楚")
    red = marked & (redness > 0.45 * strength)
    share = float(red.sum() / marked.sum())
    if share < RED_SHARE:
        raise _refuse(path, f"图片上的印迹大多不是红色（红色只占 {share:.0%}）：公章应是盖在白纸上的红色印迹；"
                            "请只扫描印章本身（不要连同黑色文字、签名），或确认选对了文件")
    strong = float(np.percentile(redness[red], 90))
    alpha = np.clip((redness - floor) / max(strong * 0.85 - floor, 1.0), 0.0, 1.0)
    mask = Image.fromarray((alpha > 0.35).astype(np.uint8) * 255).filter(ImageFilter.MedianFilter(5))
    box = _bbox(np.asarray(mask) > 0)
    if box is None:
        raise _refuse(path, "没有找到清楚的红色印迹：请重新扫描，印章要盖得完整、清楚")
    left, top, right, bottom = box
    side = int(max(right - left, bottom - top) * 1.04) + 2
    if side < MIN_PIXELS:
        raise _refuse(path, f"印章只有 {side} 像素宽，太小：请用 300 dpi 以上扫描，或拍得更近一些")
    cx, cy = (left + right) / 2, (top + bottom) / 2
    x0, y0 = int(round(cx - side / 2)), int(round(cy - side / 2))
    core = alpha > 0.9
    ink_r, ink_g, ink_b = (int(v) for v in (np.median(a[core], axis=0) if core.any() else a[red].mean(axis=0)))
    ink = (ink_r, ink_g, ink_b)
    out = np.zeros((side, side, 4), dtype=np.uint8)
    out[..., :3] = ink
    sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x0 + side, w), min(y0 + side, h)
    out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0, 3] = (alpha[sy0:sy1, sx0:sx1] * 255).round().astype(np.uint8)
    seal = Image.fromarray(out, "RGBA")
    if side > OUTPUT_MAX:
        seal = seal.resize((OUTPUT_MAX, OUTPUT_MAX), Image.Resampling.LANCZOS)
    return PreparedSeal(seal, _preview(rgb, seal), share, ink)


def _bbox(mask) -> tuple[int, int, int, int] | None:
    """The box holding the ink, less stray specks: the ink's rows and columns from the 0.2th to
    the 99.8th percentile of its pixels, widened to the last marked row or column next to them."""
    import numpy as np

    ys, xs = np.nonzero(mask)
    if len(xs) < 50:
        return None
    lo_x, hi_x = np.percentile(xs, [0.2, 99.8])
    lo_y, hi_y = np.percentile(ys, [0.2, 99.8])
    inside = (xs >= lo_x - 3) & (xs <= hi_x + 3) & (ys >= lo_y - 3) & (ys <= hi_y + 3)
    return int(xs[inside].min()), int(ys[inside].min()), int(xs[inside].max()) + 1, int(ys[inside].max()) + 1


def _preview(scan, seal):
    """Three panels: the scan; the seal on a checkerboard (transparency shows); the seal
    stamped over lines of text, as on a document."""
    from PIL import Image, ImageDraw

    panel = 320
    out = Image.new("RGB", (panel * 3 + 40, panel + 20), (255, 255, 255))
    thumb = scan.copy()
    thumb.thumbnail((panel, panel))
    out.paste(thumb, (10 + (panel - thumb.width) // 2, 10 + (panel - thumb.height) // 2))
    small = seal.resize((panel - 20, panel - 20), Image.LANCZOS)
    board = Image.new("RGB", (panel, panel), (255, 255, 255))
    draw = ImageDraw.Draw(board)
    for y in range(0, panel, 16):
        for x in range(0, panel, 16):
            if (x // 16 + y // 16) % 2:
                draw.rectangle((x, y, x + 15, y + 15), fill=(204, 204, 204))
    board.paste(small, (10, 10), small)
    out.paste(board, (panel + 20, 10))
    page = Image.new("RGB", (panel, panel), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    for k, y in enumerate(range(24, panel - 16, 22)):
        for x in range(16, panel - 16 - (70 if k % 3 == 2 else 0), 14):  # a line of characters
            draw.rectangle((x, y, x + 10, y + 10), fill=(70, 70, 70))
    page.paste(small, (10, 10), small)
    out.paste(page, (2 * panel + 30, 10))
    return out


def preview_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}_预览.png")


def prepare_file(scan: Path, output: Path) -> tuple[PreparedSeal, Path]:
    """Prepare the seal in ``scan``, write it to ``output`` (a .png) and its preview beside it."""
    from ..outputs import write_atomic

    scan, output = Path(scan), Path(output)
    if output.suffix.lower() != ".png":
        raise UsageError(f"公章图片要保存为 .png（透明背景），而不是 {output.suffix or '无扩展名的文件'}：如 -o seals/公章.png")
    if output.exists() and scan.exists() and output.resolve() == scan.resolve():
        raise UsageError("输出文件不能是扫描件本身：请用 -o 另给一个文件名，如 seals/公章.png")
    prepared = prepare(scan)
    import io

    for image, target in ((prepared.image, output), (prepared.preview, preview_path(output))):
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        write_atomic(target, buffer.getvalue())
    return prepared, preview_path(output)
