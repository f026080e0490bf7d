"""Where every output goes, decided in one place: ``OutputTree(out)``.

::

    out/<programme>/                      the bureau's documents (notice, plan)
    out/<programme>/<pairing>/            each pairing's documents
    out/<programme>/bundles/<pairing>/    a pairing's bundle folder, and <pairing>.zip beside it
    out/<programme>/bundles/bureau/       the bureau's bundle (and bureau.zip)
    out/<programme>/report/               the roll-up (.xlsx and .docx)
    out/<programme>/bundles/以前的版本/<date>/   earlier versions of bundles made again
    out/<programme>/过期/<date>/           outputs that went out of date, moved aside (说明.txt says why)

Names are Chinese file names that name the schools, made safe for every file system
(``safe_name``). A file docgen writes has one of its suffixes and lies outside the folders
where earlier and out-of-date outputs are kept; only such a file is ever moved by the
cleaner (``is_docgen_output``). Each programme folder has a lock, so two runs (the command
line and the workspace, say) never write into one programme's outputs at once.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import OutputError, display_path, os_reason

STALE = "过期"
"""Outputs that went out of date, moved aside by the cleaner, one folder per day."""
EARLIER = "以前的版本"
"""Inside ``bundles/``: earlier versions of bundles made again, one folder per day."""
BUNDLES = "bundles"
BUREAU = "bureau"
"""The bureau's bundle (pairing ids of that name are refused by the loader)."""
REPORT = "report"
EDITED = "手工修改"
"""In the name of a Word file a user edited after docgen made it, kept beside the new one."""
OUTPUT_SUFFIXES = (".docx", ".pdf", ".zip", ".json", ".xlsx")
"""What docgen writes into out/; the cleaner touches nothing else."""
WAIT_POLL = 1.0
"""Seconds between two tries of a lock another run holds."""
BOOKKEEPING = ".docgen-build"
"""Build records (``.docgen-build.json``) and locks (``.docgen-build.lock``): not outputs."""

_RESERVED = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_BYTES = 180
"""A file name's stem in UTF-8 bytes: file systems allow 255 bytes, and a stem leaves room
for a suffix (_2, .docx, .pdf) and for the hidden temporary name it is first written to."""


def safe_name(name: str) -> str:
    """A file name with no path separators or reserved characters, at most ``MAX_BYTES``
    long: a longer one is cut at a character and ends in a digest of the whole, so that two
    long names that start alike stay apart."""
    name = _RESERVED.sub("_", name).strip().strip(".")
    if len(name.encode("utf-8")) > MAX_BYTES:
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        cut = name
        while len(cut.encode("utf-8")) > MAX_BYTES - len(digest) - 4:
            cut = cut[:-1]
        name = f"{cut}…{digest}"
    return name or "未命名"


def leftover(name: str) -> bool:
    """A temporary file of an interrupted run: docgen's own, or one LibreOffice left."""
    return name.startswith((".tmp-", ".~lock.")) or (name.startswith("lu") and name.endswith(".tmp"))


class OutputTree:
    """The output folder ``out`` and where each output of each programme goes in it."""

    def __init__(self, out: Path):
        self.out = Path(out)

    def check_writable(self) -> None:
        """``OutputError`` unless the output folder is (or can be made) a folder docgen can
        write in; run before any work starts."""
        for folder in (self.out, *self.out.parents):
            if folder.exists() and not folder.is_dir():
                raise OutputError(f"输出路径 {display_path(folder)} 是一个文件，不是文件夹：请删除或改名它，"
                                  "或用 -o 指定另一个输出目录")
            if folder.exists():
                break
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".tmp-", dir=self.out)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise OutputError(f"无法写入输出目录 {display_path(self.out)}：{os_reason(exc)}") from None

    def programme(self, programme_id: str) -> Path:
        """A programme's folder: its bureau's documents, and everything else of it below."""
        return self.out / programme_id

    def saved_reads(self, programme_id: str) -> Path:
        """Where the reads of the programme's last load are kept for the next run (``load.saved``)."""
        return self.programme(programme_id) / f"{BOOKKEEPING}.reads"

    def folder(self, programme_id: str, pairing_id: str | None) -> Path:
        """Where the documents of a pairing (None: of the bureau) go."""
        base = self.programme(programme_id)
        return base / safe_name(pairing_id) if pairing_id is not None else base

    def document(self, programme_id: str, pairing_id: str | None, stem: str, n: int = 1) -> Path:
        """A Word file of a pairing (None: of the bureau); ``n`` > 1 tells apart two
        documents whose names come out the same."""
        stem = safe_name(stem)
        return self.folder(programme_id, pairing_id) / (f"{stem}.docx" if n == 1 else f"{stem}_{n}.docx")

    def bundle(self, programme_id: str, pairing_id: str | None) -> Path:
        """The bundle folder of a pairing (None: the bureau's); its zip is beside it."""
        name = safe_name(pairing_id) if pairing_id is not None else BUREAU
        return self.programme(programme_id) / BUNDLES / name

    def bundle_zip(self, programme_id: str, pairing_id: str | None) -> Path:
        return self.bundle(programme_id, pairing_id).with_suffix(".zip")

    def report(self, programme_id: str, stem: str, suffix: str) -> Path:
        """A roll-up file (``.xlsx`` or ``.docx``)."""
        return self.programme(programme_id) / REPORT / f"{stem}{suffix}"

    def stale(self, programme_id: str, day: str) -> Path:
        """Where the cleaner moves a programme's out-of-date outputs on ``day`` (YYYY-MM-DD)."""
        return self.programme(programme_id) / STALE / day

    def earlier(self, programme_id: str, day: str) -> Path:
        """Where the earlier version of a bundle made again on ``day`` is kept."""
        return self.programme(programme_id) / BUNDLES / EARLIER / day

    def earlier_bundles(self, programme_id: str, pairing_id: str | None) -> list[Path]:
        """The zips of a pairing's (None: the bureau's) earlier bundles, the latest first."""
        name = self.bundle_zip(programme_id, pairing_id).name
        folder = self.programme(programme_id) / BUNDLES / EARLIER
        if not folder.is_dir() or folder.is_symlink():
            return []
        found = [day / name for day in folder.iterdir() if day.is_dir() and (day / name).is_file()]
        return sorted(found, key=lambda p: (p.parent.name[:10], len(p.parent.name), p.parent.name), reverse=True)

    def owned_by(self, programme_id: str, pairing_id: str) -> list[Path]:
        """Every place of a pairing's outputs: its folder, its bundle folder and zip."""
        return [self.folder(programme_id, pairing_id), self.bundle(programme_id, pairing_id),
                self.bundle_zip(programme_id, pairing_id)]

    def is_docgen_output(self, path: Path) -> bool:
        """Whether ``path`` is a file docgen wrote and may move: one of its suffixes, not a
        link, not bookkeeping, not Word's ``~$`` lock file of an open document, not a file
        kept because a user edited it, and not already
        in a folder of earlier or out-of-date outputs."""
        path = Path(path)
        try:
            relative = path.relative_to(self.out)
        except ValueError:
            return False
        return (path.suffix in OUTPUT_SUFFIXES and not path.is_symlink() and path.is_file()
                and not path.name.startswith((BOOKKEEPING, "~$")) and EDITED not in path.name
                and STALE not in relative.parts and EARLIER not in relative.parts)

    def outputs_under(self, place: Path) -> list[Path]:
        """docgen's outputs at or under ``place`` (links are never followed)."""
        if place.is_symlink() or not place.exists():
            return []
        files = [place] if place.is_file() else sorted(Path(d) / f for d, _, names in os.walk(place) for f in names)
        return [f for f in files if self.is_docgen_output(f)]

    def leftovers(self, programme_id: str) -> list[Path]:
        """Temporary files (and bundle folders being written) an interrupted run left in a
        programme's outputs."""
        base = self.programme(programme_id)
        if base.is_symlink() or not base.is_dir():
            return []
        found = []
        for d, folders, names in os.walk(base):
            found += [Path(d) / n for n in names + folders if leftover(n)]
            folders[:] = [f for f in folders if not leftover(f)]
        return found

    # ------------------------------------------------------------------ locks

    @contextlib.contextmanager
    def locked(self, programme_ids: list[str], shard: tuple[int, int] | None = None,
               waiting: Callable[[Path], None] = lambda folder: None) -> Iterator[None]:
        """Hold the lock of each programme's folder (in a fixed order: two runs never wait on
        each other). A run without shards holds it alone; the shards of one batch share it,
        each holding its own shard's lock alone. ``waiting(folder)`` is told when another run
        holds a lock, and again about every second while this one waits (it may raise to give
        up waiting: a cancelled job of the workspace)."""
        with contextlib.ExitStack() as stack:
            for programme_id in sorted(set(programme_ids)):
                folder = self.programme(programme_id)
                folder.mkdir(parents=True, exist_ok=True)
                if shard is None:
                    stack.enter_context(_flock(folder / f"{BOOKKEEPING}.lock", fcntl.LOCK_EX, folder, waiting))
                else:
                    stack.enter_context(_flock(folder / f"{BOOKKEEPING}.lock", fcntl.LOCK_SH, folder, waiting))
                    name = f"{BOOKKEEPING}.{shard[0]}of{shard[1]}.lock"
                    stack.enter_context(_flock(folder / name, fcntl.LOCK_EX, folder, waiting))
            yield


@contextlib.contextmanager
def _flock(path: Path, mode: int, folder: Path, waiting: Callable[[Path], None]) -> Iterator[None]:
    """One advisory lock on ``path`` (the file stays: removing it would race with a waiter)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waiting(folder)
                time.sleep(WAIT_POLL)
        yield
    finally:
        os.close(fd)  # releases the lock
