"""Activity records: data/<programme>/activities/<year>/<pairing>.yaml.

One file per pairing and cycle year (the year is the folder: 2020 for 2020年度, 2022 for
2022—2023学年). Each record is one thing that was done, with its evidence and the day it
was filed with the bureau; the annual summary and the rubric score are counted from them.
"""
from __future__ import annotations

import datetime as dt
import re

from pydantic import Field

from .common import Activity, Int, Item, Number, OptText, Party, Path_, Strict, Text

# Who organises an activity when a record does not say (the spreadsheet has no such column).
DEFAULT_BY = {
    Activity.observation_visit: Party.recipient,
    Activity.joint_research: Party.both,
    Activity.joint_meeting: Party.both,
    Activity.mentor_exchange: Party.both,
}


_FILE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$")


def is_file_ref(evidence: str) -> bool:
    """Whether an evidence entry names a file (a path, or a name with an extension such as
    签到表.jpg) rather than describing evidence in words (照片3张)."""
    return bool(_FILE.search(evidence.strip()))


class Record(Strict):
    """One activity that took place."""

    date: dt.date
    """活动日期"""
    type: Activity
    """活动类型，如 lesson_delivery（送课指导）"""
    tag: OptText = ""
    """细分，如观摩学习的“干部”或“教师”；承诺事项写了 tag 时只计同 tag 的记录"""
    by: Party | None = None
    """组织方；不写时按类型推定（观摩学习为受援学校，教研和师徒交流为双方，其余为支援学校）"""
    school: OptText = ""
    """涉及的受援学校（有多所时填写）"""
    subjects: list[Item] = []
    """学科"""
    people: list[Item] = []
    """参与人员"""
    person_times: Int | None = Field(default=None, ge=1)
    """人次；不写时按参与人员人数计"""
    days: Number | None = Field(default=None, gt=0)
    """天数；不写按 1 天计"""
    mentor: OptText = ""
    """师徒交流的帮扶教师"""
    mentee: OptText = ""
    """师徒交流的受援教师"""
    description: Text
    """活动内容"""
    evidence: list[Path_] = []
    """证明材料：文件路径（相对于方案目录，如 evidence/城南小学/签到表.jpg）；文件还没有收齐时可先写文字说明
    （如“照片3张”“签到表”），记录标为“证明材料待补”，补齐后把说明换成文件路径"""
    filed_on: dt.date | None = None
    """报备日期；没有报备则不写"""
    remark: OptText = ""
    """备注：自由填写，只供查看，不写入生成的文书"""

    @property
    def evidence_files(self) -> list[str]:
        return [e for e in self.evidence if is_file_ref(e)]

    @property
    def evidence_described(self) -> list[str]:
        """Evidence named in words (照片3张), its file still to be attached."""
        return [e for e in self.evidence if not is_file_ref(e)]

    @property
    def organiser(self) -> Party:
        return self.by or DEFAULT_BY.get(self.type, Party.supporter)

    @property
    def person_count(self) -> int:
        """Its 人次, else the people it names, else one: someone did it (a count that rests on
        such a record says so, ``counting.unstated_persons``)."""
        return self.person_times or len(self.people) or 1


class JudgedScore(Strict):
    """A rubric item scored by a person (quality, media coverage, survey)."""

    item: Int = Field(ge=1)
    """考核细则的序号"""
    points: Number = Field(ge=0)
    note: OptText = ""
    """评分依据"""


class ActivityLog(Strict):
    """The records of one pairing for one cycle year."""

    records: list[Record] = []
    scores: list[JudgedScore] = []
    """需要人工评定的考核项得分"""
