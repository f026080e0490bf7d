"""The preflight of a bundle reads the pages assembly merged (seal placement read the signing
pages of the converted body already): what it checks must be what the written PDF shows, page
for page, seals included. It reads them document by document, each document's pages let go
before the next one's are read (a bureau's bundle at 5 000 pairings has 2 154 pages, its
notice 1 436)."""
from __future__ import annotations

import json
import weakref

from docgen.bundle import make
from docgen.preflight import check as preflight_check
from docgen.preflight.check import WHOLE_FILE, check_bundle, check_file, pages_of
from docgen.records import Manifest
from tests.conftest import needs_libreoffice
from tests.helpers import HARD, run


@needs_libreoffice
def test_the_preflight_reads_what_the_written_pdf_shows(tmp_path, monkeypatch):
    assembled = []

    def kept(*args, **kwargs):
        result = original(*args, **kwargs)
        assembled.append((result, [result.text.page(k) for k in range(len(result.text))]))
        return result

    original = make.assemble
    monkeypatch.setattr(make, "assemble", kept)  # one bundle: assembled in this process
    result = run("bundle", HARD, "-o", tmp_path, "-p", "two", "-j", "1")
    assert result.returncode == 0, result.stderr
    [(bundle, pages)] = assembled
    assert bundle.seals, "a bundle with seals stamped"
    assert bundle.text is None, "the pages are let go once checked"
    folder = tmp_path / "stress" / "bundles" / "two"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    written = pages_of(folder / manifest["pdf"]["path"])
    assert len(pages) == len(written) == bundle.pages
    for k, (shared, read) in enumerate(zip(pages, written, strict=True)):
        assert shared == read, f"page {k + 1}"
    stamped = {s.page - 1 for s in bundle.seals}
    assert all(any(i.name.startswith("/DocgenSeal") for i in written[k].images) for k in stamped)
    again = [r.verdict().to_json() for r in check_file(folder / manifest["pdf"]["path"]) if r.document != WHOLE_FILE]
    assert again == manifest["preflight"]  # check-pdf on the written file: the same verdicts


@needs_libreoffice
def test_a_bundle_is_checked_holding_one_documents_pages(hard_bundles, monkeypatch):
    root, _ = hard_bundles
    path = max(root.rglob("manifest.json"), key=lambda p: len(json.loads(p.read_text("utf-8"))["pdf"]["documents"]))
    manifest = Manifest.from_json(path.read_bytes())
    pdf = path.parent / manifest.pdf_path
    assert len(manifest.documents) >= 4
    expected = check_bundle(pdf, manifest.documents, manifest.seals, manifest.signatures)

    made: list[weakref.ref] = []  # every page read (a Page is not hashable)
    most = [0]  # the most pages alive at once
    seen: list[tuple[str, int, int]] = []  # (document, its pages, pages alive when it is checked)
    read, check = preflight_check.read, preflight_check.check

    def reading(page, shared=None):
        out = read(page, shared)
        made.append(weakref.ref(out))
        most[0] = max(most[0], sum(r() is not None for r in made))
        return out

    def checking(documents):
        alive = sum(r() is not None for r in made)
        seen.extend((d.title, len(d.pages), alive) for d in documents)
        return check(documents)

    monkeypatch.setattr(preflight_check, "read", reading)
    monkeypatch.setattr(preflight_check, "check", checking)
    results = check_bundle(pdf, manifest.documents, manifest.seals, manifest.signatures)
    assert [r.verdict() for r in results] == [r.verdict() for r in expected]
    assert [title for title, _, _ in seen] == [r.document for r in expected]
    assert sum(pages for _, pages, _ in seen) == manifest.pdf_pages
    for title, pages, held in seen:
        assert held == pages, f"{title}: {held} pages held while its {pages} are checked"
    assert most[0] == max(pages for _, pages, _ in seen)  # nor more while they are read
