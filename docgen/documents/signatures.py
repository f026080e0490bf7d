"""Signature blocks: where each party signs and is sealed, built from the kind's signers.

Every block is a borderless table of rows (see ``authoring.layout.signature_table``): an
optional label row (甲方（盖章）), an optional row for handwritten signatures (负责人（签字）：),
a sealed row of fixed height holding the names and the dates, and a reserve row below it.
The sealed row cannot split across pages and is as tall as a seal, so every seal stays on
the page and in the type area, above nothing but its own party's name and date;
handwriting is above it (GB/T 9704 7.3.5.1: seals in order, side by side, neither
overlapping nor touching).

Joint signers (GB/T 9704 7.3.5.1, 联合行文) stand at most three to a row, in rows of one,
two or three equal cells, each name centred in its cell so that its seal is centred over
it. A name is printed at 三号 on one or two lines: a name too long for two lines of its
cell gets a wider cell (fewer to a row) or a row of its own, and only a name that needs
more than two lines even so, or a block that would otherwise not fit a page, is set
smaller. Dates: a date to be written by hand (年　月　日) stands under every party; a date
the data gives stands once, under the last party, whose seal presses name and date (the
成文日期 of a joint document). A date always stays on one line.
"""
from __future__ import annotations

from dataclasses import dataclass

from docxtpl import RichText

from .. import geometry
from ..text import BLANK_DATE
from .signers import Signer
from .typography import em_width, split_title

SIZE = 32
"""三号, in half-points."""
MIN_SIZE = 20
"""10 pt: the smallest size a name is shrunk to."""
MAX_LINES = 2
"""A name takes at most two lines of its cell."""
FILL = 0.94
"""The share of a cell's width a line of a name is counted to fill (a margin for the
converter's measures)."""
CELL_MARGINS = 10.8
"""Word's left and right cell margins together (2 × 108 twips), in points."""
MAX_ROWS = 3
"""Rows of seals a joint block may take: each is five lines (a seal's height and a reserve
line), so three rows leave room on the page for the body text the block stays with."""


def cell_width(columns: int) -> float:
    """The inner width (points) of a cell in a row of ``columns`` equal cells."""
    return geometry.TEXT_W / 20 / columns - CELL_MARGINS


@dataclass(frozen=True)
class Fitted:
    """A name as it is set in a cell: its lines and its size in half-points."""

    lines: tuple[str, ...]
    size: int

    @property
    def shrunk(self) -> int:
        return SIZE - self.size


def fit_name(name: str, width_pt: float) -> Fitted:
    """``name`` in a cell ``width_pt`` wide: 三号 on one or two lines broken between words
    when it fits so, else the largest smaller size that fits two lines (three lines at the
    smallest size, for a name too long for anything else)."""
    for size in range(SIZE, MIN_SIZE - 1, -1):
        limit = width_pt * FILL / (size / 2)
        lines = split_title(name, limit=limit, width=em_width)
        if len(lines) <= MAX_LINES and all(em_width(line) <= limit for line in lines):
            return Fitted(tuple(lines), size)
    limit = width_pt * FILL / (MIN_SIZE / 2)
    return Fitted(tuple(split_title(name, limit=limit, width=em_width)), MIN_SIZE)


def name_text(fitted: Fitted) -> RichText:
    text = "\n".join(fitted.lines)
    return RichText(text, size=fitted.size) if fitted.size != SIZE else RichText(text)


def date_text(date: str, width_pt: float) -> str:
    """A date that stays on one line of its cell: a blank date form loses some of its spaces
    in a narrow cell (年　月　日 with room to write in it)."""
    if not date or em_width(date) * SIZE / 2 <= width_pt * FILL:
        return date
    if date == BLANK_DATE:
        return "\u3000\u3000年\u3000月\u3000日"
    return date


@dataclass(frozen=True)
class Row:
    """A row of a joint block: ``columns`` equal cells, its parties in the right-most ones."""

    columns: int
    parties: tuple[int, ...]


def _uniform(count: int, columns: int) -> list[Row]:
    rows, at = [], 0
    while at < count:
        take = min(columns, count - at)
        rows.append(Row(columns, tuple(range(at, at + take))))
        at += take
    return rows


def _solo(fits: list[dict[int, Fitted]], columns: int) -> list[Row]:
    """Rows of ``columns``, except that a name that would be shrunk there gets a row of its own."""
    rows: list[Row] = []
    current: list[int] = []
    for i, fitted in enumerate(fits):
        if fitted[columns].shrunk and not fitted[1].shrunk:
            if current:
                rows.append(Row(columns, tuple(current)))
                current = []
            rows.append(Row(1, (i,)))
            continue
        current.append(i)
        if len(current) == columns:
            rows.append(Row(columns, tuple(current)))
            current = []
    if current:
        rows.append(Row(columns, tuple(current)))
    return rows


def default_columns(count: int) -> int:
    """Joint signers to a row when every name fits: three when that saves a row (3, 5, 6 or
    more signers), else two; never more than three seals side by side (GB/T 9704 7.3.5.1)."""
    return 3 if count == 3 or count >= 5 else 2


def plan_rows(names: list[str], max_rows: int = MAX_ROWS) -> tuple[list[Row], list[Fitted]]:
    """The rows of a joint block, and each name as set in its cell: the layout that shrinks
    no name (or the fewest points), in the fewest rows, closest to the usual two or three to
    a row, with the fewest empty cells, among those of at most ``max_rows`` rows (or the
    fewest rows, if none is)."""
    fits = [{c: fit_name(name, cell_width(c)) for c in (1, 2, 3)} for name in names]
    usual = default_columns(len(names))
    candidates = []
    for columns in (3, 2, 1):
        for rows in (_uniform(len(names), columns), _solo(fits, columns)):
            if columns == 3 and len(names) < 3:
                continue
            set_as = [fits[i][row.columns] for row in rows for i in row.parties]
            blanks = sum(row.columns - len(row.parties) for row in rows)
            key = (len(rows) > max_rows, sum(len(f.lines) > MAX_LINES for f in set_as), sum(f.shrunk for f in set_as),
                   len(rows), blanks, columns != usual, len({row.columns for row in rows}))
            candidates.append((key, rows))
    rows = min(candidates, key=lambda c: c[0])[1]
    fitted = [fits[i][row.columns] for row in rows for i in row.parties]
    order = [i for row in rows for i in row.parties]
    return rows, [fitted[order.index(i)] for i in range(len(names))]


def _cell(signer: Signer | None, fitted: Fitted | None = None, *, label: str = "", sign_line: str = "",
          date: str = "", columns: int = 2) -> dict:
    if signer is None or fitted is None:
        return {"label": "", "sign_line": "", "name": "", "date": ""}
    return {"label": label, "sign_line": sign_line, "name": name_text(fitted),
            "date": date_text(date, cell_width(columns))}


def _block(signers: list[Signer], dates: list[str], max_rows: int = MAX_ROWS) -> dict:
    rows, fitted = plan_rows([s.name for s in signers], max_rows)
    out = []
    for row in rows:
        cells = [_cell(signers[i], fitted[i], date=dates[i], columns=row.columns) for i in row.parties]
        cells = [_cell(None)] * (row.columns - len(cells)) + cells  # filled from the right
        out.append({"cells": cells, "labels": False, "sign_lines": False})
    return {"rows": out}


def joint(signers: list[Signer], date: str) -> dict:
    """Joint signers (a pairing's schools) in order, at most three to a row. A date to fill
    in by hand stands under each party; a given date once, under the last (GB/T 9704
    7.3.5.1: the last seal presses its name and the 成文日期)."""
    dates = [date] * len(signers) if date == BLANK_DATE else [""] * (len(signers) - 1) + [date]
    return _block(signers, dates)


def parties(signers: list[Signer], labels: list[str], sign_lines: list[str], date: str) -> dict:
    """Two parties side by side, each with a label, a line to sign by hand, name and date."""
    cells = [_cell(s, fit_name(s.name, cell_width(2)), label=label, sign_line=line, date=date)
             for s, label, line in zip(signers, labels, sign_lines, strict=False)]
    while len(cells) < 2:
        cells.insert(0, _cell(None))
    return {"rows": [{"cells": cells, "labels": any(labels), "sign_lines": any(sign_lines)}]}


def confirmations(signers: list[Signer], date: str) -> dict:
    """The bureaus that confirm an agreement, side by side (one bureau: on the right), each
    with the date of its confirmation."""
    if not signers:
        return {"rows": []}
    return _block(signers, [date] * len(signers), max_rows=2)
