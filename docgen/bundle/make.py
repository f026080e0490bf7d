"""The bundle stage, top to bottom: each bundle's documents composed into one .docx and
converted once (all bundles in parallel; the bureau's, which grows with the pairings, is
converted document by document), the covers converted (again if the contents
took more pages than guessed), then every bundle assembled and written in forked worker
processes (pypdf is pure Python, so threads would not run in parallel)."""
from __future__ import annotations

import concurrent.futures
import gc
import multiprocessing
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from ..convert import Pool
from ..convert.marked import marked_copy
from ..documents.kinds import kind
from ..documents.scope import Scope
from ..errors import display_path, os_reason
from ..heap import give_back
from ..options import BundleOptions
from ..outputs import build_time
from ..preflight.archive import validate
from ..preflight.check import Result
from ..preflight.words import word_marks
from ..records import Draft, Failure, SealMissing
from ..render import Renderer
from .assemble import assemble, locate_parts
from .compose import compose
from .manifest import preflight, write_bundle
from .plan import Bundle, Pending, Sheet, Spec, cover_facts, guess_front_pages

COVER = kind("cover")


@dataclass
class BundleReport:
    """One bundle written: where, how many pages, how many seals were placed, the parties not
    sealed, what is still to fill in and what the preflight found. It is kept small (a few
    hundred bytes for a bundle sealed and checked clean): a run holds one per bundle until it
    ends, and a province has thousands; where each seal is and every document's verdict are
    in the bundle's manifest.json."""

    bundle: Bundle
    pages: int
    sealed: int = 0
    """Seals placed (each one's page and box: the manifest's ``seals``)."""
    missing: list[SealMissing] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    preflight: list[Result] = field(default_factory=list)
    """The preflight's results of the documents it found something in (a failure or a
    warning); a document checked clean is only in the manifest."""

    @property
    def pdf(self) -> Path:
        return self.bundle.pdf

    @property
    def zip(self) -> Path:
        return self.bundle.zip_path


@dataclass
class Timings:
    """Seconds spent in each part of the stage (for the benchmark). With workers, the parts
    overlap: the workers compose the next round and assemble the last while the converters
    work, so ``compose + convert + assemble`` is the stage's wall time, and what the
    workers did meanwhile is in ``work``."""

    compose: float = 0.0
    """Planning each round's bundles and waiting for their bodies to be composed: the first
    round's (while the workers start; composed in this process when there are none) and later
    rounds' the busy workers had not composed yet."""
    convert: float = 0.0
    """Converting bodies and covers (with workers, they compose and assemble meanwhile)."""
    assemble: float = 0.0
    """Waiting for bundles to be merged, stamped, checked and written, once every conversion is
    done (with workers: the last round's, mostly)."""
    work: float = 0.0
    """Composing and assembling, summed over the bundles (CPU time of the workers, or of this
    process without workers)."""
    composing: float = 0.0
    """The composing part of ``work``."""
    preflight: float = 0.0
    """Checking the finished PDFs (summed over the bundles; part of ``work``)."""
    archive: float = 0.0
    """Making the merged PDFs PDF/A-2b and validating them (summed; part of ``work``)."""


def _convert(pool: Pool, docs: list[Path], then=None) -> list[str]:
    """Convert ``docs`` to PDFs beside them; the reason for each failure, or ''. The PDFs are
    left as LibreOffice wrote them: a body or a cover is only read and merged into its
    bundle's PDF, which ``archival`` makes canonical (fixed object order, dates and /ID)."""
    results = pool.convert_all([(d, d.with_suffix(".pdf")) for d in docs], then=then, finished=False)
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
        for spec, doc, why in zip(todo, docs, _convert(pool, docs), strict=False):
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
    sealed: int
    missing: list[SealMissing]
    drafts: list[Draft]
    preflight: list[Result]
    """Only the results with findings (as ``BundleReport.preflight``)."""
    preflight_seconds: float
    archive_seconds: float
    cpu_seconds: float


_PRELOAD = ["docgen.bundle.make", "pikepdf.pdfa", "fontTools.ttLib"]
"""Imported once by the fork server, so that each worker starts warm (the PDF/A validator
alone takes half a second to import)."""


def _workers(jobs: int) -> concurrent.futures.ProcessPoolExecutor:
    """Worker processes forked from a small server process, not from this one: a worker
    forked from the pipeline would inherit (and report as its own) the memory of everything
    the pipeline holds, which grows with the number of pairings. Each task is sent as a
    ``Sheet`` of a few kilobytes. (Workers are not replaced after some tasks with
    ``max_tasks_per_child``: on Python 3.11 such a pool hung once it replaced a worker while
    rounds of tasks were queued, at 200 bundles.)"""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker)


_in_worker = False
"""Whether this process is one of the stage's workers (``_start_worker``)."""


def _start_worker() -> None:
    global _in_worker
    _in_worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no worker tracebacks


def _bodies(target: Path, sheet: Spec | Sheet) -> list[Path]:
    """The Word files of a bundle's body: ``target``, its documents composed; or, for a bundle
    converted apart (``Spec.apart``), a marked copy of each document beside it."""
    if not sheet.apart:
        return [target]
    return [target.with_name(f"{target.stem}{i}{target.suffix}") for i in range(1, len(sheet.parts) + 1)]


def _compose_one(sheet: Sheet, target: Path) -> tuple[str, float]:
    """A bundle's documents composed into one .docx at ``target`` (or each marked apart
    beside it); or why not, and the time. What composing took is given back at once: a
    worker that kept its peak would hold it for the rest of the run."""
    started = time.process_time()
    try:
        if sheet.apart:
            for index, (part, path) in enumerate(zip(sheet.parts, _bodies(target, sheet), strict=True), 1):
                marked_copy(part.docx, path, index=index, names=[s.name for s in part.signers])
        else:
            target.write_bytes(compose([(p.docx, [s.name for s in p.signers]) for p in sheet.parts]))
        return "", time.process_time() - started
    except OSError as exc:  # the temporary folder's disk is full: this bundle fails, not the run
        return f"合成文件失败：{os_reason(exc)}", time.process_time() - started
    finally:
        give_back()


def _assemble_one(sheet: Sheet, cover: Path, body: list[Path], options: BundleOptions) -> tuple[_Written | None, str]:
    """One bundle assembled, validated as PDF/A-2b, signed if asked, and written: what the
    report needs of it, or why not. The preflight reads the PDF as assembled, before it is
    signed. A worker assembles a bundle converted apart (the bureau's) in a child of its own
    (``_in_child``)."""
    if sheet.apart and _in_worker and hasattr(os, "fork"):
        return _in_child(_assemble, sheet, cover, body, options)
    return _assemble(sheet, cover, body, options)


def _in_child(function, *args) -> tuple[_Written | None, str]:
    """``function(*args)`` run in a child forked from this worker, its result sent back
    pickled. The bureau's bundle (thousands of pages read, checked and written) takes a worker
    130 MB above what it held, and a process keeps much of what it took once freed (the
    allocators' pools: 91 MB before, 148 MB after, measured alone): a worker that kept it
    would add it to every later bundle it makes; a child gives it all back when it ends. A
    worker runs no thread of its own, so it can be forked. The worker's objects are frozen
    for the fork: the child's collections then leave them, and the pages they are on, alone
    (measured alone: parent and child together 248 MB at the highest, 234 MB frozen, against
    218 MB for the worker assembling it itself)."""
    read_end, write_end = os.pipe()
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:  # no process to spare: assembled here, as outside a worker
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        return function(*args)
    if pid == 0:  # the child: sends its result and ends, whatever happens
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(function(*args)))
            status = 0
        finally:
            os._exit(status)
    gc.unfreeze()
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status == 0 and data:
        return pickle.loads(data)
    code = os.waitstatus_to_exitcode(status)
    why = f"被信号 {-code} 终止（可能是内存不足）" if code < 0 else f"异常退出（退出码 {code}）"
    return None, f"合并 PDF 失败：处理该报送包的进程{why}，请重新运行"


def _assemble(sheet: Sheet, cover: Path, body: list[Path], options: BundleOptions) -> tuple[_Written | None, str]:
    """``_assemble_one``'s work, where it runs."""
    began = time.process_time()
    try:
        result = assemble(sheet, cover, body, options)
        started = time.perf_counter()
        archive = validate(result.pdf) if options.archive else None
        archive_seconds = result.archive_seconds + time.perf_counter() - started
        started = time.perf_counter()
        found = preflight(result, {part.docx.name: word_marks(part.docx.read_bytes()) for part in sheet.parts})
        seconds = time.perf_counter() - started
        if options.sign_cert:
            from .sign import sign_pdf

            result.pdf = sign_pdf(result.pdf, options.sign_cert, options.sign_password)
            if archive is not None:
                archive.checked = "before signing"
        checked = write_bundle(sheet, result, found, signed=bool(options.sign_cert), archive=archive)
        return _Written(result.pages, len(result.seals), result.missing, result.drafts,
                        [r for r in checked if r.findings], seconds, archive_seconds, time.process_time() - began), ""
    except OSError as exc:  # the disk is full, or a seal image changed since it was checked
        why = os_reason(exc) if exc.errno else f"读取文件失败（{exc}），可能在生成期间被改动，请重新运行"
        return None, f"写出报送包失败：{why}"
    except Exception as exc:  # a damaged PDF from the converter
        return None, f"合并 PDF 失败：{exc}"
    finally:
        give_back()  # as after composing


def _submit(workers: concurrent.futures.ProcessPoolExecutor | None, function, *args) -> concurrent.futures.Future:
    """``function(*args)`` in a worker, or here and now when there are none."""
    if workers is not None:
        return workers.submit(function, *args)
    done: concurrent.futures.Future = concurrent.futures.Future()
    done.set_result(function(*args))
    return done


ROUND = 6
"""Bundles per converter in one round: while the converters convert a round, the workers
compose the next one, then assemble the one before (the last round's assembly, and the first
round's composition, are all that is not done beside a conversion)."""


def _rounds(items: list, jobs: int) -> list[list]:
    """``items`` in rounds: one per converter first and last (what is waited for), ``ROUND``
    per converter between them."""
    first, last = items[:jobs], items[jobs:][-jobs:] if len(items) > 2 * jobs else []
    middle = items[len(first):len(items) - len(last)]
    size = ROUND * jobs
    return [r for r in [first, *(middle[i:i + size] for i in range(0, len(middle), size)), last] if r]


def make_all(todo: list[Pending], renderer: Renderer, pool: Pool, options: BundleOptions, workdir: Path,
             timings: Timings | None = None, progress=None) -> tuple[list[BundleReport], list[Failure]]:
    """Every bundle of ``todo`` made and written; the reports, and (bundle, reason) failures.
    ``progress`` (the pipeline's listener) hears of each body converted and bundle written.
    Composing and assembling run in worker processes (as many as converters) beside the
    conversions, when there are several bundles.

    ``todo`` is consumed: the list is emptied, each bundle is planned when its round is
    composed, and what it needed (its parts, where each signer signs) is let go once it is
    handed to be assembled, so that this process holds a round of plans at a time, not all of
    them (a caller keeps ``Pending.bundle`` of each, which is all a report names)."""
    timings = timings or Timings()
    if pool.jobs > 1 and len(todo) > 1:
        with _workers(min(pool.jobs, len(todo))) as workers:
            try:
                return _make_all(todo, renderer, pool, options, workdir, timings, progress, workers)
            except BaseException:  # Ctrl-C: the running tasks finish, the others are not started
                workers.shutdown(wait=True, cancel_futures=True)
                raise
    return _make_all(todo, renderer, pool, options, workdir, timings, progress, None)


def _make_all(todo: list[Pending], renderer: Renderer, pool: Pool, options: BundleOptions, workdir: Path,
              timings: Timings, progress, workers) -> tuple[list[BundleReport], list[Failure]]:
    failures: list[Failure] = []
    targets: list[tuple[Pending, Path]] = []
    order = {pending.bundle.uid: i for i, pending in enumerate(todo)}  # the reports keep the order of ``todo``
    # a bundle converted apart (the bureau's: the largest, growing with the pairings) goes in the
    # first round whatever order it was planned in, so that it is assembled beside the later
    # rounds' conversions rather than after the last one, with nothing else left to do
    todo.sort(key=lambda pending: not pending.bundle.apart)
    for pending in todo:
        folder = workdir / pending.bundle.programme / pending.bundle.key
        try:
            folder.mkdir(parents=True, exist_ok=True)
            targets.append((pending, folder / "正文.docx"))
        except OSError as exc:  # the temporary folder's disk is full: this bundle fails, not the run
            failures.append(Failure(display_path(pending.bundle.folder), f"合成文件失败：{os_reason(exc)}"))
    todo.clear()  # from here on, each bundle is held by its round only (see ``make_all``)
    total, rounds = len(targets), _rounds(targets, pool.jobs)
    del targets

    def composing(batch: list[tuple[Pending, Path]]) -> list[tuple[Spec, Path, concurrent.futures.Future]]:
        """The round's bundles planned and handed to be composed (time the converters wait,
        counted in ``Timings.compose``)."""
        started = time.perf_counter()
        planned = [(pending.plan(), target) for pending, target in batch]
        futures = [(spec, target, _submit(workers, _compose_one, spec.sheet(), target)) for spec, target in planned]
        timings.compose += time.perf_counter() - started
        return futures

    if progress is not None:
        progress.began("convert", total)
    assembling: list[tuple[Bundle, concurrent.futures.Future]] = []
    held: list[tuple[Spec, Path, list[Path]]] = []  # a round converted, to assemble once the next is composed
    # the first round too is composed by the workers (when there are any), though the converters
    # wait a second or so longer for it while they start: composing in this process left it about
    # 30 MB larger at 200 pairings for the rest of the stage (the allocator keeps what lxml freed),
    # and this process's memory is what grows with the number of pairings (issue 22)
    next_round = composing(rounds[0]) if rounds else []  # the converters wait for it too
    for k in range(len(rounds)):
        if k and progress is not None:
            progress.between("convert")  # e.g. the workspace's job cancelled while a round converted
        batch, next_round, rounds[k] = next_round, [], []  # let go of the round once it is made
        started = time.perf_counter()
        bodies: dict[str, Path] = {}
        for spec, target, future in batch:
            why, seconds = future.result()
            timings.work += seconds
            timings.composing += seconds
            if why:
                failures.append(Failure(display_path(spec.folder), why))
            else:
                bodies[spec.uid] = target
        timings.compose += time.perf_counter() - started
        next_round = composing(rounds[k + 1]) if k + 1 < len(rounds) else []
        # the round before is assembled after the next one is composed: the converters wait for
        # composed bodies, nothing waits for an assembled bundle until the end
        assembling += [(spec.bundle, _submit(workers, _assemble_one, spec.sheet(), cover, body, options))
                       for spec, cover, body in held]
        started = time.perf_counter()
        held = _convert_round([spec for spec, _, _ in batch if spec.uid in bodies], bodies, renderer, pool, options,
                              failures, progress)
        timings.convert += time.perf_counter() - started
        give_back()  # what the round's covers and PDFs took, for the next round (or the system)
    assembling += [(spec.bundle, _submit(workers, _assemble_one, spec.sheet(), cover, body, options))
                   for spec, cover, body in held]
    held = []
    started = time.perf_counter()
    reports = _collect(assembling, timings, failures, progress)
    timings.assemble = time.perf_counter() - started
    reports.sort(key=lambda report: order[report.bundle.uid])
    return reports, failures


def _convert_round(specs: list[Spec], bodies: dict[str, Path], renderer: Renderer, pool: Pool,
                   options: BundleOptions, failures: list[Failure], progress) -> list[tuple[Spec, Path, list[Path]]]:
    """The composed bodies of ``specs`` converted and located, then their covers: (spec,
    cover PDF, body PDFs) of each bundle ready to assemble."""
    docx = {spec.uid: _bodies(bodies[spec.uid], spec) for spec in specs}
    files = [(spec, path) for spec in specs for path in docx[spec.uid]]
    left = {uid: len(paths) for uid, paths in docx.items()}
    failed: set[str] = set()
    lock = threading.Lock()  # the converters tell from their own threads

    def told(i: int, result) -> None:
        spec = files[i][0]
        with lock:
            left[spec.uid] -= 1
            if not result.ok:
                failed.add(spec.uid)
            if left[spec.uid]:
                return  # a bundle converted apart is told once, when its last document is
        if progress is not None:
            progress.advanced("convert", display_path(spec.folder), spec.uid not in failed)

    why: dict[str, str] = {}
    for (spec, _), reason in zip(files, _convert(pool, [path for _, path in files], told), strict=True):
        if reason:
            why.setdefault(spec.uid, reason)
    ready: list[tuple[Spec, list[Path]]] = []
    for spec in specs:
        if spec.uid in why:
            failures.append(Failure(display_path(spec.folder), f"转换 PDF 失败：{why[spec.uid]}"))
            continue
        pdfs = [path.with_suffix(".pdf") for path in docx[spec.uid]]
        problem = locate_parts(spec, [PdfReader(pdf) for pdf in pdfs])
        if problem:
            failures.append(Failure(display_path(spec.folder), problem))
        else:
            ready.append((spec, pdfs))
    covers = _covers([spec for spec, _ in ready], bodies, renderer, pool, options.duplex, failures)
    return [(spec, covers[spec.uid], pdfs) for spec, pdfs in ready if spec.uid in covers]


def _collect(assembling: list[tuple[Bundle, concurrent.futures.Future]], timings: Timings, failures: list[Failure],
             progress) -> list[BundleReport]:
    """The reports of the bundles assembled, in order, told to ``progress`` as each comes in."""
    if progress is not None:
        progress.began("assemble", len(assembling))
    reports = []
    for bundle, future in assembling:
        written, why = future.result()
        if progress is not None:
            progress.advanced("assemble", display_path(bundle.zip_path), not why)
        if written is None:
            failures.append(Failure(display_path(bundle.folder), why))
            continue
        timings.preflight += written.preflight_seconds
        timings.archive += written.archive_seconds
        timings.work += written.cpu_seconds
        reports.append(BundleReport(bundle, written.pages, written.sealed, written.missing, written.drafts,
                                    written.preflight))
    return reports
