"""What each submission bundle holds: one per pairing that has documents, one for the bureau.

A bundle's documents follow the order their kinds declare (``Kind.bundle_place``); its
cover names the parties and lists every document with its pages.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..documents.jobs import Job, safe_name
from ..documents.scope import CoverFacts
from ..documents.signers import Signer
from ..load import Loaded
from ..text import join

ENTRIES_PER_CONTENTS_PAGE = 18


@dataclass
class Part:
    """One document in a bundle; ``first`` and ``pages`` locate it in the converted body."""

    title: str
    docx: Path
    signers: list[Signer]
    attachments: list[str]
    first: int = 0
    pages: int = 0
    attachment_pages: list[int] = field(default_factory=list)


@dataclass
class Spec:
    """What one bundle holds, before it is assembled."""

    key: str
    title: str
    parties: list[str]
    date: dt.date | None
    folder: Path
    pdf_name: str
    parts: list[Part]
    loaded: Loaded

    @property
    def uid(self) -> str:
        return f"{self.loaded.id}/{self.key}"

    @property
    def zip_path(self) -> Path:
        return self.folder.with_suffix(".zip")


def part_title(job: Job) -> str:
    kind, _, rest = job.path.stem.partition("_")
    return f"{kind}：{rest}" if rest else kind


def _part(job: Job, context: dict) -> Part:
    atts = [f"{a['label']}　{''.join(a['title_lines'])}" for a in context.get("attachments", [])]
    return Part(part_title(job), job.path, job.kind.signers(job.scope), atts)


def plan(loaded: Loaded, done: list[tuple[Job, dict]], out_dir: Path) -> list[Spec]:
    """One bundle per pairing that has documents, plus one for the bureau."""
    prog = loaded.programme
    base = out_dir / loaded.id / "bundles"
    specs: list[Spec] = []
    by_pairing: dict[str, list[tuple[Job, dict]]] = {}
    bureau: list[tuple[Job, dict]] = []
    for job, context in done:
        if job.kind.bundle_place is None:
            continue
        if job.scope.pairing is not None:
            by_pairing.setdefault(job.scope.pairing.id, []).append((job, context))
        else:
            bureau.append((job, context))
    for pairing in loaded.pairings:
        items = by_pairing.get(pairing.id)
        if not items:
            continue
        items.sort(key=lambda jc: jc[0].kind.bundle_place)
        names = f"{pairing.supporter.name}与{join([r.name for r in pairing.recipients])}"
        specs.append(Spec(pairing.id, names, [f"支援学校：{pairing.supporter.name}"] +
                          [f"受援学校：{r.full_name}" for r in pairing.recipients], pairing.signed_on,
                          base / safe_name(pairing.id), safe_name(f"报送材料_{names}") + ".pdf",
                          [_part(j, c) for j, c in items], loaded))
    if bureau:
        bureau.sort(key=lambda jc: jc[0].kind.bundle_place)
        notice = prog.issuing_notice
        specs.append(Spec("bureau", f"{prog.title}", [prog.bureau.name], notice.date if notice else None,
                          base / "bureau", safe_name(f"报送材料_{prog.bureau.name}") + ".pdf",
                          [_part(j, c) for j, c in bureau], loaded))
    return specs


def _pad(n: int, duplex: bool) -> int:
    return n + (n % 2 if duplex else 0)


def guess_front_pages(spec: Spec) -> int:
    """Cover plus contents pages, before the cover is converted and counted."""
    return 1 + max(1, math.ceil(len(spec.parts) / ENTRIES_PER_CONTENTS_PAGE))


def cover_facts(spec: Spec, front_pages: int, duplex: bool) -> CoverFacts:
    """The cover of ``spec`` when the cover and contents take ``front_pages`` pages."""
    entries, page = [], _pad(front_pages, duplex) + 1
    for i, part in enumerate(spec.parts, 1):
        entries.append({"no": i, "title": part.title, "pages": part.pages, "start": page})
        page += _pad(part.pages, duplex)
    return CoverFacts(spec.title, spec.parties, spec.date, entries)
