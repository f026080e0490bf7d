"""The bureau's pair list as a spreadsheet: import (new and re-import), located errors, export.

The sheets are typed here as bureaus keep them, from the pair lists of seeds 000 and 001; what
they must give is compared with data/yichun-2022 and data/gaotai-2020, which were written by
hand from the same seeds."""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from docgen.load import load_programme
from docgen.load.pairlist.files import dump, round_trip_yaml
from docgen.load.pairlist.groups import split_names, split_schools
from docgen.load.yaml_source import read
from tests.helpers import DATA, PROBLEM_LINE, SHEET_LINE, run

# Seed 000, 附件 宜春市县域普通高中结对帮扶学校名单, as printed: a blank cell repeats the one above.
SEED_000 = """\
县市区	支援学校	受援学校	备注
袁州区/市直	宜春中学	宜春十中	市直学校帮扶区属学校
	宜春三中	宜春四中	市直学校帮扶区属学校
樟树市	樟树中学	樟树市清江中学	
	樟树市滨江中学	樟树市第三中学	
丰城市	丰城九中	丰城四中	
靖安县/奉新县	奉新一中	靖安中学	县中跨县域结对帮扶
奉新县	奉新一中	奉新四中	
高安市	高安中学	高安市石脑中学	
	高安二中	高安市灰埠中学	
上高县	上高二中	上高中学	
宜丰县	宜丰中学	宜丰县第二中学	
铜鼓县/市直	宜春一中	铜鼓中学	市直学校帮扶县属学校
万载县	万载中学	万载县第二中学	
		万载县株潭中学	
市直	宜春中学	宜春实验中学	市直学校帮扶市直学校"""

# Seed 001, 附件2 高台县2020年中小学结对帮扶学校安排表: several schools and names per cell,
# separated by line breaks, blank lines and runs of spaces, exactly as the seed has them.
SEED_001 = [
    ("城关初中", "南华初中    \n南华镇中心小学及各校区\n明水小学", "刘天彪\n杨建荣"),
    ("高台三中", "黑泉镇中心小学及各校区", "王多权\n王大军"),
    ("高台二中", "新坝镇中心小学及各校区\n照中小学    霞光小学", "葛生禄 \n\n武廷增"),
    ("解放街小学", "骆驼城镇中心小学及各校区\n罗城镇中心小学及各校区", "李国彪\n赵文凯\n闫万军"),
    ("国庆小学", "宣化镇中心小学及各校区\n\n合黎镇中心小学及五坝校区", "王永奇\n吴  斌\n\n文加丰"),
    ("西街小学", "巷道镇中心小学及各校区\n\n正远小学    西八里小学  ", "王晓英\n\n王应国"),
]


def seed_000_rows() -> list[list[str | None]]:
    return [[cell or None for cell in line.split("\t")] for line in SEED_000.splitlines()]


def write_xlsx(path: Path, rows, merges=(), title: str | None = None, sheet: str | None = None,
               before: dict[str, list] | None = None) -> Path:
    """A workbook as a bureau has it: optional sheets before the list, a title row, merged cells."""
    wb = Workbook()
    first = wb.active
    for name, content in (before or {}).items():
        ws = wb.create_sheet(name)
        for row in content:
            ws.append(row)
    ws = first
    if before:
        wb.move_sheet(first, offset=len(before))
    ws.title = sheet or "名单"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        ws.append(row)
    for merged in merges:
        ws.merge_cells(merged)
    wb.save(path)
    return path


def empty_programme(tmp_path: Path, name: str) -> Path:
    """The example's programme.yaml (and seals) without any pairing file."""
    root = tmp_path / f"{name}-new"
    root.mkdir()
    shutil.copy(DATA / name / "programme.yaml", root)
    shutil.copytree(DATA / name / "seals", root / "seals")
    return root


def described(root: Path) -> tuple[list[tuple], dict[str, tuple]]:
    """What a pair list says about each pairing, without file names: (county, supporter,
    recipients, remark, order), and the leads' names by pairing."""
    loaded = load_programme(root)
    assert loaded.problems == [], [str(p) for p in loaded.problems]
    facts = sorted((p.no, p.county, p.supporter.name, p.supporter.campuses,
                    tuple((r.name, r.campuses) for r in p.recipients), p.remark) for p in loaded.pairings)
    leads = {f"{p.county}:{p.supporter.name}": tuple(s.lead.name if s.lead else None for s in (p.supporter, *p.recipients))
             for p in loaded.pairings}
    return facts, leads


@functools.cache
def example(name: str) -> tuple[list[tuple], dict[str, tuple]]:
    """The same for data/<name>, written by hand from the seeds (read once)."""
    return described(DATA / name)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "pairings").glob("*"))} if (root / "pairings").exists() else {}


def imported(sheet: Path, root: Path, *extra: str):
    result = run("import", "pairings", sheet, "-p", root, *extra)
    assert result.returncode == 0, result.stderr
    return result


def valid(root: Path) -> None:
    result = run("validate", root)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ seed 000


def test_seed_000_with_blank_repeated_cells_gives_the_yichun_pairings(tmp_path):
    root = empty_programme(tmp_path, "yichun-2022")
    sheet = write_xlsx(tmp_path / "名单.xlsx", seed_000_rows(), title="宜春市县域普通高中结对帮扶学校名单")
    result = imported(sheet, root)
    assert described(root)[0] == example("yichun-2022")[0]
    assert "14 个结对，支援—受援学校 15 对" in result.stdout and sum(ln.startswith("新增 ") for ln in result.stdout.splitlines()) == 14
    names = sorted(p.stem for p in (root / "pairings").glob("*.yaml"))
    # the supporter's name, and its first recipient when it has two pairings (宜春中学, 奉新一中)
    assert "万载中学" in names and "宜春中学-宜春十中" in names and "奉新一中-靖安中学" in names
    valid(root)
    again = imported(sheet, root)  # the same sheet again: nothing changes
    assert "未变 14 个" in again.stdout and "新增" not in again.stdout


def test_seed_000_with_merged_cells_gives_the_same(tmp_path):
    rows = seed_000_rows()
    # Where the printed list leaves a cell blank, the bureau's workbook merges it with the one
    # above; the remark both 市直 rows share is one merged cell too (its lower half empty).
    merges = ["A2:A3", "A4:A5", "A9:A10", "A14:A15", "B14:B15", "D2:D3"]
    rows[2][3] = None
    root = empty_programme(tmp_path, "yichun-2022")
    imported(write_xlsx(tmp_path / "名单.xlsx", rows, merges), root)
    assert described(root)[0] == example("yichun-2022")[0]
    valid(root)


def test_seed_000_as_gbk_csv(tmp_path):
    path = tmp_path / "名单.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows([[c or "" for c in row] for row in seed_000_rows()])
    root = empty_programme(tmp_path, "yichun-2022")
    imported(path, root)
    assert described(root)[0] == example("yichun-2022")[0]


# ------------------------------------------------------------------ seed 001


def seed_001_sheet(tmp_path: Path, header=("帮扶学校", "被帮扶学校", "负责人")) -> Path:
    rows = [list(header)] + [list(row) for row in SEED_001]
    return write_xlsx(tmp_path / "安排表.xlsx", rows, title="高台县2020年中小学结对帮扶学校安排表")


def test_seed_001_multi_line_cells_and_leads_give_the_gaotai_pairings(tmp_path):
    root = empty_programme(tmp_path, "gaotai-2020")
    imported(seed_001_sheet(tmp_path), root, "--county", "高台县")
    facts, leads = described(root)
    assert facts == example("gaotai-2020")[0]
    assert leads == example("gaotai-2020")[1]
    assert leads["高台县:国庆小学"] == ("王永奇", "吴斌", "文加丰")  # 吴  斌 is one name, padded
    valid(root)


def test_seed_001_without_county_column_asks_for_it(tmp_path):
    root = empty_programme(tmp_path, "gaotai-2020")
    result = run("import", "pairings", seed_001_sheet(tmp_path), "-p", root)
    assert result.returncode == 2 and "--county" in result.stderr and "缺少列“县市区”" in result.stderr
    assert "Traceback" not in result.stderr and snapshot(root) == {}


def test_splitting_cells():
    assert split_schools("照中小学    霞光小学") == [("照中小学", ""), ("霞光小学", "")]
    assert split_schools("照中小学 霞光小学") == [("照中小学", ""), ("霞光小学", "")]
    assert split_schools("宜春 中学") == [("宜春中学", "")]  # a stray space inside one name
    assert split_schools("合黎镇中心小学及五坝校区、明水小学") == [("合黎镇中心小学", "及五坝校区"), ("明水小学", "")]
    assert split_names("王永奇\n吴  斌\n\n文加丰") == ["王永奇", "吴斌", "文加丰"]
    assert split_names("刘天彪（校长） 杨建荣") == ["刘天彪", "杨建荣"]
    assert split_names("王晓英\n—\n王应国") == ["王晓英", None, "王应国"]


# ------------------------------------------------------------------ re-import


HAND_PAIRS = """\
teacher_pairs:   # 2023 年春季调整
  - mentor: {name: 葛某某, subject: 物理}
    mentee: {name: 奚某某, subject: 物理}
    recipient_school: %s
"""
"""Teacher pairs a school wrote by hand into a pairing file (the example data names none)."""


def test_reimport_updates_only_what_the_sheet_owns(tmp_path, example_copy):
    root = example_copy("yichun-2022")
    wanzai = root / "pairings" / "wanzai.yaml"
    hand = wanzai.read_text("utf-8") + HAND_PAIRS % "万载县株潭中学"
    wanzai.write_text(hand + "summaries:\n  - year: 2022\n    overview: 手写的总结\n", encoding="utf-8")
    before_data = read(wanzai).data
    before = snapshot(root)
    rows = seed_000_rows()
    rows[13][3] = "县域内结对帮扶"  # 万载中学: a remark where there was none
    rows[5][2] = "丰城市第四中学"   # 丰城九中's recipient renamed
    rows[15][3] = "市直学校之间结对帮扶"  # 宜春中学—宜春实验中学: another remark
    result = imported(write_xlsx(tmp_path / "名单.xlsx", rows), root)
    after = snapshot(root)
    assert sorted(after) == sorted(before)  # matched by content: no new file beside wanzai.yaml
    changed = [name for name in after if after[name] != before[name]]
    assert sorted(changed) == ["fengcheng.yaml", "shizhi.yaml", "wanzai.yaml"]
    text = wanzai.read_text("utf-8")
    assert text.startswith("# 万载中学—万载县第二中学、万载县株潭中学（")  # the comment is kept
    assert "teacher_pairs:   # 2023 年春季调整\n" in text
    data = read(wanzai).data  # as docgen reads it (PyYAML alone would read the key no as false)
    assert data["remark"] == "县域内结对帮扶"
    assert list(data) == ["no", "county", "remark"] + [k for k in before_data if k not in ("no", "county")]
    for key in before_data:
        if key not in ("remark",):
            assert data[key] == before_data[key], key
    assert "备注：（空） → “县域内结对帮扶”" in result.stdout
    assert "备注：“市直学校帮扶市直学校” → “市直学校之间结对帮扶”" in result.stdout
    shizhi = read(root / "pairings" / "shizhi.yaml").data
    before_shizhi = read(DATA / "yichun-2022" / "pairings" / "shizhi.yaml").data
    assert {k: v for k, v in shizhi.items() if k != "remark"} == {k: v for k, v in before_shizhi.items() if k != "remark"}
    assert "新增受援学校：丰城市第四中学" in result.stdout and "删除受援学校：丰城四中（名单中已没有）" in result.stdout
    valid(root)


def test_reimport_adds_a_recipient_and_reports_what_left_the_sheet(tmp_path, example_copy):
    root = example_copy("yichun-2022")
    shanggao = root / "pairings" / "shanggao.yaml"
    shanggao.write_text(shanggao.read_text("utf-8") + HAND_PAIRS.replace("    recipient_school: %s\n", ""), "utf-8")
    rows = seed_000_rows()
    rows[10][2] = "上高中学\n上高县第二中学"         # 上高二中 now helps two schools
    del rows[-1]                                      # 宜春中学—宜春实验中学 left the list
    result = imported(write_xlsx(tmp_path / "名单.xlsx", rows), root)
    assert "shizhi.yaml" in result.stdout and "未删除" in result.stdout
    assert (root / "pairings" / "shizhi.yaml").exists()
    data = read(root / "pairings" / "shanggao.yaml").data
    assert [r["name"] for r in data["recipients"]] == ["上高中学", "上高县第二中学"]
    assert data["recipients"][0]["lead"] == {"name": "沈某某", "position": "校长"}
    # the hand-written pairs were for the only recipient; now that there are two, they say so
    assert {p["recipient_school"] for p in data["teacher_pairs"]} == {"上高中学"}
    valid(root)


LEADER_PAIRS = """\
leader_pairs:
  - supporter: {name: 魏某某, position: 副校长}
    recipient: {name: 陶某某, position: 副校长}
    recipient_school: %s
"""
GROUP_PAIRS = """\
group_pairs:
  - subject: 语文
    recipient_school: %s
"""


@pytest.mark.parametrize("pairs", [HAND_PAIRS, LEADER_PAIRS, GROUP_PAIRS])
def test_reimport_refuses_to_drop_a_school_that_teacher_pairs_name(pairs, tmp_path, example_copy):
    """(校级领导结对 and 学科教研组结对 naming the school were let through: their people left
    under a file whose recipient was gone.)"""
    root = example_copy("yichun-2022")
    wanzai = root / "pairings" / "wanzai.yaml"
    wanzai.write_text(wanzai.read_text("utf-8") + pairs % "万载县株潭中学", "utf-8")
    before = snapshot(root)
    rows = [r for r in seed_000_rows() if r[2] != "万载县株潭中学"]
    rows.append(["市直", "宜春一中", "宜春实验中学", None])  # a good row: would be a new file
    result = run("import", "pairings", write_xlsx(tmp_path / "名单.xlsx", rows), "-p", root)
    assert result.returncode == 2
    lines = [PROBLEM_LINE.match(line) for line in result.stderr.splitlines() if ".yaml:" in line]
    assert lines and all(m and m["file"].endswith("wanzai.yaml") for m in lines)
    assert all("万载县株潭中学" in m["msg"] for m in lines) and "没有写入任何文件" in result.stderr
    assert snapshot(root) == before


# ------------------------------------------------------------------ bad rows


def test_bad_rows_are_located_and_nothing_is_written(tmp_path, example_copy):
    root = example_copy("yichun-2022")
    before = snapshot(root)
    rows = [
        ["序号", "县（市、区）", "支援学校", "被帮扶学校", "负责人", "备  注"],
        [1, "万载县", None, "万载县第二中学", None, None],                      # row 3: no supporter yet
        [2, "万载县", "万载中学", None, None, None],                            # row 4: no recipient
        [3, None, "宜丰中学", "宜丰中学", None, None],                          # row 5: helps itself
        [4, "上高县", "上高二中", "上高中学", "蒋某某\n沈某某\n许某某", None],  # row 6: three names, two schools
        [5, "樟树市", "樟树中学", "樟树市清江中学", None, "甲"],
        [6, None, None, "樟树市第三中学", None, "乙"],                          # row 8: another remark
    ]
    sheet = write_xlsx(tmp_path / "名单.xlsx", rows, title="名单", before={"填表说明": [["请按表头填写"]]})
    result = run("import", "pairings", sheet, "-p", root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    found = {}
    for line in result.stderr.splitlines():
        m = SHEET_LINE.match(line)
        if m:
            assert m["file"].endswith("名单.xlsx") and m["sheet"] == "名单", line  # the list is not on the first sheet
            found[m["cell"]] = (m["field"], m["msg"])
    assert found["C3"][0] == "支援学校" and "上面也没有" in found["C3"][1]
    assert found["D4"][0] == "被帮扶学校" and found["D4"][1].startswith("受援学校为空：请填写受援学校的全称")
    assert "请先删除这一行" in found["D4"][1]
    assert found["D5"][0] == "被帮扶学校" and "与支援学校相同" in found["D5"][1]
    assert found["E6"][0] == "负责人" and "许某某" in found["E6"][1]
    assert found["F8"][0] == "备注" and "备注不一致" in found["F8"][1]
    assert len(found) == 5, found
    assert "共 5 处错误" in result.stderr and "没有写入任何文件" in result.stderr
    assert snapshot(root) == before


def test_unknown_column_suggests_the_right_one(tmp_path, make_programme):
    root = make_programme(pairings={})
    rows = [["县市区", "支援学校", "受援学效", "备注"], ["测试县", "甲中学", "乙中学", None]]
    result = run("import", "pairings", write_xlsx(tmp_path / "名单.xlsx", rows), "-p", root)
    assert result.returncode == 2
    found = [SHEET_LINE.match(line) for line in result.stderr.splitlines() if "名单.xlsx " in line]
    assert [(m["sheet"], m["cell"], m["field"]) for m in found] == [("名单", "A1", "受援学校"), ("名单", "C1", "受援学效")]
    assert "缺少列“受援学校”" in found[0]["msg"] and "您是不是想写“受援学校”" in found[1]["msg"]
    assert snapshot(root) == {}


def test_untouched_pairing_files_dump_to_the_same_bytes():
    """The round-trip layout matches the project's files, so an edit changes only what it edits."""
    for path in sorted(DATA.glob("*/pairings/*.yaml")):
        text = path.read_text("utf-8")
        assert dump(round_trip_yaml().load(text)) == text, path.name


# ------------------------------------------------------------------ export


@pytest.mark.parametrize("name", ["yichun-2022", "gaotai-2020"])
def test_export_then_import_round_trips(tmp_path, name):
    out = tmp_path / "名单.xlsx"
    result = run("export", "pairings", "-p", DATA / name, "-o", out)
    assert result.returncode == 0, result.stderr
    first = out.read_bytes()
    assert run("export", "pairings", "-p", DATA / name, "-o", out).returncode == 0
    assert out.read_bytes() == first  # the same data, the same bytes
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == ["县市区", "支援学校", "受援学校", "负责人", "备注"]
    pairs = sum(len(recipients) for *_, recipients, _ in example(name)[0])
    assert ws.max_row == 1 + pairs  # one row per supporter–recipient pair
    merged = {str(r) for r in ws.merged_cells.ranges}
    root = empty_programme(tmp_path, name)
    imported(out, root)
    assert described(root) == example(name)
    valid(root)
    again = imported(out, DATA / name, "--dry-run")  # into the folder it came from: no change
    assert f"未变 {len(example(name)[0])} 个结对文件" in again.stdout and "将新增 0 个、修改 0 个" in again.stdout
    if name == "yichun-2022":
        assert "B14:B15" in merged and "A14:A15" in merged  # 万载中学 with its two recipients
        assert ws["D14"].value == "柏某某\n水某某\n窦某某"
    else:
        assert "A2:A15" in merged  # one county for the whole list
        assert ws["D2"].value == "刘天彪\n杨建荣"


def test_export_csv_keeps_the_place_of_a_missing_lead(tmp_path, example_copy):
    root = example_copy("gaotai-2020")
    path = root / "pairings" / "guoqing.yaml"
    path.write_text(path.read_text("utf-8").replace("    lead:\n      name: 吴斌\n      position: 校长\n", ""), encoding="utf-8")
    out = tmp_path / "名单.csv"
    assert run("export", "pairings", "-p", root, "-o", out).returncode == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert ["", "国庆小学", "宣化镇中心小学及各校区", "王永奇\n—\n文加丰", ""] in rows
    target = empty_programme(tmp_path, "gaotai-2020")
    imported(out, target)
    facts, leads = described(target)
    assert leads["高台县:国庆小学"] == ("王永奇", None, "文加丰")
    assert facts == example("gaotai-2020")[0]


# ------------------------------------------------------------------ the next year's list (review 36)


def next_year_sheet(tmp_path: Path, rows) -> Path:
    """The gaotai list with its rows changed, as the bureau sends the next year's."""
    return write_xlsx(tmp_path / "2021名单.xlsx", [["帮扶学校", "被帮扶学校", "负责人"], *map(list, rows)])


def test_a_new_pairing_never_takes_the_number_of_a_file_the_import_keeps(tmp_path, example_copy):
    root = example_copy("gaotai-2020")
    xijie = (root / "pairings" / "xijie.yaml").read_bytes()  # no: 6, and not in the new list
    rows = [row for row in SEED_001 if row[0] != "西街小学"] + [("城关小学", "红崖子小学", "")]
    result = imported(next_year_sheet(tmp_path, rows), root, "--county", "高台县")
    assert "xijie.yaml" in result.stdout and "已保留" in result.stdout
    assert (root / "pairings" / "xijie.yaml").read_bytes() == xijie
    valid(root)  # before: the new pairing was given no: 6 too, and every build failed on it
    numbers = [p.no for p in load_programme(root).pairings]
    assert sorted(numbers) == sorted(set(numbers)) and 6 in numbers
    new = read(root / "pairings" / "城关小学.yaml").data
    assert new["no"] == 7  # after the five listed before it and past the kept file's 6


def test_another_supporting_school_is_a_new_pairing_the_old_ones_people_stay_behind(tmp_path, example_copy):
    root = example_copy("gaotai-2020")
    sanzhong = (root / "pairings" / "sanzhong.yaml").read_bytes()
    rows = [("高台一中", "黑泉镇中心小学及各校区", "李某某\n王大军") if row[0] == "高台三中" else row for row in SEED_001]
    sheet = next_year_sheet(tmp_path, rows)
    dry = imported(sheet, root, "--county", "高台县", "-n")
    said = next(line for line in dry.stdout.splitlines() if "换成了另一所学校" in line)
    assert "由“高台三中”换成了另一所学校“高台一中”" in said and "按新结对导入" in said
    for left in ("印章", "中层干部结对 1 项", "师徒结对 1 项", "年度总结 1 份", "活动记录 25 条", "不会转给高台一中"):
        assert left in said, left
    assert "请先不要导入" in said  # and how to do it if it is one school renamed
    imported(sheet, root, "--county", "高台县")
    # before: sanzhong.yaml became 高台一中's, with 高台三中's seal, 魏某某 and 姜某某 printed as 高台一中's staff
    assert (root / "pairings" / "sanzhong.yaml").read_bytes() == sanzhong
    loaded = load_programme(root)
    assert loaded.problems == []
    new = next(p for p in loaded.pairings if p.supporter.name == "高台一中")
    assert new.supporter.seal is None and new.supporter.lead and new.supporter.lead.name == "李某某"
    assert not new.middle_manager_pairs and not new.teacher_pairs and not new.summaries
    assert loaded.pairing("sanzhong").supporter.name == "高台三中"


def test_a_supporters_name_mistyped_one_sound_apart_is_still_a_rename(tmp_path, example_copy):
    root = example_copy("gaotai-2020")
    rows = [("高台叁中", *row[1:]) if row[0] == "高台三中" else row for row in SEED_001]  # 三/叁: one sound
    result = imported(next_year_sheet(tmp_path, rows), root, "--county", "高台县")
    assert "换成了另一所学校" not in result.stdout and "新增 0 个、修改 1 个" in result.stdout
    assert "支援学校名称（只差一个读音相同的字" in result.stdout
    pairing = load_programme(root).pairing("sanzhong")
    assert pairing.supporter.name == "高台叁中" and pairing.supporter.seal and pairing.teacher_pairs


def test_another_recipient_school_does_not_take_the_old_ones_people(tmp_path, example_copy):
    root = example_copy("gaotai-2020")
    sanzhong = root / "pairings" / "sanzhong.yaml"  # its 校级领导结对 too (they were let through)
    sanzhong.write_text(sanzhong.read_text("utf-8") + (LEADER_PAIRS % "").replace("    recipient_school: \n", ""),
                        "utf-8")
    before = snapshot(root)
    rows = [("高台三中", "红崖子小学", "王多权\n某某") if row[0] == "高台三中" else row for row in SEED_001]
    result = run("import", "pairings", next_year_sheet(tmp_path, rows), "-p", root, "--county", "高台县")
    # before: 陶某某 and 戚某某 (of 黑泉镇中心小学, the only recipient: no recipient_school) became 红崖子小学's
    assert result.returncode == 2
    lines = [PROBLEM_LINE.match(line) for line in result.stderr.splitlines() if "sanzhong.yaml:" in line]
    assert len(lines) == 3 and all(m and "黑泉镇中心小学" in m["msg"] for m in lines)
    assert any("校级领导结对" in m["msg"] for m in lines)
    assert snapshot(root) == before


def test_an_import_into_a_programme_whose_cycle_is_over_says_so(tmp_path, example_copy):
    from docgen.load.pairlist import import_pairings

    root = example_copy("gaotai-2020")
    sheet = next_year_sheet(tmp_path, SEED_001)
    result = imported(sheet, root, "--county", "高台县", "-n")
    assert "本方案的帮扶周期已于2020年12月31日结束" in result.stdout and "请新建一个方案文件夹" in result.stdout
    assert "请不要删除" not in result.stdout  # nothing left the list
    during = import_pairings(sheet, root, county="高台县", dry_run=True, today=dt.date(2020, 12, 31))
    assert during.ended is None and during.ended_warning() == ""
    after = import_pairings(sheet, root, county="高台县", dry_run=True, today=dt.date(2021, 1, 1))
    assert after.ended == dt.date(2020, 12, 31)
    shutil.rmtree(root / "activities")  # a programme with no records yet: a year being caught up on
    assert import_pairings(sheet, root, county="高台县", dry_run=True, today=dt.date(2021, 1, 1)).ended is None
