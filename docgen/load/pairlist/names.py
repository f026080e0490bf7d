"""School names that look like one name mistyped: 龙谭镇初级中学 beside 龙潭镇中心小学.

Chinese is typed through a pinyin input method, so the usual slip is a character with the same
sound (谭 for 潭), not a neighbouring key. Two names are "near" when they differ in one
character and the two characters sound the same (tones aside): the whole names (龙谭镇初级中学,
龙潭镇初级中学), or the place names they start with (龙谭镇 in one, 龙潭镇 in another school of
the same town). Names that differ in a character of another sound (城关一小, 城关二小; 初级中学,
高级中学) are different schools and are never flagged.
"""
from __future__ import annotations

import functools
import os
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ...errors import Problem
from .groups import SheetPairing, SheetSchool

_PLACE_END = "乡镇县市区村旗"
_PLACE_SEARCH = 8
"""A place name ends at one of these characters within the first few of a school's name."""


_IMPORTING = threading.Lock()


@functools.cache
def _reader() -> Callable[[str], list[list[str]]]:
    """pypinyin's every reading of one character, tones aside. pypinyin is imported without its
    dictionary of phrases (its ``PYPINYIN_NO_PHRASES``, set only while it is imported): only
    single characters are read here, which no phrase changes (checked over each of the 41,000
    characters of its dictionary: the same readings), and the phrases took about 44 MB and
    190,000 objects of every process that checked a pair list, the workspace's included."""
    with _IMPORTING:
        before = os.environ.get("PYPINYIN_NO_PHRASES")
        os.environ["PYPINYIN_NO_PHRASES"] = "1"
        try:
            from pypinyin import Style, pinyin
        finally:
            if before is None:
                del os.environ["PYPINYIN_NO_PHRASES"]
            else:
                os.environ["PYPINYIN_NO_PHRASES"] = before
    return functools.partial(pinyin, style=Style.NORMAL, heteronym=True, errors="ignore")


@functools.lru_cache(maxsize=8192)
def _sounds(ch: str) -> frozenset[str]:
    readings = _reader()(ch)
    return frozenset(readings[0]) if readings else frozenset()  # none for a digit, a letter, a sign


def homophones(a: str, b: str) -> bool:
    """Whether two different characters can be read the same (tones aside)."""
    return a != b and bool(_sounds(a) & _sounds(b))


def place_of(name: str) -> str:
    """The place name a school's name starts with: 龙潭镇 of 龙潭镇中心小学, "" when none."""
    for i, ch in enumerate(name[:_PLACE_SEARCH]):
        if i >= 1 and ch in _PLACE_END:
            return name[:i + 1]
    return ""


@dataclass(frozen=True)
class Near:
    """Two names that look like one name mistyped."""

    name: str
    other: str
    part: str
    """The word that differs, as in ``name`` (the whole name, or its place name)."""
    other_part: str
    typed: str
    """The differing character in ``name``."""
    other_typed: str

    @property
    def whole(self) -> bool:
        return self.part == self.name

    def describe(self, other_place: str = "") -> str:
        """In Chinese: “龙谭镇初级中学”中的“龙谭镇”与（D5）“龙潭镇中心小学”中的“龙潭镇”读音相同、只差一个字."""
        where = f"{other_place}“{self.other}”" if self.whole else f"{other_place}“{self.other}”中的“{self.other_part}”"
        mine = "" if self.whole else f"中的“{self.part}”"
        return f"“{self.name}”{mine}与{where}读音相同、只差一个字（{self.typed}/{self.other_typed}）"


def _one_sound_apart(words: set[str]) -> list[tuple[str, str, int]]:
    """Pairs of words of the same length that differ in one character of the same sound."""
    buckets: dict[tuple[int, str], list[str]] = defaultdict(list)
    for word in sorted(words):
        for i in range(len(word)):
            buckets[(i, word[:i] + "\0" + word[i + 1:])].append(word)
    out = []
    for (i, _), group in buckets.items():
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                a, b = group[x], group[y]
                if homophones(a[i], b[i]):
                    out.append((a, b, i))
    return out


def near_names(names: list[str]) -> list[Near]:
    """Every pair of ``names`` that looks like one name mistyped, each pair once (both orders
    are not given: ``name`` sorts before ``other``)."""
    unique = set(names)
    found: dict[tuple[str, str], Near] = {}
    for a, b, i in _one_sound_apart(unique):
        found[(a, b)] = Near(a, b, a, b, a[i], b[i])
    places: dict[str, list[str]] = defaultdict(list)
    for name in sorted(unique):
        if place_of(name):
            places[place_of(name)].append(name)
    for pa, pb, i in _one_sound_apart(set(places)):
        for a in places[pa]:
            for b in places[pb]:
                key = (a, b) if a < b else (b, a)
                if key not in found:
                    found[key] = Near(a, b, pa, pb, pa[i], pb[i]) if a < b else Near(b, a, pb, pa, pb[i], pa[i])
    return [found[k] for k in sorted(found)]


def _corrected(near: Near) -> str:
    """``near.name`` written with the other spelling: 龙谭镇初级中学 -> 龙潭镇初级中学."""
    return near.other if near.whole else near.other_part + near.name[len(near.part):]


def near_name_warnings(sheet: list[SheetPairing], staying: dict[str, str]) -> list[Problem]:
    """Warnings for the school names of a pair list (``SheetPairing`` list) that look like
    another name mistyped: another name of the same list, or a school of a pairing file the
    import keeps (``staying``: name -> the file, as the user reads it).

    Within the list, the spelling used less often is the one flagged, with the other as the
    suggestion; when both are used as often, the later cell is flagged and names the earlier
    one, and the clerk is asked which is right."""
    first: dict[str, SheetSchool] = {}
    for sp in sheet:
        for school in sp.schools:
            first.setdefault(school.name, school)
    words: dict[str, int] = defaultdict(int)
    for name in first:
        words[name] += 1
        if place_of(name):
            words[place_of(name)] += 1
    out: list[Problem] = []
    for near in near_names([*first, *(n for n in staying if n not in first)]):
        for mine, theirs in ((near, _flip(near)), (_flip(near), near)):
            if mine.name not in first:
                continue
            school = first[mine.name]
            if theirs.name not in first:
                out.append(school.where.problem(f"{mine.describe()}（原有的“{theirs.name}”在 {staying[theirs.name]} 中）："
                                                f"您是不是想写“{_corrected(mine)}”？如确实是另一所学校，可忽略此提醒"))
                break
            other = first[theirs.name]
            if words[mine.part] < words[theirs.part]:
                out.append(school.where.problem(f"{mine.describe()}，而“{theirs.part}”在表中出现 {words[theirs.part]} 次："
                                                f"您是不是想写“{_corrected(mine)}”？"))
                break
            if words[mine.part] == words[theirs.part] and (school.where.row, school.where.col) > (other.where.row, other.where.col):
                out.append(school.where.problem(f"{mine.describe(other.where.sheet.place(other.where.row, other.where.col))}："
                                                f"两处是不是同一个{'学校' if mine.whole else '地名'}而有一处写错了？请核对后统一"))
                break
    return out


def _flip(near: Near) -> Near:
    return Near(near.other, near.name, near.other_part, near.part, near.other_typed, near.typed)
