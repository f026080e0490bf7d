"""``docgen import activities``: a school's activity spreadsheet (.xlsx or .csv) to YAML.

Columns are Chinese, as schools keep them: 日期, 类型, 学科, 人次, 参与人员, 内容, 证明材料,
报备日期, and optionally 组织方, 受援学校, 帮扶教师, 受援教师, 天数. Every bad cell is reported
as ``file:第N行  列名  说明``; nothing is written unless the whole sheet is valid.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import InputError, Problem, UsageError, display_path
from ..load.activity_files import ACTIVITIES_DIR, check_log
from ..load.messages import suggest, translate
from ..load.model.activity import ActivityLog
from ..load.model.common import ACTIVITY_NAMES, Activity, Party
from ..load.pairlist.sheet import decode_csv
from ..load.yaml_source import Source
from ..outputs import write_atomic

REQUIRED = ["日期", "类型", "内容"]
OPTIONAL = ["学科", "人次", "参与人员", "证明材料", "报备日期", "组织方", "受援学校", "帮扶教师", "受援教师", "天数"]
FIELD = {"日期": "date", "类型": "type", "内容": "description", "学科": "subjects", "人次": "person_times",
         "参与人员": "people", "证明材料": "evidence", "报备日期": "filed_on", "组织方": "by", "受援学校": "school",
         "帮扶教师": "mentor", "受援教师": "mentee", "天数": "days"}
COLUMN = {v: k for k, v in FIELD.items()}

# Chinese names of activity types, with the synonyms of the glossary.
TYPE_NAMES = {name: kind for kind, name in ACTIVITY_NAMES.items()}
TYPE_NAMES.update({"送课": Activity.lesson_delivery, "送教": Activity.lesson_delivery, "示范课": Activity.lesson_delivery,
                   "观摩": Activity.observation_visit, "联合教研": Activity.joint_research,
                   "同课异构": Activity.joint_research, "教研": Activity.joint_research, "讲座": Activity.lecture,
                   "捐赠": Activity.donation, "例会": Activity.joint_meeting, "挂职": Activity.secondment,
                   "跟岗": Activity.secondment, "支教": Activity.placement, "顶岗": Activity.placement,
                   "师徒结对": Activity.mentor_exchange, "教师结对": Activity.mentor_exchange})
PARTIES = {"支援学校": Party.supporter, "帮扶学校": Party.supporter, "受援学校": Party.recipient,
           "被帮扶学校": Party.recipient, "双方": Party.both}
_SPLIT = re.compile(r"[、,，;；\n]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def read_rows(path: Path) -> list[list[object]]:
    """The cells of the first sheet (xlsx) or of the file (csv, UTF-8 or GBK)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise UsageError(f"无法打开 Excel 文件 {display_path(path)}：{exc}") from None
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if path.suffix.lower() == ".csv":
        text = decode_csv(path, path.read_bytes())
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise UsageError(f"只能导入 .xlsx 或 .csv 文件，而不是 {path.suffix or '无扩展名的文件'}")


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(str(value))
    if not m:
        return str(value)  # the model says what is wrong
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return str(value)


def _cell(column: str, value, problems: list, where) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column in ("日期", "报备日期"):
        return _date(value)
    if column in ("学科", "参与人员", "证明材料"):
        return [v.strip() for v in _SPLIT.split(str(value)) if v.strip()]
    if column in ("人次", "天数"):
        return value if isinstance(value, (int, float)) else str(value).strip()
    if column == "组织方":
        party = PARTIES.get(str(value).strip())
        if party is None:
            problems.append(where(f"“{value}”不是可选的组织方（可选：{'、'.join(PARTIES)}）"))
        return party.value if party else None
    return str(value).strip()


def _type(value, problems: list, where) -> tuple[str | None, str]:
    text = str(value or "").strip()
    m = re.match(r"^(.*?)[（(](.*?)[）)]$", text)
    name, tag = (m.group(1).strip(), m.group(2).strip()) if m else (text, "")
    kind = TYPE_NAMES.get(name)
    if kind is None and name in {a.value for a in Activity}:
        kind = Activity(name)
    if kind is None:
        problems.append(where(f"“{text}”不是可识别的活动类型{suggest(name, list(TYPE_NAMES))}"
                              f"（可用：{'、'.join(ACTIVITY_NAMES.values())}）"))
        return None, tag
    return kind.value, tag


def parse(path: Path) -> tuple[dict, Source, list[Problem]]:
    """Rows -> {'records': [...]} plus a Source that maps each field to its row and column."""
    name = display_path(path)
    rows = [r for r in read_rows(path) if any(c not in (None, "") for c in r)]
    if not rows:
        raise InputError([Problem(name, 1, 1, "", "表格是空的")])
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    problems: list[Problem] = []
    known = REQUIRED + OPTIONAL
    for col, title in enumerate(header, 1):
        if title and title not in known:
            problems.append(Problem(name, 1, col, title, f"无法识别的列“{title}”{suggest(title, known)}"
                                                         f"（可用的列：{'、'.join(known)}）"))
    for title in REQUIRED:
        if title not in header:
            problems.append(Problem(name, 1, 1, title, f"缺少列“{title}”：第一行应为列名，至少包括{'、'.join(REQUIRED)}"
                                                       f"（可选：{'、'.join(OPTIONAL)}）"))
    if problems:
        raise InputError(problems)
    src = Source(path=path, data=None)
    records = []
    for r, row in enumerate(rows[1:], 2):
        record: dict = {}
        i = len(records)
        src.values[("records", i)] = (r, 1)
        for col, title in enumerate(header, 1):
            if not title:
                continue
            value = row[col - 1] if col - 1 < len(row) else None

            def where(message, _col=col, _title=title, _r=r):
                return Problem(name, _r, _col, _title, message)

            src.values[("records", i, FIELD[title])] = (r, col)
            src.keys[("records", i, FIELD[title])] = (r, col)
            if title == "类型":
                kind, tag = _type(value, problems, where)
                # a placeholder keeps the row checkable; its error is already recorded
                record["type"] = kind or Activity.lesson_delivery.value
                if tag:
                    record["tag"] = tag
                continue
            cell = _cell(title, value, problems, where)
            if cell is not None:
                record[FIELD[title]] = cell
        records.append(record)
    return {"records": records}, src, problems


def _row_problems(problems: list[Problem]) -> list[Problem]:
    """Model errors name fields (records[3].date); in a sheet they are row and column."""
    out = []
    for p in problems:
        field = re.sub(r"\[\d+\]$", "", p.field.rsplit(".", 1)[-1]) if p.field else ""
        out.append(Problem(p.file, p.line, p.column, COLUMN.get(field, field), p.message.replace("应为日期，写成 2022-09-01 的形式",
                                                                                                      "应为日期，如 2020-04-15 或 2020/4/15")))
    return out


def import_activities(path: Path, loaded, pairing_id: str, year: str | None, force: bool) -> tuple[Path, int]:
    """Validate the sheet against the pairing and write activities/<year>/<pairing>.yaml."""
    pairing = loaded.pairing(pairing_id)
    if pairing is None:
        known = [p.id for p in loaded.pairings]
        raise UsageError(f"找不到结对“{pairing_id}”{suggest(pairing_id, known)}（结对标识即 pairings/ 下的文件名）")
    data, src, problems = parse(path)
    try:
        log = ActivityLog.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems + _row_problems(translate(exc, src, ActivityLog))) from None
    cycle = pairing.cycle
    if year is None:
        years = {y.key for r in log.records for y in cycle.cycle_years if y.contains(r.date)}
        if len(years) != 1:
            labels = "、".join(f"{y.key}（{y.label}）" for y in cycle.cycle_years)
            raise UsageError("表中的日期不属于同一个年度，请用 --year 指定要导入的年度（可选：" + labels + "）"
                             if years else "表中的日期都不在帮扶周期内（可选年度：" + labels + "）")
        year = years.pop()
    problems += _row_problems(check_log(log, src, loaded.programme, pairing, year, loaded.root))
    if problems:
        raise InputError(problems)
    target = loaded.root / ACTIVITIES_DIR / year / f"{pairing.id}.yaml"
    if target.exists() and not force:
        raise UsageError(f"{display_path(target)} 已存在；如要覆盖请加 --force")
    records = [r.model_dump(mode="json", exclude_defaults=True) for r in log.records]
    for record in records:  # dates as YAML dates, not quoted strings
        for key in ("date", "filed_on"):
            if key in record:
                record[key] = dt.date.fromisoformat(record[key])
    header = (f"# {pairing.supporter.name}结对 活动记录，由 {path.name} 导入（docgen import activities）\n"
              "# filed_on 为报备日期，evidence 为证明材料：文件路径（相对于方案目录），或文件待补时的文字说明（如“照片3张”）。\n")
    body = yaml.safe_dump({"records": records}, allow_unicode=True, sort_keys=False, width=120)
    write_atomic(target, (header + body).encode("utf-8"))
    return target, len(records)
