"""reportgen serve through the framework's test client: uploads, findings, the office page, builds."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from webutil import DEPT, MESSY_CELLS, OTHER, PASSWORD, SETUP_CODE, csrf_of, fixed_workbook, messy_workbook, sample

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from reportgen.build import check  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402
from reportgen.web.state import name_key  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Site:
    """One app over a workspace, with an office client signed in and a link per department."""

    def __init__(self, root: Path):
        self.root = root
        self.app = create_app(root, setup_code=SETUP_CODE)
        self.ctx = self.app.state.ctx
        self.office = TestClient(self.app)
        r = self.office.get(f"/office/setup?code={SETUP_CODE}")
        r = self.office.post("/office/setup", data=dict(csrf=csrf_of(r.text), code=SETUP_CODE, password=PASSWORD,
                                                        again=PASSWORD))
        assert r.status_code == 200 and "报送情况" in r.text

    @property
    def period(self) -> str:
        return self.ctx.workspaces.get().period

    def token(self, dept: str) -> str:
        snap = self.ctx.workspaces.get()
        return self.ctx.store.tokens(snap.period, [dept])[dept].token

    def department(self, dept: str) -> "Dept":
        return Dept(self, dept)

    def folder(self) -> Path:
        return self.root / "inputs" / self.period / "departments"


class Dept:
    """A department's browser: its own client (own session cookie) and its link."""

    def __init__(self, site: Site, dept: str):
        self.site, self.name = site, dept
        self.token = site.token(dept)
        self.client = TestClient(site.app)

    def page(self, query: str = ""):
        return self.client.get(f"/d/{self.token}{query}")

    def upload(self, name: str, data: bytes, csrf: str | None = "page", confirm: bool = False):
        """Upload a file; with `confirm`, a file held as 待确认 (worse than the report in use) is then confirmed."""
        form = {}
        if csrf == "page":
            form["csrf"] = csrf_of(self.page().text)
        elif csrf is not None:
            form["csrf"] = csrf
        r = self.client.post(f"/d/{self.token}/upload", data=form, files={"file": (name, data, XLSX)})
        if confirm and "请确认" in r.text:
            r = self.decide(int(re.search(r'name="version" value="(\d+)"', r.text)[1]), "replace")
        return r

    def decide(self, vid: int, action: str):
        return self.client.post(f"/d/{self.token}/decide",
                                data=dict(csrf=csrf_of(self.page().text), version=str(vid), action=action))


def findings_on(html: str) -> set[tuple[str, str]]:
    """(code title, cell) of each finding listed on a page."""
    items = re.findall(r'<span class="where">([^<]*)</span>\s*<span class="code">([^<]*)</span>', html)
    return {(title, where.split("!")[-1]) for where, title in items}


def issues_for(root: Path, dept: str):
    """What `reportgen validate` finds for the department (the same filter the page uses)."""
    result = check(root)
    files = {s.path.name for s in result.dataset.submissions if name_key(s.department) == name_key(dept)}
    return [i for i in result.report.issues if name_key(i.department) == name_key(dept) or i.file in files]


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(sample(tmp_path))


# ---- a department's upload -------------------------------------------------------------------

def test_upload_shows_the_same_findings_as_validate_and_a_return_workbook(site, tmp_path):
    from reportgen.codes import title

    d = site.department(DEPT)
    before = (site.folder() / f"{DEPT}.xlsx").read_bytes()
    messy = messy_workbook(tmp_path / "messy.xlsx").read_bytes()
    r = d.upload("民政局 上半年（终稿）.xlsx", messy, confirm=True)
    assert r.status_code == 200 and "3 处错误" in r.text
    current = site.folder() / f"{DEPT}.xlsx"
    assert current.read_bytes() == messy != before  # the upload is the department's file now

    expected = issues_for(site.root, DEPT)
    assert {(i.code, i.cell) for i in expected} >= MESSY_CELLS
    assert findings_on(r.text) == {(title(i.code), i.cell) for i in expected}
    for i in expected:
        assert i.message.replace("“", "&#34;")[:10] in r.text.replace("“", "&#34;") or i.message[:10] in r.text

    versions = site.ctx.store.versions(site.period, DEPT)
    assert [(v.source, v.state, v.original_name, v.size, v.errors) for v in versions] == [
        ("folder", "archived", f"{DEPT}.xlsx", len(before), 0),  # the file it replaced, kept
        ("web", "adopted", "民政局 上半年（终稿）.xlsx", len(messy), 3)]
    assert [site.ctx.store.version_path(v).read_bytes() for v in versions] == [before, messy]

    r = d.client.get(f"/d/{d.token}/return.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "问题清单"
    listed = {(row[4], row[5]) for row in wb["问题清单"].iter_rows(min_row=3, values_only=True)}
    assert listed == {(i.cell, i.code) for i in expected}
    assert wb["进展填报"]["C4"].comment is not None  # the cell itself is marked

    r = d.client.get(f"/d/{d.token}/current")
    assert r.status_code == 200 and r.content == messy


def test_fixed_upload_passes_and_every_version_is_kept(site, tmp_path):
    d = site.department(DEPT)
    messy = messy_workbook(tmp_path / "messy.xlsx").read_bytes()
    fixed = fixed_workbook(site.root, tmp_path / "fixed.xlsx").read_bytes()
    d.upload("第一次.xlsx", messy, confirm=True)
    r = d.upload("第二次.xlsx", fixed)
    assert "校验通过" in r.text and "错误 0 条" in r.text
    versions = [v for v in site.ctx.store.versions(site.period, DEPT) if v.source == "web"]
    assert [(v.original_name, v.size, v.state) for v in versions] == [
        ("第二次.xlsx", len(fixed), "adopted"), ("第一次.xlsx", len(messy), "adopted")]
    assert [site.ctx.store.version_path(v).read_bytes() for v in versions] == [fixed, messy]
    assert site.ctx.store.submissions(site.period)[DEPT].id == versions[0].id
    assert "第一次.xlsx" in r.text and "第二次.xlsx" in r.text  # the history on the department's page
    assert issues_for(site.root, DEPT) == []


def test_a_new_extension_replaces_the_old_file(site, tmp_path):
    """One file per department: a CSV upload replaces 区民政局.xlsx, it does not sit beside it."""
    d = site.department(DEPT)
    csv = "填报单位：区民政局\n事项编号,进展状态,进展情况,完成值\n01-01,序时推进,已建成综合体1家,1\n".encode("gbk")
    r = d.upload("民政局.csv", csv, confirm=True)  # one task of four: held, then confirmed
    assert r.status_code == 200
    files = sorted(p.name for p in site.folder().iterdir() if name_key(p.stem) == name_key(DEPT))
    assert files == [f"{DEPT}.csv"]
    assert (site.folder() / f"{DEPT}.csv").read_bytes() == csv
    kept = {(v.source, v.state, v.original_name) for v in site.ctx.store.versions(site.period, DEPT)}
    assert kept == {("web", "adopted", "民政局.csv"), ("folder", "archived", f"{DEPT}.xlsx")}  # the old file, kept


def test_an_earlier_file_under_another_name_is_kept_then_replaced(site, tmp_path):
    """A file the office dropped in by hand (another name, 填报单位 inside) is archived, never lost, never doubled."""
    folder = site.folder()
    hand = folder / "民政局报送2025上半年.xlsx"
    (folder / f"{DEPT}.xlsx").rename(hand)
    original = hand.read_bytes()
    d = site.department(DEPT)
    r = d.upload("新表.xlsx", messy_workbook(tmp_path / "m.xlsx").read_bytes(), confirm=True)
    assert r.status_code == 200
    assert not hand.exists() and (folder / f"{DEPT}.xlsx").exists()
    archived = [v for v in site.ctx.store.versions(site.period, DEPT) if v.source == "folder"]
    assert [(v.original_name, v.state) for v in archived] == [(hand.name, "archived")]
    assert site.ctx.store.version_path(archived[0]).read_bytes() == original
    assert not [i for i in check(site.root).report.issues if i.code == "E-TASK-DUPLICATE"]


def test_another_departments_workbook_is_refused(site, tmp_path):
    d = site.department(DEPT)
    before = (site.folder() / f"{DEPT}.xlsx").read_bytes()
    other = (site.folder() / f"{OTHER}.xlsx").read_bytes()
    r = d.upload("教育局.xlsx", other)
    assert r.status_code == 200 and "未采用" in r.text and "填报单位与链接不符" in r.text and OTHER in r.text
    assert (site.folder() / f"{DEPT}.xlsx").read_bytes() == before
    v = site.ctx.store.versions(site.period, DEPT)[0]
    assert v.state == "refused" and [i.code for i in v.issues()] == ["E-UPLOAD-WRONG-DEPT"]


def test_a_link_speaks_only_for_its_unit(site, tmp_path):
    """Issue 25: 区残联's link adopted rows for 区市场监管局's tasks 06-04 and 10-02, with only a warning."""
    from reportgen.workbooks import write_department

    d = site.department("区残联")
    path = tmp_path / "残联.xlsx"
    write_department(path, "区残联", [
        dict(task_id="04-02", status="序时推进", progress_text="已为120名残疾儿童提供康复救助"),
        dict(task_id="06-04", status="已完成", progress_text="残联代报的食品安全文字"),
        dict(task_id="10-02", status="已完成", progress_text="残联代报的另一段文字")])
    r = d.upload("残联.xlsx", path.read_bytes())
    assert "请确认" in r.text and "不是本单位牵头的任务（06-04、10-02）" in r.text  # held first: it looks like another unit's
    r = d.upload("残联.xlsx", path.read_bytes(), confirm=True)
    assert r.status_code == 200 and "区市场监管局" in r.text
    version = next(v for v in site.ctx.store.versions(site.period, "区残联") if v.source == "web")
    assert version.state == "adopted"  # its own row counts
    wrong = [i for i in version.issues() if i.code == "E-TASK-WRONG-DEPT"]
    assert [(i.cell, "区市场监管局" in i.message) for i in wrong] == [("A5", True), ("A6", True)]
    result = check(site.root)
    adopted = {m.task.task_id: m.progress for m in result.dataset.tasks}
    assert adopted["04-02"].progress_text.startswith("已为120名") and adopted["06-04"] is None and adopted["10-02"] is None
    assert {(s.task_id, s.department) for s in result.dataset.set_aside} == {("06-04", "区残联"), ("10-02", "区残联")}


@pytest.mark.parametrize("name, data, code", [
    ("说明.pdf", b"%PDF-1.4", "文件类型不支持"),
    ("空.xlsx", b"", "没有收到文件"),
    ("伪装.xlsx", b"%PDF-1.4 this is not a workbook", "文件无法读取"),
])
def test_bad_files_are_refused_with_a_message(site, name, data, code):
    d = site.department(DEPT)
    before = (site.folder() / f"{DEPT}.xlsx").read_bytes()
    r = d.upload(name, data)
    assert code in r.text and "Traceback" not in r.text
    assert (site.folder() / f"{DEPT}.xlsx").read_bytes() == before


def test_uploads_per_hour_are_capped(site, tmp_path, monkeypatch):
    import reportgen.web.submit as submit

    monkeypatch.setattr(submit, "UPLOADS_PER_HOUR", 2)
    d = site.department(DEPT)
    fixed = fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes()
    assert d.upload("1.xlsx", fixed).status_code == 200
    assert d.upload("2.xlsx", fixed).status_code == 200
    r = d.upload("3.xlsx", fixed)
    assert r.status_code == 429 and "上传过于频繁" in r.text and "分钟后再上传" in r.text
    assert [v.original_name for v in site.ctx.store.versions(site.period, DEPT)] == ["2.xlsx", "1.xlsx"]


def test_department_page_lists_its_tasks_and_gives_the_prefilled_workbook(site):
    d = site.department(DEPT)
    r = d.page()
    assert r.status_code == 200
    for task_id in ("01-01", "01-02", "01-03", "04-01"):
        assert f">{task_id}<" in r.text
    assert ">02-01<" not in r.text  # 区教育局's
    r = d.client.get(f"/d/{d.token}/template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["进展填报"]
    ids = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
    assert ids == ["01-01", "01-02", "01-03", "04-01"]
    assert any("区民政局" in str(c.value) for c in ws[2] if c.value)


# ---- security ---------------------------------------------------------------------------------

def test_a_link_sees_and_changes_only_its_own_department(site, tmp_path):
    a, b = site.department(DEPT), site.department(OTHER)
    b_before = (site.folder() / f"{OTHER}.xlsx").read_bytes()
    b.upload("教育局.xlsx", b_before)
    b_version = site.ctx.store.versions(site.period, OTHER)[0]
    a.upload("民政局.xlsx", messy_workbook(tmp_path / "m.xlsx").read_bytes())

    r = a.page(f"?v={b_version.id}")  # another department's result by number: not shown
    assert "教育局.xlsx" not in r.text and OTHER not in r.text
    assert a.client.get(f"/d/{a.token}/current").content == (site.folder() / f"{DEPT}.xlsx").read_bytes()
    assert (site.folder() / f"{OTHER}.xlsx").read_bytes() == b_before
    assert "进展状态无法识别" not in b.page().text  # A's problems are A's
    # the office's pages and files need the office's password, whatever link a department holds
    for path in ("/office", "/office/history", f"/office/versions/{b_version.id}", "/office/report.xlsx",
                 "/office/all.zip", "/office/links"):
        r = a.client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/office/login", path


def test_unknown_revoked_and_reissued_links(site):
    d = site.department(DEPT)
    assert site.office.get("/d/" + "x" * 32).status_code == 404
    assert len(d.token) >= 32 and d.token != site.token(OTHER)
    r = site.office.get("/office/links")
    site.office.post("/office/links", data=dict(csrf=csrf_of(r.text), department=DEPT, action="revoke"))
    r = d.page()
    assert r.status_code == 410 and "已停用" in r.text
    assert d.upload("x.xlsx", b"PK", csrf="whatever").status_code == 410
    r = site.office.get("/office/links")
    assert "已停用" in r.text
    site.office.post("/office/links", data=dict(csrf=csrf_of(r.text), department=DEPT, action="reissue"))
    new = site.token(DEPT)
    assert new != d.token and site.office.get(f"/d/{new}").status_code == 200
    assert site.office.get(f"/d/{d.token}").status_code == 410


@pytest.mark.parametrize("name", ["../../../evil.xlsx", "..\\..\\evil.xlsx", "/etc/cron.d/evil.xlsx",
                                  "../inputs/2025H1/plan.xlsx", "evil\x00.xlsx", "..xlsx"])
def test_upload_names_never_become_paths(site, tmp_path, name):
    d = site.department(DEPT)
    plan_before = (site.root / "inputs/2025H1/plan.xlsx").read_bytes()
    fixed = fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes()
    r = d.upload(name, fixed)
    assert r.status_code in (200, 400)
    assert not list(tmp_path.rglob("evil*")) and not Path("/etc/cron.d/evil.xlsx").exists()
    assert (site.root / "inputs/2025H1/plan.xlsx").read_bytes() == plan_before
    stored = [p.name for p in (site.root / ".reportgen/uploads").rglob("*") if p.is_file()]
    assert all(re.fullmatch(r"\d{6}\.\w+", n) for n in stored)
    assert sorted(p.name for p in site.folder().iterdir()) == sorted(
        p.name for p in (Path(__file__).resolve().parent.parent / "inputs/2025H1/departments").iterdir())


def test_output_downloads_only_serve_manifest_files(site):
    for path in ("/office/files/../../report.toml", "/office/files/%2e%2e/%2e%2e/report.toml",
                 "/office/files/..%2f..%2freport.toml", "/office/files/manifest.json"):
        assert site.office.get(path).status_code == 404, path


def test_oversized_upload_is_refused_before_it_is_kept(site):
    from reportgen.web.submit import MAX_UPLOAD

    d = site.department(DEPT)
    for extra in (1024, 1024 * 1024):  # just over (the form is read), far over (the request is cut)
        r = d.upload("大.xlsx", b"PK\x03\x04" + b"\0" * (MAX_UPLOAD + extra))
        assert r.status_code == 413 and "文件过大" in r.text and "20 MB" in r.text
    assert site.ctx.store.versions(site.period, DEPT) == []


def test_zip_bomb_upload_shows_the_finding_not_an_error_page(site):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(120):
                f.write(b"\0" * (1 << 20))
    data = buf.getvalue()
    assert len(data) < 1024 * 1024
    d = site.department(DEPT)
    before = (site.folder() / f"{DEPT}.xlsx").read_bytes()
    r = d.upload("炸弹.xlsx", data)
    assert r.status_code == 200 and "文件过大" in r.text and "未采用" in r.text
    assert (site.folder() / f"{DEPT}.xlsx").read_bytes() == before
    assert [i.code for i in site.ctx.store.versions(site.period, DEPT)[0].issues()] == ["E-FILE-TOO-LARGE"]


def test_every_form_needs_its_csrf_token(site, tmp_path):
    d = site.department(DEPT)
    fixed = fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes()
    assert d.upload("x.xlsx", fixed, csrf=None).status_code == 403
    assert d.upload("x.xlsx", fixed, csrf="forged").status_code == 403
    assert site.ctx.store.versions(site.period, DEPT) == []
    assert site.office.post("/office/build", data={}).status_code == 403
    assert site.ctx.builder.status() is None
    assert site.office.post("/office/links", data=dict(department=DEPT, action="revoke")).status_code == 403
    assert site.office.post("/office/logout", data={}).status_code == 403
    fresh = TestClient(site.app)
    r = fresh.post("/office/login", data=dict(password=PASSWORD))
    assert r.status_code == 403 and "安全校验码" in r.text


def test_wrong_password_repeated_is_throttled(site):
    """Growing waits per account and address (the rest of sign-in throttling: test_web_portal.py)."""
    from reportgen.web.security import Throttle

    clock = [1000.0]
    site.ctx.throttle = Throttle(clock=lambda: clock[0])
    client = TestClient(site.app)
    token = csrf_of(client.get("/office/login").text)
    for _ in range(3):
        r = client.post("/office/login", data=dict(csrf=token, password="猜一猜"))
        assert r.status_code == 403 and "密码不对" in r.text
    r = client.post("/office/login", data=dict(csrf=token, password=PASSWORD))  # a short wait, even for the right one
    assert r.status_code == 429 and "1秒后再试" in r.text
    assert client.get("/office", follow_redirects=False).status_code == 303
    clock[0] += 1
    r = client.post("/office/login", data=dict(csrf=token, password="猜一猜"))
    assert r.status_code == 403
    r = client.post("/office/login", data=dict(csrf=token, password=PASSWORD))
    assert r.status_code == 429 and "2秒后再试" in r.text  # longer each time
    clock[0] += 2
    r = client.post("/office/login", data=dict(csrf=token, password=PASSWORD))
    assert r.status_code == 200 and "各单位报送情况" in r.text


def test_password_is_stored_hashed_and_login_works(site):
    con = sqlite3.connect(site.root / ".reportgen/reportgen.sqlite3")
    stored = dict(con.execute("SELECT name, password_hash FROM users").fetchall())
    everything = str(con.execute("SELECT * FROM settings").fetchall())
    con.close()
    assert stored["推进办"].startswith(("scrypt$", "pbkdf2_sha256$")) and PASSWORD not in str(stored) + everything
    client = TestClient(site.app)
    r = client.post("/office/login", data=dict(csrf=csrf_of(client.get("/office/login").text), password=PASSWORD))
    assert r.status_code == 200 and "各单位报送情况" in r.text


def test_setup_needs_the_code_from_the_terminal(tmp_path):
    app = create_app(sample(tmp_path), setup_code=SETUP_CODE)
    client = TestClient(app)
    assert client.get("/office", follow_redirects=False).headers["location"] == "/office/setup"
    r = client.get("/office/setup?code=wrong")
    assert r.status_code == 403 and "终端" in r.text and 'name="password"' not in r.text
    token = csrf_of(client.get(f"/office/setup?code={SETUP_CODE}").text)
    r = client.post("/office/setup", data=dict(csrf=token, code="wrong", password="12345678", again="12345678"))
    assert r.status_code == 403 and app.state.ctx.store.needs_setup()
    r = client.post("/office/setup", data=dict(csrf=token, code=SETUP_CODE, password="short", again="short"))
    assert r.status_code == 400 and "至少需要8个字符" in r.text


def test_pages_carry_security_headers_and_no_outside_assets(site):
    d = site.department(DEPT)
    r = d.page()
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
    assert not re.search(r'(src|href)="(https?:)?//', r.text)  # nothing from another site
    assert site.office.get("/static/style.css").status_code == 200


# ---- the office ---------------------------------------------------------------------------------

def test_office_page_shows_every_department(site, tmp_path):
    site.department(DEPT).upload("m.xlsx", messy_workbook(tmp_path / "m.xlsx").read_bytes(), confirm=True)
    r = site.office.get("/office")
    assert r.status_code == 200
    rows = re.findall(r'<tr class="state-([^" ]+)[^"]*">\s*<td data-label="单位"><strong>([^<]+)</strong>', r.text)
    states = dict((name, state) for state, name in rows)
    assert len(states) == 13
    assert states[DEPT] == "待修改" and states["区市场监管局"] == "未报送" and states[OTHER] == "已报送"
    assert "草稿" in r.text and "12</b>/13" in r.text
    links = re.findall(r'value="(http://testserver/d/[^"]+)"', r.text)
    assert len(set(links)) == 13
    r = site.office.get("/office/report")
    assert "进展状态无法识别" in r.text and "区市场监管局未报送本期进展" in r.text
    r = site.office.get("/office/history")
    assert "m.xlsx" in r.text and DEPT in r.text
    r = site.office.get("/office/links")
    assert r.text.count("/d/") >= 13 and "只在本机可用" not in r.text  # testserver is no loopback address
    r = site.office.get("/office/report.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert len(list(wb["问题明细"].iter_rows(min_row=2))) == len(check(site.root).report.issues)


def test_build_from_the_office_page_then_preview_and_download(site):
    r = site.office.get("/office")
    r = site.office.post("/office/build", data=dict(csrf=csrf_of(r.text)))
    assert r.status_code == 200 and "正在生成" in r.text
    deadline = time.monotonic() + 120
    while site.ctx.builder.status()["state"] == "running" and time.monotonic() < deadline:
        assert site.office.get("/office/build/status").json()["steps"] == 8
        time.sleep(0.3)
    status = site.office.get("/office/build/status").json()
    assert status["state"] == "done", status
    r = site.office.get("/office")
    assert "上次生成" in r.text and "草稿" in r.text  # 区市场监管局 did not report: not publishable
    build = site.ctx.store.builds()[0]
    assert build.gate == "draft" and any("未报送" in x for x in build.reason_list)

    from reportgen.render.manifest import read_manifest

    manifest = read_manifest(site.root / "outputs/2025H1")
    r = site.office.get("/office/all.zip")
    assert r.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(z.namelist()) == sorted([e["path"] for e in manifest] + ["manifest.json"])
    for e in manifest:
        assert z.read(e["path"]) == (site.root / "outputs/2025H1" / e["path"]).read_bytes()
    assert site.office.get("/office/all.zip").content == r.content  # same files, same bytes

    r = site.office.get("/office/preview/press")
    src = re.search(r'<iframe class="preview" src="([^"]+)"', r.text).group(1).replace("&amp;", "&")
    r = site.office.get(src)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "sandbox" in r.headers["content-security-policy"] and "<h1" in r.text
    # each unit's preview reads exactly as its tasks in the press release just built
    from test_web_portal import task_texts

    built = task_texts(r.text)
    for unit in (DEPT, OTHER):
        d = site.department(unit)
        preview = task_texts(d.client.get(f"/d/{d.token}/preview").text)
        assert preview and len(preview) == len(site.ctx.workspaces.get().department(unit).tasks)
        assert set(preview) <= set(built), set(preview) - set(built)
    assert "生成材料" in site.office.get("/office/log").text

    r = site.office.get("/office/preview/briefing")
    pages = re.findall(r'<img src="([^"]+\.png)"', r.text)
    assert len(pages) == [e for e in manifest if e["kind"] == "briefing-pack" and e["format"] == "pdf"][0]["pages"]
    png = site.office.get(pages[0])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_uploads_wait_for_a_running_build(site, tmp_path):
    """The workspace lock: an upload made during a build lands after it, whole."""
    from reportgen.web.lock import workspace_lock

    d = site.department(DEPT)
    fixed = fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes()
    import threading

    result = {}
    with workspace_lock(site.root):
        t = threading.Thread(target=lambda: result.setdefault("r", d.upload("f.xlsx", fixed)))
        t.start()
        time.sleep(1.0)
        assert "r" not in result  # waiting for the lock
        assert site.ctx.store.versions(site.period, DEPT)[0].state == "received"
    t.join(30)
    assert result["r"].status_code == 200
    assert site.ctx.store.versions(site.period, DEPT)[0].state == "adopted"


# ---- thirteen departments at once ----------------------------------------------------------------

def test_thirteen_departments_uploading_at_once_are_all_recorded(site, monkeypatch):
    import threading
    from collections import Counter

    import reportgen.web.submit as submit
    from reportgen.periods import tasks_by_department
    from reportgen.read import read_workspace
    from reportgen.workbooks import write_department

    source = Path(__file__).resolve().parent.parent / "inputs/2025H1/departments"
    plan = tasks_by_department(read_workspace(site.root))
    uploads = {}
    for dept, tasks in plan.items():
        path = source / f"{dept}.xlsx"
        if not path.exists():  # the sample's missing department reports too
            path = site.root / f"{dept}-new.xlsx"
            write_department(path, dept, [dict(task_id=t.task_id, status="序时推进", progress_text="正在推进")
                                          for t in tasks])
        uploads[dept] = path.read_bytes()
    assert len(uploads) == 13
    for p in site.folder().iterdir():
        p.unlink()  # nothing submitted yet

    validated = Counter()
    real = submit.validate_workspace

    def counting(workspaces):
        validated[threading.current_thread().name] += 1
        return real(workspaces)

    monkeypatch.setattr(submit, "validate_workspace", counting)
    depts = {name: site.department(name) for name in uploads}
    for d in depts.values():
        d.csrf = csrf_of(d.page().text)
    barrier = threading.Barrier(13)
    results = {}

    def go(name):
        d = depts[name]
        barrier.wait()
        results[name] = d.upload(f"{name}.xlsx", uploads[name], csrf=d.csrf)

    threads = [threading.Thread(target=go, args=(n,), name=f"upload-{n}") for n in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert {n: r.status_code for n, r in results.items()} == dict.fromkeys(uploads, 200)
    assert sum(validated.values()) == 13  # each upload validated once
    subs = site.ctx.store.submissions(site.period)
    assert sorted(subs) == sorted(uploads)
    for name, data in uploads.items():
        assert (site.folder() / f"{name}.xlsx").read_bytes() == data
        versions = site.ctx.store.versions(site.period, name)
        assert [(v.state, v.size) for v in versions] == [("adopted", len(data))]
        assert site.ctx.store.version_path(versions[0]).read_bytes() == data
    report = check(site.root).report
    assert not [i for i in report.issues if i.code in ("W-DEPT-NOT-REPORTED", "E-TASK-DUPLICATE")]


# ---- the CLI and the web page on one workspace -----------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, timeout=300)


def test_cli_and_web_page_share_the_workspace(site, tmp_path):
    # the web page's upload, then the CLI: validate and build read it, .reportgen/ is no input
    d = site.department(DEPT)
    d.upload("m.xlsx", messy_workbook(tmp_path / "m.xlsx").read_bytes(), confirm=True)
    r = run_cli("validate", str(site.root))
    assert r.returncode == 1 and "进展填报!C4" in r.stdout and "reportgen.sqlite3" not in r.stdout
    d.upload("f.xlsx", fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes())
    r = run_cli("build", str(site.root))
    assert r.returncode == 0, r.stdout
    # …and the web page lists what the CLI built
    r = site.office.get("/office")
    assert "预览新闻通稿" in r.text and "下载全部材料" in r.text

    # the CLI's changes, then the web page: a hand-placed file, then a new period
    hand = site.folder() / "区残联报表（手工放入）.xlsx"
    (site.folder() / "区残联.xlsx").rename(hand)
    r = site.office.get("/office")
    assert re.search(r"区残联</strong>.*?目录中的文件", r.text, re.S)
    old_token = d.token
    r = run_cli("new-period", "2025FY", str(site.root))
    assert r.returncode == 0, r.stdout + r.stderr
    r = site.office.get("/office")
    assert "2025FY" in r.text and "2025年全年" in r.text
    assert r.text.count('class="state-未报送"') == 13  # new-period's workbooks, sent out, not yet filled: nothing came
    assert "0</b>/13" in r.text
    assert site.office.get(f"/d/{old_token}").status_code == 410  # last period's link
    new = site.department(DEPT)
    assert new.page().status_code == 200 and ">01-01<" in new.page().text
    r = new.upload("全年.xlsx", fixed_workbook(site.root, tmp_path / "f2.xlsx").read_bytes())
    assert r.status_code == 200
    assert (site.root / "inputs/2025FY/departments" / f"{DEPT}.xlsx").exists()
    assert run_cli("validate", str(site.root)).returncode in (0, 1)


def test_deleting_the_record_loses_history_never_inputs(site, tmp_path):
    import shutil

    d = site.department(DEPT)
    fixed = fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes()
    d.upload("f.xlsx", fixed)
    inputs = {p: p.read_bytes() for p in (site.root / "inputs").rglob("*") if p.is_file()}
    shutil.rmtree(site.root / ".reportgen")
    fresh = Site(site.root)
    assert {p: p.read_bytes() for p in (site.root / "inputs").rglob("*") if p.is_file()} == inputs
    assert fresh.ctx.store.versions(fresh.period, DEPT) == []
    assert "已报送" in fresh.office.get("/office").text


def test_schema_is_versioned(tmp_path):
    from reportgen.web.store import SCHEMA_VERSION, Store, StoreError

    root = sample(tmp_path)
    Store(root)
    con = sqlite3.connect(root / ".reportgen/reportgen.sqlite3")
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="更新版本"):
        Store(root)


def test_cli_imports_no_web_stack():
    code = ("import sys, io; from rich.console import Console; import reportgen.cli as c; "
            "c.main(['validate', '.'], console=Console(file=io.StringIO())); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'multipart') "
            "or m.startswith('reportgen.web')]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parent.parent)
    assert r.returncode == 0, r.stdout + r.stderr


def test_serve_says_where_and_refuses_a_busy_port(tmp_path):
    import socket

    from rich.console import Console

    from reportgen.cli import main

    root = sample(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        out = io.StringIO()
        code = main(["serve", str(root), "--port", str(port)], console=Console(file=out, width=200))
    assert code == 1 and "端口已被占用" in out.getvalue() and "--port" in out.getvalue()
    out = io.StringIO()
    broken = tmp_path / "broken"  # (an empty folder starts: the office makes it a workspace on the page)
    broken.mkdir()
    (broken / "report.toml").write_text('region = "示例区\n', encoding="utf-8")
    assert main(["serve", str(broken)], console=Console(file=out, width=200)) == 1
    assert "report.toml" in out.getvalue()
