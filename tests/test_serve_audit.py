"""The audit log (issue 21): every change the workspace makes — who, when, which file, the
diff — in the state file, shown to the bureau per pairing; a pairing file put back to an
earlier version (itself audited); a killed write settled at the next start. And the seal
images: only the bureau uploads or replaces one, and the page says whose each is."""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from docgen.load.images import seal_problem
from docgen.serve.app import create_app
from docgen.serve.audit import PENDING, Audit
from docgen.serve.state import State
from docgen.serve.workspace import Workspace
from docgen.serve.yamledit import digest
from tests.conftest import needs_libreoffice
from tests.helpers import run
from tests.serve_helpers import body, form_with, replace, tree

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop

PROG = "gaotai"


def _save_field(client, url_end: str, name: str, value: str):
    page = client.get(f"/p/{PROG}/pairing/sanzhong").text
    form = form_with(page, url_end)
    return client.post(form["action"], data=body(replace(form["fields"], name, value)), follow_redirects=False)


def test_every_write_is_in_the_log_with_who_when_which_file_and_the_diff(signed_in, county):
    bureau, school = signed_in("局"), signed_in("三中")
    path = county / PROG / "pairings" / "sanzhong.yaml"
    original = path.read_bytes()
    assert _save_field(bureau, "/pairing/sanzhong", "remark", "县中帮扶（局改）").status_code == 303
    assert _save_field(school, "/pairing/sanzhong", "summaries.0.overview", "三中写的总结。").status_code == 303
    record = school.get(f"/p/{PROG}/pairing/sanzhong/activities/2020/record/new").text
    form = form_with(record, "/record/new")
    fields = [(n, v) for n, v in form["fields"]] + [("date", "2020-11-02"), ("type", "lecture"),
                                                    ("description", "送课一次（三中记录）"), ("person_times", "3")]
    assert school.post(form["action"], data=body(fields), follow_redirects=False).status_code == 303
    entries = bureau.app.state.audit.entries(PROG, "sanzhong")
    assert [(e.account, e.role, e.action) for e in entries] == [
        ("三中", "school", "write"), ("", "", "baseline"), ("三中", "school", "write"), ("局", "bureau", "write"),
        ("", "", "baseline")]
    activity, _, summary, remark, baseline = entries
    assert activity.path == f"{PROG}/activities/2020/sanzhong.yaml"
    assert re.search(r"^\+.*description: 送课一次（三中记录）", activity.diff, re.M)
    assert summary.path == remark.path == f"{PROG}/pairings/sanzhong.yaml"
    assert re.search(r"^\+.*三中写的总结。", summary.diff, re.M) and re.search(r"^-.*overview", summary.diff, re.M)
    assert re.search(r"^\+.*县中帮扶（局改）", remark.diff, re.M)
    assert remark.diff.startswith(f"--- a/{PROG}/pairings/sanzhong.yaml\n+++ b/{PROG}/pairings/sanzhong.yaml\n")
    assert baseline.after == digest(original)  # the file as it was before the workspace first wrote it
    assert bureau.app.state.audit.disagreements() == []
    page = bureau.get(f"/p/{PROG}/pairing/sanzhong/history").text
    for words in ("三中写的总结。", "县中帮扶（局改）", "三中（学校）", "局（教育局）", "起始版本", "恢复到这一版本"):
        assert words in page, words
    # what changed, field by field in words (review 2026-12: a unified diff with type: lecture, person_times)
    rows = [re.sub(r"<[^>]+>", "|", r.split("</tr>", 1)[0]) for r in page.split("<tr>")]
    assert any("|备注|" in r and "|（空）|" in r and "|县中帮扶（局改）|" in r for r in rows)
    assert any("年度总结文字第 1 项的概述" in r and "三中写的总结。" in r for r in rows)
    added = [r for r in rows if "新加的活动记录" in r]  # the record, not every record after it by index
    assert len(added) == 1 and "活动内容：送课一次（三中记录）" in added[0] and "人次：3" in added[0]
    assert "活动类型：专题讲座" in added[0] and "lecture" not in added[0]
    assert not any("活动记录第" in r for r in rows)
    assert "activities/2020/sanzhong.yaml" in bureau.get(f"/p/{PROG}/audit").text
    assert school.get(f"/p/{PROG}/pairing/sanzhong/history").status_code == 403


def test_a_pairing_file_is_put_back_and_that_is_audited_too(signed_in, county):
    bureau = signed_in("局")
    path = county / PROG / "pairings" / "sanzhong.yaml"
    original = path.read_bytes()
    _save_field(bureau, "/pairing/sanzhong", "remark", "第一次改")
    _save_field(bureau, "/pairing/sanzhong", "remark", "第二次改")
    path.write_bytes(path.read_bytes().replace("第二次改".encode(), "编辑器里改的".encode()))  # by hand, outside
    audit = bureau.app.state.audit
    baseline = audit.entries(PROG, "sanzhong")[-1]
    page = bureau.get(f"/p/{PROG}/pairing/sanzhong/history").text
    form = form_with(page, f"/history/{baseline.id}/restore")
    # what a restore undoes, and whose, asked before (review 2026-12: 把这个文件恢复到这一版本吗？ alone)
    ask = page.split(f"/history/{baseline.id}/restore", 1)[1].split(">", 1)[0]
    assert "此后对这个文件的 2 次修改（局）都会被撤销" in ask
    response = bureau.post(form["action"], data=body(form["fields"]), follow_redirects=False)
    assert response.status_code == 303
    assert path.read_bytes() == original
    entries = audit.entries(PROG, "sanzhong")
    assert entries[0].action == "restore" and entries[0].restored_from == baseline.id and entries[0].account == "局"
    assert entries[1].action == "outside" and "编辑器里改的" in entries[1].diff  # the hand edit is kept, restorable
    assert audit.content(entries[1].id).decode("utf-8").count("编辑器里改的") == 1
    again = bureau.post(form["action"], data=body(form["fields"]), follow_redirects=False)
    assert again.status_code == 409 and path.read_bytes() == original  # a stale page never overwrites
    assert audit.disagreements() == []


def test_a_write_killed_between_journal_and_replace_is_settled_at_start(small_copy, tmp_path):
    data = small_copy.parent
    state = State(data)
    audit = Audit(state, data)
    path = small_copy / "pairings" / "sanzhong.yaml"
    before = path.read_bytes()
    done = audit.begin(path, before, before + b"# a\n", ("局", "bureau"))
    path.write_bytes(before + b"# a\n")  # the replace happened, the commit did not
    lost = audit.begin(path, before + b"# a\n", before + b"# b\n", ("局", "bureau"))  # killed before the replace
    with state.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM audit WHERE state=?", (PENDING,)).fetchone()[0] == 2
    with TestClient(create_app(data, tmp_path / "out", warm=False)):
        pass
    assert audit.entry(done) is not None and audit.entry(lost) is None
    assert audit.disagreements() == []


def test_a_failed_write_leaves_no_entry(small_copy, tmp_path, monkeypatch):
    data = small_copy.parent
    workspace = Workspace(data, tmp_path / "out")
    workspace.journal = Audit(State(data), workspace.data)
    path = small_copy / "pairings" / "sanzhong.yaml"
    monkeypatch.setattr("docgen.serve.workspace.write_atomic", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        workspace.write(path, b"county: x\n")
    assert [e.action for e in workspace.journal.entries(PROG)] == ["baseline"]


# ------------------------------------------------------------------ seals


def _scan(tmp_path: Path) -> bytes:
    """A seal pressed on white paper and scanned: a red ring and star on white, as JPEG."""
    img = Image.new("RGB", (400, 400), (250, 250, 247))
    draw = ImageDraw.Draw(img)
    draw.ellipse((40, 40, 360, 360), outline=(200, 20, 30), width=18)
    draw.regular_polygon((200, 200, 70), 5, fill=(205, 25, 35))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=92)
    return out.getvalue()


def test_the_seal_page_says_whose_each_seal_is(signed_in):
    page = signed_in("局").get(f"/p/{PROG}/seals").text
    bureau_row = page[page.index("seals/sample-bureau.png"):page.index("seals/sample-school.png")]
    assert "高台县教育局（发文机关）" in bureau_row
    school_row = page[page.index("seals/sample-school.png"):]
    assert "高台三中（支援方）" in school_row


def test_only_the_bureau_uploads_a_seal_and_a_scan_becomes_a_transparent_png(signed_in, county, tmp_path):
    scan = _scan(tmp_path)
    seals = county / PROG / "seals"
    before = tree(county)
    for name in ("三中", "看"):
        client = signed_in(name)
        response = client.post(f"/p/{PROG}/seals", data={"name": "县教育局公章"}, files={"file": ("章.jpg", scan)},
                               follow_redirects=False)
        assert response.status_code == 403
        replaced = client.post(f"/p/{PROG}/seals", data={"replace": "sample-school.png"},
                               files={"file": ("章.jpg", scan)}, follow_redirects=False)
        assert replaced.status_code == 403
    assert tree(county) == before
    bureau = signed_in("局")
    response = bureau.post(f"/p/{PROG}/seals", data={"name": "县教育局公章"}, files={"file": ("章.jpg", scan)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:400]
    made = seals / "县教育局公章.png"
    assert seal_problem(made, "公章图片", "x") == ""
    with Image.open(made) as img:
        assert img.mode == "RGBA" and img.getpixel((0, 0))[3] == 0  # the paper is gone
    old = (seals / "sample-school.png").read_bytes()
    response = bureau.post(f"/p/{PROG}/seals", data={"replace": "sample-school.png"}, files={"file": ("章.jpg", scan)},
                           follow_redirects=False)
    assert response.status_code == 303 and (seals / "sample-school.png").read_bytes() != old
    entries = bureau.app.state.audit.entries(PROG)
    assert [e.path.rsplit("/", 1)[-1] for e in entries[:3]] == ["sample-school.png", "sample-school.png", "县教育局公章.png"]
    assert entries[1].action == "baseline" and bureau.app.state.audit.content(entries[1].id) == old  # the old seal is kept


@pytest.mark.parametrize("name, data, words", [
    ("章.png", b"<html>not an image</html>", "只能是 PNG 或 JPG"),
    ("章.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "不能做成公章图片"),
])
def test_a_seal_that_is_not_one_is_refused_in_chinese(signed_in, county, name, data, words):
    before = tree(county)
    response = signed_in("局").post(f"/p/{PROG}/seals", data={"name": "坏章"}, files={"file": (name, data)})
    assert response.status_code == 400 and words in response.text
    assert tree(county) == before


def test_a_blank_scan_is_not_made_into_a_seal(signed_in, county):
    blank = io.BytesIO()
    Image.new("RGB", (300, 300), (255, 255, 255)).save(blank, format="PNG")
    response = signed_in("局").post(f"/p/{PROG}/seals", data={"name": "白纸"}, files={"file": ("白纸.png", blank.getvalue())})
    assert response.status_code == 400 and "不能做成公章图片" in response.text
    assert not (county / PROG / "seals" / "白纸.png").exists()


def test_a_schools_seal_is_chosen_from_the_uploaded_images_not_typed(signed_in, county, tmp_path):
    bureau = signed_in("局")
    assert bureau.post(f"/p/{PROG}/seals", data={"name": "三中公章"}, files={"file": ("章.jpg", _scan(tmp_path))},
                       follow_redirects=False).status_code == 303
    page = bureau.get(f"/p/{PROG}/pairing/sanzhong").text
    select = page[page.index('name="supporter.seal"'):]
    select = select[:select.index("</select>")]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "seals/sample-bureau.png", "seals/sample-school.png",
                                                           "seals/三中公章.png"]
    assert re.search(r'value="seals/sample-school.png"\s+selected>sample-school<', select)  # the file's choice
    assert "在“公章”页上传的图片中选择" in page
    added = bureau.get(f"/p/{PROG}/pairing/sanzhong/item", params={"list": "recipients", "index": 1}).text
    assert '<select id="f-recipients.1.seal" name="recipients.1.seal">' in added and "seals/三中公章.png" in added
    assert _save_field(bureau, "/pairing/sanzhong", "supporter.seal", "seals/三中公章.png").status_code == 303
    assert "seal: seals/三中公章.png" in (county / PROG / "pairings" / "sanzhong.yaml").read_text(encoding="utf-8")
    seals_page = bureau.get(f"/p/{PROG}/seals").text
    assert "高台三中（支援方）" in seals_page[seals_page.index("seals/三中公章.png"):]


def test_a_seal_the_data_names_but_seals_lacks_is_uploaded_under_its_own_name(signed_in, county, tmp_path):
    path = county / PROG / "pairings" / "sanzhong.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("seals/sample-school.png", "seals/三中新章.png"),
                    encoding="utf-8")
    bureau = signed_in("局")
    page = bureau.get(f"/p/{PROG}/seals").text
    missing = page[page.index("数据中引用了、但 seals/ 中没有的图片"):]
    assert "seals/三中新章.png：高台三中（支援方）" in re.sub(r"<[^>]+>", "", missing)
    form = form_with(missing, "/seals")
    assert ("name", "三中新章.png") in form["fields"]
    response = bureau.post(form["action"], data=dict(form["fields"]), files={"file": ("扫描.jpg", _scan(tmp_path))},
                           follow_redirects=False)
    assert response.status_code == 303
    assert seal_problem(county / PROG / "seals" / "三中新章.png", "公章图片", "x") == ""
    assert "数据中引用了、但 seals/ 中没有的图片" not in bureau.get(f"/p/{PROG}/seals").text


def test_earlier_bundles_are_listed_and_downloaded_by_their_school_only(signed_in, tmp_path):
    """Review 36: a bundle made again (a new year's records, a corrected letter) put the one
    already submitted into bundles/以前的版本/<day>/, which no page linked to. The documents page
    lists each earlier version with its zip and merged PDF; only its school and the bureau
    download them."""
    bundles = tmp_path / "out" / PROG / "bundles"
    for day, content in (("2026-09-01", b"first"), ("2026-12-01", b"second"), ("2026-12-01_2", b"third"),
                         ("2026-13-40", b"by hand")):  # (a folder renamed by hand: listed by its name, no error)
        folder = bundles / "以前的版本" / day / "sanzhong"
        folder.mkdir(parents=True)
        (folder / "报送材料_高台三中与黑泉镇中心小学.pdf").write_bytes(b"%PDF-1.4 " + content)
        (folder.parent / "sanzhong.zip").write_bytes(b"PK " + content)
    school = signed_in("三中")
    page = school.get(f"/p/{PROG}/pairing/sanzhong/documents").text
    listed = page[page.index("<h2>以前的版本</h2>"):]
    text = re.sub(r"<[^>]+>", " ", listed)
    assert text.index("2026年12月1日（当天第2次）") < text.index("2026年12月1日 ") < text.index("2026年9月1日")
    links = re.findall(r'href="(/files/[^"]+)"', listed[:listed.index("</section>")])
    assert len(links) == 8 and "2026-13-40" in text
    response = school.get(links[2])
    assert response.status_code == 200 and response.content == b"PK third"
    assert unquote(response.headers["content-disposition"].split("UTF-8''")[1]) == \
        "报送材料_高台三中与黑泉镇中心小学（2026-12-01_2以前的版本）.zip"
    assert signed_in("国庆").get(links[2]).status_code in (403, 404)
    assert signed_in("局").get(links[3]).status_code == 200
    assert "<h2>以前的版本</h2>" not in signed_in("局").get(f"/p/{PROG}/bureau").text  # (the bureau's has none)


def test_editing_a_pairing_of_a_cycle_that_is_over_says_so_to_the_bureau(signed_in, county):
    """Review 36: a new year's changes made in last year's programme rewrote last year's
    documents without a word. The bureau's pairing page says the cycle is over (the 2020
    programme ended on 2020-12-31); a school, which only writes its summary, is not told."""
    page = signed_in("局").get(f"/p/{PROG}/pairing/sanzhong").text
    assert 'id="cycle-ended"' in page and "本方案的帮扶周期已于2020年12月31日结束" in page
    assert 'id="cycle-ended"' not in signed_in("三中").get(f"/p/{PROG}/pairing/sanzhong").text
    programme = county / PROG / "programme.yaml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("2020-12-31", "2099-12-31"), encoding="utf-8")
    assert 'id="cycle-ended"' not in signed_in("局").get(f"/p/{PROG}/pairing/sanzhong").text


@needs_libreoffice
def test_a_schools_home_page_counts_its_bundles_made_on_the_command_line(signed_in, county, tmp_path):
    """Review 36 F9 (left for schools at first): a school's home page said 尚未生成 of a
    programme whose bundle of its pairing the command line had made."""
    result = run("bundle", county / PROG, "-o", tmp_path / "out", "-p", "guoqing")
    assert result.returncode in (0, 7), result.stderr
    home = signed_in("国庆").get("/").text
    assert "尚未生成" not in home and re.search(r"(已生成|已盖章) 1</span>", home)
    assert "尚未生成" in signed_in("三中").get("/").text  # (its own pairing's bundle is not made)


def test_the_bureau_removes_a_withdrawn_pairing_and_can_put_it_back(signed_in, county):
    """A clerk's walkthrough: the import said 如已撤销请手工删除, which meant deleting files on the
    server. The bureau removes it in the browser (its file and activity logs, each in the
    audit log); its history stays reachable and puts each file back as it was."""
    from docgen.load import load_programme

    bureau, school = signed_in("局"), signed_in("三中")
    path, log = county / PROG / "pairings" / "sanzhong.yaml", county / PROG / "activities" / "2020" / "sanzhong.yaml"
    originals = {path: path.read_bytes(), log: log.read_bytes()}
    page = bureau.get(f"/p/{PROG}/pairing/sanzhong").text
    assert "结对已撤销：删除这个结对" in page
    assert "删除这个结对" not in school.get(f"/p/{PROG}/pairing/sanzhong").text
    form = form_with(page, "/pairing/sanzhong/remove")
    assert school.post(form["action"], data=body(form["fields"]), follow_redirects=False).status_code == 403
    assert path.exists()
    removed = bureau.post(form["action"], data=body(form["fields"]), follow_redirects=False)
    assert removed.status_code == 303 and not path.exists() and not log.exists()
    listing = bureau.get(removed.headers["location"]).text
    # by its schools (review 36: "已删除结对“xijie”" named the pairing by its file)
    assert "已删除结对“高台三中 → 黑泉镇中心小学”" in listing and "高台三中" not in listing.split("<table", 1)[1]
    assert "sanzhong" not in listing.split("已删除结对", 1)[1].split("（", 1)[0]
    assert load_programme(county / PROG).ok  # nothing left behind that names it
    history = bureau.get(f"/p/{PROG}/pairing/sanzhong/history").text
    for target in (path, log):
        rel = target.relative_to(county).as_posix()
        number = next(e.id for e in bureau.app.state.audit.entries(PROG, "sanzhong")
                      if e.path == rel and e.after == digest(originals[target]))
        restore = form_with(history, f"/history/{number}/restore")
        assert bureau.post(restore["action"], data=body(restore["fields"]), follow_redirects=False).status_code == 303
        assert target.read_bytes() == originals[target]
        history = bureau.get(f"/p/{PROG}/pairing/sanzhong/history").text
    assert load_programme(county / PROG).pairing("sanzhong") is not None
