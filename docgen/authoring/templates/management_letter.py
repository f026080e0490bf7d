"""The responsibility letter (责任书) of the school leaders, middle managers and subject groups."""
from __future__ import annotations

from ..blocks import letter
from ..writer import Writer


def build() -> Writer:
    return letter("管理帮扶责任书")
