"""Chinese text: dates, numbers, ordinals, widths and character sets.

Used by the document contexts and, as Jinja filters (``render.filters``), by templates.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

_DIGITS = "零一二三四五六七八九"


BLANK_DATE = "　　　　年　　月　　日"


def cn_date(value: dt.date | None, blank: bool = False) -> str:
    """2022年11月30日: Arabic numerals, full year, no zero padding (GB/T 9704 7.3.5.4).

    With ``blank=True`` a missing date becomes a form to fill in by hand.
    """
    if value is None:
        return BLANK_DATE if blank else ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(day: dt.date) -> str:
    """2025年12月 — a month as a reader writes it, never 2025-12."""
    return f"{day.year}年{day.month}月"


def school_year(start_year: int) -> str:
    """2022—2023学年 (em dash, as the glossary writes it)."""
    return f"{start_year}—{start_year + 1}学年"


def cn_num(n: int) -> str:
    """Small integers in Chinese: 3 → 三, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五."""
    n = int(n)
    if n < 0:
        return "负" + cn_num(-n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + cn_num(rest) if rest < 10 else
                                     ("一" + cn_num(rest) if rest < 20 else cn_num(rest)))
        return _DIGITS[n // 100] + "百" + tail
    return str(n)


def cn_count(n: int) -> str:
    """A count before a measure word: 两对, 三对, 十二对 (two is 两, not 二)."""
    return "两" if int(n) == 2 else cn_num(n)


def ordinal(n: int) -> str:
    """First-level heading number: 一、"""
    return f"{cn_num(n)}、"


def paren_ordinal(n: int) -> str:
    """Second-level heading number: （一）"""
    return f"（{cn_num(n)}）"


def number(value: float | int) -> str:
    """A count or score without a useless .0: 10.0 → 10, 7.5 → 7.5."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def paren(text: str) -> str:
    """（此件主动公开）: full-width parentheses, added once."""
    text = text.strip()
    if not text:
        return ""
    text = re.sub(r"^[（(]|[）)]$", "", text)
    return f"（{text}）"


def join(items, sep: str = "、") -> str:
    return sep.join(str(i) for i in items if str(i))


def display_width(text: str) -> float:
    """Width in Chinese characters: full-width counts 1, half-width ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def center_over(upper: str, lower: str) -> tuple[str, str]:
    """Pad two right-aligned lines so that ``upper`` sits centred over ``lower`` (署名 over 成文日期).

    GB/T 9704 7.3.5.1 centres the issuing organ's name over the date; with both lines
    right-aligned, full-width spaces after the shorter one move its centre left.
    """
    gap = display_width(lower) - display_width(upper)
    pad = "\u3000" * int(round(abs(gap) / 2))
    return (upper + pad, lower) if gap > 0 else (upper, lower + pad)


def outside_gb2312(text: str) -> list[str]:
    """Hanzi in ``text`` that GB2312 lacks: an office PC's 仿宋_GB2312 cannot show them and the
    PDF falls back to another face for them (e.g. 喆 堃 珺 玥 昇 镕)."""
    out = []
    for ch in text:
        if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f":
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                if ch not in out:
                    out.append(ch)
    return out


def words(text: str) -> list[str]:
    """``text`` cut into words (jieba's dictionary, no guessing of unknown words)."""
    return list(_cut(text)) if text else []


@functools.lru_cache(maxsize=8192)
def _cut(text: str) -> tuple[str, ...]:
    """``words`` of ``text``, cut once per process: the same names and titles are cut again
    for every document of a pairing, for each of its lines in the preflight, and on every run
    of the workspace (jieba's cut walks the dictionary in Python: 0.1-1 ms a title; a few
    thousand entries of short text are at most a few MB)."""
    from .dictionary import tokenizer

    return tuple(w for w in tokenizer().cut(text, HMM=False) if w)


def glued_words(text: str) -> list[str]:
    """``words`` with each run of single characters the dictionary does not know as words
    glued into one: that is how a proper name looks to it (石|脑 → 石脑, 䶮|溪|乡 → 䶮溪乡)."""
    out: list[str] = []
    loose = False
    for word in words(text):
        single = len(word) == 1 and _HAN.match(word) is not None and word not in _PARTICLES
        if out and ((single and loose) or (word in _PLACE_SUFFIXES and _HAN.match(out[-1][-1]))):
            out[-1] += word  # 石|脑 → 石脑; 西川|县 → 西川县
        else:
            out.append(word)
        loose = single
    return out


def breaks_word(before: str, after: str, names: tuple[str, ...] = ()) -> str | None:
    """The word a line break between ``before`` and ``after`` cuts in two, if it does: one of
    ``names``, a dictionary word, a run of characters the dictionary does not know (a proper
    name: 高安市石|脑中学) or a place name and its 县/市/区 (西川|县); a break between the two
    dictionary words of a compound (中学|教师) is allowed."""
    text, cut = before + after, len(before)
    for name in names:
        for m in re.finditer(re.escape(name), text):
            if m.start() < cut < m.end():
                return name
    at = 0
    for word in glued_words(text):
        if at < cut < at + len(word) and not _compound(word, cut - at):
            return word
        at += len(word)
    return None


def _compound(word: str, at: int) -> bool:
    """Whether ``word`` is two dictionary words joined at ``at`` (中学|教师), which a line may
    break between."""
    from .dictionary import tokenizer

    return min(at, len(word) - at) > 1 and all(tokenizer().FREQ.get(w) for w in (word[:at], word[at:]))


_HAN = re.compile(r"^[\u3400-\u9fff]+$")
_PLACE_SUFFIXES = set("省市县区镇乡村")
"""A place name's last character, which stays with the name before it."""
_PARTICLES = set("与和及的之对于在为以并或暨")
