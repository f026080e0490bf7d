"""A duty's words and its counted fields say the same thing.

A commitment carries the sentence as the plan words it (``text``, printed) and the fields
the annual summary counts with (``per``, ``times``, ``people`` …, never printed). The two
must agree: every number of the fields is in the sentence, and the sentence names the
commitment's period and no other (每年 is not 每学年, 每学期 is not 每学年). An indicator's
``text`` must hold its target.
"""
from __future__ import annotations

import re

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")

PERIOD_WORDS: dict[str, tuple[str, ...]] = {
    "week": ("每周", "周"),
    "month": ("每月", "月"),
    "quarter": ("每季度", "季度"),
    "term": ("每学期", "学期"),
    "school_year": ("每学年", "学年"),
    "year": ("每年", "年度", "全年"),
}
"""Words that name each period in a sentence; the first, with 每, names it as a repetition."""


def cn_value(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23, 一百零五 → 105; None if not a numeral."""
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text``, in Arabic or Chinese numerals."""
    found = {float(m.group()) for m in _ARABIC.finditer(text)}
    for m in _CN_NUMBER.finditer(text):
        value = cn_value(m.group())
        if value is not None:
            found.add(float(value))
    return found


def period_problem(text: str, per: str) -> str:
    """Why ``text`` does not name the period ``per``, or ""."""
    others = [words[0] for key, words in PERIOD_WORDS.items() if key != per and words[0] in text]
    own = PERIOD_WORDS.get(per, ())
    if per == "school_year":  # 每学年 holds no 每年, but 每年 in the text means a calendar year
        others = [w for w in others if w != "每学期" or "每学期" in text]
    if others:
        return f"原话写的是“{others[0]}”，与计数周期 per: {per} 不一致（{'、'.join(own[:1]) or '帮扶期内'}）"
    if own and not any(w in text for w in own):
        return f"原话中没有写周期“{own[0]}”，与计数周期 per: {per} 不一致"
    return ""


COUNTED = (("times", "次数"), ("subjects", "学科数"), ("people", "人数"), ("person_times", "人次"),
           ("days", "天数"), ("tenure_years", "每人时长"))


def commitment_problems(commitment) -> list[tuple[str, str]]:
    """(field, why) for each way a commitment's ``text`` disagrees with its counted fields."""
    text = commitment.text
    if not text:
        return []
    out = []
    why = period_problem(text, commitment.per.value if commitment.per else "")  # 定期: no period word at all
    if why:
        out.append(("text", why))
    written = numbers_in(text)
    for field, label in COUNTED:
        value = getattr(commitment, field, None)
        if value is not None and float(value) not in written:
            out.append(("text", f"原话中没有{label} {value:g}（{field}: {value:g}）：原话与计数字段应一致"))
    return out


def indicator_problem(indicator) -> str:
    if indicator.text and float(indicator.target) not in numbers_in(indicator.text):
        return f"原话中没有目标值 {indicator.target:g}（target: {indicator.target:g}）：原话与计数字段应一致"
    return ""
