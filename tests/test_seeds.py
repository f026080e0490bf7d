"""Each seed programme in data/, read back from the documents docgen made of it: the facts
of the seed are printed where a reader looks for them, and nothing the data does not say."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from docx import Document

from docgen.activities.counting import count, spans
from docgen.documents.summary import commitment_rows
from docgen.load import load_programme
from docgen.load.model.common import Period
from docgen.load.model.cycle import CycleYear
from tests.helpers import DATA, PROBLEM_LINE, all_text, run


def text_of(path) -> str:
    return all_text(Document(str(path)))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------ seed 003: 组团式 team

def test_team_plan_prints_every_indicator_with_its_comparator_and_school(built):
    plan = compact(text_of(built / "hongsibu-2023" / "实施方案_红寺堡区教育人才“组团式”帮扶工作实施方案.docx"))
    prog = yaml.safe_load((DATA / "hongsibu-2023" / "programme.yaml").read_text("utf-8"))
    indicators = [i for g in prog["goals"]["yearly"] for i in g.get("indicators", [])]
    assert len(indicators) == 31
    for i in indicators:  # comparisons in words: 公文 prose prints no ≥ or >
        sign = {"≥": "不低于" if i.get("unit") == "%" else "不少于", ">": "超过"}.get(i.get("comparator", ""), "")
        target = i.get("text") or f"{i.get('school', '')}{i['name']}{sign}{i['target']}{i.get('unit', '')}"
        assert compact(target) in plan, target
    assert "≥" not in plan and ">" not in plan and "罗山中学市级精品课8节" in plan
    assert "提高到：" not in plan


def test_team_plan_prints_all_nineteen_measures_grouped_with_units_and_deadlines(built):
    path = built / "hongsibu-2023" / "实施方案_红寺堡区教育人才“组团式”帮扶工作实施方案.docx"
    doc = Document(str(path))
    body = [p.text for p in doc.paragraphs]
    prog = yaml.safe_load((DATA / "hongsibu-2023" / "programme.yaml").read_text("utf-8"))
    measures = prog["measures"]
    assert len(measures) == 19
    for area in ("政策支持", "资金投入", "人员选派", "制度健全", "人才帮带", "资源投入"):
        assert any(re.fullmatch(rf"（[一二三四五六]）{area}", t) for t in body), area
    for n, m in enumerate(measures, 1):
        line = next(t for t in body if t.startswith(f"{n}.{m['text'][:12]}"))
        assert f"责任单位：{'、'.join(m['units'])}" in line and f"完成时限：{m['deadline']}" in line
    annex = next(t for t in doc.tables if t.rows[0].cells[0].text == "方面")
    rows = [[c.text for c in r.cells] for r in annex.rows[1:]]
    assert [r[1] for r in rows] == [str(n) for n in range(1, 20)]
    assert all(r[3] and r[4] for r in rows)
    assert "任务清单，见附件2" in "".join(body)  # a numbered cross reference, not a bare 见附件


def test_a_team_is_named_as_a_team_and_does_not_seal(built):
    folder = built / "hongsibu-2023" / "minning-team"
    agreement = text_of(next(folder.glob("协议书_*罗山中学.docx")))
    assert "甲方（帮扶团队）：闽（福建）“组团式”教育帮扶团队" in agreement
    assert "甲方（支援学校）" not in agreement and "到甲方学校" not in agreement
    assert "甲方：\n乙方（盖章）：" in agreement  # the team signs; only the school seals
    assert "职业技术学校“双师”型教师比例40%" not in agreement  # 罗山中学's agreement: its own indicators only
    assert "罗山中学市级精品课8节" in agreement
    plan = text_of(built / "hongsibu-2023" / "实施方案_红寺堡区教育人才“组团式”帮扶工作实施方案.docx")
    assert "帮扶团队1个" in plan and "支援学校" not in plan
    pairing_plan = text_of(next(folder.glob("实施方案_*.docx")))
    assert "到红寺堡区罗山中学担任校长，自2023年1月1日起至2025年12月31日止，为期三年" in pairing_plan


def test_sections_the_seed_has(built):
    plan = text_of(built / "hongsibu-2023" / "实施方案_红寺堡区教育人才“组团式”帮扶工作实施方案.docx")
    assert "工作要求" in plan and "保障措施" not in plan
    assert "以2022年受援学校综合考评分为基准分" in plan
    assert "预期成效" in plan
    assert "（受援学校：普通高中1所、中职学校1所）" in plan


# ------------------------------------------------------------ seed 004: four layers

LAYER_FILES = {"leaders": "校级领导责任书_*", "managers": "管理帮扶责任书_*", "groups": "教研组责任书_*",
               "teachers": "教师结对帮扶责任书_*"}
PERIODS = {"week": "每周", "month": "每月", "quarter": "每季度", "term": "每学期", "school_year": "每学年"}


@pytest.mark.parametrize("layer", sorted(LAYER_FILES))
def test_each_layer_letter_lists_all_its_duties_with_their_own_period(built, layer):
    prog = yaml.safe_load((DATA / "sichuan-2025" / "programme.yaml").read_text("utf-8"))
    duties = [c for c in prog["commitments"] if c.get("layer") == layer]
    assert duties
    for letter in (built / "sichuan-2025").glob(f"*/{LAYER_FILES[layer]}.docx"):
        text = text_of(letter)
        for c in duties:  # as the plan words it, once; a duty without words is counted, never composed
            if c.get("text"):
                assert text.count(c["text"]) == 1, (letter.name, c["id"])
            else:
                assert f"{PERIODS[c['per']]}{c['what']}" not in text, (letter.name, c["id"])


def test_teacher_letter_prints_posts_and_the_monthly_duty_as_monthly(built):
    text = text_of(built / "sichuan-2025" / "chengqu-shiyan" / "教师结对帮扶责任书_蒋某某—沈某某.docx")
    assert "语文　高级教师　语文教研组长" in text and "二级教师　班主任" in text
    prog = yaml.safe_load((DATA / "sichuan-2025" / "programme.yaml").read_text("utf-8"))
    studio = next(c for c in prog["commitments"] if c["id"] == "studio")
    assert (studio["text"] in text) if studio.get("text") else ("名师工作室" not in text)
    assert "每学期参加" not in text


def test_summary_flags_the_month_without_records_and_folds_weekly_checks(built):
    doc = Document(str(built / "sichuan-2025" / "chengqu-shiyan" / "年度工作总结_2025—2026学年.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "周期")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    monthly = [r for r in rows if r[0] == "每月"]
    assert monthly and all("2026年1月" in r[3] for r in monthly)  # nothing at all was recorded in January
    weekly = [r for r in rows if r[0] == "每周"]
    assert weekly and all(re.search(r"\d+周中\d+周达到", r[3]) for r in weekly)
    assert len(rows) < 40  # one line per commitment and pair, not one per week
    assert not any(re.search(r"\d{4}-\d{2}", r[0] + r[3]) for r in rows)  # months as 2026年1月


def test_a_month_with_no_records_is_due_and_every_month_is_checked():
    loaded = load_programme(DATA / "sichuan-2025")
    pairing = loaded.pairing("chengqu-shiyan")
    year = pairing.cycle.cycle_years[0]
    counts = count(loaded.programme, pairing, year, loaded.activity_log("chengqu-shiyan", "2025"))
    monthly = [c for c in counts.checks if c.commitment.id == "reflection"]
    assert len(monthly) == 12 * 2  # every month of the school year, February and August too, for each pair
    january = [c for c in monthly if c.period == "2026年1月"]
    assert january and not any(c.met for c in january)
    rows = commitment_rows(counts.checks)
    assert any(r["missed"] and "2026年1月" in r["missed"][0] for r in rows if r["item"].startswith("师徒交流（反思）"))


def test_periods_are_every_week_month_and_quarter_that_ended():
    year = CycleYear(1, dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    assert len(spans(Period.month, year, year.end)) == 12
    assert len(spans(Period.quarter, year, year.end)) == 4
    weeks = spans(Period.week, year, year.end)
    assert weeks[0][2] == dt.date(2025, 9, 1) and all((b[2] - a[2]).days == 7 for a, b in zip(weeks, weeks[1:]))
    assert spans(Period.month, year, dt.date(2025, 12, 15))[-1][0] == "2025年11月"  # December not yet due


# ------------------------------------------------------------ seeds 000 and 001: nothing invented

def test_yichun_plan_keeps_to_its_seed(built):
    plan = text_of(built / "yichun-2022" / "实施方案_宜春市县域普通高中结对帮扶工作方案.docx") if (
        built / "yichun-2022" / "实施方案_宜春市县域普通高中结对帮扶工作方案.docx").exists() else ""
    notice = text_of(next((built / "yichun-2022").glob("通知_*.docx")))
    for text in (plan, notice):
        assert "实施步骤" not in text and "2023年目标" not in text
        assert text.count("15对") <= 1
    assert "具体起止时间由结对双方商定" in notice
    own = text_of(built / "yichun-2022" / "wanzai" / "协议书_万载中学—万载县株潭中学.docx")
    assert "自2022年9月1日起至2025年8月31日止" in own  # a pair that wrote its dates
    other = text_of(next((built / "yichun-2022" / "gaoan-shinao").glob("协议书_*.docx")))
    assert "自　　　　年　　月　　日起" in other and "2025年8月31日" not in other  # dates left to the pair


def test_gaotai_plan_has_its_seeds_annexes_and_deadline(built):
    doc = Document(str(built / "gaotai-2020" / "实施方案_高台县2020年中小学结对帮扶工作实施方案.docx"))
    text = all_text(doc)
    assert "帮扶周期为1年" in text and "3年" not in text
    assert "《关于抓好“三农”领域重点工作确保如期实现全面小康的意见》" in text
    assert "12月20日前" in text
    assert text.count("成立高台县2020年中小学结对帮扶工作领导小组") == 1
    pair_list = next(t for t in doc.tables if t.rows[0].cells[0].text == "支援学校")
    assert [c.text for c in pair_list.rows[0].cells] == ["支援学校", "负责人", "受援学校", "负责人"]
    assert "备注：内容栏可填写管理指导" in text
    assert "名单见附件2" in text


# ------------------------------------------------------------ the schema says what it means

def test_a_comparator_is_read_in_words_and_a_bad_one_is_located(make_programme):
    from tests.helpers import MINI_PROGRAMME
    good = MINI_PROGRAMME + """\
goals:
  yearly:
    - year: 2023
      text: 提升质量。
      indicators:
        - {name: 上线率, comparator: 不低于, target: 80, unit: "%"}
"""
    loaded = load_programme(make_programme(good))
    assert loaded.programme.goals.yearly[0].indicators[0].comparator == "≥"
    result = run("validate", make_programme(good.replace("不低于", "大约")))
    assert result.returncode == 2
    line = next(m for m in map(PROBLEM_LINE.match, (result.stdout + result.stderr).splitlines()) if m)
    assert line["field"].endswith("comparator") and "大约" in line["msg"]


# ------------------------------------------------------------ seed 002: 49 schools by stage

def test_the_whole_changsha_programme_counts_and_groups_its_recipients_by_stage(tmp_path):
    out = tmp_path / "out"
    result = run("build", DATA / "changsha-huaihua-2015", "-o", out, "-k", "programme_plan")
    assert result.returncode == 0, result.stderr
    doc = Document(str(next(out.rglob("实施方案_*.docx"))))
    text = all_text(doc)
    assert "幼儿园10所、特殊教育学校1所、农村中心学校21所、普通高中12所、中职学校5所" in text
    assert "共确定结对49对，涉及支援学校48所、受援学校49所" in text
    assert "坚持“三不变”。受援学校现行体制不变、学校法人代表不变、经费机制不变。" in text
    assert "工作要求" in text and "每学年举行例会不少于2次" not in text  # 每年, as the seed says; never composed
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "学段")
    stages = [r.cells[0].text for r in table.rows[1:]]
    order = ["幼儿园", "特殊教育学校", "农村中心学校", "普通高中", "中职学校"]
    assert list(dict.fromkeys(stages)) == order  # grouped: each stage's rows together, in this order
    assert len(table.rows) == 1 + 49


def test_the_summary_counts_an_indicator_from_the_records_that_bear_on_it(built):
    text = text_of(built / "sichuan-2025" / "chengqu-shiyan" / "年度工作总结_2025—2026学年.docx")
    assert "对照阶段目标的指标：2026年目标开发特色校本课程3门，本年度记录2门（未达到）" in text


def test_a_long_signing_name_breaks_between_words(built):
    import zipfile
    path = next((built / "hongsibu-2023" / "minning-team").glob("协议书_*罗山中学.docx"))
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert '“组团式”</w:t><w:br/><w:t xml:space="preserve">教育帮扶团队' in xml  # not 教育帮/扶团队
