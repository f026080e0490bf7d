"""Who may do what: the one gate every route of the workspace passes (``access``).

Each route is named in ``RULES`` with the roles that may use it and what it reaches (a
programme, a pairing, an output file, a job). A route not named there is refused to everyone
(a new page is closed until someone decides who may see it; ``tests/test_serve_access.py``
lists the app's routes and fails on one without a rule). The gate:

1. finds who is asking: the signed-in account of the session cookie; with no account in the
   data folder at all and the server on this computer only, the person at this computer (a
   one-person workspace, as before accounts existed); else nobody;
2. sends nobody to the login page (a page) or answers 401 (anything else), before any data
   is read or any request body parsed;
3. checks the form token (CSRF) of every request that changes something;
4. checks the role, and for a school that the programme, pairing, file or job is its own
   (a pairing its school is a party to: supporter or recipient); else 403.

It also tells the audit log who is writing (``audit.actor``).
"""
from __future__ import annotations

import contextvars
import os
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fastapi import Request
from pydantic import TypeAdapter
from starlette.exceptions import HTTPException

from ..errors import DocgenError, UsageError
from ..load import PAIRINGS_DIR
from ..load.inside import inside
from ..load.model.common import Name
from ..load.yaml_source import read
from ..output_tree import EARLIER, safe_name
from .cookies import CSRF_FIELD, CSRF_HEADER, Visit

_SCHOOL_NAME = TypeAdapter(Name)
"""A school's name as the model reads it (white space and width as the loader leaves them)."""

MAX_FIELDS = 20000
MAX_FILES = 20
MAX_PART = 1024 * 1024

BUREAU, SCHOOL, VIEWER = "bureau", "school", "viewer"
EVERYONE = frozenset({BUREAU, SCHOOL, VIEWER})
EDITORS = frozenset({BUREAU, SCHOOL})
READERS = frozenset({BUREAU, VIEWER})
ONLY_BUREAU = frozenset({BUREAU})


@dataclass(frozen=True)
class Visitor:
    """Who is asking: an account, or the one person at this computer (no accounts)."""

    name: str = "本机用户"
    role: str = BUREAU
    school: str = ""
    signed_in: bool = False

    @property
    def role_name(self) -> str:
        from .accounts import ROLES

        return ROLES.get(self.role, self.role)

    def may(self, route: str) -> bool:
        """Whether this visitor's role may use the route called ``route`` at all (pages hide
        the buttons it may not press; ``access`` checks again when pressed)."""
        rule = RULES.get(route)
        return rule is not None and (rule.public or self.role in rule.roles)


LOCAL = Visitor()
NOBODY = Visitor(name="", role="", signed_in=False)

actor: contextvars.ContextVar[Visitor | None] = contextvars.ContextVar("docgen_actor", default=None)
"""The visitor of the request being served (the audit log's "who")."""


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    reach: str = ""
    """What the route's path names, checked for a school: "" (nothing of a programme),
    "programme", "pairing", "owner" (a pairing or ``_bureau``), "file" (an output), "job"."""
    public: bool = False


PUBLIC = Rule(EVERYONE, public=True)

RULES: dict[str, Rule] = {
    # signing in and out
    "login_form": PUBLIC, "login": PUBLIC, "logout": Rule(EVERYONE),
    # programmes and their lists (a school sees only its own pairings in them)
    "programmes": Rule(EVERYONE), "programme": Rule(EVERYONE, "programme"),
    "programme_rows": Rule(EVERYONE, "programme"),
    # the pair list: the bureau's
    "import_form": Rule(ONLY_BUREAU, "programme"), "import_upload": Rule(ONLY_BUREAU, "programme"),
    "import_confirm": Rule(ONLY_BUREAU, "programme"), "import_done": Rule(ONLY_BUREAU, "programme"), "export_list": Rule(READERS, "programme"),
    # the next year's programme, made from this one: the bureau's
    "next_form": Rule(ONLY_BUREAU, "programme"), "next_create": Rule(ONLY_BUREAU, "programme"),
    "next_done": Rule(ONLY_BUREAU, "programme"),
    # a pairing
    "pairing_form": Rule(EVERYONE, "pairing"), "pairing_item": Rule(EVERYONE, "pairing"),
    "pairing_save": Rule(EDITORS, "pairing"), "pairing_text": Rule(ONLY_BUREAU, "pairing"),
    "pairing_remove": Rule(ONLY_BUREAU, "pairing"),
    "pairing_documents": Rule(EVERYONE, "pairing"), "pairing_generate": Rule(EDITORS, "pairing"),
    "activities": Rule(EVERYONE, "pairing"), "record_form": Rule(EVERYONE, "pairing"),
    "activities_template": Rule(EVERYONE, "pairing"),
    "evidence_file": Rule(EVERYONE, "pairing"),
    "record_save": Rule(EDITORS, "pairing"), "record_delete": Rule(EDITORS, "pairing"),
    "activity_upload": Rule(EDITORS, "pairing"), "activity_confirm": Rule(EDITORS, "pairing"),
    "pairing_history": Rule(ONLY_BUREAU, "pairing"), "pairing_restore": Rule(ONLY_BUREAU, "pairing"),
    # the programme file (方案信息): the bureau's; readers may look at it
    "programme_settings": Rule(READERS, "programme"), "programme_item": Rule(READERS, "programme"),
    "programme_save": Rule(ONLY_BUREAU, "programme"), "programme_text": Rule(ONLY_BUREAU, "programme"),
    # the bureau's documents, all bundles, the roll-up
    "bureau_documents": Rule(READERS, "programme"), "programme_generate": Rule(ONLY_BUREAU, "programme"),
    "download_all": Rule(READERS, "programme"), "report_page": Rule(READERS, "programme"),
    "report_generate": Rule(ONLY_BUREAU, "programme"), "programme_audit": Rule(ONLY_BUREAU, "programme"),
    # outputs, page previews, jobs
    "output_file": Rule(EVERYONE, "file"), "preview": Rule(EVERYONE, "owner"),
    "job_page": Rule(EVERYONE, "job"), "job_progress": Rule(EVERYONE, "job"), "job_events": Rule(EVERYONE, "job"),
    "job_cancel": Rule(EDITORS, "job"),
    # seals
    "seals": Rule(ONLY_BUREAU, "programme"), "seal_image": Rule(ONLY_BUREAU, "programme"),
    "seal_upload": Rule(ONLY_BUREAU, "programme"),
}


def app_routes(routes) -> list:
    """Every route of the app (``app.routes``), through the routers it includes: those with a
    name and methods (the static files' mount is not one)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            out += app_routes(inner.routes)
        elif getattr(route, "methods", None):
            out.append(route)
    return out


def unruled(routes) -> list[str]:
    """Routes no rule names (refused to everyone): none may exist in the app."""
    return sorted({r.name for r in app_routes(routes)} - set(RULES))


class NeedLogin(Exception):
    """Nobody is signed in (answered by the login page or 401)."""


class NoAccounts(Exception):
    """Served beyond this computer with no account: nobody may do anything until one is added."""


class Forbidden(HTTPException):
    def __init__(self, message: str):
        super().__init__(403, message)


def visit_of(request: Request) -> Visit:
    visit = getattr(request.state, "visit", None)
    if visit is None:  # outside the session layer (never in the app)
        raise NeedLogin()
    return visit


def visitor_of(request: Request) -> Visitor:
    """Who is asking (the gate has run), or nobody."""
    return getattr(request.state, "visitor", None) or NOBODY


def who(request: Request) -> Visitor | None:
    """The visitor from the session cookie; ``LOCAL`` for a one-person workspace; None: nobody."""
    visit = visit_of(request)
    if visit.session is not None:
        a = visit.session.account
        return Visitor(a.name, a.role, a.school, signed_in=True)
    app = request.app.state
    if app.accounts.count() == 0:
        if app.open:
            return LOCAL
        raise NoAccounts()
    return None


async def read_form(request: Request):
    """The submitted form, within the limits of a clerk's form (fields, files, field size)."""
    try:
        return await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_PART)
    except DocgenError:
        raise
    except Exception:  # malformed multipart, too many parts
        raise UsageError("提交的表单无法读取（格式不对或内容过多），请刷新页面后重新提交") from None


async def check_csrf(request: Request) -> None:
    """A request that changes something carries the page's token (form field or htmx header)."""
    visit = visit_of(request)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await read_form(request)
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not visit.token_ok(given):
        raise HTTPException(403, "页面已过期或来源不明（缺少有效的表单令牌），未做任何修改：请刷新页面后重新提交。")


async def access(request: Request) -> Visitor:
    """The gate of every route (see the module's text)."""
    route = request.scope.get("route")
    name = getattr(route, "name", "")
    rule = RULES.get(name)
    if rule is None:
        raise Forbidden("这个地址尚未设定谁可以访问，已拒绝。")
    visitor = who(request)
    if not rule.public and visitor is None:
        raise NeedLogin()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        await check_csrf(request)
    visitor = visitor or NOBODY
    if not rule.public:
        if visitor.role not in rule.roles:
            raise Forbidden(_refusal(visitor))
        if visitor.role == SCHOOL:
            reach(request, visitor, rule)
    request.state.visitor = visitor
    actor.set(visitor)
    return visitor


def _refusal(visitor: Visitor) -> str:
    if visitor.role == VIEWER:
        return "只读账号只能查看和下载，不能修改。"
    if visitor.role == SCHOOL:
        return f"学校账号（{visitor.school}）只能查看和填写本校参与的结对；结对名单、公章、方案和汇总由教育局管理。"
    return "您的账号没有这项权限。"


# ------------------------------------------------------------------ what a school reaches


def school_files(request: Request, programme: str, school: str) -> list[Path]:
    """The pairing files of the programme that name ``school`` as supporter or recipient."""
    root = request.app.state.workspace.root(programme)
    return [path for path, (names, _) in _parties(root).items() if school in names]


def school_pairings(request: Request, programme: str, school: str) -> set[str]:
    """Identifiers (and file names) of the programme's pairings whose supporter or a recipient
    is ``school``, read from the pairing files as written (valid or not): each file parsed
    once per version, so the check costs no loading of the whole programme after a save."""
    root = request.app.state.workspace.root(programme)
    own: set[str] = set()
    for _path, (names, ids) in _parties(root).items():
        if school in names:
            own.update(ids)
    return own


_party_cache: dict[Path, tuple[tuple[int, int], tuple[frozenset[str], frozenset[str]]]] = {}
_party_lock = threading.Lock()


def _parties(root: Path) -> dict[Path, tuple[frozenset[str], frozenset[str]]]:
    """Each pairing file of the programme -> (its school names, its id and file name)."""
    folder = root / PAIRINGS_DIR
    out: dict[Path, tuple[frozenset[str], frozenset[str]]] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return out
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") or path.suffix not in (".yaml", ".yml") or not inside(root, path):
            continue
        try:
            stat = entry.stat()
        except OSError:
            continue
        version = (stat.st_size, stat.st_mtime_ns)
        with _party_lock:
            cached = _party_cache.get(path)
        if cached is None or cached[0] != version:
            cached = (version, _names_in(path))
            with _party_lock:
                _party_cache[path] = cached
        out[path] = cached[1]
    return out


def _names_in(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    try:
        data = read(path).data
    except DocgenError:
        return frozenset(), frozenset()
    if not isinstance(data, dict):
        return frozenset(), frozenset()
    schools = [data.get("supporter")] + list(data.get("recipients") or [])
    names = set()
    for school in schools:
        if isinstance(school, dict) and school.get("name") is not None:
            try:
                names.add(_SCHOOL_NAME.validate_python(school["name"]))
            except ValueError:
                continue
    return frozenset(names), frozenset({str(data.get("id") or path.stem), path.stem})


def school_programmes(request: Request, school: str) -> list[str]:
    ws = request.app.state.workspace
    return [pid for pid in ws.roots() if school_pairings(request, pid, school)]


def reach(request: Request, visitor: Visitor, rule: Rule) -> None:
    """403 unless what the route's path names belongs to the school's pairings."""
    params = request.path_params
    pid = params.get("pid")
    if rule.reach == "job":
        job = request.app.state.state.job(_int(params.get("job_id")))
        if job is None:
            return  # the page says it is not there
        pid, pairing = job.programme, job.pairing
    elif rule.reach == "pairing":
        pairing = params.get("pairing_id")
    elif rule.reach == "owner":
        pairing = None if params.get("owner") == "_bureau" else params.get("owner")
    elif rule.reach == "file":
        pairing = file_owner(request, pid, params.get("rel", ""))
    else:
        pairing = ""
    if pid is None:
        return
    try:
        own = school_pairings(request, pid, visitor.school)
    except UsageError:
        own = set()
    if not own:
        raise Forbidden(f"学校账号（{visitor.school}）在这个方案中没有结对。")
    if rule.reach == "programme" or pairing == "":
        return
    if pairing is None or pairing not in own:
        raise Forbidden(f"学校账号（{visitor.school}）只能查看和填写本校参与的结对，这个不是。")


def file_owner(request: Request, pid: str | None, rel: str) -> str | None:
    """The pairing an output file under out/<programme>/ belongs to (None: the bureau's or unknown)."""
    if not pid:
        return None
    ws = request.app.state.workspace
    parts = PurePosixPath(rel).parts
    if not parts or ".." in parts:
        return None
    try:
        entry = ws.record(pid).get(rel)
    except OSError:
        entry = None
    if entry is not None:
        return entry.source
    if parts[0] == "bundles" and len(parts) >= 4 and parts[1] == EARLIER:  # bundles/以前的版本/<day>/x.zip
        folder = parts[3][:-4] if parts[3].endswith(".zip") else parts[3]
    elif parts[0] == "bundles" and len(parts) >= 2:
        folder = parts[1][:-4] if parts[1].endswith(".zip") else parts[1]
    elif parts[0] in ("report", "bundles") or len(parts) < 2:
        return None
    else:
        folder = parts[0]
    loaded = ws.loaded(pid)
    for pairing in loaded.pairings:
        if safe_name(pairing.id) == folder:
            return pairing.id
    return None


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
