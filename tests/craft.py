"""Real PDFs made to order, for showing a preflight rule fire: pages described as glyphs
(character, position, size, font name, colour), rules and images, written with pikepdf as
LibreOffice writes them (a CIDFontType2 font per face, Identity-H codes, a ToUnicode map,
an embedded TrueType program), with the named destinations docgen's bookmarks become.

The embedded program is drawn here with fontTools: a box for each character, or nothing
for a character listed in ``blank`` (a face that has a code for a character but draws
nothing, as some fall-back faces do).
"""
from __future__ import annotations

import functools
import io
import zlib
from pathlib import Path

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from docgen.preflight.page import Page


def _program(chars: list[str], blank: set[str]) -> bytes:
    """A TrueType program whose glyph k+1 draws chars[k] (a box), or nothing when blank."""
    return _built_program(tuple(chars), frozenset(blank))


@functools.cache  # the same faces in many crafted PDFs: each program built once
def _built_program(chars: tuple[str, ...], blank: frozenset[str]) -> bytes:
    names = [".notdef"] + [f"g{k}" for k in range(len(chars))]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({})
    glyphs = {}
    for name, ch in zip(names, [None, *chars], strict=True):
        pen = TTGlyphPen(None)
        if ch is not None and ch not in blank:
            pen.moveTo((100, 0))
            pen.lineTo((100, 800))
            pen.lineTo((900, 800))
            pen.lineTo((900, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (1000, 0) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Craft", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def _font(pdf: pikepdf.Pdf, name: str, chars: list[str], blank: set[str]) -> pikepdf.Object:
    program = _program(chars, blank)
    cmap = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange", f"{len(chars)} beginbfchar"]
    cmap += [f"<{k + 1:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for k, ch in enumerate(chars)]
    cmap += ["endbfchar", "endcmap CMapName currentdict /CMap defineresource pop end end"]
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + name), Flags=4,
        FontBBox=[0, -120, 1000, 880], ItalicAngle=0, Ascent=880, Descent=-120, CapHeight=800, StemV=80,
        FontFile2=pdf.make_stream(program)))
    descendant = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/" + name),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor, DW=1000, CIDToGIDMap=pikepdf.Name.Identity))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + name),
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[descendant],
        ToUnicode=pdf.make_stream("\n".join(cmap).encode())))


def write_pdf(pages: list[Page], path: Path, *, blank: frozenset[str] = frozenset(),
              destinations: dict[str, tuple[int, float, float]] | None = None) -> Path:
    """``pages`` as a PDF at ``path``: their glyphs, rules and images (an image of a
    name starting /DocgenSeal gets that name), and named ``destinations`` (name -> page,
    left, top) such as docgen's bookmarks become."""
    pdf = pikepdf.new()
    faces: dict[str, list[str]] = {}
    for page in pages:
        for g in page.glyphs:
            chars = faces.setdefault(g.font, [])
            if g.char not in chars:
                chars.append(g.char)
    fonts = {face: _font(pdf, face, chars, set(blank)) for face, chars in faces.items()}
    labels = {face: f"/F{k}" for k, face in enumerate(fonts, 1)}
    pixel = pdf.make_stream(zlib.compress(b"\xcc\x22\x22"), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                            Width=1, Height=1, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                            Filter=pikepdf.Name.FlateDecode)
    for page in pages:
        ops = []
        for g in page.glyphs:
            code = faces[g.font].index(g.char) + 1
            r, gr, b = (list(g.color) + [0, 0, 0])[:3]
            ops.append(f"BT {r:g} {gr:g} {b:g} rg {labels[g.font]} {g.size:g} Tf 1 0 0 1 {g.x:.2f} {g.y:.2f} Tm "
                       f"<{code:04X}> Tj ET")
        for rule in page.rules:
            r, gr, b = (list(rule.color) + [0, 0, 0])[:3]
            ops.append(f"q {r:g} {gr:g} {b:g} rg {rule.x0:.2f} {rule.y0:.2f} {rule.x1 - rule.x0:.2f} "
                       f"{max(rule.y1 - rule.y0, 0.5):.2f} re f Q")
        images = {}
        for image in page.images:
            images[image.name] = pixel
            ops.append(f"q {image.x1 - image.x0:.2f} 0 0 {image.y1 - image.y0:.2f} {image.x0:.2f} {image.y0:.2f} cm "
                       f"{image.name} Do Q")
        resources = pikepdf.Dictionary(Font=pikepdf.Dictionary({labels[f]: fonts[f] for f in fonts}),
                                       XObject=pikepdf.Dictionary(images))
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, page.width, page.height], Resources=resources,
            Contents=pdf.make_stream("\n".join(ops).encode()))))
    if destinations:
        names = pikepdf.Array()
        for name, (index, left, top) in sorted(destinations.items()):
            names.append(pikepdf.String(name))
            names.append(pikepdf.Array([pdf.pages[index].obj, pikepdf.Name.XYZ, left, top, 0]))
        pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=names))
    pdf.save(path)
    return path
