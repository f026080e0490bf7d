"""A county clerk's day in the workspace, in real Chromium: open the programme, upload a pair
list with one wrong row, see the error, fix it, confirm; edit a teacher pair; generate one
pairing's bundle and watch its progress; download the .zip and open its PDF; upload an
activity sheet; see the summary and the roll-up. Screenshots of each page at 1366×768, and
of two at phone width."""
from __future__ import annotations

import io
import zipfile

from playwright.sync_api import expect
from pypdf import PdfReader

from docgen.load.yaml_source import read
from tests.conftest import needs_libreoffice
from tests.serve_helpers import activity_xlsx, pair_list_xlsx

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@needs_libreoffice
def test_a_clerks_day(browser, served, shots, tmp_path):
    base, data, out = served
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)

    # 1. the programmes, then the programme
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="方案", exact=True)).to_be_visible()
    shots(page, "01-programmes")
    page.get_by_text("高台县2020年中小学结对帮扶工作实施方案").click()
    page.wait_for_url(f"{base}/p/gaotai")
    expect(page.get_by_role("link", name="高台三中", exact=True)).to_be_visible()
    page.get_by_placeholder("搜索学校、县市区或状态").fill("国庆")
    page.wait_for_function("() => !document.querySelector('#rows').innerText.includes('高台三中')")
    assert page.locator("#rows").inner_text().count("国庆小学") == 1
    page.get_by_placeholder("搜索学校、县市区或状态").fill("")
    page.wait_for_function("() => document.querySelector('#rows').innerText.includes('高台三中')")
    shots(page, "02-programme")

    # 2. the pair list, with one wrong row: the error in the page, nothing written
    before = sorted(p.name for p in (data / "gaotai" / "pairings").iterdir())
    wrong = pair_list_xlsx(tmp_path / "高台县结对名单.xlsx", [
        ["高台县", "高台三中", "黑泉镇中心小学及各校区", "王多权\n王大军"],
        ["高台县", "新华小学", None, None],
        ["高台县", "国庆小学", "宣化镇中心小学及各校区\n合黎镇中心小学及五坝校区", None]])
    page.get_by_role("link", name="导入结对名单").click()
    page.wait_for_url("**/import")
    page.locator("input[type=file]").set_input_files(str(wrong))
    page.get_by_role("button", name="上传并预览").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("C4")
    assert "C4" in alert.inner_text() and "没有写入任何文件" in alert.inner_text()
    assert sorted(p.name for p in (data / "gaotai" / "pairings").iterdir()) == before
    shots(page, "03-import-error")
    fixed = pair_list_xlsx(tmp_path / "高台县结对名单.xlsx", [
        ["高台县", "高台三中", "黑泉镇中心小学及各校区", "王多权\n王大军"],
        ["高台县", "新华小学", "明德小学", None],
        ["高台县", "国庆小学", "宣化镇中心小学及各校区\n合黎镇中心小学及五坝校区", None]])
    page.locator("input[type=file]").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("新增 1 个结对")).to_be_visible()
    shots(page, "04-import-preview")
    assert sorted(p.name for p in (data / "gaotai" / "pairings").iterdir()) == before  # still nothing written
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status")).to_contain_text("新增 1 个")
    assert (data / "gaotai" / "pairings" / "新华小学.yaml").is_file()

    # 3. a teacher pair edited, another added in place; an error shown next to its field first
    page.goto(f"{base}/p/gaotai/pairing/sanzhong")
    page.locator('[name="teacher_pairs.0.mentor.title"]').fill("高级教师")
    page.get_by_role("button", name="＋ 添加一项师徒结对").click()
    new = page.locator("fieldset.item").filter(has=page.locator('[name$=".mentor.name"][value=""]')).last
    new.locator('[name$=".mentor.name"]').fill("韩某某")
    new.locator('[name$=".mentee.name"]').fill("秦某某")
    new.locator('[name$=".mentee.subject"]').fill("语文")
    page.locator('[name="signed_on"]').fill("2020-02-30")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errors-line")).to_contain_text("尚未保存")
    error = page.locator(".field.has-error").filter(has=page.locator('[name="signed_on"]'))
    assert "不是存在的日期" in error.inner_text() or "日期" in error.inner_text()
    error.scroll_into_view_if_needed()
    shots(page, "05-form-error")
    page.locator('[name="signed_on"]').fill("2020-03-06")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    pairs = read(data / "gaotai" / "pairings" / "sanzhong.yaml").data["teacher_pairs"]
    assert [(p["mentor"]["name"], p["mentor"].get("title")) for p in pairs] == [("姜某某", "高级教师"), ("韩某某", None)]
    shots(page, "06-pairing-form")

    # 4. one pairing's bundle, its progress watched live, then previews and downloads
    page.get_by_role("link", name="文件和报送材料").click()
    page.get_by_role("button", name="生成", exact=True).click()
    page.wait_for_url(f"{base}/jobs/*")
    seen = set()
    for _ in range(1200):
        status = page.locator("#progress").get_attribute("data-status")
        seen.add(status)
        if status == "running" and "progress-shot" not in seen and "/" in page.locator("#progress").inner_text():
            shots(page, "07-progress")
            seen.add("progress-shot")
        if status in ("done", "failed", "cancelled"):
            break
        page.wait_for_timeout(100)
    assert status == "done", page.locator("#progress").inner_text()
    assert "running" in seen or "waiting" in seen  # the page changed under the clerk's eyes (SSE)
    page.get_by_role("link", name="查看和下载").click()
    expect(page.get_by_text("未盖章的单位")).to_be_visible()
    page.locator(".pages img").first.wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('.pages img')].slice(0, 5).every(i => i.complete && i.naturalWidth > 0)")
    shots(page, "08-documents")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 .zip").click()
    zipped = download.value.path()
    with zipfile.ZipFile(zipped) as archive:
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 1
        reader = PdfReader(io.BytesIO(archive.read(pdfs[0])))
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert len(reader.pages) > 10 and "高台三中" in text and "韩某某" in text  # the edit is in the bundle
    assert "年度工作总结" in page.locator("body").inner_text()  # the summary is among the documents

    # 5. an activity sheet uploaded, previewed, imported
    page.get_by_role("link", name="活动记录").click()
    page.wait_for_url("**/activities")
    count = page.locator("table.list tbody tr").count()
    evidence = "evidence/sanzhong/2020-04-22_管理指导.txt"
    sheet = activity_xlsx(tmp_path / "高台三中活动记录.xlsx",
                          [["2020-11-20", "专题讲座", "数学专题讲座（秋季）", "姜某某", 12, evidence, "2020-11-21"]])
    page.locator("input[type=file]").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("将新增 1 条记录")).to_be_visible()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入")).to_be_visible()
    expect(page.locator("table.list tbody tr")).to_have_count(count + 1)
    expect(page.get_by_text("数学专题讲座（秋季）")).to_be_visible()
    shots(page, "09-activities")

    # 6. the roll-up, sorted
    page.goto(f"{base}/p/gaotai")
    page.get_by_role("link", name="考核汇总").click()
    expect(page.get_by_text("考核汇总表")).to_be_visible()
    page.get_by_role("link", name="迟报或未报备").click()
    page.wait_for_url("**sort=late**")
    rows = page.locator("table.rollup tbody tr")
    assert rows.count() >= 2
    # every column on the screen at 1366 px (the commitments' long names wrap; review 2026-12:
    # 3 797 px, 得分 behind a scroll the clerk may not notice)
    wide = page.evaluate("() => document.querySelector('table.rollup').scrollWidth")
    assert wide <= 1366, wide
    shots(page, "10-report")

    # 7. at phone width
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page()
    phone.goto(f"{base}/p/gaotai")
    expect(phone.get_by_role("button", name="生成全部")).to_be_visible()
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the page is {width}px wide on a {PHONE['width']}px phone"
    shots(phone, "11-phone-programme")
    phone.goto(f"{base}/p/gaotai/pairing/sanzhong")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shots(phone, "12-phone-form")
    context.close()
