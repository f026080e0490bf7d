"""Signature blocks: where each party signs and is sealed, built from the kind's signers.

Every block is a borderless table of rows (see the template builder): an optional label
row (甲方（盖章）), an optional row for handwritten signatures (负责人（签字）：), a sealed row of
fixed height holding the names and the date, and a reserve row below it. The sealed row
cannot split across pages and is as tall as a seal, so every seal stays on the page and in
the type area, above nothing but its own party's name and date; handwriting is above it
(GB/T 9704 7.3.5.1: seals in order, side by side, neither overlapping nor touching).

Joint signers stand two or three to a row; names are printed exactly as the signers are
named, so the bundle finds each one, and a long name gets a smaller size so that it takes at
most three lines of its cell.
"""
from __future__ import annotations

from docxtpl import RichText

from .. import geometry
from ..text import display_width
from .signers import Signer
from .typography import split_title

SIZE = 32
"""三号, in half-points."""
MIN_SIZE = 20
"""五号 and a bit: the smallest size a name is shrunk to."""
MAX_LINES = 3
"""A name takes at most three lines of its cell: with its date, less than the sealed row."""
FILL = 0.9
"""The share of a cell's width a line of a name is counted to fill: the converter breaks
lines before punctuation and wide Latin letters, so a line holds a little less than it could."""


def columns_for(count: int) -> int:
    """Joint signers to a row: three when that saves a row (3, 5, 6 or more signers), else
    two; never more than three seals side by side (GB/T 9704 7.3.5.1)."""
    return 3 if count == 3 or count >= 5 else 2


def name_text(name: str, columns: int = 2) -> RichText:
    """The name as printed in a cell of a row of ``columns``: 三号, or smaller so that it takes
    at most ``MAX_LINES`` lines."""
    cell_pt = (geometry.TEXT_W / 20 / columns - 10.8) * FILL  # the cell less its margins
    size = SIZE
    while size > MIN_SIZE and display_width(name) * size / 2 > MAX_LINES * cell_pt:
        size -= 1
    if display_width(name) * size / 2 > cell_pt:  # broken between words, never inside one (教育帮/扶团队)
        name = "\n".join(split_title(name, limit=int(cell_pt / (size / 2))))
    return RichText(name, size=size) if size != SIZE else RichText(name)


def _cell(signer: Signer | None, *, label: str = "", sign_line: str = "", date: str = "", columns: int = 2) -> dict:
    if signer is None:
        return {"label": "", "sign_line": "", "name": "", "date": ""}
    return {"label": label, "sign_line": sign_line, "name": name_text(signer.name, columns), "date": date}


def _rows(cells: list[dict], columns: int) -> list[dict]:
    """Cells in rows of ``columns``, the last row filled from the right so that the last seal
    presses the date."""
    while len(cells) % columns:
        cells.insert(len(cells) - len(cells) % columns, _cell(None))
    return [{"cells": cells[i:i + columns], "labels": False, "sign_lines": False} for i in range(0, len(cells), columns)]


def joint(signers: list[Signer], date: str) -> dict:
    """Joint signers (a pairing's schools) in order, two or three to a row, the one date under
    the last (GB/T 9704 7.3.5.1)."""
    columns = columns_for(len(signers))
    rows = _rows([_cell(s, columns=columns) for s in signers], columns)
    rows[-1]["cells"][-1]["date"] = date
    return {"rows": rows}


def parties(signers: list[Signer], labels: list[str], sign_lines: list[str], date: str) -> dict:
    """Two parties side by side, each with a label, a line to sign by hand, name and date."""
    cells = [_cell(s, label=label, sign_line=line, date=date) for s, label, line in zip(signers, labels, sign_lines)]
    while len(cells) < 2:
        cells.insert(0, _cell(None))
    return {"rows": [{"cells": cells, "labels": any(labels), "sign_lines": any(sign_lines)}]}


def confirmations(signers: list[Signer], date: str) -> dict:
    """The bureaus that confirm an agreement, side by side (one bureau: on the right)."""
    return {"rows": _rows([_cell(s, date=date) for s in signers], 2)}
