"""A run that would change nothing, recognised without reading the data.

A ``build`` or ``bundle`` whose data, templates, docgen, options and outputs are as the same
command left them last time makes nothing: every output would be found unchanged. To find
that out the slow way means reading and checking every data file and working out every
recipe (seconds at a thousand pairings). Instead, when a run ends without problems or
failures, it leaves in each programme's output folder a note of what it saw (``Seen``): the
size and modification time of every file in the programme's data folder and in the
templates, the build records' bytes, and how many outputs it made or found. The next run of
the same command with the same options trusts size and time, as ``make`` and ``git`` do: if
every data file, template and recorded output still has the size and time noted, it is done
— nothing is read, parsed or hashed. Any difference (a file edited, touched, added or
removed; an output edited, moved or deleted; another command that wrote outputs; a new day,
which a summary may count to) makes it an ordinary run, which decides output by output.

Trusting time is safe only for a file last changed before the run began: a data file whose
time is not earlier than the run's start (read by the run and perhaps changed again within
the same tick of the clock) keeps the run from being noted, so the next run looks the slow
way (git's "racily clean" rule).

A run that starts leaves a mark (``.docgen-build.running``) until it ends: while one is there
— a run that was killed and may have left temporary files to clear — no run takes the
shortcut.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import Problem
from ..outputs import write_atomic
from .record import PREFIX, Record, record_name

FORMAT = 1
RUNNING = ".running"
SEEN = ".runs"


def _name(shard: tuple[int, int] | None, suffix: str) -> str:
    return record_name(shard).removesuffix(".json") + suffix


def _stats(folder: Path) -> list[tuple[str, int, int]] | None:
    """(relative path, size, modification time in ns) of every file at or under ``folder``;
    None when a folder in it is a link (what it points to is not followed)."""
    out = []
    for where, folders, names in os.walk(folder):
        if any(os.path.islink(os.path.join(where, f)) for f in folders):
            return None
        folders.sort()
        for name in sorted(names):
            path = os.path.join(where, name)
            try:
                stat = os.stat(path)
            except OSError:
                return None
            out.append((os.path.relpath(path, folder), stat.st_size, stat.st_mtime_ns))
    return out


@dataclass(frozen=True)
class Inputs:
    """The size and time of every file a programme's outputs are made from."""

    digest: str
    newest: int
    """The latest modification time among them (ns)."""


def inputs_of(root: Path, templates: Path) -> Inputs | None:
    """The files of a programme's data folder and of the templates, by size and time (their
    bytes are not read); None when they cannot all be seen."""
    h = hashlib.sha256()
    newest = 0
    for folder in (Path(root), Path(templates)):
        stats = _stats(folder)
        if stats is None:
            return None
        h.update(json.dumps([str(folder.resolve()), stats]).encode())
        newest = max([newest, *(s[2] for s in stats)])
    return Inputs(h.hexdigest(), newest)


def records_digest(folder: Path, saved: Iterable[Record] = ()) -> str | None:
    """The build records of a programme's output folder, as bytes; None unless every output
    they hold is still there as written (each file the same size and time, each folder there).
    A record this run ``saved`` is not parsed again while its file is the one it wrote."""
    h = hashlib.sha256()
    kept = {record.path: record for record in saved}
    for path in sorted(folder.glob(f"{PREFIX}*.json")):
        try:
            data = path.read_bytes()
            outputs = kept[path].as_saved() if path in kept else None
            if outputs is None:
                outputs = json.loads(data).get("outputs", {})
        except (OSError, ValueError, AttributeError):
            return None
        if not isinstance(outputs, dict):
            return None
        h.update(path.name.encode() + b"\0" + data)
        for entry in outputs.values():
            try:
                files = entry["files"].items()
                paths = entry["paths"]
            except (TypeError, KeyError, AttributeError):
                return None
            for key, written in files:
                try:
                    stat = os.stat(folder / key)
                except OSError:
                    return None
                if list(written[:2]) != [stat.st_size, stat.st_mtime_ns]:
                    return None
            if not all(os.path.exists(folder / p) for p in paths):
                return None
    return h.hexdigest()


@dataclass(frozen=True)
class Seen:
    """What a run that ended cleanly saw in one programme's folders, for the same command to
    recognise next time."""

    run: str
    """Which run noted it (every programme of one run notes the same)."""
    inputs: str
    records: str
    documents: int
    """Word files the whole run made or found unchanged (all unchanged when the shortcut is taken)."""
    outputs: int
    """PDFs and bundles the whole run made or found unchanged."""
    warnings: list[Problem] = field(default_factory=list)
    """What it warned of in this programme's data (said again when the shortcut is taken)."""

    def to_json(self) -> dict[str, object]:
        return {"run": self.run, "inputs": self.inputs, "records": self.records, "documents": self.documents,
                "outputs": self.outputs, "warnings": [asdict(w) for w in self.warnings]}

    @classmethod
    def from_json(cls, data: dict) -> Seen:
        return cls(str(data["run"]), str(data["inputs"]), str(data["records"]), int(data["documents"]),
                   int(data["outputs"]), [Problem(**w) for w in data.get("warnings", [])])


class Runs:
    """The runs noted in one programme's output folder (of one shard), by the key of their
    command and options."""

    def __init__(self, folder: Path, shard: tuple[int, int] | None = None):
        self.folder = Path(folder)
        self.shard = shard
        self.path = self.folder / _name(shard, SEEN)
        self.mark = self.folder / _name(shard, RUNNING)

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            runs = data["runs"] if data.get("format") == FORMAT else {}
            return runs if isinstance(runs, dict) else {}
        except (OSError, ValueError, KeyError, AttributeError):
            return {}

    def seen(self, key: str, root: Path, templates: Path) -> Seen | None:
        """What the last run of ``key`` saw, if everything is still as it saw it."""
        if any(self.folder.glob(f"{PREFIX}*{RUNNING}")):
            return None
        noted = self._read().get(key)
        if noted is None:
            return None
        try:
            seen = Seen.from_json(noted)
        except (KeyError, TypeError, ValueError):
            return None
        inputs = inputs_of(root, templates)
        if inputs is None or seen.inputs != inputs.digest or seen.records != records_digest(self.folder):
            return None
        return seen

    def begin(self) -> int:
        """Mark a run going on (until ``end``); the time of the mark (ns, the file system's clock)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.mark.touch()
        return self.mark.stat().st_mtime_ns

    def end(self, key: str, seen: Seen | None) -> None:
        """The run ended: note what it saw (``seen`` None: it must not be trusted, the next
        run looks again), and take the mark away."""
        runs = self._read()
        runs.pop(key, None)
        if seen is not None:
            runs[key] = seen.to_json()
        if runs or self.path.exists():
            body = json.dumps({"format": FORMAT, "runs": runs}, ensure_ascii=False, sort_keys=True) + "\n"
            write_atomic(self.path, body.encode("utf-8"))
        self.unmark()

    def unmark(self) -> None:
        """Take the mark of a run going on away (a run of all shards takes every mark: no
        other run was going on beside it, the lock said so)."""
        marks = self.folder.glob(f"{PREFIX}*{RUNNING}") if self.shard is None else [self.mark]
        for mark in marks:
            mark.unlink(missing_ok=True)


@dataclass(frozen=True)
class Programme:
    """One programme a run covers: its data folder and its output folder's notes."""

    id: str
    root: Path
    runs: Runs


class Shortcut:
    """One run's notes, over every programme it covers: ``taken`` tells whether nothing
    changed since the same command last ran; else the run ``begin``s and ``end``s."""

    def __init__(self, key: str, programmes: Iterable[Programme], templates: Path):
        self.key = key
        self.programmes = list(programmes)
        self.templates = Path(templates)
        self.started = 0

    def taken(self) -> list[Seen] | None:
        """What the last run of the same command saw, each programme's, if nothing changed."""
        seen = []
        for programme in self.programmes:
            found = programme.runs.seen(self.key, programme.root, self.templates)
            if found is None:
                return None
            seen.append(found)
        if not seen or len({s.run for s in seen}) != 1:
            return None
        return seen

    def begin(self) -> None:
        self.started = min(p.runs.begin() for p in self.programmes) if self.programmes else 0

    def abandon(self) -> None:
        """The run stopped before it wrote anything (it was asked for what is not there): the
        marks are taken away and what earlier runs noted stays as it was."""
        for programme in self.programmes:
            programme.runs.unmark()

    def end(self, clean: bool, documents: int, outputs: int, warnings: dict[str, list[Problem]],
            saved: Iterable[Record] = ()) -> None:
        """The run ended (``clean``: without problems or failures): each programme notes what
        it saw now, unless a data file or template changed after the run began (``saved``:
        the records the run saved, see ``records_digest``)."""
        run = uuid.uuid4().hex
        notes: list[tuple[Runs, Seen | None]] = []
        for programme in self.programmes:
            seen = None
            if clean:
                inputs = inputs_of(programme.root, self.templates)
                records = records_digest(programme.runs.folder, saved)
                if inputs is not None and records is not None and inputs.newest < self.started:
                    seen = Seen(run, inputs.digest, records, documents, outputs, warnings.get(programme.id, []))
            notes.append((programme.runs, seen))
        if any(seen is None for _, seen in notes):
            notes = [(runs, None) for runs, _ in notes]
        for runs, seen in notes:
            runs.end(self.key, seen)


def run_key(command: str, *parts: object) -> str:
    """The key of a run: its command, what it is asked (folders, options), and what else its
    outputs depend on besides the files (docgen and the converter, given in ``parts``;
    SOURCE_DATE_EPOCH; today, which a summary may count to; the folder paths are said from)."""
    env = (os.environ.get("SOURCE_DATE_EPOCH", ""), dt.date.today().isoformat(), os.getcwd())
    text = json.dumps([command, env, *parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
