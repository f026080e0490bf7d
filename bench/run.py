"""Benchmark of the PDF and bundle stages, through the same pipeline the CLI runs.

    .venv/bin/python bench/run.py [--pairings N] [--jobs J]

Writes a synthetic programme of N pairings (two recipients each, a seal for every party)
as a programme folder, then measures in the same run:
  1. the naive way: one ``soffice --headless --convert-to pdf`` process per .docx;
  2. ``docgen build --pdf``'s conversion: the pool of warm converters, start-up included;
  3. ``docgen bundle``: composing, converting and assembling one bundle per pairing, with
     what the stage adds to its conversions (composing and assembling run in worker
     processes beside the conversions: what is left is the first round's composing and the
     last round's assembling);
  4. the preflight (GB/T 9704 rules measured on every PDF), in both commands;
  5. the bundle stage again without PDF/A-2b and with it, in turns: what PDF/A costs (the
     export, the metadata, the validation of every bundle).
Prints the ratios. Targets: naive / pool >= 6 on 2 cores; assembling < 10 % of conversion;
the preflight adds at most 10 % to the bundle stage; PDF/A adds at most 10 % to it.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

from docgen import pipeline
from docgen.authoring.specimen import write_specimen
from docgen.convert import Pool, default_jobs, find_soffice
from docgen.convert.fonts import converter_env
from docgen.options import BundleOptions, Options

ROOT = Path(__file__).resolve().parent.parent
SEAL = ROOT / "data" / "gaotai-2020" / "seals" / "sample-school.png"


def naive(docs: list[Path], out: Path) -> float:
    """One soffice process per file, sharing one (already created) profile, as people script it."""
    soffice = find_soffice()
    profile = out / "profile"
    env = converter_env()
    args = [soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf", "--outdir"]
    subprocess.run(args + [str(out / "warmup"), str(docs[0])], env=env, capture_output=True, check=True)
    started = time.perf_counter()
    for doc in docs:
        subprocess.run(args + [str(out / "pdf"), str(doc)], env=env, capture_output=True, check=True)
    elapsed = time.perf_counter() - started
    made = len(list((out / "pdf").glob("*.pdf")))
    if made != len(docs):
        raise SystemExit(f"naive loop made {made} PDFs of {len(docs)}")
    return elapsed


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (the converters: LibreOffice and its UNO
    bridge, counted when the pool closes them)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stage(timings, jobs: int, bundles: int) -> float:
    """The bundle stage's wall seconds: the parts do not overlap in time (the workers' composing
    and assembling beside the conversions is inside ``convert``)."""
    return timings.compose + timings.convert + timings.assemble


@contextlib.contextmanager
def _plain_pool(jobs, timeout):
    """The converters without PDF/A export, for the comparison (docgen always exports PDF/A)."""
    with Pool(jobs=jobs, timeout=timeout, pdfa=False) as pool:
        yield pool


def archival(root: Path, work: Path, jobs: int, rounds: int) -> None:
    """What PDF/A-2b adds to the bundle stage: the same bundles made without it (plain PDF
    export, no metadata, no validation) and with it, in turns, the fastest of each kept."""
    plain, archived, archive_work = [], [], []
    converting: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    for k in range(rounds):
        for with_pdfa in (False, True):
            out = work / f"pdfa-{k}-{int(with_pdfa)}"
            before = _children_cpu()
            if with_pdfa:
                made = pipeline.bundle(root, out, Options(jobs=jobs))
            else:
                with mock.patch.object(pipeline, "open_pool", _plain_pool):
                    made = pipeline.bundle(root, out, Options(jobs=jobs, bundle=BundleOptions(archive=False)))
            assert not made.failures, made.failures
            stage = _stage(made.timings, jobs, len(made.bundles))
            (archived if with_pdfa else plain).append(stage)
            converting[with_pdfa].append(made.timings.convert)
            cpu[with_pdfa].append(_children_cpu() - before + made.timings.work)
            if with_pdfa:
                archive_work.append(made.timings.archive)
                assert all(json.loads((r.bundle.folder / "manifest.json").read_text("utf-8"))["pdfa"]["passed"]
                           for r in made.bundles), "a bundle is not PDF/A-2b"
    best_plain, best_archived = min(plain), min(archived)
    print(f"PDF/A-2b               : bundle stage {best_plain:.2f} s without, {best_archived:.2f} s with "
          f"(best of {rounds} each, in turns)")
    print(f"  metadata + validation: {min(archive_work):7.2f} s  (summed over the workers)")
    print(f"  convert (body+cover) : {min(converting[False]):7.2f} s without, {min(converting[True]):.2f} s with "
          "(LibreOffice's PDF/A export; the workers' PDF/A work runs meanwhile)")
    print(f"PDF/A / bundle         : {100 * (best_archived - best_plain) / best_plain:6.1f} %   (added to the stage; "
          "target <= 10 %)")
    cpu_plain, cpu_archived = min(cpu[False]), min(cpu[True])
    print(f"  CPU of the converters and workers: {cpu_plain:.2f} s without, {cpu_archived:.2f} s with: "
          f"{100 * (cpu_archived - cpu_plain) / cpu_plain:+.1f} %  (what the 2 cores do; less sensitive to the "
          "machine's other load than wall time)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairings", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--no-naive", action="store_true", help="skip the slow one-soffice-per-file loop")
    parser.add_argument("--rounds", type=int, default=2, help="bundle stages with and without PDF/A, in turns")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    try:
        root = write_specimen(work / "specimen", args.pairings, 2, SEAL)
        built = pipeline.build(root, work / "pdf", Options(pdf=True, jobs=args.jobs))
        assert not built.failures and not built.problems, built.failures or built.problems
        docs = [d.job.path for d in built.documents]
        flat = work / "flat"
        flat.mkdir()
        for i, doc in enumerate(docs):  # one folder, unique names, for the naive loop
            shutil.copy(doc, flat / f"{i:04d}.docx")
        print(f"{len(docs)} documents from {args.pairings} pairings (rendered in {built.render_seconds:.2f} s), "
              f"{os.cpu_count()} CPUs")

        pool_s = built.convert_seconds
        if not args.no_naive:
            naive_s = naive(sorted(flat.glob("*.docx")), work / "naive")
            print(f"naive soffice per file : {naive_s:7.2f} s  ({naive_s / len(docs):.3f} s per document)")
        print(f"docgen pool (jobs={args.jobs})  : {pool_s:7.2f} s  ({pool_s / len(docs):.3f} s per document)")
        if not args.no_naive:
            print(f"speed-up naive / pool  : {naive_s / pool_s:7.2f}x   (target >= 6x)")
        print(f"  preflight of the PDFs: {built.preflight_seconds:7.2f} s  (done while LibreOffice converts; "
              "included in the pool's time)")

        bundled = pipeline.bundle(root, work / "bundles", Options(jobs=args.jobs))
        assert not bundled.failures, bundled.failures
        t = bundled.timings
        seals = sum(r.sealed for r in bundled.bundles)
        pages = sum(r.pages for r in bundled.bundles)
        stage = _stage(t, args.jobs, len(bundled.bundles))
        print(f"bundles                : {len(bundled.bundles)} bundles, {pages} pages, {seals} seals")
        print(f"  plan, compose       : {t.compose:7.2f} s  (each round planned; the first composed, and rounds the busy workers had not composed yet)")
        print(f"  convert (body+cover) : {t.convert:7.2f} s  (the workers compose and assemble meanwhile)")
        print(f"  assemble (waited for): {t.assemble:7.2f} s  (after the last conversion)")
        print(f"  workers' CPU         : {t.work:7.2f} s  (compose {t.composing:.2f} s; merge, stamp, PDF/A, preflight, "
              f"manifest, zip {t.work - t.composing:.2f} s; summed; wall time summed: PDF/A {t.archive:.2f} s, "
              f"preflight {t.preflight:.2f} s)")
        print(f"overhead / convert     : {100 * (stage - t.convert) / t.convert:6.1f} %   (stage beyond conversion; "
              "target <= 10 %)")
        print(f"bundle total vs pool   : {stage / pool_s:7.2f}  "
              "(one conversion per bundle instead of per document)")
        archival(root, work, args.jobs, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
