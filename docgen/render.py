"""Stage 3, render: a context and a .docx template -> the bytes of a finished .docx.

Jinja runs sandboxed, with strict undefined variables and XML escaping on, so a school
named ``R&D<实验>中学`` comes out literally and a template typo names itself.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from .errors import TemplateError
from .filters import FILTERS
from .package import build_time, normalise_docx

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


def make_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True,
                               keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def explain(exc: Exception) -> str:
    """A Jinja error in Chinese, naming the variable or tag."""
    text = str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        m = re.search(r"'([^']+)' is undefined", text)
        if m:
            return f"变量“{m.group(1)}”未定义（数据中没有这一项，请检查模板中的拼写）"
        m = re.search(r"has no attribute '([^']+)'", text)
        if m:
            return f"变量中没有“{m.group(1)}”这一项（请检查模板中的拼写）"
        return f"变量未定义（{text}）"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板标签语法错误：{exc.message}（检查 {{{{ }}}} 和 {{% %}} 是否成对、是否拼写正确）"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板中有不允许的操作：{text}"
    return f"模板渲染失败：{text}"


def _with_images(tpl: DocxTemplate, context):
    """Charts in the context become images of this document (docxtpl needs the template)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    from .chart import Chart

    if isinstance(context, Chart):
        return InlineImage(tpl, io.BytesIO(context.png), width=Mm(context.width_mm))
    if isinstance(context, dict):
        return {k: _with_images(tpl, v) for k, v in context.items()}
    if isinstance(context, list):
        return [_with_images(tpl, v) for v in context]
    return context


class Renderer:
    """Renders documents from the templates in one folder; templates are read once."""

    def __init__(self, template_dir: Path = TEMPLATE_DIR):
        self.template_dir = Path(template_dir)
        self.env = make_env()
        self._cache: dict[str, bytes] = {}

    def template_bytes(self, name: str) -> bytes:
        if name not in self._cache:
            path = self.template_dir / name
            if not path.is_file():
                raise TemplateError(name, f"找不到模板文件 {path}")
            self._cache[name] = path.read_bytes()
        return self._cache[name]

    def render(self, template: str, context: dict, *, title: str = "") -> bytes:
        tpl = DocxTemplate(io.BytesIO(self.template_bytes(template)))
        context = _with_images(tpl, context)
        try:
            tpl.render(context, jinja_env=self.env, autoescape=True)
        except (jinja2.TemplateError, jinja2.exceptions.SecurityError) as exc:
            raise TemplateError(template, explain(exc)) from None
        when = build_time()
        props = tpl.docx.core_properties
        props.title = title
        props.author = props.last_modified_by = "docgen"
        props.created = props.modified = props.last_printed = when
        props.revision = 1
        buffer = io.BytesIO()
        tpl.save(buffer)
        return normalise_docx(buffer.getvalue(), when)


def render_jobs(jobs, renderer: Renderer) -> tuple[list[tuple[object, dict]], list[tuple[str, str]]]:
    """Render and write every job atomically; a failure removes that file and spares the rest.

    Returns the (job, context) pairs written and the (file, reason) pairs that failed.
    """
    from .errors import DocgenError, display_path
    from .write import write_atomic

    done, failures = [], []
    for job in jobs:
        try:
            context = job.kind.context(job.scope)
            write_atomic(job.path, renderer.render(job.template, context, title=job.path.stem))
            done.append((job, context))
        except DocgenError as error:
            job.path.unlink(missing_ok=True)  # never leave an out-of-date copy behind
            failures.append((display_path(job.path), str(error)))
    return done, failures
