"""Building blocks shared by the programme and pairing models."""
from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])|(?<=\d)\s+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])\s+(?=\d)")


def _text(value: Any) -> Any:
    """Accept numbers where text is meant (phone numbers, years), but not lists or booleans.

    White space between two Chinese characters, or between a Han character and a digit, is
    dropped: YAML's folded style (``>``) joins lines with a space, which is right for English and
    wrong for Chinese (2022 年 is printed 2022年).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return _CJK_GAP.sub("", value.strip())
    return value


Text = Annotated[str, BeforeValidator(_text), StringConstraints(min_length=1)]
"""Non-empty text; surrounding white space is dropped."""

OptText = Annotated[str, BeforeValidator(_text)]

_LETTER = re.compile(r"[^\W\d_]")
"""A letter of any script, Han characters included (not a digit, mark or punctuation)."""


def _name(value: Any) -> Any:
    """A name of a person or a school: text holding at least one letter or Han character.

    A number (``name: 12345``, an Excel cell formatted as a number) is refused, not printed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"名称应为文字，而不是数字“{value}”：请写出姓名或名称（含汉字或字母）")
    value = _text(value)
    if isinstance(value, str) and value and not _LETTER.search(value):
        raise ValueError(f"“{value}”不像名称：姓名和名称应含有汉字或字母")
    return value


Name = Annotated[str, BeforeValidator(_name), StringConstraints(min_length=1)]
"""The name of a person or a school: non-empty text with a letter or Han character in it."""

def _number(value: Any) -> Any:
    """A count or an amount, never YAML's true or false: pydantic reads true as 1 (and
    ``person_times: true`` was counted as 1 人次)."""
    if isinstance(value, bool):
        raise ValueError(f"应为数字，而不是“{str(value).lower()}”：请写出数目，如 6；不知道就不写这一项")
    return value


Int = Annotated[int, BeforeValidator(_number)]
"""An integer (a count, a number in a list, a year)."""

Number = Annotated[float, BeforeValidator(_number)]
"""A number that may have a fraction (days, points)."""

_SEPARATORS = {"，": "中文逗号“，”", "、": "顿号“、”", "；": "中文分号“；”"}


def _one_item(value: Any) -> Any:
    """One item of a list of names (a subject, a person): ``[音乐，体育]`` typed with a Chinese
    input method is one item to YAML, and was counted as one subject."""
    value = _text(value)
    if isinstance(value, str):
        mark = next((m for m in _SEPARATORS if m in value), None)
        if mark:
            parts = ", ".join(p.strip() for p in re.split("[，、；]", value) if p.strip())
            raise ValueError(f"“{value}”中有{_SEPARATORS[mark]}，整个会被当作一项：列表的各项请用英文逗号“,”分隔，"
                             f"写成 [{parts}]，或每项另起一行，以“- ”开头")
    return value


Item = Annotated[str, BeforeValidator(_one_item), StringConstraints(min_length=1)]
"""One item of a list of names, subjects or people: non-empty text without a Chinese comma,
顿号 or semicolon in it (which would make two items one)."""

DOC_NO_RE = re.compile(r"^[^〔〕\[\]【】()（）]+〔(\d{4})〕([1-9]\d*)号$")
DocNo = Annotated[str, BeforeValidator(_text), StringConstraints(pattern=DOC_NO_RE.pattern)]
"""A document number such as 宜教体字〔2022〕38号 (GB/T 9704 7.2.5)."""

ID_PATTERN = r'^[^\s/\\:*?"<>|.][^\s/\\:*?"<>|]*$'
"""A pairing identifier: a file name on every file system (no spaces, separators or reserved characters)."""
ID_RE = re.compile(ID_PATTERN)

Slug = Annotated[str, BeforeValidator(_text), StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Month = Annotated[str, BeforeValidator(_text), StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Path_ = Annotated[str, BeforeValidator(_text), StringConstraints(min_length=1)]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors.

    ``_origin`` is where the model was read from (``load.origins``): the file, the model's
    place in it and the line and column of every value, so that a document can say which
    line of which file each of its sentences comes from (``docgen explain``)."""

    model_config = ConfigDict(extra="forbid",
                              str_strip_whitespace=True, use_attribute_docstrings=True)
    _origin: Any = PrivateAttr(default=None)

    def __setattr__(self, name: str, value: Any) -> None:
        # a model read from a file shares its set of written fields (``SharedFields``): it
        # gets a set of its own before pydantic adds ``name`` to it
        if type(self.__pydantic_fields_set__) is SharedFields:
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)


class SharedFields(set):
    """The names of the fields a file wrote for a model (pydantic's ``__pydantic_fields_set__``),
    one set shared by every model with the same names (``shared_fields``): a set of its own
    for each of the 40 000 models of 1 000 pairings is 15 MB, the largest part of a loaded
    programme. Read-only: a model given a value gets a set of its own first (``Strict``);
    anything else that would change a shared set fails loudly instead of changing its
    neighbours'."""

    __slots__ = ()

    def _shared(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("SharedFields is shared by several models and cannot be changed")

    add = update = discard = remove = pop = clear = _shared
    intersection_update = difference_update = symmetric_difference_update = _shared
    __ior__ = __iand__ = __isub__ = __ixor__ = _shared  # type: ignore[assignment]  # (they raise)


_SHARED_FIELDS: dict[frozenset[str], SharedFields] = {}


def shared_fields(names: set[str]) -> SharedFields:
    """The one ``SharedFields`` holding ``names`` (as many as there are combinations of
    written fields in the data: 57 in the 1 000-pairing specimen)."""
    key = frozenset(names)
    shared = _SHARED_FIELDS.get(key)
    if shared is None:
        shared = _SHARED_FIELDS[key] = SharedFields(key)
    return shared


class Party(str, Enum):
    """Which side of a pairing does something."""

    supporter = "supporter"
    recipient = "recipient"
    both = "both"


class Period(str, Enum):
    """What a commitment is counted over."""

    week = "week"
    month = "month"
    quarter = "quarter"
    term = "term"
    school_year = "school_year"
    year = "year"
    """每年: a calendar year (January to December), not a school year."""
    cycle = "cycle"


class Layer(str, Enum):
    """The four layers of pairing inside a school pair (seed 004): who is paired with whom."""

    leaders = "leaders"
    managers = "managers"
    groups = "groups"
    teachers = "teachers"


class SupporterKind(str, Enum):
    """What a supporter is: a school, a team (组团式帮扶团队) or an institution (a university,
    a 教研室) — the wording, signers and seals of every document follow it."""

    school = "school"
    team = "team"
    institution = "institution"


class Activity(str, Enum):
    """Activity kinds of the glossary; the annual summary counts them."""

    lesson_delivery = "lesson_delivery"
    observation_visit = "observation_visit"
    management_guidance = "management_guidance"
    joint_research = "joint_research"
    lecture = "lecture"
    resource_support = "resource_support"
    donation = "donation"
    joint_meeting = "joint_meeting"
    mentor_exchange = "mentor_exchange"
    secondment = "secondment"
    placement = "placement"


ACTIVITY_NAMES = {
    Activity.lesson_delivery: "送课指导",
    Activity.observation_visit: "观摩学习",
    Activity.management_guidance: "管理指导",
    Activity.joint_research: "教研互动",
    Activity.lecture: "专题讲座",
    Activity.resource_support: "资源支持",
    Activity.donation: "爱心捐赠",
    Activity.joint_meeting: "联席会议",
    Activity.mentor_exchange: "师徒交流",
    Activity.secondment: "挂职跟岗",
    Activity.placement: "支教顶岗",
}

PARTY_NAMES = {Party.supporter: "支援学校", Party.recipient: "受援学校", Party.both: "结对双方"}
PERIOD_NAMES = {Period.week: "每周", Period.month: "每月", Period.quarter: "每季度", Period.term: "每学期",
                Period.school_year: "每学年", Period.year: "每年", Period.cycle: "在帮扶期内"}
LAYER_NAMES = {Layer.leaders: "校级领导", Layer.managers: "中层干部", Layer.groups: "学科教研组", Layer.teachers: "师徒"}
SUPPORTER_NAMES = {SupporterKind.school: "支援学校", SupporterKind.team: "帮扶团队", SupporterKind.institution: "支援单位"}


class Contact(Strict):
    """联系人、电话、邮箱."""

    name: Name
    phone: OptText = ""
    email: OptText = ""


class Person(Strict):
    """A named person with an optional post."""

    name: Name
    position: OptText = ""
    """职务, e.g. 校长、教务处主任"""
    phone: OptText = ""


class Teacher(Strict):
    """A teacher in a teacher pair or a placement."""

    name: Name
    subject: OptText = ""
    """任教学科"""
    title: OptText = ""
    """专业技术职称, e.g. 一级教师"""
    position: OptText = ""


class GroupMember(Strict):
    """One line of a leading group: 组长 / 副组长 / 成员."""

    role: Text
    name: Name
    position: OptText = ""
    phone: OptText = ""


class LeadingGroup(Strict):
    """领导小组: members and where its office sits."""

    name: OptText = ""
    """e.g. 结对帮扶工作领导小组 (defaults per document)"""
    members: list[GroupMember] = Field(min_length=1)
    office: OptText = ""
    """办公室设在哪里、谁任主任, one sentence"""
    duties: list[Text] = []


class Section(Strict):
    """A titled block of prose: a heading and its paragraphs."""

    title: Text
    paragraphs: list[Text] = []


class Terms(Strict):
    """What the programme calls the parties (its own words: 帮扶学校/被帮扶学校 in seed 001);
    every document names them so."""

    supporter: Text = "支援学校"
    """支援方（学校）的称呼, e.g. 帮扶学校；支援方是帮扶团队时称“帮扶团队”"""
    recipient: Text = "受援学校"
    """受援方的称呼, e.g. 被帮扶学校"""
    mentor: Text = "帮扶教师"
    """师傅的称呼, e.g. 帮扶教师、师傅"""
    mentee: Text = "受援教师"
    """徒弟的称呼, e.g. 被帮扶教师、徒弟"""


class Insert(str, Enum):
    """A part docgen writes from the structured data, placed where the plan's text puts it."""

    pair_list = "pair_list"
    """结对名单（表格）"""
    pair_count = "pair_count"
    """结对数量一句（共确定结对N对……）"""
    commitments = "commitments"
    """承诺事项（每项按 text 原文）"""
    measures = "measures"
    """帮扶措施：按方面分组、连续编号，写明责任单位和完成时限"""
    measures_table = "measures_table"
    """任务清单（表格）"""
    leading_group = "leading_group"
    """领导小组成员（表格）及办公室"""
    rubric = "rubric"
    """考核细则（表格）"""
    steps = "steps"
    """实施步骤（每步一个小标题，带日期）"""
    yearly_goals = "yearly_goals"
    """分年度目标及指标"""


def _block(value: Any) -> Any:
    """A paragraph may be written as a plain string."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"text": value}
    return value


class Block(Strict):
    """One part of a plan's text, in order: a paragraph (a plain string), a section (title
    and body), a numbered list (items) or a part docgen writes from the data (insert).

    A section's title or a list item that begins with its own number (一、 （一） 1. （1）)
    is printed as written; otherwise docgen numbers it by its level."""

    text: OptText = ""
    """段落文字（可直接写成一个字符串）"""
    title: OptText = ""
    """小标题（与 body 一起构成一节）"""
    body: list[Annotated[Block, BeforeValidator(_block, json_schema_input_type=str | Block)]] = []
    """本节的段落、小节、列表，按顺序"""
    items: list[Annotated[Block, BeforeValidator(_block, json_schema_input_type=str | Block)]] = []
    """编号列表的各项（每项一段，也可再含小节）"""
    blank: OptText = ""
    """待填写的栏目, e.g. 阶段性目标：文书中印出“阶段性目标：”和留待手写的空白，报送材料列为待填写"""
    key: Slug | None = None
    """待填写栏目的标识, e.g. stage_goals：协议书条款和结对实施方案中的栏目，各结对在结对文件的
    blanks 下按这个标识填写（不写则用栏目名称）；改动栏目名称时标识不变，已填写的内容仍然有效"""
    insert: Insert | None = None
    """在此处插入 docgen 按数据写出的部分：pair_list、pair_count、commitments、measures、measures_table、
    leading_group、rubric、steps、yearly_goals"""
    ids: list[Text] = []
    """insert 为 commitments 时只插入这些标识的承诺事项；不写则全部"""
    run_in: bool = False
    """小标题与本节第一段连排（如“（一）组织领导。成立……”）"""
    numbered: bool = True
    """标题或列表项不带编号时由 docgen 编号；false 则不编号"""

    @property
    def fill_key(self) -> str:
        """What a pairing file writes under ``blanks`` to fill this blank: its key, or its label."""
        return self.key or self.blank

    @property
    def kind(self) -> str:
        if self.blank:
            return "blank"
        return "insert" if self.insert else "section" if self.title else "list" if self.items else "text"

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        kinds = [k for k, v in (("text", self.text), ("title", self.title), ("items", self.items),
                                ("insert", self.insert), ("blank", self.blank)) if v]
        if not kinds:
            raise ValueError("应写段落文字，或 title（小节）、items（列表）、insert（插入部分）、blank（待填写栏目）之一")
        if len(kinds) > 1:
            raise ValueError(f"一项只能是段落、小节、列表、插入部分或待填写栏目之一，这里同时写了 {'、'.join(kinds)}"
                             "（小节的段落请写在小节正文 body 下）")
        if self.body and not self.title:
            raise ValueError("小节正文（body）只能用于小节：请同时写小节标题（title）")
        if self.key and not self.blank:
            raise ValueError("key（待填写栏目的标识）只能与待填写栏目（blank）一起写")
        return self


Blocks = list[Annotated[Block, BeforeValidator(_block, json_schema_input_type=str | Block)]]
"""A plan's text: paragraphs, sections, lists and inserts, in order."""


def blanks_in(blocks: list[Block]) -> list[Block]:
    """The blanks of a text, in order, inside its sections and lists too."""
    out: list[Block] = []
    for block in blocks:
        if block.blank:
            out.append(block)
        out += blanks_in(block.body) + blanks_in(block.items)
    return out
