"""A programme with a full school year of records from four layers of pairs (issue 19 §2),
generated here rather than copied from data/: two pairings, each with leaders, middle
managers, teaching-research groups and teachers paired, weekly and monthly duties for each
layer, and about 660 activity records with gaps (a winter break, some weeks skipped), so that
every table of the summary is as long as a real year makes it."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml

PROGRAMME = """\
title: 长卷县城乡学校结对帮扶工作方案
bureau: {name: 长卷县教育局}
cycle: {start: 2025-09-01, years: 1}
report_within_days: 7
commitments:
  - {id: principals, activity: management_guidance, tag: 校长研讨, by: both, per: week, layer: leaders, times: 1,
     what: 校长工作研讨}
  - {id: managers, activity: management_guidance, tag: 管理指导, by: supporter, per: month, layer: managers, times: 1,
     what: 中层干部管理指导}
  - {id: groups, activity: joint_research, tag: 联合教研, by: both, per: week, layer: groups, times: 1, what: 联合教研}
  - {id: listen, activity: mentor_exchange, tag: 听课, by: supporter, per: week, layer: teachers, times: 1,
     what: 听徒弟的课并评课}
  - {id: reflect, activity: mentor_exchange, tag: 反思, by: both, per: month, layer: teachers, times: 1,
     what: 共同完成教学反思}
  - {id: delivery, activity: lesson_delivery, by: supporter, per: term, times: 3, what: 送课指导}
rubric:
  self_assessment: true
  total: 100
  items:
    - {no: 1, category: 管理, title: 校长研讨, points: 20, criteria: 校长每周研讨, commitments: [principals],
       rule: proportional}
    - {no: 2, category: 管理, title: 管理指导, points: 20, criteria: 中层每月指导, commitments: [managers],
       rule: all_or_nothing, per_term: true}
    - {no: 3, category: 教研, title: 联合教研, points: 20, criteria: 教研组每周联合教研, commitments: [groups],
       rule: proportional}
    - {no: 4, category: 教师, title: 师徒结对, points: 30, criteria: 师傅每周听课、每月共同反思,
       commitments: [listen, reflect], rule: proportional}
    - {no: 5, category: 教师, title: 送课指导, points: 10, criteria: 每学期送课3次, commitments: [delivery]}
"""

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"


def _person(n: int, post: str = "") -> dict:
    return {"name": f"{SURNAMES[n % len(SURNAMES)]}某某", **({"position": post} if post else {})}


def pairing_file(k: int) -> dict:
    base = 10 * k
    return {
        "county": "长卷县",
        "supporter": {"name": f"长卷县第{'一二'[k]}中学"},
        "recipients": [{"name": f"长卷县乡村第{'一二'[k]}学校"}],
        "signed_on": dt.date(2025, 9, 10),
        "leader_pairs": [{"supporter": _person(base, "校长"), "recipient": _person(base + 1, "校长")}],
        "middle_manager_pairs": [{"supporter": _person(base + 2, "教务主任"), "recipient": _person(base + 3, "教务主任")},
                                 {"supporter": _person(base + 4, "德育主任"), "recipient": _person(base + 5, "政教主任")}],
        "group_pairs": [{"subject": "语文"}, {"subject": "数学"}],
        "teacher_pairs": [{"mentor": {"name": f"{SURNAMES[base + 6 + i]}老师{k}{i}"},
                           "mentee": {"name": f"{SURNAMES[base + 7 + i]}学员{k}{i}"}} for i in range(5)],
    }


def _record(day: dt.date, kind: str, tag: str, rng: random.Random, **more) -> dict:
    lag = rng.choice([0, 1, 2, 3, 3, 9])  # now and then filed late
    return {"date": day, "type": kind, "tag": tag, "description": f"{tag}活动", "evidence": ["evidence/记录.txt"],
            "filed_on": day + dt.timedelta(days=lag), **more}


def records(k: int, pairing: dict, denser: bool = False) -> list[dict]:
    """A school year of a pairing's records: weekly for leaders, groups and teachers, monthly for
    managers and reflections, three deliveries a term, none in the winter break, weeks skipped.
    ``denser``: teachers meet twice a week and every layer more often (about twice the records)."""
    rng = random.Random(k + (10 if denser else 0))
    out = []
    start, end = dt.date(2025, 9, 1), dt.date(2026, 7, 10)
    day = start + dt.timedelta(days=2)  # Wednesdays
    while day <= end:
        if not (dt.date(2026, 1, 12) <= day <= dt.date(2026, 2, 22)):
            lead = pairing["leader_pairs"][0]
            if rng.random() > 0.12:
                out.append(_record(day, "management_guidance", "校长研讨", rng,
                                   people=[lead["supporter"]["name"], lead["recipient"]["name"]]))
            for g in pairing["group_pairs"]:
                if rng.random() > 0.1:
                    out.append(_record(day, "joint_research", "联合教研", rng, subjects=[g["subject"]]))
            for t in pairing["teacher_pairs"]:
                for extra in range(2 if denser else 1):
                    if rng.random() > 0.15:
                        out.append(_record(day + dt.timedelta(days=1 + extra), "mentor_exchange", "听课", rng,
                                           mentor=t["mentor"]["name"], mentee=t["mentee"]["name"]))
        day += dt.timedelta(days=7)
    month = start
    while month <= end:
        if month.month != 1:
            for m in pairing["middle_manager_pairs"]:
                if rng.random() > 0.2:
                    out.append(_record(month + dt.timedelta(days=14), "management_guidance", "管理指导", rng,
                                       by="supporter", people=[m["supporter"]["name"], m["recipient"]["name"]]))
            for t in pairing["teacher_pairs"]:
                if rng.random() > 0.25:
                    out.append(_record(month + dt.timedelta(days=20), "mentor_exchange", "反思", rng,
                                       mentor=t["mentor"]["name"], mentee=t["mentee"]["name"]))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for day in (dt.date(2025, 10, 16), dt.date(2025, 11, 20), dt.date(2026, 4, 16), dt.date(2026, 5, 21)):
        out.append(_record(day, "lesson_delivery", "", rng, subjects=["语文"], person_times=8))
    for r in out:
        if not r["tag"]:
            del r["tag"]
    return sorted(out, key=lambda r: r["date"])


class _NoAliases(yaml.CSafeDumper):  # libyaml's emitter: the same text, five times faster
    def ignore_aliases(self, data):
        return True


def write(root: Path, denser: bool = False) -> int:
    """The programme folder at ``root``; returns the number of records written."""
    (root / "pairings").mkdir(parents=True)
    (root / "evidence").mkdir()
    (root / "evidence" / "记录.txt").write_text("活动记录与照片", encoding="utf-8")
    (root / "programme.yaml").write_text(PROGRAMME, encoding="utf-8")
    total = 0
    for k in (0, 1):
        pairing = pairing_file(k)
        pairing["summaries"] = [{"year": 2025, "date": dt.date(2026, 7, 10)}]
        (root / "pairings" / f"p{k + 1}.yaml").write_text(
            yaml.dump(pairing, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
        recs = records(k, pairing, denser)
        total += len(recs)
        folder = root / "activities" / "2025"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"p{k + 1}.yaml").write_text(
            yaml.dump({"records": recs}, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return total
