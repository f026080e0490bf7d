"""Fast text positions for the PDFs LibreOffice writes.

LibreOffice places text with absolute ``Td``/``Tm`` moves, ``/Fn size Tf`` and one-byte
codes in ``<..>Tj`` / ``[..]TJ``, with each font's ToUnicode map and widths. Reading
that directly, with the font maps parsed once per font rather than once per page, is
about ten times faster than a general extractor. A stream with anything else
(transformations, text scaling) returns None and the caller falls back to pypdf.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(
    rb"(?P<td>(-?[\d.]+) (-?[\d.]+) Td)"
    rb"|(?P<tm>(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) Tm)"
    rb"|(?P<tf>/(\S+) (-?[\d.]+) Tf)"
    rb"|(?P<tj><([0-9A-Fa-f]*)>\s*Tj)"
    rb"|(?P<TJ>\[((?:[^\]\\]|\\.)*)\]\s*TJ)"
    rb"|(?P<bad>\bTz\b|\bTc\b|\bTs\b|\bcm\b|\bT\*|\bTD\b|\(|')"
    rb"|(?P<bt>\bBT\b)")
_TJ_PART = re.compile(rb"<([0-9A-Fa-f]*)>|(-?[\d.]+)")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


class FontInfo:
    """One font's code → (character, advance in text space units of 1/1000)."""

    def __init__(self, font):
        self.chars: dict[int, str] = {}
        self.widths: dict[int, float] = {}
        first = int(font.get("/FirstChar", 0))
        for i, w in enumerate(font.get("/Widths", []) or []):
            self.widths[first + i] = float(w)
        cmap = font.get("/ToUnicode")
        if cmap is not None:
            data = cmap.get_object().get_data()
            for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
                for lo, hi, dst in _BFRANGE.findall(block):
                    start = int(dst, 16)
                    for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                        self.chars[code] = chr(start + k)
            for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
                for code, dst in _BFCHAR.findall(block):
                    self.chars[int(code, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")


def page_chars(page, cache: dict) -> list[tuple[str, float, float, float]] | None:
    """(character, x, y, size) of every glyph on ``page``, or None if the stream is unusual."""
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return []
    fonts = fonts.get_object()
    contents = page.get_contents()
    if contents is None:
        return []
    data = contents.get_data()
    out: list[tuple[str, float, float, float]] = []
    x = y = 0.0
    font: FontInfo | None = None
    size = 0.0
    for m in _TOKEN.finditer(data):
        kind = m.lastgroup
        if kind == "bt":
            x = y = 0.0
        elif kind == "td":
            x, y = x + float(m.group(2)), y + float(m.group(3))
        elif kind == "tm":
            a, b, c, d, e, f = (float(m.group(i)) for i in range(5, 11))
            if (a, b, c, d) != (1.0, 0.0, 0.0, 1.0):
                return None
            x, y = e, f
        elif kind == "tf":
            ref = fonts.get("/" + m.group(12).decode())
            if ref is None:
                return None
            key = getattr(ref, "idnum", id(ref))
            if key not in cache:
                cache[key] = FontInfo(ref.get_object())
            font, size = cache[key], float(m.group(13))
        elif kind in ("tj", "TJ"):
            if font is None:
                return None
            parts = [(m.group(15), None)] if kind == "tj" else [(h, n) for h, n in _TJ_PART.findall(m.group(17))]
            for hexed, number in parts:
                if number:
                    x -= float(number) / 1000 * size
                    continue
                for code in bytes.fromhex(hexed.decode()):
                    out.append((font.chars.get(code, "\ufffd"), x, y, size))
                    x += font.widths.get(code, 1000.0) / 1000 * size
        elif kind == "bad":
            return None
    return out
