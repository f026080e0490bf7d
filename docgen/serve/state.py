"""What the workspace keeps that is not programme data: jobs and their progress, and a copy
of every form a clerk could not save (a file changed under it). One SQLite file,
``DATA_DIR/.docgen/workspace.sqlite3``, created on first start; the loader never reads a
hidden folder. Accounts, sessions and the audit log keep their own tables here
(``accounts.py``, ``audit.py``), through ``connect``.

Every connection is short-lived and in autocommit-with-transactions mode, so the worker
threads and the request threads never share one; WAL lets pages read while a job writes.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = ".docgen"
STATE_FILE = "workspace.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme TEXT NOT NULL,
    kind TEXT NOT NULL,
    pairing TEXT,
    label TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '{}',
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    cancel INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_programme ON jobs (programme, id);
CREATE TABLE IF NOT EXISTS unsaved (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    created REAL NOT NULL
);
"""

WAITING, RUNNING, DONE, FAILED, CANCELLED = "waiting", "running", "done", "failed", "cancelled"
STATUS_NAMES = {WAITING: "排队等候", RUNNING: "进行中", DONE: "已完成", FAILED: "失败", CANCELLED: "已取消"}
INTERRUPTED = "服务在任务进行中停止（被强制结束或断电），任务未完成；已写出的文件都是完整的，请重新生成"


@dataclass
class JobRow:
    """One job as the pages show it."""

    id: int
    programme: str
    kind: str
    pairing: str | None
    label: str
    status: str
    stage: str
    done: int
    total: int
    message: str
    result: dict
    created: float
    started: float | None
    finished: float | None
    cancel: bool

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def active(self) -> bool:
        return self.status in (WAITING, RUNNING)

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else (100 if self.status == DONE else 0)


class State:
    """The workspace's SQLite file."""

    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / STATE_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / STATE_FILE
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)
        # One connection held open for the server's life: the short-lived ones then never
        # close the last connection to the file, which would checkpoint the WAL and sync
        # the disk each time (16 ms of every save, more on a busy disk). It must read the file
        # once: a connection that never ran a statement has not opened the log, and does not count.
        self._keeper = sqlite3.connect(self.path, check_same_thread=False)
        self._keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()
        self.changes = 0
        """How many times a job was added or changed by this server: what a page waiting for a
        job's progress watches, without reading the file until it moves."""
        weakref.finalize(self, self._keeper.close)

    def connect(self):
        """A short-lived connection (a context manager), for the tables of other modules."""
        return self._connect()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    # -------------------------------------------------------------- jobs

    def interrupted(self) -> list[JobRow]:
        """Jobs a killed server left waiting or running: now failed, saying why."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM jobs WHERE status IN (?, ?)", (WAITING, RUNNING)).fetchall()
            db.execute("UPDATE jobs SET status=?, message=?, finished=? WHERE status IN (?, ?)",
                       (FAILED, INTERRUPTED, time.time(), WAITING, RUNNING))
        return [_job(r) for r in rows]

    def add_job(self, programme: str, kind: str, pairing: str | None, label: str) -> int:
        with self._connect() as db:
            cur = db.execute("INSERT INTO jobs (programme, kind, pairing, label, status, created) VALUES (?,?,?,?,?,?)",
                             (programme, kind, pairing, label, WAITING, time.time()))
        self.changes += 1
        return _inserted(cur)

    def update_job(self, job_id: int, **fields) -> None:
        if "result" in fields:
            fields["result"] = json.dumps(fields["result"], ensure_ascii=False)
        names = ", ".join(f"{k}=?" for k in fields)
        with self._connect() as db:
            db.execute(f"UPDATE jobs SET {names} WHERE id=?", (*fields.values(), job_id))
        self.changes += 1

    def job(self, job_id: int) -> JobRow | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
        return _job(row) if row else None

    def jobs(self, programme: str | None = None, limit: int = 20) -> list[JobRow]:
        with self._connect() as db:
            if programme is None:
                rows = db.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
            else:
                rows = db.execute("SELECT * FROM jobs WHERE programme=? ORDER BY id DESC LIMIT ?",
                                  (programme, limit)).fetchall()
        return [_job(r) for r in rows]

    def last_jobs(self) -> dict[str, JobRow]:
        """The newest job of each programme."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM jobs WHERE id IN (SELECT MAX(id) FROM jobs GROUP BY programme)").fetchall()
        return {r["programme"]: _job(r) for r in rows}

    def request_cancel(self, job_id: int) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET cancel=1 WHERE id=?", (job_id,))
        self.changes += 1

    # ------------------------------------------------------------ unsaved forms

    def keep_unsaved(self, path: str, text: str) -> int:
        """A form that could not be written (its file changed meanwhile): kept until the clerk decides."""
        with self._connect() as db:
            cur = db.execute("INSERT INTO unsaved (path, text, created) VALUES (?,?,?)", (path, text, time.time()))
            return _inserted(cur)

    def unsaved(self, number: int) -> tuple[str, str] | None:
        with self._connect() as db:
            row = db.execute("SELECT path, text FROM unsaved WHERE id=?", (number,)).fetchone()
        return (row["path"], row["text"]) if row else None


def _inserted(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT through ``cursor`` just made."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _job(row: sqlite3.Row) -> JobRow:
    return JobRow(row["id"], row["programme"], row["kind"], row["pairing"], row["label"], row["status"], row["stage"],
                  row["done"], row["total"], row["message"], json.loads(row["result"] or "{}"), row["created"],
                  row["started"], row["finished"], bool(row["cancel"]))
