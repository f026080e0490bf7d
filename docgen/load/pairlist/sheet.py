"""A pair-list spreadsheet: the header row found in it and its columns.

Bureaus put a title (and an 附件 label) above the header, type column names with spaces for
alignment (备  注) and spell them several ways (县（市、区）, 帮扶学校); all of that is accepted
here. Unknown column names are errors with a suggestion. Reading the file is ``spreadsheet``'s.
"""
from __future__ import annotations

import re

from ...errors import Problem
from ..messages import suggest
from ..spreadsheet import Cell, Sheet, clean_header, first_row, own_cells, read_sheets  # noqa: F401 - re-exported
from ..spreadsheet import find_header as find_header_row

COUNTY, SUPPORTER, RECIPIENT, REMARK, LEAD, IGNORED = "county", "supporter", "recipient", "remark", "lead", "ignored"

# What each column is called in messages, and every spelling a clerk may use for it.
TITLES = {COUNTY: "县市区", SUPPORTER: "支援学校", RECIPIENT: "受援学校", REMARK: "备注", LEAD: "负责人", IGNORED: "序号"}
SPELLINGS = {
    COUNTY: ["县市区", "县（市、区）", "县（市，区）", "县（市区）", "县（区）", "县（市）", "县（市）区", "县区", "区县",
             "县市", "县（区、市）", "所在县市区", "所属县市区", "地区"],
    SUPPORTER: ["支援学校", "帮扶学校", "支援校", "帮扶校", "支援学校名称", "帮扶学校名称", "支援方", "帮扶方"],
    RECIPIENT: ["受援学校", "被帮扶学校", "受援校", "被帮扶校", "受帮扶学校", "受援学校名称", "被帮扶学校名称",
                "受援方", "被帮扶方"],
    REMARK: ["备注", "说明"],
    LEAD: ["负责人", "第一责任人", "责任人", "负责人姓名"],
    IGNORED: ["序号", "编号", "序", "NO", "NO."],
}
REQUIRED = [COUNTY, SUPPORTER, RECIPIENT]
_KEY_OF = {spelling: key for key, names in SPELLINGS.items() for spelling in names}


def column_key(text: str) -> str | None:
    return _KEY_OF.get(clean_header(text))


def title(sheet: Sheet, key: str) -> str:
    """A column as problems name it: as typed in the header, else its usual name."""
    return sheet.titles.get(key, TITLES.get(key, key))


def find_header(sheet: Sheet) -> bool:
    """The header row: the first of the first rows that names a supporter or recipient column."""
    return find_header_row(sheet, column_key, lambda keys: SUPPORTER in keys or RECIPIENT in keys)


def read_header(sheet: Sheet, county_given: bool = False) -> list[Problem]:
    """Map the header row's columns to keys; every unknown, repeated or missing column is a problem.

    Without a 县市区 column (seed 001's list has none) the county must be given otherwise."""
    problems = []
    cells = dict(sheet.rows)[sheet.header_row]
    known = [s for key in (COUNTY, SUPPORTER, RECIPIENT, REMARK, LEAD, IGNORED) for s in SPELLINGS[key][:2]]
    for col, cell in own_cells(cells, sheet.header_row):  # not the rest of a merged header cell
        typed = re.sub(r"\s+", "", cell.text)
        if not typed:
            continue
        key = column_key(cell.text)
        if key is None:
            problems.append(sheet.problem(sheet.header_row, col, typed,
                                         f"无法识别的列“{typed}”{suggest(clean_header(typed), known)}"
                                    f"（可用的列：{'、'.join(TITLES[k] for k in TITLES)}，也可写作"
                                    f"帮扶学校、被帮扶学校、县（市、区）等）"))
        elif key in sheet.columns and key != IGNORED:
            first = sheet.columns[key]
            problems.append(sheet.problem(sheet.header_row, col, typed,
                                         f"列“{typed}”与第 {first} 列“{sheet.titles[key]}”重复，请删除其中一列"))
        elif key != IGNORED:
            sheet.columns[key] = col
            sheet.titles[key] = typed
    for key in REQUIRED:
        if key not in sheet.columns and not (key == COUNTY and county_given):
            hint = "；全表同属一个县市区时，也可以不加这一列，而在命令中写 --county 县名" if key == COUNTY else ""
            problems.append(sheet.problem(sheet.header_row, 1, TITLES[key],
                                    f"缺少列“{TITLES[key]}”：表头应包括{'、'.join(TITLES[k] for k in REQUIRED)}"
                                    f"（可选：备注、负责人）{hint}"))
    return problems


def unknown_first_row(sheet: Sheet) -> list[Problem]:
    """No header anywhere: say what the first row holds and what it should."""
    found = first_row(sheet)
    if found is None:
        return [sheet.problem(1, 1, "", "表格是空的")]
    r, cells = found
    known = [s for key in REQUIRED for s in SPELLINGS[key][:2]]
    hints = []
    for col, cell in own_cells(cells, r):
        typed = re.sub(r"\s+", "", cell.text)
        if typed and column_key(typed) is None and suggest(clean_header(typed), known):
            hints.append(sheet.problem(r, col, typed, f"无法识别的列“{typed}”{suggest(clean_header(typed), known)}"))
    return hints or [sheet.problem(r, 1, "", "找不到表头：应有一行列名，至少包括县市区、支援学校（或帮扶学校）、"
                                                    "受援学校（或被帮扶学校），可选备注、负责人")]
