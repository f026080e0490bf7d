"""A run that makes a part of a programme (a shard, ``-p``) holds only the pairings it makes
from its load on (issue 22): the others are read, checked with their activity logs and let go
one by one. What it finds is what a whole load finds, and the bureau's documents, planned
from what is kept of the others and rendered in a process that loads the folder whole, are
the same bytes as a whole run's."""
from __future__ import annotations

import datetime as dt
import gc
import operator
import shutil

import pytest
import yaml

from docgen import pipeline
from docgen.authoring.specimen import write_specimen
from docgen.documents.dates import Dates
from docgen.load import folder, load_programme
from docgen.load.folder import apart
from docgen.load.model.pairing import Pairing
from docgen.shards import Shard
from tests.helpers import DATA, run

SEAL = DATA / "gaotai-2020" / "seals" / "sample-school.png"
HELD = {"p001", "p002", "p003"}


def _edit(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def faulty(tmp_path):
    """Nine pairings, the faults among those not held: a log in a year outside the cycle
    (p005), a log that cannot be read (p006), a file that claims p008's identifier before
    p008's own file takes it back, and a log of no pairing named like p009. The latest day any
    pairing states is p004's."""
    root = write_specimen(tmp_path / "demo", 9, 2, SEAL)
    logs = root / "activities"
    (logs / "2030").mkdir()
    shutil.move(logs / "2022" / "p005.yaml", logs / "2030" / "p005.yaml")
    (logs / "2022" / "p006.yaml").write_text("records: [\n", encoding="utf-8")
    shutil.copy(root / "pairings" / "p008.yaml", root / "pairings" / "a-copy.yaml")
    _edit(root / "pairings" / "a-copy.yaml", lambda d: d.update(remark="复制的"))
    shutil.copy(logs / "2022" / "p001.yaml", logs / "2022" / "p0009.yaml")  # 是不是 p009？
    _edit(root / "pairings" / "p004.yaml", lambda d: d["summaries"][0].update(date="2023-08-15"))  # the latest day
    return root


def _pairings_alive() -> int:
    """How many ``Pairing`` objects this process made since the test began and still holds
    (docgen makes no subclass of it; counted by type, in C: a walk of every object in Python
    took seconds over the module). What was alive before is frozen (``frozen_before``): the
    collector neither walks it nor lists it."""
    gc.collect()
    return operator.countOf(map(type, gc.get_objects()), Pairing)


@pytest.fixture
def frozen_before():
    """Everything this process holds when the test begins moved out of the collector's sight
    (``gc.freeze``, as tests/conftest.py does after collecting): each of the test's counts then
    collects and lists only what the test made. In the whole suite, a process holds the
    session's documents and loads by then, and each count took 0.3 s (2.9 s of the test). What
    was frozen stays frozen, as what collecting made does: a test process's to keep."""
    gc.freeze()
    return


def test_a_shards_load_finds_what_a_whole_load_finds_and_holds_only_its_pairings(faulty, monkeypatch, frozen_before):
    future = folder.future_records
    monkeypatch.setattr(folder, "future_records", lambda log, src, today: future(log, src, dt.date(2022, 10, 15)))
    whole = load_programme(faulty, once=True)
    assert whole.problems and whole.rejected and whole.warnings  # the faults are found; records "after today"
    before = _pairings_alive()
    alive_while_checking = []
    check_apart = folder._check_apart

    def watched(path, pairing, *args):
        alive_while_checking.append(_pairings_alive())
        return check_apart(path, pairing, *args)

    monkeypatch.setattr(folder, "_check_apart", watched)
    part = load_programme(faulty, once=True, keep=lambda pairing_id: pairing_id in HELD)
    assert part.problems == whole.problems and part.warnings == whole.warnings
    assert part.rejected == whole.rejected and part.inputs == whole.inputs
    assert part.pairing_paths == whole.pairing_paths and part.pairing_ids == whole.pairing_ids
    assert [p.model_dump() for p in part.pairings] == [p.model_dump() for p in whole.pairings if p.id in HELD]
    assert sorted(part.activities) == sorted(k for k in whole.activities if k[0] in HELD)
    assert part.let_go == {p.id: apart(p) for p in whole.pairings if p.id not in HELD}
    assert [p.id for p in part.every_pairing()] == [p.id for p in whole.pairings]
    assert Dates(part).every_pairing() == Dates(whole).every_pairing() == dt.date(2023, 8, 15)
    assert "p009" in str(whole.problems)  # (the stray log's problem suggests a pairing not held)
    # the others are let go one by one as they are read, never held together
    assert alive_while_checking and max(alive_while_checking) <= before + len(HELD) + 2
    assert _pairings_alive() - before == len(part.pairings) == len(HELD)


def test_completed_a_shards_load_holds_what_a_whole_load_holds(faulty):
    whole = load_programme(faulty, once=True)
    part = load_programme(faulty, once=True, keep=lambda pairing_id: pairing_id in HELD)
    part.whole = lambda keep: load_programme(faulty, once=True, keep=keep)
    part.complete()
    assert not part.let_go
    assert [p.model_dump() for p in part.pairings] == [p.model_dump() for p in whole.pairings]
    assert sorted(part.activities) == sorted(whole.activities)
    assert all(part.activities[key] == whole.activities[key] for key in whole.activities)


def test_a_pairing_gone_before_the_load_is_completed_is_said(faulty):
    part = load_programme(faulty, once=True, keep=lambda pairing_id: pairing_id in HELD)
    part.whole = lambda keep: load_programme(faulty, once=True, keep=keep)
    (faulty / "pairings" / "p009.yaml").unlink()
    with pytest.raises(folder.DataChanged, match="请重新运行"):
        part.complete()


@pytest.mark.slow  # four builds of nine pairings
def test_the_shards_make_the_bytes_a_whole_run_makes(tmp_path, monkeypatch):
    """The bureau's notices go to every county and are dated by the latest day any pairing
    states: a county and that day only a pairing of another shard has."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the days are the data's
    root = write_specimen(tmp_path / "data" / "demo", 9, 2, SEAL)
    other = next(f"p{i:03d}" for i in range(9, 0, -1) if not Shard(0, 3).owns(f"p{i:03d}"))
    _edit(root / "pairings" / f"{other}.yaml", lambda d: d.update(county="丙县", confirmed_on="2022-12-28"))

    def per_county(data) -> None:
        data["notices"][0]["per_county"] = True

    _edit(root / "programme.yaml", per_county)
    whole, shards = tmp_path / "whole", tmp_path / "shards"
    assert run("build", root, "-o", whole).returncode == 0
    completed, apart = [], []
    monkeypatch.setattr(folder.Loaded, "complete", lambda self: completed.append(self.root))
    render_apart = pipeline.render_apart
    monkeypatch.setattr(pipeline, "render_apart", lambda asked: apart.append(asked.paths) or render_apart(asked))
    for i in range(3):
        result = run("build", root, "-o", shards, "--shard", f"{i}/3")
        assert result.returncode == 0, result.stderr
    # the shards' own processes never held the other pairings: the bureau's documents (shard
    # 0's) were rendered in a process of their own
    assert completed == [] and len(apart) == 1 and all(path.parent.name == "demo" for path in apart[0])
    made = {p.relative_to(whole): p.read_bytes() for p in sorted(whole.rglob("*.docx"))}
    assert any("丙县" in p.name for p in made) and len(made) > 9 * 8
    assert {p.relative_to(shards): p.read_bytes() for p in sorted(shards.rglob("*.docx"))} == made


@pytest.mark.slow  # a build of six pairings
def test_a_bureau_document_its_process_could_not_render_fails_alone(tmp_path, monkeypatch):
    """What the process that renders the bureau's documents could not make fails with its
    reason, its earlier version kept aside; the pairings' documents are made."""
    from docgen.render.apart import Made

    root = write_specimen(tmp_path / "data" / "demo", 6, 2, SEAL)
    monkeypatch.setattr(pipeline, "render_apart",
                        lambda asked: {path: Made(path, reason="测试：进程没有生成它") for path in asked.paths})
    result = run("build", root, "-o", tmp_path / "out", "--shard", "0/2")
    assert result.returncode != 0 and "测试：进程没有生成它" in result.stderr
    made = list((tmp_path / "out" / "demo").rglob("*.docx"))
    assert made and all(path.parent.name != "demo" for path in made)  # every pairing's document, no bureau's


@pytest.mark.slow  # two processes started
def test_a_process_apart_that_fails_before_it_renders_fails_its_documents_never_the_run(tmp_path):
    """The bureau's documents fail, each with why, when the process apart finds the folder no
    longer a programme (moved or spoilt after the run read it), or meets any other fault
    before it renders: the run goes on with the pairings' documents."""
    from types import SimpleNamespace

    from docgen.documents.scope import Selection
    from docgen.render import TEMPLATE_DIR
    from docgen.render.apart import Asked, render_apart

    root = write_specimen(tmp_path / "demo", 2, 2, SEAL)
    paths = (tmp_path / "out" / "demo" / "通知.docx", tmp_path / "out" / "demo" / "汇总表.docx")
    (root / "programme.yaml").rename(root / "programme.yaml.bak")
    made = render_apart(Asked(root, None, tmp_path / "out", TEMPLATE_DIR, (), Selection(), paths))
    assert set(made) == set(paths)
    assert all(m.data is None and "生成期间方案或结对文件" in m.reason for m in made.values())
    (root / "programme.yaml.bak").rename(root / "programme.yaml")
    not_a_selection = SimpleNamespace()  # a fault of docgen's own, met while it plans
    made = render_apart(Asked(root, None, tmp_path / "out", TEMPLATE_DIR, (), not_a_selection, paths))
    assert all(m.data is None and "docgen 内部错误（AttributeError" in m.reason for m in made.values())


def test_the_process_apart_says_a_document_it_cannot_find_was_changed(tmp_path):
    from docgen.documents.scope import Selection
    from docgen.render import TEMPLATE_DIR
    from docgen.render.apart import Asked, render_bureau

    root = write_specimen(tmp_path / "demo", 2, 2, SEAL)
    gone = tmp_path / "out" / "demo" / "通知_没有这份.docx"
    made = render_bureau(Asked(root, None, tmp_path / "out", TEMPLATE_DIR, (), Selection(), (gone,)))
    assert made[0].data is None and "请重新运行" in made[0].reason
