"""The one cleaner: it never deletes a user's work.

An output that went out of date (its pairing or programme now has errors, its pairing was
deleted, the data no longer asks for it, it failed to be made again) must not stay looking
valid, and deleting it could lose a submission. So it is moved aside, never deleted, into
``out/<programme>/过期/<date>/`` under the same relative path, and ``说明.txt`` there says
what was moved, when and why. A file a user changed after docgen made it is kept beside the
new one as ``<name>（手工修改 <date>）<suffix>`` before anything is written over it, and kept
so in its place when it would be moved aside (it is the user's, not an out-of-date output:
the 过期 folders are there to be emptied by hand). A bundle
made again keeps its earlier version (folder and zip) in ``bundles/以前的版本/<date>/``,
unless the new one is the same to the byte. The only files ever deleted are docgen's own
temporary files of an interrupted run and such byte-identical copies.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from ..load import Loaded
from ..load.checks import reserved_id
from ..load.model.common import ID_RE
from ..output_tree import EDITED, OutputTree, leftover
from ..records import KeptEdit, Moved
from .record import Record

NOTE = "说明.txt"


def today() -> str:
    return dt.date.today().isoformat()


def _free(path: Path) -> Path:
    """``path``, or ``name_2.suffix``, ``name_3.suffix``… when it is taken."""
    n = 2
    free = path
    while free.exists() or free.is_symlink():
        free = path.with_name(f"{path.stem}_{n}{path.suffix}")
        n += 1
    return free


def _prune(folder: Path, stop: Path) -> None:
    """Remove the folders a move left empty, from ``folder`` up to (not including) ``stop``."""
    while folder != stop and stop in folder.parents and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class Cleaner:
    """Moves one programme's out-of-date outputs aside and keeps its users' edits."""

    def __init__(self, tree: OutputTree, programme_id: str, day: str | None = None):
        self.tree = tree
        self.programme_id = programme_id
        self.base = tree.programme(programme_id)
        self.day = day or today()

    # ------------------------------------------------------------------ out of date

    def remove_leftovers(self) -> None:
        """Temporary files (and bundle folders being written) an interrupted run left: the
        only outputs ever deleted, since they were never finished."""
        for path in self.tree.leftovers(self.programme_id):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif leftover(path.name):
                path.unlink(missing_ok=True)

    def set_aside_errors(self, loaded: Loaded, kept: list[KeptEdit] | None = None) -> dict[str, list[Moved]]:
        """The outputs of the parts of ``loaded`` that now have errors, moved aside: everything
        of a programme whose own file is broken, or a rejected pairing's documents and
        bundle. By reason. A file someone edited stays, kept as theirs (added to ``kept``)."""
        if not (loaded.rejected or not loaded.buildable):
            return {}
        # (only read: which of the outputs to move someone changed; of other shards' records
        # only the rejected pairings' entries, as a run's record keeps only what concerns it)
        rejected = set(loaded.rejected)
        record = Record(self.base, others=None if not loaded.buildable else rejected.__contains__)
        if not loaded.buildable:
            reason = "方案文件（programme.yaml）有错误：改正后重新生成"
            return {reason: self.move_aside([self.base], reason, record, kept)}
        out = {}
        for pairing_id in loaded.rejected:
            if loaded.pairing(pairing_id) is None and ID_RE.match(pairing_id) and not reserved_id(pairing_id):
                # (not a second file claiming a valid pairing's id, nor a name of docgen's own folders)
                reason = f"结对“{pairing_id}”的数据有错误：改正后重新生成"
                moved = self.move_aside(self.tree.owned_by(self.programme_id, pairing_id), reason, record, kept)
                if moved:
                    out[reason] = moved
        return out

    def move_aside(self, places: list[Path], reason: str, record: Record | None = None,
                   kept: list[KeptEdit] | None = None) -> list[Moved]:
        """docgen's outputs at or under ``places`` (a folder: the outputs in it, its other
        files stay) moved into the day's 过期 folder, each under its path relative to the
        programme's folder; ``reason`` goes into 说明.txt beside them. With a ``record``, a
        file someone changed since docgen made it stays where it is, kept as theirs
        (``keep_edited``: renamed ``（手工修改 <date>）``) and added to ``kept``."""
        moved = []
        for place in places:
            for source in self.tree.outputs_under(place):
                edit = self.keep_edited(source, record, reason=reason) if record is not None else None
                if edit is not None:
                    if kept is not None:
                        kept.append(edit)
                    continue
                target = _free(self.tree.stale(self.programme_id, self.day) / source.relative_to(self.base))
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.replace(source, target)
                except FileNotFoundError:  # another shard of the batch moved it first
                    continue
                moved.append(Moved(source, target, reason))
                _prune(source.parent, self.base)
        self._note(moved)
        return moved

    def _note(self, moved: list[Moved]) -> None:
        if not moved:
            return
        folder = self.tree.stale(self.programme_id, self.day)
        when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        lines = [f"{when} 由 docgen 移到这里（没有删除）："]
        lines += [f"  {m.target.relative_to(folder).as_posix()}：{m.reason}" for m in moved]
        with open(folder / NOTE, "a", encoding="utf-8") as note:
            note.write("\n".join(lines) + "\n\n")

    # ------------------------------------------------------------------ a user's edits

    def keep_edited(self, path: Path, record: Record, new: bytes | None = None, reason: str = "") -> KeptEdit | None:
        """Before ``path`` is written again: if someone changed it since docgen made it (and
        it is not already what is about to be written, ``new``), keep it beside, as
        ``<name>（手工修改 <date of the change>）<suffix>``."""
        if not record.edited(path) or (new is not None and path.read_bytes() == new):
            return None
        changed = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
        kept = _free(path.with_name(f"{path.stem}（{EDITED} {changed}）{path.suffix}"))
        os.replace(path, kept)
        return KeptEdit(path, kept, reason)

    # ------------------------------------------------------------------ bundles

    def set_aside_bundle(self, folder: Path, zip_path: Path) -> list[Moved]:
        """Before a bundle is made again: its earlier folder (whole, with anything a user put
        in it) and zip moved into ``bundles/以前的版本/<date>/``."""
        present = [p for p in (folder, zip_path) if p.exists() and not p.is_symlink()]
        if not present:
            return []
        earlier = self.tree.earlier(self.programme_id, self.day)
        n = 1
        while any((earlier / p.name).exists() for p in present):
            n += 1
            earlier = earlier.with_name(f"{self.day}_{n}")
        earlier.mkdir(parents=True, exist_ok=True)
        moved = []
        for source in present:
            os.replace(source, earlier / source.name)
            moved.append(Moved(source, earlier / source.name, "报送包已重新生成，这是上一版"))
        return moved

    @staticmethod
    def drop_if_same(moved: list[Moved], zip_path: Path) -> list[Moved]:
        """The earlier version of a bundle made again is let go when the new zip has the same
        bytes and its folder holds nothing the zip does not (nothing is lost: it is the same
        bundle); the moves that were kept."""
        earlier_zip = next((m.target for m in moved if m.target.suffix == ".zip"), None)
        earlier_folder = next((m.target for m in moved if m.target.is_dir()), None)
        if earlier_zip is None or not zip_path.is_file() or earlier_zip.read_bytes() != zip_path.read_bytes():
            return moved
        new_folder = zip_path.with_suffix("")
        if earlier_folder is not None and not _same_tree(earlier_folder, new_folder):
            return moved
        for m in moved:
            if m.target.is_dir():
                shutil.rmtree(m.target)
            else:
                m.target.unlink()
        _prune(moved[0].target.parent, zip_path.parent)
        return []


def _same_tree(a: Path, b: Path) -> bool:
    """Whether two folders hold the same files with the same bytes."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    return b.is_dir() and files(a) == files(b)
