"""A school's activity sheet imported again (the spring term after the autumn one, or a
corrected sheet) is merged into the file: nothing the clerk wrote by hand is lost."""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from docgen.load import load_programme
from tests.helpers import DATA, SHEET_LINE, run

HEADER = ["日期", "类型", "学科", "人次", "参与人员", "内容", "证明材料", "报备日期"]
AUTUMN = [
    ["2020-03-18", "送课指导", "数学", 6, "王某某", "送数学示范课", None, "2020-03-19"],
    ["2020-04-15", "观摩学习（教师）", None, 8, None, "教师到城关初中观摩", None, "2020-04-16"],
    ["2020-04-15", "送课指导", "语文", 4, "李某某", "送语文示范课", None, "2020-04-16"],
]
SPRING = [
    ["2020-09-10", "教研互动", "英语", 5, None, "英语联合教研", None, "2020-09-11"],
    ["2020-05-06", "专题讲座", None, 30, "张某某", "家庭教育讲座", None, "2020-05-07"],
]


@pytest.fixture
def gaotai(tmp_path):
    target = tmp_path / "gaotai-2020"
    shutil.copytree(DATA / "gaotai-2020", target)
    return target


def sheet(path: Path, rows, title: str | None = "西街小学结对帮扶活动记录表") -> Path:
    wb = Workbook()
    ws = wb.active
    if title:  # a title row above the header, as schools make their sheets
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def imported(path: Path, root: Path, *extra) -> str:
    result = run("import", "activities", path, "-p", "xijie", "--programme", root, *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr  # (what is kept and why is a warning, on stderr)


def log_file(root: Path) -> Path:
    return root / "activities" / "2020" / "xijie.yaml"


HAND = """\
scores:   # 评分：教研室 2020-12-20 评定
- {item: 1, points: 9, note: 方案齐全}
- {item: 2, points: 8}
- {item: 9, points: 7}
- {item: 10, points: 1, note: 县级报道1篇}
"""


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_a_second_batch_merges_and_keeps_the_hand_entered_scores(gaotai, tmp_path):
    imported(sheet(tmp_path / "秋季.xlsx", AUTUMN), gaotai)
    path = log_file(gaotai)
    text = path.read_text("utf-8").replace("  description: 送数学示范课\n",
                                           "  description: 送数学示范课\n  by: both   # 教研室确认为双方组织\n")
    path.write_text(text + HAND, encoding="utf-8")
    assert load_programme(gaotai).problems == []
    autumn_fixed = [list(r) for r in AUTUMN]
    autumn_fixed[2][3] = 5                  # 人次 corrected: 4 -> 5
    autumn_fixed[0][7] = None               # a blank cell: says nothing, changes nothing
    second = sheet(tmp_path / "全年.xlsx", autumn_fixed + SPRING)
    before = path.read_bytes()
    preview = imported(second, gaotai, "-n")
    assert path.read_bytes() == before and "试运行：将新增 2 条、修改 1 条" in preview
    out = imported(second, gaotai)
    assert "新增 2020-09-10 教研互动" in out and "新增 2020-05-06 专题讲座" in out
    assert "修改 2020-04-15 送课指导：送语文示范课（第 5 行）：\n  人次：“4” → “5”" in out
    assert "未变 2 条" in out
    after = path.read_text("utf-8")
    assert after.count("{item:") == 4 and "# 评分：教研室 2020-12-20 评定" in after
    assert "by: both   # 教研室确认为双方组织" in after
    data = yaml.safe_load(after)
    assert [r["date"].isoformat() for r in data["records"]] == ["2020-03-18", "2020-04-15", "2020-04-15", "2020-05-06",
                                                                "2020-09-10"]
    assert data["records"][0]["filed_on"].isoformat() == "2020-03-19"   # the blank cell kept it
    assert data["records"][2]["person_times"] == 5
    assert len(data["scores"]) == 4
    log = load_programme(gaotai).activity_log("xijie", "2020")
    assert log is not None and len(log.records) == 5 and len(log.scores) == 4
    again = imported(second, gaotai)  # the same sheet once more: nothing to do
    assert "未变 5 条" in again and path.read_text("utf-8") == after


def test_records_the_sheet_leaves_out_and_fields_it_has_no_column_for_are_kept(gaotai, tmp_path):
    imported(sheet(tmp_path / "秋季.xlsx", AUTUMN), gaotai)
    path = log_file(gaotai)
    path.write_text(path.read_text("utf-8").replace("  description: 送语文示范课\n",
                                                    "  description: 送语文示范课\n  days: 0.5\n"), encoding="utf-8")
    wb = Workbook()  # the spring sheet: other columns, and only the new records
    wb.active.append(["日期", "类型", "内容"])
    wb.active.append(["2020-09-10", "教研互动", "英语联合教研"])
    wb.active.append(["2020-04-15", "送课指导", "送语文示范课（补记）"])
    wb.save(tmp_path / "春季.xlsx")
    out = imported(tmp_path / "春季.xlsx", gaotai)
    data = yaml.safe_load(path.read_text("utf-8"))
    assert len(data["records"]) == 4 and "另有 2 条记录不在表中（已保留，未删除）：" in out
    changed = next(r for r in data["records"] if r["description"].startswith("送语文示范课"))
    # matched by date and type (no record names a school): the 天数 written by hand stays
    assert changed["days"] == 0.5 and changed["person_times"] == 4 and changed["description"] == "送语文示范课（补记）"


def test_a_row_repeated_in_the_sheet_is_read_once(gaotai, tmp_path):
    out = run("import", "activities", sheet(tmp_path / "a.xlsx", AUTUMN + [AUTUMN[1]]), "-p", "xijie",
              "--programme", gaotai)
    assert out.returncode == 0, out.stderr
    assert len(yaml.safe_load(log_file(gaotai).read_text("utf-8"))["records"]) == 3
    [warning] = [SHEET_LINE.match(ln) for ln in out.stderr.splitlines() if SHEET_LINE.match(ln)]
    assert warning["cell"] == "A6" and "第 4 行完全相同" in warning["msg"]


def test_apply_refuses_a_file_changed_since_the_preview(gaotai, tmp_path):
    from docgen.activities.merge import apply, preview
    from docgen.errors import UsageError

    imported(sheet(tmp_path / "秋季.xlsx", AUTUMN), gaotai)
    plan = preview(sheet(tmp_path / "春季.xlsx", SPRING), load_programme(gaotai), "xijie")
    edited = log_file(gaotai).read_text("utf-8") + HAND
    log_file(gaotai).write_text(edited, encoding="utf-8")  # someone saved a score meanwhile
    with pytest.raises(UsageError):
        apply(plan)
    assert log_file(gaotai).read_text("utf-8") == edited


def test_preview_says_field_by_field_what_would_change(gaotai, tmp_path):
    from docgen.activities.merge import preview

    imported(sheet(tmp_path / "秋季.xlsx", AUTUMN), gaotai)
    rows = [list(r) for r in AUTUMN]
    rows[1][3], rows[1][7] = 9, "2020-04-17"
    plan = preview(sheet(tmp_path / "改.xlsx", rows), load_programme(gaotai), "xijie")
    [changed] = plan.having("changed")
    assert changed.row.row == 4 and changed.row.place == "工作表“Sheet”A4"
    assert [(c.column, c.old, c.new) for c in changed.changes] == [("人次", "8", "9"), ("报备日期", "2020-04-16", "2020-04-17")]
    assert len(plan.having("same")) == 2 and plan.having("new") == [] and not plan.written


@pytest.mark.slow  # every activity file of data/: seconds
def test_untouched_activity_files_dump_to_the_same_bytes():
    from docgen.load.roundtrip import dump, guess_layout, round_trip_yaml

    files = sorted(DATA.glob("*/activities/*/*.yaml"))
    assert files
    for path in files:
        text = path.read_text("utf-8")
        layout = guess_layout(text)
        assert dump(round_trip_yaml(layout).load(text), layout) == text, path.name
    indented = "records:\n  - date: 2020-04-23\n    type: lesson_delivery\n    description: x\n"
    assert dump(round_trip_yaml(guess_layout(indented)).load(indented), guess_layout(indented)) == indented


def test_merging_into_an_example_file_changes_only_the_new_record(tmp_path):
    root = tmp_path / "gaotai-2020"
    shutil.copytree(DATA / "gaotai-2020", root)
    path = root / "activities" / "2020" / "sanzhong.yaml"
    before = path.read_text("utf-8")
    wb = Workbook()
    wb.active.append(["日期", "类型", "内容", "报备日期"])
    wb.active.append(["2020-06-02", "管理指导", "副校长到黑泉镇中心小学指导教学常规", "2020-06-03"])
    wb.save(tmp_path / "补记.xlsx")
    result = run("import", "activities", tmp_path / "补记.xlsx", "-p", "sanzhong", "--programme", root)
    assert result.returncode == 0, result.stderr
    after = path.read_text("utf-8")
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    removed = [ln[2:] for ln in diff if ln.startswith("- ")]
    added = [ln[2:] for ln in diff if ln.startswith("+ ")]
    assert removed == [] and added == ["- date: 2020-06-02", "  type: management_guidance",
                                       "  description: 副校长到黑泉镇中心小学指导教学常规", "  filed_on: 2020-06-03"]


def test_the_blank_template_has_the_importers_columns_and_imports_once_filled(gaotai, tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    from docgen.activities.importer import COLUMNS

    out = tmp_path / "活动记录表.xlsx"
    result = run("export", "activities-template", "-p", gaotai, "--pairing", "xijie", "-o", out)
    assert result.returncode == 0, result.stderr
    wb = load_workbook(out)
    ws = wb["活动记录"]
    assert [c.value for c in ws[2]] == COLUMNS
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    lists = {options.cell(1, k).value: [options.cell(j, k).value for j in range(2, options.max_row + 1)
                                        if options.cell(j, k).value] for k in range(1, options.max_column + 1)}
    assert "观摩学习（教师）" in lists["可选的类型"] and "送课指导" in lists["可选的类型"]
    assert lists["可选的受援学校"] == ["巷道镇中心小学", "正远小学", "西八里小学"]
    by_column = {}
    for rule in ws.data_validations.dataValidation:
        for ranges in rule.sqref.ranges:
            by_column[ranges.coord.split(":")[0][0]] = rule
    assert by_column["B"].type == "list" and "选项!$A$2" in by_column["B"].formula1
    cycle = load_programme(gaotai).programme.cycle.cycle_years  # dates within the cycle
    assert by_column["A"].type == "date" and by_column["A"].formula1 == "DATE({0.year},{0.month},{0.day})".format(cycle[0].start)
    # a school fills two rows, as in Excel: a date, a type from the list, the content
    for col, value in zip("ABDFH", [dt.datetime(2020, 4, 15), "观摩学习（教师）", 8, "教师到城关初中观摩", dt.datetime(2020, 4, 16)],
                          strict=True):
        ws[f"{col}4"] = value
    ws["A3"], ws["B3"], ws["F3"] = dt.datetime(2020, 3, 18), "送课指导", "送数学示范课"
    wb.save(out)
    imported(out, gaotai)
    log = load_programme(gaotai).activity_log("xijie", "2020")
    assert [(r.date.isoformat(), r.type.value, r.tag) for r in log.records] == [("2020-03-18", "lesson_delivery", ""),
                                                                              ("2020-04-15", "observation_visit", "教师")]


MINGSHUI = """\
- date: 2020-04-15
  type: lesson_delivery
  school: 明水小学
  people: [王老师, 李老师]
  person_times: 12
  description: 明水小学教师到城关初中听课
"""


def test_a_sheet_without_a_school_column_never_changes_another_schools_record(tmp_path):
    """One supporter, three recipients writing into one file (chengguan): 明水小学 entered its
    2020-04-15 送课指导 by hand; 城关初中's sheet, without a 受援学校 column, has its own."""
    from docgen.activities.merge import preview

    root = tmp_path / "gaotai-2020"
    shutil.copytree(DATA / "gaotai-2020", root)
    path = root / "activities" / "2020" / "chengguan.yaml"
    path.write_text(path.read_text("utf-8").replace("scores:\n", MINGSHUI + "scores:\n", 1), encoding="utf-8")
    assert load_programme(root).problems == []
    wb = Workbook()
    wb.active.append(["日期", "类型", "人次", "参与人员", "内容"])
    wb.active.append(["2020-04-15", "送课指导", 5, "施某某、孔某某", "到南华初中送语文课"])
    wb.save(tmp_path / "城关初中.xlsx")
    plan = preview(tmp_path / "城关初中.xlsx", load_programme(root), "chengguan")
    assert [o.status for o in plan.outcomes] == ["new"]
    [warning] = [w for w in plan.warnings if w.place]
    assert warning.place == "工作表“Sheet”A2" and "受援学校：明水小学" in warning.message
    result = run("import", "activities", tmp_path / "城关初中.xlsx", "-p", "chengguan", "--programme", root)
    assert result.returncode == 0, result.stderr
    assert "新增 2020-04-15 送课指导：到南华初中送语文课" in result.stdout and "修改 2020" not in result.stdout
    records = [r for r in yaml.safe_load(path.read_text("utf-8"))["records"] if r["date"].isoformat() == "2020-04-15"]
    mingshui = {"date": records[0]["date"], "type": "lesson_delivery", "school": "明水小学", "people": ["王老师", "李老师"],
                "person_times": 12, "description": "明水小学教师到城关初中听课"}
    assert len(records) == 2 and mingshui in records
    assert {"school", "person_times"} <= set(mingshui) and "school" not in next(r for r in records if r != mingshui)


def test_a_corrected_date_names_the_old_record_kept_and_the_row_it_looks_like(gaotai, tmp_path):
    imported(sheet(tmp_path / "秋季.xlsx", AUTUMN), gaotai)
    rows = [list(r) for r in AUTUMN]
    rows[0][0] = "2020-03-17"               # the date of 送数学示范课 corrected
    result = run("import", "activities", sheet(tmp_path / "改.xlsx", rows), "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 0, result.stderr
    [notice] = [ln for ln in result.stderr.splitlines() if "不在表中" in ln]
    assert "2020-03-18 送课指导：送数学示范课" in notice and "第 3 行（2020-03-17）是同一活动" in notice
    assert "删除这条旧记录" in notice
    assert len(yaml.safe_load(log_file(gaotai).read_text("utf-8"))["records"]) == 4  # nothing deleted


def test_a_row_number_column_is_read_past_and_remarks_are_kept_and_updated(gaotai, tmp_path):
    from docgen.serve.activity_records import record_schema

    def school_sheet(name: str, remark: str) -> Path:
        wb = Workbook()  # as almost every school keeps it: 序号 first, 备注 last
        wb.active.append(["序号", "日期", "类型", "内容", "备注"])
        wb.active.append([1, "2020-03-18", "送课指导", "送数学示范课", remark])
        wb.active.append([2, "2020-04-15", "教研互动", "英语联合教研", None])
        wb.save(tmp_path / name)
        return tmp_path / name

    imported(school_sheet("秋季.xlsx", "补记：原表漏填"), gaotai)
    records = yaml.safe_load(log_file(gaotai).read_text("utf-8"))["records"]
    assert [r.get("remark") for r in records] == ["补记：原表漏填", None]
    assert all("序号" not in str(r) and 1 not in r.values() for r in records)
    out = imported(school_sheet("改.xlsx", "补记：教研室已核实"), gaotai)
    assert "  备注：“补记：原表漏填” → “补记：教研室已核实”" in out and "未变 1 条" in out
    log = load_programme(gaotai).activity_log("xijie", "2020")
    assert log is not None and log.records[0].remark == "补记：教研室已核实"
    [field] = [f for f in record_schema().form({"remark": "补记"}) if f.key == "remark"]
    assert field.label == "备注" and field.widget == "textarea" and field.text == "补记" and "不写入生成的文书" in field.help
