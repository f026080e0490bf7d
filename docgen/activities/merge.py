"""A school's sheet merged into its pairing's activity file, never replacing it.

A school sends its records more than once (the autumn term, then the spring term; a corrected
sheet). Each row of the sheet is matched with a record of the file:

- a record is the same activity when its 日期, 类型 (with its 细分), 受援学校, 帮扶教师 and
  受援教师 are the same — a sheet without one of those columns states none, so it never
  matches a record that names a school or teacher (in a one-to-many pairing several schools
  write into one file: another school's record of the same day is not theirs to change);
  several on one day are told apart by their other fields (内容 first);
- a row whose record is in the file with the same values is *unchanged*; with other values in
  some columns, *changed*, field by field; a row with no such record is *new*;
- a blank cell changes nothing, and a field the sheet has no column for (scores, notes, a
  hand-added 组织方, comments) is never touched: the file is edited in place with the
  round-trip writer of ``import pairings`` (comments, key order and layout kept);
- records of the file that the sheet does not list are kept.

``preview`` says what an import would do (the web workspace shows it), ``apply`` does it;
``apply`` refuses if the file changed since the preview, so no one's edit is lost.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError, PairListError, Problem, SourceError, UsageError, display_path, given
from ..load import Loaded
from ..load.activity_files import ACTIVITIES_DIR, check_log
from ..load.folder import validate_source
from ..load.messages import suggest
from ..load.model.activity import ActivityLog, Record
from ..load.model.common import ACTIVITY_NAMES
from ..load.model.pairing import Pairing
from ..load.roundtrip import FLAT_LAYOUT, Layout, dump, guess_layout, put, round_trip_yaml
from ..load.yaml_source import parse, read
from ..outputs import write_atomic
from .importer import COLUMN, LIST_FIELDS, ActivitySheet, SheetRow, read_activity_sheet, record_fields, sheet_records

IDENTITY = ("date", "type", "tag", "school", "mentor", "mentee")
"""What makes a row the same activity as a record of the file. Every one is compared, whether
or not the sheet has its column: a row of a sheet without 受援学校 states no school, and is not
the activity of a record that names one (it could be another school's, of the same day)."""
ORDER = list(Record.model_fields)

NEW, CHANGED, SAME, REPEATED = "new", "changed", "same", "repeated"


@dataclass(frozen=True)
class FieldChange:
    """One field a row changes: the model's name, the sheet's column, old and new as shown."""

    field: str
    column: str
    old: str
    new: str


@dataclass
class Outcome:
    """What happens to one row of the sheet."""

    status: str
    """NEW, CHANGED, SAME, or REPEATED (the row repeats an earlier row of the sheet: read once)."""
    record: Record
    row: SheetRow
    index: int | None = None
    """Where its record is in the file's ``records`` (after the import)."""
    changes: list[FieldChange] = field(default_factory=list)
    same_as: SheetRow | None = None
    """For a REPEATED row, the row it repeats."""

    def describe(self) -> str:
        """2026-10-15 送课指导（教师）：内容…"""
        return brief(self.record)


def brief(r: Record) -> str:
    """A record in a few words, for a message: 2026-10-15 送课指导（教师）：内容…"""
    kind = ACTIVITY_NAMES[r.type] + (f"（{r.tag}）" if r.tag else "")
    text = r.description if len(r.description) <= 24 else r.description[:23] + "…"
    return f"{r.date} {kind}：{text}"


@dataclass
class ActivityImport:
    """An import, previewed: what each row does, and the file it would write."""

    source: Path
    pairing_id: str
    year: str
    target: Path
    outcomes: list[Outcome]
    kept: list[Record]
    """Records of the file that no row of the sheet matches: kept as they are."""
    text: str
    """The activity file after the import."""
    base: bytes | None
    """The file as it was when previewed (None: there was none)."""
    skipped_sheets: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False

    def having(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def writes(self) -> bool:
        return bool(self.having(NEW) or self.having(CHANGED))


# ------------------------------------------------------------------ matching rows with records


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _values(record: Record) -> dict:
    return record_fields(record)


def _key(values: dict) -> tuple:
    return tuple(_shown(values.get(f)) for f in IDENTITY)


def _agrees(row: dict, record: dict, carried: frozenset[str]) -> bool:
    """Whether the file's record already says everything the row says (a blank cell says nothing)."""
    return all(_shown(record.get(f)) == _shown(v) for f, v in row.items() if f in carried)


def _closeness(row: dict, record: dict, carried: frozenset[str]) -> tuple:
    agree = sum(1 for f, v in row.items() if f in carried and _shown(record.get(f)) == _shown(v))
    text = difflib.SequenceMatcher(None, _shown(row.get("description")), _shown(record.get("description"))).ratio()
    return agree, text


def match(rows: list[dict], records: list[dict], carried: frozenset[str]) -> list[tuple[str, int | None, int | None]]:
    """For each row: (status, index of its record in the file or None, index of the earlier row it repeats or None)."""
    out: list[tuple[str, int | None, int | None]] = [(NEW, None, None)] * len(rows)
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        fingerprint = repr(sorted((k, _shown(v)) for k, v in row.items()))
        if fingerprint in seen:
            out[i] = (REPEATED, None, seen[fingerprint])
        else:
            seen[fingerprint] = i
    by_key: dict[tuple, list[int]] = {}
    for j, record in enumerate(records):
        by_key.setdefault(_key(record), []).append(j)
    used: set[int] = set()
    for i, row in enumerate(rows):  # first the rows the file already has as they are
        if out[i][0] == REPEATED:
            continue
        same = next((j for j in by_key.get(_key(row), []) if j not in used and _agrees(row, records[j], carried)), None)
        if same is not None:
            used.add(same)
            out[i] = (SAME, same, None)
    for i, row in enumerate(rows):  # then the rows whose record has other values: the closest
        if out[i][0] != NEW:
            continue
        free = [j for j in by_key.get(_key(row), []) if j not in used]
        if free:
            j = max(free, key=lambda j: _closeness(row, records[j], carried))
            used.add(j)
            out[i] = (CHANGED, j, None)
    return out


UNSTATED = {"school": "受援学校", "mentor": "帮扶教师", "mentee": "受援教师"}
"""Fields of IDENTITY a sheet may have no column for (a row then states none)."""


def _unstated(row: dict, record: dict, carried: frozenset[str]) -> list[str]:
    """The columns the sheet lacks for which the record states something, when the row is
    otherwise the record's activity (same day and type): why the two were not matched."""
    if any(_shown(row.get(f)) != _shown(record.get(f)) for f in ("date", "type", "tag")):
        return []
    differ = [f for f in UNSTATED if _shown(row.get(f)) != _shown(record.get(f))]
    if not differ or any(f in carried for f in differ):
        return []
    return [f"{UNSTATED[f]}：{_shown(record.get(f))}" for f in differ]


def _moved(row: dict, record: dict) -> bool:
    """Whether a new row looks like a record of the file with its date corrected: the same
    type, school, teachers and content, another day."""
    return _shown(row.get("date")) != _shown(record.get("date")) and \
        all(_shown(row.get(f)) == _shown(record.get(f)) for f in IDENTITY if f != "date") and \
        _shown(row.get("description")).strip() == _shown(record.get("description")).strip()


def _changes(row: dict, record: dict, carried: frozenset[str]) -> list[FieldChange]:
    return [FieldChange(f, COLUMN.get(f, f), _shown(record.get(f)), _shown(v))
            for f, v in row.items() if f in carried and _shown(record.get(f)) != _shown(v)]


# ------------------------------------------------------------------ the file


def _yaml_value(key: str, value):
    if key in LIST_FIELDS or isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    return value


def _new_map(values: dict) -> CommentedMap:
    out = CommentedMap()
    for key in ORDER:
        if key in values:
            out[key] = _yaml_value(key, values[key])
    return out


def _position(dates: list[dt.date], day: dt.date) -> int:
    """Where a new record goes: after the last record dated on or before it."""
    position = 0
    for i, d in enumerate(dates):
        if d <= day:
            position = i + 1
    return position


def _header(pairing_name: str, source: Path) -> str:
    return (f"{pairing_name}结对 活动记录，由 {source.name} 导入（docgen import activities）\n"
            "filed_on 为报备日期，evidence 为证明材料：文件路径（相对于方案目录），或文件待补时的文字说明（如“照片3张”）。再次导入时只增改表中的内容，"
            "scores（人工评分）、注释和表中没有的字段都会保留。")


def _target(loaded: Loaded, year: str, pairing_id: str) -> Path:
    folder = loaded.root / ACTIVITIES_DIR / year
    for suffix in (".yaml", ".yml"):
        if (folder / f"{pairing_id}{suffix}").exists():
            return folder / f"{pairing_id}{suffix}"
    return folder / f"{pairing_id}.yaml"


def _existing(target: Path) -> tuple[str, bytes, CommentedMap, list[dict], Layout]:
    raw = target.read_bytes()
    src = read(target)
    log = validate_source(src, ActivityLog)  # the file was loaded already; this cannot fail silently
    text = raw.decode("utf-8-sig")
    layout = guess_layout(text)
    doc = round_trip_yaml(layout).load(text)
    if doc is None or not isinstance(doc, CommentedMap):
        raise SourceError([src.problem((), "文件的最外层应为“键: 值”形式的映射")])
    return text, raw, doc, [_values(r) for r in log.records], layout


def find_pairing(loaded: Loaded, pairing_id: str) -> Pairing:
    """The pairing to import into, or a message listing the pairings there are."""
    pairing = loaded.pairing(pairing_id)
    if pairing is not None:
        return pairing
    if pairing_id in loaded.rejected or loaded.programme is None:
        raise InputError(loaded.problems)
    known = sorted(given(p.id, "a loaded pairing's id") for p in loaded.pairings)
    listed = "、".join(known) if known else "（方案中还没有结对）"
    raise UsageError(f"找不到结对“{pairing_id}”{suggest(pairing_id, known)}（结对标识即 pairings/ 下的文件名，"
                     f"不含 .yaml）。{display_path(loaded.root)} 中的结对：{listed}")


def preview(path: Path, loaded: Loaded, pairing_id: str, year: str | None = None) -> ActivityImport:
    """What importing the sheet at ``path`` into the pairing's activity file would do. Nothing
    is written. Raises ``InputError`` (every bad cell, located) or ``UsageError``."""
    pairing = find_pairing(loaded, pairing_id)
    pid = given(pairing.id, "a loaded pairing's id")
    sheet: ActivitySheet = read_activity_sheet(Path(path))
    records, year = sheet_records(sheet, given(loaded.programme, "a programme"), pairing, year, loaded.root)
    target = _target(loaded, year, pid)
    rows = [_values(r) for r in records]
    if target.exists():
        text, base, doc, existing, layout = _existing(target)
    else:
        text, base, existing, layout = "", None, [], FLAT_LAYOUT
        doc = CommentedMap()
        doc.yaml_set_start_comment(_header(pairing.supporter.name, Path(path)))
    if "records" not in doc or doc["records"] is None:
        put(doc, "records", CommentedSeq(), ["records"])
    seq: CommentedSeq = doc["records"]
    plan = ActivityImport(Path(path), pid, year, target, [], [], text, base, sheet.skipped_sheets)
    matched = match(rows, existing, sheet.carried)
    held = {j for _, j, _ in matched if j is not None}
    kept = [j for j in range(len(existing)) if j not in held]
    plan.kept = [Record.model_validate(existing[j]) for j in kept]
    for (status, j, earlier), record, values, row in zip(matched, records, rows, sheet.rows, strict=False):
        outcome = Outcome(status, record, row, j)
        if status == CHANGED:
            j = given(j, "the record a changed row changes")
            outcome.changes = _changes(values, existing[j], sheet.carried)
            for change in outcome.changes:
                put(seq[j], change.field, _yaml_value(change.field, values[change.field]), ORDER)
        elif status == REPEATED:
            earlier = given(earlier, "the row a repeated row repeats")
            outcome.same_as = sheet.rows[earlier]
            plan.warnings.append(row.sheet.problem(row.row, 1, "", f"这一行与{sheet.rows[earlier].label()}完全相同，只导入一次；"
                                                                   "如果确实是两次活动，请在内容中写明区别"))
        elif status == NEW:
            near = [_unstated(values, existing[j], sheet.carried) for j in kept]
            stated = next((n for n in near if n), None)
            if stated:
                plan.warnings.append(row.sheet.problem(
                    row.row, 1, "", f"文件中已有同一天的同类记录（{'，'.join(stated)}），表中没有这一列，不能确定是同一活动："
                                    "作为新记录导入，原有记录不变；如果是同一活动，请在表中加上这一列后重新导入，"
                                    "或导入后在工作台删除多余的一条"))
        plan.outcomes.append(outcome)
    plan.warnings += _kept_notice(plan, [existing[j] for j in kept], rows)
    dates = [r["date"] for r in existing]
    for outcome, values in zip(plan.outcomes, rows, strict=False):
        if outcome.status != NEW:
            continue
        at = _position(dates, values["date"]) if base is not None else len(dates)
        seq.insert(at, _new_map(values))
        dates.insert(at, values["date"])
        for other in plan.outcomes:  # records after it move down by one
            if other is not outcome and other.index is not None and other.index >= at:
                other.index += 1
        outcome.index = at
    if plan.writes:
        plan.text = dump(doc, layout)
        _check(plan, loaded, pairing)
    return plan


KEPT_LISTED = 10
"""Records the sheet leaves out named one by one; beyond that, a count."""


def _kept_notice(plan: ActivityImport, kept: list[dict], rows: list[dict]) -> list[Problem]:
    """Which records of the file the sheet does not list (kept, never deleted), and which of
    them look like a row of the sheet whose date was corrected: the old one then counts twice
    unless the clerk deletes it."""
    if not kept or plan.base is None:
        return []
    file = display_path(plan.target)
    new = [(o, values) for o, values in zip(plan.outcomes, rows, strict=False) if o.status == NEW]
    out, others = [], []
    for values, record in zip(kept, plan.kept, strict=True):
        twin = next((o for o, v in new if _moved(v, values)), None)
        if twin is None:
            others.append(brief(record))
            continue
        out.append(Problem(file, 0, 0, "", f"文件中的记录“{brief(record)}”不在表中（已保留，未删除）。它可能与表中"
                                           f"{twin.row.label()}（{twin.record.date}）是同一活动，只是日期改了？"
                                           "如是，请在工作台删除这条旧记录，否则这次活动会算两次"))
    if others:
        listed = "；".join(others[:KEPT_LISTED]) + (f"；等（共 {len(others)} 条）" if len(others) > KEPT_LISTED else "")
        out.append(Problem(file, 0, 0, "", f"文件中另有 {len(others)} 条记录不在表中（已保留，未删除）：{listed}"))
    return out


def _check(plan: ActivityImport, loaded: Loaded, pairing: Pairing) -> None:
    """What ``docgen validate`` would say about the file about to be written."""
    try:
        src = parse(plan.target, plan.text)
        log = validate_source(src, ActivityLog)
    except SourceError as exc:
        raise PairListError(exc.problems, "导入后的活动记录文件会有以上错误（行号按导入后的内容），请修改表格或记录文件后重试。") from None
    problems = check_log(log, src, given(loaded.programme, "a programme"), pairing, plan.year, loaded.root)
    if problems:
        raise PairListError(problems, "导入后的活动记录文件会有以上错误（行号按导入后的内容），请修改表格或记录文件后重试。")


def _digest(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def apply(plan: ActivityImport) -> Path:
    """Write what ``preview`` planned, unless the file changed since (then nothing is written)."""
    now = plan.target.read_bytes() if plan.target.exists() else None
    if _digest(now) != _digest(plan.base):
        raise UsageError(f"{display_path(plan.target)} 在预览之后被修改过（可能有人同时在编辑）：没有写入，"
                         "请重新导入，以便在最新的内容上合并")
    if plan.writes:
        write_atomic(plan.target, plan.text.encode("utf-8"))
    plan.written = True
    return plan.target


def import_activities(path: Path, loaded: Loaded, pairing_id: str, year: str | None = None, *,
                      dry_run: bool = False) -> ActivityImport:
    """``docgen import activities``: preview, and apply unless ``dry_run``."""
    plan = preview(path, loaded, pairing_id, year)
    if not dry_run:
        apply(plan)
    return plan
