"""The next cycle of a programme: a new programme folder made from an ended one.

``next_cycle`` copies ``programme.yaml`` (comments, key order and layout kept: the round-trip
parser every importer writes with), the pairing files and the seal images into a new folder,
and leaves last year's work where it is:

- the cycle moves to the new dates (the same number of years and the same way of counting them);
- the old year is replaced by the new one only where the text plainly names the programme's own
  year ("高台县2020年中小学结对帮扶工作实施方案", "2020年结对帮扶工作总结"); every other mention of
  an old year (a 文号 such as 高教发〔2020〕12号, "2020年中共中央……", a deadline "2023年12月底前")
  stays and is listed to check, with its file, line and field;
- what a pairing wrote or signed for last year (its summaries, monthly plan, signing dates, the
  dates of its people pairs, its own cycle) and the notices' and steps' dates are left out and
  listed; activities/ and evidence/ are not copied (they stay in the old folder).

The folder is written as a whole or not at all: into a hidden sibling folder first, then renamed.
Both the command line (``docgen new programme``) and the workspace call this one function.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from ..errors import DocgenError, InputError, Problem, SourceError, UsageError, display_path
from ..text import cn_date
from .folder import PAIRINGS_DIR, PROGRAMME_FILE, load_programme, outside_link, validate_source
from .inside import inside
from .model.common import ID_RE
from .model.cycle import Cycle, YearBasis
from .model.programme import Programme
from .roundtrip import dump, guess_layout, round_trip_yaml
from .yaml_source import Loc, format_loc, parse, read, read_text

SEALS_DIR = "seals"
LEFT_BEHIND = ("activities", "evidence")
"""Folders of last year's work: never copied."""

PEOPLE_PAIRS = {"leader_pairs": "校级领导结对", "middle_manager_pairs": "中层干部结对",
                "group_pairs": "教研组结对", "teacher_pairs": "师徒结对"}
PLACED = {"secondments": "挂职", "placements": "支教、跟岗"}
PAIR_DATES = {"start": "开始日期", "end": "结束日期", "signed_on": "责任书签订日期", "reason": "开始或结束的原因"}
PAIRING_FIELDS = {
    "summaries": "上一年度的年度工作总结",
    "monthly_plan": "上一年度的月度工作计划",
    "signed_on": "上一周期协议的签订日期",
    "confirmed_on": "主管部门确认上一周期协议的日期",
    "cycle": "本结对上一周期的起止日期（新周期用方案的帮扶周期；双方另有商定的请重新填写）",
}
NOTICE_DATES = {"date": "成文日期", "printed_on": "印发日期", "deadline": "报送截止日期"}

_STOP = "，。；：、！？,;:!?\n（）()《》“”\"【】[]"
_A_DATE_AFTER = re.compile(r"\s*\d|底|初|末|前|后|以来|内|上半年|下半年|春|秋|寒假|暑假")
"""What follows "2020年" when it is a date or a time of that year, never a programme's year."""
_YEAR = re.compile(r"(?<![\d〔\[［(（])(\d{4})(年度|年)")
_SCHOOL_YEAR = re.compile(r"(?<!\d)(\d{4})([—–-])(\d{4})(学年度|学年)")
_OWN_WORK = ("帮扶", "结对")


@dataclass(frozen=True)
class Note:
    """One line of what the command tells: a place in the new folder (``rel``: the file
    relative to it; line 0: the whole file) and what was done there or should be checked."""

    rel: str
    line: int
    column: int
    field: str
    message: str
    old: bool = False
    """The place is in the old folder (what was left there), not in the new one."""

    def problem(self, made: NextCycle) -> Problem:
        root = made.source if self.old else made.target
        return Problem(display_path(root / self.rel), self.line, self.column, self.field, self.message)


@dataclass
class NextCycle:
    """What ``next_cycle`` made (or, with ``dry_run``, would make)."""

    source: Path
    target: Path
    old_start: dt.date
    old_end: dt.date
    start: dt.date
    end: dt.date
    title: str = ""
    pairings: int = 0
    seals: int = 0
    replaced: list[Note] = field(default_factory=list)
    """Old years replaced by the new one (the text as it now reads)."""
    left_out: list[Note] = field(default_factory=list)
    """What belonged to last year and was not carried over, and why."""
    to_check: list[Note] = field(default_factory=list)
    """Texts that still name an old year (or are last year's by their nature): not changed."""
    comments: dict[str, list[int]] = field(default_factory=dict)
    """Lines of comments (never printed in documents) naming an old year, by file."""
    not_copied: list[str] = field(default_factory=list)
    """Folders and files of the old programme left where they are (活动记录 activities/（12 个文件）)."""
    problems: list[Problem] = field(default_factory=list)
    """What ``docgen validate`` says of the new folder: what the clerk must still fill in."""
    written: bool = False

    @property
    def old_years(self) -> str:
        first, last = self.old_start.year, self.old_end.year
        return str(first) if first == last else f"{first}—{last}"

    def cycle_words(self) -> str:
        return f"{cn_date(self.start)}至{cn_date(self.end)}"


# ------------------------------------------------------------------ dates of the new cycle


def new_cycle(old: Cycle, start: dt.date | None) -> tuple[dt.date, dt.date | None]:
    """The new cycle's start (by default the day after the old one ends) and the end to write
    (None: leave it to the years, as the old file did). The number of years and how they are
    counted stay; an end the old file wrote is moved along: to the end of the new last year
    when it was the end of the old last year, else by the old cycle's length in days."""
    old_end = old.end
    assert old_end is not None  # set by the model
    start = start or old_end + dt.timedelta(days=1)
    if start <= old_end:
        raise UsageError(f"新周期的开始日期 {cn_date(start)} 不晚于上一周期的结束日期 {cn_date(old_end)}："
                         "两个周期不能重叠，请写上一周期结束之后的日期")
    natural = Cycle(start=old.start, years=old.years, basis=old.basis).end
    moved = Cycle(start=start, years=old.years, basis=old.basis)
    if "end" not in old.model_fields_set:
        return start, None
    if old_end == natural:
        return start, moved.end
    return start, start + (old_end - old.start)


# ------------------------------------------------------------------ years in the text


def _in_quotes(text: str, at: int) -> tuple[int, int] | None:
    """The span of the 《…》 that position ``at`` is inside, or None."""
    opening = text.rfind("《", 0, at)
    if opening < 0 or text.rfind("》", 0, at) > opening:
        return None
    closing = text.find("》", at)
    return (opening + 1, closing) if closing >= 0 else None


def _clause_after(text: str, at: int) -> str:
    end = at
    while end < len(text) and text[end] not in _STOP:
        end += 1
    return text[at:end]


def replace_years(text: str, shift: dict[int, int], own_names: set[str]) -> str:
    """``text`` with the programme's own year moved on: "2020年"/"2020年度"/"2022—2023学年" of
    an old cycle year (a key of ``shift``) when what follows in the same clause is the
    programme's work (帮扶、结对) and it is not a date (2020年3月, 2023年底前). Inside 《…》
    only when the title is the programme's own (``own_names``): another document's title is a fact."""
    def keep_quoted(m: re.Match) -> bool:
        span = _in_quotes(text, m.start())
        return span is not None and text[span[0]:span[1]] not in own_names

    def year(m: re.Match) -> str:
        old = int(m.group(1))
        after = text[m.end():]
        if old not in shift or keep_quoted(m) or _A_DATE_AFTER.match(after):
            return m.group(0)
        if not any(w in _clause_after(text, m.end()) for w in _OWN_WORK):
            return m.group(0)
        return f"{shift[old]}{m.group(2)}"

    def school(m: re.Match) -> str:
        first, second = int(m.group(1)), int(m.group(3))
        if first not in shift or second != first + 1 or keep_quoted(m):
            return m.group(0)
        if not any(w in _clause_after(text, m.end()) for w in _OWN_WORK):
            return m.group(0)
        return f"{shift[first]}{m.group(2)}{shift[first] + 1}{m.group(4)}"

    return _YEAR.sub(year, _SCHOOL_YEAR.sub(school, text))


def _names_year(text: str, years: set[int]) -> bool:
    return any(int(y) in years for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", text))


def _like(old: Any, text: str) -> Any:
    """``text`` in the scalar style of ``old`` (folded ``>-`` stays folded, at the same places:
    a year replaced by a year keeps the length)."""
    if type(old) is str:
        return text
    new = type(old)(text)
    for attr in ("fold_pos", "comment"):
        if hasattr(old, attr):
            with contextlib.suppress(AttributeError):
                setattr(new, attr, getattr(old, attr))
    return new


def _walk(node: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any, Any]]:
    """(loc, parent, key) of every scalar below ``node``."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, (dict, list)):
            yield from _walk(value, (*loc, key))
        else:
            yield (*loc, key), node, key


FACTS = {"policy_basis", "doc_no"}
"""Keys whose text is another document's (its title, its number): never changed."""


def _replace_in(doc: Any, shift: dict[int, int], own_names: set[str]) -> list[tuple[Loc, str, str]]:
    """Replace the programme's own year throughout ``doc``; (loc, old, new) of each change."""
    changed = []
    for loc, parent, key in _walk(doc):
        value = parent[key]
        if not isinstance(value, str) or any(part in FACTS for part in loc if isinstance(part, str)):
            continue
        new = replace_years(value, shift, own_names)
        if new != value:
            parent[key] = _like(value, new)
            changed.append((loc, str(value), new))
    return changed


def _own_names(doc: Any) -> set[str]:
    """Titles the programme gives its own documents (its title, attachments, leading group, rubric)."""
    names = set()
    if isinstance(doc, dict):
        names.add(str(doc.get("title") or ""))
        for attachment in doc.get("attachments") or []:
            if isinstance(attachment, dict):
                names.add(str(attachment.get("title") or ""))
        for key in ("leading_group", "rubric"):
            part = doc.get(key)
            if isinstance(part, dict):
                names.add(str(part.get("name") or part.get("title") or ""))
    return {n for n in names if n}


# ------------------------------------------------------------------ the files


def _load_rt(path: Path, rel: str) -> tuple[Any, str]:
    text = read_text(path)  # decoded as the loader does (encodings)
    try:
        return round_trip_yaml(guess_layout(text)).load(text), text
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise InputError([Problem(display_path(path), line, 0, "", f"文件无法读取（{exc.__class__.__name__}），"
                                  "请先用 docgen validate 检查并改正")],
                         preface=f"上一周期的 {rel} 有错误，未新建方案：") from None


def _located(text: str, rel: str, items: list[tuple], old: bool = False) -> list[Note]:
    """Notes at the places ``items`` (loc, message[, words]) name in the file's ``text`` (line
    and column; of the words, in a text of several lines); ``old``: the old folder's file."""
    try:
        source = parse(Path(rel), text)
    except DocgenError:
        return [Note(rel, 0, 0, format_loc(loc), message, old) for loc, message in items]
    lines = text.splitlines()
    out = []
    for loc, message, *needle in items:
        try:
            line, column = source.position(loc, key=old)
        except (KeyError, IndexError):
            line, column = 0, 0
        if needle and line:  # a text of several lines: the line that says it
            found = next((n for n in range(line, min(line + 60, len(lines)) + 1) if needle[0] in lines[n - 1]), 0)
            if found and found != line:
                line, column = found, lines[found - 1].index(needle[0]) + 1
        out.append(Note(rel, line, column, format_loc(loc), message, old))
    return out


def _quote(text: str, years: set[int], width: int = 24) -> str:
    """The words around the first old year in ``text``."""
    m = re.search("|".join(str(y) for y in sorted(years)), text)
    at = m.start() if m else 0
    begin, end = max(0, at - width // 2), min(len(text), max(0, at - width // 2) + width)
    while begin > 0 and text[begin].isdigit() and text[begin - 1].isdigit():  # never half a number: 12月, not 2月
        begin -= 1
    while end < len(text) and text[end].isdigit() and text[end - 1].isdigit():
        end += 1
    piece = text[begin:end].replace("\n", " ")
    return ("…" if begin else "") + piece + ("…" if end < len(text) else "")


def _still_old(doc: Any, years: set[int]) -> list[tuple[Loc, str, str]]:
    """Every value of ``doc`` that still names an old year (text or a date); the new cycle aside."""
    out = []
    for loc, parent, key in _walk(doc):
        value = parent[key]
        if loc[:1] == ("cycle",):
            continue
        if isinstance(value, dt.date) and value.year in years:
            out.append((loc, f"日期 {value} 是上一周期的，请改为新周期的日期或删除", str(value)))
        elif isinstance(value, str) and _names_year(value, years):
            if any(part == "doc_no" for part in loc):
                why = "文号是上一周期发文的，没有改动；新一期另行发文的，请改为新文号"
            elif any(part == "policy_basis" for part in loc):
                why = "依据文件的标题或文号，没有改动"
            else:
                why = "仍写着上一周期的年份，没有自动改（可能是文号、日期或当年的事实），请核对"
            found = re.search(r"(?<!\d)(?:" + "|".join(map(str, sorted(years))) + r")(?!\d)", value)
            out.append((loc, f"“{_quote(value, years)}”：{why}", found.group(0) if found else ""))
    return out


def _said(old: str, new: str, shift: dict[int, int]) -> str:
    """What a replacement changed, as the clerk checks it: the new words, and the years."""
    years = sorted({(a, b) for a, b in shift.items() if str(a) in old})
    moved = "、".join(f"{a} → {b}" for a, b in years)
    return f"已把年份改为新周期的（{moved}）：“{_quote(new, set(shift.values()))}”"


def _first_new(old: str, new: str) -> str:
    """The new year at the first place ``new`` differs from ``old`` (where to point the clerk)."""
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), 0)
    start = max(0, at - 3)
    return new[start:at + 4]


def _comment_lines(text: str, years: set[int]) -> list[int]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = re.search(r"(^|\s)#", line)
        if m and _names_year(line[m.end():], years):
            out.append(number)
    return out


def _tail(node: Any) -> tuple[dict, Any, int] | None:
    """Where the round-trip parser keeps the comment lines after ``node`` (those before the key
    that follows it): the comment slot of its deepest last item."""
    while True:
        if isinstance(node, CommentedMap) and node:
            key: Any = list(node)[-1]
            slot = 2
        elif isinstance(node, CommentedSeq) and node:
            key, slot = len(node) - 1, 0
        else:
            return None
        child = node[key]
        if isinstance(child, (CommentedMap, CommentedSeq)) and child and not child.fa.flow_style():
            node = child
            continue
        return node.ca.items, key, slot


def _delete(mapping: CommentedMap, key: str) -> None:
    """Delete ``key``, keeping the comment lines written after its value (at the left margin:
    they introduce the key that follows) with the key before it."""
    keys = list(mapping)
    position = keys.index(key)
    tail = _tail(mapping[key])
    lines: list[str] = []
    if tail is not None:
        items, at, slot = tail
        token = (items.get(at) or [None] * 4)[slot] if at in items else None
        if isinstance(token, CommentToken):
            lines = [line for line in token.value.split("\n")[1:] if line.startswith("#")]
    del mapping[key]
    if not lines or position == 0:
        return
    before = keys[position - 1]
    target = _tail(mapping[before]) if isinstance(mapping[before], (CommentedMap, CommentedSeq)) else None
    if target is None or (isinstance(mapping[before], (CommentedMap, CommentedSeq)) and mapping[before].fa.flow_style()):
        target = (mapping.ca.items, before, 2)
    items, at, slot = target
    entry = items.setdefault(at, [None, None, None, None] if slot == 2 else [None, None])
    token = entry[slot]
    text = "\n".join(lines) + "\n"
    if isinstance(token, CommentToken):
        token.value = token.value.rstrip("\n") + "\n" + text
    else:
        entry[slot] = CommentToken("\n" + text, CommentMark(0), None)


def _drop_dates(doc: CommentedMap, rel: str, old_end: dt.date) -> list[tuple[Loc, str]]:
    """Last year's facts taken out of a pairing file (in place); (loc, why) of each."""
    out: list[tuple[Loc, str]] = []
    for key, why in PAIRING_FIELDS.items():
        if key in doc:
            value = doc[key]
            if key == "summaries" and isinstance(value, list):
                years = "、".join(str(s.get("year")) for s in value if isinstance(s, dict))
                why = f"{why}（{years}）" if years else why
            elif key == "monthly_plan" and isinstance(value, list):
                why = f"{why}（{len(value)} 个月）"
            _delete(doc, key)
            out.append(((key,), why))
    for key, words in {**PEOPLE_PAIRS, **PLACED}.items():
        pairs = doc.get(key)
        if not isinstance(pairs, CommentedSeq):
            continue
        for index in reversed(range(len(pairs))):
            pair = pairs[index]
            if not isinstance(pair, CommentedMap):
                continue
            end = pair.get("end")
            if isinstance(end, dt.date) and end <= old_end:
                del pairs[index]
                out.append(((key, index), f"{words}已于 {cn_date(end)} 结束，没有带到新周期"))
                continue
            if key in PLACED:
                continue  # its dates are its own (required): listed as an old date to check
            dropped = [words_ for name, words_ in PAIR_DATES.items() if name in pair]
            for name in PAIR_DATES:
                pair.pop(name, None)
            if dropped:
                out.append(((key, index), f"{words}上一周期的{'、'.join(dropped)}已去掉（新周期从头开始）"))
        if not pairs:
            _delete(doc, key)
    return out


def _drop_programme_dates(doc: CommentedMap) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for index, notice in enumerate(doc.get("notices") or []):
        if not isinstance(notice, CommentedMap):
            continue
        for key, words in NOTICE_DATES.items():
            if key in notice:
                out.append((("notices", index, key), f"通知的{words} {notice[key]} 是上一周期的，已去掉，请填写新的{words}"))
                del notice[key]
    for index, step in enumerate(doc.get("steps") or []):
        if not isinstance(step, CommentedMap):
            continue
        for key in ("start", "end"):
            if key in step:
                out.append((("steps", index, key), f"实施步骤的日期 {step[key]} 是上一周期的，已去掉，请填写新周期的日期"))
                del step[key]
    return out


# ------------------------------------------------------------------ the folder


def _check_target(source: Path, target: Path) -> None:
    if not ID_RE.match(target.name):
        raise UsageError(f"新方案的文件夹名“{target.name}”中不能有空格和 / \\ : * ? \" < > | 等字符，也不能以“.”开头，"
                         "如 gaotai-2021")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{display_path(target)} 已存在，且不是空文件夹：docgen 不会覆盖已有的文件，请换一个新文件夹名")
    src, dst = source.resolve(), target.resolve()
    if dst == src or src in dst.parents:
        raise UsageError(f"新方案的文件夹不能放在上一周期的文件夹 {display_path(source)} 里面，请与它并列（如 data/下）")
    if not target.parent.is_dir():
        raise UsageError(f"找不到目录 {display_path(target.parent)}：新方案的文件夹要放在已有的目录中（通常是 data/）")


def _count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def _move(made: Path, target: Path) -> None:
    if target.is_dir():
        target.rmdir()  # empty (checked): the new folder takes its place
    os.rename(made, target)


def next_cycle(source: Path, target: Path, start: dt.date | None = None, *, dry_run: bool = False,
               place: Callable[[Path, Path], None] | None = None) -> NextCycle:
    """Make ``target``, the next cycle of the programme in ``source`` (see the module's text).
    ``place(made, target)`` puts the finished folder in its place (the workspace journals the
    files it writes); by default it is renamed. Raises ``UsageError`` or ``InputError`` (in
    Chinese, naming the file, line and field) before anything is written."""
    source, target = Path(source), Path(target)
    if not (source / PROGRAMME_FILE).is_file():
        raise UsageError(f"{display_path(source)} 不是方案目录（没有 {PROGRAMME_FILE}）")
    _check_target(source, target)
    try:
        outside_link(source, source / PROGRAMME_FILE)  # nothing outside a programme folder is ever read
        programme = validate_source(read(source / PROGRAMME_FILE), Programme)
    except SourceError as error:
        raise InputError(error.problems, preface=f"上一周期的方案文件有错误，未新建方案（请先改正 "
                                                 f"{display_path(source / PROGRAMME_FILE)}）：") from None
    old = programme.cycle
    assert old.end is not None
    new_start, written_end = new_cycle(old, start)
    moved = Cycle(start=new_start, years=old.years, end=written_end, basis=old.basis)
    assert moved.end is not None
    result = NextCycle(source, target, old.start, old.end, new_start, moved.end)
    shift = {y.start.year: m.start.year for y, m in zip(old.cycle_years, moved.cycle_years, strict=False)}
    if old.basis == YearBasis.school:  # a school year is named by the year it starts in
        shift = {y.start.year if y.start.month >= 7 else y.start.year - 1:
                 m.start.year if m.start.month >= 7 else m.start.year - 1
                 for y, m in zip(old.cycle_years, moved.cycle_years, strict=False)}
    old_years = {y for y in range(old.start.year, old.end.year + 1) if y < new_start.year}
    """Years only the old cycle has (2025 of a cycle ending in August 2025 is the new one's too)."""

    made = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
    try:
        os.chmod(made, stat.S_IMODE(source.stat().st_mode))  # as the old folder (mkdtemp's is the owner's alone)
        _write(source, made, result, shift, old_years, written_end)
        loaded = load_programme(made)
        shown_made, shown_target = display_path(made), display_path(target)
        result.problems = [Problem(p.file.replace(shown_made, shown_target, 1), p.line, p.column, p.field, p.message,
                                   p.place) for p in loaded.problems]
        if loaded.programme is not None:
            result.title = loaded.programme.title
        if not dry_run:
            (place or _move)(made, target)
            result.written = True
    finally:
        if made.exists():
            shutil.rmtree(made, ignore_errors=True)
    return result


def _write(source: Path, made: Path, result: NextCycle, shift: dict[int, int], old_years: set[int],
           written_end: dt.date | None) -> None:
    # programme.yaml
    doc, original = _load_rt(source / PROGRAMME_FILE, PROGRAMME_FILE)
    if not isinstance(doc, CommentedMap):
        raise UsageError(f"{display_path(source / PROGRAMME_FILE)} 的最外层不是“键: 值”形式，未新建方案")
    cycle = doc["cycle"]
    cycle["start"] = result.start
    if written_end is not None:
        cycle["end"] = written_end
    elif "end" in cycle:
        del cycle["end"]
    left = _drop_programme_dates(doc)
    changed = _replace_in(doc, shift, _own_names(doc))
    text = dump(doc, guess_layout(original))
    (made / PROGRAMME_FILE).write_text(text, encoding="utf-8")
    result.replaced += _located(text, PROGRAMME_FILE, [(loc, _said(old, new, shift), _first_new(old, new))
                                                       for loc, old, new in changed])
    result.left_out += _located(original, PROGRAMME_FILE, left, old=True)
    result.to_check += _located(text, PROGRAMME_FILE, _still_old(doc, old_years))
    result.comments[PROGRAMME_FILE] = _comment_lines(text, old_years)

    # pairings/
    pairings = source / PAIRINGS_DIR
    (made / PAIRINGS_DIR).mkdir()
    for path in sorted(pairings.iterdir()) if pairings.is_dir() and inside(source, pairings) else []:
        if path.name.startswith(".") or not path.is_file():
            continue
        rel = f"{PAIRINGS_DIR}/{path.name}"
        if path.suffix not in (".yaml", ".yml") or not inside(source, path):  # (a link out is not copied)
            result.not_copied.append(rel)
            continue
        pairing, original = _load_rt(path, rel)
        if not isinstance(pairing, CommentedMap):
            shutil.copyfile(path, made / rel)  # copied as it is: validate names what is wrong with it
            result.pairings += 1
            continue
        dropped = _drop_dates(pairing, rel, result.old_end)
        changed = _replace_in(pairing, shift, set())
        text = dump(pairing, guess_layout(original))
        (made / rel).write_text(text, encoding="utf-8")
        result.pairings += 1
        result.left_out += _located(original, rel, dropped, old=True)
        result.replaced += _located(text, rel, [(loc, _said(old, new, shift), _first_new(old, new))
                                                for loc, old, new in changed])
        check = _still_old(pairing, old_years)
        if pairing.get("key_target"):
            check.append((("key_target",), "年度重点帮扶目标是上一年度商定的，请与学校核对，新一年度的目标不同时请改写", ""))
        result.to_check += _located(text, rel, check)
        lines = _comment_lines(text, old_years)
        if lines:
            result.comments[rel] = lines

    # seals/ (images), and what stays behind
    seals = source / SEALS_DIR
    if seals.is_dir() and inside(source, seals):
        (made / SEALS_DIR).mkdir()
        for image in sorted(seals.iterdir()):
            if image.name.startswith(".") or not image.is_file():
                continue
            if inside(source, image):
                shutil.copyfile(image, made / SEALS_DIR / image.name)
                result.seals += 1
            else:  # a link out of the programme folder: not read, not copied
                result.not_copied.append(f"{SEALS_DIR}/{image.name}")
    for entry in sorted(source.iterdir()):
        if entry.name.startswith(".") or entry.name in (PROGRAMME_FILE, PAIRINGS_DIR, SEALS_DIR):
            continue
        count = _count(entry) if entry.is_dir() else 1
        result.not_copied.append(f"{entry.name}/（{count} 个文件）" if entry.is_dir() else entry.name)
