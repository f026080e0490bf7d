"""Activity records: counts, rubric points, the summary and the roll-up follow the records."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import Workbook, load_workbook

from docgen.activities.counting import count
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
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def scorecard(root: Path, pairing: str):
    loaded = load_programme(root)
    assert loaded.problems == [], loaded.problems
    year = loaded.programme.cycle.cycle_years[0]
    counts = count(loaded.programme, loaded.pairing(pairing), year, loaded.activity_log(pairing, "2020"))
    return counts, score(loaded.programme, counts, loaded.activity_log(pairing, "2020"))


def item(card, no):
    return next(s for s in card.items if s.item.no == no)


def test_example_counts_and_rubric():
    counts, card = scorecard(DATA / "gaotai-2020", "sanzhong")
    assert len(counts.records) == 25 and len(counts.late) == 1 and len(counts.unfiled) == 1
    assert len(counts.no_evidence) == 1
    delivery = [c for c in counts.checks if c.commitment.id == "lesson_delivery"]
    assert [(c.period, c.needs[0][2]) for c in delivery] == [("2020年春季学期", 1), ("2020年秋季学期", 1)]
    assert item(card, 7).score == 5.0 and "送课指导1次（要求≥3次）" in item(card, 7).reason
    assert item(card, 10).score == 0.0 and item(card, 10).reason == "人工评分：本年度没有报送加分材料"


def test_an_unscored_manual_item_leaves_the_summary_unfinished(gaotai, tmp_path):
    """A rubric item only a person can score, not scored yet, is a gap: never 待评 under a seal."""
    edit_log(gaotai, "sanzhong", lambda log: log.update(scores=[s for s in log["scores"] if s["item"] != 10]))
    counts, card = scorecard(gaotai, "sanzhong")
    assert item(card, 10).pending and "尚未评分" in item(card, 10).reason
    loaded = load_programme(gaotai)
    scope = next(s for s in scopes(Per.year, loaded) if s.pairing.id == "sanzhong")
    assert "考核细则第10项“加分项”的评分（activities/2020/sanzhong.yaml 中 scores）" in summary(scope)["gaps"]
    assert not card.grade  # the rubric of seed 001 sets no grade bands


def test_more_deliveries_raise_count_and_points(gaotai):
    _, before = scorecard(gaotai, "sanzhong")

    def add(data):
        for day in ("2020-05-06", "2020-05-27"):
            data["records"].append({"date": day, "type": "lesson_delivery", "subjects": ["美术"], "description": "补送课",
                                    "evidence": ["evidence/sanzhong/2020-04-22_管理指导.txt"], "filed_on": day})

    edit_log(gaotai, "sanzhong", add)
    counts, after = scorecard(gaotai, "sanzhong")
    spring = next(c for c in counts.checks if c.commitment.id == "lesson_delivery" and c.period == "2020年春季学期")
    assert spring.needs[0][2] == 3 and spring.met
    assert item(after, 7).score == item(before, 7).score + 5.0  # 7.5 for the term instead of 2.5
    assert after.total == before.total + 5.0


def test_late_filing_is_listed_and_not_counted(gaotai):
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
    assert ["2020年春季学期", "送课指导", "≥3次", "1次", "未完成"] in rows
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in zipfile.ZipFile(path).namelist())
    rubric = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")
    assert [c.text for c in rubric.rows[7].cells][:4] == ["7", "送课指导", "15", "5"]
    text = all_text(doc)
    # the summary is dated 2020-12-19: it counts what was done by then, and says so
    assert "截至2020年12月19日，本年度共记录帮扶活动24次，计入考核21次" in text and "合计44分" in text
    assert "落款日期之后的1次活动不在本总结统计之内" in text


def test_roll_up_rows_match_the_records(tmp_path):
    result = run("report", "data/gaotai-2020", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(tmp_path / "gaotai-2020" / "report" / "考核汇总_2020年度.xlsx")["考核汇总"]
    header = [c.value for c in sheet[2]]
    rows = [dict(zip(header, [c.value for c in r])) for r in sheet.iter_rows(min_row=3, max_row=8)]
    assert [r["结对标识"] for r in rows][:3] == ["chengguan", "erzhong", "sanzhong"]  # sorted by score
    assert [r["得分"] for r in rows] == sorted((r["得分"] for r in rows), reverse=True)
    for row in rows[:3]:
        counts, card = scorecard(DATA / "gaotai-2020", row["结对标识"])
        assert row["活动记录"] == len(counts.records) and row["得分"] == card.total
        assert row["迟报或未报备"] == len(counts.late) + len(counts.unfiled)
    fill = sheet.cell(row=5, column=1).fill.fgColor.rgb  # sanzhong is behind: highlighted
    assert fill.endswith("FFC7CE")
    annex = Document(str(tmp_path / "gaotai-2020" / "report" / "考核汇总_2020年度.docx"))
    cells = [[c.text for c in r.cells] for r in annex.tables[0].rows]
    assert cells[1][1] == "城关初中" and cells[1][6] == "91"  # the whole year, to 31 December


@pytest.mark.parametrize("change, field, words", [
    (lambda r: r.update(type="lesson_delivry"), "type", "lesson_delivery"),
    (lambda r: r.update(date="2021-05-01", filed_on="2021-05-02"), "date", "不在2020年度"),
    (lambda r: r.update(evidence=["evidence/none.jpg"]), "evidence[0]", "找不到证明材料"),
    (lambda r: r.update(type="mentor_exchange", mentor="不存在某某"), "mentor", "不是本结对的帮扶教师"),
])
def test_bad_records_are_explained(gaotai, change, field, words):
    edit_log(gaotai, "sanzhong", lambda data: change(data["records"][0]))
    problems = [str(p) for p in load_programme(gaotai).problems]
    assert len(problems) == 1, problems
    m = PROBLEM_LINE.match(problems[0])
    assert m and m["file"].endswith("activities/2020/sanzhong.yaml")
    assert m["field"] == f"records[0].{field}" and words in m["msg"]


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
