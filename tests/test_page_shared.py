"""Pages read with one ``Shared`` hold each place, size, width and colour their glyphs repeat
once, and read exactly as pages read alone."""
from __future__ import annotations

from pypdf import PdfReader

from docgen.preflight.page import Glyph, Page, Shared, read
from tests.craft import write_pdf


def _pages(n: int) -> list[Page]:
    glyphs = [Glyph(ch, 90.0 + 16 * k, 700.0 - 30 * row, 16.0, "FandolFang-Regular", 16.0, (0.0, 0.0, 0.0))
              for row in range(3) for k, ch in enumerate("结对帮扶协议书")]
    red = [Glyph("文", 100.0, 780.0, 22.0, "FandolFang-Regular", 22.0, (1.0, 0.0, 0.0))]
    return [Page(595.304, 841.89, glyphs + red) for _ in range(n)]


def test_pages_read_together_share_their_numbers_and_read_as_pages_read_alone(tmp_path):
    path = write_pdf(_pages(3), tmp_path / "three.pdf")
    alone = [read(page) for page in PdfReader(path).pages]
    shared = Shared()
    together = [read(page, shared) for page in PdfReader(path).pages]
    assert [p.glyphs for p in together] == [p.glyphs for p in alone]
    assert [repr(p.glyphs) for p in together] == [repr(p.glyphs) for p in alone]
    glyphs = [g for p in together for g in p.glyphs]
    for field in ("x", "y", "size", "width", "color"):
        values = [getattr(g, field) for g in glyphs]
        assert len({id(v) for v in values}) == len(set(values)), field  # one object for each value
    loose = [g for p in alone for g in p.glyphs]
    assert len({id(g.x) for g in loose}) > len({g.x for g in loose})  # (read alone, they are not shared)
