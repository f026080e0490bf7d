"""Which documents a build makes and where each goes.

A job is one document: its kind, its scope (programme plus the item it is for), the
template to use and the output path. Paths are Chinese file names that name the
schools, sanitised for every file system.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .context import Scope, counties
from .kinds import Kind
from .load import Loaded

_RESERVED = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_NAME = 100


def safe_name(name: str) -> str:
    """A file name with no path separators or reserved characters, of sensible length."""
    name = _RESERVED.sub("_", name).strip().strip(".")
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME]
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


def scopes(kind: Kind, loaded: Loaded, pairing_ids: set[str] | None, years: set[str] | None) -> list[Scope]:
    prog = loaded.programme
    base = dict(programme=prog, programme_id=loaded.id, pairings=loaded.pairings, root=loaded.root,
                activities=loaded.activities)
    pairings = [p for p in loaded.pairings if not pairing_ids or p.id in pairing_ids]
    out: list[Scope] = []
    if kind.per == "programme":
        out.append(Scope(**base))
    elif kind.per in ("bundle", "report"):
        return []  # made by docgen bundle / docgen report, not by a build
    elif kind.per == "notice":
        for notice in prog.notices:
            if notice.per_county:
                out += [Scope(**base, notice=notice, county=c) for c in counties(loaded.pairings)]
            else:
                out.append(Scope(**base, notice=notice))
    for pairing in pairings:
        if kind.per == "pairing":
            out.append(Scope(**base, pairing=pairing))
        elif kind.per == "pair":
            out += [Scope(**base, pairing=pairing, pair=pair) for pair in pairing.pairs]
        elif kind.per == "manager_pair":
            out += [Scope(**base, pairing=pairing, item=item) for item in pairing.middle_manager_pairs]
        elif kind.per == "teacher_pair":
            out += [Scope(**base, pairing=pairing, item=item) for item in pairing.teacher_pairs]
        elif kind.per == "year":
            cycle = pairing.cycle or prog.cycle
            written = {str(s.year) for s in pairing.summaries} | {y for pid, y in loaded.activities if pid == pairing.id}
            for year in cycle.cycle_years:
                if (years and year.key in years) or (not years and year.key in written):
                    out.append(Scope(**base, pairing=pairing, year=year))
    return out


def plan_jobs(loaded: Loaded, kinds: list[Kind], out_dir: Path, *, pairing_ids: set[str] | None = None,
              years: set[str] | None = None) -> list[Job]:
    """All jobs for one programme, with unique output paths."""
    jobs: list[Job] = []
    taken: set[Path] = set()
    for kind in kinds:
        if kind.per in ("programme", "notice") and pairing_ids:
            continue  # bureau documents are not built when only some pairings are asked for
        for scope in scopes(kind, loaded, pairing_ids, years):
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
            template = kind.template
            if scope.notice is not None:
                template = f"{scope.notice.template}.docx"
            jobs.append(Job(kind, scope, template, path))
    return jobs
