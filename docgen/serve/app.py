"""The workspace's web application: one FastAPI app over one data folder.

``create_app`` wires the pieces: the state file, the workspace (data folder and outputs),
the job runner with its warm converters, the pages (``pages.py``), the static files, and
the error pages (every error a Chinese page in the site's frame, never a traceback).
Every route goes through ``access`` (``access.py``), the one place that checks the session,
the form token and the role; every write of a data file through ``Workspace.write``, which
journals it in the audit log (``audit.py``).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..convert import Pool
from ..errors import DocgenError
from ..load import find_programmes
from ..pipeline import tidy
from .access import NeedLogin, NoAccounts, actor, unruled
from .accounts import Accounts
from .audit import Audit
from .cookies import SessionLayer, secret_key
from .forms import field_in_words
from .jobs import Runner
from .state import State
from .uploads import MAX_UPLOAD, BadUpload, TooLarge
from .workspace import NotFound, Workspace

HERE = Path(__file__).resolve().parent
log = logging.getLogger("docgen.serve")


BODY_SECONDS = 120.0
"""The longest a request's body may take to arrive: 20 MB in two minutes is a slow line's
pace; a client dribbling bytes to hold a worker is cut off."""


class SlowBody(BadUpload):
    """The request's body did not arrive in time."""

    def __init__(self, seconds: float):
        super().__init__(f"上传太慢，{seconds:g} 秒内没有传完，已中断：请检查网络后重新上传")


class BodyLimit:
    """Refuses a request body over ``limit`` bytes before it is read whole (by its
    Content-Length at once, or while it streams in), or one that takes longer than
    ``seconds`` to arrive."""

    def __init__(self, app, limit: int = MAX_UPLOAD, seconds: float = BODY_SECONDS):
        self.app, self.limit, self.seconds = app, limit, seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await _too_large(scope, receive, send, self.limit)
        seen = 0
        deadline = None

        async def counted():
            nonlocal seen, deadline
            loop = asyncio.get_running_loop()
            deadline = deadline or loop.time() + self.seconds
            try:
                message = await asyncio.wait_for(receive(), max(0.01, deadline - loop.time()))
            except TimeoutError:
                raise SlowBody(self.seconds) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


async def _too_large(scope, receive, send, limit: int) -> None:
    request = Request(scope, receive)
    response = _error_page(request, 413, "文件太大", str(TooLarge(limit)))
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))


def csrf_field(request: Request) -> Markup:
    """The hidden input carrying the form token (CSRF) of the page's visit."""
    visit = getattr(request.state, "visit", None)
    return Markup(f'<input type="hidden" name="_csrf" value="{escape(visit.csrf)}">') if visit is not None else Markup("")


TEMPLATES.env.globals["csrf_field"] = csrf_field

_WHERE_IN_FILES = re.compile(r"（[^（）]*\.ya?ml[^（）]*）")


def in_words(text: str) -> str:
    """A line docgen writes for the command line, for a page: where in which data file (the
    bracket naming ``pairings/x.yaml`` and a field's key) left out; the page links to the form."""
    return _WHERE_IN_FILES.sub("", text)


TEMPLATES.env.filters["in_words"] = in_words
TEMPLATES.env.filters["field_words"] = field_in_words


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "error.html", {"title": title, "message": message, "status": status},
                                      status_code=status)


def create_app(data_dir: Path, out_dir: Path, *, converters: int | None = None, timeout: float = 120,
               pool: Pool | None = None, warm: bool = True, open_without_accounts: bool = True,
               body_seconds: float = BODY_SECONDS) -> FastAPI:
    """The workspace over ``data_dir`` writing outputs to ``out_dir``. ``warm`` starts the
    converters at start-up so the first bundle does not wait for LibreOffice; ``pool``
    lends converters someone else keeps (the tests' session pool). With no account in the
    data folder, ``open_without_accounts`` (a server on this computer only) lets the person at
    this computer do everything; otherwise nothing is served until an account exists.
    ``body_seconds``: the longest a request's body may take to arrive (slow clients)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    state = State(data_dir)
    workspace = Workspace(data_dir, out_dir)
    accounts = Accounts(state)
    audit = Audit(state, workspace.data)
    workspace.journal = audit
    workspace.who = _who
    runner = Runner(workspace, state, converters=converters, timeout=timeout, pool=pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        audit.recover()
        recover(workspace, state)
        runner.start(warm=warm)
        yield
        runner.stop()

    app = FastAPI(title="docgen 工作台", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.workspace, app.state.state, app.state.runner = workspace, state, runner
    app.state.accounts, app.state.audit, app.state.open = accounts, audit, open_without_accounts
    app.state.templates = TEMPLATES
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    from .admin_pages import router as admin_router
    from .pages import router

    app.include_router(router)
    app.include_router(admin_router)
    _handlers(app)
    missing = unruled(app.routes)
    if missing:
        raise RuntimeError(f"routes without an access rule: {missing}")
    app.add_middleware(SessionLayer, accounts=accounts, key=secret_key(state.folder))
    app.add_middleware(BodyLimit, seconds=body_seconds)
    return app


def _who() -> tuple[str, str]:
    visitor = actor.get()
    return (visitor.name, visitor.role) if visitor is not None else ("", "")


def recover(workspace: Workspace, state: State) -> None:
    """After a start following a kill: temporary files of an interrupted save removed, jobs
    that were running shown as failed with the reason, and their programmes' output folders
    cleared of what an interrupted run leaves (partial files, out-of-date documents); uploads
    previewed but never confirmed are removed after a day."""
    workspace.leftovers()
    uploads = state.folder / "uploads"
    for old in uploads.iterdir() if uploads.is_dir() else []:  # previews never confirmed, a day later
        if time.time() - old.stat().st_mtime > 86400:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    for job in state.interrupted():
        with contextlib.suppress(Exception):
            tidy(workspace.loaded(job.programme), workspace.out)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NeedLogin)
    async def need_login(request: Request, exc: NeedLogin):
        if request.method in ("GET", "HEAD") and "HX-Request" not in request.headers:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        response = _error_page(request, 401, "请先登录", "登录已过期或尚未登录：请刷新页面，登录后再操作。")
        response.headers["HX-Redirect"] = "/login"
        return response

    @app.exception_handler(NoAccounts)
    async def no_accounts(request: Request, exc: NoAccounts):
        return _error_page(request, 503, "尚未设置账号",
                           "工作台面向网络提供服务，但还没有任何账号，因此拒绝一切访问。请在服务器上用 "
                           "docgen user add 名称 --role bureau 添加教育局管理员账号。")

    @app.exception_handler(SlowBody)
    async def slow_body(request: Request, exc: SlowBody):
        response = _error_page(request, 408, "上传超时", str(exc))
        response.headers["Connection"] = "close"
        return response

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return _error_page(request, 404, "找不到", str(exc))

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge):
        return _error_page(request, 413, "文件太大", str(exc))

    @app.exception_handler(BadUpload)
    async def bad_upload(request: Request, exc: BadUpload):
        return _error_page(request, 400, "无法使用上传的文件", str(exc))

    @app.exception_handler(DocgenError)
    async def docgen_error(request: Request, exc: DocgenError):
        return _error_page(request, 400, "无法完成", "\n".join(exc.lines()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        words = {404: ("找不到", "没有这个页面，请从首页重新进入。"), 405: ("操作方式不对", "这个地址不能这样访问，请从页面上的按钮操作。"),
                 403: ("没有权限", "您的账号不能查看或修改这项内容。")}
        title, message = words.get(exc.status_code, ("出错了", f"请求无法完成（{exc.status_code}）。"))
        if isinstance(exc.detail, str) and _chinese(exc.detail) and (exc.status_code not in words or exc.status_code == 403):
            message = exc.detail
        return _error_page(request, exc.status_code, title, message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return _error_page(request, 422, "请求不完整", "提交的内容缺少必要的部分或格式不对，请从页面上重新操作。")

    @app.exception_handler(Exception)
    async def fault(request: Request, exc: Exception):
        log.exception("fault while serving %s", request.url.path)
        return _error_page(request, 500, "docgen 内部错误",
                           f"处理请求时出错（{type(exc).__name__}）。已保存的数据和已生成的文件都是完整的；"
                           "请把此信息和操作步骤报告给维护者。")


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def has_programmes(data_dir: Path) -> bool:
    try:
        return bool(find_programmes(data_dir))
    except DocgenError:
        return False
