"""The bureau's pair list (结对名单) as a spreadsheet: ``docgen import pairings`` turns it into
pairing files, or updates the ones a folder has; ``docgen export pairings`` writes it back.

Reading the sheet is ``sheet`` (cells, merged ranges, header) and ``groups`` (rows -> one
entry per pairing); ``files`` matches entries with the files a folder has and edits them;
``export`` writes the sheet. Nothing is written unless every row and every resulting file is
valid.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import PairListError, Problem, SourceError, UsageError, display_path
from ...outputs import write_atomic
from ...text import cn_date
from ..activity_files import cycle_over
from ..folder import PAIRINGS_DIR, PROGRAMME_FILE, pairing_files, validate_source
from ..model.programme import Programme
from ..yaml_source import read
from .export import export_pairings
from .files import Existing, Replaced, Result, check, create, match, new_ids, numbers, read_existing, replaced, update
from .groups import SheetPairing, read_pairings
from .names import near_name_warnings
from .sheet import find_header, first_row, read_header, read_sheets, unknown_first_row


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    source: Path
    root: Path
    results: list[Result] = field(default_factory=list)
    stale: list[Existing] = field(default_factory=list)
    """Files in the folder that no row of the sheet matches: kept, never deleted."""
    replaced: list[Replaced] = field(default_factory=list)
    """New pairings that take a recipient over from a kept file's supporter."""
    skipped_sheets: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False
    ended: dt.date | None = None
    """The end of the programme's cycle, when it is over (before today)."""

    def having(self, status: str) -> list[Result]:
        return [r for r in self.results if r.status == status]

    @property
    def pairs(self) -> int:
        return sum(len(r.sheet.recipients) for r in self.results)

    def ended_warning(self) -> str:
        """In Chinese: the cycle is over, the import changes that cycle's documents ("" if not over)."""
        if self.ended is None:
            return ""
        return (f"本方案的帮扶周期已于{cn_date(self.ended)}结束。导入会改动这个周期的结对文件，"
                "再生成时这个周期的文书和报送材料也会跟着改变。开始新的一年（新的周期），请新建一个方案文件夹，"
                "不要导入到这里；只是更正这个周期的名单时，才在这里导入。")


def programme_of(root: Path) -> Programme:
    if not (root / PROGRAMME_FILE).is_file():
        raise UsageError(f"{display_path(root)} 不是方案目录（没有 {PROGRAMME_FILE}）")
    try:
        return validate_source(read(root / PROGRAMME_FILE), Programme)
    except SourceError as exc:
        raise PairListError(exc.problems, f"请先修正 {PROGRAMME_FILE} 再导入。") from None


def read_list(path: Path, county: str = "") -> tuple[list[SheetPairing], list[str], list[Problem]]:
    """The pairings a pair-list file holds, the names of sheets that hold no list, and warnings
    about cells read in a way a clerk should check."""
    sheets = read_sheets(path)
    listed = [s for s in sheets if find_header(s)]
    if not listed:
        filled = [s for s in sheets if first_row(s) is not None]
        raise PairListError(unknown_first_row(filled[0] if filled else sheets[0]))
    skipped = [s.name for s in sheets if s not in listed and first_row(s) is not None]
    problems = [p for s in listed for p in read_header(s, bool(county.strip()))]
    if problems:
        raise PairListError(problems)
    pairings, problems, warnings = read_pairings(listed, county)
    if problems:
        raise PairListError(problems)
    if not pairings:
        first = listed[0]
        raise PairListError([first.problem(first.header_row, 1, "", "表头下面没有结对：请在列名下面一行起填写")])
    return pairings, skipped, warnings


def import_pairings(path: Path, root: Path, *, county: str = "", dry_run: bool = False,
                    progress=None, today: dt.date | None = None) -> ImportReport:
    """Create or update ``<root>/pairings/*.yaml`` from the pair list at ``path``; ``county`` is
    the county of rows (or sheets) that name none. ``progress`` (a pipeline listener) hears
    of each pairing checked; ``today`` (default: the system's date) tells whether the
    programme's cycle is over."""
    path, root = Path(path), Path(root)
    programme = programme_of(root)
    sheet, skipped, warnings = read_list(path, county)
    existing, problems = read_existing(pairing_files(root))
    if problems:
        raise PairListError(problems, f"{PAIRINGS_DIR}/ 下已有的结对文件有错误，请先修正（docgen validate 可列出全部错误）后再导入。")
    report = ImportReport(path, root, skipped_sheets=skipped, warnings=warnings)
    report.ended = cycle_over(programme, root, today)
    matched = match(sheet, existing)
    held = {id(e) for e in matched.values()}
    report.stale = [e for e in existing if id(e) not in held]
    ids, nos = new_ids(sheet, matched, existing), numbers(sheet, report.stale)
    for sp in sheet:
        found = matched.get(sp.no)
        if found is None:
            target = root / PAIRINGS_DIR / f"{ids[sp.no]}.yaml"
            report.results.append(Result(sp, target, create(sp, path.name, nos[sp.no]), "new"))
            continue
        text, changes, stops = update(found, sp, nos[sp.no])
        problems += stops
        report.results.append(Result(sp, found.path, text, "changed" if changes else "same", changes))
    if problems:
        raise PairListError(problems, "请修改表格或结对文件后重试。")
    if progress is not None:
        progress.began("import", len(report.results))
    for result in report.results:
        if result.status != "same":
            stops, warnings = check(result.path, result.text, programme, root)
            problems += stops
            report.warnings += warnings
        if progress is not None:
            progress.advanced("import", str(result.path.name), True)
    if problems:
        raise PairListError(problems, "导入后的结对文件会有以上错误（行号按导入后的内容），请修改表格或结对文件后重试。")
    report.replaced = replaced(report.results, report.stale, root)
    staying = {s.name: display_path(e.path) for e in report.stale for s in (e.pairing.supporter, *e.pairing.recipients)}
    report.warnings += near_name_warnings(sheet, staying)
    if not dry_run:
        for result in report.results:
            if result.status != "same":
                write_atomic(result.path, result.text.encode("utf-8"))
        report.written = True
    return report


__all__ = ["ImportReport", "export_pairings", "import_pairings", "read_list"]
