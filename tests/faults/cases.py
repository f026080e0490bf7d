"""Bad input and faults, one mutation of the small two-pairing programme each: what clerks do
with Excel, Word, WPS and Windows file names, what disks and other people do, and what a
careless or hostile user tries. ``test_fault_corpus`` runs ``docgen build`` (Word files) on
each and checks the promise: the exit code, a Chinese message naming file, line and field,
no traceback, the other pairing's files untouched, nothing stale or temporary in out/,
nothing read outside the programme folder.

A case names the ``victim``: the pairing the mutation touches ("*" for the whole programme,
"" for none). With ``rejected`` its documents must be gone from out/ afterwards (an earlier
run's included); otherwise they must be there. (A bad seal costs no Word file: only the
bundles that would carry it, which tests/test_faults.py checks.)
"""
from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

G, S, P, A = "pairings/guoqing.yaml", "pairings/sanzhong.yaml", "programme.yaml", "activities/2020/sanzhong.yaml"


@dataclass
class Ctx:
    root: Path
    """The programme folder (a copy)."""
    out: Path
    outside: Path
    """A folder beside the programme holding a pairing, a seal and an evidence file: never read."""
    monkeypatch: object


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Ctx], None]
    code: int
    words: str
    """In the output: the message's gist."""
    file: str = ""
    """The file at fault: the output has a line naming it (and ``words``)."""
    field: str = ""
    """That line's field (``-`` for the whole file); "" when the line is not a located problem."""
    victim: str = "guoqing"
    rejected: bool = True
    args: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Files in out/ that are not docgen's and must stay (relative to out/)."""
    unsaid: str = ""
    """Must not be in the output (a cause reported twice)."""


# ---------------------------------------------------------------- mutations

def sub(file: str, old: str, new: str) -> Callable[[Ctx], None]:
    def mutate(ctx: Ctx) -> None:
        path = ctx.root / file
        text = path.read_text("utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new), "utf-8")
    return mutate


def write(file: str, body: str | bytes | Callable[[Ctx], bytes]) -> Callable[[Ctx], None]:
    def mutate(ctx: Ctx) -> None:
        path = ctx.root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        data = body(ctx) if callable(body) else body
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return mutate


def recode(file: str, change: Callable[[bytes], bytes]) -> Callable[[Ctx], None]:
    return write(file, lambda ctx: change((ctx.root / file).read_bytes()))


def rename(file: str, new: str) -> Callable[[Ctx], None]:
    return lambda ctx: (ctx.root / file).rename(ctx.root / new)


def copy(file: str, new: str) -> Callable[[Ctx], None]:
    return write(new, lambda ctx: (ctx.root / file).read_bytes())


def link(file: str, target: Callable[[Ctx], Path]) -> Callable[[Ctx], None]:
    def mutate(ctx: Ctx) -> None:
        path = ctx.root / file
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target(ctx))
    return mutate


def both(*mutations: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
    def mutate(ctx: Ctx) -> None:
        for m in mutations:
            m(ctx)
    return mutate


def seal(image: Callable[[Path], None]) -> Callable[[Ctx], None]:
    """guoqing's supporter gets seals/guoqing.png, made by ``image``."""
    return both(lambda ctx: image(ctx.root / "seals" / "guoqing.png"),
                sub(G, "  name: 国庆小学\n", "  name: 国庆小学\n  seal: seals/guoqing.png\n"))


def failing_write(error: int) -> Callable[[Ctx], None]:
    """Writing guoqing's documents fails with ``error`` once the temporary file is written
    (moving a file aside, a rename on the same disk, still works)."""
    def mutate(ctx: Ctx) -> None:
        from docgen import outputs

        real = os.replace

        def replace(src, dst, *a, **k):  # the rename of a written temporary file into place
            if "guoqing" in str(dst) and Path(src).name.startswith(".tmp-"):
                raise OSError(error, os.strerror(error))
            return real(src, dst, *a, **k)

        ctx.monkeypatch.setattr(outputs.os, "replace", replace)
    return mutate


def unreadable(file: str) -> Callable[[Ctx], None]:
    """Reading ``file`` is refused (as for a file another user owns; the tests may run as root,
    for whom permissions do not stop a read)."""
    def mutate(ctx: Ctx) -> None:
        real = Path.read_bytes

        def read_bytes(path: Path) -> bytes:
            if Path(path).name == Path(file).name:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path)

        ctx.monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return mutate


def changed_after_loading(ctx: Ctx) -> None:
    """Someone saves guoqing.yaml, half written, while docgen renders: docgen works on what it loaded."""
    from docgen import pipeline

    real = pipeline._load

    def load(*args, **kwargs):
        loaded = real(*args, **kwargs)
        (ctx.root / G).write_text("county: 高台\nsupporter:\n  name: 国", "utf-8")
        return loaded

    ctx.monkeypatch.setattr(pipeline, "_load", load)


def leftovers(ctx: Ctx) -> None:
    """An earlier run was killed: its temporary files, and LibreOffice's, are in out/."""
    folder = ctx.out / "gaotai" / "sanzhong"
    for name in (".tmp-k2j3h4.docx", ".~lock.实施方案.pdf#", "lu12345abc.tmp"):
        (folder / name).write_bytes(b"partial")


def file_in_place_of_folder(ctx: Ctx) -> None:
    """A file named like guoqing's output folder (someone saved a note as out/gaotai/guoqing)."""
    import shutil

    shutil.rmtree(ctx.out / "gaotai" / "guoqing")
    (ctx.out / "gaotai" / "guoqing").write_text("备忘")


def _rgba(size: int, mode: str = "RGBA"):
    return lambda path: Image.new(mode, (size, size), (200, 0, 0, 120) if mode == "RGBA" else (200, 0, 0)).save(path, "PNG")


def _deep(n: int) -> str:
    return "county: " + "[" * n + "\n"


OFFICE = b"PK\x03\x04" + b"\x00" * 200
"""The start of a .docx or .xlsx (a zip file)."""


CASES = [
    # --- encodings and line ends, as Notepad, WPS and Excel save them
    Case("utf8-bom", recode(G, lambda b: b"\xef\xbb\xbf" + b), 0, "完成", rejected=False),
    Case("crlf", recode(G, lambda b: b.replace(b"\n", b"\r\n")), 0, "完成", rejected=False),
    Case("bom-and-crlf-programme", recode(P, lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n")), 0, "完成",
         victim="", rejected=False),
    Case("old-mac-cr", recode(G, lambda b: b.replace(b"\n", b"\r")), 0, "完成", rejected=False),
    Case("utf16", recode(G, lambda b: b.decode("utf-8").encode("utf-16")), 2, "UTF-16", G, "-"),
    Case("gbk-notepad-ansi", recode(G, lambda b: b.decode("utf-8").encode("gbk")), 2, "GBK", G, "-"),
    Case("docx-saved-as-yaml", write(G, OFFICE), 2, "Word 或 Excel", G, "-"),
    Case("old-xls-saved-as-yaml", write(G, b"\xd0\xcf\x11\xe0" + b"\x00" * 100), 2, "旧版 Word", G, "-"),
    Case("pdf-saved-as-yaml", write(G, b"%PDF-1.7\n%\xe2\xe3\n"), 2, "PDF 文件", G, "-"),
    # --- empty, huge, not a mapping
    Case("empty-file", write(G, b""), 2, "文件为空", G, "-"),
    Case("only-comments", write(G, "# 国庆小学结对\n# 待填写\n"), 2, "文件为空", G, "-"),
    Case("only-spaces", write(G, "   \n\n  \n"), 2, "文件为空", G, "-"),
    Case("huge-file", recode(G, lambda b: b + b"#" * 6_000_000 + b"\n"), 2, "过大", G),
    Case("a-list-not-a-mapping", write(G, "- county: 高台县\n"), 2, "最外层", G, "-"),
    Case("a-single-word", write(G, "国庆小学\n"), 2, "最外层", G, "-"),
    # --- YAML typing, as a clerk types it
    Case("tab-indent", sub(G, "  name: 国庆小学", "\tname: 国庆小学"), 2, "Tab", G, "-"),
    Case("fullwidth-colon", sub(G, "county: 高台县", "county：高台县"), 2, "中文冒号", G, "county"),
    Case("fullwidth-space-indent", sub(G, "  name: 国庆小学", "\u3000\u3000name: 国庆小学"), 2, "全角空格", G, "-"),
    Case("smart-quotes-around-value", sub(G, "name: 国庆小学", "name: “国庆小学"), 0, "完成", rejected=False),
    Case("unclosed-quote", sub(G, "name: 国庆小学", 'name: "国庆小学'), 2, "引号", G, "-"),
    Case("duplicate-key", sub(G, "county: 高台县\n", "county: 高台县\ncounty: 高台县\n"), 2, "重复", G, "county"),
    Case("two-documents", recode(G, lambda b: b + b"---\ncounty: x\n"), 2, "YAML 文档", G, "-"),
    Case("yaml-alias", sub(G, "county: 高台县\n", "county: &c 高台县\nremark: *c\n"), 2, "别名", G, "-"),
    Case("python-tag", sub(G, "county: 高台县", "county: !!python/object/apply:os.system [echo]"), 2, "标签", G, "county"),
    Case("nesting-bomb", write(G, _deep(100_000)), 2, "嵌套", G, "-"),
    Case("unknown-field-typo", sub(G, "county: 高台县\n", "county: 高台县\nsignd_on: 2020-03-06\n"), 2, "signed_on", G, "signd_on"),
    Case("missing-required-field", sub(G, "county: 高台县\n", ""), 2, "缺少必填字段", G, "county"),
    # --- invisible characters from web pages and WeChat
    Case("control-character", sub(G, "宣化镇中心小学", "宣化镇\x01中心小学"), 2, "U+0001", G, "recipients[0].name"),
    Case("nul-byte", sub(G, "宣化镇中心小学", "宣化镇\x00中心小学"), 2, "U+0000", G, "recipients[0].name"),
    Case("control-character-in-comment", recode(G, lambda b: b"# \x08\n" + b), 2, "U+0008", G, "-"),
    Case("zero-width-space", sub(G, "宣化镇中心小学", "宣化镇\u200b中心小学"), 2, "U+200B", G, "recipients[0].name"),
    # --- numbers, names and dates as Excel gives them
    Case("name-is-a-number", sub(G, "name: 王永奇", "name: 12345"), 2, "不是数字", G, "supporter.lead.name"),
    Case("name-is-punctuation", sub(G, "name: 王永奇", "name: ——"), 2, "汉字或字母", G, "supporter.lead.name"),
    Case("school-name-is-a-number", sub(G, "  name: 国庆小学", "  name: 2020"), 2, "不是数字", G, "supporter.name"),
    Case("chinese-date", sub(G, "county: 高台县\n", "county: 高台县\nsigned_on: 2020年3月6日\n"), 2, "2022-09-01", G, "signed_on"),
    Case("slash-date", sub(G, "county: 高台县\n", "county: 高台县\nsigned_on: 2020/3/6\n"), 2, "2022-09-01", G, "signed_on"),
    Case("excel-serial-date", sub(G, "county: 高台县\n", "county: 高台县\nsigned_on: 43896\n"), 2, "Excel 的日期序号", G, "signed_on"),
    Case("impossible-date", sub(G, "county: 高台县\n", "county: 高台县\nsigned_on: 2020-02-30\n"), 2, "不是存在的日期", G, "signed_on"),
    Case("unpadded-date", sub(G, "county: 高台县\n", "county: 高台县\nsigned_on: 2020-3-6\n"), 2, "2022-09-01", G, "signed_on"),
    Case("number-as-text", sub(G, "no: 5", "no: 五"), 2, "整数", G, "no"),
    # --- school names with what Windows forbids in file names
    Case("name-with-slash", sub(G, "  name: 国庆小学", "  name: 国庆小学/附属幼儿园"), 0, "完成", rejected=False),
    Case("name-with-backslash-and-colon", sub(G, "  name: 国庆小学", '  name: "国庆小学\\\\分校:东"'), 0, "完成",
         rejected=False),
    Case("name-with-trailing-dots", sub(G, "  name: 国庆小学", "  name: 国庆小学..."), 0, "完成", rejected=False),
    Case("very-long-names", sub(G, "宣化镇中心小学", "张掖市高台县宣化镇中心小学教育集团九年一贯制学校附属实验部（原宣化镇第一小学）南校区"),
         0, "完成", rejected=False),
    # --- pairing files named as Windows and people name them
    # (the outputs of a renamed file's old name go: the build record removes those of a source that is gone)
    Case("reserved-windows-name", rename(G, "pairings/CON.yaml"), 2, "Windows 的保留名称", "pairings/CON.yaml",
         victim="guoqing"),
    Case("id-named-like-an-output-folder", sub(G, "no: 5", "no: 5\nid: bundles"), 2, "out/ 中同名的文件夹",
         G, "id"),
    Case("id-escaping-the-folder", sub(G, "no: 5", "no: 5\nid: ../../outside"), 2, "不符合要求", G, "id"),
    Case("trailing-space-in-file-name", rename(G, "pairings/guoqing .yaml"), 2, "不能有空格", "pairings/guoqing .yaml",
         victim="guoqing"),
    Case("windows-copy-of-a-file", copy(G, "pairings/guoqing - 副本.yaml"), 2, "不能有空格",
         "pairings/guoqing - 副本.yaml", rejected=False),
    Case("ids-differing-in-case", copy(G, "pairings/Guoqing.yaml"), 2, "只差大小写", "pairings/guoqing.yaml",
         victim="Guoqing|guoqing", rejected=False),
    Case("duplicate-id-field", sub(G, "no: 5", "no: 5\nid: sanzhong"), 2, "重复", G, "id"),
    Case("hidden-extension", rename(G, "pairings/guoqing.yaml.txt"), 0, "显示扩展名", "pairings/guoqing.yaml.txt"),
    Case("upper-case-extension", rename(G, "pairings/guoqing.YAML"), 0, "小写", "pairings/guoqing.YAML"),
    Case("pairing-next-to-programme", rename(G, "guoqing.yaml"), 0, "pairings/ 下", "gaotai/guoqing.yaml"),
    Case("windows-thumbnails-ignored", both(write("pairings/Thumbs.db", b"\x00"), write("pairings/desktop.ini", "[x]")),
         0, "完成", victim="", rejected=False),
    Case("word-owner-file-ignored", write("pairings/~$guoqing.docx", b"\x00"), 0, "完成", victim="", rejected=False),
    Case("folder-named-like-a-pairing", both(rename(G, "pairings/g.tmp"), write("pairings/guoqing.yaml/x", "")), 2,
         "这是一个文件夹", G),
    # --- links and paths that lead out of the programme folder
    Case("pairing-links-outside", link(G, lambda ctx: ctx.outside / "pairing.yaml"), 2, "方案目录之外", G),
    Case("pairings-folder-links-outside", both(rename(S, "sanzhong.bak"), rename(G, "guoqing.bak"),
                                               lambda ctx: (ctx.root / "pairings").rmdir(),
                                               link("pairings", lambda ctx: ctx.outside / "pairings")),
         2, "方案目录之外", "gaotai/pairings", victim="guoqing|sanzhong"),
    Case("broken-link", link(G, lambda ctx: ctx.root / "nowhere.yaml"), 2, "文件不存在", G),
    Case("unreadable-file", unreadable(G), 2, "没有读取权限", G),
    Case("seal-links-outside", both(link("seals/guoqing.png", lambda ctx: ctx.outside / "seal.png"),
                                    sub(G, "  name: 国庆小学\n", "  name: 国庆小学\n  seal: seals/guoqing.png\n")),
         2, "不在方案目录内", G, "supporter.seal", rejected=False),
    Case("seal-absolute-path", sub(G, "  name: 国庆小学\n", "  name: 国庆小学\n  seal: /etc/passwd\n"),
         2, "不在方案目录内", G, "supporter.seal", rejected=False),
    Case("seal-windows-backslashes", sub(G, "  name: 国庆小学\n", "  name: 国庆小学\n  seal: seals\\sample-school.png\n"),
         2, "用“/”分隔", G, "supporter.seal", rejected=False),
    Case("bureau-seal-outside", sub(P, "seals/sample-bureau.png", "../outside/seal.png"), 2, "不在方案目录内", P,
         "bureau.seal", victim="", rejected=False),
    Case("evidence-outside", sub(A, "evidence/sanzhong/2020-03-18_师徒交流_姜某某.txt", "../outside/evidence.txt"),
         2, "不在方案目录内", A, "records[0].evidence[0]", victim="sanzhong", rejected=False),
    # --- seal images as they come from a phone, a scanner or WeChat
    Case("seal-not-an-image", seal(lambda p: p.write_text("印章")), 2, "不是图片文件", G, "supporter.seal", rejected=False),
    Case("seal-truncated", seal(lambda p: p.write_bytes((p.parent / "sample-school.png").read_bytes()[:2000])),
         2, "文件不完整", G, "supporter.seal", rejected=False),
    Case("seal-jpeg-renamed", seal(lambda p: Image.new("RGB", (300, 300)).save(p, "JPEG")), 2, "实际是 JPEG", G,
         "supporter.seal", rejected=False),
    Case("seal-without-transparency", seal(_rgba(300, "RGB")), 2, "没有透明背景", G, "supporter.seal", rejected=False),
    Case("seal-too-small", seal(_rgba(40)), 2, "像素", G, "supporter.seal", rejected=False),
    # --- the activity records of a pairing (a broken log stops its pairing's summaries and bundle,
    # not its plan, which the corpus builds: rejected=False)
    Case("activity-unknown-pairing", rename(A, "activities/2020/sanzhog.yaml"), 2, "没有标识为“sanzhog”的结对",
         "activities/2020/sanzhog.yaml", victim="sanzhong", rejected=False),
    Case("activity-date-outside-year", sub(A, "date: 2020-03-18", "date: 2019-03-18"), 2, "不在", A,
         "records[0].date", victim="sanzhong", rejected=False),
    Case("activity-broken-yaml", sub(A, "type: mentor_exchange", "type: [mentor_exchange"), 2, "", A, "-",
         victim="sanzhong", rejected=False),
    Case("activity-of-a-broken-pairing", sub(S, "county: 高台县\n", ""), 2, "缺少必填字段", S, "county",
         victim="sanzhong", unsaid="没有标识为"),
    # --- the programme file
    Case("programme-missing-title", sub(P, "title: 高台县", "titel: 高台县"), 2, "title", P, "title", victim="*"),
    Case("programme-gbk", recode(P, lambda b: b.decode("utf-8").encode("gbk")), 2, "GBK", P, "-", victim="*"),
    Case("programme-is-a-link-outside", link(P, lambda ctx: ctx.outside / "programme.yaml"), 2, "方案目录之外", P,
         victim="*"),
    Case("no-pairing-files", both(rename(S, "pairings/sanzhong.yaml.bak"), rename(G, "pairings/guoqing.yaml.bak")), 2,
         "没有结对文件", "pairings", victim="*"),
    # --- disks, other people, earlier runs
    Case("disk-full", failing_write(errno.ENOSPC), 4, "磁盘空间已满", "guoqing"),
    Case("disk-quota", failing_write(errno.EDQUOT), 4, "配额", "guoqing"),
    Case("usb-stick-pulled", failing_write(errno.EIO), 4, "读写磁盘出错", "guoqing"),
    Case("file-in-place-of-a-folder", file_in_place_of_folder, 4, "挡住了文件夹", "guoqing", kept=("gaotai/guoqing",)),
    Case("edited-while-building", changed_after_loading, 0, "完成", victim="", rejected=False),
    Case("killed-run-left-temporary-files", leftovers, 0, "完成", victim="", rejected=False),
    # --- the command line
    Case("unknown-pairing-asked", lambda ctx: None, 2, "找不到结对“guoqin”", args=("-p", "guoqin"), victim="",
         rejected=False),
    Case("template-folder-missing", lambda ctx: None, 2, "找不到模板目录", args=("-t", "no-such-templates"), victim="",
         rejected=False),
]
