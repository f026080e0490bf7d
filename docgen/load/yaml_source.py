"""Raw YAML reading: safe, position-keeping, and strict about what a clerk can get wrong.

Every input file is read here. It turns a file into plain Python data
(dicts, lists, str, int, float, bool, date, None) plus a map from each node's path
(a tuple of keys and list indices) to its line and column, so that later stages can
point at the exact place of a problem.
"""
from __future__ import annotations

import datetime as dt
import errno
import marshal
import re
import sys
import threading
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, SourceError, display_path
from .yaml_syntax import syntax_message, tab_problems

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STANDARD_TAGS = {"tag:yaml.org,2002:" + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}

Loc = tuple[str | int, ...]

# Characters that are not allowed in XML 1.0 (and so cannot go into a .docx), plus
# DEL and the C1 range that sneak in when text is pasted from other programs.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")



class _AliasFound(Exception):
    def __init__(self, mark):
        self.mark = mark


class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


MAX_DEPTH = 50
"""Levels of nesting a data file may have; the deepest real file has about eight."""


_OWN_RESOLVERS = {"tag:yaml.org,2002:" + t for t in ("bool", "int", "float")}
"""Resolved here, more strictly than YAML 1.1: ``0536123`` (a phone number) is not octal and
``8:30`` is not 510 (base 60); both stay text."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no expansion bombs) and follows YAML 1.2 booleans.

    YAML 1.1 reads ``yes/no/on/off`` as booleans, so a rubric key ``no: 1`` or a remark
    ``否`` typed as ``no`` would silently change type; only ``true``/``false`` are booleans here.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _OWN_RESOLVERS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML API
        if self.check_event(AliasEvent):
            raise _AliasFound(self.peek_event().start_mark)
        if self.depth >= MAX_DEPTH:  # 100 000 "[" would exhaust Python's recursion
            raise _TooDeep(self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: the same rules on the pure-Python parser
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _FastLoader(_SafeLoader):
    """The same rules as ``_Loader`` on libyaml's C parser: about ten times faster on a
    bureau's hundreds of files. Anything it does not read cleanly is read again by
    ``_Loader``, whose messages and positions are the ones users see."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


C_DEPTH = 2000
"""The deepest a text may nest to go to the C composer, which recurses on the C stack and
crashes the process (not a RecursionError) somewhere past 10 000 levels."""


def _shallow(text: str) -> bool:
    """Whether ``text`` surely nests less than ``C_DEPTH``: its flow brackets, plus the most
    indentation and block markers on any line, bound the depth of every node."""
    flow = text.count("[") + text.count("{")
    # a line's indentation and markers never exceed its length: most files are decided by that
    if flow + max(map(len, text.splitlines()), default=0) < C_DEPTH:
        return True
    block = max((len(ln) - len(ln.lstrip(" ")) + ln.count("- ") + ln.count(": ") + ln.count("? ")
                 for ln in text.splitlines()), default=0)
    return flow + block < C_DEPTH


def _compose_fast(text: str) -> Node | None:
    """The node tree of ``text`` by the C parser, or None if it fails or uses an alias."""
    if not yaml.__with_libyaml__:
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return node if node is not None and not _aliased_or_deep(node) else None


def _aliased_or_deep(root: Node) -> bool:
    """Whether a node is reached twice (the C composer turns an alias into the anchored node) or
    lies deeper than ``MAX_DEPTH``: either way the Python reader reads it again and says where."""
    seen: set[int] = set()
    todo = [(root, 1)]
    while todo:
        node, depth = todo.pop()
        if id(node) in seen or depth > MAX_DEPTH:
            return True
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                todo += ((key, depth + 1), (value, depth + 1))
        elif isinstance(node, SequenceNode):
            todo += [(child, depth + 1) for child in node.value]
    return False


_COLUMN_BITS = 24


def _unpack(at: int | tuple[int, int]) -> tuple[int, int]:
    return at if isinstance(at, tuple) else (at >> _COLUMN_BITS, at & ((1 << _COLUMN_BITS) - 1))


class Positions(dict):
    """Place in a file -> (line, column), each stored as one int: half the memory of a tuple
    of two, and a workspace keeps the positions of every value of every file it loaded."""

    __slots__ = ()

    def __setitem__(self, loc: Loc, at: tuple[int, int]) -> None:
        line, col = at
        super().__setitem__(loc, line << _COLUMN_BITS | col if 0 <= col < 1 << _COLUMN_BITS and line >= 0 else at)

    def __getitem__(self, loc: Loc) -> tuple[int, int]:
        return _unpack(super().__getitem__(loc))

    def get(self, loc: Loc, default=None):
        at = super().get(loc)
        return default if at is None else _unpack(at)


class Packed(Mapping):
    """The positions of a file once it is read and checked, compressed: about 1 kB for a
    pairing's file, which as a ``Positions`` takes 19 kB. A loaded programme keeps the
    positions of every value of every file (for the problems found later, each phrase's
    origin, ``docgen explain``), about 30 MB at 1 000 pairings, in proportion to the pairings
    (issue 22). They are unpacked when asked for; the files asked for last stay unpacked."""

    __slots__ = ("_data", "_count")

    def __init__(self, values: dict[Loc, tuple[int, int]]):
        raw = dict(dict.items(values))  # as ``Positions`` holds them: (line, column) in one int
        self._data = zlib.compress(marshal.dumps(raw), 1)
        self._count = len(raw)

    def _open(self) -> Positions:
        global _LAST
        last = _LAST  # (one read of a global: no lock needed for it)
        if last[0] is self:  # most lookups follow one of the same file
            return last[1]
        with _UNPACKED_LOCK:  # the workspace reads positions from several threads
            found = _UNPACKED.pop(self, None)
            if found is None:
                found = Positions()
                dict.update(found, marshal.loads(zlib.decompress(self._data)))
            _UNPACKED[self] = found  # the most recently used last
            while len(_UNPACKED) > _UNPACKED_FILES:
                del _UNPACKED[next(iter(_UNPACKED))]
            _LAST = (self, found)
            return found

    def __getitem__(self, loc: Loc) -> tuple[int, int]:
        return self._open()[loc]

    def get(self, loc: Loc, default=None):
        return self._open().get(loc, default)

    def __contains__(self, loc: object) -> bool:
        return loc in self._open()

    def __iter__(self):
        return iter(self._open())

    def __len__(self) -> int:
        return self._count

    # equal by content, compared packed; hashable, so that the unpacked ones are found by it
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Packed):
            return self._data == other._data
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(self._data)


_UNPACKED: dict[Packed, Positions] = {}
_LAST: tuple[Packed | None, Positions] = (None, Positions())
_UNPACKED_LOCK = threading.Lock()
_UNPACKED_FILES = 32
"""How many files' positions stay unpacked: the documents of one pairing ask for its own
files' over and over, the bureau's documents for every pairing's once."""


@dataclass
class Source:
    """A YAML file read into plain data, remembering where each value came from."""

    path: Path
    data: Any
    values: Mapping[Loc, tuple[int, int]] = field(default_factory=Positions)
    """Where each value is: a ``Positions`` while the file is read and checked, then ``Packed``
    (``pack``)."""
    keys: dict[Loc, tuple[int, int]] = field(default_factory=Positions)
    problems: list[Problem] = field(default_factory=list)
    """Problems that did not stop parsing (duplicate keys, impossible dates, bad characters)."""
    broken: set[Loc] = field(default_factory=set)
    """Locations whose value was dropped because of such a problem."""
    marks: list[int] = field(default_factory=list)
    """Offsets of characters that cannot go into a .docx, while the file is parsed."""

    @property
    def name(self) -> str:
        return display_path(self.path)

    def pack(self) -> None:
        """The positions compressed, once the file is read and checked (``Packed``)."""
        if isinstance(self.values, Positions):
            self.values = Packed(self.values)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``loc`` or of its nearest ancestor that exists in the file."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        while loc:
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, col = self.position(loc, key=key)
        return Problem(self.name, line, col, format_loc(loc), message)


def format_loc(loc: Loc) -> str:
    """``('recipients', 1, 'name')`` -> ``recipients[1].name``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_col_of_offset(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


MAX_FILE_BYTES = 5_000_000
"""The largest data file read; the largest real one is under 100 kB."""

_OFFICE = {b"PK\x03\x04": "Word 或 Excel 文件（.docx/.xlsx）", b"\xd0\xcf\x11\xe0": "旧版 Word 或 Excel 文件（.doc/.xls）",
           b"{\\rtf": "RTF 文件", b"%PDF": "PDF 文件"}


def decode(path: Path, raw: bytes) -> str:
    """Bytes to text, insisting on UTF-8 and explaining how to fix the usual GBK file."""
    for magic, what in _OFFICE.items():
        if raw.startswith(magic):
            raise SourceError([Problem(display_path(path), 1, 1, "", f"这是{what}，只是扩展名改成了 .yaml：请用记事本或 VS Code 等"
                                                       "文本编辑器编写数据文件（可用 docgen new pairing 生成模板）")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError([Problem(display_path(path), 1, 1, "", "文件是 UTF-16 编码，请用编辑器“另存为”UTF-8 编码")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _line_col_of_offset(head, len(head))
        try:
            raw.decode("gb18030")
            hint = ("文件不是 UTF-8 编码，看起来是 GBK/GB2312（Windows 记事本的“ANSI”）。"
                    "请用记事本“另存为”，在“编码”中选择 UTF-8 后保存；或在 WPS/VS Code 中以 UTF-8 重新保存")
        except UnicodeDecodeError:
            hint = "文件不是 UTF-8 编码的文本，请用编辑器以 UTF-8 编码重新保存"
        raise SourceError([Problem(display_path(path), line, col, "", hint)]) from None


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
"""Zero-width and direction marks: allowed in a .docx, but they make two names that look the
same differ (a school then "is not a recipient of this pairing")."""


def bad_characters(text: str) -> list[tuple[int, str]]:
    """Offsets and characters in ``text`` that cannot appear in a .docx."""
    return [(m.start(), m.group()) for m in _BAD_CHARS.finditer(text)]


def bad_char_message(ch: str) -> str:
    return (f"含有不可见的控制字符 U+{ord(ch):04X}（多见于从网页、微信或其他软件复制的文字），"
            "Word 文档中不能出现，请删除该字符后重新输入")


def read(path: Path) -> Source:
    """Read and parse one YAML file. Raises ``SourceError`` with every problem found."""
    return parse(Path(path), read_text(path))


def read_text(path: Path) -> str:
    """The text of one YAML file, as ``read`` parses it. Raises ``SourceError``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError([Problem(display_path(path), 0, 0, "", f"文件有 {size / 1e6:.1f} MB，过大（数据文件不超过 "
                                                       f"{MAX_FILE_BYTES / 1e6:g} MB）：是不是选错了文件，或粘贴了大量内容？")])
        raw = path.read_bytes()
    except OSError as exc:
        why = _READ_REASONS.get(exc.errno, f"{exc.strerror or exc}，请检查文件和磁盘")
        raise SourceError([Problem(display_path(path), 0, 0, "", f"无法读取文件：{why}")]) from None
    return decode(path, raw)


_READ_REASONS: dict[int | None, str] = {
    errno.EACCES: "没有读取权限，请检查文件的权限，或关闭正在独占它的程序",
    errno.EPERM: "没有读取权限，请检查文件的权限，或关闭正在独占它的程序",
    errno.EISDIR: "这是一个文件夹，不是文件，请改名或移走",
    errno.ENOENT: "文件不存在（可能是失效的链接或快捷方式）",
    errno.ELOOP: "链接指向自己，形成了循环",
    errno.EIO: "读磁盘出错（U 盘或网络盘断开？），请检查后重试",
}


def empty_file(path: Path) -> Problem:
    """A file with nothing in it (or only comments): what it is for, and what to do, by the
    kind of file its place says it is."""
    if path.name == "programme.yaml":
        fix = ("方案文件应写明方案标题（title）、发文机关（bureau）和帮扶周期（cycle）等内容："
               "请参照 data/ 下的示例方案填写")
    elif path.parent.name == "pairings":
        fix = ("结对文件应写明县市区（county）、支援学校（supporter）和受援学校（recipients）：请填写，"
               f"或用 docgen new pairing {path.stem} --programme {display_path(path.parent.parent)} --force 重新生成带注释的模板；"
               "不需要这个结对就删除该文件")
    elif path.parent.parent.name == "activities":
        fix = ("还没有活动记录的，请删除该文件，有了记录再建；有记录的，请在第一行写“records:”，"
               "下面每条记录以“- date: 2020-04-10”开头（前面空两格）")
    else:
        fix = "请写入内容，或删除该文件"
    return Problem(display_path(path), 1, 1, "", f"文件为空，没有任何内容：{fix}")


def parse(path: Path, text: str) -> Source:
    """Parse YAML text that is (or is about to be) the file ``path``. Raises ``SourceError``."""
    path = Path(path)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise SourceError([empty_file(path)])
    bad = bad_characters(text)
    if bad and _MARKED.search(text):  # cannot mark them: report them where they are
        name = display_path(path)
        raise SourceError([Problem(name, *_line_col_of_offset(text, offset), "", bad_char_message(ch))
                           for offset, ch in bad])
    if yaml.__with_libyaml__ and not bad and _shallow(text):
        try:
            return _read_events(path, text)
        except _Unusual:
            pass  # read as before, node by node: the same result, and the messages of a broken file
    return _parse_nodes(path, text, bad)


def _parse_nodes(path: Path, text: str, bad: list[tuple[int, str]]) -> Source:
    """``parse`` through node trees: the C composer's, or PyYAML's own (which finds aliases, depth
    and syntax errors and says where)."""
    name = display_path(path)
    # PyYAML's own reader (used when libyaml's cannot be) rejects a tab at the end of a line,
    # which libyaml accepts: the same file must read the same, so such tabs become spaces
    # (same length: every line and column stays where it is)
    marked = _TRAILING_TABS.sub(lambda m: " " * len(m.group()), _BAD_CHARS.sub(lambda m: chr(_MARK + ord(m.group())), text))
    loader = _Loader(marked)
    use_c = yaml.__with_libyaml__ and not bad and _shallow(text)
    fast = _compose_fast(text) if use_c else None
    try:
        node = fast if fast is not None else loader.get_single_node()
    except _AliasFound as exc:
        raise SourceError([Problem(name, exc.mark.line + 1, exc.mark.column + 1, "",
                                   "不支持 YAML 别名（*名称），请直接写出内容")]) from None
    except _TooDeep as exc:
        raise SourceError([Problem(name, exc.mark.line + 1, exc.mark.column + 1, "",
                                   f"嵌套超过 {MAX_DEPTH} 层（多半是多余的“[”或“{{”），请检查括号是否成对")]) from None
    except yaml.YAMLError as exc:
        raise SourceError(_syntax_problems(text, marked, name, exc, use_c)) from None
    finally:
        loader.dispose()
    if node is None:
        raise SourceError([empty_file(path)])
    src = Source(path=path, data=None, marks=[offset for offset, _ in bad])
    src.data = _build(node, (), src, src.problems, loader)
    _unplaced_characters(text, bad, src)
    return src


_TRAILING_TABS = re.compile(r"[ \t]*\t[ \t]*$", re.MULTILINE)
_MARK = 0xF0000
"""Bad characters are parsed as these private-use ones (U+F0000 plus the character), which
YAML accepts, so that the value holding one is found and its field named."""
_MARKED = re.compile("[\U000f0000-\U000fffff]")


def _unplaced_characters(text: str, bad: list[tuple[int, str]], src: Source) -> None:
    """Report bad characters outside any value (in a key or a comment) by line."""
    lines = {p.line for p in src.problems}
    for offset, ch in bad:
        line, col = _line_col_of_offset(text, offset)
        if line not in lines:
            src.problems.append(Problem(src.name, line, col, "", bad_char_message(ch)))


_FULLWIDTH_COLON = re.compile(r"^[ \t]*(?:- )?([a-z_][a-z0-9_]*)[ \u3000]*：")
_FULLWIDTH_INDENT = re.compile(r"^[ \t]*\u3000")


def typing_slips(text: str, name: str) -> list[Problem]:
    """What a Chinese input method slips into YAML that fails to parse: a full-width colon
    after a key, full-width spaces as indentation (looked for only then: both are
    legitimate inside text)."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        colon = _FULLWIDTH_COLON.match(line)
        if colon and ":" not in line[:colon.end()]:
            out.append(Problem(name, number, colon.end(), colon.group(1),
                               "键后面用了中文冒号“：”：请改为英文冒号加空格“: ”（切换到英文输入法）"))
        elif _FULLWIDTH_INDENT.match(line):
            out.append(Problem(name, number, 1, "", "行首有全角空格（中文输入法的空格）：缩进只能用半角空格，请删除后重新输入"))
    return out


def _compose_with(loader_class: type) -> Callable[[str], None]:
    def compose(text: str) -> None:
        loader = loader_class(text)
        try:
            loader.get_single_node()
        except (_AliasFound, _TooDeep):
            pass  # not a syntax error: reported by the reading that follows
        finally:
            loader.dispose()

    return compose


_AT_ITS_START = {"while scanning a simple key", "while scanning a quoted scalar",
                 "while scanning a double-quoted scalar", "while scanning a single-quoted scalar"}
"""Errors told where what they are about starts, not where the parser gave up: a key without
its colon (county:高台县) at its own line, not the next; a quote left open at the quote, not one
line past the end of the file."""


def _syntax_problems(text: str, marked: str, name: str, exc: yaml.YAMLError, use_c: bool) -> list[Problem]:
    """What the clerk reads about a file that does not parse: the typing slips of a Chinese
    input method, else every rejected tab, else the one error, in Chinese at its line.

    The parser that decides is the one whose error is told: libyaml's when it read the file
    (it accepts a tab at the end of a line, which PyYAML's reader does not)."""
    slips = typing_slips(text, name)  # the parser's own message would point elsewhere
    if slips:
        return slips
    compose = _compose_with(_FastLoader if use_c else _Loader)
    tabs = tab_problems(text if use_c else marked, name, compose)
    if tabs:
        return tabs
    if use_c:
        try:
            compose(text)
        except yaml.YAMLError as c_exc:
            exc = c_exc
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    start = getattr(exc, "context_mark", None)
    if getattr(exc, "context", None) in _AT_ITS_START and start is not None:
        mark = start  # (the parser stops where it gave up: a line later, or past the end)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    glued = None
    if mark and "mapping values are not allowed" in str(exc):
        glued = _glued_key(text, mark.line)  # the line before the one the parser stopped at
    elif mark and "could not find expected ':'" in str(exc):
        glued = _glued_key(text, mark.line + 1)  # the key's own line
    if glued:
        return [glued.problem(name)]
    return [Problem(name, line, col, "", syntax_message(exc, text))]


_GLUED = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<value>[^\s/\\].*)$")
"""``name:西街小学``: a key whose colon has no space after it, so that YAML reads the line and
the next as one text, and stops at the next line's colon."""


@dataclass(frozen=True)
class _Glued:
    line: int
    column: int
    key: str
    value: str

    def problem(self, name: str) -> Problem:
        return Problem(name, self.line, self.column, "", f"冒号后缺少空格：请在“{self.key}:”后面加一个空格，"
                                                         f"写成“{self.key}: {self.value.strip()}”")


def _glued_key(text: str, stopped: int) -> _Glued | None:
    """The line before ``stopped`` (0-based), when it is a key glued to its value."""
    lines = text.split("\n")
    before = stopped - 1
    while before >= 0 and (not lines[before].strip() or lines[before].lstrip().startswith("#")):
        before -= 1
    found = _GLUED.match(lines[before]) if before >= 0 else None
    if found is None:
        return None
    return _Glued(before + 1, len(found["lead"]) + len(found["key"]) + 1, found["key"], found["value"])


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _written(src: Source) -> Positions:
    """The positions of a file being read (packed only once it is read and checked)."""
    values = src.values
    assert isinstance(values, Positions), "a packed source is not read again"
    return values


def _build(node: Node, loc: Loc, src: Source, problems: list[Problem], loader: _Loader) -> Any:
    _written(src)[loc] = _pos(node)
    if node.tag not in _STANDARD_TAGS:
        line, col = _pos(node)
        problems.append(Problem(src.name, line, col, format_loc(loc), f"不支持 YAML 标签“{node.tag}”，请删除以“!”开头的标记"))
        src.broken.add(loc)
        return None
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, col = _pos(key_node)
                problems.append(Problem(src.name, line, col, format_loc(loc), "键必须是简单文字，不能是列表或映射"))
                continue
            key = sys.intern(key_node.value)  # the same few keys in every file, held once
            child = loc + (key,)
            if isinstance(key, str) and ("\u3000" in key or "：" in key):
                line, col = _pos(key_node)
                problems.append(Problem(src.name, line, col, format_loc(loc), f"键“{key}”中有全角空格或中文冒号："
                                        "缩进只能用半角空格，键后面用英文冒号加空格“: ”（切换到英文输入法后重新输入）"))
                continue
            if key in first_seen:
                line, col = _pos(key_node)
                problems.append(Problem(src.name, line, col, format_loc(child),
                                        f"键“{key}”重复出现（第一次在第 {first_seen[key]} 行），请删除或合并其中一个"))
                src.broken.add(child)
                continue
            first_seen[key] = _pos(key_node)[0]
            src.keys[child] = _pos(key_node)
            out[key] = _build(value_node, child, src, problems, loader)
        return out
    if isinstance(node, SequenceNode):
        return [_build(item, loc + (i,), src, problems, loader) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return _scalar(node, loc, src, loader)


def _scalar(node: ScalarNode, loc: Loc, src: Source, loader: yaml.constructor.SafeConstructor) -> Any:
    """The value of a scalar, or None with a problem: a date that does not exist, text with a
    character a .docx cannot hold."""
    problems = src.problems
    if node.tag == _STR:
        value = node.value  # what the constructor returns for text, without the call
    else:
        try:
            value = loader.construct_object(node, deep=True)
        except ValueError:
            line, col = _pos(node)
            problems.append(Problem(src.name, line, col, format_loc(loc), f"“{node.value}”不是存在的日期"))
            src.broken.add(loc)
            return None
        except yaml.constructor.ConstructorError as exc:
            line, col = _pos(node)
            problems.append(Problem(src.name, line, col, format_loc(loc), f"无法识别的值（{exc.problem}）"))
            src.broken.add(loc)
            return None
        except (KeyError, AttributeError):  # ``!!bool maybe``, ``!!timestamp soon``: PyYAML does not say why
            line, col = _pos(node)
            short = node.tag.replace("tag:yaml.org,2002:", "!!")
            problems.append(Problem(src.name, line, col, format_loc(loc),
                                    f"“{node.value}”不能按标记“{short}”读取：请删除这个以“!”开头的标记，或改正取值"))
            src.broken.add(loc)
            return None
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, str):
        marked = _MARKED.search(value)
        hits = [marked.group()] if marked else [ch for _, ch in bad_characters(value)]  # "\x01" in quotes
        invisible = _INVISIBLE.search(value)
        if invisible and not hits:
            problems.append(src.problem(loc, f"含有看不见的字符 U+{ord(invisible.group()):04X}（零宽空格等，多见于从网页或微信"
                                             "复制的文字），会让看起来相同的名称对不上，请删除该字符后重新输入"))
            src.broken.add(loc)
        if hits:
            at = [i for i in src.marks if node.start_mark.index <= i < node.end_mark.index]
            line, col = _line_col_of_offset(getattr(loader, "buffer", ""), at[0]) if at else _pos(node)
            original = chr(ord(hits[0]) - _MARK) if marked else hits[0]
            problems.append(Problem(src.name, line, col, format_loc(loc), bad_char_message(original)))
            src.broken.add(loc)
            value = _MARKED.sub("", value)
    return value


_SUSPECT = re.compile(f"{_BAD_CHARS.pattern}|{_MARKED.pattern}|{_INVISIBLE.pattern}")
"""Text that ``_scalar`` has something to say about (see its checks); other text is kept as it is."""


class _Unusual(Exception):
    """A file the one-pass reading leaves to the node-by-node one: it does not parse, holds an
    alias or an anchor, nests deeper than ``MAX_DEPTH``, or is not one document."""


def _resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged scalar, as ``_Loader.resolve`` gives it (no path resolvers, and no
    resolver for every first character: see the assertion at the end of the module)."""
    if implicit[0]:
        table = _Loader.yaml_implicit_resolvers
        for tag, regexp in table.get(value[0] if value else "", []) + table.get(None, []):  # type: ignore[call-overload]
            if regexp.match(value):
                return tag
    return _STR


def _read_events(path: Path, text: str) -> Source:
    """``parse`` of a well-formed file in one pass over libyaml's events: the data and the
    positions of ``_build`` over the C composer's nodes, without building the nodes, resolving
    through Python for every one of them, or walking them again for aliases and depth.
    Raises ``_Unusual`` for anything else, and ``parse`` reads it the other way."""
    parser = _FastLoader(text)
    src = Source(path=path, data=None)
    try:
        get = parser.get_event
        if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
            raise _Unusual
        reader = _EventReader(get, src, parser)  # (the loader constructs the values a resolver types)
        src.data = reader.value(get(), (), 1)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _Unusual
    except yaml.YAMLError:
        raise _Unusual from None
    finally:
        parser.dispose()
    return src


class _EventReader:
    """Plain data and positions from a stream of events (see ``_build``, which it follows)."""

    def __init__(self, get: Callable[[], Any], src: Source, constructor: yaml.constructor.SafeConstructor):
        self.get = get
        self.src = src
        self.constructor = constructor
        self.values: dict[Loc, Any] = _written(src)  # (set below packed as Positions would pack them)
        self.keys: dict[Loc, Any] = src.keys

    def value(self, event: Any, loc: Loc, depth: int) -> Any:
        kind = type(event)
        if kind is AliasEvent or event.anchor is not None or depth > MAX_DEPTH:
            raise _Unusual
        mark = event.start_mark
        line, col = mark.line + 1, mark.column + 1
        dict.__setitem__(self.values, loc, line << _COLUMN_BITS | col if col < 1 << _COLUMN_BITS else (line, col))
        tag = event.tag
        if kind is ScalarEvent:
            value = event.value
            if tag is None or tag == "!":  # (text whose first character starts no other type is text)
                tag = _resolve_scalar(value, event.implicit) if value[:1] in _Loader.yaml_implicit_resolvers else _STR
        elif tag is None or tag == "!":
            tag = _MAP if kind is MappingStartEvent else _SEQ
        if tag not in _STANDARD_TAGS:
            if kind is not ScalarEvent:
                self.skip(event, depth)
            self.src.problems.append(Problem(self.src.name, line, col, format_loc(loc),
                                             f"不支持 YAML 标签“{tag}”，请删除以“!”开头的标记"))
            self.src.broken.add(loc)
            return None
        if kind is MappingStartEvent:
            return self.mapping(loc, depth)
        if kind is SequenceStartEvent:
            get = self.get
            out: list[Any] = []
            item = get()
            while type(item) is not SequenceEndEvent:
                out.append(self.value(item, loc + (len(out),), depth + 1))
                item = get()
            return out
        if tag == _STR and not _SUSPECT.search(value):
            return value  # plain text, the most of every file
        return _scalar(ScalarNode(tag, value, event.start_mark, event.end_mark, event.style), loc, self.src,
                       self.constructor)

    def mapping(self, loc: Loc, depth: int) -> dict[str, Any]:
        get, src, problems = self.get, self.src, self.src.problems
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        key_event: Any = get()
        mark: Any
        while type(key_event) is not MappingEndEvent:
            if type(key_event) is not ScalarEvent:
                self.skip(key_event, depth + 1)
                mark = key_event.start_mark  # (the key's, before the value is passed over)
                problems.append(Problem(src.name, mark.line + 1, mark.column + 1, format_loc(loc), "键必须是简单文字，不能是列表或映射"))
                self.skip(get(), depth + 1)
                key_event = get()
                continue
            if key_event.anchor is not None or depth + 1 > MAX_DEPTH:
                raise _Unusual
            key = sys.intern(key_event.value)  # the same few keys in every file, held once
            child = loc + (key,)
            mark = key_event.start_mark
            line, col = mark.line + 1, mark.column + 1
            if "\u3000" in key or "：" in key:
                problems.append(Problem(src.name, line, col, format_loc(loc), f"键“{key}”中有全角空格或中文冒号："
                                        "缩进只能用半角空格，键后面用英文冒号加空格“: ”（切换到英文输入法后重新输入）"))
                self.skip(get(), depth + 1)
            elif key in first_seen:
                problems.append(Problem(src.name, line, col, format_loc(child),
                                        f"键“{key}”重复出现（第一次在第 {first_seen[key]} 行），请删除或合并其中一个"))
                src.broken.add(child)
                self.skip(get(), depth + 1)
            else:
                first_seen[key] = line
                dict.__setitem__(self.keys, child, line << _COLUMN_BITS | col if col < 1 << _COLUMN_BITS else (line, col))
                out[key] = self.value(get(), child, depth + 1)
            key_event = get()
        return out

    def skip(self, event: Any, depth: int) -> None:
        """Pass over a value that is not read (its key is a duplicate, say), still refusing an
        alias or too deep a nesting in it, as the node-by-node reading does."""
        level = 0
        while True:
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                level -= 1
            else:
                if kind is AliasEvent or event.anchor is not None or depth + level > MAX_DEPTH:
                    raise _Unusual
                if kind is not ScalarEvent:
                    level += 1
            if level == 0:
                return
            event = self.get()


_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(  # YAML 1.1's, less base 60 and leading zeros
    r"^(?:[-+]?(?:(?:0|[1-9][0-9_]*)\.[0-9_]*|\.[0-9_]+)(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))
_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
assert None not in _Loader.yaml_implicit_resolvers  # (text starting with any other character is text)
