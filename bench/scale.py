"""Benchmark of a bureau-scale batch, through the same pipeline the CLI runs.

    .venv/bin/python bench/scale.py [--pairings N] [--jobs J] [--with-5n] [--sizes 200,1000]
                                    [--no-bundle] [--no-build-steps] [--shard I/K]

Writes a synthetic programme of N pairings (default 200; two recipients each, a seal for
every party) and measures, into one output folder:
  1. ``docgen build`` (Word only), from scratch;
  2. the same build again, nothing changed (target <= 3 % of 1);
  3. one pairing file edited, build again (target <= 5 % of 1);
  4. ``docgen bundle``, then 5. the same bundle again (unchanged bundles skipped);
with the peak RSS of the bundle's own process (run in a process of its own, as a user runs
``docgen bundle`` after ``docgen build``) and of every process it started (LibreOffice, its
UNO bridges, the assembling workers), sampled from /proc; and the parts of the bundle stage
(planning, compose, convert, assemble, preflight, PDF/A). ``--with-5n`` measures again at
5N, ``--sizes`` at each size given; the last table gives each figure as a ratio to the
first size's, measured in the same run (targets: page rate within 5 %, RSS <= 250 MB and
flat, overhead beyond conversion <= 10 %).

``--shard I/K`` makes only shard I of K of each programme (as ``docgen build/bundle --shard``
does in one pod of an Indexed Job): the whole programme is loaded and checked, a 1/K of its
pairings is built and bundled. ``--sizes 5000 --shard 1/25`` thus measures, in about the time
of a 200-pairing run, what holding a 5,000-pairing programme costs the main process and
whether it slows the bundles down. A size in ``--sizes`` may carry its own shard
(``--sizes 200,5000:0/4``: the whole of 200 pairings, then shard 0 of 4 of 5,000 — about as
many bundles as 1,000 pairings — in one run, so that their ratios are measured together).
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
from docgen.shards import Shard, parse_shard

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


def _pss(pid: int) -> int:
    """The proportional set size of ``pid`` (its shared pages divided among the processes
    sharing them): summed over processes, what their memory costs together."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _cmdline(pid: int) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().split(b"\0")
    except OSError:
        return []


FORKED = "main, forked to start a program"


def _role(pid: int, main: list[bytes]) -> str:
    """What a process started by the bundle is: LibreOffice, its UNO bridge, or a docgen
    worker (the fork server and the assembling workers forked from it). A process with the
    main process's own command line is the main process forked to start a converter, caught
    before it runs the program: it shares the main process's pages, and /proc counts them all
    as its own (once seen as a 300 MB "worker")."""
    argv = _cmdline(pid)
    if not argv:
        return "?"
    if argv == main:
        return FORKED
    line = b" ".join(argv)
    if argv[0].endswith(b"soffice.bin"):
        return "soffice.bin"
    if b"uno_worker" in line:
        return "UNO bridge"
    if b"multiprocessing" in line:
        return "assembling worker"
    return os.path.basename(argv[0].decode(errors="replace"))


class PeakRss:
    """The largest RSS of this process and of each kind of process it started, sampled
    from /proc four times a second, and the largest sum of their PSS (``together``: what a
    pod's memory limit counts of them, shared pages counted once)."""

    TOGETHER = "all processes together (PSS)"

    def __init__(self):
        self.peak: dict[str, int] = {}
        self.at_peak: dict[str, tuple[int, int]] = {}  # role -> PSS summed, processes, when ``together`` peaked
        self.peak_at = 0.0  # seconds into the sampling when it did
        self.when: dict[str, float] = {}  # role -> seconds into the sampling when its RSS peaked
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        main = _cmdline(me)
        began = time.perf_counter()
        while not self._stop.wait(0.25):
            now = time.perf_counter() - began
            children = _children(me)
            roles = {pid: _role(pid, main) for pid in children}
            for role, pid in [("main", me), *((role, pid) for pid, role in roles.items())]:
                rss = _rss(pid)
                if rss > self.peak.get(role, 0):
                    self.peak[role], self.when[role] = rss, now
            shares = {pid: _pss(pid) for pid in (me, *children)}
            together = sum(shares.values())
            if together > self.peak.get(self.TOGETHER, 0):
                self.peak[self.TOGETHER] = together
                self.peak_at = now
                self.at_peak = {}
                for pid, share in shares.items():
                    role = "main" if pid == me else roles[pid]
                    summed, count = self.at_peak.get(role, (0, 0))
                    self.at_peak[role] = (summed + share, count + 1)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class _Written(pipeline.Listener):
    """The main process's RSS after each bundle's body converted: it must not grow bundle by
    bundle. (Not after each bundle written: the pipeline hears of those at the end, once
    every assembly is done, when nothing would be seen growing any more.)"""

    def __init__(self, peaks: PeakRss | None = None):
        self.rss: list[int] = []
        self.peaks = peaks
        self.start = 0
        """RSS when the bundles start (after loading, checking and planning)."""
        self.peak_before = 0
        """The peak sampled until then."""

    def began(self, stage: str, total: int) -> None:
        if stage == "convert":
            self.start = _rss(os.getpid())
            self.peak_before = max(self.start, self.peaks.peak.get("main", 0) if self.peaks else 0)

    def advanced(self, stage: str, item: str, ok: bool) -> None:
        if stage == "convert":
            self.rss.append(_rss(os.getpid()))


def timed(what, *args, **kwargs) -> tuple[float, pipeline.Outcome]:
    started = time.perf_counter()
    outcome = what(*args, **kwargs)
    seconds = time.perf_counter() - started
    assert not outcome.failures and not outcome.problems, outcome.failures or outcome.problems
    return seconds, outcome


def _specimen(pairings: int, work: Path, results) -> None:
    """The synthetic programme, written in a process of its own (what writing it takes is not
    the build's)."""
    write_specimen(work / f"n{pairings}" / "specimen", pairings, 2, SEAL)
    results.put({})


def _builds(pairings: int, work: Path, steps: bool, shard: Shard | None, results) -> None:
    """Steps 1-3, in a process of their own."""
    root = work / f"n{pairings}" / "specimen"
    out = work / f"n{pairings}" / "out"
    options = Options(shard=shard)
    full, built = timed(pipeline.build, root, out, options)
    docs = len(built.documents)
    del built
    part = f" (shard {shard.index}/{shard.count})" if shard else ""
    print(f"\n== {pairings} pairings{part}, {docs} documents, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} ==")
    print(f"full build (Word)      : {full:8.2f} s  ({1000 * full / docs:.0f} ms/document)")
    if steps:
        noop, again = timed(pipeline.build, root, out, options)
        print(f"no-op rebuild          : {noop:8.2f} s  {100 * noop / full:6.2f} % of full (target <= 3 %); "
              f"{len(again.documents)} made, {len(again.unchanged)} unchanged")
        edited = root / "pairings" / "p001.yaml"
        edited.write_text(edited.read_text(encoding="utf-8").replace("提升薄弱学科质量。", "提升数学学科质量。"),
                          encoding="utf-8")
        one, after = timed(pipeline.build, root, out, options)
        print(f"one pairing edited     : {one:8.2f} s  {100 * one / full:6.2f} % of full (target <= 5 %); "
              f"{len(after.documents)} made")
    print(f"peak RSS of the build process    : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MB",
          flush=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if children:  # a shard's bureau documents are rendered in a process of their own (render/apart.py)
        print(f"  largest process it started      : {children:7.1f} MB", flush=True)
    results.put({"n": pairings, "build": full, "documents": docs})


def _bundle(pairings: int, jobs: int, work: Path, shard: Shard | None, results) -> None:
    """Steps 4-5, in a process of their own (its peak RSS is the bundle stage's)."""
    root, out = work / f"n{pairings}" / "specimen", work / f"n{pairings}" / "out"
    options = Options(jobs=jobs, shard=shard)
    with PeakRss() as peaks:
        written = _Written(peaks)
        load = os.getloadavg()[0]
        first, bundled = timed(pipeline.bundle, root, out, options, written)
        during = dict(peaks.peak)  # the re-run below loads the programme again: its peak is told apart
        at_peak, peak_at, when = dict(peaks.at_peak), peaks.peak_at, dict(peaks.when)
    pages = sum(r.pages for r in bundled.bundles)
    t = bundled.timings
    planning = first - t.compose - t.convert - t.assemble
    overhead = t.compose + t.assemble  # the stage's wall time beyond its conversions
    print(f"bundle                 : {first:8.2f} s; {len(bundled.bundles)} bundles, {pages} pages, "
          f"{pages / first:.1f} pages/s (load {load:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"  load, check, recipes : {planning:8.2f} s")
    print(f"  plan, compose        : {t.compose:8.2f} s  (each round planned; the first composed, and rounds the busy workers had not composed yet)")
    print(f"  convert              : {t.convert:8.2f} s  ({pages / t.convert:.1f} pages/s; the workers compose and "
          "assemble meanwhile)")
    print(f"  assemble (waited for): {t.assemble:8.2f} s  (after the last conversion)")
    print(f"  workers' CPU         : {t.work:8.2f} s  (summed: composing {t.composing:.2f} s, assembling "
          f"{t.work - t.composing:.2f} s; wall time summed over the bundles: PDF/A {t.archive:.2f} s, preflight "
          f"{t.preflight:.2f} s)")
    print(f"  overhead / convert   : {100 * overhead / t.convert:6.1f} %  (stage beyond conversion: planned and waited for "
          f"composed bodies {100 * t.compose / t.convert:.1f} %, for the last assemblies "
          f"{100 * t.assemble / t.convert:.1f} %; target <= 10 %)")
    del bundled
    rerun, again = timed(pipeline.bundle, root, out, options)
    print(f"bundle re-run          : {rerun:8.2f} s; {len(again.bundles)} made, {again.unchanged_outputs} unchanged")
    for role, peak in sorted(during.items(), key=lambda kv: -kv[1]):
        if peak and role != PeakRss.TOGETHER:
            print(f"peak RSS {role:<24}: {peak / 2**20:7.1f} MB  ({when[role]:.0f} s into the stage)")
    print(f"peak PSS, all processes together: {during.get(PeakRss.TOGETHER, 0) / 2**20:7.1f} MB "
          "(what a pod's memory limit counts of them; a 1/K shard's pod asks for 1 GiB)")
    shares = sorted(at_peak.items(), key=lambda kv: -kv[1][0])
    print(f"  at that peak, {peak_at:.0f} s into the stage: " + ", ".join(
        f"{role} {summed / 2**20:.1f} MB" + (f" ({count})" if count > 1 else "") for role, (summed, count) in shares))
    print(f"main RSS when the bundles start: {written.start / 2**20:.1f} MB (peak until then "
          f"{written.peak_before / 2**20:.1f} MB); with the re-run after it: {peaks.peak.get('main', 0) / 2**20:.1f} MB")
    rss = written.rss
    if len(rss) >= 4:
        quarter = len(rss) // 4
        print(f"main RSS after the first / last quarter of the bodies converted: {rss[quarter] / 2**20:.1f} / "
              f"{rss[-1] / 2**20:.1f} MB")
    results.put({"n": pairings, "label": f"{pairings}" + (f" {shard.index}/{shard.count}" if shard else ""),
                 "seconds": first, "pages": pages, "rate": pages / first,
                 "convert_rate": pages / t.convert, "overhead": overhead / t.convert, "work": t.work / pages, "planning": planning,
                 "rerun": rerun, "peak": during, "load": load})


def _in_own_process(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=target, args=(*args, results))
    child.start()
    found = results.get()
    child.join()
    return found


def _ratios(rows: list[dict]) -> None:
    """Each size's figures beside the first size's, as ratios (the issue's targets)."""
    if not rows:
        return
    base = rows[0]
    mb = 2**20
    print("\n== ratios to the first size, measured in this run ==")
    print("pairings (shard) | pages | pages/s | rate / first | convert p/s | overhead | worker CPU ms/page | main MB | "
          "worker MB | soffice MB | together MB | load")
    for row in rows:
        peak = row["peak"]
        print(f"{row['label']:>16} | {row['pages']:5} | {row['rate']:7.1f} | {row['rate'] / base['rate']:12.3f} | "
              f"{row['convert_rate']:11.1f} | {100 * row['overhead']:7.1f}% | {1000 * row['work']:18.0f} | "
              f"{peak.get('main', 0) / mb:7.0f} | "
              f"{peak.get('assembling worker', 0) / mb:9.0f} | {peak.get('soffice.bin', 0) / mb:10.0f} | "
              f"{peak.get(PeakRss.TOGETHER, 0) / mb:11.0f} | {row['load']:.1f}")


def _size(given: str, shard: Shard | None) -> tuple[int, Shard | None]:
    """One size of ``--sizes``: N pairings, with ``--shard``'s shard, or N:I/K with its own."""
    n, _, own = given.partition(":")
    return int(n), parse_shard(own) if own else shard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairings", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--with-5n", action="store_true", help="measure again at five times the pairings")
    parser.add_argument("--sizes", help="comma-separated numbers of pairings (instead of --pairings/--with-5n), "
                        "each with its own shard if given as N:I/K")
    parser.add_argument("--no-bundle", action="store_true", help="only the Word builds")
    parser.add_argument("--no-build-steps", action="store_true", help="skip the no-op and one-edit builds")
    parser.add_argument("--shard", help="I/K: build and bundle only shard I of K of each programme")
    args = parser.parse_args()
    shard = parse_shard(args.shard)
    sizes = [_size(n, shard) for n in args.sizes.split(",")] if args.sizes else \
        [(n, shard) for n in [args.pairings] + ([5 * args.pairings] if args.with_5n else [])]
    work = Path(tempfile.mkdtemp(prefix="docgen-scale-"))
    rows = []
    try:
        for n, part in sizes:
            # each step in a process of its own, so that its peak RSS is its own
            _in_own_process(_specimen, n, work)
            _in_own_process(_builds, n, work, not args.no_build_steps, part)
            if not args.no_bundle:
                rows.append(_in_own_process(_bundle, n, args.jobs, work, part))
            shutil.rmtree(work / f"n{n}", ignore_errors=True)
        _ratios(rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
