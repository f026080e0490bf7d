"""The bureau's roll-up for one cycle year: every pairing with its counts, completion per
commitment, late filings and rubric score, sorted by score; written as an .xlsx here and as a
.docx annex by the ``report`` document kind."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from ..errors import given
from ..load import Loaded
from ..load.model.cycle import CycleYear, Term
from ..load.model.programme import Programme
from ..outputs import build_time, normalise_docx, text_cells
from ..text import cn_date, join
from .counting import Check, YearCounts, commitment_name, count_pairing, so_far, term_as_of
from .scoring import Scorecard, score


@dataclass
class Row:
    pairing_id: str
    supporter: str
    recipients: str
    records: int
    counted: int
    late: int
    no_evidence: int
    completion: dict[str, tuple[int, int]]
    """commitment id -> (periods met, periods due); a period still open counts once it is met"""
    score: float | None
    """The rubric's points of the items scored so far; None without a rubric."""
    grade: str
    pending: int
    as_of: dt.date
    """The day this pairing is counted to."""
    unmet: list[str] = field(default_factory=list)
    """Each missed check (per term, per teacher pair), for the spreadsheet."""
    unmet_commitments: list[str] = field(default_factory=list)
    """The commitments behind, once each, for the annex."""
    has_records: bool = True
    pending_evidence: int = 0

    @property
    def behind(self) -> bool:
        return bool(self.unmet) or not self.has_records


@dataclass
class Rollup:
    loaded: Loaded
    year: CycleYear
    rows: list[Row]
    commitments: list[tuple[str, str]]
    """(id, Chinese name) of each counted commitment, in programme order"""
    checks: dict[str, list] = field(default_factory=dict)
    """pairing id -> its counting.Check list, for the detail sheet"""
    term: Term | None = None
    as_of: dt.date | None = None
    """The day asked for (``--as-of``); None: each pairing as of its summary's date, else today
    (its year's last day once the year is over)."""

    @property
    def programme(self) -> Programme:
        """The programme (a roll-up is made only of a folder whose programme file was read)."""
        return given(self.loaded.programme, "a programme")

    @property
    def label(self) -> str:
        return self.term.short_label if self.term else self.year.label

    @property
    def title(self) -> str:
        base = self.programme.title.removesuffix("实施方案").removesuffix("工作方案")
        return f"{base}考核汇总表（{self.label}）"

    @property
    def scored(self) -> bool:
        """The programme has a rubric: a score column."""
        return self.programme.rubric is not None

    @property
    def graded(self) -> bool:
        """The programme's rubric states grade bands: a grade column."""
        rubric = self.programme.rubric
        return rubric is not None and bool(rubric.bands)

    @property
    def ranked(self) -> bool:
        """Every row's score is complete: rows are ranked by it."""
        return self.scored and all(r.pending == 0 for r in self.rows)

    @property
    def as_of_note(self) -> str:
        """统计截至2026年12月31日, or the dates of each pairing when they differ."""
        brief = self.as_of_brief
        if len({r.as_of for r in self.rows}) < 2:
            return brief
        return f"{brief}：" + "；".join(f"{r.supporter}{cn_date(r.as_of)}" for r in self.rows)

    @property
    def as_of_brief(self) -> str:
        """``as_of_note`` without each pairing's date (the workspace's page, a table of
        thousands of rows, says to which day it counted in one line)."""
        days = sorted({r.as_of for r in self.rows})
        if not days:
            return ""
        if len(days) == 1:
            return f"统计截至{cn_date(days[0])}"
        return "统计截至各结对本年度的最后一天（尚未结束的截至生成之日）"


def years_with_records(loaded: Loaded) -> list[str]:
    return sorted({year for _, year in loaded.activities})


def rollup(loaded: Loaded, year_key: str, as_of: dt.date | None = None, term_key: str | None = None) -> Rollup:
    """Every pairing's counts of one cycle year (or one term of it): to the day asked for, else
    to the year's (term's) last day once it is over, else to today (``so_far``), the same day
    for every pairing. Not to the day each summary is signed, as the summaries count: the
    bureau assesses the year, and a school that signed on 18 December would have had its
    autumn term's shortfalls shown as 进行中 in a roll-up made years later."""
    prog = given(loaded.programme, "a programme")
    years = {y.key: y for y in prog.cycle.cycle_years}
    year = years[year_key]
    commitments = [(c.id, commitment_name(c)) for c in prog.commitments if c.per is not None]
    rows: list[Row] = []
    by_pairing: dict[str, list[Check]] = {}
    term: Term | None = None
    for pairing in loaded.pairings:
        pid = given(pairing.id, "a loaded pairing's id")
        if pid in loaded.bad_logs:
            continue  # its records cannot be counted until its logs are mended (the page says so)
        own_year = next((y for y in given(pairing.cycle, "a loaded pairing's cycle").cycle_years if y.key == year_key), None)
        if own_year is None:
            continue  # this pairing's own cycle has no such year
        own_term = next((t for t in own_year.terms if t.key == term_key), None) if term_key else None
        if term_key and own_term is None:
            continue
        term = term or own_term
        log = loaded.activity_log(pid, year_key)
        day = (as_of or so_far(own_year.end)) if own_term is None else term_as_of(own_year, own_term, as_of)
        counts: YearCounts = count_pairing(loaded, pairing, own_year, day, own_term)
        card: Scorecard | None = score(prog, counts, log)
        by_pairing[pid] = counts.checks
        completion = {}
        for cid, _ in commitments:
            checks = [c for c in counts.checks if c.commitment.id == cid]
            completion[cid] = (sum(1 for c in checks if c.met), sum(1 for c in checks if c.met or not c.open))
        rows.append(Row(pid, pairing.supporter.name, join([r.full_name for r in pairing.recipients]),
                        len(counts.records), len(counts.counted), len(counts.late) + len(counts.unfiled),
                        len(counts.no_evidence), completion, card.total if card else None,
                        card.grade if card else "", len(card.pending) if card else 0, counts.as_of,
                        sorted({f"{c.subject}" for c in counts.unmet}),
                        [name for cid, name in commitments if any(c.commitment.id == cid for c in counts.unmet)],
                        has_records=log is not None, pending_evidence=len(counts.pending_evidence)))
    data = Rollup(loaded, year, rows, commitments, by_pairing, term, as_of)
    if data.ranked:
        rows.sort(key=lambda r: (-(r.score or 0), r.pairing_id))
    return data


def to_xlsx(data: Rollup, when: dt.datetime | None = None) -> bytes:
    """The roll-up as a workbook, its properties and zip entries dated ``when`` (the roll-up's
    day: ``documents.dates``; the time with no data's day when not given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet (its active one)
    ws.title = "考核汇总"
    terms = data.programme.terms
    header = ["名次"] * data.ranked + ["结对标识", terms.supporter, terms.recipient, "统计截至", "活动记录", "计入考核", "迟报或未报备", "缺少证明材料",
              "证明材料待补"]
    header += [f"{name}（完成/应完成）" for _, name in data.commitments]
    header += (["得分", "待评定项"] if data.scored else []) + (["等次"] if data.graded else []) + ["未完成的承诺"]
    ws.append([data.title])
    ws.append(header)
    behind_fill = PatternFill("solid", fgColor="FFC7CE")
    for rank, row in enumerate(data.rows, 1):
        values: list[int | float | str | None] = [rank] * data.ranked + [row.pairing_id, row.supporter, row.recipients, cn_date(row.as_of),
                  row.records, row.counted, row.late, row.no_evidence, row.pending_evidence]
        values += [f"{row.completion[cid][0]}/{row.completion[cid][1]}" for cid, _ in data.commitments]
        values += ([row.score, row.pending] if data.scored else []) + ([row.grade] if data.graded else [])
        values += ["、".join(row.unmet) if row.has_records else "无活动记录"]
        ws.append(values)
        if row.behind:
            for cell in ws[ws.max_row]:
                cell.fill = behind_fill
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.freeze_panes = "C3"
    for i, title in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(8, len(title) * 1.6), 40)
    ws.append([])
    ws.append(["说明：红色底纹为未完成承诺事项或没有活动记录的结对；迟报、未报备和缺少证明材料的活动不计入完成数"
               + ("；得分只含已评定的项，待评定的项由教育局评定" if data.scored else "") + "。"])
    if data.as_of_note:
        ws.append([data.as_of_note + "；统计截止日期时尚未结束的学期、学年不计为未完成。"])
    detail = wb.create_sheet("承诺明细")
    detail.append(["结对标识", terms.supporter, "周期", "承诺事项", "要求", "完成", "情况"])
    for pairing in data.loaded.pairings:
        for c in data.checks.get(given(pairing.id, "a loaded pairing's id"), []):
            detail.append([pairing.id, pairing.supporter.name, c.period, c.subject, c.required_text(), c.done_text(),
                           c.state])
            if c.missed:
                for cell in detail[detail.max_row]:
                    cell.fill = behind_fill
    when = when or build_time()
    wb.properties.creator = "docgen"
    wb.properties.created = wb.properties.modified = when
    text_cells(wb)  # a school named =HYPERLINK(...) stays text
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_docx(buffer.getvalue(), when)

