"""Spreadsheet formula injection: every .xlsx and .csv docgen writes stores text as text.

A school named ``=HYPERLINK("http://x","点我")`` must reach the bureau's Excel as the text it
is, never as a live formula; and docgen's own export must import back to the same name."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.helpers import MINI_PROGRAMME, run

EVIL = '=HYPERLINK("http://x","点我")'
OTHERS = ["+1+1", "-2+3", "@SUM(A1)", "'=已是文本"]

PAIRING = f"""\
county: 测试县
supporter:
  name: '{EVIL.replace("'", "''")}'
  lead: {{name: '@王某某', position: 校长}}
recipients:
  - name: '+乙中学'
  - name: '-丙中学'
"""


def every_text_cell(path):
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    yield ws.title, cell


@pytest.fixture
def evil_programme(make_programme):
    return make_programme(MINI_PROGRAMME, {"evil": PAIRING})


def test_export_pairings_xlsx_stores_names_as_text(evil_programme, tmp_path):
    out = tmp_path / "名单.xlsx"
    result = run("export", "pairings", "-p", evil_programme, "-o", out)
    assert result.returncode == 0, result.stderr
    cells = list(every_text_cell(out))
    assert any(cell.value == EVIL for _, cell in cells)
    assert any(cell.value == "+乙中学" for _, cell in cells) and any(cell.value == "-丙中学" for _, cell in cells)
    formulas = [(title, cell.coordinate, cell.value) for title, cell in cells if cell.data_type != "s"]
    assert formulas == []


def test_export_pairings_csv_is_neutralised_and_imports_back(evil_programme, tmp_path, make_programme):
    out = tmp_path / "名单.csv"
    assert run("export", "pairings", "-p", evil_programme, "-o", out).returncode == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + EVIL in cells
    # docgen's own export, imported into an empty programme, gives back the same names
    target = tmp_path / "again"
    (target / "pairings").mkdir(parents=True)
    (target / "programme.yaml").write_text(MINI_PROGRAMME, encoding="utf-8")
    result = run("import", "pairings", out, "-p", target)
    assert result.returncode == 0, result.stderr
    from docgen.load import load_programme

    loaded = load_programme(target)
    assert loaded.problems == []
    [pairing] = loaded.pairings
    assert pairing.supporter.name == EVIL
    assert [r.name for r in pairing.recipients] == ["+乙中学", "-丙中学"]
    assert pairing.supporter.lead.name == "@王某某"


@pytest.mark.parametrize("value", [EVIL, *OTHERS, "\t制表符开头", "\r回车开头", "普通文字", "", "'单引号"])
def test_csv_cells_round_trip(value):
    from docgen.outputs import csv_cell, csv_cell_back

    written = csv_cell(value)
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert csv_cell_back(written) == value


def test_report_xlsx_stores_names_as_text(evil_programme, tmp_path):
    year = evil_programme / "activities" / "2022"
    year.mkdir(parents=True)
    (year / "evil.yaml").write_text("records:\n- date: 2022-10-12\n  type: lesson_delivery\n  description: 送课\n",
                                    encoding="utf-8")
    result = run("report", evil_programme, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    [xlsx] = (tmp_path / "out").rglob("*.xlsx")
    cells = list(every_text_cell(xlsx))
    assert any(cell.value == EVIL for _, cell in cells)
    assert [(t, c.coordinate, c.value) for t, c in cells if c.data_type != "s"] == []
