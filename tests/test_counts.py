"""Counts a bureau can trust: each number of the summaries and the roll-up as the records and
the programme's own words give it — the periods as written, as of a date, pairs with dates,
evidence described in words, scores only by a stated rule, no invented bands or cycle end."""
from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from docgen.activities.counting import count, so_far, term_as_of
from docgen.activities.rollup import rollup
from docgen.documents.scope import Per, Scope, scopes
from docgen.documents.summary import summary
from docgen.load import load_programme
from docgen.load.model.programme import Rubric, RubricItem
from tests.helpers import DATA, PROBLEM_LINE, all_text, run

PROGRAMME = """\
title: 梅岭县结对帮扶工作方案
bureau: {name: 梅岭县教育局}
cycle:
  start: 2026-09-01
  years: 2
report_within_days: 7
commitments:
  - {id: listen, activity: mentor_exchange, tag: 听课, by: supporter, per: week, layer: teachers, times: 1,
     what: 听徒弟的课}
  - {id: delivery, activity: lesson_delivery, by: supporter, per: term, times: 2, what: 送课指导}
  - {id: visit, activity: observation_visit, by: recipient, per: term, times: 1, exact: true, what: 观摩学习}
  - {id: award, activity: mentor_exchange, tag: 获奖, by: supporter, per: year, layer: teachers, times: 1,
     what: 帮助徒弟获奖}
  - {id: meeting, activity: joint_meeting, by: both, what: 定期召开联席会议}
"""

PAIRING = """\
county: 梅岭县
supporter: {name: 梅岭县实验小学}
recipients: [{name: 城南小学}]
signed_on: 2026-09-10
teacher_pairs:
  - {mentor: {name: 陈美玲}, mentee: {name: 刘小芳}, end: 2027-03-15, reason: 调离}
  - {mentor: {name: 王丽}, mentee: {name: 刘小芳}, start: 2027-03-16, reason: 接替陈美玲}
  - {mentor: {name: 林志远}, mentee: {name: 周晓}}
"""


def weekly(mentor: str, mentee: str, first: dt.date, last: dt.date, tag: str = "听课") -> list[dict]:
    out, day = [], first
    while day <= last:
        out.append({"date": day, "type": "mentor_exchange", "tag": tag, "mentor": mentor, "mentee": mentee,
                    "description": "听课评课", "evidence": ["evidence/x.txt"], "filed_on": day})
        day += dt.timedelta(days=7)
    return out


def records_2026() -> list[dict]:
    """Weekly lessons of every pair while it runs (Wednesdays), two deliveries in the autumn."""
    out = weekly("陈美玲", "刘小芳", dt.date(2026, 9, 2), dt.date(2027, 3, 10))
    out += weekly("王丽", "刘小芳", dt.date(2027, 3, 17), dt.date(2027, 8, 25))
    out += weekly("林志远", "周晓", dt.date(2026, 9, 2), dt.date(2027, 8, 25))
    out += [{"date": dt.date(2026, 10, 15), "type": "lesson_delivery", "description": "送课", "evidence": ["evidence/x.txt"],
             "filed_on": dt.date(2026, 10, 16)},
            {"date": dt.date(2026, 11, 5), "type": "lesson_delivery", "description": "送课", "evidence": ["evidence/x.txt"],
             "filed_on": dt.date(2026, 11, 6)},
            {"date": dt.date(2026, 10, 20), "type": "joint_meeting", "description": "联席会议",
             "evidence": ["evidence/x.txt"], "filed_on": dt.date(2026, 10, 20)}]
    return out


@pytest.fixture
def meiling(make_programme):
    root = make_programme(PROGRAMME, {"chengnan": PAIRING})
    (root / "evidence").mkdir()
    (root / "evidence" / "x.txt").write_text("签到表", encoding="utf-8")
    write_log(root, "2026", records_2026())
    return root


class NoAliases(yaml.CSafeDumper):  # libyaml's emitter: the same text, five times faster
    def ignore_aliases(self, data):
        return True


def write_log(root: Path, year: str, records: list[dict], **more) -> None:
    folder = root / "activities" / year
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chengnan.yaml").write_text(yaml.dump({"records": records, **more}, Dumper=NoAliases, allow_unicode=True,
                                                    sort_keys=False), encoding="utf-8")


def loaded_ok(root: Path):
    loaded = load_programme(root)
    assert loaded.problems == [], [str(p) for p in loaded.problems]
    return loaded


def context(root: Path, pairing: str = "chengnan", year: str = "2026", **scope):
    loaded = loaded_ok(root)
    p = loaded.pairing(pairing)
    y = next(y for y in p.cycle.cycle_years if y.key == year)
    return summary(Scope(loaded, pairing=p, year=y, **scope))


def rows_of(ctx: dict) -> dict[tuple[str, str], dict]:
    return {(r["period"], r["item"]): r for r in ctx["commitment_rows"]}


# ------------------------------------------------------------------ 1. tallies count periods met

def test_sichuan_tallies_count_the_weeks_met_not_the_runs_missed():
    """Review 004-W1: 8 weeks missed of 44 is 36 met, not 43; the text says what the table says."""
    loaded = load_programme(DATA / "sichuan-2025")
    pairing = loaded.pairing("chengqu-erzhong")
    ctx = summary(Scope(loaded, pairing=pairing, year=pairing.cycle.cycle_years[0]))
    rows = rows_of(ctx)
    assert rows[("每周", "听徒弟的课并评课指导（孔某某—曹某某）")]["done"].startswith("44周中36周达到；未达到：2025年12月29日—2026年2月22日（8周）")
    assert rows[("每周", "校长工作研讨")]["done"].startswith("44周中34周达到")
    assert rows[("每周", "听徒弟的课并评课指导（严某某—华某某）")]["done"].startswith("44周中32周达到")
    assert rows[("每月", "参与师傅的名师工作室活动（孔某某—曹某某）")]["done"].startswith("10个月中8个月达到")
    text = "".join(ctx["facts"])
    assert "43周" not in text and "41周" not in text and "39周" not in text and "9个月达到；未达到：2026年1月—2月" not in text
    for row in ctx["commitment_rows"]:  # every tally the text states is the table's
        if row.get("due") and row["behind"]:
            assert f"{row['item']}（{row['period']}，{row['tally']}）" in text


# ------------------------------------------------------------------ 2. no invented bands, no invented cycle end

def test_no_grade_bands_unless_the_programme_states_them():
    rubric = Rubric(items=[RubricItem(no=1, category="组织", title="组织管理", points=10, criteria="有方案")])
    assert rubric.bands == []
    result = run("report", "data/gaotai-2020", "-o", "/tmp/counts-no-bands")
    assert result.returncode == 0, result.stderr
    annex = all_text(Document("/tmp/counts-no-bands/gaotai-2020/report/考核汇总_2020年度.docx"))
    assert "等次" not in annex and "不合格" not in annex and "优秀" not in annex


def test_gaotai_is_counted_in_its_calendar_year_and_the_roll_up_agrees_with_each_summary(tmp_path):
    """Review 001-W1: the 2020年度 ends on 31 December. The roll-up of the year, made after it,
    counts every school to that day (reviews 2026-12: counted to the day each summary was
    signed, 城关初中's autumn shortfalls were 进行中 years later); each school's summary counted
    to the same day says the same, and its own, signed earlier, counts what was done by then."""
    loaded = load_programme(DATA / "gaotai-2020")
    assert loaded.programme.cycle.end == dt.date(2020, 12, 31)
    data = rollup(loaded, "2020")
    later = 0
    for pairing in loaded.pairings:
        if loaded.activity_log(pairing.id, "2020") is None:
            continue
        year = pairing.cycle.cycle_years[0]
        row = next(r for r in data.rows if r.pairing_id == pairing.id)
        assert row.as_of == dt.date(2020, 12, 31)
        for as_of in (row.as_of, pairing.summaries[0].date):
            ctx = summary(Scope(loaded, pairing=pairing, year=year, as_of=as_of))
            m = re.search(r"共记录帮扶活动(\d+)次，计入考核(\d+)次", ctx["facts"][0])
            stated = (int(m.group(1)), int(m.group(2)))
            if as_of == row.as_of:
                assert (row.records, row.counted) == stated, pairing.id
                done = sum(1 for r in ctx["commitment_rows"] if r["state"] == "完成")
                assert sum(m for m, _ in row.completion.values()) == done
                assert not any(r["state"] == "进行中" for r in ctx["commitment_rows"])  # the year is over
            else:
                assert stated[0] <= row.records
                later += row.records - stated[0]
    assert later  # (records dated after a summary was signed: the two days differ in what they count)


def test_a_year_that_is_over_is_counted_to_its_last_day_not_to_the_day_it_is_reported():
    """Review 2026-12: the 2020 roll-up said 统计截至2026年12月7日 of the schools whose summary
    is not signed yet: a day in no data, six years after the year, another on every run."""
    loaded = load_programme(DATA / "gaotai-2020")
    data = rollup(loaded, "2020")
    unsigned = [r for r in data.rows if not loaded.pairing(r.pairing_id).summaries
                or loaded.pairing(r.pairing_id).summaries[0].date is None]
    assert unsigned and all(r.as_of == dt.date(2020, 12, 31) for r in unsigned)
    assert "2020年12月31日" in data.as_of_note and str(dt.date.today().year) + "年" not in data.as_of_note
    year = loaded.programme.cycle.cycle_years[0]
    spring, autumn = year.terms
    assert term_as_of(year, autumn, None) == dt.date(2020, 12, 31)  # (cut at the calendar year's end)
    # a year not over yet is counted to today
    assert so_far(dt.date(2020, 12, 31), today=dt.date(2020, 11, 2)) == dt.date(2020, 11, 2)
    assert term_as_of(year, spring, None, today=dt.date(2020, 5, 4)) == dt.date(2020, 5, 4)


# ------------------------------------------------------------------ 3. scores only by a stated rule

def test_a_programme_without_a_rubric_has_no_score_column(tmp_path):
    result = run("report", "data/sichuan-2025", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(tmp_path / "sichuan-2025" / "report" / "考核汇总_2025—2026学年.xlsx")["考核汇总"]
    header = [c.value for c in sheet[2]]
    assert "得分" not in header and "等次" not in header
    annex = Document(str(tmp_path / "sichuan-2025" / "report" / "考核汇总_2025—2026学年.docx"))
    assert [c.text for c in annex.tables[0].rows[0].cells][-1] == "备注"
    assert not any(c.text in ("得分", "等次", "名次") for c in annex.tables[0].rows[0].cells)
    assert "按 0 分计" not in all_text(annex)
    assert "红色" not in all_text(annex)  # nothing is marked red: no note says so (review 2026-12)


def test_no_rank_column_until_every_score_is_complete(tmp_path):
    """Review 2026-12: the 2020 roll-up of 高台 (items still to be judged) had a 名次 column
    blank in every row, in the workbook and in the Word annex."""
    result = run("report", "data/gaotai-2020", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    report = tmp_path / "gaotai-2020" / "report"
    sheet = load_workbook(report / "考核汇总_2020年度.xlsx")["考核汇总"]
    header = [c.value for c in sheet[2]]
    assert "名次" not in header and "得分" in header and header[0] == "结对标识"
    annex = Document(str(report / "考核汇总_2020年度.docx"))
    heads = [c.text for c in annex.tables[0].rows[0].cells]
    assert "名次" not in heads and "得分" in heads


def test_an_item_without_a_stated_rule_is_left_for_the_bureau(gaotai_copy):
    loaded = loaded_ok(gaotai_copy)
    from docgen.activities.scoring import score
    pairing = loaded.pairing("erzhong")
    year = pairing.cycle.cycle_years[0]
    log = loaded.activity_log("erzhong", "2020")
    card = score(loaded.programme, count(loaded.programme, pairing, year, log), log)
    auto = [s for s in card.items if s.item.commitments]
    assert auto and all(s.pending and s.score is None for s in auto)  # the seed states no way to score them
    assert all("达到" in s.reason for s in auto)  # the counts, as facts
    assert card.grade == ""


@pytest.fixture
def gaotai_copy(example_copy):
    return example_copy("gaotai-2020")


# ------------------------------------------------------------------ 4. indicators

def test_the_summary_names_the_indicators_it_cannot_check(meiling):
    """Review 004-M7: every indicator of the year is either counted or named as not checkable."""
    path = meiling / "programme.yaml"
    path.write_text(path.read_text("utf-8") + textwrap.dedent("""\
        goals:
          yearly:
            - year: 2027
              text: 第一年目标
              indicators:
                - {name: 市级骨干教师, target: 2, unit: 名}
                - {name: 送课, target: 3, unit: 次, activity: lesson_delivery}
                - {name: 信息化教学覆盖率, comparator: "≥", target: 100, unit: "%"}
        """), encoding="utf-8")
    facts = "".join(context(meiling, as_of=dt.date(2027, 8, 31))["facts"])
    assert "2027年目标送课3次，本年度记录2次（未达到）" in facts
    assert "无法由活动记录核对，需另行核实：2027年市级骨干教师2名；2027年信息化教学覆盖率≥100%" in facts


# ------------------------------------------------------------------ 5. periods as written

def test_a_duty_without_a_period_is_listed_never_missed(meiling):
    ctx = context(meiling, as_of=dt.date(2027, 8, 31))
    row = rows_of(ctx)[("未规定", "定期召开联席会议")]
    assert row["state"] == "—" and row["done"] == "记录1次"
    assert "定期召开联席会议" not in next(f for f in ctx["facts"] if f.startswith("对照承诺事项"))


def test_an_exact_count_is_not_a_minimum(meiling):
    ctx = context(meiling, as_of=dt.date(2027, 8, 31))
    rows = rows_of(ctx)
    assert rows[("2026年秋季学期", "观摩学习")]["required"] == "1次"
    assert rows[("2026年秋季学期", "送课指导")]["required"] == "≥2次"


def test_each_year_is_a_calendar_year_across_school_years(meiling):
    """每年 is January to December: a school-year programme checks calendar 2027 in the school year
    it ends in, with the records of both school years, and never calls it 每学年."""
    records = records_2026() + [{"date": dt.date(2027, 5, 20), "type": "mentor_exchange", "tag": "获奖", "mentor": "林志远",
                                 "mentee": "周晓", "description": "区级优质课", "evidence": ["evidence/x.txt"],
                                 "filed_on": dt.date(2027, 5, 21)}]
    write_log(meiling, "2026", records)
    write_log(meiling, "2027", [])
    first = rows_of(context(meiling, as_of=dt.date(2027, 8, 31)))
    award = ("2027年", "帮助徒弟获奖（林志远—周晓）")
    assert first[award]["state"] == "已达到"  # reached in the first school year, counted in the second
    assert not first[award]["met"]
    assert ("2027年", "帮助徒弟获奖（王丽—刘小芳）") not in first  # that pair began in March: 2027 is not owed
    assert not any(k[0] == "2026年" for k in first)  # 2026 is not wholly inside the cycle
    second = rows_of(context(meiling, year="2027", as_of=dt.date(2028, 1, 5)))
    assert second[award]["state"] == "完成"  # counted in the year it ends, with last school year's record
    write_log(meiling, "2026", records[:-1])
    assert rows_of(context(meiling, as_of=dt.date(2027, 8, 31)))[award]["state"] == "进行中"
    assert rows_of(context(meiling, year="2027", as_of=dt.date(2028, 1, 5)))[award]["state"] == "未完成"


def test_a_period_reaching_past_the_year_is_counted_only_in_the_year_it_ends(example_copy):
    """Review 36: a school year's summary counted the cycle's joint survey (done in September
    2025) and calendar 2026's award (May 2026) as done in every year they were open in: the
    second school year, with no record of its own, read 完成2项, and the award was credited to
    two summaries. Such a period is shown as in progress until the year it ends in."""
    root = example_copy("sichuan-2025")
    for year in ("2026", "2027"):  # a record of its own in each later school year
        (root / "activities" / year).mkdir()
        (root / "activities" / year / "chengqu-erzhong.yaml").write_text(
            f"records:\n- date: {year}-09-15\n  type: lesson_delivery\n  description: 送课一次\n  filed_on: {year}-09-16\n",
            encoding="utf-8")
    loaded = loaded_ok(root)
    pairing = loaded.pairing("chengqu-erzhong")
    first, second, third = (summary(Scope(loaded, pairing=pairing, year=y, as_of=y.end)) for y in pairing.cycle.cycle_years)
    survey = ("帮扶周期内", "开展联合调研")
    for ctx in (first, second):
        assert rows_of(ctx)[survey]["state"] == "已达到" and not rows_of(ctx)[survey]["met"]
    assert rows_of(third)[survey]["state"] == "完成"
    award = next(k for k in rows_of(first) if k[0] == "2026年" and "获得区级以上教学奖项" in k[1])
    assert rows_of(first)[award]["state"] == "已达到" and rows_of(second)[award]["state"] == "完成"
    tally = next(f for f in second["facts"] if f.startswith("对照承诺事项"))
    done = int(re.match(r"对照承诺事项，\d+项中完成(\d+)项", tally).group(1))
    assert done == sum(1 for r in second["commitment_rows"] if r["state"] == "完成") and "帮扶周期内开展联合调研" in tally


# ------------------------------------------------------------------ 7. pairs have dates

def test_a_teacher_who_leaves_keeps_her_records_and_the_new_pair_counts_from_its_start(meiling):
    ctx = context(meiling, as_of=dt.date(2027, 8, 31))
    rows = rows_of(ctx)
    old = rows[("每周", "听徒弟的课（陈美玲—刘小芳）")]
    new = rows[("每周", "听徒弟的课（王丽—刘小芳）")]
    full = rows[("每周", "听徒弟的课（林志远—周晓）")]
    assert old["met"] and new["met"] and full["met"]  # weekly while each ran; nothing owed outside
    assert old["due"] == 27 and new["due"] == 23 and full["due"] == 51  # 7 Sep–14 Mar, 22 Mar–29 Aug, the year
    overview = "".join(ctx["overview"])
    assert "王丽—刘小芳自2027年3月16日起" in overview and "陈美玲—刘小芳至2027年3月15日（调离）" in overview


def test_a_record_after_the_pair_ended_is_an_error(meiling):
    records = records_2026() + weekly("陈美玲", "刘小芳", dt.date(2027, 4, 7), dt.date(2027, 4, 7))
    write_log(meiling, "2026", records)
    problems = [str(p) for p in load_programme(meiling).problems]
    assert len(problems) == 1 and "不在结对期间内" in problems[0] and "date" in PROBLEM_LINE.match(problems[0])["field"]


def test_a_later_pair_has_its_own_letter_dates_and_never_changes_the_signed_agreement(meiling, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(meiling), "-o", str(out), "-k", "letter", "-k", "agreement").returncode == 0
    folder = next(p for p in (out / "prog").iterdir() if p.is_dir() and any(p.glob("协议书_*.docx")))
    new = all_text(Document(str(next(folder.glob("*王丽—刘小芳.docx")))))
    old = all_text(Document(str(next(folder.glob("*陈美玲—刘小芳.docx")))))
    assert "自2027年3月16日起" in new and "2026年9月10日" not in new  # not backdated to the agreement
    assert "2026年9月10日" in old
    agreement = next(folder.glob("协议书_*.docx"))
    before = all_text(Document(str(agreement)))
    assert "双方师徒结对2对" in before  # the pairs running when it was signed (王丽 starts later)
    pairing = meiling / "pairings" / "chengnan.yaml"
    pairing.write_text(pairing.read_text("utf-8") + "  - {mentor: {name: 黄静}, mentee: {name: 周晓}, start: 2027-04-01}\n",
                       encoding="utf-8")
    assert run("build", str(meiling), "-o", str(out), "-k", "agreement").returncode == 0
    assert all_text(Document(str(agreement))) == before


# ------------------------------------------------------------------ 8. as of a date

def test_a_december_report_counts_only_what_has_ended(meiling, tmp_path):
    ctx = context(meiling, as_of=dt.date(2026, 12, 31))
    rows = rows_of(ctx)
    assert ctx["as_of"] == "（截至2026年12月31日）"
    assert "截至2026年12月31日，本年度共记录帮扶活动" in ctx["facts"][0]
    assert rows[("2026年秋季学期", "送课指导")]["state"] == "完成"  # done already, though the term runs on
    assert rows[("2026年秋季学期", "观摩学习")]["state"] == "进行中"  # not missed: the term has not ended
    assert not any(k[0] == "2027年春季学期" for k in rows)  # a term not begun is not due
    assert not any(r["behind"] for r in ctx["commitment_rows"])
    out = tmp_path / "out"
    result = run("report", str(meiling), "-o", str(out), "--as-of", "2026-12-31")
    assert result.returncode == 0, result.stderr
    annex = all_text(Document(str(out / "prog" / "report" / "考核汇总_2026—2027学年.docx")))
    assert "统计截至2026年12月31日" in annex and "未完成：" not in annex


def test_a_single_term_is_reported(meiling, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(meiling), "-o", str(out), "-k", "summary", "--term", "2026秋", "--as-of", "2027-03-01")
    assert result.returncode == 0, result.stderr
    path = next((out / "prog").rglob("学期工作总结_2026年秋季学期.docx"))
    text = all_text(Document(str(path)))
    assert "2026年秋季学期结对帮扶工作总结" in text and "本学期共记录帮扶活动" in text
    assert "2027年春季学期" not in text
    bad = run("build", str(meiling), "-o", str(out), "--term", "秋天")
    assert bad.returncode == 2 and "不是学期" in bad.stderr


def test_a_record_dated_in_the_future_is_flagged(make_programme):
    """A record dated after today is warned about, and a summary counted to today leaves it out."""
    today = dt.date.today()
    start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    plain = PAIRING.replace("end: 2027-03-15, ", "").replace("start: 2027-03-16, ", "").replace("signed_on: 2026-09-10", "")
    root = make_programme(PROGRAMME.replace("2026-09-01", start.isoformat()), {"chengnan": plain})
    soon = today + dt.timedelta(days=20)
    loaded = load_programme(root)
    year = next(y for y in loaded.programme.cycle.cycle_years if y.contains(soon))
    write_log(root, year.key, [{"date": soon, "type": "lesson_delivery", "description": "送课", "evidence": ["照片"],
                                "filed_on": soon}])
    result = run("validate", str(root))
    assert result.returncode == 0 and f"活动日期 {soon} 晚于今天" in result.stderr
    assert "以后的1次活动记录未计入本总结" in context(root, year=year.key, as_of=today)["facts"][0]


# ------------------------------------------------------------------ 9. evidence in words

def test_evidence_described_in_words_is_accepted_listed_and_attached_later(meiling):
    records = records_2026()
    records[-2]["evidence"] = ["照片3张", "签到表"]  # the second delivery, 2026-11-05
    write_log(meiling, "2026", records)
    ctx = context(meiling, as_of=dt.date(2027, 8, 31))
    assert rows_of(ctx)[("2026年秋季学期", "送课指导")]["state"] == "未完成"  # not counted until the files come
    assert any(r["why"] == "证明材料待补（照片3张、签到表）" for r in ctx["flagged_rows"])
    assert any("2026年11月5日送课指导的照片3张、签到表" in g for g in ctx["gaps"])
    records[-2]["evidence"] = ["evidence/x.txt"]  # the file, attached later
    write_log(meiling, "2026", records)
    ctx = context(meiling, as_of=dt.date(2027, 8, 31))
    assert rows_of(ctx)[("2026年秋季学期", "送课指导")]["state"] == "完成" and not ctx["flagged_rows"]


def test_a_spreadsheet_with_evidence_in_words_imports(meiling, tmp_path):
    sheet = tmp_path / "城南小学活动记录.csv"
    sheet.write_text("日期,类型,内容,证明材料,报备日期\n2026-10-15,送课指导,送课下乡,照片3张、指导记录,2026-10-16\n"
                     "2026-11-05,送课指导,送课下乡,evidence/x.txt,2026-11-06\n", encoding="utf-8")
    (meiling / "activities" / "2026" / "chengnan.yaml").unlink()
    result = run("import", "activities", str(sheet), "-p", "chengnan", "--programme", str(meiling))
    assert result.returncode == 0, result.stderr
    log = loaded_ok(meiling).activity_log("chengnan", "2026")
    assert log.records[0].evidence_described == ["照片3张", "指导记录"] and log.records[1].evidence_files == ["evidence/x.txt"]


# ------------------------------------------------------------------ the roll-up and the summary, term by term

def test_the_roll_up_of_a_term_agrees_with_the_term_summary(meiling):
    loaded = loaded_ok(meiling)
    pairing = loaded.pairing("chengnan")
    year = pairing.cycle.cycle_years[0]
    term = year.terms[0]
    ctx = summary(Scope(loaded, pairing=pairing, year=year, term=term, as_of=dt.date(2027, 3, 1)))
    data = rollup(loaded, "2026", dt.date(2027, 3, 1), term.key)
    assert data.label == "2026年秋季学期" and data.as_of_note == "统计截至2027年3月1日"
    row = data.rows[0]
    m = re.search(r"共记录帮扶活动(\d+)次，计入考核(\d+)次", ctx["facts"][0])
    assert (row.records, row.counted) == (int(m.group(1)), int(m.group(2)))
    assert [s.term for s in scopes(Per.year, loaded, __import__("docgen.documents.scope", fromlist=["Selection"])
                                   .Selection(term=term.key))] == [term]


def test_the_detail_annex_numbers_rubric_items_only_where_there_is_a_rubric(tmp_path):
    """Review 2026-12: the 四川 summaries (no rubric) had a 细则序号 column empty in every row.
    (A programme with a rubric keeps it: tests/test_long_summary.py reads it.)"""
    result = run("build", "data/sichuan-2025", "-o", str(tmp_path), "-k", "summary")
    assert result.returncode == 0, result.stderr
    heads = [t.rows[0].cells[0].text for summary in sorted((tmp_path / "sichuan-2025").glob("*/*工作总结*.docx"))
             for t in Document(str(summary)).tables]
    assert "承诺事项" in heads and not any(h.startswith("细则") for h in heads), heads


def test_a_count_of_persons_says_which_records_give_no_number():
    """Review 2026-12: 高台二中's 2020-11-11 管理指导 names no one and gives no 人次, and Table 1
    said “1次、1人” as if the record had said so. A record of an activity is still someone's
    (counted as one person), and the count now says how many records rest on that."""
    loaded = load_programme(DATA / "gaotai-2020")
    pairing = loaded.pairing("erzhong")
    ctx = summary(Scope(loaded, pairing=pairing, year=pairing.cycle.cycle_years[0]))
    rows = [r for r in ctx["commitment_rows"] if "人" in str(r["required"]) and "人次" not in str(r["required"])]
    assert rows and any("（其中1条记录未写人数，各按1人计）" in str(r["done"]) for r in rows)
    assert all("未写人数" not in str(r["done"]) for r in ctx["commitment_rows"] if "人" not in str(r["required"]))
