"""Rendering safety: escaping, strict variables, failures that do not lose other documents."""
from __future__ import annotations

import shutil
import zipfile

from docx import Document

from tests.helpers import MINI_PAIRING, MINI_PROGRAMME, ROOT, all_text, run


def test_special_characters_come_out_literally(make_programme, tmp_path):
    root = make_programme(pairings={"p1": MINI_PAIRING.replace("甲中学", '"R&D<实验>中学"')})
    out = tmp_path / "out"
    result = run("build", str(root), "-o", str(out))
    assert result.returncode == 0, result.stderr
    agreement = next(out.rglob("协议书_*.docx"))
    assert agreement.name == "协议书_R&D_实验_中学—乙中学.docx" or agreement.name == "协议书_R&D_实验_中学—丙中学.docx"
    text = all_text(Document(str(agreement)))
    assert "甲方（支援学校）：R&D<实验>中学" in text
    xml = zipfile.ZipFile(agreement).read("word/document.xml").decode()
    assert "R&amp;D&lt;实验&gt;中学" in xml


def test_per_county_notice_is_a_batch(make_programme, tmp_path):
    programme = MINI_PROGRAMME + """\
  - id: sign
    doc_no: 测教字〔2022〕6号
    date: 2022-10-12
    title: 关于签订结对帮扶协议的通知
    addressees: [有关学校]
    body: [请按时签订协议。]
    per_county: true
    attachments:
      - {title: 结对学校名单, content: pair_list}
"""
    other = MINI_PAIRING.replace("county: 测试县", "county: 另一县").replace("甲中学", "丁中学")
    root = make_programme(programme, {"p1": MINI_PAIRING, "p2": other})
    out = tmp_path / "out"
    assert run("build", str(root), "-o", str(out), "-k", "notice").returncode == 0
    names = sorted(p.name for p in (out / "prog").glob("*.docx"))
    assert names == ["通知_测教字〔2022〕5号.docx", "通知_测教字〔2022〕6号_另一县.docx", "通知_测教字〔2022〕6号_测试县.docx"]
    text = all_text(Document(str(out / "prog" / "通知_测教字〔2022〕6号_另一县.docx")))
    assert "丁中学" in text and "甲中学" not in text  # only that county's pairs


def test_missing_variable_names_template_and_variable_and_spares_the_rest(tmp_path):
    templates = tmp_path / "tpl"
    shutil.copytree(ROOT / "templates", templates)
    doc = Document(str(templates / "management_letter.docx"))
    doc.add_paragraph("{{ a.nmae }}")
    doc.save(str(templates / "management_letter.docx"))
    out = tmp_path / "out"
    out.mkdir()
    stale = out / "gaotai-2020" / "sanzhong" / "学校管理帮扶责任书_魏某某—陶某某.docx"  # gaotai names its letter so
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    result = run("build", "data/gaotai-2020", "-o", str(out), "-p", "sanzhong", "-t", str(templates))
    assert result.returncode == 4
    assert "management_letter.docx" in result.stderr and "nmae" in result.stderr
    assert "Traceback" not in result.stderr
    assert not stale.exists()  # no out-of-date or half-written letter
    folder = out / "gaotai-2020" / "sanzhong"
    assert list(folder.glob("实施方案_*.docx")) and list(folder.glob("教师结对帮扶责任书_*.docx"))
    assert not list(folder.glob(".tmp-*"))


def test_invalid_pairing_does_not_stop_the_others(make_programme, tmp_path):
    root = make_programme(pairings={"good": MINI_PAIRING, "bad": MINI_PAIRING.replace("county: 测试县\n", "")})
    out = tmp_path / "out"
    result = run("build", str(root), "-o", str(out))
    assert result.returncode == 2
    assert "bad.yaml" in result.stderr and "county" in result.stderr
    assert list((out / "prog" / "good").glob("协议书_*.docx"))
    assert not (out / "prog" / "bad").exists()


def test_unknown_kind_and_pairing_are_usage_errors(tmp_path):
    # (into a folder of the test's: a run with the default -o writes the checkout's out/, where
    # it left its mark that a run was going on, so the next real run there looked the slow way)
    out = ("data", "-o", tmp_path / "out")
    bad_kind = run("build", *out, "-k", "nope")
    assert bad_kind.returncode == 2 and "agreement" in bad_kind.stderr
    bad_pairing = run("build", *out, "-p", "nope")
    assert bad_pairing.returncode == 2 and "找不到结对" in bad_pairing.stderr


def test_preamble_from_policy_basis_and_short_names(make_programme, tmp_path):
    """What the fields promise: the plan's opening cites the policy basis when no preamble is
    written; the bureau's short name follows its full name; a school's short name names files."""
    programme = MINI_PROGRAMME.replace("  doc_code: 测教字\n", "  doc_code: 测教字\n  short_name: 测试县教育局简称\n") + """\
policy_basis:
  - {title: 关于开展结对帮扶工作的通知, issuer: 某省教育厅, doc_no: 某教函〔2022〕7号}
  - {title: 关于加强县域普通高中建设的意见, issuer: 某市人民政府}
"""
    pairing = MINI_PAIRING.replace("  - name: 乙中学\n", "  - name: 测试县第一百二十中学九年一贯制学校\n    short_name: 一百二十中\n")
    out = tmp_path / "out"
    assert run("build", make_programme(programme, {"p1": pairing}), "-o", out).returncode == 0
    plan = all_text(Document(str(next(out.rglob("实施方案_测试县结对帮扶工作方案.docx")))))
    assert ("根据某省教育厅《关于开展结对帮扶工作的通知》（某教函〔2022〕7号）、某市人民政府《关于加强县域普通高中建设的意见》"
            "等文件精神，结合实际，制定本方案。") in plan
    agreement = out / "prog" / "p1" / "协议书_甲中学—一百二十中.docx"
    assert agreement.exists()
    text = all_text(Document(str(agreement)))
    assert "根据《测试县结对帮扶工作方案》的要求" in text  # the plan names no issuer: none is put in
    assert "测试县教育局" not in text
    assert "考核办法" not in text and "捆绑考核" not in text  # no rubric, no assessment: none is invented


def test_no_preamble_without_data(make_programme, tmp_path):
    out = tmp_path / "out"
    assert run("build", make_programme(), "-o", out, "-k", "programme_plan").returncode == 0
    doc = Document(str(next(out.rglob("实施方案_*.docx"))))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert not any("制定本方案" in t for t in texts)  # nothing invented: no basis, no opening


def test_documents_from_one_template_share_nothing(tmp_path):
    """The template is opened once and copied for each document: what one document's
    rendering and its fitting change is not seen by the next one made from the template."""
    import io

    from docgen.render.renderer import Renderer

    template = tmp_path / "t.docx"
    document = Document()
    document.add_paragraph("{{ name }}")
    document.add_paragraph("{% for n in items %}{{ n }}、{% endfor %}")
    document.save(str(template))
    renderer = Renderer(tmp_path)
    first = renderer.render("t.docx", {"name": "甲中学", "items": ["一"]})
    second = all_text(Document(io.BytesIO(renderer.render("t.docx", {"name": "乙中学" * 300,
                                                                       "items": [str(i) for i in range(400)]}))))
    again = renderer.render("t.docx", {"name": "甲中学", "items": ["一"]})
    assert "乙中学" in second and "399、" in second and "甲中学" not in second
    assert again == first
    assert "甲中学" in all_text(Document(io.BytesIO(again)))
