"""Rows of a pair list -> one entry per pairing (a supporter with its recipients).

How a bureau's sheet says that rows belong together:

- a merged cell, or a blank 县市区 / 支援学校 cell, means "same as above";
- rows with the same 县市区 and 支援学校 are one pairing (one supporter, several recipients);
- a cell may hold several schools, one per line or separated by 、 (or ，；), or by spaces
  between two complete school names (seed 001: "南华初中\\n南华镇中心小学及各校区\\n明水小学",
  "照中小学    霞光小学"); spaces inside one name (石门乡  田坪教学点, a typing slip) join
  it, with a warning; a piece that does not look like a school (石门乡) is a warning too, and
  separators inside brackets or quotes do not split;
- 南华镇中心小学及各校区 is the school 南华镇中心小学 with its campuses 及各校区;
- a 负责人 cell lists the supporter's lead first, then the recipients' leads in order;
  "—" (or 无) keeps the place of a school without one.

Every row that cannot be read is a located problem; nothing is guessed silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import Problem, given
from ..yaml_source import bad_char_message, bad_characters
from .sheet import COUNTY, LEAD, RECIPIENT, REMARK, SUPPORTER, Cell, Sheet, title

_LIST_SEPARATORS = re.compile(r"[、，,;；]+")
_SEPARATOR_CHARS = "、，,;；"
_OPENING, _CLOSING = "（(［[【《“\"'‘", "）)］]】》”\"'’"
_CAMPUSES = re.compile(r"^(?P<name>.+?)(?P<campuses>及.*(?:校区|教学点|分校))$")
_SCHOOL_END = ("学", "校", "中", "小", "园", "所", "点", "部", "院")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOTE = re.compile(r"^(注|备注|说明|填表人|制表人|制表|审核人)\s*[:：]")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
PLACEHOLDERS = {"—", "——", "-", "--", "－", "/", "／", "无", "空", "暂无", "待定"}
_POSITIONS = {"校长", "副校长", "执行校长", "书记", "党支部书记", "园长", "主任"}


@dataclass
class Where:
    """A cell, for problems: sheet, row, column and the column's name as typed."""

    sheet: Sheet
    row: int
    col: int
    key: str

    def problem(self, message: str) -> Problem:
        return self.sheet.problem(self.row, self.col, title(self.sheet, self.key), message)


@dataclass
class SheetSchool:
    name: str
    campuses: str
    where: Where
    lead: str | None = None

    @property
    def full_name(self) -> str:
        return self.name + self.campuses


@dataclass
class SheetPairing:
    """What the sheet says about one pairing: the fields the sheet owns."""

    no: int
    county: str
    supporter: SheetSchool
    recipients: list[SheetSchool] = field(default_factory=list)
    remark: str | None = None
    """None when the sheet has no 备注 column."""
    has_leads: bool = False
    """Whether the sheet has a 负责人 column."""
    remarks: list[tuple[str, Where]] = field(default_factory=list)
    lead_cells: list[tuple[int, int, str, Where]] = field(default_factory=list)
    """(recipients before the cell's row, recipients in its row, text, cell)."""

    @property
    def schools(self) -> list[SheetSchool]:
        return [self.supporter, *self.recipients]


def _cjk_join(left: str, right: str) -> str:
    """Join two pieces split by one space: no space between Chinese characters."""
    if left and right and _CJK.match(left[-1]) and _CJK.match(right[0]):
        return left + right
    return f"{left} {right}"


def _looks_like_school(text: str) -> bool:
    return len(text) >= 3 and text.rstrip("）)").endswith(_SCHOOL_END)


def _split_outside_brackets(line: str) -> list[str]:
    """Split at 、，,;； except inside brackets or quotes: 某校（含甲校区、乙校区） is one school,
    and so is a name like =HYPERLINK("a","b") that docgen itself exported."""
    parts, current, depth = [], "", 0
    for ch in line:
        if ch in _OPENING and not (ch in _CLOSING and depth):
            depth += 1
        elif ch in _CLOSING and depth:
            depth -= 1
        if ch in _SEPARATOR_CHARS and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def read_school_cell(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """A school cell -> ([(name, campuses)], notes): lines and 、 separate schools; spaces
    separate two complete school names only (照中小学 霞光小学, 正远小学    西八里小学), never a
    name from a piece that is not one (石门乡  田坪教学点 is one school, however many spaces).

    The notes say what a clerk should check: spaces read as part of one name, and a piece
    that does not look like a school (石门乡、田坪教学点 gives 石门乡)."""
    notes: list[str] = []
    pieces: list[str] = []
    for line in text.split("\n"):
        for part in _split_outside_brackets(line):
            tokens = re.split(r"(\s+)", part.strip())
            current = tokens[0]
            for sep, word in zip(tokens[1::2], tokens[2::2], strict=False):
                if _looks_like_school(current) and _looks_like_school(word):
                    pieces.append(current)
                    current = word
                    continue
                wide = len(sep) >= 2 or "\t" in sep or "\u3000" in sep
                if wide and not word.startswith("及"):
                    joined = _cjk_join(current, word)
                    notes.append(f"“{current}{sep}{word}”中间有 {len(sep)} 个空白，因两边不都像完整的校名，已读作一所学校"
                                 f"“{joined}”；如果是两所学校，请用顿号“、”或换行隔开")
                current = _cjk_join(current, word)
            pieces.append(current)
    merged: list[str] = []
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if piece.startswith("及") and merged:
            merged[-1] += piece  # 南华镇中心小学  及各校区
        else:
            merged.append(piece)
    out = []
    for piece in merged:
        m = _CAMPUSES.match(piece)
        out.append((m.group("name"), m.group("campuses")) if m else (piece, ""))
    if len(out) > 1:
        for name, _ in out:
            if not _looks_like_school(name):
                notes.append(f"这一格分出了 {len(out)} 所学校，其中“{name}”不像完整的学校名称（{len(name)} 个字，"
                             f"不以学、校、园等结尾）：请核对是否把一所学校拆成了两所（{'、'.join(n + c for n, c in out)}）")
    return out, notes


def split_schools(text: str) -> list[tuple[str, str]]:
    """A school cell -> [(name, campuses)] (see ``read_school_cell``)."""
    return read_school_cell(text)[0]


def split_names(text: str) -> list[str | None]:
    """A 负责人 cell -> names in order, None for a placeholder (—, 无).

    Lines and 、 separate names; spaces do too, except inside a two-character name padded to
    the width of three (吴  斌), and post titles after a name (刘天彪 校长) are dropped."""
    out: list[str | None] = []
    for line in text.split("\n"):
        for part in _LIST_SEPARATORS.split(_PAREN.sub("", line)):
            singles: list[str] = []
            for token in part.split():
                if token in PLACEHOLDERS or len(token) != 1:
                    if singles:
                        out.append("".join(singles))
                        singles = []
                    if token in PLACEHOLDERS:
                        out.append(None)
                    elif token not in _POSITIONS:
                        out.append(token)
                else:
                    singles.append(token)
            if singles:
                out.append("".join(singles))
    return out


def _county(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("／", "/")


def _is_note(cells: list[Cell], row: int) -> bool:
    own = [c.text.strip() for col, c in enumerate(cells, 1) if (c.row, c.col) == (row, col) and c.text.strip()]
    return len(own) == 1 and bool(_NOTE.match(own[0]))


def _cell(sheet: Sheet, cells: list[Cell], row: int, key: str) -> tuple[Cell, Where] | None:
    col = sheet.columns.get(key)
    if col is None:
        return None
    cell = cells[col - 1] if col - 1 < len(cells) else Cell("", row, col)
    return cell, Where(sheet, row, col, key)


def _school(name: str, campuses: str, where: Where, problems: list[Problem]) -> SheetSchool | None:
    if not name:
        problems.append(where.problem(f"“{campuses}”前面缺少学校名称"))
        return None
    hits = bad_characters(name + campuses)
    if hits:
        problems.append(where.problem(bad_char_message(hits[0][1])))
        return None
    return SheetSchool(name, campuses, where)


def read_pairings(sheets: list[Sheet], county: str = "") -> tuple[list[SheetPairing], list[Problem], list[Problem]]:
    """The pairings of every sheet (header already read), in the order the sheet lists them;
    the problems that stop the import; and warnings (cells read in a way a clerk should check).

    ``county`` is the county of rows that give none (and of sheets without a 县市区 column)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    by_key: dict[tuple[str, str], SheetPairing] = {}
    default = _county(county) or None
    for sheet in sheets:
        row_county = default
        supporter: SheetSchool | None = None
        for r, cells in sheet.rows:
            if r <= sheet.header_row:
                continue
            if all(not c.text.strip() or (c.row, c.col) != (r, col) for col, c in enumerate(cells, 1)):
                continue  # blank, or only the rest of cells merged from above
            if _is_note(cells, r):
                continue
            row_ok = True
            found = _cell(sheet, cells, r, COUNTY)
            if found and _county(found[0].text):
                row_county = _county(found[0].text)
            elif row_county is None:  # so there is a 县市区 column: without one a county must be given
                problems.append(given(found, "a 县市区 column")[1].problem("县市区为空，上面也没有可沿用的县市区"))
                row_ok = False
            cell, where = given(_cell(sheet, cells, r, SUPPORTER), "a 支援学校 column (a required column)")
            named, notes = read_school_cell(cell.text)
            warnings += [where.problem(note) for note in notes if (cell.row, cell.col) == (r, where.col)]
            if len(named) > 1:
                problems.append(where.problem(f"一行只能有一所支援学校，这里有 {len(named)} 所（{'、'.join(n + c for n, c in named)}）；"
                                              "一所支援学校帮扶多所学校时，把受援学校写在同一格或下面几行"))
                row_ok = False
            elif named:
                supporter = _school(*named[0], where, problems)
                row_ok = row_ok and supporter is not None
            elif supporter is None:
                problems.append(where.problem("支援学校为空，上面也没有可沿用的支援学校"))
                row_ok = False
            cell, rwhere = given(_cell(sheet, cells, r, RECIPIENT), "a 受援学校 column (a required column)")
            recipients: list[SheetSchool] = []
            if (cell.row, cell.col) == (r, rwhere.col):
                named, notes = read_school_cell(cell.text)
                warnings += [rwhere.problem(note) for note in notes]
                if not named:
                    problems.append(rwhere.problem("受援学校为空：请填写受援学校的全称；受援学校还没有确定的，请先删除这一行"
                                                   "（或把这一行移到表格之外），确定后再导入"))
                    row_ok = False
                for name, campuses in named:
                    school = _school(name, campuses, rwhere, problems)
                    row_ok = row_ok and school is not None
                    if school is not None:  # (else the row is not ok and is left out below)
                        recipients.append(school)
            if not row_ok or supporter is None or row_county is None:  # (an ok row has both)
                continue
            key = (row_county, supporter.name)
            pairing = by_key.get(key)
            if pairing is None:
                pairing = by_key[key] = SheetPairing(len(by_key) + 1, row_county, supporter, has_leads=LEAD in sheet.columns)
                if REMARK in sheet.columns:
                    pairing.remark = ""
            elif supporter.campuses and not pairing.supporter.campuses:
                pairing.supporter.campuses = supporter.campuses
            before = len(pairing.recipients)
            pairing.recipients += recipients
            found = _cell(sheet, cells, r, REMARK)
            if found and found[0].text.strip():
                pairing.remarks.append((found[0].text.strip(), found[1]))
            found = _cell(sheet, cells, r, LEAD)
            if found and found[0].text.strip() and (found[0].row, found[0].col) == (r, found[1].col):
                pairing.lead_cells.append((before, len(recipients), found[0].text, found[1]))
    pairings = list(by_key.values())
    for pairing in pairings:
        _finish(pairing, problems)
    return pairings, problems, warnings


def _finish(pairing: SheetPairing, problems: list[Problem]) -> None:
    """Remark, leads and the checks that need the whole pairing."""
    sup = pairing.supporter
    seen: dict[str, SheetSchool] = {}
    for school in pairing.recipients:
        if school.name == sup.name:
            problems.append(school.where.problem(f"受援学校“{school.name}”与支援学校相同"))
        elif school.name in seen:
            first = seen[school.name].where
            problems.append(school.where.problem(f"受援学校“{school.name}”在{sup.name}的结对中重复（第一次在第 {first.row} 行）"))
        else:
            seen[school.name] = school
    if pairing.remarks:
        text, where = pairing.remarks[0]
        pairing.remark = text
        for other, at in pairing.remarks[1:]:
            if other != text:
                problems.append(at.problem(f"同一结对（{sup.name}，{pairing.county}）的备注不一致："
                                           f"第 {where.row} 行是“{text}”，这里是“{other}”；请只在一行写备注或写成相同的"))
    _assign_leads(pairing, problems)


def _assign_leads(pairing: SheetPairing, problems: list[Problem]) -> None:
    schools = pairing.schools
    for before, in_row, text, where in pairing.lead_cells:
        names = split_names(text)
        start = 0 if before == 0 else before + 1
        if start and names and names[0] is not None and names[0] == schools[0].lead and len(names) == in_row + 1:
            names = names[1:]  # the supporter's lead repeated on every row of the pairing
        for offset, name in enumerate(names):
            position = start + offset
            if position >= len(schools):
                extra = "、".join(n for n in names[offset:] if n)
                problems.append(where.problem(
                    f"负责人比学校多：“{extra}”没有对应的学校。第一个姓名是支援学校{schools[0].name}的负责人，"
                    f"其后依次是受援学校（{'、'.join(s.full_name for s in schools[1:])}）的负责人；"
                    "某校没有负责人时写“—”占位"))
                break
            if name is None:
                continue
            school = schools[position]
            if school.lead is not None and school.lead != name:
                problems.append(where.problem(f"{school.full_name}的负责人写了两个不同的姓名：“{school.lead}”和“{name}”"))
                continue
            school.lead = name
