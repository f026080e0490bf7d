"""No table docgen makes leaves a single row alone on a page (review: the hongsibu 任务清单 left
row 17 alone on a page between rows kept together). Rows never split; which rows are kept with
the next is chosen for the whole table, so that every page a table reaches holds at least two of
its rows, unless two neighbouring rows are together taller than a page."""
from __future__ import annotations

import pytest
import yaml

from docgen.preflight.check import check_document, pages_of
from docgen.render.keeps import runs
from tests.conftest import needs_libreoffice
from tests.helpers import run

SHORT = "完善制度。"
TALL = "按照方案要求，结对学校共同研究制订教师队伍建设规划和年度培训计划，" * 8
"""About seventeen lines of the task column: two of them do not fit one page together."""


def _programme(root, texts: list[str]) -> None:
    (root / "pairings").mkdir(parents=True)
    programme = {"title": "测试县结对帮扶工作方案", "bureau": {"name": "测试县教育局"}, "cycle": {"start": "2023-01-01"},
                 "body": ["为推进结对帮扶，制定本方案。"],
                 "measures": [{"area": "制度建设", "text": text, "units": ["教育局"], "deadline": "2023年12月底前"}
                              for text in texts],
                 "attachments": [{"title": "测试县结对帮扶工作任务清单", "content": "measures"}]}
    (root / "programme.yaml").write_text(yaml.safe_dump(programme, allow_unicode=True), "utf-8")
    (root / "pairings" / "p1.yaml").write_text(
        "county: 测试县\nsupporter: {name: 甲中学}\nrecipients: [{name: 乙中学}]\n", "utf-8")


@needs_libreoffice
@pytest.mark.parametrize("texts, unavoidable", [
    ([SHORT] * 6 + [TALL, TALL] + [SHORT] * 4, False),  # two tall rows in the middle, short ones around them
    ([SHORT] * 40, False),                              # a long table of short rows
    # four tall rows in a row: no two of them fit one page, so some page holds one of them alone;
    # the preflight says so as a warning (nothing could be done), never as a failure
    ([SHORT] * 5 + [TALL] * 4 + [SHORT] * 3, True),
])
def test_no_page_holds_a_single_row_of_a_long_table(tmp_path, texts, unavoidable):
    root = tmp_path / "prog"
    _programme(root, texts)
    out = tmp_path / "out"
    result = run("build", root, "-o", out, "-k", "programme_plan", "--pdf")  # the PDF is checked as it is made
    assert result.returncode == 0, result.stderr
    pdf = next((out / "prog").glob("实施方案_*.pdf"))
    found = [f for r in check_document(pdf, "任务清单") for f in r.findings if f.rule == "表格跨页"]
    assert all(f.warning for f in found) and (unavoidable or not found), found
    assert len(pages_of(pdf)) >= 3  # the table does go on over pages


def test_rows_stand_in_runs_of_two_or_three_that_fit_a_page():
    room = 10
    assert runs([1] * 5, room) == [2, 3]
    assert runs([1], room) == [1] and runs([], room) == []
    # a tall row goes with a short neighbour, not with another tall row
    assert runs([1, 1, 1, 1, 6, 6, 1, 1], room) == [2, 3, 3]
    assert runs([6, 6, 6, 6], room) == [2, 2]  # nothing helps: as few runs over a page as can be
