"""The bureau's documents of a shard's run, rendered in a process of their own.

A shard's load holds only its own pairings (``load_programme(keep=…)``), but the bureau's
documents list every pairing: rendering the notices of 5 000 pairings took the main process
to about 600 MB, and it kept 330–500 MB of that for the rest of the run (the allocators'
pools), bundles included (issue 22). A process started for them (``spawn``: the main process
may run threads, so it is not forked) loads the folder whole from the saved reads, renders
the documents asked for, sends back each one's bytes and the facts a bundle is planned from,
and ends, giving all of it back. The run writes and records them as it does the others.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
from dataclasses import dataclass
from pathlib import Path

from ..documents.jobs import Job, Rendered, plan_jobs, rendered
from ..documents.kinds import select
from ..documents.scope import Selection
from ..errors import DataChanged, reason
from ..load import load_programme
from ..outputs import build_time
from .renderer import Renderer


@dataclass(frozen=True)
class Asked:
    """The bureau's documents of one programme a run asks to be rendered apart."""

    root: Path
    saved: Path | None
    """Where the run's load saved its reads (the process reads the folder from them)."""
    out: Path
    templates: Path
    kinds: tuple[str, ...]
    selection: Selection
    paths: tuple[Path, ...]
    """The documents to render, as the run planned them."""


@dataclass(frozen=True)
class Made:
    """One document rendered apart: its bytes and facts (``Rendered.facts``), or why not."""

    path: Path
    data: bytes | None = None
    facts: dict | None = None
    reason: str = ""


def render_job(job: Job, renderer: Renderer) -> tuple[bytes, Rendered]:
    """One document rendered from its context: its bytes and what is kept of it (the one way
    a job is rendered, in the run's process or apart: the same bytes either way)."""
    context = job.kind.context(job.scope)
    data = renderer.render(job.template, context, title=job.path.stem, when=build_time(job.day))
    return data, rendered(job, context)


def render_apart(asked: Asked) -> dict[Path, Made]:
    """Each document of ``asked`` rendered in a process of its own, by path; a process that
    dies, or fails before it renders, fails each of them with why, never the run."""
    context = multiprocessing.get_context("spawn")
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as process:
            made = process.submit(render_bureau, asked).result()
    except concurrent.futures.process.BrokenProcessPool:
        made = _failed(asked, "生成教育局文书的进程异常退出（可能是内存不足），请重新运行")
    except Exception as error:  # noqa: BLE001 - the bureau's documents fail, the run goes on
        made = _failed(asked, reason(error))
    return {m.path: m for m in made}


def _failed(asked: Asked, why: str) -> list[Made]:
    return [Made(path, reason=why) for path in asked.paths]


def render_bureau(asked: Asked) -> list[Made]:
    """``render_apart``'s work, in the process it starts: the folder loaded whole, the
    bureau's documents planned as the run planned them and rendered."""
    loaded = load_programme(asked.root, once=True, saved=asked.saved)
    if not loaded.buildable:  # its programme file was moved or spoilt since the run read it
        return _failed(asked, str(DataChanged(asked.root)))
    jobs = {job.path: job for job in plan_jobs(loaded, select(asked.kinds), asked.out, asked.selection)
            if job.pairing_id is None}
    renderer = Renderer(asked.templates)
    out = []
    for path in asked.paths:
        job = jobs.get(path)
        if job is None:  # the data changed since the run planned it
            out.append(Made(path, reason=str(DataChanged(asked.root))))
            continue
        try:
            data, made = render_job(job, renderer)
            out.append(Made(path, data, made.facts()))
        except Exception as error:  # noqa: BLE001 - one document's failure never stops the others
            out.append(Made(path, reason=reason(error)))
    return out
