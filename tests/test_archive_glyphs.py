"""The PDF/A validator remembers each glyph outline it has read (preflight/archive.py wraps
pikepdf's glyph check): the wrapped function is still there in the pikepdf that
pyproject.toml pins, and a PDF whose font program has broken outlines still fails, with the
same findings as the validator's own check gives, after its good outlines were remembered."""
from __future__ import annotations

import io
import json
import struct

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pikepdf.pdfa import _fontprogram

from docgen.preflight import archive
from tests.conftest import needs_libreoffice
from tests.helpers import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "main" / "three-parties" / "three-parties.pdf"


def broken_outlines(data: bytes) -> bytes:
    """``data`` with every simple outline of every embedded TrueType program made unreadable
    (one contour said to end at point 65534, more points than the outline has bytes), each
    outline keeping its length, so that the tables still fit together."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"
                    and "/FontFile2" in obj):
                continue
            program = bytearray(obj.FontFile2.read_bytes())
            font = TTFont(io.BytesIO(bytes(program)), lazy=True)
            glyf = font.reader.tables["glyf"].offset
            loca = font["loca"]
            for gid in range(1, len(loca) - 1):
                start, end = loca[gid], loca[gid + 1]
                if end - start >= 14 and struct.unpack_from(">h", program, glyf + start)[0] > 0:
                    struct.pack_into(">hhhhhHH", program, glyf + start, 1, 0, 0, 0, 0, 65534, 0)
            obj.FontFile2.write(bytes(program))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def uncached(data: bytes):
    """The validator's verdict with its own glyph check."""
    wrapped = _fontprogram.TrueTypeProgram.has_gid
    _fontprogram.TrueTypeProgram.has_gid = wrapped.__wrapped__
    try:
        return archive.validate(data)
    finally:
        _fontprogram.TrueTypeProgram.has_gid = wrapped


def test_the_glyph_check_is_wrapped():
    """pikepdf's TrueTypeProgram.has_gid, and what the wrapper reads of it, still exist."""
    assert archive._remember_glyphs()
    wrapped = _fontprogram.TrueTypeProgram.has_gid
    assert wrapped.docgen_remembers and callable(wrapped.__wrapped__)
    with pikepdf.open(FIXTURE) as pdf:
        data = next(o.FontFile2.read_bytes() for o in pdf.objects
                    if isinstance(o, pikepdf.Dictionary) and "/FontFile2" in o)
    program = _fontprogram.TrueTypeProgram(data)
    for name in ("_cff", "_num_glyphs", "_order", "_font"):
        assert hasattr(program, name), name
    assert hasattr(program._font["glyf"], "glyphs") and hasattr(program._font["glyf"], "extended")
    archive._GLYPHS.clear()
    assert program.has_gid(1) and archive._GLYPHS, "a simple outline is remembered"
    assert not program.has_gid(program.num_glyphs)


def test_broken_outlines_are_found_after_good_ones_were_remembered():
    data = FIXTURE.read_bytes()
    archive._GLYPHS.clear()
    good = archive.validate(data)
    assert archive._GLYPHS and all(archive._GLYPHS.values())
    bad_data = broken_outlines(data)
    bad = archive.validate(bad_data)
    assert any("glyphs the font program lacks" in r for r in bad.reasons)
    assert not any("glyphs the font program lacks" in r for r in good.reasons)
    assert sorted(bad.reasons) == sorted(uncached(bad_data).reasons)
    assert sorted(good.reasons) == sorted(uncached(data).reasons)
    again = archive.validate(bad_data)  # a broken outline is remembered as broken
    assert sorted(again.reasons) == sorted(bad.reasons)


@needs_libreoffice
def test_an_example_bundle_fails_once_its_outlines_are_broken(example_bundles):
    root, _ = example_bundles
    manifest = next(root.rglob("manifest.json"))
    pdf = manifest.parent / json.loads(manifest.read_text("utf-8"))["pdf"]["path"]
    data = pdf.read_bytes()
    assert archive.validate(data).passed
    bad = archive.validate(broken_outlines(data))
    assert not bad.passed and any("glyphs the font program lacks" in r for r in bad.reasons)


@pytest.fixture(autouse=True)
def _fresh_cache():
    yield
    archive._GLYPHS.clear()
