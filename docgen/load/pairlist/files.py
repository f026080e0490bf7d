"""The pair list against the pairing files already in a programme folder.

A sheet owns a few fields of a pairing: 序号 (``no``), 县市区, the supporter's and recipients'
names and campuses, 备注 and the leads' names. Everything else in a pairing file was written
by hand (teacher pairs, plans, summaries, comments, key order) and is kept as it is: files are
edited with a round-trip YAML parser, changing only the values the sheet owns.

Files are matched by what they say, not by their names: the same supporter in the same
county; then the same supporter sharing a recipient (the county was corrected); then the same
county sharing a recipient, the supporter's name mistyped (one same-sounding character apart:
the supporter was renamed). A recipient shared under another supporter's name is another
school taking over (高台三中 -> 高台一中): a new pairing, the old file kept as it is (its seal,
its people, summaries and records are the old school's) and the change said (``Replaced``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from ...errors import Problem, SourceError
from ..activity_files import activity_files_of
from ..checks import pairing as check_pairing
from ..folder import adopt, rare_characters, validate_source
from ..model.common import ID_RE
from ..model.pairing import Pairing, School
from ..model.programme import Programme
from ..roundtrip import dump, put, round_trip_yaml
from ..yaml_source import Source, parse, read
from ..yaml_syntax import syntax_message
from .groups import SheetPairing, SheetSchool
from .names import near_names

PAIRING_KEYS = list(Pairing.model_fields)
SCHOOL_KEYS = list(School.model_fields)
REFERENCES = {"leader_pairs": "校级领导结对", "middle_manager_pairs": "中层干部结对", "group_pairs": "学科教研组结对",
              "teacher_pairs": "师徒结对", "secondments": "挂职跟岗", "placements": "支教顶岗"}
"""The hand-written entries of a pairing file that may name one of its recipients."""
_ID_BAD = re.compile(r'[\s/\\:*?"<>|]+')


@dataclass
class Change:
    """One thing the sheet changed: what (in Chinese), the old and the new value.

    ``kind`` is "set" for a field, "add" or "remove" for an item of a list (a recipient)."""

    what: str
    old: str
    new: str
    kind: str = "set"


@dataclass
class Existing:
    """A pairing file already in the folder."""

    path: Path
    id: str
    pairing: Pairing
    src: Source
    doc: CommentedMap
    text: str

    @property
    def recipients(self) -> set[str]:
        return {r.name for r in self.pairing.recipients}

    def describe(self) -> str:
        return f"{self.pairing.supporter.name}—{'、'.join(r.full_name for r in self.pairing.recipients)}（{self.pairing.county}）"


@dataclass
class Result:
    """What happens to one pairing of the sheet."""

    sheet: SheetPairing
    path: Path
    text: str
    status: str
    """"new", "changed" or "same"."""
    changes: list[Change] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.path.stem


def read_existing(paths: list[Path]) -> tuple[list[Existing], list[Problem]]:
    """Every pairing file, validated; a broken one is a problem (it could be any pairing)."""
    out, problems = [], []
    for path in paths:
        try:
            src = read(path)
            pairing = validate_source(src, Pairing)
        except SourceError as exc:
            problems += exc.problems
            continue
        text = path.read_bytes().decode("utf-8-sig")
        try:
            doc = round_trip_yaml().load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problems.append(Problem(src.name, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "",
                                    syntax_message(exc, text)))
            continue
        out.append(Existing(path, pairing.id or path.stem, pairing, src, doc, text))
    return out, problems


def match(sheet: list[SheetPairing], existing: list[Existing]) -> dict[int, Existing]:
    """Sheet pairing number -> the file that holds it, by content."""
    found: dict[int, Existing] = {}
    free = list(existing)

    def overlap(sp: SheetPairing, e: Existing) -> int:
        return len({r.name for r in sp.recipients} & e.recipients)

    rules = [lambda sp, e: e.pairing.supporter.name == sp.supporter.name and e.pairing.county == sp.county,
             lambda sp, e: e.pairing.supporter.name == sp.supporter.name and overlap(sp, e) > 0,
             lambda sp, e: (e.pairing.county == sp.county and overlap(sp, e) > 0
                            and bool(near_names([e.pairing.supporter.name, sp.supporter.name])))]
    for rule in rules:
        for sp in sheet:
            if sp.no in found:
                continue
            candidates = [e for e in free if rule(sp, e)]
            if candidates:
                best = max(candidates, key=lambda e: overlap(sp, e))  # first of the best: files are sorted
                found[sp.no] = best
                free.remove(best)
    return found


def numbers(sheet: list[SheetPairing], kept: list[Existing]) -> dict[int, int]:
    """The number (``no``) each pairing of the sheet is given: its place in the sheet, passing
    over the numbers of the files the import keeps (those no row matches), so that no two
    pairings of the folder share one."""
    taken = {e.pairing.no for e in kept if e.pairing.no is not None}
    out, no = {}, 0
    for sp in sheet:
        no += 1
        while no in taken:
            no += 1
        out[sp.no] = no
    return out


@dataclass
class Replaced:
    """A new pairing of the sheet that shares a recipient (in the same county) with a file the
    import keeps: another supporting school took over. What the kept file holds of its own
    supporter stays there, never carried into the new school's documents."""

    result: Result
    old: Existing
    left: list[str]
    """What the old file holds that is not carried over (in Chinese: 印章, 师徒结对 1 项, …)."""

    def describe(self, written: bool = False) -> str:
        """In Chinese; ``written``: said after the import wrote its files (not before)."""
        new, old = self.result.sheet.supporter.name, self.old.pairing.supporter.name
        shared = "、".join(r.full_name for r in self.result.sheet.recipients if r.name in self.old.recipients)
        left = f"原结对中的{'、'.join(self.left)}都属于{old}，不会转给{new}，仍留在原结对中；" if self.left else ""
        undo = f"请删除新结对文件 {self.result.path.name}，" if written else "请先不要导入："
        return (f"支援{shared}的学校由“{old}”换成了另一所学校“{new}”：按新结对导入（文件 {self.result.path.name}），"
                f"原结对（{self.old.path.name}）不改动。{left}受援学校一方手工填写的内容（负责人职务、印章、结对人员等）"
                f"也不会带到新结对，请在新结对中补充。如果“{old}”和“{new}”其实是同一所学校（只是改了名称），"
                f"{undo}在原结对页面（或文件 {self.old.path.name}）中把支援学校名称改为“{new}”，再导入名单。")


def left_behind(existing: Existing, root: Path) -> list[str]:
    """What a pairing file holds of its own schools, in Chinese: its supporter's seal (印章),
    its people's pairs, summaries and activity records."""
    pairing = existing.pairing
    out = ["印章"] if pairing.supporter.seal else []
    out += [f"{label} {len(getattr(pairing, key))} 项" for key, label in REFERENCES.items() if getattr(pairing, key)]
    if pairing.summaries:
        out.append(f"年度总结 {len(pairing.summaries)} 份")
    records = 0
    for path in activity_files_of(root, existing.id):
        try:
            found = read(path).data
        except SourceError:
            found = None
        items = found.get("records") if isinstance(found, dict) else None
        records += len(items) if isinstance(items, list) else 0
    if records:
        out.append(f"活动记录 {records} 条")
    return out


def replaced(results: list[Result], kept: list[Existing], root: Path) -> list[Replaced]:
    """The new pairings that take over a recipient a kept file's supporter had."""
    out = []
    for result in results:
        if result.status != "new":
            continue
        names = {r.name for r in result.sheet.recipients}
        for old in kept:
            if (old.pairing.county == result.sheet.county and names & old.recipients
                    and old.pairing.supporter.name != result.sheet.supporter.name):
                out.append(Replaced(result, old, left_behind(old, root)))
    return out


def slug(text: str) -> str:
    """A pairing id from Chinese text: a valid file name (see ID_PATTERN)."""
    out = _ID_BAD.sub("-", text).strip("-").lstrip(".")
    return out if ID_RE.match(out) else "pairing"


def new_ids(sheet: list[SheetPairing], matched: dict[int, Existing], existing: list[Existing]) -> dict[int, str]:
    """Ids for the pairings no file holds yet: the supporter's name, and its first recipient
    when the supporter has several pairings; the same sheet always gives the same ids."""
    taken = {e.id for e in existing} | {e.path.stem for e in existing}
    supporters = Counter(sp.supporter.name for sp in sheet)
    out = {}
    for sp in sheet:
        if sp.no in matched:
            continue
        first = sp.recipients[0].name
        choices = [sp.supporter.name] if supporters[sp.supporter.name] == 1 else []
        choices += [f"{sp.supporter.name}-{first}", f"{sp.supporter.name}-{first}-{sp.county}"]
        candidates = [slug(c) for c in choices]
        chosen = next((c for c in candidates if c not in taken), None)
        n = 2
        while chosen is None:
            chosen = f"{candidates[-1]}-{n}" if f"{candidates[-1]}-{n}" not in taken else None
            n += 1
        taken.add(chosen)
        out[sp.no] = chosen
    return out


# ------------------------------------------------------------------ editing a file


def _text(value) -> str:
    return "" if value is None else str(value)


def _set(mapping: CommentedMap, key: str, value, order: list[str], what: str, changes: list[Change], *,
         drop_empty: bool = False) -> None:
    present, old = key in mapping, mapping.get(key)
    if (present and _text(old) == _text(value)) or (not present and value in ("", None)):
        return
    if drop_empty and value in ("", None):
        del mapping[key]
    else:
        put(mapping, key, value, order)
    changes.append(Change(what, _text(old), _text(value)))


def _set_lead(school: CommentedMap, name: str | None, what: str, changes: list[Change]) -> None:
    """The sheet gives a lead's name only; a lead the sheet leaves out is kept as it is."""
    if not name:
        return
    lead = school.get("lead")
    if isinstance(lead, CommentedMap):  # (a mapping read round-trip is one)
        _set(lead, "name", name, ["name"], what, changes)
    else:
        new = CommentedMap()
        new["name"] = name
        put(school, "lead", new, SCHOOL_KEYS)
        changes.append(Change(what, "", name))


def _school_fields(school: CommentedMap, entry: SheetSchool, label: str, leads: bool, changes: list[Change]) -> None:
    _set(school, "name", entry.name, SCHOOL_KEYS, label, changes)
    _set(school, "campuses", entry.campuses, SCHOOL_KEYS, f"{entry.name}的校区", changes, drop_empty=True)
    if leads:
        _set_lead(school, entry.lead, f"{entry.name}的负责人", changes)


def _new_school(entry: SheetSchool, leads: bool) -> CommentedMap:
    school = CommentedMap()
    school["name"] = entry.name
    if entry.campuses:
        school["campuses"] = entry.campuses
    if leads and entry.lead:
        lead = CommentedMap()
        lead["name"] = entry.lead
        school["lead"] = lead
    return school


def _recipients(doc: CommentedMap, sp: SheetPairing, changes: list[Change]) -> tuple[list[str], dict[str, str]]:
    """Recipients in the sheet's order, each keeping what was written by hand; the names
    removed, and the names corrected: a school whose name differs from one of the file's in a
    single same-sounding character (龙谭镇初级中学 -> 龙潭镇初级中学) is that school, renamed."""
    seq: CommentedSeq = doc["recipients"]
    used: set[int] = set()
    found: dict[int, int] = {}
    for k, entry in enumerate(sp.recipients):
        index = next((i for i, m in enumerate(seq) if i not in used and _text(m.get("name")) == entry.name), None)
        if index is not None:
            used.add(index)
            found[k] = index
    renamed: dict[str, str] = {}
    for k, entry in enumerate(sp.recipients):
        if k in found:
            continue
        index = next((i for i, m in enumerate(seq) if i not in used and near_names([_text(m.get("name")), entry.name])), None)
        if index is not None:
            used.add(index)
            found[k] = index
            renamed[_text(seq[index].get("name"))] = entry.name
    target = []
    for k, entry in enumerate(sp.recipients):
        index = found.get(k)
        if index is None:
            target.append(_new_school(entry, sp.has_leads))
            changes.append(Change("受援学校", "", entry.full_name, "add"))
            continue
        target.append(seq[index])
        label = "受援学校" if _text(seq[index].get("name")) == entry.name else \
            "受援学校名称（只差一个读音相同的字，按同一所学校改名：该校手工填写的内容和对应的结对都保留）"
        _school_fields(seq[index], entry, label, sp.has_leads, changes)
    removed = [_text(m.get("name")) for i, m in enumerate(seq) if i not in used]
    for name in removed:
        changes.append(Change("受援学校", name, "", "remove"))
    kept_before = [_text(m.get("name")) for i, m in enumerate(seq) if i in used]
    kept_after = [_text(m.get("name")) for m in target if any(m is seq[i] for i in used)]
    if kept_before != kept_after:
        changes.append(Change("受援学校顺序", "、".join(kept_before), "、".join(kept_after)))
    for i in reversed(range(len(seq))):
        if i not in used:
            del seq[i]
    for position, item in enumerate(target):  # reorder in place: comments stay with their items
        if position < len(seq) and seq[position] is item:
            continue
        current = next((i for i, m in enumerate(seq) if m is item), None)
        seq.insert(position, seq.pop(current) if current is not None else item)
    return removed, renamed


def _references(existing: Existing, sp: SheetPairing, removed: list[str], renamed: dict[str, str],
                changes: list[Change]) -> list[Problem]:
    """Hand-written entries that name a recipient: a removed school is a problem (an entry that
    names none means the only recipient the file had: removed, that school is another one
    now, its people are not the new school's); a renamed one is renamed there too; with a
    second recipient added, entries of the former only one get its name written in."""
    problems = []
    old_names = [r.name for r in existing.pairing.recipients]
    new_names = [r.name for r in sp.recipients]
    for key, label in REFERENCES.items():
        items = existing.doc.get(key) or []
        for i, item in enumerate(items):
            ref = _text(item.get("recipient_school")) if isinstance(item, dict) else ""
            if ref and ref in renamed:
                item["recipient_school"] = renamed[ref]
                changes.append(Change(f"{label}第 {i + 1} 项对应的受援学校（recipient_school）", ref, renamed[ref]))
            elif ref and ref in removed:
                problems.append(existing.src.problem((key, i, "recipient_school"),
                                                     f"表中已没有受援学校“{ref}”，但这项{label}仍对应它：请先修改或删除这一项，"
                                                     "或在表中保留该校"))
            elif not ref and len(old_names) == 1 and old_names[0] in removed and isinstance(item, dict):
                problems.append(existing.src.problem((key, i),
                                                     f"表中的受援学校已由“{old_names[0]}”换成另一所学校，而这项{label}"
                                                     f"没有写对应的受援学校，是“{old_names[0]}”的，不能算作新学校的："
                                                     "请先修改或删除这一项，或在表中保留该校"))
            elif (not ref and len(old_names) == 1 and len(new_names) > 1 and isinstance(item, CommentedMap)
                  and old_names[0] in new_names):
                put(item, "recipient_school", old_names[0], list(item) + ["recipient_school"])
                changes.append(Change(f"{label}第 {i + 1} 项对应的受援学校（recipient_school）", "", old_names[0]))
    return problems


def update(existing: Existing, sp: SheetPairing, no: int) -> tuple[str, list[Change], list[Problem]]:
    """The file with the sheet's fields (and the number ``no``) written in, what changed, and
    what stops it."""
    doc = existing.doc
    changes: list[Change] = []
    _set(doc, "no", no, PAIRING_KEYS, "序号", changes)
    _set(doc, "county", sp.county, PAIRING_KEYS, "县市区", changes)
    if sp.remark is not None:
        _set(doc, "remark", sp.remark, PAIRING_KEYS, "备注", changes, drop_empty=True)
    label = "支援学校" if existing.pairing.supporter.name == sp.supporter.name else \
        "支援学校名称（只差一个读音相同的字，按同一所学校改名：该校手工填写的内容和结对人员都保留）"
    _school_fields(doc["supporter"], sp.supporter, label, sp.has_leads, changes)
    removed, renamed = _recipients(doc, sp, changes)
    problems = _references(existing, sp, removed, renamed, changes)
    if not changes:
        return existing.text, changes, problems
    text = dump(doc)
    # the heading comment docgen wrote names the schools: it follows the sheet too
    old = f"# {existing.pairing.supporter.full_name}—{'、'.join(r.full_name for r in existing.pairing.recipients)}（由 "
    if text.startswith(old):
        text = f"# {_describe(sp)}（由 " + text[len(old):]
    return text, changes, problems


def _describe(sp: SheetPairing) -> str:
    return f"{sp.supporter.full_name}—{'、'.join(r.full_name for r in sp.recipients)}"


def create(sp: SheetPairing, source_name: str, no: int) -> str:
    """A new pairing file numbered ``no``: the sheet's fields, and a comment saying what to add by hand."""
    doc = CommentedMap()
    doc["no"] = no
    doc["county"] = sp.county
    if sp.remark:
        doc["remark"] = sp.remark
    doc["supporter"] = _new_school(sp.supporter, sp.has_leads)
    recipients = CommentedSeq()
    for entry in sp.recipients:
        recipients.append(_new_school(entry, sp.has_leads))
    doc["recipients"] = recipients
    doc.yaml_set_start_comment(
        f"{_describe(sp)}（由 {source_name} 导入）\n"
        "负责人职务（lead 下的 position）、协议签订日期（signed_on）、中层干部结对（middle_manager_pairs）、\n"
        "师徒结对（teacher_pairs）、月度计划（monthly_plan）等请在下面补充；再次导入名单时这些内容会保留。")
    return dump(doc)


def check(path: Path, text: str, programme: Programme, root: Path) -> tuple[list[Problem], list[Problem]]:
    """What ``docgen validate`` would say about the file about to be written: problems, warnings."""
    try:
        src = parse(path, text)
        pairing = validate_source(src, Pairing)
    except SourceError as exc:
        return exc.problems, []
    if pairing.id is None:
        pairing.id = path.stem
    adopt(pairing, programme)
    return check_pairing(pairing, src, programme, root), rare_characters(src)

