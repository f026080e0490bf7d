"""Never lose a user's work (issue 17, items 1, 3, 4): a hand-edited Word file is kept, an
out-of-date output is moved aside with the true reason and never deleted, a bundle made
again keeps its earlier version, and two runs never write one programme's outputs at once."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from docx import Document

from docgen import cli, pipeline
from docgen.options import Options
from docgen.output_tree import EARLIER, EDITED, STALE, OutputTree
from tests.conftest import needs_libreoffice
from tests.helpers import all_text, run

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop


def _edit_by_hand(path: Path, line: str) -> bytes:
    doc = Document(str(path))
    doc.add_paragraph(line)
    doc.save(str(path))
    return path.read_bytes()


def _summary(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("汇总："))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_hand_edited_word_file_survives_a_rebuild(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "agreement").returncode == 0
    agreement = sorted((out / "gaotai" / "sanzhong").glob("协议书_*.docx"))[0]
    made = agreement.read_bytes()
    edited = _edit_by_hand(agreement, "双方另行约定：每月第一周召开一次联席会。")

    result = run("build", small_copy, "-o", out, "-k", "agreement")
    assert result.returncode == 0, result.stderr
    [kept] = agreement.parent.glob(f"*（{EDITED} *）.docx")
    assert kept.read_bytes() == edited and "每月第一周召开一次联席会" in all_text(Document(str(kept)))
    assert agreement.read_bytes() == made  # the document as the data says, made again beside it
    assert "在生成后被手工修改过" in result.stderr and kept.name in result.stderr
    assert "保留手工修改过的 1 个" in _summary(result.stdout)

    again = run("build", small_copy, "-o", out, "-k", "agreement")  # the kept file is the user's: left alone
    assert "新生成 0 个文件" in _summary(again.stdout) and kept.read_bytes() == edited


def test_a_file_only_touched_is_not_taken_for_an_edit(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "agreement").returncode == 0
    for path in (out / "gaotai").rglob("*.docx"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # copied, synced, opened and closed: same bytes
    result = run("build", small_copy, "-o", out, "-k", "agreement")
    assert "新生成 0 个文件" in _summary(result.stdout) and EDITED not in result.stderr
    assert not list((out / "gaotai").rglob(f"*{EDITED}*"))


def test_a_hand_edited_report_is_kept(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("report", small_copy, "-o", out).returncode == 0
    [annex] = (out / "gaotai" / "report").glob("*.docx")
    edited = _edit_by_hand(annex, "注：表中得分已经局务会审定。")
    (small_copy / "programme.yaml").write_text((small_copy / "programme.yaml").read_text("utf-8") + "\n", "utf-8")
    result = run("report", small_copy, "-o", out)
    assert result.returncode == 0, result.stderr
    [kept] = annex.parent.glob(f"*{EDITED}*.docx")
    assert kept.read_bytes() == edited and annex.read_bytes() != edited


def test_a_school_name_fixed_moves_the_misspelt_agreement_aside_with_the_true_reason(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "agreement").returncode == 0
    folder = out / "gaotai" / "sanzhong"
    misspelt = [p for p in folder.glob("协议书_*.docx") if "黑泉镇中心小学" in p.name]
    assert misspelt
    _replace(small_copy / "pairings" / "sanzhong.yaml", "黑泉镇中心小学", "黑泉镇中心学校")

    result = run("build", small_copy, "-o", out, "-k", "agreement")
    assert result.returncode == 0, result.stderr
    assert not [p for p in folder.glob("协议书_*.docx") if "黑泉镇中心小学" in p.name]
    assert [p for p in folder.glob("协议书_*.docx") if "黑泉镇中心学校" in p.name]
    assert "数据中已没有这份文件" in result.stderr and "已从数据中删除" not in result.stderr
    assert "不存在" not in result.stdout + result.stderr  # the pairing is there: no word says otherwise
    [day] = (out / "gaotai" / STALE).iterdir()
    assert (day / "sanzhong" / misspelt[0].name).read_bytes()  # moved, not deleted
    assert misspelt[0].name in (day / "说明.txt").read_text("utf-8")


def test_a_summary_asked_for_by_year_is_not_taken_away_by_a_plain_run(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "summary", "-y", "2020").returncode == 0
    drafts = sorted((out / "gaotai").rglob("年度工作总结_*.docx"))
    assert len(drafts) == 2  # one of them a draft: its pairing wrote no summary, a plain build makes none
    result = run("build", small_copy, "-o", out)
    assert result.returncode == 0, result.stderr
    assert all(d.exists() for d in drafts) and STALE not in result.stderr


def test_a_second_run_waits_for_the_first_and_says_so(small_copy, tmp_path, quick_lock_poll):
    out = tmp_path / "out"
    held, told, done = threading.Event(), threading.Event(), threading.Event()

    def first_run() -> None:  # holds the programme's lock as a run does, until the second one waits
        with OutputTree(out).locked(["gaotai"]):
            held.set()
            told.wait(60)
        done.set()

    class Second(pipeline.Listener):
        waited: list[Path] = []

        def waiting(self, folder: Path) -> None:
            self.waited.append(folder)
            told.set()

    thread = threading.Thread(target=first_run)
    thread.start()
    assert held.wait(60)
    outcome = pipeline.build(small_copy, out, Options(kinds=("agreement",)), Second())
    thread.join(60)
    # it waited (told again at each look until the first run let go), and ran once the first was done
    assert Second.waited and set(Second.waited) == {out / "gaotai"} and done.is_set()
    assert outcome.documents and not outcome.failures


def test_the_command_line_says_that_another_run_is_working(small_copy, tmp_path, monkeypatch, quick_lock_poll):
    out = tmp_path / "out"
    said = threading.Event()
    real = cli._Printer.waiting

    def waiting(self, folder: Path) -> None:
        real(self, folder)
        said.set()

    monkeypatch.setattr(cli._Printer, "waiting", waiting)
    box: dict = {}
    second = threading.Thread(target=lambda: box.setdefault("run", run("build", small_copy, "-o", out, "-k", "agreement")))
    with OutputTree(out).locked(["gaotai"]):
        second.start()
        assert said.wait(120)  # the second run met the lock and said so; now this one finishes
    second.join(120)
    assert box["run"].returncode == 0
    assert box["run"].stderr.count(f"另一个 docgen 正在生成 {out / 'gaotai'} 中的文件，等它完成后继续") == 1  # said once


@needs_libreoffice
def test_a_data_error_moves_sealed_bundles_aside_and_deletes_nothing(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("bundle", small_copy, "-o", out, "-p", "sanzhong").returncode in (0, 7)
    zip_path = out / "gaotai" / "bundles" / "sanzhong.zip"
    submitted = zip_path.read_bytes()
    text = (small_copy / "programme.yaml").read_text("utf-8")
    (small_copy / "programme.yaml").write_bytes(text.encode("gbk"))  # saved as “ANSI” by Notepad

    result = run("build", small_copy, "-o", out)
    assert result.returncode == 2
    assert "方案文件（programme.yaml）有错误" in result.stderr and "没有删除" in result.stderr
    [day] = (out / "gaotai" / STALE).iterdir()
    assert (day / "bundles" / "sanzhong.zip").read_bytes() == submitted
    assert "bundles/sanzhong.zip：方案文件（programme.yaml）有错误" in (day / "说明.txt").read_text("utf-8")
    assert not zip_path.exists()  # nothing out of date is left looking valid


@needs_libreoffice
def test_a_bundle_made_again_keeps_its_earlier_version(small_copy, tmp_path):
    out = tmp_path / "out"
    bundles = out / "gaotai" / "bundles"
    assert run("bundle", small_copy, "-o", out, "-p", "sanzhong").returncode in (0, 7)
    first = (bundles / "sanzhong.zip").read_bytes()
    (bundles / "sanzhong" / "寄出前的备注.txt").write_text("已于 12 月 5 日报送", encoding="utf-8")

    assert run("bundle", small_copy, "-o", out, "-p", "sanzhong", "--force").returncode in (0, 7)
    [day] = (bundles / EARLIER).iterdir()  # the same bundle again, but its folder held a note of the user's
    assert (day / "sanzhong.zip").read_bytes() == first
    assert (day / "sanzhong" / "寄出前的备注.txt").read_text("utf-8") == "已于 12 月 5 日报送"

    assert run("bundle", small_copy, "-o", out, "-p", "sanzhong", "--force").returncode in (0, 7)
    assert list((bundles / EARLIER).iterdir()) == [day]  # made again to the byte: no second copy

    _replace(small_copy / "pairings" / "sanzhong.yaml", "高台三中", "高台县第三中学")
    result = run("bundle", small_copy, "-o", out, "-p", "sanzhong")
    assert result.returncode in (0, 7), result.stderr
    versions = sorted((bundles / EARLIER).iterdir())
    assert len(versions) == 2 and (versions[1] / "sanzhong.zip").read_bytes() == first
    assert "报送包已重新生成，这是上一版" in result.stdout
    assert (bundles / "sanzhong.zip").read_bytes() != first


@pytest.mark.parametrize("name", ["~$协议书.docx", f"协议书（{EDITED} 2026-12-05）.docx", ".docgen-build.json"])
def test_the_cleaner_never_takes_what_is_not_a_docgen_output(tmp_path, name):
    tree = OutputTree(tmp_path)
    path = tmp_path / "p" / "x" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x")
    assert not tree.is_docgen_output(path)
    assert tree.is_docgen_output(path.with_name("协议书.docx")) is False  # not there
    path.with_name("协议书.docx").write_bytes(b"x")
    assert tree.is_docgen_output(path.with_name("协议书.docx"))
    moved = tmp_path / "p" / STALE / "2026-12-05" / "协议书.docx"
    moved.parent.mkdir(parents=True)
    moved.write_bytes(b"x")
    assert not tree.is_docgen_output(moved)


def test_a_pairing_with_errors_leaves_the_bureaus_lists_unmade_never_shortened(small_copy, tmp_path):
    """The bureau's plan lists every pairing: while one pairing's file has an error it is not
    made without it (it would state one pairing fewer than the county has), and says why."""
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "programme_plan").returncode == 0
    [plan] = (out / "gaotai").glob("实施方案_*.docx")
    listed = all_text(Document(str(plan)))
    assert "宣化镇中心小学" in listed  # (a recipient of the pairing to break is in the list)
    guoqing = small_copy / "pairings" / "guoqing.yaml"
    _replace(guoqing, "county: 高台县", "county：高台县")

    result = run("build", small_copy, "-o", out, "-k", "programme_plan")
    assert result.returncode == 2
    assert not plan.exists() and list((out / "gaotai").glob("实施方案_*.docx")) == []
    assert "名单不完整：结对“guoqing”的数据有错误" in result.stderr and "guoqing.yaml:3" in result.stderr
    [earlier] = (out / "gaotai" / STALE).glob(f"*/{plan.name}")  # moved aside, never deleted
    assert all_text(Document(str(earlier))) == listed

    _replace(guoqing, "county：高台县", "county: 高台县")
    assert run("build", small_copy, "-o", out, "-k", "programme_plan").returncode == 0
    assert all_text(Document(str(plan))) == listed


def test_a_hand_edited_file_of_a_pairing_with_errors_stays_where_it_is(small_copy, tmp_path):
    """A pairing whose file now has an error has its outputs moved aside, but not a file
    someone edited: it stays in its folder as theirs (过期 is there to be emptied by hand),
    and is not taken for the document when the data is mended."""
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "agreement").returncode == 0
    agreement = sorted((out / "gaotai" / "guoqing").glob("协议书_*.docx"))[0]
    edited = _edit_by_hand(agreement, "双方另行约定：每月第一周召开一次联席会。")
    guoqing = small_copy / "pairings" / "guoqing.yaml"
    _replace(guoqing, "county: 高台县", "county：高台县")

    result = run("build", small_copy, "-o", out, "-k", "agreement")
    assert result.returncode == 2
    [kept] = agreement.parent.glob(f"*（{EDITED} *）.docx")
    assert kept.read_bytes() == edited and not agreement.exists()
    assert "在生成后被手工修改过" in result.stderr and "没有移走（结对“guoqing”的数据有错误" in result.stderr
    assert "保留手工修改过的 1 个" in _summary(result.stdout)
    assert not [p for p in (out / "gaotai" / STALE).rglob("*.docx") if p.read_bytes() == edited]

    _replace(guoqing, "county：高台县", "county: 高台县")
    assert run("build", small_copy, "-o", out, "-k", "agreement").returncode == 0
    assert agreement.exists() and kept.read_bytes() == edited


def test_a_broken_activity_log_stops_its_summary_only(small_copy, tmp_path):
    """A school's empty (or broken) activity log took its whole pairing away: its plan and
    letters into 过期 (a clerk's review), and, once the bureau's lists refused to leave a
    pairing out, the county's plan with them. The pairing stays listed and its other
    documents are made; its summary, which counts the records, fails and says why."""
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out).returncode == 0
    pairing = out / "gaotai" / "sanzhong"
    [summary] = pairing.glob("年度工作总结_*.docx")
    others = sorted(p.name for p in pairing.glob("*.docx") if p != summary)
    assert others
    (small_copy / "activities" / "2020" / "sanzhong.yaml").write_text("", "utf-8")

    result = run("build", small_copy, "-o", out)
    assert result.returncode == 2
    assert "结对“sanzhong”2020 年度的活动记录有错误" in result.stderr and "文件为空" in result.stderr
    assert not summary.exists() and list((out / "gaotai" / STALE).glob(f"*/sanzhong/{summary.name}"))
    assert sorted(p.name for p in pairing.glob("*.docx")) == others  # its plan and letters stay made
    [plan] = (out / "gaotai").glob("实施方案_*.docx")  # the county's plan is made, listing it
    assert "黑泉镇中心小学" in all_text(Document(str(plan)))
