"""The workspace's pages. Every route depends on ``access`` (``access.py``): the session, the
form token and the role are checked there, in one place, before a route runs; a school's
account sees only its own pairings in the lists. Data files are only written through
``Workspace.write`` (see ``workspace.py``), which the audit log journals."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import mimetypes
import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from ..activities.rollup import Rollup, rollup, years_with_records
from ..errors import DocgenError, InputError, PairListError, Problem, UsageError, display_path, given
from ..load import PAIRINGS_DIR
from ..load.activity_files import activity_files_of, cycle_over
from ..load.model.activity import is_file_ref
from ..load.model.common import ID_RE
from ..load.model.programme import Programme
from ..load.pairlist import export_pairings, import_pairings
from ..load.schema import pairing_schema, programme_schema
from ..load.yaml_source import parse, read
from ..output_tree import BUNDLES, EARLIER, OutputTree
from ..outputs import write_atomic
from ..text import cn_date
from .access import (
    SCHOOL,
    Forbidden,
    access,
    read_form,
    school_files,
    school_pairings,
    school_programmes,
    visitor_of,
)
from .activity_records import ActivityFile, import_preview, record_schema
from .audit import REMOVE
from .forms import (
    Field,
    Schema,
    differences,
    field_in_words,
    impossible_dates,
    place_errors,
    problem_words,
    record_words,
    unflatten,
)
from .jobs import BUNDLE, BUNDLE_ALL, REPORT, STAGE_NAMES
from .previews import page_image
from .uploads import BadUpload, check_evidence, check_sheet, safe_filename
from .workspace import (
    BROKEN,
    MADE,
    PENDING,
    SEALED,
    SEALS_DIR,
    STATUS_ORDER,
    Conflict,
    NotFound,
    Workspace,
    heading_of,
)
from .yamledit import Unreadable, digest, edited_section, edited_text, merged

router = APIRouter(dependencies=[Depends(access)])

SCHOOL_FIELDS = {"summaries"}
"""What a school's account may write in its pairing's file: its summary sections."""


def _ws(request: Request) -> Workspace:
    return request.app.state.workspace


def _page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("programme_id", None)
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


_form = read_form


def _visible(request: Request, pid: str, rows: list) -> list:
    """The rows of the pairing list this visitor may see: a school's own, everyone else's all."""
    visitor = visitor_of(request)
    if visitor.role != SCHOOL:
        return rows
    own = school_pairings(request, pid, visitor.school)
    return [r for r in rows if r.id in own]


def _col(n: int) -> str:
    """Column number -> Excel letters (1 -> A, 27 -> AA)."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _located(problem: Problem) -> dict:
    """A problem of a spreadsheet as the page lists it: where (sheet, cell), what, why. A
    problem the upload brings out in a pairing's own file (a school renamed in the list that a
    teacher pair of the file still names) is in that file: its line, its field in words, and
    the pairing's page where it is mended (``pairing``), never a cell of the sheet."""
    parts = problem.file.replace("\\", "/").split("/")
    where = parts[-1]  # the clerk's file name, not where the upload was kept
    if where.endswith((".yaml", ".yml")):
        pairing = where.rsplit(".", 1)[0] if parts[-2:-1] == [PAIRINGS_DIR] else ""
        return {"file": "/".join(parts[-2:]) if pairing else where, "row": problem.line, "column": None, "cell": "",
                "field": field_in_words(problem.field), "message": problem.message, "in_data": True, "pairing": pairing}
    cell = problem.place or (f"{_col(problem.column)}{problem.line}" if problem.line and problem.column else "")
    return {"file": where, "row": problem.line, "column": problem.column, "cell": cell,
            "field": problem.field, "message": problem.message, "in_data": False, "pairing": ""}


# ------------------------------------------------------------------ programmes


@router.get("/", response_class=HTMLResponse)
def programmes(request: Request):
    ws = _ws(request)
    last = request.app.state.state.last_jobs()
    visitor = visitor_of(request)
    items = []
    if visitor.role == SCHOOL:  # its own pairings only, counted from their files: no loading of the whole list
        for pid in school_programmes(request, visitor.school):
            model = ws.programme_model(pid)  # (whether its pairings have problems is on their pages)
            files = school_files(request, pid, visitor.school)
            record = ws.bundle_record(pid)  # its bundles made on the command line too (review 36)
            bundles = [ws.bundle(pid, path.stem, record) for path in files]
            items.append({"id": pid, "title": model.title if model else pid, "problems": None, "broken": model is None,
                          "last": last.get(pid), "pairings": len(files),
                          "made": sum(1 for b in bundles if b.state == "made" and not b.sealed),
                          "sealed": sum(1 for b in bundles if b.sealed)})
        return _page(request, "programmes.html", programmes=items, data_dir=display_path(ws.data))
    for pid in ws.roots():
        loaded = ws.loaded(pid)
        title = loaded.programme.title if loaded.programme else pid
        statuses = [row.status for row in ws.rows(pid)]  # made on the command line too, as the programme's page counts
        items.append({"id": pid, "title": title, "pairings": len(loaded.pairings) + len(set(loaded.rejected)),
                      "problems": len(loaded.problems), "last": last.get(pid),
                      "made": statuses.count(MADE), "sealed": statuses.count(SEALED)})
    return _page(request, "programmes.html", programmes=items, data_dir=display_path(ws.data))


PAGE_ROWS = 100
"""Pairings listed per page (a bureau's 1 000 are searched, or paged through)."""

SORTS = {"county": lambda r: (r.county, r.supporter), "school": lambda r: (r.supporter, r.county),
         "status": lambda r: (STATUS_ORDER[r.status], r.county, r.supporter), "no": None}


def _rows(ws: Workspace, pid: str, q: str, sort: str, rows):
    if q:
        needle = q.strip().casefold()
        rows = [r for r in rows if needle in f"{r.id} {r.county} {r.supporter} {r.recipients} {r.status}".casefold()]
    key = SORTS.get(sort)
    if key is not None:
        rows = sorted(rows, key=key)
    return rows


def _paged(rows: list, page: int) -> tuple[list, dict]:
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(max(page, 1), pages)
    return rows[(page - 1) * PAGE_ROWS: page * PAGE_ROWS], {"page": page, "pages": pages, "total": len(rows)}


@router.get("/p/{pid}", response_class=HTMLResponse)
def programme(request: Request, pid: str, q: str = "", sort: str = "no", page: int = 1, removed: str = ""):
    ws = _ws(request)
    loaded = ws.loaded(pid)
    everything = _visible(request, pid, ws.rows(pid))
    rows, pager = _paged(_rows(ws, pid, q, sort, everything), page)
    counts = {s: 0 for s in (BROKEN, PENDING, MADE, SEALED)}
    for row in everything:
        counts[row.status] += 1
    own = [p for p in loaded.problems if Path(p.file).name == "programme.yaml"]
    jobs = request.app.state.state.jobs(pid, limit=30)
    visitor = visitor_of(request)
    if visitor.role == SCHOOL:  # a school's own jobs, not the bureau's (生成全部, the roll-up)
        mine = school_pairings(request, pid, visitor.school)
        jobs = [j for j in jobs if j.pairing is not None and j.pairing in mine]
    jobs = jobs[:5]
    removed = removed if ID_RE.match(removed) else ""
    return _page(request, "programme.html", programme_id=pid, loaded=loaded, rows=rows, q=q, sort=sort, pager=pager,
                 removed=removed, removed_heading=_removed_heading(request, pid, removed) if removed else "",
                 counts=counts, own_problems=own, jobs=jobs, bureau=ws.bundle(pid, None), ended=_ended(loaded))


def _removed_heading(request: Request, pid: str, pairing_id: str) -> str:
    """The schools of a pairing removed in the workspace (``heading_of`` the file as the audit
    log kept it before the removal), or "" (the page then names the pairing by its identifier)."""
    audit = request.app.state.audit
    for entry in audit.entries(pid, pairing_id, limit=20):
        if entry.action != REMOVE or Path(entry.path).parent.name != PAIRINGS_DIR or not entry.before:
            continue
        kept = audit.version(_ws(request).data / entry.path, entry.before)
        try:
            return heading_of(parse(Path(entry.path), kept.decode("utf-8-sig")).data) if kept else ""
        except (DocgenError, UnicodeDecodeError):
            return ""
    return ""


@router.get("/p/{pid}/rows", response_class=HTMLResponse)
def programme_rows(request: Request, pid: str, q: str = "", sort: str = "no", page: int = 1):
    ws = _ws(request)
    rows, pager = _paged(_rows(ws, pid, q, sort, _visible(request, pid, ws.rows(pid))), page)
    return _page(request, "_rows.html", programme_id=pid, rows=rows, q=q, sort=sort, pager=pager)


# ------------------------------------------------------------------ pair list


def _uploads(request: Request) -> Path:
    folder = request.app.state.state.folder / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _one_file(request: Request, form, name: str) -> tuple[str, bytes]:
    upload = form.get(name)
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise UsageError("请先选择要上传的文件")
    return upload.filename, await upload.read()


def _stash(request: Request, filename: str, data: bytes, suffix: str) -> str:
    """Keep an upload until the clerk confirms it; returns its token."""
    token = secrets.token_hex(8)
    folder = _uploads(request) / token
    folder.mkdir()
    (folder / f"upload{suffix}").write_bytes(data)
    (folder / "name.txt").write_text(safe_filename(filename), encoding="utf-8")
    return token


DONE = "done.json"
"""What a confirmed upload left in its folder: where its result is shown (``done``), so that
the confirmation sent again (the browser's reload, Back and 确认导入 again) shows it, and
imports nothing twice."""


class AlreadyDone(Exception):
    """The upload was confirmed before: ``url`` shows what it did."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _stashed(request: Request, token: str) -> tuple[Path, str]:
    if not token.isalnum():
        raise NotFound("找不到上传的文件，请重新上传")
    folder = _uploads(request) / token
    found = sorted(folder.glob("upload.*")) if folder.is_dir() else []
    if not found:
        if (folder / DONE).is_file():
            raise AlreadyDone(json.loads((folder / DONE).read_text(encoding="utf-8"))["url"])
        raise NotFound("上传的文件已过期，请重新上传")
    return found[0], (folder / "name.txt").read_text(encoding="utf-8")


def _done(request: Request, token: str, url: str, **shown: object) -> RedirectResponse:
    """A confirmed action (an upload imported, a next year made): its upload let go, its result
    kept (``DONE``) where its page (``_result``) shows it again on a reload."""
    folder = _uploads(request) / token
    for path in folder.iterdir():
        path.unlink()
    write_atomic(folder / DONE, json.dumps({"url": url, **shown}, ensure_ascii=False).encode("utf-8"))
    return RedirectResponse(url, status_code=303)


def _result(request: Request, pid: str, token: str, missing: str) -> dict:
    """What a confirmed action kept of its result (``_done``), for its page; ``missing``: said
    when there is none."""
    _ws(request).root(pid)
    marker = _uploads(request) / token / DONE if token.isalnum() else None
    if marker is None or not marker.is_file():
        raise NotFound(missing)
    return json.loads(marker.read_text(encoding="utf-8"))


def _named_copy(path: Path, name: str, work: Path) -> Path:
    """The stashed upload under the clerk's own file name, so that messages name it."""
    target = work / (Path(name).stem + path.suffix)
    shutil.copyfile(path, target)
    return target


@router.get("/p/{pid}/import", response_class=HTMLResponse)
def import_form(request: Request, pid: str):
    _ws(request).loaded(pid)
    return _page(request, "import.html", programme_id=pid)


@router.post("/p/{pid}/import", response_class=HTMLResponse)
async def import_upload(request: Request, pid: str):
    ws = _ws(request)
    root = ws.root(pid)
    form = await _form(request)
    filename, data = await _one_file(request, form, "file")
    county = str(form.get("county") or "")
    try:
        suffix = check_sheet(filename, data)
    except UsageError as error:
        return _page(request, "import.html", status=400, programme_id=pid, error=str(error), county=county)
    token = _stash(request, filename, data, suffix)
    return _import_preview(request, pid, root, token, county)


def _import_preview(request: Request, pid: str, root: Path, token: str, county: str) -> HTMLResponse:
    path, name = _stashed(request, token)
    with tempfile.TemporaryDirectory() as work:
        try:
            report = import_pairings(_named_copy(path, name, Path(work)), root, county=county, dry_run=True)
        except PairListError as error:
            return _page(request, "import.html", status=422, programme_id=pid, county=county, filename=name,
                         problems=[_located(p) for p in error.problems], advice=error.advice)
        except UsageError as error:
            return _page(request, "import.html", status=400, programme_id=pid, county=county, error=str(error))
    return _page(request, "import_preview.html", programme_id=pid, report=report, token=token, county=county,
                 filename=name, root=root)


@router.post("/p/{pid}/import/{token}/confirm", response_class=HTMLResponse)
async def import_confirm(request: Request, pid: str, token: str):
    ws = _ws(request)
    root = ws.root(pid)
    form = await _form(request)
    county = str(form.get("county") or "")
    try:
        path, name = _stashed(request, token)
    except AlreadyDone as done:
        return RedirectResponse(done.url, status_code=303)
    with tempfile.TemporaryDirectory() as work:
        try:
            report = import_pairings(_named_copy(path, name, Path(work)), root, county=county, dry_run=True)
        except (PairListError, UsageError):
            return _import_preview(request, pid, root, token, county)
    for result in report.results:
        if result.status != "same":
            ws.write(result.path, result.text.encode("utf-8"))
    ws.forget(pid)
    return _done(request, token, f"/p/{quote(pid)}/import/{token}/done",
                 new=len(report.having("new")), changed=len(report.having("changed")),
                 kept=[[s.path.stem, s.describe()] for s in report.stale], ended=bool(report.ended))


@router.get("/p/{pid}/import/{token}/done", response_class=HTMLResponse)
def import_done(request: Request, pid: str, token: str):
    """What a confirmed import did (the page a reload shows again)."""
    done = _result(request, pid, token, "找不到这次导入的结果")
    return _page(request, "import_done.html", programme_id=pid, new=done["new"], changed=done["changed"],
                 kept=done.get("kept", []), ended=done.get("ended", False),
                 strangers=_members_elsewhere(_ws(request).loaded(pid)))


# ------------------------------------------------------------------ the next year


def _programme_labels() -> dict[str, str]:
    """The programme file's parts as the 方案信息 form labels them (方案标题, 领导小组, …)."""
    return {f.key: f.label for f in PROGRAMME_SCHEMA.form({})}


def _shown_from(data: Path, file: str) -> str:
    """A problem's file as the clerk sees it: from the data folder (gaotai/pairings/x.yaml)."""
    try:
        return Path(file).resolve().relative_to(data.resolve()).as_posix()
    except (ValueError, OSError):
        return Path(file).name


def _ended(loaded) -> dt.date | None:
    """The end of the programme's cycle when it is over (before today), else None."""
    return _ended_on(loaded.programme, loaded.root)


def _ended_on(programme: Programme | None, root: Path) -> dt.date | None:
    return cycle_over(programme, root, _today())


def _next_name(pid: str, old_year: int, new_year: int) -> str:
    """gaotai-2020 → gaotai-2021: the folder's year moved on, or the new year added."""
    if re.search(rf"{old_year}$", pid):
        return pid[: -len(str(old_year))] + str(new_year)
    return f"{pid}-{new_year}"


def _next_page(request: Request, pid: str, status: int = 200, **context) -> HTMLResponse:
    from ..load.nextcycle import new_cycle

    loaded = _ws(request).loaded(pid)
    if loaded.programme is None:
        raise UsageError("方案文件有错误，不能以它为基础开始下一年度：请先改正方案文件")
    cycle = loaded.programme.cycle
    start, _ = new_cycle(cycle, None)
    context.setdefault("folder", _next_name(pid, cycle.start.year, start.year))
    context.setdefault("start", start.isoformat())
    return _page(request, "next.html", status=status, programme_id=pid, loaded=loaded, ended=_ended(loaded), **context)


@router.get("/p/{pid}/next", response_class=HTMLResponse)
def next_form(request: Request, pid: str):
    return _next_page(request, pid)


@router.post("/p/{pid}/next", response_class=HTMLResponse)
async def next_create(request: Request, pid: str):
    """The next year's programme, made by ``docgen new programme``'s own function; its files
    are journalled in the audit log (``Workspace.place_folder``)."""
    from ..load.nextcycle import next_cycle

    ws = _ws(request)
    root = ws.root(pid)
    form = await _form(request)
    name, start_text = str(form.get("name") or "").strip(), str(form.get("start") or "").strip()
    try:
        start = dt.date.fromisoformat(start_text) if start_text else None
    except ValueError:
        return _next_page(request, pid, 400, folder=name, start=start_text,
                          error=f"“{start_text}”不是日期，请写成 2021-03-01 的形式")
    if not ID_RE.match(name):  # one folder of the data folder, named as a programme is
        return _next_page(request, pid, 400, folder=name, start=start_text,
                          error=f"新方案的文件夹名“{name}”中不能有空格和 / \\ : * ? \" < > | 等字符，也不能以“.”开头，如 gaotai-2021"
                          if name else "请填写新方案的文件夹名称，如 gaotai-2021")
    try:
        made = next_cycle(root, ws.data / name, start, place=ws.place_folder)
    except InputError as error:
        return _next_page(request, pid, 422, folder=name, start=start_text, error=error.preface,
                          problems=[_located(p) for p in error.problems])
    except UsageError as error:
        return _next_page(request, pid, 400, folder=name, start=start_text, error=str(error))
    def said(note) -> str:  # the place named from the data folder and in words, as the clerk sees it
        root = made.source if note.old else made.target
        top = re.match(r"[a-z_]+", note.field)
        if note.rel.startswith(f"{PAIRINGS_DIR}/"):
            part = field_in_words(note.field)
        else:  # named as the 方案信息 form names it, where the clerk goes to change it
            part = _programme_labels().get(top.group(0), "") if top else ""
        where = f"第 {note.line} 行" if note.line else ""
        return f"{root.name}/{note.rel} {where}{f'（{part}）' if part else ''}：{note.message}"

    def within(problem: Problem) -> str:
        return problem_words(dataclasses.replace(problem, file=_shown_from(ws.data, problem.file)))

    token = secrets.token_hex(16)  # the result kept: a reload of its page shows it, never creates again
    url = f"/p/{quote(pid)}/next/{token}/done"
    shown = {"programme": pid, "new_id": made.target.name, "title": made.title, "start": made.start.isoformat(),
             "end": made.end.isoformat(), "pairings": made.pairings, "seals": made.seals,
             "not_copied": list(made.not_copied), "replaced": [said(n) for n in made.replaced],
             "left_out": [said(n) for n in made.left_out], "to_check": [said(n) for n in made.to_check],
             "problems": [within(p) for p in made.problems]}
    (_uploads(request) / token).mkdir()
    return _done(request, token, url, **shown)


@router.get("/p/{pid}/next/{token}/done", response_class=HTMLResponse)
def next_done(request: Request, pid: str, token: str):
    """What 开始下一年度 made (the page a reload shows again)."""
    shown = _result(request, pid, token, "找不到这次新建方案的结果")
    if shown.get("programme") != pid:  # (another programme's result, under this one's address)
        raise NotFound("找不到这次新建方案的结果")
    made = {**shown, "start": dt.date.fromisoformat(shown["start"]), "end": dt.date.fromisoformat(shown["end"])}
    return _page(request, "next_done.html", programme_id=pid, made=made, new_id=shown["new_id"],
                 replaced=shown["replaced"], left_out=shown["left_out"], to_check=shown["to_check"],
                 problems=shown["problems"])


@router.get("/p/{pid}/export.xlsx")
def export_list(request: Request, pid: str):
    ws = _ws(request)
    root = ws.root(pid)
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "结对名单.xlsx"
        export_pairings(root, target)
        data = target.read_bytes()
    return _download(data, f"结对名单_{pid}.xlsx")


def _download(data: bytes, name: str) -> Response:
    return Response(data, media_type=_media(name), headers={"Content-Disposition": _disposition(name)})


def _disposition(name: str) -> str:
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_" for ch in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _media(name: str) -> str:
    return {".pdf": "application/pdf", ".zip": "application/zip", ".png": "image/png", ".json": "application/json",
            ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}.get(
        Path(name).suffix.lower(), "application/octet-stream")


# ------------------------------------------------------------------ a pairing's form

PAIRING_SCHEMA = Schema(pairing_schema())


@router.get("/p/{pid}/pairing/{pairing_id}", response_class=HTMLResponse)
def pairing_form(request: Request, pid: str, pairing_id: str, saved: int = 0):
    ws = _ws(request)
    path = ws.pairing_path(pid, pairing_id)
    raw = path.read_bytes()
    problems, records = ws.file_problems(pid, path)
    try:
        data = read(path).data
    except DocgenError as error:
        found = getattr(error, "problems", problems)
        return _page(request, "broken.html", status=200, path=path, text=raw.decode("utf-8", errors="replace"),
                     problems=found, version=digest(raw), **_pairing_place(pid, pairing_id))
    fields = _seal_choices(PAIRING_SCHEMA.form(data, slots=_slots(ws, pid)), ws, pid)
    unplaced = place_errors(fields, problems)
    editable = _editable(request)
    if editable is None or editable:  # its save will edit this text: read it while the clerk types
        ws.trees.prepare(raw.decode("utf-8-sig", errors="replace"))
    return _page(request, "pairing.html", programme_id=pid, pairing_id=pairing_id, fields=fields, unplaced=unplaced,
                 ended=_cycle_ended(ws, pid),
                 version=digest(raw), path=path, saved=saved, problems=problems, records=records,
                 valid=not problems and not records, editable=editable, heading=heading_of(data))


def _cycle_ended(ws: Workspace, pid: str) -> str:
    """The day the programme's cycle ended, in words, when it is over (an edit changes that
    cycle's documents: review 36 found a new year's list put into last year's programme), or ""."""
    end = _ended_on(ws.programme_model(pid), ws.root(pid))
    return cn_date(end) if end is not None else ""


def _editable(request: Request) -> set[str] | None:
    """The fields of a pairing's form this visitor may change (None: all; empty: none)."""
    visitor = visitor_of(request)
    if visitor.role == SCHOOL:
        return SCHOOL_FIELDS
    return None if visitor.may("pairing_save") else set()


@router.get("/p/{pid}/pairing/{pairing_id}/item", response_class=HTMLResponse)
def pairing_item(request: Request, pid: str, pairing_id: str, list: str, index: int):
    item = PAIRING_SCHEMA.blank_item(list, abs(index))
    if item is None:
        raise NotFound("没有这一列表")
    _seal_choices([item], _ws(request), pid)
    base = f"/p/{quote(pid)}/pairing/{quote(pairing_id)}"
    return _page(request, "_item.html", item_field=item, base=base)


def _seal_choices(fields: list[Field], ws: Workspace, pid: str) -> list[Field]:
    """A school's 公章图片 chosen from the images in seals/ (uploaded on the 公章 page), not
    typed as a path (``Field.choose``)."""
    offered = [(f"{SEALS_DIR}/{p.name}", p.stem) for p in ws.seal_files(pid) if p.suffix.lower() == ".png"]
    for top in fields:
        for f in top.walk():
            if f.key != "seal" or f.widget != "text":
                continue
            f.choose(offered)
            f.help = "在“公章”页上传的图片中选择；不选则这所学校的位置列为“未盖章”"
    return fields


def _slots(ws: Workspace, pid: str) -> dict[str, dict[str, str]]:
    """The blanks the programme leaves each pairing to fill, offered in the form by their labels."""
    prog = ws.programme_model(pid)
    return {"blanks": {b.fill_key: b.blank for b in prog.pairing_blanks}} if prog is not None else {}


def _check_pairing(ws: Workspace, pid: str, path: Path, text: str) -> tuple[list[Problem], list[Problem]]:
    """The problems the file would have with ``text`` (what ``docgen validate`` says of it)."""
    return ws.file_problems(pid, path, text)


@router.post("/p/{pid}/pairing/{pairing_id}", response_class=HTMLResponse)
async def pairing_save(request: Request, pid: str, pairing_id: str):
    ws = _ws(request)
    path = ws.pairing_path(pid, pairing_id)
    form = await _form(request)
    version = str(form.get("_version") or "")
    entries = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and not k.startswith("_")]
    editable = _editable(request)
    if editable is not None:
        outside = sorted({k.split(".")[0] for k, _ in entries} - editable)
        if outside:
            raise Forbidden("学校账号只能填写本结对的年度总结文字；结对的其他内容由教育局维护，未做任何修改。")
    data = unflatten(PAIRING_SCHEMA, entries)
    current = path.read_bytes()
    if editable is not None:
        _keeps_every_summary(path, data)
    try:
        if editable is None:
            text = edited_text(current.decode("utf-8-sig"), data, ws.trees)
        else:
            text = edited_section(current.decode("utf-8-sig"), "summaries", data.get("summaries"), ws.trees)
            data = {**(read(path).data or {}), "summaries": data.get("summaries", [])}
    except (Unreadable, UnicodeDecodeError, DocgenError):
        raise UsageError("文件已被改成无法读取的内容，请刷新页面") from None
    problems, _ = _check_pairing(ws, pid, path, text)
    problems = impossible_dates(problems, entries)
    if problems:
        fields = _seal_choices(PAIRING_SCHEMA.form(data, submitted=True, slots=_slots(ws, pid)), ws, pid)
        unplaced = place_errors(fields, problems)
        # the page is still the pairing as saved (nothing was written): its heading names the
        # schools of the file, not what was typed (an emptied name would leave " → …")
        return _page(request, "pairing.html", status=422, programme_id=pid, pairing_id=pairing_id, fields=fields,
                     ended=_cycle_ended(ws, pid),
                     unplaced=unplaced, version=version, path=path, saved=0, problems=problems, valid=True,
                     failed=len(problems), editable=editable, heading=ws.pairing_heading(pid, pairing_id))
    return _write_pairing(request, pid, pairing_id, path, text, version)


@router.post("/p/{pid}/pairing/{pairing_id}/remove")
async def pairing_remove(request: Request, pid: str, pairing_id: str):
    """A withdrawn pairing taken out of the data: its file and its activity logs, each removed
    through the audit log (its history keeps them, to restore); its outputs are moved aside
    by the next run, as any deleted pairing's."""
    ws = _ws(request)
    path = ws.pairing_path(pid, pairing_id)
    form = await _form(request)
    try:
        ws.remove(path, expected=str(form.get("_version") or ""))
    except Conflict:
        return _page(request, "error.html", status=409, programme_id=pid, title="文件已被修改",
                     message="打开这个结对之后，它又被修改了，未删除：请重新打开后再操作。")
    for log in activity_files_of(ws.root(pid), path.stem):
        ws.remove(log)
    ws.forget(pid)
    return RedirectResponse(f"/p/{quote(pid)}?removed={quote(pairing_id)}", status_code=303)


def _keeps_every_summary(path: Path, data: dict) -> None:
    """A school's save removes no year's summary the file holds: the schools of a pairing
    write one summary together, and one click of one of them must not take it from all
    (the bureau may; its saves and the file's history keep every version)."""
    try:
        before = read(path).data or {}
    except DocgenError:
        return  # a file that does not read is mended as text, not through this form
    years = lambda d: {str(s.get("year")) for s in d.get("summaries") or [] if isinstance(s, dict)}  # noqa: E731
    gone = sorted(years(before) - years(data))
    if gone:
        raise Forbidden(f"学校账号不能删除已写好的年度总结（{'、'.join(f'{y}年度' for y in gone)}）：这份总结由结对各校共用，"
                        "如确需删除，请联系教育局。本次未做任何修改。")


def _together(ws: Workspace, path: Path, version: str, mine: str, current: bytes | None,
              check: Callable[[str], list[Problem]]) -> str | None:
    """The file with both this save and the one made since (from the version this form was
    drawn from, as the audit log kept it), when they changed different fields and the result
    has no problems (``check``: what ``docgen validate`` would say of a text); else None."""
    if ws.journal is None or current is None:
        return None
    base = ws.journal.version(path, version)
    if base is None:
        return None
    try:
        together = merged(path, base.decode("utf-8-sig"), mine, current.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None
    if together is None or check(together):
        return None
    return together


def _pairing_place(pid: str, pairing_id: str) -> dict:
    """What the pages of a file's text (broken, conflict) say of a pairing's file, and where they lead."""
    base = f"/p/{quote(pid)}/pairing/{quote(pairing_id)}"
    return {"programme_id": pid, "pairing_id": pairing_id, "crumb": pairing_id, "heading": f"结对：{pairing_id}",
            "what": "这个结对的信息", "unaffected": "其他结对不受影响。", "back": base, "text_action": f"{base}/text",
            "text_route": "pairing_text"}


def _write_checked(request: Request, pid: str, path: Path, text: str, version: str,
                   check: Callable[[str], list[Problem]], place: dict) -> Response:
    """Write a data file if it is still the one the form was drawn from; a save made since
    that changed other fields is merged with this one (``_together``); else the clerk's
    version is kept and both are shown (nothing is lost). ``place``: what the pages say of
    the file and where they lead (``_pairing_place``, ``_programme_place``)."""
    ws = _ws(request)
    back = place["back"]
    try:
        ws.write(path, text.encode("utf-8"), expected=version)
    except Conflict as conflict:
        together = _together(ws, path, version, text, conflict.current, check)
        if together is not None:  # the other save changed other fields: both are kept
            try:
                ws.write(path, together.encode("utf-8"), expected=digest(conflict.current))
            except Conflict:
                pass  # a third save in between: the clerk chooses
            else:
                ws.forget(pid)
                return RedirectResponse(f"{back}?saved=2", status_code=303)
        number = request.app.state.state.keep_unsaved(str(path), text)
        theirs = (conflict.current or b"").decode("utf-8", errors="replace")
        return _page(request, "conflict.html", status=409, mine=text, theirs=theirs, version=digest(conflict.current),
                     number=number, path=path, differences=differences(theirs, text), **place)
    ws.forget(pid)
    return RedirectResponse(f"{back}?saved=1", status_code=303)


def _write_pairing(request: Request, pid: str, pairing_id: str, path: Path, text: str, version: str) -> Response:
    """Write the pairing file if it is still the one the form was drawn from (``_write_checked``)."""
    ws = _ws(request)
    return _write_checked(request, pid, path, text, version, lambda t: _check_pairing(ws, pid, path, t)[0],
                          _pairing_place(pid, pairing_id))


@router.post("/p/{pid}/pairing/{pairing_id}/text", response_class=HTMLResponse)
async def pairing_text(request: Request, pid: str, pairing_id: str):
    """Save the file's text as typed (to mend a file broken by hand, or to keep one's own
    version after a conflict), when it reads and validates."""
    ws = _ws(request)
    path = ws.pairing_path(pid, pairing_id)
    form = await _form(request)
    text = str(form.get("text") or "").replace("\r\n", "\n")
    version = str(form.get("_version") or "")
    problems, _ = _check_pairing(ws, pid, path, text)
    if problems:
        return _page(request, "broken.html", status=422, path=path, text=text, problems=problems, version=version,
                     **_pairing_place(pid, pairing_id))
    return _write_pairing(request, pid, pairing_id, path, text, version)


# ------------------------------------------------------------------ the programme's form (方案信息)

PROGRAMME_SCHEMA = Schema(programme_schema(), "Programme")


def _programme_place(pid: str) -> dict:
    """What the pages of a file's text (broken, conflict) say of the programme file, and where they lead."""
    base = f"/p/{quote(pid)}/settings"
    return {"programme_id": pid, "crumb": "方案信息", "heading": "方案信息", "what": "方案信息",
            "unaffected": "改正前，整个方案暂不能生成。", "back": base, "text_action": f"{base}/text",
            "text_route": "programme_text"}


def _programme_check(ws: Workspace, pid: str) -> Callable[[str], list[Problem]]:
    """What ``docgen validate`` would say of the programme with its file's text as given: the
    file's own problems and those it brings to its pairings and activity records."""
    def check(text: str) -> list[Problem]:
        own, others = ws.programme_problems(pid, text)
        return own + others
    return check


def _programme_editable(request: Request) -> set[str] | None:
    """None: the visitor may change the programme's form; empty: may only read it."""
    return None if visitor_of(request).may("programme_save") else set()


def _programme_page(request: Request, pid: str, fields: list[Field], problems: list[Problem],
                    others: list[Problem], status: int = 200, **context) -> HTMLResponse:
    unplaced = place_errors(fields, problems)
    root = _ws(request).root(pid)

    def short(problem: Problem) -> Problem:  # gaotai/pairings/sanzhong.yaml, not where the data folder is
        return dataclasses.replace(problem, file=_shown_from(root.parent, problem.file))

    listed = [problem_words(short(p)) for p in others]
    if len(listed) > 20:
        listed = [*listed[:20], f"……另有 {len(listed) - 20} 处"]
    return _page(request, "programme_settings.html", status=status, programme_id=pid, fields=fields,
                 unplaced=[problem_words(short(p)) if p.line else p.message for p in unplaced],
                 others=listed, editable=_programme_editable(request),
                 ended=_cycle_ended(ws=_ws(request), pid=pid), strangers=_members_elsewhere(_ws(request).loaded(pid)),
                 **context)


_HEAD_OF = re.compile(r"^(.+?(?:中学|小学|学校|幼儿园|初中|高中|[一二三四五六七八九十]中))(?:党支部|党总支)?"
                      r"(?:副?校长|副?书记|副?园长|副?主任)$")
"""A member's position that names a school (高台三中校长, 西街小学党支部书记): the school."""


def _members_elsewhere(loaded) -> list[str]:
    """Members of the leading group whose position names a school that is in none of the
    programme's pairings (review 36: the next year's plan listed heads of schools that left)."""
    group = loaded.programme.leading_group if loaded.programme is not None else None
    if group is None:
        return []
    schools = {s.name for p in loaded.pairings for s in (p.supporter, *p.recipients)}
    found = [(m, _HEAD_OF.match(m.position or "")) for m in group.members]
    return [f"{m.name}（{m.position}）" for m, head in found if head and head.group(1) not in schools]


@router.get("/p/{pid}/settings", response_class=HTMLResponse)
def programme_settings(request: Request, pid: str, saved: int = 0):
    """The programme file (title, cycle, bureau, leading group, attachments ...) as a form,
    drawn and checked as the pairing's form is; text with sections is edited in the file."""
    ws = _ws(request)
    path = ws.programme_file(pid)
    raw = path.read_bytes()
    try:
        data = read(path).data
    except DocgenError as error:
        found = getattr(error, "problems", [])
        return _page(request, "broken.html", path=path, text=raw.decode("utf-8", errors="replace"), problems=found,
                     version=digest(raw), **_programme_place(pid))
    mine = display_path(path)
    problems = [p for p in ws.loaded(pid).problems if p.file == mine]
    editable = _programme_editable(request)
    if editable is None:  # its save will edit this text: read it while the clerk types
        ws.trees.prepare(raw.decode("utf-8-sig", errors="replace"))
    return _programme_page(request, pid, PROGRAMME_SCHEMA.form(data), problems, [], version=digest(raw), saved=saved,
                           found=len(problems))


@router.get("/p/{pid}/settings/item", response_class=HTMLResponse)
def programme_item(request: Request, pid: str, list: str, index: int):
    item = PROGRAMME_SCHEMA.blank_item(list, abs(index))
    if item is None:
        raise NotFound("没有这一列表")
    return _page(request, "_item.html", item_field=item, base=f"/p/{quote(pid)}/settings")


@router.post("/p/{pid}/settings", response_class=HTMLResponse)
async def programme_save(request: Request, pid: str):
    """The programme's form saved: checked with every pairing and activity record against it
    (``docgen validate``), nothing written when anything is wrong, else written through the
    audit log keeping the file's comments; a save made meanwhile is merged or shown."""
    ws = _ws(request)
    path = ws.programme_file(pid)
    form = await _form(request)
    version = str(form.get("_version") or "")
    entries = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and not k.startswith("_")]
    data = unflatten(PROGRAMME_SCHEMA, entries)
    try:
        text = edited_text(path.read_bytes().decode("utf-8-sig"), data, ws.trees)
    except (Unreadable, UnicodeDecodeError, DocgenError):
        raise UsageError("文件已被改成无法读取的内容，请刷新页面") from None
    own, others = ws.programme_problems(pid, text)
    own = impossible_dates(own, entries)
    if own or others:
        return _programme_page(request, pid, PROGRAMME_SCHEMA.form(data, submitted=True), own, others, status=422,
                               version=version, saved=0, failed=len(own) + len(others))
    return _write_checked(request, pid, path, text, version, _programme_check(ws, pid), _programme_place(pid))


@router.post("/p/{pid}/settings/text", response_class=HTMLResponse)
async def programme_text(request: Request, pid: str):
    """Save the programme file's text as typed (to mend a file broken by hand, or to keep one's
    own version after a conflict), when it reads and validates with its pairings."""
    ws = _ws(request)
    path = ws.programme_file(pid)
    form = await _form(request)
    text = str(form.get("text") or "").replace("\r\n", "\n")
    version = str(form.get("_version") or "")
    check = _programme_check(ws, pid)
    problems = check(text)
    if problems:
        return _page(request, "broken.html", status=422, path=path, text=text, problems=problems, version=version,
                     **_programme_place(pid))
    return _write_checked(request, pid, path, text, version, check, _programme_place(pid))


# ------------------------------------------------------------------ documents and bundles


def _findings_by_page(bundle) -> dict[int, list[dict]]:
    """Preflight findings of a bundle by page of its PDF (the cover and contents first)."""
    starts = {d.title: d.first_page or 1 for d in bundle.documents}
    out: dict[int, list[dict]] = {}
    for result in bundle.preflight:
        first = starts.get(result.document, 1)
        for kind, entries in (("failed", result.failed), ("warning", result.warnings)):
            for f in entries:
                page = first + max(f.page, 1) - 1
                out.setdefault(page, []).append({**f.to_json(), "kind": kind, "document": result.document})
    return out


_GAP_FIELD = re.compile(r"（pairings/([^/（）]+)\.yaml 中 ([\w.]+)）$")


def _first_field(unfinished, pairing_id: str) -> str:
    """The form field of the first field to fill that the pairing's own file holds (a gap
    reads 签订日期（pairings/x.yaml 中 signed_on）): where 去填写 takes the clerk."""
    for draft in unfinished:
        for gap in draft.gaps:
            found = _GAP_FIELD.search(gap)
            if found and found.group(1) == pairing_id:
                return found.group(2)
    return ""


def _documents_page(request: Request, pid: str, pairing_id: str | None):
    ws = _ws(request)
    loaded = ws.loaded(pid)
    if pairing_id is not None:
        ws.pairing_path(pid, pairing_id)
    bundle = ws.bundle(pid, pairing_id, whole=True)
    outputs = ws.outputs(pid, pairing_id)
    jobs = [j for j in request.app.state.state.jobs(pid, limit=30) if j.pairing == pairing_id and j.kind != REPORT]
    rejected = pairing_id is not None and loaded.pairing(pairing_id) is None
    fill_at = _first_field(bundle.unfinished, pairing_id) if pairing_id is not None else ""
    editable = _editable(request)
    fill_by_bureau = bool(fill_at) and editable is not None and fill_at.split(".")[0] not in editable
    earlier = [_earlier(z) for z in OutputTree(ws.out).earlier_bundles(pid, pairing_id)]
    return _page(request, "documents.html", programme_id=pid, pairing_id=pairing_id, bundle=bundle, outputs=outputs,
                 fill_at=fill_at, fill_by_bureau=fill_by_bureau, earlier=earlier,
                 findings=_findings_by_page(bundle), job=jobs[0] if jobs else None, rejected=rejected,
                 out=ws.out / pid, loaded=loaded,
                 heading=ws.pairing_heading(pid, pairing_id) if pairing_id is not None else "")


def _earlier(zip_path: Path) -> dict[str, object]:
    """An earlier bundle as the documents page lists it: when it was set aside (the day a new
    one was made: bundles/以前的版本/2026-12-07_2/ is that day's second), its zip and merged PDF."""
    day, _, nth = zip_path.parent.name.partition("_")
    try:
        when = cn_date(dt.date.fromisoformat(day))
    except ValueError:  # a folder named by hand (2026-13-40, 旧版): its name as it is
        when = day
    return {"when": when + (f"（当天第{nth}次）" if nth else ""), "zip": zip_path,
            "pdf": next(iter(sorted(zip_path.with_suffix("").glob("*.pdf"))), None)}


@router.get("/p/{pid}/pairing/{pairing_id}/documents", response_class=HTMLResponse)
def pairing_documents(request: Request, pid: str, pairing_id: str):
    return _documents_page(request, pid, pairing_id)


@router.get("/p/{pid}/bureau", response_class=HTMLResponse)
def bureau_documents(request: Request, pid: str):
    return _documents_page(request, pid, None)


@router.post("/p/{pid}/pairing/{pairing_id}/generate")
def pairing_generate(request: Request, pid: str, pairing_id: str):
    ws = _ws(request)
    path = ws.pairing_path(pid, pairing_id)
    try:  # the label from the file itself: the programme is loaded again (after an edit) by the job, not here
        data = read(path).data
    except DocgenError:
        data = None
    supporter = data.get("supporter") if isinstance(data, dict) else None
    named = supporter.get("name") if isinstance(supporter, dict) else None
    name = f"{named}（{pairing_id}）" if isinstance(named, str) and named.strip() else pairing_id
    job = request.app.state.runner.submit(pid, BUNDLE, pairing_id, f"生成 {name} 的报送材料")
    return RedirectResponse(f"/jobs/{job}", status_code=303)


@router.post("/p/{pid}/generate")
def programme_generate(request: Request, pid: str):
    _ws(request).root(pid)
    job = request.app.state.runner.submit(pid, BUNDLE_ALL, None, "生成全部报送材料")
    return RedirectResponse(f"/jobs/{job}", status_code=303)


@router.get("/p/{pid}/download-all.zip")
def download_all(request: Request, pid: str):
    """Every bundle's zip of the programme (the bureau's too) in one zip, put together on disk
    (a thousand bundles would not fit in memory) and removed once sent."""
    ws = _ws(request)
    ws.root(pid)
    zips = sorted((ws.out / pid / "bundles").glob("*.zip")) if (ws.out / pid / "bundles").is_dir() else []
    if not zips:
        raise NotFound("还没有生成报送材料：请先点“生成全部”")
    with (tempfile.NamedTemporaryFile(prefix="all-", suffix=".zip", dir=_uploads(request), delete=False) as handle,
          zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive):
        taken: set[str] = set()
        for path in zips:  # each under the name its own download has (not bureau.zip, chengguan.zip…)
            name = _download_name(path)
            stem, n = Path(name).stem, 2
            while name in taken:
                name, n = f"{stem}_{n}.zip", n + 1
            taken.add(name)
            info = zipfile.ZipInfo(name, date_time=dt.datetime.fromtimestamp(path.stat().st_mtime).timetuple()[:6])
            info.flag_bits |= 0x800
            with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, 1 << 20)
    prog = ws.programme_model(pid)
    name = f"全部报送材料_{prog.title if prog is not None else pid}.zip"
    return FileResponse(handle.name, media_type=_media(name), headers={"Content-Disposition": _disposition(name)},
                        background=BackgroundTask(Path(handle.name).unlink, missing_ok=True))


@router.get("/files/{pid}/{rel:path}")
def output_file(request: Request, pid: str, rel: str):
    """A file docgen wrote under out/<programme>/: only docgen's kinds, never outside it."""
    ws = _ws(request)
    ws.root(pid)
    base = (ws.out / pid).resolve()
    target = (base / rel).resolve()
    if base not in target.parents or target.suffix.lower() not in (".docx", ".pdf", ".zip", ".xlsx") \
            or not target.is_file():
        raise NotFound("没有这个文件")
    name = _download_name(target)
    if target.parent.parent == base:  # a pairing's own file: named so that the school is in it
        pairing = ws.loaded(pid).pairing(target.parent.name)
        if pairing is not None and pairing.supporter.name not in name:
            name = f"{target.stem}_{pairing.supporter.name}{target.suffix}"
    return FileResponse(target, media_type=_media(target.name), headers={"Content-Disposition": _disposition(name)})


def _download_name(target: Path) -> str:
    """The name a download is saved under: a bundle's zip (bundles/sanzhong.zip, named by the
    pairing's identifier on disk) as its merged PDF is named, 报送材料_高台三中与….zip, so that a
    clerk collecting several schools' bundles can tell them apart."""
    if target.suffix == ".zip" and target.parent.name == BUNDLES:
        pdfs = sorted((target.parent / target.stem).glob("*.pdf"))
        if len(pdfs) == 1:
            return pdfs[0].stem + ".zip"
    if target.suffix == ".zip" and target.parent.parent.name == EARLIER:  # 报送材料_…（2026-12-07以前的版本）.zip
        pdfs = sorted((target.parent / target.stem).glob("*.pdf"))
        if len(pdfs) == 1:
            return f"{pdfs[0].stem}（{target.parent.name}{EARLIER}）.zip"
    return target.name


@router.get("/preview/{pid}/{owner}/{page}.png")
def preview(request: Request, pid: str, owner: str, page: int, size: str = "small"):
    """A page of a bundle's PDF as a picture (``owner``: a pairing, or ``_bureau``)."""
    ws = _ws(request)
    pairing_id = None if owner == "_bureau" else owner
    if pairing_id is not None:
        ws.pairing_path(pid, pairing_id)
    bundle = ws.bundle(pid, pairing_id)
    if bundle.pdf is None or not bundle.pdf.is_file() or not 1 <= page <= max(bundle.pages, 1):
        raise NotFound("没有这一页")
    png = page_image(request.app.state.state.folder / "previews", bundle.pdf, page, 1.4 if size == "large" else 0.5)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-cache"})


# ------------------------------------------------------------------ jobs


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: int):
    job = request.app.state.state.job(job_id)
    if job is None:
        raise NotFound("没有这个任务")
    return _page(request, "job.html", programme_id=job.programme, job=job, live=request.app.state.runner.live.get(job_id),
                 stages=STAGE_NAMES)


@router.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
def job_progress(request: Request, job_id: int):
    job = request.app.state.state.job(job_id)
    if job is None:
        raise NotFound("没有这个任务")
    return _page(request, "_progress.html", job=job, live=request.app.state.runner.live.get(job_id), stages=STAGE_NAMES)


EVENTS_TICK = 0.05
"""How often a page's event stream looks whether its job moved (in memory: no file read)."""
EVENTS_REREAD = 1.0
"""The job is read from the state file at least this often, moved or not."""


@router.get("/jobs/{job_id}/events")
async def job_events(request: Request, job_id: int):
    """Server-sent events: the progress fragment each time it changes, until the job ends."""
    state, runner = request.app.state.state, request.app.state.runner
    if state.job(job_id) is None:
        raise NotFound("没有这个任务")
    templates = request.app.state.templates

    def moved(live) -> tuple:
        """What changes when the job moves: the jobs written, and its progress in memory."""
        return state.changes, (live.stage, live.done, live.total) if live is not None else None

    async def events():
        last, seen, read_at = None, None, 0.0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 3600
        while loop.time() < deadline:
            live = runner.live.get(job_id)
            now = moved(live)
            if now != seen or loop.time() - read_at >= EVENTS_REREAD:  # the file is read only when the job moved
                seen, read_at = now, loop.time()
                job = state.job(job_id)
                html = templates.get_template("_progress.html").render(job=job, live=live, stages=STAGE_NAMES,
                                                                      request=request)
                if html != last:
                    last = html
                    data = "\n".join(f"data: {line}" for line in html.splitlines())
                    yield f"event: progress\n{data}\n\n"
                if not job.active:
                    yield "event: finished\ndata: done\n\n"
                    return
            if await request.is_disconnected():
                return
            await asyncio.sleep(EVENTS_TICK)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.post("/jobs/{job_id}/cancel")
def job_cancel(request: Request, job_id: int):
    job = request.app.state.state.job(job_id)
    if job is None:
        raise NotFound("没有这个任务")
    if job.active:
        request.app.state.runner.cancel(job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


# ------------------------------------------------------------------ activity records


def _activity(request: Request, pid: str, pairing_id: str, year: str) -> ActivityFile:
    ws = _ws(request)
    loaded = ws.loaded(pid)
    pairing = loaded.pairing(pairing_id)
    if pairing is None:
        ws.pairing_path(pid, pairing_id)
        raise UsageError("这个结对的数据有错误，请先在结对页面改正，再记录活动")
    return ActivityFile(ws, loaded, pairing, ws.activity_path(pid, pairing_id, year), year)


@router.get("/p/{pid}/pairing/{pairing_id}/activities/template.xlsx")
def activities_template(request: Request, pid: str, pairing_id: str):
    """The blank activity sheet of this pairing (``docgen export activities-template``): the
    columns an import reads, its schools and teachers to choose from, dates within its cycle."""
    from ..activities.sheet_template import template

    ws = _ws(request)
    loaded = ws.loaded(pid)
    pairing = loaded.pairing(pairing_id)
    if pairing is None:
        raise NotFound("这个结对的数据有错误，改正后才能下载它的活动记录表")
    return _download(template(loaded, pairing), f"活动记录表_{pairing.supporter.name}.xlsx")


@router.get("/p/{pid}/pairing/{pairing_id}/activities", response_class=HTMLResponse)
def activities(request: Request, pid: str, pairing_id: str, year: str = "", saved: str = "", moved: str = ""):
    ws = _ws(request)
    loaded = ws.loaded(pid)
    pairing = loaded.pairing(pairing_id)
    if pairing is None:
        ws.pairing_path(pid, pairing_id)
        return _page(request, "error.html", status=409, programme_id=pid, title="数据有误",
                     message="这个结对的数据有错误（或其活动记录有错误），请先在结对页面改正。")
    years = given(pairing.cycle, "a loaded pairing's cycle").cycle_years
    chosen = year or _opening_year(years, {y.key for y in years if (pairing.id, y.key) in loaded.activities}, _today())
    record_file = _activity(request, pid, pairing_id, chosen)
    shown = display_path(record_file.path)  # the year's file's problems: its records are not counted till mended
    broken = [p for p in loaded.problems if p.file == shown] if chosen in loaded.bad_logs.get(pairing_id, ()) else []
    return _page(request, "activities.html", programme_id=pid, pairing_id=pairing_id, years=years, year=chosen,
                 file=record_file, saved=saved, moved=bool(moved), heading=ws.pairing_heading(pid, pairing_id),
                 broken=broken)


def _today() -> dt.date:
    return dt.date.today()


def _opening_year(years: list, with_records: set[str], today: dt.date) -> str:
    """The year a pairing's activities page opens on: the one holding today, else the last one
    with records, else the first (review 36: a programme in its second year opened on its first)."""
    now = next((y.key for y in years if y.contains(today)), None)
    recorded = [y.key for y in years if y.key in with_records]
    return now or (recorded[-1] if recorded else years[0].key)


@router.get("/p/{pid}/pairing/{pairing_id}/activities/{year}/evidence/{rel:path}")
def evidence_file(request: Request, pid: str, pairing_id: str, year: str, rel: str):
    """A file of evidence a record of the pairing names (a photo, a scanned sign-in sheet), to
    look at: only what its records name, inside the programme's folder."""
    record_file = _activity(request, pid, pairing_id, year)
    root = _ws(request).root(pid)
    target = (root / rel).resolve()
    if not record_file.evidence(rel) or root.resolve() not in target.parents or not target.is_file():
        raise NotFound("没有这个证明材料")
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target, media_type=media, headers={"Content-Disposition": _disposition(target.name).replace(
        "attachment", "inline", 1)})


@router.get("/p/{pid}/pairing/{pairing_id}/activities/{year}/record/{number}", response_class=HTMLResponse)
def record_form(request: Request, pid: str, pairing_id: str, year: str, number: str):
    record_file = _activity(request, pid, pairing_id, year)
    values = record_file.record(number)
    fields = _chosen(record_schema().form(values), record_file.pairing)
    return _page(request, "record.html", programme_id=pid, pairing_id=pairing_id, year=year, number=number,
                 year_label=record_file.label, fields=fields, version=record_file.version, unplaced=[],
                 described=_described(values))


def _described(values: dict) -> list[str]:
    """The record's evidence still to come, described in words (签到表, 照片3张): what an
    uploaded file may stand for (the clerk ticks which)."""
    return [str(e) for e in values.get("evidence") or [] if isinstance(e, str) and not is_file_ref(e)]


@router.post("/p/{pid}/pairing/{pairing_id}/activities/{year}/record/{number}", response_class=HTMLResponse)
async def record_save(request: Request, pid: str, pairing_id: str, year: str, number: str):
    record_file = _activity(request, pid, pairing_id, year)
    form = await _form(request)
    version = str(form.get("_version") or "")
    uploads = [u for u in form.getlist("evidence_files") if not isinstance(u, str) and u.filename]
    entries = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and not k.startswith("_")]
    values = unflatten(record_schema(), entries)
    stored, refused = [], []
    for upload in uploads:
        data = await upload.read()
        try:
            stored.append((check_evidence(upload.filename, data), data))
        except BadUpload as bad:
            refused.append(str(bad))
    replaced = [str(d) for d in form.getlist("_replaces")]
    if stored and replaced:  # the files uploaded are the evidence those words said was to come
        values["evidence"] = [e for e in values.get("evidence") or [] if e not in replaced]
    if refused:  # the form again, as typed, the reason under the files (nothing stored)
        fields = _chosen(record_schema().form(values, submitted=True), record_file.pairing)
        return _page(request, "record.html", status=422, programme_id=pid, pairing_id=pairing_id, year=year,
                     year_label=record_file.label, number=number, fields=fields, version=version, unplaced=[],
                     upload_errors=refused, described=_described(values))
    home, outside = record_file.misplaced(values.get("date"))
    moved = ""
    if home is not None and number == "new":  # a record of another year of the cycle: added on that year's tab
        record_file, year, moved = _activity(request, pid, pairing_id, home.key), home.key, "&moved=1"
        version = record_file.version
    elif home is not None or outside:  # (the loader's words name a folder: "请放到对应年度的目录")
        why = outside or f"日期 {values.get('date')} 在{given(home, 'the year').label}内：" \
                         f"请在“{given(home, 'the year').label}”中添加这条记录，再删除这一条"
        fields = _chosen(record_schema().form(values, submitted=True), record_file.pairing)
        unplaced = place_errors(fields, [Problem("", 0, 0, "date", why)])
        return _page(request, "record.html", status=422, programme_id=pid, pairing_id=pairing_id, year=year,
                     year_label=record_file.label, number=number, fields=fields, version=version, unplaced=unplaced)
    try:
        problems = record_file.save(number, values, stored, version)
    except Conflict:
        return _page(request, "error.html", status=409, programme_id=pid, title="记录已被修改",
                     message="您打开表单后，这条活动记录已被其他人修改或删除，未保存。您填写的内容见下方，请返回记录列表重新打开后再填。",
                     detail="\n".join(record_words(values)))  # to copy back, a field a line
    if problems:
        problems = impossible_dates(problems, entries)
        fields = _chosen(record_schema().form(values, submitted=True), record_file.pairing)
        unplaced = place_errors(fields, problems)
        return _page(request, "record.html", status=422, programme_id=pid, pairing_id=pairing_id, year=year,
                     year_label=record_file.label, number=number, fields=fields, version=version, unplaced=unplaced)
    return RedirectResponse(f"/p/{quote(pid)}/pairing/{quote(pairing_id)}/activities?year={year}&saved=1{moved}",
                            status_code=303)


def _chosen(fields: list, pairing) -> list:
    """A record's form whose 受援学校, 帮扶教师 and 受援教师 are chosen from the pairing's own
    (a name typed with a slip kept the record from counting for its pair; ``Field.choose``)."""
    from ..activities.sheet_template import pairing_choices

    offered = pairing_choices(pairing)
    for f in fields:
        names = offered.get(f.key)
        if f.widget != "text" or not names or (f.key == "school" and len(names) < 2):
            continue
        f.choose([(n, n) for n in names])
    return fields


@router.post("/p/{pid}/pairing/{pairing_id}/activities/{year}/record/{number}/delete")
async def record_delete(request: Request, pid: str, pairing_id: str, year: str, number: int):
    record_file = _activity(request, pid, pairing_id, year)
    form = await _form(request)
    try:
        record_file.delete(number, str(form.get("_version") or ""))
    except Conflict:
        return _page(request, "error.html", status=409, programme_id=pid, title="记录已被修改",
                     message="这个年度的活动记录刚被其他人修改，未删除；请返回记录列表重新操作。")
    return RedirectResponse(f"/p/{quote(pid)}/pairing/{quote(pairing_id)}/activities?year={year}&saved=deleted",
                            status_code=303)


@router.post("/p/{pid}/pairing/{pairing_id}/activities/{year}/upload", response_class=HTMLResponse)
async def activity_upload(request: Request, pid: str, pairing_id: str, year: str):
    record_file = _activity(request, pid, pairing_id, year)
    form = await _form(request)
    filename, data = await _one_file(request, form, "file")
    suffix = check_sheet(filename, data)
    token = _stash(request, filename, data, suffix)
    return _activity_preview(request, pid, pairing_id, year, record_file, token)


def _activity_preview(request, pid, pairing_id, year, record_file: ActivityFile, token: str) -> HTMLResponse:
    path, name = _stashed(request, token)
    with tempfile.TemporaryDirectory() as work:
        plan = import_preview(record_file, _named_copy(path, name, Path(work)))
    status = 422 if plan.problems else 200
    return _page(request, "activity_preview.html", status=status, programme_id=pid, pairing_id=pairing_id,
                 year=year, plan=plan, token=token, filename=name, problems=[_located(p) for p in plan.problems])


@router.post("/p/{pid}/pairing/{pairing_id}/activities/{year}/upload/{token}/confirm", response_class=HTMLResponse)
async def activity_confirm(request: Request, pid: str, pairing_id: str, year: str, token: str):
    record_file = _activity(request, pid, pairing_id, year)
    try:
        path, name = _stashed(request, token)
    except AlreadyDone as done:
        return RedirectResponse(done.url, status_code=303)
    with tempfile.TemporaryDirectory() as work:
        plan = import_preview(record_file, _named_copy(path, name, Path(work)))
    if plan.problems:
        return _activity_preview(request, pid, pairing_id, year, record_file, token)
    try:
        record_file.apply(plan)
    except Conflict:
        return _activity_preview(request, pid, pairing_id, year, _activity(request, pid, pairing_id, year), token)
    return _done(request, token, f"/p/{quote(pid)}/pairing/{quote(pairing_id)}/activities?year={year}&saved=imported")


# ------------------------------------------------------------------ roll-up


@router.get("/p/{pid}/report", response_class=HTMLResponse)
def report_page(request: Request, pid: str, year: str = "", sort: str = "score", page: int = 1):
    ws = _ws(request)
    loaded = ws.loaded(pid)
    if loaded.programme is None:
        raise UsageError("方案文件 programme.yaml 有错误，无法汇总")
    years = years_with_records(loaded)
    chosen = year if year in years else (years[-1] if years else "")
    data = ws.derived(pid, f"rollup-{chosen}", lambda current: _shown(rollup(current, chosen))) if chosen else None
    rows = list(data.rows) if data else []
    keys = {"score": lambda r: -(r.score or 0), "school": lambda r: r.supporter, "records": lambda r: -r.records,
            "late": lambda r: -r.late}
    if sort in keys and (sort != "score" or (data is not None and data.scored)):
        rows.sort(key=keys[sort])
    # (a rank only once every score is complete: the roll-up's own order is then by score)
    ranks = {r.pairing_id: n for n, r in enumerate(data.rows, 1)} if data and data.ranked else {}
    rows, pager = _paged(rows, page)
    files = [r.path for r in ws.record(pid, ("report",)).values()]
    files += [p.with_suffix(".xlsx") for p in files]
    files = [p for p in files if p.is_file() and chosen and data and data.year.label in p.name]
    jobs = [j for j in request.app.state.state.jobs(pid, limit=30) if j.kind == REPORT]
    labels = {y.key: y.label for y in loaded.programme.cycle.cycle_years}
    return _page(request, "report.html", programme_id=pid, years=years, year=chosen, labels=labels, pager=pager,
                 ranks=ranks, data=data, rows=rows, sort=sort, unlisted=[*loaded.unlisted, *sorted(loaded.bad_logs)],
                 files=sorted(files), job=jobs[0] if jobs else None, loaded=loaded)


def _shown(data: Rollup) -> Rollup:
    """The roll-up as the page keeps it between requests: its rows, without the checks of
    every pairing behind them (only the spreadsheet's detail sheet reads those; 15 MB at a
    thousand pairings)."""
    return dataclasses.replace(data, checks={})


@router.post("/p/{pid}/report/generate")
def report_generate(request: Request, pid: str):
    _ws(request).root(pid)
    job = request.app.state.runner.submit(pid, REPORT, None, "生成考核汇总（.xlsx 和 Word 附件）")
    return RedirectResponse(f"/jobs/{job}", status_code=303)

