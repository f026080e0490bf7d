"""Bookmarks that tell the PDF's readers where things are: LibreOffice exports each bookmark
of a .docx as a named destination with its page and position, so what docgen put on a page
is found again in the PDF without searching its text.

- ``docgenpartN``: where document N starts; ``docgenpartNattK``: its K-th 附件 label;
- ``docgensignNkKwW``: the K-th signer's printed name in document N (W: its cell's width in
  twips), ``docgendateNkK``: the date line below it;
- ``docgenkindF``: the document's family F (notice, plan, …), in a PDF of one document, so
  that ``check-pdf`` runs on it the rules ``build --pdf`` ran.

The bundle marks the documents it composes (with the names of their signers, in signing
order), or a marked copy of each when it converts them apart (``Spec.apart``); ``build --pdf``
converts a marked copy of each Word file, leaving the Word file as it is. Names are letters
and digits only: LibreOffice escapes other characters.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from .long_tables import split_long_tables

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PART = "docgenpart{}"
ATTACHMENT = "docgenpart{}att{}"
SIGNER = "docgensign{}k{}w{}"
DATE = "docgendate{}k{}"
KIND = "docgenkind{}"
NAME_STYLES = {"SignName", "Signer"}
"""Paragraph styles of printed signer names; the date is the next paragraph of its cell."""


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _bookmark(paragraph, name: str, ids: list[int]) -> None:
    """A bookmark around the whole paragraph, with the next id of ``ids`` (the composer of a
    bundle renumbers them again)."""
    ids[0] += 1
    start = etree.Element(_q("bookmarkStart"), {_q("id"): str(ids[0]), _q("name"): name})
    end = etree.Element(_q("bookmarkEnd"), {_q("id"): str(ids[0])})
    ppr = paragraph.find(_q("pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(end)


def style(paragraph) -> str:
    found = paragraph.find(f"{_q('pPr')}/{_q('pStyle')}")
    return found.get(_q("val")) if found is not None else ""


def text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_q("t")))


def plain(value: str) -> str:
    return "".join(value.split()).replace("\u3000", "")


def mark_document(body, index: int, names: list[str] | None = None, family: str = "") -> None:
    """Bookmark, in the document ``body``, where it starts, its 附件 labels and where each
    signer's name and date are printed: the signers ``names`` in that order (a name not
    printed is skipped), or every printed signer name when ``names`` is None."""
    ids = [max((int(b.get(_q("id"))) for b in body.iter(_q("bookmarkStart")) if (b.get(_q("id")) or "").isdigit()),
               default=0) + 1000]
    first = body.find(_q("p"))
    if first is not None:
        _bookmark(first, PART.format(index), ids)
        if family:
            _bookmark(first, KIND.format(family), ids)
    labels = [p for p in body.iter(_q("p")) if style(p) == "AttachmentLabel"]
    for k, para in enumerate(labels, 1):
        _bookmark(para, ATTACHMENT.format(index, k), ids)
    printed = [p for p in body.iter(_q("p")) if style(p) in NAME_STYLES and plain(text(p))]
    wanted = names if names is not None else [text(p) for p in printed]
    at = 0
    for k, name in enumerate(wanted, 1):
        match = next((i for i in range(at, len(printed)) if plain(text(printed[i])) == plain(name)), None)
        if match is None:
            continue  # the bundle reports the signer as not found
        at = match + 1
        paragraph = printed[match]
        cell = paragraph.getparent()
        width = cell.find(f"{_q('tcPr')}/{_q('tcW')}") if cell.tag == _q("tc") else None
        _bookmark(paragraph, SIGNER.format(index, k, width.get(_q("w")) if width is not None else 0), ids)
        later = paragraph.getnext()
        if later is not None and later.tag == _q("p"):
            _bookmark(later, DATE.format(index, k), ids)


def marked_copy(src: Path, dst: Path, family: str = "", index: int = 1, names: list[str] | None = None) -> Path:
    """A copy of the Word file ``src`` at ``dst`` for the converter: with docgen's bookmarks,
    as document ``index`` of a bundle whose signers are ``names`` (see ``mark_document``), and
    its long tables cut (``long_tables``)."""
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                del data  # the tree is all that is needed of it (a bureau's document is megabytes)
                body = root.find(_q("body"))
                mark_document(body, index, names, family)
                split_long_tables(body)
                del body
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                del root
            target.writestr(info, data, compresslevel=1)
    return dst
