"""The preflight of a bundle reads the pages assembly already read (seal placement reads the
signing pages of the converted body): what it checks must be what the written PDF shows,
page for page, seals included."""
from __future__ import annotations

import json

from docgen.bundle import make
from docgen.preflight.check import WHOLE_FILE, check_file, pages_of
from tests.conftest import needs_libreoffice
from tests.helpers import HARD, run


@needs_libreoffice
def test_the_preflight_reads_what_the_written_pdf_shows(tmp_path, monkeypatch):
    assembled = []

    def kept(*args, **kwargs):
        result = original(*args, **kwargs)
        assembled.append(result)
        return result

    original = make.assemble
    monkeypatch.setattr(make, "assemble", kept)  # one bundle: assembled in this process
    result = run("bundle", HARD, "-o", tmp_path, "-p", "two", "-j", "1")
    assert result.returncode == 0, result.stderr
    [bundle] = assembled
    assert bundle.seals, "a bundle with seals stamped"
    written = pages_of(bundle.pdf)
    assert len(bundle.text) == len(written) == bundle.pages
    for k, (shared, read) in enumerate(zip(bundle.text, written, strict=True)):
        assert shared == read, f"page {k + 1}"
    stamped = {s.page - 1 for s in bundle.seals}
    assert all(any(i.name.startswith("/DocgenSeal") for i in written[k].images) for k in stamped)
    folder = tmp_path / "stress" / "bundles" / "two"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    again = [r.verdict().to_json() for r in check_file(folder / manifest["pdf"]["path"]) if r.document != WHOLE_FILE]
    assert again == manifest["preflight"]  # check-pdf on the written file: the same verdicts
