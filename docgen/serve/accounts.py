"""Accounts of the workspace and their sessions, kept in the state file.

A county runs one workspace for all its schools: the bureau's coordinator edits everything,
each school's office only the pairings its school is a party to, a viewer reads. Accounts
are made with ``docgen user add`` (so the first one exists before the server is reachable);
passwords are hashed with Argon2id (argon2-cffi) and never kept, shown or logged in clear.

Sessions are rows of the state file named by the SHA-256 of a random id the browser holds in
a signed cookie (``cookies.py``): a stolen state file opens no session, logging out ends it
on the server, and every login starts a new one. Failed logins are counted per account and
per address: an account is locked for a while after a few wrong passwords (and says so), an
address that keeps guessing is told to wait.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass

from ..errors import UsageError
from .state import State

ROLES = {"bureau": "教育局", "school": "学校", "viewer": "只读"}
"""Roles and their Chinese names."""
ROLE_HELP = {"bureau": "查看和修改本数据目录中的一切：结对名单、方案、公章、各结对，生成全部报送材料，查看修改记录",
             "school": "只能查看本校作为支援方或受援方的结对：填写活动记录、上传证明材料、填写年度总结文字、生成本结对的报送材料",
             "viewer": "只能查看和下载，不能修改任何内容"}

MIN_PASSWORD = 8
LOCK_FAILURES = 5
"""Wrong passwords in a row (within ``LOCK_SECONDS``) that lock an account."""
LOCK_SECONDS = 15 * 60
ADDRESS_FAILURES = 20
"""Failed logins from one address within ``LOCK_SECONDS`` after which it must wait."""
SESSION_SECONDS = 12 * 3600
"""A session ends this long after login at the latest (a working day)."""
IDLE_SECONDS = 2 * 3600
"""…or after this long without a request."""
SEEN_EVERY = 60
"""A session's last request is written at most this often (not on every page)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    school TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL,
    created REAL NOT NULL,
    last_login REAL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    created REAL NOT NULL,
    expires REAL NOT NULL,
    seen REAL NOT NULL,
    address TEXT NOT NULL DEFAULT ''
);
"""

_NAME = re.compile(r"[\w.\-@\u3400-\u9fff]{1,40}")
_HASHING = threading.BoundedSemaphore(2)
"""Argon2 takes 64 MiB and most of a core per hash: at most two at once (2 cores)."""


class AccountError(UsageError):
    """A login or an account command refused, saying why in Chinese."""


class Locked(AccountError):
    """Too many wrong passwords for this account: locked for a while."""


class Throttled(AccountError):
    """Too many failed logins from this address: it must wait."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    school: str
    created: float
    last_login: float | None

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class Session:
    """A signed-in session: whose, and until when."""

    id_hash: str
    account: Account
    expires: float


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106's low-memory profile (t=3, 64 MiB, p=4)


def _session_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii", "replace")).hexdigest()


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "").strip()
    if not _NAME.fullmatch(name):
        raise AccountError(f"账号名“{name}”不可用：请用 1 到 40 个汉字、字母、数字或 . _ - @，不含空格")
    return name


def check_password(name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码太短：至少 {MIN_PASSWORD} 个字符")
    if password.strip() != password:
        raise AccountError("密码的开头和结尾不能是空格")
    if password.casefold() == name.casefold() or name.casefold() in password.casefold():
        raise AccountError("密码不能包含账号名")


class Accounts:
    """The accounts, failed logins and sessions of a workspace's state file."""

    def __init__(self, state: State):
        self.state = state
        with state.connect() as db:
            db.executescript(SCHEMA)
        self._dummy: str | None = None

    # ---------------------------------------------------------------- accounts

    def count(self) -> int:
        with self.state.connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0])

    def _existing(self, name: str) -> Account:
        """An account this call has just written (added, or logged in)."""
        account = self.get(name)
        assert account is not None, name
        return account

    def get(self, name: str) -> Account | None:
        with self.state.connect() as db:
            row = db.execute("SELECT name, role, school, created, last_login FROM accounts WHERE name=?",
                             (name,)).fetchone()
        return Account(*row) if row else None

    def all(self) -> list[Account]:
        with self.state.connect() as db:
            rows = db.execute("SELECT name, role, school, created, last_login FROM accounts ORDER BY role, name").fetchall()
        return [Account(*r) for r in rows]

    def add(self, name: str, role: str, school: str, password: str) -> Account:
        name = check_name(name)
        if role not in ROLES:
            raise AccountError(f"没有角色“{role}”：可选 {'、'.join(ROLES)}")
        school = unicodedata.normalize("NFC", school or "").strip()
        if role == "school" and not school:
            raise AccountError("学校账号要用 --school 写明学校全称（与结对数据中的学校名称一致）")
        if role != "school" and school:
            raise AccountError(f"只有学校账号需要 --school；{ROLES[role]}账号不属于某一所学校")
        check_password(name, password)
        hashed = self._hash(password)
        with self.state.connect() as db:
            if db.execute("SELECT 1 FROM accounts WHERE name=?", (name,)).fetchone():
                raise AccountError(f"账号“{name}”已存在：改密码请用 docgen user passwd {name}")
            db.execute("INSERT INTO accounts (name, role, school, hash, created) VALUES (?,?,?,?,?)",
                       (name, role, school, hashed, time.time()))
        return self._existing(name)

    def set_password(self, name: str, password: str) -> None:
        """A new password: the account's failed logins are forgotten (it is unlocked) and its
        sessions end (whoever knew the old one is signed out)."""
        if self.get(name) is None:
            raise AccountError(f"没有账号“{name}”（docgen user list 列出全部账号）")
        check_password(name, password)
        hashed = self._hash(password)
        with self.state.connect() as db:
            db.execute("UPDATE accounts SET hash=? WHERE name=?", (hashed, name))
            db.execute("DELETE FROM login_failures WHERE key=?", (f"account:{name}",))
            db.execute("DELETE FROM sessions WHERE account=?", (name,))

    def remove(self, name: str) -> None:
        if self.get(name) is None:
            raise AccountError(f"没有账号“{name}”（docgen user list 列出全部账号）")
        with self.state.connect() as db:
            db.execute("DELETE FROM accounts WHERE name=?", (name,))
            db.execute("DELETE FROM sessions WHERE account=?", (name,))
            db.execute("DELETE FROM login_failures WHERE key=?", (f"account:{name}",))

    def locked_until(self, name: str, now: float | None = None) -> float | None:
        """When the account's lock ends, if it is locked now."""
        now = time.time() if now is None else now
        with self.state.connect() as db:
            rows = db.execute("SELECT at FROM login_failures WHERE key=? AND at>? ORDER BY at",
                              (f"account:{name}", now - LOCK_SECONDS)).fetchall()
        if len(rows) >= LOCK_FAILURES:
            return rows[-1][0] + LOCK_SECONDS
        return None

    def _hash(self, password: str) -> str:
        with _HASHING:
            return _hasher().hash(password)

    # ---------------------------------------------------------------- login

    def check(self, name: str, password: str, address: str) -> Account:
        """The account if ``password`` is its own; else ``Locked``, ``Throttled`` or
        ``AccountError`` (the same words whether the account exists or not)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        now = time.time()
        name = unicodedata.normalize("NFC", name or "").strip()
        with self.state.connect() as db:
            db.execute("DELETE FROM login_failures WHERE at<?", (now - LOCK_SECONDS,))
            tried = db.execute("SELECT COUNT(*) FROM login_failures WHERE key=? AND at>?",
                               (f"address:{address}", now - LOCK_SECONDS)).fetchone()[0]
        if tried >= ADDRESS_FAILURES:
            raise Throttled(f"这台电脑（{address}）登录失败的次数太多，请 {LOCK_SECONDS // 60} 分钟后再试")
        until = self.locked_until(name, now)
        if until is not None:
            raise Locked(f"账号“{name}”因连续 {LOCK_FAILURES} 次密码错误已被暂时锁定，请 {_minutes(until - now)} 分钟后再试；"
                         "忘记密码请联系教育局管理员重设（docgen user passwd）")
        with self.state.connect() as db:
            row = db.execute("SELECT hash FROM accounts WHERE name=?", (name,)).fetchone()
        stored = row[0] if row else self._dummy_hash()
        hasher = _hasher()
        try:
            with _HASHING:
                hasher.verify(stored, password)
            ok = row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            with self.state.connect() as db:
                db.executemany("INSERT INTO login_failures (key, at) VALUES (?, ?)",
                               [(f"account:{name}", now), (f"address:{address}", now)])
            left = LOCK_FAILURES - len(self._failures(name, now))
            if left <= 0:
                raise Locked(f"账号“{name}”因连续 {LOCK_FAILURES} 次密码错误已被暂时锁定，请 {LOCK_SECONDS // 60} 分钟后再试；"
                             "忘记密码请联系教育局管理员重设（docgen user passwd）")
            raise AccountError(f"账号或密码不对（再错 {left} 次，账号将被锁定 {LOCK_SECONDS // 60} 分钟）")
        with self.state.connect() as db:
            db.execute("DELETE FROM login_failures WHERE key=?", (f"account:{name}",))
            if hasher.check_needs_rehash(stored):
                db.execute("UPDATE accounts SET hash=? WHERE name=?", (self._hash(password), name))
            db.execute("UPDATE accounts SET last_login=? WHERE name=?", (now, name))
        return self._existing(name)

    def _failures(self, name: str, now: float) -> list:
        with self.state.connect() as db:
            return db.execute("SELECT at FROM login_failures WHERE key=? AND at>?",
                              (f"account:{name}", now - LOCK_SECONDS)).fetchall()

    def _dummy_hash(self) -> str:
        """A hash to check an unknown account's password against: a wrong name takes as long as a wrong password."""
        if self._dummy is None:
            self._dummy = self._hash(secrets.token_hex(16))
        return self._dummy

    # ---------------------------------------------------------------- sessions

    def open_session(self, account: Account, address: str) -> str:
        """A new session for ``account``; returns its id (for the cookie, never stored)."""
        raw = secrets.token_urlsafe(32)
        now = time.time()
        with self.state.connect() as db:
            db.execute("DELETE FROM sessions WHERE expires<? OR seen<?", (now, now - IDLE_SECONDS))
            db.execute("INSERT INTO sessions (id, account, created, expires, seen, address) VALUES (?,?,?,?,?,?)",
                       (_session_key(raw), account.name, now, now + SESSION_SECONDS, now, address))
        return raw

    def session(self, raw: str) -> Session | None:
        """The live session with this id, or None (unknown, ended, expired, idle too long, or
        its account removed)."""
        key = _session_key(raw)
        now = time.time()
        with self.state.connect() as db:
            row = db.execute("SELECT s.expires, s.seen, a.name, a.role, a.school, a.created, a.last_login "
                             "FROM sessions s JOIN accounts a ON a.name = s.account WHERE s.id=?", (key,)).fetchone()
            if row is None:
                return None
            expires, seen = row[0], row[1]
            if expires < now or seen < now - IDLE_SECONDS:
                db.execute("DELETE FROM sessions WHERE id=?", (key,))
                return None
            if now - seen > SEEN_EVERY:
                db.execute("UPDATE sessions SET seen=? WHERE id=?", (now, key))
        return Session(key, Account(*row[2:]), expires)

    def close_session(self, raw: str) -> None:
        with self.state.connect() as db:
            db.execute("DELETE FROM sessions WHERE id=?", (_session_key(raw),))

    def sessions_of(self, name: str) -> int:
        with self.state.connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM sessions WHERE account=? AND expires>?",
                                  (name, time.time())).fetchone()[0])


def _minutes(seconds: float) -> int:
    return max(1, int(seconds // 60) + (1 if seconds % 60 else 0))
