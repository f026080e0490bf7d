"""The GB/T 9704 preflight: every example bundle and a programme built to be hard passes it,
each rule fails on the defect it is there for, and docgen check-pdf reports in Chinese."""
from __future__ import annotations

import json
import shutil
from itertools import pairwise

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from docgen.preflight.check import check, check_file, pages_of
from docgen.preflight.page import Glyph, Page
from docgen.preflight.rules import RULES, TYPE_LEFT, Document, Seal, Signature, _body_lines, _title_lines, faces
from tests.conftest import needs_libreoffice
from tests.helpers import HARD, run

RULE_NAMES = [name for name, _ in RULES]


def manifests(root):
    return {str(path.parent.relative_to(root)): json.loads(path.read_text("utf-8"))
            for path in sorted(root.rglob("manifest.json"))}


def merged(folder):
    """The bundle's merged PDF, as its manifest names it."""
    return folder / json.loads((folder / "manifest.json").read_text("utf-8"))["pdf"]["path"]


# ------------------------------------------------------------- every bundle passes

@needs_libreoffice
def test_every_example_bundle_passes_every_rule_and_is_pdfa(example_bundles, examples):
    root, _ = example_bundles
    found = manifests(root)
    programmes = [p.parent for p in examples.glob("*/programme.yaml")]
    assert len(found) == sum(len(list((p / "pairings").glob("*.yaml"))) + 1 for p in programmes)  # each and the bureau
    for name, m in found.items():
        assert len(m["preflight"]) == 1 + len(m["pdf"]["documents"]), name  # the cover, then each document
        for result in m["preflight"]:
            assert result["failed"] == [] and result["passed"] == RULE_NAMES, (name, result)
        assert m["pdfa"] == {"flavour": "PDF/A-2b", "passed": True, "checked": "written", "reasons": []}, name


@needs_libreoffice
def test_every_example_document_is_judged_for_its_faces_and_passes(example_bundles):
    """The rule 字体字号 (GB/T 9704 7.3.1 title in 2号小标宋, 7.3.3 body in 3号仿宋) is silent on
    docgen's own documents because it judges them and they pass: every document's title is
    found, and enough of its lines are taken for body text to decide."""
    root, _ = example_bundles
    judged = 0
    for name, m in manifests(root).items():
        pages = pages_of(merged(root / name))
        for part in m["pdf"]["documents"]:
            here = pages[part["first_page"] - 1:part["first_page"] - 1 + part["pages"]]
            assert _title_lines(here[0]), (name, part["title"])
            assert sum(len(_body_lines(page)) for page in here) >= 6, (name, part["title"])
            assert faces(Document(part["title"], here, part["family"])) == [], (name, part["title"])
            judged += 1
    assert judged > 50


@needs_libreoffice
def test_a_hard_programme_bundles_cleanly(hard_bundles):
    root, stdout = hard_bundles
    found = manifests(root)
    assert sorted(found) == ["bureau", "five", "two"]
    for name, m in found.items():
        for result in m["preflight"]:
            assert result["failed"] == [], (name, result)
        assert m["seals_missing"] == [] and m["unfinished"] == []
    five = found["five"]
    # plan (6 schools) + 5 agreements (2 schools, 2 bureaus) + 5 + 15 letters (2 schools each)
    assert len(five["seals"]) == 6 + 5 * 4 + 5 * 2 + 15 * 2 == 66
    for path in root.rglob("*"):
        assert len(path.name.encode("utf-8")) <= 255, path.name


def _expected_seals():
    """Party -> seal file, read straight from the hard programme's YAML."""
    programme = yaml.safe_load((HARD / "programme.yaml").read_text("utf-8"))
    out = {programme["bureau"]["name"]: programme["bureau"]["seal"], **programme["seals"]}
    for path in (HARD / "pairings").glob("*.yaml"):
        pairing = yaml.safe_load(path.read_text("utf-8"))
        for school in [pairing["supporter"], *pairing["recipients"]]:
            out[school["name"]] = school["seal"]
    return out


@needs_libreoffice
def test_every_seal_is_its_own_partys_picture_over_its_own_name(hard_bundles):
    """Read independently of the bundler: the picture drawn in each seal's box has the pixels
    of the seal file the YAML names for that party, and its box holds the party's name."""
    root, _ = hard_bundles
    expected = _expected_seals()
    pixels = {}
    for name, m in manifests(root).items():
        reader = PdfReader(merged(root / name))
        pages = pages_of(merged(root / name))
        for seal in m["seals"]:
            page = pages[seal["page"] - 1]
            x0, y0, x1, y1 = seal["seal_box"]
            drawn = [im for im in page.images if abs(im.x0 - x0) < 0.5 and abs(im.y0 - y0) < 0.5]
            assert len(drawn) == 1, seal
            xobject = reader.pages[seal["page"] - 1]["/Resources"]["/XObject"][drawn[0].name].get_object()
            path = HARD / expected[seal["party"]]
            if path not in pixels:
                with Image.open(path) as img:
                    pixels[path] = img.convert("RGB").tobytes()
            assert xobject.get_data() == pixels[path], (seal["document"], seal["party"])
            nx0, ny0, nx1, ny1 = seal["name_box"]
            cx, cy = (nx0 + nx1) / 2, (ny0 + ny1) / 2
            assert x0 < cx < x1 and y0 < cy < y1
            name = "".join(g.char for g in sorted((g for g in page.glyphs if nx0 - 1 <= g.x <= nx1 and ny0 - 1 <= g.y <= ny1
                                                   and g.char.strip()), key=lambda g: (-round(g.y), g.x)))
            assert name == seal["party"], (name, seal["party"])


@needs_libreoffice
def test_joint_seals_stand_at_most_three_to_a_row_and_never_touch(hard_bundles):
    root, _ = hard_bundles
    m = manifests(root)["five"]
    plan = m["pdf"]["documents"][0]["title"]
    boxes = [s["seal_box"] for s in m["seals"] if s["document"] == plan]
    rows: dict[float, list] = {}
    for box in boxes:
        rows.setdefault(box[1], []).append(box)  # seals of one row stand on one line
    # six names of 30 to 40 characters: two to a row, each on two lines of a half-width cell
    assert sorted(len(r) for r in rows.values()) == [2, 2, 2]
    for row in rows.values():
        row.sort()
        for left, right in pairwise(row):
            assert right[0] - left[2] > 5  # a gap between neighbours
    agreement = next(d["title"] for d in m["pdf"]["documents"] if d["title"].endswith("协议书"))
    bureaus = [s for s in m["seals"] if s["document"] == agreement and s["role"] == "教育行政部门"]
    assert {s["party"] for s in bureaus} == {"示范市教育局", "东岭县教育局"}
    (a, b) = sorted(s["seal_box"] for s in bureaus)
    assert a[1] == b[1] and b[0] - a[2] > 5  # side by side, apart


@needs_libreoffice
def test_special_characters_and_rare_characters_are_printed(hard_bundles):
    root, _ = hard_bundles
    text = "".join("".join(g.char for g in line) for page in pages_of(merged(root / "five")) for line in page.lines())
    for name in ('示范市第一中学"R&D<创新>\'实验\'"教育集团', '北山县"希望"&<阳光>九年一贯制学校', "东岭县堃山镇", "中河市䶮溪乡"):
        assert name in text, name


# ------------------------------------------------------- each rule finds its defect

def _glyphs(text, x, top, size=16.0, font="FandolFang-Regular", **kw):
    return [Glyph(ch, x + k * size, 841.89 - top, size, font, size, (0, 0, 0), **kw) for k, ch in enumerate(text)]


def _page(*lines, number=1):
    page = Page(595.28, 841.89)
    for glyphs in lines:
        page.glyphs += glyphs
    page.glyphs += _glyphs(f"— {number} —", 440, 790, size=14, font="FandolSong-Regular")
    return page


BODY = [_glyphs("一二三四五六七八九十一二三四五六七八九十一二三四五六七八", TYPE_LEFT, 130 + 28.95 * k) for k in range(5)]


def _found(doc, rule):
    return [f for f in check([doc])[0].findings if f.rule == rule and not f.warning]


def test_a_page_without_text_is_blank():
    doc = Document("协议书", [_page(*BODY), Page(595.28, 841.89)])
    assert [f.page for f in _found(doc, "空白页")] == [2]
    assert _found(Document("协议书", [_page(*BODY)], padding=set()), "空白页") == []


def test_a_page_with_only_signatures_is_found():
    signature = [_glyphs("甲方（签字）：", TYPE_LEFT, 400), _glyphs("甲校", 300, 430), _glyphs("2024年9月10日", 300, 460)]
    signed = [Signature("甲校", 1, (300, 841.89 - 435, 332, 841.89 - 419))]
    doc = Document("协议书", [_page(*BODY), _page(*signature, number=2)], signatures=signed)
    assert [f.page for f in _found(doc, "签署页")] == [2]
    with_body = Document("协议书", [_page(*BODY), _page(*BODY[:2], *signature, number=2)], signatures=signed)
    assert _found(with_body, "签署页") == []


def test_a_seal_outside_the_type_area_or_on_someone_else_is_found():
    name = _glyphs("甲校", 300, 400)
    page = _page(*BODY, name)
    seal = Seal("乙校", 0, (300, 300, 419, 419), (300, 436, 332, 452), "abc")
    findings = [f.detail for f in _found(Document("协议书", [page], seals=[seal]), "印章")]
    assert any("图片" in d for d in findings)  # no picture drawn where the manifest says
    assert any("没有压在其署名上" in d for d in findings)
    low = Seal("乙校", 0, (300, 40, 419, 159), (300, 436, 332, 452), "abc")
    assert any("超出版心" in f.detail for f in _found(Document("协议书", [page], seals=[low]), "印章"))


def test_draft_text_under_a_seal_is_found():
    page = _page(*BODY, _glyphs("【草稿：以下内容由活动记录生成】", TYPE_LEFT, 300))
    seal = Seal("甲校", 0, (300, 300, 419, 419), (300, 436, 332, 452), "abc")
    assert _found(Document("总结", [page], seals=[seal]), "草稿")
    assert not _found(Document("总结", [page]), "草稿")  # an unsealed draft is the user's to finish


def test_a_title_broken_inside_a_word_is_found():
    broken = [_glyphs("高安中学与高安市石", 150, 130, size=22, font="FandolSong-Bold"),
              _glyphs("脑中学管理帮扶责任书", 150, 160, size=22, font="FandolSong-Bold")]
    assert _found(Document("责任书", [_page(*broken, *BODY[2:])]), "标题断行")
    whole = [_glyphs("高安中学与高安市石脑中学", 150, 130, size=22, font="FandolSong-Bold"),
             _glyphs("管理帮扶责任书", 150, 160, size=22, font="FandolSong-Bold")]
    assert not _found(Document("责任书", [_page(*whole, *BODY[2:])]), "标题断行")


def test_a_character_drawn_blank_or_in_an_unmapped_face_is_found():
    hole = _glyphs("中河市䶮溪乡", TYPE_LEFT, 400)
    hole[3] = Glyph("䶮", hole[3].x, hole[3].y, 16.0, "UKaiCN", 16.0, (0, 0, 0), blank=True)
    assert [f.detail[:3] for f in _found(Document("封面", [_page(*BODY, hole)]), "缺字")] == ["“䶮”"]
    japanese = _glyphs("结对帮扶", 150, 130, size=22, font="NotoSerifCJKjp-Bold")
    assert _found(Document("协议书", [_page(japanese, *BODY[2:])]), "字体")


def test_a_row_rule_that_stops_at_a_merged_group_cell_still_parts_two_rows():
    """A rubric's 项目 cell spans two rows: the rule between them starts at the second column."""
    from docgen.preflight.page import Rule

    def ruled(tops, x0=TYPE_LEFT, x1=TYPE_LEFT + 440):
        return [Rule(x0, 841.89 - t, x1, 841.89 - t + 0.5, (0, 0, 0)) for t in tops]

    first = _page(*BODY[:1])
    first.rules = ruled([160, 400, 640, 760])  # three rows, the table goes on
    split = _page(number=2)
    split.rules = ruled([100, 500]) + ruled([300], x0=TYPE_LEFT + 60)  # two rows under one merged cell
    assert not _found(Document("方案", [first, split]), "表格跨页")
    alone = _page(number=2)
    alone.rules = ruled([100, 500])
    assert [f.page for f in _found(Document("方案", [first, alone]), "表格跨页")] == [2]


def test_a_heading_last_on_a_page_is_found():
    heading = _glyphs("三、工作要求", TYPE_LEFT + 32, 130 + 28.95 * 21, font="FandolHei-Regular")
    doc = Document("方案", [_page(*BODY, heading), _page(*BODY, number=2)])
    assert [f.page for f in _found(doc, "孤立标题")] == [1]


# ------------------------------------------------------------------- check-pdf

@needs_libreoffice
def test_check_pdf_reads_a_bundle_with_its_manifest(example_bundles, tmp_path):
    root, _ = example_bundles
    folder = tmp_path / "chengguan"
    shutil.copytree(root / "gaotai-2020" / "bundles" / "chengguan", folder)
    result = run("check-pdf", folder)
    assert result.returncode == 0 and "全部符合" in result.stdout, result.stderr
    # the manifest says a seal shows another picture: the PDF and the manifest disagree
    path = folder / "manifest.json"
    m = json.loads(path.read_text("utf-8"))
    m["seals"][0]["image_digest"] = "0" * 12
    path.write_text(json.dumps(m, ensure_ascii=False), "utf-8")
    result = run("check-pdf", folder)
    assert result.returncode == 8
    assert "【印章】" in result.stderr and m["seals"][0]["party"] in result.stderr and "第" in result.stderr
    results = check_file(merged(folder))
    assert sum(len(r.failures) for r in results) == 1


def test_check_pdf_says_what_is_missing(tmp_path):
    assert run("check-pdf", tmp_path / "nowhere.pdf").returncode == 2
    assert "没有找到 PDF" in run("check-pdf", tmp_path).stderr


@pytest.mark.parametrize("family", ["notice", "plan", "agreement", "letter", "summary"])
def test_every_family_has_its_rules(family):
    """A rule that applies to one family (the red head to notices) is not run on the others."""
    doc = Document("x", [_page(*BODY)], family)
    names = {f.rule for f in check([doc])[0].findings}
    assert ("版头" in names) == (family == "notice")
