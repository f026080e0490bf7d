"""What the workspace does for speed, and that none of it changes what it keeps or serves
data older than the files: a text editor's change behind the server's back is always seen."""
from __future__ import annotations

import pytest

from docgen.serve.state import State
from docgen.serve.yamledit import Trees, edited_text

HAND = """id: x
# 这条说明是手写的
remark: '旧备注'  # 保留
county: 高台县
subjects: [语文, 数学]
"""


def test_closing_a_short_connection_does_not_checkpoint_the_log(tmp_path):
    """The state file stays open for the server's life, so closing each request's short-lived
    connection is not closing the last one: SQLite then neither checkpoints the write-ahead
    log nor syncs the disk (tens of ms of every save on a busy disk)."""
    state = State(tmp_path)
    job = state.add_job("p", "bundle", "x", "生成")
    wal = state.path.with_name(state.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the log was checkpointed and removed on close"
    assert state.job(job).label == "生成"
    assert State(tmp_path).job(job).status == "waiting"  # and what was written is there for the next start


def test_a_prepared_tree_is_used_only_for_the_very_text_it_was_read_from():
    trees = Trees()
    trees.prepare(HAND)
    edited_by_hand = HAND.replace("高台县", "临泽县") + "# 编辑器里加的\n"
    data = {"id": "x", "remark": "新备注", "county": "临泽县", "subjects": ["语文", "数学"]}
    assert edited_text(edited_by_hand, data, trees) == edited_text(edited_by_hand, data)
    assert "# 编辑器里加的" in edited_text(edited_by_hand, data, trees)


def test_a_prepared_tree_is_handed_out_once():
    """A save edits its tree in place: the next save of the same text reads it again."""
    trees = Trees()
    trees.prepare(HAND)
    assert "- 语文" in edited_text(HAND, {"id": "x", "remark": "旧备注", "county": "高台县", "subjects": ["语文"]}, trees)
    trees.prepare(HAND)
    trees.prepare(HAND)  # drawn twice: still one tree, handed out once
    same = {"id": "x", "remark": "旧备注", "county": "高台县", "subjects": ["语文", "数学"]}
    assert edited_text(HAND, same, trees) == HAND
    assert edited_text(HAND, same, trees) == HAND


def test_a_prepared_tree_of_text_that_does_not_read_says_so_when_taken():
    import pytest

    from docgen.serve.yamledit import Unreadable

    trees = Trees()
    trees.prepare("id: [x\n")
    with pytest.raises(Unreadable):
        edited_text("id: [x\n", {"id": "x"}, trees)


def test_only_the_newest_trees_are_kept():
    trees = Trees(size=2)
    for n in range(5):
        trees.prepare(f"id: x{n}\n")
    assert len(trees._futures) == 2


def test_memory_is_given_back_when_the_jobs_are_idle_not_before_a_clerk_sees_the_end(tmp_path, monkeypatch):
    """A full collection holds every thread of the server: it waits until no job is queued,
    so the pages that show a job's end (and the next job) are not held up by it."""
    import time

    from docgen.serve import jobs
    from docgen.serve.workspace import Workspace

    state = State(tmp_path)
    runner = jobs.Runner(Workspace(tmp_path, tmp_path / "out"), state, idle=0.05)
    given: list[list[str]] = []
    monkeypatch.setattr(jobs, "give_back_memory", lambda: given.append([j.status for j in state.jobs()]))
    monkeypatch.setattr(runner.workspace, "root", lambda programme: tmp_path)
    monkeypatch.setattr(runner, "_do", lambda kind, root, pairing, listener: {"message": "好"})
    first = runner.submit("p", jobs.REPORT, None, "一")
    second = runner.submit("p", jobs.BUNDLE, "x", "二")
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while not given and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        runner.stop()
    assert state.job(first).status == state.job(second).status == "done"
    assert given == [["done", "done"]], "memory was given back while a job was still to run"


def test_a_chart_is_drawn_once_for_the_same_figures_and_again_when_they_change():
    """The summary's chart, after an edit that leaves the records alone, is the same PNG,
    not drawn again; a record more or less draws it anew."""
    import dataclasses

    from docgen.activities import chart
    from tests.helpers import DATA
    from tests.test_activities import scorecard

    counts, _ = scorecard(DATA / "gaotai-2020", "sanzhong")
    chart._drawn.cache_clear()
    first = chart.activities_by_month(counts)
    assert first is not None and first.startswith(b"\x89PNG")
    assert chart.activities_by_month(dataclasses.replace(counts)) == first
    assert chart._drawn.cache_info().hits == 1 and chart._drawn.cache_info().misses == 1
    fewer = chart.activities_by_month(dataclasses.replace(counts, records=counts.records[:-1]))
    assert fewer is not None and fewer != first
    assert chart._drawn.cache_info().misses == 2


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_a_job_page_hears_of_a_change_at_once_and_reads_the_state_file_only_then(tmp_path, monkeypatch):
    """The event stream looks every tick whether the job moved (in memory) and reads the
    state file only when it did (or once a second): a page sees a job end within a tick."""
    import threading
    import time

    from fastapi.testclient import TestClient

    from docgen.serve import pages
    from docgen.serve.app import create_app

    monkeypatch.setattr(pages, "EVENTS_TICK", 0.01)
    app = create_app(tmp_path / "data", tmp_path / "out", warm=False)  # no lifespan: no worker runs the job
    state = app.state.state
    job = state.add_job("p", "bundle", "x", "生成")
    reads = []
    real = state.job
    monkeypatch.setattr(state, "job", lambda job_id: reads.append(job_id) or real(job_id))
    timer = threading.Timer(0.4, lambda: state.update_job(job, status="done", finished=time.time()))
    timer.start()
    with TestClient(app).stream("GET", f"/jobs/{job}/events") as events:
        text = "".join(events.iter_text())
    timer.join()
    assert "event: finished" in text and "已完成" in text
    assert len(reads) <= 4, f"the state file was read {len(reads)} times in 40 ticks"


def test_generating_after_an_edit_starts_the_job_without_loading_the_programme_in_the_request(small_copy,
                                                                                              monkeypatch):
    """The click on 生成 answers at once: the reload after an edit is the job's to do (it needs
    it), the label is read from the pairing's own file."""
    from fastapi.testclient import TestClient

    from docgen.serve.app import create_app
    from tests.serve_helpers import with_token

    app = create_app(small_copy.parent, small_copy.parent.parent / "out", warm=False)  # no worker runs the job
    client = with_token(TestClient(app))
    loads = []
    monkeypatch.setattr(app.state.workspace, "loaded", lambda programme: loads.append(programme))
    response = client.post("/p/gaotai/pairing/sanzhong/generate", follow_redirects=False)
    assert response.status_code == 303 and loads == []
    job = app.state.state.job(int(response.headers["location"].rsplit("/", 1)[1]))
    assert job.label == "生成 高台三中（sanzhong） 的报送材料"


def test_the_list_parses_the_build_record_only_when_it_changed(tmp_path, monkeypatch):
    """The list of pairings is made again every few seconds while it is read; the bundles'
    entries of the build record are parsed again only when a record file changed (at 1 000
    pairings each parse took the server 20 MB higher for a moment, beside a 生成全部)."""
    import json

    from docgen.incremental.record import Record, record_name
    from docgen.serve import workspace as workspace_module
    from docgen.serve.workspace import Workspace

    folder = tmp_path / "out" / "demo"
    folder.mkdir(parents=True)
    (folder / "bundles").mkdir()
    (folder / "bundles" / "p001.zip").write_bytes(b"zip")
    record = Record(folder)
    record.made(folder / "bundles" / "p001.zip", "r1", "p001", "bundle")
    record.save()
    parsed = []
    monkeypatch.setattr(workspace_module, "Record", lambda *a, **k: parsed.append(a) or Record(*a, **k))
    ws = Workspace(tmp_path, tmp_path / "out")
    first = ws.bundle_record("demo")
    assert [r.state for r in first.values()] == ["made"]
    (folder / "bundles" / "p001.zip").write_bytes(b"changed by hand")
    again = ws.bundle_record("demo")
    assert len(parsed) == 1 and [r.state for r in again.values()] == ["changed"]  # looked at anew
    body = json.loads((folder / record_name()).read_text("utf-8"))
    body["outputs"]["bundles/p002.zip"] = dict(body["outputs"]["bundles/p001.zip"], source="p002")
    (folder / record_name()).write_text(json.dumps(body, ensure_ascii=False, indent=0) + "\n", "utf-8")
    assert set(ws.bundle_record("demo")) == {"bundles/p001.zip", "bundles/p002.zip"} and len(parsed) == 2
