"""A blank date form in running text is one unit: it never breaks across lines (nor does a
line to write a name on).

A date the data leaves open is printed as a form to write in (``　　　　年　　月　　日``,
text.BLANK_DATE), also inside sentences (本协议帮扶期限自　　　　年　　月　　日起至……). Split at a
line's end, its blanks are left at the end of one line and 年　　月 at the start of the next,
and nobody can tell where the year goes. Neither Word nor LibreOffice has a way to say
"do not break here" between Chinese characters (LibreOffice ignores U+2060 and no-break
spaces between them: measured), so where a form would reach past the end of its line, as
``fit`` sets lines, a line break is put before it and the whole form starts the next line.
A form that the estimate puts at the very start of a line gets the break too: the converter
would hang its blanks at the end of the line before. The line the break ends is not spread
to the full width (w:doNotExpandShiftReturn, honoured by Word and LibreOffice): it stops
short, as handwriting lines do, rather than letter-spacing its characters apart.
"""
from __future__ import annotations

import copy
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..geometry import CHAR
from .blanks import column_width
from .fit import Styles, line_starts, set_lines
from .markers import END, MARKS

BLANK_FORM = re.compile("\u3000+年\u3000+月(?:\u3000+日)?|＿{4,}")
"""A date form to fill in (blanks, 年, blanks, 月, and blanks, 日), or a line to write a name on
in running text (甲县教育局、＿＿＿＿＿＿各存一份): neither is cut by a line's end."""
SIGNATURE_STYLES = {"SignName", "Signer", "SignDate", "SignedOn"}
"""Paragraphs of a signature area: their dates stand on lines of their own."""


def _style(paragraph) -> str:
    found = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return found.get(qn("w:val")) if found is not None else ""


def _texts(paragraph) -> list:
    return [t for run in paragraph.findall(qn("w:r")) for t in run.findall(qn("w:t"))]


def _break_before(paragraph, index: int) -> None:
    """A line break before character ``index`` of the paragraph's text (its run split there)."""
    at = 0
    for t in _texts(paragraph):
        text = t.text or ""
        if at <= index < at + len(text):
            run = t.getparent()
            offset = index - at
            tail = copy.deepcopy(run)
            position = list(run).index(t)
            for child in list(tail)[:position]:
                if child.tag != qn("w:rPr"):
                    tail.remove(child)
            for child in list(run)[position + 1:]:
                run.remove(child)
            t.text = text[:offset]
            tail_t = tail.findall(qn("w:t"))[0]
            tail_t.text = text[offset:]
            tail_t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            brk = OxmlElement("w:br")
            tail.insert(1 if tail.find(qn("w:rPr")) is not None else 0, brk)
            run.addnext(tail)
            return
        at += len(text)


def keep_forms_whole(document) -> int:
    """Put a line break before each blank date form that would break across lines; how many."""
    styles = Styles(document)
    made = 0
    for paragraph in document.element.body.iter(qn("w:p")):
        raw = "".join(t.text or "" for t in _texts(paragraph))
        shown = [i for i, c in enumerate(raw) if not MARKS.match(c)]  # origin marks (explain) take no room
        text = "".join(raw[i] for i in shown)
        if not BLANK_FORM.search(text) or _style(paragraph) in SIGNATURE_STYLES:
            continue
        if paragraph.find(f".//{qn('w:br')}") is not None or paragraph.find(f".//{qn('w:tab')}") is not None:
            continue
        p = styles.of(paragraph)
        width = column_width(paragraph) - (p.get("left") or 0) - (p.get("right") or 0)
        size, tracking = p.get("size") or 32, p.get("tracking") or 0
        segment, first = 0, (p.get("first") or 0) - (p.get("hanging") or 0)
        breaks = []
        for form in BLANK_FORM.finditer(text):
            start, end = form.start() - segment, form.end() - segment
            rest = text[segment:]
            if _straddles(rest, start, end, width, first, size, tracking):
                breaks.append(form.start())
                segment, first = form.start(), 0
        for index in reversed(breaks):
            at = shown[index]
            while at > 0 and MARKS.match(raw[at - 1]) and raw[at - 1] != END:
                at -= 1  # before the mark that opens the form's segment
            _break_before(paragraph, at)
        made += len(breaks)
    if made:
        _no_spread(document)
    return made


def _no_spread(document) -> None:
    """Lines ended by a line break are not spread across the width (w:compat, first in order)."""
    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))


def _straddles(text: str, start: int, end: int, width: int, first: int, size: int, tracking: int) -> bool:
    """Whether the form at text[start:end] may not stand whole inside one line: it reaches
    past its line's end, or comes within a character of it, or begins a line."""
    starts = line_starts(text, width, first, size, tracking)
    line = max(s for s in starts if s <= start)
    if (start == line and line > 0) or any(start < s < end for s in starts):
        return True
    lines, free = set_lines(text[line:end], width, first if line == 0 else 0, size, tracking)
    return lines > 1 or free < CHAR
