"""``docgen export pairings``: a programme's pairings as the bureau's pair list.

One row per supporter–recipient pair, columns 县市区, 支援学校, 受援学校, 负责人, 备注; what a
pairing's rows share is one merged cell (.xlsx) or written once with blanks below (.csv), as
bureaus lay the list out, and as ``docgen import pairings`` reads it back. The 负责人 cell
lists the supporter's lead, then the recipients' leads in order, "—" for one not given.
The same pairings always give the same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ...errors import PairListError, UsageError, display_path, given
from ...outputs import build_time, csv_cell, normalise_docx, text_cells, write_atomic
from ..folder import load_programme
from ..model.pairing import Pairing
from ..stated import latest_stated

HEADER = ["县市区", "支援学校", "受援学校", "负责人", "备注"]
WIDTHS = [16, 22, 30, 12, 26]
GAP = "—"
"""Keeps the place of a school without a lead; one of the placeholders import reads."""


def leads_text(pairing: Pairing) -> str:
    names = [s.lead.name if s.lead else None for s in (pairing.supporter, *pairing.recipients)]
    while names and names[-1] is None:
        names.pop()
    return "\n".join(name or GAP for name in names)


def _xlsx(title: str, pairings: list[Pairing], when: dt.datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet (its active one)
    ws.title = "结对名单"
    ws.append(HEADER)
    body = Alignment(wrap_text=True, vertical="center")
    row = 2
    county_runs: list[list] = []  # [county, first row, last row]
    for pairing in pairings:
        first, last = row, row + len(pairing.recipients) - 1
        for k, recipient in enumerate(pairing.recipients):
            ws.cell(first + k, 3, recipient.full_name)
        for col, value in ((2, pairing.supporter.full_name), (4, leads_text(pairing)), (5, pairing.remark)):
            ws.cell(first, col, value or None)
            if last > first:
                ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
        if county_runs and county_runs[-1][0] == pairing.county:
            county_runs[-1][2] = last
        else:
            county_runs.append([pairing.county, first, last])
        row = last + 1
    for county, first, last in county_runs:
        ws.cell(first, 1, county)
        if last > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
    for cells in ws.iter_rows(min_row=2, max_row=row - 1):
        for cell in cells:
            cell.alignment = body
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
        ws.cell(1, col).font = Font(bold=True)
        ws.cell(1, col).alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A2"
    wb.properties.title = title
    wb.properties.creator = wb.properties.lastModifiedBy = "docgen"
    wb.properties.created = wb.properties.modified = when
    text_cells(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_docx(buffer.getvalue(), when)


def _csv(pairings: list[Pairing]) -> bytes:
    """UTF-8 with the byte-order mark, so that Excel opens it as Chinese; blanks mean "same as above";
    text that a spreadsheet would run as a formula is marked as text (``csv_cell``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    last_county = None
    for pairing in pairings:
        for k, recipient in enumerate(pairing.recipients):
            first = k == 0
            writer.writerow([csv_cell(v) for v in (pairing.county if pairing.county != last_county else "",
                                                   pairing.supporter.full_name if first else "", recipient.full_name,
                                                   leads_text(pairing) if first else "", pairing.remark if first else "")])
            last_county = pairing.county
    return out.getvalue().encode("utf-8-sig")


def export_pairings(root: Path, target: Path) -> tuple[Path, int, int]:
    """Write the pair list of the programme at ``root``; returns (file, pairings, rows)."""
    root, target = Path(root), Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(f"只能导出为 .xlsx 或 .csv 文件，而不是 {suffix or '无扩展名的文件'}")
    if not (root / "programme.yaml").is_file():
        raise UsageError(f"{display_path(root)} 不是方案目录（没有 programme.yaml）")
    loaded = load_programme(root)
    if loaded.problems:
        raise PairListError(loaded.problems, "请先修正数据（docgen validate 可列出全部错误）再导出。")
    pairings = loaded.pairings
    programme = given(loaded.programme, "a programme")  # (read: there are no problems)
    # dated by the data: the latest day it states something was done (load.stated)
    day = latest_stated([programme, *pairings]) or programme.cycle.start
    data = _xlsx(programme.title, pairings, build_time(day)) if suffix == ".xlsx" else _csv(pairings)
    write_atomic(target, data)
    return target, len(pairings), sum(len(p.recipients) for p in pairings)
