"""A pair-list spreadsheet as cells: every sheet of an .xlsx (merged cells resolved to the cell
they were typed in) or a .csv (UTF-8 or GBK), and the header row found in it.

Bureaus put a title (and an 附件 label) above the header, type column names with spaces for
alignment (备  注) and spell them several ways (县（市、区）, 帮扶学校); all of that is accepted
here. Unknown column names are errors with a suggestion.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Problem, SourceError, UsageError, display_path
from ..messages import suggest

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
HEADER_SEARCH_ROWS = 10
"""The header is looked for in the first rows that hold anything (titles may sit above it)."""


@dataclass(frozen=True)
class Cell:
    """A cell's text and where it was typed: the top-left cell of its merged range."""

    text: str
    row: int
    col: int


@dataclass
class Sheet:
    """One sheet: its rows (row number, cells by column) and, once found, its header."""

    name: str
    label: str
    """How problems name it: the file, and the sheet when it is not the first."""
    rows: list[tuple[int, list[Cell]]]
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    """Column key (COUNTY, SUPPORTER, ...) -> 1-based column number."""
    titles: dict[str, str] = field(default_factory=dict)
    """Column key -> the column name as typed (spaces removed)."""

    def problem(self, row: int, col: int, key: str, message: str) -> Problem:
        return Problem(self.label, row, col, self.titles.get(key, TITLES.get(key, key)), message)


def clean_header(text: str) -> str:
    """备  注 -> 备注, 县(市、区) -> 县（市、区）, *受援学校： -> 受援学校."""
    text = re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").strip("*＊:：")
    return text.upper()


def column_key(text: str) -> str | None:
    return _KEY_OF.get(clean_header(text))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")


def _xlsx(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise UsageError(f"无法打开 Excel 文件 {display_path(path)}：{exc}") from None
    name = display_path(path)
    sheets = []
    for index, ws in enumerate(book.worksheets):
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in ws.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    origin[(r, c)] = (merged.min_row, merged.min_col)
        values = {}
        for r, row in enumerate(ws.iter_rows(values_only=True), 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    values[(r, c)] = _text(value)
        rows = []
        for r in range(1, ws.max_row + 1):
            cells = []
            for c in range(1, ws.max_column + 1):
                at = origin.get((r, c), (r, c))
                cells.append(Cell(values.get(at, ""), *at))
            rows.append((r, cells))
        sheets.append(Sheet(ws.title, name if index == 0 else f"{name}[{ws.title}]", rows))
    return sheets


def decode_csv(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes) or GBK, as Excel and WPS save CSV in China.

    A file that is neither is reported at the line of its first broken byte: a UTF-8 file
    (Chinese read well up to there) is not taken for GBK, nor a GBK file with one damaged
    byte for anything else."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start, encoding = exc.start, "UTF-8"
    if not any(b >= 0x80 for b in raw[:start]):  # no Chinese read as UTF-8 before the error: GBK?
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            start, encoding = exc.start, "GBK"
    line = raw[:start].count(b"\n") + 1
    raise SourceError([Problem(display_path(path), line, 1, "",
                               f"第 {line} 行有无法识别的字节（按 {encoding} 编码读到这里出错，可能是文件损坏或混入了其他编码的文字）："
                               "请检查这一行，在 Excel 或 WPS 中“另存为”CSV UTF-8 后重新导入")])


def _csv(path: Path) -> list[Sheet]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取 {display_path(path)}：{exc.strerror or exc}") from None
    text = decode_csv(path, raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start = [], 1
    for record in reader:
        rows.append((start, [Cell(_text(v), start, c) for c, v in enumerate(record, 1)]))
        start = reader.line_num + 1
    return [Sheet("", display_path(path), rows)]


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file, as cells."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"找不到文件 {display_path(path)}")
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path)
    if suffix == ".csv":
        return _csv(path)
    hint = "（旧版 .xls 请在 Excel 或 WPS 中“另存为”.xlsx）" if suffix == ".xls" else ""
    raise UsageError(f"只能导入 .xlsx 或 .csv 文件，而不是 {suffix or '无扩展名的文件'}{hint}")


def is_blank(cells: list[Cell]) -> bool:
    return all(not c.text.strip() for c in cells)


def find_header(sheet: Sheet) -> bool:
    """Find the header row: the first of the first rows that names a supporter or recipient column."""
    seen = 0
    for r, cells in sheet.rows:
        if is_blank(cells):
            continue
        seen += 1
        keys = {column_key(c.text) for col, c in enumerate(cells, 1) if (c.row, c.col) == (r, col)}
        if SUPPORTER in keys or RECIPIENT in keys:
            sheet.header_row = r
            return True
        if seen >= HEADER_SEARCH_ROWS:
            break
    return False


def first_row(sheet: Sheet) -> tuple[int, list[Cell]] | None:
    return next(((r, cells) for r, cells in sheet.rows if not is_blank(cells)), None)


def read_header(sheet: Sheet, county_given: bool = False) -> list[Problem]:
    """Map the header row's columns to keys; every unknown, repeated or missing column is a problem.

    Without a 县市区 column (seed 001's list has none) the county must be given otherwise."""
    problems = []
    cells = dict(sheet.rows)[sheet.header_row]
    known = [s for key in (COUNTY, SUPPORTER, RECIPIENT, REMARK, LEAD, IGNORED) for s in SPELLINGS[key][:2]]
    for col, cell in enumerate(cells, 1):
        if (cell.row, cell.col) != (sheet.header_row, col):
            continue  # the rest of a merged header cell
        typed = re.sub(r"\s+", "", cell.text)
        if not typed:
            continue
        key = column_key(cell.text)
        if key is None:
            problems.append(Problem(sheet.label, sheet.header_row, col, typed,
                                    f"无法识别的列“{typed}”{suggest(clean_header(typed), known)}"
                                    f"（可用的列：{'、'.join(TITLES[k] for k in TITLES)}，也可写作"
                                    f"帮扶学校、被帮扶学校、县（市、区）等）"))
        elif key in sheet.columns and key != IGNORED:
            first = sheet.columns[key]
            problems.append(Problem(sheet.label, sheet.header_row, col, typed,
                                    f"列“{typed}”与第 {first} 列“{sheet.titles[key]}”重复，请删除其中一列"))
        elif key != IGNORED:
            sheet.columns[key] = col
            sheet.titles[key] = typed
    for key in REQUIRED:
        if key not in sheet.columns and not (key == COUNTY and county_given):
            hint = "；全表同属一个县市区时，也可以不加这一列，而在命令中写 --county 县名" if key == COUNTY else ""
            problems.append(Problem(sheet.label, sheet.header_row, 1, TITLES[key],
                                    f"缺少列“{TITLES[key]}”：表头应包括{'、'.join(TITLES[k] for k in REQUIRED)}"
                                    f"（可选：备注、负责人）{hint}"))
    return problems


def unknown_first_row(sheet: Sheet) -> list[Problem]:
    """No header anywhere: say what the first row holds and what it should."""
    found = first_row(sheet)
    if found is None:
        return [Problem(sheet.label, 1, 1, "", "表格是空的")]
    r, cells = found
    known = [s for key in REQUIRED for s in SPELLINGS[key][:2]]
    hints = []
    for col, cell in enumerate(cells, 1):
        typed = re.sub(r"\s+", "", cell.text)
        if typed and (cell.row, cell.col) == (r, col) and column_key(typed) is None and suggest(clean_header(typed), known):
            hints.append(Problem(sheet.label, r, col, typed, f"无法识别的列“{typed}”{suggest(clean_header(typed), known)}"))
    return hints or [Problem(sheet.label, r, 1, "", "找不到表头：应有一行列名，至少包括县市区、支援学校（或帮扶学校）、"
                                                    "受援学校（或被帮扶学校），可选备注、负责人")]
