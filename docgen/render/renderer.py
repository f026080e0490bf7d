"""A context and a .docx template -> the bytes of a finished .docx (docxtpl).

Jinja runs sandboxed, with strict undefined variables and XML escaping on, so a school
named ``R&D<实验>中学`` comes out literally and a template typo names itself. An error names
the template, the paragraph it happened in and that paragraph's text.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Hashable
from pathlib import Path

import jinja2
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.utils import missing

from ..documents.typography import Picture
from ..errors import TemplateError
from ..outputs import build_time, docx_bytes, set_core_properties
from . import blanks, columns, dates, fit, keeps, notes
from .filters import FILTERS
from .limits import LimitedEnvironment, time_limit
from .markers import marked
from .resaved import own, restore


def _own_templates() -> Path:
    """docgen's own templates: ``docgen/templates/`` in an installed package (the wheel's build step
    puts them there, see setup.py), else the repository's ``templates/`` in a checkout, where the
    authoring code writes them. A bureau's own templates come with ``-t``, never from here."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "templates"
    return shipped if shipped.is_dir() else package.parent / "templates"


TEMPLATE_DIR = _own_templates()


class _Undefined(jinja2.StrictUndefined):
    """Strict undefined whose error says, in Chinese, which name the data lacks."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args, **kwargs):
        if self._undefined_obj is missing:
            raise jinja2.UndefinedError(f"变量“{self._undefined_name}”未定义（数据中没有这一项，请检查模板中的拼写）")
        raise jinja2.UndefinedError(f"变量中没有“{self._undefined_name}”这一项（请检查模板中的拼写）")


def _kept(cache: dict, key: Hashable, make, keep: int):
    """``make(key)``, remembered in ``cache`` (at most ``keep`` entries, the oldest dropped first)."""
    value = cache.get(key)
    if value is None:
        value = make(key)
        if len(cache) >= keep:
            cache.pop(next(iter(cache)), None)
        cache[key] = value
    return value


class _CompilingOnce(LimitedEnvironment):
    """Compiles each template source once: docxtpl hands the same XML of a template part to
    ``from_string`` for every document made from it, and compiling is most of rendering.
    Once per process, not per run: every environment ``make_env`` makes is the same, and a
    long-running process (``docgen serve``) makes one per job."""

    _compiled: dict[str, jinja2.Template] = {}
    _KEEP = 200
    """Template parts kept compiled (the templates of docgen have about 40; a clerk's edits add more)."""

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return _kept(self._compiled, source, super().from_string, self._KEEP)


class _Template(DocxTemplate):
    """docxtpl's template whose XML clean-up (``patch_xml``: regular expressions over a whole
    part, run on every render) is done once per part per process: its result depends on the
    part's XML alone, which is the same for every document made from one template; and whose
    template body is let go without being made a document of its own (``map_tree``)."""

    _patched: dict[str, str] = {}
    _KEEP = 200

    def patch_xml(self, src_xml):
        return _kept(self._patched, src_xml, super().patch_xml, self._KEEP)

    _opened: dict[bytes, DocxDocument] = {}
    _OPENED_KEEP = 20
    """Templates kept opened (about 0.8 MB each: docgen's own ten, and a bureau's edits)."""

    def init_docx(self, reload=True):
        """docxtpl's ``init_docx`` (the template opened afresh for every document) with the
        template opened once per process and copied for each document: python-docx reads a
        package part by part, relationship by relationship, in Python; a copy is made by
        lxml's and Python's copying, in a third of the time. The copy shares nothing that a
        document changes (its XML, parts, relationships and properties are its own)."""
        if self.docx and not (self.is_rendered and reload):
            return
        data = self.template_file.getvalue() if isinstance(self.template_file, io.BytesIO) else None
        if data is None:
            super().init_docx(reload)
            return
        pristine = _kept(self._opened, data, lambda raw: Document(io.BytesIO(raw)), self._OPENED_KEEP)
        self.docx = copy.deepcopy(pristine)
        self.is_rendered = False

    def map_tree(self, tree):
        """The rendered body in the template body's place, as docxtpl's ``replace`` puts it. An
        element taken out while Python holds it is given every namespace it uses, node by
        node, to stand alone (2.8 ms for a template body of 2 000 elements, a tenth of making a
        document); deleted by its place, with nothing holding it, it is freed at once."""
        root = self.docx.element
        at = next(i for i, child in enumerate(root.iterchildren()) if child.tag == _BODY)
        del root[at]
        root.insert(at, tree)


_BODY = qn("w:body")


def make_env() -> LimitedEnvironment:
    env = _CompilingOnce(undefined=_Undefined, autoescape=True, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def explain(exc: Exception) -> str:
    """A Jinja error in Chinese, naming the variable or tag."""
    if isinstance(exc, jinja2.UndefinedError):
        return str(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板标签语法错误：{_syntax_words(exc.message or '')}（检查 {{{{ }}}} 和 {{% %}} 是否成对、是否拼写正确）"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板中有不允许的操作：{exc}"
    return f"模板渲染失败（{type(exc).__name__}: {exc}），请检查此处的标签"


_SYNTAX = [
    (re.compile(r"Encountered unknown tag '(\w+)'(?:.*?looking for (?:'\w+' or )*'(\w+)')?", re.S),
     lambda m: f"标签“{m.group(1)}”没有与之配对的开头，或出现在不该出现的位置"
               + (f"（此处应先有“{m.group(2)}”）" if m.group(2) else "")
               + "：可能删掉了与它成对的另一个标签（如 {%p if %} 与 {%p endif %}、{%p for %} 与 {%p endfor %}）"),
    (re.compile(r"Unexpected end of template.*?looking for the following tags: '(\w+)'", re.S),
     lambda m: f"模板结束时还有标签没有结束（缺少“{m.group(1)}”）"),
    (re.compile(r"unexpected '(.+?)'"), lambda m: f"标签中有多余或写错的字符“{m.group(1)}”"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"), lambda m: f"标签中“{m.group(2)}”处写法有误"),
    (re.compile(r"unexpected char '(.+?)'"), lambda m: f"标签中有不能使用的字符“{m.group(1)}”"),
]
"""Jinja's syntax errors in a clerk's words (the rest: 标签写法有误)."""


def _syntax_words(message: str) -> str:
    for pattern, words in _SYNTAX:
        found = pattern.search(message)
        if found:
            return words(found)
    return "标签写法有误"


def template_line(exc: BaseException) -> int | None:
    """The line of the Jinja source an error happened on (docxtpl starts a line per paragraph)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def paragraph_at(tpl: DocxTemplate, line: int) -> str:
    """'第N段“…”': where line ``line`` of the rendered body is, in a clerk's words."""
    source = tpl.patch_xml(tpl.xml_to_string(tpl.docx.element.body))
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", source).splitlines()
    if not 1 <= line <= len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[line - 1]).strip()
    text = text if len(text) <= 40 else text[:40] + "…"
    return f"第{line - 1}段“{text}”" if text else f"第{line - 1}段"


def _where(tpl: DocxTemplate, line: int | None) -> str:
    try:
        return paragraph_at(tpl, line) if line else ""
    except Exception:  # noqa: BLE001 - a template too broken to show its paragraph is named without it
        return ""


def _with_images(tpl: DocxTemplate, context):
    """Pictures in the context become images of this document (docxtpl needs the template)."""
    if isinstance(context, Picture):
        png = context.draw()
        return InlineImage(tpl, io.BytesIO(png), width=Mm(context.width_mm)) if png else ""
    if isinstance(context, dict):
        return {k: _with_images(tpl, v) for k, v in context.items()}
    if isinstance(context, list):
        return [_with_images(tpl, v) for v in context]
    return context


def template_path(folder: Path, name: str) -> Path:
    """The template ``name`` from ``folder`` (a bureau's own, ``-t``), else docgen's own: a
    bureau keeps only the templates it changed."""
    path = folder / name
    if path.is_file():
        return path
    own_path = TEMPLATE_DIR / name
    return own_path if own_path.is_file() else path


class Renderer:
    """Renders documents from the templates in one folder; templates are read once."""

    def __init__(self, template_dir: Path = TEMPLATE_DIR):
        self.template_dir = Path(template_dir)
        self.env = make_env()
        self._cache: dict[str, bytes] = {}

    def template_bytes(self, name: str) -> bytes:
        if name not in self._cache:
            path = template_path(self.template_dir, name)
            if not path.is_file():
                raise TemplateError(name, f"找不到模板文件 {path}")
            data = path.read_bytes()
            if path.parent.resolve() != TEMPLATE_DIR.resolve():  # a bureau's own, saved in a word processor
                data, _ = restore(data, own(TEMPLATE_DIR, name))
            self._cache[name] = data
        return self._cache[name]

    def render(self, template: str, context: dict, *, title: str = "", when: dt.datetime | None = None) -> bytes:
        """The document ``template`` filled with ``context``; its properties and zip entries
        dated ``when`` (``outputs.build_time``: the time with no data's day, when not given)."""
        try:
            tpl = _Template(io.BytesIO(self.template_bytes(template)))
            tpl.init_docx()
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateError(template, f"不是有效的 Word 文档（.docx）：{exc}；请在 Word 中“另存为”.docx 格式") from None
        context = _with_images(tpl, context)
        try:
            with time_limit():
                tpl.render(context, jinja_env=self.env, autoescape=True)
        except Exception as exc:  # noqa: BLE001 - whatever a template does fails this document only
            line = template_line(exc)
            raise TemplateError(template, explain(exc), _where(tpl, line)) from None
        blanks.fill_to_line_end(tpl.docx)
        dates.keep_forms_whole(tpl.docx)
        notes.align_names(tpl.docx.element.body)
        keeps.apply(tpl.docx)
        columns.fit_columns(tpl.docx)
        fit.fit_first_page(tpl.docx)
        when = when or build_time()
        set_core_properties(tpl.docx.core_properties, title=title, when=when)
        return docx_bytes(tpl.docx, when)  # (docxtpl's save adds only pictures replaced by name: none here)

    def render_traced(self, template: str, context: dict, default, *, title: str = "") -> tuple[bytes, list]:
        """The document with each run of its text between origin markers (``markers``), and the
        origins the markers number; ``default`` is the origin of plain strings (the code that
        made the context). For ``docgen explain`` only: the file is never written. A template
        that puts a number through a filter (a clerk's edit: ``{{ n|cn_num }}``) gets it bare."""
        try:
            marked_context, origins = marked(context, default)
            return self.render(template, marked_context, title=title), origins
        except TemplateError:
            marked_context, origins = marked(context, default, numbers=False)
            return self.render(template, marked_context, title=title), origins
