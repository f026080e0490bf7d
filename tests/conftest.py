from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

MINI_PROGRAMME = """\
title: 测试县结对帮扶工作方案
bureau:
  name: 测试县教育局
  doc_code: 测教字
  contact: {name: 张某某, phone: "1234567"}
cycle:
  start: 2022-09-01
notices:
  - id: issue-plan
    doc_no: 测教字〔2022〕5号
    date: 2022-10-10
    title: 关于印发《测试县结对帮扶工作方案》的通知
    addressees: [各学校]
    body: [现将方案印发给你们。]
"""

MINI_PAIRING = """\
county: 测试县
supporter:
  name: 甲中学
  lead: {name: 王某某, position: 校长}
recipients:
  - name: 乙中学
  - name: 丙中学
"""


@pytest.fixture
def make_programme(tmp_path):
    """Write a programme folder from YAML strings; returns its path."""

    def make(programme: str = MINI_PROGRAMME, pairings: dict[str, str | bytes] | None = None) -> Path:
        root = tmp_path / "prog"
        (root / "pairings").mkdir(parents=True, exist_ok=True)
        (root / "programme.yaml").write_text(textwrap.dedent(programme), encoding="utf-8")
        for name, body in (pairings if pairings is not None else {"p1": MINI_PAIRING}).items():
            path = root / "pairings" / f"{name}.yaml"
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(textwrap.dedent(body), encoding="utf-8")
        return root

    return make


@pytest.fixture
def example_copy(tmp_path):
    """A writable copy of one example programme."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(DATA / name, target)
        return target

    return copy
