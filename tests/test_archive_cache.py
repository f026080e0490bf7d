"""The PDF/A validator remembers each glyph outline it has read and each object that passed
its schema (preflight/archive.py wraps pikepdf's glyph and schema checks): the wrapped
functions are still there in the pikepdf that pyproject.toml pins, and a defective PDF still
fails, with the same findings as the validator's own checks give, after the good parts of
the same PDF were remembered."""
from __future__ import annotations

import inspect
import io
import json
import struct

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pikepdf.pdfa import _fontprogram, _schemas

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


def with_actions(data: bytes) -> bytes:
    """``data`` with a JavaScript action run when its first page opens (PDF/A forbids /AA)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        action = pikepdf.Dictionary({"/S": pikepdf.Name("/JavaScript"), "/JS": pikepdf.String("app.alert(1)")})
        pdf.pages[0].obj["/AA"] = pikepdf.Dictionary({"/O": action})
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def uncached(data: bytes):
    """The validator's verdict with its own glyph and schema checks."""
    import pikepdf.pdfa

    archive._remember_glyphs()
    archive._remember_schemas()
    glyphs, schemas = _fontprogram.TrueTypeProgram.has_gid, _schemas.SchemaSet.check
    _fontprogram.TrueTypeProgram.has_gid = glyphs.__wrapped__
    _schemas.SchemaSet.check = schemas.__wrapped__
    try:
        report = pikepdf.pdfa.validate_written(io.BytesIO(data), archive.FLAVOUR)
        return sorted(f"{f.message}（{f.where}，{f.rule}）" for f in report.findings)
    finally:
        _fontprogram.TrueTypeProgram.has_gid = glyphs
        _schemas.SchemaSet.check = schemas


def test_the_checks_are_wrapped():
    """pikepdf's TrueTypeProgram.has_gid and SchemaSet.check, and what the wrappers read of
    them, still exist."""
    assert archive._remember_glyphs() and archive._remember_schemas()
    check = _schemas.SchemaSet.check
    assert check.docgen_remembers and callable(check.__wrapped__)
    assert list(inspect.signature(check.__wrapped__).parameters) == ["self", "role", "shallow", "ctx", "where"]
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
    assert sorted(bad.reasons) == uncached(bad_data)
    assert sorted(good.reasons) == uncached(data)
    again = archive.validate(bad_data)  # a broken outline is remembered as broken
    assert sorted(again.reasons) == sorted(bad.reasons)


def test_a_forbidden_key_is_found_after_the_same_objects_passed():
    """The first page passes its schema, then the same page with /AA fails it, every time."""
    data = FIXTURE.read_bytes()
    archive._PASSED.clear()
    good = archive.validate(data)
    assert archive._PASSED
    bad_data = with_actions(data)
    for _ in range(2):
        bad = archive.validate(bad_data)
        assert any("/AA" in r for r in bad.reasons) and not any("/AA" in r for r in good.reasons)
        assert sorted(bad.reasons) == uncached(bad_data)


@needs_libreoffice
def test_an_example_bundle_fails_once_broken(example_bundles):
    root, _ = example_bundles
    manifest = next(root.rglob("manifest.json"))
    pdf = manifest.parent / json.loads(manifest.read_text("utf-8"))["pdf"]["path"]
    data = pdf.read_bytes()
    assert archive.validate(data).passed
    bad = archive.validate(broken_outlines(data))
    assert not bad.passed and any("glyphs the font program lacks" in r for r in bad.reasons)
    bad = archive.validate(with_actions(data))
    assert not bad.passed and any("/AA" in r for r in bad.reasons)
    assert archive.validate(data).passed


@pytest.fixture(autouse=True)
def _fresh_cache():
    yield
    archive._GLYPHS.clear()
    archive._PASSED.clear()
