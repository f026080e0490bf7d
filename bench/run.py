"""Benchmark of the PDF and bundle stages on a synthetic programme.

    .venv/bin/python bench/run.py [--pairings N] [--jobs J]

Renders a synthetic programme of N pairings (two recipients each), then measures in
the same run:
  1. the naive way: one ``soffice --headless --convert-to pdf`` process per .docx;
  2. docgen's PDF stage: the pool of warm converters (start-up included);
  3. docgen's bundle stage: composing, converting and assembling one bundle per pairing,
     with the share of merge + stamp + manifest + zip against the conversion time.
Prints the ratios. Targets (issue 4): naive / pool >= 6 on 2 cores; assembling < 10 %
of the conversion time.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen import bundle as bundling  # noqa: E402
from docgen.compose import compose  # noqa: E402
from docgen.convert import Pool, default_jobs, find_soffice, to_pdf  # noqa: E402
from docgen.fonts import converter_env  # noqa: E402
from docgen.jobs import plan_jobs  # noqa: E402
from docgen.kinds import select  # noqa: E402
from docgen.render import Renderer, render_jobs  # noqa: E402
from docgen.specimen import specimen  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairings", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    try:
        (work / "seals").mkdir()
        shutil.copy(ROOT / "data" / "gaotai-2020" / "seals" / "sample-school.png", work / "seals" / "seal.png")
        loaded = specimen(args.pairings, 2, root=work, seal="seals/seal.png")
        renderer = Renderer()
        started = time.perf_counter()
        done, failures = render_jobs(plan_jobs(loaded, select(()), work / "out"), renderer)
        render_s = time.perf_counter() - started
        assert not failures, failures
        docs = [job.path for job, _ in done]
        flat = work / "flat"
        flat.mkdir()
        for i, doc in enumerate(docs):  # one folder, unique names, for the naive loop
            shutil.copy(doc, flat / f"{i:04d}.docx")
        print(f"{len(docs)} documents from {args.pairings} pairings (rendered in {render_s:.2f} s), {os.cpu_count()} CPUs")

        naive_s = naive(sorted(flat.glob("*.docx")), work / "naive")
        print(f"naive soffice per file : {naive_s:7.2f} s  ({naive_s / len(docs):.3f} s per document)")

        started = time.perf_counter()
        with Pool(jobs=args.jobs) as pool:
            made, failed = to_pdf(docs, pool)
        pool_s = time.perf_counter() - started
        assert len(made) == len(docs) and not failed, failed
        print(f"docgen pool (jobs={args.jobs})  : {pool_s:7.2f} s  ({pool_s / len(docs):.3f} s per document)")
        print(f"speed-up naive / pool  : {naive_s / pool_s:7.2f}x   (target >= 6x)")

        # the bundle stage, split into its parts
        specs = bundling.plan(loaded, [(j, c) for j, c in done if j.scope.pairing is not None], work / "out")
        with Pool(jobs=args.jobs) as pool:
            t0 = time.perf_counter()
            bodies = []
            for spec in specs:
                path = work / "bundle" / spec.key / "正文.docx"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(compose([p.docx for p in spec.parts]))
                bodies.append(path)
            t1 = time.perf_counter()
            made, failed = to_pdf(bodies, pool)
            t2 = time.perf_counter()
            assert len(made) == len(bodies), failed
            from pypdf import PdfReader

            covers = []
            for spec, body in zip(specs, bodies):
                assert not bundling.locate_parts(spec, PdfReader(body.with_suffix(".pdf")))
                cover = body.parent / "封面和目录.docx"
                cover.write_bytes(renderer.render("cover.docx", bundling.cover_context(spec, 2, False)))
                covers.append(cover)
            made, failed = to_pdf(covers, pool)
            t3 = time.perf_counter()
        t3b = time.perf_counter()  # the pool has shut down; assembling starts here
        tasks = [(spec, cover.with_suffix(".pdf"), body.with_suffix(".pdf")) for spec, cover, body in zip(specs, covers, bodies)]
        reports, failed = bundling.assemble_all(tasks, bundling.Options(), args.jobs)
        assert not failed, failed
        t4 = time.perf_counter()
        convert_s, assemble_s = (t2 - t1) + (t3 - t2), t4 - t3b
        seals = sum(len(r.seals) for r in reports)
        pages = sum(r.pages for r in reports)
        print(f"bundles                : {len(reports)} bundles, {pages} pages, {seals} seals")
        print(f"  compose .docx        : {t1 - t0:7.2f} s")
        print(f"  convert (body+cover) : {convert_s:7.2f} s")
        print(f"  merge+stamp+manifest : {assemble_s:7.2f} s")
        print(f"assemble / convert     : {100 * assemble_s / convert_s:6.1f} %   (target < 10 %)")
        print(f"bundle total vs pool   : {(t4 - t0) / pool_s:7.2f}  (one conversion per bundle instead of per document)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
