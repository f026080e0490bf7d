"""A submission bundle's cover and table of contents."""
from __future__ import annotations

from ..writer import Writer


def build() -> Writer:
    """Cover and table of contents of a submission bundle."""
    w = Writer("封面和目录", page_numbers=False)
    w.blank()
    w.tag("if spacious")  # a long list of schools takes the room of the blank lines
    w.blank(2)
    w.tag("endif")
    w.loop("for line in title_lines", "{{ line }}", "CoverTitle")
    w.blank()
    w.loop("for line in subtitle_lines", "{{ line }}", "CoverText")
    w.blank()
    w.tag("if spacious")
    w.blank(2)
    w.tag("endif")
    w.loop("for p in parties", "{{ p }}", "CoverText")
    w.tag("if date")
    w.blank()
    w.p("{{ date }}", "CoverText")
    w.tag("endif")
    w.p("目　　录", "DocTitleNewPage")
    w.blank()
    w.table([("序号", 8, "{{ e.no }}"), ("文件", 60, "<{{r e.title }}"), ("页数", 10, "{{ e.pages }}"),
             ("PDF页码", 12, "{{ e.start }}")], "for e in entries")
    w.p("", "EndMark")
    return w
