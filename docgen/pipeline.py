"""The whole job, top to bottom: load -> documents -> render -> convert -> bundle.

The command line, the benchmark, the tests and the workspace all call these functions, each
with an ``Options`` built once. They never print: what a user should hear goes to a
``Listener`` (the CLI's prints it in Chinese) and what happened comes back as an
``Outcome``. Each run holds the lock of every programme folder it writes (``OutputTree``),
and nothing of a user's is ever deleted: out-of-date outputs are moved aside and edited
ones kept (``incremental.cleaner``).
"""
from __future__ import annotations

import contextlib
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .activities.rollup import Rollup, rollup, to_xlsx, years_with_records
from .bundle import BundleReport, Spec, Timings, make_all
from .bundle.plan import Bundle, Pending, bundle_of, bundled, spec_of
from .convert import Pool
from .documents.dates import Dates
from .documents.jobs import Job, Rendered, noted, plan_jobs, rendered
from .documents.kinds import choices, kind, select
from .documents.scope import Per, Scope, Selection
from .errors import (
    ActivityLogsBroken,
    DocgenError,
    IncompletePairList,
    Problem,
    RenderedApartFailed,
    UsageError,
    display_path,
    given,
    reason,
)
from .heap import Every, give_back
from .incremental import Book, Recipes, Record
from .incremental.cleaner import Cleaner
from .incremental.recipes import converter_fingerprint, docgen_fingerprint
from .incremental.record import Entry
from .incremental.shortcut import Programme, Runs, Seen, Shortcut, run_key
from .load import Loaded, find_programmes, load_all, load_strict
from .load.model.pairing import Pairing
from .options import DEFAULTS, BundleOptions, Options
from .output_tree import OutputTree
from .outputs import build_time, write_atomic
from .preflight.check import Result, check_document
from .records import Failure, Finding, KeptEdit, Moved
from .render import Renderer
from .render.apart import Asked, Made, render_apart, render_job

COVER, REPORT = kind("cover"), kind("report")


class Listener:
    """What the pipeline tells whoever runs it, as it happens. The default says nothing."""

    def warned(self, warning: Problem) -> None:
        """Something that does not stop the work but a user should know (a rare character)."""

    def skipped(self, loaded: Loaded) -> None:
        """A programme whose own file is broken: none of its documents are made."""

    def rendered(self, loaded: Loaded, folder: Path, count: int) -> None:
        """A programme's Word files are written."""

    def converted(self, count: int) -> None:
        """PDFs made beside the Word files."""

    def moved(self, loaded: Loaded, moves: list[Moved]) -> None:
        """Outputs moved aside (never deleted), all for one reason: out of date, or the
        earlier versions of bundles made again."""

    def kept(self, loaded: Loaded, edit: KeptEdit) -> None:
        """A file a user changed after docgen made it, kept beside the new one."""

    def waiting(self, folder: Path) -> None:
        """Another run holds the lock of ``folder``: this one waits for it to finish (told
        again about every second while it waits; raising gives up)."""

    def began(self, stage: str, total: int) -> None:
        """A stage of ``total`` items starts: render, convert, assemble, report (see ``STAGES``)."""

    def advanced(self, stage: str, item: str, ok: bool) -> None:
        """One item of the stage is done (``ok``) or failed; ``item`` names its file (told
        from the converters' threads while they convert)."""

    def between(self, stage: str) -> None:
        """Between two rounds of the stage, told in the thread that runs the pipeline: raising
        stops the run there, as Ctrl-C does (what is written stays; nothing half-written)."""


SILENT = Listener()
"""The listener a caller that passes none gets: it says nothing (one, shared: it holds no state)."""

STAGES = ("render", "pdf", "convert", "assemble", "report")
"""Stages with progress: Word files, their PDFs, bundles converted, bundles written, roll-ups."""


@dataclass(frozen=True)
class RollupFiles:
    """One year's roll-up, and the files it was written to (.xlsx, .docx)."""

    rollup: Rollup
    paths: list[Path]


@dataclass
class Outcome:
    """What a run made, and what went wrong: input problems and failures."""

    loaded: list[Loaded]
    documents: list[Rendered] = field(default_factory=list)
    """Each Word file made, with what the later stages need of its context."""
    pdfs: list[Path] = field(default_factory=list)
    bundles: list[BundleReport] = field(default_factory=list)
    reports: list[RollupFiles] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    render_seconds: float = 0.0
    convert_seconds: float = 0.0
    preflight_seconds: float = 0.0
    """Of ``build --pdf``: checking the PDFs, summed (done beside the conversions, in their threads)."""
    timings: Timings = field(default_factory=Timings)
    """The bundle stage's parts."""
    preflight: list[Finding] = field(default_factory=list)
    """What the preflight found on the PDFs of ``build --pdf``, each naming its file and document."""
    unchanged: list[Job] = field(default_factory=list)
    """Word files left as they were: made before from the same recipe."""
    failed: list[Job] = field(default_factory=list)
    """Word files that failed to be made (each also in ``failures``): their bundles are not made."""
    unchanged_outputs: int = 0
    """PDFs and bundles left as they were."""
    unchanged_documents: int = 0
    """Word files left as they were by a run that found nothing changed since the same
    command last ran (``incremental.shortcut``: it plans no document, so ``unchanged`` is empty)."""
    moved: list[Moved] = field(default_factory=list)
    """Outputs moved aside: out of date (into 过期/), earlier versions of bundles made again."""
    kept: list[KeptEdit] = field(default_factory=list)
    """Files users changed after docgen made them, kept beside the new ones."""
    books: dict[str, Book] = field(default_factory=dict, repr=False)
    """Each programme's build record, recipes and cleaner, by programme id, for the later stages."""

    def moved_aside(self, loaded: Loaded, moves: list[Moved], listener: Listener) -> None:
        """Moves of one reason: kept in the outcome and told."""
        if moves:
            self.moved += moves
            listener.moved(loaded, moves)

    def preflight_findings(self) -> list[Finding]:
        """Every finding of the preflight, bundles included."""
        return self.preflight + [f for b in self.bundles for r in b.preflight for f in r.located(display_path(b.pdf))]

    @property
    def problems(self) -> list[Problem]:
        return [p for item in self.loaded for p in item.problems]

    @property
    def unchanged_count(self) -> int:
        """Every output left as it was: Word files, PDFs, bundles."""
        return len(self.unchanged) + self.unchanged_documents + self.unchanged_outputs


@contextlib.contextmanager
def open_pool(jobs: int | None, timeout: float) -> Iterator[Pool]:
    """The converters of one run (tests put one pool of their own in here)."""
    with Pool(jobs=jobs, timeout=timeout) as pool:
        yield pool


# ------------------------------------------------------------------ output

@contextlib.contextmanager
def _locked(path: Path, out: Path, options: Options, listener: Listener) -> Iterator[OutputTree]:
    """The output folder, checked before any work, with the lock of each programme folder
    this run writes held (another run's wait is told to ``listener``)."""
    tree = OutputTree(out)
    tree.check_writable()
    ids = [p.name for p in find_programmes(path)]
    with tree.locked(ids, options.shard.pair if options.shard else None, listener.waiting):
        yield tree


def _set_aside(loaded: Loaded, cleaner: Cleaner, outcome: Outcome, listener: Listener) -> None:
    """Before anything is made: temporary files an interrupted run left are removed, and the
    outputs of the parts of ``loaded`` that now have errors are moved aside (so that no
    out-of-date document is left looking valid, and nothing is lost)."""
    cleaner.remove_leftovers()
    kept: list[KeptEdit] = []
    for _reason, moves in cleaner.set_aside_errors(loaded, kept).items():
        outcome.moved_aside(loaded, moves, listener)
    _tell_kept(loaded, kept, outcome, listener)


def _tell_kept(loaded: Loaded, kept: list[KeptEdit], outcome: Outcome, listener: Listener) -> None:
    """Files someone edited that were kept where they were instead of being moved aside."""
    for edit in kept:
        outcome.kept.append(edit)
        listener.kept(loaded, edit)


def tidy(loaded: Loaded, out: Path, listener: Listener = SILENT) -> Outcome:
    """A programme's output folder as a run leaves it before it makes anything: temporary
    files of an interrupted run removed, the outputs of parts with errors moved aside (the
    workspace calls it after a restart that followed a kill)."""
    tree = OutputTree(out)
    outcome = Outcome([loaded])
    with tree.locked([loaded.id], waiting=listener.waiting):
        _set_aside(loaded, Cleaner(tree, loaded.id), outcome, listener)
    return outcome


def _without_failed_parts(loaded: Loaded, todo: list[Pending], outcome: Outcome, out: Path,
                          listener: Listener) -> list[Pending]:
    """The bundles of ``loaded`` to make: not those one of whose documents failed to be made
    (a bundle without its annual summary, say, looked whole and was sealed); each fails, and
    its earlier version is moved aside, even where nothing else of it was to be made again."""
    failing = {j.pairing_id for j in outcome.failed if j.scope.loaded is loaded and bundled(j)}
    if not failing:
        return todo
    why = "其中的文件本次生成失败（原因见上）：改正后重新生成"
    for pairing_id in failing:
        pairing = loaded.pairing(pairing_id) if pairing_id is not None else None
        if pairing_id is not None and pairing is None:
            continue
        _fail_bundle(loaded, bundle_of(loaded, pairing, out), f"报送包{why}", f"报送包未生成：{why}", outcome, listener)
    return [pending for pending in todo if pending.bundle.pairing not in failing]


def _fail_bundle(loaded: Loaded, bundle: Bundle, moved: str, failed: str, outcome: Outcome, listener: Listener) -> None:
    """``bundle`` not made this run: its earlier folder and zip moved aside (``moved``: why, in
    说明.txt), and a failure (``failed``) said."""
    book = outcome.books[loaded.id]
    moves = book.cleaner.move_aside([bundle.folder, bundle.zip_path], moved)
    book.record.forget_paths([m.source for m in moves])
    outcome.moved_aside(loaded, moves, listener)
    outcome.failures.append(Failure(display_path(bundle.folder), failed))


def _without_bad_seals(loaded: Loaded, todo: list[Pending], outcome: Outcome, listener: Listener) -> list[Pending]:
    """The bundles of ``loaded`` to make: not those that would carry a seal image with problems
    (they fail, and their earlier versions are moved aside)."""
    keep = []
    for pending in todo:
        if pending.seals & loaded.bad_seals:
            _fail_bundle(loaded, pending.bundle, "要加盖的公章图片有错误（见数据错误）：改正后重新生成",
                         "未生成：要加盖的公章图片有错误（见数据错误），改正后重新生成", outcome, listener)
        else:
            keep.append(pending)
    return keep


# ------------------------------------------------------------ nothing changed

def _shortcut(command: str, path: Path, tree: OutputTree, options: Options) -> Shortcut:
    """The notes of this command's earlier runs in the output folders of the programmes at
    ``path`` (``incremental.shortcut``). The key holds every option that decides what is made
    (not how many converters, their timeout or ``force``), docgen's code, and the converter
    when PDFs are made."""
    asked: dict[str, object] = {
        "kinds": options.kinds, "pairings": options.pairings, "years": options.years, "as_of": options.as_of,
        "term": options.term, "templates": str(Path(options.templates).resolve()), "pdf": options.pdf,
        "shard": options.shard.pair if options.shard else None}
    if command == "bundle":
        asked["bundle"] = options.bundle.key(_content_hash)
    converter = converter_fingerprint() if command == "bundle" or options.pdf else ""
    key = run_key(command, str(Path(path).resolve()), str(tree.out.resolve()), asked, docgen_fingerprint(),
                  converter)
    shard = options.shard.pair if options.shard else None
    return Shortcut(key, [Programme(root.name, root, Runs(tree.programme(root.name), shard))
                          for root in find_programmes(path)], options.templates)


def _content_hash(path: Path | None) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path is not None else "-"
    except OSError:
        return "-"


def _as_before(seen: list[Seen], listener: Listener) -> Outcome:
    """The outcome of a run that found nothing changed: every output left as it was, and
    the warnings of the data said again."""
    for earlier in seen:
        for warning in earlier.warnings:
            listener.warned(warning)
    return Outcome([], unchanged_documents=seen[0].documents, unchanged_outputs=seen[0].outputs)


@dataclass
class _Run:
    """One run of build or bundle under ``_run``: its outcome, and whether it was ``repeated``
    (the same run found noted clean: the outcome says every output is as it was, nothing to do)."""

    outcome: Outcome
    repeated: bool


@contextlib.contextmanager
def _run(command: str, path: Path, out: Path, options: Options, listener: Listener,
         loaded: list[Loaded] | None) -> Iterator[_Run]:
    """The frame of ``build`` and ``bundle``: the programme folders locked; a run noted clean
    before is recognised (unless ``force``) and yielded as ``repeated``; otherwise the run is
    begun, its documents rendered, and what it saw noted once the body has finished the work
    (not when it raises)."""
    with _locked(path, out, options, listener) as tree:
        shortcut = _shortcut(command, path, tree, options)
        seen = None if options.force else shortcut.taken()
        if seen is not None:
            yield _Run(_as_before(seen, listener), repeated=True)
            return
        shortcut.begin()
        try:
            run = _Run(_render_documents(path, tree, options, listener, loaded), repeated=False)
        except UsageError:  # raised before anything is written (a pairing or kind not there)
            shortcut.abandon()
            raise
        yield run
        _noted(shortcut, run.outcome)


def _noted(shortcut: Shortcut, outcome: Outcome) -> None:
    """What this run saw, noted for the next run of the same command (unless it had
    problems or failures: then the next one looks again)."""
    shortcut.end(not outcome.problems and not outcome.failures,
                 len(outcome.documents) + len(outcome.unchanged) + outcome.unchanged_documents,
                 len(outcome.pdfs) + len(outcome.bundles) + outcome.unchanged_outputs,
                 {item.id: item.warnings for item in outcome.loaded}, [book.record for book in outcome.books.values()])


# ------------------------------------------------------------------------ load

def validate(path: Path, listener: Listener = SILENT) -> list[Loaded]:
    """Every programme under ``path``, or ``InputError`` with every problem of every file."""
    loaded = load_strict(path)
    _warn(loaded, listener)
    return loaded


def _warn(loaded: list[Loaded], listener: Listener) -> None:
    for item in loaded:
        for warning in item.warnings:
            listener.warned(warning)


def _load(path: Path, tree: OutputTree, pairings: tuple[str, ...], listener: Listener,
          loaded: list[Loaded] | None = None, keep: Callable[[str], bool] | None = None) -> list[Loaded]:
    """Every programme under ``path`` (or ``loaded``: programmes a caller keeps loaded and
    knows to be current, as the workspace does), checked for the pairings asked for; the
    files unchanged since the last run's load are not read again (``OutputTree.saved_reads``).
    ``keep``: the pairings held; the others are read, checked and let go (``load_programme``)."""
    everything = loaded if loaded is not None else load_all(path, lambda root: tree.saved_reads(root.name), keep)
    _warn(everything, listener)
    if pairings:
        known = {pairing_id for item in everything for pairing_id in item.pairing_ids}
        missing = [p for p in pairings if p not in known]
        if missing:
            raise UsageError(f"找不到结对“{'、'.join(missing)}”（结对标识即 pairings/ 下的文件名）")
    return everything


# ------------------------------------------------------------ documents, render

def _render(jobs: list[tuple[Job, str]], renderer: Renderer, book: Book, outcome: Outcome,
            listener: Listener, apart: dict[Path, Made] | None = None,
            asked: AbstractSet[Path] = frozenset()) -> list[Rendered]:
    """Render and write every (job, recipe) atomically; a failure moves that file's earlier
    version aside and spares the rest. A file a user edited is kept before it is written over.
    Memory freed is given back every few seconds: a bureau's document listing thousands of
    pairings takes hundreds of MB while it is rendered (340 MB at 5,000 pairings), which the
    process would otherwise keep for the rest of the run. ``apart``: documents rendered in a
    process of their own (``render_apart``), written and recorded here as the others."""
    done: list[Rendered] = []
    loaded = book.recipes.loaded
    listener.began("render", len(jobs))
    now_and_then = Every()
    for job, recipe in jobs:
        try:
            elsewhere = (apart or {}).get(job.path)
            if job.pairing_id is None and loaded.unlisted:  # the bureau's documents list every pairing
                raise IncompletePairList([f"结对“{pairing_id}”" for pairing_id in loaded.unlisted])
            if _counts_broken_logs(job, loaded):
                raise ActivityLogsBroken(job.pairing_id or "", sorted(loaded.bad_logs[job.pairing_id or ""]))
            if elsewhere is not None:
                if elsewhere.data is None:
                    raise RenderedApartFailed(elsewhere.reason)
                data = elsewhere.data
                made = given(noted(job, elsewhere.facts), "the facts of a document rendered apart")
            else:
                data, made = render_job(job, renderer)
            _keep_edited(job.path, book, outcome, listener, data)
            outcome.moved_aside(loaded, _write_document(job.path, data, book), listener)
            book.record.made(job.path, recipe, job.pairing_id, "docx", kind=job.kind.name,
                             digests={job.path: hashlib.sha256(data).hexdigest()}, facts=made.facts(),
                             asked=job.path in asked)
            done.append(made)
            ok = True
        except Exception as error:  # noqa: BLE001 - one document's failure never stops the others
            outcome.failures.append(Failure(display_path(job.path), reason(error)))
            outcome.failed.append(job)
            with contextlib.suppress(OSError):  # never leave an out-of-date copy looking valid
                _keep_edited(job.path, book, outcome, listener, reason="本次重新生成失败，原因见命令的输出")
                moves = book.cleaner.move_aside([job.path, job.path.with_suffix(".pdf")],
                                                "本次重新生成失败（原因见命令的输出），这是以前生成的版本")
                outcome.moved_aside(loaded, moves, listener)
            book.record.forget_paths([job.path, job.path.with_suffix(".pdf")])
            ok = False
        listener.advanced("render", display_path(job.path), ok)
        now_and_then()
    give_back()
    return done


def _counts_broken_logs(job: Job, loaded: Loaded) -> bool:
    """Whether ``job`` is a summary of a pairing some of whose activity logs have problems (a
    summary counts the records of every year of its cycle)."""
    return job.kind.per is Per.year and job.pairing_id in loaded.bad_logs


def _keep_edited(path: Path, book: Book, outcome: Outcome, listener: Listener, new: bytes | None = None,
                 reason: str = "") -> None:
    kept = book.cleaner.keep_edited(path, book.record, new, reason)
    if kept is not None:
        outcome.kept.append(kept)
        listener.kept(book.recipes.loaded, kept)


def _write_document(path: Path, data: bytes, book: Book) -> list[Moved]:
    """Write a Word file; a PDF beside it made from other content is out of date and is moved
    aside (what was moved)."""
    pdf = path.with_suffix(".pdf")
    moved = []
    if pdf.exists() and not (path.is_file() and path.read_bytes() == data):
        moved = book.cleaner.move_aside([pdf], "对应的 Word 文件已按新的数据重新生成，这份 PDF 是旧内容")
        book.record.forget_paths([pdf])
    write_atomic(path, data)
    return moved


def render_documents(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = SILENT,
                     loaded: list[Loaded] | None = None) -> Outcome:
    """load -> documents -> render, with the programme folders locked (see ``_render_documents``)."""
    with _locked(path, out, options, listener) as tree:
        return _render_documents(path, tree, options, listener, loaded)


def _render_documents(path: Path, tree: OutputTree, options: Options, listener: Listener,
                      loaded_before: list[Loaded] | None = None) -> Outcome:
    """Every Word file asked for (of the shard's pairings), written under ``tree``; a file
    whose recipe is in the build record and unchanged is left as it is (unless
    ``options.force``), and those no longer made are moved aside. ``outcome.documents``
    holds what is kept of each document made (``Rendered``); ``loaded_before``: see ``_load``."""
    unknown = [k for k in options.kinds if k not in choices()]
    if unknown:
        raise UsageError(f"没有文书类型“{'、'.join(unknown)}”；可选：{'、'.join(choices())}")
    _check_templates(options)
    selection = _selection(options)
    # a run that makes a part of each programme (a shard, -p) holds only the pairings it makes
    # (issue 22: at 5 000 pairings the others are most of what a shard's process would hold)
    keep = selection.makes if _makes_part(options, loaded_before) else None
    outcome = Outcome(_load(path, tree, options.pairings, listener, loaded_before, keep))
    _check_years(outcome.loaded, options.years)
    renderer = Renderer(options.templates)
    shard = options.shard
    started = time.perf_counter()
    for loaded in outcome.loaded:
        cleaner = Cleaner(tree, loaded.id)
        _set_aside(loaded, cleaner, outcome, listener)
        if not loaded.buildable:
            listener.skipped(loaded)
            continue
        jobs = plan_jobs(loaded, select(options.kinds), tree.out, selection)  # (the shard's only)
        record = Record(tree.programme(loaded.id), shard.pair if shard else None, options.force,
                        others=_outputs_concerned(selection, loaded.pairing_ids))
        book = outcome.books[loaded.id] = Book(record, Recipes(loaded, options.templates), cleaner)
        todo = []
        for job in jobs:
            recipe = book.recipes.docx(job.pairing_id, job.template, job.kind.depends(job.scope))
            if record.unchanged(job.path, recipe) and not (job.pairing_id is None and loaded.unlisted) \
                    and not _counts_broken_logs(job, loaded):
                outcome.unchanged.append(job)
            else:
                todo.append((job, recipe))
        bureau = tuple(job.path for job, _ in todo if job.pairing_id is None and not loaded.unlisted)
        apart = {}
        if bureau and keep is not None:  # they list every pairing, which this run does not hold
            apart = render_apart(Asked(loaded.root, tree.saved_reads(loaded.id), tree.out, Path(options.templates),
                                       options.kinds, selection, bureau))
        asked = {job.path for job, _ in todo if job.kind.per is Per.year and bool(options.years or options.term)}
        done = _render(todo, renderer, book, outcome, listener, apart, asked)
        outcome.documents += done
        planned = {j.path for j in jobs} | {j.path.with_suffix(".pdf") for j in jobs}
        _move_stale(book, planned, loaded, _documents_in_scope(options, _summaries_of_any_year(loaded, options, tree)),
                    outcome, listener)
        record.save()
        listener.rendered(loaded, tree.programme(loaded.id), len(done))
    outcome.render_seconds = time.perf_counter() - started
    return outcome


def _check_years(loaded: list[Loaded], years: tuple[str, ...]) -> None:
    """Every year asked for (``-y``) is a year of some programme's (or pairing's) cycle: a year
    of none made nothing and said 完成 (as ``report`` refuses it)."""
    known = {y.key for item in loaded if item.programme is not None for y in item.programme.cycle.cycle_years}
    known |= {y.key for item in loaded for p in item.pairings if p.cycle is not None for y in p.cycle.cycle_years}
    unknown = [y for y in years if y not in known]
    if unknown and known:
        raise UsageError(f"{'、'.join(unknown)} 不是帮扶周期中的年度（可选：{'、'.join(sorted(known))}）")


def _makes_part(options: Options, loaded: list[Loaded] | None) -> bool:
    """Whether a run makes a part of each programme (a shard, ``-p``) from programmes it loads
    itself, and so holds only the pairings it makes (not where a caller gave them loaded: the
    workspace keeps them for its pages)."""
    return loaded is None and (options.shard is not None or bool(options.pairings))


def _selection(options: Options) -> Selection:
    """What ``options`` ask to be made."""
    return Selection(frozenset(options.pairings) or None, frozenset(options.years) or None, options.as_of,
                     options.term, options.shard)


def _outputs_concerned(selection: Selection, alive: set[str]) -> Callable[[str | None], bool]:
    """Whose outputs in other runs' records (other shards') concern this run: those of the
    pairings it makes, which it may find made, and of pairings deleted since, which any run
    moves aside."""
    return lambda source: selection.makes(source) or (source is not None and source not in alive)


def _summaries_of_any_year(loaded: Loaded, options: Options, tree: OutputTree) -> set[str]:
    """Where the annual summaries of this run's pairings go, for every year of their cycles
    (relative to the programme's folder), when the run makes each year's that the data asks
    for (no ``-y``, no ``--term``): the others are out of date (review 36: a summary of a year
    whose text and records were deleted stayed, looking made)."""
    if options.years or options.term is not None or "summary" not in {k.name for k in select(options.kinds)}:
        return set()
    every = frozenset(y.key for p in loaded.pairings if p.cycle is not None for y in p.cycle.cycle_years)
    folder = tree.programme(loaded.id)
    jobs = plan_jobs(loaded, [kind("summary")], tree.out, replace(_selection(options), years=every))
    return {job.path.relative_to(folder).as_posix() for job in jobs}


def _documents_in_scope(options: Options, summaries: AbstractSet[str] = frozenset()) -> Callable[[Entry], bool]:
    """Which recorded Word files (and their PDFs) a run that does not make them again makes
    out of date: those of the kinds and pairings it makes, except summaries, which are made
    for the years asked for (``-y``) and stay until their pairing goes, or, in a run that
    makes every year's the data asks for, until the data no longer asks (``summaries``: where
    any year's would go; one asked for by its year, ``-y``, or term stays)."""
    names = {k.name for k in select(options.kinds)}

    def in_scope(entry: Entry) -> bool:
        name = entry.get("kind")
        if entry.get("stage") not in ("docx", "pdf") or name not in names:
            return False
        if options.pairings and entry.get("source") not in options.pairings:
            return False
        return kind(name).per is not Per.year or (not entry.get("asked") and bool(
            {Path(p).with_suffix(".docx").as_posix() for p in entry.get("paths", [])} & summaries))

    return in_scope


def _move_stale(book: Book, planned: set[Path], loaded: Loaded, in_scope: Callable[[Entry], bool],
                outcome: Outcome, listener: Listener) -> None:
    """What the record holds and this run no longer makes, moved aside with why."""
    by_reason: dict[str, list[Moved]] = {}
    alive = loaded.pairing_ids
    for stale in book.record.stale(planned, alive, in_scope):
        kept: list[KeptEdit] = []
        by_reason.setdefault(stale.reason, []).extend(book.cleaner.move_aside(stale.paths, stale.reason, book.record, kept))
        book.record.forget(stale.key)
        _tell_kept(loaded, kept, outcome, listener)
    for moves in by_reason.values():
        outcome.moved_aside(loaded, moves, listener)


# ----------------------------------------------------------------- convert

def _check_templates(options: Options) -> None:
    if not Path(options.templates).is_dir():
        raise UsageError(f"找不到模板目录 {display_path(options.templates)}：请检查 -t 后的路径")


def build(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = SILENT,
          pool: Pool | None = None, loaded: list[Loaded] | None = None) -> Outcome:
    """``docgen build``: the Word files, and with ``options.pdf`` a PDF beside each
    (converted by ``pool`` when given: warm converters the caller keeps; ``loaded``: see
    ``_load``); summaries count to ``options.as_of`` (default: each one's own date, else
    today), or report on one ``options.term``."""
    with _run("build", path, out, options, listener, loaded) as run:
        if options.pdf and not run.repeated:
            _convert_documents(run.outcome, options, listener, pool)
    return run.outcome


@contextlib.contextmanager
def _converters(options: Options, warm: Pool | None) -> Iterator[Pool]:
    """``warm`` when the caller keeps converters alive across runs (left open), else this run's."""
    if warm is not None:
        warm.timeout = options.timeout
        yield warm
    else:
        with open_pool(options.jobs, options.timeout) as pool:
            yield pool


@dataclass(frozen=True)
class _PdfJob:
    """A PDF to make beside a Word file: the document (``heading`` None when it was not
    rendered in this run: worked out in the converter's thread) and the PDF's recipe."""

    job: Job
    heading: str | None
    recipe: str


def _pdf_todo(outcome: Outcome) -> list[_PdfJob]:
    """Every PDF to make; the others are counted unchanged."""
    todo = []
    documents = [(d.job, d.heading) for d in outcome.documents] + [(j, None) for j in outcome.unchanged]
    for job, heading in documents:
        book = outcome.books[job.scope.loaded.id]
        if heading is None:
            kept = noted(job, book.record.facts(job.path))
            heading = kept.heading if kept is not None else None
        recipe = book.recipes.pdf(book.recipe_of(job.path))
        if book.record.unchanged(job.path.with_suffix(".pdf"), recipe):
            outcome.unchanged_outputs += 1
        else:
            todo.append(_PdfJob(job, heading, recipe))
    return todo


def _convert_documents(outcome: Outcome, options: Options, listener: Listener, warm: Pool | None) -> None:
    """A PDF beside each Word file whose PDF is not already made from the same recipe, each
    checked by the preflight while the converters work on the next."""
    todo = _pdf_todo(outcome)
    if not todo:
        return
    started = time.perf_counter()
    checked: dict[int, tuple[list[Result], float]] = {}
    listener.began("pdf", len(todo))

    def preflight(i: int, result) -> None:  # in the converter's thread, while LibreOffice works on
        if result.ok:
            began = time.perf_counter()
            job, heading = todo[i].job, todo[i].heading
            title = heading if heading is not None else job.kind.heading(job.scope, job.kind.context(job.scope))
            try:
                found = check_document(result.dst, title, job.kind.family)
            except Exception as exc:  # a PDF the reader cannot follow is reported, not a crash
                found = [Result(title, [Finding("读取", 0, f"无法读取 PDF（{exc}）")])]
            checked[i] = (found, time.perf_counter() - began)
        listener.advanced("pdf", display_path(result.dst), result.ok)

    for item in todo:
        _keep_edited(item.job.path.with_suffix(".pdf"), outcome.books[item.job.scope.loaded.id], outcome, listener)
    with _converters(options, warm) as pool:
        docs = [item.job.path for item in todo]
        results = pool.convert_all([(d, d.with_suffix(".pdf")) for d in docs], then=preflight,
                                   families=[item.job.kind.family for item in todo])
    for item, result in zip(todo, results, strict=True):
        book = outcome.books[item.job.scope.loaded.id]
        if not result.ok:  # no out-of-date PDF looking valid beside a new .docx
            moves = book.cleaner.move_aside([result.dst], "本次转换失败（原因见命令的输出），这是以前转换的版本")
            outcome.moved_aside(item.job.scope.loaded, moves, listener)
            book.record.failed(result.dst)
            outcome.failures.append(Failure(display_path(result.src), result.error))
            continue
        book.record.made(result.dst, item.recipe, item.job.pairing_id, "pdf", kind=item.job.kind.name,
                         asked=item.job.kind.per is Per.year and bool(options.years or options.term))
        outcome.pdfs.append(result.dst)
    for i, (found, seconds) in sorted(checked.items()):
        outcome.preflight += [f for r in found for f in r.located(display_path(results[i].dst))]
        outcome.preflight_seconds += seconds
    for book in outcome.books.values():
        book.record.save()
    outcome.convert_seconds = time.perf_counter() - started
    listener.converted(len(outcome.pdfs))


# ------------------------------------------------------------------ bundle

def bundle(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = SILENT,
           pool: Pool | None = None, loaded: list[Loaded] | None = None) -> Outcome:
    """``docgen bundle``: every document rendered, then each pairing's and the bureau's bundle
    that is not already made from the same documents, seals and options (converted by
    ``pool`` when given: warm converters the caller keeps; ``loaded``: see ``_load``)."""
    if options.bundle.sign_cert is not None:
        from .bundle.sign import load_signer

        # a wrong password fails now, before any work
        load_signer(options.bundle.sign_cert, options.bundle.sign_password)
    options = replace(options, kinds=(), years=(), term=None)  # a bundle holds every kind, and the summaries written
    with _run("bundle", path, out, options, listener, loaded) as run:
        if run.repeated:
            return run.outcome
        outcome = run.outcome
        todo: list[Pending] = []
        recipes: dict[str, str] = {}
        planned: dict[str, set[Path]] = {}
        for one in outcome.loaded:
            if one.buildable:
                pending, recipes_of, planned[one.id] = _bundles_to_make(one, outcome, out, options.bundle)
                todo += _without_failed_parts(one, _without_bad_seals(one, pending, outcome, listener), outcome,
                                              out, listener)
                recipes.update(recipes_of)
        if _makes_part(options, loaded):
            todo = _let_go(outcome, todo, options)
        bundles = [pending.bundle for pending in todo]  # what is kept of each: make_all consumes the list
        earlier = {bundle.uid: outcome.books[bundle.programme].cleaner.set_aside_bundle(bundle.folder, bundle.zip_path)
                   for bundle in bundles}
        if todo:
            renderer = Renderer(options.templates)
            with _converters(options, pool) as converters, \
                    tempfile.TemporaryDirectory(prefix="docgen-bundle-") as work:
                outcome.bundles, failures = make_all(todo, renderer, converters, options.bundle, Path(work),
                                                     outcome.timings, listener)
            outcome.failures += failures
        _keep_earlier(outcome, bundles, earlier, listener)
        _record_bundles(outcome, bundles, recipes, planned, options, listener)
    return outcome


def _let_go(outcome: Outcome, todo: list[Pending], options: Options) -> list[Pending]:
    """A run that makes a part of each programme (a shard, ``-p``) holds only its pairings
    from its load on (``_render_documents``); the others, when the bureau's documents had
    them read again (``Loaded.complete``), are let go once every bundle is decided (issue 22:
    at 5 000 pairings they are most of what the process would hold, and a shard makes a
    quarter of them or less). The bureau's bundle, whose plan may read every pairing, is
    planned now rather than in its round; a pairing's plan reads its own pairing only. (Not
    where a caller gave the programmes loaded: the workspace keeps them for its pages.)"""
    todo = [replace(pending, plan=_planned(pending.plan())) if pending.bundle.pairing is None else pending
            for pending in todo]
    makes = _selection(options).makes
    for one in outcome.loaded:
        one.keep_only(makes)
    give_back()
    return todo


def _planned(spec: Spec) -> Callable[[], Spec]:
    return lambda: spec


def _keep_earlier(outcome: Outcome, bundles: list[Bundle], earlier: dict[str, list[Moved]], listener: Listener) -> None:
    """The earlier versions of the bundles made again stay in 以前的版本/, unless the new one
    is the same to the byte; a bundle that failed keeps its earlier version there too."""
    made = {b.bundle.uid for b in outcome.bundles}
    by_programme: dict[str, list[Moved]] = {}
    for bundle in bundles:
        moves = earlier.get(bundle.uid, [])
        if bundle.uid in made:
            moves = Cleaner.drop_if_same(moves, bundle.zip_path)
        else:
            moves = [replace(m, reason="报送包本次重新生成失败，这是以前生成的版本") for m in moves]
        by_programme.setdefault(bundle.programme, []).extend(moves)
    for loaded in outcome.loaded:
        moves = by_programme.get(loaded.id, [])
        for why in dict.fromkeys(m.reason for m in moves):
            outcome.moved_aside(loaded, [m for m in moves if m.reason == why], listener)


def _bundles_to_make(loaded: Loaded, outcome: Outcome, out: Path, options: BundleOptions
                     ) -> tuple[list[Pending], dict[str, str], set[Path]]:
    """Each bundle of ``loaded`` to make (planned when it is made), the recipe of each, and
    the zips of all its bundles: a bundle made before from the same documents, seals and
    options is left as it is."""
    book = outcome.books[loaded.id]
    made = {d.job.path: d for d in outcome.documents}
    groups: dict[str | None, list[Job]] = {}
    for job in [d.job for d in outcome.documents] + outcome.unchanged:
        if job.scope.loaded is loaded and bundled(job):
            groups.setdefault(job.pairing_id, []).append(job)
    pairings = {p.id: p for p in loaded.pairings}
    todo, recipes, planned = [], {}, set()
    for pairing_id, group in groups.items():
        group.sort(key=lambda j: str(j.path))
        zip_path = OutputTree(out).bundle_zip(loaded.id, pairing_id)
        planned.add(zip_path)
        seals = _seals_of(group)
        recipe = _recipe(book, group, seals, options)
        if book.record.unchanged(zip_path, recipe):
            outcome.unchanged_outputs += 1
            continue
        pairing = pairings[pairing_id] if pairing_id is not None else None
        bundle = bundle_of(loaded, pairing, out)
        recipes[bundle.uid] = recipe
        todo.append(Pending(bundle, frozenset(seals), partial(_plan_bundle, loaded, bundle, pairing, group, made, book)))
    return todo, recipes, planned


def _plan_bundle(loaded: Loaded, bundle: Bundle, pairing: Pairing | None, group: list[Job],
                 made: dict[Path, Rendered], book: Book) -> Spec:
    """The bundle of ``group``, planned from what was kept of each document: made in this run,
    else noted when it was made (its recipe is unchanged), else worked out again from its
    context."""
    if pairing is None and any(j.path not in made and book.record.facts(j.path) is None for j in group):
        loaded.complete()  # the bureau's documents' contexts list every pairing
    done = [made.get(j.path) or noted(j, book.record.facts(j.path)) or rendered(j, j.kind.context(j.scope))
            for j in group]
    spec = spec_of(loaded, bundle, pairing, done)
    spec.inputs = book.recipes.input_hashes(spec.pairing)
    return spec


def _seals_of(documents: list[Job]) -> set[Path]:
    """The seal images the signers of ``documents`` stamp."""
    return {s.seal for j in documents for s in j.kind.signers(j.scope) if s.seal}


def bundle_recipe(book: Book, documents: list[Job], options: BundleOptions) -> str:
    """What a bundle of ``documents`` is made from: their recipes, the seal images it stamps,
    its cover's template and every field of ``options`` (``BundleOptions.key``)."""
    return _recipe(book, documents, _seals_of(documents), options)


def _recipe(book: Book, documents: list[Job], seals: set[Path], options: BundleOptions) -> str:
    return book.recipes.bundle([book.recipe_of(j.path) for j in documents], seals, COVER.template,
                               options.key(book.recipes.file_hash))


def _record_bundles(outcome: Outcome, bundles: list[Bundle], recipes: dict[str, str], planned: dict[str, set[Path]],
                    options: Options, listener: Listener) -> None:
    """Each bundle written goes into its programme's record; a failed one comes out of it;
    the bundles of pairings that are gone (and, when all are made, of those no longer made)
    are moved aside."""
    written = set()
    for made in outcome.bundles:
        record = outcome.books[made.bundle.programme].record
        record.made(made.zip, recipes[made.bundle.uid], made.bundle.pairing, "bundle", (made.bundle.folder,))
        written.add(made.bundle.uid)
    for bundle in bundles:
        if bundle.uid not in written:
            outcome.books[bundle.programme].record.failed(bundle.zip_path)
    for loaded in outcome.loaded:
        if loaded.id in planned:
            book = outcome.books[loaded.id]
            _move_stale(book, planned[loaded.id], loaded,
                        lambda entry: entry.get("stage") == "bundle" and not options.pairings, outcome, listener)
            book.record.save()


# ------------------------------------------------------------------ report

def report(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = SILENT) -> Outcome:
    """``docgen report``: the bureau's roll-up of each year with records (or of one
    ``options.term``), as .xlsx and .docx, counted to ``options.as_of`` (default: the year's
    or term's last day once it is over, else today: ``rollup``); left as they are when made before from the same data, kept
    beside when a user edited them."""
    with _locked(path, out, options, listener) as tree:
        outcome = Outcome(validate(path, listener))
        renderer = Renderer(options.templates)
        for loaded in outcome.loaded:
            _report_programme(loaded, tree, options, renderer, outcome, listener)
    return outcome


def _report_programme(loaded: Loaded, tree: OutputTree, options: Options, renderer: Renderer, outcome: Outcome,
                      listener: Listener) -> None:
    assert loaded.programme is not None  # validate() passed: every programme file was read
    cycle_years = loaded.programme.cycle.cycle_years
    keys = {y.key for y in cycle_years}
    if options.term is not None:
        chosen = [y.key for y in cycle_years if any(t.key == options.term for t in y.terms)]
        if not chosen:
            terms = "、".join(t.short_label for y in cycle_years for t in y.terms)
            raise UsageError(f"{loaded.id}：帮扶周期中没有这个学期（可选：{terms}）")
    else:
        chosen = list(options.years) or years_with_records(loaded)
    bad = [y for y in chosen if y not in keys]
    if bad:
        raise UsageError(f"{loaded.id}：{'、'.join(bad)} 不是帮扶周期中的年度（可选：{'、'.join(sorted(keys))}）")
    book = Book(Record(tree.programme(loaded.id), force=options.force), Recipes(loaded, options.templates),
                Cleaner(tree, loaded.id))
    dates = Dates(loaded)
    listener.began("report", len(chosen))
    for year in chosen:
        data = rollup(loaded, year, options.as_of, options.term)
        stem = f"考核汇总_{data.label}"
        xlsx, docx = tree.report(loaded.id, stem, ".xlsx"), tree.report(loaded.id, stem, ".docx")
        recipe = book.recipes.report(year, data.as_of_note)
        if book.record.unchanged(docx, recipe):
            outcome.unchanged_outputs += 1
        else:
            try:
                scope = Scope(loaded, rollup=data)
                when = build_time(dates.day(REPORT, scope))
                files = {xlsx: to_xlsx(data, when),
                         docx: renderer.render(REPORT.template, REPORT.context(scope), title=stem, when=when)}
                for target, body in files.items():
                    _keep_edited(target, book, outcome, listener, body)
                    write_atomic(target, body)
            except (OSError, DocgenError) as error:  # this year's report fails; the other years are written
                outcome.failures.append(Failure(display_path(docx.with_suffix("")), reason(error)))
                listener.advanced("report", display_path(docx), False)
                continue
            book.record.made(docx, recipe, None, "report", (xlsx,), kind=REPORT.name,
                             digests={p: hashlib.sha256(b).hexdigest() for p, b in files.items()})
        outcome.reports.append(RollupFiles(data, [xlsx, docx]))
        listener.advanced("report", display_path(docx), True)
    book.record.save()
