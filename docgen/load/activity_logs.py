"""The activity records of a load, by (pairing id, cycle-year key).

A load the workspace keeps for its next one holds every log as a model. A load made once
(the command line's, the benchmark's) holds each file's text as it was read and checked,
compressed, and reads the log from it again when it is asked for: at 5 000 pairings the
logs as models take 74 MB of the main process's 192 MB of loaded data, their texts 2 MB.
Reading one again takes about a millisecond, and only the documents of the pairing it
belongs to (its summaries) and the bureau's roll-up ask for it; the last few read are kept,
for a summary asks for its own year's log and its other years'."""
from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from .model.activity import ActivityLog

Key = tuple[str, str]
"""(pairing id, cycle-year key), as ``pairing_and_year`` reads them from a file's path."""


@dataclass(frozen=True)
class _Text:
    """A log's file as it was read and checked: its path and its text, compressed."""

    path: Path
    packed: bytes

    def text(self) -> str:
        return zlib.decompress(self.packed).decode("utf-8")


class ActivityLogs(MutableMapping[Key, ActivityLog]):
    """Activity logs by key: held as models (``log[key] = model``) or kept as the text they
    were checked from (``keep_text``) and read again from it, the same model, when asked."""

    RECENT = 8
    """Logs read again that stay read (a pairing has a log per year of its cycle, three or four)."""

    def __init__(self, read_again: Callable[[Path, str], ActivityLog]):
        self._read_again = read_again
        self._entries: dict[Key, ActivityLog | _Text] = {}
        self._years: dict[str, set[str]] = {}
        self._recent: OrderedDict[Key, ActivityLog] = OrderedDict()
        self._lock = threading.Lock()  # a load may be read from several threads at once

    def keep_text(self, key: Key, path: Path, text: str) -> None:
        """Keep ``key``'s log as the text of ``path`` it was read from (and checked)."""
        self._put(key, _Text(path, zlib.compress(text.encode("utf-8"), 1)))

    def _put(self, key: Key, entry: ActivityLog | _Text) -> None:
        with self._lock:
            self._recent.pop(key, None)
            self._entries[key] = entry
            self._years.setdefault(key[0], set()).add(key[1])

    def __getitem__(self, key: Key) -> ActivityLog:
        with self._lock:
            entry = self._entries[key]
            if not isinstance(entry, _Text):
                return entry
            log = self._recent.get(key)
            if log is not None:
                self._recent.move_to_end(key)
                return log
        log = self._read_again(entry.path, entry.text())  # (outside the lock: a millisecond)
        with self._lock:
            if self._entries.get(key) is entry:
                self._recent[key] = log
                while len(self._recent) > self.RECENT:
                    self._recent.popitem(last=False)
        return log

    def __setitem__(self, key: Key, log: ActivityLog) -> None:
        self._put(key, log)

    def __delitem__(self, key: Key) -> None:
        with self._lock:
            self._recent.pop(key, None)
            del self._entries[key]
            self._years[key[0]].discard(key[1])

    def take(self, other: ActivityLogs, pairing_ids: set[str]) -> None:
        """The logs ``other`` holds of ``pairing_ids``, held here too (as ``other`` holds them)."""
        with other._lock:
            entries = [(key, entry) for key, entry in other._entries.items() if key[0] in pairing_ids]
        for key, entry in entries:
            self._put(key, entry)

    def years(self, pairing_id: str) -> list[str]:
        """The keys of the cycle years ``pairing_id`` has a log of, in order."""
        with self._lock:
            return sorted(self._years.get(pairing_id, ()))

    def __iter__(self) -> Iterator[Key]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __repr__(self) -> str:
        return f"ActivityLogs({len(self._entries)} logs)"

    def __getstate__(self) -> dict:
        return {"read_again": self._read_again, "entries": self._entries}

    def __setstate__(self, state: dict) -> None:
        ActivityLogs.__init__(self, state["read_again"])
        for key, entry in state["entries"].items():
            self._put(key, entry)
