"""附件说明 with several attachments (GB/T 9704 7.3.4): 附件：1.×××, 2.×××, each name's wrapped
lines aligned with its first character. The numbers are half-width and their width differs
from font to font (仿宋_GB2312 in Word, its stand-in in LibreOffice), so no indent alone puts
the name where its wrapped lines start: a tab after the number takes the name to the
paragraph's hanging indent, which both Word and LibreOffice treat as a tab stop, and the
styles (``AttachmentNoteFirst``, ``AttachmentNoteMore``) set that indent where the wrapped
lines begin."""
from __future__ import annotations

import copy
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

NUMBERED = {"AttachmentNoteFirst", "AttachmentNoteMore"}
"""The styles of the lines of a numbered 附件说明."""
NUMBER = re.compile("^(?:\ue000[\ue010-\ue019]+\ue001)?(?:附件：)?\\d+\\.\ue002?")
"""附件：1. or 2. at the start of a line (with the origin marks of ``docgen explain`` around it:
``markers``), after which the tab goes."""


def _style(paragraph) -> str:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


def align_names(body) -> None:
    """A tab after the number of each line of a numbered 附件说明."""
    for paragraph in body.iter(qn("w:p")):
        if _style(paragraph) not in NUMBERED:
            continue
        run = paragraph.find(qn("w:r"))
        text = run.find(qn("w:t")) if run is not None else None
        found = NUMBER.match(text.text or "") if text is not None else None
        if run is None or text is None or found is None or found.end() == len(text.text):
            continue
        rest = copy.deepcopy(run)
        rest.find(qn("w:t")).text = text.text[found.end():]
        text.text = found.group(0)
        tab = copy.deepcopy(run)
        for child in list(tab):
            if child.tag != qn("w:rPr"):
                tab.remove(child)
        tab.append(OxmlElement("w:tab"))
        run.addnext(tab)
        tab.addnext(rest)
