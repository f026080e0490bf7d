"""``docgen explain``: where each paragraph and table cell of a generated document comes from.

Design. Origins are tracked, not guessed. Loading gives every model its place in its file
(``load.origins``); the document contexts build their text as ``Phrase``s that keep, for each
run of characters, either the data value it came from (file, line, field) or the line of
docgen's code that wrote it (``documents.prose``). To explain a document it is rendered once
more with each run of every context value between invisible private-use markers that number
its origin (``render.markers``); the Word file that comes out is read paragraph by paragraph
and cell by cell, the markers are parsed back, and whatever lies outside any marker is the
template's own text. Nothing is matched by searching text: the markers travel through Jinja,
docxtpl and the layout fixes with the characters they enclose. As a check, the marked
document, markers removed, must read exactly like the document on disk; where it does not
(the file was edited by hand, or the data changed since), the line says so.
"""
from __future__ import annotations

import inspect
import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from .activities.rollup import rollup
from .documents.jobs import Job, plan_jobs
from .documents.kinds import built_kinds, kind
from .documents.prose import FromCode, Origin, shown_path
from .documents.scope import Scope
from .errors import UsageError, display_path
from .load import Loaded, load_all
from .load.origins import FromData
from .render import TEMPLATE_DIR, Renderer
from .render.markers import read, strip


@dataclass
class Line:
    """One paragraph or table cell of a document, cut into runs by origin."""

    place: str
    """第12段, 表1第2行第3列."""
    runs: list[tuple[str, Origin | None]]
    """Each run of its text with its origin; None: the template's own text."""
    template: str
    on_disk: str | None = None
    """The text of the same place in the file on disk, when it differs."""

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


def _text(element) -> str:
    out = []
    for node in element.iter(qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:cr")):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        elif node.tag == qn("w:tab"):
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def places(docx: bytes) -> list[tuple[str, str]]:
    """(place, text) of every paragraph and table cell with text, in reading order."""
    body = Document(io.BytesIO(docx)).element.body
    out: list[tuple[str, str]] = []
    counters = {"p": 0, "t": 0}

    def walk(container, table_name: str = "") -> None:
        inner = 0
        for child in container:
            if child.tag == qn("w:p"):
                text = _text(child)
                if not strip(text).strip():
                    continue
                if table_name:
                    out.append((table_name, text))
                else:
                    counters["p"] += 1
                    out.append((f"第{counters['p']}段", text))
            elif child.tag == qn("w:tbl"):
                if table_name:
                    inner += 1
                    name = f"{table_name.split('第')[0]}.{inner}"
                else:
                    counters["t"] += 1
                    name = f"表{counters['t']}"
                for r, row in enumerate(child.findall(qn("w:tr")), 1):
                    for c, cell in enumerate(row.findall(qn("w:tc")), 1):
                        cell_text = "\n".join(_text(p) for p in cell.findall(qn("w:p")))
                        if strip(cell_text).strip():
                            out.append((f"{name}第{r}行第{c}列", cell_text))
                        walk([x for x in cell if x.tag == qn("w:tbl")], f"{name}第{r}行第{c}列")
    walk(body)
    return out


def _default(job: Job) -> FromCode:
    """The origin of the plain strings of a context: the function that made it."""
    fn = job.kind.context
    return FromCode(shown_path(inspect.getsourcefile(fn) or fn.__module__), inspect.getsourcelines(fn)[1])


def trace(job: Job, renderer: Renderer, on_disk: bytes | None = None) -> list[Line]:
    """Every paragraph and cell of ``job``'s document with the origin of each of its runs;
    with ``on_disk`` (the file as it is), each line that reads otherwise there says so."""
    context = job.kind.context(job.scope)
    data, origins = renderer.render_traced(job.template, context, _default(job), title=job.path.stem)
    lines = [Line(place, read(text, origins), job.template) for place, text in places(data)]
    if on_disk is not None:
        found = places(on_disk)
        for k, line in enumerate(lines):
            there = found[k][1] if k < len(found) else ""
            if there != line.text:
                line.on_disk = there
    return lines


def describe(origin: Origin | None, template: str) -> str:
    """An origin in a clerk's words."""
    if origin is None:
        return f"模板 {template} 的固定文字"
    if isinstance(origin, FromData):
        return f"数据 {display_path(origin.path)} 第{origin.line}行（{origin.field}）"
    if origin.default:
        return f"默认值 {origin.default}（程序 {origin.file}:{origin.line}）"
    return f"程序 {origin.file}:{origin.line}"


def _short(text: str, limit: int = 14) -> str:
    text = text.replace("\n", "／")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def format_line(line: Line) -> str:
    """One line: the place, the text, and the origin of each run."""
    text = line.text.replace("\n", "／")
    if len(line.runs) == 1:
        sources = describe(line.runs[0][1], line.template)
    else:
        sources = "；".join(f"“{_short(t)}”←{describe(o, line.template)}" for t, o in line.runs)
    note = f"　【与文件不一致，文件中为“{_short(line.on_disk, 30)}”】" if line.on_disk is not None else ""
    return f"{line.place}：{text}　〔来源：{sources}〕{note}"


def find_job(document: Path, data: Path) -> tuple[Loaded, Job]:
    """The job that makes ``document`` (a .docx under an output folder of docgen)."""
    document = Path(document)
    if document.suffix.lower() != ".docx" or not document.is_file():
        raise UsageError(f"{display_path(document)} 不是 docgen 生成的 Word 文件（.docx）")
    target = document.resolve()
    for loaded in load_all(data):
        if not loaded.buildable:
            continue
        for folder in target.parents:
            if folder.name != loaded.id:
                continue
            jobs = plan_jobs(loaded, built_kinds(), folder.parent)
            job = next((j for j in jobs if j.path.resolve() == target), None)
            if job is None and "bundles" in target.parts:  # a bundle's copy of a Word file
                job = next((j for j in jobs if j.path.name == target.name
                            and (j.scope.pairing is None or j.scope.pairing.id == target.parent.name)), None)
            if job is None and target.parent.name == "report":  # the bureau's roll-up of a year
                job = _report_job(loaded, target)
            if job is not None:
                return loaded, job
    raise UsageError(f"找不到生成 {display_path(document)} 的数据：请在 -d 后给出它的方案目录（或其上级目录），"
                     "并确认文件在 docgen 的输出目录中、文件名没有改过")


def _report_job(loaded: Loaded, target: Path) -> Job | None:
    report = kind("report")
    if loaded.programme is None:
        return None  # no programme file read: no roll-up either
    for year in loaded.programme.cycle.cycle_years:
        if target.stem == f"考核汇总_{year.label}":
            return Job(report, Scope(loaded, rollup=rollup(loaded, year.key)), report.template, target)
    return None


def explain(document: Path, data: Path, template_dir: Path | None = None) -> list[str]:
    """The lines ``docgen explain`` prints for ``document``."""
    loaded, job = find_job(document, data)
    lines = trace(job, Renderer(template_dir or TEMPLATE_DIR), Path(document).read_bytes())
    head = [f"{display_path(document)}：{job.kind.label}，由 {display_path(loaded.root)} 生成，模板 {job.template}"]
    changed = [line for line in lines if line.on_disk is not None]
    if changed:
        head.append(f"注意：有 {len(changed)} 处与按当前数据生成的内容不一致（文件被手工修改过，或数据已改变），"
                    "来源按当前数据列出")
    return head + [format_line(line) for line in lines]
