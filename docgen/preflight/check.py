"""Preflight: the GB/T 9704 rules run over a PDF, one document at a time.

A PDF made by ``docgen build --pdf`` is one document; a bundle's PDF holds several, and its
manifest.json (or the bundle stage itself) says where each starts, what it is, where its
parties sign and which seal image each received.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from .anchors import name_area, read_marks
from .archive import RULE, Archive, is_signed, validate
from .page import Page, read
from .rules import RULES, Document, Finding, Seal, Signature, printed_name

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

    def as_dict(self) -> dict:
        return {"document": self.document, "passed": [name for name, _ in RULES if name not in self.failed_rules],
                "failed": [{"rule": f.rule, "page": f.page, "detail": f.detail} for f in self.failures],
                "warnings": [{"rule": f.rule, "page": f.page, "detail": f.detail} for f in self.warnings]}


def pages_of(pdf: bytes | Path) -> list[Page]:
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    fonts: dict = {}
    return [read(page, fonts) for page in reader.pages]


def document_of(pdf: bytes | Path, title: str, family: str = "") -> Document:
    """A PDF of one document (``build --pdf``), with where its signers sign as its bookmarks
    say (``convert.marks``), and its family as the PDF names it unless ``family`` is given."""
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    fonts: dict = {}
    pages = [read(page, fonts) for page in reader.pages]
    marks = read_marks(reader)
    signatures = []
    for _, anchor in sorted(marks.signers.get(1, {}).items()):
        if 0 <= anchor.page < len(pages):
            box, _ = name_area(lambda page=pages[anchor.page]: page, anchor)
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


def documents_from_manifest(pages: list[Page], manifest: dict) -> list[Document]:
    """A bundle's documents, as its manifest describes them."""
    out = []
    parts = manifest.get("pdf", {}).get("documents", [])
    seals = manifest.get("seals", [])
    signatures = manifest.get("signatures", [])
    starts = _first_pages(parts, len(pages))
    first_part = min(starts, default=len(pages) + 1)
    if first_part > 1:
        out.append(Document("封面和目录", pages[:first_part - 1], "bundle", page_numbers=False))
    for part, first_page in zip(parts, starts):
        start = first_page - 1
        span = pages[start:start + part["pages"]]
        padding = {k for k in range(len(span)) if k >= part.get("printed_pages", part["pages"])}

        def local(page: int) -> int:
            return page - 1 - start

        def mine(entry: dict, *keys: str) -> bool:  # two documents may share a title (per-county notices)
            return entry.get("document") == part["title"] and _placed(entry, *keys) and 0 <= local(entry["page"]) < len(span)
        out.append(Document(
            part["title"], span, part.get("family", ""), padding=padding,
            seals=[Seal(s["party"], local(s["page"]), tuple(s["seal_box"]), tuple(s["name_box"]), s.get("image_digest", ""))
                   for s in seals if mine(s, "seal_box", "name_box")],
            signatures=[Signature(s["party"], local(s["page"]), tuple(s["name_box"]))
                        for s in signatures if mine(s, "name_box")]))
    return out


def _first_pages(parts: list[dict], total: int) -> list[int]:
    """Where each part starts; a manifest written before parts recorded it has the parts last."""
    if all("first_page" in p for p in parts):
        return [p["first_page"] for p in parts]
    start = total - sum(p.get("pages", 0) for p in parts) + 1
    out = []
    for part in parts:
        out.append(max(start, 1))
        start += part.get("pages", 0)
    return out


def _placed(entry: dict, *keys: str) -> bool:
    return "page" in entry and "party" in entry and all(k in entry for k in keys)


def _whole_file(archive: Archive) -> list[Result]:
    """The PDF/A verdict as a result of its own, when it fails."""
    return [] if archive.passed else [Result(WHOLE_FILE, archive.findings(), {RULE})]


def check_document(path: Path, title: str, family: str = "") -> list[Result]:
    """Check a PDF of one document (``build --pdf``): the GB/T 9704 rules, and PDF/A-2b."""
    return check([document_of(path, title, family)]) + _whole_file(validate(path))


def check_file(path: Path) -> list[Result]:
    """Check one PDF: the GB/T 9704 rules, a bundle's PDF document by document with its
    manifest, and PDF/A-2b (for a signed bundle, the verdict its manifest recorded before
    signing: the validator cannot judge a signed file)."""
    manifest_path = path.parent / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if manifest.get("pdf", {}).get("path") == path.name:
            results = check(documents_from_manifest(pages_of(path), manifest))
            recorded = manifest.get("pdfa")
            if manifest.get("signed") and recorded:
                return results + _whole_file(Archive(recorded["passed"], recorded.get("reasons", []), recorded["checked"]))
            return results + _whole_file(validate(path))
    if is_signed(path):
        return check([document_of(path, path.stem)]) + [
            Result(WHOLE_FILE, [Finding(RULE, 0, "文件已数字签名，无法校验 PDF/A-2b（请检查签名前的文件）", warning=True)])]
    return check_document(path, path.stem)
