"""One .docx from the rendered documents of a bundle, so that it is converted (and its fonts
embedded) once.

docxcompose appends each document with everything its body refers to (images such as the
summary's chart, numbering, styles, footnotes, hyperlinks). Each document starts a new
section that restarts page numbering at 1. Bookmarks tell the bundler where things are in
the converted PDF (LibreOffice exports them as named destinations with their position):
``docgenpartN`` where document N starts, ``docgenpartNattK`` its K-th 附件, and for the
K-th signer of document N ``docgensignNkKwW`` its printed name (W: the width of the cell,
in twips) and ``docgendateNkK`` the date below it. Names are matched in the Word file,
where a long name has not yet wrapped.
"""
from __future__ import annotations

import copy
import io
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxcompose.composer import Composer

from ..outputs import normalise_docx

BOOKMARK = "docgenpart{}"  # letters and digits only: LibreOffice escapes other characters
ATTACHMENT = "docgenpart{}att{}"
SIGNER = "docgensign{}k{}w{}"
DATE = "docgendate{}k{}"
NAME_STYLES = {"SignName", "Signer"}
"""Paragraph styles of printed signer names; the date is the next paragraph of its cell."""


def _bookmark(paragraph, name: str) -> None:
    """A bookmark around the whole paragraph (its id is renumbered by the composer)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), "0")
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(end)


def _mark(body, index: int) -> None:
    """Bookmark where document ``index`` starts and where each of its 附件 labels stands."""
    first = body.find(qn("w:p"))
    if first is not None:
        _bookmark(first, BOOKMARK.format(index))
    labels = [p for p in body.iter(qn("w:p"))
              if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None and s.get(qn("w:val")) == "AttachmentLabel"]
    for k, para in enumerate(labels, 1):
        _bookmark(para, ATTACHMENT.format(index, k))


def _plain(text: str) -> str:
    return "".join(text.split()).replace("\u3000", "")


def _style(paragraph) -> str:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def _mark_signers(body, index: int, names: list[str]) -> None:
    """Bookmark where each signer's name (and date) is printed, in the order signers sign."""
    printed = [p for p in body.iter(qn("w:p")) if _style(p) in NAME_STYLES and _plain(_text(p))]
    at = 0
    for k, name in enumerate(names, 1):
        match = next((i for i in range(at, len(printed)) if _plain(_text(printed[i])) == _plain(name)), None)
        if match is None:
            continue  # the bundle reports the signer as not found
        at = match + 1
        paragraph = printed[match]
        cell = paragraph.getparent()
        width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") if cell.tag == qn("w:tc") else None
        _bookmark(paragraph, SIGNER.format(index, k, width.get(qn("w:w")) if width is not None else 0))
        later = paragraph.getnext()
        if later is not None and later.tag == qn("w:p"):
            _bookmark(later, DATE.format(index, k))


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
    _mark(body, 1)
    _mark_signers(body, 1, names)
    composer = Composer(master)
    for index, (path, names) in enumerate(others, 2):
        body.find(qn("w:sectPr")).addprevious(_section_break(copy.deepcopy(page_setup)))
        doc = Document(str(path))
        _mark(doc.element.body, index)
        _mark_signers(doc.element.body, index, names)
        composer.append(doc)
    buffer = io.BytesIO()
    master.save(buffer)
    return normalise_docx(buffer.getvalue())
