"""One .docx from several rendered documents, so a bundle is converted (and its fonts
embedded) once.

Every document docgen renders comes from templates with the same styles, page set-up and
footers, so the body of each can follow the previous one in a new section that restarts
page numbering at 1. A bookmark ``docgen_part_N`` marks where document N starts; the PDF
converter exports it as a named destination, which tells the bundler where each document
begins in the merged PDF.
"""
from __future__ import annotations

import copy
import io
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..outputs import normalise_docx

BOOKMARK = "docgenpart{}"  # letters and digits only: LibreOffice escapes other characters
ATTACHMENT = "docgenpart{}att{}"
_bookmark_ids = iter(range(9000, 10 ** 9))


def _attachment_bookmarks(elements, index: int) -> None:
    """Mark each 附件 label (style AttachmentLabel) of document ``index``."""
    k = 0
    for el in elements:
        for para in el.iter(qn("w:p")):
            style = para.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is not None and style.get(qn("w:val")) == "AttachmentLabel":
                k += 1
                _bookmark(para, index, ATTACHMENT.format(index, k))


def _restart_numbering(sect) -> None:
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
        sect.insert(0 if sect.find(qn("w:footerReference")) is None else len(sect.findall(qn("w:footerReference"))) +
                    len(sect.findall(qn("w:headerReference"))), kind)
    kind.set(qn("w:val"), "nextPage")


def _bookmark(paragraph, index: int, name: str | None = None) -> None:
    number = str(next(_bookmark_ids))
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), number)
    start.set(qn("w:name"), name or BOOKMARK.format(index))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), number)
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(end)


def compose(parts: list[Path]) -> bytes:
    """The bodies of ``parts`` one after another, each a section starting at page 1."""
    base = Document(str(parts[0]))
    body = base.element.body
    final_sect = body.find(qn("w:sectPr"))
    template_sect = copy.deepcopy(final_sect)
    _restart_numbering(final_sect)
    # the base document's own content
    first_p = body.find(qn("w:p"))
    _bookmark(first_p, 1)
    _attachment_bookmarks([el for el in body if el.tag != qn("w:sectPr")], 1)
    for index, path in enumerate(parts[1:], 2):
        # close the previous section: its properties go into the pPr of its last paragraph
        last_p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        sect = copy.deepcopy(template_sect)
        _restart_numbering(sect)
        ppr.append(sect)
        last_p.append(ppr)
        final_sect.addprevious(last_p)
        other = Document(str(path)).element.body
        elements = [el for el in other if el.tag != qn("w:sectPr")]
        first = next((el for el in elements if el.tag == qn("w:p")), None)
        if first is not None:
            _bookmark(first, index)
        _attachment_bookmarks(elements, index)
        for el in elements:
            final_sect.addprevious(copy.deepcopy(el))
    buffer = io.BytesIO()
    base.save(buffer)
    return normalise_docx(buffer.getvalue())
