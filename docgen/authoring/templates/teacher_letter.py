"""The teachers' responsibility letter (教师结对帮扶责任书), or a programme's mentoring agreement."""
from __future__ import annotations

from ..blocks import letter
from ..writer import Writer


def build() -> Writer:
    return letter("教师结对帮扶责任书")
