"""What a document's Word file holds that its PDF must show: the punctuation marks of its text.

LibreOffice once hung a closing mark after a line filled to the edge and did not draw it
(templates now keep it from hanging: ``authoring/layout.py``); the preflight counts the
marks of the Word file and of the PDF's pages, so that a mark lost in converting is found
whatever the cause (a bureau's own template that lets marks hang, another converter). The
text of the Word file's paragraphs says where the lost mark stood."""
from __future__ import annotations

import html
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

MARKS = "，。、；：？！"
"""The marks counted: those a line may end with (brackets and quotes may be drawn from
another font's glyphs, or paired differently, and are left out)."""
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*[^/])?>(.*?)</w:p>", re.S)
"""A paragraph and its XML (an empty one written <w:p .../> is none: it would run into the next)."""


@dataclass(frozen=True)
class WordMarks:
    """The marks of a Word file's body text, and the text of its paragraphs that hold one."""

    counts: Counter[str]
    paragraphs: tuple[str, ...] = ()


def word_marks(docx: bytes) -> WordMarks:
    """The marks of the Word file's body text (tables included; headers and footers hold
    only page numbers)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    paragraphs = (html.unescape("".join(_TEXT.findall(p))) for p in _PARAGRAPH.findall(xml))
    return WordMarks(Counter(c for text in _TEXT.findall(xml) for c in text if c in MARKS),
                     tuple(p for p in paragraphs if any(c in MARKS for c in p)))
