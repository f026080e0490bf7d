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
converts a marked copy of each Word file (``marked.marked_copy``), leaving the Word file as it is. Names are letters
and digits only: LibreOffice escapes other characters.
"""
from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PART = "docgenpart{}"
ATTACHMENT = "docgenpart{}att{}"
SIGNER = "docgensign{}k{}w{}"
DATE = "docgendate{}k{}"
KIND = "docgenkind{}"
NAME_STYLES = {"SignName", "Signer"}
"""Paragraph styles of printed signer names; the date is the next paragraph of its cell."""


def w_tag(name: str) -> str:
    """The qualified name of a WordprocessingML element or attribute, ``{W}name`` (as
    python-docx's ``qn("w:name")``), for lxml."""
    return f"{{{W}}}{name}"


def _bookmark(paragraph, name: str, number: int) -> None:
    """A bookmark numbered ``number`` around the whole paragraph (the composer of a bundle
    renumbers them again)."""
    start = etree.Element(w_tag("bookmarkStart"), {w_tag("id"): str(number), w_tag("name"): name})
    end = etree.Element(w_tag("bookmarkEnd"), {w_tag("id"): str(number)})
    ppr = paragraph.find(w_tag("pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(end)


_P = w_tag("p")
_STYLE = f"{w_tag('pPr')}/{w_tag('pStyle')}"
_VAL = w_tag("val")
_T = w_tag("t")
_CELL = w_tag("tc")
_WIDTH = f"{w_tag('tcPr')}/{w_tag('tcW')}"
_W = w_tag("w")
_BOOKMARK = w_tag("bookmarkStart")
_ID = w_tag("id")


def style(paragraph) -> str:
    found = paragraph.find(_STYLE)
    return found.get(_VAL) if found is not None else ""


def text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_T))


def plain(value: str) -> str:
    return "".join(value.split()).replace("\u3000", "")


class Survey:
    """What marking a document needs to know of all of it before it marks any part: its
    highest bookmark id, how many 附件 labels it has, the signer names it prints, in order.
    Parts are added in document order (the whole body, or one element after another)."""

    def __init__(self) -> None:
        self.top_id = 0
        self.labels = 0
        self.printed: list[str] = []
        self.has_first = False  # a paragraph directly in the body, where the document starts

    def add(self, part) -> None:
        for mark in part.iter(_BOOKMARK):
            number = mark.get(_ID) or ""
            if number.isdigit():
                self.top_id = max(self.top_id, int(number))
        for paragraph in part.iter(_P):
            kind = style(paragraph)
            if kind == "AttachmentLabel":
                self.labels += 1
            elif kind in NAME_STYLES and plain(printed := text(paragraph)):
                self.printed.append(printed)


class Marker:
    """Bookmarks a surveyed document, part by part in document order: ``first`` on the
    body's first paragraph, then ``mark`` on each part (a part may be the whole body).
    Bookmark ids count from the survey's highest id + 1000, in the order the whole body would
    take them: where the document starts, its family, its labels, then each signer's name and
    date."""

    def __init__(self, survey: Survey, index: int, names: list[str] | None, family: str) -> None:
        self.index = index
        self.family = family
        base = survey.top_id + 1000
        starts = (2 if family else 1) if survey.has_first else 0
        self.next_label = base + starts + 1
        self.next_signer = base + survey.labels + starts + 1
        self.part_id = base + 1
        self.label = 0
        self.printed = 0
        self.matched: dict[int, int] = {}  # printed name's place -> its signer's number
        wanted = names if names is not None else survey.printed
        at = 0
        for k, name in enumerate(wanted, 1):
            match = next((i for i in range(at, len(survey.printed)) if plain(survey.printed[i]) == plain(name)), None)
            if match is None:
                continue  # the bundle reports the signer as not found
            at = match + 1
            self.matched[match] = k

    def first(self, paragraph) -> None:
        _bookmark(paragraph, PART.format(self.index), self.part_id)
        if self.family:
            _bookmark(paragraph, KIND.format(self.family), self.part_id + 1)

    def mark(self, part, date_of: int | None = None, open_end: bool = False) -> int | None:
        """Bookmarks the 附件 labels in ``part``; then, if ``part`` is the paragraph after
        signer ``date_of``'s name, the date on it; then the signers' names printed in
        ``part`` and the date below each. With ``open_end`` (``part`` is a paragraph whose
        next sibling is not read yet), the number of the signer whose date is the next
        paragraph's to mark, if any."""
        styled = [(p, style(p)) for p in part.iter(_P)]
        for paragraph, kind in styled:
            if kind == "AttachmentLabel":
                self.label += 1
                _bookmark(paragraph, ATTACHMENT.format(self.index, self.label), self.next_label)
                self.next_label += 1
        if date_of is not None:
            self._date(part, date_of)
        pending = None
        for paragraph in [p for p, kind in styled if kind in NAME_STYLES and plain(text(p))]:
            k = self.matched.get(self.printed)
            self.printed += 1
            if k is None:
                continue
            cell = paragraph.getparent()
            width = cell.find(_WIDTH) if cell is not None and cell.tag == _CELL else None
            _bookmark(paragraph, SIGNER.format(self.index, k, width.get(_W) if width is not None else 0),
                      self.next_signer)
            self.next_signer += 1
            if open_end and paragraph is part:
                pending = k
                continue
            later = paragraph.getnext()
            if later is not None and later.tag == _P:
                self._date(later, k)
        return pending

    def _date(self, paragraph, k: int) -> None:
        _bookmark(paragraph, DATE.format(self.index, k), self.next_signer)
        self.next_signer += 1


def mark_document(body, index: int, names: list[str] | None = None, family: str = "") -> None:
    """Bookmark, in the document ``body``, where it starts, its 附件 labels and where each
    signer's name and date are printed: the signers ``names`` in that order (a name not
    printed is skipped), or every printed signer name when ``names`` is None."""
    survey = Survey()
    survey.add(body)
    first = body.find(_P)
    survey.has_first = first is not None
    marker = Marker(survey, index, names, family)
    if first is not None:
        marker.first(first)
    marker.mark(body)
