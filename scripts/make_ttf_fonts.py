"""Converts the Fandol fonts (OpenType with CFF outlines) to TrueType, for the PDF converter,
and writes the fall-back faces without the characters they claim but draw blank.

    python scripts/make_ttf_fonts.py SOURCE_DIR TARGET_DIR
    python scripts/make_ttf_fonts.py --fallbacks TARGET_DIR
    python scripts/make_ttf_fonts.py --title TARGET_DIR

LibreOffice embeds CFF fonts in a PDF by turning them into Type 1 programs numbered with a
counter that runs on across every document one converter process exports, so a document's
PDF would depend on what was converted before it. TrueType fonts are embedded as TrueType
subsets, with nothing of the kind, and the PDFs come out smaller. Run by scripts/setup.sh
(set-up code, not part of docgen); takes about a minute on two cores.
"""
from __future__ import annotations

import concurrent.futures
import sys
from pathlib import Path

FACES = ["FandolFang-Regular", "FandolKai-Regular", "FandolHei-Regular", "FandolSong-Regular", "FandolSong-Bold"]


def to_truetype(source: Path, target: Path) -> str:
    """``source`` (OpenType/CFF) written to ``target`` with quadratic TrueType outlines."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(source)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["head"].glyphDataFormat = 0
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\x00\x01\x00\x00"
    if source.stem.endswith("-Bold"):
        font["OS/2"].usWeightClass = 700  # Fandol's bold faces say 400, so no font matcher could pick them
    tmp = target.with_suffix(".tmp")
    font.save(tmp)
    tmp.replace(target)
    return target.name


FALLBACKS = [("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "ARPLUMingCN.ttf"),
             ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "ARPLUKaiCN.ttf"),
             ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYiZenHei.ttf")]
"""Faces of wide coverage the converter falls back on for characters the Fandol faces lack."""


def without_blanks(source: str, index: int, target: Path) -> str:
    """One face of a collection, minus the characters its cmap lists but whose glyph is empty
    (AR PL UKai maps 䶮 and 46 other characters to nothing): the converter then takes the
    next face that really draws them, and a PDF never shows a blank where a name has a
    character."""
    from fontTools.ttLib import TTCollection

    font = TTCollection(source).fonts[index]
    glyf = font["glyf"]
    for table in font["cmap"].tables:
        if not table.isUnicode():
            continue
        for code, glyph in list(table.cmap.items()):
            if code > 0x2FFF and chr(code).isprintable() and not chr(code).isspace() \
                    and glyf[glyph].numberOfContours == 0:
                del table.cmap[code]
    tmp = target.with_suffix(".tmp")
    font.save(tmp)
    tmp.replace(target)
    return target.name


TITLE = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, "NotoSerifCJKsc-Bold.ttf")
"""The heavy Song face (Noto Serif CJK SC Bold, of fonts-noto-cjk) that sets the characters of
a title or a red 发文机关标志 the Fandol 宋体 lacks (喆 堃 珺 玥 䶮 …), at the weight of the rest."""
TITLE_RANGES = [(0x20, 0x7E), (0xB7, 0xB7), (0x2010, 0x206F), (0x3000, 0x303F), (0x3400, 0x4DBF),
                (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF)]
"""What a title may hold: ASCII, punctuation, the CJK ideographs (with extension A)."""


def title_face(target: Path) -> str:
    """The SC face of Noto Serif CJK Bold cut to ``TITLE_RANGES`` and given TrueType outlines."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    source, index, name = TITLE
    font = TTCollection(source).fonts[index]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for a, b in TITLE_RANGES for c in range(a, b + 1)])
    subsetter.subset(font)
    cut = target / (name + ".cff.otf")
    font.save(cut)
    try:
        to_truetype(cut, target / name)
    finally:
        cut.unlink(missing_ok=True)
    return name


def main() -> None:
    if sys.argv[1] == "--title":
        target = Path(sys.argv[2])
        target.mkdir(parents=True, exist_ok=True)
        if not (target / TITLE[2]).exists():
            print(f"   {title_face(target)}")
        return
    if sys.argv[1] == "--fallbacks":
        target = Path(sys.argv[2])
        target.mkdir(parents=True, exist_ok=True)
        todo = [(src, i, target / name) for src, i, name in FALLBACKS if not (target / name).exists()]
        with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
            for name in pool.map(without_blanks, *zip(*todo, strict=True)) if todo else []:
                print(f"   {name}")
        return
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.mkdir(parents=True, exist_ok=True)
    todo = [(source / f"{face}.otf", target / f"{face}.ttf") for face in FACES if not (target / f"{face}.ttf").exists()]
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        for name in pool.map(to_truetype, *zip(*todo, strict=True)) if todo else []:
            print(f"   {name}")


if __name__ == "__main__":
    main()
