"""Incremental builds and shards: a re-run makes only what changed, removes what is gone, and
gives the same bytes as one run from scratch; shards side by side give the same files as one run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.authoring.specimen import write_specimen
from docgen.errors import UsageError
from docgen.output_tree import STALE
from docgen.shards import Shard, parse_shard
from tests.helpers import ROOT, run

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop


def files(out: Path) -> dict[str, bytes]:
    """Every output under ``out`` by path, build records and locks left out (they hold file
    times), and so are the outputs moved aside into 过期/."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".docgen-build") and STALE not in p.relative_to(out).parts}


def summary(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("汇总："))


@pytest.fixture
def specimen(tmp_path) -> Path:
    return write_specimen(tmp_path / "data" / "demo", 2)


def test_rerun_skips_everything_and_an_edit_remakes_only_its_pairing(specimen, tmp_path):
    out = tmp_path / "out"
    first = run("build", specimen, "-o", out)
    assert first.returncode == 0, first.stderr
    made = files(out)
    total = sum(1 for name in made if name.endswith(".docx"))

    again = run("build", specimen, "-o", out)
    assert again.returncode == 0 and f"新生成 0 个文件，未变跳过 {total} 个" in summary(again.stdout)
    assert files(out) == made

    pairing = specimen / "pairings" / "p002.yaml"
    pairing.write_text(pairing.read_text(encoding="utf-8").replace("提升薄弱学科质量。", "提升数学学科质量。"),
                       encoding="utf-8")
    edited = run("build", specimen, "-o", out)
    assert edited.returncode == 0, edited.stderr
    remade = {n for n, body in files(out).items() if made.get(n) != body}
    assert remade and all(n.startswith("demo/p002/") for n in remade), remade
    bureau = sum(1 for n in made if n.count("/") == 1 and n.endswith(".docx"))
    p002 = sum(1 for n in made if n.startswith("demo/p002/"))
    assert f"新生成 {p002 + bureau} 个文件" in summary(edited.stdout)  # the bureau's pair lists name every pairing

    scratch = tmp_path / "scratch"
    assert run("build", specimen, "-o", scratch).returncode == 0
    assert files(out) == files(scratch)


def test_deleted_pairing_is_moved_aside_force_and_a_broken_record(specimen, tmp_path):
    out = tmp_path / "out"
    assert run("build", specimen, "-o", out).returncode == 0
    before = {n: body for n, body in files(out).items() if n.startswith("demo/p002/")}
    (specimen / "pairings" / "p002.yaml").unlink()
    (specimen / "activities" / "2022" / "p002.yaml").unlink()
    result = run("build", specimen, "-o", out)
    assert result.returncode == 0, result.stderr
    assert not (out / "demo" / "p002").exists()
    # its files, and the notice to its county (甲县 has no other pairing), moved aside, not deleted
    assert f"过期移走 {len(before) + 1} 个" in summary(result.stdout)
    assert f"结对“p002”已从数据中删除（pairings/ 下已没有它的文件）：已将 {len(before)} 个文件移到" in result.stderr
    assert "数据中已没有这份文件" in result.stderr and "通知_示教字〔2022〕10号_甲县.docx" in result.stderr
    [day] = (out / "demo" / STALE).iterdir()
    moved = {f"demo/{p.relative_to(day).as_posix()}": p.read_bytes() for p in day.rglob("*.docx")}
    assert {n: b for n, b in moved.items() if n.startswith("demo/p002/")} == before
    scratch = tmp_path / "scratch"
    assert run("build", specimen, "-o", scratch).returncode == 0
    assert files(out) == files(scratch)

    count = sum(1 for n in files(out) if n.endswith(".docx"))
    assert f"新生成 {count} 个" in summary(run("build", specimen, "-o", out, "--force").stdout)
    (out / "demo" / ".docgen-build.json").write_text("{not json", encoding="utf-8")
    assert f"新生成 {count} 个" in summary(run("build", specimen, "-o", out).stdout)
    record = json.loads((out / "demo" / ".docgen-build.json").read_text(encoding="utf-8"))
    assert len(record["outputs"]) == count


def test_a_summary_of_a_year_the_data_no_longer_asks_for_is_moved_aside(small_copy, tmp_path):
    """Review 36: a summary whose year lost its text and its records stayed in out/, looking
    made (and listed as 已生成). A run making every year's summary moves it aside; a term's
    summary, asked for by its term, stays (as one asked for by its year: tests/test_never_lost.py)."""
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out).returncode in (0, 7)
    assert run("build", small_copy, "-o", out, "--term", "2020秋").returncode in (0, 7)
    made = out / "gaotai" / "sanzhong" / "年度工作总结_2020年度.docx"
    term = out / "gaotai" / "sanzhong" / "学期工作总结_2020年秋季学期.docx"
    assert made.is_file() and term.is_file()
    path = small_copy / "pairings" / "sanzhong.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("summaries:")], encoding="utf-8")
    (small_copy / "activities" / "2020" / "sanzhong.yaml").unlink()
    result = run("build", small_copy, "-o", out)
    assert result.returncode in (0, 7), result.stderr
    assert not made.exists() and term.is_file()
    assert "数据中已没有这份文件" in result.stderr and "年度工作总结_2020年度.docx" in result.stderr
    [day] = (out / "gaotai" / STALE).iterdir()
    assert (day / "sanzhong" / "年度工作总结_2020年度.docx").is_file()


def test_a_file_changed_by_hand_is_made_again(specimen, tmp_path):
    out = tmp_path / "out"
    assert run("build", specimen, "-o", out).returncode == 0
    target = next((out / "demo" / "p001").glob("协议书_*.docx"))
    good = target.read_bytes()
    target.write_bytes(b"edited by hand")
    assert "新生成 1 个文件" in summary(run("build", specimen, "-o", out).stdout)
    assert target.read_bytes() == good


def test_three_shards_side_by_side_make_what_one_run_makes(tmp_path):
    specimen = write_specimen(tmp_path / "data" / "demo", 8)  # 4, 3 and 1 pairings a shard
    kinds = ["-k", "notice", "-k", "agreement"]  # the bureau's notices and each pair's agreement
    one = tmp_path / "one"
    assert run("build", specimen, "-o", one, *kinds).returncode == 0
    shared = tmp_path / "shared"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "")}
    procs = [subprocess.Popen([sys.executable, "-m", "docgen.cli", "build", str(specimen), "-o", str(shared),
                               "--shard", "3", *kinds], env={**env, "JOB_COMPLETION_INDEX": str(i)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(3)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert files(shared) == files(one)
    records = sorted(p.name for p in (shared / "demo").glob(".docgen-build*.json"))
    assert records == [".docgen-build.0of3.json", ".docgen-build.1of3.json", ".docgen-build.2of3.json"]
    # every shard made something, and a run over the whole folder then finds nothing to do
    assert all("新生成 0 " not in out for out, _ in outputs), outputs
    assert "新生成 0 个文件" in summary(run("build", specimen, "-o", shared, *kinds).stdout)
    # a pairing shard 1 made, deleted, is removed by the next run of any shard
    victim = next(f"p{k:03d}" for k in range(1, 9) if Shard(1, 3).owns(f"p{k:03d}"))
    assert f"{victim}/" in (shared / "demo" / ".docgen-build.1of3.json").read_text("utf-8")
    (specimen / "pairings" / f"{victim}.yaml").unlink()
    (specimen / "activities" / "2022" / f"{victim}.yaml").unlink()
    assert run("build", specimen, "-o", shared, "--shard", "0/3", *kinds).returncode == 0
    assert not (shared / "demo" / victim).exists() and (shared / "demo" / STALE).is_dir()
    assert len([p for p in (shared / "demo").iterdir() if p.is_dir() and p.name != STALE]) == 7


def test_shards_split_the_pairings_and_the_bureau_goes_to_shard_0():
    ids = [f"p{i:03d}" for i in range(300)]
    shards = [Shard(i, 3) for i in range(3)]
    assert all(sum(s.owns(p) for s in shards) == 1 for p in ids)
    assert all(60 < sum(s.owns(p) for p in ids) < 140 for s in shards)
    assert [s.owns(None) for s in shards] == [True, False, False]


def test_shard_option_reads_the_job_engines_index():
    assert parse_shard("1/4", {}) == Shard(1, 4)
    assert parse_shard("4", {"JOB_COMPLETION_INDEX": "2"}) == Shard(2, 4)
    assert parse_shard("4", {"SLURM_ARRAY_TASK_ID": "3"}) == Shard(3, 4)
    assert parse_shard(None, {}) is None
    for bad, env in [("4", {}), ("4/4", {}), ("a/b", {}), ("0/0", {})]:
        with pytest.raises(UsageError):
            parse_shard(bad, env)


def test_bundle_again_leaves_every_bundle_as_it_was(example_bundles, examples):
    out, _ = example_bundles
    before = files(out)
    bundles = len(list(out.glob("*/bundles/*.zip")))
    again = run("bundle", examples, "-o", out)
    assert again.returncode == 0, again.stderr
    documents = sum(1 for n in before if n.endswith(".docx") and "/bundles/" not in n)
    assert summary(again.stdout) == f"汇总：新生成 0 个报送包（文件夹和 .zip），未变跳过 {documents + bundles} 个。"
    assert files(out) == before


def test_progress_in_a_log_is_a_line_every_tenth(capsys):
    from docgen.progress import Progress

    progress = Progress(terminal=False)
    progress.began("render", 20)
    for i in range(20):
        progress.advanced(f"f{i}.docx", ok=i != 7)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 10 and lines[0].startswith("生成 Word 文件：2/20（10%），")
    assert lines[-1].startswith("生成 Word 文件：20/20（100%），") and "剩余" not in lines[-1]
    assert err.strip() == "失败：f7.docx"


def test_build_in_a_log_shows_progress_and_a_summary(specimen, tmp_path):
    result = run("build", specimen, "-o", tmp_path / "out", "-k", "agreement")
    lines = result.stdout.splitlines()
    assert lines[-4].startswith("生成 Word 文件：4/4（100%）") and lines[-2] == "汇总：新生成 4 个文件，未变跳过 0 个。"


def test_the_record_is_written_piece_by_piece_as_the_same_json(tmp_path):
    """The build record (5 MB at 1 000 pairings) is streamed to its file, with the bytes a
    single string of it had: keys in order, one item a line, UTF-8, a newline at the end."""
    from docgen.outputs import write_atomic_json

    body = {"format": 3, "outputs": {"p001/协议书_甲—乙.docx": {"recipe": "ab", "digests": {"x": "1"}, "facts": {
        "heading": "结对帮扶协议书", "attachments": [], "ratio": 0.5, "ok": True, "none": None}}, "z": [1, "二"]}}
    path = tmp_path / "sub" / ".docgen-build.json"
    write_atomic_json(path, body)
    assert path.read_bytes() == (json.dumps(body, ensure_ascii=False, indent=0) + "\n").encode("utf-8")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_a_record_looked_at_gives_the_stages_asked_for_without_facts(specimen, tmp_path):
    """The workspace's list of pairings reads the bundles' entries only, from a record read
    without the facts noted of each output (issue 20: the whole record of 1 000 pairings took
    the server's process 27 MB higher each time the list was made again), and that record
    can never be saved over the full one."""
    from docgen.incremental import Record
    from docgen.incremental.record import Looking

    out = tmp_path / "out"
    made = run("build", specimen, "-o", out, "-k", "agreement")
    assert made.returncode == 0, made.stderr
    folder = next(p for p in out.iterdir() if p.is_dir())
    whole = Record(folder).recorded()
    assert {r.stage for r in whole.values()} == {"docx"} and len(whole) > 2
    assert Record(folder, looking=Looking()).recorded() == whole
    assert Record(folder, looking=Looking(("docx", "report"))).recorded() == whole
    looked = Record(folder, looking=Looking(("bundle",)))
    assert looked.recorded() == {} and looked.own == {}
    assert all("facts" in e for e in Record(folder).own.values())
    assert not any("facts" in e for e in Record(folder, looking=Looking()).own.values())
    before = (folder / ".docgen-build.json").read_bytes()
    with pytest.raises(AssertionError):
        looked.save()
    assert (folder / ".docgen-build.json").read_bytes() == before


def test_the_record_a_run_saved_is_not_parsed_again_unless_its_file_changed(specimen, tmp_path, monkeypatch):
    """At the end of a run, when its process holds the most, the shortcut's digest of the
    records takes the run's own record from memory (parsing it again took 19 MB for its
    6.4 MB at a quarter of 5 000 pairings), and parses a file that changed after it was saved."""
    from docgen import pipeline
    from docgen.incremental import shortcut
    from docgen.incremental.record import Record

    out = tmp_path / "out"
    parsed: list[bool] = []
    loads = json.loads
    with monkeypatch.context() as patched:
        patched.setattr(shortcut.json, "loads", lambda data: parsed.append('"outputs"' in str(data)) or loads(data))
        pipeline.build(specimen, out, pipeline.Options(kinds=("agreement",)))
    assert True not in parsed  # the record the run wrote is not read back when it ends

    folder = out / specimen.name
    record = Record(folder)
    record.save()
    assert record.as_saved() is record.now
    assert shortcut.records_digest(folder, [record]) == shortcut.records_digest(folder) is not None
    # another process writes the record again, without an output it deleted
    book = json.loads(record.path.read_bytes())
    key = next(iter(book["outputs"]))
    for name in book["outputs"].pop(key)["paths"]:
        (folder / name).unlink()
    record.path.write_text(json.dumps(book), encoding="utf-8")
    assert record.as_saved() is None
    assert shortcut.records_digest(folder, [record]) == shortcut.records_digest(folder) is not None


def test_a_shard_holds_of_the_other_shards_records_only_what_concerns_it(tmp_path):
    """The shards of a province share one output folder, and each read the records of all
    the others and held them for its whole run (at 5 000 pairings, 6.4 MB of JSON a shard).
    A shard now keeps of them the outputs of pairings deleted since (any run moves those
    aside); a run over the whole programme keeps them all."""
    from docgen import pipeline
    from docgen.options import Options

    specimen = write_specimen(tmp_path / "data" / "demo", 8)
    out, kinds = tmp_path / "out", ("notice", "agreement")
    for i in range(3):
        pipeline.build(specimen, out, Options(kinds=kinds, shard=Shard(i, 3)))
    victim = next(f"p{k:03d}" for k in range(1, 9) if Shard(1, 3).owns(f"p{k:03d}"))
    (specimen / "pairings" / f"{victim}.yaml").unlink()
    (specimen / "activities" / "2022" / f"{victim}.yaml").unlink()

    def sources(outcome) -> set[str | None]:
        return {entry["source"] for others in outcome.books["demo"].record.others for entry in others.values()}

    shard_2 = pipeline.build(specimen, out, Options(kinds=kinds, shard=Shard(2, 3)))
    assert not (out / "demo" / victim).exists() and (out / "demo" / STALE).is_dir()  # moved aside all the same
    assert sources(shard_2) == {victim}
    whole = pipeline.build(specimen, out, Options(kinds=kinds))
    assert sources(whole) == {None} | {f"p{k:03d}" for k in range(1, 9)}  # (shard 1's record still names the victim)
