"""Stage 5, bundle: the submission package of a pairing (or of the bureau).

One folder and one .zip per bundle, holding the unsealed Word files, one merged PDF
(cover, contents, every document with its bookmarks and 附件 bookmarks, page labels that
keep each document's own numbering, seals stamped where each party signs) and a
``manifest.json`` with the SHA-256 of every file, the input files' hashes, the tool
version and where each seal went.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from . import __version__
from .context import Scope, Signer
from .errors import display_path
from .filters import join
from .jobs import Job, safe_name
from .kinds import KINDS
from .load import Loaded
from .package import build_time, deterministic_zip, pdf_date
from .stamp import SealImage, draw, find_signature, page_lines, seal_box
from .write import write_atomic

COVER = next(k for k in KINDS if k.per == "bundle")
PAIRING_ORDER = ["pairing_plan", "agreement", "management_letter", "teacher_letter", "summary"]
BUREAU_ORDER = ["notice", "programme_plan"]
ENTRIES_PER_CONTENTS_PAGE = 18


@dataclass
class Part:
    """One document in a bundle; ``first`` and ``pages`` locate it in the converted body."""

    title: str
    docx: Path
    signers: list[Signer]
    attachments: list[str]
    first: int = 0
    pages: int = 0
    attachment_pages: list[int] = field(default_factory=list)


@dataclass
class Spec:
    """What one bundle holds, before it is assembled."""

    key: str
    title: str
    parties: list[str]
    date: object
    folder: Path
    pdf_name: str
    parts: list[Part]
    loaded: Loaded

    @property
    def uid(self) -> str:
        return f"{self.loaded.id}/{self.key}"


@dataclass
class Options:
    duplex: bool = False
    seal_mm: float = 42.0
    sign_cert: Path | None = None
    sign_password: str | None = None


@dataclass
class Report:
    spec: Spec
    pdf: Path
    zip: Path
    pages: int
    seals: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)


def part_title(job: Job) -> str:
    kind, _, rest = job.path.stem.partition("_")
    return f"{kind}：{rest}" if rest else kind


def _part(job: Job, context: dict) -> Part:
    atts = [f"{a['label']}　{''.join(a['title_lines'])}" for a in context.get("attachments", [])]
    return Part(part_title(job), job.path, job.kind.signers(job.scope), atts)


def plan(loaded: Loaded, done: list[tuple[Job, dict]], out_dir: Path) -> list[Spec]:
    """One bundle per pairing that has documents, plus one for the bureau."""
    prog = loaded.programme
    base = out_dir / loaded.id / "bundles"
    specs: list[Spec] = []
    by_pairing: dict[str, list[tuple[Job, dict]]] = {}
    bureau: list[tuple[Job, dict]] = []
    for job, context in done:
        if job.scope.pairing is not None:
            by_pairing.setdefault(job.scope.pairing.id, []).append((job, context))
        else:
            bureau.append((job, context))
    for pairing in loaded.pairings:
        items = by_pairing.get(pairing.id)
        if not items:
            continue
        items.sort(key=lambda jc: PAIRING_ORDER.index(jc[0].kind.name))
        names = f"{pairing.supporter.name}与{join([r.name for r in pairing.recipients])}"
        specs.append(Spec(pairing.id, names, [f"支援学校：{pairing.supporter.name}"] +
                          [f"受援学校：{r.full_name}" for r in pairing.recipients], pairing.signed_on,
                          base / safe_name(pairing.id), safe_name(f"报送材料_{names}") + ".pdf",
                          [_part(j, c) for j, c in items], loaded))
    if bureau:
        bureau.sort(key=lambda jc: BUREAU_ORDER.index(jc[0].kind.name))
        notice = next((n for n in prog.notices if n.issues_plan), None)
        specs.append(Spec("bureau", f"{prog.title}", [prog.bureau.name], notice.date if notice else None,
                          base / "bureau", safe_name(f"报送材料_{prog.bureau.name}") + ".pdf",
                          [_part(j, c) for j, c in bureau], loaded))
    return specs


def _pad(n: int, duplex: bool) -> int:
    return n + (n % 2 if duplex else 0)


def contents_entries(spec: Spec, front_pages: int, duplex: bool) -> list[dict]:
    entries, page = [], _pad(front_pages, duplex) + 1
    for i, part in enumerate(spec.parts, 1):
        entries.append({"no": i, "title": part.title, "pages": part.pages, "start": page})
        page += _pad(part.pages, duplex)
    return entries


def guess_front_pages(spec: Spec) -> int:
    return 1 + max(1, math.ceil(len(spec.parts) / ENTRIES_PER_CONTENTS_PAGE))


def cover_context(spec: Spec, front_pages: int, duplex: bool) -> dict:
    loaded = spec.loaded
    scope = Scope(programme=loaded.programme, programme_id=loaded.id, pairings=loaded.pairings, root=loaded.root)
    scope.item = {"title": spec.title, "parties": spec.parties, "date": spec.date,
                  "entries": contents_entries(spec, front_pages, duplex)}
    return COVER.context(scope)


def locate_parts(spec: Spec, body: PdfReader) -> str:
    """Set each part's first page and page count from the bookmarks compose() placed.

    Returns an empty string, or what is wrong."""
    starts: dict[int, int] = {}
    attachments: dict[int, dict[int, int]] = {}
    for name, dest in body.named_destinations.items():
        m = re.fullmatch(r"/?docgenpart(\d+)(?:att(\d+))?", str(name))
        if m and m.group(2):
            attachments.setdefault(int(m.group(1)), {})[int(m.group(2))] = body.get_destination_page_number(dest)
        elif m:
            starts[int(m.group(1))] = body.get_destination_page_number(dest)
    if sorted(starts) != list(range(1, len(spec.parts) + 1)):
        return f"转换后的 PDF 中只找到 {len(starts)} 个文件起点（应为 {len(spec.parts)} 个）"
    total = len(body.pages)
    for i, part in enumerate(spec.parts, 1):
        part.first = starts[i]
        part.pages = (starts[i + 1] if i < len(spec.parts) else total) - starts[i]
        part.attachment_pages = [page for _, page in sorted(attachments.get(i, {}).items())]
        if part.pages <= 0:
            return f"{part.title} 在转换后的 PDF 中没有页面"
    return ""


def assemble(spec: Spec, cover_pdf: Path, body_pdf: Path, options: Options) -> Report:
    """Cover and body merged, stamped, labelled, bookmarked; folder, manifest and zip written."""
    when = build_time()
    writer = PdfWriter()
    seal_cache: dict[Path, SealImage] = {}
    report = Report(spec, spec.folder / spec.pdf_name, spec.folder.with_suffix(".zip"), 0)
    cover = PdfReader(cover_pdf)
    body = PdfReader(body_pdf)
    for page in cover.pages:
        writer.add_page(page)
    writer.set_page_label(0, 0, prefix="封面")
    if len(cover.pages) > 1:
        writer.set_page_label(1, len(cover.pages) - 1, style="/D", prefix="目录-", start=1)
    if options.duplex and len(cover.pages) % 2:
        writer.add_blank_page(595.28, 841.89)
    lines_cache: dict = {}
    for index, part in enumerate(spec.parts, 1):
        start = len(writer.pages)
        for k in range(part.first, part.first + part.pages):
            writer.add_page(body.pages[k])
        end = len(writer.pages) - 1
        writer.set_page_label(start, end, style="/D", prefix=f"{index}-", start=1)
        mark = writer.add_outline_item(part.title, start)
        for k, page_no in enumerate(part.attachment_pages):
            label = part.attachments[k] if k < len(part.attachments) else f"附件{k + 1}"
            writer.add_outline_item(label, start + page_no - part.first, parent=mark)
        _stamp_part(writer, body, part, start, options, seal_cache, report, lines_cache)
        if options.duplex and part.pages % 2:
            writer.add_blank_page(595.28, 841.89)
            writer.set_page_label(end + 1, end + 1, style="/D", prefix=f"{index}-", start=part.pages + 1)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": spec.title, "/Producer": f"docgen {__version__}", "/Creator": "docgen",
                         "/CreationDate": pdf_date(when), "/ModDate": pdf_date(when)})
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    report.pages = len(writer.pages)
    data = buffer.getvalue()
    if options.sign_cert:
        from .sign import sign_pdf

        data = sign_pdf(data, options.sign_cert, options.sign_password)
    _write_folder(spec, data, report, signed=bool(options.sign_cert))
    return report


def _stamp_part(writer: PdfWriter, reader: PdfReader, part: Part, start: int, options: Options,
                cache: dict[Path, SealImage], report: Report, lines: dict) -> None:
    """Stamp each signer's seal where it signs; pages are read from the end of the
    document backwards, only as far as needed (signatures are near the end)."""
    fonts = lines.setdefault("fonts", {})
    last = part.first + part.pages - 1
    if part.attachment_pages:  # signatures stand before the attachments (附件)
        last = max(part.first, min(part.attachment_pages) - 1)
    found: dict[int, tuple] = {}
    pending = [n for n, s in enumerate(part.signers) if s.seal is not None]
    for k in range(last, part.first - 1, -1):
        if not pending:
            break
        if k not in lines:
            lines[k] = page_lines(reader.pages[k], fonts)
        window = [lines[i] for i in range(k, last + 1)]
        for n in list(pending):
            hit = find_signature(window, part.signers[n].name)
            if hit is not None:
                found[n] = (k + hit[0], *hit[1:])
                pending.remove(n)
    for n, signer in enumerate(part.signers):
        entry = {"document": part.title, "party": signer.name, "role": signer.role}
        if signer.seal is None:
            report.missing.append({**entry, "reason": "未提供公章图片"})
            continue
        if n not in found:
            report.missing.append({**entry, "reason": "未找到签署位置"})
            continue
        page_index, line, name_box, date_y = found[n]
        seal = cache.get(signer.seal)
        if seal is None:
            seal = cache[signer.seal] = SealImage.load(signer.seal, writer)
        box = seal_box(name_box, line.y, date_y, seal, options.seal_mm)
        target = start + page_index - part.first
        draw(writer, writer.pages[target], seal, box, f"DocgenSeal{n}")
        report.seals.append({**entry, "image": signer.seal.name, "page": target + 1,
                             "name_box": name_box.as_list(), "seal_box": box.as_list()})


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_folder(spec: Spec, pdf: bytes, report: Report, signed: bool = False) -> None:
    folder = spec.folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files: list[tuple[str, bytes]] = [(spec.pdf_name, pdf)]
    for part in spec.parts:
        files.append((part.docx.name, part.docx.read_bytes()))
    for name, data in files:
        write_atomic(folder / name, data)
    manifest = {
        "tool": "docgen", "version": __version__, "created": build_time().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "programme": spec.loaded.id, "bundle": spec.key, "title": spec.title,
        "inputs": spec.loaded.input_hashes(),
        "files": [{"path": name, "sha256": _sha(data), "size": len(data)} for name, data in sorted(files)],
        "pdf": {"path": spec.pdf_name, "pages": report.pages,
                "documents": [{"title": p.title, "pages": p.pages, "word": p.docx.name} for p in spec.parts]},
        "seals": report.seals,
        "seals_missing": report.missing,
        "signed": signed,
        "note": "PDF 上的印章为图片叠加，仅供打印和预览，不是 GB/T 38540 规定的电子印章。",
    }
    body = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_atomic(folder / "manifest.json", body)
    files.append(("manifest.json", body))
    prefix = folder.name + "/"
    write_atomic(report.zip, deterministic_zip([(prefix + n, d) for n, d in files]))


def describe(report: Report) -> list[str]:
    """A line per bundle, and per reason the parties not sealed (details in manifest.json)."""
    out = [f"{display_path(report.zip)}：{report.pages} 页，盖章 {len(report.seals)} 处"]
    by_reason: dict[str, list[str]] = {}
    for miss in report.missing:
        parties = by_reason.setdefault(miss["reason"], [])
        if miss["party"] not in parties:
            parties.append(miss["party"])
    for reason, parties in by_reason.items():
        count = sum(1 for m in report.missing if m["reason"] == reason)
        out.append(f"  未盖章 {count} 处（{reason}）：{'、'.join(parties)}")
    return out


_TASKS: list = []  # set before forking; worker processes read their task from here


def _assemble_index(i: int) -> tuple[int, list, list, str]:
    spec, cover, body, options = _TASKS[i]
    try:
        report = assemble(spec, cover, body, options)
        return report.pages, report.seals, report.missing, ""
    except Exception as exc:  # a damaged PDF from the converter
        return 0, [], [], f"合并 PDF 失败：{exc}"


def assemble_all(tasks: list[tuple[Spec, Path, Path]], options: Options, jobs: int) -> tuple[list[Report], list[tuple[str, str]]]:
    """Assemble bundles, in ``jobs`` forked worker processes when there are several (pypdf
    is pure Python, so threads would not run in parallel). Workers inherit the tasks and
    send back only what the report needs."""
    import concurrent.futures
    import multiprocessing

    from .stamp import _decoded

    global _TASKS
    _TASKS = [(spec, cover, body, options) for spec, cover, body in tasks]
    for seal in {s.seal for spec, _, _ in tasks for part in spec.parts for s in part.signers if s.seal}:
        _decoded(seal, seal.stat().st_mtime_ns)  # decoded once, inherited by the workers
    try:
        if jobs > 1 and len(_TASKS) > 1:
            context = multiprocessing.get_context("fork")
            with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(_TASKS)), mp_context=context) as pool:
                results = list(pool.map(_assemble_index, range(len(_TASKS))))
        else:
            results = [_assemble_index(i) for i in range(len(_TASKS))]
    finally:
        work, _TASKS = _TASKS, []
    reports, failures = [], []
    for (spec, _, _, _), (pages, seals, missing, why) in zip(work, results):
        if why:
            failures.append((display_path(spec.folder), why))
            continue
        reports.append(Report(spec, spec.folder / spec.pdf_name, spec.folder.with_suffix(".zip"), pages, seals, missing))
    return reports, failures


def make_all(specs: list[Spec], renderer, pool, options: Options, workdir: Path) -> tuple[list[Report], list[tuple[str, str]]]:
    """Each bundle's documents composed into one body and converted once (all bundles in
    parallel), then the covers (converted together), then each bundle assembled."""
    from .compose import compose
    from .convert import to_pdf

    failures: list[tuple[str, str]] = []
    bodies: dict[str, Path] = {}
    for spec in specs:
        folder = workdir / spec.loaded.id / spec.key
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "正文.docx").write_bytes(compose([p.docx for p in spec.parts]))
        bodies[spec.uid] = folder / "正文.docx"
    made, failed = to_pdf(list(bodies.values()), pool)
    failures += [(display_path(spec.folder), f"转换 PDF 失败：{why}") for spec in specs
                 for src, why in failed if src == display_path(bodies[spec.uid])]
    ready: list[Spec] = []
    for spec in specs:
        pdf = bodies[spec.uid].with_suffix(".pdf")
        if pdf not in made:
            continue
        problem = locate_parts(spec, PdfReader(pdf))
        if problem:
            failures.append((display_path(spec.folder), problem))
        else:
            ready.append(spec)
    front = {spec.uid: guess_front_pages(spec) for spec in ready}
    covers: dict[str, Path] = {}
    todo = list(ready)
    for _ in range(3):  # the number of contents pages is known only after conversion
        if not todo:
            break
        docs = []
        for spec in todo:
            path = bodies[spec.uid].parent / "封面和目录.docx"
            path.write_bytes(renderer.render(COVER.template, cover_context(spec, front[spec.uid], options.duplex)))
            docs.append(path)
        made, failed = to_pdf(docs, pool)
        failures += [(display_path(spec.folder), f"封面转换失败：{why}") for spec, doc in zip(todo, docs)
                     for src, why in failed if src == display_path(doc)]
        again = []
        for spec, doc in zip(todo, docs):
            pdf = doc.with_suffix(".pdf")
            if pdf not in made:
                continue
            pages = len(PdfReader(pdf).pages)
            if pages != front[spec.uid]:
                front[spec.uid] = pages
                again.append(spec)
            else:
                covers[spec.uid] = pdf
        todo = again
    tasks = [(spec, covers[spec.uid], bodies[spec.uid].with_suffix(".pdf")) for spec in ready if spec.uid in covers]
    reports, failed = assemble_all(tasks, options, pool.jobs)
    return reports, failures + failed
