"""GB/T 9704 7.3.5.5 on a document's first page: when the signature area would not fit below
the body, the line and character spacing are first adjusted, within limits, so that it does
(公文排版后所剩空白处不能容下印章、成文日期时，可以采取调整行距、字距的措施解决); only when that is
not enough does the area move to the next page, with the last body paragraph (``keeps``).

Lines are brought closer first (down to ``TIGHTEST``). Where that is not enough, a paragraph
whose last line holds only a few characters (the 宜春 notice: “PDF版）。” alone after three full
lines) has its characters set closer, by at most ``TRACK_LIMIT``, when that takes its last
line in with 3 pt of each line to spare: the one paragraph loses a line, not the page its
evenness. Setting all characters closer to gain a 29th character on full lines is not done:
the converter's own measures leave that too uncertain to promise.

Where a page breaks is known only once the converter has laid it out, so the first page is
measured here the way the converter sets it: paragraphs of fixed line pitch, lines of 三号
characters 15.75 pt apart (28 to the type width), Latin words unbroken, a closing mark
never at the start of a line nor hung past its end (the character before it goes down with
it: the templates keep LibreOffice from hanging marks), table rows of fixed height. This is done only for a document
whose signature area follows nothing but paragraphs from the top of its first page (a
notice); the tightening applies to what follows the 发文字号 (the 版头 keeps its prescribed
places) and to the signature area itself, in the Word file as in the PDF.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..documents.typography import em_width
from ..geometry import LINE, TEXT_H, TEXT_W
from .markers import unmarked

TIGHTEST = 520
"""26 pt: the closest the lines of a page are set (24.5 lines to the type area instead of 22);
[实务] the limit this tool allows itself, the standard naming none."""
TRACK_LIMIT = -20
"""−1 pt: the closest a paragraph's characters are set (w:spacing, twentieths of a point;
the templates' own is −0.25 pt), 15 pt from one 三号 character to the next, 29 to the line
with 7 pt to spare; [实务] the limit this tool allows itself (a clerk's 紧缩 1 磅 in Word), the
standard naming none. At −0.75 pt a 29th character misses its line by 0.05 pt in the
converter (measured on the 宜春 notice), too close to promise."""
TRACK_SLACK = 60
"""Twips (3 pt) of each line the estimate leaves unused for closer-set characters, sixty times
what the converter was measured to differ by (0.05 pt); a closer-set paragraph's last mark
needs no more room, none hanging past the line."""
SAFETY = 120
"""Twips of the type area left unused by the estimate, for what it cannot foresee."""
CLOSING = "，。、；：！？）》”’"
"""Marks no line begins with."""
NO_LINE_END = "（《“‘〔【"
"""Marks no line ends with."""
SIGNATURE_STYLES = {"SignName", "Signer"}


class Styles:
    """The paragraph styles of a document: line pitch, rule, size and indents, by style id,
    read from the styles part when a paragraph first asks for one (a document uses a few of
    the dozens its template defines)."""

    def __init__(self, document) -> None:
        self._styles = {style.get(_STYLE_ID): style for style in document.styles.element.iterchildren(_STYLE)}
        self._props: dict[str | None, dict] = {}

    def _style(self, style_id: str | None) -> dict:
        found = self._props.get(style_id)
        if found is None:
            style = self._styles.get(style_id)
            found = self._props[style_id] = _props(style) if style is not None else {}
        return found

    def of(self, paragraph) -> dict:
        found = paragraph.find(_P_STYLE)
        props = dict(self._style(found.get(_VAL) if found is not None else "Normal"))
        props.update({k: v for k, v in _props(paragraph).items() if v is not None})
        sizes = [int(sz.get(_VAL)) for sz in paragraph.iter(_SZ) if sz.getparent().getparent().tag == _R]
        if sizes:
            props["size"] = max(sizes)
        return props


_STYLE, _STYLE_ID, _P_STYLE, _VAL = qn("w:style"), qn("w:styleId"), f"{qn('w:pPr')}/{qn('w:pStyle')}", qn("w:val")
_SZ, _R, _PPR, _RPR, _SPACING, _IND = qn("w:sz"), qn("w:r"), qn("w:pPr"), qn("w:rPr"), qn("w:spacing"), qn("w:ind")
_BORDERS = tuple(f"{qn('w:pBdr')}/{qn(f'w:{edge}')}" for edge in ("top", "bottom"))
_PAGE_BREAK_BEFORE, _LINE_RULE = qn("w:pageBreakBefore"), qn("w:lineRule")


def _int(element, attr: str) -> int | None:
    value = element.get(attr) if element is not None else None
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


_W = {name: qn(f"w:{name}") for name in ("line", "left", "right", "firstLine", "hanging", "space", "sz", "val")}


def _props(element) -> dict:
    ppr, rpr = element.find(_PPR), element.find(_RPR)
    if ppr is not None:
        spacing, ind, page_break = ppr.find(_SPACING), ppr.find(_IND), ppr.find(_PAGE_BREAK_BEFORE)
        borders = [b for b in (ppr.find(edge) for edge in _BORDERS) if b is not None]
    else:
        spacing = ind = page_break = None
        borders = []
    size = rpr.find(_SZ) if rpr is not None else None
    tracking = rpr.find(_SPACING) if rpr is not None else None
    return {"line": _int(spacing, _W["line"]), "rule": spacing.get(_LINE_RULE) if spacing is not None else None,
            "left": _int(ind, _W["left"]), "right": _int(ind, _W["right"]), "first": _int(ind, _W["firstLine"]),
            "hanging": _int(ind, _W["hanging"]),
            "border": sum((_int(b, _W["space"]) or 0) * 20 + (_int(b, _W["sz"]) or 0) * 20 // 8 for b in borders)
            or None,
            "page_break": (page_break.get(_VAL) not in ("0", "false")) if page_break is not None else None,
            "size": _int(size, _W["val"]), "tracking": _int(tracking, _W["val"])}


def _text(paragraph) -> str:
    return unmarked("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))


def line_count(text: str, width: int, first: int, size: int, tracking: int) -> int:
    """Lines ``text`` takes in ``width`` twips (the first line ``first`` twips narrower), at
    ``size`` half-points with ``tracking`` twips between characters."""
    return set_lines(text, width, first, size, tracking)[0]


@functools.lru_cache(maxsize=2048)
def set_lines(text: str, width: int, first: int, size: int, tracking: int) -> tuple[int, float]:
    """(lines ``text`` takes, twips left free on its last line), as ``line_count``; remembered
    for the last few thousand paragraphs (the clauses of one kind are the same in every pairing's
    document, and a page is measured again when it is brought together)."""
    starts, free = _layout(text, width, first, size, tracking)
    return len(starts), free


def line_starts(text: str, width: int, first: int, size: int, tracking: int) -> list[int]:
    """Where in ``text`` each of its lines begins, as ``line_count`` sets them."""
    return _layout(text, width, first, size, tracking)[0]


def _layout(text: str, width: int, first: int, size: int, tracking: int) -> tuple[list[int], float]:
    if not text:
        return [0], width - first
    em = size * 10
    used, room = 0.0, width - first
    starts = [0]
    pieces: list[str] = []
    at: list[int] = []
    for i, ch in enumerate(text):  # Latin words stay whole
        if ch.isascii() and not ch.isspace() and pieces and pieces[-1][-1:].isascii() and pieces[-1][-1:].strip():
            pieces[-1] += ch
        else:
            pieces.append(ch)
            at.append(i)
    widths = [em_width(piece) * em + tracking * len(piece) for piece in pieces]
    for k, piece in enumerate(pieces):
        w = widths[k]
        if k and used:
            w += _spaced(pieces[k - 1], piece) * em
        if used + w > room + 1:
            # no line begins with a closing mark (nor a line ends with an opening one): what
            # stands before it goes down with it, as long as the line keeps something
            back = k
            while back > 0 and at[back - 1] > starts[-1] and (pieces[back] in CLOSING or pieces[back - 1] in NO_LINE_END):
                back -= 1
            used, room = sum(widths[back:k]), width
            starts.append(at[back])
            w = widths[k]
        used += w
    return starts, room - used


AUTOSPACE = {"digits": 0.2, "latin": 0.35}
"""The space (in ems) the converter puts between a Chinese character and a number, or a
Latin word (w:autoSpaceDN, w:autoSpaceDE), measured on its PDFs."""


def _spaced(before: str, after: str) -> float:
    """The autospace between two pieces of a line, in ems."""
    if before.isascii() == after.isascii():  # two Chinese pieces, or two Latin ones: no autospace
        return 0.0

    def han(piece: str) -> bool:
        return len(piece) == 1 and ("\u3400" <= piece <= "\u9fff" or "\uf900" <= piece <= "\ufaff")

    def kind(piece: str) -> str:
        if not (piece.isascii() and any(c.isalnum() for c in piece)):
            return ""
        return "latin" if any(c.isalpha() for c in piece) else "digits"

    latin = kind(after) if han(before) else kind(before) if han(after) else ""
    return AUTOSPACE.get(latin, 0.0)


def _paragraph_height(paragraph, styles: Styles) -> tuple[int, int]:
    """(twips the paragraph takes, of which in lines of the body pitch)."""
    p = styles.of(paragraph)
    line, size = p.get("line") or LINE, p.get("size") or 32
    if p.get("rule") not in (None, "exact"):
        line = int(size * 10 * 1.3)
    width = TEXT_W - (p.get("left") or 0) - (p.get("right") or 0)
    first = (p.get("first") or 0) - (p.get("hanging") or 0)
    count = line_count(_text(paragraph), width, first, size, p.get("tracking") or 0)
    count += sum(1 for br in paragraph.iter(qn("w:br")) if br.get(qn("w:type")) in (None, "textWrapping"))
    border = p.get("border") or 0
    return count * line + border, (count if line == LINE else 0)


def _row_height(row, styles: Styles) -> tuple[int, int]:
    height = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
    if height is not None and height.get(qn("w:hRule")) == "exact":
        twips = int(height.get(qn("w:val")))
        return twips, twips // LINE if twips % LINE == 0 else 0
    best = (0, 0)
    for cell in row.findall(qn("w:tc")):
        found = _block_height(list(cell), styles)
        best = max(best, found)
    return best


def _block_height(elements, styles: Styles) -> tuple[int, int]:
    total, lines = 0, 0
    for element in elements:
        if element.tag == qn("w:p"):
            t, n = _paragraph_height(element, styles)
        elif element.tag == qn("w:tbl"):
            t, n = 0, 0
            for row in element.findall(qn("w:tr")):
                rt, rn = _row_height(row, styles)
                t, n = t + rt, n + rn
        else:
            continue
        total, lines = total + t, lines + n
    return total, lines


def _is_signature_area(table) -> bool:
    return any(p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
               and p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) in SIGNATURE_STYLES
               for p in table.iter(qn("w:p")))


def _breaks_page(paragraph, styles: Styles) -> bool:
    return (bool(styles.of(paragraph).get("page_break"))
            or any(br.get(qn("w:type")) == "page" for br in paragraph.iter(qn("w:br")))
            or paragraph.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None)


def _frame_top(paragraph, styles: Styles) -> int | None:
    """Where a paragraph framed on the type area (the 版记) begins, from the type area's top."""
    frame = paragraph.find(f"{qn('w:pPr')}/{qn('w:framePr')}")
    if frame is None:
        return None
    if frame.get(qn("w:y")) is not None:
        return int(frame.get(qn("w:y")))
    return TEXT_H - _paragraph_height(paragraph, styles)[0]


def _set_pitch(paragraph, pitch: int) -> None:
    """The paragraph's lines ``pitch`` twips apart, exactly, off the document grid (in the
    order the schema gives a paragraph's properties: snapToGrid, then spacing)."""
    ppr = paragraph.get_or_add_pPr()
    spacing = ppr.get_or_add_spacing()
    spacing.set(qn("w:line"), str(pitch))
    spacing.set(qn("w:lineRule"), "exact")
    snap = ppr.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        spacing.addprevious(snap)
    snap.set(qn("w:val"), "0")


def _tighten(elements, styles: Styles, pitch: int) -> None:
    for element in elements:
        if element.tag == qn("w:p"):
            p = styles.of(element)
            if (p.get("line") or LINE) == LINE and p.get("rule") in (None, "exact"):
                _set_pitch(element, pitch)
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                height = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
                if height is not None and int(height.get(qn("w:val"))) % LINE == 0:
                    height.set(qn("w:val"), str(int(height.get(qn("w:val"))) // LINE * pitch))
            for paragraph in element.iter(qn("w:p")):
                p = styles.of(paragraph)
                if (p.get("line") or LINE) == LINE and p.get("rule") in (None, "exact"):
                    _set_pitch(paragraph, pitch)


@dataclass(frozen=True)
class Fit:
    """How the first page is brought together: its line pitch (twips) and the paragraphs
    whose characters are set closer (their places among the body's children), how close."""

    pitch: int
    closer: tuple[int, ...] = ()
    tracking: int = 0


def _closer(paragraph, styles: Styles, tracking: int) -> bool:
    """Whether setting the paragraph's characters ``tracking`` apart takes in its last line,
    with ``TRACK_SLACK`` of each line to spare."""
    p = styles.of(paragraph)
    if p.get("rule") not in (None, "exact") or (p.get("size") or 32) != 32 or (p.get("tracking") or 0) <= tracking:
        return False
    width = TEXT_W - (p.get("left") or 0) - (p.get("right") or 0)
    first = (p.get("first") or 0) - (p.get("hanging") or 0)
    text = _text(paragraph)
    now = line_count(text, width, first, 32, p.get("tracking") or 0)
    return now > 1 and line_count(text, width - TRACK_SLACK, first, 32, tracking) < now


def plan_first_page(document) -> Fit | None:
    """The line pitch at which the first page holds its signature area, when it does not as it
    is and a pitch of at least ``TIGHTEST`` does, with the characters of paragraphs that
    end in a short line set closer where the lines alone are not enough; None otherwise (it
    fits, it cannot be made to fit, or the page is not one this estimate can follow)."""
    styles = Styles(document)
    body = list(document.element.body)
    before = []
    for element in body:
        if element.tag == qn("w:tbl"):
            if not _is_signature_area(element):
                return None
            area = element
            break
        if element.tag == qn("w:p"):
            if _breaks_page(element, styles):
                return None
            before.append(element)
    else:
        return None
    room = TEXT_H - SAFETY
    after = []  # what follows on the same page: the 版记 of a notice without attachments takes its foot
    for element in body[body.index(area) + 1:]:
        if element.tag == qn("w:p") and _breaks_page(element, styles):
            break
        top = _frame_top(element, styles) if element.tag == qn("w:p") else None
        if top is not None:
            room = min(room, top - SAFETY)
        elif element.tag in (qn("w:p"), qn("w:tbl")):
            after.append(element)
    head = max((i for i, p in enumerate(before) if _style_id(p) == "DocNo"), default=-1)
    fixed_total, _ = _block_height(before[:head + 1] + after, styles)
    loose = before[head + 1:]
    loose_total, loose_lines = _block_height(loose + [area], styles)
    if fixed_total + loose_total <= room or not loose_lines:
        return None
    other = loose_total - loose_lines * LINE
    for_lines = room - fixed_total - other  # the twips the loose lines may take
    pitch = for_lines // loose_lines
    if pitch >= TIGHTEST:
        return Fit(int(pitch))
    fewest = loose_lines - len(loose)  # were every paragraph to lose its last line
    if fewest > 0 and for_lines // fewest < TIGHTEST:
        return None  # a page of many lines: no setting of characters could bring it together
    closer = [p for p in loose if _closer(p, styles, TRACK_LIMIT)]
    if not closer:
        return None
    loose_lines -= len(closer)  # each loses its last line
    pitch = for_lines // loose_lines
    if pitch < TIGHTEST:
        return None
    return Fit(int(pitch), tuple(body.index(p) for p in closer), TRACK_LIMIT)


def _set_tracking(paragraph, tracking: int) -> None:
    """Every run of the paragraph ``tracking`` twentieths of a point apart (w:rPr/w:spacing)."""
    for run in paragraph.findall(qn("w:r")):
        rpr = run.get_or_add_rPr()
        spacing = rpr.find(qn("w:spacing"))
        if spacing is None:
            spacing = OxmlElement("w:spacing")
            rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight",
                                      "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
                                      "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
        spacing.set(qn("w:val"), str(tracking))


def _style_id(paragraph) -> str:
    found = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return found.get(qn("w:val")) if found is not None else ""


def fit_first_page(document) -> Fit | None:
    """Bring the first page together so that its signature area stays on it
    (``plan_first_page``); what was done, or None."""
    fit = plan_first_page(document)
    if fit is None:
        return None
    styles = Styles(document)
    body = list(document.element.body)
    head = max((i for i, e in enumerate(body) if e.tag == qn("w:p") and _style_id(e) == "DocNo"), default=-1)
    area = next(i for i, e in enumerate(body) if e.tag == qn("w:tbl") and _is_signature_area(e))
    for index in fit.closer:
        _set_tracking(body[index], fit.tracking)
    _tighten(body[head + 1:area + 1], styles, fit.pitch)
    return fit
