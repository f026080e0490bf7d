"""Which documents a build makes and where each goes.

A job is one document: its kind, its scope, the template to use and the output path.
Paths are Chinese file names that name the schools, made safe for every file system.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from ..errors import given
from ..load import Loaded
from ..output_tree import OutputTree
from .dates import Dates
from .kinds import Kind
from .scope import Scope, Selection, scopes


@dataclass
class Job:
    kind: Kind
    scope: Scope
    template: str
    path: Path
    day: dt.date | None = None
    """The day its metadata is dated (``documents.dates``; None: no data gives one)."""

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

    def facts(self) -> dict[str, Any]:
        """What is kept of it as plain JSON, for the build record: a later run that finds the
        document unchanged knows it again (``noted``) without working out its context."""
        return {"heading": self.heading, "attachments": list(self.attachments), "gaps": list(self.gaps)}


def rendered(job: Job, context: dict[str, Any]) -> Rendered:
    """What is kept of a document rendered from ``context``."""
    attachments = [f"{a['label']}　{''.join(a['title_lines'])}" for a in context.get("attachments", [])]
    return Rendered(job, job.kind.heading(job.scope, context), attachments, list(context.get("gaps", [])))


def noted(job: Job, facts: dict[str, Any] | None) -> Rendered | None:
    """What was kept of ``job``'s document when it was made (``Rendered.facts``), or None when
    nothing usable was kept: then its context is worked out again (``rendered``)."""
    if facts is None:
        return None
    heading, attachments, gaps = facts.get("heading"), facts.get("attachments"), facts.get("gaps")
    if not isinstance(heading, str) or not _strings(attachments) or not _strings(gaps):
        return None
    return Rendered(job, heading, list(attachments), list(gaps))


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def plan_jobs(loaded: Loaded, kinds: list[Kind], out_dir: Path, selection: Selection = Selection()) -> list[Job]:
    """All jobs for one programme, with unique output paths (``OutputTree`` places them).

    The bureau's documents are left out when only some pairings are asked for, or in a shard
    that does not own them (``Selection.shard``)."""
    tree = OutputTree(out_dir)
    dates = Dates(loaded)
    jobs: list[Job] = []
    taken: set[Path] = set()
    for kind in kinds:
        if kind.per.bureau_level and not selection.makes(None):
            continue
        if kind.per.built and not kind.per.bureau_level and not given(loaded.programme, "a programme").wants(kind.name):
            continue  # the programme does not ask its pairings for this document
        for scope in scopes(kind.per, loaded, selection):
            pairing_id = scope.pairing.id if scope.pairing is not None else None
            n = 1
            path = tree.document(loaded.id, pairing_id, kind.filename(scope))
            while path in taken:
                n += 1
                path = tree.document(loaded.id, pairing_id, kind.filename(scope), n)
            taken.add(path)
            jobs.append(Job(kind, scope, kind.template_for(scope), path, dates.day(kind, scope)))
    return jobs
