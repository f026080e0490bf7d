"""The bundle stage, top to bottom: each bundle's documents composed into one .docx and
converted once (all bundles in parallel), the covers converted (again if the contents
took more pages than guessed), then every bundle assembled and written in forked worker
processes (pypdf is pure Python, so threads would not run in parallel)."""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from ..convert import Pool
from ..documents.kinds import kind
from ..documents.scope import Scope
from ..errors import display_path, os_reason
from ..options import BundleOptions
from ..outputs import build_time
from ..preflight.archive import validate
from ..preflight.check import Result
from ..records import Draft, Failure, SealMissing, SealPlaced
from ..render import Renderer
from .assemble import assemble, locate_parts
from .compose import compose
from .manifest import write_bundle
from .plan import Spec, cover_facts, guess_front_pages
from .seals import _decoded

COVER = kind("cover")


@dataclass
class BundleReport:
    """One bundle written: where, how many pages, the seals placed and the parties not sealed."""

    spec: Spec
    pages: int
    seals: list[SealPlaced] = field(default_factory=list)
    missing: list[SealMissing] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    preflight: list[Result] = field(default_factory=list)
    """The preflight's results, one per document."""

    @property
    def pdf(self) -> Path:
        return self.spec.folder / self.spec.pdf_name

    @property
    def zip(self) -> Path:
        return self.spec.zip_path


@dataclass
class Timings:
    """Seconds spent in each part of the stage (for the benchmark)."""

    compose: float = 0.0
    convert: float = 0.0
    assemble: float = 0.0
    """Merging, stamping and writing (manifest, zip), preflight excluded."""
    preflight: float = 0.0
    """Checking the finished PDFs (summed over the workers)."""
    archive: float = 0.0
    """Making the merged PDFs PDF/A-2b and validating them (summed over the workers; part of
    ``assemble``)."""


def _convert(pool: Pool, docs: list[Path], then=None) -> list[str]:
    """Convert ``docs`` to PDFs beside them; the reason for each failure, or ''."""
    results = pool.convert_all([(d, d.with_suffix(".pdf")) for d in docs], then=then)
    return ["" if r.ok else r.error for r in results]


def _covers(specs: list[Spec], bodies: dict[str, Path], renderer: Renderer, pool: Pool, duplex: bool,
            failures: list[Failure]) -> dict[str, Path]:
    """Each bundle's converted cover; a cover is made again if its contents ran to more pages."""
    front = {spec.uid: guess_front_pages(spec) for spec in specs}
    covers: dict[str, Path] = {}
    todo = list(specs)
    for _ in range(3):  # the number of contents pages is known only after conversion
        if not todo:
            break
        docs = []
        for spec in todo:
            path = bodies[spec.uid].parent / "封面和目录.docx"
            scope_context = COVER.context(_cover_scope(spec, front[spec.uid], duplex))
            path.write_bytes(renderer.render(COVER.template, scope_context, when=build_time(spec.made_on)))
            docs.append(path)
        again = []
        for spec, doc, why in zip(todo, docs, _convert(pool, docs)):
            if why:
                failures.append(Failure(display_path(spec.folder), f"封面转换失败：{why}"))
                continue
            pages = len(PdfReader(doc.with_suffix(".pdf")).pages)
            if pages != front[spec.uid]:
                front[spec.uid] = pages
                again.append(spec)
            else:
                covers[spec.uid] = doc.with_suffix(".pdf")
        todo = again
    return covers


def _cover_scope(spec: Spec, front_pages: int, duplex: bool) -> Scope:
    return Scope(spec.loaded, cover=cover_facts(spec, front_pages, duplex))


# ------------------------------------------------------------------ assembling

_WORK: list = []
"""In a forked worker: the (spec, cover, body, options) tasks it was started with."""


def _start_worker(tasks: list) -> None:
    global _WORK
    _WORK = tasks
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no worker tracebacks


def _assemble_one(task) -> tuple[BundleReport | None, tuple[float, float], str]:
    """One bundle assembled, validated as PDF/A-2b, signed if asked, and written: its report,
    the seconds its preflight and its PDF/A work took, or why not."""
    spec, cover, body, options = task
    try:
        result = assemble(spec, cover, body, options)
        started = time.perf_counter()
        archive = validate(result.pdf) if options.archive else None
        archive_seconds = result.archive_seconds + time.perf_counter() - started
        if options.sign_cert:
            from .sign import sign_pdf

            result.pdf = sign_pdf(result.pdf, options.sign_cert, options.sign_password)
            if archive is not None:
                archive.checked = "before signing"
        checked, seconds = write_bundle(spec, result, signed=bool(options.sign_cert), archive=archive)
        report = BundleReport(spec, result.pages, result.seals, result.missing, result.drafts, checked)
        return report, (seconds, archive_seconds), ""
    except OSError as exc:  # the disk is full, or a seal image changed since it was checked
        why = os_reason(exc) if exc.errno else f"读取文件失败（{exc}），可能在生成期间被改动，请重新运行"
        return None, (0.0, 0.0), f"写出报送包失败：{why}"
    except Exception as exc:  # a damaged PDF from the converter
        return None, (0.0, 0.0), f"合并 PDF 失败：{exc}"


def _assemble_index(i: int) -> tuple[BundleReport | None, tuple[float, float], str]:
    return _assemble_one(_WORK[i])


def assemble_all(tasks: list[tuple[Spec, Path, Path]], options: BundleOptions, jobs: int, timings: Timings,
                 progress=None) -> tuple[list[BundleReport], list[Failure]]:
    """Assemble and write every bundle, in ``jobs`` forked workers when there are several.
    Workers inherit the tasks and send back only what the report needs."""
    work = [(spec, cover, body, options) for spec, cover, body in tasks]
    for seal in {s.seal for spec, _, _ in tasks for part in spec.parts for s in part.signers if s.seal}:
        try:
            _decoded(seal, seal.stat().st_mtime_ns)  # decoded once, inherited by the workers
        except Exception:  # noqa: BLE001 - changed since it was checked: only its bundles fail, each saying why
            pass
    if jobs > 1 and len(work) > 1:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=context,
                                                    initializer=_start_worker, initargs=(work,)) as workers:
            try:
                return _collect(work, workers.map(_assemble_index, range(len(work))), timings, progress)
            except BaseException:  # Ctrl-C: the running bundles finish, the others are not started
                workers.shutdown(wait=True, cancel_futures=True)
                raise
    return _collect(work, map(_assemble_one, work), timings, progress)


def _collect(work: list, results, timings: Timings, progress) -> tuple[list[BundleReport], list[Failure]]:
    """The reports and failures of the assembled bundles, told to ``progress`` as each comes in."""
    if progress is not None:
        progress.began("assemble", len(work))
    reports, failures = [], []
    for (spec, _, _, _), (report, (seconds, archive), why) in zip(work, results):
        if progress is not None:
            progress.advanced("assemble", display_path(spec.zip_path), not why)
        timings.preflight += seconds
        timings.archive += archive
        if why:
            failures.append(Failure(display_path(spec.folder), why))
        else:
            report.spec = spec  # the parent's spec, not the worker's copy
            reports.append(report)
    return reports, failures


def make_all(specs: list[Spec], renderer: Renderer, pool: Pool, options: BundleOptions, workdir: Path,
             timings: Timings | None = None, progress=None) -> tuple[list[BundleReport], list[Failure]]:
    """Every bundle of ``specs`` made and written; the reports, and (bundle, reason) failures.
    ``progress`` (the pipeline's listener) hears of each body converted and bundle written."""
    timings = timings or Timings()
    failures: list[Failure] = []
    started = time.perf_counter()
    bodies: dict[str, Path] = {}
    for spec in specs:
        folder = workdir / spec.loaded.id / spec.key
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "正文.docx").write_bytes(compose([(p.docx, [s.name for s in p.signers]) for p in spec.parts]))
            bodies[spec.uid] = folder / "正文.docx"
        except OSError as exc:  # the temporary folder's disk is full: this bundle fails, not the run
            failures.append(Failure(display_path(spec.folder), f"合成文件失败：{os_reason(exc)}"))
    specs = [spec for spec in specs if spec.uid in bodies]
    timings.compose = time.perf_counter() - started
    started = time.perf_counter()
    ready: list[Spec] = []
    if progress is not None:
        progress.began("convert", len(specs))

    def told(i: int, result) -> None:
        if progress is not None:
            progress.advanced("convert", display_path(specs[i].folder), result.ok)

    for spec, why in zip(specs, _convert(pool, [bodies[s.uid] for s in specs], told)):
        if why:
            failures.append(Failure(display_path(spec.folder), f"转换 PDF 失败：{why}"))
            continue
        problem = locate_parts(spec, PdfReader(bodies[spec.uid].with_suffix(".pdf")))
        if problem:
            failures.append(Failure(display_path(spec.folder), problem))
        else:
            ready.append(spec)
    covers = _covers(ready, bodies, renderer, pool, options.duplex, failures)
    timings.convert = time.perf_counter() - started
    started = time.perf_counter()
    tasks = [(spec, covers[spec.uid], bodies[spec.uid].with_suffix(".pdf")) for spec in ready if spec.uid in covers]
    reports, failed = assemble_all(tasks, options, pool.jobs, timings, progress)
    timings.assemble = time.perf_counter() - started - timings.preflight / max(1, min(pool.jobs, len(tasks)))
    return reports, failures + failed
