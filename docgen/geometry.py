"""Page geometry of GB/T 9704-2012, in the units each stage works in.

Templates are built in twips (1/20 pt, Word's unit); seals and the PDF checks work in PDF
points measured from the bottom-left corner of the page. Each number carries the clause it
comes from; [实务] marks a value derived in practice rather than written in the standard
(see shared/GBT9704.md §1–2).
"""
from __future__ import annotations

MM_PT = 72 / 25.4
"""One millimetre in PDF points."""

# --------------------------------------------------------------- in twips (templates)

PAGE_W, PAGE_H = 11906, 16838
"""A4, 210 × 297 mm (5.1)."""
TOP, BOTTOM, LEFT, RIGHT = 2098, 1984, 1587, 1474
"""天头 37 mm, 订口 28 mm (5.2.1); 地脚 35 mm and 切口 26 mm follow from the type area."""
TEXT_W = PAGE_W - LEFT - RIGHT
"""版心 width, 156 mm (5.2.1): 8845 twips after rounding the margins."""
TEXT_H = PAGE_H - TOP - BOTTOM
"""版心 height, 225 mm (5.2.1)."""
LINE = 579
"""Exact line pitch: 22 lines in the 225 mm type area (5.2.3; 28.95 pt, [实务])."""
CHAR = 320
"""One 三号 character, 16 pt: the unit of 空二字 and 右空四字 (3.1, 7.3.3, 7.3.5)."""
FOOTER = 1418
"""Footer distance: the page number's 一字线 about 7 mm below the type area (7.5, [实务])."""
HEADER = 851
"""Header distance (no header is printed; Word needs a value)."""
MARK_SPACE = 1984
"""发文机关标志 top 35 mm below the top of the type area (7.2.4)."""

# ------------------------------------------------------------ in PDF points (PDFs)

PAGE_W_PT, PAGE_H_PT = 595.28, 841.89
"""A4 in points (5.1)."""
TYPE_LEFT, TYPE_RIGHT = 79.37, 521.57
"""The type area's left and right edges, 28 mm and 184 mm from the left (5.2.1)."""
LINE_PT = LINE / 20
"""Line pitch in points, 28.95 (5.2.3, [实务])."""
