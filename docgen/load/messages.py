"""Turn pydantic validation errors into Chinese advice that points at the file."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem
from .model.common import ID_PATTERN
from .yaml_source import Loc, Source

_PATTERN_HINTS = {
    "〔": "文号格式应如“宜教体字〔2022〕38号”：年份写全并用六角括号〔〕，序号不加“第”、不编虚位（1 不写成 01），以“号”结尾",
    r"^\d{4}-(0[1-9]|1[0-2])$": "月份应写成“2020-03”的形式（四位年份、两位月份）",
    r"^[a-z0-9][a-z0-9_-]*$": "标识只能用小写英文字母、数字、“-”和“_”，如 lesson_delivery",
    ID_PATTERN: "标识中不能有空格和 / \\ : * ? \" < > | 等字符，也不能以“.”开头",
}


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/list/dict/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, dict, tuple):
        out = []
        for arg in typing.get_args(annotation):
            out += _unwrap(arg)
        return out
    return [annotation]


def model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that holds the value at ``loc`` (skipping list indices and dict keys)."""
    current: type[BaseModel] | None = root
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        models = [t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        current = models[0] if models else None
    return current


def _enum_type_at(root: type[BaseModel], loc: Loc) -> type[Enum] | None:
    parent = model_at(root, loc[:-1]) if loc else None
    field = parent.model_fields.get(str(loc[-1])) if parent and loc else None
    if field is None:
        return None
    return next((t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, Enum)), None)


def _enum_at(root: type[BaseModel], loc: Loc) -> list[str]:
    found = _enum_type_at(root, loc)
    return [m.value for m in found] if found is not None else []


def _enum_names(root: type[BaseModel], loc: Loc) -> dict[str, str]:
    """The Chinese name of each choice of the enum at ``loc`` (code -> name), where it has them."""
    from .model.common import ACTIVITY_NAMES, LAYER_NAMES, PARTY_NAMES, PERIOD_NAMES, SUPPORTER_NAMES

    found = _enum_type_at(root, loc)
    for names in (ACTIVITY_NAMES, PARTY_NAMES, PERIOD_NAMES, LAYER_NAMES, SUPPORTER_NAMES):
        if found is not None and all(isinstance(k, found) for k in names):
            return {k.value: v for k, v in names.items()}
    return {}


_NAMES = {
    "records": "活动记录", "scores": "人工评分", "bureau": "发文机关", "cycle": "帮扶周期", "supporter": "支援学校",
    "recipients": "受援学校", "title": "标题", "name": "名称", "members": "成员", "items": "条目", "role": "职务",
    "start": "开始日期", "end": "结束日期", "teacher": "教师", "mentor": "帮扶教师", "mentee": "受援教师",
    "person": "人员", "text": "内容", "content": "内容", "id": "标识", "activity": "活动类型", "kind": "类型",
    "sent_by": "派出方", "points": "分值", "no": "序号", "target": "目标值", "min": "最低分", "date": "日期",
    "type": "活动类型", "description": "活动内容", "county": "县市区", "doc_no": "文号",
}
"""Chinese names of the keys whose field has no Chinese description to take one from."""

_HOW = {
    "cycle": "cycle: {start: 2022-09-01, end: 2025-08-31}（帮扶周期的开始和结束日期；也可只写 start 和 years: 3）",
    "bureau": "bureau:，下一行空两格写 name: ××县教育局（发文机关全称）",
    "supporter": "supporter:，下一行空两格写 name: 支援学校全称",
    "recipients": "recipients:，下一行空两格写 - name: 受援学校全称（每所一行）",
    "records": "records:，下面每条记录以“- date: 2020-04-10”开头（前面空两格）",
}
"""What to write for a missing field whose value is more than one line of text."""

_CLAUSE = re.compile(r", e\.g\.|[，；。：（(]")


def field_label(root: type[BaseModel], loc: Loc) -> str:
    """The Chinese name of the field at ``loc`` (from its description, else ``_NAMES``), or ""."""
    key = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    parent = model_at(root, loc[:-1]) if key else None
    field = parent.model_fields.get(key) if parent else None
    first = _CLAUSE.split(field.description or "", maxsplit=1)[0].strip() if field else ""
    if first and len(first) <= 12 and re.search(r"[\u4e00-\u9fff]", first):
        return first
    return _NAMES.get(key, "")


def _example(root: type[BaseModel], loc: Loc) -> str:
    """What a line that gives the field at ``loc`` looks like, from its description's example."""
    key = str(loc[-1])
    if key in _HOW:
        return _HOW[key]
    parent = model_at(root, loc[:-1])
    field = parent.model_fields.get(key) if parent else None
    found = re.search(r"e\.g\. ([^；\n]+)", field.description or "") if field else None
    return f"{key}: {found.group(1).strip()}" if found else f"{key}: ……"


def _missing(root: type[BaseModel], loc: Loc) -> str:
    key = str(loc[-1])
    label = field_label(root, loc)
    named = f"“{label}”（{key}）" if label else f"“{key}”"
    return f"缺少必填字段{named}：请加上一行，如 {_example(root, loc)}"


def _nothing(root: type[BaseModel], loc: Loc) -> str:
    """A key written with nothing after it (``records:``)."""
    if root.__name__ == "ActivityLog" and loc == ("records",):
        return ("活动记录（records）下面没有内容：还没有活动记录的，请删除该文件，有了记录再建；"
                "有记录的，请在“records:”下逐条写入，每条以“- date: 2020-04-10”开头（前面空两格）")
    key = str(loc[-1]) if loc else ""
    label = field_label(root, loc) if loc else ""
    if not label or not isinstance(loc[-1], str):
        return "不能为空"
    return f"{label}（{key}）不能为空：请在“{key}:”后面写出{label}，不需要就删去这一行"


def suggest(word: str, choices: list[str]) -> str:
    near = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"，您是不是想写“{near[0]}”？" if near else ""


def _excel_serial(value: Any) -> bool:
    """Whether ``value`` looks like the number Excel shows for a date (days since 1899-12-30)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 <= value <= 80000


_DAY = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def _no_such_day(value: Any) -> bool:
    """Whether ``value`` is written as a date (2020-02-30, 2020/2/30, 2020年2月30日) of a day
    that does not exist: the clerk wrote the form asked for, the day is what is wrong."""
    found = _DAY.fullmatch(str(value).strip()) if isinstance(value, str) else None
    if found is None:
        return False
    try:
        dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return True
    return False


def translate(exc: ValidationError, src: Source, root: type[BaseModel]) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and p.endswith("]")))
        problems.append(_one(err, loc, src, root))
    return problems


def _one(err: ErrorDetails, loc: Loc, src: Source, root: type[BaseModel]) -> Problem:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        parent = model_at(root, loc[:-1])
        allowed = list(parent.model_fields) if parent else []
        name = str(loc[-1])
        message = f"未知字段“{name}”{suggest(name, allowed)}"
        if not suggest(name, allowed) and allowed:
            message += f"（这里可用的字段：{'、'.join(allowed)}）"
        return src.problem(loc, message, key=True)
    if kind == "missing":
        return src.problem(loc, _missing(root, loc))
    if value is None and kind not in ("value_error", "assertion_error"):
        return src.problem(loc, _nothing(root, loc))
    if kind in ("string_too_short",):
        return src.problem(loc, "不能为空")
    if kind == "string_type":
        return src.problem(loc, "应为文字")
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        hint = next((h for key, h in _PATTERN_HINTS.items() if key in pattern), "格式不正确")
        return src.problem(loc, f"“{value}”不符合要求：{hint}")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return src.problem(loc, f"应为整数，而不是“{value}”")
    if kind in ("float_type", "float_parsing"):
        return src.problem(loc, f"应为数字，而不是“{value}”")
    if kind in ("bool_type", "bool_parsing"):
        return src.problem(loc, f"应为 true 或 false，而不是“{value}”")
    if kind.startswith("date") or kind.startswith("datetime"):
        if _no_such_day(value):
            return src.problem(loc, f"“{value}”不是存在的日期，请检查月份和日期（如 2 月没有 30 日）")
        excel = "（这像是 Excel 的日期序号：请在 Excel 中把单元格设为日期格式后再复制）" if _excel_serial(value) else ""
        return src.problem(loc, f"应为日期，写成 2022-09-01 的形式，而不是“{value}”{excel}")
    if kind in ("list_type", "tuple_type"):
        return src.problem(loc, "应为列表：每一项另起一行，以“- ”开头")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return src.problem(loc, "应为“键: 值”形式的映射（下一级内容缩进两个空格）")
    if kind == "too_short" and isinstance(value, str):
        return src.problem(loc, "不能为空")
    if kind == "too_short":
        return src.problem(loc, f"至少需要 {ctx.get('min_length', 1)} 项")
    if kind == "too_long":
        return src.problem(loc, f"最多 {ctx.get('max_length')} 项")
    if kind in ("enum", "literal_error"):
        choices = _enum_at(root, loc) or [c.strip("'") for c in str(ctx.get("expected", "")).split(", ")]
        names = _enum_names(root, loc)
        code = next((c for c, name in names.items() if name == str(value).strip()), None)
        if code is not None:  # 师徒交流 typed where the file keeps the code
            return src.problem(loc, f"“{value}”请写作 {code}（数据文件中这一项写英文代码；可选："
                                    f"{'、'.join(f'{c}（{names[c]}）' for c in choices)}）")
        shown = [f"{c}（{names[c]}）" if c in names else c for c in choices]
        return src.problem(loc, f"“{value}”不是可选值{suggest(str(value), choices)}"
                                f"（可选：{'、'.join(shown)}）")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "不能小于", "greater_than": "必须大于",
                 "less_than_equal": "不能大于", "less_than": "必须小于"}[kind]
        limit = next(iter(ctx.values()), "")
        return src.problem(loc, f"{words} {limit}（现在是 {value}）")
    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
        return src.problem(loc, message)
    return src.problem(loc, f"数据不正确（{err['msg']}）")
