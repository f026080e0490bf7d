"""The GB/T 9704 rules, each measured on the pages of one document (see shared/GBT9704.md §7).

A rule is a function of a ``Document`` that returns its findings; ``RULES`` lists them in
the order a clerk would look. Positions are distances from the top of the page in points,
as the standard and its checklist are written.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from .. import geometry
from ..records import Box, Finding
from ..text import breaks_word, display_width
from .page import Glyph, Page
from .words import WordMarks

TYPE_TOP = geometry.TOP / 20
"""The type area's upper edge, 37 mm (104.9 pt) from the top of the page."""
TYPE_BOTTOM = (geometry.PAGE_H - geometry.BOTTOM) / 20
"""Its lower edge, 35 mm above the bottom (742.7 pt from the top)."""
TYPE_LEFT, TYPE_RIGHT = geometry.TYPE_LEFT, geometry.TYPE_RIGHT
LINE = geometry.LINE_PT
CHAR = geometry.CHAR / 20

FANG = ("FandolFang", "FangSong", "STFangsong", "FZFangSong")
KAI = ("FandolKai", "KaiTi", "STKaiti", "FZKai")
HEI = ("FandolHei", "SimHei", "STHeiti", "FZHei")
TITLE = ("FandolSong-Bold", "NotoSerifCJKsc-Bold", "FZXiaoBiaoSong", "FZXBS")
"""小标宋 and its substitutes: FandolSong Bold, and Noto Serif CJK SC Bold for the characters it lacks."""
SONG = ("FandolSong", "SimSun", "NSimSun", "STSong")
FALLBACK = ("ARPLUMing", "ARPLUKai", "UMing", "UKai", "WenQuanYi")
"""Faces of wide coverage that stand in for a character the official faces lack."""
KNOWN = FANG + KAI + HEI + TITLE + SONG + FALLBACK

LINE_START_BANNED = "，。、；：！？）》”’〕】)>]}"
"""Marks a line must not start with (closing and pausing punctuation)."""
LINE_END_BANNED = "（《“‘〔【(<[{"
"""Marks a line must not end with (opening punctuation)."""
TITLE_LINE = 18
"""Characters of 二号 a title line holds (with room for wide digits): a longer name must break."""
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")
CAPTION = re.compile(r"^(表|图)\d+")
HANGING = "，。、；：！？）》”’"
DRAFT = ("【草稿", "【待填写", "（待定）", "待补充")
SIGNATURE_WORDS = re.compile(r"（盖章）|（签字）|签字：|盖章：|确认：|^\d{4}年\d{1,2}月\d{1,2}日$|年\s*月\s*日$|^（.*）$|^附件")


@dataclass(frozen=True)
class Seal:
    """A seal the bundle stamped: whose, where (0-based page of the document) and which image."""

    party: str
    page: int
    box: Box
    name_box: Box
    digest: str
    """The image's content digest: its resource name on the page is /DocgenSeal<digest>."""


@dataclass(frozen=True)
class Signature:
    """Where a party's name is printed to sign (sealed or not)."""

    party: str
    page: int
    box: Box


@dataclass
class Document:
    """One document's pages and what the bundle knows of it."""

    title: str
    pages: list[Page]
    family: str = ""
    """notice, plan, agreement, letter, summary, bundle (the cover) or '' when unknown."""
    page_numbers: bool = True
    seals: list[Seal] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    padding: set[int] = field(default_factory=set)
    """Blank pages added on purpose (double-sided printing)."""
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    """What the rules work out once per document (its signature cells, …)."""
    marks: WordMarks | None = None
    """The punctuation marks its Word file holds, and its paragraphs (``words.word_marks``); None
    when the Word file is not at hand."""


# ------------------------------------------------------------------ helpers

def _text(line: list[Glyph]) -> str:
    return "".join(g.char for g in line)


@functools.cache
def _family(font: str, faces: tuple[str, ...]) -> bool:
    return any(face.lower() in font.lower() for face in faces)


def _main_font(line: list[Glyph]) -> str:
    """The font most characters of a line are set in (a rare character may fall back)."""
    fonts = [g.font for g in line if g.char.strip()]
    return max(set(fonts), key=fonts.count) if fonts else ""


def _reading_order(glyphs: list[Glyph]) -> str:
    """Glyphs as read: line by line from the top, left to right within a line (a PDF may hold
    a line's characters out of order, e.g. those of a fallback face after the others)."""
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: -g.y):
        if rows and abs(rows[-1][0].y - g.y) < 0.5 * g.size:
            rows[-1].append(g)
        else:
            rows.append([g])
    return "".join(g.char for row in rows for g in sorted(row, key=lambda g: g.x))


def page_number_line(page: Page, lines: list[list[Glyph]] | None = None) -> list[Glyph] | None:
    """The page number's line, below the type area."""
    for line in reversed(page.lines() if lines is None else lines):
        if PAGE_NUMBER.match(_text(line).replace(" ", "")) and page.top(line[0].y) > TYPE_BOTTOM:
            return line
    return None


def content_lines(page: Page) -> list[list[Glyph]]:
    """Text lines of the page other than its page number."""
    if "content" not in page.memo:
        lines = page.lines()
        number = page_number_line(page, lines)
        page.memo["content"] = [line for line in lines if line is not number]
    return page.memo["content"]


def _inside(box, x: float, y: float, pad: float = 0.0) -> bool:
    return box[0] - pad <= x <= box[2] + pad and box[1] - pad <= y <= box[3] + pad


def _circle_hits(box, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether the seal's circle (inscribed in ``box``) meets the rectangle."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    r = min(box[2] - box[0], box[3] - box[1]) / 2
    nx, ny = min(max(cx, x0), x1), min(max(cy, y0), y1)
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


def _circles_meet(a, b) -> bool:
    ra, rb = (a[2] - a[0]) / 2, (b[2] - b[0]) / 2
    d = (((a[0] + a[2]) - (b[0] + b[2])) ** 2 + ((a[1] + a[3]) - (b[1] + b[3])) ** 2) ** 0.5 / 2
    return d <= ra + rb


def _glyph_box(g: Glyph) -> tuple[float, float, float, float]:
    return g.x, g.y - 0.15 * g.size, g.x + g.width, g.y + 0.85 * g.size


def printed_name(page: Page, box) -> str:
    """The text printed in a signer's name box, as read (its lines joined)."""
    return _reading_order([g for g in page.glyphs if g.char.strip() and _inside(box, g.x + g.width / 2, g.y)])


def _column(page: Page, x0: float, x1: float) -> list[list[Glyph]]:
    """The text lines of a column of the page, top to bottom: on each line of the page, the
    runs of glyphs (set without a gap of three ems) that reach between ``x0`` and ``x1`` (a
    signature cell's name or date, apart from its neighbours', however wide)."""
    out = []
    for line in page.lines():
        runs: list[list[Glyph]] = []
        for g in line:
            if runs and g.x - (runs[-1][-1].x + runs[-1][-1].width) < 3 * g.size:
                runs[-1].append(g)
            else:
                runs.append([g])
        mine = [g for run in runs if any(x0 <= g.x + g.width / 2 <= x1 for g in run) for g in run]
        if mine:
            out.append(mine)
    return out


FULL_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
BLANK_DATE = re.compile(r"年\s*月\s*日")
PARTIAL_DATE = re.compile(r"(\d{4})?\s*年(\s*\d{0,2}\s*月)?\s*$")
DATE_REST = re.compile(r"^\s*\d{0,2}\s*[月日]")


@dataclass(frozen=True)
class SignedCell:
    """What a signer's cell shows: its name's lines, and its date as printed."""

    signature: Signature
    name_lines: list[list[Glyph]]
    date: str
    """The date as printed ('' when the cell has none): 2022年11月8日, or 年　月　日 to fill in."""
    date_lines: int
    """The lines the date takes: 1, or 2 when it was split."""
    date_glyphs: list[list[Glyph]]
    """Those lines (in the cell's column)."""


def signed_cells(doc: Document) -> list[SignedCell]:
    """Every signature of ``doc`` read on its page: the name's lines inside its box, and the
    date in the lines just below it, in the same column."""
    if "cells" in doc.memo:
        return doc.memo["cells"]
    out = []
    for sig in doc.signatures:
        if not 0 <= sig.page < len(doc.pages):
            continue
        x0, y0, x1, y1 = sig.box
        lines = _column(doc.pages[sig.page], x0 - 3, x1 + 3)
        names = [line for line in lines if y0 < line[0].y < y1]
        below = [line for line in lines if line[0].y <= y0 and y0 - line[0].y < 1.6 * LINE]
        date, found = "", []
        if below:
            first = _text(below[0]).replace("\u3000", " ").strip()
            if "日" in first and (FULL_DATE.search(first) or BLANK_DATE.search(first)):
                date, found = first, [below[0]]
            elif PARTIAL_DATE.search(first) and "年" in first:
                rest = [line for line in lines if below[0][0].y - 1.6 * LINE < line[0].y < below[0][0].y - 4]
                if rest and DATE_REST.match(_text(rest[0])):
                    date, found = first + " " + _text(rest[0]).strip(), [below[0], rest[0]]
                else:
                    date, found = first, [below[0]]
        out.append(SignedCell(sig, names, date, len(found), found))
    doc.memo["cells"] = out
    return out


# -------------------------------------------------------------------- rules

def paper(doc: Document) -> list[Finding]:
    return [Finding("纸张", k, f"页面为 {p.width:.0f}×{p.height:.0f} 磅，不是 A4（595×842）")
            for k, p in enumerate(doc.pages, 1)
            if abs(p.width - geometry.PAGE_W_PT) > 2 or abs(p.height - geometry.PAGE_H_PT) > 2]


def type_area(doc: Document) -> list[Finding]:
    """Nothing but the page number outside the 156 × 225 mm type area (5.2.1)."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        for line in content_lines(page):
            # closing punctuation may hang into the margin at the end of a line (标点悬挂)
            right = max((g.x if g.char in HANGING else g.x + g.width) for g in line)
            size, y = max(g.size for g in line), line[0].y
            if line[0].x < TYPE_LEFT - 3 or right > TYPE_RIGHT + 3 \
                    or page.top(y + 0.85 * size) < TYPE_TOP - 3 or page.top(y - 0.15 * size) > TYPE_BOTTOM + 3:
                out.append(Finding("版心", k, f"“{_text(line)[:16]}”超出版心"))
                break
    return out


def body_text(doc: Document) -> list[Finding]:
    """Body text in 三号 仿宋, lines 28.95 pt apart (5.2.2, 5.2.3): the lines that start at the
    left edge of the type area or two characters in (names in signature cells and table text
    stand elsewhere and are set on their own terms)."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        body = [line for line in content_lines(page)
                if sum(1 for g in line if _family(g.font, FANG)) > len(line) / 2 and _body_start(line[0].x)]
        sizes = {round(size, 1) for size in {g.size for line in body for g in line if _family(g.font, FANG)}}
        sizes -= {12.0, 14.0, 10.5}
        if sizes - {16.0}:
            out.append(Finding("正文字号", k, f"正文字号为 {'、'.join(f'{s:g}' for s in sorted(sizes))} 磅（应为三号 16 磅）"))
        ys = [line[0].y for line in body if abs(line[0].size - 16) < 0.2 and len(line) > 12]
        gaps = [upper - lower for upper, lower in pairwise(ys)]
        signing = any(s.page == k - 1 for s in doc.signatures) or any(s.page == k - 1 for s in doc.seals)
        pitch = LINE if not (signing or k == 1) else _pitch([g for g in gaps if g < 1.5 * LINE]) or LINE
        for gap in gaps:
            steps = round(gap / pitch)
            if 1 <= steps <= 2 and abs(gap - steps * pitch) > 0.8:
                out.append(Finding("行距", k, f"正文行距 {gap:.2f} 磅（应为 28.95 磅的整数倍）"))
                break
    return out


def _pitch(gaps: list[float]) -> float | None:
    """The one line pitch of a page whose lines were brought closer to keep its signature area
    with it (7.3.5.5, down to 26 pt: a page with signatures, or the first page, where the
    remedy is tried), or None."""
    if gaps and max(gaps) - min(gaps) < 0.8 and TIGHTEST - 0.2 <= sum(gaps) / len(gaps) <= LINE:
        return sum(gaps) / len(gaps)
    return None


def _body_start(x: float) -> bool:
    """Whether a line starting at ``x`` is body text: flush left, or indented two characters."""
    return abs(x - TYPE_LEFT) < 1.5 or abs(x - (TYPE_LEFT + 2 * CHAR)) < 1.5


def page_numbers(doc: Document) -> list[Finding]:
    """— n — in 4号 宋体 7 mm below the type area; odd right, even left, one character in (7.5)."""
    if not doc.page_numbers:
        return []
    out = []
    for k, page in enumerate(doc.pages, 1):
        if k - 1 in doc.padding:
            continue
        line = page_number_line(page)
        if line is None:
            out.append(Finding("页码", k, "没有“— n —”形式的页码"))
            continue
        numbered = PAGE_NUMBER.match(_text(line).replace(" ", ""))
        assert numbered is not None  # page_number_line found the line by this pattern
        n = int(numbered.group(1))
        dash = page.top(line[0].y) - 0.33 * line[0].size  # the 一字线 stands about a third of an em up
        if abs(dash - (TYPE_BOTTOM + 7 * geometry.MM_PT)) > 2 * geometry.MM_PT:
            out.append(Finding("页码", k, f"页码的一字线距版心下边缘 {(dash - TYPE_BOTTOM) / geometry.MM_PT:.1f} mm（应为 7 mm）"))
        x0, x1 = line[0].x, line[-1].x + line[-1].width
        if n % 2 and abs(x1 - (TYPE_RIGHT - 14)) > 4:
            out.append(Finding("页码", k, f"单页码 {n} 应居右空一字"))
        elif not n % 2 and abs(x0 - (TYPE_LEFT + 14)) > 4:
            out.append(Finding("页码", k, f"双页码 {n} 应居左空一字"))
    return out


def headings(doc: Document) -> list[Finding]:
    """Titles and the red mark in 小标宋, every character of them as heavy as the rest; 一、 in
    黑体, （一） in 楷体 (7.2.4, 7.3.1, 7.3.3)."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        for line in content_lines(page):
            text, first = _text(line), line[0]
            font = _main_font(line)
            if first.size > 20 and not _family(font, TITLE) and not _family(font, FALLBACK):
                out.append(Finding("标题字体", k, f"标题“{text[:12]}”用的是 {font}（应为小标宋）"))
            elif first.size > 20 and _family(font, TITLE):
                thin = [g for g in line if _family(g.font, FALLBACK)]
                if thin:
                    out.append(Finding("标题字体", k, f"标题“{text[:12]}”中的“{''.join(dict.fromkeys(g.char for g in thin))}”"
                                                   f"用的是细体 {thin[0].font}（应与标题一样用粗宋体）"))
            elif HEADING_1.match(text) and abs(first.size - 16) < 0.2 and first.x < TYPE_LEFT + 3 * CHAR \
                    and not _family(first.font, HEI) and _family(first.font, FANG) and len(text) < 20:
                out.append(Finding("层次标题字体", k, f"一级标题“{text[:12]}”应为黑体"))
            elif HEADING_2.match(text) and abs(first.size - 16) < 0.2 and not _family(first.font, KAI):
                out.append(Finding("层次标题字体", k, f"二级标题“{text[:12]}”应为楷体"))
    return out


def title_breaks(doc: Document) -> list[Finding]:
    """A title that runs to several lines breaks between words (7.3.1: 回行时词意完整)."""
    names = tuple(name for name in {s.party for s in doc.signatures} | {s.party for s in doc.seals}
                  if display_width(name) <= TITLE_LINE)
    out = []
    for k, page in enumerate(doc.pages, 1):
        lines = content_lines(page)
        for upper, lower in pairwise(lines):
            if upper[0].size <= 20 or abs(upper[0].size - lower[0].size) > 0.2 \
                    or page.top(lower[0].y) - page.top(upper[0].y) > 2 * upper[0].size:
                continue
            before, after = _text(upper).strip(), _text(lower).strip()
            cut = breaks_word(before, after, names)
            if cut:
                out.append(Finding("标题断行", k, f"标题在“{cut}”中间换行（“{before}”／“{after}”）"))
            elif after[:1] in LINE_START_BANNED or before[-1:] in LINE_END_BANNED:
                out.append(Finding("标题断行", k, f"标题行首或行末是标点（“{before}”／“{after}”）"))
    return out


def red_head(doc: Document) -> list[Finding]:
    """发文机关标志 red, centred, 35 mm below the type area top; 发文字号 centred under it; a red
    rule as wide as the type area 4 mm below the 文号 (7.2.4, 7.2.5, 7.2.7). Notices only."""
    if not doc.pages:
        return []
    page = doc.pages[0]
    red = [line for line in page.lines() if all(g.color[:3] == (1.0, 0.0, 0.0) for g in line)]
    if doc.family != "notice" and not red:
        return []
    if not red:
        return [Finding("版头", 1, "没有红色的发文机关标志")]
    mark = red[0]
    out = []
    top = page.top(mark[0].y + 0.88 * mark[0].size)
    if abs(top - (TYPE_TOP + 35 * geometry.MM_PT)) > 3 * geometry.MM_PT:
        out.append(Finding("版头", 1, f"发文机关标志上边缘距版心上边缘 {(top - TYPE_TOP) / geometry.MM_PT:.1f} mm（应为 35 mm）"))
    centre = (mark[0].x + mark[-1].x + mark[-1].width) / 2
    if abs(centre - (TYPE_LEFT + TYPE_RIGHT) / 2) > 3:
        out.append(Finding("版头", 1, "发文机关标志没有居中"))
    rules = [r for r in page.rules if r.color[:3] == (1.0, 0.0, 0.0) and r.x1 - r.x0 > 300]
    number = next((line for line in page.lines() if "〔" in _text(line) and _text(line).endswith("号")), None)
    if not rules:
        out.append(Finding("版头", 1, "发文字号下没有红色分隔线"))
    elif number is not None:
        rule = rules[0]
        if abs((rule.x1 - rule.x0) - (TYPE_RIGHT - TYPE_LEFT)) > 2:
            out.append(Finding("版头", 1, f"红色分隔线宽 {(rule.x1 - rule.x0) / geometry.MM_PT:.1f} mm（应与版心等宽 156 mm）"))
        distance = page.top(rule.y1) - page.top(number[0].y)  # from the 文号's baseline, its lower edge
        if abs(distance - 4 * geometry.MM_PT) > geometry.MM_PT:
            out.append(Finding("版头", 1, f"红色分隔线在发文字号下 {distance / geometry.MM_PT:.1f} mm（应为 4 mm）"))
        centre = (number[0].x + number[-1].x + number[-1].width) / 2
        if abs(centre - (TYPE_LEFT + TYPE_RIGHT) / 2) > 3:
            out.append(Finding("版头", 1, "发文字号没有居中"))
    return out


def colophon(doc: Document) -> list[Finding]:
    """版记 on the last page, its last rule on the bottom edge of the type area (7.4). Notices only."""
    if doc.family != "notice":
        return []
    page = doc.pages[-1]
    wide = [r for r in page.rules if r.x1 - r.x0 > 400 and r.color[:3] != (1.0, 0.0, 0.0)]
    printed = [line for line in page.lines() if _text(line).endswith("印发")]
    if not printed:
        return [Finding("版记", len(doc.pages), "末页没有“……印发”的版记")]
    if not wide:
        return [Finding("版记", len(doc.pages), "版记没有分隔线")]
    last = max(page.top(r.y0) for r in wide)
    if abs(last - TYPE_BOTTOM) > 1.5 * geometry.MM_PT:
        return [Finding("版记", len(doc.pages), f"版记末条分隔线距版心下边缘 {(last - TYPE_BOTTOM) / geometry.MM_PT:.1f} mm（应重合）")]
    return []


def fonts(doc: Document) -> list[Finding]:
    """Every character in an official face or its mapped substitute, and drawn: a face may
    list a character it has no outline for, which prints as a hole. A character only a face
    of another style has is pointed out once per document (PDF: 备用字体)."""
    out = []
    odd: dict[str, None] = {}
    odd_pages = []
    for k, page in enumerate(doc.pages, 1):
        unknown = sorted({g.font for g in page.glyphs if g.char.strip() and not _family(g.font, KNOWN)})
        if unknown:
            out.append(Finding("字体", k, f"使用了未映射的字体 {'、'.join(unknown)}"))
        holes = sorted({g.char for g in page.glyphs if g.blank and g.char.strip()})
        if holes:
            out.append(Finding("缺字", k, f"“{''.join(holes)}”所用字体没有字形，印出来是空白"))
        here = [g.char for g in page.glyphs if _family(g.font, FALLBACK) and "\u3400" <= g.char <= "\u9fff"]
        if here:
            odd.update(dict.fromkeys(here))
            odd_pages.append(k)
    if odd:
        out.append(Finding("字体", odd_pages[0], f"“{''.join(odd)}”在仿宋、楷体等字体中没有，用相近风格的备用字体显示"
                           f"（第{'、'.join(map(str, odd_pages))}页）", warning=True))
    return out


def _face(font: str) -> str:
    """A font as a clerk names its face: 仿宋, 楷体, 黑体, 小标宋, 宋体 (or the font's own name)."""
    for family, name in ((FANG, "仿宋"), (KAI, "楷体"), (HEI, "黑体"), (TITLE, "小标宋"), (SONG, "宋体")):
        if _family(font, family):
            return name
    return font


def _body_lines(page: Page) -> list[list[Glyph]]:
    """The lines of a page that are clearly body text: at the body's left edge or two
    characters in, a dozen characters or more, no larger than 小二, outside ruled tables (a
    title, a short heading, a signature, a table's cells and the page number are not)."""
    rows = [(t[2][0], t[2][-1]) for t in _tables(page)]
    return [line for line in content_lines(page)
            if _body_start(line[0].x) and len(line) >= 12 and line[0].size <= 18
            and not any(top - 2 <= page.top(line[0].y) <= bottom + 2 for top, bottom in rows)]


def _title_lines(page: Page) -> list[list[Glyph]]:
    """A document's title as its first page shows it: the first lines under the red rule or
    the 发文字号 (or at the top of the page), centred and larger than the body (18 to 30 pt:
    the 发文机关标志 is larger), in one size; none when the page does not begin so."""
    def centred(line: list[Glyph]) -> bool:
        return abs((line[0].x + line[-1].x + line[-1].width) / 2 - (TYPE_LEFT + TYPE_RIGHT) / 2) <= 3

    lines = content_lines(page)
    head = [page.top(r.y0) for r in page.rules if r.color[:3] == (1.0, 0.0, 0.0) and r.x1 - r.x0 > 300]
    head += [page.top(line[0].y) for line in lines if "〔" in _text(line) and _text(line).endswith("号")
             and centred(line) and page.top(line[0].y) < TYPE_TOP + (TYPE_BOTTOM - TYPE_TOP) / 2]
    below = [line for line in lines if page.top(line[0].y) > max(head, default=0.0)]
    out: list[list[Glyph]] = []
    for line in below:
        size = line[0].size
        if not (17 < size <= 30 and centred(line) and line[0].color[:3] != (1.0, 0.0, 0.0)):
            break
        if out and (abs(size - out[0][0].size) > 0.3 or page.top(line[0].y) - page.top(out[-1][0].y) > 2 * size):
            break
        out.append(line)
    return out


def faces(doc: Document) -> list[Finding]:
    """Body text in 3号仿宋 (GB/T 9704 7.3.3) and the title in 2号小标宋 (7.3.1), as most of
    the document shows them: a face or size a template's style set for all of its body, or
    its title's, is found; a line here and there in another face (a heading, a table, a
    signature, a note) is not judged."""
    if doc.family == "bundle" or not doc.pages:
        return []
    out = []
    title = _title_lines(doc.pages[0])
    if title:
        text, size, font = "".join(_text(line) for line in title), title[0][0].size, _main_font(title[0])
        if abs(size - 22) > 0.3:
            out.append(Finding("标题字号", 1, f"标题“{text[:12]}”为 {size:g} 磅（应为二号 22 磅，GB/T 9704 7.3.1）"))
        if size <= 20 and not _family(font, TITLE) and not _family(font, FALLBACK):  # larger: ``headings``
            out.append(Finding("标题字体", 1, f"标题“{text[:12]}”用了{_face(font)}（应为小标宋，GB/T 9704 7.3.1）"))
    pages = [_body_lines(page) for page in doc.pages]
    lines = [line for here in pages for line in here]
    if len(lines) < 6:
        return out
    faces_used = Counter(_face(_main_font(line)) for line in lines)
    if faces_used["仿宋"] <= len(lines) / 2:
        face = next(name for name, _ in faces_used.most_common() if name != "仿宋")
        out += [Finding("正文字体", k, f"正文用了{face}（应为仿宋，GB/T 9704 7.3.3）") for k, here in enumerate(pages, 1)
                if sum(1 for line in here if _face(_main_font(line)) == face) > len(here) / 2]
    sizes = Counter(round(line[0].size, 1) for line in lines)
    size, n = sizes.most_common(1)[0]
    # a body in 仿宋 at another size than 10.5, 12 or 14 pt is found by ``body_text`` already
    if n > len(lines) / 2 and abs(size - 16) > 0.2 and (size in (10.5, 12.0, 14.0) or faces_used["仿宋"] <= len(lines) / 2):
        out += [Finding("正文字号", k, f"正文字号为 {size:g} 磅（应为三号 16 磅，GB/T 9704 7.3.3）")
                for k, here in enumerate(pages, 1) if sum(1 for line in here if round(line[0].size, 1) == size) > len(here) / 2]
    return out


def blank_pages(doc: Document) -> list[Finding]:
    return [Finding("空白页", k, "空白页（除页码外没有任何内容）") for k, page in enumerate(doc.pages, 1)
            if k - 1 not in doc.padding and not content_lines(page) and not page.images
            and not [r for r in page.rules if r.x1 - r.x0 > 20]]


def _attachment_note(lines: list[list[Glyph]]) -> set[int]:
    """Indices of the lines of a 附件说明: 附件：… and the indented lines that follow it."""
    out, inside = set(), False
    for i, line in enumerate(lines):
        text = _text(line)
        if text.startswith("附件："):
            inside = True
        elif not (inside and line[0].x >= TYPE_LEFT + 3 * CHAR):
            inside = False
        if inside:
            out.add(i)
    return out


def signature_pages(doc: Document) -> list[Finding]:
    """A page holding a signature holds body text too (7.3.5.5): never signatures alone, nor
    only the 附件说明 and signatures."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        boxes = [s.box for s in doc.seals if s.page == k - 1] + [s.box for s in doc.signatures if s.page == k - 1] + \
                [(i.x0, i.y0, i.x1, i.y1) for i in page.images if i.name.startswith("/DocgenSeal")]
        if not boxes:
            continue
        top, bottom = max(b[3] for b in boxes) + LINE / 2, min(b[1] for b in boxes) - LINE / 2
        lines = content_lines(page)
        note = _attachment_note(lines)
        body = [line for i, line in enumerate(lines) if i not in note and not bottom <= line[0].y <= top
                and not SIGNATURE_WORDS.search(_text(line))]
        if not body:
            out.append(Finding("签署页", k, "本页只有签署和印章，没有正文"))
    return out


def lone_notes(doc: Document) -> list[Finding]:
    """An 附件说明 stands under the body (GB/T 9704 7.3.4: 正文下空一行): never alone on a page."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        lines = content_lines(page)
        if lines and k > 1 and len(_attachment_note(lines)) == len(lines):
            out.append(Finding("附件说明", k, f"本页只有附件说明“{_text(lines[0])[:16]}”，没有正文"))
    return out


TIGHTEST = 26.0
"""The closest line pitch (points) the first page may be tightened to (render.fit: 7.3.5.5)."""


SPARE = 6.0
"""Points of the type area the first-page remedy leaves unused (render.fit.SAFETY): the rule
finds what the remedy would have kept on the page."""


def signature_moved(doc: Document) -> list[Finding]:
    """A signature area is not moved off the first page when tightening its lines (down to
    26 pt), and setting closer the characters of a paragraph whose last line holds a few of
    them, would have kept it there (GB/T 9704 7.3.5.5: 调整行距、字距 first; the block moves,
    with body text, only when that is not enough)."""
    places = {s.page for s in doc.signatures} | {s.page for s in doc.seals}
    if min(places, default=0) != 1 or len(doc.pages) < 2:
        return []
    first, second = doc.pages[0], doc.pages[1]
    above, here = content_lines(first), content_lines(second)
    if not above or not here:
        return []
    bottom = max(first.top(line[0].y) for line in above) + 0.22 * LINE
    last = max(above, key=lambda line: first.top(line[0].y))
    gain = LINE if len(last) <= 4 and last[0].x < TYPE_LEFT + CHAR / 2 and len(above) > 1 else 0.0
    # a paragraph's short last line comes in when its characters are set closer (render.fit)
    red = [first.top(r.y0) for r in first.rules if r.color[:3] == (1.0, 0.0, 0.0) and r.x1 - r.x0 > 300]
    start = max(red) if red else TYPE_TOP
    cells = [c for c in signed_cells(doc) if c.signature.page == 1]
    ends = [line[0].y for c in cells for line in c.name_lines + c.date_glyphs]
    if not ends:
        return []
    lowest = min(ends)
    moved = second.top(lowest) + 0.22 * LINE + LINE - TYPE_TOP  # and the line below the date: 附注, or kept free
    wide = [r for r in second.rules if r.x1 - r.x0 > 400 and second.top(r.y0) > second.top(lowest)]
    if wide:  # the 版记 at the foot of the page would come back too
        moved += TYPE_BOTTOM - min(second.top(r.y0) for r in wide) + LINE / 2
    slots = (bottom - gain - start) / LINE + moved / LINE
    room = TYPE_BOTTOM - bottom + gain + slots * (LINE - TIGHTEST)
    if room >= moved + SPARE:
        how = "调整行距、字距" if gain else "调整行距"
        return [Finding("签署移页", 2, f"签署区移到了第2页，而第1页下方尚有 {(TYPE_BOTTOM - bottom) / LINE:.1f} 行空白："
                                      f"应先按 GB/T 9704 7.3.5.5 {how}，使其与正文留在第1页")]
    return []


LOW_LINES = "＿_"
"""What a line to write on is drawn with: full-width low lines, or a tab's low-line leader."""


def fill_lines(doc: Document) -> list[Finding]:
    """A line to write on ends at its line's end: it never runs over and leaves a stub of
    low lines alone at the start of the next line, and a line to write a name on in running
    text is not cut in two by a line's end (a form a clerk fills in by hand)."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        lines = content_lines(page)
        for above, line in pairwise(lines):
            text = _text(line)
            if not (text[:1] in LOW_LINES and _text(above)[-1:] in LOW_LINES and line[0].x < TYPE_LEFT + CHAR
                    and 0 < page.top(line[0].y) - page.top(above[0].y) < 1.6 * LINE):
                continue
            label = _text(above).rstrip(LOW_LINES)
            if set(text) <= set(LOW_LINES):
                out.append(Finding("填写线", k, f"“{label[-16:]}”后的填写线超出行末，下一行只剩“{text[:4]}”"))
            else:
                stub = text[:len(text) - len(text.lstrip(LOW_LINES))]
                out.append(Finding("填写线", k, f"“{label[-16:]}”后的填写线被分在两行（下一行行首“{stub}”）"))
    return out


BLANK_FORM = re.compile("\u3000*年\u3000+月(?:\u3000+日)?")
"""A blank date form as read: (blanks,) 年, blanks, 月 (blanks, 日); spaces are not drawn, so
blanks are read from the gaps between characters."""


def _spaced_text(line: list[Glyph], left: float) -> str:
    """A line's text with each gap of an em or more read as that many ideographic spaces,
    from ``left`` (the type area's edge)."""
    out, at = [], left
    for g in line:
        gap = g.x - at
        if gap > 0.75 * g.size:
            out.append("\u3000" * round(gap / g.size))
        out.append(g.char)
        at = g.x + g.width
    return "".join(out)


def blank_dates(doc: Document) -> list[Finding]:
    """A blank date form in running text is one unit: never its blanks at the end of one line
    and 年　月 at the start of the next, nor 年 / 月　日 (GB/T 9704 7.3.5.4: 年、月、日标全; a
    form to fill in that a reader can fill)."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        lines = content_lines(page)
        for above, line in pairwise(lines):
            if not (0 < page.top(line[0].y) - page.top(above[0].y) < 1.6 * LINE and line[0].x < TYPE_LEFT + 5 * CHAR):
                continue
            first, second = _spaced_text(above, TYPE_LEFT), _spaced_text(line, TYPE_LEFT)
            hung = "" if second.startswith("\u3000") else "\u3000"  # blanks at a line's end are not drawn
            joined, cut = first + hung + second, len(first)
            for form in BLANK_FORM.finditer(joined):
                if form.start() < cut < form.end() or (hung and form.start() == cut and "日" in form.group()):
                    out.append(Finding("空白日期", k, f"待填写的日期被分在两行：“{first[-8:].strip()}”/“{second[:8].strip()}”"))
                    break
    return out


def half_empty(doc: Document) -> list[Finding]:
    """A signature area does not leave the page before it more than half empty for text that
    need not have gone with it. GB/T 9704 7.3.5.5 asks only that the signatures share their
    page with body text: the last paragraph (its last two lines; all of it, with its heading,
    when it has three lines or fewer and cannot be split). When more body text than that moved,
    and it would have stood on the page before, the keep chain is longer than it needs to be.
    A move the standard forces (a signature area taller than the room left) is not a finding."""
    out = []
    for place in sorted({s.page for s in doc.signatures} | {s.page for s in doc.seals}):
        if place < 1 or place >= len(doc.pages):
            continue
        page, here = doc.pages[place], content_lines(doc.pages[place])
        before = content_lines(doc.pages[place - 1])
        if not before or not here or here[0][0].size > 17:  # a new document or part begins with its title
            continue
        above = doc.pages[place - 1]
        free = TYPE_BOTTOM - (max(above.top(line[0].y) for line in before) + 0.22 * LINE)
        if free <= (TYPE_BOTTOM - TYPE_TOP) / 2:
            continue
        boxes = [s.box for s in doc.signatures if s.page == place] + [s.name_box for s in doc.seals if s.page == place]
        signed = min(page.top(b[3]) for b in boxes) - 2 * LINE  # the seal's room above the names
        body = []
        for line in here:
            if page.top(line[0].y) > signed or SIGNATURE_WORDS.search(_text(line)):
                break
            body.append(line)
        starts = [i for i, line in enumerate(body) if line[0].x > TYPE_LEFT + CHAR] or [0]
        last = len(body) - starts[-1]
        needed = last if last <= 3 else 2
        above_it = _text(body[starts[-1] - 1]) if starts[-1] > 0 else ""
        if needed == last and (HEADING_1.match(above_it) or HEADING_2.match(above_it)):
            needed += 1  # a heading goes with the whole paragraph under it
        excess = len(body) - needed
        if excess > 0 and excess * LINE <= free - LINE / 2:
            out.append(Finding("半页空白", place, f"第{place}页下方空着 {free / LINE:.1f} 行（过半），而随签署区移到第{place + 1}页的"
                                                  f"正文比需要的多 {excess} 行（只需最后一段的最后两行）"))
    return out


def stranded(doc: Document) -> list[Finding]:
    """No heading, caption or 附件 label last on a page (it belongs with what follows); an item
    of a numbered list that the next page continues with the next item is not a heading."""
    out = []
    for k, page in enumerate(doc.pages[:-1], 1):
        lines = content_lines(page)
        if not lines:
            continue
        last = _text(lines[-1])
        first = lines[-1][0]
        heading = (HEADING_1.match(last) and _family(first.font, HEI)) or (HEADING_2.match(last) and _family(first.font, KAI)
                                                                         and len(last) < 28)
        following = content_lines(doc.pages[k])
        if heading and following and (HEADING_1.match(_text(following[0])) or HEADING_2.match(_text(following[0]))):
            heading = False  # an item of a list (（一）…。 then （二）…): complete, nothing of it follows
        title = first.size > 20 and not _family(first.font, FANG)  # a document's or an attachment's title
        if heading or title or (CAPTION.match(last) and len(last) < 30) or re.fullmatch(r"附件\d*", last):
            out.append(Finding("孤立标题", k, f"“{last[:16]}”在页末，与下文分在两页"))
    return out


def _tables(page: Page) -> list[tuple[float, float, list[float]]]:
    """Ruled tables on a page: (x0, x1, the distances from the top of its horizontal rules)."""
    groups: dict[tuple[int, int], set[float]] = {}
    for r in page.rules:
        if r.y1 - r.y0 < 1.5 and r.x1 - r.x0 > 20 and r.color[:3] != (1.0, 0.0, 0.0):
            groups.setdefault((round(r.x0 / 4), round(r.x1 / 4)), set()).add(round(page.top(r.y0), 1))
    # a row's rules may be split at the columns: merge groups that share their rows
    tables = []
    for (left, right), rows in groups.items():
        tables.append((left * 4.0, right * 4.0, sorted(rows)))
    tables.sort(key=lambda t: t[2][0])
    merged: list[tuple[float, float, list[float]]] = []
    for t in tables:
        if merged and set(t[2]) & set(merged[-1][2]):
            a = merged[-1]
            merged[-1] = (min(a[0], t[0]), max(a[1], t[1]), sorted(set(a[2]) | set(t[2])))
        else:
            merged.append(t)
    # a rule that stops short at a merged group cell (项目 of a rubric, 方面 of a task list) still
    # parts two rows of the table around it
    inner = []
    for i, (x0, x1, ys) in enumerate(merged):
        around = next((t for j, t in enumerate(merged) if j != i and t[0] - 8 <= x0 and x1 <= t[1] + 8
                       and t[2][0] < ys[0] and ys[-1] < t[2][-1]), None)
        if around is not None:
            around[2][:] = sorted(set(around[2]) | set(ys))
            inner.append(i)
    return [t for i, t in enumerate(merged) if i not in inner and len(t[2]) >= 2]


def table_rows(doc: Document) -> list[Finding]:
    """No page holds a single row of a table that goes on across the page break, unless the
    row and its neighbour could not share a page at all."""
    out = []
    for k in range(1, len(doc.pages)):
        before, after = _tables(doc.pages[k - 1]), _tables(doc.pages[k])
        if not before or not after:
            continue
        ending, starting = before[-1], after[0]
        lines_after_end = [line for line in content_lines(doc.pages[k - 1])
                           if doc.pages[k - 1].top(line[0].y) > ending[2][-1] + 2]
        lines_before_start = [line for line in content_lines(doc.pages[k])
                              if doc.pages[k].top(line[0].y) < starting[2][0] - 2]
        if lines_after_end or lines_before_start or abs(ending[0] - starting[0]) > 8:
            continue
        # a repeated header row reads the same as the first row of the part before the break
        header = _row_text(doc.pages[k], starting, 0)
        head = 1 if header and header == _row_text(doc.pages[k - 1], ending, 0) else 0
        rows_after, rows_before = starting[2][head:], ending[2]
        if len(rows_after) == 2:  # one row after the break
            lone, previous = rows_after[1] - rows_after[0], rows_before[-1] - rows_before[-2]
            out.append(_one_row(k + 1, "表格跨页后本页只剩一行", previous + lone > TYPE_BOTTOM - rows_after[0] + 1))
        if len(rows_before) - 1 - head == 1:  # one row before it
            lone, following = rows_before[-1] - rows_before[-2], rows_after[1] - rows_after[0] if len(rows_after) > 1 else 0
            out.append(_one_row(k, "表格在本页末只有一行，其余在下一页", lone + following > TYPE_BOTTOM - rows_before[-2] + 1))
    return out


def _one_row(page: int, what: str, unavoidable: bool) -> Finding:
    """A page holding one row of a table; only a warning when the row and its neighbour are
    together taller than the page can hold (rows never split: nothing else could be done)."""
    if unavoidable:
        return Finding("表格跨页", page, what + "（相邻两行合计高于一页，无法同页）", warning=True)
    return Finding("表格跨页", page, what)


def _row_text(page: Page, table, row: int) -> str:
    top, bottom = table[2][row], table[2][row + 1]
    return "".join(g.char for g in sorted(page.glyphs, key=lambda g: (-round(g.y), g.x))
                   if g.char.strip() and top < page.top(g.y) < bottom and table[0] <= g.x <= table[1])


def figures(doc: Document) -> list[Finding]:
    """Every 图N caption stands under its picture, on the same page."""
    out = []
    for k, page in enumerate(doc.pages, 1):
        for line in content_lines(page):
            text = _text(line)
            if re.match(r"^图\d+", text) and len(text) < 40:
                top = page.top(line[0].y + line[0].size)
                if not any(0 <= top - page.top(i.y0) <= 3 * LINE for i in page.images
                           if not i.name.startswith("/DocgenSeal")):
                    out.append(Finding("图表", k, f"“{text[:12]}”上方没有图"))
    return out


def seals(doc: Document) -> list[Finding]:
    """Each seal shows the image the manifest names, lies inside the type area over its own
    party's name, and touches no other seal, page number or line for a handwritten
    signature (7.3.5.1)."""
    out = []
    for seal in doc.seals:
        k = seal.page + 1
        page = doc.pages[seal.page]
        x0, y0, x1, y1 = seal.box
        drawn = [i for i in page.images if abs(i.x0 - x0) < 1 and abs(i.y0 - y0) < 1]
        if not drawn or drawn[0].name != f"/DocgenSeal{seal.digest}":
            out.append(Finding("印章", k, f"{seal.party}的印章图片与 manifest 所记不符"))
        if x0 < TYPE_LEFT - 0.5 or x1 > TYPE_RIGHT + 0.5 or page.top(y1) < TYPE_TOP - 0.5 or page.top(y0) > TYPE_BOTTOM + 0.5:
            out.append(Finding("印章", k, f"{seal.party}的印章超出版心"))
        name = _reading_order([g for g in page.glyphs if g.char.strip() and _inside(seal.name_box, g.x + g.width / 2, g.y)])
        cx, cy = (seal.name_box[0] + seal.name_box[2]) / 2, (seal.name_box[1] + seal.name_box[3]) / 2
        if name.replace("\u3000", "") != seal.party.replace(" ", "").replace("\u3000", "") or not _circle_hits(seal.box, cx, cy, cx, cy):
            out.append(Finding("印章", k, f"{seal.party}的印章没有压在其署名上（署名处为“{name}”）"))
        elif abs((x0 + x1) / 2 - cx) > 3:
            out.append(Finding("印章", k, f"{seal.party}的印章偏离署名中线 {abs((x0 + x1) / 2 - cx):.0f} 磅（应居中下压署名）"))
        for other in doc.seals[doc.seals.index(seal) + 1:]:
            if other.page == seal.page and _circles_meet(seal.box, other.box):
                out.append(Finding("印章", k, f"{seal.party}与{other.party}的印章相交或相切"))
        number = page_number_line(page)
        if number and any(_circle_hits(seal.box, *_glyph_box(g)) for g in number):
            out.append(Finding("印章", k, f"{seal.party}的印章压在页码上"))
        for line in content_lines(page):
            if "签字" in _text(line) and any(_circle_hits(seal.box, *_glyph_box(g)) for g in line):
                out.append(Finding("印章", k, f"{seal.party}的印章压在签字处“{_text(line)[:10]}”上"))
    return out + _seals_and_body(doc)


LABEL = re.compile(r"（盖章）|（签字）|签字：|盖章：|确认：")
"""Lines of a signature area between the body and the seals (甲方（盖章）：, 负责人（签字）：)."""


def _signature_lines(doc: Document, page: int) -> set[float]:
    """The baselines of the page's lines that print signers' names and dates."""
    out: set[float] = set()
    for cell in signed_cells(doc):
        if cell.signature.page == page:
            out.update(round(line[0].y, 1) for line in cell.name_lines + cell.date_glyphs)
    return out


def _seals_and_body(doc: Document) -> list[Finding]:
    """No seal covers body text, and the first row's seals stand within one line below the
    body or 附件说明 (GB/T 9704 7.3.5.1: 印章顶端应当上距正文（或附件说明）一行之内)."""
    out = []
    by_page: dict[int, list[Seal]] = {}
    for seal in doc.seals:
        by_page.setdefault(seal.page, []).append(seal)
    for index, seals_here in by_page.items():
        page, k = doc.pages[index], index + 1
        signing = _signature_lines(doc, index)
        named = [s.name_box for s in seals_here]
        lines = [line for line in content_lines(page) if not any(abs(line[0].y - y) < 2 for y in signing)
                 and not any(_inside(box, g.x + g.width / 2, g.y) for box in named for g in line)]
        first_row = max(s.box[3] for s in seals_here)
        for seal in seals_here:
            top = seal.box[3]
            covered = [line for line in lines if not LABEL.search(_text(line))
                       and any(_circle_hits(seal.box, *_glyph_box(g)) for g in line)]
            for line in covered:
                out.append(Finding("印章", k, f"{seal.party}的印章压住正文“{_text(line)[:12]}”"))
            if covered or top < first_row - 2:
                continue
            above = [line for line in content_lines(page) if min(g.y - 0.15 * g.size for g in line) > top - 1]
            if not above:
                continue
            nearest = min(above, key=lambda line: min(g.y - 0.15 * g.size for g in line))
            gap = min(g.y - 0.15 * g.size for g in nearest) - top
            body = nearest in lines and not LABEL.search(_text(nearest))  # not a row of seals above this one
            if body and gap > LINE + 2:
                out.append(Finding("印章", k, f"{seal.party}的印章顶端距正文 {gap / LINE:.1f} 行（应在一行之内）"))
    return out


def drafts(doc: Document) -> list[Finding]:
    """A sealed document holds no draft text or placeholder."""
    if not doc.seals:
        return []
    out = []
    for k, page in enumerate(doc.pages, 1):
        text = "".join(_text(line) for line in page.lines())
        found = [d for d in DRAFT if d in text]
        if found:
            out.append(Finding("草稿", k, f"已盖章的文件中有“{found[0]}”"))
    return out


def signer_names(doc: Document) -> list[Finding]:
    """A signer's name stands on one or two lines of its cell, at 三号 unless it needs more
    than two lines at that size (GB/T 9704 7.3.5.1: 署名 set so that each seal presses its own
    unit's name; 5.2.2: 三号)."""
    out = []
    for cell in signed_cells(doc):
        k, party = cell.signature.page + 1, cell.signature.party
        if len(cell.name_lines) >= 3:
            out.append(Finding("署名", k, f"“{party}”的署名排成了 {len(cell.name_lines)} 行（最多两行）"))
            continue
        glyphs = [g for line in cell.name_lines for g in line]
        size = min((g.size for g in glyphs), default=16.0)
        if glyphs and size < 15.9:
            at_full = sum(g.width for g in glyphs) * 16 / size
            if at_full <= 1.85 * (cell.signature.box[2] - cell.signature.box[0]):
                out.append(Finding("署名", k, f"“{party}”的署名缩小为 {size:g} 磅，而三号字两行即可排下"))
    return out


def signing_dates(doc: Document) -> list[Finding]:
    """A date is never split across lines, and where the parties of one page date their
    signatures each has its date; one filled-in date under the last party is the 成文日期 of a
    joint document (GB/T 9704 7.3.5.1: 最后一个印章端正、居中下压发文机关署名和成文日期)."""
    out = []
    cells = signed_cells(doc)
    for cell in cells:
        if cell.date_lines > 1:
            out.append(Finding("成文日期", cell.signature.page + 1,
                               f"“{cell.signature.party}”的日期“{cell.date}”被分在两行"))
    pages: dict[int, list[SignedCell]] = {}
    for cell in cells:
        pages.setdefault(cell.signature.page, []).append(cell)
    for page, group in pages.items():
        dated = [c for c in group if c.date]
        if not dated or len(dated) == len(group):
            continue
        shared = len(dated) == 1 and dated[0] is group[-1] and FULL_DATE.search(dated[0].date) is not None
        if not shared:
            missing = "、".join(f"“{c.signature.party}”" for c in group if not c.date)
            out.append(Finding("成文日期", page + 1, f"{missing}没有日期，而同页其他签署单位有日期"))
    return out


def marks_printed(doc: Document) -> list[Finding]:
    """Every punctuation mark of the Word file is printed: none lost in converting (a mark hung
    past a full line that the converter did not draw). Each lost mark is pointed out on its
    page, by the words around it, where its paragraph's text shows them; the rest under the
    whole document."""
    if doc.marks is None:
        return []
    counts = doc.marks.counts
    printed = Counter(g.char for page in doc.pages for g in page.glyphs if g.char in counts)
    lost = {mark: n - printed[mark] for mark, n in counts.items() if printed[mark] < n}
    if not lost:
        return []
    out = []
    for mark, page, words in _lost_marks(doc, lost):
        out.append(Finding("标点", page, f"“…{words}…”处少了“{mark}”（转换时没有印出）"))
        lost[mark] -= 1
    said = "、".join(f"“{mark}”{n} 个" for mark, n in sorted(lost.items()) if n > 0)
    if said:
        out.append(Finding("标点", 0, f"Word 文件中的标点在 PDF 中少了：{said}（转换时没有印出）"))
    return out


MARK_CONTEXT = 6
"""Characters on each side of a mark that say where it stands (in the Word paragraph and as printed)."""


def _lost_marks(doc: Document, lost: dict[str, int]) -> list[tuple[str, int, str]]:
    """Where the ``lost`` marks stood (at most as many of each): the mark, the page (1-based)
    and the words around it, for each mark of a Word paragraph whose words are printed without
    it, and not with it. Spaces are not drawn, and lines are read joined (a mark hung at a
    line's end is lost between two lines)."""
    if doc.marks is None:
        return []
    texts = ["".join(_text(line) for line in content_lines(page)) for page in doc.pages]
    starts = [0]
    for text in texts:
        starts.append(starts[-1] + len(text))
    joined = "".join(texts)
    left = dict(lost)
    out = []
    for paragraph in doc.marks.paragraphs:
        text = "".join(paragraph.split())
        for i, mark in enumerate(text):
            if left.get(mark, 0) <= 0:
                continue
            before, after = text[max(0, i - MARK_CONTEXT):i], text[i + 1:i + 1 + MARK_CONTEXT]
            if len(before) + len(after) < 4 or before + mark + after in joined:
                continue
            at = joined.find(before + after)
            if at < 0:
                continue
            # the page of the words before it (a mark hung at the end of a page's last line)
            page = max(k for k, start in enumerate(starts[:-1]) if start <= at + max(len(before) - 1, 0)) + 1
            out.append((mark, page, before + after))
            left[mark] -= 1
    return out


RULES: list[tuple[str, Callable[[Document], list[Finding]]]] = [
    ("纸张", paper), ("版心", type_area), ("正文", body_text), ("页码", page_numbers), ("标题", headings),
    ("标题断行", title_breaks), ("版头", red_head), ("版记", colophon), ("字体", fonts), ("字体字号", faces),
    ("空白页", blank_pages), ("签署页", signature_pages), ("附件说明", lone_notes), ("签署移页", signature_moved), ("半页空白", half_empty),
    ("填写线", fill_lines), ("空白日期", blank_dates), ("孤立标题", stranded), ("表格跨页", table_rows), ("图表", figures),
    ("印章", seals), ("署名", signer_names), ("成文日期", signing_dates), ("草稿", drafts), ("标点", marks_printed),
]
