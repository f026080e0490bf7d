"""``docgen export activities-template``: the blank activity sheet a bureau sends to schools.

Its header is exactly the columns ``import activities`` reads (``importer.COLUMNS``), under a
title row; 类型 offers the activity types (and the programme's 细分, such as 观摩学习（教师）)
as a drop-down list, 组织方 the parties, and — for one pairing — 受援学校, 帮扶教师 and 受援教师
the pairing's own names; dates must be dates within the cycle. A filled copy imports as it is.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Literal

from ..errors import given
from ..load import Loaded
from ..load.model.common import ACTIVITY_NAMES
from ..load.model.pairing import Pairing
from ..load.stated import latest_stated
from ..outputs import build_time, normalise_docx, text_cells
from .importer import COLUMNS, PARTIES, REQUIRED

ROWS = 300
"""Rows prepared with the drop-down lists and date checks."""
WIDTHS = {"日期": 12, "类型": 18, "学科": 12, "人次": 7, "参与人员": 18, "内容": 40, "证明材料": 30, "报备日期": 12,
          "组织方": 10, "受援学校": 20, "帮扶教师": 10, "受援教师": 10, "天数": 7, "备注": 20}
NOTES = {
    "日期": "活动日期，如 2026-10-15 或 2026/10/15（必填）",
    "类型": "从下拉列表中选择（必填）；需要细分时选带括号的，如“观摩学习（教师）”",
    "学科": "涉及的学科，多个用顿号隔开，如“语文、数学”",
    "人次": "参加的人次（整数）；不填时按参与人员的人数计",
    "参与人员": "参加的教师姓名，多个用顿号隔开",
    "内容": "做了什么（必填），如“到大塘小学送数学示范课并评课”；同一天同类的两次活动请写明区别",
    "证明材料": "照片、签到表、听课记录等证明材料（写在方案目录中的文件路径，多个用顿号隔开）",
    "报备日期": "向教育局报备的日期；没有报备则空着",
    "组织方": "谁组织的活动：支援学校、受援学校或双方；不填时按类型推定",
    "受援学校": "有多所受援学校时，写这次活动涉及的那一所",
    "帮扶教师": "师徒交流时写师傅的姓名",
    "受援教师": "师徒交流时写徒弟的姓名",
    "天数": "活动天数（可写 0.5）；不填按 1 天计",
    "备注": "自由填写的说明，只供查看，不写入生成的文书",
}


def type_choices(loaded: Loaded | None) -> list[str]:
    """The activity types, and each type with a 细分 that the programme's commitments count."""
    out = list(ACTIVITY_NAMES.values())
    if loaded is not None and loaded.programme is not None:
        for c in loaded.programme.commitments:
            if c.tag and f"{ACTIVITY_NAMES[c.activity]}（{c.tag}）" not in out:
                out.append(f"{ACTIVITY_NAMES[c.activity]}（{c.tag}）")
    return out


def pairing_choices(pairing: Pairing) -> dict[str, list[str]]:
    """What a record of ``pairing`` may name, by its field: the recipients (``school``), the
    teacher pairs' mentors and mentees (the sheet's lists, the workspace's choices)."""
    return {"school": [r.name for r in pairing.recipients],
            "mentor": sorted({tp.mentor.name for tp in pairing.teacher_pairs}),
            "mentee": sorted({tp.mentee.name for tp in pairing.teacher_pairs})}


def template(loaded: Loaded | None = None, pairing: Pairing | None = None) -> bytes:
    """The blank sheet, as .xlsx bytes (the same input, the same bytes)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet (its active one)
    ws.title = "活动记录"
    who = pairing.supporter.name + "结对" if pairing else ""
    ws.append([f"{who}帮扶活动记录表（第一行为标题，从第 3 行起每次活动填一行）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.append(COLUMNS)
    ws["A1"].font = Font(bold=True, size=14)
    col = {title: i for i, title in enumerate(COLUMNS, 1)}
    for title, i in col.items():
        letter = get_column_letter(i)
        cell = ws.cell(2, i)
        cell.font = Font(bold=True, color="C00000" if title in REQUIRED else None)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.comment = Comment(NOTES[title], "docgen")
        ws.column_dimensions[letter].width = WIDTHS[title]
    ws.freeze_panes = "A3"
    first, last = 3, 2 + ROWS

    lists = wb.create_sheet("选项")
    lists.sheet_state = "hidden"
    named = pairing_choices(pairing) if pairing else {}
    choices = {"类型": type_choices(loaded), "组织方": [p for p in PARTIES if p in ("支援学校", "受援学校", "双方")],
               "受援学校": named.get("school", []), "帮扶教师": named.get("mentor", []), "受援教师": named.get("mentee", [])}
    for k, (title, values) in enumerate(choices.items(), 1):
        lists.cell(1, k, f"可选的{title}")
        for j, value in enumerate(values, 2):
            lists.cell(j, k, value)
        if not values:
            continue
        ref = f"选项!${get_column_letter(k)}$2:${get_column_letter(k)}${len(values) + 1}"
        rule = DataValidation(type="list", formula1=f"={ref}", allow_blank=True, showErrorMessage=title == "类型",
                              errorTitle="类型", error="请从下拉列表中选择活动类型")
        letter = get_column_letter(col[title])
        rule.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(rule)
    start: dt.date | None = None
    end: dt.date | None = None
    if loaded is not None and loaded.programme is not None:
        cycle = (given(pairing.cycle, "a loaded pairing's cycle") if pairing else loaded.programme.cycle).cycle_years
        start, end = cycle[0].start, cycle[-1].end
    for title in ("日期", "报备日期"):
        letter = get_column_letter(col[title])
        if start is not None and end is not None:
            rule = DataValidation(type="date", operator="between", formula1=f"DATE({start.year},{start.month},{start.day})",
                                  formula2=f"DATE({end.year},{end.month},{end.day})", allow_blank=True,
                                  showErrorMessage=True, errorTitle=title,
                                  error=f"请填写 {start} 至 {end} 之间的日期，如 {start}")
            rule.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(rule)
        for r in range(first, last + 1):
            ws[f"{letter}{r}"].number_format = "yyyy-mm-dd"
    counts: tuple[tuple[str, Literal["whole", "decimal"]], ...] = (("人次", "whole"), ("天数", "decimal"))
    for title, kind in counts:
        letter = get_column_letter(col[title])
        rule = DataValidation(type=kind, operator="greaterThan", formula1="0", allow_blank=True, showErrorMessage=True,
                              errorTitle=title, error=f"{title}应为大于 0 的{'整数' if kind == 'whole' else '数'}")
        rule.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(rule)

    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "填写说明"])
    for title in COLUMNS:
        notes.append([title + ("（必填）" if title in REQUIRED else ""), NOTES[title]])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    text_cells(wb)
    day = None  # without a programme there is no day to date it by (outputs.NO_DATA_EPOCH)
    if loaded is not None and loaded.programme is not None:
        day = latest_stated([loaded.programme, *([pairing] if pairing else loaded.pairings)]) or loaded.programme.cycle.start
    when = build_time(day)
    wb.properties.title = "帮扶活动记录表"
    wb.properties.creator = wb.properties.lastModifiedBy = "docgen"
    wb.properties.created = wb.properties.modified = when
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_docx(buffer.getvalue(), when)
