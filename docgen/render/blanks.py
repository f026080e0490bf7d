"""Lines left to fill in by hand end at the end of their line.

A blank the data leaves open is written as its label and a run of low lines
(``阶段性目标：＿＿＿…``, documents.blocks.BLANK_LINE). A fixed run of low lines either stops
short of the line's end or overflows it, leaving a stub of one or two low lines alone on the
next line. Here the run becomes what a form in Word is made of: a tab to a right-aligned
stop at the paragraph's right edge, led by a low line, so the line to write on always ends
exactly at the line's end, however long its label, in Word, WPS and the PDF alike. A label
that leaves too little of its last line to write on (estimated as ``fit`` sets lines) gets
its line to write on as the whole next line.
"""
from __future__ import annotations

import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..documents.blocks import BLANK_LINE
from ..geometry import CHAR, TEXT_W
from .fit import Styles, set_lines
from .markers import MARKS, unmarked

CELL_MARGIN = 108
"""Twips a table cell keeps free on each side of its text (Word's default cell margin)."""
TRAILING = re.compile(f"＿+(?=(?:{MARKS.pattern})*$)")
"""The run of low lines that ends a text (an origin mark may close after it)."""
ROOM = 4 * CHAR
"""The least of a line a line to write on may be: four characters (less, and it takes the next line)."""


def _text(run) -> str:
    return unmarked("".join(t.text or "" for t in run.iter(qn("w:t"))))


def column_width(paragraph) -> int:
    """The width of the text column the paragraph stands in (the type area or its cell)."""
    cell = next((a for a in paragraph.iterancestors(qn("w:tc"))), None)
    if cell is None:
        return TEXT_W
    found = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    return int(found.get(qn("w:w"))) - 2 * CELL_MARGIN if found is not None else TEXT_W


def _add_stop(paragraph, position: int) -> None:
    """A right tab stop at ``position`` led by a low line (in the schema's order of pPr)."""
    ppr = paragraph.get_or_add_pPr()
    tabs = ppr.find(qn("w:tabs"))
    if tabs is None:
        tabs = OxmlElement("w:tabs")
        ppr.insert_element_before(tabs, "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                                  "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                                  "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                                  "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                                  "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                                  "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    stop = OxmlElement("w:tab")
    stop.set(qn("w:val"), "right")
    stop.set(qn("w:leader"), "underscore")
    stop.set(qn("w:pos"), str(position))
    tabs.append(stop)


def fill_to_line_end(document) -> int:
    """Each paragraph that ends in a line to fill in gets it as a led tab to its right edge;
    the number of lines so made."""
    styles = Styles(document)
    made = 0
    for paragraph in document.element.body.iter(qn("w:p")):
        runs = paragraph.findall(qn("w:r"))
        if not runs or not _text(runs[-1]).endswith(BLANK_LINE):
            continue
        last = runs[-1]
        texts = last.findall(qn("w:t"))
        texts[-1].text = TRAILING.sub("", texts[-1].text or "")
        p = styles.of(paragraph)
        edge = column_width(paragraph) - (p.get("right") or 0)
        label = "".join(_text(r) for r in runs)
        _, free = set_lines(label, edge - (p.get("left") or 0), (p.get("first") or 0) - (p.get("hanging") or 0),
                            p.get("size") or 32, p.get("tracking") or 0)
        if free < ROOM:
            last.append(OxmlElement("w:br"))
        last.append(OxmlElement("w:tab"))
        _add_stop(paragraph, edge)
        made += 1
    return made
