"""``docgen templates check``: find broken tags and unknown variables before a build.

A template is read the way docxtpl reads it (tags that Word split across runs are joined
again), parsed with Jinja, and every variable path it uses (``a.lead``, ``r.supporter``
inside ``{%tr for r in a.rows %}``) is looked up in the context of each document kind that
uses the template, built from a fully populated specimen programme. Finally the template
is rendered with that context, which catches what static reading cannot.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import nodes

from ..activities.rollup import rollup
from ..documents import kinds
from ..documents.kinds import Kind
from ..documents.scope import Per, Scope, Selection, scopes
from ..load.messages import suggest
from ..render import TEMPLATE_DIR, Renderer, explain, make_env
from ..render.resaved import Restored, own, restore
from .specimen import sample_cover, specimen

ANY = "[]"


@dataclass
class Finding:
    template: str
    message: str

    def __str__(self) -> str:
        return f"{self.template}  {self.message}"


def jinja_source(path: Path | bytes) -> str:
    """The Jinja text docxtpl will render: body, headers and footers, split tags joined."""
    tpl = DocxTemplate(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    doc = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    xml = tpl.patch_xml(tpl.xml_to_string(doc.element.body))
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            xml += tpl.patch_xml(rel.target_part.blob.decode("utf-8"))
    return xml


def used_paths(source: str, env: jinja2.Environment) -> list[tuple[str, ...]]:
    """Every variable path the template reads, with loop variables resolved to their lists."""
    tree = env.parse(source)
    found: list[tuple[str, ...]] = []

    def path_of(node, scope) -> tuple[str, ...] | None:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            return (node.name,)
        if isinstance(node, nodes.Getattr):
            base = path_of(node.node, scope)
            return None if base is None else base + (node.attr,)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            base = path_of(node.node, scope)
            return None if base is None else base + (node.arg.value,)
        return None

    def visit(node, scope) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            iterable = path_of(node.iter, scope)
            inner = dict(scope)
            inner["loop"] = ("@loop",)
            if isinstance(node.target, nodes.Name) and iterable is not None:
                inner[node.target.name] = iterable + (ANY,)
            for child in node.body:
                visit(child, inner)
            for child in node.else_:
                visit(child, scope)
            if node.test is not None:
                visit(node.test, inner)
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path = path_of(node, scope)
            if path is not None and path[0] != "@loop":
                found.append(path)
                return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(tree, {})
    # keep the longest paths only: a.lead.name makes a.lead redundant
    unique = sorted(set(found))
    return [p for p in unique if not any(q != p and q[:len(p)] == p for q in unique)]


def resolve(context: Any, path: tuple[str, ...], walked: tuple[str, ...] = ()) -> str | None:
    """None if ``path`` exists in ``context``; otherwise what is missing, with a suggestion.

    Inside a list (``[]``) a path exists if it exists in any element: attachments of
    different kinds sit in one list and each template branch reads its own kind.
    """
    if not path:
        return None
    step, rest = path[0], path[1:]
    if step == ANY:
        if not isinstance(context, (list, tuple)):
            return f"“{_fmt(list(walked))}”不是列表，不能用 for 循环"
        if not context:
            return None  # nothing to look into
        errors = [resolve(item, rest, walked + (ANY,)) for item in context]
        return None if not all(errors) else errors[0]
    if isinstance(context, dict):
        if step not in context:
            where = _fmt(list(walked)) or "顶层"
            return f"变量“{_fmt(list(walked) + [step])}”不存在（{where}中没有“{step}”{suggest(step, list(context))}）"
        return resolve(context[step], rest, walked + (step,))
    if context is None:
        return None
    if hasattr(context, step):
        return resolve(getattr(context, step), rest, walked + (step,))
    return f"变量“{_fmt(list(walked) + [step])}”不存在（“{_fmt(list(walked))}”是{type(context).__name__}，没有“{step}”）"


def _fmt(steps: list[str]) -> str:
    out = ""
    for s in steps:
        out += "[]" if s == ANY else (("." if out else "") + s)
    return out


def kinds_for(template: str, loaded) -> list[Kind]:
    """The kinds that use ``template``: by their declaration, or a notice that names it."""
    direct = [k for k in kinds.KINDS if k.template == template]
    if direct:
        return direct
    stem = template.removesuffix(".docx")
    if any(n.template == stem for n in loaded.programme.notices):
        return [k for k in kinds.KINDS if k.per == Per.notice]
    return []


def sample_contexts(kind: Kind, loaded) -> list[dict]:
    """Contexts of the specimen for ``kind``, each scope once (they differ in optional parts).

    Kinds made outside a build (a bundle's cover, the roll-up's annex) get one scope that
    carries a sample cover and the specimen's roll-up."""
    found = scopes(kind.per, loaded, Selection(years=frozenset({"2022"})))
    if not kind.per.built:
        found = [Scope(loaded, cover=sample_cover(), rollup=rollup(loaded, "2022"))]
    return [kind.context(scope) for scope in found]


FULL_WIDTH_TAG = re.compile(r"[｛{][｛{%％]|[%％｝}][｝}]")
"""A tag typed with a Chinese input method's full-width braces or percent sign (｛｛ doc_no ｝｝),
which Jinja does not see: printed into every document as it is."""


def _full_width_tags(source: str) -> list[str]:
    text = re.sub(r"<[^>]+>", "", source)
    return sorted({m.group(0) for m in FULL_WIDTH_TAG.finditer(text) if not m.group(0).isascii()})


def restored_notes(done: Restored) -> list[str]:
    """What docgen put back in a template a word processor saved (it is used so; a note)."""
    parts = []
    if done.styles:
        first, old = next(iter(done.styles.items()))
        parts.append(f"{len(done.styles)} 个样式的标识（如“{first}”被改为 {old}），已按样式名称对应")
    if done.revisions:
        parts.append(f"{done.revisions} 处修订或批注标记，按“接受所有修订”处理，批注不带入文书")
    if done.tables:
        parts.append(f"{done.tables} 个表格被改为固定列宽，已恢复为按内容调整")
    if done.hanging or done.settings:
        parts.append("标点悬挂、标点压缩等排版设置，已恢复（否则 PDF 中行末的标点可能不印出、排版与预期不同）")
    return [f"在文字处理软件中保存后有改动，生成时已处理：{'；'.join(parts)}"] if parts else []


def check_template(path: Path, notes: list[Finding] | None = None) -> list[Finding]:
    """What is wrong with the template ``path`` (a bureau's own or docgen's); ``notes`` gets
    what docgen puts back when it uses it (after a save in a word processor)."""
    name = path.name
    env = make_env()
    try:
        data, done = restore(path.read_bytes(), own(TEMPLATE_DIR, name))
        source = jinja_source(data)
    except Exception:  # noqa: BLE001 - a corrupt or non-docx file
        return [Finding(name, "不是有效的 Word 文档（.docx），无法读取；请在 Word 或 WPS 中打开后“另存为”.docx 格式")]
    if notes is not None:
        notes += [Finding(name, note) for note in restored_notes(done)]
    wide = _full_width_tags(source)
    if wide:
        return [Finding(name, f"“{'”“'.join(wide)}”是全角字符：数据标签要用半角的 {{{{ }}}} 和 {{% %}}，"
                              "请在英文输入状态下重新输入")]
    try:
        paths = used_paths(source, env)
    except jinja2.TemplateSyntaxError as exc:
        return [Finding(name, explain(exc))]
    loaded = specimen()
    kinds = kinds_for(name, loaded)
    if not kinds:
        return [Finding(name, "没有任何文档类型使用这个模板（文件名是否写错？）")]
    # A path is sound if some kind's context has it: plan.docx serves two kinds whose
    # attachment lists differ, and each branch of the template reads its own kind.
    samples = [(kind, c) for kind in kinds for c in sample_contexts(kind, loaded)]
    findings: list[Finding] = []
    for p in paths:
        problems = [resolve(c, p) for _, c in samples]
        missing = [problem for problem in problems if problem]
        if samples and len(missing) == len(problems):
            findings.append(Finding(name, missing[0]))
    if findings:
        return findings
    renderer = Renderer(path.parent)
    for kind, context in samples:
        try:
            renderer.render(name, context)
        except Exception as exc:  # TemplateError or a docxtpl structural error
            message = getattr(exc, "message", None) or str(exc)
            findings.append(Finding(name, f"用示例数据试生成{kind.label}失败：{message}"))
            break
    return findings


@dataclass
class Checked:
    """What ``docgen templates check`` found in a folder of templates."""

    files: list[Path]
    findings: list[Finding]
    notes: list[Finding]
    """What docgen puts back, and which templates come from docgen's own."""


def check_dir(folder: Path) -> Checked:
    files = sorted(p for p in Path(folder).glob("*.docx") if not p.name.startswith(("~$", ".~")))
    findings: list[Finding] = []
    notes: list[Finding] = []
    for path in files:
        findings += check_template(path, notes)
    for path in sorted(Path(folder).glob("*.doc")):
        if not path.name.startswith(("~$", ".~")):
            findings.append(Finding(path.name, f"是旧版 Word 格式（.doc），docgen 不会使用：请在 Word 或 WPS 中“另存为”{path.stem}.docx"))
    names = {p.name for p in files}
    wanted = sorted({kind.template for kind in kinds.KINDS} - names)
    if files and wanted and Path(folder).resolve() != TEMPLATE_DIR.resolve():
        notes.append(Finding("、".join(wanted), "目录中没有，生成时使用 docgen 自带的模板"))
    return Checked(files, findings, notes)


