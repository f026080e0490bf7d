"""A document's file is named by the title on its first page: a programme that calls its
pairings' plan 帮扶方案 or their teachers' letter 师徒带教协议 (``titles``, a layer's
``letter_title``) gets files named so; the usual names stay the default."""
from __future__ import annotations

import pytest
from docx import Document

from tests.helpers import all_text, run


def _built(tmp_path, programme: str):
    out = tmp_path / "out"
    result = run("build", f"data/{programme}", "-o", out)
    assert result.returncode in (0, 7), result.stderr
    return out / programme


def _title(path) -> str:
    """The title on the first page: its lines, up to the first empty paragraph."""
    lines = all_text(Document(str(path))).split("\n")
    return "".join(lines[:lines.index("")])


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_sichuan_names_its_plans_and_teacher_agreements_by_their_titles(tmp_path):
    root = _built(tmp_path, "sichuan-2025")
    plans = sorted(root.glob("*/结对帮扶发展规划_*.docx"))
    letters = sorted(root.glob("*/师徒带教协议_*.docx"))
    assert len(plans) == 2 and len(letters) == 4
    assert not list(root.glob("*/实施方案_*.docx")) and not list(root.glob("*/教师结对帮扶责任书_*.docx"))
    assert all(_title(p).endswith("结对帮扶发展规划") for p in plans), [_title(p) for p in plans]
    assert all("师徒带教协议" in _title(p) for p in letters), [_title(p) for p in letters]
    assert list(root.glob("实施方案_*.docx"))  # the bureau's own plan has no programme title to take


def test_hongsibu_names_its_team_plan_by_its_title(tmp_path):
    root = _built(tmp_path, "hongsibu-2023")
    plans = list(root.glob("team/帮扶方案_*.docx"))
    assert len(plans) == 1 and not list(root.glob("team/实施方案_*.docx"))
    assert _title(plans[0]).endswith("帮扶方案"), _title(plans[0])
