"""Benchmark of the browser workspace (``docgen serve``), as a clerk meets it.

    .venv/bin/python bench/serve.py [--pairings 200 1000] [--requests 30] [--jobs 2] [--build-all]
                                    [--build-for SECONDS]

For each size, a synthetic programme (``docgen/authoring/specimen.py``, two recipients per
pairing, a seal for every party) is served by ``docgen serve`` in a process of its own, and
measured over loopback HTTP:
  1. p50/p95 of every kind of page (targets: p95 <= 150 ms);
  2. save-and-validate of one pairing through its form (target <= 100 ms);
  3. after that edit, the pairing's bundle ready with the server's warm converters, against
     ``docgen bundle -p`` from a cold start (target <= 3 s warm);
  4. the server's RSS idle, and its lowest and highest while the list is read and bundles
     are built (target <= 300 MB, flat); the converters' RSS is printed apart; with
     ``--build-for``, over that long a 生成全部 (its Word files first), a line a minute.
The load average before and after says how busy the machine was. Figures, not pass/fail.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import _children, _rss  # noqa: E402
from docgen.authoring.specimen import write_specimen  # noqa: E402
from docgen.convert import default_jobs  # noqa: E402
from tests.serve_helpers import body as _body  # noqa: E402
from tests.serve_helpers import form_with, replace  # noqa: E402

SEAL = ROOT / "data" / "gaotai-2020" / "seals" / "sample-school.png"


class Client:
    """One keep-alive HTTP connection to the server, with the browser's cookies; every POST
    carries the form token (CSRF) of the last page read, as the pages' forms do."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, url: str, body: dict[str, list[str]] | None = None) -> tuple[int, str, dict]:
        if body is not None:
            body = {**body, "_csrf": [self.token]}
        data = urlencode(body or {}, doseq=True).encode() if body is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, url, body=data, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):  # idle keep-alive closed
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            self.conn.request(method, url, body=data, headers=headers)
            response = self.conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
                if "Max-Age=0" in value:
                    self.cookies.pop(key, None)
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return response.status, text, dict(response.getheaders())

    def timed(self, method: str, url: str, body=None) -> tuple[float, int, str, dict]:
        started = time.perf_counter()
        status, text, headers = self.request(method, url, body)
        return time.perf_counter() - started, status, text, headers


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stats(seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms  (n={len(ms)})"


def _wait_job(client: Client, job: int, limit: float = 3600) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        _, text, _ = client.request("GET", f"/jobs/{job}/progress")
        status = re.search(r'data-status="(\w+)"', text).group(1)
        if status not in ("waiting", "running"):
            return status
        time.sleep(0.05)
    return "timeout"


class RssWatch:
    """The server's RSS sampled every 0.2 s while something runs: lowest and highest, and when
    the highest came (``highest_at``: seconds since the watch began)."""

    def __init__(self, pid: int):
        self.pid, self.samples, self.times = pid, [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.perf_counter()

    def _run(self):
        while not self._stop.wait(0.2):
            self.samples.append(_rss(self.pid))
            self.times.append(time.perf_counter() - self._started)

    @property
    def highest_at(self) -> float:
        return self.times[self.samples.index(max(self.samples))]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def measure(pairings: int, requests: int, jobs: int, build_all: bool, work: Path, build_for: float = 0) -> None:
    data = work / f"n{pairings}" / "data"
    root = write_specimen(data / "specimen", pairings, 2, SEAL)
    out = work / f"n{pairings}" / "out"
    port = _port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "docgen", "serve", str(data), "-o", str(out), "--port", str(port),
                               "-j", str(jobs)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client = Client(port)
                client.request("GET", "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        time.sleep(8)  # the converters start at start-up
        print(f"\n== {pairings} pairings, jobs={jobs}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} ==")
        print(f"server RSS idle                : {_rss(server.pid) / 2**20:7.1f} MB "
              f"(converters: {sum(_rss(c) for c in _children(server.pid)) / 2**20:.0f} MB in {len(_children(server.pid))} processes)")
        first = "p001"
        pages = {"programmes": "/", "programme (whole list)": "/p/specimen",
                 "search in the list": "/p/specimen/rows?" + urlencode({"q": "p05", "sort": "status"}),
                 "pairing form": f"/p/specimen/pairing/{first}",
                 "activity records": f"/p/specimen/pairing/{first}/activities",
                 "documents": f"/p/specimen/pairing/{first}/documents", "roll-up": "/p/specimen/report"}
        for name, url in pages.items():
            cold, status, _, _ = client.timed("GET", url)
            assert status == 200, (url, status)
            times = [client.timed("GET", url)[0] for _ in range(requests)]
            print(f"page {name:<26}: {_stats(times)}  first {1000 * cold:.0f} ms")
        _, form_page, _ = client.request("GET", f"/p/specimen/pairing/{first}")
        form = form_with(form_page, f"/pairing/{first}")
        saves = []
        for i in range(requests):
            _, page, _ = client.request("GET", f"/p/specimen/pairing/{first}")
            form = form_with(page, f"/pairing/{first}")
            fields = replace(form["fields"], "key_target", f"提升课堂教学质量（第 {i} 次修改）")
            seconds, status, _, _ = client.timed("POST", form["action"], _body(fields))
            assert status == 303, status
            saves.append(seconds)
        print(f"save-and-validate one pairing  : {_stats(saves)}")

        # the edit, then its bundle with the warm converters (one before, to have the Word files)
        job = _submit(client, f"/p/specimen/pairing/{first}/generate")
        assert _wait_job(client, job) == "done"
        warms = []
        for i in range(3):  # three edits, each followed by its bundle
            _, page, _ = client.request("GET", f"/p/specimen/pairing/{first}")
            form = form_with(page, f"/pairing/{first}")
            started = time.perf_counter()
            client.request("POST", form["action"], _body(replace(form["fields"], "key_target", f"提升数学学科质量（{i}）。")))
            job = _submit(client, f"/p/specimen/pairing/{first}/generate")
            status = _wait_job(client, job)
            warms.append(time.perf_counter() - started)
            time.sleep(3)  # as a clerk looks at the result: the server gives back memory when idle
        warm = statistics.median(warms)
        cli_out = work / f"n{pairings}" / "out-cli"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "docgen", "bundle", str(root), "-p", first, "-o", str(cli_out), "-j",
                        str(jobs)], cwd=ROOT, env=env, capture_output=True)
        cold = time.perf_counter() - started
        print(f"edit -> bundle ready (warm)    : {warm:7.2f} s median of {', '.join(f'{w:.2f}' for w in warms)} ({status});  "
              f"docgen bundle -p, cold start: {cold:.2f} s ({cold / warm:.1f}x)")

        with RssWatch(server.pid) as watch:
            for _ in range(max(3, requests // 5)):
                client.request("GET", "/p/specimen")
            url = "/p/specimen/generate"
            if not build_all:
                url = f"/p/specimen/pairing/p{min(pairings, 10):03d}/generate"
            started = time.perf_counter()
            job = _submit(client, url)
            while True:
                status = _wait_job(client, job, 0.5)
                client.request("GET", "/p/specimen")
                if status != "timeout":
                    break
            built = time.perf_counter() - started
        low, high = min(watch.samples) / 2**20, max(watch.samples) / 2**20
        what = "all bundles" if build_all else "one more bundle"
        print(f"server RSS listing + {what:<15}: {low:6.1f} .. {high:6.1f} MB ({built:.0f} s, {status})")
        if build_for:
            _long_build(client, server.pid, build_for)
        print(f"load average after             : {os.getloadavg()[0]:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _long_build(client: Client, pid: int, seconds: float) -> None:
    """生成全部 for ``seconds`` (then cancelled), the list read between polls: the server's RSS
    over time (a line a minute, with the stage reached and the load), its lowest and highest."""
    print(f"生成全部 for {seconds:.0f} s, the list read between polls:")
    started = time.perf_counter()
    polls: list[tuple[float, str]] = []  # (seconds, where the job was) of every poll
    with RssWatch(pid) as watch:
        job = _submit(client, "/p/specimen/generate")
        shown, status = 0.0, "running"
        while status in ("waiting", "running"):
            _, text, _ = client.request("GET", f"/jobs/{job}/progress")
            status = re.search(r'data-status="(\w+)"', text).group(1)
            found = re.search(r'<p>([^<：]+)：(\d+)/(\d+)', text)
            where = f"{found.group(1)} {found.group(2)}/{found.group(3)}" if found else status
            polls.append((time.perf_counter() - started, where))
            client.request("GET", "/p/specimen")
            elapsed = time.perf_counter() - started
            if elapsed - shown >= 60 or status not in ("waiting", "running"):
                shown = elapsed
                print(f"  {elapsed:5.0f} s  RSS {_rss(pid) / 2**20:6.1f} MB  {where:<24} load {os.getloadavg()[0]:.2f}")
            if elapsed > seconds and status in ("waiting", "running"):
                client.request("POST", f"/jobs/{job}/cancel", {})
                seconds = float("inf")
            time.sleep(0.5)
    low, high = min(watch.samples) / 2**20, max(watch.samples) / 2**20
    print(f"server RSS over 生成全部      : {low:6.1f} .. {high:6.1f} MB ({time.perf_counter() - started:.0f} s, {status})")
    at = watch.highest_at
    before = [where for t, where in polls if t <= at][-1:] or ["(before the first poll)"]
    after = [where for t, where in polls if t > at][:1] or ["(after the last poll)"]
    print(f"  the highest at {at:.0f} s: between the polls that read {before[0]!r} and {after[0]!r}")
    time.sleep(5)  # the server gives back what the job freed after 2 s without a job (serve/jobs.py IDLE)
    print(f"server RSS 5 s after it, idle : {_rss(pid) / 2**20:6.1f} MB")


def _submit(client: Client, url: str) -> int:
    status, _, headers = client.request("POST", url, {})
    assert status == 303, status
    return int(headers["location"].rsplit("/", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairings", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--build-all", action="store_true", help="build every bundle while listing (long at 1 000)")
    parser.add_argument("--build-for", type=float, default=0, metavar="SECONDS",
                        help="then 生成全部 for this long (cancelled after), the server's RSS printed each minute")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docgen-serve-bench-"))
    try:
        for n in args.pairings:
            measure(n, args.requests, args.jobs, args.build_all, work, args.build_for)
            shutil.rmtree(work / f"n{n}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
