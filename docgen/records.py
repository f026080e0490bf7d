"""The typed records that cross packages: where a thing is on a page (``Box``), what went
wrong with one output (``Failure``), an output moved aside or a user's edit kept (``Moved``,
``KeptEdit``), what the preflight found (``Finding``, ``Verdict``) and
what a bundle holds (``Manifest`` and its entries).

The writer and every reader use the same types: the bundle stage fills a ``Manifest`` and
writes it with ``to_json``; the preflight, ``check-pdf`` and the command line read it back
with ``Manifest.from_json`` (manifests of earlier versions included), never a dict by key.
A field added here is written and read everywhere at once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple


class Box(NamedTuple):
    """A rectangle on a PDF page in points, from the page's lower left corner (as a PDF
    writes ``[x0 y0 x1 y1]``): a printed name, a seal, a signature."""

    x0: float
    y0: float
    x1: float
    y1: float

    def as_list(self) -> list[float]:
        return [round(v, 2) for v in self]

    @property
    def middle_y(self) -> float:
        return (self.y0 + self.y1) / 2


def _box(value: Any) -> Box:
    return Box(*(float(v) for v in value))


@dataclass(frozen=True)
class Failure:
    """One output that could not be made (the others were): which, and why, in Chinese."""

    file: str
    """The output as the user sees its path (``display_path``)."""
    reason: str


@dataclass(frozen=True)
class Moved:
    """An output moved out of the way, never deleted: from where, to where, and why (Chinese)."""

    source: Path
    target: Path
    reason: str


@dataclass(frozen=True)
class KeptEdit:
    """A file a user changed after docgen made it, kept under ``kept`` beside the new one; or,
    with a ``reason`` (Chinese), kept so where it was, when it was not made again (its data
    has errors, it failed to be made, the data no longer asks for it)."""

    path: Path
    kept: Path
    reason: str = ""


@dataclass(frozen=True)
class Finding:
    """One thing the preflight found on a PDF: a GB/T 9704 (or submission) rule broken, or,
    as a ``warning``, something to look at. A rule reports ``rule``, ``page`` and ``detail``;
    the run that checked the PDF adds which ``file`` and which ``document`` in it."""

    rule: str
    page: int
    """1-based page of the document, 0 for the whole document."""
    detail: str
    warning: bool = False
    document: str = ""
    """The document's title (a bundle's PDF holds several)."""
    file: str = ""
    """The PDF as the user sees its path."""

    def at(self, file: str, document: str) -> Finding:
        """This finding, said of ``document`` in ``file``."""
        return replace(self, file=file, document=document)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "page": self.page, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    """The preflight's verdict on one document of a PDF, as the manifest records it."""

    document: str
    passed: list[str]
    """The rules it passes, by name."""
    failed: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"document": self.document, "passed": list(self.passed),
                "failed": [f.to_json() for f in self.failed], "warnings": [f.to_json() for f in self.warnings]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        def findings(key: str, warning: bool) -> list[Finding]:
            return [Finding(f["rule"], f["page"], f["detail"], warning, data["document"]) for f in data.get(key, [])]

        return cls(data["document"], list(data.get("passed", [])), findings("failed", False), findings("warnings", True))


PDFA_RULE = "PDF/A-2b"
"""The rule a PDF/A finding is reported under."""


@dataclass
class Archive:
    """The PDF/A-2b validator's verdict on one PDF (``preflight.archive.validate``): passed,
    why not, and when it was checked."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    checked: str = "written"
    """'written' (the file as it is), 'before signing' (the file before its signature was added)."""

    SHOWN = 5
    """Reasons listed per file (the manifest keeps them all)."""

    def findings(self) -> list[Finding]:
        if self.passed:
            return []
        shown = [Finding(PDFA_RULE, 0, f"不符合 PDF/A-2b（归档格式）：{r}") for r in self.reasons[:self.SHOWN]]
        if len(self.reasons) > self.SHOWN:
            shown.append(Finding(PDFA_RULE, 0, f"另有 {len(self.reasons) - self.SHOWN} 处不符合 PDF/A-2b"))
        return shown or [Finding(PDFA_RULE, 0, "不符合 PDF/A-2b（归档格式）")]

    def to_json(self) -> dict[str, Any]:
        return {"flavour": PDFA_RULE, "passed": self.passed, "checked": self.checked, "reasons": list(self.reasons)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Archive:
        return cls(bool(data.get("passed")), list(data.get("reasons", [])), data.get("checked", "written"))


# ------------------------------------------------------------------ the manifest

@dataclass(frozen=True)
class FileEntry:
    """A file of the bundle folder and its SHA-256."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PlacedDocument:
    """One document in the merged PDF: its title, family, Word file and where it stands."""

    title: str
    family: str
    word: str
    """The Word file's name in the bundle folder."""
    first_page: int | None
    """1-based page of the merged PDF it starts on; None in manifests written before it was
    recorded (the documents are then the last pages)."""
    pages: int
    """Pages it takes, blank pages for double-sided printing included."""
    printed_pages: int
    """Pages of its own (without those blank pages)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "family": self.family, "word": self.word}
        if self.first_page is not None:
            out.update(first_page=self.first_page, pages=self.pages, printed_pages=self.printed_pages)
        else:
            out["pages"] = self.pages
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlacedDocument:
        pages = int(data.get("pages", 0))
        return cls(data.get("title", ""), data.get("family", ""), data.get("word", ""), data.get("first_page"),
                   pages, int(data.get("printed_pages", pages)))


@dataclass(frozen=True)
class PrintedName:
    """Where a party that signs a document prints its name (sealed or not): 1-based page of
    the merged PDF and the name's box."""

    document: str
    party: str
    role: str
    page: int
    name_box: Box

    def to_json(self) -> dict[str, Any]:
        return {"document": self.document, "party": self.party, "role": self.role, "page": self.page,
                "name_box": self.name_box.as_list()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PrintedName:
        return cls(data["document"], data["party"], data.get("role", ""), data["page"], _box(data["name_box"]))


@dataclass(frozen=True)
class SealPlaced:
    """A seal stamped: whose, on which document, the image (file name and content digest),
    1-based page of the merged PDF, the name it presses and the seal's own box."""

    document: str
    party: str
    role: str
    image: str
    image_digest: str
    """The image's resource name on the page is /DocgenSeal<digest>."""
    page: int
    name_box: Box
    seal_box: Box

    def to_json(self) -> dict[str, Any]:
        return {"document": self.document, "party": self.party, "role": self.role, "image": self.image,
                "image_digest": self.image_digest, "page": self.page, "name_box": self.name_box.as_list(),
                "seal_box": self.seal_box.as_list()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SealPlaced:
        return cls(data["document"], data["party"], data.get("role", ""), data.get("image", ""),
                   data.get("image_digest", ""), data["page"], _box(data["name_box"]), _box(data["seal_box"]))


@dataclass(frozen=True)
class SealMissing:
    """A party not sealed on a document, and why (no image, not yet confirmed, gaps …)."""

    document: str
    party: str
    role: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"document": self.document, "party": self.party, "role": self.role, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SealMissing:
        return cls(data.get("document", ""), data.get("party", ""), data.get("role", ""), data.get("reason", ""))


@dataclass(frozen=True)
class Draft:
    """A document left unsealed because it still holds draft text or blanks: what to fill in."""

    document: str
    word: str
    gaps: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"document": self.document, "word": self.word, "gaps": list(self.gaps)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        return cls(data.get("document", ""), data.get("word", ""), list(data.get("gaps", [])))


def _placed(entry: dict[str, Any], *keys: str) -> bool:
    """A seal or name entry that says where it is (older manifests may lack it)."""
    return "page" in entry and "party" in entry and "document" in entry and all(k in entry for k in keys)


@dataclass
class Manifest:
    """A bundle's manifest.json: the hashes of its files and of the data it was made from,
    the tool's version, the documents of the merged PDF and where they start, where each
    party signs, where each seal went and why a party was not sealed, what is unfinished, and
    the preflight's verdict on each document."""

    version: str
    created: str
    """The time written into the bundle's files (ISO 8601, UTC)."""
    programme: str
    bundle: str
    title: str
    inputs: dict[str, str]
    """Each data file (relative to the programme folder) and its SHA-256."""
    files: list[FileEntry]
    pdf_path: str
    pdf_pages: int
    documents: list[PlacedDocument]
    signatures: list[PrintedName] = field(default_factory=list)
    seals: list[SealPlaced] = field(default_factory=list)
    seals_missing: list[SealMissing] = field(default_factory=list)
    unfinished: list[Draft] = field(default_factory=list)
    signed: bool = False
    note: str = ""
    preflight: list[Verdict] | None = None
    """None until the preflight has run (it reads the manifest to know the documents)."""
    pdfa: Archive | None = None
    """The PDF/A-2b verdict on the merged PDF (None when not made as PDF/A)."""
    tool: str = "docgen"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tool": self.tool, "version": self.version, "created": self.created,
            "programme": self.programme, "bundle": self.bundle, "title": self.title,
            "inputs": dict(self.inputs),
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
            "pdf": {"path": self.pdf_path, "pages": self.pdf_pages, "documents": [d.to_json() for d in self.documents]},
            "signatures": [s.to_json() for s in self.signatures],
            "seals": [s.to_json() for s in self.seals],
            "seals_missing": [m.to_json() for m in self.seals_missing],
            "unfinished": [d.to_json() for d in self.unfinished],
            "signed": self.signed,
            "note": self.note,
        }
        if self.preflight is not None:
            out["preflight"] = [v.to_json() for v in self.preflight]
        if self.pdfa is not None:
            out["pdfa"] = self.pdfa.to_json()
        return out

    def to_json(self) -> bytes:
        return (json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        """A manifest as written, by this version or an earlier one (missing parts are empty)."""
        data = json.loads(text)
        pdf = data.get("pdf") or {}
        return cls(
            version=data.get("version", ""), created=data.get("created", ""), programme=data.get("programme", ""),
            bundle=data.get("bundle", ""), title=data.get("title", ""), inputs=dict(data.get("inputs") or {}),
            files=[FileEntry(f["path"], f["sha256"], f["size"]) for f in data.get("files", [])],
            pdf_path=pdf.get("path", ""), pdf_pages=int(pdf.get("pages", 0)),
            documents=[PlacedDocument.from_json(d) for d in pdf.get("documents", [])],
            signatures=[PrintedName.from_json(s) for s in data.get("signatures", []) if _placed(s, "name_box")],
            seals=[SealPlaced.from_json(s) for s in data.get("seals", []) if _placed(s, "seal_box", "name_box")],
            seals_missing=[SealMissing.from_json(m) for m in data.get("seals_missing", [])],
            unfinished=[Draft.from_json(d) for d in data.get("unfinished", [])],
            signed=bool(data.get("signed", False)), note=data.get("note", ""),
            preflight=[Verdict.from_json(v) for v in data["preflight"]] if "preflight" in data else None,
            pdfa=Archive.from_json(data["pdfa"]) if isinstance(data.get("pdfa"), dict) else None,
            tool=data.get("tool", "docgen"))
