"""Command line: parses arguments, calls the pipeline, prints in Chinese. Nothing else.

Every command is a plain function under ``@cli.command(help=...)`` (or a sub-group's): the
``DocgenGroup`` gives it Chinese help, ``-h``/``--help`` and the usual width; the option
decorators below (``output_option``, ``programme_option``, …) are shared, so an option is
spelled and explained once. A command never exits: it returns, or raises a ``DocgenError``
(errors.py), and ``main`` alone turns that into the message and the exit code.

Folder arguments mean the same everywhere: ``DIR`` (positional) is the data folder or one
programme folder, ``--programme`` one programme folder, ``-p``/``--pairing`` a pairing's id.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, pipeline
from .bundle import BundleReport
from .documents.kinds import built_kinds
from .errors import (
    DocgenError,
    InputError,
    PreflightFailed,
    Problem,
    RenderError,
    TemplateCheckFailed,
    Unfinished,
    UsageError,
    display_path,
    os_reason,
)
from .load import PAIRINGS_DIR, PROGRAMME_FILE, Loaded, find_programmes
from .load.model.cycle import Term
from .load.schema import SCHEMAS
from .options import DEFAULTS, BundleOptions, Options
from .output_tree import EARLIER, STALE
from .progress import Progress
from .records import Finding, KeptEdit, Moved
from .shards import parse_shard

# ------------------------------------------------------------------ Chinese help

_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_CLICK_WORDS = [("No such option", "没有这个选项"), ("No such command", "没有这个命令"),
                ("Missing argument", "缺少参数"), ("Missing option", "缺少选项"),
                ("Invalid value for", "取值无效："), ("does not exist", "不存在"),
                ("Got unexpected extra argument", "多余的参数"), ("requires an argument", "需要一个参数"),
                ("is not one of", "不是可选值之一"), ("Did you mean", "您是不是想写")]
HELP = "显示本帮助并退出"
SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

_EXTRA = re.compile(r"\[([^\[\]]*)\]$")
"""What click appends to an option's help: [required], [default: out; 5<=x<=3600]."""


def _zh_extra(m: re.Match) -> str:
    return "［" + m.group(1).replace("required", "必填").replace("default: ", "默认：").replace("; ", "；") + "］"


def _zh(message: str) -> str:
    for en, zh in _CLICK_WORDS:
        message = message.replace(en, zh)
    return message


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, prefix="用法：")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _EXTRA.sub(_zh_extra, text)) for term, text in rows], *args, **kwargs)


class _Context(click.Context):
    """docgen's commands format their help in Chinese (other click programs in the process are untouched)."""

    formatter_class = _Formatter


class _Chinese:
    """What every docgen command and group shares: Chinese help, ``-h``, the width."""

    context_class: type[click.Context] = _Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["context_settings"] = {**SETTINGS, **(kwargs.get("context_settings") or {})}
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP
        return option


class DocgenCommand(_Chinese, click.Command):
    """A docgen command: declare it with ``@cli.command(help=...)`` and a function."""


class DocgenGroup(_Chinese, click.Group):
    """docgen's group of commands: its commands and sub-groups are docgen's too."""

    command_class = DocgenCommand
    group_class = type  # sub-groups are DocgenGroups


class _Option(click.Option):
    """An option with old spellings (``aliases``) that still work but are not shown in the help."""

    def __init__(self, *args: Any, aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = aliases

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        shown, self.opts = self.opts, [o for o in self.opts if o not in self.aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


# ------------------------------------------------------------------ shared options

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _stack(*decorators: Decorator) -> Decorator:
    """Several option decorators as one (applied in the order they would be written)."""

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


data_argument = click.argument("directory", metavar="[DIR]", default="data", type=click.Path(path_type=Path))
"""DIR: the data folder (every programme in it) or one programme folder; data/ when left out."""

output_option = click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out"),
                             show_default=True, help="输出目录")

templates_option = click.option("-t", "--templates", "template_dir", type=click.Path(path_type=Path), default=None,
                                help="模板目录（默认使用自带的模板）")

converter_options = _stack(
    click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
                 help="并行的 LibreOffice 进程数（默认等于 CPU 核数）"),
    click.option("--timeout", type=click.FloatRange(5, 3600), default=DEFAULTS.timeout, show_default=True,
                 help="单个文件转换超时（秒）；很长的文件按其长度相应加长"))

incremental_options = _stack(
    click.option("--force", is_flag=True, help="全部重新生成（默认跳过数据、模板都未改变的文件）"),
    click.option("--shard", metavar="I/N", default=None,
                 help="只处理第 I 个分片（共 N 个，I 从 0 起）的结对，教育局的文书在第 0 片；"
                      "只写 N 时 I 取自环境变量 JOB_COMPLETION_INDEX 或 SLURM_ARRAY_TASK_ID"),
    click.option("-v", "--verbose", is_flag=True, help="逐个列出生成的文件（默认在终端只显示进度条）"))


def pairings_option(help: str) -> Decorator:
    """``-p``/``--pairing ID``, repeatable: only these pairings."""
    return click.option("-p", "--pairing", "pairings", multiple=True, metavar="ID", help=help)


def years_option(help: str) -> Decorator:
    """``-y``/``--year YEAR``, repeatable: a cycle year by its first calendar year."""
    return click.option("-y", "--year", "years", multiple=True, metavar="YEAR", help=help)


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """--as-of 2026-12-31 (also 2026/12/31, 2026年12月31日) → a date, or a Chinese usage error."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", value)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise click.BadParameter(f"“{value}”不是日期，请写成 2026-12-31 的形式")


def _term(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--term 2026春 / 2025秋 → the term's key, or a Chinese usage error."""
    if value is None:
        return None
    term = Term.parse(value)
    if term is None:
        raise click.BadParameter(f"“{value}”不是学期，请写成 2025秋 或 2026春（年份为学期开始的年份）")
    return term.key


as_of_option = click.option(
    "--as-of", "as_of", metavar="DATE", callback=_as_of, default=None,
    help="统计截至哪一天（如 2026-12-31）：只计到这一天已经结束的周、月、学期和学年，未结束的不算未完成；"
         "不写时：年度总结统计到落款日期，没有落款的到今天；考核汇总统计到年度或学期的最后一天"
         "（尚未结束的到今天）")


def term_option(help: str) -> Decorator:
    """``--term 2026春``: one term instead of whole years."""
    return click.option("--term", metavar="TERM", callback=_term, default=None,
                        help="只统计一个学期，如 2025秋、2026春（年份为学期开始的年份）" + help)


def programme_option(old_p: bool = False) -> Decorator:
    """``--programme DIR``: one programme folder. ``old_p`` keeps ``-p`` working as an old
    spelling where a command has no pairing option (``-p`` means a pairing in the help)."""
    return click.option("--programme", *(["-p"] if old_p else []), "programme_dir", cls=_Option,
                        aliases=("-p",) if old_p else (), type=click.Path(path_type=Path), default=None,
                        metavar="DIR", help="方案目录（含 programme.yaml）；data/ 下只有一个方案时可省略")


def kind_help() -> str:
    """The ``-k`` help, from the kinds registry: families first, then the kinds they group."""
    kinds = built_kinds()
    families = list(dict.fromkeys(k.family for k in kinds))
    names = [k.name for k in kinds if k.name not in families]
    return f"只生成某类文书，可重复：{'、'.join(families)}，或 {'、'.join(names)}"


def programme_folder(given: Path | None, pairing: str | None = None) -> Path:
    """The programme folder given (it must hold programme.yaml), or else the one under data/:
    the only one, or the only one that holds ``pairing``."""
    if given is not None:
        if not (given / PROGRAMME_FILE).is_file():
            raise UsageError(f"{display_path(given)} 不是方案目录（没有 {PROGRAMME_FILE}）；开始下一年度请用 "
                             "docgen new programme 新目录 --from 上一年度的方案目录，它会建好方案文件和结对文件")
        return given
    found = find_programmes(Path("data"))
    holding = [p for p in found if (p / PAIRINGS_DIR / f"{pairing}.yaml").exists()] if pairing else []
    if len(holding) == 1:
        return holding[0]
    if len(found) == 1:
        return found[0]
    raise UsageError("data/ 下有多个方案，请用 --programme 指定其中一个：" + "、".join(display_path(p) for p in found))


# ------------------------------------------------------------------ what runs say

class _Printer(pipeline.Listener):
    """Says what the pipeline tells, in Chinese: warnings on stderr, progress on stdout."""

    def __init__(self, verbose: bool = False):
        self.progress = Progress(verbose)
        self.waited: set[Path] = set()

    def began(self, stage: str, total: int) -> None:
        self.progress.began(stage, total)

    def advanced(self, stage: str, item: str, ok: bool) -> None:
        self.progress.advanced(item, ok)

    def warned(self, warning: Problem) -> None:
        click.echo(str(warning), err=True)

    def skipped(self, loaded: Loaded) -> None:
        click.echo(f"{display_path(loaded.root)}：方案文件有错误，跳过此方案。", err=True)

    def rendered(self, loaded: Loaded, folder: Path, count: int) -> None:
        click.echo(f"{display_path(loaded.root)} → {display_path(folder)}：已生成 {count} 个文件")

    def converted(self, count: int) -> None:
        click.echo(f"已转换 PDF {count} 个。")

    def moved(self, loaded: Loaded, moves: list[Moved]) -> None:
        shown = [display_path(m.source) for m in moves[:SHOWN_MOVED]]
        more = f"等 {len(moves)} 个" if len(moves) > SHOWN_MOVED else ""
        earlier = moves[0].target.parent.parent.name == EARLIER
        click.echo(f"{moves[0].reason}：已将 {len(moves)} 个{'文件或文件夹' if earlier else '文件'}移到 "
                   f"{display_path(_aside_folder(moves[0].target))}（没有删除{'' if earlier else '，其中的 说明.txt 记有原因'}）："
                   f"{'、'.join(shown)}{more}", err=not earlier)

    def kept(self, loaded: Loaded, edit: KeptEdit) -> None:
        if edit.reason:  # kept where it was, nothing made in its place
            click.echo(f"{display_path(edit.path)} 在生成后被手工修改过：已保留为同一文件夹中的“{edit.kept.name}”，"
                       f"没有移走（{edit.reason}）。", err=True)
            return
        click.echo(f"{display_path(edit.path)} 在生成后被手工修改过：已保留为同一文件夹中的“{edit.kept.name}”，"
                   f"并按数据重新生成了“{edit.path.name}”（要让改动以后也生效，请把它写进数据或模板）。", err=True)

    def waiting(self, folder: Path) -> None:
        if folder not in self.waited:
            self.waited.add(folder)
            click.echo(f"另一个 docgen 正在生成 {display_path(folder)} 中的文件，等它完成后继续……", err=True)


SHOWN_MOVED = 10
"""Moved files listed by name; the rest are counted."""


def _aside_folder(target: Path) -> Path:
    """The dated folder (过期/<date> or bundles/以前的版本/<date>) a moved output went into."""
    for folder in target.parents:
        if folder.parent.name in (STALE, EARLIER):
            return folder
    return target.parent


def _summary(outcome: pipeline.Outcome, written: int, noun: str) -> str:
    """What a run made, left as it was, removed and failed to make, on one line."""
    unchanged = outcome.unchanged_count
    parts = [f"新生成 {written} {noun}", f"未变跳过 {unchanged} 个"]
    stale = [m for m in outcome.moved if STALE in m.target.parts]
    if stale:
        parts.append(f"过期移走 {len(stale)} 个（没有删除）")
    if outcome.kept:
        parts.append(f"保留手工修改过的 {len(outcome.kept)} 个")
    if outcome.failures:
        parts.append(f"失败 {len(outcome.failures)} 个（{'、'.join(f.file for f in outcome.failures[:3])}"
                     + ("等" if len(outcome.failures) > 3 else "") + "）")
    return "汇总：" + "，".join(parts) + "。"


def _finish(outcome: pipeline.Outcome, written: int, noun: str = "个文件") -> None:
    """The summary; input problems (exit 2), then failed files (exit 4), else the count of what was made."""
    click.echo(_summary(outcome, written, noun))
    if outcome.problems:
        for line in RenderError(outcome.failures).lines() if outcome.failures else []:
            click.echo(line, err=True)  # why they failed (the bureau's lists, left incomplete by the problems)
        raise InputError(outcome.problems, preface="以下数据有错误，相关文件未生成：")
    if outcome.failures:
        raise RenderError(outcome.failures)
    unfinished = [(display_path(b.bundle.folder / d.word), d.gaps) for b in outcome.bundles for d in b.drafts]
    if unfinished:  # the preflight's verdict on the same PDFs too, as build --pdf gives it
        try:
            _preflight(outcome.preflight_findings())
        except PreflightFailed:
            for line in Unfinished(unfinished).lines():
                click.echo(line, err=True)
            raise
        raise Unfinished(unfinished)
    _preflight(outcome.preflight_findings())
    click.echo(f"完成：共 {written} {noun}。")


def _preflight(findings: list[Finding]) -> None:
    """Warnings are summed up, one line per file and rule; failures end the command (exit 8),
    drafts or not: every command gives the same verdict on the same document."""
    warned: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.warning:
            warned.setdefault((finding.file, finding.rule), []).append(finding)
    for (file, rule), items in warned.items():
        more = f"（另有 {len(items) - 1} 个文件同样）" if len(items) > 1 else ""
        click.echo(f"提示：{file}：{items[0].document}【{rule}】{items[0].detail}{more}", err=True)
    failures = [f for f in findings if not f.warning]
    if failures:
        raise PreflightFailed(failures)


def _describe(report: BundleReport) -> list[str]:
    """A line per bundle, and per reason the parties not sealed (details in manifest.json)."""
    out = [f"{display_path(report.zip)}：{report.pages} 页，盖章 {report.sealed} 处"]
    by_reason: dict[str, list[str]] = {}
    for miss in report.missing:
        parties = by_reason.setdefault(miss.reason, [])
        if miss.party not in parties:
            parties.append(miss.party)
    for reason, parties in by_reason.items():
        count = sum(1 for m in report.missing if m.reason == reason)
        out.append(f"  未盖章 {count} 处（{reason}）：{'、'.join(parties)}")
    return out


def _value(text: str) -> str:
    return f"“{text}”" if text else "（空）"


# ------------------------------------------------------------------ commands

@click.group(cls=DocgenGroup, help="docgen：结对帮扶文书生成工具（通知、实施方案、协议书、责任书、年度总结）。")
@click.version_option(__version__, "-V", "--version", message="docgen %(version)s", help="显示版本并退出")
def cli() -> None:
    pass


@cli.command(help="检查方案和结对数据。DIR 可以是一个方案目录，也可以是包含多个方案的目录（默认 data/）。")
@data_argument
def validate(directory: Path) -> None:
    from .documents.plan import pairs_said

    for item in pipeline.validate(directory, _Printer()):
        assert item.programme is not None  # validate() raises unless every programme file was read
        pairs = f"（{pairs_said(item.programme, item.pairings)}）" if item.pairings else ""  # the plan's words
        logs = f"，活动记录 {len(item.activities)} 个文件" if item.activities else ""
        click.echo(f"{display_path(item.root)}：{item.programme.title}，结对文件 {len(item.pairings)} 个{pairs}"
                   f"{logs}，数据无误。")


@cli.command(help="输出数据文件（方案、结对、活动记录）的 JSON Schema，供编辑器自动补全和检查 YAML。")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="写入目录（生成 " + "、".join(f"{name}.schema.json" for name in SCHEMAS) + "）；不写则输出到屏幕")
@click.option("--kind", type=click.Choice(list(SCHEMAS)), help="只输出一种")
def schema(output: Path | None, kind: str | None) -> None:
    chosen = {name: make() for name, make in SCHEMAS.items() if kind in (None, name)}
    if output is None:
        body = chosen[kind] if kind else chosen
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, body in chosen.items():
        path = output / f"{name}.schema.json"
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"已写入 {display_path(path)}")


@cli.group(help="新建数据文件的模板。")
def new() -> None:
    pass


@new.command("pairing", help="在方案目录的 pairings/ 下新建一个带注释的结对文件 ID.yaml。")
@click.argument("pairing_id", metavar="ID")
@programme_option(old_p=True)
@click.option("--county", default="", help="县市区")
@click.option("--supporter", default="", help="支援学校全称")
@click.option("--recipient", "recipients", multiple=True, help="受援学校全称，可重复多次")
@click.option("--force", is_flag=True, help="文件已存在时覆盖")
def new_pairing(pairing_id: str, programme_dir: Path | None, county: str, supporter: str,
                recipients: tuple[str, ...], force: bool) -> None:
    from .load.model.common import ID_RE
    from .load.skeleton import pairing_skeleton
    from .outputs import write_atomic

    if not ID_RE.match(pairing_id):
        raise UsageError(f"结对标识“{pairing_id}”中不能有空格和 / \\ : * ? \" < > | 等字符")
    target = programme_folder(programme_dir) / PAIRINGS_DIR / f"{pairing_id}.yaml"
    if target.exists() and not force:
        raise UsageError(f"{display_path(target)} 已存在；如要覆盖请加 --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, pairing_skeleton(county, supporter, list(recipients)).encode("utf-8"))
    click.echo(f"已新建 {display_path(target)}，请填写后运行 docgen validate 检查。")


@new.command("programme",
             help="开始下一年度（下一周期）：以上一周期的方案目录（--from）为基础新建方案目录 NEW_DIR。复制方案文件"
                  "（注释保留；帮扶周期移到新的日期；标题、正文中明确指本方案年度的年份改为新年份）、结对文件"
                  "（学校、负责人、印章、师徒和干部结对保留；年度总结、月度计划、签订日期等上一年度的内容去掉）和公章图片；"
                  "活动记录和证明材料不复制，仍在原目录中。逐条列出改了什么、去掉了什么、还有哪些地方写着上一年度，请核对。")
@click.argument("new_dir", metavar="NEW_DIR", type=click.Path(path_type=Path))
@click.option("--from", "old_dir", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="上一周期的方案目录，如 data/gaotai-2020")
@click.option("--start", metavar="DATE", callback=_as_of, default=None,
              help="新周期的开始日期，如 2021-03-01；不写则为上一周期结束的第二天。周期的年数和划分年度的方法不变")
@click.option("-n", "--dry-run", is_flag=True, help="只显示将要做的修改，不写文件")
def new_programme(new_dir: Path, old_dir: Path, start: dt.date | None, dry_run: bool) -> None:
    from .load.nextcycle import next_cycle

    made = next_cycle(old_dir, new_dir, start, dry_run=dry_run)
    for line in next_cycle_lines(made):
        click.echo(line)


def next_cycle_lines(made: Any) -> list[str]:
    """What ``docgen new programme`` says of a ``NextCycle``."""
    from .text import cn_date

    target, source = display_path(made.target), display_path(made.source)
    verb = "已新建" if made.written else "试运行：将新建"
    out = [f"{verb}方案 {target}（{made.title}），帮扶周期 {cn_date(made.start)}至{cn_date(made.end)}"
           f"（上一周期 {cn_date(made.old_start)}至{cn_date(made.old_end)}）。",
           f"复制了：方案文件 programme.yaml、结对文件 {made.pairings} 个、公章图片 {made.seals} 个。"]
    if made.not_copied:
        out.append(f"没有复制（上一周期的记录，仍在 {source} 中）：{'、'.join(made.not_copied)}。")
    if made.replaced:
        out.append(f"已改为新年份的地方（{len(made.replaced)} 处，请核对）：")
        out += [f"  {note.problem(made)}" for note in made.replaced]
    if made.left_out:
        out.append(f"上一年度的内容，没有带到新方案（{len(made.left_out)} 处；原文件在 {source} 中，没有改动）：")
        out += [f"  {note.problem(made)}" for note in made.left_out]
    if made.to_check:
        out.append(f"需要核对（{len(made.to_check)} 处仍写着上一周期的年份，没有自动改）：")
        out += [f"  {note.problem(made)}" for note in made.to_check]
    for rel, lines in made.comments.items():
        if lines:
            out.append(f"说明：{display_path(made.target / rel)} 第 {'、'.join(map(str, lines))} 行的注释提到上一周期的年份"
                       "（注释不印入文书，可按需修改）。")
    out.append("另请通读核对：领导小组成员（学校有变动的）、正文和附件中写上一年度情况的文字、各结对的负责人和结对人员。")
    if made.problems:
        out.append(f"新方案还有 {len(made.problems)} 处需要填写或修改（docgen validate 的结果）：")
        out += [f"  {problem}" for problem in made.problems]
    elif made.written:
        out.append(f"docgen validate {target}：数据无误。下一步：核对以上各处，再用 docgen build {target} 生成文书。")
    if not made.written:
        out.append("试运行：没有写入任何文件。")
    return out


@cli.command(help="由数据生成 Word 文件（通知、实施方案、协议书、责任书、年度总结）。"
                  "DIR 默认 data/，输出到 out/<方案>/ 和 out/<方案>/<结对>/。")
@data_argument
@output_option
@click.option("-k", "--kind", "kinds", multiple=True, metavar="KIND", help=kind_help())
@pairings_option("只生成某个结对的文书，可重复")
@years_option("年度总结的年度（周期年度的起始年份，如 2022）；不写则只生成已填写总结文字的年度")
@as_of_option
@term_option("，生成学期工作总结")
@templates_option
@click.option("--pdf", is_flag=True, help="同时在每个 Word 文件旁生成 PDF（需要 LibreOffice）")
@converter_options
@incremental_options
def build(directory: Path, output: Path, kinds: tuple[str, ...], pairings: tuple[str, ...],
          years: tuple[str, ...], as_of: dt.date | None, term: str | None, template_dir: Path | None, pdf: bool,
          jobs: int | None, timeout: float, force: bool, shard: str | None, verbose: bool) -> None:
    options = Options(kinds=kinds, pairings=pairings, years=years, as_of=as_of, term=term,
                      templates=template_dir or DEFAULTS.templates, pdf=pdf, jobs=jobs, timeout=timeout, force=force,
                      shard=parse_shard(shard))
    outcome = pipeline.build(directory, output, options, _Printer(verbose))
    _finish(outcome, len(outcome.documents) + len(outcome.pdfs))


@cli.command(help="生成报送材料：每个结对（和教育局）一个文件夹和 .zip，内含 Word 文件、"
                  "合并并加盖印章的 PDF（封面、目录、书签）和 manifest.json。")
@data_argument
@output_option
@pairings_option("只生成某个结对的报送材料，可重复")
@as_of_option
@converter_options
@click.option("--duplex", is_flag=True, help="双面打印：每个文件补足偶数页")
@click.option("--seal-mm", type=click.FloatRange(10, 80), default=DEFAULTS.bundle.seal_mm, show_default=True,
              help="印章直径（毫米）")
@click.option("--sign", "sign_cert", type=click.Path(path_type=Path), default=None,
              help="用 PKCS#12 证书（.p12/.pfx）对合并的 PDF 做 PAdES 数字签名，接收方可验证文件未被改动")
@click.option("--sign-password", envvar="DOCGEN_SIGN_PASSWORD", default=None,
              help="证书密码（也可用环境变量 DOCGEN_SIGN_PASSWORD 提供）")
@templates_option
@incremental_options
def bundle(directory: Path, output: Path, pairings: tuple[str, ...], as_of: dt.date | None, jobs: int | None,
           timeout: float, duplex: bool, seal_mm: float, sign_cert: Path | None, sign_password: str | None,
           template_dir: Path | None, force: bool, shard: str | None, verbose: bool) -> None:
    options = Options(pairings=pairings, as_of=as_of, templates=template_dir or DEFAULTS.templates, jobs=jobs,
                      timeout=timeout, force=force, shard=parse_shard(shard),
                      bundle=BundleOptions(duplex=duplex, seal_mm=seal_mm, sign_cert=sign_cert, sign_password=sign_password))
    printer = _Printer(verbose)
    outcome = pipeline.bundle(directory, output, options, printer)
    for report in outcome.bundles:
        lines = _describe(report)
        if verbose or not printer.progress.terminal or len(lines) > 1:  # on a terminal: only the unsealed
            for line in lines:
                click.echo(line)
    click.echo("说明：PDF 上的印章是图片叠加，仅供打印和预览，不是具有法律效力的电子印章（GB/T 38540）。")
    _finish(outcome, len(outcome.bundles), "个报送包（文件夹和 .zip）")


@cli.command(help="生成教育局的考核汇总：每个结对的活动次数、承诺完成情况、迟报，方案有考核细则时还有得分，"
                  "写成 .xlsx 和 Word 附件（out/<方案>/report/）。")
@data_argument
@output_option
@years_option("年度（周期年度的起始年份）；不写则为有活动记录的每个年度")
@as_of_option
@term_option("")
@templates_option
@click.option("--force", is_flag=True, help="全部重新生成（默认跳过数据、模板都未改变的文件）")
@click.option("-v", "--verbose", is_flag=True, help="逐个列出写入的文件")
def report(directory: Path, output: Path, years: tuple[str, ...], as_of: dt.date | None, term: str | None,
           template_dir: Path | None, force: bool, verbose: bool) -> None:
    options = Options(years=years, as_of=as_of, term=term, templates=template_dir or DEFAULTS.templates, force=force)
    outcome = pipeline.report(directory, output, options, _Printer(verbose))
    for written in outcome.reports:
        for path in written.paths:
            click.echo(f"已写入 {display_path(path)}")
        data = written.rollup
        behind = sum(1 for r in data.rows if r.behind)
        click.echo(f"  {data.label}：{len(data.rows)} 个结对，{behind} 个未完成承诺或没有活动记录"
                   + (f"（{data.as_of_note}）" if data.as_of_note else "") + "。")
    if outcome.failures:
        raise RenderError(outcome.failures)
    if not outcome.reports:
        click.echo("没有活动记录，未生成汇总（活动记录放在 activities/<年度>/<结对标识>.yaml）。")


@cli.command("check-pdf", help="按 GB/T 9704 检查 PDF：纸张和版心、正文字号和行距、页码、标题和层次标题字体、版头和版记、字体、"
                               "空白页、只有签署的页、本可调整行距留在前页的签署区、页末孤立的标题、跨页只剩一行的表格、图和图题、"
                               "印章位置和图片、署名行数和字号、成文日期、已盖章文件中的草稿；并校验是否为 PDF/A-2b 归档格式。"
                               "报送包的 PDF 按其 manifest.json 逐个文件检查。")
@click.argument("paths", metavar="文件或目录...", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_pdf(paths: tuple[Path, ...]) -> None:
    from .preflight.check import WHOLE_FILE, check_file

    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob("*.pdf"))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"找不到 {display_path(path)}")
    if not files:
        raise UsageError("没有找到 PDF 文件")
    findings: list[Finding] = []
    documents = 0
    for file in files:
        for result in check_file(file):
            documents += result.document != WHOLE_FILE
            findings += result.located(display_path(file))
    _preflight(findings)
    click.echo(f"已检查 {len(files)} 个 PDF（{documents} 个文件），全部符合 GB/T 9704，且为 PDF/A-2b 归档格式。")


@cli.group("import", help="从表格导入数据。")
def import_() -> None:
    pass


@import_.command("activities",
                 help="把学校的活动记录表（.xlsx 或 .csv；列：日期、类型、学科、人次、参与人员、内容、证明材料、报备日期）"
                      "导入为 activities/<年度>/<结对标识>.yaml。表头上方可以有标题行。再次导入（如春季学期的记录）时合并："
                      "新记录加入，已有的记录按日期、类型等认出，不重复；改动逐项列出；人工评分（scores）、注释和表中没有的内容都保留。")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-p", "--pairing", "pairing_id", required=True, metavar="ID", help="结对标识（pairings/ 下的文件名）")
@programme_option()
@click.option("-y", "--year", default=None, metavar="YEAR", help="年度（周期年度的起始年份）；不写则按表中日期判断")
@click.option("-n", "--dry-run", is_flag=True, help="只显示将要新增和修改的记录，不写文件")
@click.option("--force", is_flag=True, hidden=True)
def import_activities(file: Path, pairing_id: str, programme_dir: Path | None, year: str | None, dry_run: bool,
                      force: bool) -> None:
    from .activities.merge import import_activities as run_import
    from .load import load_programme

    if force:
        click.echo("提示：--force 已不需要：再次导入时会合并记录，不会覆盖已有的文件。", err=True)
    plan = run_import(file, load_programme(programme_folder(programme_dir, pairing_id)), pairing_id, year,
                      dry_run=dry_run)
    for warning in plan.warnings:
        click.echo(str(warning), err=True)
    for name in plan.skipped_sheets:
        click.echo(f"工作表“{name}”中没有找到日期、类型、内容等列，已跳过。")
    target = display_path(plan.target)
    click.echo(f"{display_path(file)}：{len(plan.outcomes)} 条记录，对应 {target}。")
    for outcome in plan.having("new"):
        click.echo(f"新增 {outcome.describe()}（{outcome.row.label()}）")
    for outcome in plan.having("changed"):
        click.echo(f"修改 {outcome.describe()}（{outcome.row.label()}）：")
        for change in outcome.changes:
            click.echo(f"  {change.column}：{_value(change.old)} → {_value(change.new)}")
    same = plan.having("same")
    if same:
        click.echo(f"未变 {len(same)} 条（文件中已有，内容相同）。")
    new, changed = len(plan.having("new")), len(plan.having("changed"))
    if not plan.written:
        click.echo(f"试运行：将新增 {new} 条、修改 {changed} 条记录，没有写入任何文件。")
    elif new or changed:
        kept = "；原有的人工评分（scores）、注释和表中没有的内容都已保留" if plan.base is not None else ""
        click.echo(f"完成：新增 {new} 条、修改 {changed} 条记录，已写入 {target}{kept}。")
    else:
        click.echo(f"完成：{target} 已包含表中的全部记录，没有需要修改的内容。")


@import_.command("pairings",
                 help="把教育局的结对名单（.xlsx 或 .csv，UTF-8 或 GBK）导入为 pairings/ 下的结对文件，每个支援学校的结对一个文件。"
                      "列：县市区、支援学校（帮扶学校）、受援学校（被帮扶学校），可选备注、负责人。合并单元格或空白格表示同上；"
                      "一格可写多所学校（换行或用空格、顿号隔开）；负责人先写支援学校的，再依次写受援学校的。"
                      "再次导入时按学校名称找到原有文件，只更新表中的内容，手工补充的师徒结对、计划、注释等保留不变。")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@programme_option(old_p=True)
@click.option("--county", default="", help="表中没有县市区列（或开头几行没写县市区）时，这些结对的县市区，如 高台县")
@click.option("-n", "--dry-run", is_flag=True, help="只显示将要新增和修改的内容，不写文件")
@click.option("-v", "--verbose", is_flag=True, help="逐个列出检查过的结对文件")
def import_pairings(file: Path, programme_dir: Path | None, county: str, dry_run: bool, verbose: bool) -> None:
    from .load.pairlist import import_pairings as run_import

    report = run_import(file, programme_folder(programme_dir), county=county, dry_run=dry_run,
                        progress=_Printer(verbose))
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    for name in report.skipped_sheets:
        click.echo(f"工作表“{name}”中没有找到支援学校、受援学校列，已跳过。")
    click.echo(f"{display_path(file)}：{len(report.results)} 个结对，支援—受援学校 {report.pairs} 对。")
    for result in report.having("new"):
        recipients = "、".join(r.full_name for r in result.sheet.recipients)
        click.echo(f"新增 {display_path(result.path)}：{result.sheet.supporter.full_name} → {recipients}")
    for result in report.having("changed"):
        click.echo(f"修改 {display_path(result.path)}（{result.sheet.supporter.full_name}）：")
        for change in result.changes:
            if change.kind == "add":
                click.echo(f"  新增{change.what}：{change.new}")
            elif change.kind == "remove":
                click.echo(f"  删除{change.what}：{change.old}（名单中已没有）")
            else:
                click.echo(f"  {change.what}：{_value(change.old)} → {_value(change.new)}")
    same = report.having("same")
    if same:
        click.echo(f"未变 {len(same)} 个结对文件。")
    advice = ("本方案的周期已结束，请不要删除：删除会把它从这个周期的文书和报送材料中去掉" if report.ended
              else "如该结对已撤销，请手工删除此文件")
    for stale in report.stale:
        click.echo(f"表中没有 {display_path(stale.path)}（{stale.describe()}）：已保留，未删除；{advice}。")
    for replaced in report.replaced:
        click.echo(f"注意：{replaced.describe(report.written)}")
    new, changed = len(report.having("new")), len(report.having("changed"))
    if report.warnings:
        click.echo(f"请核对：有 {len(report.warnings)} 条提醒（见上，每条写明工作表和单元格）；如需改正，改好表格后再导入一次即可。")
    if report.ended:
        click.echo(f"注意：{report.ended_warning()}")
    if not report.written:
        click.echo(f"试运行：将新增 {new} 个、修改 {changed} 个结对文件，没有写入任何文件。")
    elif new or changed:
        click.echo(f"完成：新增 {new} 个、修改 {changed} 个结对文件。请运行 docgen validate 检查，并补充负责人职务、师徒结对等内容。")
    else:
        click.echo("完成：结对文件已与名单一致，没有需要修改的内容。")


@cli.group("export", help="把数据导出为表格。")
def export() -> None:
    pass


@export.command("pairings", help="把方案的结对名单导出为 .xlsx（或 .csv）：县市区、支援学校、受援学校、负责人、备注，"
                                 "每对支援—受援学校一行，同一结对相同的内容合并单元格。修改后可用 docgen import pairings 导回。")
@programme_option(old_p=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="写入的文件（.xlsx 或 .csv）")
def export_pairings(programme_dir: Path | None, output: Path) -> None:
    from .load.pairlist import export_pairings as run_export

    target, pairings, rows = run_export(programme_folder(programme_dir), output)
    click.echo(f"已写入 {display_path(target)}：{pairings} 个结对，支援—受援学校 {rows} 对。")


@export.command("activities-template",
                help="生成发给学校填写的空白活动记录表（.xlsx）：列名与 docgen import activities 读取的完全一致，"
                     "类型、组织方（给定结对时还有受援学校和师徒姓名）为下拉列表，日期限在帮扶周期内。填好后可直接导入。")
@click.option("--programme", "programme_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="方案目录：类型列表加入方案承诺中的细分（如“观摩学习（教师）”），日期限在周期内；不写则生成通用的表")
@click.option("-p", "--pairing", "pairing_id", default=None, metavar="ID", help="为某个结对生成：受援学校和师徒姓名可从列表选择")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="写入的文件（.xlsx），如 活动记录表.xlsx")
def export_activities_template(programme_dir: Path | None, pairing_id: str | None, output: Path) -> None:
    from .activities.merge import find_pairing
    from .activities.sheet_template import template
    from .load import load_programme
    from .outputs import write_atomic

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"活动记录表只能导出为 .xlsx 文件，而不是 {output.suffix or '无扩展名的文件'}")
    loaded = pairing = None
    if programme_dir is not None or pairing_id is not None:
        loaded = load_programme(programme_folder(programme_dir, pairing_id))
        if loaded.programme is None:
            raise InputError(loaded.problems)
        pairing = find_pairing(loaded, pairing_id) if pairing_id else None
    write_atomic(output, template(loaded, pairing))
    who = f"（{pairing.supporter.name}结对）" if pairing else ""
    click.echo(f"已写入 {display_path(output)}{who}：列名与 docgen import activities 读取的一致，发给学校填写后可直接导入。")


@cli.group(help="公章图片相关命令。")
def seal() -> None:
    pass


@seal.command("prepare",
              help="把盖在白纸上的公章扫描件或照片（JPG、PNG 等）做成报送包盖章用的透明背景 PNG：保留红色印迹，"
                   "去掉白色（包括略灰、有纹理的纸张）和黑色文字，裁到印章大小并做成正方形，旁边另存一张预览图。"
                   "图片上的印迹大多不是红色时拒绝并说明原因。")
@click.argument("scan", metavar="扫描件", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="保存为（.png），如 data/方案/seals/县教育局公章.png；不写则保存在扫描件旁边，文件名加“_透明”")
def seal_prepare(scan: Path, output: Path | None) -> None:
    from .load.seal_prepare import prepare_file

    target = output or scan.with_name(f"{scan.stem}_透明.png")
    prepared, preview = prepare_file(scan, target)
    side = prepared.image.width
    click.echo(f"已生成透明背景的公章图片 {display_path(target)}（{side}×{side} 像素，红色印迹占图中印迹的 {prepared.red_share:.0%}）。")
    click.echo(f"预览：{display_path(preview)}（左：扫描件；中：透明背景；右：盖在文字上的效果）。请打开预览，确认印迹完整、"
               "没有多余的污点。")
    click.echo(f"在数据中引用它（路径相对于方案目录），如：seal: seals/{target.name}")


@cli.group(help="模板相关命令。")
def templates() -> None:
    pass


@templates.command("check", help="检查模板：标签能否解析（包括被 Word 拆开的标签），用到的每个变量在对应文书的数据中是否存在。")
@click.argument("directory", metavar="[DIR]", required=False, type=click.Path(path_type=Path))
def templates_check(directory: Path | None) -> None:
    from .authoring.check import check_dir

    folder = directory or DEFAULTS.templates
    if not folder.is_dir():
        raise UsageError(f"找不到模板目录 {display_path(folder)}")
    checked = check_dir(folder)
    if not checked.files:
        raise UsageError(f"{display_path(folder)} 中没有 .docx 模板")
    for note in checked.notes:
        click.echo(f"说明：{note}")
    if checked.findings:
        raise TemplateCheckFailed([str(finding) for finding in checked.findings])
    click.echo(f"已检查 {len(checked.files)} 个模板，没有发现问题。")


# --------------------------------------------------------------------- serve

@cli.command(help="启动浏览器工作台：在浏览器中导入名单、填写结对和活动记录、生成并下载报送材料。"
                  "DATA_DIR 默认 data/；数据仍保存在其中的 YAML 文件里。")
@click.argument("directory", metavar="[DATA_DIR]", default="data", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（默认只允许本机访问）")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="端口")
@output_option
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="常驻的 LibreOffice 进程数（默认等于 CPU 核数）")
def serve(directory: Path, host: str, port: int, output: Path, jobs: int | None) -> None:
    from .serve import run

    run(directory, output, host, port, jobs, say=click.echo)


# --------------------------------------------------------------------- accounts

data_option = click.option("-d", "--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"),
                           show_default=True, help="工作台的数据目录（账号保存在其中的 .docgen/ 里）")


def _accounts(data_dir: Path):
    from .serve.accounts import Accounts
    from .serve.state import State

    if not data_dir.is_dir():
        raise UsageError(f"找不到数据目录 {display_path(data_dir)}：请用 -d 给出 docgen serve 使用的数据目录")
    return Accounts(State(data_dir))


def _new_password(name: str) -> str:
    """The password, asked twice without showing it (at a terminal) or read from the first
    line of standard input (a script); never an argument (it would stay in the shell's history)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line.strip():
            raise UsageError("标准输入中没有密码：请在终端中运行（会提示输入），或把密码作为标准输入的第一行")
        return line.rstrip("\r\n")
    first = click.prompt(f"为账号“{name}”设置密码", hide_input=True, prompt_suffix="：")
    second = click.prompt("再输入一次", hide_input=True, prompt_suffix="：")
    if first != second:
        raise UsageError("两次输入的密码不一致，账号未改动")
    return first


def _school_known(data_dir: Path, school: str) -> None:
    """A school account's school must be a party of some pairing of the data folder."""
    import difflib

    from .load import load_programme

    names = set()
    try:
        roots = find_programmes(data_dir)
    except UsageError:
        roots = []
    for root in roots:
        for pairing in load_programme(root).pairings:
            names.update([pairing.supporter.name, *(r.name for r in pairing.recipients)])
    if school not in names:
        near = difflib.get_close_matches(school, sorted(names), n=3, cutoff=0.5)
        hint = f"；是不是：{'、'.join(near)}" if near else ""
        raise UsageError(f"数据目录中没有哪个结对的支援学校或受援学校叫“{school}”{hint}（学校账号只能看到本校参与的结对，"
                         "请写与结对数据一致的学校全称）")


@cli.group(help="工作台的账号：教育局（bureau）、学校（school）、只读（viewer）。账号保存在数据目录的 .docgen/ 中，"
                "密码只保存不可逆的 Argon2 摘要。")
def user() -> None:
    pass


@user.command("add", help="添加账号 NAME。密码在终端中输入两次（不显示），或从标准输入的第一行读取；不能写在命令行上。")
@click.argument("name", metavar="NAME")
@click.option("--role", type=click.Choice(["bureau", "school", "viewer"]), required=True,
              help="bureau 教育局：全部权限；school 学校：只看和填写本校参与的结对；viewer 只读")
@click.option("--school", default="", metavar="学校名", help="学校账号所属学校的全称（与结对数据中的名称一致）")
@data_option
def user_add(name: str, role: str, school: str, data_dir: Path) -> None:
    from .serve.accounts import ROLE_HELP, check_name

    accounts = _accounts(data_dir)
    name = check_name(name)
    if accounts.get(name) is not None:
        raise UsageError(f"账号“{name}”已存在：改密码请用 docgen user passwd {name}")
    school = school.strip()
    if role == "school" and not school:
        raise UsageError("学校账号要用 --school 写明学校全称（与结对数据中的学校名称一致）")
    if role != "school" and school:
        raise UsageError("只有学校账号（--role school）需要 --school")
    if school:
        _school_known(data_dir, school)
    account = accounts.add(name, role, school, _new_password(name))
    where = f"（{account.school}）" if account.school else ""
    click.echo(f"已添加{account.role_name}账号“{account.name}”{where}：{ROLE_HELP[account.role]}。")


@user.command("list", help="列出全部账号：角色、学校、上次登录、是否被锁定。")
@data_option
def user_list(data_dir: Path) -> None:
    import time

    accounts = _accounts(data_dir)
    found = accounts.all()
    if not found:
        click.echo("还没有账号。添加第一个：docgen user add 名称 --role bureau")
        return
    for account in found:
        last = time.strftime("%Y-%m-%d %H:%M", time.localtime(account.last_login)) if account.last_login else "从未登录"
        until = accounts.locked_until(account.name)
        lock = f"，已锁定至 {time.strftime('%H:%M', time.localtime(until))}" if until else ""
        school = f"  {account.school}" if account.school else ""
        click.echo(f"{account.name}  {account.role_name}{school}  上次登录：{last}{lock}")


@user.command("passwd", help="为账号 NAME 设置新密码（同时解除锁定，并让该账号已登录的浏览器全部退出）。")
@click.argument("name", metavar="NAME")
@data_option
def user_passwd(name: str, data_dir: Path) -> None:
    accounts = _accounts(data_dir)
    if accounts.get(name) is None:
        raise UsageError(f"没有账号“{name}”（docgen user list 列出全部账号）")
    accounts.set_password(name, _new_password(name))
    click.echo(f"已为账号“{name}”设置新密码；它已登录的浏览器都已退出。")


@user.command("remove", help="删除账号 NAME（它已登录的浏览器立即退出；修改记录中它的名字保留）。")
@click.argument("name", metavar="NAME")
@data_option
def user_remove(name: str, data_dir: Path) -> None:
    accounts = _accounts(data_dir)
    accounts.remove(name)
    left = accounts.count()
    click.echo(f"已删除账号“{name}”。" + ("" if left else "已没有任何账号：工作台只能在本机地址上（一人使用）启动。"))


# --------------------------------------------------------------------- explain

@cli.command("explain",
             help="逐段、逐个表格单元格列出 docgen 生成的 Word 文件中每段文字的来源：数据文件的哪一行、"
                  "程序写的哪一句，或模板的固定文字。")
@click.argument("documents", metavar="DOCX...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-d", "--data", "data_dir", type=click.Path(path_type=Path), default=Path("data"), show_default=True,
              help="生成这些文件的方案目录或其上级目录")
@click.option("-t", "--templates", "template_dir", type=click.Path(path_type=Path), default=None,
              help="生成时用的模板目录（默认为内置模板）")
def explain_command(documents: tuple[Path, ...], data_dir: Path, template_dir: Path | None) -> None:
    from .explain import explain

    for n, document in enumerate(documents):
        if n:
            click.echo("")
        for line in explain(document, data_dir, template_dir):
            click.echo(line)


# ------------------------------------------------------------------ the only exit

INTERRUPTED = "已中断。重新运行同一命令即可接着完成（已经生成好的文件不会重做）。"


def _exit_code(argv: list[str] | None) -> int:
    """Run the command line; what a user reads of a failure, and the exit code."""
    try:
        code = cli.main(args=argv, prog_name="docgen", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except DocgenError as error:
        for line in error.lines():
            click.echo(line, err=True)
        return error.exit_code
    except click.exceptions.Abort as abort:
        click.echo(INTERRUPTED if isinstance(abort.__cause__, KeyboardInterrupt) else "已取消。", err=True)
        return 130
    except click.exceptions.UsageError as error:
        if error.ctx is not None:
            click.echo(error.ctx.get_usage(), err=True)
        click.echo(f"错误：{_zh(error.format_message())}", err=True)
        return 2
    except click.exceptions.ClickException as error:
        click.echo(f"错误：{_zh(error.format_message())}", err=True)
        return error.exit_code
    except KeyboardInterrupt:
        click.echo(INTERRUPTED, err=True)
        return 130
    except OSError as error:  # a disk error outside any one document (each document's own is its failure)
        where = f"{display_path(error.filename)}：" if error.filename else ""
        click.echo(f"错误：{where}{os_reason(error)}", err=True)
        return 1
    except Exception as error:  # noqa: BLE001 - the last resort: a fault of docgen, said without a traceback
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        click.echo(f"docgen 内部错误（{type(error).__name__}: {error}）。已写出的文件都是完整的；请设置环境变量 "
                   "DOCGEN_DEBUG=1 后重新运行，把显示的信息报告给维护者。", err=True)
        return 1


def main(argv: list[str] | None = None) -> None:
    """``docgen``: the one place the process exits."""
    sys.exit(_exit_code(argv))


if __name__ == "__main__":
    main()
