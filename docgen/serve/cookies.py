"""The workspace's cookies and form tokens, signed with a key kept in the state folder.

Two cookies, both HttpOnly and SameSite=Lax (Secure when the page came over HTTPS):
``docgen_session`` holds a signed-in session's id (``accounts.Accounts.open_session``),
``docgen_visit`` a random value for a browser that is not signed in (the login form, and the
one-person workspace without accounts). A form's token (CSRF) is an HMAC of one of them: a
page of another site can make the browser send the cookies, never read the token.

``SessionLayer`` (an ASGI middleware) reads both on every request and puts what they mean in
``request.state.session`` / ``request.state.visit``; a login or logout queues new cookies in
``request.state.cookies``, added to the response as it starts.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from .accounts import SESSION_SECONDS, Accounts, Session

SESSION_COOKIE = "docgen_session"
VISIT_COOKIE = "docgen_visit"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
KEY_FILE = "secret.key"


def secret_key(folder: Path) -> bytes:
    """The signing key of this data folder (made once, readable by its owner only)."""
    path = Path(folder) / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
    finally:
        os.close(fd)
    return key


def _mac(key: bytes, text: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, text.encode(), hashlib.sha256).digest()).decode().rstrip("=")


def sign(key: bytes, value: str) -> str:
    return f"{value}.{_mac(key, 'cookie|' + value)}"


def unsign(key: bytes, signed: str | None) -> str | None:
    """The value of a signed cookie, or None when it was not signed with ``key``."""
    if not signed or "." not in signed or len(signed) > 200:
        return None
    value, _, mac = signed.rpartition(".")
    return value if hmac.compare_digest(mac, _mac(key, "cookie|" + value)) else None


def csrf_token(key: bytes, bound_to: str) -> str:
    return _mac(key, "csrf|" + bound_to)


@dataclass
class Visit:
    """What the cookies of one request mean."""

    session: Session | None = None
    session_raw: str | None = None
    visit: str = ""
    secure: bool = False
    cookies: list[str] = field(default_factory=list)
    """Set-Cookie header values to send with the response."""
    key: bytes = b""

    @property
    def csrf(self) -> str:
        """The token this request's forms carry."""
        bound = f"session|{self.session_raw}" if self.session is not None else f"visit|{self.visit}"
        return csrf_token(self.key, bound)

    def token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given), self.csrf)

    def set_cookie(self, name: str, value: str, max_age: int) -> None:
        attrs = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax", f"Max-Age={max_age}"]
        if self.secure:
            attrs.append("Secure")
        self.cookies.append("; ".join(attrs))

    def start_session(self, raw: str, session: Session) -> None:
        """After a login: the new session's cookie (a new id: nothing of the visit before it is kept)."""
        self.session, self.session_raw = session, raw
        self.set_cookie(SESSION_COOKIE, sign(self.key, raw), SESSION_SECONDS)
        self.visit = secrets.token_urlsafe(24)
        self.set_cookie(VISIT_COOKIE, sign(self.key, self.visit), SESSION_SECONDS)

    def end_session(self) -> None:
        self.session, self.session_raw = None, None
        self.set_cookie(SESSION_COOKIE, "", 0)
        self.visit = secrets.token_urlsafe(24)
        self.set_cookie(VISIT_COOKIE, sign(self.key, self.visit), SESSION_SECONDS)


class SessionLayer:
    """Reads the cookies of each request into a ``Visit`` (``scope["state"]["visit"]``) and
    sends the cookies it queued."""

    def __init__(self, app, accounts: Accounts, key: bytes):
        self.app, self.accounts, self.key = app, accounts, key

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            return await self.app(scope, receive, send)
        jar = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                with contextlib.suppress(Exception):  # a malformed cookie header is no cookie
                    jar.load(value.decode("latin-1"))
        visit = Visit(key=self.key, secure=scope.get("scheme") == "https")
        raw = unsign(self.key, jar[SESSION_COOKIE].value) if SESSION_COOKIE in jar else None
        if raw:
            session = self.accounts.session(raw)
            if session is not None:
                visit.session, visit.session_raw = session, raw
        nonce = unsign(self.key, jar[VISIT_COOKIE].value) if VISIT_COOKIE in jar else None
        if nonce:
            visit.visit = nonce
        else:
            visit.visit = secrets.token_urlsafe(24)
            visit.set_cookie(VISIT_COOKIE, sign(self.key, visit.visit), SESSION_SECONDS)
        scope.setdefault("state", {})["visit"] = visit

        async def sending(message):
            if message["type"] == "http.response.start" and visit.cookies:
                headers = list(message.get("headers", []))
                headers += [(b"set-cookie", c.encode("latin-1")) for c in visit.cookies]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
