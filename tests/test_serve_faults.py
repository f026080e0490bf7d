"""The workspace killed in the middle of a save or a build: after a restart no YAML is
half-written, no temporary or partial output stays, and the job says it failed and why."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest
from fastapi.testclient import TestClient

from docgen.load import load_programme
from docgen.serve.app import create_app
from docgen.serve.state import FAILED, INTERRUPTED, State
from tests.conftest import needs_libreoffice
from tests.helpers import ROOT
from tests.serve_helpers import Browser

PROG = "gaotai"


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_killed_in_the_middle_of_a_save(small_copy):
    data = small_copy.parent
    path = small_copy / "pairings" / "sanzhong.yaml"
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from docgen.serve.workspace import Workspace
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # dies between writing and renaming
        Workspace(Path({str(data)!r}), Path({str(data / "out")!r})).write(Path({str(path)!r}), b"county: \\u534a")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert done.returncode == -signal.SIGKILL
    assert path.read_bytes() == before  # the file is whole: the old version
    left = list(path.parent.glob(".tmp-*"))
    assert left, "the kill left its temporary file, as a real one would"
    assert load_programme(small_copy).pairing("sanzhong") is not None  # the loader does not take it for a pairing
    with TestClient(create_app(data, data / "out", warm=False)) as client:
        assert client.get(f"/p/{PROG}").status_code == 200
    assert not list(path.parent.glob(".tmp-*"))  # removed at start


def _offices_under(folder) -> list[int]:
    """The processes whose command line names ``folder`` (a converter's soffice names its profile there)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmd = f.read()
                with open(f"/proc/{entry}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if str(folder).encode() in cmd and state not in ("Z", "X"):
                found.append(int(entry))
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@needs_libreoffice
def test_killed_in_the_middle_of_a_build(small_copy, tmp_path):
    data, out = small_copy.parent, tmp_path / "out"
    port = _free_port()
    tmp = tmp_path / "tmp"  # the server's converters' folders, and so their LibreOffice profiles, are here
    tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    server = subprocess.Popen([sys.executable, "-m", "docgen", "serve", str(data), "-o", str(out), "--port", str(port),
                               "-j", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        browser = Browser(f"http://127.0.0.1:{port}")
        while True:
            try:
                browser.get("/")
                break
            except OSError:
                assert time.monotonic() < deadline, server.stdout.read1().decode()
                time.sleep(0.05)
        browser.post(f"/p/{PROG}/generate")
        state = State(data)
        deadline = time.monotonic() + 120
        while not (state.job(1) and state.job(1).status == "running" and state.job(1).stage in ("convert", "assemble")):
            assert time.monotonic() < deadline, "the build did not reach the conversion"
            time.sleep(0.05)
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the server, as a power cut or the OOM killer would
        server.wait(timeout=30)
    # its converters, in process groups of their own, see it gone and end their LibreOffice
    deadline = time.monotonic() + 60
    while offices := _offices_under(tmp):
        assert time.monotonic() < deadline, f"LibreOffice left running: {offices}"
        time.sleep(0.05)
    with TestClient(create_app(data, out, warm=False)) as client:
        job = client.app.state.state.job(1)
        assert job.status == FAILED and job.message == INTERRUPTED
        assert "服务在任务进行中停止" in client.get("/jobs/1").text
    leftovers = [p for p in out.rglob("*") if p.name.startswith((".tmp-", ".~lock.")) or p.name.endswith(".tmp")]
    assert leftovers == []
    for path in out.rglob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    for path in out.rglob("*.docx"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    assert load_programme(small_copy).ok  # the data folder validates
