"""The same browser driven through WebDriver (Debian's chromium-driver, Selenium): the
fall-back should Playwright and the system Chromium ever drift apart. The programme's list
is searched as a clerk types, and a pair-list upload with a wrong row shows its cell."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.serve_helpers import pair_list_xlsx

DRIVER = "/usr/bin/chromedriver"


def test_search_and_a_located_upload_error_through_webdriver(served, tmp_path):
    if not Path(DRIVER).exists():
        pytest.fail(f"找不到 {DRIVER}：请运行 bash scripts/setup.sh（apt-get install chromium-driver）", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser.conftest import ARGS, CHROMIUM

    base, data, _ = served
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ARGS + ["--headless=new", "--window-size=1366,768"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(f"{base}/p/gaotai")
        driver.find_element(By.ID, "q").send_keys("国庆")
        wait.until(lambda d: "高台三中" not in d.find_element(By.ID, "rows").text)
        assert "国庆小学" in driver.find_element(By.ID, "rows").text
        wrong = pair_list_xlsx(tmp_path / "名单.xlsx", [["高台县", "高台三中", None, None]])
        driver.get(f"{base}/p/gaotai/import")
        driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(wrong))
        driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        alert = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role=alert]"))
        assert "C3" in alert.text and "没有写入任何文件" in alert.text
        assert sorted(p.name for p in (data / "gaotai" / "pairings").iterdir()) == ["guoqing.yaml", "sanzhong.yaml"]
    finally:
        driver.quit()
