"""Every punctuation mark of the Word files is printed in the bundle's PDF. LibreOffice hung a
closing mark after a line filled to the right edge of the type area (28 characters of 三号) and
did not draw it: commas, 顿号 and full stops were missing from sealed plans while the Word
files held them. The templates now keep LibreOffice from hanging marks (see
``authoring/layout.py``, ``_doc_defaults``)."""
from __future__ import annotations

import subprocess
import zipfile
from collections import Counter

from docx import Document

from docgen.render import TEMPLATE_DIR
from tests.conftest import needs_libreoffice
from tests.helpers import DATA, all_text, run

MARKS = "，。、；：？！）”"


def _marks(texts) -> Counter:
    return Counter(c for text in texts for c in text if c in MARKS)


def test_every_mark_of_the_word_files_is_in_the_bundles_pdf(example_bundles):
    out, _ = example_bundles
    pdfs = sorted(out.rglob("bundles/*/*.pdf"))
    assert len(pdfs) > 20
    lost = {}
    for pdf in pdfs:
        printed = _marks(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
        written = _marks(all_text(Document(str(word))) for word in sorted(pdf.parent.glob("*.docx")))
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


@needs_libreoffice
def test_the_preflight_finds_a_mark_the_pdf_does_not_show(converters, tmp_path):
    """The rule 标点, on the plan whose PDF lost its marks before: its Word file with the
    templates' setting taken out (as a bureau's own template may have it) is converted as it
    was, and the preflight of that PDF, against the Word file beside it, names what is missing,
    and where."""
    from docgen.preflight.check import check_document

    out = tmp_path / "out"
    assert run("build", DATA / "sichuan-2025", "-o", out, "-k", "plan").returncode == 0
    made = next(out.rglob("实施方案_*.docx"))
    hanging = tmp_path / "hanging" / made.name
    hanging.parent.mkdir()
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(hanging, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/styles.xml":
                assert b'<w:overflowPunct w:val="1"/>' in data
                data = data.replace(b'<w:overflowPunct w:val="1"/>', b"")
            target.writestr(item, data)
    [result] = converters.convert_all([(hanging, hanging.with_suffix(".pdf"))])
    assert result.ok, result
    found = check_document(hanging.with_suffix(".pdf"), "实施方案", "plan")
    lost = [f for r in found for f in r.findings if f.rule == "标点"]
    assert lost and all("少了" in f.detail and not f.warning for f in lost)
    # each on its page, by the words around it as printed, for the clerk to find it
    assert all(f.page > 0 and "”处少了“" in f.detail for f in lost), lost
    # (as docgen writes it, the same plan passes: every example bundle passes every rule,
    # tests/test_preflight.py)
