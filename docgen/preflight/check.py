"""Preflight: the GB/T 9704 rules run over a PDF, one document at a time.

A PDF made by ``docgen build --pdf`` is one document; a bundle's PDF holds several, and its
manifest.json (or the bundle stage itself) says where each starts, what it is, where its
parties sign and which seal image each received.
"""
from __future__ import annotations

import functools
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from ..records import Finding, Manifest, PlacedDocument, PrintedName, SealPlaced, Verdict
from .anchors import name_area, read_marks
from .archive import RULE, Archive, is_signed, validate
from .page import Page, Shared, read
from .rules import RULES, Document, Seal, Signature, printed_name
from .words import WordMarks, word_marks

WHOLE_FILE = "（整个 PDF 文件）"
"""The document a finding on the whole file (PDF/A) is reported under."""


@dataclass
class Result:
    """The findings of one document; ``failures`` decide, warnings only inform."""

    document: str
    findings: list[Finding] = field(default_factory=list)
    failed_rules: set[str] = field(default_factory=set)
    """Names of the ``RULES`` entries with a failure (a rule's findings may name a finer point)."""

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.warning]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.warning]

    def verdict(self) -> Verdict:
        """What the manifest records of it."""
        return Verdict(self.document, [name for name, _ in RULES if name not in self.failed_rules],
                       self.failures, self.warnings)

    def located(self, file: str) -> list[Finding]:
        """Its findings, each naming ``file`` and this document."""
        return [f.at(file, self.document) for f in self.findings]


def _reader(pdf: bytes | Path) -> PdfReader:
    return PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))


def pages_of(pdf: bytes | Path) -> list[Page]:
    return _pages(_reader(pdf))


def _pages(reader: PdfReader) -> list[Page]:
    shared = Shared()
    return [read(page, shared) for page in reader.pages]


def document_of(pdf: bytes | Path, title: str, family: str = "") -> Document:
    """A PDF of one document (``build --pdf``), with where its signers sign as its bookmarks
    say (``convert.marks``), and its family as the PDF names it unless ``family`` is given."""
    reader = _reader(pdf)
    pages = _pages(reader)
    marks = read_marks(reader)
    signatures = []
    for _, anchor in sorted(marks.signers.get(1, {}).items()):
        if 0 <= anchor.page < len(pages):
            box, _ = name_area(functools.partial(pages.__getitem__, anchor.page), anchor)
            signatures.append(Signature(printed_name(pages[anchor.page], box), anchor.page, box))
    return Document(title, pages, family or (marks.kinds[0] if marks.kinds else ""), signatures=signatures)


def check(documents: list[Document]) -> list[Result]:
    results = []
    for doc in documents:
        result = Result(doc.title)
        for name, rule in RULES:
            found = rule(doc)
            result.findings += found
            if any(not f.warning for f in found):
                result.failed_rules.add(name)
        results.append(result)
    return results


def check_bundle(pdf: bytes | Path, placed: list[PlacedDocument], seals: list[SealPlaced],
                 signatures: list[PrintedName]) -> list[Result]:
    """A bundle's PDF file checked document by document, as its manifest places them
    (``check_pages``), each against its Word file where the bundle's folder holds it."""
    reader = _reader(pdf)
    shared = Shared()
    marks = {}
    if isinstance(pdf, Path):
        words = [(part.word, pdf.parent / part.word) for part in placed]
        marks = {name: word_marks(path.read_bytes()) for name, path in words if path.is_file()}
    return check_pages(lambda k: read(reader.pages[k], shared), len(reader.pages), placed, seals, signatures, marks)


def check_pages(page: Callable[[int], Page], total: int, placed: list[PlacedDocument], seals: list[SealPlaced],
                signatures: list[PrintedName], marks: Mapping[str, WordMarks] | None = None) -> list[Result]:
    """A bundle's ``total`` pages (``page(k)`` reads the k-th, 0-based) checked document by
    document, as its manifest places them (``placed``, and where its seals went and its
    signers' names are printed): a document's pages are read when it is checked and let go
    after it, so that a bundle of thousands of pages (a bureau's, whose notice lists every
    pairing) holds one document's pages at a time. ``marks``: the punctuation of each part's
    Word file, by its name (``words.word_marks``), where it is at hand."""
    results = []
    for span in _spans(placed, total):
        pages = [page(k) for k in range(span.start, span.start + span.pages)]
        document = Document(span.title, pages, span.family, page_numbers=span.part is not None, padding={
            k for k in range(len(pages)) if span.part is not None and k >= span.part.printed_pages})
        if span.part is not None:
            document.marks = (marks or {}).get(span.part.word)
            # an entry is this part's by its title and its page (two documents may share a
            # title: per-county notices)
            document.seals = [Seal(s.party, s.page - 1 - span.start, s.seal_box, s.name_box, s.image_digest)
                              for s in seals if s.document == span.title and 0 <= s.page - 1 - span.start < len(pages)]
            document.signatures = [Signature(s.party, s.page - 1 - span.start, s.name_box)
                                   for s in signatures
                                   if s.document == span.title and 0 <= s.page - 1 - span.start < len(pages)]
        results += check([document])
        del document, pages  # before the next document's pages are read
    return results


@dataclass(frozen=True)
class _Span:
    """One document's pages in a bundle's PDF (0-based ``start``); ``part`` None for the
    cover and contents before the first part."""

    title: str
    family: str
    start: int
    pages: int
    part: PlacedDocument | None


def _spans(parts: list[PlacedDocument], total: int) -> list[_Span]:
    """Where each document of a bundle is: the cover and contents (when the first part does
    not start the PDF), then each part, its span cut at the end of the PDF."""
    starts = _first_pages(parts, total)
    first_part = min(starts, default=total + 1)
    out = []
    if first_part > 1:
        out.append(_Span("封面和目录", "bundle", 0, min(first_part - 1, total), None))
    for part, first_page in zip(parts, starts, strict=False):
        start = first_page - 1
        out.append(_Span(part.title, part.family, start, max(0, min(part.pages, total - start)), part))
    return out


def _first_pages(parts: list[PlacedDocument], total: int) -> list[int]:
    """Where each part starts; a manifest written before parts recorded it has the parts last."""
    if all(p.first_page is not None for p in parts):
        return [p.first_page for p in parts if p.first_page is not None]
    start = total - sum(p.pages for p in parts) + 1
    out = []
    for part in parts:
        out.append(max(start, 1))
        start += part.pages
    return out


def _whole_file(archive: Archive) -> list[Result]:
    """The PDF/A verdict as a result of its own, when it fails."""
    return [] if archive.passed else [Result(WHOLE_FILE, archive.findings(), {RULE})]


def check_document(path: Path, title: str, family: str = "") -> list[Result]:
    """Check a PDF of one document (``build --pdf``): the GB/T 9704 rules (against the Word
    file of the same name beside it, when there is one), and PDF/A-2b."""
    document = document_of(path, title, family)
    word = path.with_suffix(".docx")
    if word.is_file():
        document.marks = word_marks(word.read_bytes())
    return check([document]) + _whole_file(validate(path))


def check_file(path: Path) -> list[Result]:
    """Check one PDF: the GB/T 9704 rules, a bundle's PDF document by document with its
    manifest, and PDF/A-2b (for a signed bundle, the verdict its manifest recorded before
    signing: the validator cannot judge a signed file)."""
    manifest_path = path.parent / "manifest.json"
    if manifest_path.is_file():
        manifest = Manifest.from_json(manifest_path.read_bytes())
        if manifest.pdf_path == path.name:
            results = check_bundle(path, manifest.documents, manifest.seals, manifest.signatures)
            if manifest.signed and manifest.pdfa is not None:
                return results + _whole_file(manifest.pdfa)
            return results + _whole_file(validate(path))
    if is_signed(path):
        return check([document_of(path, path.stem)]) + [
            Result(WHOLE_FILE, [Finding(RULE, 0, "文件已数字签名，无法校验 PDF/A-2b（请检查签名前的文件）", warning=True)])]
    return check_document(path, path.stem)
