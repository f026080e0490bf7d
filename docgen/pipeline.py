"""The whole job, top to bottom: load -> documents -> render -> convert -> bundle.

The command line, the benchmark and the tests all call these functions. They never print:
what a user should hear goes to a ``Listener`` (the CLI's prints it in Chinese) and what
happened comes back as an ``Outcome``.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from .activities.rollup import Rollup, rollup, to_xlsx, years_with_records
from .bundle import BundleReport, Spec, Timings, make_all, plan
from .bundle.plan import bundle_folder, bundled
from .convert import Pool
from .documents.jobs import Job, Rendered, plan_jobs, rendered, safe_name
from .documents.kinds import choices, kind, select
from .documents.scope import Scope, Selection
from .errors import DocgenError, OutputError, Problem, UsageError, display_path, os_reason
from .incremental import Book, Recipes, Record
from .incremental.record import PREFIX as RECORD_PREFIX
from .load import Loaded, load_all, load_strict
from .load.checks import reserved_id
from .load.model.common import ID_RE
from .options import DEFAULTS, BundleOptions, Options
from .outputs import write_atomic
from .preflight.check import Result, check, pages_of
from .preflight.rules import Document
from .records import Failure, Finding
from .render import Renderer

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

    def removed(self, loaded: Loaded, paths: list[Path]) -> None:
        """Files of an earlier run removed: their pairing (or programme) now has problems."""

    def began(self, stage: str, total: int) -> None:
        """A stage of ``total`` items starts: render, convert, assemble, report (see ``STAGES``)."""

    def advanced(self, stage: str, item: str, ok: bool) -> None:
        """One item of the stage is done (``ok``) or failed; ``item`` names its file."""


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
    unchanged_outputs: int = 0
    """PDFs and bundles left as they were."""
    removed: list[Path] = field(default_factory=list)
    """Outputs of sources that are gone (a deleted pairing), removed."""
    books: dict[str, Book] = field(default_factory=dict, repr=False)
    """Each programme's build record and recipes, by programme id, for the later stages."""

    def preflight_findings(self) -> list[Finding]:
        """Every finding of the preflight, bundles included."""
        return self.preflight + [f for b in self.bundles for r in b.preflight for f in r.located(display_path(b.pdf))]

    @property
    def problems(self) -> list[Problem]:
        return [p for item in self.loaded for p in item.problems]


@contextlib.contextmanager
def open_pool(jobs: int | None, timeout: float) -> Iterator[Pool]:
    """The converters of one run (tests put one pool of their own in here)."""
    with Pool(jobs=jobs, timeout=timeout) as pool:
        yield pool


# ------------------------------------------------------------------ output

def check_output(out: Path) -> None:
    """``OutputError`` unless ``out`` is (or can be made) a folder docgen can write in; run
    before any work starts."""
    out = Path(out)
    for folder in (out, *out.parents):
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"输出路径 {display_path(folder)} 是一个文件，不是文件夹：请删除或改名它，或用 -o 指定另一个输出目录")
        if folder.exists():
            break
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".tmp-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"无法写入输出目录 {display_path(out)}：{os_reason(exc)}") from None


OUTPUT_SUFFIXES = (".docx", ".pdf", ".zip", ".json", ".xlsx")
"""What docgen writes into out/; stale-file removal touches nothing else."""


def _leftover(name: str) -> bool:
    """A temporary file of an interrupted run: docgen's own, or one LibreOffice left."""
    return name.startswith((".tmp-", ".~lock.")) or (name.startswith("lu") and name.endswith(".tmp"))


def _files(place: Path) -> list[Path]:
    """The files at or under ``place``, not following symbolic links."""
    if place.is_symlink() or not place.exists():
        return []
    if place.is_file():
        return [place]
    return sorted(Path(d) / f for d, _, names in os.walk(place) for f in names)


def remove_stale(loaded: Loaded, out: Path) -> list[Path]:
    """Remove what an earlier run wrote for the parts of ``loaded`` that now have problems (so
    that no out-of-date document is left looking valid): a rejected pairing's folder and
    bundle, or everything of a programme whose own file is broken. Only docgen's kinds of
    files are removed, symbolic links are never followed, and emptied folders go too.
    Temporary files an interrupted run left anywhere in the programme's output go as well
    (they are not returned: they were never documents)."""
    base = out / loaded.id
    places = [base] if not loaded.buildable else []
    for pairing_id in loaded.rejected if loaded.buildable else []:
        if loaded.pairing(pairing_id) is None and ID_RE.match(pairing_id) and not reserved_id(pairing_id):
            # (not a second file claiming a valid pairing's id, nor a name of docgen's own folders)
            places += [base / safe_name(pairing_id), base / "bundles" / safe_name(pairing_id),
                       base / "bundles" / (safe_name(pairing_id) + ".zip")]
    for file in _files(base):
        if _leftover(file.name):
            file.unlink(missing_ok=True)
    return _remove(places)


def _remove(places: list[Path]) -> list[Path]:
    """Remove docgen's files at or under ``places``, and the folders that leaves empty."""
    gone = [f for place in places for f in _files(place)
            if not f.is_symlink() and f.suffix in OUTPUT_SUFFIXES and not f.name.startswith(RECORD_PREFIX)]
    for file in gone:
        file.unlink(missing_ok=True)
    for place in places:
        for folder, _, _ in sorted(os.walk(place), reverse=True) if place.is_dir() and not place.is_symlink() else []:
            with contextlib.suppress(OSError):
                Path(folder).rmdir()  # only when empty
    return gone


def _without_bad_seals(specs: list[Spec], failures: list[Failure]) -> list[Spec]:
    """The bundles to make: not those that would carry a seal image with problems (they fail,
    and their earlier versions go)."""
    keep = []
    for spec in specs:
        if any(s.seal in spec.loaded.bad_seals for part in spec.parts for s in part.signers):
            _remove([spec.folder, spec.zip_path])
            failures.append(Failure(display_path(spec.folder), "未生成：要加盖的公章图片有错误（见数据错误），改正后重新生成"))
        else:
            keep.append(spec)
    return keep


# ------------------------------------------------------------------------ load

def validate(path: Path, listener: Listener = Listener()) -> list[Loaded]:
    """Every programme under ``path``, or ``InputError`` with every problem of every file."""
    loaded = load_strict(path)
    _warn(loaded, listener)
    return loaded


def _warn(loaded: list[Loaded], listener: Listener) -> None:
    for item in loaded:
        for warning in item.warnings:
            listener.warned(warning)


def _load(path: Path, pairings: tuple[str, ...], listener: Listener) -> list[Loaded]:
    everything = load_all(path)
    _warn(everything, listener)
    if pairings:
        known = {p.id for item in everything for p in item.pairings}
        missing = [p for p in pairings if p not in known]
        if missing:
            raise UsageError(f"找不到结对“{'、'.join(missing)}”（结对标识即 pairings/ 下的文件名）")
    return everything


# ------------------------------------------------------------ documents, render

def _render(jobs: list[tuple[Job, str]], renderer: Renderer, record: Record, listener: Listener
            ) -> tuple[list[Rendered], list[Failure]]:
    """Render and write every (job, recipe) atomically; a failure removes that file and spares the rest."""
    done: list[Rendered] = []
    failures: list[Failure] = []
    listener.began("render", len(jobs))
    for job, recipe in jobs:
        try:
            context = job.kind.context(job.scope)
            _write_document(job.path, renderer.render(job.template, context, title=job.path.stem))
            record.made(job.path, recipe, job.pairing_id, "docx")
            done.append(rendered(job, context))
            ok = True
        except Exception as error:  # noqa: BLE001 - one document's failure never stops the others
            with contextlib.suppress(OSError):
                job.path.unlink(missing_ok=True)  # never leave an out-of-date copy behind
                job.path.with_suffix(".pdf").unlink(missing_ok=True)
            record.failed(job.path)
            failures.append(Failure(display_path(job.path), _reason(error)))
            ok = False
        listener.advanced("render", display_path(job.path), ok)
    return done, failures


def _write_document(path: Path, data: bytes) -> None:
    """Write a Word file; a PDF beside it made from different content is out of date and goes."""
    pdf = path.with_suffix(".pdf")
    if pdf.exists() and not (path.is_file() and path.read_bytes() == data):
        pdf.unlink()
    write_atomic(path, data)


def _reason(error: Exception) -> str:
    """Why one document failed, in Chinese: docgen's own errors say it, a disk error is
    explained, anything else is named as a fault of docgen to report."""
    if isinstance(error, DocgenError):
        return str(error)
    if isinstance(error, OSError):
        return os_reason(error)
    return f"docgen 内部错误（{type(error).__name__}: {error}），其余文件不受影响；请把此信息报告给维护者"


def render_documents(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = Listener()) -> Outcome:
    """load -> documents -> render: every Word file asked for (of the shard's pairings), written
    under ``out``; a file whose recipe is in the build record and unchanged is left as it is
    (unless ``options.force``), and those of pairings that are gone are removed.
    ``outcome.documents`` holds what is kept of each document made (``Rendered``)."""
    unknown = [k for k in options.kinds if k not in choices()]
    if unknown:
        raise UsageError(f"没有文书类型“{'、'.join(unknown)}”；可选：{'、'.join(choices())}")
    check_output(out)
    _check_templates(options)
    outcome = Outcome(_load(path, options.pairings, listener))
    selection = Selection(frozenset(options.pairings) or None, frozenset(options.years) or None)
    renderer = Renderer(options.templates)
    shard = options.shard
    started = time.perf_counter()
    for loaded in outcome.loaded:
        gone = remove_stale(loaded, out)
        if gone:
            listener.removed(loaded, gone)
        if not loaded.buildable:
            listener.skipped(loaded)
            continue
        jobs = [j for j in plan_jobs(loaded, select(options.kinds), out, selection)
                if shard is None or shard.owns(j.pairing_id)]
        record = Record(out / loaded.id, shard.pair if shard else None, options.force)
        recipes = Recipes(loaded, options.templates)
        outcome.books[loaded.id] = Book(record, recipes)
        todo = []
        for job in jobs:
            recipe = recipes.docx(job.pairing_id, job.template)
            if record.unchanged(job.path, recipe):
                outcome.unchanged.append(job)
            else:
                todo.append((job, recipe))
        done, failures = _render(todo, renderer, record, listener)
        outcome.documents += done
        outcome.failures += failures
        complete = set() if options.selective else {"docx"}
        outcome.removed += record.remove_stale({j.path for j in jobs}, {p.id for p in loaded.pairings}, complete)
        record.save()
        listener.rendered(loaded, out / loaded.id, len(done))
    outcome.render_seconds = time.perf_counter() - started
    return outcome


# ----------------------------------------------------------------- convert

def _check_templates(options: Options) -> None:
    if not Path(options.templates).is_dir():
        raise UsageError(f"找不到模板目录 {display_path(options.templates)}：请检查 -t 后的路径")


def build(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = Listener(),
          pool: Pool | None = None) -> Outcome:
    """``docgen build``: the Word files, and with ``options.pdf`` a PDF beside each
    (converted by ``pool`` when given: warm converters the caller keeps)."""
    outcome = render_documents(path, out, options, listener)
    if options.pdf:
        _convert_documents(outcome, options, listener, pool)
    return outcome


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
                found = check([Document(title, pages_of(result.dst), job.kind.family)])
            except Exception as exc:  # a PDF the reader cannot follow is reported, not a crash
                found = [Result(title, [Finding("读取", 0, f"无法读取 PDF（{exc}）")])]
            checked[i] = (found, time.perf_counter() - began)
        listener.advanced("pdf", display_path(result.dst), result.ok)

    with _converters(options, warm) as pool:
        docs = [item.job.path for item in todo]
        results = pool.convert_all([(d, d.with_suffix(".pdf")) for d in docs], then=preflight)
    for item, result in zip(todo, results):
        record = outcome.books[item.job.scope.loaded.id].record
        if not result.ok:
            result.dst.unlink(missing_ok=True)  # no out-of-date PDF beside a new .docx
            record.failed(result.dst)
            outcome.failures.append(Failure(display_path(result.src), result.error))
            continue
        record.made(result.dst, item.recipe, item.job.pairing_id, "pdf")
        outcome.pdfs.append(result.dst)
    for i, (found, seconds) in sorted(checked.items()):
        outcome.preflight += [f for r in found for f in r.located(display_path(results[i].dst))]
        outcome.preflight_seconds += seconds
    for book in outcome.books.values():
        book.record.save()
    outcome.convert_seconds = time.perf_counter() - started
    listener.converted(len(outcome.pdfs))


# ------------------------------------------------------------------ bundle

def bundle(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = Listener(),
           pool: Pool | None = None) -> Outcome:
    """``docgen bundle``: every document rendered, then each pairing's and the bureau's bundle
    that is not already made from the same documents, seals and options (converted by
    ``pool`` when given: warm converters the caller keeps)."""
    if options.bundle.sign_cert is not None:
        from .bundle.sign import load_signer

        # a wrong password fails now, before any work
        load_signer(options.bundle.sign_cert, options.bundle.sign_password)
    options = replace(options, kinds=(), years=())  # a bundle holds every kind, and the summaries written
    outcome = render_documents(path, out, options, listener)
    specs, recipes, planned = [], {}, {}
    for loaded in outcome.loaded:
        if loaded.buildable:
            todo, planned[loaded.id] = _bundles_to_make(loaded, outcome, out, options.bundle)
            for spec, recipe in todo:
                specs.append(spec)
                recipes[spec.uid] = recipe
    specs = _without_bad_seals(specs, outcome.failures)
    if specs:
        renderer = Renderer(options.templates)
        with _converters(options, pool) as converters, tempfile.TemporaryDirectory(prefix="docgen-bundle-") as work:
            outcome.bundles, failures = make_all(specs, renderer, converters, options.bundle, Path(work),
                                                 outcome.timings, listener)
        outcome.failures += failures
    _record_bundles(outcome, specs, recipes, planned, complete=not options.pairings)
    return outcome


def _bundles_to_make(loaded: Loaded, outcome: Outcome, out: Path, options: BundleOptions
                     ) -> tuple[list[tuple[Spec, str]], set[Path]]:
    """(spec, recipe) of each bundle of ``loaded`` to make, and the zips of all its bundles:
    a bundle made before from the same documents, seals and options is left as it is."""
    book = outcome.books[loaded.id]
    made = {d.job.path: d for d in outcome.documents}
    groups: dict[str | None, list[Job]] = {}
    for job in [d.job for d in outcome.documents] + outcome.unchanged:
        if job.scope.loaded is loaded and bundled(job):
            groups.setdefault(job.pairing_id, []).append(job)
    todo, planned = [], set()
    for pairing_id, group in groups.items():
        group.sort(key=lambda j: str(j.path))
        zip_path = bundle_folder(loaded, pairing_id, out).with_suffix(".zip")
        planned.add(zip_path)
        recipe = bundle_recipe(book, group, options)
        if book.record.unchanged(zip_path, recipe):
            outcome.unchanged_outputs += 1
            continue
        done = [made.get(j.path) or rendered(j, j.kind.context(j.scope)) for j in group]
        for spec in plan(loaded, done, out):
            spec.inputs = book.recipes.input_hashes(spec.pairing)
            todo.append((spec, recipe))
    return todo, planned


def bundle_recipe(book: Book, documents: list[Job], options: BundleOptions) -> str:
    """What a bundle of ``documents`` is made from: their recipes, the seal images it stamps,
    its cover's template and every field of ``options`` (``BundleOptions.key``)."""
    seals = {s.seal for j in documents for s in j.kind.signers(j.scope) if s.seal}
    return book.recipes.bundle([book.recipe_of(j.path) for j in documents], seals, COVER.template,
                               options.key(book.recipes.file_hash))


def _record_bundles(outcome: Outcome, specs: list[Spec], recipes: dict[str, str], planned: dict[str, set[Path]],
                    complete: bool) -> None:
    """Each bundle written goes into its programme's record; a failed one comes out of it;
    the bundles of pairings that are gone are removed."""
    written = set()
    for made in outcome.bundles:
        record = outcome.books[made.spec.loaded.id].record
        record.made(made.zip, recipes[made.spec.uid], made.spec.pairing, "bundle", (made.spec.folder,))
        written.add(made.spec.uid)
    for spec in specs:
        if spec.uid not in written:
            outcome.books[spec.loaded.id].record.failed(spec.zip_path)
    for loaded in outcome.loaded:
        if loaded.id in planned:
            record = outcome.books[loaded.id].record
            alive = {p.id for p in loaded.pairings}
            outcome.removed += record.remove_stale(planned[loaded.id], alive, {"bundle"} if complete else set())
            record.save()


# ------------------------------------------------------------------ report

def report(path: Path, out: Path, options: Options = DEFAULTS, listener: Listener = Listener()) -> Outcome:
    """``docgen report``: the bureau's roll-up of each year with records, as .xlsx and .docx
    (left as they are when made before from the same data)."""
    check_output(out)
    outcome = Outcome(validate(path, listener))
    renderer = Renderer(options.templates)
    for loaded in outcome.loaded:
        keys = {y.key for y in loaded.programme.cycle.cycle_years}
        chosen = list(options.years) or years_with_records(loaded)
        bad = [y for y in chosen if y not in keys]
        if bad:
            raise UsageError(f"{loaded.id}：{'、'.join(bad)} 不是帮扶周期中的年度（可选：{'、'.join(sorted(keys))}）")
        record, recipes = Record(out / loaded.id, force=options.force), Recipes(loaded, options.templates)
        listener.began("report", len(chosen))
        for year in chosen:
            data = rollup(loaded, year)
            folder = out / loaded.id / "report"
            stem = f"考核汇总_{data.year.label}"
            xlsx, docx = folder / f"{stem}.xlsx", folder / f"{stem}.docx"
            recipe = recipes.report(year)
            if record.unchanged(docx, recipe):
                outcome.unchanged_outputs += 1
            else:
                try:
                    write_atomic(xlsx, to_xlsx(data))
                    write_atomic(docx, renderer.render(REPORT.template, REPORT.context(Scope(loaded, rollup=data)),
                                                       title=stem))
                except (OSError, DocgenError) as error:  # this year's report fails; the other years are written
                    outcome.failures.append(Failure(display_path(folder / stem), _reason(error)))
                    listener.advanced("report", display_path(docx), False)
                    continue
                record.made(docx, recipe, None, "report", (xlsx,))
            outcome.reports.append(RollupFiles(data, [xlsx, docx]))
            listener.advanced("report", display_path(docx), True)
        record.save()
    return outcome
