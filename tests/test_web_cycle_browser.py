"""A whole period in Chromium with no command but `reportgen serve`, from an empty folder.

The office sets its password, makes the folder a workspace, fills in the settings, uploads a plan
whose 事项编号 Excel turned into a date (sees the cell), then the fixed one, starts the period; two
units upload through their links; the office sets a theme sentence, uploads an edited template (a
misspelt one first, refused with its line), builds and downloads the documents, starts the next
period and downloads the export. Screenshots of every step are saved when it fails.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

import browser
import cycle
from test_web_browser import Steps, submit_and_wait, wait
from reportgen.periods import current_period
from reportgen.web.admin.workspace import next_period
from webutil import PASSWORD

pytestmark = pytest.mark.skipif(not browser.available(), reason="Debian chromium and chromium-driver not installed "
                                                                "(make test installs them)")


def test_an_office_runs_a_whole_period_in_the_browser(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    first = current_period(date.today())  # what the page offers first
    then = next_period(first)
    root = tmp_path / "推进办工作目录"  # does not exist yet: serve makes it
    downloads = tmp_path / "downloads"
    bad_plan = cycle.plan_workbook(tmp_path / "任务清单.xlsx", date_id=True)
    plan = cycle.plan_workbook(tmp_path / "任务清单（改好）.xlsx")
    units = {u: cycle.unit_workbook(tmp_path / f"{u}上半年.xlsx", u) for u in cycle.UNITS}
    (tmp_path / "typo").mkdir()
    typo = cycle.edited_template(tmp_path / "typo" / cycle.TEMPLATE, typo=True)
    template = cycle.edited_template(tmp_path / cycle.TEMPLATE)
    css = lambda sel: driver.find_element(By.CSS_SELECTOR, sel)  # noqa: E731

    def fill(field_id: str, value: str) -> None:
        driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, field_id), value)

    def upload(form: str, path) -> None:
        css(f"{form} input[type=file]").send_keys(str(path))
        submit_and_wait(driver, css(f"{form} button"))

    def sign_in() -> None:
        driver.get(base + "/office")
        wait(driver, lambda d: d.find_elements(By.NAME, "password"), what="login page")
        css("input[name=password]").send_keys(PASSWORD)
        submit_and_wait(driver, css("button.primary"))

    with browser.served(root) as (base, setup, lines), browser.chromium(downloads) as driver:
        steps = Steps(driver, tmp_path / "screenshots")
        try:
            assert any("还不是工作目录" in line for line in lines), "".join(lines)
            driver.get(setup.split()[-1])
            css("input[name=password]").send_keys(PASSWORD)
            css("input[name=again]").send_keys(PASSWORD)
            submit_and_wait(driver, css("button.primary"))

            # 新建工作目录 → 设置
            assert "新建工作目录" in css("h1").text
            css("input[name=region]").send_keys("测试区")
            assert Select(css("select[name=period]")).first_selected_option.get_attribute("value") == first
            submit_and_wait(driver, css("button.primary"))
            assert "工作目录已建好" in driver.page_source
            css("#f-office_contact").send_keys("综合组 李明")
            css("#f-office_phone").send_keys("022-28810000")
            fill("f-deadline", "2026-07-06")
            steps.shot("settings", readme=True)
            submit_and_wait(driver, css("#save"))
            assert css("#saved")

            # 任务清单: the date-like ID is refused at its cell, the fixed plan is taken
            driver.get(base + "/office/plan")
            upload("#plan-upload", bad_plan)
            assert f"任务清单!{cycle.DATE_ID_CELL}" in css("#refused").text and "转成了日期" in css("#refused").text
            steps.shot("plan-refused", readme=True)
            upload("#plan-upload", plan)
            assert "3 项任务，2 个牵头单位" in css("#taken").text

            # 开始新一期: preview, then confirm
            driver.get(base + "/office/period")
            Select(css("select[name=period]")).select_by_value(first)
            submit_and_wait(driver, css("#choose button"))
            assert all(u in css("#preview").text for u in cycle.UNITS)
            steps.shot("new-period", readme=True)
            submit_and_wait(driver, css("#start-period"))
            assert f"已开始报告期 {first}" in css("#done").text
            driver.get(base + "/office/links")
            links = {u: driver.find_element(By.XPATH, f"//tr[.//strong[text()='{u}']]//td[contains(@class,'url')]").text
                     for u in cycle.UNITS}

            # two units upload through their links
            driver.delete_all_cookies()
            for unit, workbook in units.items():
                driver.get(links[unit])
                upload("form[data-upload]", workbook)
                assert "已收到" in css("#result h2").text and "错误" not in css("#result h2").text

            # the office: a theme sentence, an edited template (the misspelt one refused first)
            sign_in()
            driver.get(base + "/office/settings")
            Select(css("#f-form")).select_by_value("by-theme")
            css("[id='f-themes.住房']").send_keys(cycle.THEME)
            submit_and_wait(driver, css("#save"))
            assert css("#saved")
            driver.get(base + "/office/templates")
            upload("#template-upload", typo)
            refused = css("#refused").text
            assert f"templates/{cycle.TEMPLATE}" in refused and f"第{cycle.typo_line(typo)}行" in refused and "themse" in refused
            steps.shot("template-refused", readme=True)
            upload("#template-upload", template)
            assert "已采用模板" in css("#taken").text
            driver.switch_to.frame(css("iframe.preview"))
            assert cycle.MARK in driver.page_source and cycle.THEME in driver.page_source
            driver.switch_to.default_content()

            # build, download the documents
            driver.get(base + "/office")
            submit_and_wait(driver, css("#build button.primary"))
            wait(driver, lambda d: "上次生成" in d.page_source and not d.find_elements(By.CSS_SELECTOR, "progress"),
                 180, what="build finished")
            driver.find_element(By.PARTIAL_LINK_TEXT, "下载全部材料").click()
            archive = zipfile.ZipFile(browser.wait_for_file(downloads, "*.zip", 60))
            press = next(n for n in archive.namelist() if n.endswith("（新闻通稿）.html"))
            text = re.sub(r"<[^>]+>", "", archive.read(press).decode("utf-8"))
            assert cycle.MARK in text and cycle.THEME in text and "已完成适老化改造312户" in text

            # the next period, and the export of both
            driver.get(base + "/office/period")
            Select(css("select[name=period]")).select_by_value(then)
            submit_and_wait(driver, css("#choose button"))
            submit_and_wait(driver, css("#start-period"))
            assert f"已开始报告期 {then}" in css("#done").text
            driver.get(base + "/office/data")
            assert first in css("#totals").text and then in css("#totals").text
            steps.shot("data", readme=True)
            css("#export-xlsx").click()
            exported = load_workbook(browser.wait_for_file(downloads, "*历次进展数据.xlsx", 60))
            periods = {row[0] for row in exported.worksheets[0].iter_rows(min_row=2, values_only=True)}
            assert periods == {first, then}
            driver.get(base + "/office/data")
            assert all(p.name in driver.page_source for p in units.values())  # the uploads of the period before
            page = driver.page_source  # each listed with the state the 报送记录 page gives it
            assert page.count('<span class="tag">在用</span>') >= len(units) and "被新版本替换" not in page
            assert driver.find_elements(By.XPATH, f"//section[.//small[text()='{first}']]//a[contains(., '新闻通稿')]")
        except BaseException:
            steps.save()
            raise
