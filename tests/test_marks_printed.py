"""Every punctuation mark of the Word files is printed in the bundle's PDF. LibreOffice hung a
closing mark after a line filled to the right edge of the type area (28 characters of 三号) and
did not draw it: commas, 顿号 and full stops were missing from sealed plans while the Word
files held them. The templates now keep LibreOffice from hanging marks (see
``authoring/layout.py``, ``_doc_defaults``)."""
from __future__ import annotations

import subprocess
from collections import Counter

from docx import Document

from docgen.render import TEMPLATE_DIR

MARKS = "，。、；：？！）”"


def _marks(texts) -> Counter:
    return Counter(c for text in texts for c in text if c in MARKS)


def _word_texts(path) -> list[str]:
    doc = Document(str(path))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def test_every_mark_of_the_word_files_is_in_the_bundles_pdf(example_bundles):
    out, _ = example_bundles
    pdfs = sorted(out.rglob("bundles/*/*.pdf"))
    assert len(pdfs) > 20
    lost = {}
    for pdf in pdfs:
        printed = _marks(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
        written = _marks(text for word in sorted(pdf.parent.glob("*.docx")) for text in _word_texts(word))
        assert sum(written.values()) > 0, pdf
        if written - printed:
            lost[pdf.relative_to(out).as_posix()] = dict(written - printed)
    assert not lost


def test_the_templates_keep_libreoffice_from_hanging_marks():
    """``w:overflowPunct w:val="1"`` in every template's defaults: Word's own default (a mark
    may hang), which LibreOffice reads the other way round, as "do not hang"."""
    templates = sorted(TEMPLATE_DIR.glob("*.docx"))
    assert templates
    for template in templates:
        styles = Document(str(template)).styles.element
        assert styles.xpath("w:docDefaults/w:pPrDefault/w:pPr/w:overflowPunct/@w:val") == ["1"], template
