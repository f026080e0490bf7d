"""A full school year of records from four layers of pairs (issue 19 §2): the summary stays
readable — one line of reasons per rubric item, the pair-by-pair detail and long lists in
annexes of their own — and its body (everything before the first annex) is at most six pages,
however many records there are. Pages are measured on the PDF."""
from __future__ import annotations

import re

import pdfplumber
import pytest
from docx import Document

from docgen.text import display_width
from tests import long_programme
from tests.conftest import needs_libreoffice
from tests.helpers import run

pytestmark = needs_libreoffice

BODY_PAGES = 6


def body_pages(pdf_path) -> tuple[int, int]:
    """(pages before the first annex, all pages): an annex starts a page with 附表."""
    with pdfplumber.open(pdf_path) as pdf:
        texts = [(page.extract_text() or "").strip() for page in pdf.pages]
    first = next((k for k, t in enumerate(texts) if re.match(r"附表\s*\d*\s", t + " ")), len(texts))
    return first, len(texts)


@pytest.mark.parametrize("denser", [False, True])
def test_a_year_of_four_layers_gives_a_summary_of_at_most_six_pages(tmp_path, denser):
    root = tmp_path / "changjuan"
    n = long_programme.write(root, denser=denser)
    assert n >= 640
    out = tmp_path / "out"
    result = run("build", str(root), "-o", str(out), "-k", "summary", "--pdf", "-j", "1")
    assert result.returncode == 0, result.stdout + result.stderr  # the preflight passes: no single-row table tails
    for k in (1, 2):
        docx = out / "changjuan" / f"p{k}" / "年度工作总结_2025—2026学年.docx"
        body, total = body_pages(docx.with_suffix(".pdf"))
        assert body <= BODY_PAGES, (docx, body, total)
        assert total > body  # the detail is there, in the annexes
        doc = Document(str(docx))
        rubric = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")
        reasons = [r.cells[4].text for r in rubric.rows[1:]]
        assert len(reasons) == 5 and all(display_width(r) <= 90 for r in reasons), reasons
        detail = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("细则"))
        assert len(detail.rows) - 1 >= 2 + 2 + 5 * 2  # every pair of every layer, item by item
        table1 = next(t for t in doc.tables if t.rows[0].cells[0].text == "周期")
        assert all(display_width(r.cells[3].text) <= 60 for r in table1.rows[1:])  # a cell stays short
