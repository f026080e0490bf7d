"""The command line speaks with one voice: Chinese help on every command, one meaning of
each option, help lists made from the registries, and one exit."""
from __future__ import annotations

import ast
import re

import click
import pytest
from click.testing import CliRunner

from docgen.cli import cli
from docgen.documents.kinds import built_kinds
from docgen.load.schema import SCHEMAS
from tests.helpers import MINI_PAIRING, ROOT, run, syntax_nodes


def _commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


COMMANDS = [path for path, _ in _commands()]


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_chinese_help_with_h(path):
    result = run(*path, "-h")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：docgen " + " ".join(path))
    assert "选项：" in result.stdout and "显示本帮助并退出" in result.stdout
    assert "Show this message" not in result.stdout and "Options:" not in result.stdout


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_p_means_a_pairing_wherever_the_help_shows_it(path):
    """``-p`` in a help text is always ``--pairing``; the programme folder is ``--programme``
    (or a positional DIR) everywhere."""
    shown = run(*path, "-h").stdout
    for line in shown.splitlines():
        if re.match(r"\s+-p,", line):
            assert "--pairing" in line, line
        if "--programme" in line:
            assert re.match(r"\s+--programme DIR\s", line), line


def test_kind_help_lists_every_kind_a_build_makes():
    shown = " ".join(run("build", "-h").stdout.split())
    for kind in built_kinds():
        assert kind.name in shown.replace(" ", "") or kind.family in shown


def test_schema_kinds_come_from_the_registry():
    shown = run("schema", "-h").stdout
    assert f"[{'|'.join(SCHEMAS)}]" in shown
    for name in SCHEMAS:
        assert run("schema", "--kind", name).returncode == 0


def test_other_click_programs_keep_their_own_help():
    """docgen formats its help in Chinese without changing click for the whole process."""

    @click.command()
    @click.option("--name")
    def other(name):
        pass

    assert click.Context.formatter_class is click.HelpFormatter
    shown = CliRunner().invoke(other, ["--help"]).output
    assert shown.startswith("Usage:") and "Options:" in shown


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_main_is_the_only_exit():
    """No command calls sys.exit: failures are DocgenErrors that main turns into an exit code."""
    calls = []
    for path in (ROOT / "docgen").rglob("*.py"):
        if path.name == "uno_worker.py":
            continue  # a program of its own, run by LibreOffice's Python in the converter process
        for node in syntax_nodes(path):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exit" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "sys":
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == ["docgen/cli.py:" + str(_line_of_main_exit())], calls


def _line_of_main_exit() -> int:
    source = (ROOT / "docgen" / "cli.py").read_text("utf-8")
    tree = ast.parse(source)
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    return next(n.lineno for n in ast.walk(main) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "exit")


def test_template_check_failure_exits_3_through_main(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    result = run("templates", "check", tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip().endswith("处问题，请在 Word 中修改模板后重新检查。")


@pytest.mark.parametrize("spelling", ["--programme", "-p"])
def test_programme_folder_has_one_spelling_and_the_old_one_still_works(make_programme, spelling):
    root = make_programme(pairings={"p1": MINI_PAIRING})
    result = run("new", "pairing", "p2", spelling, root)
    assert result.returncode == 0, result.stderr
    assert (root / "pairings" / "p2.yaml").is_file()


def test_a_folder_without_programme_file_is_refused(tmp_path):
    result = run("new", "pairing", "p2", "--programme", tmp_path)
    assert result.returncode == 2
    assert "不是方案目录（没有 programme.yaml）" in result.stderr


def test_a_year_outside_the_cycle_is_refused_not_made_as_nothing(small_copy, tmp_path):
    """``build -y 2021`` of a 2020 programme made nothing and said 完成, exit 0 (a clerk's
    review); ``report`` already refused it."""
    result = run("build", small_copy, "-o", tmp_path / "out", "-y", "2021", "-k", "summary")
    assert result.returncode == 2
    assert "2021 不是帮扶周期中的年度（可选：2020）" in result.stderr
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file() and not p.name.startswith(".docgen")]
    assert run("build", small_copy, "-o", tmp_path / "out", "-y", "2020", "-k", "summary").returncode == 0
