"""The data folder as the workspace sees it: its programmes loaded once and loaded again only
when a file changed (size and modification time), the one function every write goes through,
and what each pairing's documents and bundle are (from the build record, trusting size and
modification time, never reading every output).
"""
from __future__ import annotations

import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DocgenError, Problem, SourceError, UsageError, display_path, given
from ..incremental.record import PREFIX as RECORD_PREFIX
from ..incremental.record import Looking, Record, Recorded
from ..load import PAIRINGS_DIR, PROGRAMME_FILE, Loaded, find_programmes, load_programme
from ..load.activity_files import ACTIVITIES_DIR, activity_files_of, check_log
from ..load.checks import pairing as check_pairing
from ..load.folder import adopt, validate_source
from ..load.inside import inside
from ..load.model.activity import ActivityLog
from ..load.model.common import ID_RE
from ..load.model.pairing import Pairing
from ..load.model.programme import Programme
from ..load.yaml_source import parse, read
from ..output_tree import OutputTree
from ..outputs import write_atomic
from ..records import Draft, Manifest, PlacedDocument, SealMissing, Verdict
from .yamledit import Trees, digest

if TYPE_CHECKING:
    from .audit import Audit

SEALS_DIR = "seals"
EVIDENCE_DIR = "evidence"

# Pairing states, in the order the list sorts them.
BROKEN, PENDING, MADE, SEALED = "数据有误", "待确认", "已生成", "已盖章"
STATUS_ORDER = {BROKEN: 0, PENDING: 1, MADE: 2, SEALED: 3}


ROWS_FRESH = 5.0
"""Seconds the pairing list's states are reused while nothing docgen knows of changed."""


class NotFound(UsageError):
    """A page names a programme, pairing or file that is not there."""


class Conflict(Exception):
    """The file changed since the form was drawn: nothing was written."""

    def __init__(self, current: bytes | None):
        self.current = current
        super().__init__("changed")


@dataclass
class Output:
    """One output of the build record, as a page shows it."""

    path: Path
    stage: str
    state: str
    """made, changed (someone edited or replaced it), missing"""

    @property
    def state_name(self) -> str:
        return {"made": "已生成", "changed": "已改动（与生成时不同）", "missing": "文件已不在"}[self.state]


@dataclass
class BundleState:
    """A pairing's (or the bureau's) bundle: where it is and what its manifest says."""

    zip: Path
    state: str
    """made, changed, missing, none"""
    pages: int = 0
    pdf: Path | None = None
    seals: int = 0
    missing: list[SealMissing] = field(default_factory=list)
    unfinished: list[Draft] = field(default_factory=list)
    documents: list[PlacedDocument] = field(default_factory=list)
    preflight: list[Verdict] = field(default_factory=list)
    made_at: float = 0.0
    outdated: bool = False
    """Made, and what it is made from changed since (the pairing's file, its activity logs or
    evidence, the programme's file): its documents no longer say what the data says."""

    @property
    def sealed(self) -> bool:
        """Made, every seal it should carry on it, and at least one (a bundle whose documents
        carry no seal is made, not sealed)."""
        return self.state == "made" and self.seals > 0 and not self.missing and not self.unfinished and not self.outdated


@dataclass(frozen=True)
class _Listed:
    """What the pairing list needs of a bundle's manifest, kept per bundle until its manifest
    changes. A whole manifest (every seal's place, every document's verdict, the files' digests)
    is about 75 kB in memory: kept for each bundle of the list, a thousand pairings held 75 MB."""

    pages: int
    pdf_path: str
    seals: int
    missing: list[SealMissing]
    unfinished: list[Draft]


@dataclass
class PairingRow:
    """One line of a programme's pairing list."""

    id: str
    county: str
    supporter: str
    recipients: str
    status: str
    reason: str
    path: Path | None
    problems: list[Problem] = field(default_factory=list)


def heading_of(data: object) -> str:
    """高台三中 → 黑泉镇中心小学、…: the schools of a pairing as its file's data names them (empty
    when the data is not a pairing's)."""
    if not isinstance(data, dict) or not isinstance(data.get("supporter"), dict):
        return ""
    names = [str(r.get("name", "")) for r in data.get("recipients") or [] if isinstance(r, dict)]
    return f"{data['supporter'].get('name', '')} → {'、'.join(n for n in names if n)}"


class Workspace:
    """The data folder, its outputs and the locks that keep two writers apart."""

    def __init__(self, data_dir: Path, out_dir: Path):
        self.data = Path(data_dir).resolve()
        self.out = Path(out_dir).resolve()
        self._loaded: dict[str, tuple[tuple, Loaded]] = {}
        self._load_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._file_locks: dict[Path, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()
        self._summaries: dict[Path, tuple[tuple, _Listed | None]] = {}
        self._derived: dict[tuple[str, str], tuple[Loaded, object]] = {}
        self._programmes: dict[str, tuple[tuple, object]] = {}
        self._rows: dict[str, tuple[tuple, float, list[PairingRow]]] = {}
        self._bundle_records: dict[str, tuple[tuple, Record]] = {}
        self.trees = Trees()
        """Round-trip trees of the files whose forms were just drawn, for their saves."""
        self.on_write = None
        """Called as ``on_write(path, before, after)`` after every write."""
        self.journal: Audit | None = None
        """The audit log (``audit.Audit``): told of each change before and after it is made."""
        self.who = lambda: ("", "")
        """(account, role) of whoever is writing, for the audit log."""

    # ---------------------------------------------------------------- programmes

    def roots(self) -> dict[str, Path]:
        """Programme folders by id (their folder name)."""
        try:
            return {p.name: p for p in find_programmes(self.data)}
        except UsageError:
            return {}

    def root(self, programme: str) -> Path:
        roots = self.roots()
        if programme not in roots:
            raise NotFound(f"没有方案“{programme}”")
        return roots[programme]

    def seal_files(self, programme: str) -> list[Path]:
        """The images in the programme's seals/ folder (never one outside the programme's folder)."""
        root = self.root(programme)
        folder = root / SEALS_DIR
        if not folder.is_dir() or not inside(root, folder):
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and inside(root, p))

    def loaded(self, programme: str) -> Loaded:
        """The programme as ``docgen validate`` reads it, loaded again only when one of its
        files changed, and then reading only the files that changed (the loader reuses the
        rest of the previous load)."""
        root = self.root(programme)
        with self._load_locks[programme]:
            mark = signature(root)
            cached = self._loaded.get(programme)
            if cached is not None and cached[0] == mark:
                return cached[1]
            for key in [k for k in self._derived if k[0] == programme]:
                del self._derived[key]
            loaded = load_programme(root, cached[1] if cached is not None else None)
            self._loaded[programme] = (mark, loaded)
            return loaded

    def forget(self, programme: str) -> None:
        """Load the programme again at its next use (a file was written): its unchanged files
        are still reused, as ever."""
        cached = self._loaded.get(programme)
        if cached is not None:
            self._loaded[programme] = ((), cached[1])

    def derived(self, programme: str, name: str, compute):
        """``compute(loaded)`` of the programme as loaded now, computed once per load (the
        roll-up of a year, the pairing list)."""
        loaded = self.loaded(programme)
        key = (programme, name)
        cached = self._derived.get(key)
        if cached is not None and cached[0] is loaded:
            return cached[1]
        value = compute(loaded)
        self._derived[key] = (loaded, value)
        return value

    def programme_model(self, programme: str):
        """The programme file's model alone (None if it has problems), read again only when it changed."""
        path = self.root(programme) / PROGRAMME_FILE
        mark = _scan_one(path)
        cached = self._programmes.get(programme)
        if cached is not None and cached[0] == mark:
            return cached[1]
        try:
            model = validate_source(read(path), Programme)
        except SourceError:
            model = None
        self._programmes[programme] = (mark, model)
        return model

    # ---------------------------------------------------------------- files

    def pairing_heading(self, programme: str, pairing_id: str) -> str:
        """The heading of each page of a pairing (``heading_of``) from its file as it is now
        (empty when the file does not read)."""
        try:
            return heading_of(read(self.pairing_path(programme, pairing_id)).data)
        except (DocgenError, OSError):
            return ""

    def pairing_path(self, programme: str, pairing_id: str, removed: bool = False) -> Path:
        """The file of a pairing, valid or not: never a path a request made up. ``removed``:
        or where the file of a pairing removed in the workspace was (its history, to restore it)."""
        root = self.root(programme)
        if removed and self.journal is not None and ID_RE.match(pairing_id):
            was = {f"{programme}/{PAIRINGS_DIR}/{pairing_id}{suffix}" for suffix in (".yaml", ".yml")}
            for entry in self.journal.entries(programme, pairing_id):
                if entry.path in was and not (self.data / entry.path).exists():
                    return self.data / entry.path
        if ID_RE.match(pairing_id):
            for suffix in (".yaml", ".yml"):
                path = root / PAIRINGS_DIR / f"{pairing_id}{suffix}"
                if path.is_file() and inside(root, path):
                    return path
        loaded = self.loaded(programme)  # a file whose ``id:`` is not its name
        if pairing_id in loaded.pairing_paths:
            return loaded.pairing_paths[pairing_id]
        raise NotFound(f"没有结对“{pairing_id}”")

    def file_problems(self, programme: str, path: Path, text: str | None = None) -> tuple[list[Problem], list[Problem]]:
        """What ``docgen validate`` says of one pairing file (``text``: as it would be), and of
        its activity records, without loading the whole programme (a page after a save)."""
        root = self.root(programme)
        model = self.programme_model(programme)
        if model is None:
            return [Problem(display_path(root / PROGRAMME_FILE), 0, 0, "", "方案文件 programme.yaml 有错误，请先修正")], []
        text = path.read_bytes().decode("utf-8-sig", errors="replace") if text is None else text
        try:  # what ``check`` does, keeping the pairing for its records: the text is parsed once
            source = parse(path, text)
            pairing = validate_source(source, Pairing)
        except SourceError as exc:
            return exc.problems, []
        pairing.id = pairing.id or path.stem
        adopt(pairing, model)
        own = check_pairing(pairing, source, model, root)
        if own:
            return own, []
        records: list[Problem] = []
        for log_path in activity_files_of(root, pairing.id):
            try:
                log_src = read(log_path)
                log = validate_source(log_src, ActivityLog)
            except SourceError as exc:
                records += exc.problems
                continue
            records += check_log(log, log_src, model, pairing, log_path.parent.name, root)
        return own, records

    def programme_file(self, programme: str) -> Path:
        """The programme's file, never one that links out of its folder (read nowhere, as the
        loader reads none: review 43 found 方案信息 showing what such a link pointed to)."""
        root = self.root(programme)
        path = root / PROGRAMME_FILE
        if not inside(root, path):
            raise NotFound(f"{PROGRAMME_FILE} 是指向方案目录之外的链接：工作台不读取它，请把文件本身复制到方案目录中")
        return path

    def programme_problems(self, programme: str, text: str | None = None) -> tuple[list[Problem], list[Problem]]:
        """What ``docgen validate`` says of the programme with its file's text as ``text``
        (None: as it is): (the programme file's own problems, those of the other files — its
        pairings and activity records, checked against it). With ``text``, only the other
        files' problems it brings are given: one already there (a pairing broken by hand) is
        no reason to refuse a change of the programme, which does not cause it."""
        root = self.root(programme)
        found = load_programme(root, once=True, programme_text=text).problems
        own = [p for p in found if Path(p.file).name == PROGRAMME_FILE and Path(p.file).parent.name == root.name]
        others = [p for p in found if p not in own]
        if text is not None and others:
            before = {(p.file, p.line, p.field, p.message) for p in self.loaded(programme).problems}
            others = [p for p in others if (p.file, p.line, p.field, p.message) not in before]
        return own, others

    def activity_path(self, programme: str, pairing_id: str, year: str) -> Path:
        loaded = self.loaded(programme)
        if loaded.programme is None or year not in {y.key for y in loaded.programme.cycle.cycle_years}:
            raise NotFound(f"没有年度“{year}”")
        return loaded.root / ACTIVITIES_DIR / year / f"{pairing_id}.yaml"

    @contextmanager
    def locked(self, path: Path) -> Iterator[None]:
        """One writer of ``path`` at a time in this server."""
        with self._guard:
            lock = self._file_locks[Path(path)]
        with lock:
            yield

    def write(self, path: Path, data: bytes, *, expected: str | None = None, action: str = "",
              restored_from: int | None = None) -> None:
        """Every write of a data file goes through here: atomically, only if the file is still
        the one the clerk saw (``expected``: its digest; None: no check), journalled in the
        audit log (who, the diff) around the replace, and told to ``on_write``."""
        self._change(path, data, expected, action, restored_from)

    def remove(self, path: Path, *, expected: str | None = None) -> None:
        """Delete a data file (an activity record file emptied), under the same rules as ``write``."""
        self._change(path, None, expected)

    def _change(self, path: Path, data: bytes | None, expected: str | None, action: str = "",
                restored_from: int | None = None) -> None:
        path = Path(path)
        if not _within(self.data, path) or (path.is_symlink() and data is not None):
            raise NotFound("不能修改数据目录以外的文件")
        with self.locked(path):
            before = path.read_bytes() if path.exists() else None
            if expected is not None and digest(before) != expected:
                raise Conflict(before)
            journal = self.journal
            entry = journal.begin(path, before, data, self.who(), action, restored_from) if journal else None
            try:
                if data is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, data)
            except BaseException:
                if journal and entry is not None:
                    journal.void(entry)
                raise
            if journal and entry is not None:
                journal.commit(entry)
        if self.on_write is not None:
            self.on_write(path, before, data)

    def place_folder(self, made: Path, target: Path) -> None:
        """Put a folder written aside (``made``: a new programme's, all of it) in its place
        ``target`` by one rename, each of its files journalled in the audit log as written by
        whoever asked: pending before the rename, done after it (void if it fails), as ``write``
        does for one file. ``target`` is new (or an empty folder) inside the data folder."""
        target = Path(target)
        if not _within(self.data, target) or target.is_symlink():
            raise NotFound("不能在数据目录以外新建方案")
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise UsageError(f"{target.name} 已存在，且不是空文件夹：不会覆盖已有的文件，请换一个名称")
        files = sorted(p for p in Path(made).rglob("*") if p.is_file())
        journal = self.journal
        entries: list[int] = []
        with self.locked(target):
            try:
                if journal is not None:
                    for path in files:
                        entries.append(journal.begin(target / path.relative_to(made), None, path.read_bytes(), self.who()))
                if target.is_dir():
                    target.rmdir()
                os.rename(made, target)
            except BaseException:
                for entry in entries:
                    journal.void(entry)  # type: ignore[union-attr]
                raise
            for entry in entries:
                journal.commit(entry)  # type: ignore[union-attr]

    def leftovers(self) -> list[Path]:
        """Temporary files a killed writer left in the data folder (``.tmp-*``): removed."""
        gone = []
        for folder, _, names in os.walk(self.data):
            if Path(folder).name == ".docgen" or "/.docgen" in folder:
                continue
            for name in names:
                if name.startswith(".tmp-"):
                    target = Path(folder) / name
                    target.unlink(missing_ok=True)
                    gone.append(target)
        return gone

    # ---------------------------------------------------------------- outputs

    def record(self, programme: str, stages: tuple[str, ...] | None = None) -> dict[str, Recorded]:
        """Every output the build records of the programme hold (of ``stages`` only, when
        given), by path under its output folder, read to be looked at (``Looking``)."""
        return Record(self.out / programme, looking=Looking(stages)).recorded()

    def bundle_record(self, programme: str) -> dict[str, Recorded]:
        """The bundles the build records of the programme hold, each with its state now: the
        records are parsed again only when one of their files changed, each bundle's files are
        looked at every time. (The list of pairings is made again every ``ROWS_FRESH`` seconds
        while it is read; parsing the whole 5 MB record of 1 000 pairings each time took the
        server 27 MB higher for a moment, and 0.2-0.5 s, beside a 生成全部: issue 20.)"""
        mark = self._record_mark(programme)
        cached = self._bundle_records.get(programme)
        if cached is None or cached[0] != mark:
            cached = (mark, Record(self.out / programme, looking=Looking(("bundle",))))
            self._bundle_records[programme] = cached
        return cached[1].recorded()

    def _record_mark(self, programme: str) -> tuple:
        """What changes when a build record of the programme is written."""
        folder = self.out / programme
        return tuple(_scan_one(p) for p in sorted(folder.glob(f"{RECORD_PREFIX}*.json"))) if folder.is_dir() else ()

    def outputs(self, programme: str, pairing_id: str | None) -> list[Output]:
        """The Word files of a pairing (None: the bureau's), with whether each is still as made."""
        out = [Output(r.path, r.stage, r.state) for r in self.record(programme, ("docx", "pdf", "report")).values()
               if r.source == pairing_id]
        return sorted(out, key=lambda o: o.path.name)

    def bundle(self, programme: str, pairing_id: str | None, record: dict[str, Recorded] | None = None,
               whole: bool = False) -> BundleState:
        """The bundle of a pairing (None: the bureau's) as its manifest says: what the list
        shows, kept until the manifest changes; ``whole``, with each document's place and
        verdict too, read afresh (the page of one pairing's documents)."""
        record = self.bundle_record(programme) if record is None else record
        zip_path = OutputTree(self.out).bundle_zip(programme, pairing_id)
        entry = record.get(zip_path.relative_to(self.out / programme).as_posix())
        if entry is None or entry.stage != "bundle":
            return BundleState(zip_path, "none")
        state = BundleState(zip_path, entry.state, made_at=entry.made_at)
        if pairing_id is not None and entry.state == "made":
            state.outdated = self._changed_since(programme, pairing_id, entry.made_at)
        folder = zip_path.with_suffix("")
        listed = None
        if not whole:
            listed = self._listed(folder / "manifest.json")
        elif (manifest := _read_manifest(folder / "manifest.json")) is not None:
            listed = _listed(manifest)
            state.documents = manifest.documents
            state.preflight = manifest.preflight or []
        if listed is not None:
            state.pages = listed.pages
            state.pdf = folder / listed.pdf_path
            state.seals = listed.seals
            state.missing = listed.missing
            state.unfinished = listed.unfinished
        return state

    def _changed_since(self, programme: str, pairing_id: str, made_at: float) -> bool:
        """Whether a file a pairing's bundle is made from changed after ``made_at``: its
        pairing file, its activity logs, its evidence folder (a file added or taken away),
        the programme's file. (The list compared the pairing's file alone: a bundle stayed
        已生成 after records were imported, its PDF saying 70 activities where the page said 74.)"""
        root = self.root(programme)
        loaded = self.loaded(programme)
        inputs = [root / PROGRAMME_FILE, root / EVIDENCE_DIR / pairing_id, *activity_files_of(root, pairing_id)]
        path = loaded.pairing_paths.get(pairing_id)
        return any(_mtime(p) > made_at for p in [*inputs, *([path] if path else [])])

    def _listed(self, path: Path) -> _Listed | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        mark = (stat.st_size, stat.st_mtime_ns)
        cached = self._summaries.get(path)
        if cached and cached[0] == mark:
            return cached[1]
        manifest = _read_manifest(path)
        listed = _listed(manifest) if manifest is not None else None
        self._summaries[path] = (mark, listed)
        return listed

    def rows(self, programme: str) -> list[PairingRow]:
        """Every pairing of the programme (valid or not) with its state, for the list: made
        again when the programme is loaded again or a build record changes, and at the latest
        after ``ROWS_FRESH`` seconds (an output replaced by hand)."""
        loaded = self.loaded(programme)
        mark = (id(loaded), self._record_mark(programme))
        cached = self._rows.get(programme)
        if cached is not None and cached[0] == mark and time.monotonic() - cached[1] < ROWS_FRESH:
            return cached[2]
        rows = self._make_rows(programme, loaded)
        self._rows[programme] = (mark, time.monotonic(), rows)
        return rows

    def _make_rows(self, programme: str, loaded: Loaded) -> list[PairingRow]:
        record = self.bundle_record(programme)
        problems_by_file: dict[str, list[Problem]] = defaultdict(list)
        for problem in loaded.problems:
            problems_by_file[problem.file].append(problem)
        rows = []
        for pairing in loaded.pairings:
            pairing_id = given(pairing.id, "a loaded pairing's id")
            path = loaded.pairing_paths.get(pairing_id)
            bundle = self.bundle(programme, pairing_id, record)
            status, reason = _pairing_status(pairing, bundle)
            rows.append(PairingRow(pairing_id, pairing.county, pairing.supporter.name,
                                   "、".join(r.full_name for r in pairing.recipients), status, reason, path,
                                   problems_by_file.get(display_path(path), []) if path else []))
        valid = {p.id for p in loaded.pairings}
        for path in _pairing_files(loaded.root):
            if path.stem in valid or any(path == p for p in loaded.pairing_paths.values()):
                continue
            found = problems_by_file.get(display_path(path), [])
            county, supporter, recipients = _names_written(path) if inside(loaded.root, path) else ("", "", "")
            rows.append(PairingRow(path.stem, county, supporter or path.stem, recipients, BROKEN,
                                   f"文件中有 {len(found)} 处错误" if found else "活动记录或其他文件有错误", path, found))
        # a pairing whose activity records are broken is rejected, its own file being valid
        for row in rows:
            if row.status != BROKEN and (row.id in loaded.rejected or row.id in loaded.bad_logs):
                row.status, row.reason = BROKEN, "活动记录有错误"
        return rows


def _read_manifest(path: Path) -> Manifest | None:
    try:
        return Manifest.from_json(path.read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _listed(manifest: Manifest) -> _Listed:
    return _Listed(manifest.pdf_pages, manifest.pdf_path, len(manifest.seals), manifest.seals_missing,
                   manifest.unfinished)


_SUPPORTER_NAME = re.compile(r"^supporter:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*['\"]?([^'\"#\n]+)", re.MULTILINE)


def _names_written(path: Path) -> tuple[str, str, str]:
    """(county, supporter, recipients) as a pairing file that does not load writes them (the
    list shows a broken file as the others, by its schools, not by its file name; a wrong
    field elsewhere leaves them readable), each "" where it cannot be read: from the YAML when
    it parses, else the supporter's name found in the text."""
    try:
        data = read(path).data
    except (DocgenError, OSError):
        data = None
    if isinstance(data, dict):
        recipients = data.get("recipients")
        listed = [_text_of(r, "name") + _text_of(r, "campuses") for r in recipients] if isinstance(recipients, list) else []
        county = data.get("county")
        return (county.strip() if isinstance(county, str) else "", _text_of(data.get("supporter"), "name"),
                "、".join(n for n in listed if n))
    try:
        found = _SUPPORTER_NAME.search(path.read_text("utf-8-sig", errors="replace"))
    except OSError:
        return "", "", ""
    return "", found.group(1).strip() if found else "", ""


def _text_of(mapping: object, key: str) -> str:
    """``mapping[key]`` when it is a mapping holding text there, else ""."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _pairing_status(pairing, bundle: BundleState) -> tuple[str, str]:
    if bundle.state in ("none", "missing"):
        return PENDING, "报送材料尚未生成"
    if bundle.outdated:
        return PENDING, "数据已修改，需重新生成"
    if bundle.state == "changed":
        return PENDING, "报送材料与生成时不同，需重新生成"
    if bundle.sealed:
        return SEALED, ""
    reasons = []
    if bundle.unfinished:
        reasons.append(f"{len(bundle.unfinished)} 份文件待填写")
    if bundle.missing:
        reasons.append(f"未盖章 {len(bundle.missing)} 处")
    return MADE, "，".join(reasons)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _pairing_files(root: Path) -> list[Path]:
    folder = root / PAIRINGS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def signature(root: Path) -> tuple:
    """Size and modification time of every file the loader reads (and the seals it checks):
    the same signature, the same programme."""
    marks = []
    for folder in (root, root / PAIRINGS_DIR, root / SEALS_DIR, root / ACTIVITIES_DIR):
        marks += _scan(folder)
    activities = root / ACTIVITIES_DIR
    if activities.is_dir():
        for year in sorted(os.scandir(activities), key=lambda e: e.name):
            if year.is_dir():
                marks += _scan(Path(year.path))
    return tuple(marks)


def _scan_one(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), 0, 0)
    return (str(path), stat.st_size, stat.st_mtime_ns)


def _scan(folder: Path) -> list[tuple]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    out = []
    for entry in entries:
        try:
            stat = entry.stat()
        except OSError:
            continue
        out.append((entry.path, stat.st_size, stat.st_mtime_ns))
    return out


def _within(root: Path, path: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
        return True
    except ValueError:
        return False


__all__ = ["BROKEN", "MADE", "PENDING", "PROGRAMME_FILE", "SEALED", "Conflict", "NotFound", "Workspace"]
