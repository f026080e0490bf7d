"""A .docx written in one pass (``docx_bytes``) is byte for byte what saving it and normalising
the saved file (``normalise_docx``) gives: same entries, order, times and pinned dates."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm

from docgen.outputs import docx_bytes, normalise_docx, set_core_properties

ROOT = Path(__file__).resolve().parent.parent
WHEN = dt.datetime(2023, 9, 1, 8, 30, 0)


def _two_ways(document) -> tuple[bytes, bytes]:
    saved = io.BytesIO()
    document.save(saved)
    return docx_bytes(document, WHEN), normalise_docx(saved.getvalue(), WHEN)


@pytest.mark.parametrize("template", sorted(p.name for p in (ROOT / "templates").glob("*.docx")))
def test_a_template_with_its_headers_styles_and_numbering_comes_out_the_same(template):
    document = Document(str(ROOT / "templates" / template))
    set_core_properties(document.core_properties, title="标题", when=WHEN)
    once, twice = _two_ways(document)
    assert once == twice
    with zipfile.ZipFile(io.BytesIO(once)) as written:
        assert {i.date_time for i in written.infolist()} == {(2023, 9, 1, 8, 30, 0)}
        assert b"2023-09-01T08:30:00Z" in written.read("docProps/core.xml")


def test_a_document_with_a_picture_comes_out_the_same():
    document = Document()
    document.add_paragraph("甲乙丙")
    document.add_picture(str(ROOT / "data" / "changsha-huaihua-2015" / "seals" / "sample-school.png"), width=Mm(40))
    once, twice = _two_ways(document)
    assert once == twice
    with zipfile.ZipFile(io.BytesIO(once)) as written:
        assert any(name.startswith("word/media/") for name in written.namelist())
