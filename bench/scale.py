"""Benchmark of a bureau-scale batch, through the same pipeline the CLI runs.

    .venv/bin/python bench/scale.py [--pairings N] [--jobs J] [--with-5n] [--no-bundle]

Writes a synthetic programme of N pairings (default 200; two recipients each, a seal for
every party) and measures, into one output folder:
  1. ``docgen build`` (Word only), from scratch;
  2. the same build again, nothing changed (target <= 3 % of 1);
  3. one pairing file edited, build again (target <= 5 % of 1);
  4. ``docgen bundle``, then 5. the same bundle again (unchanged bundles skipped);
with the peak RSS of the main process and of every process it started (converters,
assembling workers), sampled from /proc. ``--with-5n`` repeats all of it at 5N.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

from docgen import pipeline
from docgen.authoring.specimen import write_specimen
from docgen.convert import default_jobs
from docgen.options import Options

ROOT = Path(__file__).resolve().parent.parent
SEAL = ROOT / "data" / "gaotai-2020" / "seals" / "sample-school.png"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid``, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip()
    except OSError:
        return "?"


class PeakRss:
    """The largest RSS one descendant process reached, by process name, sampled twice a second."""

    def __init__(self):
        self.peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.5):
            for pid in _children(me):
                name = _name(pid)
                self.peak[name] = max(self.peak.get(name, 0), _rss(pid))

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(what, *args, **kwargs) -> tuple[float, pipeline.Outcome]:
    started = time.perf_counter()
    outcome = what(*args, **kwargs)
    seconds = time.perf_counter() - started
    assert not outcome.failures and not outcome.problems, outcome.failures or outcome.problems
    return seconds, outcome


def measure(pairings: int, jobs: int, bundle: bool, work: Path) -> None:
    root = write_specimen(work / f"n{pairings}" / "specimen", pairings, 2, SEAL)
    out = work / f"n{pairings}" / "out"
    full, built = timed(pipeline.build, root, out)
    docs = len(built.documents)
    del built  # what a caller keeps is not the pipeline's memory
    print(f"\n== {pairings} pairings, {docs} documents, jobs={jobs}, {os.cpu_count()} CPUs ==")
    print(f"full build (Word)      : {full:8.2f} s  ({1000 * full / docs:.0f} ms/document)")
    noop, again = timed(pipeline.build, root, out)
    print(f"no-op rebuild          : {noop:8.2f} s  {100 * noop / full:6.2f} % of full (target <= 3 %); "
          f"{len(again.documents)} made, {len(again.unchanged)} unchanged")
    edited = root / "pairings" / "p001.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("提升薄弱学科质量。", "提升数学学科质量。"),
                      encoding="utf-8")
    one, after = timed(pipeline.build, root, out)
    print(f"one pairing edited     : {one:8.2f} s  {100 * one / full:6.2f} % of full (target <= 5 %); "
          f"{len(after.documents)} made")
    if bundle:
        with PeakRss() as children:
            first, bundled = timed(pipeline.bundle, root, out, Options(jobs=jobs))
        pages = sum(r.pages for r in bundled.bundles)
        print(f"bundle                 : {first:8.2f} s  {first / full:6.2f} x full; {len(bundled.bundles)} bundles, "
              f"{pages} pages, {pages / first:.1f} pages/s")
        rerun, again = timed(pipeline.bundle, root, out, Options(jobs=jobs))
        print(f"bundle re-run          : {rerun:8.2f} s  {100 * rerun / full:6.2f} % of full; "
              f"{len(again.bundles)} made, {again.unchanged_outputs} unchanged")
        for name, peak in sorted(children.peak.items(), key=lambda kv: -kv[1])[:3]:
            print(f"peak RSS of one {name:<16}: {peak / 2**20:7.1f} MB")
    print(f"peak RSS of the main process     : "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairings", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--with-5n", action="store_true", help="measure again at five times the pairings")
    parser.add_argument("--no-bundle", action="store_true", help="only the Word builds")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docgen-scale-"))
    try:
        for n in [args.pairings] + ([5 * args.pairings] if args.with_5n else []):
            # each N in a process of its own, so that its peak RSS is its own
            context = multiprocessing.get_context("spawn")
            child = context.Process(target=measure, args=(n, args.jobs, not args.no_bundle, work))
            child.start()
            child.join()
            shutil.rmtree(work / f"n{n}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
