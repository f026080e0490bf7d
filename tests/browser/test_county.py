"""A county's workspace in real Chromium (issue 21): a school's office signs in (a wrong
password first), sees only its own pairing, can type only into its summary, saves it; the
bureau signs in, finds the change in the pairing's history with its diff, and puts the file
back. Every form is submitted by the browser itself, carrying the page's token."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.serve_helpers import PASSWORD, add_county

DESKTOP = {"width": 1366, "height": 768}


def _sign_in(page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(base + "/")
    page.wait_for_url(f"{base}/login?next=%2F")
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_school_writes_its_summary_and_the_bureau_sees_and_restores_it(browser, served, shots):
    base, data, _ = served
    add_county(data)
    path = data / "gaotai" / "pairings" / "sanzhong.yaml"
    original = path.read_text("utf-8")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)

    _sign_in(page, base, "三中", "not-the-password")
    expect(page.get_by_text("账号或密码不对")).to_be_visible()
    shots(page, "13-login-wrong")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    expect(page.get_by_text("三中（学校：高台三中）")).to_be_visible()
    page.goto(base + "/p/gaotai")
    expect(page.get_by_role("link", name="高台三中", exact=True)).to_be_visible()
    assert "国庆小学" not in page.locator("#rows").inner_text()
    assert page.get_by_text("导入结对名单").count() == 0

    page.goto(base + "/p/gaotai/pairing/sanzhong")
    expect(page.get_by_text("学校账号填写本结对的“年度总结文字”")).to_be_visible()
    expect(page.locator('[name="county"]')).to_be_disabled()
    overview = page.locator('[name="summaries.0.overview"]')
    expect(overview).to_be_enabled()
    # the school's own section comes first (it was 19 000 px down, under 120 locked fields), and
    # the year its partners share cannot be taken away by one click
    assert overview.bounding_box()["y"] < 1500
    expect(page.locator('[data-name="summaries.0"] > button.remove')).to_be_hidden()
    expect(page.locator('[name="county"]')).to_be_hidden()  # (folded away under 结对信息（只读）)
    overview.fill("三中本年度送教下乡四次，师徒结对听评课二十节。")
    shots(page, "14-school-summary")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存。", exact=True)).to_be_visible()
    assert "三中本年度送教下乡四次" in path.read_text("utf-8")
    page.goto(base + "/p/gaotai/pairing/guoqing")
    expect(page.get_by_role("heading", name="没有权限")).to_be_visible()
    assert "王永奇" not in page.content()
    # on a phone the account and the way out are still there (they were hidden below 700 px)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/")
    expect(page.get_by_text("三中（学校：高台三中）")).to_be_visible()
    logout = page.get_by_role("button", name="退出登录")
    expect(logout).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
    # a record a card of its own (review 2026-12: eight columns scrolled sideways, 修改 off-screen)
    page.goto(base + "/p/gaotai/pairing/sanzhong/activities?year=2020")
    first = page.locator("table.records tbody tr").first.get_by_role("link", name="修改")
    box = first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
    shots(page, "17-phone-activities")
    page.set_viewport_size(DESKTOP)
    logout.click()
    page.wait_for_url(base + "/login")

    _sign_in(page, base, "局")
    page.wait_for_url(base + "/")
    page.goto(base + "/p/gaotai/pairing/sanzhong/history")
    expect(page.get_by_text("三中（学校）")).to_be_visible()
    expect(page.locator("table.changes td").filter(has_text="三中本年度送教下乡四次")).to_be_visible()  # in words
    shots(page, "15-history", full=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="恢复到这一版本").first.click()
    expect(page.get_by_text("已恢复到第")).to_be_visible()
    assert path.read_text("utf-8") == original
    page.goto(base + "/p/gaotai/seals")
    expect(page.get_by_text("高台三中（支援方）")).to_be_visible()
    shots(page, "16-seals")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(base + "/login")
    page.goto(base + "/p/gaotai")
    page.wait_for_url(f"{base}/login?next=%2Fp%2Fgaotai")
    context.close()
