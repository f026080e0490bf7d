"""Every kind of mistake a clerk can make gives one Chinese line with file, line and field."""
from __future__ import annotations

import re

import pytest

from docgen.load import load_programme
from tests.helpers import DATA, MINI_PAIRING, MINI_PROGRAMME, PROBLEM_LINE


def problems_of(root):
    loaded = load_programme(root)
    return [str(p) for p in loaded.problems], loaded


def only(root):
    lines, _ = problems_of(root)
    assert len(lines) == 1, lines
    match = PROBLEM_LINE.match(lines[0])
    assert match, lines[0]
    return match


def test_examples_are_valid_and_complete():
    yichun = load_programme(DATA / "yichun-2022")
    gaotai = load_programme(DATA / "gaotai-2020")
    assert yichun.problems == [] and gaotai.problems == []
    assert sum(len(p.pairs) for p in yichun.pairings) == 15
    assert len(gaotai.pairings) == 6
    assert all(len(p.recipients) >= 1 for p in gaotai.pairings)
    assert any(len(p.recipients) > 1 for p in gaotai.pairings)  # one-to-many
    supporters = [p.supporter.name for p in yichun.pairings]
    assert supporters.count("奉新一中") == 2  # one school in two pairings


def test_missing_required_field(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.replace("county: 测试县\n", "")})
    m = only(root)
    assert m["file"].endswith("pairings/p1.yaml")
    assert m["field"] == "county" and "缺少必填字段" in m["msg"]


def test_wrong_type_points_at_value(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.replace("  - name: 乙中学\n  - name: 丙中学\n",
                                                                "  name: 乙中学\n")})
    m = only(root)
    assert m["field"] == "recipients" and "应为列表" in m["msg"]
    assert m["line"] == "6"


def test_empty_value(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.replace("  - name: 丙中学", '  - name: ""')})
    m = only(root)
    assert (m["field"], m["line"], m["col"]) == ("recipients[1].name", "7", "11")
    assert m["msg"] == "不能为空"


def test_unknown_key_suggests(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING + "signd_on: 2022-10-01\n"})
    m = only(root)
    assert m["field"] == "signd_on" and m["line"] == "8" and m["col"] == "1"
    assert "未知字段" in m["msg"] and "signed_on" in m["msg"]


def test_unknown_nested_key_suggests(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.replace("position: 校长", "positon: 校长")})
    m = only(root)
    assert m["field"] == "supporter.lead.positon" and "position" in m["msg"]


def test_duplicate_key(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING + "county: 另一个县\n"})
    m = only(root)
    assert m["field"] == "county" and m["line"] == "8" and "重复" in m["msg"] and "第 1 行" in m["msg"]


def test_malformed_yaml(make_programme):
    root = make_programme(pairings={"p1": "county: 测试县\nsupporter:\n  name: 甲中学\n   lead: x\n"})
    m = only(root)
    assert m["line"] == "4" and m["field"] == "-"
    assert re.search("[\u4e00-\u9fff]", m["msg"])  # the message is Chinese


def test_tab_indentation(make_programme):
    root = make_programme(pairings={"p1": "county: 测试县\nsupporter:\n\tname: 甲中学\n"})
    m = only(root)
    assert "Tab" in m["msg"] and m["line"] == "3"


def test_gbk_file_is_explained(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.encode("gbk")})
    m = only(root)
    assert "UTF-8" in m["msg"] and "GBK" in m["msg"] and "另存为" in m["msg"]
    assert m["line"] == "1"


def test_empty_file(make_programme):
    root = make_programme(pairings={"p1": "# 只有注释\n\n"})
    m = only(root)
    assert "文件为空" in m["msg"]


def test_impossible_date(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING + "signed_on: 2022-02-30\n"})
    m = only(root)
    assert m["field"] == "signed_on" and "不是存在的日期" in m["msg"]


def test_a_confirmation_before_the_signing(make_programme):
    """Review 2026-12: a 主管部门确认日期 before the 协议签订日期 was saved without a word."""
    root = make_programme(pairings={"p1": MINI_PAIRING + "signed_on: 2020-09-10\nconfirmed_on: 2020-09-01\n"})
    m = only(root)
    assert m["field"] == "confirmed_on" and int(m["line"]) > 0 and "早于协议签订日期 2020-09-10" in m["msg"]
    ok = make_programme(pairings={"p1": MINI_PAIRING + "signed_on: 2020-09-10\nconfirmed_on: 2020-09-10\n"})
    assert problems_of(ok)[0] == []


def test_date_of_wrong_shape(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING + "signed_on: 2022年2月3日\n"})
    m = only(root)
    assert m["field"] == "signed_on" and "2022-09-01" in m["msg"]


def test_cycle_ending_before_start(make_programme):
    root = make_programme(MINI_PROGRAMME.replace("  start: 2022-09-01\n", "  start: 2022-09-01\n  end: 2021-08-31\n"))
    m = only(root)
    assert m["file"].endswith("programme.yaml")
    assert (m["field"], m["line"]) == ("cycle.end", "8") and "不晚于开始日期" in m["msg"]


def test_same_pairing_id_twice(make_programme):
    root = make_programme(pairings={"a": "id: same\n" + MINI_PAIRING, "b": "id: same\n" + MINI_PAIRING})
    m = only(root)
    assert m["file"].endswith("b.yaml") and m["field"] == "id" and "a.yaml" in m["msg"]


def test_control_character(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.replace("乙中学", "乙\x0b中学")})
    m = only(root)
    assert "U+000B" in m["msg"] and m["line"] == "6" and m["col"] == "12"


def test_escaped_control_character_in_quotes(make_programme):
    root = make_programme(pairings={"p1": MINI_PAIRING.replace("乙中学", '"乙\\x01中学"')})
    m = only(root)
    assert "U+0001" in m["msg"] and m["field"] == "recipients[0].name"


def test_alias_is_refused(make_programme):
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\ncounty: *c\n'
    m = only(make_programme(pairings={"p1": bomb}))
    assert "别名" in m["msg"] and m["line"] == "2"


def test_python_object_tags_are_not_executed(make_programme):
    body = MINI_PAIRING.replace("county: 测试县", "county: !!python/object/apply:os.system ['echo hi']")
    m = only(make_programme(pairings={"p1": body}))
    assert m["line"] == "1" and m["field"] == "county" and "标签" in m["msg"]


def test_yes_and_no_stay_text(make_programme):
    _, loaded = problems_of(make_programme(pairings={"p1": MINI_PAIRING + "remark: no\n"}))
    assert loaded.pairings[0].remark == "no"


def test_doc_number_format(make_programme):
    m = only(make_programme(MINI_PROGRAMME.replace("测教字〔2022〕5号", "测教字[2022]05号")))
    assert m["field"] == "notices[0].doc_no" and "〔" in m["msg"]


def test_doc_number_must_match_bureau_code(make_programme):
    m = only(make_programme(MINI_PROGRAMME.replace("测教字〔2022〕5号", "另教字〔2022〕5号")))
    assert m["field"] == "notices[0].doc_no" and "测教字" in m["msg"]


def test_enum_value_suggests(make_programme):
    prog = MINI_PROGRAMME + ("commitments:\n  - {id: x, activity: lesson_delivry, by: supporter,"
                             " per: term, what: 送课, times: 3}\n")
    m = only(make_programme(prog))
    assert m["field"] == "commitments[0].activity" and "lesson_delivery" in m["msg"]


def test_recipient_reference_must_exist(make_programme):
    pairing = MINI_PAIRING + ("teacher_pairs:\n  - mentor: {name: 甲某某}\n    mentee: {name: 乙某某}\n"
                              "    recipient_school: 乙中校\n")
    m = only(make_programme(pairings={"p1": pairing}))
    assert m["field"] == "teacher_pairs[0].recipient_school" and "乙中学" in m["msg"]


def test_rubric_total_must_add_up(make_programme):
    prog = MINI_PROGRAMME + ("rubric:\n  items:\n    - {no: 1, category: 组织, title: 组织, points: 60, criteria: 有方案}\n"
                             "    - {no: 2, category: 加分, title: 加分, points: 5, criteria: 有报道, bonus: true}\n")
    m = only(make_programme(prog))
    assert m["field"] == "rubric.total" and "60" in m["msg"]


def test_all_errors_of_a_run_are_reported_together(make_programme):
    root = make_programme(pairings={
        "a": MINI_PAIRING.replace("county: 测试县\n", ""),
        "b": MINI_PAIRING + "signed_on: 2022-02-30\nfoo: 1\n",
        "c": MINI_PAIRING,
    })
    lines, loaded = problems_of(root)
    assert len(lines) == 3, lines
    assert [p.id for p in loaded.pairings] == ["c"]  # the valid pairing is not lost


def test_seal_outside_programme_folder(make_programme):
    m = only(make_programme(MINI_PROGRAMME.replace("  doc_code: 测教字\n", "  doc_code: 测教字\n  seal: ../x.png\n")))
    assert m["field"] == "bureau.seal" and "方案目录" in m["msg"]


@pytest.mark.parametrize("month", ["2021-09", "2025-09"])
def test_month_outside_cycle(make_programme, month):
    pairing = MINI_PAIRING.replace("  - name: 丙中学\n", "") + (
        f"monthly_plan:\n  - month: {month}\n    items:\n      - content: 管理指导\n")
    m = only(make_programme(pairings={"p1": pairing}))
    assert m["field"] == "monthly_plan[0].month" and "不在帮扶周期" in m["msg"]


@pytest.mark.parametrize(("month", "deadline", "says"), [
    ("2023-03", "2022-03-20", "早于这项工作所在的月份 2023-03"),  # last year's plan with its months changed only
    ("2025-08", "2025-09-10", "不在帮扶周期（2022-09-01 至 2025-08-31）内"),
    ("2023-03", "2023-04-10", None)])  # a month's work due in the next month
def test_a_plan_items_deadline_lies_in_or_after_its_month_and_in_the_cycle(make_programme, month, deadline, says):
    """Review 36 F2: a plan copied from last year, its months changed to this year's, still
    gave last year's deadlines (2020-03-20 under 2021-03), and validate said 数据无误."""
    pairing = MINI_PAIRING.replace("  - name: 丙中学\n", "") + (
        f"monthly_plan:\n  - month: {month}\n    items:\n      - content: 管理指导\n        deadline: {deadline}\n")
    root = make_programme(pairings={"p1": pairing})
    if says is None:
        assert problems_of(root)[0] == []
        return
    m = only(root)
    assert (m["field"], m["line"]) == ("monthly_plan[0].items[0].deadline", "11") and says in m["msg"]


SUMMARY = "summaries:\n  - year: {year}\n    overview: 本年度开展了结对帮扶。\n    date: {date}\n"


@pytest.mark.parametrize(("date", "wrong"), [("2023-07-01", True), ("2024-08-31", False), ("2024-09-05", False)])
def test_a_summary_is_signed_within_its_year_or_after_it(make_programme, date, wrong):
    """Review 36 F2: a summary copied from last year, its year changed to this year's, was
    signed on last year's day (2020-12-19 under 2021年度) and validate said 数据无误."""
    pairing = MINI_PAIRING + SUMMARY.format(year=2023, date=date)
    root = make_programme(pairings={"p1": pairing})
    if not wrong:
        assert problems_of(root)[0] == []
        return
    m = only(root)
    assert (m["field"], m["line"]) == ("summaries[0].date", "11")
    assert "2023—2024学年（2023-09-01 至 2024-08-31）" in m["msg"] and date in m["msg"]


def test_a_summary_of_a_year_before_the_cycle_is_to_be_deleted_not_relabelled(make_programme):
    """Review 36 F2: a copied programme's summary of last year was offered "可选：2021", and
    relabelled it printed last year's facts as this year's."""
    m = only(make_programme(pairings={"p1": MINI_PAIRING + SUMMARY.format(year=2021, date="2022-07-01")}))
    assert m["field"] == "summaries[0].year"
    assert "2021—2022学年的总结" in m["msg"] and "不属于本方案" in m["msg"] and "请删除这一项" in m["msg"]
    assert "可选" not in m["msg"]
    later = only(make_programme(pairings={"p1": MINI_PAIRING + SUMMARY.format(year=2026, date="2027-07-01")}))
    assert "2026 不是帮扶周期中的年度，可选：2022（2022—2023学年）" in later["msg"]


def test_an_activities_folder_of_a_year_before_the_cycle_is_to_be_deleted_not_renamed(make_programme):
    """Review 36 F2: activities/2020 in a programme copied for 2021 was told "应为：2021", and
    renamed it put last year's records into this year."""
    root = make_programme()
    log = "records:\n  - date: {day}\n    type: lecture\n    description: 专题讲座\n"
    for year, day in (("2021", "2022-03-10"), ("2030", "2030-10-10")):
        (root / "activities" / year).mkdir(parents=True)
        (root / "activities" / year / "p1.yaml").write_text(log.format(day=day), encoding="utf-8")
    lines, _ = problems_of(root)
    [earlier] = [line for line in lines if "/2021/" in line]
    assert "目录 2021 中是2021—2022学年的活动记录" in earlier and "请删除这个目录" in earlier and "应为" not in earlier
    [later] = [line for line in lines if "/2030/" in line]
    assert "目录名 2030 不是帮扶周期中的年度，应为：2022（2022—2023学年）" in later


def test_rare_characters_are_a_warning_not_an_error(make_programme):
    pairing = MINI_PAIRING.replace("王某某", "王喆")
    loaded = load_programme(make_programme(pairings={"p1": pairing}))
    assert loaded.problems == [] and len(loaded.pairings) == 1
    assert len(loaded.warnings) == 1
    warning = str(loaded.warnings[0])
    assert "喆" in warning and "GB2312" in warning and ":4:" in warning and "supporter.lead.name" in warning


def test_a_copied_pairing_file_is_a_duplicate(example_copy):
    """Review 32 D3: xijie.yaml copied to xijie2.yaml passed validation, and the bureau's pair
    list printed 西街小学 and its three recipients twice."""
    root = example_copy("gaotai-2020")
    (root / "pairings" / "xijie2.yaml").write_bytes((root / "pairings" / "xijie.yaml").read_bytes())
    lines, loaded = problems_of(root)
    found = [PROBLEM_LINE.match(line) for line in lines]
    assert all(found) and len(found) == 4, lines
    assert all(m["file"].endswith("pairings/xijie2.yaml") for m in found)
    by_field = {m["field"]: m for m in found}
    assert "序号 6" in by_field["no"]["msg"] and "xijie.yaml 第 2 行" in by_field["no"]["msg"]
    dup = by_field["recipients[1].name"]
    assert dup["line"] == "15" and "“西街小学”" in dup["msg"] and "“正远小学”" in dup["msg"]
    assert "xijie.yaml 第 15 行" in dup["msg"] and "删除" in dup["msg"]
    assert [p.id for p in loaded.pairings].count("xijie") == 1 and "xijie2" in loaded.rejected


def test_two_pairings_with_one_number(example_copy):
    """Review 32 D3: two pairings numbered 5 were accepted without a word."""
    root = example_copy("gaotai-2020")
    path = root / "pairings" / "xijie.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("no: 6\n", "no: 5\n", 1), encoding="utf-8")
    m = only(root)
    assert m["file"].endswith("pairings/xijie.yaml") and (m["field"], m["line"]) == ("no", "2")
    assert "序号 5" in m["msg"] and "guoqing.yaml 第 2 行" in m["msg"]


def test_what_is_not_a_duplicate_pairing(make_programme):
    """One supporter in several files with other recipients (宜春中学, 奉新一中 in yichun-2022),
    one recipient with two supporters, and a pair renewed after its own cycle ended."""
    renewed = "county: 测试县\nsupporter: {name: 甲中学}\nrecipients: [{name: 乙中学}]\n"
    root = make_programme(pairings={
        "a": MINI_PAIRING,
        "b": "county: 测试县\nsupporter: {name: 甲中学}\nrecipients: [{name: 丁中学}]\n",
        "c": "county: 测试县\nsupporter: {name: 戊中学}\nrecipients: [{name: 乙中学}]\n",
        "d1": renewed.replace("county", "cycle: {start: 2022-09-01, end: 2023-08-31}\ncounty")
                     .replace("甲中学", "己中学"),
        "d2": renewed.replace("county", "cycle: {start: 2023-09-01, end: 2024-08-31}\ncounty")
                     .replace("甲中学", "己中学"),
    })
    assert problems_of(root)[0] == []


def test_a_duplicate_pair_is_found_across_bracket_forms(make_programme):
    renewed = "county: 测试县\nsupporter: {name: 甲中学}\nrecipients: [{name: 乙中学}]\n"
    clash = make_programme(pairings={"a": MINI_PAIRING.replace("丙中学", "丙中学(一校区)"),
                                     "b": renewed.replace("乙中学", "丙中学（一校区）")})
    m = only(clash)
    assert m["file"].endswith("b.yaml") and "a.yaml 第 7 行" in m["msg"]


@pytest.mark.parametrize(("written", "mark"), [("subjects: [音乐，体育]", "中文逗号“，”"),
                                               ("subjects: [音乐、体育]", "顿号“、”"),
                                               ("subjects:\n    - 音乐；体育", "中文分号“；”")])
def test_a_chinese_comma_inside_a_list(example_copy, written, mark):
    """Review 32 D7: [音乐，体育] typed with a Chinese input method was one subject “音乐，体育”,
    and the summary counted 5 subjects where the data meant 6."""
    root = example_copy("gaotai-2020")
    path = root / "activities" / "2020" / "chengguan.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  subjects: [音乐, 体育]\n") == 1
    path.write_text(text.replace("  subjects: [音乐, 体育]\n", f"  {written}\n"), encoding="utf-8")
    m = only(root)
    assert m["file"].endswith("chengguan.yaml") and m["field"] == "records[12].subjects[0]"
    assert m["line"] == ("103" if "[" in written else "104")
    assert mark in m["msg"] and "英文逗号“,”" in m["msg"] and "[音乐, 体育]" in m["msg"] and "“- ”" in m["msg"]


def test_a_chinese_comma_in_the_people_of_a_record(example_copy):
    root = example_copy("gaotai-2020")
    path = root / "activities" / "2020" / "chengguan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  people: [曹某某]\n  person_times: 6\n", "  people: [曹某某，严某某]\n  person_times: 6\n"),
                    encoding="utf-8")
    m = only(root)
    assert (m["field"], m["line"]) == ("records[12].people[0]", "104") and "[曹某某, 严某某]" in m["msg"]


@pytest.mark.parametrize(("where", "says"), [
    ("activities/2020/xijie.yaml", ["删除该文件", "“records:”", "- date:"]),
    ("pairings/guoqing.yaml", ["县市区（county）", "docgen new pairing guoqing", "删除该文件"]),
    ("programme.yaml", ["方案标题（title）", "帮扶周期（cycle）"]),
])
def test_an_empty_file_says_what_to_do(example_copy, where, says):
    """Review 32 D5: an empty file gave only 文件为空，没有任何内容 (a school that made its
    activities file before it had anything to record did not learn to delete it)."""
    root = example_copy("gaotai-2020")
    (root / where).write_bytes(b"\xef\xbb\xbf")  # (a BOM alone: what Notepad saves for nothing)
    lines = [line for line in problems_of(root)[0] if where in line]
    assert len(lines) == 1 and "文件为空" in lines[0], lines
    assert all(words in lines[0] for words in says), lines[0]


def test_records_with_nothing_under_it(example_copy):
    """Review 32 D5: ``records:`` alone gave “records  不能为空”, the key bare and no fix."""
    root = example_copy("gaotai-2020")
    (root / "activities" / "2020" / "xijie.yaml").write_text("records:\n", encoding="utf-8")
    m = only(root)
    assert (m["field"], m["line"]) == ("records", "1")
    assert m["msg"].startswith("活动记录（records）") and "删除该文件" in m["msg"] and "- date:" in m["msg"]


@pytest.mark.parametrize(("drop", "field", "says"), [
    ("title: 测试县结对帮扶工作方案\n", "title", ["“方案标题”（title）", "title: "]),
    ("cycle:\n  start: 2022-09-01\n", "cycle", ["“帮扶周期”（cycle）", "start: ", "end: "]),
])
def test_a_missing_field_is_named_in_chinese_with_what_to_write(make_programme, drop, field, says):
    """Review 32 D15: 缺少必填字段“title” / “cycle” named the key only, and not what to write."""
    m = only(make_programme(MINI_PROGRAMME.replace(drop, "")))
    assert m["field"] == field and m["msg"].startswith("缺少必填字段")
    assert all(words in m["msg"] for words in says), m["msg"]


def test_a_missing_seal_points_to_the_seals_folder(make_programme):
    """Review 32 D15: 找不到公章图片 did not say where seals go or how a scan becomes one."""
    m = only(make_programme(MINI_PROGRAMME.replace("  doc_code: 测教字\n", "  doc_code: 测教字\n  seal: 教育局公章.png\n")))
    assert m["field"] == "bureau.seal" and "找不到公章图片“教育局公章.png”" in m["msg"]
    assert "seals/ 文件夹" in m["msg"] and "seals/教育局公章.png" in m["msg"] and "docgen seal prepare" in m["msg"]


def test_an_attachment_without_its_part_names_the_part_in_chinese(make_programme):
    prog = MINI_PROGRAMME.replace("    body: [现将方案印发给你们。]\n", "    body: [现将方案印发给你们。]\n"
                                  "    attachments:\n      - {title: 领导小组名单, content: leading_group}\n")
    m = only(make_programme(prog))
    assert m["field"] == "notices[0].attachments[0].content" and "领导小组（leading_group）" in m["msg"]


def test_a_choice_written_by_its_chinese_name_is_told_its_code(example_copy):
    """A clerk's review: ``type: 师徒交流`` (the import takes the Chinese names) got the choices
    as bare codes (可选：lesson_delivery、…), none of which reads 师徒交流."""
    root = example_copy("gaotai-2020")
    log = root / "activities" / "2020" / "chengguan.yaml"
    log.write_text(log.read_text("utf-8").replace("  type: mentor_exchange", "  type: 师徒交流", 1), "utf-8")
    [problem] = [p for p in load_programme(root).problems if p.field.endswith(".type")]
    assert problem.message.startswith("“师徒交流”请写作 mentor_exchange")
    assert "lesson_delivery（送课指导）" in problem.message
