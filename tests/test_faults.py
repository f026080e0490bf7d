"""Issue 11, case by case: bad input and faults end in one located Chinese message, never a
traceback, never a lost pairing, never a stale or foreign file in out/."""
from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from docgen import dictionary, pipeline
from docgen.convert import pool as pool_module
from docgen.errors import SourceError
from docgen.incremental.record import PREFIX as RECORD_PREFIX
from docgen.load import load_programme
from docgen.load.spreadsheet import decode_csv
from docgen.options import Options
from docgen.output_tree import STALE
from docgen.render import Renderer, limits
from tests.conftest import STUB_WORKER, needs_libreoffice
from tests.helpers import PROBLEM_LINE, ROOT, plan_bundles, run


def problems(root: Path) -> list[str]:
    return [str(p) for p in load_programme(root).problems]


def located(lines: str | list[str], file: str, field: str) -> str:
    """The one problem line about ``file`` and ``field``: its message."""
    lines = lines.splitlines() if isinstance(lines, str) else lines
    found = [m for m in map(PROBLEM_LINE.match, lines) if m and m["file"].endswith(file) and m["field"] == field]
    assert len(found) == 1, lines
    return found[0]["msg"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


def outputs(out: Path) -> set[str]:
    """The files a run left in ``out``, its build record and lock (bookkeeping, not outputs)
    aside, and those moved aside into 过期/."""
    return {p.relative_to(out).as_posix() for p in out.rglob("*")
            if p.is_file() and not p.name.startswith(RECORD_PREFIX) and STALE not in p.relative_to(out).parts}


def moved_aside(out: Path) -> set[str]:
    """The files moved aside into a programme's 过期/<date>/, by their path before."""
    return {f"{p.relative_to(out).parts[0]}/{Path(*p.relative_to(out).parts[3:]).as_posix()}"
            for p in out.glob(f"*/{STALE}/*/**/*") if p.is_file() and p.name != "说明.txt"}


# ----------------------------------------------------------- 1. seal images

def _png(path: Path, mode: str = "RGBA", size: int = 300) -> None:
    Image.new(mode, (size, size), (200, 0, 0, 128) if mode == "RGBA" else (200, 0, 0)).save(path)


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_text("这不是图片"), "不是图片文件"),
    (lambda p: p.write_bytes((ROOT / "data/gaotai-2020/seals/sample-school.png").read_bytes()[:3000]), "文件不完整"),
    (lambda p: Image.new("RGB", (300, 300)).save(p, format="JPEG"), "实际是 JPEG"),
    (lambda p: _png(p, "RGB"), "没有透明背景"),
    (lambda p: _png(p, size=20), "20×20 像素"),
])
def test_bad_seal_image_is_a_located_load_error(small_copy, make, words):
    make(small_copy / "seals" / "bad.png")
    edit(small_copy / "pairings/guoqing.yaml", "  name: 国庆小学\n", "  name: 国庆小学\n  seal: seals/bad.png\n")
    assert words in located(problems(small_copy), "pairings/guoqing.yaml", "supporter.seal")


def test_a_bad_seal_costs_no_word_file(small_copy, tmp_path):
    (small_copy / "seals" / "bad.png").write_text("not a png")
    edit(small_copy / "pairings/guoqing.yaml", "  name: 国庆小学\n", "  name: 国庆小学\n  seal: seals/bad.png\n")
    out = tmp_path / "out"
    result = run("build", small_copy, "-o", out, "-k", "pairing_plan")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert located(result.stderr, "pairings/guoqing.yaml", "supporter.seal")
    assert len(outputs(out)) == 2  # Word files carry no seal: both are made


def test_missing_bureau_seal_is_a_located_load_error(small_copy, tmp_path):
    edit(small_copy / "programme.yaml", "seals/sample-bureau.png", "seals/gone.png")
    result = run("build", small_copy, "-o", tmp_path / "out", "-k", "pairing_plan")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "找不到公章图片" in located(result.stderr, "programme.yaml", "bureau.seal")


@needs_libreoffice
def test_a_seal_damaged_during_the_run_fails_only_its_bundles(small_copy, tmp_path, monkeypatch):
    real = pipeline._load

    def load(*args, **kwargs):  # someone overwrites the school seal after it was checked
        loaded = real(*args, **kwargs)
        (small_copy / "seals" / "sample-school.png").write_text("damaged")
        return loaded

    monkeypatch.setattr(pipeline, "_load", load)
    out = tmp_path / "out"
    result = run("bundle", small_copy, "-o", out)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert "生成期间被改动" in result.stderr and "sanzhong" in result.stderr
    bundles = out / "gaotai" / "bundles"
    assert (bundles / "guoqing.zip").exists() and (bundles / "bureau.zip").exists()
    assert not (bundles / "sanzhong.zip").exists() and not (bundles / "sanzhong").exists()


@needs_libreoffice
def test_a_bundle_one_of_whose_documents_failed_is_not_made(small_copy, tmp_path, monkeypatch):
    """A pairing's summary that failed to render left its bundle made without it: a
    submission missing its annual summary, looking whole. The bundle now fails with the
    document, and the one made before is moved aside (it no longer holds what the data says)."""
    out = tmp_path / "out"
    assert run("bundle", small_copy, "-o", out).returncode in (0, 7)
    bundles = out / "gaotai" / "bundles"
    assert (bundles / "sanzhong.zip").exists()
    (small_copy / "activities" / "2020" / "sanzhong.yaml").write_text(
        (small_copy / "activities" / "2020" / "sanzhong.yaml").read_text("utf-8") + "# 改过\n", "utf-8")
    real = pipeline.render_job

    def render_job(job, renderer):
        if job.kind.name == "summary" and job.pairing_id == "sanzhong":
            raise OSError(28, "No space left on device")
        return real(job, renderer)

    monkeypatch.setattr(pipeline, "render_job", render_job)
    result = run("bundle", small_copy, "-o", out)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert "报送包未生成：其中的文件本次生成失败" in result.stderr
    assert not (bundles / "sanzhong.zip").exists() and not (bundles / "sanzhong").exists()
    assert list((out / "gaotai" / "过期").glob("*/bundles/sanzhong.zip"))  # moved aside, never deleted
    assert (bundles / "guoqing.zip").exists()


# ------------------------------------------------------------ 2. file names

LONG_A = "甘肃省张掖市高台县城关镇第一中学教育集团南校区九年一贯制学校附属实验部（原高台县第二中学）"
LONG_B = "甘肃省张掖市高台县南华镇中心小学教育集团明德校区九年一贯制学校附属实验部（原南华镇第一小学）"


def test_long_school_names_fit_every_file_system(small_copy, tmp_path):
    """Every name docgen writes (Word files, pairing folders, bundle folders, PDFs, zips) stays
    within 255 bytes, with room for the temporary name, and distinct."""
    assert len(f"协议书_{LONG_A}—{LONG_B}.docx".encode()) > 255
    edit(small_copy / "pairings/sanzhong.yaml", "  name: 高台三中\n", f"  name: {LONG_A}\n")
    edit(small_copy / "pairings/sanzhong.yaml", "黑泉镇中心小学", LONG_B)
    edit(small_copy / "pairings/guoqing.yaml", "  name: 国庆小学\n", f"  name: {LONG_A}二\n")
    edit(small_copy / "pairings/guoqing.yaml", "宣化镇中心小学", LONG_B)
    long_id = "甘肃省张掖市高台县" * 8 + "国庆"  # a 222-byte file name: as long as a pairing id gets
    (small_copy / "pairings/guoqing.yaml").rename(small_copy / f"pairings/{long_id}.yaml")
    out = tmp_path / "out"
    outcome = pipeline.render_documents(small_copy, out, Options(kinds=("agreement",)))
    assert not outcome.failures and not outcome.problems
    [loaded] = outcome.loaded
    specs = plan_bundles(loaded, outcome.documents, out)
    names = [d.job.path.name for d in outcome.documents] + [d.job.path.parent.name for d in outcome.documents]
    names += [n for spec in specs for n in (spec.folder.name, spec.pdf_name, spec.zip_path.name)]
    assert len(outcome.documents) == 3 and len({d.job.path for d in outcome.documents}) == 3
    assert len({spec.zip_path for spec in specs}) == len(specs) == 2
    assert max(len(n.encode()) for n in names) <= 200


def test_a_disk_error_fails_one_document_and_spares_the_others(small_copy, tmp_path, monkeypatch):
    real = pipeline.write_atomic

    def write(path, data):
        if "guoqing" in str(path):
            raise OSError(errno.ENAMETOOLONG, "File name too long")
        real(path, data)

    monkeypatch.setattr(pipeline, "write_atomic", write)
    out = tmp_path / "out"
    result = run("build", small_copy, "-o", out, "-k", "pairing_plan")
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert "文件名太长" in result.stderr and "guoqing" in result.stderr
    assert outputs(out) == {"gaotai/sanzhong/实施方案_高台三中与黑泉镇中心小学.docx"}


def test_a_full_disk_fails_the_report_not_the_command(small_copy, tmp_path, monkeypatch):
    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "write_atomic", full)
    result = run("report", small_copy, "-o", tmp_path / "out")
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert "磁盘空间已满" in result.stderr and "考核汇总_2020年度" in result.stderr


def test_a_fault_of_docgen_itself_is_said_without_a_traceback(small_copy, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(pipeline, "_render_documents", broken)
    monkeypatch.delenv("DOCGEN_DEBUG", raising=False)
    result = run("build", small_copy, "-o", tmp_path / "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "docgen 内部错误（ValueError: a bug）" in result.stderr and "DOCGEN_DEBUG=1" in result.stderr


# ------------------------------------------------------------ 3. nesting

def test_deeply_nested_yaml_is_located(small_copy):
    (small_copy / "pairings/guoqing.yaml").write_text("county: [" + "[" * 100_000 + "\n")
    message = located(problems(small_copy), "pairings/guoqing.yaml", "-")
    assert "嵌套超过" in message


# ------------------------------------------------------------ 4. output folder

def test_output_path_that_is_a_file(small_copy, tmp_path):
    target = tmp_path / "out"
    target.write_text("a file")
    result = run("build", small_copy, "-o", target / "sub")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "是一个文件，不是文件夹" in result.stderr and "已生成" not in result.stdout


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs a folder even root cannot write")
def test_output_folder_not_writable(small_copy):
    result = run("build", small_copy, "-o", "/sys/kernel")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "无法写入输出目录" in result.stderr and "已生成" not in result.stdout


# ------------------------------------------------------------ 5. templates

@pytest.mark.parametrize("tag, words", [
    ("{% include '/etc/passwd' %}", "不能使用 include"),
    ("{{ range(10**10)|list|length }}", "range 的长度"),
    ("{{ 'x' * 10**9 }}", "超过上限"),
    ("{{ 'x'|center(10**9) }}", "过滤器 center"),
    ("{{ '%0999999999d' % 1 }}", "宽度或精度过大"),
    ("{{ '{:099999d}'.format(1) }}", "宽度或精度过大"),
    ("{{ '{n:099999d}'.format_map({'n': 1}) }}", "宽度或精度过大"),
    ("{{ 7 ** 100000 }}", "乘方"),
    ("{{ 1 // 0 }}", "ZeroDivisionError"),
    pytest.param("{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}"
                 "{% endfor %}{% endfor %}{% endfor %}", "渲染超过",
                 marks=pytest.mark.slow),  # renders until the time limit stops it (10^12 steps: hours without it)
])
def test_any_template_failure_is_that_documents_located_error(small_copy, tmp_path, monkeypatch, tag, words):
    pairings: tuple[str, ...] = ()
    if words == "渲染超过":  # the one case the time limit stops: shortened for the agreement alone, so
        # that it stops soon; every other document keeps docgen's own limit, far above its render's
        # time on the busiest machine (with one short limit for all, at 0.3 s the plans failed too
        # under load: a test that depended on timing, and at 3 s the test waited 3 s). One
        # pairing: one agreement waits for the limit
        real = Renderer.render
        limit = limits.RENDER_SECONDS

        def render(self, template, context, **kwargs):
            monkeypatch.setattr(limits, "RENDER_SECONDS", 0.3 if template == "agreement.docx" else limit)
            return real(self, template, context, **kwargs)

        monkeypatch.setattr(Renderer, "render", render)
        pairings = ("-p", "sanzhong")
    templates = tmp_path / "tpl"
    templates.mkdir()
    for name in ("agreement.docx", "plan.docx"):
        (templates / name).write_bytes((ROOT / "templates" / name).read_bytes())
    doc = Document(str(templates / "agreement.docx"))
    doc.add_paragraph(tag)
    doc.save(str(templates / "agreement.docx"))
    out = tmp_path / "out"
    result = run("build", small_copy, "-o", out, "-k", "agreement", "-k", "pairing_plan", "-t", templates, *pairings)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert words in result.stderr and "agreement.docx" in result.stderr and "段" in result.stderr
    assert not list(out.rglob("协议书_*")) and len(list(out.rglob("实施方案_*.docx"))) == (1 if pairings else 2)


# ------------------------------------------------------------ 7. path escape

@needs_libreoffice
def test_a_seal_outside_the_folder_stops_every_bundle_carrying_it(small_copy, tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    _png(outside / "outside-seal.png")
    edit(small_copy / "programme.yaml", "seals/sample-bureau.png", "../outside/outside-seal.png")
    with (small_copy / "programme.yaml").open("a", encoding="utf-8") as f:  # the bureau confirms every agreement
        f.write("agreement: {confirmed_by_bureaus: true}\ncounty_bureaus: {高台县: 高台县教育局}\n")
    opened = []
    real = Image.open
    monkeypatch.setattr(Image, "open", lambda path, *a, **k: opened.append(Path(path)) or real(path, *a, **k))
    out = tmp_path / "out"
    stale = out / "gaotai" / "bundles" / "sanzhong.zip"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an earlier bundle, sealed")
    result = run("bundle", small_copy, "-o", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "不在方案目录内" in located(result.stderr, "programme.yaml", "bureau.seal")
    bundles = out / "gaotai" / "bundles"
    assert not [p for p in bundles.iterdir() if p.name.startswith(("sanzhong", "guoqing"))]  # agreements carry it
    assert opened and not [p for p in opened if outside in p.resolve().parents]


# ------------------------------------------------------------ 8. stale files

def test_an_invalid_pairing_leaves_no_old_documents(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "pairing_plan").returncode == 0
    before = outputs(out)
    assert any(p.startswith("gaotai/guoqing/") for p in before)
    edit(small_copy / "pairings/guoqing.yaml", "county: 高台县\n", "")
    result = run("build", small_copy, "-o", out, "-k", "pairing_plan")
    assert result.returncode == 2 and "结对“guoqing”的数据有错误：改正后重新生成：已将 1 个文件移到" in result.stderr
    assert outputs(out) == {p for p in before if not p.startswith("gaotai/guoqing/")}
    assert not (out / "gaotai" / "guoqing").exists()
    assert moved_aside(out) == {p for p in before if p.startswith("gaotai/guoqing/")}  # moved, not deleted


def test_a_pdf_of_other_content_does_not_stay_beside_a_new_word_file(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "pairing_plan").returncode == 0
    pdfs = [p.with_suffix(".pdf") for p in sorted(out.rglob("*.docx"))]
    for pdf in pdfs:
        pdf.write_bytes(b"%PDF- made from this Word file")
    assert run("build", small_copy, "-o", out, "-k", "pairing_plan").returncode == 0
    assert all(p.exists() for p in pdfs)  # same Word file: its PDF is still right
    edit(small_copy / "pairings/guoqing.yaml", "name: 吴斌", "name: 吴某某")
    assert run("build", small_copy, "-o", out, "-k", "pairing_plan").returncode == 0
    assert [p.exists() for p in pdfs] == [False, True]  # guoqing's changed, sanzhong's did not
    assert moved_aside(out) == {pdfs[0].relative_to(out).as_posix()}  # moved aside, not deleted


def test_a_broken_programme_leaves_no_old_documents(small_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", small_copy, "-o", out, "-k", "pairing_plan").returncode == 0
    (out / "gaotai" / "note.txt").write_text("the user's own file")
    edit(small_copy / "programme.yaml", "title: 高台县", "titel: 高台县")
    before = outputs(out) - {"gaotai/note.txt"}
    result = run("build", small_copy, "-o", out, "-k", "pairing_plan")
    assert result.returncode == 2 and "方案文件（programme.yaml）有错误：改正后重新生成：已将 2 个文件移到" in result.stderr
    assert outputs(out) == {"gaotai/note.txt"}  # only docgen's own files are moved
    assert moved_aside(out) == before  # and none is deleted


# ------------------------------------------------------------ 9, 14. converters

@needs_libreoffice
def test_converters_write_outside_out(converters, tmp_path, monkeypatch):
    asked = []
    real = pool_module.Converter.convert
    monkeypatch.setattr(pool_module.Converter, "convert",
                        lambda self, src, dst, timeout: asked.append(dst) or real(self, src, dst, timeout))
    out = tmp_path / "out"
    doc = out / "a.docx"
    out.mkdir()
    d = Document()
    d.add_paragraph("一")
    d.save(str(doc))
    [result] = converters.convert_all([(doc, doc.with_suffix(".pdf"))])
    assert result.ok and asked
    assert all(converters.workdir in Path(dst).parents for dst in asked)
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "a.pdf"]


@pytest.mark.slow  # waits out a 0.5 s start-up timeout, then the kill
def test_timeout_covers_converter_start_up(tmp_path, stub_converters):
    stuck = tmp_path / "stuck-python"
    stuck.write_text("#!/bin/sh\nexec sleep 60\n")
    stuck.chmod(stuck.stat().st_mode | stat.S_IEXEC)
    with pool_module.Pool(jobs=1, timeout=0.5, retries=0) as pool:
        pool.python = str(stuck)
        pool.converters[0].python = str(stuck)
        src = tmp_path / "a.docx"
        src.write_bytes(b"PK")
        started = pool_module.time.monotonic()
        [result] = pool.convert_all([(src, tmp_path / "a.pdf")])
        assert pool_module.time.monotonic() - started < 10
    assert not result.ok and "启动超过 0.5 秒" in result.error


# ------------------------------------------------------------ 10-15. input

def test_files_docgen_does_not_read_are_pointed_out(small_copy, tmp_path):
    (small_copy / "xijie.yaml").write_bytes((ROOT / "data/gaotai-2020/pairings/xijie.yaml").read_bytes())
    (small_copy / "pairings/xijie.yaml.txt").write_text("county: 高台县\n")
    (small_copy / "pairings/ERZHONG.YAML").write_text("county: 高台县\n")
    result = run("build", small_copy, "-o", tmp_path / "out", "-k", "pairing_plan")
    assert result.returncode == 0
    notes = [line for line in result.stderr.splitlines() if "docgen 不读取此文件" in line]
    assert len(notes) == 3 and all("pairings/" in line for line in notes)
    assert any(line.startswith("gaotai/xijie.yaml") or "/xijie.yaml " in line for line in notes)
    assert any("显示扩展名" in line for line in notes) and any("小写" in line for line in notes)


def test_control_character_names_its_field(small_copy):
    edit(small_copy / "pairings/guoqing.yaml", "宣化镇中心小学", "宣化镇\x07中心小学")
    assert "U+0007" in located(problems(small_copy), "pairings/guoqing.yaml", "recipients[0].name")


def test_broken_byte_in_gbk_csv_is_named_by_line(tmp_path):
    rows = ["日期,类型,内容", "2020-09-01,送课,数学示范课", "2020-09-02,送课,语文示范课", "2020-09-03,送课,英语示范课"]
    raw = bytearray("\r\n".join(rows).encode("gbk"))
    at = raw.index("英语".encode("gbk"))
    raw[at] = 0xFF
    with pytest.raises(SourceError) as caught:
        decode_csv(tmp_path / "a.csv", bytes(raw))
    [problem] = caught.value.problems
    assert problem.line == 4 and "第 4 行" in problem.message and "GBK" in problem.message


@pytest.mark.parametrize("value", ["12345", "3.5", "'2020'", "'——'"])
def test_a_name_must_be_text_with_a_letter(small_copy, value):
    edit(small_copy / "pairings/guoqing.yaml", "name: 王永奇", f"name: {value}")
    message = located(problems(small_copy), "pairings/guoqing.yaml", "supporter.lead.name")
    assert "名称" in message and ("汉字或字母" in message)


def test_numbers_yaml_1_1_would_change_stay_as_typed(small_copy):
    edit(small_copy / "pairings/guoqing.yaml", "  lead:\n    name: 王永奇\n    position: 校长\n",
         "  lead:\n    name: 王永奇\n    phone: 0536123\n    position: 8:30\n")
    loaded = load_programme(small_copy)
    assert loaded.problems == []
    lead = loaded.pairing("guoqing").supporter.lead
    assert (lead.phone, lead.position) == ("0536123", "8:30")  # not octal 179283, not base-60 510


def test_broken_pairing_is_reported_once(small_copy):
    edit(small_copy / "pairings/sanzhong.yaml", "county: 高台县\n", "")
    lines = problems(small_copy)
    assert len(lines) == 1 and "county" in lines[0] and "没有标识为" not in "".join(lines)


def test_pairing_ids_differing_only_in_case(small_copy):
    (small_copy / "pairings/GuoQing.yaml").write_bytes((small_copy / "pairings/guoqing.yaml").read_bytes())
    [line] = problems(small_copy)
    assert "只差大小写" in line


@pytest.mark.parametrize("pairing_id", ["bundles", "report", "CON", "lpt1"])
def test_pairing_ids_that_cannot_be_folders(small_copy, pairing_id):
    (small_copy / "pairings/guoqing.yaml").rename(small_copy / f"pairings/{pairing_id}.yaml")
    [line] = problems(small_copy)
    assert f"结对标识不能是“{pairing_id}”" in line


# ------------------------------------------------------------ 6. interrupts

INTERRUPT = """\
import os, signal, sys, threading
from docgen.convert import pool

real = pool.Converter._read
once = threading.Lock()
seen = threading.Event()
python_handler = signal.default_int_handler  # (not getsignal: a run started in the background inherits SIGINT ignored)

def interrupted(signum, frame):
    seen.set()
    python_handler(signum, frame)  # KeyboardInterrupt, as Python's own handler raises it

signal.signal(signal.SIGINT, interrupted)

def read(self, timeout):
    if self.soffice_pid is not None and once.acquire(blocking=False):  # a conversion under way
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)  # Ctrl-C
        seen.wait(120)  # the conversion waits until docgen has seen it: never done before the interrupt
    return real(self, timeout)
pool.Converter._read = read
if os.environ.get("STUB_WORKER"):  # the converters are stand-ins (see tests/conftest.py: stub_converters)
    pool.WORKER = os.environ["STUB_WORKER"]
    pool.find_soffice = lambda: "stub-office"
    pool.find_uno_python = lambda: sys.executable
from docgen.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("command, stub", [
    # two converters, stand-ins for LibreOffice: the pool's mechanics without two cold starts
    pytest.param(("build", "--pdf", "-k", "pairing_plan", "-j", "2"), True, marks=pytest.mark.slow),
    # LibreOffice itself, started cold in a fresh process, as a user's run starts it
    pytest.param(("bundle", "-p", "sanzhong", "-j", "1"), False, marks=needs_libreoffice),
])
def test_interrupt_ends_quietly(small_copy, tmp_path, command, stub):
    import subprocess

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # the word list docgen keeps in the temporary folder, there already as on a machine that has
    # run docgen before (made anew it takes a child process and a second of a core)
    dictionary.frequencies()
    words = dictionary._cache_path(dictionary._source())
    shutil.copy(words, tmp / words.name)
    out = tmp_path / "out"
    script = tmp_path / "interrupt.py"
    script.write_text(INTERRUPT)
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    if stub:
        env["STUB_WORKER"] = str(STUB_WORKER)
    done = subprocess.run([sys.executable, str(script), command[0], str(small_copy), "-o", str(out), *command[1:]], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 130, done.stderr
    assert "已中断" in done.stderr and "Traceback" not in done.stderr + done.stdout
    kept = ("jieba.cache", "docgen-words-")  # (a word list's cache, kept on purpose)
    assert [p.name for p in tmp.iterdir() if not p.name.startswith(kept)] == []
    leftovers = [p for p in out.rglob("*") if p.name.startswith((".tmp-", ".~lock", "lu")) or p.suffix == ".tmp"]
    assert leftovers == []
