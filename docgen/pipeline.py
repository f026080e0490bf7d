"""The whole job, top to bottom: load -> documents -> render -> convert -> bundle.

The command line, the benchmark and the tests all call these functions. They never print:
what a user should hear goes to a ``Listener`` (the CLI's prints it in Chinese) and what
happened comes back as an ``Outcome``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .activities.rollup import Rollup, rollup, to_xlsx, years_with_records
from .bundle import BundleReport, Options, Spec, Timings, make_all, plan
from .bundle.plan import bundle_folder, bundled, part_of
from .convert import Pool
from .documents.jobs import Job, plan_jobs, safe_name
from .documents.kinds import choices, kind, select
from .documents.scope import Scope, Selection
from .errors import DocgenError, OutputError, Problem, UsageError, display_path, os_reason
from .incremental import Recipes, Record
from .incremental.record import PREFIX as RECORD_PREFIX
from .load import Loaded, load_all, load_strict
from .load.checks import reserved_id
from .load.model.common import ID_RE
from .outputs import write_atomic
from .preflight.check import Result, check_document
from .preflight.rules import Finding
from .render import TEMPLATE_DIR, Renderer
from .shards import Shard

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


@dataclass
class Outcome:
    """What a run made, and what went wrong: input problems and (file, reason) failures."""

    loaded: list[Loaded]
    documents: list[tuple[Job, Any]] = field(default_factory=list)
    """Each Word file made, with what was kept of its context: all of it (``render_documents``),
    its heading (``build``), the ``Part`` a bundle needs (``bundle``)."""
    pdfs: list[Path] = field(default_factory=list)
    bundles: list[BundleReport] = field(default_factory=list)
    reports: list[tuple[Rollup, list[Path]]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    render_seconds: float = 0.0
    convert_seconds: float = 0.0
    preflight_seconds: float = 0.0
    """Of ``build --pdf``: checking the PDFs, summed (done beside the conversions, in their threads)."""
    timings: Timings = field(default_factory=Timings)
    """The bundle stage's parts."""
    preflight: list[tuple[Path, Result]] = field(default_factory=list)
    """The preflight's results, per PDF and document."""
    unchanged: list[Job] = field(default_factory=list)
    """Word files left as they were: made before from the same recipe."""
    unchanged_outputs: int = 0
    """PDFs and bundles left as they were."""
    removed: list[Path] = field(default_factory=list)
    """Outputs of sources that are gone (a deleted pairing), removed."""
    books: dict[str, tuple[Record, Recipes]] = field(default_factory=dict, repr=False)
    """Each programme's build record and recipes, by programme id, for the later stages."""

    def preflight_findings(self) -> list[tuple[str, str, int, str, str, bool]]:
        """Every finding as (file, document, page, rule, what, warning), bundles included."""
        out = [(display_path(path), r.document, f.page, f.rule, f.detail, f.warning)
               for path, r in self.preflight for f in r.findings]
        out += [(display_path(b.pdf), r.document, f.page, f.rule, f.detail, f.warning)
                for b in self.bundles for r in b.preflight for f in r.findings]
        return out

    @property
    def problems(self) -> list[Problem]:
        return [p for item in self.loaded for p in item.problems]


@contextlib.contextmanager
def open_pool(jobs: int | None, timeout: float) -> Iterator[Pool]:
    """The converters of one run (tests put one pool of their own in here)."""
    with Pool(jobs=jobs, timeout=timeout) as pool:
        yield pool


@contextlib.contextmanager
def _converters(jobs: int | None, timeout: float, warm: Pool | None) -> Iterator[Pool]:
    """``warm`` when a caller keeps converters alive across runs (the workspace), left open;
    else the converters of this run."""
    if warm is not None:
        warm.timeout = timeout
        yield warm
    else:
        with open_pool(jobs, timeout) as pool:
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


def _without_bad_seals(specs: list, failures: list[tuple[str, str]]) -> list:
    """The bundles to make: not those that would carry a seal image with problems (they fail,
    and their earlier versions go)."""
    keep = []
    for spec in specs:
        if any(s.seal in spec.loaded.bad_seals for part in spec.parts for s in part.signers):
            _remove([spec.folder, spec.zip_path])
            failures.append((display_path(spec.folder), "未生成：要加盖的公章图片有错误（见数据错误），改正后重新生成"))
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


def _load(path: Path, pairings: tuple[str, ...], listener: Listener, loaded: list[Loaded] | None = None
          ) -> list[Loaded]:
    """Every programme under ``path`` (or ``loaded``: programmes a caller keeps loaded and
    knows to be current, as the workspace does), checked for the pairings asked for."""
    everything = loaded if loaded is not None else load_all(path)
    _warn(everything, listener)
    if pairings:
        known = {p.id for item in everything for p in item.pairings}
        missing = [p for p in pairings if p not in known]
        if missing:
            raise UsageError(f"找不到结对“{'、'.join(missing)}”（结对标识即 pairings/ 下的文件名）")
    return everything


# ------------------------------------------------------------ documents, render

def _source(job: Job) -> str | None:
    """The pairing a document belongs to; None for the bureau's documents."""
    return job.scope.pairing.id if job.scope.pairing is not None else None


def _render(jobs: list[tuple[Job, str]], renderer: Renderer, record: Record, listener: Listener, keep: Callable
            ) -> tuple[list[tuple[Job, Any]], list[tuple[str, str]]]:
    """Render and write every (job, recipe) atomically; a failure removes that file and spares the rest.
    Of each context only ``keep(job, context)`` is kept."""
    done, failures = [], []
    listener.began("render", len(jobs))
    for job, recipe in jobs:
        try:
            context = job.kind.context(job.scope)
            _write_document(job.path, renderer.render(job.template, context, title=job.path.stem))
            record.made(job.path, recipe, _source(job), "docx")
            done.append((job, keep(job, context)))
            ok = True
        except Exception as error:  # noqa: BLE001 - one document's failure never stops the others
            with contextlib.suppress(OSError):
                job.path.unlink(missing_ok=True)  # never leave an out-of-date copy behind
                job.path.with_suffix(".pdf").unlink(missing_ok=True)
            record.failed(job.path)
            failures.append((display_path(job.path), _reason(error)))
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


def render_documents(path: Path, out: Path, *, kinds: tuple[str, ...] = (), pairings: tuple[str, ...] = (),
                     years: tuple[str, ...] = (), template_dir: Path | None = None, force: bool = False,
                     shard: Shard | None = None, keep: Callable = lambda job, context: context,
                     listener: Listener = Listener(), as_of: dt.date | None = None, term: str | None = None,
                     loaded: list[Loaded] | None = None) -> Outcome:
    """load -> documents -> render: every Word file asked for (of ``shard``'s pairings), written
    under ``out``; a file whose recipe is in the build record and unchanged is left as it is
    (unless ``force``), and those of pairings that are gone are removed. ``outcome.documents``
    holds ``keep(job, context)`` of each document made (all of the context by default)."""
    unknown = [k for k in kinds if k not in choices()]
    if unknown:
        raise UsageError(f"没有文书类型“{'、'.join(unknown)}”；可选：{'、'.join(choices())}")
    check_output(out)
    if template_dir is not None and not Path(template_dir).is_dir():
        raise UsageError(f"找不到模板目录 {display_path(template_dir)}：请检查 -t 后的路径")
    outcome = Outcome(_load(path, pairings, listener, loaded))
    selection = Selection(frozenset(pairings) or None, frozenset(years) or None, as_of, term)
    renderer = Renderer(template_dir or TEMPLATE_DIR)
    started = time.perf_counter()
    for loaded in outcome.loaded:
        gone = remove_stale(loaded, out)
        if gone:
            listener.removed(loaded, gone)
        if not loaded.buildable:
            listener.skipped(loaded)
            continue
        jobs = [j for j in plan_jobs(loaded, select(kinds), out, selection) if shard is None or shard.owns(_source(j))]
        record = Record(out / loaded.id, shard.pair if shard else None, force)
        recipes = Recipes(loaded, template_dir or TEMPLATE_DIR)
        outcome.books[loaded.id] = record, recipes
        todo = []
        for job in jobs:
            recipe = recipes.docx(_source(job), job.template, job.kind.depends(job.scope))
            if record.unchanged(job.path, recipe):
                outcome.unchanged.append(job)
            else:
                todo.append((job, recipe))
        done, failures = _render(todo, renderer, record, listener, keep)
        outcome.documents += done
        outcome.failures += failures
        complete = set() if kinds or pairings or years or term else {"docx"}
        outcome.removed += record.remove_stale({j.path for j in jobs}, {p.id for p in loaded.pairings}, complete)
        record.save()
        listener.rendered(loaded, out / loaded.id, len(done))
    outcome.render_seconds = time.perf_counter() - started
    return outcome


# ----------------------------------------------------------------- convert

def build(path: Path, out: Path, *, kinds: tuple[str, ...] = (), pairings: tuple[str, ...] = (),
          years: tuple[str, ...] = (), template_dir: Path | None = None, pdf: bool = False,
          jobs: int | None = None, timeout: float = 120, force: bool = False, shard: Shard | None = None,
          listener: Listener = Listener(), as_of: dt.date | None = None, term: str | None = None,
          pool: Pool | None = None) -> Outcome:
    """``docgen build``: the Word files, and with ``pdf`` a PDF beside each (converted by
    ``pool`` when given: warm converters the caller keeps); summaries count to ``as_of``
    (default: each one's own date, else today), or report on one ``term``."""
    outcome = render_documents(path, out, kinds=kinds, pairings=pairings, years=years, template_dir=template_dir,
                               force=force, shard=shard, keep=_heading, listener=listener, as_of=as_of,
                               term=term)  # memory flat in N
    if pdf:
        _convert_documents(outcome, jobs, timeout, listener, pool)
    return outcome


def _heading(job: Job, context: dict) -> str:
    """A document's title, all ``build`` keeps of its context (for the preflight of its PDF)."""
    return job.kind.heading(job.scope, context)


def _pdf_todo(outcome: Outcome) -> list[tuple[Job, str | None, str]]:
    """(job, heading if rendered, recipe) of every PDF to make; the others are counted unchanged."""
    todo = []
    documents = [(j, h) for j, h in outcome.documents] + [(j, None) for j in outcome.unchanged]
    for job, heading in documents:
        record, recipes = outcome.books[job.scope.loaded.id]
        recipe = recipes.pdf(record.now[record.key(job.path)]["recipe"])
        if record.unchanged(job.path.with_suffix(".pdf"), recipe):
            outcome.unchanged_outputs += 1
        else:
            todo.append((job, heading, recipe))
    return todo


def _convert_documents(outcome: Outcome, jobs: int | None, timeout: float, listener: Listener,
                       warm: Pool | None = None) -> None:
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
            job, heading, _ = todo[i]
            title = heading if heading is not None else _heading(job, job.kind.context(job.scope))
            try:
                found = check_document(result.dst, title, job.kind.family)
            except Exception as exc:  # a PDF the reader cannot follow is reported, not a crash
                found = [Result(title, [Finding("读取", 0, f"无法读取 PDF（{exc}）")])]
            checked[i] = (found, time.perf_counter() - began)
        listener.advanced("pdf", display_path(result.dst), result.ok)

    with _converters(jobs, timeout, warm) as pool:
        docs = [job.path for job, _, _ in todo]
        results = pool.convert_all([(d, d.with_suffix(".pdf")) for d in docs], then=preflight,
                                   families=[job.kind.family for job, _, _ in todo])
    for (job, _, recipe), result in zip(todo, results):
        record = outcome.books[job.scope.loaded.id][0]
        if not result.ok:
            result.dst.unlink(missing_ok=True)  # no out-of-date PDF beside a new .docx
            record.failed(result.dst)
            outcome.failures.append((display_path(result.src), result.error))
            continue
        record.made(result.dst, recipe, _source(job), "pdf")
        outcome.pdfs.append(result.dst)
    for i, (found, seconds) in sorted(checked.items()):
        outcome.preflight += [(results[i].dst, r) for r in found]
        outcome.preflight_seconds += seconds
    for record, _ in outcome.books.values():
        record.save()
    outcome.convert_seconds = time.perf_counter() - started
    listener.converted(len(outcome.pdfs))


# ------------------------------------------------------------------ bundle

def bundle(path: Path, out: Path, *, pairings: tuple[str, ...] = (), template_dir: Path | None = None,
           options: Options = Options(), jobs: int | None = None, timeout: float = 120, force: bool = False,
           shard: Shard | None = None, listener: Listener = Listener(), as_of: dt.date | None = None,
           pool: Pool | None = None, loaded: list[Loaded] | None = None) -> Outcome:
    """``docgen bundle``: every document rendered, then each pairing's and the bureau's bundle
    that is not already made from the same documents, seals and options (converted by
    ``pool`` when given: warm converters the caller keeps; ``loaded``: see ``_load``)."""
    if options.sign_cert is not None:
        from .bundle.sign import load_signer

        load_signer(options.sign_cert, options.sign_password)  # a wrong password fails now, before any work
    outcome = render_documents(path, out, pairings=pairings, template_dir=template_dir, force=force, shard=shard,
                               keep=part_of, listener=listener, as_of=as_of,
                               loaded=loaded)  # only what a bundle needs: memory flat in N
    specs, recipes, planned = [], {}, {}
    for loaded in outcome.loaded:
        if loaded.buildable:
            todo, planned[loaded.id] = _bundles_to_make(loaded, outcome, out, options)
            for spec, recipe in todo:
                specs.append(spec)
                recipes[spec.uid] = recipe
    specs = _without_bad_seals(specs, outcome.failures)
    if specs:
        renderer = Renderer(template_dir or TEMPLATE_DIR)
        with _converters(jobs, timeout, pool) as converters, tempfile.TemporaryDirectory(prefix="docgen-bundle-") as work:
            outcome.bundles, failures = make_all(specs, renderer, converters, options, Path(work), outcome.timings,
                                                 listener)
        outcome.failures += failures
    _record_bundles(outcome, specs, recipes, planned, complete=not pairings)
    return outcome


def _bundles_to_make(loaded: Loaded, outcome: Outcome, out: Path, options: Options
                     ) -> tuple[list[tuple[Spec, str]], set[Path]]:
    """(spec, recipe) of each bundle of ``loaded`` to make, and the zips of all its bundles:
    a bundle made before from the same documents, seals and options is left as it is."""
    record, recipes = outcome.books[loaded.id]
    parts = {job.path: part for job, part in outcome.documents}
    groups: dict[str | None, list[Job]] = {}
    for job in [j for j, _ in outcome.documents] + outcome.unchanged:
        if job.scope.loaded is loaded and bundled(job):
            groups.setdefault(_source(job), []).append(job)
    todo, planned = [], set()
    option_key = (options.duplex, options.seal_mm, recipes.file_hash(options.sign_cert))
    for pairing_id, group in groups.items():
        group.sort(key=lambda j: str(j.path))
        zip_path = bundle_folder(loaded, pairing_id, out).with_suffix(".zip")
        planned.add(zip_path)
        seals = {s.seal for j in group for s in j.kind.signers(j.scope) if s.seal}
        recipe = recipes.bundle([record.now[record.key(j.path)]["recipe"] for j in group], seals,
                                COVER.template, option_key)
        if record.unchanged(zip_path, recipe):
            outcome.unchanged_outputs += 1
            continue
        done = [(j, parts[j.path] if j.path in parts else part_of(j, j.kind.context(j.scope))) for j in group]
        for spec in plan(loaded, done, out):
            spec.inputs = recipes.input_hashes(spec.pairing)
            todo.append((spec, recipe))
    return todo, planned


def _record_bundles(outcome: Outcome, specs: list[Spec], recipes: dict[str, str], planned: dict[str, set[Path]],
                    complete: bool) -> None:
    """Each bundle written goes into its programme's record; a failed one comes out of it;
    the bundles of pairings that are gone are removed."""
    written = set()
    for made in outcome.bundles:
        record = outcome.books[made.spec.loaded.id][0]
        record.made(made.zip, recipes[made.spec.uid], made.spec.pairing, "bundle", (made.spec.folder,))
        written.add(made.spec.uid)
    for spec in specs:
        if spec.uid not in written:
            outcome.books[spec.loaded.id][0].failed(spec.zip_path)
    for loaded in outcome.loaded:
        if loaded.id in planned:
            record = outcome.books[loaded.id][0]
            alive = {p.id for p in loaded.pairings}
            outcome.removed += record.remove_stale(planned[loaded.id], alive, {"bundle"} if complete else set())
            record.save()


# ------------------------------------------------------------------ report

def report(path: Path, out: Path, *, years: tuple[str, ...] = (), template_dir: Path | None = None,
           force: bool = False, listener: Listener = Listener(), as_of: dt.date | None = None,
           term: str | None = None) -> Outcome:
    """``docgen report``: the bureau's roll-up of each year with records (or of one ``term``), as
    .xlsx and .docx, counted to ``as_of`` (default: as each pairing's summary counts);
    left as they are when made before from the same data."""
    check_output(out)
    outcome = Outcome(validate(path, listener))
    renderer = Renderer(template_dir or TEMPLATE_DIR)
    for loaded in outcome.loaded:
        cycle_years = loaded.programme.cycle.cycle_years
        keys = {y.key for y in cycle_years}
        if term is not None:
            chosen = [y.key for y in cycle_years if any(t.key == term for t in y.terms)]
            if not chosen:
                terms = "、".join(t.short_label for y in cycle_years for t in y.terms)
                raise UsageError(f"{loaded.id}：帮扶周期中没有这个学期（可选：{terms}）")
        else:
            chosen = list(years) or years_with_records(loaded)
        bad = [y for y in chosen if y not in keys]
        if bad:
            raise UsageError(f"{loaded.id}：{'、'.join(bad)} 不是帮扶周期中的年度（可选：{'、'.join(sorted(keys))}）")
        record, recipes = Record(out / loaded.id, force=force), Recipes(loaded, template_dir or TEMPLATE_DIR)
        listener.began("report", len(chosen))
        for year in chosen:
            data = rollup(loaded, year, as_of, term)
            folder = out / loaded.id / "report"
            stem = f"考核汇总_{data.label}"
            xlsx, docx = folder / f"{stem}.xlsx", folder / f"{stem}.docx"
            recipe = recipes.report(year, data.as_of_note)
            if record.unchanged(docx, recipe):
                outcome.unchanged_outputs += 1
            else:
                try:
                    write_atomic(xlsx, to_xlsx(data))
                    write_atomic(docx, renderer.render(REPORT.template, REPORT.context(Scope(loaded, rollup=data)),
                                                       title=stem))
                except (OSError, DocgenError) as error:  # this year's report fails; the other years are written
                    outcome.failures.append((display_path(folder / stem), _reason(error)))
                    listener.advanced("report", display_path(docx), False)
                    continue
                record.made(docx, recipe, None, "report", (xlsx,))
            outcome.reports.append((data, [xlsx, docx]))
            listener.advanced("report", display_path(docx), True)
        record.save()
    return outcome
