"""Loading a programme folder: YAML files -> typed, cross-checked models, or every problem at once.

A programme folder holds ``programme.yaml`` and ``pairings/*.yaml``. A broken pairing file
does not stop the others from loading: ``load_programme`` returns what is valid together
with the problems, and the caller decides (``validate`` fails, ``build`` builds the rest).

Given an earlier load of the same folder (``previous``), a file unchanged since (same size,
modification time and inode, not a link) is not read and checked again: only what changed
is, and the whole is put together again as a full load would (identifiers that clash, the
activity records against their pairings, seal images and evidence files looked at again).
A changed ``programme.yaml`` reads everything again. The result is the same as a full load's
(``tests/test_load_reuse.py`` compares them after edits, additions, deletions and breakage).
A command's load takes the earlier reads from the file where the last run saved them
(``saved``), the same way.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import stat as stat_mode
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import DataChanged, InputError, Problem, SourceError, UsageError, display_path, given
from ..text import outside_gb2312
from . import checks
from . import saved as saved_reads
from .activity_files import activity_files, check_log, future_records, pairing_and_year, unknown_pairing
from .activity_logs import ActivityLogs
from .inside import inside, link_problem, linked_out
from .messages import translate
from .model.activity import ActivityLog
from .model.pairing import Pairing
from .model.programme import Programme
from .origins import attach
from .stated import latest_stated
from .stray import unread_files, unread_pairing_ids
from .yaml_source import Source, format_loc, parse, read_text

PROGRAMME_FILE = "programme.yaml"
PAIRINGS_DIR = "pairings"


@dataclass(frozen=True)
class Apart:
    """A valid pairing a load does not hold (a shard's load of the pairings other shards make,
    or ``Loaded.keep_only``): what the bureau's documents are planned from without it (the
    counties its notices go to, the day they are dated). Their contexts list every pairing: a
    run renders them in a process of its own that loads the folder whole (``render.apart``),
    and plans their bundle, when their facts were not noted, after ``Loaded.complete``."""

    id: str
    no: int | None
    county: str
    latest: dt.date | None
    """The latest day the pairing's file states (``latest_stated``)."""


def apart(pairing: Pairing) -> Apart:
    return Apart(given(pairing.id, "a loaded pairing's id"), pairing.no, pairing.county, latest_stated([pairing]))


def load_order(pairing: Pairing | Apart) -> tuple:
    """The order a load gives its pairings: by number (those without last), then identifier."""
    return (pairing.no is None, pairing.no or 0, pairing.id)


@dataclass
class Loaded:
    """A programme folder after loading: the valid parts and what was wrong."""

    root: Path
    programme: Programme | None
    pairings: list[Pairing] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)
    """Every YAML file read, for the manifest."""
    warnings: list[Problem] = field(default_factory=list)
    """Things that do not stop a build but a user should know (rare characters)."""
    activities: ActivityLogs = field(default_factory=lambda: ActivityLogs(_log_again))
    """Activity records by (pairing id, cycle-year key)."""
    programme_broken: bool = False
    """``programme.yaml`` read, but with problems (a bad doc_no, a date out of order): the model
    is kept to check the pairings against, and nothing of the programme is built."""
    bad_seals: set[Path] = field(default_factory=set)
    """Seal images with problems (resolved paths): no bundle that would carry one is made; the
    Word files, which carry no seal, are."""
    rejected: list[str] = field(default_factory=list)
    """Identifiers of pairing files with problems (the ``id`` they claim and their file name):
    none of their documents are made, and those of an earlier run are out of date."""
    bad_logs: dict[str, set[str]] = field(default_factory=dict)
    """Valid pairings whose activity logs have problems, with the years of those logs: their
    summaries (which count the records), and so their bundles, are not made; their other
    documents are, and the bureau's lists hold them (an empty log of one school took its plan
    and letters away, and the county's notice and plan with them)."""
    pairing_paths: dict[str, Path] = field(default_factory=dict)
    """The file of each valid pairing, by pairing id (what its documents are made from)."""
    let_go: dict[str, Apart] = field(default_factory=dict)
    """Valid pairings this load does not hold, by id: made by another run (a shard's load, or
    ``keep_only``). Their activity logs are not held either."""
    whole: Callable[[Callable[[str], bool]], Loaded] | None = field(default=None, repr=False, compare=False)
    """The folder loaded again, holding only the pairings a predicate names (``complete``)."""
    reads: Reads | None = field(default=None, repr=False, compare=False)
    """Each data file as read and checked on its own, for the next load to reuse (None after a
    load made ``once``)."""
    _seal_paths: dict[str, Path] = field(default_factory=dict, repr=False, compare=False)

    @property
    def buildable(self) -> bool:
        """Whether documents can be made: the programme file is read and has no problem."""
        return self.programme is not None and not self.programme_broken

    def seal_path(self, value: str) -> Path:
        """The seal image a YAML value names, links followed: found once per load (a thousand
        pairings name the same image, and every document's signers ask for it, twice when its
        bundle is planned; resolving each took 5 of the 12 s spent deciding and planning 1 000
        bundles)."""
        found = self._seal_paths.get(value)
        if found is None:
            found = self._seal_paths[value] = (self.root / value).resolve()
        return found

    def activity_log(self, pairing_id: str, year_key: str) -> ActivityLog | None:
        return self.activities.get((pairing_id, year_key))

    @property
    def id(self) -> str:
        return self.root.name

    @property
    def ok(self) -> bool:
        return not self.problems

    def input_hashes(self) -> dict[str, str]:
        return {p.relative_to(self.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(self.inputs)}

    def pairing(self, pairing_id: str) -> Pairing | None:
        return next((p for p in self.pairings if p.id == pairing_id), None)

    @property
    def pairing_ids(self) -> set[str]:
        """The ids of every valid pairing, held or let go of (``keep_only``)."""
        return {given(p.id, "a loaded pairing's id") for p in self.pairings} | set(self.let_go)

    @property
    def unlisted(self) -> list[str]:
        """The pairings whose data has errors (or whose file is not read): left out of every
        list of the programme's pairings until mended, in the order found."""
        listed = self.pairing_ids
        return [pairing_id for pairing_id in dict.fromkeys(self.rejected) if pairing_id not in listed]

    def every_pairing(self) -> list[Pairing | Apart]:
        """Every valid pairing, held or not, in the load's order."""
        return sorted([*self.pairings, *self.let_go.values()], key=load_order)

    def keep_only(self, keep: Callable[[str], bool]) -> None:
        """Only the pairings ``keep`` names, and their activity logs, stay held. A run that
        makes a part of a large programme (a shard of it, or ``-p``) lets go of the rest once
        nothing it does reads them any more: at 5 000 pairings they are most of what the
        process holds. What the bureau's documents are planned from stays (``Apart``)."""
        going = [p for p in self.pairings if not keep(given(p.id, "a loaded pairing's id"))]
        self.let_go.update((a.id, a) for a in map(apart, going))
        self.pairings = [p for p in self.pairings if p.id not in self.let_go]
        for key in [key for key in self.activities if key[0] in self.let_go]:
            del self.activities[key]

    def complete(self) -> None:
        """Every valid pairing held again, with its activity logs, read again from the folder
        (the contexts of the bureau's documents list every pairing: their bundle planned without
        the facts noted when they were made). Only the pairings not held are kept of the second
        load (the others are read and let go one by one)."""
        if not self.let_go:
            return
        wanted = self.let_go
        again = given(self.whole, "the way to load the folder again")(lambda pairing_id: pairing_id in wanted)
        found = {given(p.id, "a loaded pairing's id"): p for p in again.pairings}
        if set(found) != set(wanted):
            raise DataChanged(self.root)
        self.pairings = sorted([*self.pairings, *found.values()], key=load_order)
        self.activities.take(again.activities, set(found))
        self.let_go = {}


@dataclass
class FileRead:
    """One data file as read and checked on its own (what no other file changes)."""

    mark: tuple | None
    """``file_mark``: None for a link, never reused."""
    src: Source | None
    """The file's positions (without its data), for the problems found later; None when the
    file could not be parsed."""
    model: BaseModel | None
    problems: list[Problem]
    """Reading and validating it."""
    warnings: list[Problem] = field(default_factory=list)
    checked: list[Problem] = field(default_factory=list)
    """A pairing's own checks against the programme (``checks.pairing``)."""
    id_loc: tuple = ()
    claimed: str = ""
    """The identifier a pairing file means to have (``claimed_id``)."""
    text: str | None = None
    """The file's text, when it was asked for (an activity log kept as its text)."""


@dataclass
class Reads:
    """The files of one load, for the next one: reused while unchanged."""

    programme: FileRead | None = None
    files: dict[Path, FileRead] = field(default_factory=dict)


def file_mark(path: Path) -> tuple | None:
    """Size, modification time and inode of a file that is not a link (None: a link, or not
    there): the same mark, the same content as far as a reload is concerned. A link is
    never reused: where it leads may have changed."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if stat_mode.S_ISLNK(found.st_mode):
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ino, found.st_ctime_ns)


def _lite(src: Source | None) -> Source | None:
    """A source without its data: the positions problems are placed with."""
    if src is None:
        return None
    lite = Source(src.path, None, src.values)
    lite.pack()
    return lite


def adopt(pairing: Pairing, programme: Programme) -> Pairing:
    """A pairing as the rest of docgen sees it: with one resolved cycle, its own or the
    programme's, so that no later stage has to choose."""
    if pairing.cycle is None:
        pairing.cycle = programme.cycle
    return pairing


def find_programmes(path: Path) -> list[Path]:
    """Programme folders at ``path``: the folder itself, or its sub-folders that hold a programme."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"找不到目录 {display_path(path)}")
    if path.is_file():
        raise UsageError(f"{display_path(path)} 是文件，请给出方案目录（含 {PROGRAMME_FILE}）或其上级目录")
    if (path / PROGRAMME_FILE).is_file():
        return [path]
    # a hidden folder is never a programme: ``docgen new programme`` writes the next one in .tmp-… first
    found = sorted(p.parent for p in path.glob(f"*/{PROGRAMME_FILE}") if not p.parent.name.startswith("."))
    if not found:
        raise UsageError(f"在 {display_path(path)} 中没有找到 {PROGRAMME_FILE}："
                         f"每个方案应是一个目录，内含 {PROGRAMME_FILE} 和 {PAIRINGS_DIR}/")
    return found


def validate_source(src: Source, model: type[BaseModel], extra: dict | None = None):
    """The model of a file read by ``yaml_source``, or ``SourceError`` with every problem in it."""
    data = src.data
    if not isinstance(data, dict):
        raise SourceError([src.problem((), "文件的最外层应为“键: 值”形式的映射，而不是列表或单个值")])
    if extra:
        data = {**extra, **data}
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        # A value already reported by the reader (bad date, duplicate key) is not reported twice.
        found = [p for p in translate(exc, src, model)
                 if not any(p.field == format_loc(b) for b in src.broken)]
        raise SourceError(src.problems + found) from None
    if src.problems:
        raise SourceError(src.problems)
    attach(result, src)
    return result


def rare_characters(src: Source) -> list[Problem]:
    """Point out hanzi outside GB2312, once per file: 仿宋_GB2312 on an office PC cannot show
    them, and the PDF sets them in a fall-back face (e.g. 喆 堃 珺 玥 in names)."""
    places: list[tuple] = []
    chars: dict[str, None] = {}

    def walk(value, loc):
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, loc + (key,))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, loc + (i,))
        elif isinstance(value, str) and not _in_gb2312(value):
            rare = outside_gb2312(value)
            if rare:
                places.append(loc)
                chars.update(dict.fromkeys(rare))

    walk(src.data, ())
    if not places:
        return []
    where = f"（共 {len(places)} 处，此处为第一处）" if len(places) > 1 else ""
    return [src.problem(places[0], f"提示：“{'、'.join(chars)}”不在 GB2312 字符集中{where}，办公电脑上的仿宋_GB2312"
                                   "等字体无法显示，Word 中可能显示为方框；PDF 中将用备用字体显示，请核对")]


def _in_gb2312(text: str) -> bool:
    """Whether GB2312 holds every character of ``text`` (then it has no rare hanzi either): one
    encoding in C for the text of almost every value, instead of a look at each character."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _read_file(path: Path, model: type[BaseModel], root: Path, keep_text: bool = False,
               text: str | None = None) -> FileRead:
    """Read and validate one file: its model, or None with the problems (the source too is
    None when the file could not even be parsed); with ``keep_text``, the text it was read from.
    ``text``: the file's text as it would be (a form's save, checked before it is written)."""
    mark = file_mark(path) if text is None else None
    try:
        outside_link(root, path)
        text = read_text(path) if text is None else text
        src = parse(path, text)
    except SourceError as exc:
        return FileRead(mark, None, None, exc.problems)
    try:
        return FileRead(mark, src, validate_source(src, model), [], text=text if keep_text else None)
    except SourceError as exc:
        return FileRead(mark, src, None, exc.problems)


def _log_again(path: Path, text: str) -> ActivityLog:
    """An activity log from the text it was read and checked from (``ActivityLogs``)."""
    log = validate_source(parse(path, text), ActivityLog)
    assert isinstance(log, ActivityLog)
    return log


class _Earlier:
    """Where a load takes the reads of files unchanged since: a load kept in memory
    (``Reads``, the workspace's) or the last run's saved reads (``saved.SavedReads``, which
    then keeps this load's for the next run)."""

    def __init__(self, reads: Reads | None, saved: saved_reads.SavedReads | None):
        self.reads, self.saved = reads, saved
        self.shared = saved_reads.NOTHING_SHARED
        """The programme's models a pairing's read may refer to (``saved.shared_models``)."""

    def programme(self, path: Path) -> FileRead | None:
        """The earlier read of the programme file ``path`` if it has not changed since."""
        mark = file_mark(path)
        if mark is None:
            return None
        if self.reads is not None:
            return _unchanged(self.reads.programme, mark)
        return _unchanged(self.saved.programme_read(mark) if self.saved is not None else None, mark)

    def file(self, path: Path) -> FileRead | None:
        """The earlier read of ``path`` if the file has not changed since."""
        mark = file_mark(path)
        if mark is None:
            return None
        if self.reads is not None:
            return _unchanged(self.reads.files.get(path), mark)
        return _unchanged(self.saved.file_read(path, mark, self.shared) if self.saved is not None else None, mark)

    def forget(self) -> None:
        """Nothing earlier is taken (the programme file changed: every file is checked against it again)."""
        self.reads = None
        if self.saved is not None:
            self.saved.forget()

    def keep_programme(self, found: FileRead) -> None:
        if isinstance(found.model, Programme):
            self.shared = saved_reads.shared_models(found.model)
        if self.saved is not None and found.mark is not None:
            self.saved.keep_programme(found.mark, found)

    def keep(self, path: Path, found: FileRead) -> None:
        if self.saved is not None and found.mark is not None:
            self.saved.keep(path, found.mark, found, self.shared)

    def __enter__(self) -> _Earlier:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """This load's reads saved for the next run (``SavedReads.close``), unless it was cut short."""
        if self.saved is not None:
            self.saved.close(save=kind is None)


def _unchanged(found: object, mark: tuple) -> FileRead | None:
    """``found`` if it is a read of a file that still has ``mark``."""
    return found if isinstance(found, FileRead) and found.mark == mark else None


def outside_link(root: Path, path: Path) -> None:
    """Raise ``SourceError`` if ``path`` is a link (or in a linked folder) leading out of the
    programme folder: nothing outside it is ever read."""
    if not inside(root, path):
        raise SourceError([link_problem(path)])


def claimed_id(path: Path, src: Source | None) -> str:
    """The identifier a pairing file means to have, even when it has problems: its ``id`` if
    that can be read, else its file name."""
    data = src.data if src is not None else None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else path.stem


def pairing_files(root: Path) -> list[Path]:
    folder = root / PAIRINGS_DIR
    if not folder.is_dir() or not inside(root, folder):
        return []
    # (not hidden files: a temporary file a killed writer left, ``.tmp-….yaml``, is no pairing)
    # (sorted as paths sort, by their parts: comparing Path objects is slow at a thousand files)
    return sorted((p for p in [*folder.glob("*.yaml"), *folder.glob("*.yml")] if not p.name.startswith(".")),
                  key=lambda p: p.parts)


def load_programme(root: Path, previous: Loaded | None = None, *, once: bool = False,
                   saved: Path | None = None, keep: Callable[[str], bool] | None = None,
                   programme_text: str | None = None) -> Loaded:
    """Load one programme folder. Never raises for bad input: problems are collected.

    ``previous``: an earlier load of the same folder, whose unchanged files are reused (see
    the module's note); the result is the same as without it. ``once``: no later load will
    reuse this one (a command's): it keeps no reads, and each activity log as its text
    (``ActivityLogs``), so that the logs are never all in memory. ``saved``: the file where
    the reads of a run's load are kept for the next run (``load.saved``): without a
    ``previous``, the unchanged files' reads are taken from it, and this load's are kept there.
    ``keep`` (with ``once``): only the valid pairings it names are held; each other one is read,
    checked with its activity logs and let go at once (``Loaded.let_go``), so that a shard of a
    large programme never holds the whole of it; its problems are the same as a full load's.
    ``programme_text``: the programme file's text as it would be (the workspace's programme form
    checks a save before it is written); every pairing is checked against it."""
    root = Path(root)
    assert keep is None or once, "a load kept for the next one holds every pairing"
    loaded = Loaded(root=root, programme=None, reads=Reads())
    before = previous.reads if previous is not None and previous.root == root else None
    earlier = _Earlier(before, saved_reads.SavedReads(saved, root) if saved is not None and before is None else None)
    with checks.files_looked_at_once(), earlier:
        reused = _load_programme_file(loaded, root, earlier, programme_text)
        loaded.problems += [link_problem(folder) for folder in linked_out(root)]
        loaded.warnings += unread_files(root)
        loaded.rejected += unread_pairing_ids(root)  # their documents of an earlier run are out of date
        if not reused:
            earlier.forget()  # programme.yaml changed (or cannot be read): every pairing is checked against it again
        logs = activity_files(root) if loaded.programme is not None else []
        checked_apart = _load_pairings(loaded, root, earlier, keep, logs)
        if loaded.programme is not None:
            _load_activities(loaded, root, earlier, once, logs, checked_apart)
    if loaded.programme is not None and not pairing_files(root):
        loaded.problems.append(Problem(display_path(root / PAIRINGS_DIR), 0, 0, "",
                                       f"没有结对文件：请在 {PAIRINGS_DIR}/ 下为每个结对建一个 .yaml 文件"
                                       "（可用 docgen new pairing 生成）"))
    if once:
        loaded.reads = None
    return loaded


def _load_programme_file(loaded: Loaded, root: Path, earlier: _Earlier, text: str | None = None) -> bool:
    """Read (or take from ``earlier``) and check ``programme.yaml`` (``text``: as it would be);
    whether it was taken."""
    prog_path = root / PROGRAMME_FILE
    loaded.inputs.append(prog_path)
    reads = given(loaded.reads, "this load's reads")
    kept = earlier.programme(prog_path) if text is None else None
    reused = kept is not None
    if kept is None:
        kept = _read_file(prog_path, Programme, root, text=text)
        if isinstance(kept.model, Programme) and kept.src is not None:  # (the model of a file read has its source)
            kept.warnings = rare_characters(kept.src)
            kept.checked = checks.programme(kept.model, kept.src, root)
        kept.src = _lite(kept.src)
    reads.programme = kept
    earlier.keep_programme(kept)
    loaded.problems += kept.problems
    if kept.model is None:
        return reused
    programme = kept.model
    assert isinstance(programme, Programme) and kept.src is not None
    loaded.warnings += kept.warnings
    seal_problems, loaded.bad_seals = checks.seals(checks.programme_seals(programme), kept.src, root)
    loaded.problems += kept.checked + seal_problems
    loaded.programme, loaded.programme_broken = programme, bool(kept.checked)
    return reused


def _read_pairing(path: Path, root: Path, programme: Programme | None) -> FileRead:
    """A pairing file read and checked on its own (against the programme, when there is one)."""
    found = _read_file(path, Pairing, root)
    pairing = found.model
    if isinstance(pairing, Pairing) and found.src is not None:  # (the model of a file read has its source)
        found.warnings = rare_characters(found.src)
        found.id_loc = ("id",)
        if pairing.id is None:
            pairing.id = path.stem
            found.id_loc = ()
        if programme is not None:
            adopt(pairing, programme)
            found.checked = checks.pairing(pairing, found.src, programme, root)
    found.claimed = claimed_id(path, found.src)
    found.src = _lite(found.src)
    return found


@dataclass(frozen=True)
class _LogChecked:
    """An activity log of a pairing the load does not hold, read and checked beside it: what
    ``_load_activities`` says of it in its turn, as of a log it read itself."""

    read: list[Problem]
    """Reading and validating the file (its log is None when there are any)."""
    parsed: bool
    checked: list[Problem]
    """Against its pairing (``check_log``)."""
    warnings: list[Problem]


def _read_log(path: Path, root: Path, earlier: _Earlier, keep_text: bool) -> FileRead:
    """An activity log as read: the earlier read of the file when it is unchanged, else read
    now (its source kept light); kept for the next load either way."""
    found = earlier.file(path)
    if found is None:
        found = _read_file(path, ActivityLog, root, keep_text=keep_text)
        found.src = _lite(found.src)
    earlier.keep(path, found)
    return found


def _check_apart(path: Path, pairing: Pairing, loaded: Loaded, root: Path, earlier: _Earlier) -> _LogChecked:
    """An activity log of ``pairing`` (which the load lets go of) read and checked now, while
    the pairing is at hand; nothing of it is held."""
    found = _read_log(path, root, earlier, keep_text=True)
    log, src = found.model, found.src
    if log is None:
        return _LogChecked(found.problems, False, [], [])
    assert isinstance(log, ActivityLog) and src is not None
    checked = check_log(log, src, given(loaded.programme, "a programme"), pairing, pairing_and_year(path)[1], root)
    return _LogChecked(found.problems, True, checked, [] if checked else future_records(log, src, dt.date.today()))


def _load_pairings(loaded: Loaded, root: Path, earlier: _Earlier, keep: Callable[[str], bool] | None = None,
                   log_files: list[Path] | None = None) -> dict[Path, _LogChecked]:
    """The pairing files read and checked; with ``keep``, the activity logs (of ``log_files``)
    of the valid pairings it does not name, checked beside them (by the log's path)."""
    seen: dict[str, tuple[str, Source]] = {}
    pairs_seen = checks.PairingsSeen()
    logs: dict[str, list[Path]] = {}
    if keep is not None:
        for log_path in log_files or []:
            logs.setdefault(pairing_and_year(log_path)[0], []).append(log_path)
    checked_apart: dict[Path, _LogChecked] = {}
    for path in pairing_files(root):
        found = earlier.file(path) or _read_pairing(path, root, loaded.programme)
        if keep is None:  # (a load that keeps some is made once: no later load reuses its reads)
            given(loaded.reads, "this load's reads").files[path] = found
        earlier.keep(path, found)
        loaded.inputs.append(path)
        pairing, src = found.model, found.src
        if pairing is None:
            loaded.problems += found.problems
            loaded.rejected += dict.fromkeys([found.claimed, path.stem])
            continue
        assert isinstance(pairing, Pairing) and src is not None and pairing.id is not None  # (its id: see _read_pairing)
        loaded.warnings += found.warnings
        # (a file whose identifier clashes is said to once: not again for each pair it repeats)
        problems = _id_clash(pairing, src, found.id_loc, seen, loaded, pairs_seen) or pairs_seen.problems(pairing, src)
        problems += found.checked
        seal_problems, bad = checks.seals(checks.pairing_seals(pairing), src, root)
        loaded.problems += seal_problems  # only the bundles that would carry the seal are not made
        loaded.bad_seals |= bad
        if problems:
            loaded.problems += problems
            loaded.rejected += dict.fromkeys([pairing.id, path.stem])
            continue
        seen[pairing.id.casefold()] = (pairing.id, src)
        pairs_seen.add(pairing, src)
        loaded.pairing_paths[pairing.id] = path
        if keep is None or keep(pairing.id):
            loaded.pairings.append(pairing)
            continue
        loaded.let_go[pairing.id] = apart(pairing)
        for log_path in logs.get(pairing.id, []):
            checked_apart[log_path] = _check_apart(log_path, pairing, loaded, root, earlier)
    loaded.pairings.sort(key=load_order)
    return checked_apart


def _id_clash(pairing: Pairing, src: Source, id_loc: tuple, seen: dict[str, tuple[str, Source]],
              loaded: Loaded, pairs_seen: checks.PairingsSeen) -> list[Problem]:
    """The problem of a pairing whose identifier another file has already taken (or takes but
    for case). The file named after the identifier keeps it: a copy that says ``id: sanzhong``
    never takes sanzhong's place, whichever is read first."""
    pairing_id = given(pairing.id, "a loaded pairing's id")
    if pairing_id.casefold() not in seen:
        return []
    first_id, first_src = seen[pairing_id.casefold()]
    if first_id != pairing.id:
        return [src.problem(id_loc, f"结对标识“{pairing.id}”与 {first_src.name} 的“{first_id}”只差大小写："
                                    "Windows 和 macOS 上两者的文件夹会合在一起，请改用不同的标识")]
    message = "结对标识“{}”与 {} 重复，每个结对的标识（不写 id 时为文件名）必须唯一"
    if src.path.stem == pairing_id and first_src.path.stem != first_id:  # the first took this file's name
        _reject(loaded, first_id)
        loaded.rejected.append(first_src.path.stem)
        loaded.problems.append(first_src.problem(("id",), message.format(first_id, src.name)))
        del seen[pairing_id.casefold()]
        pairs_seen.forget(first_src)
        return []
    return [src.problem(id_loc, message.format(pairing.id, first_src.name))]


def _reject(loaded: Loaded, pairing_id: str) -> None:
    """A pairing whose documents cannot be made after all (another file has the better claim
    to its identifier)."""
    loaded.pairings = [p for p in loaded.pairings if p.id != pairing_id]
    loaded.let_go.pop(pairing_id, None)
    loaded.rejected.append(pairing_id)


def _load_activities(loaded: Loaded, root: Path, earlier: _Earlier, once: bool, log_files: list[Path],
                     checked_apart: dict[Path, _LogChecked]) -> None:
    """Activity records of every valid pairing; a bad file is reported and its pairing's
    documents are not made (its summary would miss records), the others kept (``once``: as
    their texts, each model let go once checked). The logs of the pairings the load does not
    hold were checked beside them (``checked_apart``): what was found is said here, in the same order."""
    by_id = {given(p.id, "a loaded pairing's id"): p for p in loaded.pairings}
    not_held = set(loaded.let_go)
    known = sorted(set(by_id) | not_held)
    for path in log_files:
        pairing_id, year = pairing_and_year(path)
        if pairing_id in not_held:
            _said_apart(loaded, path, checked_apart[path])
            continue
        found = _read_log(path, root, earlier, keep_text=once)
        if not once:
            given(loaded.reads, "this load's reads").files[path] = found
        loaded.inputs.append(path)
        loaded.problems += found.problems
        src, log = found.src, found.model
        if log is None:
            if pairing_id in by_id:
                loaded.bad_logs.setdefault(pairing_id, set()).add(year)
            continue
        assert isinstance(log, ActivityLog) and src is not None
        pairing = by_id.get(pairing_id)
        if pairing is None and pairing_id in loaded.rejected:
            continue  # the pairing file's own problems are reported; not this file's as well
        if pairing is None:
            loaded.problems.append(unknown_pairing(path, src.name, known))
            continue
        problems = check_log(log, src, given(loaded.programme, "a programme"), pairing, year, root)
        if problems:
            loaded.problems += problems
            loaded.bad_logs.setdefault(pairing_id, set()).add(year)
            continue
        if found.text is not None:
            loaded.activities.keep_text((pairing_id, year), path, found.text)
        else:
            loaded.activities[(pairing_id, year)] = log
        loaded.warnings += future_records(log, src, dt.date.today())


def _said_apart(loaded: Loaded, path: Path, log: _LogChecked) -> None:
    """``_load_activities``'s turn at a log checked beside its pairing (``_check_apart``)."""
    loaded.inputs.append(path)
    loaded.problems += log.read
    pairing_id, year = pairing_and_year(path)
    if not log.parsed or log.checked:
        loaded.problems += log.checked
        loaded.bad_logs.setdefault(pairing_id, set()).add(year)
        return
    loaded.warnings += log.warnings


def load_all(path: Path, saved: Callable[[Path], Path] | None = None,
             keep: Callable[[str], bool] | None = None) -> list[Loaded]:
    """Every programme under ``path``, each loaded ``once`` (``saved``: the file where the
    reads of a programme's folder are kept between runs, see ``load_programme``; ``keep``:
    the pairings held, the others read, checked and let go, each programme able to read
    them again: ``Loaded.complete``)."""
    out = []
    for root in find_programmes(path):
        file = saved(root) if saved is not None else None
        loaded = load_programme(root, once=True, saved=file, keep=keep)
        if keep is not None:
            loaded.whole = functools.partial(_load_again, root, file)
        out.append(loaded)
    return out


def _load_again(root: Path, saved: Path | None, keep: Callable[[str], bool]) -> Loaded:
    return load_programme(root, once=True, saved=saved, keep=keep)


def load_strict(path: Path) -> list[Loaded]:
    """Load every programme under ``path``; raise ``InputError`` with all problems if any."""
    loaded = load_all(path)
    problems = [p for item in loaded for p in item.problems]
    if problems:
        raise InputError(problems)
    return loaded
