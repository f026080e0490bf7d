"""A synthetic programme in which every list has items: for template checks and benchmarks.

The names are obviously fictional (示例县, 某某); nothing here is example data a user sees.
"""
from __future__ import annotations

from pathlib import Path

from ..documents.scope import CoverFacts
from ..load import Loaded
from ..load.folder import adopt
from ..load.model.activity import ActivityLog
from ..load.model.pairing import Pairing
from ..load.model.programme import Programme

SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def programme_data() -> dict:
    return {
        "title": "示例县城乡学校结对帮扶工作实施方案",
        "stage": "义务教育",
        "bureau": {"name": "示例县教育局", "doc_code": "示教字", "office": "基础教育股",
                   "contact": {"name": "联络某某", "phone": "1234567", "email": "demo@example.cn"}},
        "policy_basis": [{"title": "关于开展结对帮扶工作的通知", "issuer": "示例市教育局", "doc_no": "示市教字〔2022〕1号"}],
        "guiding_idea": ["以提升受援学校办学质量为目标，坚持优势互补、共同发展。"],
        "cycle": {"start": "2022-09-01"},
        "goals": {"overall": "三年内受援学校管理和教学质量明显提升。",
                  "yearly": [{"year": 2023, "text": "建立机制。", "indicators": [{"name": "骨干教师", "target": 2, "unit": "名"}]}]},
        "principles": "一对一结对，三年一周期。",
        "content_areas": [{"title": "管理帮扶", "paragraphs": ["帮助受援学校完善管理制度。"]}],
        "commitments": [
            {"id": "lesson_delivery", "activity": "lesson_delivery", "by": "supporter", "per": "term",
             "what": "为受援学校送课指导", "times": 3, "subjects": 3, "person_times": 5,
             "text": "支援学校每学期为受援学校送课3次，涉及3个学科、5人次。"},
            {"id": "management_guidance", "activity": "management_guidance", "by": "supporter", "per": "term",
             "what": "派中层干部实地指导", "times": 1, "days": 1, "text": "支援学校每学期派中层干部实地指导1次，累计1天。"},
            {"id": "observation", "activity": "observation_visit", "by": "recipient", "per": "term",
             "what": "到支援学校观摩学习", "times": 1, "days": 1, "text": "受援学校每学期到支援学校观摩学习1次，累计1天。"},
            {"id": "mentor_exchange", "activity": "mentor_exchange", "by": "both", "per": "term",
             "what": "每对结对教师开展交流", "times": 10, "text": "每对结对教师每学期交流10次。"},
            {"id": "mentor_lesson", "activity": "mentor_exchange", "by": "supporter", "per": "month", "layer": "managers",
             "what": "听课", "times": 1, "text": "甲方每月到乙方听课1次。"},
        ],
        "terms": {"supporter": "帮扶学校", "recipient": "被帮扶学校"},
        "titles": {"teacher_letter": "师徒结对协议"},
        "agreement": {"confirmed_by_bureaus": True,
                      "clauses": [{"title": "其他约定", "body": ["双方商定的其他事项。", {"blank": "阶段性目标"}]}]},
        "layers": {"managers": {"name": "中层干部结对", "text": ["双方中层干部对口交流。"], "assessment": "每学期考核一次。"}},
        "body": [
            "为提升受援学校办学质量，制定本方案。",
            {"title": "工作目标", "body": [{"insert": "yearly_goals"}]},
            {"title": "结对安排", "body": [{"insert": "pair_count"}, {"insert": "pair_list"}]},
            {"title": "帮扶内容", "body": [{"items": ["管理帮扶。", "教学帮扶。"]}, {"insert": "commitments"}]},
            {"title": "帮扶措施", "body": [{"insert": "measures"}, {"insert": "measures_table"}]},
            {"title": "实施步骤", "body": [{"insert": "steps"}]},
            {"title": "保障措施", "body": [{"title": "组织领导", "run_in": True, "body": ["成立领导小组。", {"insert": "leading_group"}]},
                                       {"title": "考核", "body": [{"insert": "rubric"}]}]},
        ],
        "report_within_days": 3,
        "steps": [{"title": "启动", "start": "2022-09-01", "end": "2022-09-30", "text": "签订协议。"}],
        "safeguards": [{"title": "经费保障", "paragraphs": ["安排专项经费。"]}],
        "measures": [{"area": "政策支持", "text": "完善教师待遇保障。", "units": ["教育局", "财政局"], "deadline": "2023年12月底前"}],
        "leading_group": {"name": "示例县结对帮扶工作领导小组", "office": "办公室设在基础教育股。",
                          "members": [{"role": "组长", "name": "局长某某", "position": "教育局局长"},
                                      {"role": "成员", "name": "股长某某", "position": "基础教育股股长"}]},
        "rubric": {"title": "示例县结对帮扶考核细则", "items": [
            {"no": 1, "category": "组织管理", "title": "组织管理", "points": 50, "criteria": "有方案。",
             "evidence": ["实施方案"], "due": "开学第一周"},
            {"no": 2, "category": "教学帮扶", "title": "送课指导", "points": 50, "criteria": "每学期送课3次。",
             "evidence": ["送课记录"], "due": "活动后三日内", "activity": "lesson_delivery",
             "commitments": ["lesson_delivery"]},
            {"no": 3, "category": "加分", "title": "加分项", "points": 5, "bonus": True, "criteria": "有报道。"}]},
        "notices": [
            {"id": "issue-plan", "doc_no": "示教字〔2022〕9号", "date": "2022-09-05",
             "title": "关于印发《示例县城乡学校结对帮扶工作实施方案》的通知", "addressees": ["各学校"],
             "body": ["现将方案印发给你们，请认真落实。"], "issues_plan": True, "deadline": "2022-09-30",
             "attachments": [{"title": "结对学校名单", "content": "pair_list"},
                             {"title": "领导小组名单", "content": "leading_group"},
                             {"title": "考核细则", "content": "rubric"},
                             {"title": "任务分工表", "content": "measures"},
                             {"title": "计划表（样表）", "content": "monthly_plan_form",
                              "rows": [{"month": "三月", "content": "制定方案", "work": "双方制定年度计划。"}, {"month": "四月"}]},
                             {"title": "说明", "content": "text", "paragraphs": ["附件说明文字。"]}],
             "remark": "此件主动公开", "cc": ["示例市教育局"]},
            {"id": "per-county", "doc_no": "示教字〔2022〕10号", "date": "2022-09-06", "title": "关于签订结对协议的通知",
             "addressees": ["有关学校"], "body": ["请签订协议。"], "per_county": True,
             "attachments": [{"title": "结对学校名单", "content": "pair_list"}]},
        ],
        "county_bureaus": {"甲县": "甲县教育局", "乙县": "乙县教育局"},
    }


def pairing_data(i: int, recipients: int = 2, seal: str | None = None) -> dict:
    name = lambda k: SURNAMES[(i * 7 + k) % len(SURNAMES)] + "某某"  # noqa: E731
    counties = ["甲县", "乙县"]
    sup = f"示例第{i}中学"
    recs = [f"示例第{i}中学结对{j}校" for j in range(1, recipients + 1)]
    sealed = {"seal": seal} if seal else {}
    return {
        "id": f"p{i:03d}", "no": i, "county": counties[i % 2], "remark": "示例",
        "supporter": {"name": sup, "lead": {"name": name(0), "position": "校长"}, **sealed,
                      "leading_group": {"members": [{"role": "组长", "name": name(0), "position": "校长"}]}},
        "recipients": [{"name": r, "county": counties[(i + j) % 2], "lead": {"name": name(j + 1), "position": "校长"},
                        **sealed} for j, r in enumerate(recs)],
        "signed_on": "2022-09-20",
        "confirmed_on": "2022-09-25",
        "key_target": "提升薄弱学科质量。",
        "goals": ["三年内培养骨干教师2名。"],
        "middle_manager_pairs": [{"supporter": {"name": name(10 + j), "position": "教务主任"},
                                  "recipient": {"name": name(20 + j), "position": "教务主任"},
                                  "recipient_school": r, "focus": "教学常规"} for j, r in enumerate(recs)],
        "teacher_pairs": [{"mentor": {"name": name(30 + j), "subject": SUBJECTS[j % 8], "title": "高级教师"},
                           "mentee": {"name": name(40 + j), "subject": SUBJECTS[j % 8], "title": "二级教师"},
                           "recipient_school": r} for j, r in enumerate(recs)],
        "secondments": [{"person": {"name": name(50), "position": "副校长"}, "sent_by": "supporter",
                         "post": "副校长", "recipient_school": recs[0], "start": "2022-09-01", "end": "2023-07-31"}],
        "placements": [{"teacher": {"name": name(51), "subject": "数学"}, "kind": "teaching",
                        "recipient_school": recs[0], "start": "2022-09-01", "end": "2023-07-31"}],
        "monthly_plan": [{"month": "2022-09", "items": [{"content": "管理指导", "activity": "management_guidance",
                                                          "work": "指导制定学期计划。", "owner": name(10),
                                                          "deadline": "2022-09-30"}]}],
        "summaries": [{"year": 2022, "overview": "双方按协议开展帮扶。", "achievements": ["建立了联合教研制度。"],
                       "problems": ["交通不便。"], "next_steps": ["增加线上教研。"], "date": "2023-07-10"}],
    }


def specimen(pairings: int = 2, recipients: int = 2, root: Path = Path("specimen"), seal: str | None = None) -> Loaded:
    """``seal``: a PNG path relative to ``root`` given to every school and the bureau."""
    data = programme_data()
    if seal:
        data["bureau"]["seal"] = seal
        data["seals"] = {name: seal for name in data["county_bureaus"].values()}
    prog = Programme.model_validate(data)
    items = [adopt(Pairing.model_validate(pairing_data(i, recipients, seal)), prog) for i in range(1, pairings + 1)]
    loaded = Loaded(root=root, programme=prog, pairings=items)
    loaded.activities[("p001", "2022")] = ActivityLog.model_validate(activity_data(items[0]))
    return loaded


def write_specimen(root: Path, pairings: int = 2, recipients: int = 2, seal_png: Path | None = None) -> Path:
    """The specimen as a programme folder on disk (programme, pairings, a year of records for
    each, their evidence and, if given, one seal image for every party), for runs of the pipeline."""
    import shutil

    import yaml

    seal = "seals/seal.png" if seal_png else None
    data = programme_data()
    if seal and seal_png:
        data["bureau"]["seal"] = seal
        data["seals"] = {name: seal for name in data["county_bureaus"].values()}
        (root / "seals").mkdir(parents=True, exist_ok=True)
        shutil.copy(seal_png, root / seal)

    # libyaml's emitter where PyYAML has it: the same bytes as PyYAML's own, five times faster
    # (a benchmark writes thousands of these files, the suite hundreds)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class NoAliases(dumper):  # type: ignore[valid-type,misc]
        def ignore_aliases(self, data) -> bool:  # docgen refuses YAML aliases
            return True

    def dump(path: Path, value: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(value, Dumper=NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")

    dump(root / "programme.yaml", data)
    for i in range(1, pairings + 1):
        dump(root / "pairings" / f"p{i:03d}.yaml", pairing_data(i, recipients, seal))
    for i in range(1, pairings + 1):  # a year of records for every pairing: every summary can be sealed
        pairing = Pairing.model_validate(pairing_data(i, recipients, seal))
        dump(root / "activities" / "2022" / f"p{i:03d}.yaml", activity_data(pairing, variant=i - 1))
    (root / "evidence").mkdir(exist_ok=True)
    (root / "evidence" / "x.jpg").write_bytes(b"evidence")
    return root


EXTRA_MONTHS = ("2022-09", "2022-10", "2022-11", "2022-12", "2023-01", "2023-03", "2023-04", "2023-05",
                "2023-06", "2023-07")
VARIANTS = 97
"""Pairings differ in their records in this many ways (a prime above any cache's size), so
that a benchmark's summaries are not all the same: the same counts would draw the same chart,
which docgen draws once for the same figures, and a benchmark would measure that cache."""


def activity_data(pairing: Pairing, variant: int = 0) -> dict:
    """A year of records for one pairing: every kind, one late, one without evidence; a
    ``variant`` other than 0 (mod ``VARIANTS``) adds 1-10 lessons delivered in one month."""
    tp = pairing.teacher_pairs[0]
    base = {"evidence": ["evidence/x.jpg"], "people": ["某某"]}
    records = [
        {"date": "2022-10-10", "type": "lesson_delivery", "subjects": ["数学"], "person_times": 5,
         "description": "送课", "filed_on": "2022-10-11", **base},
        {"date": "2022-10-20", "type": "management_guidance", "description": "管理指导", "filed_on": "2022-10-30", **base},
        {"date": "2022-11-03", "type": "observation_visit", "description": "观摩", "filed_on": "2022-11-04"},
        {"date": "2023-03-15", "type": "mentor_exchange", "mentor": tp.mentor.name, "mentee": tp.mentee.name,
         "description": "师徒交流", "filed_on": "2023-03-16", **base},
    ]
    variant %= VARIANTS
    if variant:
        month = EXTRA_MONTHS[variant % len(EXTRA_MONTHS)]
        for k in range(variant // len(EXTRA_MONTHS) + 1):
            records.append({"date": f"{month}-{k + 11:02d}", "type": "lesson_delivery", "subjects": ["语文"],
                            "person_times": 2, "description": "送课", "filed_on": f"{month}-{k + 12:02d}", **base})
    return {"records": records, "scores": [{"item": 1, "points": 45, "note": "资料齐全"},
                                           {"item": 3, "points": 0, "note": "无加分材料"}]}


def sample_cover() -> CoverFacts:
    """A bundle's cover facts, for checking cover.docx."""
    return CoverFacts("示例学校结对帮扶报送材料", ["示例学校甲", "示例学校乙"], None,
                      [{"no": 1, "title": "结对帮扶协议书", "pages": 4, "start": 3}])
