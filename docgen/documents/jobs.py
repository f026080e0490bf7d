"""Which documents a build makes and where each goes.

A job is one document: its kind, its scope, the template to use and the output path.
Paths are Chinese file names that name the schools, made safe for every file system.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import Loaded
from .kinds import Kind
from .scope import Scope, Selection, scopes

_RESERVED = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_BYTES = 180
"""A file name's stem in UTF-8 bytes: file systems allow 255 bytes, and a stem leaves room
for a suffix (_2, .docx, .pdf) and for the hidden temporary name it is first written to."""


def safe_name(name: str) -> str:
    """A file name with no path separators or reserved characters, at most ``MAX_BYTES``
    long: a longer one is cut at a character and ends in a digest of the whole, so that two
    long names that start alike stay apart."""
    name = _RESERVED.sub("_", name).strip().strip(".")
    if len(name.encode("utf-8")) > MAX_BYTES:
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        cut = name
        while len(cut.encode("utf-8")) > MAX_BYTES - len(digest) - 4:
            cut = cut[:-1]
        name = f"{cut}…{digest}"
    return name or "未命名"


@dataclass
class Job:
    kind: Kind
    scope: Scope
    template: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.kind.label}（{self.path.name}）"

    @property
    def pairing_id(self) -> str | None:
        """The pairing the document belongs to; None for the bureau's documents."""
        return self.scope.pairing.id if self.scope.pairing is not None else None


@dataclass(frozen=True)
class Rendered:
    """A document written, with what the later stages need of its context (the context
    itself is let go: memory stays flat in the number of pairings)."""

    job: Job
    heading: str
    """Its real title: a bundle's contents and bookmarks, the preflight of its PDF."""
    attachments: list[str] = field(default_factory=list)
    """Each 附件's label and title, for the bundle's bookmarks."""
    gaps: list[str] = field(default_factory=list)
    """What it still lacks (draft text, blanks): a document with gaps is not sealed."""


def rendered(job: Job, context: dict[str, Any]) -> Rendered:
    """What is kept of a document rendered from ``context``."""
    attachments = [f"{a['label']}　{''.join(a['title_lines'])}" for a in context.get("attachments", [])]
    return Rendered(job, job.kind.heading(job.scope, context), attachments, list(context.get("gaps", [])))


def plan_jobs(loaded: Loaded, kinds: list[Kind], out_dir: Path, selection: Selection = Selection()) -> list[Job]:
    """All jobs for one programme, with unique output paths.

    The bureau's documents are left out when only some pairings are asked for."""
    jobs: list[Job] = []
    taken: set[Path] = set()
    for kind in kinds:
        if kind.per.bureau_level and selection.pairing_ids:
            continue
        for scope in scopes(kind.per, loaded, selection):
            folder = out_dir / loaded.id
            if scope.pairing is not None:
                folder = folder / safe_name(scope.pairing.id)
            stem = safe_name(kind.filename(scope))
            path = folder / f"{stem}.docx"
            n = 2
            while path in taken:
                path = folder / f"{stem}_{n}.docx"
                n += 1
            taken.add(path)
            jobs.append(Job(kind, scope, kind.template_for(scope), path))
    return jobs
