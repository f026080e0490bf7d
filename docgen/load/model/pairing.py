"""One pairing file: data/<programme>/pairings/<id>.yaml."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints

from .common import (
    ID_PATTERN,
    Activity,
    Blocks,
    Int,
    LeadingGroup,
    Month,
    Name,
    OptText,
    Party,
    Path_,
    Person,
    Strict,
    SupporterKind,
    Teacher,
    Text,
    _text,
)
from .cycle import Cycle

PairingId = Annotated[str, BeforeValidator(_text), StringConstraints(pattern=ID_PATTERN)]


def _one_or_more(value: object) -> object:
    """What fills a blank may be written as one paragraph (a plain string)."""
    return [value] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value


class School(Strict):
    """A school in a pairing: the supporter or one recipient."""

    name: Name
    """全称, e.g. 万载县第二中学"""
    kind: SupporterKind = SupporterKind.school
    """支援方是什么：school 学校（默认）、team 帮扶团队（组团式）、institution 单位（高校、教研室等）"""
    short_name: OptText = ""
    """简称，用于文件名（全称很长时，文件名更短、更好找）"""
    county: OptText = ""
    """所属县市区；不写则同结对的县市区"""
    bureau: OptText = ""
    """主管教育行政部门全称；不写则按县市区查方案的 county_bureaus，再不行用发文机关"""
    stage: OptText = ""
    campuses: OptText = ""
    """校区说明, e.g. 及各校区"""
    lead: Person | None = None
    """负责人（第一责任人），通常是校长"""
    leading_group: LeadingGroup | None = None
    seal: Path_ | None = None
    """公章图片（透明 PNG），相对于方案目录"""

    @property
    def full_name(self) -> str:
        return f"{self.name}{self.campuses}"


class Dated(Strict):
    """When a pair of people (or groups) inside a pairing ran: a pair may start after the
    pairing and end before it (a teacher leaves, another takes over). Its records count for
    the days it ran; periods of a duty are owed only while it runs."""

    start: dt.date | None = None
    """结对开始日期；不写则与结对（帮扶周期）同时开始"""
    end: dt.date | None = None
    """结对结束日期（调离、退休等）；不写则到帮扶周期结束。此前的活动记录仍有效"""
    reason: OptText = ""
    """开始或结束的原因, e.g. 原帮扶教师调离，由王丽接替"""
    signed_on: dt.date | None = None
    """本对责任书的签订日期；不写则用协议签订日期（本对晚于协议开始的，留空待填）"""

    def runs_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def runs_through(self, first: dt.date, last: dt.date) -> bool:
        """Whether the pair ran for every day from ``first`` to ``last`` (a period it owes)."""
        return (self.start is None or self.start <= first) and (self.end is None or last <= self.end)


class ManagerPair(Dated):
    """Two middle managers who sign a management responsibility letter."""

    supporter: Person
    """支援学校中层干部"""
    recipient: Person
    """受援学校中层干部"""
    recipient_school: OptText = ""
    """对应的受援学校（有多所受援学校时必填）"""
    focus: OptText = ""
    """帮扶重点"""


class GroupPair(Dated):
    """Two subject teaching-research groups (学科教研组) paired with each other."""

    subject: Text
    """学科, e.g. 语文"""
    supporter_group: OptText = ""
    """支援方教研组名称；不写为“学科+教研组”"""
    recipient_group: OptText = ""
    supporter_lead: Person | None = None
    """支援方教研组长"""
    recipient_lead: Person | None = None
    recipient_school: OptText = ""
    """对应的受援学校（有多所受援学校时必填）"""
    focus: OptText = ""
    """教研重点"""

    def group(self, side: str) -> str:
        named = self.supporter_group if side == "supporter" else self.recipient_group
        return named or f"{self.subject}教研组"


class TeacherPair(Dated):
    """A mentor of the supporter and a mentee of a recipient."""

    mentor: Teacher
    mentee: Teacher
    recipient_school: OptText = ""
    """徒弟所在的受援学校（有多所受援学校时必填）"""


class PlacementKind(str, Enum):
    """支教 (teaching at the recipient) or 跟岗 / 顶岗 (training at the supporter)."""

    teaching = "teaching"
    training = "training"


class Secondment(Strict):
    """A cadre placed at the other school (挂职 / 跟岗)."""

    person: Person
    sent_by: Party
    post: Text
    """挂任职务或跟岗岗位"""
    recipient_school: OptText = ""
    start: dt.date
    end: dt.date


class Placement(Strict):
    """A teacher teaching (支教) or training (顶岗学习) at the other school."""

    teacher: Teacher
    kind: PlacementKind
    recipient_school: OptText = ""
    start: dt.date
    end: dt.date


class PlanItem(Strict):
    """One line of the monthly plan table."""

    content: Text
    """内容, e.g. 管理指导"""
    activity: Activity | None = None
    work: OptText = ""
    """开展的具体工作"""
    owner: OptText = ""
    """责任人"""
    deadline: dt.date | None = None
    """完成时限"""


class MonthPlan(Strict):
    """The plan of one month."""

    month: Month
    """月份, 写成 2020-03"""
    items: list[PlanItem] = Field(min_length=1)

    @property
    def year(self) -> int:
        return int(self.month[:4])

    @property
    def number(self) -> int:
        return int(self.month[5:])


class SummaryText(Strict):
    """What a pairing writes itself for one year's summary."""

    year: Int = Field(ge=2000, le=2100)
    """周期年度的起始年份, e.g. 2022 表示 2022—2023学年"""
    overview: OptText = ""
    achievements: list[Text] = []
    """主要做法与成效"""
    problems: list[Text] = []
    """存在问题"""
    next_steps: list[Text] = []
    """下一步打算"""
    date: dt.date | None = None
    """落款日期"""


class Pairing(Strict):
    """One supporter with its recipient(s) in a programme."""

    id: PairingId | None = None
    """标识；不写则用文件名"""
    no: Int | None = Field(default=None, ge=1)
    """在名单中的序号；名单按序号排列，没有序号的排在后面"""
    county: Text
    """县市区, e.g. 万载县；跨县结对可写 靖安县/奉新县"""
    remark: OptText = ""
    """备注, e.g. 县中跨县域结对帮扶"""
    supporter: School
    recipients: list[School] = Field(min_length=1)
    cycle: Cycle | None = None
    """本结对的起止日期；不写则用方案的帮扶周期（载入时补上，此后总有值）"""
    signed_on: dt.date | None = None
    """协议签订日期"""
    confirmed_on: dt.date | None = None
    """主管教育行政部门确认协议的日期；填写后报送材料中的协议书才加盖主管部门印章"""
    key_target: OptText = ""
    """年度重点帮扶目标（方案要求各结对自定重点目标时写）"""
    goals: list[Text] = []
    """本结对的目标（结对实施方案和协议书的“帮扶目标”）"""
    agreement: Blocks = []
    """本结对协议中双方商定的内容（项目、具体实施办法、阶段性目标等），按顺序印入协议书"""
    blanks: dict[Text, Annotated[Blocks, BeforeValidator(_one_or_more, json_schema_input_type=str | Blocks)]] = {}
    """方案的协议书条款和结对实施方案中留给各结对填写的栏目：栏目标识（key，没有标识的写栏目名称）→
    本结对填写的内容（一段文字，或几段、列表）, e.g. stage_goals: 第一学年……；填写后印在栏目处，不再列为待填写"""
    leader_pairs: list[ManagerPair] = []
    """校级领导结对（校长与校长、分管副校长与分管副校长）"""
    middle_manager_pairs: list[ManagerPair] = []
    """中层干部结对"""
    group_pairs: list[GroupPair] = []
    """学科教研组结对"""
    teacher_pairs: list[TeacherPair] = []
    secondments: list[Secondment] = []
    placements: list[Placement] = []
    monthly_plan: list[MonthPlan] = []
    summaries: list[SummaryText] = []

    def recipient(self, name: str) -> School | None:
        """The recipient called ``name``; with one recipient an empty name means that one."""
        if not name and len(self.recipients) == 1:
            return self.recipients[0]
        return next((r for r in self.recipients if r.name == name), None)

    @property
    def pairs(self) -> list[Pair]:
        return [Pair(self, r) for r in self.recipients]

    def people_pairs_on(self, field: str, day: dt.date | None) -> list:
        """The pairs of a layer (``teacher_pairs`` …) that ran on ``day``; with no day, those
        that have not ended. What a document signed on ``day`` counts, so that a pair added
        later never changes its words."""
        pairs = getattr(self, field)
        if day is None:
            return [p for p in pairs if p.end is None]
        return [p for p in pairs if p.runs_on(day)]

    def letter_dates(self, pair: Dated) -> tuple[dt.date | None, dt.date | None]:
        """A pair's letter: the day its term starts (None: the cycle's) and the day it is signed.
        A pair that starts after the agreement is signed has its own dates, never the agreement's."""
        if pair.start is None or (self.signed_on is not None and pair.start <= self.signed_on):
            return pair.start, pair.signed_on or self.signed_on
        return pair.start, pair.signed_on


@dataclass(frozen=True)
class Pair:
    """One supporter–recipient pair: the unit an agreement is signed for."""

    pairing: Pairing
    recipient: School

    @property
    def supporter(self) -> School:
        return self.pairing.supporter
