"""开始下一年度 in the workspace: the bureau (only) sees it on a programme whose cycle has
ended; its form makes the next year's programme with ``docgen new programme``'s own function,
shows what to check with a link to the new programme, and the files it writes are in the audit log."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from docgen.load import load_programme
from docgen.serve.app import create_app
from tests.helpers import run
from tests.serve_helpers import body, form_with, tree, with_token

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop

PROG = "gaotai"


def test_only_the_bureau_sees_and_may_start_the_next_year(signed_in, county):
    assert "开始下一年度" in signed_in("局").get(f"/p/{PROG}").text
    before = tree(county)
    for name in ("三中", "看"):
        client = signed_in(name)
        assert "开始下一年度" not in client.get(f"/p/{PROG}").text
        assert client.get(f"/p/{PROG}/next").status_code == 403
        refused = client.post(f"/p/{PROG}/next", data={"name": "gaotai-2021", "start": "2021-03-01"})
        assert refused.status_code == 403
    assert tree(county) == before and not (county / "gaotai-2021").exists()


def test_the_bureau_starts_the_next_year_and_sees_what_to_check(signed_in, county):
    bureau = signed_in("局")
    page = bureau.get(f"/p/{PROG}/next").text
    form = form_with(page, f"/p/{PROG}/next")
    fields = dict(form["fields"])
    assert (fields["name"], fields["start"]) == ("gaotai-2021", "2021-01-01")
    old = tree(county / PROG)
    created = bureau.post(form["action"], data=body(form["fields"]), follow_redirects=False)
    assert created.status_code == 303, created.text
    done = bureau.get(created.headers["location"])
    assert done.status_code == 200, done.text
    assert bureau.get(created.headers["location"]).text == done.text  # a reload shows it again, creates nothing
    elsewhere = created.headers["location"].replace(f"/p/{PROG}/", "/p/gaotai-2021/")
    assert bureau.get(elsewhere).status_code == 404  # (not under another programme's address)
    assert "已新建“高台县2021年中小学结对帮扶工作实施方案”" in done.text
    assert 'href="/p/gaotai-2021"' in done.text
    assert "需要核对" in done.text and "gaotai-2021/programme.yaml 第" in done.text and "2020年中共中央" in done.text
    assert "gaotai/pairings/sanzhong.yaml 第 23 行（年度总结文字）" in done.text  # left in the old folder
    assert "（方案全文）" in done.text and "（领导小组）" in done.text  # named as 方案信息 names them (review 41)
    assert not re.search(r"body\[|leading_group|summaries|monthly_plan", done.text)  # no YAML paths
    assert 'href="/p/gaotai-2021/settings"' in done.text  # the leading group and such are checked there
    # the new programme: valid, last year's folder untouched
    new = county / "gaotai-2021"
    assert run("validate", new).returncode == 0
    loaded = load_programme(new)
    assert loaded.programme.cycle.start.isoformat() == "2021-01-01"
    assert all(p.summaries == [] for p in loaded.pairings)
    assert tree(county / PROG) == old
    assert "高台县2021年" in bureau.get("/p/gaotai-2021").text
    # 2021 is over by the machine's clock, but the new programme holds no records yet: a year
    # caught up on is not told to leave its list alone (review 41)
    assert "帮扶周期已于" not in bureau.get("/p/gaotai-2021").text
    assert 'id="cycle-ended"' not in bureau.get("/p/gaotai-2021/pairing/sanzhong").text
    assert 'id="cycle-ended"' in bureau.get(f"/p/{PROG}/pairing/sanzhong").text  # (the 2020 one has its records)
    # every file written is in the audit log, written by the bureau's account
    entries = bureau.app.state.audit.entries("gaotai-2021")
    written = {e.path for e in entries}
    assert written == {f"gaotai-2021/{p.relative_to(new).as_posix()}" for p in new.rglob("*") if p.is_file()}
    assert {e.account for e in entries} == {"局"} and all(e.action == "write" and not e.before for e in entries)
    assert bureau.app.state.audit.disagreements() == []
    # the same again: refused, nothing overwritten
    again = bureau.post(form["action"], data=body(form["fields"]))
    assert again.status_code == 400 and "已存在" in again.text and "没有写入任何文件" in again.text
    assert run("validate", new).returncode == 0


def test_a_wrong_date_or_name_is_said_next_to_the_form_and_nothing_written(signed_in, county):
    bureau = signed_in("局")
    before = tree(county)
    wrong = bureau.post(f"/p/{PROG}/next", data={"name": "gaotai-2021", "start": "2020-06-01"})
    assert wrong.status_code == 400 and "不能重叠" in wrong.text
    wrong = bureau.post(f"/p/{PROG}/next", data={"name": "../x", "start": ""})
    assert wrong.status_code == 400 and "不能有空格" in wrong.text
    assert tree(county) == before


def test_a_programme_still_running_offers_no_next_year(example_copy, tmp_path, converters):
    root = example_copy("sichuan-2025")  # its cycle runs to 2028
    app = create_app(root.parent, tmp_path / "out", pool=converters, warm=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = with_token(client).get("/p/sichuan-2025").text
    assert "学校之间结对帮扶实施方案" in page and "开始下一年度" not in page


def test_what_the_new_programme_still_lacks_is_said_in_words(signed_in, county):
    """Review 43: the result listed the new folder's problems in the command line's form
    (x.yaml:3:5  supporter.bogus  …)."""
    sanzhong = county / PROG / "pairings" / "sanzhong.yaml"
    sanzhong.write_text(sanzhong.read_text("utf-8").replace("  name: 高台三中\n", "  name: 高台三中\n  phone: [1]\n", 1),
                        "utf-8")
    bureau = signed_in("局")
    form = form_with(bureau.get(f"/p/{PROG}/next").text, f"/p/{PROG}/next")
    done = bureau.get(bureau.post(form["action"], data=body(form["fields"]), follow_redirects=False).headers["location"])
    listed = done.text[done.text.index("需要填写或修改"):]
    listed = re.sub(r"<[^>]+>", "", listed[:listed.index("</section>")])
    assert "gaotai-2021/pairings/sanzhong.yaml 第 " in listed and "支援学校的电话" in listed
    assert not re.search(r"\.yaml:\d|supporter\.phone", listed), listed
