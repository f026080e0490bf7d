"""Starting the next year (``docgen new programme NEW --from OLD``): a new programme folder that
validates, carries the schools, leads, seals and people pairs, moves the cycle and the
programme's own year, and leaves last year's summaries, plans, dates and records behind,
listing every place that still names the old year."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from docgen.errors import InputError
from docgen.load import load_programme
from docgen.load.nextcycle import next_cycle, replace_years
from docgen.load.yaml_source import read
from tests.helpers import DATA, PROBLEM_LINE, run

EXAMPLES = sorted(p.name for p in DATA.iterdir() if (p / "programme.yaml").is_file())

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop



def _lines(text: str, heading: str) -> list[str]:
    """The indented lines under a heading of the command's output."""
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith(heading):
            inside = True
        elif inside and line.startswith("  "):
            out.append(line.strip())
        elif inside:
            break
    return out


@pytest.fixture
def gaotai(tmp_path) -> Path:
    return Path(shutil.copytree(DATA / "gaotai-2020", tmp_path / "gaotai-2020"))


def test_gaotai_2021_validates_and_carries_what_continues(gaotai, tmp_path):
    result = run("new", "programme", tmp_path / "gaotai-2021", "--from", gaotai, "--start", "2021-03-01")
    assert result.returncode == 0, result.stderr
    new = tmp_path / "gaotai-2021"
    loaded = load_programme(new)
    assert loaded.problems == []
    assert run("validate", new).returncode == 0
    programme = loaded.programme
    assert programme.title == "高台县2021年中小学结对帮扶工作实施方案"
    assert (programme.cycle.start, programme.cycle.end, programme.cycle.years) == (
        dt.date(2021, 3, 1), dt.date(2021, 12, 31), 1)
    assert programme.leading_group.name == "高台县2021年中小学结对帮扶工作领导小组"
    assert programme.rubric.title == "高台县2021年中小学结对帮扶工作考核细则"
    assert [a.title for a in programme.attachments][0] == "高台县2021年中小学结对帮扶工作领导小组"
    # a fact of 2020 stays, and is listed with its line
    text = (new / "programme.yaml").read_text(encoding="utf-8")
    assert "以及2020年中共中央、国务院" in text
    check = _lines(result.stdout, "需要核对")
    fact_line = next(n for n, line in enumerate(text.splitlines(), 1) if "2020年中共中央" in line)
    assert any(line.startswith(f"{new}/programme.yaml:{fact_line}:") and "body[0]" in line for line in check), check
    # comments are kept
    assert text.splitlines()[0] == (gaotai / "programme.yaml").read_text(encoding="utf-8").splitlines()[0]
    # the pairings: the schools, leads, seals and people pairs; no summary, no plan
    old = {p.id: p for p in load_programme(gaotai).pairings}
    assert {p.id for p in loaded.pairings} == set(old)
    for pairing in loaded.pairings:
        before = old[pairing.id]
        for school, was in zip([pairing.supporter, *pairing.recipients], [before.supporter, *before.recipients],
                               strict=True):
            assert school.model_dump(exclude={"seal"}) == was.model_dump(exclude={"seal"})
            assert (school.seal and Path(school.seal).name) == (was.seal and Path(was.seal).name)
        for layer in ("teacher_pairs", "middle_manager_pairs"):
            assert [p.model_dump() for p in getattr(pairing, layer)] == [p.model_dump() for p in getattr(before, layer)]
        assert pairing.summaries == [] and pairing.monthly_plan == []
    assert sorted(p.name for p in (new / "seals").iterdir()) == sorted(p.name for p in (gaotai / "seals").iterdir())
    assert not (new / "activities").exists() and not (new / "evidence").exists()
    # what was left out is said, where it is in the old folder
    left = _lines(result.stdout, "上一年度的内容")
    assert any(line.startswith(f"{gaotai}/pairings/sanzhong.yaml:23:") and "summaries" in line for line in left), left
    assert any("chengguan.yaml" in line and "monthly_plan" in line for line in left)
    assert "activities/" in result.stdout and "evidence/" in result.stdout
    for line in _lines(result.stdout, "已改为新年份") + check + left:
        assert PROBLEM_LINE.match(line), line
    # the old folder is untouched
    assert load_programme(gaotai).programme.title == "高台县2020年中小学结对帮扶工作实施方案"


def test_the_new_years_documents_say_no_2020_the_data_no_longer_says(gaotai, tmp_path):
    new = tmp_path / "gaotai-2021"
    assert run("new", "programme", new, "--from", gaotai).returncode == 0
    out = tmp_path / "out"
    built = run("build", new, "-o", out)
    assert built.returncode == 0, built.stderr
    said = []
    for docx in out.rglob("*.docx"):
        xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
        text = re.sub(r"<[^>]+>", "", xml)
        said += [text[max(0, m.start() - 10):m.end() + 10] for m in re.finditer("2020", text)]
    assert said and all("2020年中共中央" in s for s in said), said  # only the fact listed to check
    assert any(docx.name.endswith("高台县2021年中小学结对帮扶工作实施方案.docx") for docx in out.rglob("*.docx"))
    assert not list(out.rglob("年度工作总结*"))  # no summary written for 2021 yet


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_examples_next_cycle_validates(name, tmp_path):
    source = Path(shutil.copytree(DATA / name, tmp_path / name))
    made = next_cycle(source, tmp_path / "next")
    assert made.written and made.problems == []
    loaded = load_programme(tmp_path / "next")
    assert loaded.problems == [] and loaded.programme is not None
    old = load_programme(source).programme
    assert loaded.programme.cycle.start == old.cycle.end + dt.timedelta(days=1)
    assert (loaded.programme.cycle.years, loaded.programme.cycle.basis) == (old.cycle.years, old.cycle.basis)
    assert len(loaded.pairings) == len(load_programme(source).pairings)
    for pairing in loaded.pairings:
        assert pairing.summaries == [] and pairing.monthly_plan == [] and pairing.signed_on is None
        assert pairing.cycle.start >= loaded.programme.cycle.start
    # every place still naming an old year is listed (file and line)
    old_years = {y for y in range(old.cycle.start.year, old.cycle.end.year + 1) if y < made.start.year}
    listed = {(n.rel, n.line) for n in made.to_check}
    for path in [tmp_path / "next" / "programme.yaml", *sorted((tmp_path / "next" / "pairings").glob("*.yaml"))]:
        rel = path.relative_to(tmp_path / "next").as_posix()
        source_file = read(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        naming = re.compile("(?<!\\d)(?:" + "|".join(map(str, old_years)) + ")(?!\\d)") if old_years else None
        for loc in list(source_file.values):
            line, _ = source_file.position(loc)
            value = _value(source_file.data, loc)
            if naming and isinstance(value, str) and naming.search(value):
                said = next(n for n in range(line, len(lines) + 1) if naming.search(lines[n - 1]))  # its line
                assert (rel, said) in listed, (rel, said, value)


def _value(data, loc):
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def test_a_document_number_and_a_date_of_the_old_year_are_listed_never_changed(example_copy, tmp_path):
    source = example_copy("yichun-2022")
    made = next_cycle(source, tmp_path / "yichun-2025")
    text = (tmp_path / "yichun-2025" / "programme.yaml").read_text(encoding="utf-8")
    assert "宜教体字〔2022〕38号" in text and "赣教基办函〔2022〕51号" in text
    numbers = [n for n in made.to_check if n.field.endswith("doc_no")]
    assert {n.field for n in numbers} == {"policy_basis[0].doc_no", "notices[0].doc_no"}
    assert all(text.splitlines()[n.line - 1].strip().startswith("doc_no:") for n in numbers)
    # the notice's deadline of 2022 is not carried into the new cycle, and that is said
    assert load_programme(tmp_path / "yichun-2025").programme.notices[0].deadline is None
    assert [n.field for n in made.left_out] == ["notices[0].deadline"] and made.left_out[0].old


def test_people_pairs_lose_last_years_dates_and_ended_pairs_stay_behind(gaotai, tmp_path):
    path = gaotai / "pairings" / "sanzhong.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "teacher_pairs:\n",
        "signed_on: 2020-03-06\nteacher_pairs:\n"
        "  - mentor: {name: 离某某, subject: 语文}\n    mentee: {name: 徒某某, subject: 语文}\n    end: 2020-06-30\n"
        "    reason: 调离\n")
    text = text.replace("    mentee: {name: 戚某某, subject: 数学, title: 二级教师}\n",
                        "    mentee: {name: 戚某某, subject: 数学, title: 二级教师}\n    start: 2020-03-01\n"
                        "    signed_on: 2020-04-02\n")
    path.write_text(text, encoding="utf-8")
    assert load_programme(gaotai).problems == []
    made = next_cycle(gaotai, tmp_path / "gaotai-2021")
    pairing = next(p for p in load_programme(tmp_path / "gaotai-2021").pairings if p.id == "sanzhong")
    assert [t.mentor.name for t in pairing.teacher_pairs] == ["姜某某"]
    kept = pairing.teacher_pairs[0]
    assert (kept.start, kept.end, kept.signed_on, pairing.signed_on) == (None, None, None, None)
    said = {n.field: n.message for n in made.left_out if n.rel == "pairings/sanzhong.yaml"}
    assert "2020年6月30日" in said["teacher_pairs[0]"] and "开始日期" in said["teacher_pairs[1]"]
    assert "signed_on" in said


def test_an_existing_folder_is_never_overwritten_and_nothing_half_written(gaotai, tmp_path, monkeypatch):
    taken = tmp_path / "gaotai-2021"
    taken.mkdir()
    (taken / "笔记.txt").write_text("x", encoding="utf-8")
    result = run("new", "programme", taken, "--from", gaotai)
    assert result.returncode == 2 and "已存在" in result.stderr and "不会覆盖" in result.stderr
    assert [p.name for p in taken.iterdir()] == ["笔记.txt"]
    # a failure in the middle leaves no folder, and no hidden one either
    from docgen.load import nextcycle

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nextcycle.shutil, "copyfile", broken)
    result = run("new", "programme", tmp_path / "gaotai-2022", "--from", gaotai)
    assert result.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaotai-2020", "gaotai-2021"]


def test_an_overlapping_start_and_a_broken_old_programme_are_refused_in_chinese(gaotai, tmp_path):
    result = run("new", "programme", tmp_path / "n", "--from", gaotai, "--start", "2020-06-01")
    assert result.returncode == 2 and "不能重叠" in result.stderr
    programme = gaotai / "programme.yaml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("  years: 1\n", "  years: 一年\n"),
                         encoding="utf-8")
    result = run("new", "programme", tmp_path / "n", "--from", gaotai)
    assert result.returncode == 2 and "上一周期的方案文件有错误" in result.stderr
    assert any(PROBLEM_LINE.match(line) and "cycle.years" in line for line in result.stderr.splitlines())
    assert not (tmp_path / "n").exists()


def test_a_dry_run_writes_nothing(gaotai, tmp_path):
    result = run("new", "programme", tmp_path / "gaotai-2021", "--from", gaotai, "-n")
    assert result.returncode == 0 and "没有写入任何文件" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaotai-2020"]


@pytest.mark.parametrize(("text", "expected"), [
    ("高台县2020年中小学结对帮扶工作实施方案", "高台县2021年中小学结对帮扶工作实施方案"),
    ("说清2020年重点帮扶哪些方面", "说清2021年重点帮扶哪些方面"),
    ("2020年度结对帮扶工作总结", "2021年度结对帮扶工作总结"),
    ("以及2020年中共中央、国务院《关于抓好“三农”领域重点工作的意见》", None),
    ("高教发〔2020〕12号", None),
    ("2020年3月5日前完成结对帮扶方案", None),
    ("2020年底前完成结对帮扶任务", None),
    ("依据《关于印发2020年教育帮扶工作要点的通知》", None),
    ("按《高台县2020年中小学结对帮扶工作考核细则》考核", "按《高台县2021年中小学结对帮扶工作考核细则》考核"),
])
def test_only_the_programmes_own_year_is_replaced(text, expected):
    own = {"高台县2020年中小学结对帮扶工作考核细则"}
    assert replace_years(text, {2020: 2021}, own) == (expected or text)


def test_a_quoted_place_never_cuts_a_number_in_half():
    """Review 41: “…2月20日前…” was cut from 12月20日, as if the date had been changed."""
    from docgen.load.nextcycle import _quote

    text = "每年12月20日前，双方学校把2020年结对帮扶工作总结报县教育局。"
    for width in range(6, 30):
        quoted = _quote(text, {2020}, width)
        assert "2020" in quoted
        inner = quoted.strip("…")
        assert text.find(inner) >= 0
        at = text.find(inner)
        assert not (at > 0 and inner[0].isdigit() and text[at - 1].isdigit()), quoted
        end = at + len(inner)
        assert not (end < len(text) and inner[-1].isdigit() and text[end].isdigit()), quoted


def test_links_out_of_the_old_folder_are_never_read_or_copied(gaotai, tmp_path):
    """Review 43: a pairing file or a seal that links outside the programme folder was read and
    copied into the new one as an ordinary file (what it pointed to, inside the data folder)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("county: SECRET=hunter2\n", "utf-8")
    (outside / "seal.png").write_bytes((gaotai / "seals" / "sample-school.png").read_bytes())
    (gaotai / "pairings" / "zz.yaml").symlink_to(outside / "secret.yaml")
    (gaotai / "seals" / "outside.png").symlink_to(outside / "seal.png")
    made = next_cycle(gaotai, tmp_path / "next")
    new = tmp_path / "next"
    assert not (new / "pairings" / "zz.yaml").exists() and not (new / "seals" / "outside.png").exists()
    assert not any("hunter2" in p.read_text("utf-8", errors="replace") for p in new.rglob("*") if p.is_file())
    assert {"pairings/zz.yaml", "seals/outside.png"} <= set(made.not_copied)
    (gaotai / "programme.yaml").rename(outside / "programme.yaml")
    (gaotai / "programme.yaml").symlink_to(outside / "programme.yaml")
    with pytest.raises(InputError):
        next_cycle(gaotai, tmp_path / "again")
    assert not (tmp_path / "again").exists()
