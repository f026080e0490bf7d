"""YAML syntax errors in a clerk's words: every one in Chinese, at its line, with what to do.

The parsers (libyaml's and PyYAML's) describe an error by its grammar (``expected <block
end>, but found '?'``); here it becomes what went wrong on the page (this line is indented
three spaces, the others of its level two) and how to fix it. Tabs are found all at once:
each tab the parser rejects is reported on its line, told apart by where it stands (at the
start of a line it is indentation; at the end it is an invisible character to delete).
"""
from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from ..errors import Problem

MAX_TABS = 50
"""Tabs reported one by one; past this many the message says to replace them all."""


def _line(text: str, number: int) -> str:
    lines = text.split("\n")
    return lines[number] if 0 <= number < len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line):
        start = text.index("\n", start) + 1
    return start + column


def _tab_message(line: str, column: int) -> str:
    before, after = line[:column], line[column + 1:]
    if not before.strip(" \t") and not after.strip(" \t"):
        return "这一行看起来是空行，但其中有 Tab 字符：请删除这一行中的所有空白（或整行删除）"
    if not before.strip(" \t"):
        return "行首用了 Tab 键缩进：YAML 只能用空格缩进，请把这一行开头的 Tab 换成空格，与同一层的其他行左对齐"
    if not after.strip(" \t"):
        return "行末有一个看不见的 Tab 字符：请把光标移到这一行末尾，删除最后的空白"
    return "这里有一个 Tab 字符：请换成一个空格（键的冒号后面、“- ”后面都只能用空格）"


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """Lines that are the text of a ``|`` or ``>`` block, where a tab is text, not indentation."""
    inside, key_indent, out = False, 0, set()
    for number, line in enumerate(lines):
        if inside:
            if not line.strip() or _indent(line.replace("\t", " ")) > key_indent:
                out.add(number)
                continue
            inside = False
        if re.search(r"(:|^\s*-)\s+[|>][-+0-9]*\s*(#.*)?$", line):
            inside, key_indent = True, _indent(line)
    return out


def tab_problems(text: str, name: str, compose: Callable[[str], None]) -> list[Problem]:
    """Every tab the parser rejects, each on its line. ``compose`` parses a text and raises
    the parser's error; each rejected tab is replaced by a space and the text parsed again,
    so tabs that come after the first are found too (at most ``MAX_TABS``). Once the parse
    stops at something else (the replaced indentation no longer lines up), the rest of the
    lines indented with a tab are added: a tab in indentation is always an error."""
    chars = list(text)
    found: dict[int, Problem] = {}
    lines = text.split("\n")
    while len(found) <= MAX_TABS:
        try:
            compose("".join(chars))
            break
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = _line(text, mark.line) if mark is not None else ""
            if mark is None or "\t" not in line or not ("tab" in str(exc.problem) or "\\t" in str(exc.problem)
                                                        or line[mark.column:mark.column + 1] == "\t"):
                break
            column = mark.column if line[mark.column:mark.column + 1] == "\t" else line.find("\t")
            found.setdefault(mark.line, Problem(name, mark.line + 1, column + 1, "", _tab_message(line, column)))
            chars[_offset(text, mark.line, column)] = " "
    if found:
        text_lines = _block_scalar_lines(lines)
        for number, line in enumerate(lines):
            lead = line[:len(line) - len(line.lstrip(" \t"))]
            if "\t" in lead and line.strip() and number not in found and number not in text_lines:
                found[number] = Problem(name, number + 1, lead.index("\t") + 1, "", _tab_message(line, lead.index("\t")))
    out = [found[k] for k in sorted(found)]
    if len(out) > MAX_TABS:
        out = out[:MAX_TABS] + [Problem(name, out[MAX_TABS].line, 1, "", f"还有更多 Tab 字符（超过 {MAX_TABS} 处）："
                                                                      "请在编辑器中用“替换”把全部 Tab 换成两个空格后再检查")]
    return out


# ------------------------------------------------------------------ one syntax error

_QUOTE_HINT = "值里有特殊字符时，请给整个值加引号（如 name: '@某某' 或 name: \"某某：说明\"）"


def _indentation(exc, text: str, item: bool) -> str:
    """A line that is indented unlike every level above it: say how far each level is indented."""
    mark, context = exc.problem_mark, exc.context_mark
    here = _indent(_line(text, mark.line))
    first = context.line if context is not None and context.line < mark.line else max(0, mark.line - 5)
    levels = sorted({_indent(ln) for ln in text.split("\n")[first:mark.line]
                     if ln.strip() and not ln.lstrip().startswith("#")})
    what = "列表项“- ”" if item else "键"
    above = "、".join(str(n) for n in levels)
    if here in levels or not levels:
        return (f"缩进不一致：这一行缩进了 {here} 个空格，与它应属的那一层对不齐。同一层的{what}必须左对齐，"
                "请检查这一行和上一行的缩进（只能用空格，不能用 Tab）")
    return (f"缩进不一致：这一行缩进了 {here} 个空格，而上面几行各层的缩进是 {above} 个空格，没有一层是 {here} 个。"
            f"同一层的{what}必须左对齐：请改成与它同一层的{what}相同的缩进（只能用空格，不能用 Tab）")


# (words in the parser's message, what it means for a clerk). The first that matches wins;
# a callable gets the error and the text.
_RULES: list[tuple[tuple[str, ...], str | Callable[[yaml.MarkedYAMLError, str], str]]] = [
    (("found unknown escape character",), "双引号内有无法识别的转义符“\\”（如文件路径 C:\\文件）：请改用单引号，或把“\\”写成“/”"),
    (("expected escape sequence", "hexdecimal", "hexadecimal", "Unicode character escape"),
     "双引号内的“\\”转义写法不对：请改用单引号，或删除反斜杠“\\”"),
    (("while scanning a quoted scalar", "while scanning a double-quoted scalar", "while scanning a single-quoted scalar",
      "found unexpected end of stream"), "引号没有成对：从这里开始的引号直到文件末尾都没有闭合，请补上另一半引号（中英文引号不能混用）"),
    (("found unexpected document separator", "found unexpected document indicator"),
     "引号中间出现了“---”或“...”（被当作文件分隔符）：请检查引号是否成对"),
    (("expected a single document", "but found another document"), "一个文件只能有一个 YAML 文档：请删除多余的“---”"),
    (("expected '<document start>'", "did not find expected <document start>"),
     "这里多出了内容：可能是多余的“---”“...”之后还有文字，或某一行缩进不对，请删除多余的行或检查缩进"),
    (("found undefined alias", "while scanning an alias", "while scanning an anchor", "found duplicate anchor"),
     "以“*”或“&”开头的值有特殊含义（YAML 别名、锚点），不支持：" + _QUOTE_HINT),
    (("tag",), "以“!”开头的值有特殊含义（YAML 标签），不支持：" + _QUOTE_HINT),
    (("directive", "incompatible YAML document"), "以“%”开头的行有特殊含义（YAML 指令），不支持：请删除这一行，或" + _QUOTE_HINT),
    (("while scanning a block scalar", "chomping", "indentation indicator"),
     "“|”或“>”后面只能直接换行：请把内容写在下一行，并比键多缩进两个空格"),
    (("expected ',' or ']'", "did not find expected ',' or ']'"), "方括号列表没有正确闭合：每项之间用英文逗号“,”隔开，最后以“]”结束"),
    (("expected ',' or '}'", "did not find expected ',' or '}'"), "花括号映射没有正确闭合：每项之间用英文逗号“,”隔开，最后以“}”结束"),
    (("invalid indentation or unclosed '[' or '{'",), "方括号或花括号没有闭合，或其中换行后的内容缩进不够：请检查“[”“{”是否都有对应的“]”“}”"),
    (("could not find expected ':'",), "缺少英文冒号“:”：键后面要写英文冒号加空格（如 name: 某某）；也可能是上一行的引号没有成对"),
    (("mapping values are not allowed",), "这里不能出现冒号：值里含有英文冒号时请给整个值加引号（如 note: '时间: 9:00'），"
                                          "否则请检查上一行的缩进或冒号后是否缺少空格"),
    (("sequence entries are not allowed",), "这里不能开始列表：列表项“- ”要写在键的下一行，并比键多缩进两个空格（如 recipients: 换行后写 "
                                            "  - name: 某某）"),
    (("mapping keys are not allowed", "found unexpected ':'"), "行首的“?”或“:”有特殊含义：" + _QUOTE_HINT),
    (("expected <block end>, but found '-'", "expected <block end>, but found '<block sequence start>'",
      "did not find expected '-' indicator"), lambda exc, text: _indentation(exc, text, item=True)),
    (("expected <block end>, but found '<scalar>'",),
     "这一行的文字放错了位置：可能是缩进不对，或键后面缺少英文冒号“:”（冒号后要有空格）；多行文字请写成一行或给整段加引号"),
    (("expected <block end>", "did not find expected key"), lambda exc, text: _indentation(exc, text, item=False)),
    (("expected the node content", "did not find expected node content"),
     "这里缺少值：冒号或“- ”后面应写内容；如果值以“[”“{”“,”等符号开头，请给整个值加引号"),
    (("found character", "cannot start any token"), "值不能以“@”或“`”等符号开头：" + _QUOTE_HINT),
    (("expected alphabetic or numeric character", "expected ' '", "did not find expected whitespace"),
     "这里的写法无法识别：冒号“:”和“- ”后面都要有一个空格；" + _QUOTE_HINT),
    (("expected a comment or a line break", "did not find expected comment or line break"),
     "这一行末尾多了内容：引号闭合后不能再写文字，注释要以“ #”开头"),
]

GENERIC = ("写法无法识别。常见原因：缩进不一致（同一层要左对齐，只能用空格）、键后面缺少英文冒号和空格、"
           "引号或括号没有成对。请对照上下几行检查")


def syntax_message(exc: Exception, text: str) -> str:
    """A parser's error (PyYAML's, libyaml's or ruamel's) as a Chinese message saying what to
    do; never the parser's English."""
    if getattr(exc, "problem_mark", None) is None:
        return "文件中有无法识别的字符或写法：" + GENERIC
    words = " ".join(filter(None, [getattr(exc, "context", None), getattr(exc, "problem", None)]))
    for needles, meaning in _RULES:
        if any(needle in words for needle in needles):
            return meaning(exc, text) if callable(meaning) else meaning  # type: ignore[arg-type]  # PyYAML's or ruamel's error: both have the marks a rule reads
    return GENERIC


ENGLISH = re.compile(r"\b(expected|found|while|scanning|parsing|block|mapping|token|character|document|stream|"
                     r"indicator|escape|alias|anchor|node|flow|sequence|scalar)\b", re.IGNORECASE)
"""Words of the parsers' messages: none of them reaches a user."""
