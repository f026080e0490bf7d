"""One pairing's activity records of one year, as the workspace edits them: the table, one
record added, changed or deleted through a form, a school's sheet previewed and imported,
evidence files stored under ``evidence/<pairing>/``. The file is edited with the round-trip
writer (the rubric's hand-entered scores, comments and the other records stay as they are)
and checked by the loader's own rules before it is written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..activities import merge as sheet_merge
from ..errors import DocgenError, Problem, SourceError, display_path, given
from ..load import Loaded
from ..load.activity_files import check_log
from ..load.folder import validate_source
from ..load.model.activity import ActivityLog, Record
from ..load.model.common import ACTIVITY_NAMES
from ..load.model.cycle import CycleYear
from ..load.model.pairing import Pairing
from ..load.roundtrip import round_trip_yaml
from ..load.yaml_source import parse
from .forms import Schema, form_name
from .workspace import EVIDENCE_DIR, Workspace
from .yamledit import _fresh, digest, dump_like, merge


@lru_cache(maxsize=1)
def record_schema() -> Schema:
    schema = Record.model_json_schema(mode="validation")
    for definition in schema.get("$defs", {}).values():
        definition.pop("description", None)
    return Schema(schema)


@dataclass
class ImportPlan:
    """A school's sheet against the year's file (``activities.merge.preview``): the rows it
    adds, those it changes field by field, those already there, and every problem (by sheet
    and cell). Nothing is written before ``ActivityFile.apply``."""

    source: str
    added: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    known: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    text: str = ""
    base: str = ""
    writes: bool = False


@dataclass
class ActivityFile:
    """activities/<year>/<pairing>.yaml of one pairing."""

    workspace: Workspace
    loaded: Loaded
    pairing: Pairing
    path: Path
    year: str

    @property
    def pairing_id(self) -> str:
        return given(self.pairing.id, "a loaded pairing's id")

    @property
    def years(self) -> list[CycleYear]:
        """The years of the pairing's cycle that have a tab (the programme's years)."""
        tabs = {y.key for y in given(self.loaded.programme, "a programme").cycle.cycle_years}
        return [y for y in given(self.pairing.cycle, "a loaded pairing's cycle").cycle_years if y.key in tabs]

    @property
    def label(self) -> str:
        """The file's year as the tabs name it: 2025—2026学年, 2020年度."""
        return next((y.label for y in self.years if y.key == self.year), self.year)

    def misplaced(self, day: object) -> tuple[CycleYear | None, str]:
        """Where a record dated ``day`` belongs when not in this file's year: (the other year of
        the cycle that holds it, "") or (None, why it belongs to none); (None, "") when it
        belongs here or is no date yet (the model says what is wrong)."""
        if not isinstance(day, dt.date) or any(y.key == self.year and y.contains(day) for y in self.years):
            return None, ""
        home = next((y for y in self.years if y.contains(day)), None)
        if home is not None:
            return home, ""
        cycle = given(self.pairing.cycle, "a loaded pairing's cycle")
        return None, f"日期 {day} 不在帮扶周期（{cycle.start} 至 {cycle.end}）内"

    @property
    def raw(self) -> bytes | None:
        return self.path.read_bytes() if self.path.exists() else None

    @property
    def version(self) -> str:
        return digest(self.raw)

    def _text(self) -> str:
        raw = self.raw
        return raw.decode("utf-8-sig") if raw else ""

    def _dump(self, doc: CommentedMap) -> str:  # (in the file's own layout)
        return dump_like(doc, self._text())

    def _doc(self) -> CommentedMap:
        raw = self.raw
        doc = round_trip_yaml().load(raw.decode("utf-8-sig")) if raw else None
        if not isinstance(doc, CommentedMap):
            doc = CommentedMap()
            doc.yaml_set_start_comment(f"{self.pairing.supporter.name}结对 活动记录（由 docgen 工作台记录）\n"
                                       "filed_on 为报备日期，evidence 为证明材料（相对于方案目录）。")
        if not isinstance(doc.get("records"), CommentedSeq):
            doc["records"] = CommentedSeq()
        return doc

    def records(self) -> list[dict]:
        """Each record as the table shows it (from the loaded, checked log when it loads)."""
        log = self.loaded.activity_log(self.pairing_id, self.year)
        if log is None:
            return []
        return [{"number": i, "date": r.date, "type": ACTIVITY_NAMES[r.type] + (f"（{r.tag}）" if r.tag else ""),
                 "description": r.description, "people": "、".join(r.people), "person_times": r.person_count,
                 "evidence": r.evidence, "evidence_files": r.evidence_files, "evidence_described": r.evidence_described,
                 "filed_on": r.filed_on} for i, r in enumerate(log.records)]

    def evidence(self, rel: str) -> bool:
        """Whether a record of this file names ``rel`` as a file of its evidence (what the page
        may open: a pairing's own evidence, never a path a request made up)."""
        log = self.loaded.activity_log(self.pairing_id, self.year)
        return log is not None and any(rel in r.evidence_files for r in log.records)

    @property
    def scores(self) -> int:
        log = self.loaded.activity_log(self.pairing_id, self.year)
        return len(log.scores) if log else 0

    def record(self, number: str) -> dict:
        if number == "new":
            return {}
        doc = self._doc()
        index = _index(number, len(doc["records"]))
        return dict(doc["records"][index])

    def check(self, text: str) -> list[Problem]:
        """What ``docgen validate`` would say about the file with ``text``."""
        try:
            src = parse(self.path, text)
            log = validate_source(src, ActivityLog)
        except SourceError as exc:
            return exc.problems
        return check_log(log, src, given(self.loaded.programme, "a programme"), self.pairing, self.year, self.loaded.root)

    def _store_evidence(self, stored: list[tuple[str, bytes]]) -> list[str]:
        """Evidence files written under evidence/<pairing>/; their paths relative to the programme."""
        folder = self.loaded.root / EVIDENCE_DIR / self.pairing_id
        paths = []
        for name, data in stored:
            target = folder / name
            n = 2
            while target.exists() and target.read_bytes() != data:
                target = folder / f"{Path(name).stem}_{n}{Path(name).suffix}"
                n += 1
            if not target.exists():
                self.workspace.write(target, data)
            paths.append(target.relative_to(self.loaded.root).as_posix())
        self.workspace.forget(self.loaded.id)
        return paths

    def save(self, number: str, values: dict, stored: list[tuple[str, bytes]], version: str) -> list[Problem]:
        """Add (``number`` "new") or change one record; the problems (by form field) if it
        does not validate, else [] and the file written."""
        if stored:
            values["evidence"] = list(values.get("evidence") or []) + self._store_evidence(stored)
        doc = self._doc()
        seq = doc["records"]
        version, at = self._rebased(version, None if number == "new" else _index(number, len(seq)))
        if number == "new":  # in date order, after the records of the same day or before (as an import puts it)
            day = str(values.get("date") or "")
            index = max((i + 1 for i, item in enumerate(seq) if str(item.get("date") or "") <= day), default=0)
            seq.insert(index, _fresh(values))
        else:
            index = given(at, "the record's place in the file now")
            seq[index] = merge(seq[index], values)
        text = self._dump(doc)
        problems = self.check(text)
        if problems:
            return [_for_record(p, index) for p in problems]
        self.workspace.write(self.path, text.encode("utf-8"), expected=version)
        self.workspace.forget(self.loaded.id)
        return []

    def delete(self, number: int, version: str) -> None:
        doc = self._doc()
        seq = doc["records"]
        version, at = self._rebased(version, _index(str(number), len(seq)))
        del seq[given(at, "the record's place in the file now")]
        if not seq and not doc.get("scores"):
            self.workspace.remove(self.path, expected=version)
        else:
            self.workspace.write(self.path, self._dump(doc).encode("utf-8"), expected=version)
        self.workspace.forget(self.loaded.id)

    def _rebased(self, version: str, number: int | None) -> tuple[str, int | None]:
        """(the version to write over, where the record is now) for a form drawn from
        ``version`` of the file: the file as it is when another change was made since (a school
        added or changed another record) and the record the form was drawn from (``number`` in
        that version; None: a new one) is still there, once and as it was; else the form's own
        (``Workspace.write`` then refuses a changed file: the clerk opens the form again)."""
        raw = self.raw
        now = digest(raw)
        if version == now or self.workspace.journal is None:
            return version, number
        if number is None:
            return now, None  # a record added: whatever else changed stays as it is
        base = self.workspace.journal.version(self.path, version)
        try:
            before = (parse(self.path, base.decode("utf-8-sig")).data or {}).get("records") or [] if base else []
            current = (parse(self.path, raw.decode("utf-8-sig")).data or {}).get("records") or [] if raw else []
        except (DocgenError, UnicodeDecodeError):
            return version, number
        if not 0 <= number < len(before):
            return version, number
        same = [i for i, record in enumerate(current) if record == before[number]]
        return (now, same[0]) if len(same) == 1 else (version, number)

    def apply(self, plan: ImportPlan) -> None:
        """Write what ``import_preview`` planned, unless the file changed since."""
        if plan.writes:
            self.workspace.write(self.path, plan.text.encode("utf-8"), expected=plan.base)
        self.workspace.forget(self.loaded.id)


def _index(number: str, length: int) -> int:
    from .workspace import NotFound

    if not number.isdigit() or int(number) >= length:
        raise NotFound("没有这条记录（可能已被删除），请返回记录列表")
    return int(number)


def _for_record(problem: Problem, index: int) -> Problem:
    """A problem of records[index] named by the record form's field; others as they are."""
    prefix = f"records.{index}."
    name = form_name(problem.field)
    if name.startswith(prefix):
        return Problem(problem.file, problem.line, problem.column, name[len(prefix):], problem.message)
    if name == f"records.{index}":
        return Problem(problem.file, problem.line, problem.column, "", problem.message)
    return problem


def _shown(outcome) -> dict:
    r = outcome.record
    return {"date": r.date, "type": ACTIVITY_NAMES[r.type] + (f"（{r.tag}）" if r.tag else ""),
            "description": r.description, "evidence": r.evidence, "filed_on": r.filed_on, "row": outcome.row.label(),
            "changes": [f"{c.column}：{c.old or '（空）'} → {c.new or '（空）'}" for c in outcome.changes]}


def import_preview(activity: ActivityFile, sheet: Path) -> ImportPlan:
    """What importing a school's sheet into the year's file would do, by the same reading,
    checks and merging as ``docgen import activities`` (rows already in the file recognised,
    changed ones shown field by field, hand-entered scores kept); nothing is written."""
    plan = ImportPlan(display_path(sheet))
    try:
        found = sheet_merge.preview(sheet, activity.loaded, activity.pairing_id, activity.year)
    except DocgenError as error:
        plan.problems = list(getattr(error, "problems", [])) or [Problem(sheet.name, 0, 0, "", str(error))]
        return plan
    plan.added = [_shown(o) for o in found.having(sheet_merge.NEW)]
    plan.changed = [_shown(o) for o in found.having(sheet_merge.CHANGED)]
    plan.known = [_shown(o) for o in found.having(sheet_merge.SAME) + found.having(sheet_merge.REPEATED)]
    plan.warnings = found.warnings
    plan.text, plan.base, plan.writes = found.text, digest(found.base), found.writes
    return plan
