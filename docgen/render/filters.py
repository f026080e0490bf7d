"""The Jinja filters templates may use: Chinese dates, numbers and ordinals."""
from __future__ import annotations

from ..text import cn_date, cn_num, join, ordinal, paren, paren_ordinal

FILTERS = {
    "cn_date": cn_date,
    "cn_num": cn_num,
    "join": join,
    "ordinal": ordinal,
    "paren": paren,
    "paren_ordinal": paren_ordinal,
}
