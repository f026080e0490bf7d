"""The PDF/A validator fails a content stream on any warning caught while it parses it, and
warnings belong to the whole process: preflight/archive.py gives its parsers a ``warnings``
that records only pikepdf's own. A warning raised elsewhere in the meantime (another thread,
a finalizer) leaves a sound PDF sound; the parser's own complaint still fails a broken one."""
from __future__ import annotations

import io
import json
import threading
import time
import warnings

import pikepdf
import pytest
from pikepdf.pdfa import _cmap, _content

from docgen.preflight import archive
from tests.conftest import needs_libreoffice
from tests.helpers import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "main" / "three-parties" / "three-parties.pdf"


@pytest.fixture
def sound(example_bundles) -> bytes:
    """A bundle's PDF, which passes as PDF/A-2b."""
    root, _ = example_bundles
    manifest = next(root.rglob("manifest.json"))
    return (manifest.parent / json.loads(manifest.read_text("utf-8"))["pdf"]["path"]).read_bytes()


def test_both_parsers_are_given_the_filtered_warnings(monkeypatch):
    monkeypatch.setattr(_content, "warnings", warnings)  # as pikepdf has them
    monkeypatch.setattr(_cmap, "warnings", warnings)
    archive.validate(FIXTURE.read_bytes())
    assert getattr(_content.warnings, "docgen_filters", False) and getattr(_cmap.warnings, "docgen_filters", False)
    assert archive._own_warnings()


@pytest.mark.parametrize(("category", "filename"), [
    (UserWarning, "/srv/docgen/serve/app.py"),  # another thread's, say the workspace's
    (ResourceWarning, _content.__file__),  # an unclosed file collected while the parser runs
])
@needs_libreoffice
def test_a_warning_from_elsewhere_leaves_a_sound_pdf_sound(sound, monkeypatch, category, filename):
    data = sound
    assert archive.validate(data).passed
    made = _content.content_checker

    def noisy_checker(limits):
        checker = made(limits)

        class Noisy:
            def check(self, stream):
                warnings.warn_explicit("raised elsewhere", category, filename, 1)
                return checker.check(stream)

        return Noisy()

    monkeypatch.setattr(_content, "content_checker", noisy_checker)
    monkeypatch.setattr(_content, "warnings", warnings)  # as pikepdf has it: validate() must filter it
    verdict = archive.validate(data)
    assert verdict.passed, verdict.reasons[:3]


@needs_libreoffice
def test_the_parsers_own_warning_still_fails_a_broken_stream(sound):
    with pikepdf.open(io.BytesIO(sound)) as pdf:
        pdf.pages[0].obj.Contents = pdf.make_stream(b"BT /F1 12 Tf (abc Tj ET q q")
        out = io.BytesIO()
        pdf.save(out)
    verdict = archive.validate(out.getvalue())
    assert not verdict.passed
    assert any("Unexpected end of stream" in r for r in verdict.reasons), verdict.reasons[:3]


def test_one_parse_records_warnings_at_a_time():
    """``build --pdf`` validates in each converter's thread: a second parse waits for the first."""
    archive._own_warnings()
    own = _content.warnings
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def first():
        with own.catch_warnings(record=True):
            order.append("first in")
            inside.set()
            release.wait(5)
            order.append("first out")

    def second():
        inside.wait(5)
        with own.catch_warnings(record=True):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    inside.wait(5)
    time.sleep(0.2)  # long enough for the second to have gone in, were it let in
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first in", "first out", "second in"]
