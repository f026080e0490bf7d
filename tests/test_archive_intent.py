"""A bundle's body and cover are converted as plain PDFs (LibreOffice's PDF/A export tags
every page, about 15 % of the conversion); the merged bundle is made PDF/A-2b by
``archival``, which gives a PDF without an OutputIntent the sRGB one PDF/A asks for."""
from __future__ import annotations

import datetime as dt
import io

import pikepdf

from docgen.convert.archive import archival
from docgen.preflight.archive import validate

WHEN = dt.datetime(2023, 7, 10, 12, 0, 0)


def _plain_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_plain_pdf_becomes_pdfa_2b_with_an_srgb_intent_and_the_same_bytes_every_time():
    plain = _plain_pdf()
    assert not validate(plain).passed  # no OutputIntent, no PDF/A metadata
    made = archival(plain, plain, title="示例", producer="docgen", when=WHEN)
    report = validate(made)
    assert report.passed, report.reasons
    with pikepdf.open(io.BytesIO(made)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[36:40] == b"acsp" and profile[16:20] == b"RGB "
    assert archival(plain, plain, title="示例", producer="docgen", when=WHEN) == made
