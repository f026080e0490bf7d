"""The pages of accounts and of the bureau's oversight: signing in and out, the audit log of a
pairing (and of a programme) with putting a file back to an earlier version, and the seal
images (only the bureau uploads or replaces one; each is shown with the units it belongs to).
Every route here passes the same gate as the others (``access``)."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import UsageError
from ..load.images import seal_problem
from ..load.inside import inside
from .access import Forbidden, access, read_form, visit_of
from .accounts import AccountError, Throttled
from .audit import RESTORE
from .forms import differences, record_differences
from .uploads import BadUpload, safe_filename
from .workspace import SEALS_DIR, Conflict, NotFound, Workspace
from .yamledit import digest

router = APIRouter(dependencies=[Depends(access)])


def _ws(request: Request) -> Workspace:
    return request.app.state.workspace


def _page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("programme_id", None)
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)


def _next(target: str) -> str:
    """Where to go after login: a path of this site only (never another host)."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ------------------------------------------------------------------ signing in and out


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/"):
    return _page(request, "login.html", next=_next(next), account="")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request):
    form = await read_form(request)
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    target = _next(str(form.get("next") or "/"))
    accounts = request.app.state.accounts
    address = request.client.host if request.client else ""
    try:
        account = accounts.check(name, password, address)
    except Throttled as error:
        return _page(request, "login.html", status=429, next=target, account=name, error=str(error))
    except AccountError as error:
        return _page(request, "login.html", status=401, next=target, account=name, error=str(error))
    visit = visit_of(request)
    if visit.session_raw:  # whatever session this browser had ends: a login always starts a new one
        accounts.close_session(visit.session_raw)
    raw = accounts.open_session(account, address)
    visit.start_session(raw, accounts.session(raw))
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request):
    visit = visit_of(request)
    if visit.session_raw:
        request.app.state.accounts.close_session(visit.session_raw)
    visit.end_session()
    return RedirectResponse("/login", status_code=303)


# ------------------------------------------------------------------ the audit log


@router.get("/p/{pid}/pairing/{pairing_id}/history", response_class=HTMLResponse)
def pairing_history(request: Request, pid: str, pairing_id: str, restored: int = 0):
    ws = _ws(request)
    path = ws.pairing_path(pid, pairing_id, removed=True)
    names = {pairing_id, path.stem}
    entries = [e for name in names for e in request.app.state.audit.entries(pid, name)]
    entries.sort(key=lambda e: -e.id)
    current = {}
    for entry in entries:
        target = ws.data / entry.path
        if entry.path not in current:
            current[entry.path] = digest(target.read_bytes()) if target.is_file() else ""
    return _page(request, "history.html", programme_id=pid, pairing_id=pairing_id, entries=entries, current=current,
                 restored=restored, heading=ws.pairing_heading(pid, pairing_id),
                 changes={e.id: _changes(request.app.state.audit, ws.data, e) for e in entries})


def _changes(audit, data: Path, entry) -> list[tuple[str, str, str]]:
    """What an entry changed, field by field in words (活动记录第 3 项的人次：5 → 6), when the
    log kept both versions of a data file; else [] (the page shows the lines changed)."""
    if not entry.has_content or not entry.path.endswith((".yaml", ".yml")) or not entry.before:
        return []
    after, before = audit.content(entry.id), audit.version(data / entry.path, entry.before)
    if after is None or before is None:
        return []
    try:
        compare = record_differences if "/activities/" in entry.path else differences
        return compare(before.decode("utf-8-sig"), after.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return []


@router.post("/p/{pid}/pairing/{pairing_id}/history/{number}/restore", response_class=HTMLResponse)
async def pairing_restore(request: Request, pid: str, pairing_id: str, number: int):
    """Put a file of the pairing back to the version an entry of its history recorded (itself
    a change in the log, made only if the file is still as the page showed it)."""
    ws = _ws(request)
    audit = request.app.state.audit
    path = ws.pairing_path(pid, pairing_id, removed=True)
    entry = audit.entry(number)
    if entry is None or entry.programme != pid or entry.pairing not in (pairing_id, path.stem) or not entry.restorable:
        raise NotFound("没有这一版本，或这一版本不能恢复")
    content = audit.content(number)
    if content is None:
        raise NotFound("这一版本没有保存内容，不能恢复")
    form = await read_form(request)
    target = ws.data / entry.path
    if not inside(ws.data, target):
        raise NotFound("不能修改数据目录以外的文件")
    try:
        ws.write(target, content, expected=str(form.get("_version") or ""), action=RESTORE, restored_from=number)
    except Conflict:
        return _page(request, "error.html", status=409, programme_id=pid, title="文件已被修改",
                     message="打开修改记录后，这个文件又被修改了，未恢复：请刷新修改记录页面后再操作。")
    ws.forget(pid)
    return RedirectResponse(f"/p/{quote(pid)}/pairing/{quote(pairing_id)}/history?restored={number}", status_code=303)


@router.get("/p/{pid}/audit", response_class=HTMLResponse)
def programme_audit(request: Request, pid: str):
    _ws(request).root(pid)
    entries = request.app.state.audit.entries(pid, limit=300)
    return _page(request, "audit.html", programme_id=pid, entries=entries)


# ------------------------------------------------------------------ seals


def seal_units(ws: Workspace, pid: str) -> tuple[dict[str, list[str]], int]:
    """Seal image (path relative to the programme) -> the units whose seal it is (the bureau,
    the programme's other units, each pairing's schools), and how many schools have none."""
    loaded = ws.loaded(pid)
    units: dict[str, list[str]] = {}
    without = set()
    programme = loaded.programme
    if programme is not None:
        if programme.bureau.seal:
            units.setdefault(str(programme.bureau.seal), []).append(f"{programme.bureau.name}（发文机关）")
        for name, value in programme.seals.items():
            units.setdefault(str(value), []).append(name)
    for pairing in loaded.pairings:
        for school, role in [(pairing.supporter, "支援方")] + [(r, "受援方") for r in pairing.recipients]:
            if school.seal:
                label = f"{school.name}（{role}）"
                found = units.setdefault(str(school.seal), [])
                if label not in found:
                    found.append(label)
            else:
                without.add(school.name)
    return units, len(without)


@router.get("/p/{pid}/seals", response_class=HTMLResponse)
def seals(request: Request, pid: str, saved: str = "", error: str = ""):
    ws = _ws(request)
    root = ws.root(pid)
    units, without = seal_units(ws, pid)
    files = ws.seal_files(pid)
    rows = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        rows.append({"name": path.name, "rel": rel, "units": units.get(rel, []),
                     "problem": seal_problem(path, "公章图片", rel), "size": path.stat().st_size})
    missing = [{"rel": rel, "units": units[rel], "upload": _upload_name(rel)}
               for rel in sorted(units) if not (root / rel).is_file()]
    return _page(request, "seals.html", programme_id=pid, rows=rows, without=without, missing=missing, saved=saved)


def _upload_name(rel: str) -> str:
    """The name an upload takes to become the image the data names (``seals/x.png``), or ""
    when the data names one an upload cannot become (another folder, not a PNG)."""
    path = Path(rel)
    fits = path.parent.as_posix() == SEALS_DIR and path.suffix == ".png" and safe_filename(path.name) == path.name
    return path.name if fits else ""


@router.get("/p/{pid}/seals/{name}")
def seal_image(request: Request, pid: str, name: str):
    for path in _ws(request).seal_files(pid):
        if path.name == name and path.suffix.lower() == ".png":
            return Response(path.read_bytes(), media_type="image/png",
                            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
    raise NotFound("没有这个公章图片")


PNG, JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"


@router.post("/p/{pid}/seals", response_class=HTMLResponse)
async def seal_upload(request: Request, pid: str):
    """Upload a seal (a new file in seals/, or one replacing a file there): a transparent PNG
    as it is, a scan on white paper made transparent by ``docgen seal prepare``'s function."""
    ws = _ws(request)
    root = ws.root(pid)
    form = await read_form(request)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise UsageError("请先选择公章图片（透明背景的 PNG，或盖在白纸上的扫描件、照片）")
    data = await upload.read()
    replace = str(form.get("replace") or "")
    names = {p.name for p in ws.seal_files(pid)}
    if replace:
        if replace not in names:
            raise NotFound("要替换的公章图片不存在")
        name = replace
    else:
        name = safe_filename(str(form.get("name") or "") or upload.filename, "公章")
        name = f"{Path(name).stem}.png"
        if name in names:
            raise BadUpload(f"seals/ 中已有“{name}”：要替换它，请在它那一行选择“替换”")
    if not data.startswith((PNG, JPEG)):
        raise BadUpload("公章图片只能是 PNG 或 JPG 图片（按文件内容判断，不看扩展名）")
    try:
        png = _seal_png(data, name)
    except UsageError as error:
        return _page(request, "seals.html", status=400, programme_id=pid, rows=[], without=0, missing=[],
                     error=str(error), saved="")
    folder = root / SEALS_DIR
    folder.mkdir(exist_ok=True)
    if not inside(root, folder):
        raise Forbidden("seals/ 指向方案目录以外，拒绝写入")
    ws.write(folder / name, png)
    ws.forget(pid)
    return RedirectResponse(f"/p/{quote(pid)}/seals?saved={quote(name)}", status_code=303)


def _seal_png(data: bytes, name: str) -> bytes:
    """The image as the transparent PNG a bundle stamps: kept as it is when it already is one,
    else prepared from a scan on white paper (``seal_prepare.prepare``)."""
    from ..load.seal_prepare import prepare

    with tempfile.TemporaryDirectory() as work:
        scan = Path(work) / ("upload.png" if data.startswith(PNG) else "upload.jpg")
        scan.write_bytes(data)
        if data.startswith(PNG) and not seal_problem(scan, "公章图片", name):
            return data
        try:
            prepared = prepare(scan)
        except UsageError as error:
            raise UsageError(str(error).replace(str(scan), name).replace(scan.name, name)) from None
    buffer = io.BytesIO()
    prepared.image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
