"""The office's admin pages through the test client: each shows what its command says, from the same
library call (new-period's plan checks, templates check, the settings readers, validate, export)."""

from __future__ import annotations

import html
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

import cycle
from webutil import PASSWORD, SETUP_CODE, csrf_of

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from reportgen.cli import main  # noqa: E402
from reportgen.errors import InputError  # noqa: E402
from reportgen.read.config import read_config  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402


def messages(page: str, where: str = "") -> list[str]:
    """The findings listed on a page (inside the element with id `where`, if given), as plain text."""
    if where:
        page = page[page.index(f'id="{where}"'):]
        page = page[: page.index("</section>")]
    return [html.unescape(m) for m in re.findall(r'<li class="issue[^"]*">.*?<p>(.*?)</p>', page, re.S)]


class FormValues(HTMLParser):
    """What a browser would send for a page's form as it stands: inputs, checked boxes, selected options, text areas."""

    def __init__(self, page: str):
        super().__init__()
        self.values: dict[str, object] = {}
        self._select = self._area = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "hidden"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "on"))
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._area = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._area = None

    def handle_data(self, data):
        if self._area:
            self.values[self._area] += data


def errors_in(said: str) -> int:
    return len(re.findall(r"^\s*错误 ", said, re.M))


def command(*args: str) -> str:
    out = io.StringIO()
    main(list(args), console=Console(file=out, width=2000, soft_wrap=True, highlight=False))
    return out.getvalue()


class Office:
    def __init__(self, root: Path):
        self.root = root
        self.client = TestClient(create_app(root, setup_code=SETUP_CODE))
        r = self.client.get(f"/office/setup?code={SETUP_CODE}")
        r = self.client.post("/office/setup", data=dict(csrf=csrf_of(r.text), code=SETUP_CODE, password=PASSWORD,
                                                        again=PASSWORD))
        self.csrf = csrf_of(r.text)
        self.landing = r

    def post(self, url: str, **data):
        return self.client.post(url, data=dict(csrf=self.csrf, **data))

    def upload(self, url: str, path: Path):
        return self.client.post(url, data=dict(csrf=self.csrf), files={"file": (path.name, path.read_bytes())})


@pytest.fixture
def office(tmp_path) -> Office:
    root = tmp_path / "新工作目录"
    root.mkdir()
    o = Office(root)
    assert o.landing.url.path == "/office/start"  # an empty folder: the way in is 新建工作目录
    r = o.post("/office/start", region="测试区", period="2026H1")
    assert r.url.path == "/office/settings" and (root / "inputs/2026H1/plan.xlsx").exists()
    return o


def test_plan_upload_shows_new_periods_findings_and_is_not_taken_until_fixed(office, tmp_path):
    bad = cycle.plan_workbook(tmp_path / "任务清单.xlsx", date_id=True)
    before = (office.root / "inputs/2026H1/plan.xlsx").read_bytes()
    r = office.upload("/office/plan/upload", bad)
    assert r.status_code == 400
    shown = messages(r.text, "refused")
    assert (office.root / "inputs/2026H1/plan.xlsx").read_bytes() == before  # not taken

    # the command, on a copy holding the same plan, refuses with the same findings
    copy = tmp_path / "copy"
    shutil.copytree(office.root, copy, ignore=shutil.ignore_patterns(".reportgen"))
    shutil.copyfile(bad, copy / "inputs/2026H1/plan.xlsx")
    said = command("new-period", "2026H1", str(copy))
    assert shown and all(m in said for m in shown) and errors_in(said) == len(shown)
    assert f"任务清单!{cycle.DATE_ID_CELL}" in r.text

    r = office.upload("/office/plan/upload", cycle.plan_workbook(tmp_path / "改好的.xlsx"))
    assert 'id="taken"' in r.text and "3 项任务，2 个牵头单位" in r.text

    # a plan that drops a task replaces the one in use only after confirmation
    shorter = tmp_path / "少一项.xlsx"
    from reportgen.workbooks import write_plan
    write_plan(shorter, cycle.PLAN[:2])
    r = office.upload("/office/plan/upload", shorter)
    assert 'id="confirm"' in r.text and "02-01 老旧小区改造" in r.text
    token = re.search(r'name="token" value="([0-9a-f]+)"', r.text)[1]
    office.post("/office/plan/confirm", token=token, name="少一项.xlsx", action="keep")
    assert len(load_workbook(office.root / "inputs/2026H1/plan.xlsx")["任务清单"]["A"]) == 5


def test_settings_are_saved_with_comments_and_refused_at_the_field_as_build_reads_them(office):
    r = office.client.get("/office/settings")
    assert "新闻通稿的来源署名" in r.text  # the file's comment is the field's help
    fields = FormValues(r.text[r.text.index('action="/office/settings"'):]).values
    r = office.post("/office/settings", **{**fields, "copies": "很多", "publisher": "测试区融媒体中心",
                                           "deadline": "2026-07-06", "form": "by-project"})
    assert r.status_code == 400
    error = re.search(r'id="field-copies">.*?<p class="field-error">(.*?)</p>', r.text, re.S)[1]
    text = (office.root / "report.toml").read_text(encoding="utf-8").replace("copies = 0", 'copies = "很多"')
    with pytest.raises(InputError) as e:
        read_config(office.root / "report.toml", text)
    assert html.unescape(error) == e.value.issue.message
    assert not re.search("^deadline", (office.root / "inputs/2026H1/period.toml").read_text(encoding="utf-8"), re.M)

    r = office.post("/office/settings", **{**fields, "copies": "30", "deadline": "2026-07-06", "form": "by-project"})
    assert 'id="saved"' in r.text
    report = (office.root / "report.toml").read_text(encoding="utf-8")
    assert re.search(r"^copies = 30 +# 简报报尾“共印N份”", report, re.M)
    period = (office.root / "inputs/2026H1/period.toml").read_text(encoding="utf-8")
    assert re.search(r"^deadline = 2026-07-06 +# 各单位报送截止日期", period, re.M)

    # saved, with what the reader says of it (an invisible control character, removed when read)
    r = office.post("/office/settings", **{**fields, "copies": "30", "publisher": "测试区\u202e融媒体中心"})
    said: list = []
    read_config(office.root / "report.toml", found=said)
    assert said and 'id="saved"' in r.text and html.escape(said[0].message, quote=True) in r.text


def test_template_check_on_the_page_equals_the_command(office, tmp_path):
    office.upload("/office/plan/upload", cycle.plan_workbook(tmp_path / "plan.xlsx"))
    bad = cycle.edited_template(tmp_path / cycle.TEMPLATE, typo=True)
    r = office.upload("/office/templates/upload", bad)
    assert r.status_code == 400 and not (office.root / "templates").exists()
    shown = messages(r.text, "refused")
    copy = tmp_path / "copy"
    shutil.copytree(office.root, copy, ignore=shutil.ignore_patterns(".reportgen"))
    (copy / "templates").mkdir()
    shutil.copyfile(bad, copy / "templates" / cycle.TEMPLATE)
    said = command("templates", "check", str(copy))
    assert shown and all(m in said for m in shown) and errors_in(said) == len(shown)
    assert re.search(rf"templates/{cycle.TEMPLATE}</span>\s*<span class=\"where\">第{cycle.typo_line(bad)}行", r.text) and "themse" in r.text

    r = office.upload("/office/templates/upload", cycle.edited_template(tmp_path / cycle.TEMPLATE))
    assert 'id="taken"' in r.text
    assert (office.root / "templates" / cycle.TEMPLATE).read_text(encoding="utf-8").count(cycle.MARK) == 1
    trial = re.search(r'src="(/office/templates/trial/[0-9a-f]+)"', r.text)[1]
    page = office.client.get(trial)
    assert "script-src" not in page.headers["content-security-policy"] and "sandbox" in page.headers["content-security-policy"]
    assert "<h1" in page.text


def test_new_period_preview_then_start_as_the_command_does(office, tmp_path):
    office.upload("/office/plan/upload", cycle.plan_workbook(tmp_path / "plan.xlsx"))
    r = office.client.get("/office/period", params=dict(period="2026H1", deadline="2026-07-06"))
    assert all(u in r.text for u in cycle.UNITS) and "填报说明/区民政局填报说明.pdf" in r.text
    assert not list((office.root / "inputs/2026H1/departments").glob("*"))  # a preview writes nothing
    r = office.post("/office/period", period="2026H1", deadline="2026-07-06")
    assert 'id="done"' in r.text and "period.toml 已保留未改" not in r.text
    assert "deadline = 2026-07-06" in (office.root / "inputs/2026H1/period.toml").read_text(encoding="utf-8")
    made = sorted(p.name for p in (office.root / "inputs/2026H1/departments").iterdir())
    assert made == sorted(f"{u}.xlsx" for u in cycle.UNITS)
    links = office.client.get("/office/links").text
    assert all(u in links for u in cycle.UNITS)

    # one unit's workbook again, as `reportgen template` makes it: a workbook already there only when asked
    r = office.post("/office/period/unit", department="区住建局")
    said = command("template", "区住建局", str(office.root))
    assert r.status_code == 400 and messages(r.text, "unit") and all(m in said for m in messages(r.text, "unit"))
    r = office.post("/office/period/unit", department="区住建局", overwrite="true")
    assert "inputs/2026H1/departments/区住建局.xlsx" in r.text and 'id="remade"' in r.text

    # the report page filters by level and lists what validate lists (the forms just sent out are 未报送: warnings)
    r = office.client.get("/office/report?level=warning")
    said = command("validate", str(office.root))
    shown = messages(r.text)
    assert shown and all(m in said for m in shown)
    assert 'class="tag error"' not in r.text and errors_in(said) == 0
    assert len(re.findall(r"^\s*提醒 ", said, re.M)) == len(shown)

    # the next period: the previous one's plan carried forward, the export of both
    r = office.post("/office/period", period="2026Q3", deadline="")
    assert 'id="done"' in r.text and (office.root / "inputs/2026Q3/departments/区住建局.xlsx").exists()
    r = office.client.get("/office/data")
    assert "2026H1" in r.text and "2026Q3" in r.text and "<svg" in r.text
    got = office.client.get("/office/data/export.xlsx")
    mine = tmp_path / "web.xlsx"
    mine.write_bytes(got.content)
    command("export", str(office.root), "-o", str(tmp_path / "cli.xlsx"))
    web_rows = [list(r) for ws in load_workbook(mine) for r in ws.iter_rows(values_only=True)]
    cli_rows = [list(r) for ws in load_workbook(tmp_path / "cli.xlsx") for r in ws.iter_rows(values_only=True)]
    assert web_rows == cli_rows and len(web_rows) > 6

    # every step above is in 操作记录 under the office user who took it
    log = html.unescape(office.client.get("/office/log").text)
    for action in ("新建工作目录", "更换任务清单", "开始新一期", "重新生成填报表", "下载"):
        assert action in log, action
    assert "历次数据（xlsx）" in log
