"""The build record: one small JSON file per programme (per shard) in its output folder.

For every output it holds the recipe it was made from, the pairing it belongs to, its
stage (docx, pdf, bundle, report) and kind, the paths it wrote, and of each file written
its size, modification time and SHA-256. A later run skips an output whose recipe is
unchanged and whose files are still the ones written: size and time are trusted, and a file
is hashed only when they differ (a copy or a ``touch``: same bytes, still unchanged). A
file whose bytes differ was changed by someone after docgen made it (``edited``): the
cleaner keeps it before anything is written over it. What the record holds and a run no
longer makes is handed to the cleaner (``stale``), which moves it aside. The file is
written atomically; a missing, unreadable or foreign record just means everything is made.

A shard writes its own record (``.docgen-build.2of3.json``); all of them are read, so
any run can skip what another wrote into the same folder.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..outputs import write_atomic_json

FORMAT = 2
PREFIX = ".docgen-build"

Entry = dict[str, Any]
"""One output in the record file: recipe, source, stage, kind, paths, files."""


def record_name(shard: tuple[int, int] | None = None) -> str:
    return f"{PREFIX}.json" if shard is None else f"{PREFIX}.{shard[0]}of{shard[1]}.json"


@dataclass(frozen=True)
class Looking:
    """A record read to be looked at (``Record.recorded``), never saved: without the facts
    of its outputs, and with the outputs of ``stages`` only when given. What is not kept is
    let go as each entry is parsed, not once the whole file is (a page of the workspace that
    lists 1 000 pairings' bundles parses 9 000 entries)."""

    stages: tuple[str, ...] | None = None

    def kept(self, found: dict[str, Any]) -> dict[str, Any] | None:
        """What ``json.loads`` makes of each object it reads (``object_hook``)."""
        if "recipe" in found and "paths" in found:  # an entry
            if self.stages is not None and found.get("stage") not in self.stages:
                return None
            found.pop("facts", None)
        return found


def _only(sources: Callable[[str | None], bool]) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """An ``object_hook`` that drops each entry whose source ``sources`` does not name."""

    def kept(found: dict[str, Any]) -> dict[str, Any] | None:
        if "recipe" in found and "paths" in found and not sources(found.get("source")):
            return None
        return found

    return kept


def _read(path: Path, looking: Looking | None = None,
          hook: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None) -> dict[str, Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_hook=looking.kept if looking else hook)
        outputs = data["outputs"] if data.get("format") == FORMAT else {}
        return {k: v for k, v in outputs.items()
                if isinstance(v, dict) and "recipe" in v and "paths" in v and isinstance(v.get("files"), dict)}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _stat(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Recorded:
    """One output as the build records of its folder hold it, and as it stands now."""

    key: str
    """Its path relative to the programme's output folder."""
    path: Path
    source: str | None
    """The pairing it belongs to; None for the bureau's."""
    stage: str
    """docx, pdf, bundle or report."""
    kind: str | None
    paths: list[Path]
    """Every path it wrote (a bundle: its zip and its folder)."""
    made_at: float
    """When its main file was written (seconds since the epoch); 0 when unknown."""
    state: str
    """made (still as written), changed (someone edited or replaced it), missing."""


@dataclass(frozen=True)
class Stale:
    """An output the record holds and this run does not make: its paths and why (Chinese)."""

    key: str
    paths: list[Path]
    reason: str


class Record:
    """What one programme's outputs were made from, read at the start of a run and saved at its end."""

    def __init__(self, folder: Path, shard: tuple[int, int] | None = None, force: bool = False,
                 looking: Looking | None = None, others: Callable[[str | None], bool] | None = None):
        self._looking = looking
        self.folder = Path(folder)
        self.path = self.folder / record_name(shard)
        self.own = _read(self.path, looking)
        self.now = dict(self.own)
        paths = sorted(self.folder.glob(f"{PREFIX}*.json")) if self.folder.is_dir() else []
        self.others = [_read(p, looking, _only(others) if others else None) for p in paths if p != self.path]
        """The records of other shards (or of runs without shards) in the same folder: with
        ``others``, only their outputs of the sources (pairing ids, None: the bureau) it names,
        each other output let go as it is parsed (the shards of a province share one output
        folder, and each would hold the records of all the others)."""
        self.known = [] if force else [self.own] + self.others
        self._saved: list[int] | None = None
        """The size and time of the file ``save`` last wrote."""
        self._by_file: dict[str, Entry] = {}
        """The entry that wrote each file (as its main file or beside it), by the file's key."""
        for outputs in [*reversed(self.others), self.own]:
            for entry in outputs.values():
                self._by_file.update(dict.fromkeys(entry["files"], entry))

    def key(self, path: Path) -> str:
        return Path(path).relative_to(self.folder).as_posix()

    def _same_file(self, entry: Entry, key: str) -> bool:
        """Whether the file is still the one written: same size and time, or, when those
        differ, the same bytes (the entry then takes the new time)."""
        written = entry.get("files", {}).get(key)
        current = _stat(self.folder / key)
        if not written or current is None:
            return False
        if written[:2] == current:
            return True
        if written[0] != current[0] or sha256_of(self.folder / key) != written[2]:
            return False
        written[:2] = current
        return True

    def unchanged(self, path: Path, recipe: str) -> bool:
        """Whether ``path`` was made from ``recipe`` and its files are still those then written."""
        key = self.key(path)
        for outputs in self.known:
            entry = outputs.get(key)
            if entry and entry["recipe"] == recipe and all((self.folder / p).exists() for p in entry["paths"]) \
                    and all(self._same_file(entry, k) for k in entry["files"]):
                self.now[key] = entry
                return True
        return False

    def facts(self, path: Path) -> dict[str, Any] | None:
        """The ``facts`` noted when ``path`` was made, if this run found it unchanged (its
        recipe, hence everything they were worked out from, is the same); else None."""
        found = self.now.get(self.key(path))
        facts = found.get("facts") if found is not None else None
        return facts if isinstance(facts, dict) else None

    def edited(self, path: Path) -> bool:
        """Whether ``path`` is a file docgen wrote and someone changed since (other bytes)."""
        key = self.key(path)
        entry = self._by_file.get(key)
        return entry is not None and Path(path).is_file() and not self._same_file(entry, key)

    def made(self, path: Path, recipe: str, source: str | None, stage: str, also: tuple[Path, ...] = (),
             kind: str | None = None, digests: dict[Path, str] | None = None,
             facts: dict[str, Any] | None = None, asked: bool = False) -> None:
        """``path`` (and the ``also`` paths written with it) made from ``recipe``; ``digests``
        gives the SHA-256 of files whose bytes the caller had in hand (the rest are read);
        ``facts``: what a later run needs to know of the output without making it again (see
        ``facts``), as plain JSON; ``asked``: made because the run asked for it by name (a
        summary of a year given with ``-y``), which a run that no longer makes it leaves."""
        written = [Path(path), *map(Path, also)]
        files = {}
        for target in written:
            stat = _stat(target)
            if stat is not None and target.is_file():
                digest = (digests or {}).get(target) or sha256_of(target)
                files[self.key(target)] = [*stat, digest]
        entry: Entry = {"recipe": recipe, "source": source, "stage": stage, "kind": kind,
                        "paths": [self.key(p) for p in written], "files": files}
        if asked:
            entry["asked"] = True
        if facts is not None:
            entry["facts"] = facts
        self.now[self.key(path)] = entry
        self._by_file.update(dict.fromkeys(files, entry))

    def recorded(self) -> dict[str, Recorded]:
        """Every output the records of this folder hold (of every shard), by key, with its
        state now (size and time trusted; the bytes read only when they differ)."""
        out = {}
        for outputs in [*reversed(self.others), self.own, self.now]:
            for key, entry in outputs.items():
                written = entry["files"].get(key)
                path = self.folder / key
                state = "missing" if not path.exists() else "made" if self._same_file(entry, key) else "changed"
                out[key] = Recorded(key, path, entry.get("source"), entry.get("stage", ""), entry.get("kind"),
                                    [self.folder / p for p in entry["paths"]], written[1] / 1e9 if written else 0.0,
                                    state)
        return out

    def failed(self, path: Path) -> None:
        self.now.pop(self.key(path), None)

    def stale(self, planned: set[Path], alive: set[str], in_scope: Callable[[Entry], bool]) -> list[Stale]:
        """What this record holds and the run did not make, each with why: outputs of a
        pairing no longer in ``alive`` (of any shard's record), and outputs ``in_scope`` of
        this run (the kinds, pairings and stage it makes) that it no longer plans."""
        keep = {self.key(p) for p in planned}
        out: dict[str, Stale] = {}
        for outputs in [self.own] + self.others:  # a pairing deleted after a run with other shards too
            for key, entry in outputs.items():
                if key in keep or key in out:
                    continue
                paths = [self.folder / p for p in entry["paths"]]
                if entry.get("source") is not None and entry["source"] not in alive:
                    out[key] = Stale(key, paths, f"结对“{entry['source']}”已从数据中删除（pairings/ 下已没有它的文件）")
                elif outputs is self.own and in_scope(entry):
                    out[key] = Stale(key, paths, "数据中已没有这份文件（例如学校或人员的名称改了、人员删除了），"
                                                 "docgen 不再生成它")
        return list(out.values())

    def forget(self, key: str) -> None:
        """An output moved aside: it is no longer in this folder."""
        self.now.pop(key, None)

    def forget_paths(self, paths: list[Path]) -> None:
        """Outputs moved aside by path (main file or any file written with it)."""
        gone = {self.key(p) for p in paths if self._inside(p)}
        for key, entry in list(self.now.items()):
            if gone & ({key} | set(entry.get("paths", []))):
                self.now.pop(key)

    def _inside(self, path: Path) -> bool:
        try:
            Path(path).relative_to(self.folder)
            return True
        except ValueError:
            return False

    def save(self) -> None:
        assert self._looking is None, "a record read to be looked at is never saved"
        if self.now or self.path.exists():
            write_atomic_json(self.path, {"format": FORMAT, "outputs": dict(sorted(self.now.items()))})
            self._saved = _stat(self.path)

    def as_saved(self) -> dict[str, Entry] | None:
        """The outputs this record's file holds, when it is still the file ``save`` wrote (the
        same size and time): what reading it would give, without parsing it again (at the end
        of a run, when the process holds the most; 6.4 MB of JSON for a quarter of 5 000
        pairings, 19 MB as objects)."""
        return self.now if self._saved is not None and _stat(self.path) == self._saved else None
