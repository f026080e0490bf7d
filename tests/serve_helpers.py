"""What the workspace's HTTP tests share: a workspace over a copy of a programme, and a
form read out of a page the way a browser would submit it."""
from __future__ import annotations

import contextlib
import hashlib
import re
import time
from html.parser import HTMLParser
from pathlib import Path

from openpyxl import Workbook


class _Forms(HTMLParser):
    """Every form of a page: its action and the (name, value) pairs a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._text: tuple[str, list[str]] | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._fieldsets: list[bool] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "fieldset":
            self._fieldsets.append("disabled" in a)
            return
        if any(self._fieldsets) and tag in ("input", "textarea", "select"):
            return  # a browser sends nothing of a disabled fieldset
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._text = (a["name"], [])
        elif tag == "select" and a.get("name"):
            self._select, self._selected, self._first_option = a["name"], None, None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._selected = a.get("value", "")

    def handle_data(self, data):
        if self._text is not None:
            self._text[1].append(data)

    def handle_endtag(self, tag):
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        if tag == "textarea" and self._text is not None and self._form is not None:
            name, parts = self._text
            text = "".join(parts)
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._text = None
        elif tag == "select" and self._select is not None and self._form is not None:
            value = self._selected if self._selected is not None else self._first_option or ""
            self._form["fields"].append((self._select, value))
            self._select = None
        elif tag == "form":
            self._form = None


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its digest: to show nothing was written."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".docgen" not in p.parts}


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, action_end: str) -> dict:
    """The form whose action ends with ``action_end``."""
    found = [f for f in forms_of(html) if f["action"].endswith(action_end)]
    assert found, f"no form posting to …{action_end}"
    return found[0]


def replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(n == name for n, _ in fields), f"no field {name}"
    return [(n, value if n == name else v) for n, v in fields]


def near(html: str, name: str, width: int = 1500) -> str:
    """The page's text around the input called ``name`` (where its error is shown)."""
    at = html.index(f'name="{name}"')
    return re.sub(r"<[^>]+>", " ", html[max(0, at - 200): at + width])


def wait_for_job(client, job_id: int, seconds: float = 300) -> str:
    """The job's final status, polling as the page does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.app.state.state.job(job_id).status
        if status not in ("waiting", "running"):
            return status
        time.sleep(0.02)  # a read of the state database: cheap, and the job is seen done as soon as it is
    raise AssertionError(f"job {job_id} did not finish in {seconds} s")


def pair_list_xlsx(path: Path, rows: list[list[str | None]]) -> Path:
    """A pair list with a title row, as bureaus keep it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "结对名单"
    ws.append(["高台县结对帮扶学校安排表"])
    ws.append(["县市区", "支援学校", "受援学校", "负责人"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def activity_xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "类型", "内容", "参与人员", "人次", "证明材料", "报备日期"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def body(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields as the test client sends them (a name may repeat)."""
    out: dict[str, list[str]] = {}
    for name, value in fields:
        out.setdefault(name, []).append(value)
    return out


def with_token(client):
    """The client sends the form token (CSRF) of its visit with every request, as the pages'
    forms and htmx do: read once from a page's ``<meta name="csrf-token">``."""
    html = client.get("/").text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "the page carries no form token"
    client.headers["X-CSRF-Token"] = found.group(1)
    return client


class Browser:
    """A running server spoken to as a browser would (urllib with a cookie jar): each POST
    carries the form token of the last page read."""

    def __init__(self, base: str):
        import http.cookiejar
        import urllib.request

        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str, timeout: float = 10) -> str:
        with self.opener.open(self.base + path, timeout=timeout) as response:
            html = response.read().decode("utf-8")
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
        if found:
            self.token = found.group(1)
        return html

    def post(self, path: str, fields: dict[str, str] | None = None, timeout: float = 10) -> str:
        import urllib.parse
        import urllib.request

        if not self.token:
            self.get("/")
        data = urllib.parse.urlencode({**(fields or {}), "_csrf": self.token}).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")
        with self.opener.open(request, timeout=timeout) as response:
            return response.read().decode("utf-8")


PASSWORD = "pass-word-2026"
"""The password of every test account."""

COUNTY = {"局": ("bureau", ""), "三中": ("school", "高台三中"), "国庆": ("school", "国庆小学"), "看": ("viewer", "")}
"""A county's accounts over the small programme: the bureau, the school of pairing sanzhong,
the school of pairing guoqing, and a viewer."""


def add_county(data_dir: Path) -> None:
    from docgen.serve.accounts import Accounts
    from docgen.serve.state import State

    accounts = Accounts(State(data_dir))
    for name, (role, school) in COUNTY.items():
        accounts.add(name, role, school, PASSWORD)


def token_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "the page carries no form token"
    return found.group(1)


def login(client, name: str, password: str = PASSWORD):
    """Sign ``client`` in as ``name`` through the login form; returns the response."""
    token = token_of(client.get("/login").text)
    response = client.post("/login", data={"name": name, "password": password, "_csrf": token, "next": "/"},
                           follow_redirects=False)
    if response.status_code == 303:
        client.headers["X-CSRF-Token"] = token_of(client.get("/").text)
    return response


@contextlib.contextmanager
def signing(app):
    """``make(name)``: a test client of ``app`` signed in as account ``name``; all closed at the end."""
    from fastapi.testclient import TestClient

    clients = []

    def make(name: str):
        c = TestClient(app, raise_server_exceptions=False)
        c.__enter__()
        assert login(c, name).status_code == 303
        clients.append(c)
        return c

    try:
        yield make
    finally:
        for c in clients:
            c.__exit__(None, None, None)
