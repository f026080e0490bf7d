"""docgen bundle on the examples: read the merged PDF and check what a receiver would."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from tests.conftest import needs_libreoffice, signed
from tests.helpers import DATA, run

pytestmark = needs_libreoffice

MAPPED = ("FandolFang", "FandolKai", "FandolSong", "FandolHei", "ARPLUMing", "ARPLUKai", "WenQuanYi")


@pytest.fixture
def bundles(gaotai_bundles):
    return gaotai_bundles


def manifest(folder):
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def merged(folder):
    """The bundle's merged PDF, as its manifest names it."""
    return folder / json.loads((folder / "manifest.json").read_text("utf-8"))["pdf"]["path"]


def test_one_bundle_per_pairing_and_one_for_the_bureau(bundles):
    root, _ = bundles
    names = sorted(p.name for p in root.iterdir())
    pairings = ["chengguan", "erzhong", "guoqing", "jiefangjie", "sanzhong", "xijie"]
    assert names == sorted([*pairings, *(p + ".zip" for p in pairings), "bureau", "bureau.zip"])


def test_pages_are_cover_contents_and_parts(bundles):
    folder = bundles[0] / "chengguan"
    m = manifest(folder)
    reader = PdfReader(merged(folder))
    parts = m["pdf"]["documents"]
    assert len(parts) == 8  # plan, 3 + 3 letters, 1 summary (seed 001 asks for no agreements)
    assert len(reader.pages) == m["pdf"]["pages"] == 2 + sum(p["pages"] for p in parts)
    labels = reader.page_labels
    assert labels[0] == "封面" and labels[1] == "目录-1" and labels[2] == "1-1"
    # each document keeps its own numbering: the second document starts again at 1
    assert labels[2 + parts[0]["pages"]] == "2-1"


def test_one_bookmark_per_document_and_attachment(bundles):
    folder = bundles[0] / "chengguan"
    reader = PdfReader(merged(folder))
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [str(item.title) for item in top]
    assert titles == [p["title"] for p in manifest(folder)["pdf"]["documents"]]
    children = next(item for item in reader.outline if isinstance(item, list))
    assert [str(c.title)[:3] for c in children] == ["附件1", "附件2"]  # the plan's monthly plan and teacher pairs
    first_attachment = reader.get_destination_page_number(children[0])
    assert reader.pages[first_attachment].extract_text().lstrip().startswith("附件1")


def test_school_names_are_text(bundles):
    folder = bundles[0] / "chengguan"
    text = "".join(page.extract_text() for page in PdfReader(merged(folder)).pages)
    for name in ("城关初中", "南华初中", "南华镇中心小学及各校区", "明水小学", "结对帮扶报送材料"):
        assert name in text


def test_fonts_are_embedded_and_mapped(bundles):
    folder = bundles[0] / "chengguan"
    reader = PdfReader(merged(folder))
    seen = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            seen[str(font["/BaseFont"])] = embedded
    assert seen and all(seen.values()), seen
    assert all(any(m in name for m in MAPPED) for name in seen), seen
    assert any("FandolFang" in name for name in seen)
    # one conversion per bundle: each font subset appears once, not once per document
    fang = [n for n in seen if "FandolFang" in n]
    assert len(fang) <= 3, fang


def _name_box(page, name):
    chars = [c for c in page.chars if c["text"].strip()]
    text = "".join(c["text"] for c in chars)
    at = text.rfind(name)
    assert at >= 0, f"{name} not on page"
    run = chars[at:at + len(name)]
    return min(c["x0"] for c in run), min(c["top"] for c in run), max(c["x1"] for c in run), max(c["bottom"] for c in run)


def test_seals_cover_the_signers_names(bundles):
    folder = bundles[0] / "chengguan"
    m = manifest(folder)
    summary = "城关初中与南华初中、南华镇中心小学及各校区、明水小学2020年度结对帮扶工作总结"
    letter = "城关初中与南华初中学校管理帮扶责任书（孟某某—秦某某）"
    expected = {(summary, "城关初中"), (summary, "南华初中"), (letter, "城关初中"), (letter, "南华初中")}
    placed = {(s["document"], s["party"]): s for s in m["seals"]}
    assert expected <= set(placed)
    # the programme asks no bureau to confirm its agreements: no bureau signs them; a document
    # with a field left to fill (a recipient's 负责人) is not sealed, and says so
    assert not any(s["party"] == "高台县教育局" for s in m["seals"] + m["seals_missing"])
    unfinished = {u["document"] for u in m["unfinished"]}
    assert {s["document"] for s in m["seals_missing"]} == unfinished
    assert all(s["reason"] == "文件有草稿或待填写内容" for s in m["seals_missing"])
    with pdfplumber.open(merged(folder)) as pdf:
        for key in expected:
            seal = placed[key]
            page = pdf.pages[seal["page"] - 1]
            x0, top, x1, bottom = _name_box(page, key[1])
            images = [im for im in page.images if abs((im["x1"] - im["x0"]) - 42 * 72 / 25.4) < 1]
            assert any(im["x0"] <= x0 and im["x1"] >= x1 and im["top"] <= top and im["bottom"] >= bottom
                       for im in images), (key, (x0, top, x1, bottom), [(i["x0"], i["top"]) for i in images])


def test_missing_seal_is_reported(bundles):
    root, stdout = bundles
    missing = manifest(root / "sanzhong")["seals_missing"]
    assert any(m["party"].startswith("黑泉镇中心小学") and m["reason"] == "未提供公章图片" for m in missing)
    assert not any(m["party"] == "高台三中" and m["reason"] != "文件有草稿或待填写内容" for m in missing)  # it has a seal
    assert "未盖章" in stdout and "黑泉镇中心小学" in stdout and "未提供公章图片" in stdout


def test_the_summary_counts_what_the_manifests_record(bundles):
    """The line printed per bundle counts its pages and seals as its manifest lists them (the run
    keeps only the counts of each bundle, not every seal's place)."""
    root, stdout = bundles
    printed = dict(re.findall(r"([\w/.-]+)\.zip：(\d+ 页，盖章 \d+ 处)", stdout))
    assert len(printed) == 7, stdout
    for folder in (p for p in root.iterdir() if p.is_dir()):
        m = manifest(folder)
        line = next(v for k, v in printed.items() if k.endswith(f"/{folder.name}"))
        assert line == f"{m['pdf']['pages']} 页，盖章 {len(m['seals'])} 处", folder.name


def test_manifest_hashes_match_files_and_zip(bundles):
    folder = bundles[0] / "chengguan"
    m = manifest(folder)
    assert m["tool"] == "docgen" and m["version"] and "programme.yaml" in m["inputs"]
    on_disk = sorted(p.name for p in folder.iterdir() if p.name != "manifest.json")
    assert sorted(f["path"] for f in m["files"]) == on_disk
    for entry in m["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
    with zipfile.ZipFile(folder.with_suffix(".zip")) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"chengguan/{n}" for n in on_disk + ["manifest.json"])
        assert archive.read("chengguan/manifest.json") == (folder / "manifest.json").read_bytes()
    assert any(f["path"].endswith(".docx") for f in m["files"])  # the Word files, unsealed


def test_bundle_is_deterministic_and_duplex_pads(tmp_path, bundles):
    """A bundle made alone, by a converter that has converted other things before, has the
    bytes of the same bundle made in the full run."""
    source = signed(Path(shutil.copytree(DATA / "gaotai-2020", tmp_path / "src" / "gaotai-2020")))  # as ``bundles``
    one = tmp_path / "one"
    assert run("bundle", source, "-o", str(one), "-p", "sanzhong").returncode in (0, 7)  # 7: 计划表 to fill
    for name in ("sanzhong.zip",):
        assert (one / "gaotai-2020" / "bundles" / name).read_bytes() == (bundles[0] / name).read_bytes(), name
    duplex = tmp_path / "duplex"
    assert run("bundle", "data/gaotai-2020", "-o", str(duplex), "-p", "sanzhong", "--duplex").returncode in (0, 7)
    folder = duplex / "gaotai-2020" / "bundles" / "sanzhong"
    m = manifest(folder)
    reader = PdfReader(merged(folder))
    expected = 2 + sum(p["pages"] + p["pages"] % 2 for p in m["pdf"]["documents"])
    assert len(reader.pages) == expected and expected % 2 == 0


def test_notice_pdf_follows_gbt9704_positions(data_pdfs):
    """Measured on the PDF: the red mark 35 mm below the type area top, the red rule as wide as
    the type area, the colophon's last rule on the bottom edge of the type area."""
    code, out, stderr = data_pdfs("yichun-2022", "-k", "notice")
    assert code == 0, stderr
    with pdfplumber.open(next(out.rglob("*.pdf"))) as pdf:
        first, last = pdf.pages[0], pdf.pages[-1]
        mark = next(w for w in first.extract_words() if w["text"] == "宜春市教育体育局文件")
        assert abs(mark["top"] - 204.1) < 8.5  # 72 mm from the paper top, ±3 mm: glyph box is not ink
        assert abs((mark["x0"] + mark["x1"]) / 2 - 300.5) < 2
        assert any(c["non_stroking_color"] in ((1, 0, 0), [1, 0, 0], (1.0, 0.0, 0.0)) for c in first.chars if c["text"] == "宜")
        rules = [r for r in first.lines + first.rects if r["x1"] - r["x0"] > 400]
        assert rules and all(abs((r["x1"] - r["x0"]) - 442.2) < 2 for r in rules)
        bottom = max(r["top"] for r in last.lines + last.rects if r["x1"] - r["x0"] > 400)
        assert abs(bottom - 742.7) < 4.3  # ±1.5 mm
        printed = next(w for w in last.extract_words() if w["text"].endswith("印发"))
        assert abs(printed["x1"] - (521.6 - 14)) < 2  # 印发日期右空一字


def test_per_document_pdfs_are_deterministic(tmp_path):
    for name in ("a", "b"):
        result = run("build", "data/gaotai-2020", "-p", "sanzhong", "--pdf", "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    pdfs = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.pdf"))
    assert len(pdfs) >= 4  # plan, letters, summary: every kind seed 001 asks for, each preflighted (exit 0)
    for rel in pdfs:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


class _Stop(Exception):
    pass


def test_a_run_stopped_between_rounds_leaves_only_whole_bundles(tmp_path, converters, monkeypatch):
    """A listener raising between two rounds of conversions (the workspace's job cancelled
    while 生成全部 converts) stops the run there, as Ctrl-C does: the later rounds are not
    made, nothing is half-written, and the programme's lock is let go. Each bundle is planned
    when its round comes: the last round's never were (issue 20)."""
    from docgen import pipeline
    from docgen.bundle.make import _rounds
    from docgen.options import Options

    heard, planned = [], []
    spec_of = pipeline.spec_of
    monkeypatch.setattr(pipeline, "spec_of", lambda loaded, bundle, *a: planned.append(bundle.pairing) or
                        spec_of(loaded, bundle, *a))

    class Stopping(pipeline.Listener):
        def between(self, stage):
            heard.append(stage)
            raise _Stop

    root = tmp_path / "gaotai-2020"
    shutil.copytree(DATA / "gaotai-2020", root)
    out = tmp_path / "out"
    with pytest.raises(_Stop):
        pipeline.bundle(root, out, Options(jobs=2), Stopping(), pool=converters)
    assert heard == ["convert"]
    # the 7 bundles in rounds ([2, 3, 2] with two converters, [1, 5, 1] with one): the first
    # round converted, the second composed, the last never planned
    first, second, *later = _rounds(list(range(7)), converters.jobs)
    assert later and len(planned) == len(first) + len(second) < 7
    assert planned[0] is None  # the bureau's first (converted apart, the largest)
    folder = out / "gaotai-2020" / "bundles"
    zips = sorted(folder.glob("*.zip")) if folder.is_dir() else []
    assert len(zips) < 7  # 7 bundles in all: the first round's two at most
    for path in zips:
        assert zipfile.ZipFile(path).testzip() is None
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp")]
    again = pipeline.build(root, out, Options(kinds=("notice",)))  # the lock is free again
    assert not again.failures


def test_the_bureaus_bundle_converted_apart_reads_as_one(tmp_path, converters):
    """The bureau's bundle, whose documents are converted one by one and merged (they list
    every pairing), has what a composed bundle has: each document where the manifest and the
    contents say, its own page numbers from 1, its bookmark, and its text on its pages."""
    from docgen import pipeline
    from docgen.authoring.specimen import write_specimen
    from docgen.options import Options

    assembled = []

    class Heard(pipeline.Listener):
        def advanced(self, stage, item, ok):
            if stage == "assemble":
                assembled.append(item)

    root = write_specimen(tmp_path / "n3", 3, 2, DATA / "gaotai-2020" / "seals" / "sample-school.png")
    outcome = pipeline.bundle(root, tmp_path / "out", Options(jobs=2), Heard(), pool=converters)
    assert not outcome.failures
    # the largest bundle is made in the first round: assembled beside the other conversions, not
    # after the last one with nothing else to do
    assert assembled[0].endswith("bureau.zip") and len(assembled) == 4
    assert sorted(str(b.bundle.pairing) for b in outcome.bundles) == ["None", "p001", "p002", "p003"]
    folder = next(b.bundle.folder for b in outcome.bundles if b.bundle.pairing is None)
    documents = manifest(folder)["pdf"]["documents"]
    assert len(documents) >= 3  # the notices and the plan
    reader = PdfReader(merged(folder))
    assert len(reader.pages) == manifest(folder)["pdf"]["pages"]
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [str(item.title) for item in top] == [d["title"] for d in documents]
    labels = reader.page_labels
    for k, (document, item) in enumerate(zip(documents, top, strict=True), 1):
        first = document["first_page"] - 1
        assert reader.get_destination_page_number(item) == first
        assert labels[first] == f"{k}-1"
        assert labels[first + document["pages"] - 1] == f"{k}-{document['pages']}"
        text = "".join(reader.pages[first].extract_text().split())
        heading = document["title"].split("（")[0]  # the contents add the number and county
        assert "".join(heading.split()) in text, (document["title"], text[:200])
    assert documents[-1]["first_page"] - 1 + documents[-1]["printed_pages"] == len(reader.pages)
