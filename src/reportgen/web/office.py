"""The office's pages: behind a password set at first start (the setup link the terminal shows).

Submission status of every department, their links (printable, revocable), building with
progress, previews and downloads of the outputs, the validation findings, the submission history.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..render.validation import write_report
from ..model import Report
from .app import (IDLE_MINUTES, OUTPUT_CSP, base_url, checked_form, csrf_token, ctx, log_action, office_user,
                  page, require_office)
from .builds import outputs, preview_pages, write_zip
from .department import contact, deadline, file_response, is_in_use
from .lock import Busy, workspace_lock
from .security import hash_password, password_problem, verify_password
from .store import User, Version
from .submit import take


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/office", dashboard),
        Route("/office/setup", setup, methods=["GET", "POST"]),
        Route("/office/login", login, methods=["GET", "POST"]),
        Route("/office/logout", logout, methods=["POST"]),
        Route("/office/password", change_password, methods=["GET", "POST"]),
        Route("/office/users", users, methods=["GET", "POST"]),
        Route("/office/invite/{code}", invite, methods=["GET", "POST"]),
        Route("/office/log", audit_log),
        Route("/office/build", start_build, methods=["POST"]),
        Route("/office/build/status", build_status),
        Route("/office/changes", changes),
        Route("/office/slips", slips),
        Route("/office/versions/{vid:int}/restore", restore, methods=["POST"]),
        Route("/office/links", links, methods=["GET", "POST"]),
        Route("/office/report", report),
        Route("/office/report.xlsx", report_workbook),
        Route("/office/history", history),
        Route("/office/versions/{vid:int}", download_version),
        Route("/office/files/{path:path}", download_output),
        Route("/office/all.zip", download_all),
        Route("/office/preview/press", preview_press),
        Route("/office/preview/briefing", preview_briefing),
        Route("/office/preview/page/{sha}/{n:int}.png", preview_page),
    ]


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


async def home(request: Request) -> Response:
    return page(request, "home.html", snap=await ctx(request).snapshot())


# ---- users and passwords ---------------------------------------------------------------

_DUMMY_HASH: list[str] = []


def _check_password(password: str, user: User | None) -> bool:
    """Constant work whether or not the account exists: an unknown name is checked against a made-up hash."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(12)))
    ok = verify_password(password, user.password_hash if user and user.password_hash else _DUMMY_HASH[0])
    return ok and user is not None and bool(user.password_hash)


def _sign_in(request: Request, user: User) -> None:
    sid = ctx(request).store.new_session(user.id)
    request.session.clear()
    request.session["sid"] = sid
    request.scope["office_user"] = user
    csrf_token(request)


def _name_problem(name: str) -> str:
    if not name:
        return "请填写用户名（如姓名或岗位）。"
    if len(name) > 40 or any(ch in name for ch in "<>\"/\n\r\t"):
        return "用户名最多40个字，不能含 < > / 等符号。"
    return ""


async def setup(request: Request) -> Response:
    """First start (or after --reset-password): the first office user sets a password through the terminal's link."""
    c = ctx(request)
    if not c.store.needs_setup():
        return RedirectResponse("/office/login", 303)
    first = c.store.first_user()
    name = first.name if first else "推进办"

    def show(status: int = 200, **values) -> Response:
        return page(request, "setup.html", status, existing=first is not None, **{"username": name, **values})
    wait = c.throttle.wait("（设置）", _client(request))
    if wait:
        return show(429, code="", problem=f"尝试次数过多，请{wait}秒后再试。")
    if request.method == "GET":
        code = request.query_params.get("code", "")
        if not (c.setup_code and secrets.compare_digest(code, c.setup_code)):
            if code:
                c.throttle.fail("（设置）", _client(request))
            return show(403, code="",
                        problem="请使用启动服务时终端窗口中显示的“设置密码”链接打开本页。")
        return show(code=code, problem="")
    form = await checked_form(request)
    code = str(form.get("code", ""))
    if not (c.setup_code and secrets.compare_digest(code, c.setup_code)):
        c.throttle.fail("（设置）", _client(request))
        return show(403, code="", problem="设置链接不对，请使用终端窗口中显示的链接。")
    if first is None:
        name = str(form.get("name", "")).strip() or "推进办"
        problem = _name_problem(name)
        if problem:
            return show(400, code=code, problem=problem)
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    problem = password_problem(password, again)
    if problem:
        return show(400, code=code, problem=problem)
    user = c.store.set_first_password(hash_password(password), name)
    c.setup_code = ""
    _sign_in(request, user)
    log_action(request, "设置密码", "首次设置（终端中的设置链接）", user=user)
    return RedirectResponse("/office", 303)


async def login(request: Request) -> Response:
    c = ctx(request)
    if c.store.needs_setup():
        return RedirectResponse("/office/setup", 303)
    users = c.store.users()
    suggested = users[0].name if len(users) == 1 else ""
    if request.method == "GET":
        expired = request.session.pop("expired", False)
        note = f"已超过{IDLE_MINUTES}分钟没有操作，或已在别处退出，请重新登录。" if expired else ""
        return page(request, "login.html", problem="", note=note, username=suggested)
    form = await checked_form(request)
    name, addr = str(form.get("name", "")).strip() or suggested, _client(request)
    slow = c.throttle.slowdown()
    if slow:  # many wrong passwords from anywhere: everyone waits a little, nobody is refused for it
        await asyncio.sleep(slow)
    wait = c.throttle.wait(name, addr)
    if wait:
        return page(request, "login.html", 429, username=name, note="",
                    problem=f"这个用户名连续输错了密码，请{wait}秒后再试（每多错一次，等待时间加长，最长1分钟）。")
    user = c.store.user(name=name)
    ok = await run_in_threadpool(_check_password, str(form.get("password", "")), user)
    if not ok:
        c.throttle.fail(name, addr)
        return page(request, "login.html", 403, username=name, note="", problem="用户名或密码不对，请重新输入。")
    c.throttle.succeed(name, addr)
    _sign_in(request, user)
    log_action(request, "登录", user=user)
    return RedirectResponse("/office", 303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    user = office_user(request)
    if user is not None:  # every session of the account ends on the server, copies of the cookie included
        ctx(request).store.end_sessions(user.id)
        log_action(request, "退出", user=user)
    request.session.clear()
    return RedirectResponse("/office/login", 303)


async def change_password(request: Request) -> Response:
    user = require_office(request)
    c = ctx(request)
    if request.method == "GET":
        return page(request, "password.html", problem="")
    form = await checked_form(request)
    ok = await run_in_threadpool(_check_password, str(form.get("old", "")), user)
    if not ok:
        c.throttle.fail(user.name, _client(request))
        return page(request, "password.html", 403, problem="原密码不对。")
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    problem = password_problem(password, again)
    if problem:
        return page(request, "password.html", 400, problem=problem)
    c.store.set_password(user.id, hash_password(password))  # every session of the user ends, on every computer
    _sign_in(request, c.store.user(uid=user.id))
    log_action(request, "修改密码", "其他电脑上的登录已全部失效", user=user)
    return page(request, "message.html", title="密码已修改", text="密码已修改。其他电脑上用这个用户名的登录已全部失效，"
                "需要用新密码重新登录。", back="/office", ok=True)


async def users(request: Request) -> Response:
    user = require_office(request)
    c = ctx(request)
    shown = None
    if request.method == "POST":
        form = await checked_form(request)
        action = form.get("action")
        if action == "add":
            name = str(form.get("name", "")).strip()
            problem = _name_problem(name) or ("已有这个用户名，请换一个。" if c.store.name_taken(name) else "")
            if problem:
                return page(request, "users.html", 400, users=c.store.users(), me=user, problem=problem, shown=None,
                            base=base_url(request))
            shown = c.store.add_user(name, user.name)
            log_action(request, "添加用户", name, user=user)
        else:
            target = c.store.user(uid=int(form.get("uid", "0")) if str(form.get("uid", "")).isdigit() else -1)
            if target is None or action not in ("reinvite", "remove"):
                raise HTTPException(400, "没有这个用户，或操作不对。")
            if action == "remove":
                if target.id == user.id:
                    raise HTTPException(400, "不能删除自己。请由其他推进办用户操作。")
                c.store.remove_user(target.id)
                log_action(request, "删除用户", target.name, user=user)
            else:
                shown = c.store.reinvite(target.id)
                log_action(request, "重设用户密码", f"{target.name}：发出新的设置密码链接，原密码和登录失效", user=user)
    return page(request, "users.html", users=c.store.users(), me=user, problem="", shown=shown, base=base_url(request))


async def invite(request: Request) -> Response:
    """A new office user's one-time link: they set their own password, and are signed in."""
    c = ctx(request)
    addr = _client(request)
    wait = c.throttle.wait("（邀请）", addr)
    if wait:
        raise HTTPException(429, f"尝试次数过多，请{wait}秒后再试。")
    user = c.store.user(invite=request.path_params["code"])
    if user is None:
        c.throttle.fail("（邀请）", addr)
        raise HTTPException(404, "这个设置密码的链接无效或已经用过。请向推进办的其他用户索取新的链接。")
    if request.method == "GET":
        return page(request, "invite.html", invited=user, problem="")
    form = await checked_form(request)
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    problem = password_problem(password, again)
    if problem:
        return page(request, "invite.html", 400, invited=user, problem=problem)
    c.store.set_password(user.id, hash_password(password))
    user = c.store.user(uid=user.id)
    _sign_in(request, user)
    log_action(request, "设置密码", "通过设置密码链接", user=user)
    return RedirectResponse("/office", 303)


async def audit_log(request: Request) -> Response:
    require_office(request)
    c = ctx(request)
    who = request.query_params.get("actor") or None
    return page(request, "log.html", entries=c.store.audit(actor=who), actor=who)


# ---- the status page -------------------------------------------------------------------

STATUS_ORDER = ["未报送", "无法读取", "空表未填", "待修改", "已报送"]
FILTERS = {"未报送": "未报送", "待修改": "待修改（含空表、无法读取）", "待确认": "有上传待确认", "逾期": "已逾期未完成",
           "已报送": "已报送"}


def remind_text(snap, name: str, state: str, errors: int, link: str) -> str:
    """The 催报 message for 微信/短信: unit, what is wanted by when, the link, whom to call."""
    ws = snap.workspace
    when = deadline(snap)
    by = f"请于{when['date']}前" if when and not when["overdue"] else "已过截止日期，请尽快" if when else "请尽快"
    what = f"{ws.period.year}年{ws.period.label}{ws.config.program}进展情况"
    if state in ("待修改", "空表未填", "无法读取"):
        why = {"空表未填": "推进办收到的是未填写的空表", "无法读取": "推进办收到的文件无法读取"}.get(
            state, f"报送的表还有{errors}处错误需要修改")
        body = f"【催报】{name}：贵单位{why}，{by}修改后重新上传{what}。"
    else:
        body = f"【催报】{name}：{by}报送{what}。"
    who = contact(snap)
    return (f"{body}本单位专用链接（打开即可下载填报表、上传并马上看到问题，请勿转发）：{link}"
            + (f"　推进办联系人：{who}" if who else ""))


def qr_data_uri(link: str) -> str:
    import segno

    return segno.make(link, error="m").svg_data_uri(scale=4, border=2)


def _department_rows(request: Request, snap) -> list[dict]:
    c = ctx(request)
    if not snap.period:
        return []
    planned = [d for d in snap.departments.values() if d.in_plan]
    tokens = c.store.tokens(snap.period, [d.name for d in planned])
    web = c.store.submissions(snap.period)
    when = deadline(snap)
    rows = []
    for d in snap.departments.values():
        t = tokens.get(d.name)
        v: Version | None = web.get(d.name)
        via_web = is_in_use(v, d)
        link = f"{base_url(request)}d/{t.token}" if t else ""
        unfinished = d.state != "已报送"
        rows.append(dict(dept=d, link=link, via_web=via_web, when=v.received_at if via_web else "",
                         version=v if via_web else None, pending=c.store.pending(snap.period, d.name),
                         overdue=bool(when and when["overdue"] and d.in_plan and unfinished),
                         remind=remind_text(snap, d.name, d.state, d.errors, link) if link and unfinished else ""))
    return rows


def _filtered(rows: list[dict], status: str, sort: str) -> list[dict]:
    if status == "未报送":
        rows = [r for r in rows if r["dept"].state == "未报送"]
    elif status == "待修改":
        rows = [r for r in rows if r["dept"].state in ("待修改", "空表未填", "无法读取")]
    elif status == "已报送":
        rows = [r for r in rows if r["dept"].state == "已报送"]
    elif status == "待确认":
        rows = [r for r in rows if r["pending"]]
    elif status == "逾期":
        rows = [r for r in rows if r["overdue"]]
    if sort == "status":
        rows = sorted(rows, key=lambda r: (not r["overdue"], STATUS_ORDER.index(r["dept"].state)
                                           if r["dept"].state in STATUS_ORDER else 0))
    elif sort == "time":
        rows = sorted(rows, key=lambda r: r["when"] or "", reverse=True)
    return rows


async def dashboard(request: Request) -> Response:
    require_office(request)
    c = ctx(request)
    if not (c.root / "report.toml").exists():  # an empty folder served: the way in is 新建工作目录
        return RedirectResponse("/office/start", 303)
    snap = await c.snapshot()
    all_rows = _department_rows(request, snap)
    status, sort = request.query_params.get("status", ""), request.query_params.get("sort", "")
    rows = _filtered(all_rows, status, sort)
    files = outputs(c.root, snap.period)
    builds = c.store.builds(limit=1)
    return page(request, "office.html", snap=snap, rows=rows, files=files, last_build=builds[0] if builds else None,
                progress=c.builder.status(),
                submitted=sum(r["dept"].in_plan and r["dept"].state in ("已报送", "待修改") for r in all_rows),
                planned=sum(r["dept"].in_plan for r in all_rows), overdue=sum(r["overdue"] for r in all_rows),
                waiting=sum(bool(r["pending"]) for r in all_rows), deadline=deadline(snap),
                filters=FILTERS, chosen=status, sort=sort, changes=_changes_key(c, snap),
                press=[f for f in files if f.kind == "press-release" and f.format == "html"],
                briefing=next((f for f in files if f.kind == "briefing-pack" and f.format == "pdf"), None))


def _changes_key(c, snap) -> str:
    import hashlib

    raw = f"{c.store.last_change(snap.period)}|{snap.fingerprint}|{(c.builder.status() or {}).get('state')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


async def changes(request: Request) -> Response:
    """What the office page's auto refresh asks every few seconds: has anything arrived since it was drawn?"""
    require_office(request)
    c = ctx(request)
    return JSONResponse({"key": _changes_key(c, await c.snapshot())})


async def slips(request: Request) -> Response:
    """One printable page per unit: its link as text and QR code, the deadline and whom to call."""
    require_office(request)
    c = ctx(request)
    snap = await c.snapshot()
    only = request.query_params.get("department")
    rows = [r for r in _department_rows(request, snap) if r["dept"].in_plan and r["link"]
            and (not only or r["dept"].name == only)]
    if only and not rows:
        raise HTTPException(404, "没有这个单位，或它的链接已停用。")
    for r in rows:
        r["qr"] = qr_data_uri(r["link"])
    return page(request, "slips.html", snap=snap, rows=rows, deadline=deadline(snap), contact=contact(snap))


async def start_build(request: Request) -> Response:
    user = require_office(request)
    await checked_form(request)
    ctx(request).builder.start()
    log_action(request, "生成材料", user=user)
    return RedirectResponse("/office#build", 303)


async def build_status(request: Request) -> Response:
    require_office(request)
    return JSONResponse(ctx(request).builder.status() or {})


# ---- links -----------------------------------------------------------------------------

async def links(request: Request) -> Response:
    user = require_office(request)
    c = ctx(request)
    snap = await c.snapshot()
    if request.method == "POST":
        form = await checked_form(request)
        dept, action = str(form.get("department", "")), form.get("action")
        planned = {d.name for d in snap.departments.values() if d.in_plan}
        if not snap.period or dept not in planned or action not in ("revoke", "reissue"):
            raise HTTPException(400, "没有这个单位，或操作不对。")
        c.store.revoke(snap.period, dept, reissue=action == "reissue")
        log_action(request, "换新链接" if action == "reissue" else "停用链接", f"{dept}：旧链接已失效", user=user)
        return RedirectResponse(f"/office/links?changed={quote(dept)}#changed", 303)
    planned = [d for d in snap.departments.values() if d.in_plan]
    tokens = c.store.tokens(snap.period, [d.name for d in planned]) if snap.period else {}
    rows = [dict(dept=d, link=f"{base_url(request)}d/{tokens[d.name].token}" if d.name in tokens else "")
            for d in planned]
    return page(request, "links.html", snap=snap, rows=rows, changed=request.query_params.get("changed", ""))


# ---- findings and history --------------------------------------------------------------

async def report(request: Request) -> Response:
    require_office(request)
    snap = await ctx(request).snapshot()
    level = request.query_params.get("level", "")
    groups: dict[str, list] = {}
    for i in snap.issues:
        if level and i.level != level:
            continue
        groups.setdefault(i.department or "（全局）", []).append(i)
    for items in groups.values():
        items.sort(key=lambda i: not i.is_error)
    return page(request, "report.html", snap=snap, groups=groups, level=level)


async def report_workbook(request: Request) -> Response:
    """校验报告.xlsx of the findings as they are now (outputs/ untouched)."""
    require_office(request)
    log_action(request, "下载", "校验报告")
    c = ctx(request)
    snap = await c.snapshot()
    target = c.store.folder / "tmp" / f"report-{secrets.token_hex(8)}.xlsx"
    await run_in_threadpool(write_report, Report(list(snap.issues)), target)
    return file_response(target, f"{snap.period or ''}校验报告.xlsx", remove=True)


async def history(request: Request) -> Response:
    require_office(request)
    c = ctx(request)
    snap = await c.snapshot()
    dept = request.query_params.get("department") or None
    versions = c.store.versions(snap.period, dept) if snap.period else []
    in_use = {n: v for n, v in c.store.submissions(snap.period).items()
              if is_in_use(v, snap.departments.get(n))} if snap.period else {}
    return page(request, "history.html", snap=snap, versions=versions, department=dept, in_use=in_use,
                departments=list(snap.departments), builds=c.store.builds(limit=20),
                restored=request.query_params.get("restored", ""))


async def restore(request: Request) -> Response:
    """Make an earlier version the unit's report in use again (the next build uses it)."""
    user = require_office(request)
    c = ctx(request)
    await checked_form(request)
    v = c.store.version(request.path_params["vid"])
    snap = await c.snapshot()
    if v is None or v.period != snap.period or c.store.version_path(v) is None or v.state == "refused":
        raise HTTPException(400, "这个版本不能恢复：它不属于本期、文件已按存储上限清理，或当初就未采用（不是本单位的表或无法读取）。")
    outcome = await run_in_threadpool(take, c.store, c.workspaces, v, hold=False)
    if not outcome.adopted:
        raise HTTPException(400, "这个版本不能恢复：" + "；".join(i.message for i in outcome.refused))
    log_action(request, "恢复版本", f"{v.department}：第{v.id}号版本“{v.original_name}”恢复为在用", user=user)
    return RedirectResponse(f"/office/history?department={quote(v.department)}&restored={v.id}", 303)


async def download_version(request: Request) -> Response:
    user = require_office(request)
    c = ctx(request)
    v = c.store.version(request.path_params["vid"])
    path = c.store.version_path(v) if v else None
    if path is None:
        raise HTTPException(404, "没有这个版本的文件（可能已按存储上限清理）。")
    log_action(request, "下载", f"{v.department}第{v.id}号版本“{v.original_name}”", user=user)
    return file_response(path, f"{v.department}（第{v.id}号版本）{path.suffix}")


# ---- outputs ---------------------------------------------------------------------------

async def _output(request: Request, path: str):
    c = ctx(request)
    found = next((o for o in outputs(c.root, (await c.snapshot()).period) if o.path == path), None)
    if found is None:
        raise HTTPException(404, "没有这个文件。请先生成材料，或刷新页面。")
    return found


async def download_output(request: Request) -> Response:
    user = require_office(request)
    o = await _output(request, request.path_params["path"])
    inline = request.query_params.get("inline") == "1" and o.format in ("html", "pdf")
    if not inline:
        log_action(request, "下载", o.path, user=user)
    response = file_response(o.file, Path(o.path).name, inline=inline)
    if o.format == "html":
        response.headers["content-security-policy"] = OUTPUT_CSP
    return response


async def download_all(request: Request) -> Response:
    user = require_office(request)
    c = ctx(request)
    snap = await c.snapshot()
    files = outputs(c.root, snap.period)
    if not files:
        raise HTTPException(404, "还没有生成材料。请先点“生成全部材料”。")
    target = c.store.folder / "tmp" / f"all-{secrets.token_hex(8)}.zip"

    def make():
        with workspace_lock(c.root, timeout=5):  # never half old, half new
            write_zip(outputs(c.root, snap.period), c.root / "outputs" / snap.period / "manifest.json", target)

    try:
        await run_in_threadpool(make)
    except Busy:
        raise HTTPException(429, "正在生成材料，请等生成完成后再下载。") from None
    log_action(request, "下载", f"全部材料（zip，{len(files)} 个文件）", user=user)
    return file_response(target, f"{snap.period}全部材料.zip", remove=True)


async def preview_press(request: Request) -> Response:
    require_office(request)
    c = ctx(request)
    files = [o for o in outputs(c.root, (await c.snapshot()).period) if o.kind == "press-release" and o.format == "html"]
    if not files:
        raise HTTPException(404, "还没有生成新闻通稿。请先点“生成全部材料”。")
    chosen = next((o for o in files if o.variant == request.query_params.get("variant")), files[0])
    return page(request, "preview_press.html", files=files, chosen=chosen)


async def preview_briefing(request: Request) -> Response:
    require_office(request)
    c = ctx(request)
    pdf = next((o for o in outputs(c.root, (await c.snapshot()).period) if o.kind == "briefing-pack" and o.format == "pdf"), None)
    if pdf is None:
        raise HTTPException(404, "还没有生成工作简报。请先点“生成全部材料”。")
    pages = await run_in_threadpool(preview_pages, c.store, pdf)
    return page(request, "preview_briefing.html", pdf=pdf, pages=len(pages))


async def preview_page(request: Request) -> Response:
    require_office(request)
    c = ctx(request)
    sha, n = request.path_params["sha"], request.path_params["n"]
    pdf = next((o for o in outputs(c.root, (await c.snapshot()).period) if o.format == "pdf" and o.key == sha), None)
    if pdf is None:
        raise HTTPException(404, "没有这一页。")
    pages = await run_in_threadpool(preview_pages, c.store, pdf)
    if not 1 <= n <= len(pages):
        raise HTTPException(404, "没有这一页。")
    return FileResponse(pages[n - 1], media_type="image/png")
