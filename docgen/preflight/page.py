"""What a PDF page shows, read from its content stream: every glyph with its position, size,
font and colour; every ruled line and filled box; every image with its box.

A small interpreter of the operators LibreOffice writes (text with Tm/Td/TJ, paths, images
placed with cm) and of the seals docgen stamps over them, with the graphics state saved and
restored by q/Q. Fonts are read once per font object (ToUnicode map, widths). Coordinates
are PDF points from the bottom-left corner; ``top`` helpers turn them into distances from
the top of the page, as the layout rules are written.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import NamedTuple

from pypdf import PageObject
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, EncodedStreamObject, NullObject, StreamObject

_NUM = rb"[+-]?(?:\d+\.?\d*|\.\d+)"


# One alternative per kind of operation docgen reads, the most frequent first; operators that
# take only numbers share one alternative (their numbers are split in Python, which is faster
# than trying a pattern per operator on every number). Everything else is skipped.
_UNIT = re.compile(b"|".join([
    rb"(?P<op>(?<![\w*'\"])(?P<opname>q|Q|BT|T\*|S|s|f\*|F|f|B\*|B|b\*|b|n)(?![\w*]))",
    rb"(?P<num>(?P<nums>(?:" + _NUM + rb"\s+)+)(?P<numop>Td|TD|Tm|cm|rg|RG|re|Tc|Tw|Tz|TL|m|l|k|K|g|G)(?![\w*]))",
    rb"(?P<tf>/(?P<tfname>[^\s/\[\]()<>]+)\s+(?P<tfsize>" + _NUM + rb")\s+Tf)",
    rb"(?P<tj><(?P<tjhex>[0-9A-Fa-f\s]*)>\s*Tj)",
    rb"(?P<TJ>\[(?P<tjarr>(?:[^\]\\]|\\.)*)\]\s*TJ)",
    rb"(?P<do>/(?P<doname>[^\s/\[\]()<>]+)\s+Do\b)",
    rb"(?P<ltj>\((?P<tjlit>(?:[^()\\]|\\.)*)\)\s*Tj)",
]), re.S)
_TJ_PART = re.compile(rb"(<[0-9A-Fa-f\s]*>)|\(((?:[^()\\]|\\.)*)\)|([+-]?(?:\d+\.?\d*|\.\d+))")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


class Glyph(NamedTuple):
    """One character drawn on the page (a tuple: pages hold thousands)."""

    char: str
    x: float
    y: float
    """Baseline."""
    size: float
    font: str
    """The font's name without its subset tag, e.g. FandolFang-Regular."""
    width: float
    color: tuple[float, ...]
    blank: bool = False
    """The embedded font draws nothing for it (a face that lists a character it lacks)."""


@dataclass(frozen=True)
class Rule:
    """A straight stroke or a thin filled box: table borders, the red rule, 版记 rules."""

    x0: float
    y0: float
    x1: float
    y1: float
    color: tuple[float, ...]


@dataclass(frozen=True)
class Image:
    name: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    _lines: list[list[Glyph]] | None = field(default=None, repr=False, compare=False)
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    """What the rules work out once per page (its content lines, …)."""

    def top(self, y: float) -> float:
        """A height from the bottom as a distance from the top of the page."""
        return self.height - y

    def lines(self) -> list[list[Glyph]]:
        """Glyphs grouped into text lines (baselines within 2 pt), top to bottom, each left to
        right; worked out once per page (the page is not changed after reading)."""
        if self._lines is None:
            rows: dict[int, list[Glyph]] = {}
            for g in self.glyphs:
                if g.char.strip():
                    rows.setdefault(int(g.y * 0.5 + 0.5), []).append(g)
            self._lines = [sorted(row, key=lambda g: g.x) for _, row in sorted(rows.items(), key=lambda kv: -kv[0])]
        return self._lines


class _Font:
    """One font's code -> character and advance (in 1/1000 of the font size)."""

    def __init__(self, font):
        self.name = str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
        self.two_bytes = font.get("/Subtype") == "/Type0"
        self.chars: dict[int, str] = {}
        self.widths: dict[int, float] = {}
        first = int(font.get("/FirstChar", 0))
        for i, w in enumerate(font.get("/Widths", []) or []):
            self.widths[first + i] = float(w)
        if self.two_bytes:
            descendant = font["/DescendantFonts"][0].get_object()
            self.default_width = float(descendant.get("/DW", 1000))
            w = descendant.get("/W", [])
            i = 0
            while i < len(w):
                start = int(w[i])
                if isinstance(w[i + 1], list) or hasattr(w[i + 1], "__iter__"):
                    for k, width in enumerate(w[i + 1]):
                        self.widths[start + k] = float(width)
                    i += 2
                else:
                    for code in range(start, int(w[i + 1]) + 1):
                        self.widths[code] = float(w[i + 2])
                    i += 3
        else:
            self.default_width = 1000.0
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

        self.blank = _blank_codes(font, self.two_bytes)

    def codes(self, raw: bytes) -> list[int]:
        if self.two_bytes:
            return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
        return list(raw)


def _blank_codes(font, two_bytes: bool) -> frozenset[int]:
    """Codes whose glyph in the embedded TrueType program has no outline."""
    descriptor = (font["/DescendantFonts"][0].get_object() if two_bytes else font).get("/FontDescriptor")
    program = descriptor.get_object().get("/FontFile2") if descriptor is not None else None
    if program is None:
        return frozenset()
    try:
        return _empty_glyphs(program.get_object().get_data(), two_bytes)
    except (struct.error, KeyError, IndexError, ValueError):  # a program this reader cannot follow
        return frozenset()


def _empty_glyphs(data: bytes, two_bytes: bool) -> frozenset[int]:
    """The codes of a TrueType program whose glyph is empty (its 'loca' gives it no bytes):
    a CIDFontType2 as LibreOffice writes it maps code = glyph index; a simple font maps its
    codes through its (1,0) or (3,0) 'cmap' subtable. Read with struct: the tables are few
    and this runs for every font of every PDF."""
    tables = {}
    for k in range(struct.unpack_from(">H", data, 4)[0]):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * k)
        tables[tag] = (offset, length)
    glyphs = struct.unpack_from(">H", data, tables[b"maxp"][0] + 4)[0]
    long_offsets = struct.unpack_from(">h", data, tables[b"head"][0] + 50)[0]
    at = tables[b"loca"][0]
    loca = (struct.unpack_from(f">{glyphs + 1}I", data, at) if long_offsets
            else [2 * v for v in struct.unpack_from(f">{glyphs + 1}H", data, at)])
    gids = {code: code for code in range(glyphs)} if two_bytes else _simple_cmap(data, tables[b"cmap"][0])
    return frozenset(code for code, gid in gids.items() if 0 < gid < glyphs and loca[gid] == loca[gid + 1])


def _simple_cmap(data: bytes, at: int) -> dict[int, int]:
    """Code -> glyph index of a simple TrueType font: a format 0 subtable (LibreOffice's), or
    a format 4 one of the symbol encoding (codes at 0xF000 + code)."""
    for k in range(struct.unpack_from(">H", data, at + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, at + 4 + 8 * k)
        sub = at + offset
        form = struct.unpack_from(">H", data, sub)[0]
        if (platform, encoding) in ((1, 0), (3, 0)) and form == 0:
            return dict(enumerate(struct.unpack_from(">256B", data, sub + 6)))
        if (platform, encoding) == (3, 0) and form == 4:
            segments = struct.unpack_from(">H", data, sub + 6)[0] // 2
            ends = struct.unpack_from(f">{segments}H", data, sub + 14)
            starts = struct.unpack_from(f">{segments}H", data, sub + 16 + 2 * segments)
            deltas = struct.unpack_from(f">{segments}h", data, sub + 16 + 4 * segments)
            ranges_at = sub + 16 + 6 * segments
            ranges = struct.unpack_from(f">{segments}H", data, ranges_at)
            out = {}
            for i, (first, last, delta, rng) in enumerate(zip(starts, ends, deltas, ranges, strict=True)):
                for code in range(first, min(last, 0xF0FF) + 1):
                    if rng == 0:
                        gid = (code + delta) & 0xFFFF
                    else:
                        gid = struct.unpack_from(">H", data, ranges_at + 2 * i + rng + 2 * (code - first))[0]
                        gid = (gid + delta) & 0xFFFF if gid else 0
                    out[code & 0xFF] = gid
            return out
    return {}


def _string(token: bytes) -> bytes:
    if token.startswith(b"<"):
        digits = re.sub(rb"\s", b"", token[1:-1])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i:i + 1]
        if ch == b"\\" and i + 1 < len(body):
            nxt = body[i + 1:i + 2]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
                continue
            octal = re.match(rb"[0-7]{1,3}", body[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            i += 1
            continue
        out += ch
        i += 1
    return bytes(out)


def _mul(a: tuple, b: tuple) -> tuple:
    """Matrix product a x b of PDF matrices (a b c d e f)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def _color(operands: list) -> tuple[float, float, float]:
    values = tuple(round(float(v), 3) for v in operands)
    if len(values) == 1:
        return (values[0], values[0], values[0])
    if len(values) == 4:  # CMYK
        c, m, y, k = values
        return (round((1 - c) * (1 - k), 3), round((1 - m) * (1 - k), 3), round((1 - y) * (1 - k), 3))
    red, green, blue = values
    return (red, green, blue)


def _decoded(stream: StreamObject) -> bytes:
    """A stream's data decoded, without pypdf keeping the decoded copy on it (its reader
    would hold every page's content for as long as it lives: 16 MB for a 2 000-page bundle)."""
    if isinstance(stream, EncodedStreamObject) and stream.decoded_self is None:
        return decode_stream_data(stream)
    return stream.get_data()


def _content(page: PageObject) -> bytes | None:
    """The page's content stream, as ``page.get_contents().get_data()`` gives it (the parts
    of an array of streams each ended by a line break) but not kept by pypdf."""
    contents = page.get("/Contents")
    if contents is None:
        return None
    contents = contents.get_object()
    if isinstance(contents, StreamObject):
        return _decoded(contents)
    if not isinstance(contents, ArrayObject):
        return None
    data = bytearray()
    for part in contents:
        part = part.get_object()
        if isinstance(part, NullObject):
            continue
        if isinstance(part, StreamObject):
            data += _decoded(part)
        if not data.endswith(b"\n"):
            data += b"\n"
    return bytes(data)


class Shared:
    """What the pages read from one PDF (or one bundle) share: its fonts, each read once, and
    the numbers and colours their glyphs repeat, each held once. A glyph is a tuple of eight;
    its place, size, width and colour were objects of their own (300 bytes a glyph, 37 MB for
    the 442 pages of a 1 000-pairing bureau's bundle); a page's glyphs share a few hundred
    places and one colour, and the pages of a bundle share them again."""

    def __init__(self) -> None:
        self.fonts: dict[int, _Font] = {}
        self._numbers: dict[float, float] = {}
        self._colours: dict[tuple[float, ...], tuple[float, ...]] = {}

    def number(self, value: float) -> float:
        """``value``, as the object held for it (zero as it is: 0.0 and -0.0 are equal)."""
        return self._numbers.setdefault(value, value) if value else value

    def colour(self, value: tuple[float, ...]) -> tuple[float, ...]:
        return self._colours.setdefault(value, value)


def read(page: PageObject, shared: Shared | None = None) -> Page:
    """The glyphs, rules and images of ``page``; ``shared``: what it shares with the other
    pages read with the same (see ``Shared``)."""
    shared = Shared() if shared is None else shared
    fonts, held = shared.fonts, shared.number
    box = page.mediabox
    # to 1/1000 pt: a page's size reads the same from LibreOffice's PDF (595.303937007874) and
    # from the bundle pypdf wrote (595.303937), so seal placement and the preflight share pages
    out = Page(round(float(box.width), 3), round(float(box.height), 3))
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    font_dict = resources.get("/Font")
    font_dict = font_dict.get_object() if font_dict is not None else {}
    data = _content(page)
    if data is None:
        return out
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple] = []
    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    stroke: tuple[float, ...] = (0.0, 0.0, 0.0)
    tm = tlm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    font: _Font | None = None
    size = leading = char_space = word_space = 0.0
    scale = 1.0
    path: list[tuple[float, float, float, float]] = []
    point = (0.0, 0.0)
    by_name: dict[bytes, _Font | None] = {}

    def show(pieces: list[tuple[bytes, float]]) -> None:
        """Draw strings, each after a kern (thousandths of the size, as TJ gives them)."""
        nonlocal tm
        if font is None:
            return
        a, b, c, d, e, f = ctm
        widths, default, chars, blank, name = font.widths, font.default_width, font.chars, font.blank, font.name
        spacing, words = char_space * scale, (0.0 if font.two_bytes else word_space * scale)
        unit = size * scale / 1000
        glyphs = out.glyphs
        two_bytes = font.two_bytes
        codes = font.codes
        if b == c == tm[1] == tm[2] == 0:  # axis-aligned, as LibreOffice writes text: the fast way
            t0, t3, x, y = tm[0], tm[3], tm[4], tm[5]
            sx = abs(t0 * a)
            height = held(size * abs(t0 * a * t3 * d) ** 0.5)
            base = held(y * d + f)
            add, width_of, char_of = glyphs.append, widths.get, chars.get
            for raw, kern in pieces:
                x -= kern * unit * t0
                for code in (codes(raw) if two_bytes else raw):  # a simple font's codes are its bytes
                    glyph = width_of(code, default) * unit
                    add(Glyph(char_of(code, "\ufffd"), held(x * a + e), base, height, name, held(glyph * sx),
                              fill, bool(blank) and code in blank))
                    x += (glyph + spacing + (words if code == 32 else 0.0)) * t0
            tm = (t0, 0.0, 0.0, t3, x, y)
            return
        for raw, kern in pieces:
            tm = _mul((1, 0, 0, 1, -kern * unit, 0), tm)
            for code in codes(raw):
                glyph = widths.get(code, default) * unit
                trm = _mul(tm, ctm)
                stretch = (trm[0] ** 2 + trm[1] ** 2) ** 0.5  # text space to device space
                glyphs.append(Glyph(chars.get(code, "\ufffd"), trm[4], trm[5],
                                    size * abs(trm[0] * trm[3] - trm[1] * trm[2]) ** 0.5, name,
                                    glyph * stretch, fill, code in blank))
                tm = _mul((1, 0, 0, 1, glyph + spacing + (words if code == 32 else 0.0), 0), tm)

    for m in _UNIT.finditer(data):
        kind = m.lastgroup
        if kind == "op":  # q Q BT ET and path painting
            op = m["opname"]
            if op == b"q":
                stack.append((ctm, fill, stroke))
            elif op == b"Q":
                if stack:
                    ctm, fill, stroke = stack.pop()
            elif op == b"BT":
                tm = tlm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            elif op == b"T*":
                tlm = tm = _mul((1, 0, 0, 1, 0, -leading), tlm)
            else:
                color = stroke if op in (b"S", b"s") else fill
                if op != b"n":
                    for x0, y0, x1, y1 in path:
                        out.rules.append(Rule(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), color))
                path = []
        elif kind == "num":
            op, v = m["numop"], [float(n) for n in m["nums"].split()]
            if op == b"Tm" and len(v) >= 6:
                a, b, c, d, e, f = v[-6:]
                tlm = tm = (a, b, c, d, e, f)
            elif op in (b"Td", b"TD") and len(v) >= 2:
                x, y = v[-2], v[-1]
                if op == b"TD":
                    leading = -y
                tlm = tm = (tlm[0], tlm[1], tlm[2], tlm[3], x * tlm[0] + y * tlm[2] + tlm[4],
                            x * tlm[1] + y * tlm[3] + tlm[5])
            elif op in (b"rg", b"RG") and len(v) >= 3:
                red, green, blue = (round(c, 3) for c in v[-3:])
                color = shared.colour((red, green, blue))
                if op == b"rg":
                    fill = color
                else:
                    stroke = color
            elif op in (b"g", b"G"):
                grey = round(v[-1], 3)
                color = shared.colour((grey, grey, grey))
                if op == b"g":
                    fill = color
                else:
                    stroke = color
            elif op in (b"k", b"K") and len(v) >= 4:
                color = shared.colour(_color(v[-4:]))
                if op == b"k":
                    fill = color
                else:
                    stroke = color
            elif op == b"cm" and len(v) >= 6:
                ctm = _mul(tuple(v[-6:]), ctm)
            elif op == b"re" and len(v) >= 4:
                x, y, w, h = v[-4:]
                path.append((*_apply(ctm, x, y), *_apply(ctm, x + w, y + h)))
            elif op in (b"m", b"l") and len(v) >= 2:
                here = _apply(ctm, v[-2], v[-1])
                if op == b"l":
                    path.append((*point, *here))
                point = here
            elif op == b"Tc":
                char_space = v[-1]
            elif op == b"Tw":
                word_space = v[-1]
            elif op == b"Tz":
                scale = v[-1] / 100
            elif op == b"TL":
                leading = v[-1]
        elif kind == "tf":
            size = float(m["tfsize"])
            name = m["tfname"]
            if name not in by_name:  # a page switches fonts often: resolve each name once
                ref = font_dict.get("/" + name.decode(errors="replace"))
                if ref is not None:
                    key = getattr(ref, "idnum", id(ref))
                    if key not in fonts:
                        fonts[key] = _Font(ref.get_object())
                    by_name[name] = fonts[key]
                else:
                    by_name[name] = None
            font = by_name[name]
        elif kind == "tj":
            show([(bytes.fromhex(m["tjhex"].decode()), 0.0)])
        elif kind == "TJ":
            pieces, kern = [], 0.0
            for hexed, literal, number in _TJ_PART.findall(m["tjarr"]):
                if number:  # a kern moves the text position along the line
                    kern += float(number)
                elif hexed or literal:
                    pieces.append((bytes.fromhex(hexed[1:-1].decode()) if hexed else _string(literal), kern))
                    kern = 0.0
            if kern:
                pieces.append((b"", kern))
            show(pieces)
        elif kind == "do":
            x0, y0 = _apply(ctm, 0, 0)
            x1, y1 = _apply(ctm, 1, 1)
            out.images.append(Image("/" + m["doname"].decode(errors="replace"), min(x0, x1), min(y0, y1),
                                    max(x0, x1), max(y0, y1)))
        elif kind == "ltj":
            show([(_string(b"(" + m["tjlit"] + b")"), 0.0)])
    return out
