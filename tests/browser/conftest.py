"""The browser tests' fixtures: the workspace served on a free loopback port (in a thread of
the test process, converting with the session's warm pool), and Debian's chromium driven by
Playwright. A machine without chromium fails these tests saying why: never a silent skip."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--lang=zh-CN"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module's tests: Playwright's event loop stops with it (a loop left
    running in the main thread would break later asyncio.run calls, as pyHanko's)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"找不到 {CHROMIUM}：浏览器测试需要 Debian 的 chromium，请运行 bash scripts/setup.sh"
                    "（apt-get install chromium chromium-driver）", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("找不到 Python 包 playwright：请运行 bash scripts/setup.sh", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(small_copy, tmp_path, converters):
    """The workspace over a copy of gaotai (two pairings): (base URL, data folder, out folder)."""
    import uvicorn

    from docgen.serve.app import create_app

    data, out = small_copy.parent, tmp_path / "out"
    app = create_app(data, out, pool=converters, warm=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the workspace did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", data, out
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go: DOCGEN_SCREENSHOTS (the README's pictures) or the test's folder."""
    folder = Path(os.environ.get("DOCGEN_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str, full: bool = False) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full)
        return path

    shot.folder = folder
    yield shot
    if not os.environ.get("DOCGEN_SCREENSHOTS"):
        shutil.rmtree(folder, ignore_errors=True)
