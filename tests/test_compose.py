"""Composing a bundle's documents into one Word file: docgen's faster composer (its style
lookup, its compiled queries) writes the same bytes as docxcompose's own, on pairings'
documents of the examples."""
from __future__ import annotations

import io
from pathlib import Path

import docxcompose.composer
import docxcompose.utils
import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docxcompose.composer import Composer

from docgen.bundle import compose


def _pairing_folders(built: Path) -> list[Path]:
    """Each folder of built Word files with two or more of them (a pairing's, or a
    programme's own documents)."""
    folders = sorted({p.parent for p in built.rglob("*.docx")})
    return [f for f in folders if len(list(f.glob("*.docx"))) >= 2]


@pytest.fixture
def docxcompose_own(monkeypatch):
    """Makes ``compose.compose`` run docxcompose as it is, for the bytes to compare with."""

    def use() -> None:
        monkeypatch.setattr(compose, "_Composer", Composer)
        monkeypatch.setattr(docxcompose.composer, "xpath", docxcompose.utils.xpath)

    return use


def test_the_examples_have_documents_to_compose(built):
    assert len(_pairing_folders(built)) >= 10


@pytest.mark.parametrize("which", range(6))
def test_composed_bytes_are_docxcompose_own(built, which, docxcompose_own):
    folders = _pairing_folders(built)
    chosen = folders[which * len(folders) // 6]
    parts = [(path, []) for path in sorted(chosen.glob("*.docx"))]
    ours = compose.compose(parts)
    docxcompose_own()
    assert ours == compose.compose(parts)


def test_docxcompose_queries_go_through_the_compiled_cache():
    assert docxcompose.composer.xpath is compose._xpath


def _with_own_styles(source: Path, target: Path) -> Path:
    """A copy of ``source`` with a paragraph and a character style of its own (as a bureau's
    own template may have), used in its last paragraphs."""
    doc = Document(str(source))
    doc.styles.add_style("BureauNote", WD_STYLE_TYPE.PARAGRAPH)
    doc.styles.add_style("BureauMark", WD_STYLE_TYPE.CHARACTER)
    paragraph = doc.add_paragraph("附注：本件由局办公室另行印发。", style="BureauNote")
    paragraph.add_run("（存档）", style="BureauMark")
    doc.save(str(target))
    return target


def test_styles_only_an_appended_document_has_are_copied_as_docxcompose_does(built, tmp_path, docxcompose_own):
    folder = _pairing_folders(built)[0]
    first, second = sorted(folder.glob("*.docx"))[:2]
    parts = [(first, []), (_with_own_styles(second, tmp_path / "own.docx"), [])]
    ours = compose.compose(parts)
    composed = Document(io.BytesIO(ours))
    assert {"BureauNote", "BureauMark"} <= {s.style_id for s in composed.styles}
    styled = [p for p in composed.paragraphs if p.style is not None and p.style.style_id == "BureauNote"]
    assert [p.runs[-1].style.style_id for p in styled] == ["BureauMark"]
    docxcompose_own()
    assert ours == compose.compose(parts)
