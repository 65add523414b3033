"""reportgen serve behind Debian's nginx over HTTPS under the path /baosong/, driven in Chromium.

nginx runs with deploy/nginx-reportgen.conf (the snippet the manual tells an IT centre to use) inside a server
block on a free loopback port, with a certificate made here, its pid, logs and temp folders under the test's
tmp_path: nothing that needs root (no port below 1024, nothing under /var or /run). Run as root, as in a
container, its workers stay root too instead of switching to nobody, who could not write into tmp_path. Chromium reaches it as https://reportgen.test:PORT/ (a name that maps to 127.0.0.1, so the links are
not "this computer only"). The clerk opens the link, uploads, reads the result and downloads the return
workbook; the office sets its password from the terminal's link, signs in, copies links, builds and
downloads; every address on every page, every redirect and the session cookie stay under the prefix.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook

import browser
from test_web_browser import Steps, submit_and_wait, wait
from webutil import PASSWORD, sample

from reportgen.workbooks import write_department

REPO = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PREFIX = "/baosong"
CLERK = "区市场监管局"  # has not reported in the sample: whatever it uploads is its first version
ROWS = [dict(task_id="06-04", status="差不多了", progress_text="已完成2座标准化菜市场改造。", achieved="2"),
        dict(task_id="10-02", status="序时推进", progress_text="排查整治餐饮场所燃气隐患1200家。", achieved="1200")]

pytestmark = pytest.mark.skipif(not (browser.available() and Path(NGINX).exists() and shutil.which("openssl")),
                                reason="Debian nginx, chromium and chromium-driver not installed (make test installs them)")


@contextmanager
def nginx(folder: Path, upstream: int):
    """nginx in front of 127.0.0.1:`upstream`, HTTPS on a free loopback port; yields the port."""
    folder.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=reportgen.test", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    snippet = (REPO / "deploy/nginx-reportgen.conf").read_text()
    assert "127.0.0.1:8000" in snippet
    port = browser.free_port()
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""  # workers stay as we are
    temp = "\n".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""
        {user}
        daemon off;
        worker_processes 1;
        pid {folder}/nginx.pid;
        error_log {folder}/error.log warn;
        events {{ worker_connections 64; }}
        http {{
            access_log {folder}/access.log;
            {temp}
            server {{
                listen 127.0.0.1:{port} ssl;
                ssl_certificate {folder}/cert.pem;
                ssl_certificate_key {folder}/key.pem;
                {snippet.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")}
            }}
        }}
    """)
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        browser._wait_for(port)
        yield port
    finally:
        browser.stop(proc)


def all_under(driver, base: str) -> None:
    """Every address on the page (links, forms, styles, scripts, images, data-…) is under base."""
    found = driver.execute_script("""
        const out = [];  // getAttribute: a form's .action is its field named "action", if it has one
        for (const e of document.querySelectorAll('[href],[src],[action],[data-progress]'))
            for (const a of ['href', 'src', 'action', 'data-progress'])
                if (e.hasAttribute(a)) out.push(new URL(e.getAttribute(a), location.href).href);
        return out;""")
    outside = [u for u in found if not u.startswith(base + "/") and not u.startswith(("data:", "blob:"))]
    assert found and not outside, outside


def test_clerk_and_office_through_nginx_under_a_path_prefix(tmp_path):
    from selenium.webdriver.common.by import By

    root = sample(tmp_path)
    downloads = tmp_path / "downloads"
    upload = tmp_path / "市场监管局上半年.xlsx"
    write_department(upload, CLERK, ROWS, reporter="李明", phone="022-28810002", filled_on="2025-07-02")
    upstream = browser.free_port()
    css = lambda sel: driver.find_element(By.CSS_SELECTOR, sel)  # noqa: E731

    with nginx(tmp_path / "nginx", upstream) as port:
        site = f"https://reportgen.test:{port}"
        base = site + PREFIX
        flags = ("--ignore-certificate-errors", "--host-resolver-rules=MAP reportgen.test 127.0.0.1")
        with browser.served(root, upstream, ("--public-url", base + "/")) as (_, setup, lines), \
                browser.chromium(downloads, flags=flags) as driver:
            steps = Steps(driver, tmp_path / "screenshots")
            try:
                # the office's first start: the terminal's setup link is the public one, through nginx
                assert setup.split()[-1].startswith(base + "/office/setup?code="), "".join(lines)
                driver.get(site + PREFIX)  # without the slash: nginx sends it on
                assert driver.current_url == base + "/" and css("h1").text
                all_under(driver, base)
                assert driver.execute_script("return document.styleSheets[0].cssRules.length") > 10  # style.css came
                driver.get(setup.split()[-1])
                css("input[name=password]").send_keys(PASSWORD)
                css("input[name=again]").send_keys(PASSWORD)
                submit_and_wait(driver, css("button.primary"))
                assert driver.current_url == base + "/office", driver.current_url
                [cookie] = driver.get_cookies()
                assert cookie["path"] == PREFIX and cookie["secure"] and cookie["httpOnly"]
                steps.shot("office-first")
                all_under(driver, base)
                driver.find_element(By.LINK_TEXT, "单位链接").click()
                links = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "td.url") if e.text.startswith("http")]
                assert len(links) == 13 and all(u.startswith(base + "/d/") for u in links), links
                assert "只在本机可用" not in driver.page_source
                all_under(driver, base)
                row = driver.find_element(By.XPATH, f"//tr[.//strong[text()='{CLERK}']]")
                link = row.find_element(By.CSS_SELECTOR, "td.url").text

                # the clerk: open the link, upload, see the result, download the return workbook
                driver.delete_all_cookies()
                driver.get(link)
                assert CLERK in css("h1").text
                all_under(driver, base)
                css("input[type=file]").send_keys(str(upload))
                submit_and_wait(driver, css("form[data-upload] button"))
                assert driver.current_url.startswith(link + "?v="), driver.current_url
                assert "市场监管局上半年.xlsx" in driver.page_source and "“差不多了”无法识别" in driver.page_source
                steps.shot("clerk-result")
                all_under(driver, base)
                driver.find_element(By.PARTIAL_LINK_TEXT, "下载退回修改表").click()
                returned = browser.wait_for_file(downloads, "*退回修改*.xlsx")
                assert load_workbook(returned).sheetnames[0] == "问题清单"

                # the office again: sign in, build, download everything
                driver.get(base + "/office")
                wait(driver, lambda d: d.find_elements(By.NAME, "password"), what="login page")
                assert driver.current_url == base + "/office/login"
                css("input[name=password]").send_keys(PASSWORD)
                submit_and_wait(driver, css("button.primary"))
                assert driver.current_url == base + "/office"
                submit_and_wait(driver, css("#build button.primary"))
                wait(driver, lambda d: "上次生成" in d.page_source and not d.find_elements(By.CSS_SELECTOR, "progress"),
                     180, what="build finished")
                steps.shot("office-built")
                all_under(driver, base)
                driver.find_element(By.PARTIAL_LINK_TEXT, "下载全部材料").click()
                archive = browser.wait_for_file(downloads, "*.zip", 60)
                names = zipfile.ZipFile(archive).namelist()
                assert "manifest.json" in names and any("新闻通稿" in n for n in names)
                pdf = driver.find_element(By.XPATH, "//a[contains(@href, '/office/files/') and contains(., '工作简报')]")
                assert pdf.get_attribute("href").startswith(base + "/office/files/")

                submit_and_wait(driver, css("form[action$='/office/logout'] button"))
                assert driver.current_url == base + "/office/login"
                access = (tmp_path / "nginx/access.log").read_text()
                assert f'"GET {PREFIX}/office/all.zip HTTP/1.1" 200' in access
                # nothing asked outside the prefix (a script's fetch("/office/…") would be) but the browser's icon
                missing = [line for line in access.splitlines() if '" 404 ' in line and "GET /favicon.ico" not in line]
                assert not missing, missing
            except BaseException:
                steps.save()
                raise
