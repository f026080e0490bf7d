"""Command line: wires the stages together and nothing else."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import DocgenError, UsageError, display_path
from .load import PAIRINGS_DIR, find_programmes, load_all, load_strict

_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_CLICK_WORDS = [("No such option", "没有这个选项"), ("No such command", "没有这个命令"),
                ("Missing argument", "缺少参数"), ("Missing option", "缺少选项"),
                ("Invalid value for", "取值无效："), ("does not exist", "不存在"),
                ("Got unexpected extra argument", "多余的参数"), ("requires an argument", "需要一个参数"),
                ("is not one of", "不是可选值之一"), ("Did you mean", "您是不是想写")]


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog, args="", prefix=None):
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, prefix="用法：")

    def write_heading(self, heading):
        super().write_heading(_HEADINGS.get(heading, heading))


click.Context.formatter_class = _Formatter
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _zh(message: str) -> str:
    for en, zh in _CLICK_WORDS:
        message = message.replace(en, zh)
    return message


def _warn(loaded) -> None:
    for item in loaded:
        for warning in item.warnings:
            click.echo(str(warning), err=True)


def _fail(error: DocgenError) -> None:
    for line in error.lines():
        click.echo(line, err=True)
    sys.exit(error.exit_code)


@click.group(context_settings=CONTEXT, help="docgen：结对帮扶文书生成工具（通知、实施方案、协议书、责任书、年度总结）。")
@click.version_option(__version__, "-V", "--version", message="docgen %(version)s", help="显示版本并退出")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def cli() -> None:
    pass


@cli.command(context_settings=CONTEXT, help="检查方案和结对数据。DIR 可以是一个方案目录，也可以是包含多个方案的目录（默认 data/）。")
@click.argument("directory", metavar="DIR", default="data", type=click.Path(path_type=Path))
@click.help_option("-h", "--help", help="显示本帮助并退出")
def validate(directory: Path) -> None:
    loaded = load_strict(directory)
    _warn(loaded)
    for item in loaded:
        pairs = sum(len(p.pairs) for p in item.pairings)
        logs = f"，活动记录 {len(item.activities)} 个文件" if item.activities else ""
        click.echo(f"{display_path(item.root)}：{item.programme.title}，结对 {len(item.pairings)} 个，"
                   f"支援—受援学校 {pairs} 对{logs}，数据无误。")


@cli.command(context_settings=CONTEXT, help="输出数据文件（方案、结对、活动记录）的 JSON Schema，供编辑器自动补全和检查 YAML。")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="写入目录（生成 programme.schema.json、pairing.schema.json、activities.schema.json）；不写则输出到屏幕")
@click.option("--kind", type=click.Choice(["programme", "pairing", "activities"]), help="只输出一种")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def schema(output: Path | None, kind: str | None) -> None:
    from .schema import schemas

    all_schemas = schemas()
    chosen = {kind: all_schemas[kind]} if kind else all_schemas
    if output is None:
        body = chosen[kind] if kind else chosen
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, body in chosen.items():
        path = output / f"{name}.schema.json"
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"已写入 {display_path(path)}")


@cli.group(context_settings=CONTEXT, help="新建数据文件的模板。")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def new() -> None:
    pass


@new.command("pairing", context_settings=CONTEXT, help="在方案目录的 pairings/ 下新建一个带注释的结对文件 ID.yaml。")
@click.argument("pairing_id", metavar="ID")
@click.option("-p", "--programme", "programme_dir", type=click.Path(path_type=Path), default=None,
              help="方案目录（含 programme.yaml）；data/ 下只有一个方案时可省略")
@click.option("--county", default="", help="县市区")
@click.option("--supporter", default="", help="支援学校全称")
@click.option("--recipient", "recipients", multiple=True, help="受援学校全称，可重复多次")
@click.option("--force", is_flag=True, help="文件已存在时覆盖")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def new_pairing(pairing_id: str, programme_dir: Path | None, county: str, supporter: str,
                recipients: tuple[str, ...], force: bool) -> None:
    from .checks import _ID_RE
    from .skeleton import pairing_skeleton
    from .write import write_atomic

    if not _ID_RE.match(pairing_id):
        raise UsageError(f"结对标识“{pairing_id}”中不能有空格和 / \\ : * ? \" < > | 等字符")
    if programme_dir is None:
        found = find_programmes(Path("data"))
        if len(found) != 1:
            raise UsageError("data/ 下有多个方案，请用 --programme 指定其中一个："
                             + "、".join(display_path(p) for p in found))
        programme_dir = found[0]
    elif not (programme_dir / "programme.yaml").is_file():
        raise UsageError(f"{display_path(programme_dir)} 不是方案目录（没有 programme.yaml）")
    target = programme_dir / PAIRINGS_DIR / f"{pairing_id}.yaml"
    if target.exists() and not force:
        raise UsageError(f"{display_path(target)} 已存在；如要覆盖请加 --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, pairing_skeleton(county, supporter, list(recipients)).encode("utf-8"))
    click.echo(f"已新建 {display_path(target)}，请填写后运行 docgen validate 检查。")


@cli.command(context_settings=CONTEXT, help="由数据生成 Word 文件（通知、实施方案、协议书、责任书、年度总结）。"
                                             "DIR 默认 data/，输出到 out/<方案>/ 和 out/<方案>/<结对>/。")
@click.argument("directory", metavar="DIR", default="data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="输出目录")
@click.option("-k", "--kind", "kinds", multiple=True, metavar="KIND",
              help="只生成某类文书，可重复：notice、plan、agreement、letter、summary，"
                   "或 programme_plan、pairing_plan、management_letter、teacher_letter")
@click.option("-p", "--pairing", "pairings", multiple=True, metavar="ID", help="只生成某个结对的文书，可重复")
@click.option("-y", "--year", "years", multiple=True, metavar="YEAR",
              help="年度总结的年度（周期年度的起始年份，如 2022）；不写则只生成已填写总结文字的年度")
@click.option("-t", "--templates", "template_dir", type=click.Path(path_type=Path), default=None,
              help="模板目录（默认使用自带的 templates/）")
@click.option("--pdf", is_flag=True, help="同时在每个 Word 文件旁生成 PDF（需要 LibreOffice）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="并行的 LibreOffice 进程数（默认等于 CPU 核数）")
@click.option("--timeout", type=click.FloatRange(5, 3600), default=120, show_default=True, help="单个文件转换超时（秒）")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def build(directory: Path, output: Path, kinds: tuple[str, ...], pairings: tuple[str, ...],
          years: tuple[str, ...], template_dir: Path | None, pdf: bool, jobs: int | None, timeout: float) -> None:
    everything, done, failures = _render_all(directory, output, kinds, pairings, years, template_dir)
    if pdf and done:
        from .convert import Pool, to_pdf

        with Pool(jobs=jobs, timeout=timeout) as pool:
            made, failed = to_pdf([job.path for job, _ in done], pool)
        click.echo(f"已转换 PDF {len(made)} 个。")
        failures += failed
    _finish(everything, failures, len(done))


def _render_all(directory, output, kinds, pairings, years, template_dir):
    """load -> jobs -> render, for build and bundle."""
    from .jobs import plan_jobs
    from .kinds import BY_NAME, GROUPS, select
    from .render import TEMPLATE_DIR, Renderer, render_jobs

    unknown = [k for k in kinds if k not in BY_NAME and k not in GROUPS]
    if unknown:
        raise UsageError(f"没有文书类型“{'、'.join(unknown)}”；可选：{'、'.join(dict.fromkeys(GROUPS + list(BY_NAME)))}")
    everything = load_all(directory)
    _warn(everything)
    if pairings:
        known = {p.id for item in everything for p in item.pairings}
        missing = [p for p in pairings if p not in known]
        if missing:
            raise UsageError(f"找不到结对“{'、'.join(missing)}”（结对标识即 pairings/ 下的文件名）")
    renderer = Renderer(template_dir or TEMPLATE_DIR)
    done, failures = [], []
    for loaded in everything:
        if loaded.programme is None:
            click.echo(f"{display_path(loaded.root)}：方案文件有错误，跳过此方案。", err=True)
            continue
        jobs = plan_jobs(loaded, select(kinds), output, pairing_ids=set(pairings) or None, years=set(years) or None)
        ok, failed = render_jobs(jobs, renderer)
        done += ok
        failures += failed
        click.echo(f"{display_path(loaded.root)} → {display_path(output / loaded.id)}：已生成 {len(ok)} 个文件")
    return everything, done, failures


def _finish(everything, failures, written: int, noun: str = "个文件") -> None:
    from .errors import InputError, RenderError

    problems = [p for item in everything for p in item.problems]
    if problems:
        click.echo("以下数据有错误，相关文件未生成：", err=True)
        _fail(InputError(problems))
    if failures:
        _fail(RenderError(failures))
    click.echo(f"完成：共 {written} {noun}。")


@cli.command(context_settings=CONTEXT, help="生成报送材料：每个结对（和教育局）一个文件夹和 .zip，内含 Word 文件、"
                                             "合并并加盖印章的 PDF（封面、目录、书签）和 manifest.json。")
@click.argument("directory", metavar="DIR", default="data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="输出目录")
@click.option("-p", "--pairing", "pairings", multiple=True, metavar="ID", help="只生成某个结对的报送材料，可重复")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="并行的 LibreOffice 进程数（默认等于 CPU 核数）")
@click.option("--timeout", type=click.FloatRange(5, 3600), default=120, show_default=True, help="单个文件转换超时（秒）")
@click.option("--duplex", is_flag=True, help="双面打印：每个文件补足偶数页")
@click.option("--seal-mm", type=click.FloatRange(10, 80), default=42, show_default=True, help="印章直径（毫米）")
@click.option("--sign", "sign_cert", type=click.Path(path_type=Path), default=None,
              help="用 PKCS#12 证书（.p12/.pfx）对合并的 PDF 做 PAdES 数字签名，接收方可验证文件未被改动")
@click.option("--sign-password", envvar="DOCGEN_SIGN_PASSWORD", default=None,
              help="证书密码（也可用环境变量 DOCGEN_SIGN_PASSWORD 提供）")
@click.option("-t", "--templates", "template_dir", type=click.Path(path_type=Path), default=None,
              help="模板目录（默认使用自带的 templates/）")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def bundle(directory: Path, output: Path, pairings: tuple[str, ...], jobs: int | None, timeout: float,
           duplex: bool, seal_mm: float, sign_cert: Path | None, sign_password: str | None,
           template_dir: Path | None) -> None:
    import tempfile

    if sign_cert is not None:
        from .sign import load_signer

        load_signer(sign_cert, sign_password)  # a wrong password fails now, before any work

    from . import bundle as bundling
    from .convert import Pool
    from .render import TEMPLATE_DIR, Renderer

    everything, done, failures = _render_all(directory, output, (), pairings, (), template_dir)
    reports = []
    with Pool(jobs=jobs, timeout=timeout) as pool, tempfile.TemporaryDirectory(prefix="docgen-bundle-") as work:
        specs = []
        for loaded in everything:
            if loaded.programme is None:
                continue
            specs += bundling.plan(loaded, [(j, c) for j, c in done if j.scope.programme_id == loaded.id], output)
        renderer = Renderer(template_dir or TEMPLATE_DIR)
        reports, failed = bundling.make_all(specs, renderer, pool, bundling.Options(duplex, seal_mm, sign_cert, sign_password), Path(work))
        failures += failed
    for report in reports:
        for line in bundling.describe(report):
            click.echo(line)
    click.echo("说明：PDF 上的印章是图片叠加，仅供打印和预览，不是具有法律效力的电子印章（GB/T 38540）。")
    _finish(everything, failures, len(reports), "个报送包（文件夹和 .zip）")


@cli.command(context_settings=CONTEXT, help="生成教育局的考核汇总：每个结对的活动次数、承诺完成情况、迟报和得分，"
                                             "按得分排序，写成 .xlsx 和 Word 附件（out/<方案>/report/）。")
@click.argument("directory", metavar="DIR", default="data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="输出目录")
@click.option("-y", "--year", "years", multiple=True, metavar="YEAR", help="年度（周期年度的起始年份）；不写则为有活动记录的每个年度")
@click.option("-t", "--templates", "template_dir", type=click.Path(path_type=Path), default=None,
              help="模板目录（默认使用自带的 templates/）")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def report(directory: Path, output: Path, years: tuple[str, ...], template_dir: Path | None) -> None:
    from .render import TEMPLATE_DIR, Renderer
    from .report import rollup, write, years_with_records

    loaded_all = load_strict(directory)
    _warn(loaded_all)
    renderer = Renderer(template_dir or TEMPLATE_DIR)
    written = 0
    for loaded in loaded_all:
        keys = {y.key for y in loaded.programme.cycle.cycle_years}
        chosen = list(years) or years_with_records(loaded)
        bad = [y for y in chosen if y not in keys]
        if bad:
            raise UsageError(f"{loaded.id}：{'、'.join(bad)} 不是帮扶周期中的年度（可选：{'、'.join(sorted(keys))}）")
        for year in chosen:
            data = rollup(loaded, year)
            for path in write(data, output, renderer):
                click.echo(f"已写入 {display_path(path)}")
                written += 1
            behind = sum(1 for r in data.rows if r.behind)
            click.echo(f"  {data.year.label}：{len(data.rows)} 个结对，{behind} 个未完成承诺或没有活动记录。")
    if not written:
        click.echo("没有活动记录，未生成汇总（活动记录放在 activities/<年度>/<结对标识>.yaml）。")


@cli.group("import", context_settings=CONTEXT, help="从表格导入数据。")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def import_() -> None:
    pass


@import_.command("activities", context_settings=CONTEXT,
                 help="把学校的活动记录表（.xlsx 或 .csv；列：日期、类型、学科、人次、参与人员、内容、证明材料、报备日期）"
                      "导入为 activities/<年度>/<结对标识>.yaml。")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("-p", "--pairing", "pairing_id", required=True, metavar="ID", help="结对标识（pairings/ 下的文件名）")
@click.option("--programme", "programme_dir", type=click.Path(path_type=Path), default=None,
              help="方案目录；data/ 下只有一个方案时可省略")
@click.option("-y", "--year", default=None, metavar="YEAR", help="年度（周期年度的起始年份）；不写则按表中日期判断")
@click.option("--force", is_flag=True, help="已有该年度的记录文件时覆盖")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def import_activities(file: Path, pairing_id: str, programme_dir: Path | None, year: str | None, force: bool) -> None:
    from .importer import import_activities as run_import
    from .load import load_programme

    if programme_dir is None:
        found = find_programmes(Path("data"))
        candidates = [p for p in found if (p / PAIRINGS_DIR / f"{pairing_id}.yaml").exists()]
        if len(candidates) != 1:
            raise UsageError("请用 --programme 指定方案目录：" + "、".join(display_path(p) for p in found))
        programme_dir = candidates[0]
    loaded = load_programme(programme_dir)
    if loaded.programme is None or loaded.pairing(pairing_id) is None and loaded.problems:
        from .errors import InputError

        raise InputError(loaded.problems)
    target, n = run_import(file, loaded, pairing_id, year, force)
    click.echo(f"已导入 {n} 条记录到 {display_path(target)}。")


@cli.group(context_settings=CONTEXT, help="模板相关命令。")
@click.help_option("-h", "--help", help="显示本帮助并退出")
def templates() -> None:
    pass


@templates.command("check", context_settings=CONTEXT,
                   help="检查模板：标签能否解析（包括被 Word 拆开的标签），用到的每个变量在对应文书的数据中是否存在。")
@click.argument("directory", metavar="DIR", required=False, type=click.Path(path_type=Path))
@click.help_option("-h", "--help", help="显示本帮助并退出")
def templates_check(directory: Path | None) -> None:
    from .render import TEMPLATE_DIR
    from .tplcheck import check_dir

    folder = directory or TEMPLATE_DIR
    if not folder.is_dir():
        raise UsageError(f"找不到模板目录 {display_path(folder)}")
    files, findings = check_dir(folder)
    if not files:
        raise UsageError(f"{display_path(folder)} 中没有 .docx 模板")
    for finding in findings:
        click.echo(str(finding), err=True)
    if findings:
        click.echo(f"{len(findings)} 处问题，请在 Word 中修改模板后重新检查。", err=True)
        sys.exit(3)
    click.echo(f"已检查 {len(files)} 个模板，没有发现问题。")


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="docgen", standalone_mode=False)
    except DocgenError as error:
        _fail(error)
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(130)
    except click.exceptions.UsageError as error:
        if error.ctx is not None:
            click.echo(error.ctx.get_usage(), err=True)
        click.echo(f"错误：{_zh(error.format_message())}", err=True)
        sys.exit(2)
    except click.exceptions.ClickException as error:
        click.echo(f"错误：{_zh(error.format_message())}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("已中断。", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
