"""What the tests share: paths, the command line run in-process, and reading formatting
out of a .docx the way Word resolves it."""
from __future__ import annotations

import ast
import contextlib
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.table import Table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
HARD = ROOT / "tests" / "programmes" / "stress"
"""A programme written to be hard to lay out and seal (see its programme.yaml)."""

MINI_PROGRAMME = """\
title: 测试县结对帮扶工作方案
bureau:
  name: 测试县教育局
  doc_code: 测教字
  contact: {name: 张某某, phone: "1234567"}
cycle:
  start: 2022-09-01
notices:
  - id: issue-plan
    doc_no: 测教字〔2022〕5号
    date: 2022-10-10
    title: 关于印发《测试县结对帮扶工作方案》的通知
    addressees: [各学校]
    body: [现将方案印发给你们。]
"""

MINI_PAIRING = """\
county: 测试县
supporter:
  name: 甲中学
  lead: {name: 王某某, position: 校长}
recipients:
  - name: 乙中学
  - name: 丙中学
"""


PROBLEM_LINE = re.compile(r"^(?P<file>\S+):(?P<line>\d+):(?P<col>\d+)  (?P<field>\S+)  (?P<msg>.+)$")
"""One line of a data error: file:line:col  field  message."""

SHEET_LINE = re.compile(r"^(?P<file>.+?) (?:工作表“(?P<sheet>[^”]*)”|单元格)(?P<cell>[A-Z]+\d+)  (?P<field>\S+)  (?P<msg>.+)$")
"""One line of an error in a spreadsheet, as Excel names the place: 名单.xlsx 工作表“名单”D7  field  message."""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _cwd(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    """``docgen ARGS`` in this process, as a user runs it: exit code, stdout and stderr."""
    from docgen.cli import main  # (here: pytest-xdist's controller process reads this file, and runs no test)

    with _cwd(cwd), CliRunner().isolation(env=env) as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return Run(code, stdout, stderr)


@functools.cache
def syntax_nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of a Python file's syntax tree (``ast.walk`` order), parsed once for the
    session: the tests that look at every module of docgen/ (imports, exits) read the same
    trees, and never change them."""
    return tuple(ast.walk(ast.parse(path.read_text("utf-8"))))


# ------------------------------------------------------------ .docx formatting

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_chain(doc, style_id):
    styles = {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}
    chain = []
    while style_id and style_id in styles:
        chain.append(styles[style_id])
        based = styles[style_id].find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return chain


def _defaults_rpr(doc):
    return doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")


def effective_run(doc, paragraph, run=None):
    """(east-asian font, size in half-points, colour) of a run, resolving styles and defaults."""
    sources = []
    if run is not None and run._r.rPr is not None:
        sources.append(run._r.rPr)
    p_style = paragraph._p.pPr.pStyle.val if paragraph._p.pPr is not None and paragraph._p.pPr.pStyle is not None else "Normal"
    for style in _style_chain(doc, p_style):
        rpr = style.find(qn("w:rPr"))
        if rpr is not None:
            sources.append(rpr)
    sources.append(_defaults_rpr(doc))
    font = size = color = None
    for rpr in sources:
        if rpr is None:
            continue
        fonts = rpr.find(qn("w:rFonts"))
        if font is None and fonts is not None and fonts.get(qn("w:eastAsia")):
            font = fonts.get(qn("w:eastAsia"))
        sz = rpr.find(qn("w:sz"))
        if size is None and sz is not None:
            size = int(sz.get(qn("w:val")))
        col = rpr.find(qn("w:color"))
        if color is None and col is not None:
            color = col.get(qn("w:val"))
    return font, size, color


def effective_ppr(doc, paragraph, tag):
    """The first ``tag`` element (e.g. 'w:spacing') found on the paragraph or its styles."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.find(qn(tag)) is not None:
        return ppr.find(qn(tag))
    p_style = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else "Normal"
    for style in _style_chain(doc, p_style):
        found = style.find(f"{W}pPr/{qn(tag)}")
        if found is not None:
            return found
    return doc.styles.element.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{qn(tag)}")


def all_text(doc) -> str:
    """The text of the body in reading order, tables and tables within them included (a cell
    merged across columns once), then the footers."""
    parts = list(_inner_text(doc))
    for section in doc.sections:
        for part in (section.footer, section.even_page_footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


def _inner_text(container):
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                seen = []
                for cell in row.cells:
                    if any(cell._tc is tc for tc in seen):
                        continue
                    seen.append(cell._tc)
                    yield from _inner_text(cell)
        else:
            yield item.text


def plan_bundles(loaded, done, out_dir: Path):
    """Every bundle of ``loaded`` planned at once from ``done`` (each document, rendered): one
    per pairing that has documents, plus the bureau's, as ``docgen bundle`` plans each in its
    round (``bundle_of`` and ``spec_of``)."""
    from docgen.bundle.plan import bundle_of, bundled, spec_of  # (here, as ``run`` imports docgen)

    by_pairing: dict = {}
    for document in done:
        if bundled(document.job):
            by_pairing.setdefault(document.job.pairing_id, []).append(document)
    specs = [spec_of(loaded, bundle_of(loaded, pairing, out_dir), pairing, by_pairing[pairing.id])
             for pairing in loaded.pairings if by_pairing.get(pairing.id)]
    if by_pairing.get(None):
        specs.append(spec_of(loaded, bundle_of(loaded, None, out_dir), None, by_pairing[None]))
    return specs


def specimen_notice(out: Path, pairings: int) -> Path:
    """The bureau's notice of a specimen programme of ``pairings`` pairings, rendered into
    ``out``: its list has two rows a pairing."""
    from docgen.authoring.specimen import specimen
    from docgen.documents.jobs import plan_jobs
    from docgen.documents.kinds import kind
    from docgen.render import Renderer

    jobs = plan_jobs(specimen(pairings=pairings), [kind("notice")], out)
    job = max(jobs, key=lambda j: len(j.scope.pairings) if hasattr(j.scope, "pairings") else 0)
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_bytes(Renderer().render(job.template, job.kind.context(job.scope)))
    return job.path
