"""One .docx from the rendered documents of a bundle, so that it is converted (and its fonts
embedded) once.

docxcompose appends each document with everything its body refers to (images such as the
summary's chart, numbering, styles, footnotes, hyperlinks). Each document starts a new
section that restarts page numbering at 1. Bookmarks (``convert.marks``) tell the bundler
where each document starts and where its signers sign in the converted PDF. Names are
matched in the Word file, where a long name has not yet wrapped. A long table is cut into
pieces that LibreOffice lays out in far less time (``convert.long_tables``).

Composing is the larger part of what the assembling workers do beside the conversions (issue
22's overhead): docxcompose is used as it is, with two of its hot spots made cheaper
(``_Composer``, ``_xpath``) and a test that the bytes are its own.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from pathlib import Path

import docxcompose.composer
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docxcompose.composer import Composer
from lxml import etree

from ..convert.long_tables import split_long_tables
from ..convert.marks import mark_document
from ..outputs import docx_bytes


class _StyleId:
    """What ``Composer.add_styles`` reads of each style of the composed document: its id."""

    __slots__ = ("style_id",)

    def __init__(self, style_id: str | None) -> None:
        self.style_id = style_id


class _StyleIds:
    """The composed document's styles as ``Composer.add_styles`` walks them: the element
    itself, and an iteration over each style's id read from the XML, kept until a style is
    added (docxcompose only ever appends styles to the composed document)."""

    def __init__(self, element) -> None:
        self.element = element
        self._count = -1
        self._ids: list[_StyleId] = []

    def __iter__(self) -> Iterator[_StyleId]:
        if len(self.element) != self._count:
            self._count = len(self.element)
            self._ids = [_StyleId(style.get(_STYLE_ID)) for style in self.element.iterchildren(_STYLE)]
        return iter(self._ids)


class _QuickStyles:
    """The composed document, seen by ``Composer.add_styles``: the same object except that
    listing its style ids does not build a python-docx style object for each style."""

    def __init__(self, document, styles: _StyleIds) -> None:
        self._document = document
        self.styles = styles

    def __getattr__(self, name: str):
        return getattr(self._document, name)


class _Composer(Composer):
    """docxcompose's composer, byte for byte the same output in half the time:
    ``add_styles``, run for every element appended, lists the ids of every style of the
    composed document, again after each style it copies or maps, and python-docx makes an
    object per style to read its id (half of composing a bundle went there)."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self._quick = _QuickStyles(document, _StyleIds(document.styles.element))

    def add_styles(self, doc, element) -> None:
        real = self.doc  # type: ignore[has-type]  # (docxcompose has no annotations)
        self.doc = self._quick
        try:
            super().add_styles(doc, element)
        finally:
            self.doc = real


_STYLE = qn("w:style")
_STYLE_ID = qn("w:styleId")
_compiled = threading.local()


def _xpath(element, expression: str) -> object:
    """``docxcompose.utils.xpath``, each expression compiled once per thread: docxcompose
    runs a dozen queries (the same fifteen or so) on every element it appends, and compiling
    the query again each time was a fifth of composing. The namespaces are those either
    branch of the original uses (python-docx's, which docxcompose extends with its own)."""
    queries = _compiled.__dict__
    query = queries.get(expression)
    if query is None:
        query = queries[expression] = etree.XPath(expression, namespaces=dict(nsmap))
    return query(element)


docxcompose.composer.xpath = _xpath


def _restart_numbering(sect) -> None:
    """This section starts on a new page, with page number 1."""
    numbering = sect.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        anchor = sect.find(qn("w:cols"))
        if anchor is not None:
            anchor.addprevious(numbering)
        else:
            sect.append(numbering)
    numbering.set(qn("w:start"), "1")
    kind = sect.find(qn("w:type"))
    if kind is None:
        kind = OxmlElement("w:type")
        refs = len(sect.findall(qn("w:footerReference"))) + len(sect.findall(qn("w:headerReference")))
        sect.insert(refs, kind)
    kind.set(qn("w:val"), "nextPage")


def _section_break(properties) -> object:
    """An empty paragraph that ends a section with ``properties``."""
    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(properties)
    paragraph.append(ppr)
    return paragraph


def compose(parts: list[tuple[Path, list[str]]]) -> bytes:
    """The documents of ``parts`` (path, names of its signers) one after another, each a
    section starting at page 1."""
    (first, names), *others = parts
    master = Document(str(first))
    body = master.element.body
    page_setup = copy.deepcopy(body.find(qn("w:sectPr")))
    _restart_numbering(page_setup)
    _restart_numbering(body.find(qn("w:sectPr")))
    mark_document(body, 1, names)
    split_long_tables(body)
    composer = _Composer(master)
    for index, (path, names) in enumerate(others, 2):
        body.find(qn("w:sectPr")).addprevious(_section_break(copy.deepcopy(page_setup)))
        doc = Document(str(path))
        mark_document(doc.element.body, index, names)
        split_long_tables(doc.element.body)
        composer.append(doc)
    return docx_bytes(master)
