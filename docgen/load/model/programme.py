"""The bureau's programme file: data/<programme>/programme.yaml."""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from .common import (
    Activity,
    Block,
    Blocks,
    Contact,
    DocNo,
    Int,
    Layer,
    LeadingGroup,
    Name,
    Number,
    OptText,
    Party,
    Path_,
    Period,
    Section,
    Slug,
    Strict,
    Terms,
    Text,
    _number,
    blanks_in,
)

COMPARATORS = {"≥": "≥", ">=": "≥", "不少于": "≥", "不低于": "≥", "以上": "≥", "达到": "≥",
               ">": ">", "超过": ">", "多于": ">", "高于": ">",
               "≤": "≤", "<=": "≤", "不超过": "≤", "不高于": "≤", "<": "<", "低于": "<", "少于": "<",
               "=": "", "": ""}
"""How a target is compared, in the words people write it, to the sign the documents print."""


def _comparator(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().replace("＞", ">").replace("＜", "<").replace("＝", "=")
        if value in COMPARATORS:
            return COMPARATORS[value]
        raise ValueError(f"比较方式应为 ≥、>、≤、< 之一（也可写 不少于、超过、不超过、低于），而不是“{value}”")
    return value


Comparator = Annotated[str, BeforeValidator(_comparator)]


def _paragraphs(value: Any) -> Any:
    """One paragraph may be written as a plain string, several as a list."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value
from .cycle import Cycle


class Bureau(Strict):
    """发文机关: the education bureau that runs the programme."""

    name: Name
    """全称, e.g. 宜春市教育体育局"""
    short_name: OptText = ""
    """规范化简称, e.g. 宜春市教体局；文书中第一次提到时用全称，此后用简称"""
    doc_code: OptText = ""
    """发文字号中的机关代字, e.g. 宜教体字；写了就会检查通知文号是否以它开头"""
    issuer_mark: OptText = ""
    """发文机关标志（红头）, 默认为全称加“文件”"""
    office: OptText = ""
    """承办科室, e.g. 基础教育科"""
    contact: Contact | None = None
    seal: Path_ | None = None
    """公章图片（透明 PNG），相对于方案目录"""

    @property
    def mark(self) -> str:
        return self.issuer_mark or f"{self.name}文件"


class PolicyDoc(Strict):
    """A document the programme is based on (政策依据)."""

    title: Text
    """文件标题，不带书名号"""
    issuer: OptText = ""
    doc_no: DocNo | None = None


class Indicator(Strict):
    """A measurable target inside a yearly goal: 罗山中学 市级精品课 8 节, 上线率 ≥ 80%."""

    name: Text
    """指标, e.g. 市级精品课、骨干教师及学科带头人比例"""
    comparator: Comparator = ""
    """比较方式：≥ > ≤ <（也可写 不少于、超过、不超过、低于）；不写表示达到该数"""
    target: Annotated[float | int, BeforeValidator(_number)]
    unit: OptText = ""
    """单位, e.g. 名、节、%、人次"""
    school: OptText = ""
    """指标所属学校, e.g. 罗山中学；不写表示面向全部受援学校"""
    activity: Activity | None = None
    """由哪类活动记录计数（年度总结据此对照完成情况）；不写则只列出不计数"""
    tag: OptText = ""
    """只计 tag 相同的活动记录"""
    metric: Annotated[str, Field(pattern=r"^(times|person_times|people|subjects|days)$")] = "times"
    """按什么计数：times 次数、person_times 人次、people 人数、subjects 学科数、days 天数"""
    text: OptText = ""
    """方案原文的说法, e.g. 学生高职分类招考上线率达80%以上；写了就照此印出（数字须与 target 一致），
    不写则印作“学校+指标+比较词+数值+单位”（比较符号不进正文）"""


class YearGoal(Strict):
    """阶段目标 for one year."""

    year: Int = Field(ge=2000, le=2100)
    """目标年份, e.g. 2023"""
    text: Text
    indicators: list[Indicator] = []


class Goals(Strict):
    """工作目标: overall and per year."""

    overall: OptText = ""
    """总目标；只有分年度目标时可不写"""
    yearly: list[YearGoal] = []


class Commitment(Strict):
    """A quantified duty, e.g. 支援学校每学期送课不少于3个学科、5人次."""

    id: Slug
    """标识, 供考核引用, e.g. lesson_delivery"""
    activity: Activity
    by: Party
    """承担方: supporter / recipient / both"""
    per: Period | None = None
    """计数周期：week 每周、month 每月、quarter 每季度、term 每学期、school_year 每学年、year 每年（自然年，
    1月至12月）、cycle 在帮扶期内。方案没有写周期的（如“定期”）不写：这项只列出、不计数，也不算未完成"""
    exact: bool = False
    """下面的次数、人数等是方案写的确数（“每周1次”“1次”），不是下限（“不少于1次”“至少1次”）：
    达到这个数即完成，文书和总结中不写“不少于”“≥”"""
    what: Text
    """事项的中文说明, e.g. 为受援学校送课指导"""
    times: Int | None = Field(default=None, ge=1)
    """次数不少于"""
    subjects: Int | None = Field(default=None, ge=1)
    """学科数不少于"""
    person_times: Int | None = Field(default=None, ge=1)
    """人次不少于"""
    people: Int | None = Field(default=None, ge=1)
    """人数不少于"""
    days: Number | None = Field(default=None, gt=0)
    """累计天数不少于"""
    tenure_years: Int | None = Field(default=None, ge=1)
    """每人连续时长（学年）不少于"""
    report_within_days: Int | None = Field(default=None, ge=1)
    """活动结束后几日内报备；不写则用方案的统一时限"""
    tag: OptText = ""
    """只计 tag 相同的活动记录，如观摩学习分“干部”“教师”两项承诺"""
    layer: Layer | None = None
    """属于哪一层结对：leaders 校级领导、managers 中层干部、groups 学科教研组、teachers 师徒；
    写了就列入该层每一份责任书，并按每一对分别计数"""
    text: OptText = ""
    """这项职责在方案中的原话, e.g. 支援学校每学期为受援学校送课指导不少于3个学科、5人次。
    文书只印这句话（上面的字段只用于计数）；其中的数字和周期须与字段一致。不写则这项只计数、不写进文书"""


class ScoreRule(str, Enum):
    """How a rubric item is scored from the records, as the programme states it."""

    all_or_nothing = "all_or_nothing"
    """每个计分期内，本项的承诺全部完成得该期分值，否则不得分"""
    proportional = "proportional"
    """每个计分期内，按本项各承诺的完成比例（完成数÷要求数，最多为1）的平均值给分，保留一位小数"""
    any_record = "any_record"
    """每个计分期内，有一次计入考核的本类活动即得该期分值"""


class RubricItem(Strict):
    """One line of the assessment rubric (考核细则)."""

    no: Int = Field(ge=1)
    category: Text
    """项目, e.g. 组织管理"""
    title: Text
    """考核评估要素, e.g. 计划总结"""
    points: Number = Field(gt=0)
    criteria: Text
    """考核评估细则"""
    evidence: list[Text] = []
    """所需查阅资料"""
    due: OptText = ""
    """上报时间"""
    bonus: bool = False
    """加分项（不计入基本分）"""
    activity: Activity | None = None
    """本项对照哪类活动记录（总结和汇总表中列出这类活动的次数）"""
    per_term: bool = False
    """分值按学期均摊（方案写明“分学期计分”时）"""
    commitments: list[Slug] = []
    """本项考核的承诺事项标识（总结和汇总表中列出它们的完成情况）"""
    rule: ScoreRule | None = None
    """方案写明的自动计分办法：all_or_nothing 本项承诺在计分期内全部完成得满分、否则不得分；
    proportional 按完成比例得分；any_record 计分期内有一次计入考核的活动即得分。
    不写则由教育局（或方案指定的人）评定：汇总表和总结中显示“待评”，只列出完成情况，不替人打分"""


class Band(Strict):
    """等次: a name and the lowest score that reaches it."""

    name: Text
    min: Number = Field(ge=0)


class Rubric(Strict):
    """考核细则."""

    title: OptText = ""
    total: Number = Field(default=100, gt=0)
    """基本分满分（不含加分项）"""
    items: list[RubricItem] = Field(min_length=1)
    note: OptText = ""
    bands: list[Band] = []
    """等次及各等次的最低分（方案写明时才写）；不写则不评等次"""
    self_assessment: bool = False
    """方案要求学校在年度工作总结中按考核细则自评：总结加“考核自评”一节；不写则总结只列完成情况，考核由教育局进行"""

    @property
    def base_points(self) -> float:
        return sum(i.points for i in self.items if not i.bonus)

    @property
    def bonus_points(self) -> float:
        return sum(i.points for i in self.items if i.bonus)


class Measure(Strict):
    """A task of the programme with its responsible units and deadline (seed 003)."""

    area: OptText = ""
    """所属方面, e.g. 政策支持"""
    text: Text
    units: list[Text] = Field(min_length=1)
    """责任单位"""
    deadline: OptText = ""
    """完成时限, e.g. 2023年12月底前"""


class Assessment(Strict):
    """考核激励: how the programme is assessed, and the baseline it is measured against."""

    text: Text
    baseline: OptText = ""
    """考核基准, e.g. 以2022年受援学校综合考评分为基准分"""


class Step(Strict):
    """实施步骤: a stage with its dates."""

    title: Text
    start: dt.date | None = None
    end: dt.date | None = None
    text: OptText = ""


class AttachmentContent(str, Enum):
    """What an attachment shows."""

    pair_list = "pair_list"
    leading_group = "leading_group"
    rubric = "rubric"
    monthly_plan_form = "monthly_plan_form"
    measures = "measures"
    text = "text"


class FormRow(Strict):
    """A row a form attachment prints filled in (seed 001's 计划表: 三月 年度帮扶特色目标任务 …)."""

    month: OptText = ""
    """月份栏, e.g. 三月"""
    content: OptText = ""
    """内容栏"""
    work: OptText = ""
    """开展的具体工作栏"""
    owner: OptText = ""
    deadline: OptText = ""


class Attachment(Strict):
    """附件 of a notice or plan."""

    title: Text
    content: AttachmentContent
    paragraphs: list[Text] = []
    """content 为 text 时的正文段落；为 monthly_plan_form 时的备注"""
    rows: list[FormRow] = []
    """content 为 monthly_plan_form 时表中预先填好的行（方案原表中的），其余各月留空"""


class Notice(Strict):
    """A notice (通知) the bureau issues for this programme."""

    id: Slug
    doc_no: DocNo
    """发文字号, e.g. 宜教体字〔2022〕38号"""
    date: dt.date | None = None
    """成文日期；不写则文中留出“　　年　　月　　日”待填，报送材料列为待填写"""
    title: Text
    """标题, e.g. 关于印发《……》的通知"""
    addressees: list[Text] = Field(min_length=1)
    """主送机关"""
    body: list[Text] = Field(min_length=1)
    """正文段落"""
    template: Slug = "notice"
    """使用的模板（templates/<template>.docx），默认 notice"""
    issues_plan: bool = False
    """印发方案：正文后附上方案全文"""
    attachments: list[Attachment] = []
    deadline: dt.date | None = None
    """报送截止日期"""
    contact: Contact | None = None
    """联系人；不写则用发文机关的联系人"""
    remark: OptText = ""
    """附注, e.g. 此件主动公开（括号会自动加上）"""
    cc: list[Text] = []
    """抄送机关"""
    printed_by: OptText = ""
    """版记中的印发机关, e.g. 宜春市教育体育局办公室；不写则留空待填"""
    printed_on: dt.date | None = None
    """印发日期；不写则留出日期待填"""
    per_county: bool = False
    """按县市区分别发文（每个县市区一份，附件只列本地结对）"""
    signer: OptText = ""
    """发文机关署名；默认为发文机关全称"""


class DocumentKind(str, Enum):
    """The documents a programme asks each pairing for."""

    pairing_plan = "pairing_plan"
    agreement = "agreement"
    leader_letter = "leader_letter"
    management_letter = "management_letter"
    group_letter = "group_letter"
    teacher_letter = "teacher_letter"
    summary = "summary"


class AgreementTerms(Strict):
    """What the programme says every agreement between a supporter and a recipient holds."""

    confirmed_by_bureaus: bool = False
    """协议须经双方主管教育行政部门确认与备案：协议书加确认栏，份数含报备的份数"""
    clauses: Blocks = []
    """每份协议书都写的条款（方案对协议的要求，用方案的话），按顺序；不写则没有"""


class PlanTerms(Strict):
    """What the programme says every pairing's own plan holds."""

    clauses: Blocks = []
    """每个结对的实施方案都写的内容（方案的原话，可含待填写的栏目 blank），印在结对实施方案的最后；不写则没有"""


class LayerTerms(Strict):
    """What the programme says of one layer of pairing (seed 004's 四层联动)."""

    name: OptText = ""
    """这一层在方案中的名称, e.g. 骨干教师结对带教"""
    letter_title: OptText = ""
    """这一层每对签的文书的名称, e.g. 师徒带教协议；不写则用“××结对帮扶责任书”"""
    text: Blocks = []
    """方案对这一层的说明（印入这一层的文书）"""
    assessment: OptText = ""
    """这一层的考核办法（原话）；不写则文书中没有考核条款"""


class Programme(Strict):
    """The bureau's pairing-assistance programme (one per folder)."""

    title: Text
    """方案标题, e.g. 宜春市县域普通高中结对帮扶工作方案"""
    bureau: Bureau
    issuer: OptText = ""
    """方案的制定或印发机关（结对文书的依据句写作“根据××《方案》”）；由通知印发时为通知的发文机关；
    方案没有写明的不写，依据句就只写方案名称"""
    terms: Terms = Terms()
    """方案对各方的称呼, e.g. supporter: 帮扶学校、recipient: 被帮扶学校"""
    body: Blocks = []
    """方案全文（按方案原有的章节、编号和顺序）：段落、小节、列表，以及插入 docgen 按数据写出的部分
    （insert: pair_list、commitments、measures……）。写了 body，教育局实施方案和印发它的通知就按 body 印出全文；
    不写则按下面各字段组成"""
    documents: list[DocumentKind] | None = None
    """方案要求每个结对形成的文书：pairing_plan、agreement、leader_letter、management_letter、group_letter、
    teacher_letter、summary；不写则按数据生成全部"""
    agreement: AgreementTerms | None = None
    """方案对协议书的要求"""
    pairing_plan: PlanTerms | None = None
    """方案对各结对实施方案（帮扶方案、发展规划）的要求"""
    titles: dict[DocumentKind, Text] = {}
    """结对文书在本方案中的名称, e.g. pairing_plan: 帮扶方案、teacher_letter: 师徒带教协议；
    结对实施方案和协议书的标题为“学校名称+名称”"""
    cycle_in_documents: bool = True
    """方案写明了帮扶周期；false 表示方案没有写明（cycle 只用于年度计数），文书中不写帮扶期限"""
    layers: dict[Layer, LayerTerms] = {}
    """各层结对的名称、文书名称、说明和考核办法（leaders、managers、groups、teachers）"""
    cycle: Cycle
    stage: OptText = ""
    """学段, e.g. 普通高中"""
    preamble: OptText = ""
    """开头段（目的和依据）；不写则由政策依据（policy_basis）生成，两者都没有则不印开头段"""
    policy_basis: list[PolicyDoc] = []
    """政策依据：方案依据的上级文件"""
    guiding_idea: list[Text] = []
    """指导思想"""
    goals: Goals | None = None
    principles: Annotated[list[Text], BeforeValidator(_paragraphs),
                          WithJsonSchema({"anyOf": [{"type": "string"},
                                                    {"type": "array", "items": {"type": "string", "minLength": 1}}]})] = []
    """结对原则与形式：一段文字，或每条原则一段"""
    arrangement: list[Text] = []
    """结对安排的说明（如何遴选、如何确定结对关系）；结对数、周期和名单由 docgen 据数据写出"""
    content_areas: list[Section] = []
    """帮扶内容"""
    commitments: list[Commitment] = []
    report_within_days: Int | None = Field(default=None, ge=1)
    """活动报备时限（天）"""
    count_late_records: bool = False
    """迟报或未报备的活动是否计入完成数（高台细则：未及时上报的视为没有开展，不计入）"""
    count_pending_evidence: bool = False
    """证明材料只写了文字说明（如“照片3张”）、文件待补的活动是否计入完成数；不写则补齐文件后才计入"""
    steps: list[Step] = []
    safeguards: list[Section] = []
    """保障措施 / 工作要求"""
    safeguards_title: OptText = "保障措施"
    """保障部分的标题, e.g. 工作要求"""
    assessment: Assessment | None = None
    """考核激励"""
    expected_outcomes: list[Text] = []
    """预期成效"""
    measures: list[Measure] = []
    leading_group: LeadingGroup | None = None
    rubric: Rubric | None = None
    attachments: list[Attachment] = []
    """方案的附件（方案不随通知印发时）；写 [] 表示没有附件；不写则附上有数据的结对名单、领导小组名单、任务清单和考核细则"""
    notices: list[Notice] = []
    county_bureaus: dict[str, Text] = {}
    """县市区 → 该地教育行政部门全称，用于协议书的主管部门确认"""
    seals: dict[str, Path_] = {}
    """其他单位的公章图片：单位全称 → 图片路径"""

    def wants(self, kind: str) -> bool:
        """Whether the programme asks its pairings for documents of ``kind`` (a kind it cannot
        name, one declared after it was written, is not held back)."""
        known = {d.value for d in DocumentKind}
        return self.documents is None or kind not in known or kind in {d.value for d in self.documents}

    @property
    def pairing_blanks(self) -> list[Block]:
        """The blanks of the programme's text that each pairing fills for itself (``Pairing.blanks``):
        those of the agreement's clauses and of the pairing plans' clauses."""
        return blanks_in(self.agreement.clauses if self.agreement else []) + \
            blanks_in(self.pairing_plan.clauses if self.pairing_plan else [])

    @property
    def issuing_notice(self) -> Notice | None:
        """The notice that issues this plan (印发), if there is one."""
        return next((n for n in self.notices if n.issues_plan), None)
