"""Activity records: counts, rubric points, the summary and the roll-up follow the records."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import Workbook, load_workbook

from docgen.activities.counting import count, so_far
from docgen.activities.scoring import score
from docgen.documents.scope import Per, scopes
from docgen.documents.summary import summary
from docgen.load import load_programme
from tests.helpers import DATA, PROBLEM_LINE, all_text, run


@pytest.fixture
def gaotai(tmp_path):
    target = tmp_path / "gaotai-2020"
    shutil.copytree(DATA / "gaotai-2020", target)
    return target


def log_path(root: Path, pairing: str) -> Path:
    return root / "activities" / "2020" / f"{pairing}.yaml"


def edit_log(root: Path, pairing: str, change) -> None:
    path = log_path(root, pairing)
    data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)  # libyaml: safe_load's result, faster
    change(data)
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def scorecard(root: Path, pairing: str, as_of=None):
    loaded = load_programme(root)
    assert loaded.problems == [], loaded.problems
    year = loaded.programme.cycle.cycle_years[0]
    counts = count(loaded.programme, loaded.pairing(pairing), year, loaded.activity_log(pairing, "2020"), as_of)
    return counts, score(loaded.programme, counts, loaded.activity_log(pairing, "2020"))


def item(card, no):
    return next(s for s in card.items if s.item.no == no)


def with_rule(root: Path, rule: str, *nos: int) -> None:
    """The programme states how items ``nos`` are scored, and asks for a self-assessment (edited
    as text: PyYAML would read the rubric's ``no:`` keys as booleans)."""
    path = root / "programme.yaml"
    text = path.read_text("utf-8").replace("rubric:\n", "rubric:\n  self_assessment: true\n", 1)
    for n in nos:
        text = text.replace(f"    - no: {n}\n", f"    - no: {n}\n      rule: {rule}\n", 1)
    path.write_text(text, encoding="utf-8")


def test_example_counts_and_the_rubric_left_to_the_bureau():
    """gaotai's rubric states no way of scoring from records: its items are for the bureau (待评),
    with the counts they are about as facts; the hand-entered scores are kept."""
    counts, card = scorecard(DATA / "gaotai-2020", "sanzhong")
    assert len(counts.records) == 25 and len(counts.late) == 1 and len(counts.unfiled) == 1
    assert len(counts.no_evidence) == 1
    delivery = [c for c in counts.checks if c.commitment.id == "lesson_delivery"]
    assert [(c.period, c.needs[0][2]) for c in delivery] == [("2020年春季学期", 1), ("2020年秋季学期", 1)]
    assert item(card, 7).pending and item(card, 7).score is None
    assert "2个学期中0个学期达到" in item(card, 7).reason and "未达到：2020年春季学期、2020年秋季学期" in item(card, 7).reason
    assert item(card, 10).score == 0.0 and "本年度没有报送加分材料" in item(card, 10).reason
    assert card.grade == "" and not card.complete


def test_an_unscored_item_is_a_gap_where_the_programme_asks_for_a_self_assessment(gaotai):
    """A rubric item only a person can score, not scored yet, is a gap: never 待评 under a seal."""
    with_rule(gaotai, "all_or_nothing", 3, 4, 5, 6, 7, 8)
    edit_log(gaotai, "sanzhong", lambda log: log.update(scores=[s for s in log["scores"] if s["item"] != 10]))
    counts, card = scorecard(gaotai, "sanzhong")
    assert item(card, 10).pending
    loaded = load_programme(gaotai)
    scope = next(s for s in scopes(Per.year, loaded) if s.pairing.id == "sanzhong")
    assert "考核细则第10项“加分项”的评分（activities/2020/sanzhong.yaml 中 scores）" in summary(scope)["gaps"]
    assert card.grade == ""  # no bands stated, and an item still pending


@pytest.mark.parametrize("rule, before_points, after_points", [("all_or_nothing", 0.0, 7.5),
                                                                ("proportional", 2.5 + 2.5, 7.5 + 2.5)])
def test_more_deliveries_raise_count_and_points_by_the_stated_rule(gaotai, rule, before_points, after_points):
    with_rule(gaotai, rule, 7)
    _, before = scorecard(gaotai, "sanzhong")

    def add(data):
        for day in ("2020-05-06", "2020-05-27"):
            data["records"].append({"date": day, "type": "lesson_delivery", "subjects": ["美术"], "description": "补送课",
                                    "evidence": ["evidence/sanzhong/2020-04-22_管理指导.txt"], "filed_on": day})

    edit_log(gaotai, "sanzhong", add)
    counts, after = scorecard(gaotai, "sanzhong")
    spring = next(c for c in counts.checks if c.commitment.id == "lesson_delivery" and c.period == "2020年春季学期")
    assert spring.needs[0][2] == 3 and spring.met
    assert (item(before, 7).score, item(after, 7).score) == (before_points, after_points)
    assert after.total == before.total + after_points - before_points


def test_late_filing_is_listed_and_not_counted(gaotai):
    with_rule(gaotai, "all_or_nothing", 8)

    def late(data):
        record = next(r for r in data["records"] if r["type"] == "donation")
        record["filed_on"] = "2020-12-20"

    edit_log(gaotai, "sanzhong", late)
    counts, card = scorecard(gaotai, "sanzhong")
    assert any(f.record.type.value == "donation" for f in counts.late)
    assert item(card, 8).score == 0.0


def test_summary_and_chart_follow_the_records(gaotai, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(gaotai), "-o", str(out), "-k", "summary", "-p", "sanzhong").returncode == 0
    path = out / "gaotai-2020" / "sanzhong" / "年度工作总结_2020年度.docx"
    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "周期")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert ["2020年春季学期", "到被帮扶学校送课指导", "≥3次", "1次", "未完成"] in rows
    assert ["2020年秋季学期", "到被帮扶学校送课指导", "≥3次", "1次", "进行中"] in rows  # the term runs to 31 December
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in zipfile.ZipFile(path).namelist())
    assert not [t for t in doc.tables if t.rows[0].cells[0].text == "序号"]  # the seed has no self-assessment
    text = all_text(doc)
    # the summary is dated 2020-12-19: it counts what was done by then, and says so
    assert "截至2020年12月19日，本年度共记录帮扶活动24次，计入考核21次" in text
    assert "2020年12月19日以后的1次活动记录未计入本总结" in text
    assert "自评" not in text and "等次" not in text and "合格" not in text


def test_roll_up_rows_match_the_records(tmp_path):
    result = run("report", "data/gaotai-2020", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(tmp_path / "gaotai-2020" / "report" / "考核汇总_2020年度.xlsx")["考核汇总"]
    header = [c.value for c in sheet[2]]
    assert "等次" not in header and "得分" in header  # a rubric, but no bands
    rows = [dict(zip(header, [c.value for c in r], strict=False)) for r in sheet.iter_rows(min_row=3, max_row=8)]
    assert "名次" not in header and len(rows) == 6  # items wait for the bureau: no ranking by half a score
    loaded = load_programme(DATA / "gaotai-2020")
    for row in rows[:3]:
        counts, card = scorecard(DATA / "gaotai-2020", row["结对标识"], so_far(counts_year(loaded).end))
        assert row["活动记录"] == len(counts.records) and row["得分"] == card.total
        assert row["迟报或未报备"] == len(counts.late) + len(counts.unfiled)
        assert row["待评定项"] == len(card.pending)
    annex = Document(str(tmp_path / "gaotai-2020" / "report" / "考核汇总_2020年度.docx"))
    head = [c.text for c in annex.tables[0].rows[0].cells]
    assert "得分" in head and "等次" not in head


def counts_year(loaded):
    return loaded.programme.cycle.cycle_years[0]


@pytest.mark.parametrize("change, field, words", [
    (lambda r: r.update(type="lesson_delivry"), "type", "lesson_delivery"),
    (lambda r: r.update(date="2021-05-01", filed_on="2021-05-02"), "date", "不在2020年度"),
    (lambda r: r.update(evidence=["evidence/none.jpg"]), "evidence[0]", "找不到证明材料"),
    (lambda r: r.update(type="mentor_exchange", mentor="不存在某某"), "mentor", "不是本结对的帮扶教师"),
    # (the field names the key; the words are a clerk's, the sheet's column: no “（mentor）”)
    (lambda r: (r.update(type="mentor_exchange"), r.pop("mentor", None)), "mentor", "师徒交流记录需要写明帮扶教师"),
])
def test_bad_records_are_explained(gaotai, change, field, words):
    edit_log(gaotai, "sanzhong", lambda data: change(data["records"][0]))
    problems = [str(p) for p in load_programme(gaotai).problems]
    assert len(problems) == 1, problems
    m = PROBLEM_LINE.match(problems[0])
    assert m and m["file"].endswith("activities/2020/sanzhong.yaml")
    assert m["field"] == f"records[0].{field}" and words in m["msg"] and "（mentor）" not in m["msg"]


def _sheet(path: Path, rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)


def test_import_spreadsheet(gaotai, tmp_path):
    sheet = tmp_path / "西街小学活动记录.xlsx"
    _sheet(sheet, [["日期", "类型", "学科", "人次", "参与人员", "内容", "证明材料", "报备日期"],
                   ["2020-04-15", "送课指导", "数学、语文", 6, "王某某", "送课下乡", "evidence/sanzhong/2020-04-22_管理指导.txt", "2020-04-16"],
                   ["2020/5/20", "观摩学习（教师）", "", 8, "", "教师观摩", "", "2020年5月29日"]])
    result = run("import", "activities", str(sheet), "-p", "xijie", "--programme", str(gaotai))
    assert result.returncode == 0, result.stderr
    loaded = load_programme(gaotai)
    assert loaded.problems == []
    log = loaded.activity_log("xijie", "2020")
    assert [r.type.value for r in log.records] == ["lesson_delivery", "observation_visit"]
    assert log.records[0].subjects == ["数学", "语文"] and log.records[1].tag == "教师"
    before = log_path(gaotai, "xijie").read_bytes()
    again = run("import", "activities", str(sheet), "-p", "xijie", "--programme", str(gaotai))
    assert again.returncode == 0 and "未变 2 条" in again.stdout  # the same sheet again: merged, no duplicate
    assert log_path(gaotai, "xijie").read_bytes() == before


def test_import_wrong_header_names_the_expected_column(gaotai, tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes("日期,活动类型,内容\n2020-04-15,送课指导,送课\n".encode("gbk"))
    result = run("import", "activities", str(sheet), "-p", "xijie", "--programme", str(gaotai))
    assert result.returncode == 2
    assert "缺少列“类型”" in result.stderr and "无法识别的列“活动类型”" in result.stderr and "Traceback" not in result.stderr


def test_import_reports_every_bad_row(gaotai, tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_text("日期,类型,内容,证明材料\n2020-04-15,送客,x,\n2019-04-15,送课,y,nope.jpg\n", encoding="utf-8")
    result = run("import", "activities", str(sheet), "-p", "xijie", "--programme", str(gaotai), "--year", "2020")
    assert result.returncode == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(str(sheet)) or "bad.csv " in ln]
    assert any(" 单元格B2  类型" in ln for ln in lines)  # a .csv opens in Excel as one sheet: cells as Excel names them
    assert any(" 单元格A3  日期" in ln and "不在2020年度" in ln for ln in lines)
    assert any(" 单元格D3  证明材料" in ln for ln in lines)
    assert not log_path(gaotai, "xijie").exists()


def test_a_day_that_does_not_exist_in_a_sheet_is_said_so(gaotai, tmp_path):
    """Review 2026-12: a sheet's 2020-02-30 was told to be written "like 2020-04-15", which it was."""
    sheet = tmp_path / "西街小学活动记录.xlsx"
    _sheet(sheet, [["日期", "类型", "内容", "报备日期"], ["2020-02-30", "送课指导", "送课下乡", "2020-03-02"]])
    result = run("import", "activities", str(sheet), "-p", "xijie", "--programme", str(gaotai))
    assert result.returncode != 0
    assert "“2020-02-30”不是存在的日期" in result.stderr and "应为日期" not in result.stderr, result.stderr
