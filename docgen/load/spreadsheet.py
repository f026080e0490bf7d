"""Spreadsheets a clerk sends (.xlsx, or .csv in UTF-8 or GBK) as cells, for every importer.

Every sheet of a workbook is read with its merged cells resolved to the cell they were typed
in; the header row is looked for below any title rows; and a problem names the place the way
Excel shows it: the file, the sheet and the cell (名单.xlsx 工作表“Sheet1”D7), not a row and
column number. What is not a spreadsheet (Excel's ``~$`` lock file, an old .xls renamed, a
damaged download) gets a Chinese message saying what to open instead.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError, UsageError, display_path
from ..outputs import csv_cell_back

HEADER_SEARCH_ROWS = 10
"""The header is looked for in the first rows that hold anything (titles may sit above it)."""
SUFFIXES = (".xlsx", ".xlsm", ".csv")


@dataclass(frozen=True)
class Cell:
    """A cell's text, where it was typed (the top-left cell of its merged range), and its value
    as the workbook stores it (a date stays a date, a number a number)."""

    text: str
    row: int
    col: int
    value: object = None
    uncomputed: bool = False
    """A formula saved without its result (a file written by a program or an online sheet,
    never opened in Excel): it reads as blank, but is not; an importer says so."""


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA: the column as Excel names it."""
    out = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


@dataclass
class Sheet:
    """One sheet: its rows (row number, cells by column) and, once found, its header."""

    name: str
    """The sheet's name in the workbook; "" for a .csv file."""
    file: str
    """The file as the user named it."""
    rows: list[tuple[int, list[Cell]]]
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    """Column key -> 1-based column number."""
    titles: dict[str, str] = field(default_factory=dict)
    """Column key -> the column name as typed (spaces removed)."""
    hidden: bool = False
    """A sheet Excel does not show (lists behind drop-downs)."""

    @property
    def label(self) -> str:
        """The file, and the sheet when the file is a workbook: for messages about a whole sheet."""
        return f"{self.file} 工作表“{self.name}”" if self.name else self.file

    def place(self, row: int, col: int) -> str:
        """Where a cell is, as Excel shows it: 工作表“名单”D7 (a .csv opens as one sheet: 单元格D7)."""
        cell = f"{column_letter(max(col, 1))}{max(row, 1)}"
        return f"工作表“{self.name}”{cell}" if self.name else f"单元格{cell}"

    def problem(self, row: int, col: int, field: str, message: str) -> Problem:
        return Problem(self.file, row, col, field, message, place=self.place(row, col))

    def cells(self, row: int) -> list[Cell]:
        return dict(self.rows).get(row, [])


def cell_text(value) -> str:
    """A stored value as the text a clerk sees in the cell."""
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


# ------------------------------------------------------------------ opening the file


def _not_a_workbook(path: Path) -> str:
    """Why ``path`` (named .xlsx) cannot be opened as a workbook, and what to do, in Chinese."""
    name = display_path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        return f"无法读取 {name}：{exc.strerror or '读取出错'}，请检查文件后重试"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (f"{name} 实际是旧版 Excel 文件（.xls），或设置了打开密码的 .xlsx，只是扩展名为 {path.suffix}：请在 Excel 或 WPS 中"
                "打开它（有密码的先取消密码），“另存为”Excel 工作簿（.xlsx）后重新导入")
    if not head.strip(b"\x00"):
        return f"{name} 是空文件（0 字节或全是空白）：可能没有保存或复制完整，请在 Excel 中重新保存后导入"
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"," in head and b"\x00" not in head[:512]:
        return f"{name} 实际是文本文件（像 CSV），只是扩展名为 {path.suffix}：请把扩展名改为 .csv，或在 Excel 中“另存为”.xlsx 后导入"
    if head.startswith(b"PK"):
        return f"{name} 是压缩文件，但不是 Excel 工作簿（可能是 .docx、.zip 或没有下载完整的文件）：请确认选对了文件"
    return f"无法作为 Excel 文件打开 {name}（文件可能已损坏或没有下载完整）：请在 Excel 或 WPS 中打开确认，再“另存为”.xlsx 后导入"


def _lock_file(path: Path) -> str:
    """Excel's lock file ~$名单.xlsx (written while 名单.xlsx is open): what to open instead."""
    name = display_path(path)
    rest = path.name[2:]
    originals = sorted(p.name for p in path.parent.glob(f"*{rest}") if p.is_file() and not p.name.startswith("~$")) \
        if rest else []
    which = f"“{originals[0]}”" if originals else "不带“~$”的同名文件"
    return (f"{name} 是 Excel 或 WPS 打开表格时自动生成的临时文件（锁定文件），不是表格本身：请导入{which}；"
            "如果表格已关闭而这个文件还在，可以把它删除")


def _xlsx(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    if path.name.startswith("~$"):
        raise UsageError(_lock_file(path))
    if not zipfile.is_zipfile(path):
        raise UsageError(_not_a_workbook(path))
    try:
        book = load_workbook(path, data_only=True)
    except Exception:  # openpyxl raises many kinds for a zip that is not a workbook  # noqa: BLE001
        raise UsageError(_not_a_workbook(path)) from None
    name = display_path(path)
    formulas = _formulas(path)
    sheets = []
    for k, ws in enumerate(book.worksheets):
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in ws.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    origin[(r, c)] = (merged.min_row, merged.min_col)
        values = {}
        for r, row in enumerate(ws.iter_rows(values_only=True), 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    values[(r, c)] = value
        rows = []
        for r in range(1, ws.max_row + 1):
            cells = []
            for c in range(1, ws.max_column + 1):
                at = origin.get((r, c), (r, c))
                value = values.get(at)
                cells.append(Cell(cell_text(value), *at, value, value is None and (k, *at) in formulas))
            rows.append((r, cells))
        sheets.append(Sheet(ws.title, name, rows, hidden=ws.sheet_state != "visible"))
    return sheets


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
"""A cell's formula element in a worksheet's XML (not <formula1> of a drop-down list)."""


def _formulas(path: Path) -> set[tuple[int, int, int]]:
    """(sheet index, row, column) of every formula cell. Excel and WPS save a formula with its
    result, which is what is read; the workbook is read a second time, for its formulas, only
    when one of its sheets has any (most clerks' sheets have none)."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        if not any(_FORMULA.search(archive.read(info)) for info in archive.infolist()
                   if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            return set()
    book = load_workbook(path)
    return {(k, r, c) for k, ws in enumerate(book.worksheets) for r, row in enumerate(ws.iter_rows(), 1)
            for c, cell in enumerate(row, 1) if cell.data_type == "f"}


def decode_csv(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes) or GBK, as Excel and WPS save CSV in China.

    A file that is neither is reported at the line of its first broken byte: a UTF-8 file
    (Chinese read well up to there) is not taken for GBK, nor a GBK file with one damaged
    byte for anything else."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError([Problem(display_path(path), 1, 1, "", "文件是 UTF-16 编码（Excel 的“Unicode 文本”）：请在 Excel 或 WPS 中"
                                                                 "“另存为”CSV UTF-8（逗号分隔）后重新导入")])
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
        raise UsageError(f"无法读取 {display_path(path)}：{exc.strerror or '读取出错'}") from None
    text = decode_csv(path, raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start = [], 1
    for record in reader:
        cells = []
        for c, typed in enumerate(record, 1):
            value = csv_cell_back(typed)  # docgen's own export marks formula-like text with "'"
            cells.append(Cell(cell_text(value), start, c, value if value.strip() else None))
        rows.append((start, cells))
        start = reader.line_num + 1
    return [Sheet("", display_path(path), rows)]


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file, as cells."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"找不到文件 {display_path(path)}")
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path)
    if suffix == ".csv":
        return _csv(path)
    hint = "（旧版 .xls 请在 Excel 或 WPS 中“另存为”.xlsx）" if suffix == ".xls" else ""
    raise UsageError(f"只能导入 .xlsx 或 .csv 文件，而不是 {suffix or '无扩展名的文件'}{hint}")


# ------------------------------------------------------------------ finding the header


def is_blank(cells: list[Cell]) -> bool:
    return all(not c.text.strip() for c in cells)


def own_cells(cells: list[Cell], row: int) -> list[tuple[int, Cell]]:
    """(column, cell) of the cells typed in this row: not the rest of a cell merged from above or the left."""
    return [(col, c) for col, c in enumerate(cells, 1) if (c.row, c.col) == (row, col)]


def first_row(sheet: Sheet) -> tuple[int, list[Cell]] | None:
    return next(((r, cells) for r, cells in sheet.rows if not is_blank(cells)), None)


def find_header(sheet: Sheet, key_of: Callable[[str], str | None], is_header: Callable[[set[str]], bool]) -> bool:
    """Find the header row: the first of the first rows that hold anything whose column names
    (``key_of`` reads one) satisfy ``is_header``. Title rows above it are skipped."""
    seen = 0
    for r, cells in sheet.rows:
        if is_blank(cells):
            continue
        seen += 1
        keys = {key for _, c in own_cells(cells, r) if (key := key_of(c.text)) is not None}
        if is_header(keys):
            sheet.header_row = r
            return True
        if seen >= HEADER_SEARCH_ROWS:
            break
    return False


def clean_header(text: str) -> str:
    """备  注 -> 备注, 县(市、区) -> 县（市、区）, *受援学校： -> 受援学校."""
    text = re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").strip("*＊:：")
    return text.upper()
