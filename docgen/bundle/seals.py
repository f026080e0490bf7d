"""Seals on PDF pages: where a party's seal goes, and drawing its image there.

Each signer's printed name and date are found from the bookmarks the composed document
carries (``Anchor``), not by searching the text, so a long name that wraps is found all the
same, and a page's text is read only for the issuer of a notice. GB/T 9704 7.3.5.1 puts the seal upright and centred over the name and date, pressing
both, with them below its centre; joint signers each get their own seal over their own
name (the signature rows of the templates keep the seals apart).

Stamped images are a convenience for printing and review, not electronic seals.
"""
from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable
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
from ..preflight.anchors import Anchor, name_area
from ..preflight.page import Page
from ..records import Box


def printed(page: Callable[[], Page], anchor: Anchor) -> tuple[Box, Box | None]:
    """The box of the printed name, and of name and date together (``preflight.anchors.name_area``)."""
    return name_area(page, anchor)


def place(page: Callable[[], Page], anchor: Anchor, seal: SealImage, size_mm: float) -> tuple[Box, Box]:
    """The printed name's box and the seal's box for one signer.

    The seal is centred across the name (居中下压署名, GB/T 9704 7.3.5.1) and, up and down, on
    the name and its date line, a little above their middle so that both sit below its
    centre; it is kept inside the type area."""
    name, _ = printed(page, anchor)
    bottom = (anchor.date_top if anchor.date_top is not None else anchor.top - LINE_PT) - LINE_PT
    cx = (name.x0 + name.x1) / 2
    cy = (anchor.top + bottom) / 2 + SEAL_RISE
    width = size_mm * MM_PT
    height = width * seal.height_px / seal.width_px
    cx = min(max(cx, TYPE_LEFT + width / 2), TYPE_RIGHT - width / 2)
    return name, Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


SEAL_RISE = 0.35 * LINE_PT
"""How far a seal's centre stands above the middle of the name and date it presses, so that
both sit below its centre."""


@dataclass
class SealImage:
    """A seal PNG prepared once as a PDF image with a soft mask (its transparency)."""

    path: Path
    width_px: int
    height_px: int
    ref: IndirectObject | None = None
    name: str = ""
    """The image's resource name on a page: from its content, so two seals never share one."""

    @classmethod
    def load(cls, path: Path, writer: PdfWriter) -> SealImage:
        w, h, rgb, alpha = _decoded(Path(path), Path(path).stat().st_mtime_ns)
        mask = _image_stream(alpha, w, h, "/DeviceGray")
        image = _image_stream(rgb, w, h, "/DeviceRGB")
        image[NameObject("/SMask")] = writer._add_object(mask)
        digest = hashlib.sha256(rgb + alpha).hexdigest()[:12]
        return cls(Path(path), w, h, writer._add_object(image), f"/DocgenSeal{digest}")


@functools.lru_cache(maxsize=64)
def _decoded(path: Path, mtime_ns: int) -> tuple[int, int, bytes, bytes]:
    """A PNG as compressed RGB and alpha planes; cached, since one seal serves many bundles."""
    from PIL import Image

    with Image.open(path) as opened:
        img = opened.convert("RGBA")
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


def _wrap(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def draw(writer: PdfWriter, page: PageObject, seal: SealImage, box: Box) -> None:
    """Draw ``seal`` into ``box`` on top of the page, isolating the page's graphics state.

    LibreOffice gives all pages of a PDF one shared resources dictionary, so the page gets
    its own copy before the seal is added to it: a seal must never show on another page."""
    shared = page.get("/Resources")
    resources = DictionaryObject(shared.get_object()) if shared is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    xobjects[NameObject(seal.name)] = seal.ref
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    contents = page.get("/Contents")
    existing = contents.get_object() if contents is not None else ArrayObject()
    parts = list(existing) if isinstance(existing, ArrayObject) else [contents]
    w, h = box.x1 - box.x0, box.y1 - box.y0
    stamp = f"q {w:.3f} 0 0 {h:.3f} {box.x0:.3f} {box.y0:.3f} cm {seal.name} Do Q".encode()
    page[NameObject("/Contents")] = ArrayObject([_wrap(writer, b"q"), *parts, _wrap(writer, b"Q"),
                                                 _wrap(writer, stamp)])


