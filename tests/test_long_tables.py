"""A long list is cut into tables of at most ``CHUNK_ROWS`` rows in the copy LibreOffice
converts (issue 22: the bureau's notice at 5,000 pairings did not convert in 38 minutes as
one table, and converts in 20 s in pieces), with every row kept, in order, under its heading."""
from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.authoring.specimen import specimen
from docgen.convert.long_tables import CHUNK_ROWS, split_long_tables
from docgen.convert.marks import marked_copy
from docgen.documents.jobs import plan_jobs
from docgen.documents.kinds import kind
from docgen.render import Renderer
from tests.conftest import needs_libreoffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def notice(tmp_path_factory) -> Path:
    """The bureau's notice of a programme of 120 pairings: its list has 240 rows."""
    out = tmp_path_factory.mktemp("notice")
    jobs = plan_jobs(specimen(pairings=120), [kind("notice")], out)
    job = max(jobs, key=lambda j: len(j.scope.pairings) if hasattr(j.scope, "pairings") else 0)
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_bytes(Renderer().render(job.template, job.kind.context(job.scope)))
    return job.path


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


def _table(rows: int, merged: bool) -> etree._Element:
    table = etree.Element(f"{W}tbl")
    etree.SubElement(table, f"{W}tblPr")
    heading = etree.SubElement(table, f"{W}tr")
    etree.SubElement(etree.SubElement(heading, f"{W}trPr"), f"{W}tblHeader")
    for i in range(rows):
        row = etree.SubElement(table, f"{W}tr")
        cell = etree.SubElement(row, f"{W}tc")
        if merged:
            properties = etree.SubElement(cell, f"{W}tcPr")
            etree.SubElement(properties, f"{W}vMerge", {f"{W}val": "restart"} if i == 0 else {})
        etree.SubElement(etree.SubElement(etree.SubElement(cell, f"{W}p"), f"{W}r"), f"{W}t").text = str(i)
    return table


def test_a_merge_longer_than_a_piece_is_not_cut_and_the_rest_is():
    body = etree.Element(f"{W}body")
    body.append(_table(CHUNK_ROWS * 3, merged=True))
    assert split_long_tables(body) == 0 and len(body) == 1
    body.append(copy.deepcopy(_table(CHUNK_ROWS * 2 + 1, merged=False)))
    assert split_long_tables(body) == 2
    tables = body.findall(f"{W}tbl")
    assert [len(t.findall(f"{W}tr")) for t in tables] == [CHUNK_ROWS * 3 + 1, CHUNK_ROWS + 1, CHUNK_ROWS + 1, 2]
    assert [_text(r) for t in tables[1:] for r in t.findall(f"{W}tr")[1:]] == [str(i) for i in range(CHUNK_ROWS * 2 + 1)]


def test_a_table_in_a_cell_is_left_whole():
    body = etree.Element(f"{W}body")
    outer = etree.SubElement(body, f"{W}tbl")
    cell = etree.SubElement(etree.SubElement(outer, f"{W}tr"), f"{W}tc")
    cell.append(_table(CHUNK_ROWS * 2, merged=False))
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
