"""The workspace's web application: one FastAPI app over one data folder.

``create_app`` wires the pieces: the state file, the workspace (data folder and outputs),
the job runner with its warm converters, the pages (``pages.py``), the static files, and
the error pages (every error a Chinese page in the site's frame, never a traceback).
Every route goes through ``access`` (``pages.py``), the one place that will check a session
and a role; every write of a data file through ``Workspace.write``, the one place that will
record an audit entry.
"""
from __future__ import annotations

import contextlib
import logging
import shutil
import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..convert import Pool
from ..errors import DocgenError
from ..load import find_programmes
from ..pipeline import tidy
from .jobs import Runner
from .state import State
from .uploads import MAX_UPLOAD, BadUpload, TooLarge
from .workspace import NotFound, Workspace

HERE = Path(__file__).resolve().parent
log = logging.getLogger("docgen.serve")


class BodyLimit:
    """Refuses a request body over ``limit`` bytes before it is read whole: by its
    Content-Length at once, or while it streams in."""

    def __init__(self, app, limit: int = MAX_UPLOAD):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await _too_large(scope, receive, send, self.limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
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


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "error.html", {"title": title, "message": message, "status": status},
                                      status_code=status)


def create_app(data_dir: Path, out_dir: Path, *, converters: int | None = None, timeout: float = 120,
               pool: Pool | None = None, warm: bool = True) -> FastAPI:
    """The workspace over ``data_dir`` writing outputs to ``out_dir``. ``warm`` starts the
    converters at start-up so the first bundle does not wait for LibreOffice; ``pool``
    lends converters someone else keeps (the tests' session pool)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    state = State(data_dir)
    workspace = Workspace(data_dir, out_dir)
    runner = Runner(workspace, state, converters=converters, timeout=timeout, pool=pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        recover(workspace, state)
        runner.start(warm=warm)
        yield
        runner.stop()

    app = FastAPI(title="docgen 工作台", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.workspace, app.state.state, app.state.runner = workspace, state, runner
    app.state.templates = TEMPLATES
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    from .pages import router

    app.include_router(router)
    _handlers(app)
    app.add_middleware(BodyLimit)
    return app


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
        words = {404: ("找不到", "没有这个页面，请从首页重新进入。"), 405: ("操作方式不对", "这个地址不能这样访问，请从页面上的按钮操作。")}
        title, message = words.get(exc.status_code, ("出错了", f"请求无法完成（{exc.status_code}）。"))
        if exc.status_code not in words and isinstance(exc.detail, str) and _chinese(exc.detail):
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
