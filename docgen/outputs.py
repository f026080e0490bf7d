"""How outputs are written: atomically, and with the same bytes for the same input.

Every file docgen writes goes through ``write_atomic``; .docx, .xlsx and zip files are
normalised so that timestamps come from ``build_time`` and nothing else that varies between
runs stays in them (PDFs: ``convert.archive``). That time is ``SOURCE_DATE_EPOCH`` when it is
set, else a day the data states (the document's own date, or the latest day its sources say
something was done: ``documents.dates``), never the clock's: the same data gives the same
bytes, and a clerk reading a file's properties sees a day of the programme.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, cast

NO_DATA_EPOCH = 1577836800
"""2020-01-01T00:00:00Z: the time of a file made from no data at all (the blank activity
sheet without a programme); every output of a programme has a day of its data instead."""
ZIP_EPOCH = 315532800
"""1980-01-01: the earliest time a zip entry can hold."""


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` when set to a number of seconds, else None."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(raw) if raw.isdigit() else None


def build_time(day: dt.date | None = None) -> dt.datetime:
    """The time written into an output (naive, UTC): ``SOURCE_DATE_EPOCH`` if set, else the
    start of ``day`` (a day its data states), else ``NO_DATA_EPOCH``."""
    epoch = source_date_epoch()
    if epoch is None and day is not None:
        epoch = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    if epoch is None:
        epoch = NO_DATA_EPOCH
    return dt.datetime.fromtimestamp(max(epoch, ZIP_EPOCH), tz=dt.UTC).replace(tzinfo=None)


def docx_created(docx_file: Path | bytes) -> dt.datetime | None:
    """The creation time in a .docx's core properties (what ``normalise_docx`` pinned), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx_file) if isinstance(docx_file, bytes) else docx_file) as docx:
            core = docx.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    m = re.search(rb"<dcterms:created[^>]*>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)", core)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups())
    return dt.datetime(year, month, day, hour, minute, second)


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


class _FixedZip:
    """A zip whose entries all carry one time and the same attributes, in the order written,
    with the core-property dates pinned: the same entries give the same bytes."""

    def __init__(self, when: dt.datetime):
        self._when = when
        self._stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED)

    def add(self, name: str, body: bytes) -> None:
        if name == "docProps/core.xml":
            body = _CORE_DATES.sub(lambda m: m.group(1) + self._stamp + m.group(3), body)
        entry = zipfile.ZipInfo(name, date_time=self._when.timetuple()[:6])
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        entry.create_system = 3
        self._zip.writestr(entry, body, compresslevel=6)

    def write(self, pack_uri, blob: bytes) -> None:
        """python-docx's physical package writer's one method (``pack_uri``: its PackURI)."""
        self.add(pack_uri.membername, blob)

    def close(self) -> bytes:
        self._zip.close()
        return self._out.getvalue()


def normalise_docx(data: bytes, when: dt.datetime | None = None) -> bytes:
    """Rewrite a .docx so that the same content always gives the same bytes.

    python-docx stamps zip entries with the current time; this rewrites every entry with
    one fixed time, in the original order, and pins the core-property dates.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    target = _FixedZip(when or build_time())
    for info in source.infolist():
        target.add(info.filename, source.read(info.filename))
    return target.close()


def docx_bytes(document, when: dt.datetime | None = None) -> bytes:
    """The bytes of a python-docx ``Document``: what ``normalise_docx`` makes of its ``save``,
    written once (saving zips every part, and normalising unzipped and zipped them again:
    a tenth of rendering a document). The parts go out in the order python-docx's
    ``PackageWriter.write`` writes them, through its own steps (``tests/test_outputs.py``
    holds the two ways to the same bytes)."""
    from docx.opc.phys_pkg import PhysPkgWriter
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    target = _FixedZip(when or build_time())
    writer = cast(PhysPkgWriter, target)  # (of a physical writer, python-docx's steps call write() only)
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    return target.close()


def pdf_date(when: dt.datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S") + "Z"


def deterministic_zip(path_to_data: list[tuple[str, bytes]], when: dt.datetime | None = None) -> bytes:
    """A zip whose bytes depend only on the names and contents given (sorted by name).

    .docx and .pdf files are compressed inside already, so they are stored as they are."""
    when = when or build_time()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in sorted(path_to_data):
            entry = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            stored = name.lower().endswith((".docx", ".pdf", ".zip", ".png"))
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            entry.flag_bits |= 0x800  # names are UTF-8
            target.writestr(entry, body, compresslevel=6)
    return out.getvalue()

UMASK = os.umask(0)
os.umask(UMASK)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    write_atomic_with(path, lambda handle: handle.write(data))


def write_atomic_json(path: Path, body: object) -> None:
    """``body`` as JSON (UTF-8, keys in their order, one item a line, a newline at the end),
    written as ``write_atomic`` does, piece by piece: a large file (a programme's build
    record, 5 MB at 1 000 pairings) is never one string in memory, nor its bytes."""

    def dump(handle: BinaryIO) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        json.dump(body, text, ensure_ascii=False, indent=0)
        text.write("\n")
        text.flush()
        text.detach()  # the handle is closed by write_atomic_with

    write_atomic_with(path, dump)


def write_atomic_with(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """What ``write`` writes to an open file, put at ``path`` through a temporary file in the
    same folder and a rename (never a half-written ``path``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def set_core_properties(props, *, title: str, when: dt.datetime) -> None:
    """The core properties of every .docx docgen writes: docgen as author, one fixed time."""
    props.title = title
    props.author = props.last_modified_by = "docgen"
    props.created = props.modified = props.last_printed = when
    props.revision = 1


# ------------------------------------------------------------------ spreadsheet cells

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, WPS or LibreOffice read a cell typed into a .csv as a formula (OWASP, CSV
injection): such text is written with a leading apostrophe, Excel's own mark for "text"."""


def csv_cell(value: object) -> str:
    """A value as a .csv cell that no spreadsheet program runs as a formula.

    Text starting with a formula character gets a leading apostrophe; so does text that starts
    with an apostrophe already, so that ``csv_cell_back`` gives every value back unchanged."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS + ("'",)) else text


def csv_cell_back(text: str) -> str:
    """The value ``csv_cell`` wrote: one leading apostrophe before a formula character or
    another apostrophe is docgen's (or Excel's) text mark, not part of the value."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS + ("'",)) else text


def text_cells(workbook) -> None:
    """Store every text cell of an openpyxl workbook as text: openpyxl reads a value that
    starts with "=" as a formula, and a school named ``=HYPERLINK(...)`` would be a live link."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "s":
                    cell.data_type = "s"
