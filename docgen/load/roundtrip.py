"""Editing a data file in place: the round-trip YAML parser every importer writes with.

A file is loaded keeping its comments, key order, quoting and flow lists, changed where an
import changes it, and dumped in the layout it had: an untouched file dumps to the same bytes.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap


@dataclass(frozen=True)
class Layout:
    """How a file indents: nested keys, list items under their key, and the "- " within that."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


PAIRING_LAYOUT = Layout(2, 4, 2)
"""The project's pairing files: list items indented under their key (``  - name: …``)."""
FLAT_LAYOUT = Layout(2, 2, 0)
"""Files PyYAML writes (and activity files imported before): ``- date: …`` under ``records:``."""


def round_trip_yaml(layout: Layout = PAIRING_LAYOUT) -> YAML:
    """The round-trip parser, set up to write ``layout``, long lines kept."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def guess_layout(text: str) -> Layout:
    """The layout of an existing file, so that editing it changes only what is edited."""
    from ruamel.yaml.util import load_yaml_guess_indent

    try:  # ruamel's guess from the lines alone: its own reading of the file (``yaml``) left out,
        # since every caller reads the file itself (a second parse was most of a save's time)
        _, sequence, offset = load_yaml_guess_indent(text, yaml=_NoReading())
    except Exception:  # noqa: BLE001 - a file it cannot guess is written in the usual layout
        return PAIRING_LAYOUT
    if sequence is None or offset is None:
        return PAIRING_LAYOUT
    return Layout(2, max(sequence, offset + 2), offset)


class _NoReading:
    """Stands for the parser ``load_yaml_guess_indent`` reads the file with after guessing."""

    def load(self, text: str) -> None:
        return None


def dump(doc, layout: Layout = PAIRING_LAYOUT) -> str:
    out = io.StringIO()
    round_trip_yaml(layout).dump(doc, out)
    return out.getvalue()


def put(mapping: CommentedMap, key: str, value, order: list[str]) -> None:
    """Set ``key``; a new key goes where the model lists it, after the keys before it."""
    if key in mapping:
        mapping[key] = value
        return
    before = set(order[:order.index(key)]) if key in order else set(order)
    position = 0
    for i, existing in enumerate(mapping):
        if existing in before:
            position = i + 1
    mapping.insert(position, key, value)
