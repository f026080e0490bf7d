"""YAML syntax errors reach a clerk in Chinese, at their line, saying what to do; tabs are all
reported in one run, and a tab at the end of a line is not called indentation."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from docgen.errors import SourceError
from docgen.load.yaml_source import parse
from tests.helpers import DATA, PROBLEM_LINE, run

ENGLISH = re.compile(r"\b(expected|found|while|scanning|parsing|block|mapping|token|character|document|stream|"
                     r"indicator|escape|alias|anchor|node|flow|sequence|scalar|end|but)\b", re.IGNORECASE)

# The clerk's 城南小学.yaml, as the walkthrough has it: school seals added by hand.
CHENGNAN = """\
county: 梅岭县
supporter:
  name: 城南小学
  lead:
    name: 黄静
    position: 校长
  seal: seals/城南小学.png
recipients:
  - name: 白沙镇中心小学
    lead:
      name: 林志远
      position: 校长
    seal: seals/白沙镇中心小学.png
  - name: 大塘小学
signed_on: 2026-09-10
"""


def problems(text: str) -> list[str]:
    try:
        src = parse(Path("城南小学.yaml"), text)
    except SourceError as exc:
        return [str(p) for p in exc.problems]
    return [str(p) for p in src.problems]  # problems that did not stop the reading


def test_a_misindented_key_is_explained_in_chinese_at_its_line():
    text = CHENGNAN.replace("    seal: seals/白沙镇中心小学.png", "   seal: seals/白沙镇中心小学.png")
    [line] = problems(text)
    m = PROBLEM_LINE.match(line)
    assert m and m["line"] == "13", line
    assert "缩进" in m["msg"] and "3 个空格" in m["msg"] and not ENGLISH.search(m["msg"]), line


def test_a_key_indented_less_than_its_level_is_explained():
    text = CHENGNAN.replace("  seal: seals/城南小学.png", " seal: seals/城南小学.png")
    [line] = problems(text)
    assert ":7:" in line and "缩进" in line and "1 个空格" in line and not ENGLISH.search(line), line


def test_every_tab_is_reported_in_one_run_and_a_trailing_tab_is_not_indentation():
    lines = CHENGNAN.splitlines()
    lines[5] = lines[5] + "\t"                      # line 6: after 校长, invisible
    lines[6] = "\t" + lines[6].lstrip()              # line 7: indented with a tab
    lines[13] = "\t" + lines[13].lstrip()            # line 14: indented with a tab
    found = problems("\n".join(lines) + "\n")
    got = {PROBLEM_LINE.match(p)["line"]: PROBLEM_LINE.match(p)["msg"] for p in found}
    assert sorted(got, key=int) == ["7", "14"], found
    assert all("行首" in msg and "Tab" in msg for msg in got.values())


def test_a_trailing_tab_read_by_the_slow_reader_is_still_not_an_error():
    # a character docx cannot hold sends the file to PyYAML's own reader, which rejects a
    # tab at the end of a line: the clerk hears of the character, not of a tab
    text = CHENGNAN.replace("position: 校长\n  seal", "position: 校长\t\n  seal").replace("name: 黄静", "name: 黄\x07静")
    found = problems(text)
    assert found and not [p for p in found if "Tab" in p], found


def test_validate_reports_all_tabs_of_a_pairing_at_once(make_programme):
    body = CHENGNAN.replace("  seal: seals/城南小学.png\n", "").replace("    seal: seals/白沙镇中心小学.png\n", "")
    body = body.replace("  name: 城南小学", "\tname: 城南小学").replace("  - name: 大塘小学", "\t- name: 大塘小学")
    root = make_programme(pairings={"chengnan": body})
    result = run("validate", root)
    tabs = [ln for ln in result.stderr.splitlines() if "Tab" in ln]
    assert result.returncode == 2 and len(tabs) == 2, result.stderr


MUTATIONS = [":", " ", "  ", "-", "- ", "\"", "'", "[", "]", "{", "}", "\t", "?", "&", "*", "!", "|", ">", "%", "@",
             "`", "#", ",", "\\", "：", "\n", "\n  ", "---\n"]


def _mutants(count: int):
    rng = random.Random(20261205)
    files = sorted(DATA.glob("*/programme.yaml")) + sorted(DATA.glob("*/pairings/*.yaml"))[:12] \
        + sorted(DATA.glob("*/activities/*/*.yaml"))[:2]
    texts = [f.read_text("utf-8") for f in files]
    for _ in range(count):
        text = rng.choice(texts)
        at = rng.randrange(len(text))
        kind = rng.random()
        if kind < 0.45:
            text = text[:at] + rng.choice(MUTATIONS) + text[at:]
        elif kind < 0.8:
            text = text[:at] + text[at + rng.randint(1, 3):]
        else:  # re-indent a line
            start = text.rfind("\n", 0, at) + 1
            text = text[:start] + rng.choice(["", " ", "   ", "\t"]) + text[start:].lstrip(" ")
        yield text


@pytest.mark.slow  # 1200 mutants read: seconds, so not the inner loop
@pytest.mark.parametrize("chunk", range(4))
def test_no_syntax_error_reaches_the_clerk_in_english(chunk):
    """Hundreds of typing accidents in the example files: every message is Chinese."""
    english = []
    for i, text in enumerate(_mutants(1200)):
        if i % 4 != chunk:
            continue
        for line in problems(text):
            if ENGLISH.search(line.split("  ", 2)[-1]):
                english.append(line)
    assert english == [], english[:5]


@pytest.mark.parametrize(("before", "after", "line", "key"), [
    ("county: 梅岭县", "county:梅岭县", "1", "county"),  # top level: the next key's line was told
    ("  name: 城南小学", "  name:城南小学", "3", "name"),  # nested: the next line was told
])
def test_a_key_glued_to_its_value_is_told_at_its_own_line(before, after, line, key):
    """Review 32 D11: ``county:高台县`` (no space after the colon) was reported at the line after
    it, as 缺少英文冒号, though the colon is there."""
    [found] = problems(CHENGNAN.replace(before, after, 1))
    m = PROBLEM_LINE.match(found)
    assert m and m["line"] == line, found
    assert "冒号后缺少空格" in m["msg"] and f"写成“{after.strip().replace(':', ': ', 1)}”" in m["msg"], found
    assert f"“{key}:”" in m["msg"] and not ENGLISH.search(m["msg"])


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_open_quote_is_told_where_it_opens(quote):
    """Review 32 D11: a quote left open on line 9 of a 589-line file was reported at line 590,
    one past the end, though the message says 从这里开始的引号."""
    text = CHENGNAN.replace("    seal: seals/白沙镇中心小学.png", f"    seal: {quote}seals/白沙镇中心小学.png")
    [found] = problems(text)
    m = PROBLEM_LINE.match(found)
    assert m and (m["line"], m["col"]) == ("13", "11"), found
    assert "引号没有成对" in m["msg"]
