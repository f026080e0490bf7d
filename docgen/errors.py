"""Every error a user can meet, one class per kind of failure (in the manner of
cookiecutter's ``exceptions.py``).

Every message a user reads is Chinese, and every exception carries enough to print it
without a traceback (``cli.main`` does). The exit code tells scripts what went wrong:

====  ==========================================================
 1    a disk error outside any one document, or a fault of docgen itself (said, without a traceback)
 2    bad input data, a bad command line or an output folder that cannot be written
 3    a template is broken
 4    some documents or bundles could not be produced (the rest were)
 5    LibreOffice is missing
 6    the signing certificate cannot be used
 7    bundles were written, but some documents still hold drafts or blanks and are unsealed
 8    a PDF fails a GB/T 9704 rule of the preflight
130   interrupted (Ctrl-C): temporary files removed, finished files kept
====  ==========================================================
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .records import Failure, Finding

INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui python3-uno"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one input file, printed as ``file:line:col  field  message``; in a
    spreadsheet as ``file 工作表“Sheet1”D7  field  message``, the way Excel names the cell."""

    file: str
    line: int
    column: int
    field: str
    message: str
    place: str = ""
    """In a spreadsheet, the sheet and cell (工作表“Sheet1”D7); line and column are its row and column."""

    def __str__(self) -> str:
        if self.place:
            where = f"{self.file} {self.place}"
        else:
            where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = self.field or "-"
        return f"{where}  {field}  {self.message}"


def display_path(path: Path | str) -> str:
    """A path as the user typed it: relative to the working directory when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class DocgenError(Exception):
    """Base of every error docgen reports to a user."""

    exit_code = 1

    def lines(self) -> list[str]:
        return [str(self)]


class InputError(DocgenError):
    """The YAML input (programme, pairing or activity files) is invalid."""

    exit_code = 2

    def __init__(self, problems: list[Problem], preface: str = ""):
        self.problems = sorted(set(problems))
        self.preface = preface
        """A line said before the problems (e.g. that the files of these data were not made)."""
        super().__init__(f"输入数据有 {len(self.problems)} 处错误")

    def lines(self) -> list[str]:
        return ([self.preface] if self.preface else []) + [str(p) for p in self.problems] + \
            [f"共 {len(self.problems)} 处错误，请修改后重试。"]


class SourceError(InputError):
    """One input file could not be read or validated; carries every problem found in it."""


class PairListError(InputError):
    """A pair list, or a pairing file it would change, has problems: nothing was written."""

    def __init__(self, problems: list[Problem], advice: str = ""):
        super().__init__(problems)
        self.advice = advice

    def lines(self) -> list[str]:
        return super().lines() + ([self.advice] if self.advice else []) + ["没有写入任何文件。"]


class UsageError(DocgenError):
    """The command line names something that does not exist."""

    exit_code = 2


class DataChanged(DocgenError):
    """The programme's files changed while a run read them a second time (a shard reads again
    the folder, pairings it does not make included, when the bureau's documents need them):
    nothing of the bureau's is made from two versions of the data."""

    exit_code = 2

    def __init__(self, root: Path):
        super().__init__(f"{display_path(root)}：生成期间方案或结对文件被增加、删除或改坏了，教育局的文书没有生成，请重新运行")


class OutputError(UsageError):
    """The output folder cannot be written: a file is in its place, or it is read-only.
    Found before any work starts."""


class TemplateError(DocgenError):
    """A template is broken: bad tag, unknown variable, unreadable file.

    ``where`` names the place in the template (paragraph and its text) when it is known."""

    exit_code = 3

    def __init__(self, template: str, message: str, where: str = ""):
        self.template = template
        self.message = message
        self.where = where
        super().__init__(f"模板 {template}{('（' + where + '）') if where else ''}：{message}")


class TemplateCheckFailed(DocgenError):
    """``docgen templates check`` found problems in templates: one line each."""

    exit_code = 3

    def __init__(self, findings: list[str]):
        self.findings = findings
        super().__init__(f"{len(findings)} 处问题，请在 Word 中修改模板后重新检查。")

    def lines(self) -> list[str]:
        return [*self.findings, str(self)]


class RenderError(DocgenError):
    """One or more documents could not be produced; the others were written."""

    exit_code = 4
    what = "文档生成失败"

    def __init__(self, failures: list[Failure]):
        self.failures = failures
        super().__init__(f"{len(failures)} 个{self.what}")

    def lines(self) -> list[str]:
        out = [f"以下 {len(self.failures)} 个{self.what}（其余已正常写出）："]
        out += [f"  {f.file}：{f.reason}" for f in self.failures]
        return out


class RenderedApartFailed(DocgenError):
    """A bureau's document its own process could not render (``render.apart``): why, as that
    process said it."""

    exit_code = 4


class IncompletePairList(DocgenError):
    """A bureau's document lists every pairing of the programme, and some pairing's data has
    errors: made without it, the document would state fewer pairings than the bureau has. It
    is not made until the data is mended (its earlier version is moved aside, as any failed
    document's)."""

    exit_code = 2

    def __init__(self, files: list[str]):
        self.files = files
        super().__init__(f"名单不完整：{'、'.join(files)}的数据有错误，这份文件列出全部结对，"
                         "改正后重新生成")


class ActivityLogsBroken(DocgenError):
    """A pairing's summary counts its activity records, and a log of it has problems: the
    summary is not made until they are mended (its other documents are)."""

    exit_code = 2

    def __init__(self, pairing_id: str, years: list[str]):
        super().__init__(f"结对“{pairing_id}”{'、'.join(years)} 年度的活动记录有错误（见数据错误），总结要统计这些记录，"
                         "改正后重新生成")


class Unfinished(DocgenError):
    """Bundled documents that still hold draft text or blanks to fill in: they were written
    but not sealed (a document with a draft or a placeholder is never sealed)."""

    exit_code = 7

    def __init__(self, documents: list[tuple[str, list[str]]]):
        self.documents = documents
        super().__init__(f"{len(documents)} 个文件尚未完成，未盖章")

    def lines(self) -> list[str]:
        out = [f"以下 {len(self.documents)} 个文件仍有草稿或待填写的内容，报送材料中未盖章（填写后重新生成）："]
        for name, gaps in self.documents:
            out.append(f"  {name}：")
            out += [f"    待填写：{gap}" for gap in gaps]
        return out


class PreflightFailed(DocgenError):
    """PDFs that break GB/T 9704 rules, measured on the PDF (each finding names its file and document)."""

    exit_code = 8
    SHOWN = 60
    """Lines listed; the rest are counted (a bundle's manifest.json holds them all)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(f"{len(findings)} 处不符合 GB/T 9704")

    def lines(self) -> list[str]:
        out = [f"PDF 检查发现 {len(self.findings)} 处不符合 GB/T 9704 或报送要求："]
        grouped = finding_lines(self.findings)
        out += grouped[:self.SHOWN]
        if len(grouped) > self.SHOWN:
            out.append(f"  ……另有 {len(grouped) - self.SHOWN} 条未列出（报送包的 manifest.json 中 preflight 一项列有全部）")
        return out


def finding_lines(findings: list[Finding]) -> list[str]:
    """Findings one line per file, document, rule and detail, with the pages they are on."""
    pages: dict[tuple[str, str, str, str], list[int]] = {}
    for f in findings:
        pages.setdefault((f.file, f.document, f.rule, f.detail), []).append(f.page)
    out, last = [], None
    for (file, document, rule, what), on in pages.items():
        if file != last:
            out.append(f"  {file}：")
            last = file
        where = "全文" if on == [0] else "第" + "、".join(str(p) for p in sorted(set(on))) + "页"
        out.append(f"    {document} {where}【{rule}】{what}")
    return out


def os_reason(exc: OSError) -> str:
    """Why writing or reading a file failed, in a clerk's words, with what to do."""
    import errno

    reasons: dict[int | None, str] = {
        errno.ENOSPC: "磁盘空间已满，请清理磁盘后重试",
        errno.EDQUOT: "磁盘配额已用完，请清理后重试",
        errno.ENAMETOOLONG: "文件名太长，请在数据中填写较短的简称（short_name）",
        errno.EACCES: "没有写入权限，请检查文件夹权限或换一个输出目录（-o）",
        errno.EPERM: "没有写入权限，请检查文件夹权限或换一个输出目录（-o）",
        errno.EROFS: "磁盘是只读的，请换一个输出目录（-o）",
        errno.ENOTDIR: "路径中有同名的文件挡住了文件夹，请删除或改名该文件",
        errno.EEXIST: "路径中有同名的文件挡住了文件夹，请删除或改名该文件",
        errno.EISDIR: "同名的文件夹挡住了文件，请删除或改名该文件夹",
        errno.EIO: "读写磁盘出错（U 盘或网络盘断开？），请检查后重试",
    }
    return reasons.get(exc.errno, f"无法写入文件（{exc.strerror or exc}），请检查磁盘和文件夹后重试")


def reason(error: Exception) -> str:
    """Why one document failed, in Chinese: docgen's own errors say it, a disk error is
    explained, anything else is named as a fault of docgen to report."""
    if isinstance(error, DocgenError):
        return str(error)
    if isinstance(error, OSError):
        return os_reason(error)
    return f"docgen 内部错误（{type(error).__name__}: {error}），其余文件不受影响；请把此信息报告给维护者"


class ConverterMissing(DocgenError):
    """LibreOffice or its Python bindings are not installed."""

    exit_code = 5

    def __init__(self, what: str):
        super().__init__(f"找不到{what}，无法生成 PDF。请先以 root 身份安装：{INSTALL_HINT}"
                         "（或运行 bash scripts/setup.sh）")


class SigningError(DocgenError):
    """The certificate cannot be used, or pyHanko is missing."""

    exit_code = 6


T = TypeVar("T")


def given(value: T | None, what: str) -> T:
    """``value``, which is always there where this is called: a kind's context function (or its
    file name) reads the item its ``Per`` gives; a loaded pairing has its id and its cycle. None
    here is docgen's own error, never the data's (so not a ``DocgenError``)."""
    if value is None:
        raise LookupError(f"docgen expected {what} here")
    return value
