"""What the documents may say, on a programme written for it (tests/programmes/wording):
duties only in the programme's own words and on the party it names, no section without text,
what the data leaves open left as a blank form and listed as a field to fill, the programme's
own words for the parties and its documents, and a whole plan printed in its own order."""
from __future__ import annotations

import re
import shutil
from itertools import pairwise

import pytest
from docx import Document

from docgen import pipeline
from tests.helpers import ROOT, all_text, run

WORDING = ROOT / "tests" / "programmes" / "wording"
BLANK_DATE = "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Every document of the programme: {file name: text}, and each one's fields to fill."""
    out = tmp_path_factory.mktemp("wording")
    outcome = pipeline.render_documents(WORDING, out)
    assert not outcome.failures and not outcome.problems
    texts = {d.job.path.name: all_text(Document(str(d.job.path))) for d in outcome.documents}
    gaps = {d.job.path.name: d.gaps for d in outcome.documents}
    return texts, gaps


def text(made, prefix: str, pairing: str = "") -> str:
    texts, _ = made
    return next(t for name, t in texts.items() if name.startswith(prefix) and pairing in name)


INVENTED = ["联络人", "每学年末开展自评", "学校撤并", "争议解决", "协商不成", "提请", "结合本校实际提出帮扶需求",
            "管理改进小结", "评优评先、职称评聘的参考", "成功课例", "帮扶心得", "独立承担", "督促整改",
            "报主管教育行政部门备案", "由组织方", "不少于1次", "每学期到乙方学校实地指导"]
"""Clauses and duties docgen used to write in every programme's documents."""


def test_no_document_carries_a_clause_of_docgen_s_own(made):
    texts, _ = made
    for name, body in texts.items():
        for phrase in INVENTED:
            assert phrase not in body, (name, phrase)


def test_duties_are_the_programme_s_words_on_the_party_it_names(made):
    agreement = text(made, "协议书_甲中学")
    assert "三、甲方职责\n帮扶学校每学期至少安排3次送课指导活动。" in agreement
    assert "四、乙方职责\n被帮扶学校校长每学期到帮扶学校观摩学习累计不少于一天，至少1次。" in agreement
    assert "五、双方共同职责\n结对双方每学年至少举行两次例会。" in agreement
    # a layer's duties are the persons', not the schools': in their letters, not in the agreement
    assert "师傅每周" not in agreement and "校长每周" not in agreement
    mentoring = text(made, "师徒带教协议_赵某某")
    assert "（一）甲方（师傅）责任\n师傅每周至少听徒弟1节课并进行评课指导。" in mentoring
    assert "（二）乙方（徒弟）责任\n徒弟每周向师傅提交1份教学设计。" in mentoring
    # a commitment without words is counted, never printed
    assert not any("讲座" in t for t in made[0].values())


def test_a_letter_whose_duties_are_all_shared_has_no_empty_headings(made):
    """Severe finding 2: （一）甲方责任 and （二）乙方责任 stood empty when every duty is shared."""
    letter = text(made, "校级领导责任书")
    assert "甲方责任" not in letter and "乙方责任" not in letter
    assert "一、责任内容\n双方共同责任\n帮扶校校长与受援校校长每周开展一次线上或线下工作研讨。" in letter
    management = text(made, "管理帮扶责任书")  # the programme gives the managers' layer nothing
    assert "责任内容" not in management and "考核" not in management
    for body in made[0].values():
        lines = body.split("\n")
        for a, b in pairwise(lines):
            heading = re.fullmatch(r"[一二三四五六七八九十]+、.+|（[一二三四五六七八九十]+）.+", a)
            following = re.fullmatch(r"[一二三四五六七八九十]+、.+", b)
            assert not (heading and following and not a.endswith("。")), (a, b)


def test_measures_of_government_units_stay_in_the_bureau_s_plan(made):
    plan = text(made, "实施方案_测试县")
    assert "完善教师待遇保障体系。（责任单位：教育局、财政局；完成时限：2023年12月底前）" in plan
    for name, body in made[0].items():
        if name.startswith(("协议书", "实施方案_甲中学", "教师", "校级", "管理")):
            assert "责任单位" not in body and "财政局" not in body, name


def test_what_the_data_leaves_open_is_a_blank_form_and_a_field_to_fill(made):
    texts, gaps = made
    notice = text(made, "通知")
    assert "测试县教育局\u3000\u3000\n" + BLANK_DATE in notice  # 成文日期 to fill in, under the 署名
    assert re.search("\u3000{8}\t" + BLANK_DATE + "印发", notice)  # 印发机关 and 印发日期 too
    assert gaps["通知_测教字〔2022〕5号.docx"] == [
        "成文日期（programme.yaml 中 notices（issue） date）", "印发机关（programme.yaml 中 notices（issue） printed_by）",
        "印发日期（programme.yaml 中 notices（issue） printed_on）"]
    agreement = text(made, "协议书_甲中学")
    assert "乙方（被帮扶学校）：乙中学\n负责人：＿＿＿＿＿＿\n" in agreement  # a line to write the name in
    assert "阶段性目标：\t" in agreement  # a line to fill in, led to the line's end
    assert gaps["协议书_甲中学—乙中学.docx"] == [
        "乙方负责人（pairings/p1.yaml 中 recipients[0].lead）", "“阶段性目标”（pairings/p1.yaml 中 blanks.stage_goals）",
        "确认协议的主管教育行政部门名称（programme.yaml 中 county_bureaus，或 pairings/p1.yaml 中学校的 bureau）",
        "签订日期（pairings/p1.yaml 中 signed_on）", "主管部门确认日期（pairings/p1.yaml 中 confirmed_on）"]
    # the bureau of 乙县 is named nowhere in the data: a blank, not the programme's bureau
    confirmation = agreement[agreement.index("主管教育行政部门确认："):]
    assert "甲县教育局" in confirmation and "测试县教育局" not in confirmation
    # (a line break may stand before the name's line: it is not cut by a line's end)
    assert "本协议一式四份，甲乙双方各执一份，甲县教育局、＿＿＿＿＿＿各存一份。" in agreement.replace("、\n＿", "、＿")
    # a pair that wrote everything, the programme's blank too, has nothing left to fill: it is sealed
    assert gaps["协议书_丙中学—丁小学.docx"] == []


def test_a_pairing_fills_the_programme_s_blanks_in_place(made):
    """F12: what a pairing writes under ``blanks`` is printed where the programme's clause leaves
    the line, after its label, and the line is no longer a field to fill."""
    filled = text(made, "协议书_丙中学")
    assert "阶段性目标：第一学年建立两校数学集体备课制度，第二学年丁小学数学平均分提高5分。\n" in filled
    assert "＿" not in filled
    open_one = text(made, "协议书_甲中学")
    assert "阶段性目标：\t" in open_one and "集体备课" not in open_one  # p1 wrote nothing: still open


def test_a_fill_for_a_blank_the_programme_does_not_have_is_refused(tmp_path):
    root = tmp_path / "prog"
    shutil.copytree(WORDING, root)
    path = root / "pairings" / "p2.yaml"
    path.write_text(path.read_text("utf-8").replace("  stage_goals:", "  stage_goal:"), "utf-8")
    result = run("validate", root)
    assert result.returncode == 2
    line = 1 + path.read_text("utf-8").split("\n").index(next(x for x in path.read_text("utf-8").split("\n")
                                                               if x.startswith("  stage_goal:")))
    assert (f"pairings/p2.yaml:{line}:3  blanks.stage_goal  方案中没有标识为“stage_goal”的待填写栏目，"
            "您是不是想写“stage_goals”？（可填写：stage_goals（阶段性目标）、年度目标）") in result.stderr


def test_two_blanks_may_not_share_a_key(tmp_path):
    root = tmp_path / "prog"
    shutil.copytree(WORDING, root)
    path = root / "programme.yaml"
    path.write_text(path.read_text("utf-8").replace("        - blank: 年度目标", "        - {blank: 年度目标, key: stage_goals}"),
                    "utf-8")
    result = run("validate", root)
    assert result.returncode == 2
    assert "pairing_plan.clauses[0].body[0].key  待填写栏目“年度目标”与“阶段性目标”用了同一个标识“stage_goals”" in result.stderr


def test_one_bureau_confirms_an_agreement_within_its_county(made):
    agreement = text(made, "协议书_丙中学")
    assert "本协议一式三份，甲乙双方各执一份，甲县教育局存一份。" in agreement
    assert "三年内丁小学数学教学质量进入全县中游。" in agreement  # the pair's own goal


def test_the_term_is_stated_once_and_force_is_not_dated_before_signing(made):
    """X-4: 责任期限 and then 有效期至; 自签字之日起生效 although the term began two months before."""
    letter = text(made, "师徒带教协议_冯某某")
    assert letter.count("2025年8月31日") == 1 and "有效期" not in letter
    assert "生效" not in letter  # signed 2022-11-20, term from 2022-09-01
    assert "本协议自双方签字之日起生效" in text(made, "师徒带教协议_赵某某")  # dates open: form only


def test_the_programme_s_own_words_and_titles(made):
    texts, _ = made
    assert "甲方（帮扶学校）：甲中学" in text(made, "协议书_甲中学")
    assert text(made, "师徒带教协议_赵某某").startswith("师徒带教协议")
    assert "甲方（师傅）：赵某某" in text(made, "师徒带教协议_赵某某")
    plan = text(made, "实施方案_测试县")
    assert "帮扶学校\n负责人\n被帮扶学校\n负责人" in plan  # the pair list's headings
    for name, body in texts.items():
        if name.startswith("年度工作总结"):  # the summary's wording is the counting code's (its own issue)
            continue
        assert "支援学校" not in body and "受援学校" not in body.replace("受援校", ""), name
    pairing_plan = text(made, "实施方案_甲中学")
    assert "骨干教师结对带教：双方结对1对，签订师徒带教协议，名单见附件。" in pairing_plan
    agreement = text(made, "协议书_甲中学")
    assert "乙中学上线率不低于80%，教师在全区获奖人数超过3人次" in agreement  # no ≥ in running text
    assert not re.search("[≥≤><]", agreement)


def test_the_letters_name_persons_as_persons(made):
    """000-S4: 甲方（支援学校）：万载中学　章某某 labelled a person as a school."""
    letter = text(made, "管理帮扶责任书")
    assert "甲方：孙某某（甲中学教务处主任）\n乙方：周某某（乙中学教务处主任）" in letter


def test_the_plan_is_printed_whole_in_its_own_order(made):
    notice = text(made, "通知")
    body = notice[notice.index("测试县中小学结对帮扶工作方案\n"):]
    order = ["为推进结对帮扶", "一、工作目标", "二、帮扶方式", "共确定结对2对", "三、帮扶内容",
             "1.帮助提高管理水平。", "2.共同提高教育质量。", "只有一项的列表。", "1.帮扶学校每学期", "2.结对双方每学年",
             "四、工作要求", "（一）组织领导。各学校成立领导小组。", "（二）考核", "附件：测试县结对学校名单"]
    at = [body.index(x) for x in order]
    assert at == sorted(at), order
    assert "1.只有一项的列表。" not in body  # a lone item is not numbered
    assert "附件：测试县结对学校名单" not in notice[:notice.index("测试县中小学结对帮扶工作方案\n")]  # the plan's annex


def test_a_pairing_plan_has_no_guiding_idea_heading(made):
    """X-1: 一、指导思想 held only the basis sentence."""
    plan = text(made, "实施方案_甲中学")
    assert "指导思想" not in plan
    assert re.search(r"根据测试县教育局《测试县中小学结对帮扶工作方案》（测教字〔2022〕5号）的要求，甲中学与乙中学结对帮扶，"
                     r"制订本方案。", plan)  # 制订, as the programme writes it


def test_only_the_documents_the_programme_asks_for(tmp_path):
    root = tmp_path / "prog"
    shutil.copytree(WORDING, root)
    with (root / "programme.yaml").open("a", encoding="utf-8") as f:
        f.write("documents: [pairing_plan, teacher_letter]\n")
    out = tmp_path / "out"
    assert run("build", root, "-o", out).returncode == 0
    names = sorted(p.name.split("_")[0] for p in (out / "prog" / "p1").glob("*.docx"))
    assert names == ["实施方案", "师徒带教协议"]  # the programme's name for the letter
    plan = all_text(Document(str(next((out / "prog" / "p1").glob("实施方案_*.docx")))))
    assert "校领导结对领航：双方结对1对。" in plan  # the letter is not asked for: not said to be signed


def test_a_duty_s_words_must_agree_with_what_is_counted(tmp_path):
    root = tmp_path / "prog"
    shutil.copytree(WORDING, root)
    path = root / "programme.yaml"
    path.write_text(path.read_text("utf-8").replace("结对双方每学年至少举行两次例会。", "结对双方每年至少举行三次例会。"), "utf-8")
    result = run("validate", root)
    assert result.returncode == 2
    assert "commitments[2].text  原话写的是“每年”，与计数周期 per: school_year 不一致" in result.stderr
    assert "commitments[2].text  原话中没有次数 2（times: 2）" in result.stderr


def test_every_pairing_plan_carries_the_programme_s_clauses(made):
    """A programme may say what each pair's own plan holds, with lines left to fill in."""
    plan = text(made, "实施方案_甲中学")
    assert "帮扶举措\n年度目标：\t" in plan and "方案报领导小组办公室备案。" in plan
    # a blank without a key is filled by its label
    assert "“年度目标”（pairings/p1.yaml 中 blanks.年度目标）" in made[1]["实施方案_甲中学与乙中学.docx"]


def test_lists_are_numbered_under_the_number_of_their_heading():
    """A list under 一、 is 1. 2.; under an item 3. it is （1）（2）, never 1. again."""
    from pydantic import TypeAdapter

    from docgen.documents.blocks import from_data, layout
    from docgen.load.model.common import Blocks

    body = TypeAdapter(Blocks).validate_python([
        {"title": "工作要求", "body": [{"items": [
            "1.高度重视。", "2.精心组织。",
            {"title": "3.制订方案，签订协议。", "run_in": True, "body": ["结对学校要……", {"items": ["甲", "乙"]}]}]}]},
        {"title": "保障", "body": [{"items": ["A", "B", {"items": ["x", "y"]}]}, {"items": ["唯一一项"]}]}])
    lines = [str(x["text"]) for x in layout(from_data(body, {}))]
    assert lines == ["一、工作要求", "1.高度重视。", "2.精心组织。", "3.制订方案，签订协议。结对学校要……", "（1）甲", "（2）乙",
                     "二、保障", "1.A", "2.B", "（1）x", "（2）y", "唯一一项"]


def test_a_list_after_a_run_in_section_is_numbered_as_its_own():
    """A run-in section (一、工作要求。…) then a list in the same body: the list is laid out (the
    section's line style once overwrote the level the list is numbered from, and rendering failed)."""
    from pydantic import TypeAdapter

    from docgen.documents.blocks import from_data, layout
    from docgen.load.model.common import Blocks

    body = TypeAdapter(Blocks).validate_python([
        {"title": "工作要求", "run_in": True, "body": ["按时报送。"]}, {"items": ["甲。", "乙。"]}])
    lines = [(x["style"], str(x["lead"]), str(x["text"])) for x in layout(from_data(body, {}))]
    assert lines == [("lead1", "一、工作要求。", "按时报送。"), ("p", "", "1.甲。"), ("p", "", "2.乙。")]


def test_a_goal_s_indicators_are_not_said_twice():
    from docgen.documents.plan import goal_nodes
    from docgen.load.model.programme import YearGoal

    goal = YearGoal.model_validate({"year": 2023, "text": "罗山中学打造市级精品课8节，区级精品课2节。", "indicators": [
        {"school": "罗山中学", "name": "市级精品课", "target": 8, "unit": "节", "text": "市级精品课8节"},
        {"school": "罗山中学", "name": "骨干教师", "target": 5, "unit": "名"}]})
    assert [str(x) for x in goal_nodes(goal)] == ["罗山中学打造市级精品课8节，区级精品课2节。", "主要指标：罗山中学骨干教师5名。"]


def test_the_schema_takes_paragraphs_written_as_strings():
    import json

    import jsonschema

    from docgen.load.schema import programme_schema
    from docgen.load.yaml_source import read

    written = json.loads(json.dumps(read(WORDING / "programme.yaml").data, default=str))
    assert isinstance(written["body"][0], str)
    jsonschema.validate(written, programme_schema())


def test_a_kind_the_programme_could_not_name_is_not_held_back():
    from docgen.load.model.programme import Programme

    prog = Programme.model_validate({"title": "方案", "bureau": {"name": "某局"}, "cycle": {"start": "2022-09-01"},
                                     "documents": ["agreement"]})
    assert prog.wants("agreement") and not prog.wants("teacher_letter") and prog.wants("case_study")


def _plan_text(root, out) -> str:
    assert run("build", root, "-o", out, "-k", "programme_plan").returncode == 0
    return all_text(Document(str(next((out / root.name).glob("实施方案_*.docx")))))


@pytest.mark.parametrize("written", ["", "attachments: []\n"])
def test_attachments_written_empty_mean_none(tmp_path, written):
    """F15: ``attachments: []`` says the plan attaches nothing; not writing it lets docgen attach
    what has data (the pair list)."""
    from tests.helpers import MINI_PAIRING, MINI_PROGRAMME

    root = tmp_path / "prog"
    (root / "pairings").mkdir(parents=True)
    programme = MINI_PROGRAMME[:MINI_PROGRAMME.index("notices:")]  # a plan no notice issues
    (root / "programme.yaml").write_text(programme + written, "utf-8")
    (root / "pairings" / "p1.yaml").write_text(MINI_PAIRING, "utf-8")
    text = _plan_text(root, tmp_path / "out")
    if written:
        assert "附件" not in text and "名单" not in text
    else:
        assert "附件：测试县结对帮扶学校名单" in text and "乙中学" in text


def test_each_indicator_is_read_as_its_own_school_s():
    """A pairing of two schools listed 罗山中学打造市级精品课8节；…；校企合作课程开发1节: the vocational
    school's indicator, written as a fragment of the goal's sentence, read as 罗山中学's."""
    from docgen.documents.plan import indicators_for
    from docgen.load.model.pairing import School
    from docgen.load.model.programme import Programme

    prog = Programme.model_validate({"title": "方案", "bureau": {"name": "某局"}, "cycle": {"start": "2023-01-01"},
                                     "goals": {"yearly": [{"year": 2023, "text": "目标。", "indicators": [
                                         {"school": "罗山中学", "name": "精品课", "target": 8, "unit": "节",
                                          "text": "罗山中学打造市级精品课8节"},
                                         {"school": "职业技术学校", "name": "课程开发", "target": 1, "unit": "节",
                                          "text": "校企合作课程开发1节"},
                                         {"school": "罗山中学", "name": "区级精品课", "target": 2, "unit": "节",
                                          "text": "区级精品课2节"},
                                         {"name": "工作室", "target": 1, "unit": "个", "text": "建成1个名校长工作室"}]}]}})
    both = [School(name="红寺堡区罗山中学", short_name="罗山中学"), School(name="红寺堡区职业技术学校", short_name="职业技术学校")]
    assert [str(x) for x in indicators_for(prog, both)] == [
        "2023年目标：罗山中学打造市级精品课8节，区级精品课2节；职业技术学校校企合作课程开发1节；建成1个名校长工作室。"]
    assert [str(x) for x in indicators_for(prog, both[1:])] == ["2023年目标：职业技术学校校企合作课程开发1节；建成1个名校长工作室。"]
