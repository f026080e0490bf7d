"""Load test of a county's workspace (issue 21), on loopback only, bounded in count and time.

    .venv/bin/python bench/load.py [--clerks 20] [--pairings 200] [--rounds 12] [--seconds 600] [--kill-after 30]

A synthetic programme of N pairings (``docgen/authoring/specimen.py``) is served by ``docgen
serve`` in a process of its own, with accounts: one for the bureau and one school account per
clerk (clerk k is the office of 示例第k中学, the supporter of pairing p00k).

1. **Load.** The bureau signs in and generates every bundle of the programme (a job on the
   server's worker thread, LibreOffice converters busy) while each clerk, in its own thread
   and connection, signs in and for ``--rounds`` rounds: lists the programmes and the
   programme, opens its pairing, saves its summary section, opens its records and records an
   activity; every fourth round it also saves from a stale form (409, by design), every sixth
   it signs out and in again. Printed: throughput and p50/p95 latency per kind of request,
   every status not expected. Then the server is stopped and the data folder checked: every
   acknowledged write is in its YAML (each record exactly once, each pairing's summary the last
   one saved), the folder validates, and every write is in the audit log, which agrees with
   the files.
2. **Kill.** The server is started again (fresh output folder), the same load begins, and
   after ``--kill-after`` seconds the server and its converters get SIGKILL. After a restart:
   no temporary or half-written YAML, the folder validates, every write acknowledged before
   the kill is there, the audit log and the files agree, and the interrupted build is shown
   as failed.

Exit status 0 when every check holds, 1 otherwise. Figures, not timed assertions.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import SEAL, Client, _port, _stats  # noqa: E402
from docgen.authoring.specimen import write_specimen  # noqa: E402
from docgen.serve.accounts import Accounts  # noqa: E402
from docgen.serve.state import State  # noqa: E402
from tests.serve_helpers import body, form_with, replace  # noqa: E402

PASSWORD = "load-test-2026"
YEAR = "2022"
EXPECTED = {200, 303}
BY_DESIGN = {409}
"""A stale form's save (another version of the file was saved since it was drawn)."""


@dataclass
class Tally:
    """What one run measured and what the clerks were told was saved."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    unexpected: list[str] = field(default_factory=list)
    records: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    summaries: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, seconds: float, status: int, expected=EXPECTED, where: str = "") -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.statuses[status] += 1
            if status not in expected:
                self.unexpected.append(f"{kind} {where} -> {status}")


def _timed(client: Client, tally: Tally, kind: str, method: str, url: str, data=None, expected=EXPECTED):
    started = time.perf_counter()
    status, text, headers = client.request(method, url, data)
    tally.note(kind, time.perf_counter() - started, status, expected, url)
    return status, text, headers


def _login(client: Client, tally: Tally, name: str) -> None:
    _timed(client, tally, "login page", "GET", "/login")
    status, _, _ = _timed(client, tally, "login", "POST", "/login", {"name": [name], "password": [PASSWORD],
                                                                      "next": ["/"]})
    if status != 303:
        raise RuntimeError(f"{name} could not sign in ({status})")
    _timed(client, tally, "programmes", "GET", "/")  # the signed-in page: its form token


def clerk(port: int, k: int, rounds: int, deadline: float, tally: Tally, stop: threading.Event, phase: str) -> None:
    """Clerk k: the office of 示例第k中学 (pairing p00k), doing a school's day ``rounds`` times."""
    client = Client(port)
    pid = f"p{k:03d}"
    base = f"/p/specimen/pairing/{pid}"
    try:
        _login(client, tally, f"校{k:02d}")
        stale = None
        for i in range(rounds):
            if stop.is_set() or time.monotonic() > deadline:
                return
            _timed(client, tally, "programmes", "GET", "/")
            _timed(client, tally, "programme list", "GET", "/p/specimen")
            status, page, _ = _timed(client, tally, "pairing form", "GET", base)
            form = form_with(page, f"/pairing/{pid}")
            # no space between a digit and a Han character: the loader sets them together, as
            # official documents do, and the check below compares what was saved with what is read
            marker = f"{phase}总结 c{k:02d}号第{i}次"
            fields = replace(form["fields"], "summaries.0.overview", marker)
            status, _, _ = _timed(client, tally, "save summary", "POST", form["action"], body(fields))
            if status == 303:
                with tally.lock:
                    tally.summaries[k].append(marker)
            if i % 4 == 3 and stale is not None:  # a form drawn before the last save: refused, kept
                _timed(client, tally, "stale save (409)", "POST", stale["action"],
                       body(replace(stale["fields"], "summaries.0.overview", f"{phase}过期表单 c{k:02d}号第{i}次")), BY_DESIGN)
            stale = form
            _timed(client, tally, "activity records", "GET", f"{base}/activities?year={YEAR}")
            status, page, _ = _timed(client, tally, "record form", "GET", f"{base}/activities/{YEAR}/record/new")
            form = form_with(page, "/record/new")
            marker = f"{phase}记录 c{k:02d}号第{i}次"
            fields = form["fields"] + [("date", "2022-11-15"), ("type", "lecture"), ("description", marker),
                                       ("person_times", "3")]
            status, _, _ = _timed(client, tally, "record activity", "POST", form["action"], body(fields))
            if status == 303:
                with tally.lock:
                    tally.records[k].append(marker)
            if i % 6 == 5:
                _timed(client, tally, "logout", "POST", "/logout", {})
                _login(client, tally, f"校{k:02d}")
    except Exception as error:  # noqa: BLE001 - a connection the kill cut, or a fault: told, not hidden
        if not stop.is_set():
            with tally.lock:
                tally.unexpected.append(f"clerk {k}: {type(error).__name__}: {error}")


def bureau(port: int, tally: Tally, stop: threading.Event, done: dict) -> None:
    """The bureau: signs in, generates every bundle, and watches the list while it runs."""
    client = Client(port)
    try:
        _login(client, tally, "局")
        started = time.perf_counter()
        status, _, headers = _timed(client, tally, "generate all", "POST", "/p/specimen/generate", {})
        job = int(headers["location"].rsplit("/", 1)[1])
        done["job"] = job
        while not stop.is_set():
            _, text, _ = _timed(client, tally, "job progress", "GET", f"/jobs/{job}/progress")
            state = re.search(r'data-status="(\w+)"', text).group(1)
            if state not in ("waiting", "running"):
                done["status"], done["seconds"] = state, time.perf_counter() - started
                return
            _timed(client, tally, "programme list (bureau)", "GET", "/p/specimen")
            stop.wait(2)
    except Exception as error:  # noqa: BLE001
        if not stop.is_set():
            tally.unexpected.append(f"bureau: {type(error).__name__}: {error}")


def start_server(data: Path, out: Path, port: int, jobs: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "docgen", "serve", str(data), "-o", str(out), "--port", str(port),
                               "-j", str(jobs)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 90
    while True:
        try:
            Client(port).request("GET", "/login")
            return server
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop_server(server: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(server.pid, sig)
        server.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def run_load(port: int, clerks: int, rounds: int, seconds: float, kill_after: float | None,
             server: subprocess.Popen, phase: str) -> tuple[Tally, dict, float]:
    tally, done, stop = Tally(), {}, threading.Event()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=bureau, args=(port, tally, stop, done), daemon=True)]
    threads += [threading.Thread(target=clerk, args=(port, k, rounds, deadline, tally, stop, phase), daemon=True)
                for k in range(1, clerks + 1)]
    started = time.perf_counter()
    threads[0].start()
    while "job" not in done and threads[0].is_alive() and time.monotonic() < deadline:
        time.sleep(0.1)  # the build is under way before the clerks begin
    for t in threads[1:]:
        t.start()
    if kill_after is not None:
        time.sleep(kill_after)
        busy = sum(t.is_alive() for t in threads[1:])
        print(f"  at the kill: {busy} of {len(threads) - 1} clerks still working, "
              f"{sum(map(len, tally.records.values())) + sum(map(len, tally.summaries.values()))} writes acknowledged")
        stop.set()
        os.killpg(server.pid, signal.SIGKILL)  # the server and its converters, as a power cut would
        server.wait(timeout=30)
    for t in threads[1:]:
        t.join(timeout=max(1.0, deadline - time.monotonic() + 5))
    wall = time.perf_counter() - started
    if kill_after is None:
        threads[0].join(timeout=max(1.0, deadline - time.monotonic()))
        stop.set()
    return tally, done, wall


def report(tally: Tally, wall: float) -> None:
    total = sum(len(v) for v in tally.times.values())
    print(f"requests: {total} in {wall:.1f} s = {total / wall:.1f} requests/s; statuses "
          + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())))
    for kind in sorted(tally.times, key=lambda k: -len(tally.times[k])):
        print(f"  {kind:<24} {_stats(tally.times[kind])}")
    print(f"  acknowledged writes: {sum(map(len, tally.records.values()))} records, "
          f"{sum(map(len, tally.summaries.values()))} summary saves")


def check(root: Path, data: Path, tally: Tally, killed: bool) -> list[str]:
    """Every acknowledged write in its YAML, the folder valid, the audit log agreeing with it."""
    import yaml

    from docgen.load import load_programme
    from docgen.serve.audit import Audit

    failures = []
    leftovers = [p for p in data.rglob(".tmp-*")]
    if leftovers:
        failures.append(f"temporary files left: {leftovers[:3]}")
    for path in root.rglob("*.yaml"):
        try:
            yaml.safe_load(path.read_text("utf-8"))
        except Exception as error:  # noqa: BLE001
            failures.append(f"{path.relative_to(data)} does not parse: {error}")
    loaded = load_programme(root)
    if loaded.problems:
        failures.append(f"the folder does not validate: {[str(p) for p in loaded.problems[:3]]}")
    for k, markers in tally.records.items():
        records = yaml.safe_load((root / "activities" / YEAR / f"p{k:03d}.yaml").read_text("utf-8"))["records"]
        described = [r.get("description") for r in records]
        for marker in markers:
            count = described.count(marker)
            if count != 1:
                failures.append(f"record “{marker}” is in p{k:03d}'s file {count} times (acknowledged once)")
    state = State(data)
    audit = Audit(state, data)
    with state.connect() as db:
        pending = db.execute("SELECT COUNT(*) FROM audit WHERE state='pending'").fetchone()[0]
    if pending:
        failures.append(f"{pending} audit entries still pending")
    for k, markers in tally.summaries.items():
        pairing = loaded.pairing(f"p{k:03d}")
        overview = pairing.summaries[0].overview if pairing and pairing.summaries else ""
        if markers and overview != markers[-1] and not (killed and overview.startswith(f"{markers[-1].split('总结')[0]}总结 c{k:02d}号")):
            failures.append(f"p{k:03d}'s summary is “{overview}”, the last saved was “{markers[-1]}”")
        diffs = "\n".join(e.diff for e in audit.entries("specimen", f"p{k:03d}", limit=10000))
        for marker in markers:
            if f"overview: {marker}" not in diffs:
                failures.append(f"summary save “{marker}” is not in the audit log")
    for k, markers in tally.records.items():
        diffs = "\n".join(e.diff for e in audit.entries("specimen", f"p{k:03d}", limit=10000))
        missing = [m for m in markers if m not in diffs]
        if missing:
            failures.append(f"{len(missing)} records of p{k:03d} not in the audit log")
    disagree = audit.disagreements()
    if disagree:
        failures.append(f"audit log and files disagree: {disagree[:3]}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--pairings", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=12, help="rounds of a school's day per clerk")
    parser.add_argument("--seconds", type=float, default=600, help="the load stops after this long whatever is left")
    parser.add_argument("--kill-after", type=float, default=30, help="seconds of load before SIGKILL (0: no kill phase)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.clerks > args.pairings:
        parser.error("one pairing per clerk: --clerks <= --pairings")
    work = Path(tempfile.mkdtemp(prefix="docgen-load-"))
    failures: list[str] = []
    try:
        data = work / "data"
        root = write_specimen(data / "specimen", args.pairings, 2, SEAL)
        accounts = Accounts(State(data))
        accounts.add("局", "bureau", "", PASSWORD)
        for k in range(1, args.clerks + 1):
            accounts.add(f"校{k:02d}", "school", f"示例第{k}中学", PASSWORD)
        print(f"== {args.clerks} clerks, {args.pairings} pairings, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f} ({time.strftime('%Y-%m-%d %H:%M')}) ==")
        port = _port()
        server = start_server(data, work / "out", port, args.jobs)
        try:
            tally, done, wall = run_load(port, args.clerks, args.rounds, args.seconds, None, server, "负载")
        finally:
            stop_server(server)
        report(tally, wall)
        build = f"{done.get('seconds', 0):.0f} s, {done.get('status', 'still running when the load ended')}"
        print(f"  bureau's build of every bundle: {build}")
        failures += [f"load: {u}" for u in tally.unexpected]
        failures += [f"load: {f}" for f in check(root, data, tally, killed=False)]
        print(f"load average after: {os.getloadavg()[0]:.2f}")

        if args.kill_after:
            print(f"\n== SIGKILL after {args.kill_after:g} s of the same load ==")
            port = _port()
            server = start_server(data, work / "out2", port, args.jobs)
            tally, done, wall = run_load(port, args.clerks, args.rounds, args.seconds, args.kill_after, server, "强停")
            report(tally, wall)
            failures += [f"kill: {u}" for u in tally.unexpected if "Connection" not in u and "Remote" not in u]
            left = list(data.rglob(".tmp-*"))
            print(f"  after the kill: {len(left)} temporary files in the data folder (removed at the next start)")
            server = start_server(data, work / "out2", _port(), args.jobs)  # the restart
            stop_server(server)
            job = done.get("job")
            with sqlite3.connect(data / ".docgen" / "workspace.sqlite3") as db:
                row = db.execute("SELECT status, message FROM jobs WHERE id=?", (job,)).fetchone() if job else None
            print(f"  the interrupted build after restart: {row[0] if row else '?'} ({row[1][:40] if row else ''}…)")
            if not row or row[0] != "failed":
                failures.append(f"kill: the interrupted job is {row}")
            failures += [f"kill: {f}" for f in check(root, data, tally, killed=True)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nchecks: " + ("all hold" if not failures else f"{len(failures)} failed"))
    for failure in failures[:40]:
        print(f"  FAILED {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
