"""Composing a bundle's documents into one Word file: docgen's faster composer writes the
same bytes as docxcompose's own, on every pairing's documents of the examples."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docxcompose.composer import Composer

from docgen.bundle import compose


def _pairing_folders(built: Path) -> list[Path]:
    """Each folder of built Word files with two or more of them (a pairing's, or a
    programme's own documents)."""
    folders = sorted({p.parent for p in built.rglob("*.docx")})
    return [f for f in folders if len(list(f.glob("*.docx"))) >= 2]


def test_the_examples_have_documents_to_compose(built):
    assert len(_pairing_folders(built)) >= 10


@pytest.mark.parametrize("which", range(6))
def test_composed_bytes_are_docxcompose_own(built, which, monkeypatch):
    folders = _pairing_folders(built)
    chosen = folders[which * len(folders) // 6]
    parts = [(path, []) for path in sorted(chosen.glob("*.docx"))]
    ours = compose.compose(parts)
    monkeypatch.setattr(compose, "_Composer", Composer)
    assert ours == compose.compose(parts)


def test_every_style_a_document_uses_is_in_the_composed_file(built):
    """What the style lookup must keep doing: a style an appended document refers to is
    copied into the composed file, so the paragraph keeps its look."""
    folder = next(f for f in _pairing_folders(built) if len(list(f.glob("*.docx"))) >= 4)
    parts = [(path, []) for path in sorted(folder.glob("*.docx"))]
    composed = Document(io.BytesIO(compose.compose(parts)))
    defined = {s.style_id for s in composed.styles}
    for path, _ in parts:
        body = Document(str(path)).element.body
        used = {e.get(qn("w:val")) for e in body.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle"))}
        assert used and used <= defined, path.name
