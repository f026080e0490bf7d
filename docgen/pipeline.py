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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .activities.rollup import Rollup, rollup, to_xlsx, years_with_records
from .bundle import BundleReport, Options, Timings, make_all, plan
from .convert import Pool
from .documents.jobs import Job, plan_jobs, safe_name
from .documents.kinds import choices, kind, select
from .documents.scope import Scope, Selection
from .errors import DocgenError, OutputError, Problem, UsageError, display_path, os_reason
from .load import Loaded, load_all, load_strict
from .load.checks import reserved_id
from .load.model.common import ID_RE
from .outputs import write_atomic
from .preflight.check import Result, check, pages_of
from .preflight.rules import Document, Finding
from .render import TEMPLATE_DIR, Renderer


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


@dataclass
class Outcome:
    """What a run made, and what went wrong: input problems and (file, reason) failures."""

    loaded: list[Loaded]
    documents: list[tuple[Job, dict]] = field(default_factory=list)
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
    gone = [f for place in places for f in _files(place) if not f.is_symlink() and f.suffix in OUTPUT_SUFFIXES]
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

def _render(jobs: list[Job], renderer: Renderer) -> tuple[list[tuple[Job, dict]], list[tuple[str, str]]]:
    """Render and write every job atomically; a failure removes that file and spares the rest."""
    done, failures = [], []
    for job in jobs:
        try:
            context = job.kind.context(job.scope)
            _write_document(job.path, renderer.render(job.template, context, title=job.path.stem))
            done.append((job, context))
        except Exception as error:  # noqa: BLE001 - one document's failure never stops the others
            with contextlib.suppress(OSError):
                job.path.unlink(missing_ok=True)  # never leave an out-of-date copy behind
                job.path.with_suffix(".pdf").unlink(missing_ok=True)
            failures.append((display_path(job.path), _reason(error)))
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
                     years: tuple[str, ...] = (), template_dir: Path | None = None,
                     listener: Listener = Listener()) -> Outcome:
    """load -> documents -> render: every Word file asked for, written under ``out``."""
    unknown = [k for k in kinds if k not in choices()]
    if unknown:
        raise UsageError(f"没有文书类型“{'、'.join(unknown)}”；可选：{'、'.join(choices())}")
    check_output(out)
    if template_dir is not None and not Path(template_dir).is_dir():
        raise UsageError(f"找不到模板目录 {display_path(template_dir)}：请检查 -t 后的路径")
    outcome = Outcome(_load(path, pairings, listener))
    selection = Selection(frozenset(pairings) or None, frozenset(years) or None)
    renderer = Renderer(template_dir or TEMPLATE_DIR)
    started = time.perf_counter()
    for loaded in outcome.loaded:
        gone = remove_stale(loaded, out)
        if gone:
            listener.removed(loaded, gone)
        if not loaded.buildable:
            listener.skipped(loaded)
            continue
        done, failures = _render(plan_jobs(loaded, select(kinds), out, selection), renderer)
        outcome.documents += done
        outcome.failures += failures
        listener.rendered(loaded, out / loaded.id, len(done))
    outcome.render_seconds = time.perf_counter() - started
    return outcome


# ----------------------------------------------------------------- convert

def build(path: Path, out: Path, *, kinds: tuple[str, ...] = (), pairings: tuple[str, ...] = (),
          years: tuple[str, ...] = (), template_dir: Path | None = None, pdf: bool = False,
          jobs: int | None = None, timeout: float = 120, listener: Listener = Listener()) -> Outcome:
    """``docgen build``: the Word files, and with ``pdf`` a PDF beside each."""
    outcome = render_documents(path, out, kinds=kinds, pairings=pairings, years=years,
                               template_dir=template_dir, listener=listener)
    if pdf and outcome.documents:
        started = time.perf_counter()
        checked: dict[int, tuple[list[Result], float]] = {}

        def preflight(i: int, result) -> None:  # in the converter's thread, while LibreOffice works on
            if result.ok:
                began = time.perf_counter()
                job, context = outcome.documents[i]
                title = job.kind.heading(job.scope, context)
                try:
                    found = check([Document(title, pages_of(result.dst), job.kind.family)])
                except Exception as exc:  # a PDF the reader cannot follow is reported, not a crash
                    found = [Result(title, [Finding("读取", 0, f"无法读取 PDF（{exc}）")])]
                checked[i] = (found, time.perf_counter() - began)

        with open_pool(jobs, timeout) as pool:
            docs = [job.path for job, _ in outcome.documents]
            results = pool.convert_all([(d, d.with_suffix(".pdf")) for d in docs], then=preflight)
        for i, result in enumerate(results):
            if not result.ok:
                result.dst.unlink(missing_ok=True)  # no out-of-date PDF beside a new .docx
                outcome.failures.append((display_path(result.src), result.error))
                continue
            outcome.pdfs.append(result.dst)
            found, seconds = checked[i]
            outcome.preflight += [(result.dst, r) for r in found]
            outcome.preflight_seconds += seconds
        outcome.convert_seconds = time.perf_counter() - started
        listener.converted(len(outcome.pdfs))
    return outcome


# ------------------------------------------------------------------ bundle

def bundle(path: Path, out: Path, *, pairings: tuple[str, ...] = (), template_dir: Path | None = None,
           options: Options = Options(), jobs: int | None = None, timeout: float = 120,
           listener: Listener = Listener()) -> Outcome:
    """``docgen bundle``: every document rendered, then each pairing's and the bureau's bundle."""
    if options.sign_cert is not None:
        from .bundle.sign import load_signer

        load_signer(options.sign_cert, options.sign_password)  # a wrong password fails now, before any work
    outcome = render_documents(path, out, pairings=pairings, template_dir=template_dir, listener=listener)
    specs = []
    for loaded in outcome.loaded:
        if loaded.buildable:
            specs += plan(loaded, [(j, c) for j, c in outcome.documents if j.scope.loaded is loaded], out)
    specs = _without_bad_seals(specs, outcome.failures)
    renderer = Renderer(template_dir or TEMPLATE_DIR)
    with open_pool(jobs, timeout) as pool, tempfile.TemporaryDirectory(prefix="docgen-bundle-") as work:
        reports, failures = make_all(specs, renderer, pool, options, Path(work), outcome.timings)
    outcome.bundles = reports
    outcome.failures += failures
    return outcome


# ------------------------------------------------------------------ report

REPORT = kind("report")


def report(path: Path, out: Path, *, years: tuple[str, ...] = (), template_dir: Path | None = None,
           listener: Listener = Listener()) -> Outcome:
    """``docgen report``: the bureau's roll-up of each year with records, as .xlsx and .docx."""
    check_output(out)
    outcome = Outcome(validate(path, listener))
    renderer = Renderer(template_dir or TEMPLATE_DIR)
    for loaded in outcome.loaded:
        keys = {y.key for y in loaded.programme.cycle.cycle_years}
        chosen = list(years) or years_with_records(loaded)
        bad = [y for y in chosen if y not in keys]
        if bad:
            raise UsageError(f"{loaded.id}：{'、'.join(bad)} 不是帮扶周期中的年度（可选：{'、'.join(sorted(keys))}）")
        for year in chosen:
            data = rollup(loaded, year)
            folder = out / loaded.id / "report"
            stem = f"考核汇总_{data.year.label}"
            xlsx, docx = folder / f"{stem}.xlsx", folder / f"{stem}.docx"
            try:
                write_atomic(xlsx, to_xlsx(data))
                write_atomic(docx, renderer.render(REPORT.template, REPORT.context(Scope(loaded, rollup=data)), title=stem))
            except (OSError, DocgenError) as error:  # this year's report fails; the other years are written
                outcome.failures.append((display_path(folder / stem), _reason(error)))
                continue
            outcome.reports.append((data, [xlsx, docx]))
    return outcome
