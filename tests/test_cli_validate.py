"""The CLI as a user runs it: exit codes, Chinese output, no tracebacks."""
from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from docgen.load.yaml_source import read
from tests.helpers import DATA, MINI_PAIRING, run


def test_validate_examples_exit_zero():
    result = run("validate", "data")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("：", 1) for line in result.stdout.splitlines())
    # the pairs counted in each programme's own words, as its plan counts them (帮扶对子 for 一对多)
    assert lines["data/yichun-2022"] == ("宜春市县域普通高中结对帮扶工作方案，结对文件 14 个"
                                         "（结对15对，涉及支援学校12所、受援学校15所），数据无误。")
    assert lines["data/gaotai-2020"].endswith("结对文件 6 个（帮扶对子6个，涉及帮扶学校6所、被帮扶学校14所），"
                                              "活动记录 3 个文件，数据无误。")
    assert "（帮扶对子1个，涉及帮扶团队1个、受援学校2所）" in lines["data/hongsibu-2023"]
    assert "支援—受援" not in result.stdout


def test_validate_bad_input_exit_two_without_traceback(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.encode("gbk"), "p2": "county: [\n"})
    result = run("validate", str(root))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ".yaml:" in ln]
    assert len(lines) == 2 and "UTF-8" in lines[0]


def test_validate_missing_directory():
    result = run("validate", "no-such-dir")
    assert result.returncode == 2 and "找不到目录" in result.stderr


def test_help_is_chinese():
    for args in (["--help"], ["validate", "--help"], ["schema", "--help"], ["new", "pairing", "--help"], ["build", "--help"],
                 ["bundle", "--help"], ["report", "--help"], ["import", "activities", "--help"], ["import", "pairings", "--help"],
                 ["export", "pairings", "--help"], ["templates", "check", "--help"]):
        result = run(*args)
        assert result.returncode == 0
        assert "用法：" in result.stdout and "显示本帮助并退出" in result.stdout


def test_unknown_option_message_is_chinese():
    result = run("validate", "--bogus")
    assert result.returncode == 2 and "没有这个选项" in result.stderr


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


@pytest.mark.slow  # validates every example against the schema
def test_schema_is_valid_and_examples_conform(tmp_path):
    result = run("schema")
    assert result.returncode == 0
    schemas = json.loads(result.stdout)
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    # one validator per schema, checked once above (jsonschema.validate checks the schema
    # again for every file it is given)
    validators = {name: jsonschema.Draft202012Validator(schema) for name, schema in schemas.items()}
    for prog in DATA.glob("*/programme.yaml"):
        validators["programme"].validate(_jsonable(read(prog).data))
        for pairing in (prog.parent / "pairings").glob("*.yaml"):
            validators["pairing"].validate(_jsonable(read(pairing).data))
        for log in (prog.parent / "activities").glob("*/*.yaml"):
            validators["activities"].validate(_jsonable(read(log).data))
    # and a broken file does not conform
    broken = yaml.safe_load(MINI_PAIRING)
    broken["unknown"] = 1
    try:
        validators["pairing"].validate(broken)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("unknown key accepted by the schema")


def test_schema_to_directory(tmp_path):
    result = run("schema", "-o", str(tmp_path))
    assert result.returncode == 0
    assert json.loads((tmp_path / "pairing.schema.json").read_text("utf-8"))["type"] == "object"


def test_new_pairing_skeleton_guides_the_clerk(make_programme):
    root = make_programme()
    result = run("new", "pairing", "p9", "-p", str(root), "--county", "测试县", "--supporter", "甲中学",
                 "--recipient", "丁中学")
    assert result.returncode == 0, result.stderr
    text = (root / "pairings" / "p9.yaml").read_text("utf-8")
    assert "丁中学" in text and "#" in text
    # unfilled leads are reported, with line numbers, until the clerk fills them in
    check = run("validate", str(root))
    assert check.returncode == 2
    assert "p9.yaml:12:" in check.stderr and "supporter.lead.name  不能为空" in check.stderr
    filled = text.replace('name: ""', "name: 某某某")
    (root / "pairings" / "p9.yaml").write_text(filled, encoding="utf-8")
    assert run("validate", str(root)).returncode == 0
    again = run("new", "pairing", "p9", "-p", str(root))
    assert again.returncode == 2 and "已存在" in again.stderr


@pytest.mark.slow  # starts the installed program: seconds
def test_the_installed_program_runs():
    """The one place a subprocess is the point: docgen starts as a program of its own."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "docgen", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("docgen ")


def test_the_benchmark_specimen_is_a_valid_programme(tmp_path):
    from docgen.authoring.specimen import write_specimen
    from docgen.load import load_programme

    root = write_specimen(tmp_path / "specimen", pairings=3, seal_png=DATA / "gaotai-2020" / "seals" / "sample-school.png")
    loaded = load_programme(root)
    assert loaded.problems == [] and len(loaded.pairings) == 3 and loaded.activities
