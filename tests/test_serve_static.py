"""The workspace's front-end files: vendored, pinned by hash, with their licence; no page
loads anything from outside the machine."""
from __future__ import annotations

import hashlib
import re

from tests.helpers import ROOT

STATIC = ROOT / "docgen" / "serve" / "static"
TEMPLATES = ROOT / "docgen" / "serve" / "templates"


def test_vendored_files_match_their_recorded_hashes():
    table = (STATIC / "vendor" / "VENDOR.md").read_text("utf-8")
    rows = re.findall(r"^\| (\S+\.js) \|.*?\| ([0-9a-f]{64}) \| ([0-9a-f]{64}) \|", table, re.M)
    assert {name for name, _, _ in rows} == {p.name for p in (STATIC / "vendor").glob("*.js")}
    for name, _, file_hash in rows:
        assert hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest() == file_hash, name
    assert "Zero-Clause BSD" in (STATIC / "vendor" / "LICENSE-htmx.txt").read_text("utf-8")


def test_htmx_is_the_pinned_2_0_line():
    text = (STATIC / "vendor" / "htmx-2.0.11.min.js").read_text("utf-8")
    assert 'version:"2.0.11"' in text.replace(" ", "")


def test_pages_load_nothing_from_outside():
    for path in list(TEMPLATES.glob("*.html")) + list(STATIC.glob("*.css")) + list(STATIC.glob("*.js")):
        text = path.read_text("utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
        assert "@import" not in text, path
