"""Dates a clerk reads (issue 17.9): without ``SOURCE_DATE_EPOCH``, the time in an output's
metadata — Word properties and zip entries, a PDF's information and XMP, a bundle's zip and
manifest, the roll-up's workbook — is a day of its data (its own date, else the latest day
its sources state something was done), never a constant; the same data still gives the
same bytes, and ``SOURCE_DATE_EPOCH`` still wins."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest

from docgen.outputs import NO_DATA_EPOCH
from tests.conftest import needs_libreoffice
from tests.helpers import MINI_PAIRING, MINI_PROGRAMME, run

NO_DATA = dt.datetime.fromtimestamp(NO_DATA_EPOCH, tz=dt.UTC).date()

SIGNED = MINI_PAIRING + "signed_on: 2023-03-06\nconfirmed_on: 2023-03-20\n"
"""A pairing whose agreement is signed, then confirmed by the bureau."""
UNDATED = MINI_PAIRING.replace("甲中学", "丁中学").replace("乙中学", "戊中学").replace("丙中学", "己中学")
"""A pairing the data leaves undated: its documents take the latest day their sources state
(the programme's notice, 2022-10-10)."""


@pytest.fixture
def programme(make_programme) -> Path:
    return make_programme(MINI_PROGRAMME, {"p1": SIGNED, "p2": UNDATED})


def docx_dates(path: Path) -> set[dt.date]:
    """Every date in a .docx's metadata: core properties and zip entries."""
    with zipfile.ZipFile(path) as docx:
        core = docx.read("docProps/core.xml").decode()
        days = {dt.date(*e.date_time[:3]) for e in docx.infolist()}
    days |= {dt.date.fromisoformat(d) for d in re.findall(r"<dcterms:\w+[^>]*>(\d{4}-\d\d-\d\d)T", core)}
    return days


def pdf_dates(data: bytes) -> set[dt.date]:
    """The dates in a PDF's document information and XMP metadata."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = {str(pdf.docinfo[k]) for k in ("/CreationDate", "/ModDate")}
        with pdf.open_metadata() as meta:
            xmp = {str(meta.get(k)) for k in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate")}
    days = {dt.datetime.strptime(d[2:10], "%Y%m%d").date() for d in info}
    return days | {dt.date.fromisoformat(d[:10]) for d in xmp}


def by_name(out: Path, part: str) -> Path:
    [found] = [p for p in out.rglob("*.docx") if part in p.name and "报送材料" not in str(p.parent.parent)]
    return found


def test_word_files_carry_a_day_of_their_data(programme, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out"
    assert run("build", programme, "-o", out).returncode == 0
    folder = out / "prog"
    assert docx_dates(by_name(folder, "通知")) == {dt.date(2022, 10, 10)}  # its own 成文日期
    agreements = {p.parent.name: docx_dates(p) for p in folder.glob("*/协议书_*.docx")}
    assert agreements["p1"] == {dt.date(2023, 3, 20)}  # confirmed after it was signed: the last day on it
    assert agreements["p2"] == {dt.date(2022, 10, 10)}  # undated: the latest day its sources state
    assert docx_dates(next((folder / "p1").glob("实施方案_*.docx"))) == {dt.date(2023, 3, 6)}  # signed
    every = set().union(*(docx_dates(p) for p in folder.rglob("*.docx")))
    assert NO_DATA not in every and every <= {dt.date(2022, 10, 10), dt.date(2023, 3, 6), dt.date(2023, 3, 20)}


@pytest.mark.slow  # three builds: seconds
def test_the_same_data_gives_the_same_bytes_and_source_date_epoch_wins(programme, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second, pinned = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert run("build", programme, "-o", first).returncode == 0
    assert run("build", programme, "-o", second).returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*.docx"))
    assert files and all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert run("build", programme, "-o", pinned, env={"SOURCE_DATE_EPOCH": "1700000000"}).returncode == 0
    assert {d for f in files for d in docx_dates(pinned / f)} == {dt.date(2023, 11, 14)}


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_the_roll_up_is_dated_by_the_day_it_counts_to(example_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = example_copy("gaotai-2020")
    out = tmp_path / "out"
    assert run("report", root, "-o", out, "--as-of", "2020-11-30").returncode == 0
    files = sorted((out / "gaotai-2020" / "report").glob("考核汇总_*"))
    assert {p.suffix for p in files} == {".xlsx", ".docx"}
    assert all(docx_dates(p) == {dt.date(2020, 11, 30)} for p in files)
    again = tmp_path / "again"
    assert run("report", root, "-o", again).returncode == 0  # no --as-of: the latest day its records state
    latest = max(dt.date.fromisoformat(d) for d in re.findall(
        r"(?:date|filed_on): (\d{4}-\d\d-\d\d)", "".join(p.read_text("utf-8") for p in root.rglob("*.yaml"))))
    assert {d for p in (again / "gaotai-2020" / "report").glob("考核汇总_*") for d in docx_dates(p)} == {latest}


@needs_libreoffice
def test_pdfs_and_bundles_carry_the_day_of_their_documents(programme, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "out"
    assert run("build", programme, "-o", out, "-k", "agreement", "--pdf").returncode == 0
    pdfs = {p.parent.name: pdf_dates(p.read_bytes()) for p in (out / "prog").glob("*/协议书_*.pdf")}
    assert pdfs == {"p1": {dt.date(2023, 3, 20)}, "p2": {dt.date(2022, 10, 10)}}

    result = run("bundle", programme, "-o", out, "-p", "p1")
    assert result.returncode in (0, 7), result.stderr
    folder = out / "prog" / "bundles" / "p1"
    day = dt.date(2023, 3, 20)  # the latest of its documents' days (the agreement's)
    assert pdf_dates(next(folder.glob("报送材料_*.pdf")).read_bytes()) == {day}
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["created"] == "2023-03-20T00:00:00Z"
    with zipfile.ZipFile(folder.with_suffix(".zip")) as bundle:
        assert {dt.date(*e.date_time[:3]) for e in bundle.infolist()} == {day}
