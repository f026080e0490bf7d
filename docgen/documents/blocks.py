"""A document's body as a tree of sections, paragraphs, lists and tables, and that tree laid
out as the flat list of styled lines a template prints.

Both the text a bureau writes (``Block``s of its data: a whole plan, agreement clauses) and the
parts docgen writes from structured data (a pair list, the measures, a pairing's duties) are
trees of the same nodes. ``layout`` numbers them by level the way a 公文 does (一、 （一） 1.
（1）), keeps a number the text already has, numbers a list only when it has more than one
item, and leaves out a section with nothing in it: a heading never stands alone.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..load.model.common import Block, Insert
from ..text import cn_num
from .prose import cat, data
from .tables import TableKind

NUMBERED = re.compile(r"^\s*(第?[一二三四五六七八九十百]+[、是]|[（(][一二三四五六七八九十百]+[）)]|\d+[.．、]|[（(]\d+[）)])")
"""A title or item that begins with its own number (一、 （一） 1. （1） 一是)."""
ENDS = "。；：！？，、.:;"


def _numbers(level: int, n: int) -> str:
    return [f"{cn_num(n)}、", f"（{cn_num(n)}）", f"{n}.", f"（{n}）"][min(level, 4) - 1]


STYLES = [re.compile(r"^\s*第?[一二三四五六七八九十百]+[、是]"), re.compile(r"^\s*[（(][一二三四五六七八九十百]+[）)]"),
          re.compile(r"^\s*\d+[.．、]"), re.compile(r"^\s*[（(]\d+[）)]")]


def number_style(title: str, default: int) -> int:
    """Which of 一、 （一） 1. （1） a title is numbered in (1 to 4), or ``default``."""
    return next((k for k, pattern in enumerate(STYLES, 1) if pattern.match(title)), default)


@dataclass
class Section:
    """A heading and what is under it."""

    title: str
    body: Sequence[Node] = field(default_factory=list)
    run_in: bool = False
    """The heading starts the first paragraph (（一）组织领导。成立……)."""
    numbered: bool = True


@dataclass
class Items:
    """A numbered list: each item a paragraph (or a tree of its own)."""

    items: Sequence[Node]
    numbered: bool = True


@dataclass
class Table:
    """A table the template draws by its ``kind``."""

    kind: TableKind
    rows: list[dict]
    heads: dict = field(default_factory=dict)
    """Column headings that follow the programme's words (支援学校 or 帮扶学校)."""
    paragraphs: Sequence[str] = field(default_factory=list)
    """Notes printed under the table."""


@dataclass
class Blank:
    """A line left for the school to fill in by hand (阶段性目标：＿＿＿), listed as a field to fill."""

    label: str
    where: str = ""
    """Where the data would fill it (pairings/x.yaml 中 blanks.stage_goals); "" when only the
    text that holds it can."""


@dataclass(frozen=True)
class Fills:
    """What one pairing writes into the blanks of the programme's text (``Pairing.blanks``)."""

    values: Mapping[str, list[Block]]
    file: str
    """The pairing's file, as the fields to fill name it: pairings/x.yaml."""

    def where(self, key: str) -> str:
        return f"{self.file} 中 blanks.{key}"


BLANK_LINE = "＿" * 14
"""The room a blank line leaves to write in."""

Node = str | Section | Items | Table | Blank
Inserts = dict[Insert, Callable[[Block], list[Node]]]
"""What docgen writes for each insert of a bureau's text."""


def from_data(blocks: list[Block], inserts: Inserts, fills: Fills | None = None) -> list[Node]:
    """A bureau's text as nodes, its inserts written from the data (an insert with nothing to
    write is left out), its blanks filled where ``fills`` (a pairing's) has what goes in them."""
    out: list[Node] = []
    for block in blocks:
        kind = block.kind
        if kind == "text":
            out.append(data(block, "text"))
        elif kind == "section":
            out.append(Section(data(block, "title"), from_data(block.body, inserts, fills), block.run_in, block.numbered))
        elif kind == "list":
            out.append(Items(from_data(block.items, inserts, fills), block.numbered))
        elif kind == "blank":
            out += _blank(block, inserts, fills)
        else:
            make = inserts.get(block.insert) if block.insert is not None else None
            out += make(block) if make else []
    return out


def _blank(block: Block, inserts: Inserts, fills: Fills | None) -> list[Node]:
    """A blank as the form to fill in, or, where the pairing filled it, its label and what the
    pairing wrote (阶段性目标：第一学年……), the first paragraph run into the label."""
    label, key = data(block, "blank"), block.fill_key
    if fills is None or key not in fills.values:
        return [Blank(label, fills.where(key) if fills is not None else "")]
    filled = from_data(fills.values[key], inserts)
    if filled and isinstance(filled[0], str):
        return [cat(label, "：", filled[0]), *filled[1:]]
    return [cat(label, "："), *filled]


LEFT_OPEN = re.compile("＿{2,}")
"""Low lines the bureau's own text leaves open in a sentence (可从20＿＿年秋季开始)."""


def blanks(nodes: Sequence[Node]) -> list[Blank]:
    """The lines left to fill in, in order: the blanks, and each place the bureau's text itself
    leaves open with low lines (named by the words around it)."""
    out: list[Blank] = []
    for node in nodes:
        if isinstance(node, Blank):
            out.append(node)
        elif isinstance(node, str):
            out += [Blank(f"……{node[max(0, m.start() - 10):m.end() + 6]}……") for m in LEFT_OPEN.finditer(node)]
        elif isinstance(node, Section):
            out += blanks(node.body)
        elif isinstance(node, Items):
            out += blanks(node.items)
    return out


def has_text(nodes: Sequence[Node]) -> bool:
    for node in nodes:
        if isinstance(node, Blank) or (isinstance(node, str) and node):
            return True
        if isinstance(node, Section) and has_text(node.body):
            return True
        if isinstance(node, Items) and has_text(node.items):
            return True
        if isinstance(node, Table) and node.rows:
            return True
    return False


def line(style: str, text: str, lead: str = "") -> dict:
    """One line of a laid-out body; every line has every key a template may read."""
    return {"style": style, "lead": lead, "text": text, "kind": "", "rows": [], "heads": NO_HEADS, "paragraphs": []}


NO_HEADS = {"supporter": "", "recipient": "", "mentor": "", "mentee": ""}
"""The column headings a table may take from the programme's words; none for a line of text."""


def layout(nodes: Sequence[Node], level: int = 1, style: int = 0) -> list[dict]:
    """The lines a template prints: {style, lead, text} or a table {style: "table", kind, rows …}.

    Styles: h1 (黑体, 一、), h2 (楷体, （一）), p (正文; a heading of level 3 and below is set as
    正文), and for a heading run into its paragraph lead1 / lead2 (the lead in 黑体 / 楷体).
    ``style``: how the enclosing heading is numbered (1 一、 … 4 （1）); a list under it is
    numbered one step further, and never above 1. (a list under 一、 is 1. 2.)."""
    out: list[dict] = []
    n = 0
    auto = [x for x in nodes if isinstance(x, Section) and has_text(x.body) and x.numbered
            and not NUMBERED.match(x.title)]
    alone = level >= 2 and len(auto) == 1  # a lone （一） is no list: its heading stands unnumbered
    for node in nodes:
        if isinstance(node, str):
            if node:
                out.append(line("p", node))
        elif isinstance(node, Blank):
            out.append(line("p", cat(node.label, "：", BLANK_LINE)))
        elif isinstance(node, Table):
            if node.rows:
                out.append({**line("table", ""), "kind": node.kind, "rows": node.rows, "heads": {**NO_HEADS, **node.heads},
                            "paragraphs": node.paragraphs})
        elif isinstance(node, Items):
            out += _items(node, max(3, style + 1))
        elif has_text(node.body):
            own = bool(NUMBERED.match(node.title)) or not node.numbered or alone
            if node.numbered:  # a section numbered by the text itself counts for those after it
                n += 1
            heading = node.title if own else cat(_numbers(level, n), node.title)
            body = layout(node.body, level + 1, number_style(str(heading), level))
            first = body[0] if body else None
            if node.run_in and first is not None and first["style"] == "p" and not first["lead"]:
                lead = heading if str(heading)[-1:] in ENDS else cat(heading, "。")
                lead_style = {1: "lead1", 2: "lead2"}.get(level, "p")
                if lead_style == "p":
                    out.append(line("p", cat(lead, first["text"])))
                else:
                    out.append(line(lead_style, first["text"], lead))
                out += body[1:]
            else:
                out.append(line({1: "h1", 2: "h2"}.get(level, "p"), heading))
                out += body
    return out


def _items(node: Items, level: int) -> list[dict]:
    """A list numbered in style ``level`` (3: 1. 2. …, 4: （1）（2）…), a list inside it one step
    further, unless it has one item or its items carry their own numbers."""
    items = [i for i in node.items if has_text([i])]
    number = node.numbered and len(items) > 1 and not any(isinstance(i, str) and NUMBERED.match(i) for i in items)
    out: list[dict] = []
    last = level  # the numbering of the item before: a list after "3.…" is numbered under it
    for k, item in enumerate(items, 1):
        if isinstance(item, str):
            out.append(line("p", cat(f"{k}." if level < 4 else f"（{k}）", item) if number else item))
            if NUMBERED.match(item):
                last = number_style(str(item), level)
        elif isinstance(item, Items):
            out += _items(item, min(4, max(level, last) + 1))
        else:
            out += layout([item], max(level, 3), level)
    return out
