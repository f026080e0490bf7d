"""The bureau's roll-up for one cycle year: every pairing with its counts, completion per
commitment, late filings and rubric score, sorted by score; written as an .xlsx here and as a
.docx annex by the ``report`` document kind."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from ..load import Loaded
from ..load.model.common import ACTIVITY_NAMES
from ..load.model.cycle import CycleYear
from ..outputs import build_time, normalise_docx, text_cells
from ..text import join
from .counting import YearCounts, count
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
    """commitment id -> (periods met, periods checked)"""
    score: float
    grade: str
    pending: int
    unmet: list[str] = field(default_factory=list)
    """Each unmet check (per term, per teacher pair), for the spreadsheet."""
    unmet_commitments: list[str] = field(default_factory=list)
    """The commitments behind, once each, for the annex."""
    has_records: bool = True

    @property
    def behind(self) -> bool:
        return bool(self.unmet) or not self.has_records


@dataclass
class Rollup:
    loaded: Loaded
    year: CycleYear
    rows: list[Row]
    commitments: list[tuple[str, str]]
    """(id, Chinese name) of each commitment, in programme order"""
    checks: dict[str, list] = field(default_factory=dict)
    """pairing id -> its counting.Check list, for the detail sheet"""

    @property
    def title(self) -> str:
        base = self.loaded.programme.title.removesuffix("实施方案").removesuffix("工作方案")
        return f"{base}考核汇总表（{self.year.label}）"


def years_with_records(loaded: Loaded) -> list[str]:
    return sorted({year for _, year in loaded.activities})


def rollup(loaded: Loaded, year_key: str) -> Rollup:
    prog = loaded.programme
    years = {y.key: y for y in prog.cycle.cycle_years}
    year = years[year_key]
    commitments = [(c.id, ACTIVITY_NAMES[c.activity] + (f"（{c.tag}）" if c.tag else "")) for c in prog.commitments]
    rows, by_pairing = [], {}
    for pairing in loaded.pairings:
        own_year = next((y for y in pairing.cycle.cycle_years if y.key == year_key), None)
        if own_year is None:
            continue  # this pairing's own cycle has no such year
        log = loaded.activity_log(pairing.id, year_key)
        counts: YearCounts = count(prog, pairing, own_year, log)
        card: Scorecard | None = score(prog, counts, log)
        by_pairing[pairing.id] = counts.checks
        completion = {}
        for cid, _ in commitments:
            checks = [c for c in counts.checks if c.commitment.id == cid]
            completion[cid] = (sum(1 for c in checks if c.met), len(checks))
        rows.append(Row(pairing.id, pairing.supporter.name, join([r.full_name for r in pairing.recipients]),
                        len(counts.records), len(counts.counted), len(counts.late) + len(counts.unfiled),
                        len(counts.no_evidence), completion, card.total if card else 0.0, card.grade if card else "",
                        len(card.pending) if card else 0,
                        sorted({f"{c.subject}" for c in counts.unmet}),
                        [name for cid, name in commitments if any(c.commitment.id == cid for c in counts.unmet)],
                        has_records=log is not None))
    rows.sort(key=lambda r: (-r.score, r.pairing_id))
    return Rollup(loaded, year, rows, commitments, by_pairing)


def to_xlsx(data: Rollup) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "考核汇总"
    header = ["名次", "结对标识", "支援学校", "受援学校", "活动记录", "计入考核", "迟报或未报备", "缺少证明材料"]
    header += [f"{name}（完成/应完成）" for _, name in data.commitments]
    header += ["得分", "等次", "待人工评分项", "未完成的承诺"]
    ws.append([data.title])
    ws.append(header)
    behind_fill = PatternFill("solid", fgColor="FFC7CE")
    for rank, row in enumerate(data.rows, 1):
        values = [rank, row.pairing_id, row.supporter, row.recipients, row.records, row.counted, row.late,
                  row.no_evidence]
        values += [f"{row.completion[cid][0]}/{row.completion[cid][1]}" for cid, _ in data.commitments]
        values += [row.score, row.grade, row.pending, "、".join(row.unmet) if row.has_records else "无活动记录"]
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
    ws.append(["说明：红色底纹为未完成承诺事项或没有活动记录的结对；迟报、未报备和缺少证明材料的活动不计入完成数。"])
    detail = wb.create_sheet("承诺明细")
    detail.append(["结对标识", "支援学校", "学期/学年", "承诺事项", "要求", "完成", "情况"])
    for pairing in data.loaded.pairings:
        for c in data.checks.get(pairing.id, []):
            detail.append([pairing.id, pairing.supporter.name, c.period, c.subject, c.required_text(), c.done_text(),
                           "完成" if c.met else "未完成"])
            if not c.met:
                for cell in detail[detail.max_row]:
                    cell.fill = behind_fill
    when = build_time()
    wb.properties.creator = "docgen"
    wb.properties.created = wb.properties.modified = when
    text_cells(wb)  # a school named =HYPERLINK(...) stays text
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_docx(buffer.getvalue(), when)

