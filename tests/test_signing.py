"""Joint signing blocks of three to six parties, as a bureau signs them without a second
look (GB/T 9704 7.3.5.1, issue 19 §1): measured on the PDFs docgen makes of a programme
written here (one supporter and two to five recipients; seals for every school, or none,
as when the paper copies are stamped by hand).

- names at 三号 on one or two lines, a longer name in a wider cell or a row of its own;
- a date to fill in by hand under every party, on one line; a given date once, under the
  last party;
- at most three seals to a row, evenly spaced, none touching, each centred over its name;
- the preflight passes (its signature rules included) and the PDF is PDF/A-2b.
"""
from __future__ import annotations

import json
import shutil
import textwrap
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from docgen.preflight.check import check_document, document_of
from docgen.preflight.rules import TYPE_LEFT, TYPE_RIGHT, signed_cells
from tests.conftest import needs_libreoffice
from tests.helpers import DATA, MINI_PROGRAMME, run

pytestmark = needs_libreoffice

NAMES = ["示例县第一初级中学", "示例县城关镇中心小学", "示例县石门乡九年一贯制学校", "示例县白沙镇初级中学",
         "示例县大塘乡中心学校", "示例县龙潭镇中心小学"]
LONG = "示例市第一中学教育集团本部校区暨示例市教师发展中心附属实验学校（含东西两校区）"
"""A supporter's name of 40 characters."""
WIDE = ["示例市支援义务教育学校一（示例）", "示例县受援农村中心学校一（示例）", "示例县受援农村中心学校二（示例）"]
"""Three names of 16 characters, too long for two lines of a third of the type width (the
changsha-huaihua pairing nc-01 that issue 19 saw)."""


def _names(file: str, parties: int) -> list[str]:
    """The schools of a pairing file of ``parties``: ``NAMES``, its supporter numbered after
    the file (示例县第一…第九初级中学, names of one length): two files never pair the same
    schools, which docgen refuses as a pairing written twice."""
    order = ["hand3", "hand4", "hand5", "hand6", "sealed3", "sealed4", "sealed5", "sealed6", "dated4"]
    return [NAMES[0].replace("第一", f"第{'一二三四五六七八九'[order.index(file)]}"), *NAMES[1:parties]]


def _pairing(names: list[str], sealed: bool, signed: str | None = None) -> str:
    seal = "\n  seal: seals/school.png" if sealed else ""
    recipients = "".join(f"\n  - name: {n}\n    lead: {{name: 李某某, position: 校长}}"
                         + ("\n    seal: seals/school.png" if sealed else "") for n in names[1:])
    return (f"county: 示例县\nsupporter:\n  name: {names[0]}{seal}\n  lead: {{name: 王某某, position: 校长}}\n"
            f"recipients:{recipients}\n" + (f"signed_on: {signed}\n" if signed else ""))


@pytest.fixture(scope="module")
def programme(tmp_path_factory) -> Path:
    """Pairings of 3, 4, 5 and 6 parties, unsealed and sealed, one with a given date, and
    one whose supporter has a 40-character name."""
    root = tmp_path_factory.mktemp("signing") / "joint"
    (root / "pairings").mkdir(parents=True)
    (root / "seals").mkdir()
    shutil.copy(DATA / "gaotai-2020" / "seals" / "sample-school.png", root / "seals" / "school.png")
    (root / "programme.yaml").write_text(textwrap.dedent(MINI_PROGRAMME), "utf-8")
    for n in (3, 4, 5, 6):
        (root / "pairings" / f"hand{n}.yaml").write_text(_pairing(_names(f"hand{n}", n), sealed=False), "utf-8")
        # sealed: the plan is signed on a date the data gives (a date left to write by hand is a blank
        # form, and a document with a blank is never sealed)
        (root / "pairings" / f"sealed{n}.yaml").write_text(_pairing(_names(f"sealed{n}", n), sealed=True,
                                                                    signed="2022-10-20"),
                                                           "utf-8")
    (root / "pairings" / "dated4.yaml").write_text(_pairing(_names("dated4", 4), sealed=False, signed="2022-10-20"),
                                                  "utf-8")
    (root / "pairings" / "long.yaml").write_text(_pairing([LONG, *NAMES[1:3]], sealed=False), "utf-8")
    (root / "pairings" / "wide3.yaml").write_text(_pairing(WIDE, sealed=False), "utf-8")
    return root


@pytest.fixture(scope="module")
def plans(programme, tmp_path_factory) -> dict[str, Path]:
    """The plan of each pairing the tests below read (not the sealed ones, see ``sealed``), as
    ``build --pdf`` makes it (unsealed)."""
    out = tmp_path_factory.mktemp("plans")
    read = [f"hand{n}" for n in (3, 4, 5, 6)] + ["wide3", "dated4", "long"]
    result = run("build", programme, "-o", out, "-k", "pairing_plan", "--pdf", *(a for p in read for a in ("-p", p)))
    assert result.returncode == 0, result.stdout + result.stderr
    return {path.parent.name: path for path in (out / "joint").rglob("实施方案_*.pdf")}


@pytest.fixture(scope="module")
def sealed(programme, tmp_path_factory) -> Path:
    """The bundles of the sealed pairings of 3, 4 and 6 parties (plans signed on a given date)."""
    out = tmp_path_factory.mktemp("sealed")
    result = run("bundle", programme, "-o", out, "-p", "sealed3", "-p", "sealed4", "-p", "sealed6")
    assert result.returncode in (0, 7), result.stdout + result.stderr  # 7: agreements left to confirm
    return out / "joint" / "bundles"


def _cells(path: Path):
    doc = document_of(path, "plan", "plan")
    return doc, signed_cells(doc)


def _rows(cells) -> list[list]:
    """The cells of a block by row (names whose last lines stand on one baseline), left to right."""
    rows: dict[int, list] = defaultdict(list)
    for cell in cells:
        rows[round(cell.name_lines[-1][0].y)].append(cell)
    return [sorted(row, key=lambda c: c.signature.box[0]) for _, row in sorted(rows.items(), reverse=True)]


@pytest.mark.parametrize("parties", [3, 4, 5, 6])
def test_names_whole_and_dated_by_hand_under_every_party(plans, parties):
    """Unsealed, no date given: every party's name at 三号 on at most two lines, its own
    年　月　日 on one line under it; rows of at most three; the preflight finds nothing."""
    path = plans[f"hand{parties}"]
    doc, cells = _cells(path)
    assert [c.signature.party for c in cells] == _names(f"hand{parties}", parties)
    for cell in cells:
        assert 1 <= len(cell.name_lines) <= 2, cell.signature.party
        assert {round(g.size, 1) for line in cell.name_lines for g in line} == {16.0}, cell.signature.party
        assert cell.date_lines == 1 and cell.date.replace(" ", "") == "年月日", (cell.signature.party, cell.date)
    rows = _rows(cells)
    assert all(len(row) <= 3 for row in rows) and sum(map(len, rows)) == parties
    for row in rows:  # evenly spaced: the cells of a row are equal
        widths = {round(c.signature.box[2] - c.signature.box[0]) for c in row}
        assert len(widths) == 1, widths
    found = [(f.rule, f.detail) for r in check_document(path, "plan", "plan") for f in r.findings if not f.warning]
    assert found == []


def test_three_parties_whose_names_need_wider_cells_stand_two_to_a_row(plans):
    """Three names too long for two lines of a third of the type width: two to a row, the
    last under the second (the one that presses the date), never three lines each."""
    rows = _rows(_cells(plans["wide3"])[1])
    assert [len(r) for r in rows] == [2, 1]
    assert rows[1][0].signature.box[0] == pytest.approx(rows[0][1].signature.box[0], abs=1)


def test_a_given_date_stands_once_under_the_last_party(plans):
    """A date the data gives is the joint document's 成文日期: once, under the last party."""
    _, cells = _cells(plans["dated4"])
    assert [c.date.replace(" ", "") for c in cells] == ["", "", "", "2022年10月20日"]
    assert all(c.date_lines in (0, 1) for c in cells)


def test_a_forty_character_name_takes_a_row_of_its_own_at_full_size(plans):
    """A 40-character name gets the type width, two lines at 三号; the other two share a row."""
    _, cells = _cells(plans["long"])
    first = cells[0]
    assert len(first.name_lines) == 2
    assert {round(g.size, 1) for line in first.name_lines for g in line} == {16.0}
    centre = (min(g.x for line in first.name_lines for g in line) + max(g.x + g.width for line in first.name_lines
                                                                         for g in line)) / 2
    assert centre == pytest.approx((TYPE_LEFT + TYPE_RIGHT) / 2, abs=3)  # centred across the type width
    rows = _rows(cells)
    assert [len(r) for r in rows] == [1, 2]


@pytest.mark.parametrize("parties", [3, 4, 6])
def test_seals_in_rows_of_at_most_three_evenly_spaced_apart_and_over_their_names(sealed, parties):
    folder = sealed / f"sealed{parties}"
    m = json.loads((folder / "manifest.json").read_text("utf-8"))
    plan = m["pdf"]["documents"][0]["title"]
    seals = [s for s in m["seals"] if s["document"] == plan]
    assert len(seals) == parties
    rows: dict[float, list] = defaultdict(list)
    for s in seals:
        rows[s["seal_box"][1]].append(s)
    for row in rows.values():
        assert len(row) <= 3
        row.sort(key=lambda s: s["seal_box"][0])
        for left, right in pairwise(row):
            assert right["seal_box"][0] - left["seal_box"][2] > 5  # apart, never touching
        centres = [(s["seal_box"][0] + s["seal_box"][2]) / 2 for s in row]
        steps = [b - a for a, b in pairwise(centres)]
        assert not steps or max(steps) - min(steps) < 2, steps  # evenly spaced
    for s in seals:
        name_cx = (s["name_box"][0] + s["name_box"][2]) / 2
        assert abs((s["seal_box"][0] + s["seal_box"][2]) / 2 - name_cx) < 3, s["party"]
    assert all(r["failed"] == [] for r in m["preflight"]), m["preflight"]
    assert m["pdfa"]["passed"] is True
