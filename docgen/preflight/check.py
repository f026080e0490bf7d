"""Preflight: the GB/T 9704 rules run over a PDF, one document at a time.

A PDF made by ``docgen build --pdf`` is one document; a bundle's PDF holds several, and its
manifest.json (or the bundle stage itself) says where each starts, what it is, where its
parties sign and which seal image each received.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from ..records import Finding, Manifest, PlacedDocument, Verdict
from .page import Page, read
from .rules import RULES, Document, Seal, Signature


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


def pages_of(pdf: bytes | Path) -> list[Page]:
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    fonts: dict = {}
    return [read(page, fonts) for page in reader.pages]


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


def documents_from_manifest(pages: list[Page], manifest: Manifest) -> list[Document]:
    """A bundle's documents, as its manifest describes them."""
    out = []
    parts = manifest.documents
    starts = _first_pages(parts, len(pages))
    first_part = min(starts, default=len(pages) + 1)
    if first_part > 1:
        out.append(Document("封面和目录", pages[:first_part - 1], "bundle", page_numbers=False))
    for part, first_page in zip(parts, starts):
        start = first_page - 1
        span = pages[start:start + part.pages]
        padding = {k for k in range(len(span)) if k >= part.printed_pages}
        # an entry is this part's by its title and its page (two documents may share a title:
        # per-county notices)
        out.append(Document(
            part.title, span, part.family, padding=padding,
            seals=[Seal(s.party, s.page - 1 - start, s.seal_box, s.name_box, s.image_digest)
                   for s in manifest.seals if s.document == part.title and 0 <= s.page - 1 - start < len(span)],
            signatures=[Signature(s.party, s.page - 1 - start, s.name_box)
                        for s in manifest.signatures if s.document == part.title and 0 <= s.page - 1 - start < len(span)]))
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


def check_file(path: Path) -> list[Result]:
    """Check one PDF; a bundle's PDF is checked document by document with its manifest."""
    pages = pages_of(path)
    manifest_path = path.parent / "manifest.json"
    if manifest_path.is_file():
        manifest = Manifest.from_json(manifest_path.read_bytes())
        if manifest.pdf_path == path.name:
            return check(documents_from_manifest(pages, manifest))
    return check([Document(path.stem, pages)])
