"""The audit log: every change the workspace makes to the data folder — who, when, which
file, and the change as a unified diff — in the state file, shown to the bureau per pairing;
a pairing's file can be put back to an earlier version from there (an audited write too).

Each change is journalled in two steps around the file's atomic replace (``Workspace._change``
calls ``begin`` before and ``commit`` after, under the file's lock): a server killed between
the two leaves a *pending* entry, which ``recover`` settles at the next start by the file's
digest (the new content: the change happened; the old: it did not). So after any kill the
log and the files agree.

What was there before the workspace first wrote a file, and what someone changed by hand
(an editor, the command line) between two writes, is kept as its own entry ("起始版本",
"工作台以外的修改") when the workspace next writes that file: nothing a clerk or a developer
wrote is lost by a restore. The content of each version is kept for text files (YAML) and
seal images, so that any of them can be put back; evidence files are recorded by digest.
"""
from __future__ import annotations

import difflib
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .state import State
from .yamledit import digest

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    account TEXT NOT NULL,
    role TEXT NOT NULL,
    programme TEXT NOT NULL,
    pairing TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    diff TEXT NOT NULL,
    content BLOB,
    state TEXT NOT NULL,
    restored_from INTEGER
);
CREATE INDEX IF NOT EXISTS audit_path ON audit (path, id);
CREATE INDEX IF NOT EXISTS audit_pairing ON audit (programme, pairing, id);
"""

WRITE, REMOVE, RESTORE, BASELINE, OUTSIDE = "write", "remove", "restore", "baseline", "outside"
ACTION_NAMES = {WRITE: "修改", REMOVE: "删除", RESTORE: "恢复到早先的版本", BASELINE: "起始版本（工作台第一次修改之前）",
                OUTSIDE: "工作台以外的修改（编辑器、命令行）"}
PENDING, DONE, VOID = "pending", "done", "void"
KEEP_CONTENT = 4 * 1024 * 1024
"""Versions larger than this are recorded by digest only."""
MAX_DIFF = 200_000


@dataclass
class Entry:
    id: int
    at: float
    account: str
    role: str
    programme: str
    pairing: str
    path: str
    action: str
    before: str
    after: str
    diff: str
    has_content: bool
    restored_from: int | None

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.at))

    @property
    def restorable(self) -> bool:
        return self.has_content and self.path.endswith((".yaml", ".yml"))


def _entry(row: tuple) -> Entry:
    """An entry from its row (id … diff, whether its content is kept, restored_from)."""
    (number, at, account, role, programme, pairing, path, action, before, after, diff, has_content,
     restored_from) = row
    return Entry(number, at, account, role, programme, pairing, path, action, before, after, diff, bool(has_content),
                 restored_from)


def place(data: Path, path: Path) -> tuple[str, str, str]:
    """(path relative to the data folder, programme, pairing) of a data file: the pairing of
    pairings/<id>.yaml, activities/<year>/<id>.yaml and evidence/<id>/…; "" for the others."""
    rel = PurePosixPath(Path(path).resolve().relative_to(Path(data).resolve()).as_posix())
    parts = rel.parts
    programme = parts[0] if len(parts) > 1 else ""
    pairing = ""
    if len(parts) == 3 and parts[1] == "pairings":
        pairing = Path(parts[2]).stem
    elif len(parts) == 4 and parts[1] == "activities":
        pairing = Path(parts[3]).stem
    elif len(parts) >= 4 and parts[1] == "evidence":
        pairing = parts[2]
    return rel.as_posix(), programme, pairing


def _keeps_content(rel: str) -> bool:
    return rel.endswith((".yaml", ".yml")) or "/seals/" in f"/{rel}"


def unified(rel: str, before: bytes | None, after: bytes | None) -> str:
    """The change as a unified diff (text files), or a line saying what changed (others)."""
    def text(data: bytes | None) -> list[str] | None:
        if data is None:
            return []
        try:
            return data.decode("utf-8-sig").splitlines(keepends=True)
        except UnicodeDecodeError:
            return None

    old, new = text(before), text(after)
    if old is None or new is None or not rel.endswith((".yaml", ".yml", ".csv", ".txt")):
        def said(data):
            return "（无）" if data is None else f"{len(data)} 字节，SHA-256 {digest(data)[:16]}…"
        return f"二进制文件 {rel}\n- {said(before)}\n+ {said(after)}\n"
    lines = difflib.unified_diff(old, new, f"a/{rel}" if before is not None else "/dev/null",
                                 f"b/{rel}" if after is not None else "/dev/null")
    out = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return out if len(out) <= MAX_DIFF else out[:MAX_DIFF] + "\n…（差异过长，已截断）\n"


class Audit:
    """The audit table of a workspace's state file."""

    def __init__(self, state: State, data: Path):
        self.state, self.data = state, Path(data)
        with state.connect() as db:
            db.executescript(SCHEMA)

    # ------------------------------------------------------------- journal

    def begin(self, path: Path, before: bytes | None, after: bytes | None, who: tuple[str, str],
              action: str = "", restored_from: int | None = None) -> int:
        """Journal a change about to be made (pending until ``commit``); a version of the file
        the log has not seen (the first, or one changed by hand) is recorded first."""
        rel, programme, pairing = place(self.data, path)
        now = time.time()
        keep = _keeps_content(rel)
        action = action or (REMOVE if after is None else WRITE)
        with self.state.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            last = db.execute("SELECT after, content FROM audit WHERE path=? AND state=? ORDER BY id DESC LIMIT 1",
                              (rel, DONE)).fetchone()
            known = last[0] if last else None
            if before is not None and known != digest(before):
                was = "" if last is None else known
                previous = bytes(last[1]) if last is not None and last[1] is not None else None
                kind = BASELINE if last is None else OUTSIDE
                diff = "" if last is None else unified(rel, previous if previous is not None else None, before)
                db.execute("INSERT INTO audit (at, account, role, programme, pairing, path, action, before, after, diff, "
                           "content, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                           (now, "", "", programme, pairing, rel, kind, was, digest(before), diff,
                            before if keep and len(before) <= KEEP_CONTENT else None, DONE))
            cur = db.execute("INSERT INTO audit (at, account, role, programme, pairing, path, action, before, after, diff, "
                             "content, state, restored_from) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             (now, who[0], who[1], programme, pairing, rel, action, digest(before), digest(after),
                              unified(rel, before, after),
                              after if after is not None and keep and len(after) <= KEEP_CONTENT else None,
                              PENDING, restored_from))
            db.execute("COMMIT")
            return int(cur.lastrowid)

    def commit(self, entry: int) -> None:
        with self.state.connect() as db:
            db.execute("UPDATE audit SET state=? WHERE id=?", (DONE, entry))

    def void(self, entry: int) -> None:
        """The change was not made (the write failed): its entry goes."""
        with self.state.connect() as db:
            db.execute("UPDATE audit SET state=? WHERE id=?", (VOID, entry))

    def recover(self) -> list[int]:
        """Pending entries a killed server left, settled by the file as it is: the change is
        done if the file holds its new content, void otherwise. Returns the entries settled."""
        with self.state.connect() as db:
            rows = db.execute("SELECT id, path, before, after FROM audit WHERE state=? ORDER BY id", (PENDING,)).fetchall()
        settled = []
        for row in rows:
            path = self.data / row["path"]
            now = digest(path.read_bytes()) if path.is_file() else ""
            state = DONE if now == row["after"] else VOID
            with self.state.connect() as db:
                db.execute("UPDATE audit SET state=? WHERE id=?", (state, row["id"]))
            settled.append(row["id"])
        return settled

    # ------------------------------------------------------------- reading

    def entries(self, programme: str, pairing: str | None = None, limit: int = 200) -> list[Entry]:
        """The programme's entries (one pairing's: ``pairing``), newest first."""
        query = ("SELECT id, at, account, role, programme, pairing, path, action, before, after, diff, "
                 "content IS NOT NULL, restored_from FROM audit WHERE state=? AND programme=?")
        args: list = [DONE, programme]
        if pairing is not None:
            query += " AND pairing=?"
            args.append(pairing)
        query += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self.state.connect() as db:
            rows = db.execute(query, args).fetchall()
        return [_entry(r) for r in rows]

    def entry(self, number: int) -> Entry | None:
        with self.state.connect() as db:
            row = db.execute("SELECT id, at, account, role, programme, pairing, path, action, before, after, diff, "
                             "content IS NOT NULL, restored_from FROM audit WHERE id=? AND state=?",
                             (number, DONE)).fetchone()
        return _entry(row) if row else None

    def content(self, number: int) -> bytes | None:
        with self.state.connect() as db:
            row = db.execute("SELECT content FROM audit WHERE id=? AND state=?", (number, DONE)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def version(self, path: Path, wanted: str) -> bytes | None:
        """The content of ``path`` whose digest is ``wanted``, as the log last kept it (the
        version a form was drawn from: what two saves at once both started from), or None."""
        rel, _, _ = place(self.data, path)
        with self.state.connect() as db:
            row = db.execute("SELECT content FROM audit WHERE path=? AND after=? AND state=? AND content IS NOT NULL "
                             "ORDER BY id DESC LIMIT 1", (rel, wanted, DONE)).fetchone()
        return bytes(row[0]) if row else None

    def last_digests(self) -> dict[str, str]:
        """The digest each file should have by the log (its last change): what ``agrees`` checks."""
        with self.state.connect() as db:
            rows = db.execute("SELECT path, after FROM audit WHERE id IN "
                              "(SELECT MAX(id) FROM audit WHERE state=? GROUP BY path)", (DONE,)).fetchall()
        return {r["path"]: r["after"] for r in rows}

    def disagreements(self) -> list[str]:
        """Files whose content is not what the log last recorded (none after any kill, when
        only the workspace writes)."""
        out = []
        for rel, expected in self.last_digests().items():
            path = self.data / rel
            now = digest(path.read_bytes()) if path.is_file() else ""
            if now != expected:
                out.append(rel)
        return out
