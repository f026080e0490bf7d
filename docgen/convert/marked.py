"""The converter's copy of a Word file: docgen's bookmarks added (``marks``) and its long
tables cut (``long_tables``); the Word file a clerk edits is left as it is.

A long document is marked and cut as it is read. The bureau's notice lists every pairing: at
5,000 pairings its ``word/document.xml`` is 18 MB and 861,775 elements, which lxml holds as a
tree of some 220 MB (the worker composing it went from 90 to 350-368 MB). From
``STREAM_FROM`` the document is read twice instead, an element at a time: once to survey it
(``marks.Survey``: what the ids and the signers' matching need of all of it), once to mark it
(``marks.Marker``) and cut its long tables a row at a time (``long_tables.Cutter``), each
element of the body, or row of a long table, printed as soon as it is read and let go.

The bytes are those the whole tree gives (``_whole``): each element is printed by lxml where
it stands, and the namespace declarations lxml adds to an element printed apart are cut out
again. A document of a shape docgen does not write (text or comments between the body's
elements, an element there the parser does not report, a long table holding more than its
properties, grid and rows, an element declaring a namespace, anything beside the body) is
found out by the end of either reading, and marked as a whole tree instead.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from .long_tables import CHUNK_ROWS, FRAME, Cutter, is_heading, separator, split_long_tables, split_table
from .marks import Marker, Survey, mark_document, w_tag

STREAM_FROM = 1 << 20
"""Size of ``word/document.xml`` (bytes, uncompressed) from which it is streamed: a
pairing's documents are some 100 KB and keep the quicker whole tree."""

_DECLARATION = etree.tostring(etree.Element("x"), xml_declaration=True, encoding="UTF-8",
                              standalone=True).rsplit(b"<x/>", 1)[0]
_HOLE = " docgen "


_BODY, _TABLE, _ROW, _P = w_tag("body"), w_tag("tbl"), w_tag("tr"), w_tag("p")
_SEEN = tuple(w_tag(tag) for tag in ("p", "tbl", "tr", "tblPr", "tblGrid", "sectPr", "bookmarkStart", "bookmarkEnd"))
"""The elements the parser reports (what stands in the body, or in a table of it, is one of
these in docgen's documents; anything else left there sends the document to the whole tree)."""


class _Unusual(Exception):
    """The document is not of the shape this module streams."""


@dataclass
class _Table:
    """What the survey learns of a table directly in the body."""
    simple: bool = True  # no attributes; its properties and grid, then rows
    headings: int = 0  # its leading heading rows
    rows: int = 0

    @property
    def streamed(self) -> bool:
        return self.simple and self.rows - self.headings > CHUNK_ROWS


@dataclass
class _Plan:
    survey: Survey = field(default_factory=Survey)
    tables: dict[int, _Table] = field(default_factory=dict)  # by place among the body's elements


@dataclass
class _Event:
    kind: str  # "body" begins; an "element" of it; a streamed "table" begins, a "row" or "frame" of it, its "end"; "done"
    element: etree._Element


class _Reader:
    """The body of ``word/document.xml`` an element at a time (a row at a time in the tables
    whose places ``streamed`` names). Each element is taken out of the tree once the caller
    has had it, so the tree holds the root, the body and what the parser has read ahead (it
    reads in blocks: an element's following siblings may be there already, in part)."""

    def __init__(self, stream: IO[bytes], streamed: Callable[[int], bool]) -> None:
        self.stream = stream
        self.streamed = streamed
        self.place = 0  # of the body's element at hand, among the body's elements

    def __iter__(self) -> Iterator[_Event]:
        root: etree._Element | None = None
        body: etree._Element | None = None
        table: etree._Element | None = None  # the streamed table being read
        parse = etree.iterparse(self.stream, events=("end",), tag=_SEEN, huge_tree=True,
                                remove_comments=False, remove_pis=False)
        for _, element in parse:
            if body is None:
                root = element.getroottree().getroot()
                if root.text is not None or len(root) != 1 or root[0].tag != _BODY:
                    raise _Unusual
                body = root[0]
                yield _Event("body", body)
            parent = element.getparent()
            if parent is body:
                if table is not None and element is table:
                    if len(table) or table.text is not None:
                        raise _Unusual
                    yield _Event("end", element)
                    table = None
                else:
                    yield _Event("element", element)
                _take(body, element)
                self.place += 1
            elif parent is not None and parent.tag == _TABLE and parent.getparent() is body:
                if parent is not table:
                    if not self.streamed(self.place):
                        continue
                    table = parent
                    yield _Event("table", parent)
                yield _Event("row" if element.tag == _ROW else "frame", element)
                _take(table, element)
        if (root is None or body is None or root.text is not None or len(root) != 1 or body.tail is not None
                or len(body) or body.text is not None):
            raise _Unusual
        yield _Event("done", root)


def _take(parent, element) -> None:
    """``element`` out of the tree. What is left in the body (text or a comment between its
    elements, an element the parser does not report) is found when it ends."""
    if element.tail is not None:
        raise _Unusual
    parent.remove(element)


def _survey(stream: IO[bytes]) -> _Plan:
    plan = _Plan()
    reader = _Reader(stream, lambda place: True)
    table = _Table()
    for event in reader:
        element = event.element
        if event.kind == "table":
            table = plan.tables[reader.place] = _Table(simple=not element.attrib)
        elif event.kind == "row":
            plan.survey.add(element)
            table.rows += 1
            if table.headings == table.rows - 1 and is_heading(element):
                table.headings += 1
        elif event.kind == "frame":
            plan.survey.add(element)
            table.simple = table.simple and element.tag in FRAME and not table.rows
        elif event.kind == "element":
            plan.survey.add(element)
            plan.survey.has_first = plan.survey.has_first or element.tag == _P
    plan.tables = {place: t for place, t in plan.tables.items() if t.streamed}
    return plan


def _qname(element) -> bytes:
    name = etree.QName(element).localname
    return (f"{element.prefix}:{name}" if element.prefix else name).encode()


class _Printer:
    """An element's bytes as the whole tree's serialization has them. lxml prints an element
    apart with every namespace its ancestors declare; those declarations (``inherited``,
    learnt from an empty element put where it stands) are cut out again."""

    def __init__(self, parent) -> None:
        probe = etree.SubElement(parent, _P)
        printed = etree.tostring(probe, encoding="UTF-8", xml_declaration=False, with_tail=False)
        parent.remove(probe)
        start = b"<" + _qname(probe)
        if not (printed.startswith(start) and printed.endswith(b"/>")):
            raise _Unusual
        self.inherited = printed[len(start):-2]

    def __call__(self, element) -> bytes:
        printed = etree.tostring(element, encoding="UTF-8", xml_declaration=False, with_tail=False)
        start = b"<" + _qname(element)
        if not printed.startswith(start + self.inherited):
            raise _Unusual  # the element declares namespaces of its own
        return start + printed[len(start) + len(self.inherited):]


def _made(parent, element, printer: _Printer) -> bytes:
    """``element``, made here, as ``parent`` would print it."""
    parent.append(element)
    try:
        return printer(element)
    finally:
        parent.remove(element)


def _hole(root, parent) -> tuple[bytes, bytes]:
    """What the root's serialization has before and after the content of ``parent``, when
    that is empty."""
    hole = etree.Comment(_HOLE)
    parent.insert(0, hole)
    whole = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    parent.remove(hole)
    if whole.count(b"<!--" + _HOLE.encode() + b"-->") != 1:
        raise _Unusual
    head, _, tail = whole.partition(b"<!--" + _HOLE.encode() + b"-->")
    return head, tail


def _write(stream: IO[bytes], plan: _Plan, marker: Marker, out: IO[bytes]) -> None:
    """The document marked and cut, written to ``out`` as it is read (see the module)."""
    reader = _Reader(stream, lambda place: place in plan.tables)
    first_done = False
    pending: int | None = None  # the signer whose date is the next paragraph's
    for event in reader:
        element = event.element
        if event.kind == "body":
            head = _hole(element.getparent(), element)[0]
            out.write(_DECLARATION + head)
            body = element
            printer = _Printer(body)
            separator_bytes = _made(body, separator(), printer)
            piece_start = _made(body, etree.Element(_TABLE), printer).replace(b"/>", b">")  # <w:tbl/>: its start
        elif event.kind == "table":
            pending = None  # a table, not a paragraph, follows the name
            rows = _Printer(element)
            if rows.inherited != printer.inherited:
                raise _Unusual
            out.write(b"<" + _qname(element) + b">")
            table_end = b"</" + _qname(element) + b">"
            repeated = b""  # what each piece repeats: the table's frame and heading rows
            headings = True
            cutter = Cutter()
        elif event.kind == "frame":
            printed = rows(element)
            repeated += printed
            out.write(printed)
        elif event.kind == "row":
            marker.mark(element)
            headings = headings and is_heading(element)
            if not headings and cutter.cuts_before(element):
                out.write(table_end + separator_bytes + piece_start + repeated)
            printed = rows(element)
            if headings:
                repeated += printed
            out.write(printed)
        elif event.kind == "end":
            out.write(table_end)
        elif event.kind == "element":
            if not first_done and element.tag == _P:
                marker.first(element)
                first_done = True
            paragraph = element.tag == _P
            pending = marker.mark(element, date_of=pending if paragraph else None, open_end=paragraph)
            added = split_table(element) * 2 if element.tag == _TABLE else 0
            out.write(printer(element))
            for _ in range(added):  # the separators and pieces split_table put after it
                later = element.getnext()
                if later is None:
                    raise _Unusual
                out.write(printer(later))
                body.remove(later)
        else:  # done: the body is empty now, and at least one of its elements was written
            out.write(_hole(element, body)[1])


def marked_xml(open_xml: Callable[[], IO[bytes]], index: int, names: list[str] | None, family: str,
               out: IO[bytes]) -> bool:
    """``word/document.xml``, opened by ``open_xml`` (twice), marked as document ``index``
    with signers ``names`` and family ``family`` (see ``marks.mark_document``) and its long
    tables cut, written to ``out``; False, with ``out`` to be discarded, if the document is
    not of a shape streamed here."""
    try:
        with open_xml() as stream:
            plan = _survey(stream)
        marker = Marker(plan.survey, index, names, family)
        with open_xml() as stream:
            _write(stream, plan, marker, out)
    except _Unusual:
        return False
    return True


def marked_copy(src: Path, dst: Path, family: str = "", index: int = 1, names: list[str] | None = None) -> Path:
    """A copy of the Word file ``src`` at ``dst`` for the converter: with docgen's bookmarks,
    as document ``index`` of a bundle whose signers are ``names`` (see ``marks.mark_document``),
    and its long tables cut (``long_tables``)."""
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                data = source.read(info.filename)
            elif info.file_size >= STREAM_FROM:
                data = _streamed(source, info, family, index, names)
            else:
                data = _whole(source.read(info.filename), family, index, names)
            target.writestr(info, data, compresslevel=1)
    return dst


def _whole(data: bytes, family: str, index: int, names: list[str] | None) -> bytes:
    root = etree.fromstring(data)
    del data  # the tree is all that is needed of it
    body = root.find(_BODY)
    mark_document(body, index, names, family)
    split_long_tables(body)
    del body
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _streamed(source: zipfile.ZipFile, info: zipfile.ZipInfo, family: str, index: int,
              names: list[str] | None) -> bytes:
    out = io.BytesIO()
    if marked_xml(lambda: source.open(info), index, names, family, out):
        return out.getvalue()
    del out
    return _whole(source.read(info.filename), family, index, names)
