"""Forms generated from the data models' JSON Schema, and what a submitted form means.

The form of a pairing (or of an activity record) is the model's ``model_json_schema()``
walked field by field: text, dates, numbers, choices, yes/no, nested objects and lists of
objects (added and removed in place). The help under each field is the schema's
description (the models' Chinese field docs), so a field added to a model appears in the
form with its help, no page changed. Labels are the glossary's words where this module
knows the field, else the description's first phrase.

A submitted form comes back as flat names (``teacher_pairs.3.mentor.name``); ``unflatten``
turns it into the nested data the YAML file holds, typed as the schema says (a date as a
date, a number as a number), blanks dropped. Validation is not done here: the same loader
and checks as ``docgen validate`` do it, and ``place_errors`` puts each problem next to its
field.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, SourceError
from ..load.model.common import ACTIVITY_NAMES, LAYER_NAMES, PARTY_NAMES, PERIOD_NAMES
from ..load.yaml_source import parse

LABELS = {
    "records": "活动记录", "scores": "人工评分", "item": "考核细则序号", "points": "分数",
    "id": "结对标识", "no": "序号", "county": "县市区", "remark": "备注", "supporter": "支援学校",
    "recipients": "受援学校", "cycle": "本结对的起止日期", "signed_on": "协议签订日期", "confirmed_on": "主管部门确认日期",
    "key_target": "年度重点帮扶目标", "goals": "帮扶目标", "leader_pairs": "校级领导结对",
    "middle_manager_pairs": "中层干部结对", "group_pairs": "学科教研组结对", "teacher_pairs": "师徒结对",
    "secondments": "挂职跟岗", "placements": "支教顶岗", "monthly_plan": "月度计划", "summaries": "年度总结文字",
    "name": "名称", "kind": "类别", "short_name": "简称", "bureau": "主管教育行政部门", "stage": "学段",
    "campuses": "校区说明", "lead": "负责人", "leading_group": "领导小组", "seal": "公章图片",
    "position": "职务", "phone": "电话", "email": "邮箱", "subject": "学科", "title": "职称", "mentor": "师傅（帮扶教师）",
    "mentee": "徒弟（受援教师）", "recipient_school": "对应的受援学校", "focus": "帮扶重点",
    "supporter_group": "支援方教研组", "recipient_group": "受援方教研组", "supporter_lead": "支援方教研组长",
    "recipient_lead": "受援方教研组长", "recipient": "受援方", "person": "人员", "sent_by": "派出方", "post": "职务或岗位",
    "teacher": "教师", "start": "开始日期", "end": "结束日期", "years": "年数", "agreed_by_pairs": "起止时间由结对双方商定",
    "month": "月份", "items": "事项", "content": "内容", "activity": "活动类型", "work": "具体工作", "owner": "责任人",
    "deadline": "完成时限", "year": "年度", "overview": "概述", "achievements": "主要做法与成效", "problems": "存在问题",
    "next_steps": "下一步打算", "date": "日期", "members": "成员", "office": "办公室", "duties": "职责", "role": "职位",
    "type": "活动类型", "tag": "细分", "by": "组织方", "school": "受援学校", "subjects": "学科", "people": "参与人员",
    "person_times": "人次", "days": "天数", "description": "活动内容", "evidence": "证明材料", "filed_on": "报备日期",
    "paragraphs": "段落", "blanks": "方案留给本结对填写的栏目",
    # the programme file's (方案信息), by model where a key means something else elsewhere
    "Programme.title": "方案标题", "Programme.commitments": "承诺事项", "Programme.steps": "实施步骤",
    "Programme.measures": "具体措施", "Programme.rubric": "考核细则", "Programme.notices": "通知",
    "Programme.layers": "各层结对", "Programme.attachments": "附件", "Programme.documents": "每个结对形成的文书",
    "contact": "联系人", "confirmed_by_bureaus": "协议书由主管部门确认", "issuer": "发文机关", "doc_no": "文号",
    "yearly": "各年度目标", "text": "原文", "indicators": "指标", "target": "目标值", "note": "说明", "min": "最低分",
    "self_assessment": "先由学校自评", "rows": "表中预先填好的行", "leaders": "校级领导结对", "managers": "中层干部结对",
    "groups": "学科教研组结对", "teachers": "师徒结对", "PolicyDoc.title": "文件名称", "Attachment.title": "附件标题",
    "Rubric.title": "标题", "Notice.title": "通知标题", "Step.title": "步骤名称", "YearGoal.text": "年度目标",
    "Notice.attachments": "通知的附件", "template": "使用的模板", "area": "方面", "units": "责任单位",
}
"""Chinese labels of the fields a clerk meets (GLOSSARY.md's words); a field not here is
labelled by the first phrase of its description."""

PERSON_MODELS = {"Person", "GroupMember", "Teacher"}
"""Models of a person: their ``name`` is a 姓名."""

HELP = {
    "School.kind": "学校（默认）、帮扶团队（组团式）或单位（高校、教研室等）；各文书的称呼、署名和盖章随之而定",
    "School.bureau": "主管教育行政部门全称；不写则按方案中该县市区的主管部门，再不行用发文机关",
    "LeadingGroup.name": "例如 结对帮扶工作领导小组；不写则各文书用各自的称呼",
    "LeadingGroup.office": "办公室设在哪里、谁任主任，写成一句话",
    "Cycle.basis": "按什么划分年度：学年（9月至次年8月），或自然年度（1月至12月，如“2020年度”的方案）；"
                   "不写则按起始日期：7月至12月起为学年，1月至6月起为自然年度",
    "Cycle.agreed_by_pairs": "具体起止时间由结对双方商定、在协议中注明（方案只定年限和最早开始日期）；各结对可填写自己的起止日期",
    "blanks": "方案的协议书条款和结对实施方案中留给各结对填写的栏目；填写后印在栏目处，不再列为待填写",
    "type": "活动类型，如送课指导、师徒交流",
    "tag": "细分，如观摩学习的“干部”或“教师”；承诺事项写明细分时，只计同一细分的记录",
    "Record.remark": "自由填写的说明（如补记的原因），只供查看，不写入生成的文书",
    "Bureau.seal": "教育局公章图片（透明背景的 PNG 图片），放在方案文件夹中",
    "terms": "方案对支援学校、受援学校、师傅、徒弟的称呼，例如 帮扶学校、被帮扶学校；不写则用通用称呼",
    "documents": "方案要求每个结对形成的文书；都不勾选则按数据生成全部",
    "titles": "结对文书在本方案中的名称，例如 结对实施方案称“帮扶方案”；结对实施方案和协议书的标题为“学校名称+名称”",
    "cycle_in_documents": "方案写明了帮扶周期；不勾选表示方案没有写明（周期只用于年度计数），文书中不写帮扶期限",
    "layers": "各层结对（校级领导、中层干部、学科教研组、师徒）的名称、文书名称、说明和考核办法",
    "preamble": "开头段（目的和依据）；不写则由政策依据生成，两者都没有则不印开头段",
    "metric": "按什么计数：次数、人次、人数、学科数或天数",
    "Indicator.text": "方案原文的说法，例如 学生高职分类招考上线率达80%以上；写了就照此印出（数字须与目标值一致），"
                      "不写则印作“学校+指标+比较词+数值+单位”",
    "arrangement": "结对安排的说明（如何遴选、如何确定结对关系）；结对数、周期和名单由程序据数据写出",
    "Commitment.id": "承诺事项的标识，供考核细则引用",
    "Commitment.by": "承担方：支援学校、受援学校或双方",
    "Commitment.per": "计数周期：每周、每月、每季度、每学期、每学年、每年（自然年，1月至12月）或在帮扶期内；"
                      "方案没有写周期的（如“定期”）不选：这项只列出、不计数，也不算未完成",
    "Commitment.layer": "属于哪一层结对（校级领导、中层干部、学科教研组、师徒）；选了就列入该层每一份责任书，并按每一对分别计数",
    "RubricItem.rule": "方案写明的自动计分办法；不选则由教育局（或方案指定的人）评定：汇总表和总结中显示“待评”，只列出完成情况，不替人打分",
    "Attachment.paragraphs": "附件内容为“文字”时的正文段落；为“月度工作计划表”时的备注",
    "Attachment.rows": "附件内容为“月度工作计划表”时，表中预先填好的行（方案原表中的），其余各月留空",
    "Notice.template": "使用的通知模板，默认即可",
    "PlanTerms.clauses": "每个结对的实施方案都写的内容（方案的原话，可含留给各结对填写的栏目），印在结对实施方案的最后；不写则没有",
}
"""What the form says under a field where the data's own description (written for the YAML
file, naming its keys and values) would put English before a clerk: by model and key
(``School.kind``), or by key alone."""

CHOICES: dict[str, dict[str, str]] = {
    "Activity": {k.value: v for k, v in ACTIVITY_NAMES.items()},
    "Party": {k.value: v for k, v in PARTY_NAMES.items()},
    "Period": {k.value: v for k, v in PERIOD_NAMES.items()},
    "Layer": {k.value: v for k, v in LAYER_NAMES.items()},
    "SupporterKind": {"school": "学校", "team": "帮扶团队（组团式）", "institution": "单位（高校、教研室等）"},
    "YearBasis": {"school": "学年（9月至次年8月）", "calendar": "自然年度（1月至12月）"},
    "DocumentKind": {"pairing_plan": "结对实施方案", "agreement": "协议书", "leader_letter": "校级领导结对责任书",
                     "management_letter": "学校管理帮扶责任书", "group_letter": "学科教研组结对责任书",
                     "teacher_letter": "师徒结对责任书", "summary": "年度总结"},
    "ScoreRule": {"all_or_nothing": "全部完成得满分，否则不得分", "proportional": "按完成比例得分",
                  "any_record": "有一次计入考核的活动即得分"},
    "AttachmentContent": {"pair_list": "结对学校安排表", "leading_group": "领导小组名单", "rubric": "考核细则",
                          "monthly_plan_form": "月度工作计划表", "measures": "具体措施", "text": "文字"},
    "PlacementKind": {"teaching": "支教（到受援学校任教）", "training": "跟岗、顶岗学习（到支援学校学习）"},
}
"""Chinese names of enumerated values, by the enum's name in the schema."""


@dataclass
class Field:
    """One field of a form, ready to draw: a leaf input, an object (``children``) or a list
    of objects (``items``, and a blank ``template`` to add one)."""

    name: str
    """Flat form name, e.g. ``teacher_pairs.0.mentor.name``."""
    key: str
    label: str
    help: str
    widget: str
    """text, textarea, lines, date, month, integer, number, select, checkbox, choices (ticked
    values of a list), object, list, or kept
    (a value the form cannot edit — text with sections or lists — carried through unchanged)"""
    required: bool = False
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    items: list[Field] = field(default_factory=list)
    template: Field | None = None
    errors: list[str] = field(default_factory=list)
    origin: int | None = None
    """For an item of a list: its index in the file when the form was drawn (comments stay with it)."""

    @property
    def text(self) -> str:
        """The value as an input shows it."""
        if self.value is None:
            return ""
        if self.widget == "kept":
            return KEPT + json.dumps(self.value, ensure_ascii=False)
        if self.widget in ("lines", "textarea") and isinstance(self.value, list):
            return "\n".join(str(v) for v in self.value) if isinstance(self.value, list) else str(self.value)
        if isinstance(self.value, dt.date):
            return self.value.isoformat()
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)

    def walk(self):
        yield self
        for child in self.children + self.items:
            yield from child.walk()

    def choose(self, offered: list[tuple[str, str]]) -> None:
        """Drawn as a choice of ``offered`` (value, label) instead of typed; what the file says
        already stays among the choices, whatever it is."""
        current = str(self.value or "")
        self.widget = "select"
        self.options = [*offered, *([(current, current)] if current and current not in dict(offered) else [])]


LONG_TEXT = {"description", "overview", "focus", "work", "office", "key_target", "remark", "content"}
"""Text fields drawn as a box of several lines."""


class Schema:
    """A JSON Schema with its ``$defs``, walked into ``Field``s."""

    def __init__(self, schema: dict, root: str = ""):
        self.schema = schema
        self.root = root
        """The model the schema is of (``Programme``): its own fields' labels and help are
        looked up as that model's (``Programme.title``), as a nested model's are by its name."""
        self.defs = schema.get("$defs", {})
        self.marked = False
        """Drawing a submitted form again: list items say where they came from (``ORIGIN``)."""
        self.slots: dict[str, dict[str, str]] = {}
        """For a field that maps keys to text (``blanks``): the keys to offer even when the file
        has none yet, with their labels (the blanks the programme leaves to each pairing)."""

    def resolve(self, node: dict) -> tuple[dict, str]:
        """The node behind a ``$ref`` (and its name), else the node itself."""
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            return self.defs[name], name
        return node, ""

    def unwrap(self, node: dict) -> tuple[dict, str, bool]:
        """(schema, enum name, optional) of a field: ``X | None`` is X, optional."""
        optional = False
        if "anyOf" in node:
            real = [n for n in node["anyOf"] if n.get("type") != "null"]
            optional = len(real) < len(node["anyOf"])
            node = {**real[0], **{k: v for k, v in node.items() if k not in ("anyOf",)}} if real else node
        if "allOf" in node and len(node["allOf"]) == 1:
            node = {**node["allOf"][0], **{k: v for k, v in node.items() if k != "allOf"}}
        target, name = self.resolve(node)
        if target is not node:
            target = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return target, name, optional

    def fields(self, node: dict, prefix: str, data: Any) -> list[Field]:
        node, _ = self.resolve(node)
        required = set(node.get("required", []))
        data = data if isinstance(data, dict) else {}
        model = self.root if node is self.schema and self.root else node.get("title", "")
        return [self.field(key, sub, f"{prefix}{key}", data.get(key), key in required, model)
                for key, sub in node.get("properties", {}).items()]

    def field(self, key: str, node: dict, name: str, value: Any, required: bool, model: str = "") -> Field:
        """The form's field for ``key`` of a ``model`` (the schema's name of the object it is in)."""
        description = node.get("description", "")
        target, enum_name, optional = self.unwrap(node)
        description = description or target.get("description", "")
        label = ("姓名" if key == "name" and model in PERSON_MODELS else LABELS.get(f"{model}.{key}") or LABELS.get(key)) \
            or _first_phrase(description) or key
        shown = HELP.get(f"{model}.{key}") or HELP.get(key) or description.replace(", e.g. ", "，例如 ").replace("e.g. ", "例如 ")
        out = Field(name, key, label, shown, "text", required=required and not optional, value=value)
        kind = target.get("type")
        if "enum" in target:
            out.widget = "select"
            names = CHOICES.get(enum_name, {})
            out.options = [(v, names.get(v, v)) for v in target["enum"]]
        elif _is_map(target):
            out.widget = "object"
            out.children = self.slot_fields(name, value)
        elif kind == "object" or "properties" in target:
            out.widget = "object"
            out.children = self.fields(target, f"{name}.", value)
        elif kind == "array":
            item, item_enum, _ = self.unwrap(target.get("items", {}))
            if "enum" in item and (value is None or isinstance(value, list)):
                out.widget = "choices"  # several of a list of values (the documents a programme asks for): ticked
                names = CHOICES.get(item_enum, {})
                out.options = [(v, names.get(v, v)) for v in item["enum"]]
            elif item.get("type") == "object" or "properties" in item:
                out.widget = "list"
                values = value if isinstance(value, list) else []
                out.items = [self.item(target["items"], f"{name}.{i}", v, self._origin(v, i)) for i, v in enumerate(values)]
                out.template = self.item(target["items"], f"{name}.__i__", {}, None)
            elif isinstance(value, list) and not all(isinstance(v, (str, int, float)) for v in value):
                out.widget = "kept"  # paragraphs with sections or lists in them (Blocks): carried through unchanged
                out.help = "内容含小节或列表，请直接在数据文件中修改"
            else:
                out.widget = "lines"
        elif kind == "boolean":
            out.widget = "checkbox"
            if value is None:  # not written: the box shows what it means (ticked where true is the default)
                out.value = target.get("default") is True
        elif kind == "integer":
            out.widget = "integer"
        elif kind == "number":
            out.widget = "number"
        elif target.get("format") == "date":
            out.widget = "date"
        elif target.get("pattern", "").startswith("^\\d{4}-(0[1-9]"):
            out.widget = "month"
        elif key in LONG_TEXT or (isinstance(value, str) and len(value) > 60):
            out.widget = "textarea"
        if isinstance(value, (list, dict)) and out.widget not in ("object", "list", "lines", "choices", "kept"):
            out.widget = "kept"  # a value of another of the field's forms (text or a list of paragraphs): carried through
            out.help = "内容含小节或列表，请直接在数据文件中修改"
        return out

    def slot_fields(self, name: str, value: Any) -> list[Field]:
        """A map of text (``blanks``): one box per key offered or written. Text and lines of
        text are edited in the box (one line, one paragraph); what holds sections or lists is
        carried through the form unchanged (``kept``), to be edited in the file."""
        value = value if isinstance(value, dict) else {}
        offered = self.slots.get(name, {})
        out = []
        for key in [*offered, *(k for k in value if k not in offered)]:
            written = value.get(key)
            plain = written is None or isinstance(written, str) or (
                isinstance(written, list) and all(isinstance(v, str) for v in written))
            label = offered.get(key) or LABELS.get(str(key)) or CHOICES["DocumentKind"].get(str(key)) or str(key)
            help = ""
            if not plain:
                help = "内容含小节或列表，请直接在数据文件中修改"
            out.append(Field(f"{name}.{key}", str(key), label, help, "textarea" if plain else "kept", value=written))
        return out

    def _origin(self, value: Any, index: int) -> int | None:
        if not self.marked:
            return index
        origin = value.get(ORIGIN) if isinstance(value, dict) else None
        return origin if isinstance(origin, int) else None

    def item(self, node: dict, name: str, value: Any, origin: int | None) -> Field:
        target, _, _ = self.unwrap(node)
        out = Field(name, name.rsplit(".", 1)[-1], "", "", "object", value=value, origin=origin)
        out.children = self.fields(target, f"{name}.", value)
        return out

    def form(self, data: Any, *, submitted: bool = False, slots: dict[str, dict[str, str]] | None = None) -> list[Field]:
        """The fields of the form holding ``data``: read from the file, or (``submitted``) as a
        clerk sent it, its list items marked with where they came from; ``slots``: the keys
        each map field offers (``Schema.slots``)."""
        drawer = Schema(self.schema, self.root)
        drawer.marked = submitted
        drawer.slots = slots or {}
        return drawer.fields(self.schema, "", data)

    def blank_item(self, list_name: str, index: int) -> Field | None:
        """A new, empty item of the list called ``list_name`` (e.g. ``teacher_pairs``), numbered ``index``."""
        node = self.schema
        parts = [p for p in list_name.split(".") if p]
        for part in parts:
            target, _, _ = self.unwrap(node)
            if part.isdigit():
                if target.get("type") != "array":
                    return None
                node = target.get("items", {})
                continue
            props = target.get("properties", {})
            if part not in props:
                return None
            node = props[part]
        target, _, _ = self.unwrap(node)
        if target.get("type") != "array":
            return None
        return self.item(target["items"], f"{list_name}.{index}", {}, None)


def _first_phrase(description: str) -> str:
    phrase = re.split(r"[，,；;（(：:。]| e\.g\.", description, maxsplit=1)[0].strip()
    return phrase if 0 < len(phrase) <= 16 else ""


# ------------------------------------------------------------------ reading a submitted form

ORIGIN = "_from"
"""Hidden input of a list item: its index in the file when the form was drawn."""


def unflatten(schema: Schema, form: list[tuple[str, str]]) -> dict:
    """The nested data a form means, typed by the schema, blanks dropped. Each item of a list
    of objects carries ``ORIGIN``: its index in the file when the form was drawn (absent for
    an added item), for ``yamledit.merge`` to keep its comments with it."""
    tree: dict = {}
    for name, value in form:
        parts = name.split(".")
        if not parts or any(not p for p in parts) or "__i__" in parts:
            continue
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            if parts[-1] in node and isinstance(node[parts[-1]], list):
                node[parts[-1]].append(value)
            elif parts[-1] in node:
                node[parts[-1]] = [node[parts[-1]], value]
            else:
                node[parts[-1]] = value
    data = _typed(schema, schema.schema, tree)
    return data if isinstance(data, dict) else {}


def without_origins(data: Any) -> Any:
    """``data`` less the ``ORIGIN`` marks of its list items."""
    if isinstance(data, dict):
        return {k: without_origins(v) for k, v in data.items() if k != ORIGIN}
    if isinstance(data, list):
        return [without_origins(v) for v in data]
    return data


def _is_map(target: dict) -> bool:
    """An object of free keys (``dict[str, …]``), not of named fields."""
    return target.get("type") == "object" and "properties" not in target and isinstance(
        target.get("additionalProperties"), dict)


def _slot(raw: Any) -> Any:
    """What a box of a map of text means: one paragraph, several (one per line), or what the
    form carried through unchanged; None when left empty."""
    if isinstance(raw, list):
        raw = raw[-1]
    if not isinstance(raw, str):
        return None
    if raw.startswith(KEPT):
        return json.loads(raw[len(KEPT):])
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
    return (lines[0] if len(lines) == 1 else lines) or None


OFF = "off"
"""The value a checkbox's hidden twin sends (a box left unticked sends nothing)."""

KEPT = "\u2063json:"
"""The start of a value the form carries through unchanged (an invisible separator, then JSON)."""


def _typed(schema: Schema, node: dict, raw: Any) -> Any:
    target, _, _ = schema.unwrap(node)
    kind = target.get("type")
    if _is_map(target):
        if not isinstance(raw, dict):
            return None
        return {key: value for key, value in ((k, _slot(v)) for k, v in raw.items()) if value is not None} or None
    if kind == "object" or "properties" in target:
        if not isinstance(raw, dict):
            return None
        out = {}
        for key, sub in target.get("properties", {}).items():
            if key in raw:
                value = _typed(schema, sub, raw[key])
                if value not in (None, "", [], {}):
                    out[key] = value
        return out or None
    if kind == "array":
        item, _, _ = schema.unwrap(target.get("items", {}))
        if item.get("type") == "object" or "properties" in item:
            if not isinstance(raw, dict):
                return None
            items = []
            for index in sorted((k for k in raw if k.isdigit()), key=int):
                entry = raw[index]
                value = _typed(schema, target["items"], entry)
                if value:
                    origin = entry.get(ORIGIN) if isinstance(entry, dict) else None
                    if isinstance(origin, str) and origin.isdigit():
                        value[ORIGIN] = int(origin)
                    items.append(value)
            return items
        text = raw if isinstance(raw, str) else "\n".join(raw) if isinstance(raw, list) else ""
        if text.startswith(KEPT):
            return json.loads(text[len(KEPT):])
        return [line.strip() for line in text.splitlines() if line.strip()]
    if isinstance(raw, list):
        raw = raw[-1]
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if kind == "boolean":  # an unticked box sends only its hidden OFF; the default is not written
        ticked = text in ("on", "true", "1")
        if ticked == (target.get("default") is True) or (not ticked and text != OFF):
            return None
        return ticked
    if text == "":
        return None
    if kind == "integer" and re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if kind == "number" and re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        number = float(text)
        return int(number) if number.is_integer() else number
    if target.get("format") == "date":  # 2022-9-1, 2022/9/1, 2022.9.1, 2022年9月1日, ２０２２－０９－０１ too
        typed = re.sub(r"\s*[/.年月]\s*", "-", unicodedata.normalize("NFKC", text)).removesuffix("日").strip()
        if _DATE_LIKE.fullmatch(typed) and _exists(typed):
            return dt.date(*(int(part) for part in typed.split("-")))
        return text  # the model says what is wrong, next to the field
    return raw.replace("\r\n", "\n").strip()


# ------------------------------------------------------------------ errors next to their fields

_INDEX = re.compile(r"\[(\d+)\]")


def field_words(problem_field: str) -> str:
    """A problem's field as a clerk reads it: ``middle_manager_pairs[2].recipient_school`` ->
    中层干部结对第 3 项的对应的受援学校."""
    words = []
    for part in problem_field.split("."):
        key, _, index = part.partition("[")
        words.append(LABELS.get(key, key) + (f"第 {int(index.rstrip(']')) + 1} 项" if index.rstrip("]").isdigit() else ""))
    return "的".join(words)


def field_in_words(problem_field: str) -> str:
    """A problem's field as a page shows it: a data file's field in words (``field_words``) as
    far as its keys have words, the rest left out (a programme's own keys, whose words these are
    not: the page gives the line); a field that is no data path (a sheet's column) as it is."""
    if not problem_field or problem_field == "-":
        return ""
    parts = problem_field.split(".")
    if parts[0].partition("[")[0] not in LABELS:
        return "" if problem_field.isascii() else problem_field
    known = []
    for part in parts:
        if part.partition("[")[0] not in LABELS:
            break
        known.append(part)
    return field_words(".".join(known))


def problem_words(problem: Problem) -> str:
    """A data problem as a page lists it (a job's problems): ``file 第 3 行 月度计划第 1 项的月份：…``,
    not the command line's ``file:3:12  monthly_plan[0].month  …``."""
    if problem.place:
        where = f"{problem.file} {problem.place}"
    else:
        where = f"{problem.file} 第 {problem.line} 行" if problem.line else problem.file
    words = field_in_words(problem.field)
    return f"{where}{' ' + words if words else ''}：{problem.message}"


def differences(theirs: str, mine: str) -> list[tuple[str, str, str]]:
    """Where two versions of a pairing file differ, field by field, as a clerk reads them:
    (the field in words, its value in ``theirs``, in ``mine``); empty when either does not
    read (the page then shows the two texts only)."""
    try:
        old, new = parse(Path("theirs.yaml"), theirs).data, parse(Path("mine.yaml"), mine).data
    except SourceError:
        return []
    return _changed(old, new)


def _changed(old: Any, new: Any) -> list[tuple[str, str, str]]:
    """(a field in words, its value in ``old``, in ``new``) for each field whose value differs."""
    a, b = _leaves(old, ""), _leaves(new, "")
    return [(field_words(key), a.get(key, ""), b.get(key, "")) for key in sorted(a.keys() | b.keys(), key=_natural)
            if a.get(key, "") != b.get(key, "")]


def record_words(record: Any) -> list[str]:
    """A record as a clerk reads it: 标签：值 for each field it gives (lists joined by 、, the
    activity type and the party by their names), not as the program's keys and codes."""
    names = {"type": CHOICES["Activity"], "by": CHOICES["Party"]}
    return [f"{LABELS.get(k, k)}：{names.get(k, {}).get(v, v)}" for k, v in _leaves(record, "").items() if v]


def record_differences(before: str, after: str) -> list[tuple[str, str, str]]:
    """Where two versions of an activity file differ, as a clerk reads them: each record
    taken away or added (a record changed is one of each: an index would call every record
    after an inserted one changed), then the other fields (scores) as ``differences`` does."""
    try:
        old, new = parse(Path("before.yaml"), before).data or {}, parse(Path("after.yaml"), after).data or {}
    except SourceError:
        return []
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []

    was = ["；".join(record_words(r)) for r in old.get("records") or []]
    now = ["；".join(record_words(r)) for r in new.get("records") or []]
    out = [("删去的活动记录", r, "") for r in was if r not in now] + [("新加的活动记录", "", r) for r in now if r not in was]
    return out + _changed({k: v for k, v in old.items() if k != "records"}, {k: v for k, v in new.items() if k != "records"})


def _leaves(value: Any, at: str) -> dict[str, str]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves(item, f"{at}.{key}" if at else str(key)).items()}
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        return {k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{at}[{i}]").items()}
    if isinstance(value, list):
        return {at: "、".join(str(item) for item in value)}
    return {at: "" if value is None else str(value)}


def _natural(key: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key)]


def form_name(problem_field: str) -> str:
    """``recipients[1].name`` (a problem's field) -> ``recipients.1.name`` (a form name)."""
    return _INDEX.sub(r".\1", problem_field)


def place_errors(fields: list[Field], problems: list[Problem]) -> list[Problem]:
    """Put each problem on the field it names (or the nearest enclosing one); returns those
    that name no field of the form, to show above it."""
    by_name = {f.name: f for top in fields for f in top.walk()}
    unplaced = []
    for problem in problems:
        name = form_name(problem.field) if problem.field else ""
        while name and name not in by_name:
            name = name.rpartition(".")[0]
        if name:
            by_name[name].errors.append(_for_form(problem.message, by_name[name]))
        else:
            unplaced.append(problem)
    return unplaced


def _for_form(message: str, field: Field) -> str:
    """A problem as the form says it next to ``field``: by the field's label, where the data's
    message names its key (written for the data file: 缺少必填字段“county”)."""
    if message.startswith("缺少必填字段"):
        return f"请填写“{field.label}”"
    return message.replace(f"“{field.key}”", f"“{field.label}”").replace(f"（{field.key}）", f"（{field.label}）")


_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def impossible_dates(problems: list[Problem], submitted: list[tuple[str, str]]) -> list[Problem]:
    """A date typed in the form's own format that does not exist (2020-02-30) is told so, not
    asked to be written "like 2022-09-01" (which it is)."""
    typed = dict(submitted)
    out = []
    for problem in problems:
        value = re.sub(r"[/.]", "-", typed.get(form_name(problem.field), "").strip())
        if _DATE_LIKE.fullmatch(value) and not _exists(value):
            problem = Problem(problem.file, problem.line, problem.column, problem.field,
                              f"“{value}”不是存在的日期，请检查月份和日期（如 2 月没有 30 日）")
        out.append(problem)
    return out


def _exists(value: str) -> bool:
    year, month, day = (int(part) for part in value.split("-"))
    try:
        dt.date(year, month, day)
        return True
    except ValueError:
        return False
