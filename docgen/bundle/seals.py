"""Seals on PDF pages: find where a party signs, and draw its seal image there.

A party signs where its name stands with a date on the same line or a few lines below
(署名 above 成文日期, or 甲方（盖章）：… above 年 月 日). GB/T 9704 7.3.5.1 puts the seal
upright and centred over the name and date, pressing both, with them below its centre;
joint signers each get their own seal over their own name.

Stamped images are a convenience for printing and review, not electronic seals.
"""
from __future__ import annotations

import functools
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from ..geometry import LINE_PT, MM_PT, TYPE_LEFT, TYPE_RIGHT
from .pdftext import page_chars

DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|年\s*月\s*日")


@dataclass
class Box:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    def as_list(self) -> list[float]:
        return [round(v, 2) for v in (self.x0, self.y0, self.x1, self.y1)]


@dataclass
class Line:
    y: float
    chars: list[tuple[str, float, float]]  # (character, x, font size)

    @property
    def text(self) -> str:
        return "".join(c for c, _, _ in self.chars)


def _advance(ch: str, size: float) -> float:
    wide = unicodedata.east_asian_width(ch) in "WF"
    return size * (1.0 if wide else 0.5) - 0.25


def page_lines(page: PageObject, fonts: dict | None = None) -> list[Line]:
    """Text lines of a page, top to bottom, with an x position for every character.

    Uses the fast reader of LibreOffice's text operators when it can (``fonts`` caches
    parsed font maps across pages), else pypdf's general text extraction.
    """
    rows: dict[int, list[tuple[str, float, float]]] = {}
    chars = page_chars(page, fonts if fonts is not None else {})
    if chars is not None:
        for ch, x, y, size in chars:
            if ch.strip():
                rows.setdefault(int(round(y / 2.0)), []).append((ch, x, size))
        lines = [Line(key * 2.0, sorted(c, key=lambda c: c[1])) for key, c in rows.items()]
        return sorted(lines, key=lambda line: -line.y)

    def visit(text, cm, tm, font, size):
        if not text or not text.strip():
            return
        scale = tm[0] * cm[0] if tm[0] and cm[0] else 1.0
        size = size * abs(scale) if size else 16.0
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        key = int(round(y / 2.0))
        for ch in text:
            if ch in "\r\n":
                continue
            rows.setdefault(key, []).append((ch, x, size))
            x += _advance(ch, size)

    page.extract_text(visitor_text=visit)
    lines = [Line(key * 2.0, sorted(chars, key=lambda c: c[1])) for key, chars in rows.items()]
    return sorted(lines, key=lambda line: -line.y)


_NOT_CONTENT = re.compile(r"[\s（）()：:，,。、盖章签字甲乙方]")


def is_date_line(text: str, name: str = "") -> bool:
    """A line that holds a date (or a blank 年 月 日 to fill in) and, at most, the signer's name."""
    if not DATE.search(text):
        return False
    rest = DATE.sub("", text).replace(name, "")
    return not _NOT_CONTENT.sub("", rest)


def find_signature(pages: list[list[Line]], name: str, lookahead: int = 12) -> tuple[int, Line, Box, float] | None:
    """The last place where ``name`` stands with a date line at most ``lookahead`` lines after it.

    The lines of all pages are read as one sequence, so a signature block that breaks
    across a page still counts. Returns (page index, line, the name's box, the date's y,
    or the name's own y when the date is on a later page).
    """
    compact = name.replace(" ", "").replace("\u3000", "")
    flat = [(index, line) for index, lines in enumerate(pages) for line in lines]
    for pos in range(len(flat) - 1, -1, -1):
        index, line = flat[pos]
        text = line.text.replace(" ", "").replace("\u3000", "")
        at = text.rfind(compact)
        if at < 0:
            continue
        date = next(((i, other) for i, other in flat[pos:pos + lookahead + 1]
                     if is_date_line(other.text.replace(" ", "").replace("\u3000", ""), compact)), None)
        if date is None:
            continue
        chars = [c for c in line.chars if c[0] not in " \u3000"]
        first, last = chars[at], chars[at + len(compact) - 1]
        size = first[2]
        box = Box(index, first[1], line.y - 0.15 * size, last[1] + _advance(last[0], size), line.y + 0.85 * size)
        date_y = date[1].y if date[0] == index else line.y
        return index, line, box, date_y
    return None


@dataclass
class SealImage:
    """A seal PNG prepared once as a PDF image with a soft mask (its transparency)."""

    path: Path
    width_px: int
    height_px: int
    ref: IndirectObject | None = None

    @classmethod
    def load(cls, path: Path, writer: PdfWriter) -> "SealImage":
        w, h, rgb, alpha = _decoded(Path(path), Path(path).stat().st_mtime_ns)
        mask = _image_stream(alpha, w, h, "/DeviceGray")
        image = _image_stream(rgb, w, h, "/DeviceRGB")
        image[NameObject("/SMask")] = writer._add_object(mask)
        seal = cls(Path(path), w, h)
        seal.ref = writer._add_object(image)
        return seal


@functools.lru_cache(maxsize=64)
def _decoded(path: Path, mtime_ns: int) -> tuple[int, int, bytes, bytes]:
    """A PNG as compressed RGB and alpha planes; cached, since one seal serves many bundles."""
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("RGBA")
        w, h = img.size
        return w, h, zlib.compress(img.convert("RGB").tobytes(), 6), zlib.compress(img.getchannel("A").tobytes(), 6)


def _image_stream(data: bytes, w: int, h: int, colorspace: str) -> StreamObject:
    stream = StreamObject()
    stream._data = data
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                   NameObject("/Width"): NumberObject(w), NameObject("/Height"): NumberObject(h),
                   NameObject("/ColorSpace"): NameObject(colorspace),
                   NameObject("/BitsPerComponent"): NumberObject(8), NameObject("/Filter"): NameObject("/FlateDecode")})
    return stream


def seal_box(name_box: Box, name_y: float, date_y: float, seal: SealImage, size_mm: float) -> Box:
    """Where the seal goes: centred on the name, name and date just below its centre."""
    width = size_mm * MM_PT
    height = width * seal.height_px / seal.width_px
    cx = (name_box.x0 + name_box.x1) / 2
    cx = min(max(cx, TYPE_LEFT + width / 2), TYPE_RIGHT - width / 2)
    # The date counts when it is close below the name (a single signer, or the last row of
    # joint signers); otherwise the seal presses its own name only, so rows never overlap.
    close = 0 < name_y - date_y <= 3 * LINE_PT
    cy = (name_y + date_y) / 2 + 0.35 * LINE_PT if close else name_y + 0.35 * LINE_PT
    return Box(name_box.page, cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def _wrap(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def draw(writer: PdfWriter, page: PageObject, seal: SealImage, box: Box, tag: str) -> None:
    """Draw ``seal`` into ``box`` on top of the page, isolating the page's graphics state."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    page[NameObject("/Resources")] = resources
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
    resources[NameObject("/XObject")] = xobjects
    xobjects[NameObject(f"/{tag}")] = seal.ref
    contents = page.get("/Contents")
    existing = contents.get_object() if contents is not None else ArrayObject()
    parts = list(existing) if isinstance(existing, ArrayObject) else [contents]
    w, h = box.x1 - box.x0, box.y1 - box.y0
    stamp = f"q {w:.3f} 0 0 {h:.3f} {box.x0:.3f} {box.y0:.3f} cm /{tag} Do Q".encode()
    page[NameObject("/Contents")] = ArrayObject([_wrap(writer, b"q"), *parts, _wrap(writer, b"Q"),
                                                 _wrap(writer, stamp)])


