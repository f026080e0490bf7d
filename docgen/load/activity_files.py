"""Loading activity records: activities/<year>/<pairing>.yaml, checked against the pairing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Problem, given
from .checks import BEFORE_CYCLE, KEPT_THERE, earlier_year, programme_file
from .inside import inside
from .messages import suggest
from .model.activity import ActivityLog, is_file_ref
from .model.common import Activity
from .model.pairing import Pairing
from .model.programme import Programme
from .yaml_source import Source

ACTIVITIES_DIR = "activities"


def activity_files(root: Path) -> list[Path]:
    """activities/<year>/<pairing>.yaml, from folders inside the programme folder only."""
    folder = root / ACTIVITIES_DIR
    if not folder.is_dir() or not inside(root, folder):
        return []
    years = [y for y in sorted(folder.iterdir()) if y.is_dir() and inside(root, y)]
    return sorted((p for y in years for p in [*y.glob("*.yaml"), *y.glob("*.yml")] if not p.name.startswith(".")),
                  key=lambda p: p.parts)  # (as paths sort, faster)


def has_records(root: Path) -> bool:
    """Whether the programme holds any activity log (stops at the first found)."""
    folder = root / ACTIVITIES_DIR
    if not folder.is_dir() or not inside(root, folder):
        return False
    return any(not p.name.startswith(".") and inside(root, p)
               for y in folder.iterdir() if y.is_dir() for pattern in ("*.yaml", "*.yml") for p in y.glob(pattern))


def cycle_over(programme: Programme | None, root: Path, today: dt.date | None = None) -> dt.date | None:
    """The end of the programme's cycle when it is over (before ``today``) and the programme
    was used in it (it holds activity records: one just made for a year caught up on is not
    told it is too late, review 41); else None. What the import, the workspace's pages and
    ``docgen import pairings`` warn of."""
    end = programme.cycle.end if programme is not None else None
    return end if end is not None and end < (today or dt.date.today()) and has_records(root) else None


def activity_files_of(root: Path, pairing_id: str) -> list[Path]:
    """``activity_files(root)`` of one pairing (named after it), without listing every file."""
    folder = root / ACTIVITIES_DIR
    if not folder.is_dir() or not inside(root, folder) or pairing_id.startswith(".") or "/" in pairing_id \
            or "\0" in pairing_id:
        return []
    years = [y for y in sorted(folder.iterdir()) if y.is_dir() and inside(root, y)]
    return sorted(p for y in years for p in (y / f"{pairing_id}.yaml", y / f"{pairing_id}.yml") if p.exists())


def check_log(log: ActivityLog, src: Source, prog: Programme, pairing: Pairing, year_key: str,
              root: Path) -> list[Problem]:
    out: list[Problem] = []
    years = {y.key: y for y in given(pairing.cycle, "a loaded pairing's cycle").cycle_years}
    year = years.get(year_key)
    if year is None:
        cycle = given(pairing.cycle, "a loaded pairing's cycle")
        earlier = earlier_year(year_key, cycle)
        if earlier:  # last year's records in a programme copied from last year's: not renamed into this year
            return [src.problem((), f"目录 {year_key} 中是{earlier}的活动记录，"
                                    f"{BEFORE_CYCLE.format(start=cycle.start, end=cycle.end)}请删除这个目录，"
                                    f"不要把它改名为本年度（{KEPT_THERE.format(what='活动记录')}）")]
        labels = "、".join(f"{k}（{y.label}）" for k, y in years.items())
        return [src.problem((), f"目录名 {year_key} 不是帮扶周期中的年度，应为：{labels}")]
    recipients = [r.name for r in pairing.recipients]
    pairs = {(tp.mentor.name, tp.mentee.name): tp for tp in pairing.teacher_pairs}
    mentors = {m for m, _ in pairs}
    for i, record in enumerate(log.records):
        loc = ("records", i)
        if not year.contains(record.date):
            out.append(src.problem(loc + ("date",), f"日期 {record.date} 不在{year.label}"
                                                     f"（{year.start} 至 {year.end}）内，请放到对应年度的目录"))
        if record.filed_on and record.filed_on < record.date:
            out.append(src.problem(loc + ("filed_on",), f"报备日期 {record.filed_on} 早于活动日期 {record.date}"))
        if record.school and record.school not in recipients:
            out.append(src.problem(loc + ("school",), f"“{record.school}”不是本结对的受援学校"
                                                       f"{suggest(record.school, recipients)}（受援学校：{'、'.join(recipients)}）"))
        if record.type == Activity.mentor_exchange:
            if not record.mentor:
                out.append(src.problem(loc + ("mentor",), "师徒交流记录需要写明帮扶教师"))
            elif record.mentor not in mentors:
                out.append(src.problem(loc + ("mentor",), f"“{record.mentor}”不是本结对的帮扶教师"
                                                           f"{suggest(record.mentor, sorted(mentors))}"))
            elif record.mentee and (record.mentor, record.mentee) not in pairs:
                out.append(src.problem(loc + ("mentee",), f"{record.mentor}—{record.mentee} 不是本结对的师徒对子"))
            else:
                ran = [tp for (m, _), tp in pairs.items() if m == record.mentor
                       and (not record.mentee or tp.mentee.name == record.mentee)]
                if ran and not any(tp.runs_on(record.date) for tp in ran):
                    out.append(src.problem(loc + ("date",), f"{record.date} 时{record.mentor}的师徒结对"
                                                            f"{_dates(ran)}，这天不在结对期间内"))
        for j, value in enumerate(record.evidence):
            if not is_file_ref(value):
                continue  # evidence described in words: the record is listed as 证明材料待补
            why = programme_file(root, value, "证明材料")
            if why:
                out.append(src.problem(loc + ("evidence", j), why))
    items = {it.no: it for it in prog.rubric.items} if prog.rubric else {}
    for i, score in enumerate(log.scores):
        item = items.get(score.item)
        if item is None:
            out.append(src.problem(("scores", i, "item"), f"考核细则中没有第 {score.item} 项"))
        elif item.rule is not None:
            out.append(src.problem(("scores", i, "item"), f"第 {score.item} 项（{item.title}）按方案规定的办法由活动记录计分，"
                                                            "不能手工给分"))
        elif score.points > item.points:
            out.append(src.problem(("scores", i, "points"), f"{score.points:g} 分超过该项满分 {item.points:g} 分"))
    return out


def _dates(pairs) -> str:
    """自2026年3月16日起 / 至2026年3月15日止 of each pair, for a message."""
    out = []
    for p in pairs:
        out.append((f"自{p.start}起" if p.start else "") + (f"至{p.end}止" if p.end else ""))
    return "、".join(out)


def future_records(log: ActivityLog, src: Source, today: dt.date) -> list[Problem]:
    """Warnings for records dated after today: a typing slip, or a plan written as a record."""
    return [src.problem(("records", i, "date"), f"活动日期 {r.date} 晚于今天（{today}），请核对：尚未开展的活动不应写成活动记录")
            for i, r in enumerate(log.records) if r.date > today]


def pairing_and_year(path: Path) -> tuple[str, str]:
    return path.stem, path.parent.name


def unknown_pairing(path: Path, src_name: str, known: list[str]) -> Problem:
    pid, _ = pairing_and_year(path)
    return Problem(src_name, 1, 1, "", f"没有标识为“{pid}”的结对{suggest(pid, known)}：活动记录文件应命名为 "
                                       f"activities/<年度>/<结对标识>.yaml")

