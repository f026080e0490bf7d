"""Pitfalls a county clerk met importing spreadsheets (the clerk's walkthrough of 2026-12):
each sheet here is made the way the walkthrough describes it, and each test failed before."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from docgen.load import load_programme
from tests.helpers import DATA, MINI_PROGRAMME, SHEET_LINE, run
from tests.test_pairlist import write_xlsx

TITLE = "梅岭县2026年结对帮扶学校安排表"
HEADER = ["序号", "县（市、区）", "帮扶学校", "被帮扶学校", "负责人", "备注"]


def pair_list(path: Path, rows: list[list], merges=()) -> Path:
    """The bureau's list as the clerk typed it: a merged title row above the header."""
    return write_xlsx(path, [HEADER, *rows], merges, title=TITLE, sheet="Sheet1")


def meiling_rows(typo: str = "龙谭", gap: str = "") -> list[list]:
    return [
        [1, "梅岭县", "梅岭县第一初级中学", f"{typo}镇初级中学", "邓丽华\n曾小兵", None],
        [2, None, None, "白沙镇初级中学", None, None],
        [3, None, "梅岭县实验小学", f"石门乡中心小学、石门乡{gap}田坪教学点、龙潭镇中心小学", "邓丽华、曾小兵、—、龙春花", None],
        [4, None, "城南小学", "白沙镇中心小学、大塘小学", None, None],
        ["注：负责人为各校校长", None, None, None, None, None],
    ]


MERGES = ["B3:B6", "C3:C4"]


@pytest.fixture
def meiling(make_programme):
    return make_programme(MINI_PROGRAMME, {})


def sheet_lines(stderr: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in stderr.splitlines():
        m = SHEET_LINE.match(line)
        if m:
            out.setdefault(m["cell"], (m["field"], m["msg"]))
    return out


# ------------------------------------------------------------------ a double space inside a name


def test_a_double_space_inside_a_school_name_keeps_one_school_and_says_so(meiling, tmp_path):
    sheet = pair_list(tmp_path / "名单.xlsx", meiling_rows(typo="龙潭", gap="  "), MERGES)
    result = run("import", "pairings", sheet, "-p", meiling)
    assert result.returncode == 0, result.stderr
    loaded = load_programme(meiling)
    assert loaded.problems == [], loaded.problems
    shiyan = next(p for p in loaded.pairings if p.supporter.name == "梅岭县实验小学")
    assert [r.name for r in shiyan.recipients] == ["石门乡中心小学", "石门乡田坪教学点", "龙潭镇中心小学"]
    leads = {r.name: r.lead.name if r.lead else None for r in shiyan.recipients}
    assert leads == {"石门乡中心小学": "曾小兵", "石门乡田坪教学点": None, "龙潭镇中心小学": "龙春花"}
    warned = sheet_lines(result.stderr)
    assert "D5" in warned and "石门乡  田坪教学点" in warned["D5"][1] and "“石门乡田坪教学点”" in warned["D5"][1]


def test_splitting_rules_never_make_a_school_of_a_place_name():
    from docgen.load.pairlist.groups import read_school_cell

    assert read_school_cell("照中小学    霞光小学")[0] == [("照中小学", ""), ("霞光小学", "")]
    assert read_school_cell("正远小学    西八里小学  ") == ([("正远小学", ""), ("西八里小学", "")], [])
    assert read_school_cell("南华镇中心小学  及各校区")[0] == [("南华镇中心小学", "及各校区")]
    schools, notes = read_school_cell("石门乡\u3000田坪教学点")
    assert schools == [("石门乡田坪教学点", "")] and notes
    # an explicit separator is obeyed, but a piece that is no school is pointed out
    schools, notes = read_school_cell("石门乡、田坪教学点")
    assert schools == [("石门乡", ""), ("田坪教学点", "")]
    assert len(notes) == 1 and "“石门乡”不像完整的学校名称" in notes[0]
    # separators inside brackets do not split
    assert read_school_cell("城关小学（含东、西校区）、明水小学")[0] == [("城关小学（含东、西校区）", ""), ("明水小学", "")]
    assert read_school_cell("实验二小 城关一小")[0] == [("实验二小", ""), ("城关一小", "")]


# ------------------------------------------------------------------ near-typos of a known name


def test_a_near_typo_of_a_school_in_the_same_list_is_flagged(meiling, tmp_path):
    sheet = pair_list(tmp_path / "名单.xlsx", meiling_rows(), MERGES)
    result = run("import", "pairings", sheet, "-p", meiling, "-n")
    assert result.returncode == 0, result.stderr
    warned = sheet_lines(result.stderr)
    flagged = {cell: msg for cell, (_, msg) in warned.items() if "同音" in msg or "只差一个字" in msg}
    assert list(flagged) == ["D5"], warned  # the later cell, naming the earlier one
    assert "“龙潭镇”" in flagged["D5"] and "“龙谭镇”" in flagged["D5"] and "D3" in flagged["D5"]


def test_the_rarer_spelling_is_flagged_with_the_usual_one_suggested(meiling, tmp_path):
    rows = meiling_rows()
    rows[3][3] = "白沙镇中心小学、龙潭镇大塘小学"  # 龙潭镇 twice now, 龙谭镇 once
    sheet = pair_list(tmp_path / "名单.xlsx", rows, MERGES)
    result = run("import", "pairings", sheet, "-p", meiling, "-n")
    warned = sheet_lines(result.stderr)
    flagged = {cell: msg for cell, (_, msg) in warned.items() if "只差一个字" in msg}
    assert list(flagged) == ["D3"] and "您是不是想写“龙潭镇初级中学”" in flagged["D3"]


def test_a_near_typo_of_a_school_the_programme_keeps_is_flagged(tmp_path, example_copy):
    root = example_copy("yichun-2022")
    rows = [["县市区", "支援学校", "受援学校"], ["樟树市", "樟树中学", "樟树市清江中学"]]
    wb = Workbook()
    for row in rows + [["宜丰县", "宜丰中学", "宜丰县第二仲学"]]:  # 中 typed as 仲 (zhong)
        wb.active.append(row)
    wb.save(tmp_path / "补充名单.xlsx")
    # the list holds two pairings only: every other file stays, and 宜丰县第二中学 is one of them
    (root / "pairings" / "yifeng.yaml").rename(root / "pairings" / "yifeng-old.yaml")
    text = (root / "pairings" / "yifeng-old.yaml").read_text("utf-8").replace("county: 宜丰县", "county: 宜丰县/旧")
    (root / "pairings" / "yifeng-old.yaml").write_text(text, encoding="utf-8")
    result = run("import", "pairings", tmp_path / "补充名单.xlsx", "-p", root, "-n")
    assert result.returncode == 0, result.stderr
    warned = sheet_lines(result.stderr)
    assert "C3" in warned and "您是不是想写“宜丰县第二中学”" in warned["C3"][1] and "yifeng-old.yaml" in warned["C3"][1]


def test_different_schools_are_not_near_names():
    from docgen.load.pairlist.names import near_names

    names = ["城关一小", "城关二小", "龙潭镇初级中学", "龙潭镇高级中学", "南华初中", "南华高中", "石门中学", "石门小学"]
    assert near_names(names) == []
    [near] = near_names(["龙潭镇中心小学", "龙谭镇初级中学"])
    assert (near.part, near.other_part) == ("龙潭镇", "龙谭镇")


def test_names_that_differ_in_a_digit_or_a_letter_are_not_near_names():
    from docgen.load.pairlist.names import near_names

    assert near_names(["城关1小", "城关2小", "A区实验小学", "B区实验小学", "城关一小"]) == []


# ------------------------------------------------------------------ where, in a clerk's words


def test_an_empty_recipient_names_sheet_and_cell_and_says_what_to_do(meiling, tmp_path):
    rows = meiling_rows()
    rows.insert(3, [None, None, "城北小学", None, None, "受援学校待定"])
    sheet = pair_list(tmp_path / "名单.xlsx", rows, ["B3:B7", "C3:C4"])
    result = run("import", "pairings", sheet, "-p", meiling)
    assert result.returncode == 2
    line = next(ln for ln in result.stderr.splitlines() if "受援学校为空" in ln)
    assert line.startswith(f"{sheet} 工作表“Sheet1”D6  被帮扶学校  受援学校为空：")
    assert "请先删除这一行" in line and ":6:4" not in line


def test_excel_lock_file_and_files_that_are_not_workbooks(meiling, tmp_path):
    good = pair_list(tmp_path / "名单.xlsx", meiling_rows(), MERGES)
    lock = tmp_path / "~$名单.xlsx"
    lock.write_bytes(b"\x0cAdministrator" + b"\x00" * 150)
    result = run("import", "pairings", lock, "-p", meiling)
    assert result.returncode == 2 and "临时文件" in result.stderr and "“名单.xlsx”" in result.stderr
    assert "zip" not in result.stderr.lower()
    old = tmp_path / "旧表.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = run("import", "pairings", old, "-p", meiling)
    assert result.returncode == 2 and "旧版 Excel 文件" in result.stderr and "另存为" in result.stderr
    text = tmp_path / "改名.xlsx"
    text.write_text("县市区,支援学校,受援学校\n梅岭县,城南小学,大塘小学\n", encoding="utf-8")
    result = run("import", "pairings", text, "-p", meiling)
    assert result.returncode == 2 and "文本文件" in result.stderr and ".csv" in result.stderr
    for case in (lock, old, text):
        assert "File is not" not in run("import", "pairings", case, "-p", meiling).stderr
    assert good.exists() and not list((meiling / "pairings").glob("*.yaml"))


def test_every_sheet_problem_is_in_chinese_with_the_cell(meiling, tmp_path):
    sheet = pair_list(tmp_path / "名单.xlsx", [[1, "梅岭县", "城南小学", "城南小学", "某某\n某某\n某某", None]])
    result = run("import", "pairings", sheet, "-p", meiling)
    assert result.returncode == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(str(sheet))]
    assert lines and all(SHEET_LINE.match(ln) for ln in lines), lines


@pytest.fixture
def gaotai(tmp_path):
    target = tmp_path / "gaotai-2020"
    shutil.copytree(DATA / "gaotai-2020", target)
    return target


# ------------------------------------------------------------------ the activity sheet


def activity_sheet(path: Path, rows: list[list], title: str | None = "城南小学2026—2027学年结对帮扶活动记录表") -> Path:
    header = ["日期", "类型", "学科", "人次", "参与人员", "内容", "证明材料", "报备日期"]
    return write_xlsx(path, [header, *rows], title=title, sheet="Sheet1")


def test_an_activity_sheet_may_have_a_title_row(gaotai, tmp_path):
    path = activity_sheet(tmp_path / "西街小学活动记录.xlsx", [
        ["2020-04-15", "送课指导", "数学", 6, "王某某", "送课", None, "2020-04-16"],
        ["2020.5.20", "观摩学习（教师）", None, 8, None, "教师观摩", None, "2020年5月29日"],
    ])
    result = run("import", "activities", path, "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 0, result.stderr
    log = load_programme(gaotai).activity_log("xijie", "2020")
    assert [r.description for r in log.records] == ["送课", "教师观摩"]


def test_type_suggestions_are_names_of_the_list_beside_them(gaotai, tmp_path):
    from docgen.load.model.common import ACTIVITY_NAMES

    typed = ["送教下乡", "送课活动", "教研活动", "观摩活动", "专题讲坐", "联席会", "师徒帮带", "捐赠活动"]
    rows = [[f"2020-04-{10 + i}", t, None, None, None, "活动", None, None] for i, t in enumerate(typed)]
    result = run("import", "activities", activity_sheet(tmp_path / "a.xlsx", rows), "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 2
    found = {m["cell"]: m["msg"] for m in map(SHEET_LINE.match, result.stderr.splitlines()) if m}
    assert "B3" not in found  # 送教下乡 is 送课指导 (the glossary's 送教)
    assert len(found) == len(typed) - 1, found
    for _cell, message in found.items():
        listed = message.split("（可用：")[1].split("；")[0].split("、")
        assert listed == list(ACTIVITY_NAMES.values())
        if "您是不是想写" in message:
            assert message.split("您是不是想写“")[1].split("”")[0] in listed, message


def test_an_unknown_pairing_lists_the_pairings_there_are(gaotai, tmp_path):
    path = activity_sheet(tmp_path / "a.xlsx", [["2020-04-15", "送课指导", None, None, None, "送课", None, None]])
    result = run("import", "activities", path, "-p", "chengnan", "--programme", gaotai)
    assert result.returncode == 2 and "找不到结对“chengnan”" in result.stderr
    ids = sorted(p.stem for p in (gaotai / "pairings").glob("*.yaml"))
    assert all(i in result.stderr for i in ids), result.stderr


def test_an_activity_import_of_excels_lock_file_says_which_file_to_open(gaotai, tmp_path):
    activity_sheet(tmp_path / "活动记录.xlsx", [])
    lock = tmp_path / "~$活动记录.xlsx"
    lock.write_bytes(b"\x0cAdministrator" + b"\x00" * 150)
    result = run("import", "activities", lock, "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 2 and "临时文件" in result.stderr and "“活动记录.xlsx”" in result.stderr


def test_correcting_a_misspelt_school_is_a_rename_that_keeps_what_was_written_by_hand(meiling, tmp_path):
    imported = run("import", "pairings", pair_list(tmp_path / "名单.xlsx", meiling_rows(), MERGES), "-p", meiling)
    assert imported.returncode == 0, imported.stderr
    path = meiling / "pairings" / "梅岭县第一初级中学.yaml"
    text = path.read_text("utf-8").replace("      name: 曾小兵\n", "      name: 曾小兵\n      position: 校长\n")
    text += ("teacher_pairs:\n  - mentor: {name: 陈美玲}\n    mentee: {name: 刘小芳}\n    recipient_school: 龙谭镇初级中学\n"
             "  - mentor: {name: 王丽}\n    mentee: {name: 周晓}\n    recipient_school: 白沙镇初级中学\n")
    path.write_text(text, encoding="utf-8")
    assert run("validate", meiling).returncode == 0
    result = run("import", "pairings", pair_list(tmp_path / "改正.xlsx", meiling_rows(typo="龙潭"), MERGES), "-p", meiling)
    assert result.returncode == 0, result.stderr
    assert "删除受援学校" not in result.stdout and "新增受援学校" not in result.stdout
    assert "受援学校名称（只差一个读音相同的字" in result.stdout and "“龙谭镇初级中学” → “龙潭镇初级中学”" in result.stdout
    after = path.read_text("utf-8")
    assert "龙谭" not in after  # the school, the teacher pair that names it, and the heading comment
    loaded = load_programme(meiling)
    assert loaded.problems == []
    pairing = next(p for p in loaded.pairings if p.supporter.name == "梅岭县第一初级中学")
    school = pairing.recipients[0]
    assert (school.name, school.lead.name, school.lead.position) == ("龙潭镇初级中学", "曾小兵", "校长")
    assert [tp.recipient_school for tp in pairing.teacher_pairs] == ["龙潭镇初级中学", "白沙镇初级中学"]


def test_empty_required_cells_name_their_column_in_chinese(gaotai, tmp_path):
    rows = [["2020-04-15", "送课指导", None, None, None, None, None, None],      # 内容 empty
            ["2020-04-16", None, None, None, None, "送课", None, None],          # 类型 empty
            [None, "送课指导", None, None, None, "送课", None, None]]             # 日期 empty
    result = run("import", "activities", activity_sheet(tmp_path / "a.xlsx", rows), "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 2
    found = sheet_lines(result.stderr)
    assert found["F3"] == ("内容", "“内容”是必填的，这一格不能空着：请写明做了什么，如“到大塘小学送数学示范课并评课”")
    assert found["B4"][0] == "类型" and found["B4"][1].startswith("“类型”这一格是空的：请从下拉列表中选择活动类型（可用：送课指导")
    assert found["A5"] == ("日期", "“日期”是必填的，这一格不能空着：请填写活动日期，如 2020-04-15")
    assert not any(ch.isascii() and ch.isalpha() for _, message in found.values() for ch in message), found
    later = [["2020-04-15", "送课指导", None, None, None, "送课", None, None],
             ["2021-03-01", "送课指导", None, None, None, "送课", None, None]]      # outside the 2020 year
    result = run("import", "activities", activity_sheet(tmp_path / "b.xlsx", later), "-p", "xijie", "--programme", gaotai,
                 "--year", "2020")
    message = sheet_lines(result.stderr)["A4"][1]
    assert "目录" not in message and "另做一张表" in message  # a sheet has no year folders


def _with_cached_value(path: Path, formula: bytes, value: bytes) -> Path:
    """The workbook as Excel or WPS saves it: the formula with its result."""
    import zipfile

    out = path.with_name("cached_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<f>" + formula + b"</f><v></v>", b"<f>" + formula + b"</f><v>" + value + b"</v>")
            dst.writestr(info, data)
    return out


def test_a_formula_saved_without_its_result_is_an_error_at_its_cell(gaotai, tmp_path):
    rows = [["2020-04-10", "送课指导", "美术", "=2+3", "滕某某", "送美术课", None, "2020-04-11"]]
    path = activity_sheet(tmp_path / "导出.xlsx", rows)  # as a program writes it: no computed value
    result = run("import", "activities", path, "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 2 and not (gaotai / "activities" / "2020" / "xijie.yaml").exists()
    field, message = sheet_lines(result.stderr)["D3"]
    assert field == "人次" and "公式" in message and "没有保存计算结果" in message and "保存一次" in message
    result = run("import", "activities", _with_cached_value(path, b"2+3", b"5"), "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 0, result.stderr  # saved by Excel: its result is read
    log = load_programme(gaotai).activity_log("xijie", "2020")
    assert log is not None and [r.person_times for r in log.records] == [5]


def test_a_renamed_header_is_pointed_at_with_the_names_it_lacks(gaotai, tmp_path):
    header = ["活动日期", "类型", "学科", "参加人次", "参与人员", "内容", "证明材料", "报备日期"]
    path = write_xlsx(tmp_path / "a.xlsx", [header, ["2020-04-10", "送课指导", None, 5, None, "送课", None, None]],
                      title="西街小学结对帮扶活动记录表", sheet="活动记录")
    result = run("import", "activities", path, "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 2
    found = sheet_lines(result.stderr)
    assert set(found) == {"A2", "D2"}, found  # the header row, never the title above it
    assert found["A2"][0] == "日期" and "第 2 行像是表头，但缺少列“日期”" in found["A2"][1]
    assert "“活动日期”如果就是这一列，请把列名改为“日期”" in found["A2"][1]
    assert found["D2"] == ("参加人次", found["D2"][1]) and "您是不是想写“人次”" in found["D2"][1]
    assert "缺少列“内容”" not in result.stderr and "缺少列“类型”" not in result.stderr


def test_full_width_digits_in_numbers_and_dates_are_read_as_digits(gaotai, tmp_path):
    rows = [["２０２０－０４－１５", "送课指导", None, "１２", None, "送课", None, "2020年4月16日"]]
    result = run("import", "activities", activity_sheet(tmp_path / "a.xlsx", rows), "-p", "xijie", "--programme", gaotai)
    assert result.returncode == 0, result.stderr
    log = load_programme(gaotai).activity_log("xijie", "2020")
    assert log is not None and [(r.date.isoformat(), r.person_times, str(r.filed_on)) for r in log.records] == \
        [("2020-04-15", 12, "2020-04-16")]
