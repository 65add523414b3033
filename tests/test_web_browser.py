"""reportgen serve end to end in a real browser: Debian's Chromium driven by Selenium.

The server runs as `reportgen serve` in a subprocess on a free local port. A department uploads a blank
template and a messy workbook through its link (each held until confirmed), reads the problems on the
page, downloads the return workbook, uploads a fixed one and opens its receipt; the office restores an
earlier version, builds with it, works the overdue unit (催报 message, slip, new link), adds a second
user and reads the log. A screenshot is taken
at each step; on failure they are all saved under the test workspace's outputs/screenshots/.
With REPORTGEN_SCREENSHOTS=docs/img the pages are also saved there (desktop and phone widths), small,
for the README.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.render.manifest import read_manifest

import browser
from webutil import DEPT, PASSWORD, fixed_workbook, messy_workbook, sample

pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium and chromium-driver not installed "
                                                                "(make test installs them)")


class Steps:
    """Screenshots of every step, written out only when the test fails (and for the README when asked)."""

    def __init__(self, driver, failed_dir: Path):
        self.driver, self.failed_dir = driver, failed_dir
        self.shots: list[tuple[str, bytes]] = []
        target = os.environ.get("REPORTGEN_SCREENSHOTS")
        self.readme = Path(target) if target else None

    def shot(self, name: str, readme: bool = False, phone: bool = False) -> None:
        self.shots.append((name, self.driver.get_screenshot_as_png()))
        if readme and self.readme is not None:
            self.readme.mkdir(parents=True, exist_ok=True)
            sizes = [("", 1100, 0.7)] + ([("-phone", browser.PHONE[0], 0.75)] if phone else [])
            for suffix, width, scale in sizes:
                save_small(full_page(self.driver, width), self.readme / f"web-{name}{suffix}.png", scale)
            self.driver.set_window_size(*browser.DESKTOP)

    def save(self) -> None:
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        for n, (name, png) in enumerate(self.shots, 1):
            (self.failed_dir / f"{n:02d}-{name}.png").write_bytes(png)
        try:
            (self.failed_dir / f"{len(self.shots) + 1:02d}-at-failure.png").write_bytes(
                self.driver.get_screenshot_as_png())
        except Exception:  # noqa: BLE001 - the browser itself may be gone
            pass


def full_page(driver, width: int, max_height: int = 2000) -> bytes:
    """The page from its top, as tall as it is (up to max_height)."""
    driver.set_window_size(width, 900)
    time.sleep(0.2)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height, 600), max_height))
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.3)
    return driver.get_screenshot_as_png()


def save_small(png: bytes, target: Path, scale: float) -> None:
    """Scaled down, 64 colours: a README picture of a few dozen KB."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    img = img.resize((int(img.width * scale), int(img.height * scale)), Image.LANCZOS)
    img.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(target, optimize=True)


def wait(driver, condition, timeout: float = 60, what: str = ""):
    """Until `condition` holds; elements of the page being left (stale, gone) mean "not yet"."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                         ).until(condition, message=what)


def submit_and_wait(driver, button) -> None:
    """Click a form's button and wait until the browser is on the next page."""
    from selenium.webdriver.support import expected_conditions as EC

    old = driver.find_element("tag name", "html")
    button.click()
    wait(driver, EC.staleness_of(old), what="next page")
    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete", what="page loaded")


def fetch(url: str, target: Path) -> Path:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as r:
        target.write_bytes(r.read())
    return target


def test_department_uploads_and_office_builds_in_a_browser(tmp_path):
    """The clerk: a blank upload and a worse one are held until confirmed, all findings at once, a receipt.
    The office: restores an earlier version and builds with it, copies a 催报 message, prints a slip,
    changes a link after confirming, adds a second user; the log names who did what."""
    from selenium.webdriver.common.by import By

    root = sample(tmp_path)
    downloads = tmp_path / "downloads"
    messy = messy_workbook(tmp_path / "上半年填报（民政局）.xlsx")
    fixed = fixed_workbook(root, tmp_path / "改好的.xlsx")
    original = (root / "inputs/2025H1/departments" / f"{DEPT}.xlsx").read_bytes()
    css = lambda sel: driver.find_element(By.CSS_SELECTOR, sel)  # noqa: E731
    texts = lambda sel: [e.text for e in driver.find_elements(By.CSS_SELECTOR, sel)]  # noqa: E731
    current = lambda: (root / "inputs/2025H1/departments" / f"{DEPT}.xlsx").read_bytes()  # noqa: E731

    def upload(path: Path) -> None:
        css("input[type=file]").send_keys(str(path))
        submit_and_wait(driver, css("form[data-upload] button"))

    def sign_in(name: str, password: str) -> None:
        name_box = css("input[name=name]")
        name_box.clear()
        name_box.send_keys(name)
        css("input[name=password]").send_keys(password)
        submit_and_wait(driver, css("button.primary"))

    with browser.served(root) as (base, setup, lines), browser.chromium(downloads) as driver:
        steps = Steps(driver, root / "outputs" / "screenshots")
        try:
            assert setup, "the terminal shows no setup link:\n" + "".join(lines)
            assert any("推进办页面" in line and base in line for line in lines)

            # first start: the office sets its password through the link from the terminal
            driver.get(setup.split()[-1])
            steps.shot("setup")
            css("input[name=password]").send_keys(PASSWORD)
            css("input[name=again]").send_keys(PASSWORD)
            submit_and_wait(driver, css("button.primary"))
            assert "各单位报送情况" in driver.page_source
            steps.shot("office-before")
            row = driver.find_element(By.XPATH, f"//tr[.//strong[text()='{DEPT}']]")
            link = row.find_element(By.CSS_SELECTOR, "input[readonly]").get_attribute("value")
            assert link.startswith(base + "/d/")

            # the clerk: deadline, status, the office's contact, the preview of what will be printed
            driver.delete_all_cookies()  # the clerk's browser knows nothing of the office
            driver.get(link)
            assert DEPT in css("h1").text and "01-01" in driver.page_source
            assert "已报送·无问题" in css(".badge").text and "截止日期：2025年7月4日" in css(".deadline").text
            assert "综合组 李明" in css(".contact").text
            driver.switch_to.frame(css("iframe.unit-preview"))
            assert len(driver.find_elements(By.CSS_SELECTOR, "p.task")) == 4
            driver.switch_to.default_content()
            steps.shot("department", readme=True, phone=True)

            # a blank template from a phone: held, and kept out
            upload(fetch(link + "/template.xlsx", tmp_path / "空表.xlsx"))
            assert "请确认" in css("#result h2").text and "空表" in css("#result").text
            assert current() == original
            steps.shot("department-confirm", readme=True, phone=True)
            submit_and_wait(driver, css("#result button[value=keep]"))
            assert "未采用这次上传" in css("#result h2").text and current() == original

            # another unit's sheet: refused, with no advice to edit its 填报单位
            upload(root / "inputs/2025H1/departments/区教育局.xlsx")
            assert "未采用" in css("#result h2").text and "填报单位与链接不符" in css("#result").text
            assert "改为" not in css("#result").text and current() == original

            # a messy workbook: held (more errors), then used after all; every problem listed at once, in the result
            upload(messy)
            assert "请确认" in css("#result h2").text and current() == original
            submit_and_wait(driver, css("#result button[value=replace]"))
            assert "3 处错误" in css("#result h2").text and current() == messy.read_bytes()
            problems = texts("#result .issue")
            assert any("进展填报!C4" in p and "“差不多了”无法识别" in p for p in problems), problems
            assert any("进展填报!E5" in p and "“很多”不是数字" in p for p in problems), problems
            assert any("进展填报!D6" in p and "进展情况为空" in p for p in problems), problems
            assert "待修改" in css(".badge").text
            steps.shot("department-errors", readme=True, phone=True)
            driver.find_element(By.PARTIAL_LINK_TEXT, "下载退回修改表").click()
            returned = browser.wait_for_file(downloads, "*退回修改*.xlsx")
            wb = load_workbook(returned)
            assert wb.sheetnames[0] == "问题清单"
            cells = {row[4] for row in wb["问题清单"].iter_rows(min_row=3, values_only=True)}
            assert {"C4", "E5", "D6"} <= cells

            upload(fixed)
            assert "校验通过" in css("#result h2").text
            assert not driver.find_elements(By.CSS_SELECTOR, "#result .issue, #findings .issue")
            assert "改好的.xlsx" in driver.page_source and "上半年填报（民政局）.xlsx" in driver.page_source
            steps.shot("department-ok")
            driver.find_element(By.PARTIAL_LINK_TEXT, "查看回执").click()
            assert "报送回执" in css("h1").text and "在用" in css(".facts").text and "改好的.xlsx" in css(".facts").text
            steps.shot("receipt", readme=True)

            # the office: sign in, restore the messy version, build with it
            driver.get(base + "/office")
            wait(driver, lambda d: d.find_elements(By.NAME, "password"), what="login page")
            sign_in("推进办", PASSWORD)
            assert "各单位报送情况" in driver.page_source
            row = driver.find_element(By.XPATH, f"//tr[.//strong[text()='{DEPT}']]")
            assert "已报送" in row.text and "网页上传" in row.text
            driver.get(base + f"/office/history?department={DEPT}")
            restore = driver.find_element(By.XPATH, "//tr[.//a[text()='上半年填报（民政局）.xlsx']]//button")
            restore.click()
            driver.switch_to.alert.accept()
            wait(driver, lambda d: "已恢复为在用" in d.page_source, what="restored")
            assert current() == messy.read_bytes()
            steps.shot("history", readme=True)
            driver.get(base + "/office")
            submit_and_wait(driver, css("#build button.primary"))
            assert driver.find_elements(By.CSS_SELECTOR, "progress") or "上次生成" in driver.page_source
            steps.shot("office-building")
            wait(driver, lambda d: "上次生成" in d.page_source and not d.find_elements(By.CSS_SELECTOR, "progress"),
                 180, what="build finished")
            assert "草稿" in css(".last-build").text  # 区市场监管局 has not reported
            press = next((root / "outputs/2025H1").glob("*新闻通稿）（草稿）.html")).read_text(encoding="utf-8")
            assert "共为2816户困难群众发放低保金" in re.sub(r"<[^>]+>", "", press)  # the restored version's words, not the later upload's
            steps.shot("office", readme=True, phone=True)
            driver.find_element(By.PARTIAL_LINK_TEXT, "下载全部材料").click()
            archive = browser.wait_for_file(downloads, "*.zip", 60)
            manifest = read_manifest(root / "outputs/2025H1")
            names = zipfile.ZipFile(archive).namelist()
            assert sorted(names) == sorted([e["path"] for e in manifest] + ["manifest.json"])
            assert any(n.endswith("新闻通稿）（草稿）.pdf") for n in names) and any("工作简报" in n for n in names)

            # the overdue unit: filtered, its 催报 message copied, its slip printed
            driver.find_element(By.LINK_TEXT, "已逾期未完成").click()
            rows = driver.find_elements(By.CSS_SELECTOR, "table.depts tbody tr")
            assert [r.find_element(By.TAG_NAME, "strong").text for r in rows] == [DEPT, "区市场监管局"]  # 待修改, 未报送
            market = driver.find_element(By.XPATH, "//tr[.//strong[text()='区市场监管局']]")
            market.find_element(By.CSS_SELECTOR, "details.remind summary").click()
            message = market.find_element(By.CSS_SELECTOR, "details.remind textarea").get_attribute("value")
            assert "区市场监管局" in message and base + "/d/" in message and "综合组 李明" in message
            button = market.find_element(By.XPATH, ".//button[text()='复制催报消息']")
            button.click()
            wait(driver, lambda d: button.text == "已复制", 5, what="copied")
            steps.shot("office-remind", readme=True, phone=True)
            driver.get(base + "/office/slips?department=区市场监管局")
            wait(driver, lambda d: d.execute_script("return document.images[0].complete && document.images[0].naturalWidth > 0"),
                 what="QR code")
            assert len(driver.find_elements(By.CSS_SELECTOR, "article.slip")) == 1
            steps.shot("slip", readme=True)

            # 换新链接 asks first; cancelled, nothing changes; confirmed, the new link is shown
            driver.get(base + "/office/links")
            assert len(driver.find_elements(By.CSS_SELECTOR, "td.url")) == 13
            old = driver.find_element(By.XPATH, "//tr[.//strong[text()='区市场监管局']]//td[@class='url']").text
            reissue = lambda: driver.find_element(By.XPATH, "//tr[.//strong[text()='区市场监管局']]//button[@value='reissue']")  # noqa: E731
            reissue().click()
            driver.switch_to.alert.dismiss()
            assert driver.find_element(By.XPATH, "//tr[.//strong[text()='区市场监管局']]//td[@class='url']").text == old
            reissue().click()
            driver.switch_to.alert.accept()
            wait(driver, lambda d: "换了新链接" in d.page_source, what="new link")
            new = driver.find_element(By.XPATH, "//tr[.//strong[text()='区市场监管局']]//td[@class='url']").text
            assert new != old and new.startswith(base + "/d/")
            steps.shot("links", readme=True)

            # a second office user, with her own password
            driver.get(base + "/office/users")
            css("form input[name=name]").send_keys("王芳")
            submit_and_wait(driver, driver.find_element(By.XPATH, "//button[contains(text(), '添加并生成')]"))
            invite = css("#invite input[readonly]").get_attribute("value")
            steps.shot("users", readme=True)
            driver.delete_all_cookies()
            driver.get(invite)
            css("input[name=password]").send_keys("王芳的口令2026")
            css("input[name=again]").send_keys("王芳的口令2026")
            submit_and_wait(driver, css("button.primary"))
            assert "王芳 · 退出" in css(".nav").text
            submit_and_wait(driver, css(".nav button.link"))  # signs out
            sign_in("王芳", "王芳的口令2026")
            driver.get(base + "/office/report")
            assert "区市场监管局" in driver.page_source
            steps.shot("report", readme=True)
            driver.find_element(By.LINK_TEXT, "下载校验报告（Excel）").click()
            browser.wait_for_file(downloads, "*校验报告.xlsx", 30)
            driver.get(base + "/office/log")
            log = css("table").text
            for who, what in (("推进办", "恢复版本"), ("推进办", "生成材料"), ("推进办", "换新链接"), ("王芳", "下载"),
                              (DEPT, "确认替换"), (DEPT, "保留原报送")):
                assert any(who in line and what in line for line in log.splitlines()), (who, what, log)
            steps.shot("log", readme=True)

            # the previews open
            driver.get(base + "/office/preview/press")
            driver.switch_to.frame(css("iframe.preview"))
            assert "民心工程" in driver.find_element(By.TAG_NAME, "h1").text
            driver.switch_to.default_content()
            steps.shot("preview-press", readme=True)
            driver.get(base + "/office/preview/briefing")
            wait(driver, lambda d: d.execute_script(
                "return [...document.images].length > 0 && [...document.images].slice(0, 2).every(i => i.complete && i.naturalWidth > 0)"),
                what="briefing pages")
            steps.shot("preview-briefing", readme=True)
        except BaseException:
            steps.save()
            raise
