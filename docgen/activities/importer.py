"""``docgen import activities``: a school's activity spreadsheet (.xlsx or .csv) as records.

Columns are Chinese, as schools keep them: 日期, 类型, 学科, 人次, 参与人员, 内容, 证明材料,
报备日期, and optionally 组织方, 受援学校, 帮扶教师, 受援教师, 天数, 备注; a 序号 column is read past. A title row may sit above
the header (as in the pair list; the same code finds it), every sheet with such a header is
read, and every bad cell is reported as ``file 工作表“Sheet1”B4  列名  说明``.

This module reads the sheet (``read_activity_sheet``) and checks its records against the
pairing (``sheet_records``); ``merge`` puts them into the pairing's activity file.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Problem, UsageError, given
from ..load.activity_files import check_log
from ..load.messages import suggest, translate
from ..load.model.activity import ActivityLog, Record
from ..load.model.common import ACTIVITY_NAMES, Activity, Party
from ..load.model.pairing import Pairing
from ..load.model.programme import Programme
from ..load.spreadsheet import HEADER_SEARCH_ROWS, Sheet, clean_header, find_header, first_row, is_blank, own_cells, read_sheets
from ..load.yaml_source import Loc, Source

REQUIRED = ["日期", "类型", "内容"]
OPTIONAL = ["学科", "人次", "参与人员", "证明材料", "报备日期", "组织方", "受援学校", "帮扶教师", "受援教师", "天数", "备注"]
COLUMNS = REQUIRED[:2] + OPTIONAL[:2] + OPTIONAL[2:3] + REQUIRED[2:] + OPTIONAL[3:]
"""Every column, in the order of the blank template."""
FIELD = {"日期": "date", "类型": "type", "内容": "description", "学科": "subjects", "人次": "person_times",
         "参与人员": "people", "证明材料": "evidence", "报备日期": "filed_on", "组织方": "by", "受援学校": "school",
         "帮扶教师": "mentor", "受援教师": "mentee", "天数": "days", "备注": "remark"}
IGNORED = {"序号", "编号", "序", "NO", "NO.", "行号"}
"""Row-number columns a school's sheet has (as in the pair list): read past, never imported."""
COLUMN = {v: k for k, v in FIELD.items()}
COLUMN["tag"] = "类型"
LIST_FIELDS = ("subjects", "people", "evidence")

# Chinese names of activity types, with the synonyms of the glossary.
TYPE_NAMES = {name: kind for kind, name in ACTIVITY_NAMES.items()}
SYNONYMS = {"送课": Activity.lesson_delivery, "送教": Activity.lesson_delivery, "送教下乡": Activity.lesson_delivery,
            "送课下乡": Activity.lesson_delivery, "示范课": Activity.lesson_delivery,
            "观摩": Activity.observation_visit, "联合教研": Activity.joint_research,
            "同课异构": Activity.joint_research, "教研": Activity.joint_research, "讲座": Activity.lecture,
            "捐赠": Activity.donation, "例会": Activity.joint_meeting, "挂职": Activity.secondment,
            "跟岗": Activity.secondment, "支教": Activity.placement, "顶岗": Activity.placement,
            "师徒结对": Activity.mentor_exchange, "教师结对": Activity.mentor_exchange}
TYPE_NAMES.update(SYNONYMS)
PARTIES = {"支援学校": Party.supporter, "帮扶学校": Party.supporter, "受援学校": Party.recipient,
           "被帮扶学校": Party.recipient, "双方": Party.both}
_SPLIT = re.compile(r"[、,，;；\n]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def type_hint(text: str) -> str:
    """Why a 类型 cell is not a type: the suggestion is always one of the names listed beside it."""
    name = re.sub(r"[（(].*$", "", text).strip()
    near = difflib.get_close_matches(name, list(TYPE_NAMES), n=1, cutoff=0.5)
    guess = f"，您是不是想写“{ACTIVITY_NAMES[TYPE_NAMES[near[0]]]}”？" if near else ""
    return (f"“{text}”不是可识别的活动类型{guess}（可用：{'、'.join(ACTIVITY_NAMES.values())}；"
            "需要细分时在后面加括号，如“观摩学习（教师）”）")


@dataclass
class SheetSource(Source):
    """A ``Source`` whose places are cells: a problem with a record names its sheet and cell."""

    places: dict[Loc, tuple[Sheet, int, int, str]] = field(default_factory=dict)

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        loc = tuple(loc)
        while loc and loc not in self.places:
            loc = loc[:-1]
        sheet, row, col, title = self.places[loc]
        return sheet.problem(row, col, title, cell_message(message, title))


_MISSING = re.compile(r"^缺少必填字段(?:“[^”]*”（([a-z_]+)）|“([a-z_]+)”)")
"""The loader's message of a missing field (缺少必填字段“活动内容”（description）：…, or the key alone)."""
_KEY = re.compile(r"“([a-z_]+)”")
FILL = {"date": "请填写活动日期，如 2020-04-15", "description": "请写明做了什么，如“到大塘小学送数学示范课并评课”",
        "type": "请从下拉列表中选择活动类型"}


def cell_message(message: str, title: str) -> str:
    """A message of the loader's (written for YAML files) as a clerk reading a cell of the sheet
    should read it: columns by their Chinese names, never a field key, and advice that fits a
    sheet."""
    missing = _MISSING.match(message)
    if missing:
        key = missing.group(1) or missing.group(2)
        name = title or COLUMN.get(key, "")
        return f"“{name}”是必填的，这一格不能空着：{FILL.get(key, '请填写')}"
    message = _KEY.sub(lambda m: f"“{COLUMN[m.group(1)]}”" if m.group(1) in COLUMN else m.group(0), message)
    return (message.replace("应为日期，写成 2022-09-01 的形式", "应为日期，如 2020-04-15 或 2020/4/15")
            .replace("，请放到对应年度的目录", "：请核对日期；其他年度的活动请另做一张表，导入到那一年度"))


@dataclass
class SheetRow:
    """Where one record of the sheet was typed."""

    sheet: Sheet
    row: int
    columns: dict[str, int]
    """Model field -> column of the sheet."""
    named: bool = False
    """Whether the file has several sheets of records, so that a row names its sheet."""

    @property
    def place(self) -> str:
        return self.sheet.place(self.row, 1)

    def label(self) -> str:
        """第 5 行 (and the sheet when the file has several: 工作表“春季”第 5 行)."""
        return (f"工作表“{self.sheet.name}”" if self.named else "") + f"第 {self.row} 行"


@dataclass
class ActivitySheet:
    """A school's sheet, read: one raw record (the model's fields) per row that holds anything."""

    path: Path
    rows: list[SheetRow]
    records: list[dict]
    src: SheetSource
    carried: frozenset[str]
    """The model fields the sheet has columns for (type and tag always): the only ones an import
    may change; whatever else a record holds was written by hand and is kept."""
    problems: list[Problem] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(unicodedata.normalize("NFKC", str(value)))  # ２０２０－０４－１５ typed with a Chinese IME
    if not m:
        return str(value)  # the model says what is wrong
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return str(value)


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 1.0 from Excel is 1 day, written as 1
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return unicodedata.normalize("NFKC", str(value)).strip()  # full-width digits (１２) are digits


def _cell(column: str, value, where) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column in ("日期", "报备日期"):
        return _date(value)
    if column in ("学科", "参与人员", "证明材料"):
        return [v.strip() for v in _SPLIT.split(str(value)) if v.strip()]
    if column in ("人次", "天数"):
        return _number(value)
    if column == "组织方":
        party = PARTIES.get(str(value).strip())
        if party is None:
            where(f"“{value}”不是可选的组织方（可选：{'、'.join(PARTIES)}）")
        return party.value if party else None
    return str(value).strip()


def _type(value, where) -> tuple[str | None, str]:
    text = str(value or "").strip()
    m = re.match(r"^(.*?)[（(](.*?)[）)]$", text)
    name, tag = (m.group(1).strip(), m.group(2).strip()) if m else (text, "")
    if not text:
        where(f"“类型”这一格是空的：请从下拉列表中选择活动类型（可用：{'、'.join(ACTIVITY_NAMES.values())}；"
              "需要细分时在后面加括号，如“观摩学习（教师）”）")
        return None, ""
    kind = TYPE_NAMES.get(name)
    if kind is None and name in {a.value for a in Activity}:
        kind = Activity(name)
    if kind is None:
        where(type_hint(text))
        return None, tag
    return kind.value, tag


def column_of(text: str) -> str | None:
    title = clean_header(text)
    return title if title in FIELD else None


def _near(title: str) -> str | None:
    """The column a header cell was probably meant to be (活动日期 -> 日期), if any."""
    near = difflib.get_close_matches(title, REQUIRED + OPTIONAL, n=1, cutoff=0.6)
    return near[0] if near else None


def _likeness(sheet: Sheet, r: int, cells) -> int:
    """How much a row looks like the header: its column names, and names close to one."""
    titles = [clean_header(c.text) for _, c in own_cells(cells, r)]
    return sum(1 for t in titles if t and (t in FIELD or t in IGNORED or _near(t)))


def _likeliest_header(sheets: list[Sheet]) -> Sheet | None:
    """When no row is a header, the sheet and row that look most like one (at least two names
    that are, or are close to, column names), its ``header_row`` set: the problems then point
    at that row and say which names are missing there, not at a title row above it."""
    best: tuple[int, Sheet, int] | None = None
    for sheet in sheets:
        if sheet.hidden or "说明" in sheet.name:  # lists behind drop-downs, notes on filling in
            continue
        seen = 0
        for r, cells in sheet.rows:
            if is_blank(cells):
                continue
            seen += 1
            score = _likeness(sheet, r, cells)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, sheet, r)
            if seen >= HEADER_SEARCH_ROWS:
                break
    if best is None:
        return None
    best[1].header_row = best[2]
    return best[1]


def _header(sheet: Sheet) -> list[Problem]:
    """Map the header row's columns; every unknown or missing column is a problem."""
    problems = []
    known = REQUIRED + OPTIONAL
    unknown: dict[str, int] = {}
    for col, cell in own_cells(sheet.cells(sheet.header_row), sheet.header_row):
        title = clean_header(cell.text)
        if not title or title in IGNORED:
            continue
        if title not in FIELD:
            unknown[title] = col
            problems.append(sheet.problem(sheet.header_row, col, title, f"无法识别的列“{title}”{suggest(title, known)}"
                                                                        f"（可用的列：{'、'.join(known)}）"))
        elif FIELD[title] in sheet.columns:
            problems.append(sheet.problem(sheet.header_row, col, title,
                                          f"列“{title}”与第 {sheet.columns[FIELD[title]]} 列重复，请删除其中一列"))
        else:
            sheet.columns[FIELD[title]] = col
            sheet.titles[FIELD[title]] = title
    for title in REQUIRED:
        if FIELD[title] not in sheet.columns:
            typed = next((t for t in unknown if _near(t) == title), None)
            hint = f"本行的“{typed}”如果就是这一列，请把列名改为“{title}”；" if typed else ""
            problems.append(sheet.problem(sheet.header_row, unknown.get(typed or "", 1), title,
                                          f"第 {sheet.header_row} 行像是表头，但缺少列“{title}”：{hint}"
                                          f"表头（列名）应至少包括{'、'.join(REQUIRED)}（可选：{'、'.join(OPTIONAL)}）；"
                                          "表头上方可以有标题行"))
    return problems


def read_activity_sheet(path: Path) -> ActivitySheet:
    """Every sheet of the file with an activity header, as raw records; bad cells are problems."""
    path = Path(path)
    sheets = read_sheets(path)
    listed = [s for s in sheets if find_header(s, column_of, lambda keys: len(keys) >= 2 and "日期" in keys)]
    likeliest = None if listed else _likeliest_header(sheets)
    if likeliest is not None:
        listed = [likeliest]
    if not listed:  # nothing like a header anywhere: the first row that holds anything is taken for it
        filled = [s for s in sheets if first_row(s) is not None]
        if not filled:
            raise InputError([sheets[0].problem(1, 1, "", "表格是空的")])
        listed = [filled[0]]
        listed[0].header_row = given(first_row(filled[0]), "a filled row")[0]
    problems = [p for s in listed for p in _header(s)]
    if problems:
        raise InputError(problems)
    skipped = [s.name for s in sheets if s not in listed and first_row(s) is not None and "说明" not in s.name
               and not s.hidden]
    src = SheetSource(path=path, data=None)
    src.places[()] = (listed[0], listed[0].header_row, 1, "")
    out = ActivitySheet(path, [], [], src, frozenset({"type", "tag"}) | {f for s in listed for f in s.columns},
                        skipped_sheets=skipped)
    for sheet in listed:
        for r, cells in sheet.rows:
            if r <= sheet.header_row or is_blank(cells):
                continue
            out.records.append(_record(sheet, r, cells, len(out.records), src, out.problems))
            out.rows.append(SheetRow(sheet, r, dict(sheet.columns), len(listed) > 1))
    src.data = {"records": out.records}
    return out


def _record(sheet: Sheet, r: int, cells, i: int, src: SheetSource, problems: list[Problem]) -> dict:
    record: dict = {}
    src.places[("records", i)] = (sheet, r, 1, "")
    for name, col in sheet.columns.items():
        title = sheet.titles[name]
        cell = cells[col - 1] if col - 1 < len(cells) else None
        value = cell.value if cell is not None else None

        def where(message, _col=col, _title=title):
            problems.append(sheet.problem(r, _col, _title, message))

        src.places[("records", i, name)] = (sheet, r, col, title)
        if cell is not None and cell.uncomputed:
            where("单元格是公式，但文件中没有保存计算结果（由程序或在线表格导出的文件常这样）："
                  "请在 Excel 或 WPS 中打开这个文件并保存一次，或直接填写数值")
            continue
        if name == "type":
            src.places[("records", i, "tag")] = (sheet, r, col, title)
            kind, tag = _type(value, where)
            record["type"] = kind or Activity.lesson_delivery.value  # a placeholder keeps the row checkable
            if tag:
                record["tag"] = tag
            continue
        converted = _cell(title, value, where)
        if converted is not None:
            record[name] = converted
    return record


def sheet_records(sheet: ActivitySheet, programme: Programme, pairing: Pairing, year: str | None,
                  root: Path) -> tuple[list[Record], str]:
    """The sheet's records, validated and checked against the pairing, and the cycle year they
    belong to (``year`` if given, else the one their dates fall in). Raises ``InputError`` with
    every problem, each at its cell."""
    problems = list(sheet.problems)
    try:
        log = ActivityLog.model_validate({"records": sheet.records})
    except ValidationError as exc:
        raise InputError(problems + translate(exc, sheet.src, ActivityLog)) from None
    if year is None:
        cycle_years = given(pairing.cycle, "a loaded pairing's cycle").cycle_years
        years = {y.key for r in log.records for y in cycle_years if y.contains(r.date)}
        if len(years) != 1:
            labels = "、".join(f"{y.key}（{y.label}）" for y in cycle_years)
            raise UsageError("表中的日期不属于同一个年度，请用 --year 指定要导入的年度（可选：" + labels + "）"
                             if years else "表中的日期都不在帮扶周期内（可选年度：" + labels + "）")
        year = years.pop()
    problems += check_log(log, sheet.src, programme, pairing, year, root)
    if problems:
        raise InputError(problems)
    return log.records, year


def record_fields(record: Record) -> dict:
    """A record as the values a file holds: the fields it sets, dates as dates."""
    out = record.model_dump(mode="json", exclude_defaults=True)
    for key in ("date", "filed_on"):
        if key in out:
            out[key] = dt.date.fromisoformat(out[key])
    return out
