"""Seal images checked when the data is loaded, so that a bad one is reported with its file,
line and field, and never breaks the bundle stage: it must open, be a PNG, have a
transparent background and a size a seal can be printed at."""
from __future__ import annotations

import functools
from pathlib import Path

MIN_PIXELS = 100
"""A 42 mm seal from fewer pixels than this prints visibly blocky."""
MAX_PIXELS = 6000
"""Larger images only slow the bundles down (and a huge one can exhaust memory)."""


def prepare_hint(path: Path) -> str:
    """How to make a transparent PNG of a scan: the command, with paths as the user types them."""
    from ..errors import display_path

    target = path.with_name(f"{path.stem}_透明.png") if path.suffix.lower() == ".png" else path.with_suffix(".png")
    return (f"可以用 docgen seal prepare “{display_path(path)}” -o “{display_path(target)}” 做成透明背景的 PNG，"
            f"再在这里写 seal: {target.parent.name}/{target.name}（路径相对于方案目录）")


def seal_problem(path: Path, what: str, value: str) -> str:
    """Why the seal image at ``path`` cannot be stamped, or "" when it can. An image is
    decoded once per version (size and modification time): a bureau's hundreds of pairings
    name the same few seals."""
    try:
        stat = path.stat()
        version = (stat.st_size, stat.st_mtime_ns)
    except OSError:
        version = None
    return _seal_problem(Path(path).resolve(), version, what, value)


@functools.lru_cache(maxsize=256)
def _seal_problem(path: Path, version: tuple[int, int] | None, what: str, value: str) -> str:
    from PIL import Image

    try:
        with Image.open(path) as img:
            fmt, mode, size, info = img.format, img.mode, img.size, img.info
            if fmt == "PNG" and max(size) <= MAX_PIXELS:
                img.load()  # a truncated file fails here, not when the seal is stamped
    except Image.DecompressionBombError:
        return f"{what}“{value}”尺寸过大，请缩小到 {MAX_PIXELS} 像素以内"
    except (OSError, SyntaxError, ValueError) as exc:
        why = "文件不完整（可能没有下载或复制完）" if "truncated" in str(exc) else "不是图片文件"
        return f"{what}“{value}”无法打开：{why}，请重新导出为透明背景的 PNG 图片"
    if fmt != "PNG":
        return f"{what}“{value}”实际是 {fmt} 图片，不是 PNG（改扩展名不能改变格式）：{prepare_hint(path)}"
    if "A" not in mode and "transparency" not in info:
        return f"{what}“{value}”没有透明背景，盖章后会遮住文字：{prepare_hint(path)}"
    if min(size) < MIN_PIXELS:
        return f"{what}“{value}”只有 {size[0]}×{size[1]} 像素，打印会模糊：请使用至少 {MIN_PIXELS}×{MIN_PIXELS} 像素的图片"
    if max(size) > MAX_PIXELS:
        return f"{what}“{value}”有 {size[0]}×{size[1]} 像素，过大：请缩小到 {MAX_PIXELS} 像素以内"
    return ""
