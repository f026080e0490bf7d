"""A form's data written into a YAML file the way ``import pairings`` edits one: the file is
read with the round-trip parser, only the values that changed are replaced, and comments,
key order, quoting and layout stay as the clerk (or a developer's editor) left them."""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from ..load.roundtrip import dump, guess_layout, round_trip_yaml
from .forms import ORIGIN


def digest(data: bytes | None) -> str:
    """What a form remembers of the file it was drawn from (empty: no file yet)."""
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def _fresh(value: Any) -> Any:
    """Plain data as round-trip nodes; text of several lines as a literal block (``|``)."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            if key != ORIGIN:
                out[key] = _fresh(item)
        return out
    if isinstance(value, list):
        return CommentedSeq(_fresh(v) for v in value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _same_scalar(old: Any, new: Any) -> bool:
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        return False
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, dt.date) and isinstance(new, dt.date):
        return old == new
    return old == new and type(old) is not dt.date and str(old) == str(new)


def _same(old: Any, new: Any) -> bool:
    """Whether ``new`` (plain data from a form, list items marked with ``ORIGIN``) says what
    the round-trip node ``old`` says: then the node stays as the file has it (its folded
    lines, flow style and comments: a value the form carried through unchanged, text with sections)."""
    if isinstance(new, dict):
        keys = [k for k in new if k != ORIGIN]
        return isinstance(old, dict) and len(keys) == len(old) and all(k in old and _same(old[k], new[k]) for k in keys)
    if isinstance(new, list):
        return isinstance(old, list) and len(old) == len(new) and all(
            _same(a, b) for a, b in zip(old, new, strict=True))
    return not isinstance(old, (dict, list)) and _same_scalar(old, new)


def merge(old: Any, new: Any) -> Any:
    """``new`` (plain data from a form) written over ``old`` (round-trip nodes), keeping every
    node whose value is unchanged, and the comments of every item that is kept."""
    if isinstance(old, (CommentedMap, CommentedSeq)) and _same(old, new):
        return old
    if isinstance(new, dict) and isinstance(old, CommentedMap):
        for key in [k for k in old if k not in new and old[k] not in ([], {})]:  # a written `[]` means what no key does
            del old[key]
        order = [k for k in new if k != ORIGIN]
        for key in order:
            if key in old:
                old[key] = merge(old[key], new[key])
            else:
                before = set(order[:order.index(key)])
                position = max((i + 1 for i, k in enumerate(old) if k in before), default=0)
                old.insert(position, key, _fresh(new[key]))
        return old
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        if all(not isinstance(v, dict) for v in new):
            if len(old) == len(new) and all(_same_scalar(a, b) for a, b in zip(old, new, strict=True)):
                return old
            return _fresh(new)
        kept = list(old)
        items = []
        for position, value in enumerate(new):
            origin = value.get(ORIGIN) if isinstance(value, dict) else None
            if origin is None and all(isinstance(v, dict) and ORIGIN not in v for v in new) and position < len(kept):
                origin = position  # a list drawn without marks: item by item
            if origin is not None and 0 <= origin < len(kept) and isinstance(kept[origin], CommentedMap):
                items.append(merge(kept[origin], value))
                kept[origin] = None  # each item of the file is taken once
            else:
                items.append(_like_siblings(_fresh(value), old))
        for i in reversed(range(len(old))):  # reorder in place: comments stay with their items
            if all(old[i] is not item for item in items):
                del old[i]
        for position, item in enumerate(items):
            current = next((i for i, m in enumerate(old) if m is item), None)
            if current == position:
                continue
            old.insert(position, old.pop(current) if current is not None else item)
        return old
    if _same_scalar(old, new):
        return old
    return _fresh(new)


def _like_siblings(item: Any, siblings: CommentedSeq) -> Any:
    """A new item of a list written as its siblings are: on one line (``{role: 成员, name: …}``)
    when they all are, as a leading group's members are."""
    maps = [m for m in siblings if isinstance(m, CommentedMap)]
    if isinstance(item, CommentedMap) and maps and all(m.fa.flow_style() for m in maps) and \
            not any(isinstance(v, (dict, list)) or (isinstance(v, str) and "\n" in v) for v in item.values()):
        item.fa.set_flow_style()
    return item


class Unreadable(Exception):
    """The file on disk cannot be parsed by the round-trip reader."""


def _tree(text: str) -> Any:
    """``text`` read by the round-trip parser (comments and layout kept)."""
    try:
        return round_trip_yaml().load(text)
    except YAMLError as exc:
        raise Unreadable(str(exc)) from None


class Trees:
    """Round-trip trees of the files forms were drawn from, read in the background while the
    clerk edits (the round-trip parser is pure Python: 20-40 ms a pairing file, most of a
    save). A tree is found by the digest of the very text a save edits, so a file changed
    since (by another clerk, an editor) is never edited from an old tree; and it is handed
    out once, since the save changes it in place. At most ``size`` are kept."""

    def __init__(self, size: int = 8):
        self.size = size
        self._futures: OrderedDict[str, Future] = OrderedDict()
        self._lock = threading.Lock()
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docgen-yaml")

    def prepare(self, text: str) -> None:
        """Start reading ``text`` (a form of it was just drawn)."""
        key = digest(text.encode("utf-8"))
        with self._lock:
            if key in self._futures:
                self._futures.move_to_end(key)
                return
            self._futures[key] = self._reader.submit(_tree, text)
            while len(self._futures) > self.size:
                self._futures.popitem(last=False)[1].cancel()  # not read at all if not begun

    def take(self, text: str) -> Any:
        """The tree of ``text``: the one prepared (waited for if still being read), or read now."""
        with self._lock:
            future = self._futures.pop(digest(text.encode("utf-8")), None)
        return future.result() if future is not None else _tree(text)


def edited_text(current: str | None, data: dict, trees: Trees | None = None) -> str:
    """The file's text with ``data`` written over it (a new file when ``current`` is None);
    ``trees``: where a tree of ``current`` may already be read."""
    if current is None or not current.strip():
        return dump(_fresh(data))
    doc = trees.take(current) if trees is not None else _tree(current)
    if not isinstance(doc, CommentedMap):
        return dump(_fresh(data))
    if _same(doc, data):  # nothing changed: the file as it is (a dump rewraps flow mappings written
        return current    # over several lines, review 43: an audit entry nobody made)
    return dump(merge(doc, data))



def dump_like(doc: Any, original: str) -> str:
    """``doc`` written in the layout of ``original`` (a file PyYAML wrote keeps ``- date:``
    under ``records:``): only what changed changes."""
    return dump(doc, guess_layout(original)) if original.strip() else dump(doc)


def edited_section(current: str, key: str, value: Any, trees: Trees | None = None) -> str:
    """The file's text with only its ``key`` replaced by ``value`` (removed when empty): every
    other line stays as it is (a school writes its summary sections, nothing else)."""
    doc = trees.take(current) if trees is not None else _tree(current)
    if not isinstance(doc, CommentedMap):
        raise Unreadable("not a mapping")
    if value in (None, [], {}):
        doc.pop(key, None)
    elif key in doc:
        doc[key] = merge(doc[key], value)
    else:
        doc[key] = _fresh(value)
    return dump(doc)


def merged(path: Path, base: str, mine: str, theirs: str) -> str | None:
    """``mine``'s changes to ``base`` written over ``theirs`` (a save made while another was
    made from the same version), when the two changed different fields of the file (its
    top-level keys); None when both changed one field, or a text does not read, or the
    result would not read as exactly both changes: then the clerk chooses (conflict page)."""
    from ..errors import DocgenError
    from ..load.yaml_source import parse

    try:
        b, m, t = ((parse(path, text).data or {}) for text in (base, mine, theirs))
    except DocgenError:
        return None
    if not all(isinstance(d, dict) for d in (b, m, t)):
        return None
    keys = b.keys() | m.keys() | t.keys()
    others = {k for k in keys if t.get(k) != b.get(k)}
    # ours: what this save says differently from both (a save is written over the file as it is
    # now, so a field the other changed reads as theirs in it, or as the form had it: base)
    ours = {k for k in keys if m.get(k) != b.get(k) and m.get(k) != t.get(k)}
    if ours & others:
        return None
    text = theirs
    expected = dict(t)
    try:
        for key in sorted(ours):
            text = edited_section(text, key, m.get(key))
            if key in m and m[key] not in (None, [], {}):
                expected[key] = m[key]
            else:
                expected.pop(key, None)
        result = parse(path, text).data
    except (DocgenError, Unreadable):
        return None
    return text if result == expected else None
