"""报送平台, second round: nothing lost by an upload, what the clerk and the office see, office accounts,
and the hardening of sign-in, sessions and stored uploads (issues 23 and 25)."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest

from webutil import DEPT, OTHER, PASSWORD, csrf_of, fixed_workbook, messy_workbook

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from reportgen.build import check  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402
from test_web import Site, site  # noqa: E402,F401 - the fixture

MARKET = "区市场监管局"  # has not reported in the sample


def current_bytes(site) -> bytes:
    return (site.folder() / f"{DEPT}.xlsx").read_bytes()


def labels(html: str) -> list[str]:
    """The state tags of the 上传记录 / 报送记录 tables, newest first."""
    return re.findall(r'<td data-label="状态" class="inline"><span class="tag [a-z]+">([^<]+)</span>', html)


def blank_template(d) -> bytes:
    r = d.client.get(f"/d/{d.token}/template.xlsx")
    assert r.status_code == 200
    return r.content


# ---- nothing is lost by an upload -------------------------------------------------------------

def test_a_blank_upload_waits_and_keeping_leaves_the_report_in_use(site):
    d = site.department(DEPT)
    before = current_bytes(site)
    r = d.upload("手机上传.xlsx", blank_template(d))
    assert "请确认" in r.text and "还没有填写进展的空表" in r.text and "本单位现在的报送保持不变" in r.text
    assert current_bytes(site) == before
    assert "已报送" in site.office.get("/office").text
    v = site.ctx.store.versions(site.period, DEPT)[0]
    assert v.state == "pending" and site.ctx.store.submissions(site.period).get(DEPT) is None  # the folder file stays

    r = d.decide(v.id, "keep")
    assert "未采用这次上传" in r.text and current_bytes(site) == before
    assert labels(r.text)[0] == "未采用"
    assert d.decide(v.id, "replace").status_code == 400  # decided once


def test_a_worse_upload_is_confirmed_then_the_office_restores_the_earlier_version(site, tmp_path):
    d = site.department(DEPT)
    good = current_bytes(site)
    messy = messy_workbook(tmp_path / "m.xlsx").read_bytes()
    r = d.upload("改错了.xlsx", messy)
    assert "3处错误，比现在在用的报送（0处）多" in r.text and current_bytes(site) == good
    assert "进展状态无法识别" in r.text  # the held file's findings, all at once
    r = d.upload("改错了.xlsx", messy, confirm=True)
    assert "3 处错误" in r.text and current_bytes(site) == messy
    # newest first: the folder's file (kept when the confirmed one replaced it), the confirmed one, the first held one
    assert labels(r.text) == ["已替换", "在用", "未采用"]

    h = site.office.get(f"/office/history?department={DEPT}")
    assert labels(h.text) == ["已替换", "在用", "未采用"]
    folder_version = site.ctx.store.versions(site.period, DEPT)[0]
    assert folder_version.source == "folder"
    r = site.office.post(f"/office/versions/{folder_version.id}/restore", data=dict(csrf=csrf_of(h.text)))
    assert r.status_code == 200 and f"第{folder_version.id}号版本已恢复为在用" in r.text
    assert labels(r.text) == ["在用", "已替换", "未采用"]
    assert current_bytes(site) == good
    assert site.ctx.store.submissions(site.period)[DEPT].id == folder_version.id
    result = check(site.root)
    assert not [i for i in result.report.issues if i.department == DEPT]  # what a build reads is the restored one
    assert "恢复版本" in site.office.get("/office/log").text


def test_anything_filled_replaces_a_blank_form_in_use(site, tmp_path):
    d = site.department(DEPT)
    blank = blank_template(d)
    (site.folder() / f"{DEPT}.xlsx").write_bytes(blank)  # new-period's workbook, sent out, not filled
    messy = messy_workbook(tmp_path / "m.xlsx").read_bytes()
    r = d.upload("第一稿.xlsx", messy)
    assert "请确认" not in r.text and "3 处错误" in r.text and current_bytes(site) == messy


def test_another_units_sheet_is_refused_without_advice_to_edit_it(site):
    d = site.department(DEPT)
    before = current_bytes(site)
    r = d.upload("教育局.xlsx", (site.folder() / f"{OTHER}.xlsx").read_bytes())
    assert "填报单位与链接不符" in r.text and "本单位的报送没有改变" in r.text
    assert "改为" not in r.text and "修改填报单位" not in r.text
    assert current_bytes(site) == before
    assert labels(r.text)[0] == "未采用"


# ---- the clerk's page -------------------------------------------------------------------------

def test_clerk_sees_deadline_status_contact_and_a_receipt(site, tmp_path):
    from reportgen.web.department import deadline

    d = site.department(DEPT)
    r = d.page()
    assert "截止日期：2025年7月4日（星期五）" in r.text and "已过截止日期" in r.text  # passed, and reported in time
    assert "已报送·无问题" in r.text and "综合组 李明　010-12345678" in r.text
    assert '<span class="count none">错误 0 条</span>' in r.text  # nothing red for a unit that is done
    snap = site.ctx.workspaces.get()
    assert deadline(snap, date(2025, 7, 1))["note"] == "还有 3 天" and deadline(snap, date(2025, 7, 4))["note"] == "今天截止"

    r = d.upload("有问题.xlsx", messy_workbook(tmp_path / "m.xlsx").read_bytes(), confirm=True)
    assert '<span class="badge error">待修改</span>' in r.text and "请尽快报送" in r.text and "已逾期" in r.text
    m = site.department(MARKET).page()
    assert '<span class="badge muted">未报送</span>' in m.text

    vid = site.ctx.store.submissions(site.period)[DEPT].id
    receipt = d.client.get(f"/d/{d.token}/receipt/{vid}")
    assert receipt.status_code == 200
    for text in ("报送回执", DEPT, f"第{vid}号版本", "有问题.xlsx", "在用", "错误 3 处", "SHA-256"):
        assert text in receipt.text, text
    assert site.department(OTHER).client.get(f"/d/{site.token(OTHER)}/receipt/{vid}").status_code == 404


def test_the_preview_prints_only_the_units_tasks_through_the_press_template(site):
    d = site.department(DEPT)
    r = d.client.get(f"/d/{d.token}/preview")
    assert r.status_code == 200 and "sandbox" in r.headers["content-security-policy"]
    tasks = task_texts(r.text)
    assert len(tasks) == 4 and "共为2816户、4630名困难群众发放低保金" in "".join(tasks)  # 04-01, as reported
    assert 'class="draft-banner"' not in r.text and 'class="lead"></p>' in r.text  # the district's words left out


def task_texts(html: str) -> list[str]:
    """The text of each task paragraph of a press release page (the by-project form)."""
    import html as lib

    return [lib.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in re.findall(r'<p class="task">(.*?)</p>', html, re.S)]


# ---- the office's page ------------------------------------------------------------------------

def test_office_filters_marks_overdue_and_has_a_remind_message_and_slips(site):
    r = site.office.get("/office?status=未报送")
    rows = re.findall(r'<tr class="state-[^"]*"[^>]*>\s*<td data-label="单位"><strong>([^<]+)</strong>', r.text)
    assert rows == [MARKET]
    assert 'class="state-未报送 overdue"' in r.text and "已逾期" in r.text
    remind = re.search(r'<textarea readonly rows="4" aria-label="区市场监管局的催报消息">([^<]+)</textarea>', r.text)[1]
    link = f"http://testserver/d/{site.token(MARKET)}"
    assert MARKET in remind and link in remind and "已过截止日期" in remind and "综合组 李明" in remind
    everyone = site.office.get("/office?sort=status").text
    order = re.findall(r'<strong>([^<]+)</strong>', everyone.split('id="units"')[1])
    assert order[0] == MARKET  # overdue first
    key = site.office.get("/office/changes").json()["key"]  # what the page's auto refresh watches
    assert f'data-key="{key}"' in r.text
    site.department(MARKET).upload("市场监管局.xlsx", blank_template(site.department(MARKET)))
    assert site.office.get("/office/changes").json()["key"] != key
    slips = site.office.get("/office/slips")
    assert slips.text.count('<article class="slip">') == 13
    one = site.office.get(f"/office/slips?department={MARKET}").text
    assert one.count('<article class="slip">') == 1 and link in one and 'src="data:image/svg+xml' in one


def test_two_office_users_each_sign_in_and_the_log_says_who(site):
    r = site.office.get("/office/users")
    r = site.office.post("/office/users", data=dict(csrf=csrf_of(r.text), action="add", name="王芳"))
    invite = re.search(r'value="http://testserver/(office/invite/[^"]+)"', r.text)[1]
    second = TestClient(site.app)
    page = second.get("/" + invite)
    assert "王芳" in page.text
    r = second.post("/" + invite, data=dict(csrf=csrf_of(page.text), password="王芳的密码123", again="王芳的密码123"))
    assert "各单位报送情况" in r.text
    assert second.get("/" + invite).status_code == 404  # one use
    r = second.get("/office/links")
    second.post("/office/links", data=dict(csrf=csrf_of(r.text), department=MARKET, action="reissue"))
    r = site.office.get("/office")
    site.office.post("/office/build", data=dict(csrf=csrf_of(r.text)))
    log = site.office.get("/office/log").text
    assert re.search(r"王芳</a></td>\s*<td[^>]*>换新链接", log) and re.search(r"推进办</a></td>\s*<td[^>]*>生成材料", log)

    third = TestClient(site.app)  # and 王芳 signs in with her own password
    page = third.get("/office/login")
    r = third.post("/office/login", data=dict(csrf=csrf_of(page.text), name="王芳", password="王芳的密码123"))
    assert "各单位报送情况" in r.text
    r = third.post("/office/login", data=dict(csrf=csrf_of(page.text), name="王芳", password=PASSWORD))
    assert r.status_code == 403  # the other user's password is not hers

    users = site.office.get("/office/users")
    uid = re.search(r'name="uid" value="(\d+)"', users.text)[1]
    site.office.post("/office/users", data=dict(csrf=csrf_of(users.text), action="remove", uid=uid))
    assert third.get("/office", follow_redirects=False).status_code == 303  # removed: signed out everywhere
    r = site.office.post("/office/users", data=dict(csrf=csrf_of(users.text), action="add", name="王芳"))
    assert r.status_code == 200 and "请把这个链接发给王芳" in r.text  # the name can be given again


# ---- hardening (issue 25): each fails on the release before it ----------------------------------

def test_many_failed_sign_ins_from_many_addresses_never_stop_the_right_password(site):
    from reportgen.web.security import Throttle

    site.ctx.throttle = throttle = Throttle(global_delay=0.01)
    for n in range(6):
        attacker = TestClient(site.app, client=(f"10.0.0.{n + 1}", 40000))
        token = csrf_of(attacker.get("/office/login").text)
        for _ in range(6):
            attacker.post("/office/login", data=dict(csrf=token, name="推进办", password="猜一猜"))
    office = TestClient(site.app, client=("10.0.1.1", 40000))
    token = csrf_of(office.get("/office/login").text)
    r = office.post("/office/login", data=dict(csrf=token, name="推进办", password=PASSWORD))
    assert r.status_code == 200 and "各单位报送情况" in r.text  # the right password still gets in

    for n in range(40):  # a flood from anywhere slows everyone down, and refuses no one for it
        throttle.fail(f"账号{n}", f"10.1.0.{n}")
    assert throttle.slowdown() > 0 and throttle.wait("推进办", "10.0.1.1") == 0
    token = csrf_of(office.get("/office/login").text)
    r = office.post("/office/login", data=dict(csrf=token, name="推进办", password=PASSWORD))
    assert r.status_code == 200 and "各单位报送情况" in r.text


def test_a_copied_cookie_stops_working_after_sign_out(site):
    copy = TestClient(site.app, cookies=dict(site.office.cookies))
    assert copy.get("/office", follow_redirects=False).status_code == 200
    r = site.office.get("/office")
    site.office.post("/office/logout", data=dict(csrf=csrf_of(r.text)))
    assert copy.get("/office", follow_redirects=False).status_code == 303
    r = copy.get("/office/login")
    assert "重新登录" in r.text


def test_a_new_password_ends_every_other_session(site):
    other = TestClient(site.app)
    page = other.get("/office/login")
    other.post("/office/login", data=dict(csrf=csrf_of(page.text), password=PASSWORD))
    assert other.get("/office", follow_redirects=False).status_code == 200
    r = site.office.get("/office/password")
    r = site.office.post("/office/password", data=dict(csrf=csrf_of(r.text), old=PASSWORD, password="新的口令2026",
                                                     again="新的口令2026"))
    assert "密码已修改" in r.text
    assert other.get("/office", follow_redirects=False).status_code == 303
    assert site.office.get("/office", follow_redirects=False).status_code == 200  # the one who changed it stays


def test_an_idle_session_expires(site):
    assert site.office.get("/office", follow_redirects=False).status_code == 200
    with sqlite3.connect(site.root / ".reportgen/reportgen.sqlite3") as con:
        con.execute("UPDATE sessions SET seen_at = '2000-01-01 00:00:00'")
    assert site.office.get("/office", follow_redirects=False).status_code == 303


def test_uploads_a_stopped_server_left_are_marked_unfinished(site, tmp_path):
    before = current_bytes(site)
    data = messy_workbook(tmp_path / "m.xlsx").read_bytes()
    v = site.ctx.store.add_version(site.period, DEPT, "web", "被中断.xlsx", len(data), "0" * 64, ".xlsx", data=data)
    assert v.state == "received"
    again = create_app(site.root)  # the server starts again
    assert again.state.ctx.store.version(v.id).state == "unfinished"
    assert current_bytes(site) == before
    d = site.department(DEPT)
    d.site.app = again
    page = TestClient(again).get(f"/d/{d.token}")
    assert "未完成" in page.text and "处理中" not in page.text


def test_a_long_file_name_is_kept_and_only_shortened_for_display(site, tmp_path):
    name = "2025年上半年民心工程进展情况填报表（区民政局）——经分管领导审核后的最终修改版本第三稿请以此为准" * 2 + ".xlsx"
    assert len(name) > 100
    d = site.department(DEPT)
    r = d.upload(name, fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes())
    assert "不是 Excel 或 CSV 文件" not in r.text
    v = site.ctx.store.versions(site.period, DEPT)[0]
    assert v.original_name == name and v.state == "adopted"
    assert "…" in r.text and f'title="{name}"' in r.text


def test_the_storage_quota_prunes_the_oldest_replaced_versions_never_the_one_in_use(site, tmp_path, monkeypatch):
    import reportgen.web.submit as submit

    monkeypatch.setattr(submit, "QUOTA_UNIT", 1000)  # report.toml's "MB" counted as 1000 bytes here
    toml = site.root / "report.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\nupload_quota_mb = 20\n", encoding="utf-8")
    d = site.department(DEPT)
    fixed = fixed_workbook(site.root, tmp_path / "f.xlsx").read_bytes()
    for n in range(5):
        d.upload(f"{n}.xlsx", fixed)
    versions = site.ctx.store.versions(site.period, DEPT)
    kept = [v for v in versions if v.stored]
    assert sum(v.size for v in kept) <= 20_000 and len(kept) < len(versions)
    in_use = site.ctx.store.submissions(site.period)[DEPT]
    assert in_use.stored and site.ctx.store.version_path(in_use).read_bytes() == fixed
    pruned = [v for v in versions if not v.stored]
    assert pruned and max(v.id for v in pruned) < min(v.id for v in kept)  # the oldest went first
    h = site.office.get(f"/office/history?department={DEPT}")
    assert "文件已按存储上限清理" in h.text


def test_reset_password_lets_the_first_user_set_a_new_one_and_ends_every_session(site):
    r = site.office.get("/office/users")
    site.office.post("/office/users", data=dict(csrf=csrf_of(r.text), action="add", name="王芳"))
    site.ctx.store.reset_first_password()  # what `serve --reset-password` does before starting
    assert site.office.get("/office", follow_redirects=False).headers["location"] == "/office/setup"
    app = create_app(site.root, setup_code="new-code")
    client = TestClient(app)
    page = client.get("/office/setup?code=new-code")
    assert 'value="推进办"' in page.text  # the first user's name, kept
    r = client.post("/office/setup", data=dict(csrf=csrf_of(page.text), code="new-code", password="换过的口令2026",
                                               again="换过的口令2026"))
    assert "各单位报送情况" in r.text
    assert [u.name for u in app.state.ctx.store.users()] == ["推进办", "王芳"]


def test_a_record_from_the_last_release_opens_with_its_password(tmp_path):
    from reportgen.web.security import hash_password
    from reportgen.web.store import MIGRATIONS
    from webutil import sample

    root = sample(tmp_path)
    (root / ".reportgen").mkdir()
    with sqlite3.connect(root / ".reportgen/reportgen.sqlite3") as con:
        con.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
        con.execute("INSERT INTO settings VALUES ('office_hash', ?), ('session_epoch', 'abc')", (hash_password(PASSWORD),))
        con.execute("INSERT INTO versions (period, department, received_at, source, original_name, size, sha256, "
                    "state) VALUES ('2025H1', ?, '2025-07-01 10:00:00', 'web', '旧.xlsx', 1, 'x', 'adopted')", (DEPT,))
    app = create_app(root)
    client = TestClient(app)
    page = client.get("/office/login")
    r = client.post("/office/login", data=dict(csrf=csrf_of(page.text), password=PASSWORD))
    assert "各单位报送情况" in r.text
    assert [v.original_name for v in app.state.ctx.store.versions("2025H1")] == ["旧.xlsx"]
