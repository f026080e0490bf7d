"""A long list is cut into tables of at most ``CHUNK_ROWS`` rows in the copy LibreOffice
converts (issue 22: the bureau's notice at 5,000 pairings did not convert in 38 minutes as
one table, and converts in 20 s in pieces), with every row kept, in order, under its heading."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.authoring.specimen import specimen
from docgen.convert.long_tables import CHUNK_ROWS, split_long_tables
from docgen.convert.marked import marked_copy
from docgen.documents.jobs import plan_jobs
from docgen.documents.kinds import kind
from docgen.render import Renderer
from tests.conftest import needs_libreoffice
from tests.helpers import specimen_notice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def notice(tmp_path_factory) -> Path:
    """The bureau's notice of a programme of 120 pairings: its list has 240 rows."""
    return specimen_notice(tmp_path_factory.mktemp("notice"), 120)


def _body(path: Path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml")).find(f"{W}body")


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _heading(table) -> list:
    return [r for r in table.findall(f"{W}tr") if r.find(f"{W}trPr/{W}tblHeader") is not None]


def _lists(body) -> list[list]:
    """The body's list tables (with heading rows), runs of tables separated by one paragraph
    grouped together: one list each."""
    lists: list[list] = []
    previous = None
    for child in body:
        if child.tag == f"{W}tbl" and _heading(child):
            if previous is not None and previous.getnext() is child.getprevious() and child.getprevious().tag == f"{W}p":
                lists[-1].append(child)
            else:
                lists.append([child])
            previous = child
    return lists


def _rows(tables: list) -> list[str]:
    return [_text(r) for t in tables for r in t.findall(f"{W}tr") if r.find(f"{W}trPr/{W}tblHeader") is None]


def test_the_notices_list_is_cut_into_pieces_under_its_heading(notice, tmp_path):
    before = notice.read_bytes()
    copy_ = marked_copy(notice, tmp_path / "marked.docx", "notice")
    assert notice.read_bytes() == before  # the clerk's Word file keeps its one table
    original = [t for t in _body(notice) if t.tag == f"{W}tbl" and len(t.findall(f"{W}tr")) > CHUNK_ROWS]
    assert original, "the specimen's list should be longer than a piece"
    lists = _lists(_body(copy_))
    cut = [tables for tables in lists if len(tables) > 1]
    assert len(cut) == len(original)
    for whole, pieces in zip(original, cut, strict=True):
        assert _rows(pieces) == _rows([whole])  # every row, in order
        heading = [etree.tostring(r) for r in _heading(whole)]
        for piece in pieces:
            assert [etree.tostring(r) for r in _heading(piece)] == heading
            body_rows = [r for r in piece.findall(f"{W}tr") if r.find(f"{W}trPr/{W}tblHeader") is None]
            assert 0 < len(body_rows) <= CHUNK_ROWS
            first = body_rows[0]
            merge = first.find(f"{W}tc/{W}tcPr/{W}vMerge")
            assert merge is None or merge.get(f"{W}val") == "restart"  # never inside a merge
            separator = piece.getprevious()
            if piece is not pieces[0]:
                spacing = separator.find(f"{W}pPr/{W}spacing")
                assert separator.tag == f"{W}p" and spacing.get(f"{W}lineRule") == "exact"
                assert _text(separator) == ""
                last = separator.getprevious().findall(f"{W}tr")[-1]
                assert last.find(f".//{W}keepNext") is None  # rows kept together stay together


def test_short_tables_are_left_whole(tmp_path):
    out = tmp_path / "o"
    jobs = plan_jobs(specimen(pairings=3), [kind("notice")], out)
    renderer = Renderer()
    for job in jobs:
        job.path.parent.mkdir(parents=True, exist_ok=True)
        job.path.write_bytes(renderer.render(job.template, job.kind.context(job.scope)))
        marked = marked_copy(job.path, tmp_path / "m.docx", "notice")
        count = [len(_body(p).findall(f"{W}tbl")) for p in (job.path, marked)]
        assert count[0] == count[1] > 0


def _cell(row, text: str, merge: str | None = None) -> None:
    cell = etree.SubElement(row, f"{W}tc")
    if merge is not None:
        etree.SubElement(etree.SubElement(cell, f"{W}tcPr"), f"{W}vMerge", {f"{W}val": merge})
    etree.SubElement(etree.SubElement(etree.SubElement(cell, f"{W}p"), f"{W}r"), f"{W}t").text = text


def _table(rows: int, groups: list[int] | None = None) -> etree._Element:
    """A list of ``rows`` rows under one heading row: a county cell merged down the whole
    list, a school cell merged down each group of ``groups`` (sizes in order; two rows each
    by default), and a numbered cell per row."""
    table = etree.Element(f"{W}tbl")
    etree.SubElement(table, f"{W}tblPr")
    heading = etree.SubElement(table, f"{W}tr")
    etree.SubElement(etree.SubElement(heading, f"{W}trPr"), f"{W}tblHeader")
    for text in ("县", "校", "序"):
        _cell(heading, text)
    starts, at = set(), 0
    for size in groups or [2] * (rows // 2 + 1):
        starts.add(at)
        at += size
    school = 0
    for i in range(rows):
        row = etree.SubElement(table, f"{W}tr")
        _cell(row, "甲县" if i == 0 else "", "restart" if i == 0 else "continue")
        if i in starts:
            school += 1
        _cell(row, f"学校{school}" if i in starts else "", "restart" if i in starts else "continue")
        _cell(row, str(i))
    return table


def _column(table, k: int) -> list[str]:
    return [_text(r.findall(f"{W}tc")[k]) for r in table.findall(f"{W}tr")[1:]]


def _merges(row) -> list[str | None]:
    return [(m.get(f"{W}val") or "continue") if (m := c.find(f"{W}tcPr/{W}vMerge")) is not None else None
            for c in row.findall(f"{W}tc")]


def test_a_merge_down_the_whole_list_is_cut_and_named_again_in_each_piece():
    body = etree.Element(f"{W}body")
    body.append(_table(CHUNK_ROWS * 3))
    assert split_long_tables(body) == 2
    tables = body.findall(f"{W}tbl")
    assert [len(t.findall(f"{W}tr")) - 1 for t in tables] == [CHUNK_ROWS] * 3
    assert [n for t in tables for n in _column(t, 2)] == [str(i) for i in range(CHUNK_ROWS * 3)]
    for table in tables:
        first = table.findall(f"{W}tr")[1]
        assert _merges(first) == ["restart", "restart", None]  # no piece starts inside a pair
        assert _column(table, 0)[0] == "甲县"  # the county is named again at the top of each piece
        assert all(m == ["continue"] * 2 + [None] for m in map(_merges, table.findall(f"{W}tr")[2:3]))


def test_a_merge_that_begins_inside_a_piece_is_never_cut():
    """A school with 2.5 pieces' worth of recipients, starting in the first piece: the first
    cut comes after its last recipient."""
    long_group = CHUNK_ROWS * 5 // 2
    rows = CHUNK_ROWS // 2 + long_group + CHUNK_ROWS
    body = etree.Element(f"{W}body")
    body.append(_table(rows, [2] * (CHUNK_ROWS // 4) + [long_group] + [2] * CHUNK_ROWS))
    split_long_tables(body)
    tables = body.findall(f"{W}tbl")
    assert len(tables[0].findall(f"{W}tr")) - 1 == CHUNK_ROWS // 2 + long_group
    assert [n for t in tables for n in _column(t, 2)] == [str(i) for i in range(rows)]
    assert all(_merges(t.findall(f"{W}tr")[1])[1] == "restart" for t in tables)


def test_a_short_table_or_one_without_merges_is_cut_as_expected():
    body = etree.Element(f"{W}body")
    body.append(_table(CHUNK_ROWS))  # not longer than a piece
    assert split_long_tables(body) == 0 and len(body) == 1
    plain = etree.SubElement(body, f"{W}tbl")
    for i in range(CHUNK_ROWS * 2 + 1):  # no heading, no merges
        _cell(etree.SubElement(plain, f"{W}tr"), str(i))
    assert split_long_tables(body) == 2
    tables = body.findall(f"{W}tbl")[1:]
    assert [len(t.findall(f"{W}tr")) for t in tables] == [CHUNK_ROWS, CHUNK_ROWS, 1]
    assert [n for t in tables for n in _column_all(t)] == [str(i) for i in range(CHUNK_ROWS * 2 + 1)]


def _column_all(table) -> list[str]:
    return [_text(r) for r in table.findall(f"{W}tr")]


def test_a_table_in_a_cell_is_left_whole():
    body = etree.Element(f"{W}body")
    outer = etree.SubElement(body, f"{W}tbl")
    cell = etree.SubElement(etree.SubElement(outer, f"{W}tr"), f"{W}tc")
    cell.append(_table(CHUNK_ROWS * 2))
    assert split_long_tables(body) == 0


@needs_libreoffice
def test_every_page_of_the_cut_list_starts_under_its_heading(notice, tmp_path, converters):
    from pypdf import PdfReader

    [result] = converters.convert_all([(notice, tmp_path / "notice.pdf")], families=["notice"])
    assert result.ok, result.error
    pages = [p.extract_text() for p in PdfReader(result.dst).pages]
    listed = [t for t in pages if "中学结对" in t]
    assert len(listed) >= 4
    assert all("被帮扶学校" in t for t in listed)  # each page of the list shows its heading
    found = [n for t in pages for n in range(1, 121) if f"示例第{n}中学\n" in t or f"示例第{n} 中学\n" in t]
    assert set(found) == set(range(1, 121))
