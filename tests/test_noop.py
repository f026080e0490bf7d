"""A run that changes nothing is recognised by the size and time of its files, without reading
the data (``incremental.shortcut``), and every change that matters is still seen: an output
edited or deleted, a data file edited, added or removed, a template touched, another option,
a new day, a killed run."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from docgen import pipeline
from docgen.authoring.specimen import write_specimen
from docgen.output_tree import EDITED, STALE
from tests.helpers import run
from tests.test_incremental import files, summary


@pytest.fixture
def specimen(tmp_path) -> Path:
    return write_specimen(tmp_path / "data" / "demo", 2)


@dataclass
class Noted:
    """A specimen built twice (see ``_noted``): its data folder, its output folder, the outputs
    and how many are Word files."""

    specimen: Path
    out: Path
    made: dict[str, bytes]
    count: int


@pytest.fixture(scope="session")
def _noted_once(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes], int]:
    """The specimen built twice, once for the session: the folder its tests work in (the run's
    note names its data and output folders, so each test gets them back at the same place)
    and a pristine copy of it, file times and all."""
    work = tmp_path_factory.mktemp("noted")
    specimen = write_specimen(work / "data" / "demo", 2)
    made, count = _noted(specimen, work / "out")
    pristine = tmp_path_factory.mktemp("noted-pristine") / "copy"
    shutil.copytree(work, pristine, symlinks=True)
    return work, pristine, made, count


@pytest.fixture
def noted(_noted_once) -> Noted:
    """The noted specimen as the session's two builds left it (sizes and times as they were),
    for a test to change."""
    work, pristine, made, count = _noted_once
    shutil.rmtree(work)
    shutil.copytree(pristine, work, symlinks=True)  # copy2: file times kept to the nanosecond
    noted = Noted(work / "data" / "demo", work / "out", made, count)
    assert files(noted.out) == made
    return noted


class Looked:
    """Counts the runs that looked at the data the slow way (loaded it and planned every output)."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = pipeline._render_documents

        def counted(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, "_render_documents", counted)


@pytest.fixture
def looked(monkeypatch) -> Looked:
    return Looked(monkeypatch)


def _noted(specimen: Path, out: Path, *options: str) -> tuple[dict[str, bytes], int]:
    """A programme built, and built again (so that the note no longer depends on how close
    the data's file times are to the first run's start): its outputs, and its Word files."""
    for _ in range(2):
        result = run("build", specimen, "-o", out, *options)
        assert result.returncode == 0, result.stderr
    made = files(out)
    return made, sum(1 for n in made if n.endswith(".docx"))


def test_a_noop_build_reads_nothing_and_says_what_it_left(noted, looked):
    specimen, out, made, count = noted.specimen, noted.out, noted.made, noted.count
    before = looked.count
    again = run("build", specimen, "-o", out)
    assert again.returncode == 0, again.stderr
    assert looked.count == before  # the data was not loaded
    assert summary(again.stdout) == f"汇总：新生成 0 个文件，未变跳过 {count} 个。"
    assert files(out) == made
    assert not list((out / "demo").glob(".docgen-build*.running"))


def test_an_output_edited_by_hand_is_kept_and_made_again(noted, looked):
    specimen, out, made = noted.specimen, noted.out, noted.made
    target = next((out / "demo" / "p001").glob("协议书_*.docx"))
    body = bytearray(target.read_bytes())
    body[-30] ^= 1  # the same size: only its time and bytes tell
    target.write_bytes(bytes(body))
    result = run("build", specimen, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "新生成 1 个文件" in summary(result.stdout)
    assert target.read_bytes() == made[target.relative_to(out).as_posix()]
    [kept] = [p for p in target.parent.iterdir() if EDITED in p.name]
    assert kept.read_bytes() == bytes(body)


def test_a_deleted_output_is_made_again(noted):
    specimen, out, made = noted.specimen, noted.out, noted.made
    target = next((out / "demo" / "p002").glob("*.docx"))
    target.unlink()
    assert "新生成 1 个文件" in summary(run("build", specimen, "-o", out).stdout)
    assert files(out) == made


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("提升薄弱学科质量。", "提升数学学科质量。"),
                    encoding="utf-8")


def test_an_edited_data_file_is_seen_even_with_its_size_and_day_unchanged(noted):
    specimen, out, made = noted.specimen, noted.out, noted.made
    pairing = specimen / "pairings" / "p002.yaml"
    stat = pairing.stat()
    text = pairing.read_text(encoding="utf-8")
    assert "提升薄弱学科质量。" in text
    pairing.write_text(text.replace("提升薄弱学科质量。", "提升数学学科质量。"), encoding="utf-8")
    assert pairing.stat().st_size == stat.st_size
    result = run("build", specimen, "-o", out)
    remade = {n for n, body in files(out).items() if made.get(n) != body}
    assert result.returncode == 0 and remade and all(n.startswith("demo/p002/") or n.count("/") == 1 for n in remade)


def test_an_added_and_a_removed_data_file_are_seen(noted, tmp_path):
    specimen, out = noted.specimen, noted.out
    other = write_specimen(tmp_path / "three", 3)
    shutil.copy(other / "pairings" / "p003.yaml", specimen / "pairings" / "p003.yaml")
    result = run("build", specimen, "-o", out)
    assert result.returncode == 0, result.stderr
    assert (out / "demo" / "p003").is_dir()
    (specimen / "pairings" / "p003.yaml").unlink()
    result = run("build", specimen, "-o", out)
    assert result.returncode == 0, result.stderr
    assert not (out / "demo" / "p003").exists() and (out / "demo" / STALE).is_dir()


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_a_touched_template_makes_a_slow_run_that_finds_nothing_to_make(specimen, tmp_path, looked):
    out = tmp_path / "out"
    templates = Path(shutil.copytree(pipeline.DEFAULTS.templates, tmp_path / "templates"))
    made, count = _noted(specimen, out, "-t", templates)
    before = looked.count
    os.utime(templates / "agreement.docx")
    result = run("build", specimen, "-o", out, "-t", templates)
    assert looked.count == before + 1
    assert summary(result.stdout) == f"汇总：新生成 0 个文件，未变跳过 {count} 个。"
    # an edited template is seen (and makes its documents again)
    with zipfile.ZipFile(templates / "agreement.docx", "a") as template:
        template.comment = b"edited in Word"
    result = run("build", specimen, "-o", out, "-t", templates)
    assert result.returncode == 0 and "新生成 0 个" not in summary(result.stdout)


@pytest.mark.parametrize("options", [("-k", "agreement"), ("--as-of", "2023-01-10"), ("-p", "p001")])
def test_another_option_is_another_run(noted, looked, options):
    specimen, out = noted.specimen, noted.out
    before = looked.count
    assert run("build", specimen, "-o", out, *options).returncode == 0
    assert looked.count == before + 1
    assert run("build", specimen, "-o", out, *options).returncode == 0
    assert looked.count == before + 1  # now noted under its own options


def test_a_new_day_is_a_slow_run(noted, looked, monkeypatch):
    specimen, out = noted.specimen, noted.out

    tomorrow = dt.date.today() + dt.timedelta(days=1)

    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return tomorrow

    monkeypatch.setattr(dt, "date", Tomorrow)  # for every module: summaries count to today too
    before = looked.count
    assert run("build", specimen, "-o", out).returncode == 0
    assert looked.count == before + 1


def test_a_killed_run_and_a_file_newer_than_the_run_are_not_trusted(noted, looked):
    specimen, out = noted.specimen, noted.out
    mark = out / "demo" / ".docgen-build.running"
    mark.touch()  # a run was killed: it may have left temporary files to remove
    before = looked.count
    assert run("build", specimen, "-o", out).returncode == 0
    assert looked.count == before + 1 and not mark.exists()
    # a data file whose time is not before the run's start could have changed again unseen
    future = time.time() + 3600
    os.utime(specimen / "pairings" / "p001.yaml", (future, future))
    assert run("build", specimen, "-o", out).returncode == 0
    assert run("build", specimen, "-o", out).returncode == 0
    assert looked.count == before + 3


def test_a_run_asked_for_what_is_not_there_leaves_no_mark(noted, looked):
    """A run that stops at a usage error after it began (the pairing asked for is found
    missing once the data is read) wrote nothing: it leaves no mark of a run going on, and
    the next run is recognised as one that changes nothing."""
    specimen, out = noted.specimen, noted.out
    wrong = run("build", specimen, "-o", out, "-p", "p999")
    assert wrong.returncode != 0 and "找不到结对“p999”" in wrong.stderr
    assert not list((out / "demo").glob(".docgen-build*.running"))
    before = looked.count
    assert run("build", specimen, "-o", out).returncode == 0
    assert looked.count == before  # the data was not loaded


def test_a_run_with_problems_is_not_noted(noted, looked):
    specimen, out = noted.specimen, noted.out
    broken = specimen / "pairings" / "p002.yaml"
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good + "\nnot: [closed\n", encoding="utf-8")
    before = looked.count
    for _ in range(2):
        assert run("build", specimen, "-o", out).returncode == 2
    assert looked.count == before + 2


def test_a_noop_bundle_reads_nothing(example_bundles, examples, looked):
    out, _ = example_bundles
    before = files(out)
    again = run("bundle", examples, "-o", out)
    assert again.returncode == 0, again.stderr
    assert looked.count == 0  # (the session's bundle run noted what it saw)
    bundles = len(list(out.glob("*/bundles/*.zip")))
    documents = sum(1 for n in before if n.endswith(".docx") and "/bundles/" not in n)
    assert summary(again.stdout) == f"汇总：新生成 0 个报送包（文件夹和 .zip），未变跳过 {documents + bundles} 个。"
    assert files(out) == before
