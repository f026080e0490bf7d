"""The build record: one small JSON file per programme (per shard) in its output folder.

For every output it holds the recipe it was made from, the pairing it belongs to, its
stage (docx, pdf, bundle, report), the paths it wrote and the size and modification time
of its main file. A later run skips an output whose recipe is unchanged and whose file is
still the one written; it removes what it recorded and no longer makes (a deleted
pairing's files and bundle). The file is written atomically; a missing, unreadable or
foreign record just means everything is made.

A shard writes its own record (``.docgen-build.2of3.json``); all of them are read, so
any run can skip what another wrote into the same folder.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..outputs import write_atomic

FORMAT = 1
PREFIX = ".docgen-build"


def record_name(shard: tuple[int, int] | None = None) -> str:
    return f"{PREFIX}.json" if shard is None else f"{PREFIX}.{shard[0]}of{shard[1]}.json"


def _read(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        outputs = data["outputs"] if data.get("format") == FORMAT else {}
        return {k: v for k, v in outputs.items() if isinstance(v, dict) and "recipe" in v and "paths" in v}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _stamp(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


class Record:
    """What one programme's outputs were made from, read at the start of a run and saved at its end."""

    def __init__(self, folder: Path, shard: tuple[int, int] | None = None, force: bool = False):
        self.folder = Path(folder)
        self.path = self.folder / record_name(shard)
        self.own = _read(self.path)
        self.now = dict(self.own)
        paths = sorted(self.folder.glob(f"{PREFIX}*.json")) if self.folder.is_dir() else []
        self.others = [_read(p) for p in paths if p != self.path]
        """The records of other shards (or of runs without shards) in the same folder."""
        self.known = [] if force else [self.own] + self.others

    def key(self, path: Path) -> str:
        return Path(path).relative_to(self.folder).as_posix()

    def unchanged(self, path: Path, recipe: str) -> bool:
        """Whether ``path`` was made from ``recipe`` and is still the file then written."""
        key = self.key(path)
        for outputs in self.known:
            entry = outputs.get(key)
            if entry and entry["recipe"] == recipe and entry.get("stamp") == _stamp(Path(path)) \
                    and all((self.folder / p).exists() for p in entry["paths"]):
                self.now[key] = entry
                return True
        return False

    def made(self, path: Path, recipe: str, source: str | None, stage: str, also: tuple[Path, ...] = ()) -> None:
        """``path`` (and the ``also`` paths written with it) made from ``recipe``."""
        paths = [self.key(path)] + [self.key(p) for p in also]
        self.now[self.key(path)] = {"recipe": recipe, "source": source, "stage": stage, "paths": paths,
                                    "stamp": _stamp(Path(path))}

    def failed(self, path: Path) -> None:
        self.now.pop(self.key(path), None)

    def remove_stale(self, planned: set[Path], alive: set[str], complete: set[str]) -> list[Path]:
        """Remove what this record holds and the run did not make: outputs of a pairing no
        longer in ``alive``, and, of a ``complete`` stage (one run without a selection),
        every output not ``planned``. Returns the paths removed."""
        keep = {self.key(p) for p in planned}
        removed = []
        for outputs in [self.own] + self.others:  # a pairing deleted after a run with other shards too
            for key, entry in list(outputs.items()):
                if key in keep:
                    continue
                gone = entry.get("source") is not None and entry["source"] not in alive
                if gone or (outputs is self.own and entry.get("stage") in complete):
                    removed += self._remove(entry["paths"])
                    self.now.pop(key, None)
        return removed

    def _remove(self, paths: list[str]) -> list[Path]:
        removed = []
        for rel in paths:
            target = self.folder / rel
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            elif target.exists():
                target.unlink()
            else:
                continue
            removed.append(target)
            parent = target.parent
            while parent != self.folder and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        return removed

    def save(self) -> None:
        if self.now or self.path.exists():
            body = {"format": FORMAT, "outputs": dict(sorted(self.now.items()))}
            write_atomic(self.path, (json.dumps(body, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))
