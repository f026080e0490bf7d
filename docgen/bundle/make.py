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
from .plan import Sheet, Spec, cover_facts, guess_front_pages
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

@dataclass
class _Written:
    """What a worker sends back of one bundle it wrote: a few kilobytes, whatever its size."""

    pages: int
    seals: list[SealPlaced]
    missing: list[SealMissing]
    drafts: list[Draft]
    preflight: list[Result]
    preflight_seconds: float
    archive_seconds: float


_PRELOAD = ["docgen.bundle.make", "pikepdf.pdfa", "fontTools.ttLib"]
"""Imported once by the fork server, so that each worker starts warm (the PDF/A validator
alone takes half a second to import)."""


def _workers(jobs: int) -> concurrent.futures.ProcessPoolExecutor:
    """Worker processes forked from a small server process, not from this one: a worker
    forked from the pipeline would inherit (and report as its own) the memory of everything
    the pipeline holds, which grows with the number of pairings. Each task is sent as a
    ``Sheet`` of a few kilobytes."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker)


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no worker tracebacks


def _compose_one(sheet: Sheet, target: Path) -> str:
    """A bundle's documents composed into one .docx at ``target``; or why not."""
    try:
        target.write_bytes(compose([(p.docx, [s.name for s in p.signers]) for p in sheet.parts]))
        return ""
    except OSError as exc:  # the temporary folder's disk is full: this bundle fails, not the run
        return f"合成文件失败：{os_reason(exc)}"


def _assemble_one(sheet: Sheet, cover: Path, body: Path, options: BundleOptions) -> tuple[_Written | None, str]:
    """One bundle assembled, validated as PDF/A-2b, signed if asked, and written: what the
    report needs of it, or why not."""
    try:
        result = assemble(sheet, cover, body, options)
        started = time.perf_counter()
        archive = validate(result.pdf) if options.archive else None
        archive_seconds = result.archive_seconds + time.perf_counter() - started
        if options.sign_cert:
            from .sign import sign_pdf

            result.pdf = sign_pdf(result.pdf, options.sign_cert, options.sign_password)
            if archive is not None:
                archive.checked = "before signing"
        checked, seconds = write_bundle(sheet, result, signed=bool(options.sign_cert), archive=archive)
        return _Written(result.pages, result.seals, result.missing, result.drafts, checked, seconds,
                        archive_seconds), ""
    except OSError as exc:  # the disk is full, or a seal image changed since it was checked
        why = os_reason(exc) if exc.errno else f"读取文件失败（{exc}），可能在生成期间被改动，请重新运行"
        return None, f"写出报送包失败：{why}"
    except Exception as exc:  # a damaged PDF from the converter
        return None, f"合并 PDF 失败：{exc}"


def assemble_all(tasks: list[tuple[Spec, Path, Path]], options: BundleOptions, workers, timings: Timings,
                 progress=None) -> tuple[list[BundleReport], list[Failure]]:
    """Assemble and write every bundle, in the ``workers`` when there are some."""
    if progress is not None:
        progress.began("assemble", len(tasks))
    sheets = [spec.sheet() for spec, _, _ in tasks]
    if workers is None:
        for seal in {s.seal for sheet in sheets for part in sheet.parts for s in part.signers if s.seal}:
            try:
                _decoded(seal, seal.stat().st_mtime_ns)
            except Exception:  # noqa: BLE001 - changed since it was checked: only its bundles fail, each saying why
                pass
    reports, failures = [], []
    columns = (sheets, [c for _, c, _ in tasks], [b for _, _, b in tasks], [options] * len(tasks))
    results = workers.map(_assemble_one, *columns) if workers is not None else map(_assemble_one, *columns)
    for (spec, _, _), (written, why) in zip(tasks, results):
        if progress is not None:
            progress.advanced("assemble", display_path(spec.zip_path), not why)
        if written is None:
            failures.append(Failure(display_path(spec.folder), why))
            continue
        timings.preflight += written.preflight_seconds
        timings.archive += written.archive_seconds
        reports.append(BundleReport(spec, written.pages, written.seals, written.missing, written.drafts,
                                    written.preflight))
    return reports, failures


def make_all(specs: list[Spec], renderer: Renderer, pool: Pool, options: BundleOptions, workdir: Path,
             timings: Timings | None = None, progress=None) -> tuple[list[BundleReport], list[Failure]]:
    """Every bundle of ``specs`` made and written; the reports, and (bundle, reason) failures.
    ``progress`` (the pipeline's listener) hears of each body converted and bundle written.
    Composing and assembling run in worker processes (as many as converters) when there
    are several bundles."""
    timings = timings or Timings()
    if pool.jobs > 1 and len(specs) > 1:
        with _workers(min(pool.jobs, len(specs))) as workers:
            try:
                return _make_all(specs, renderer, pool, options, workdir, timings, progress, workers)
            except BaseException:  # Ctrl-C: the running tasks finish, the others are not started
                workers.shutdown(wait=True, cancel_futures=True)
                raise
    return _make_all(specs, renderer, pool, options, workdir, timings, progress, None)


def _make_all(specs: list[Spec], renderer: Renderer, pool: Pool, options: BundleOptions, workdir: Path,
              timings: Timings, progress, workers) -> tuple[list[BundleReport], list[Failure]]:
    failures: list[Failure] = []
    started = time.perf_counter()
    bodies: dict[str, Path] = {}
    targets: list[tuple[Spec, Path]] = []
    for spec in specs:
        folder = workdir / spec.loaded.id / spec.key
        try:
            folder.mkdir(parents=True, exist_ok=True)
            targets.append((spec, folder / "正文.docx"))
        except OSError as exc:  # the temporary folder's disk is full: this bundle fails, not the run
            failures.append(Failure(display_path(spec.folder), f"合成文件失败：{os_reason(exc)}"))
    columns = ([spec.sheet() for spec, _ in targets], [target for _, target in targets])
    composed = workers.map(_compose_one, *columns) if workers is not None else map(_compose_one, *columns)
    for (spec, target), why in zip(targets, composed):
        if why:
            failures.append(Failure(display_path(spec.folder), why))
        else:
            bodies[spec.uid] = target
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
    reports, failed = assemble_all(tasks, options, workers, timings, progress)
    timings.assemble = time.perf_counter() - started - timings.preflight / max(1, min(pool.jobs, len(tasks)))
    return reports, failures + failed
