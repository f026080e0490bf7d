"""The bundle stage's memory does not grow with the number of pairings (issue 22): what a
worker is sent per bundle, and what the main process builds per document to plan the
bundles, are the same size whatever the programme's size. (Speed and RSS are measured by
bench/scale.py, not here.)"""
from __future__ import annotations

import json
import pickle
import sys

import pytest

from docgen.authoring.specimen import write_specimen
from docgen.documents import summary as summary_module
from docgen.documents.jobs import plan_jobs, rendered
from docgen.documents.kinds import select
from docgen.incremental import Recipes
from docgen.load import load_programme
from docgen.options import DEFAULTS
from tests.helpers import DATA, plan_bundles

SEAL = DATA / "gaotai-2020" / "seals" / "sample-school.png"


def _specs(tmp_path, pairings: int):
    root = write_specimen(tmp_path / f"n{pairings}", pairings, 2, SEAL)
    loaded = load_programme(root)
    jobs = plan_jobs(loaded, select(()), tmp_path / f"out{pairings}")
    specs = plan_bundles(loaded, [rendered(j, j.kind.context(j.scope)) for j in jobs], tmp_path / f"out{pairings}")
    recipes = Recipes(loaded, DEFAULTS.templates)
    for spec in specs:  # as the pipeline does: a pairing's bundle lists its own data files
        spec.inputs = recipes.input_hashes(spec.pairing)
    return specs


def test_a_worker_gets_the_same_few_kilobytes_per_bundle_at_any_size(tmp_path):
    small, large = _specs(tmp_path, 2), _specs(tmp_path, 12)
    first_small = next(s for s in small if s.pairing == "p001")
    first_large = next(s for s in large if s.pairing == "p001")
    sent_small, sent_large = len(pickle.dumps(first_small.sheet())), len(pickle.dumps(first_large.sheet()))
    assert sent_large < 20_000, sent_large
    assert abs(sent_large - sent_small) < 200, (sent_small, sent_large)  # the same pairing: only paths differ
    assert len(pickle.dumps(first_large)) > 5 * sent_large  # what the worker is spared: the whole programme


def test_a_planned_part_holds_plain_text_and_one_path_per_seal(tmp_path):
    """A planned bundle's parts keep plain strings (not phrases carrying where each word came
    from) and one path object per seal image."""
    specs = _specs(tmp_path, 3)
    parts = [part for spec in specs for part in spec.parts]
    texts = [part.title for part in parts] + [a for part in parts for a in part.attachments] \
        + [g for part in parts for g in part.gaps] \
        + [t for part in parts for s in part.signers for t in (s.name, s.role, s.pending)]
    assert texts and {type(t) for t in texts} == {str}
    for spec in specs:
        seals = [s.seal for part in spec.parts for s in part.signers if s.seal is not None]
        assert seals and len({id(seal) for seal in seals}) == len(set(seals)) < len(seals), spec.key


def test_planning_a_bundle_draws_no_chart(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(summary_module, "activities_by_month", lambda counts: drawn.append(counts) or b"")
    specs = _specs(tmp_path, 2)
    assert any(p.family == "summary" for s in specs for p in s.parts)
    assert drawn == []  # the context holds how to draw it; only rendering the summary draws it
    loaded = load_programme(tmp_path / "n2")
    job = next(j for j in plan_jobs(loaded, select(("summary",)), tmp_path / "o") if j.pairing_id == "p001")
    chart = job.kind.context(job.scope)["chart"]
    assert chart is not None and chart.draw() == b"" and len(drawn) == 1


@pytest.mark.skipif(sys.platform != "linux", reason="the fork server is the Linux way")
def test_workers_do_not_inherit_the_pipeline(monkeypatch):
    from docgen.bundle import make

    with make._workers(1) as workers:
        assert workers._mp_context.get_start_method() == "forkserver"



@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_the_bureaus_documents_are_marked_apart_not_composed(tmp_path):
    """The bureau's documents list every pairing: they are converted one by one (each a
    marked copy, numbered as its place in the bundle), never composed into one Word body
    whose parsing and copying grows with the pairings. A pairing's bundle is composed."""
    import zipfile

    from docgen import pipeline
    from docgen.bundle import make

    specs = _specs(tmp_path, 2)
    assert not pipeline.build(tmp_path / "n2", tmp_path / "out2").failures  # the Word files the specs name
    bureau = next(s for s in specs if s.pairing is None)
    pairing = next(s for s in specs if s.pairing == "p001")
    assert bureau.apart and not pairing.apart and len(bureau.parts) >= 2
    target = tmp_path / "work" / "正文.docx"
    target.parent.mkdir()
    why, _ = make._compose_one(bureau.sheet(), target)
    assert why == ""
    assert not target.exists()
    copies = make._bodies(target, bureau.sheet())
    assert [p.name for p in copies] == [f"正文{i}.docx" for i in range(1, len(bureau.parts) + 1)]
    for index, (copy, part) in enumerate(zip(copies, bureau.parts, strict=True), 1):
        xml = zipfile.ZipFile(copy).read("word/document.xml").decode()
        assert f'w:name="docgenpart{index}"' in xml
        assert not [n for n in range(1, len(bureau.parts) + 1) if n != index and f'w:name="docgenpart{n}"' in xml]
        original = zipfile.ZipFile(part.docx).read("word/document.xml").decode()
        assert "docgenpart" not in original  # the Word file in out/ is left as it is


def test_a_seal_image_is_found_once_per_load_links_followed(tmp_path):
    """Every document's signers name their seal images; each image's place (links followed)
    is found once per load, not once per signer (at 1 000 pairings, 42 000 lookups of the
    file system while the bundles were decided and planned)."""
    root = write_specimen(tmp_path / "n", 3, 2, SEAL)
    (root / "seals" / "real.png").write_bytes((root / "seals" / "seal.png").read_bytes())
    (root / "seals" / "seal.png").unlink()
    (root / "seals" / "seal.png").symlink_to("real.png")
    loaded = load_programme(root)
    jobs = plan_jobs(loaded, select(()), tmp_path / "out")
    seals = [s.seal for j in jobs for s in j.kind.signers(j.scope) if s.seal is not None]
    assert len(seals) > 20 and set(seals) == {(root / "seals" / "real.png").resolve()}
    assert len({id(seal) for seal in seals}) == 1
    again = load_programme(root)  # a new load finds them again (a link may have been changed)
    (root / "seals" / "seal.png").unlink()
    (root / "seals" / "other.png").write_bytes((root / "seals" / "real.png").read_bytes())
    (root / "seals" / "seal.png").symlink_to("other.png")
    assert again.seal_path("seals/seal.png") == (root / "seals" / "other.png").resolve()


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="fork only")
def test_a_worker_assembles_a_bundle_converted_apart_in_a_child_that_gives_back_its_memory(tmp_path, monkeypatch):
    import gc
    import os
    from types import SimpleNamespace

    from docgen.bundle import make

    def assemble(sheet, cover, body, options):  # what it takes stays in the process that ran it
        taken.append(bytearray(64 << 20))
        return SimpleNamespace(pid=os.getpid(), pages=len(body)), ""

    taken: list[bytearray] = []
    monkeypatch.setattr(make, "_assemble", assemble)
    apart, whole = SimpleNamespace(apart=True), SimpleNamespace(apart=False)
    assert make._assemble_one(apart, tmp_path, [tmp_path], None)[0].pid == os.getpid()  # not in a worker: here
    taken.clear()
    monkeypatch.setattr(make, "_in_worker", True)
    written, why = make._assemble_one(apart, tmp_path, [tmp_path, tmp_path], None)
    assert why == "" and written.pid != os.getpid() and written.pages == 2 and not taken
    assert make._assemble_one(whole, tmp_path, [tmp_path], None)[0].pid == os.getpid() and len(taken) == 1

    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    with monkeypatch.context() as patch:  # no process to spare: assembled in the worker itself
        patch.setattr(os, "fork", no_fork)
        assert make._assemble_one(apart, tmp_path, [tmp_path], None)[0].pid == os.getpid()
    assert gc.get_freeze_count() == 0

    def dies(sheet, cover, body, options):
        os._exit(3)

    monkeypatch.setattr(make, "_assemble", dies)
    written, why = make._assemble_one(apart, tmp_path, [tmp_path], None)
    assert written is None and "退出码 3" in why and "请重新运行" in why and gc.get_freeze_count() == 0


@pytest.mark.parametrize("programme", ["yichun-2022", "gaotai-2020"])
def test_a_shard_plans_only_its_own_documents_and_the_same_ones(tmp_path, programme):
    """A shard does not plan the documents of the other shards' pairings (planning all 40 000
    jobs of 5 000 pairings to keep a quarter of them took seconds), and what it plans is what
    filtering the whole plan would keep: the bureau's documents in shard 0 only."""
    from docgen.documents.scope import Selection
    from docgen.shards import Shard

    loaded = load_programme(DATA / programme)
    everything = plan_jobs(loaded, select(()), tmp_path)
    assert len({j.pairing_id for j in everything}) > 3
    for shard in (Shard(0, 3), Shard(1, 3), Shard(2, 3)):
        planned = plan_jobs(loaded, select(()), tmp_path, Selection(shard=shard))
        assert [j.path for j in planned] == [j.path for j in everything if shard.owns(j.pairing_id)]
        assert any(j.pairing_id is None for j in planned) == (shard.index == 0)


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_a_shard_lets_go_of_the_other_pairings_and_plans_its_bundles_as_a_whole_run_does(tmp_path, monkeypatch):
    """While a shard's bundles are made (or those of ``-p``), its process holds only the
    pairings it makes and their activity logs (at 5 000 pairings the others are most of what
    it holds), knows the others' ids (their bundles are not taken for gone), and plans each
    bundle as a run over the whole programme does: the bureau's, which reads every pairing,
    before the others are let go."""
    import contextlib
    from dataclasses import asdict

    from docgen import pipeline
    from docgen.options import Options
    from docgen.shards import Shard

    root = write_specimen(tmp_path / "data" / "demo", 9, 2, SEAL)
    out = tmp_path / "out"
    ids = {p.id for p in load_programme(root).pairings}
    seen: list[dict] = []

    def planned(todo, *args, **kwargs):  # make_all, without converters: each bundle planned as in its round
        plans = {}
        for pending in todo:
            spec = pending.plan()
            plans[spec.uid] = {k: v for k, v in asdict(spec).items() if k != "loaded"}
        loaded = spec.loaded
        seen.append({"plans": plans, "held": {p.id for p in loaded.pairings}, "ids": loaded.pairing_ids,
                     "logs": {pairing_id for pairing_id, _ in loaded.activities}})
        return [], []

    worked_out, bureau_planned_with = pipeline.rendered, []

    def context_watched(job, context):  # a document's context worked out again (its facts not noted)
        if job.pairing_id is None:
            bureau_planned_with.append({p.id for p in job.scope.loaded.pairings})
        return worked_out(job, context)

    monkeypatch.setattr(pipeline, "rendered", context_watched)
    monkeypatch.setattr(pipeline, "make_all", planned)
    monkeypatch.setattr(pipeline, "_converters", lambda options, warm: contextlib.nullcontext())
    pipeline.bundle(root, out, Options(jobs=1))
    whole = seen.pop()
    bureau_planned_with.clear()
    documents = sorted(out.rglob("*.docx"))
    # the bureau's documents as an older docgen noted them, without their facts: planning its
    # bundle works out their contexts again, from every pairing
    record = out / "demo" / ".docgen-build.json"
    book = json.loads(record.read_text(encoding="utf-8"))
    for entry in book["outputs"].values():
        if entry.get("source") is None:
            entry.pop("facts", None)
    record.write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    assert whole["held"] == ids and whole["logs"] == ids and len(whole["plans"]) == len(ids) + 1
    for options, makes in [*((Options(jobs=1, shard=Shard(i, 3)), Shard(i, 3).owns) for i in range(3)),
                           (Options(jobs=1, pairings=("p002", "p005")), lambda pid: pid in ("p002", "p005"))]:
        pipeline.bundle(root, out, options)
        run = seen.pop()
        mine = {pid for pid in ids if makes(pid)}
        assert run["held"] == mine and run["logs"] == mine and run["ids"] == ids
        assert run["plans"] == {uid: plan for uid, plan in whole["plans"].items() if makes(plan["pairing"])}
        bureau = any(plan["pairing"] is None for plan in run["plans"].values())
        # the bureau's documents' contexts worked out while every pairing is held
        assert bureau_planned_with and all(held == ids for held in bureau_planned_with) if bureau \
            else bureau_planned_with == []
        bureau_planned_with.clear()
        assert sorted(out.rglob("*.docx")) == documents  # no other pairing's documents taken for gone
