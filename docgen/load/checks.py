"""Cross-field checks that a schema alone cannot express, each pointing at a field.

Field types are checked by the models; this module checks how fields relate: dates in
order, names that refer to other names, totals that must add up, files that must exist.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, display_path, given
from ..text import school_year
from .agreeing import commitment_problems, indicator_problem
from .images import prepare_hint, seal_problem
from .inside import resolved, roots_resolved_once
from .messages import suggest
from .model.common import ID_RE, Block, blanks_in
from .model.cycle import Cycle
from .model.pairing import GroupPair, ManagerPair, Pairing, Placement, Secondment, TeacherPair
from .model.programme import AttachmentContent as AC
from .model.programme import Programme
from .yaml_source import Source

_looked_at: contextvars.ContextVar[dict | None] = contextvars.ContextVar("docgen_files_looked_at", default=None)


@contextlib.contextmanager
def files_looked_at_once() -> Iterator[None]:
    """Within this block, each file a YAML value names is looked at once: a thousand pairings
    name the same seal image, a thousand records the same evidence file (one load)."""
    token = _looked_at.set({})
    try:
        with roots_resolved_once():
            yield
    finally:
        _looked_at.reset(token)


def programme_file(root: Path, value: str, what: str, *, png: bool = False) -> str:
    """The problem with a file a YAML value names (a seal image, evidence), or "".

    Files are resolved inside the programme folder only."""
    memo = _looked_at.get()
    if memo is None:
        return _programme_file(root, value, what, png)
    key = (root, value, what, png)
    if key not in memo:
        memo[key] = _programme_file(root, value, what, png)
    return memo[key]


def _programme_file(root: Path, value: str, what: str, png: bool) -> str:
    path = (root / value).resolve()
    try:
        path.relative_to(resolved(root))
    except ValueError:
        return f"{what}“{value}”不在方案目录内：只能引用方案目录下的文件"
    if png and path.suffix.lower() != ".png":
        return f"{what}“{value}”应为透明背景的 PNG 文件：扫描件或照片{prepare_hint(path)}"
    if not path.is_file():
        slash = "；路径中的文件夹请用“/”分隔，不用“\\”" if "\\" in value else ""
        if png:  # where seals go, and how a scan becomes one
            name = path.with_suffix(".png").name
            slash += (f"：公章图片请放在方案目录的 seals/ 文件夹中，这里写 seals/{name}；只有扫描件或照片的，先用 "
                      f"docgen seal prepare 扫描件.jpg -o {display_path(root / 'seals' / name)} 做成透明背景的 PNG")
        return f"找不到{what}“{value}”（相对于方案目录 {root.name}/）{slash}"
    if png:
        return seal_problem(path, what, value)
    return ""


def _dup(values: list, src: Source, loc_of, what: str) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[object, int] = {}
    for i, value in enumerate(values):
        if value in seen:
            out.append(src.problem(loc_of(i), f"{what}“{value}”重复（第一次在第 {src.position(loc_of(seen[value]))[0]} 行）"))
        else:
            seen[value] = i
    return out


def programme(prog: Programme, src: Source, root: Path) -> list[Problem]:
    out: list[Problem] = []
    out += _dup([c.id for c in prog.commitments], src, lambda i: ("commitments", i, "id"), "承诺事项标识")
    out += _dup([n.id for n in prog.notices], src, lambda i: ("notices", i, "id"), "通知标识")
    out += _dup([n.doc_no for n in prog.notices], src, lambda i: ("notices", i, "doc_no"), "文号")
    for i, notice in enumerate(prog.notices):
        loc = ("notices", i)
        code = prog.bureau.doc_code
        if code and not notice.doc_no.startswith(code + "〔"):
            out.append(src.problem(loc + ("doc_no",),
                                   f"文号“{notice.doc_no}”与发文机关代字“{code}”不一致（应以“{code}〔”开头）"))
        year = int(notice.doc_no.split("〔")[1][:4])
        if notice.date and year != notice.date.year:
            out.append(src.problem(loc + ("doc_no",),
                                   f"文号年份 {year} 与成文日期 {notice.date} 的年份不一致"))
        if notice.date and notice.deadline and notice.deadline < notice.date:
            out.append(src.problem(loc + ("deadline",), f"报送截止日期 {notice.deadline} 早于成文日期 {notice.date}"))
        if notice.date and notice.printed_on and notice.printed_on < notice.date:
            out.append(src.problem(loc + ("printed_on",), f"印发日期 {notice.printed_on} 早于成文日期 {notice.date}"))
        if not (notice.contact or prog.bureau.contact):
            out.append(src.problem(loc, "通知需要联系人：请在这个通知下写联系人（contact），或在发文机关（bureau）下写联系人（contact）"))
        for j, att in enumerate(notice.attachments):
            if att.content == AC.text and not att.paragraphs:
                out.append(src.problem(loc + ("attachments", j, "paragraphs"), "文字附件需要正文段落（paragraphs）"))
            if att.content == AC.leading_group and not prog.leading_group:
                out.append(src.problem(loc + ("attachments", j, "content"), "附件是领导小组名单，但方案中没有领导小组（leading_group）：请写出领导小组，或删去这个附件"))
            if att.content == AC.rubric and not prog.rubric:
                out.append(src.problem(loc + ("attachments", j, "content"), "附件是考核细则，但方案中没有考核细则（rubric）：请写出考核细则，或删去这个附件"))
            if att.content == AC.measures and not prog.measures:
                out.append(src.problem(loc + ("attachments", j, "content"), "附件是任务清单，但方案中没有任务清单（measures）：请写出任务清单，或删去这个附件"))
    for i, commitment in enumerate(prog.commitments):
        out += [src.problem(("commitments", i, field), why) for field, why in commitment_problems(commitment)]
    for i, goal in enumerate(prog.goals.yearly if prog.goals else []):
        for j, indicator in enumerate(goal.indicators):
            why = indicator_problem(indicator)
            if why:
                out.append(src.problem(("goals", "yearly", i, "indicators", j, "text"), why))
    out += blank_keys(prog, src)
    for i, step in enumerate(prog.steps):
        if step.start and step.end and step.end < step.start:
            out.append(src.problem(("steps", i, "end"), f"结束日期 {step.end} 早于开始日期 {step.start}"))
    if prog.rubric:
        rub = prog.rubric
        out += _dup([it.no for it in rub.items], src, lambda i: ("rubric", "items", i, "no"), "考核项序号")
        if abs(rub.base_points - rub.total) > 1e-9:
            out.append(src.problem(("rubric", "total"),
                                   f"考核细则基本分合计 {rub.base_points:g} 分，与满分 {rub.total:g} 分不符"
                                   "（加分项请标 bonus: true）"))
        ids = {c.id for c in prog.commitments}
        for i, item in enumerate(rub.items):
            for j, ref in enumerate(item.commitments):
                if ref not in ids:
                    out.append(src.problem(("rubric", "items", i, "commitments", j),
                                           f"没有标识为“{ref}”的承诺事项（commitments 中定义）"))
    return out


def seals(named: list[tuple[tuple, str]], src: Source, root: Path) -> tuple[list[Problem], set[Path]]:
    """The problems of the seal images named at these places of ``src``, and those images
    (resolved, never opened when outside the folder): no bundle that would carry one is made."""
    problems, bad = [], set()
    for loc, value in named:
        why = programme_file(root, value, "公章图片", png=True)
        if why:
            problems.append(src.problem(loc, why))
            bad.add((root / value).resolve())
    return problems, bad


def programme_seals(prog: Programme) -> list[tuple[tuple, str]]:
    named = [(("bureau", "seal"), prog.bureau.seal)] if prog.bureau.seal else []
    return named + [(("seals", name), value) for name, value in prog.seals.items()]


def pairing_seals(pair: Pairing) -> list[tuple[tuple, str]]:
    schools = [(("supporter",), pair.supporter)] + [(("recipients", i), r) for i, r in enumerate(pair.recipients)]
    return [(loc + ("seal",), school.seal) for loc, school in schools if school.seal]


def fill_problems(pair: Pairing, src: Source, prog: Programme) -> list[Problem]:
    """A pairing fills only blanks the programme leaves it, named by their key (or label)."""
    keys = list(dict.fromkeys(b.fill_key for b in prog.pairing_blanks))
    out = []
    for key in pair.blanks:
        if key in keys:
            continue
        if not keys:
            why = "方案的协议书条款和结对实施方案中没有留给结对填写的栏目（blank），这里无处可填"
        else:
            listed = "、".join(f"{k}（{b.blank}）" if b.key else k for k, b in
                              {b.fill_key: b for b in prog.pairing_blanks}.items())
            why = f"方案中没有标识为“{key}”的待填写栏目{suggest(key, keys)}（可填写：{listed}）"
        out.append(src.problem(("blanks", key), why, key=True))
    return out


def blank_keys(prog: Programme, src: Source) -> list[Problem]:
    """One key names one blank: a key given to two different blanks would fill both."""
    out: list[Problem] = []
    seen: dict[str, Block] = {}
    for where, blocks in (("agreement", prog.agreement), ("pairing_plan", prog.pairing_plan)):
        for block in blanks_in(blocks.clauses if blocks else []):
            first = seen.setdefault(block.fill_key, block)
            if first.blank != block.blank:
                at = block._origin.loc + ("key" if block.key else "blank",) if block._origin else (where, "clauses")
                out.append(src.problem(at, f"待填写栏目“{block.blank}”与“{first.blank}”用了同一个标识"
                                       f"“{block.fill_key}”：请给它另起一个 key"))
    return out


OUTPUT_FOLDERS = {"bundles", "report"}
"""Folders docgen writes beside the pairings' folders in out/<programme>/."""
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def reserved_id(pairing_id: str) -> str:
    """Why a pairing cannot have this identifier as its folder name in out/, or ""."""
    if pairing_id.casefold() in OUTPUT_FOLDERS:
        return f"结对标识不能是“{pairing_id}”：out/ 中同名的文件夹存放报送材料或汇总，请换一个标识"
    if pairing_id.split(".")[0].casefold() in WINDOWS_RESERVED:
        return f"结对标识不能是“{pairing_id}”：这是 Windows 的保留名称，不能用作文件夹名，请换一个标识"
    if pairing_id.endswith("."):
        return f"结对标识“{pairing_id}”不能以“.”结尾：Windows 会去掉末尾的点，请换一个标识"
    return ""


def pairing(pair: Pairing, src: Source, prog: Programme, root: Path) -> list[Problem]:
    out: list[Problem] = []
    if not ID_RE.match(pair.id or ""):
        out.append(src.problem((), f"结对标识（文件名）“{pair.id}”中不能有空格和 / \\ : * ? \" < > | 等字符"))
    elif reserved_id(pid := given(pair.id, "a matched pairing id")):
        out.append(src.problem(("id",) if "id" in src.data else (), reserved_id(pid)))
    names = [r.name for r in pair.recipients]
    out += _dup(names, src, lambda i: ("recipients", i, "name"), "受援学校")
    for i, name in enumerate(names):
        if name == pair.supporter.name:
            out.append(src.problem(("recipients", i, "name"), "受援学校不能与支援学校相同"))
    refs: list[tuple[str, Sequence[ManagerPair | GroupPair | TeacherPair | Secondment | Placement]]] = [
            ("leader_pairs", pair.leader_pairs), ("middle_manager_pairs", pair.middle_manager_pairs),
            ("group_pairs", pair.group_pairs), ("teacher_pairs", pair.teacher_pairs),
            ("secondments", pair.secondments), ("placements", pair.placements)]
    for key, items in refs:
        for i, item in enumerate(items):
            ref = item.recipient_school
            loc = (key, i, "recipient_school")
            if not ref and len(names) > 1:
                out.append(src.problem((key, i), f"有多所受援学校，请用 recipient_school（对应的受援学校）写明是哪一所（{'、'.join(names)}）"))
            elif ref and ref not in names:
                out.append(src.problem(loc, f"“{ref}”不是本结对的受援学校{suggest(ref, names)}（受援学校：{'、'.join(names)}）"))
    stays: list[tuple[str, Sequence[Secondment | Placement]]] = [("secondments", pair.secondments),
                                                                 ("placements", pair.placements)]
    for key, items in stays:
        for i, item in enumerate(items):
            if item.end <= item.start:
                out.append(src.problem((key, i, "end"), f"结束日期 {item.end} 不晚于开始日期 {item.start}"))
    cycle = given(pair.cycle, "a loaded pairing's cycle")
    cycle_end = given(cycle.end, "a cycle's end")  # (set when the cycle is read)
    for key, items in refs[:4]:  # pairs of people or groups: their own dates, inside the cycle
        for i, item in enumerate(items):
            if item.start and item.end and item.end < item.start:
                out.append(src.problem((key, i, "end"), f"结束日期 {item.end} 早于开始日期 {item.start}"))
            for name in ("start", "end"):
                day = getattr(item, name)
                if day and not cycle.start <= day <= cycle_end:
                    out.append(src.problem((key, i, name), f"日期 {day} 不在帮扶周期（{cycle.start} 至 {cycle.end}）内"))
    if pair.signed_on and pair.confirmed_on and pair.confirmed_on < pair.signed_on:
        out.append(src.problem(("confirmed_on",), f"主管部门确认日期 {pair.confirmed_on} 早于协议签订日期 {pair.signed_on}："
                                                  "确认在签订之后，请核对这两个日期"))
    out += fill_problems(pair, src, prog)
    months = [m.month for m in pair.monthly_plan]
    out += _dup(months, src, lambda i: ("monthly_plan", i, "month"), "月份")
    for i, month in enumerate(pair.monthly_plan):
        first = cycle.start.replace(day=1)
        if not (first.strftime("%Y-%m") <= month.month <= cycle_end.strftime("%Y-%m")):
            out.append(src.problem(("monthly_plan", i, "month"),
                                   f"月份 {month.month} 不在帮扶周期（{cycle.start} 至 {cycle.end}）内"))
        for j, task in enumerate(month.items):  # (a plan copied from last year kept last year's deadlines)
            due = task.deadline
            if due is None:
                continue
            if due < dt.date(month.year, month.number, 1):
                out.append(src.problem(("monthly_plan", i, "items", j, "deadline"),
                                       f"完成时限 {due} 早于这项工作所在的月份 {month.month}，请核对"))
            elif not cycle.start <= due <= cycle_end:
                out.append(src.problem(("monthly_plan", i, "items", j, "deadline"),
                                       f"完成时限 {due} 不在帮扶周期（{cycle.start} 至 {cycle.end}）内"))
    keys = {y.key: y for y in cycle.cycle_years}
    out += _dup([s.year for s in pair.summaries], src, lambda i: ("summaries", i, "year"), "总结年度")
    for i, summ in enumerate(pair.summaries):
        year = keys.get(str(summ.year))
        if year is None:
            labels = "、".join(f"{k}（{y.label}）" for k, y in keys.items())
            earlier = earlier_year(summ.year, cycle)
            out.append(src.problem(("summaries", i, "year"), (
                f"这是{earlier}的总结，{BEFORE_CYCLE.format(start=cycle.start, end=cycle.end)}请删除这一项，"
                f"不要把它改成本年度的总结（{KEPT_THERE.format(what='总结')}）") if earlier else
                f"{summ.year} 不是帮扶周期中的年度，可选：{labels}"))
        elif summ.date and summ.date < year.start:
            out.append(src.problem(("summaries", i, "date"),
                                   f"落款日期 {summ.date} 早于{year.label}（{year.start} 至 {year.end}）的开始：本年度的总结"
                                   "在本年度之内或之后落款，请核对（从上一年度复制来的总结，落款和内容都是上一年度的）"))
    return out


BEFORE_CYCLE = "早于本方案的帮扶周期（{start} 至 {end}），不属于本方案：如果本方案是从上一年度的方案复制来的，"
"""Said of a summary or activity folder of a year before the cycle (the programme copied from
last year's), followed by what to delete."""
KEPT_THERE = "上一年度的{what}仍在上一年度的方案中"


def earlier_year(year: int | str, cycle: Cycle) -> str:
    """The label of ``year`` (a cycle year's key: the year it starts in) when it lies before the
    cycle's first year: 2020年度, 2024—2025学年; else "" (a later year, a slip or not a year)."""
    try:
        number = int(str(year))
    except ValueError:
        return ""
    years = cycle.cycle_years
    if not years or number >= int(years[0].key):
        return ""
    return school_year(number) if years[0].is_school_year else f"{number}年度"


def _school_key(name: str) -> str:
    """A school's name as two files are compared: full-width brackets and spaces folded
    (明水小学(含教学点) and 明水小学（含教学点） are one school)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


class PairingsSeen:
    """What the valid pairing files read so far claim across the programme, to find a pairing
    written twice (a copied file).

    The rule: a supporter supports a recipient in one pairing file only, and a number (``no``)
    numbers one pairing only. Two files are the same pairing when they name the same supporter
    and the same recipient (by name, brackets and spaces folded) for cycles that overlap. A
    school that supports several recipients in several files (宜春中学 in yichun-2022), or one
    recipient supported by several schools, is no duplicate; nor is a pair renewed after its
    cycle ended (its own ``cycle`` in a second file). The later file (in the load's order) is
    the one said to be the duplicate, naming the earlier file and its line."""

    def __init__(self) -> None:
        self._pairs: dict[tuple[str, str], list[tuple[tuple[dt.date, dt.date], _Place]]] = {}
        """(supporter, recipient) -> the cycle and place of each pair: neither the pairing nor
        its file's reading (a shard's load lets go of the pairings it does not make as it
        reads them, and 5 000 readings would be held to the end of the load)."""
        self._numbers: dict[int, _Place] = {}

    def problems(self, pair: Pairing, src: Source) -> list[Problem]:
        out: list[Problem] = []
        if pair.no is not None and pair.no in self._numbers:
            first = self._numbers[pair.no]
            out.append(src.problem(("no",), f"序号 {pair.no} 已被 {first.name} 第 {first.line} 行的结对使用："
                                            "每个结对的序号（no）必须不同，请改为未用过的序号"))
        supporter, (start, end) = _school_key(pair.supporter.name), _span(pair)
        for i, recipient in enumerate(pair.recipients):
            for (first_start, first_end), first in self._pairs.get((supporter, _school_key(recipient.name)), []):
                if start <= first_end and first_start <= end:
                    out.append(src.problem(("recipients", i, "name"),
                                           f"支援学校“{pair.supporter.name}”与受援学校“{recipient.name}”的结对已写在 "
                                           f"{first.name} 第 {first.line} 行：同一对学校只能写在一个结对文件中，"
                                           "否则名单中会列出两次。如果这是复制出来的文件，请删除它；否则请把两个文件合并为一个"))
                    break
        return out

    def add(self, pair: Pairing, src: Source) -> None:
        """A pairing accepted: later files are compared with it."""
        if pair.no is not None:
            self._numbers.setdefault(pair.no, _Place.of(src, ("no",)))
        supporter = _school_key(pair.supporter.name)
        for i, recipient in enumerate(pair.recipients):
            self._pairs.setdefault((supporter, _school_key(recipient.name)), []).append(
                (_span(pair), _Place.of(src, ("recipients", i, "name"))))

    def forget(self, src: Source) -> None:
        """A pairing accepted earlier but rejected after all (another file has the better
        claim to its identifier): later files are no longer compared with it."""
        self._numbers = {no: at for no, at in self._numbers.items() if at.path != src.path}
        for found in self._pairs.values():
            found[:] = [f for f in found if f[1].path != src.path]


@dataclass(frozen=True)
class _Place:
    """Where a pairing file said something: its path, its name as messages give it, the line."""

    path: Path
    name: str
    line: int

    @classmethod
    def of(cls, src: Source, loc: tuple) -> _Place:
        return cls(src.path, src.name, src.position(loc)[0])


def _span(pair: Pairing) -> tuple[dt.date, dt.date]:
    """The days a pairing runs; all days while no programme gave it its cycle (programme.yaml
    cannot be read): pairs are then compared whatever their cycles."""
    if pair.cycle is None:
        return dt.date.min, dt.date.max
    return pair.cycle.start, pair.cycle.end or dt.date.max
