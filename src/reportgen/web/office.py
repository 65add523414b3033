"""The office's pages: behind a password set at first start (the setup link the terminal shows).

Submission status of every department, their links (printable, revocable), building with
progress, previews and downloads of the outputs, the validation findings, the submission history.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..render.validation import write_report
from ..model import Report
from .app import OUTPUT_CSP, base_url, checked_form, csrf_token, ctx, is_office, page
from .builds import outputs, preview_pages, write_zip
from .department import file_response
from .lock import Busy, workspace_lock
from .security import hash_password, password_problem, verify_password
from .store import Version


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/office", dashboard),
        Route("/office/setup", setup, methods=["GET", "POST"]),
        Route("/office/login", login, methods=["GET", "POST"]),
        Route("/office/logout", logout, methods=["POST"]),
        Route("/office/build", start_build, methods=["POST"]),
        Route("/office/build/status", build_status),
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


def _office(request: Request) -> None:
    """Go on only for a signed-in office; else to the login (or the first-start setup)."""
    if not is_office(request):
        target = "/office/login" if ctx(request).store.setting("office_hash") else "/office/setup"
        raise HTTPException(303, headers={"location": target})


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


async def home(request: Request) -> Response:
    return page(request, "home.html", snap=await ctx(request).snapshot())


# ---- password --------------------------------------------------------------------------

def _sign_in(request: Request) -> None:
    store = ctx(request).store
    epoch = store.setting("session_epoch") or secrets.token_hex(8)
    store.set_setting("session_epoch", epoch)
    request.session.clear()
    request.session["office"] = epoch
    csrf_token(request)


async def setup(request: Request) -> Response:
    c = ctx(request)
    if c.store.setting("office_hash"):
        return RedirectResponse("/office/login", 303)
    wait = c.throttle.wait(_client(request))
    if wait:
        return page(request, "setup.html", 429, code="", problem=f"尝试次数过多，请{_minutes(wait)}后再试。")
    if request.method == "GET":
        code = request.query_params.get("code", "")
        if not (c.setup_code and secrets.compare_digest(code, c.setup_code)):
            if code:
                c.throttle.fail(_client(request))
            return page(request, "setup.html", 403, code="",
                        problem="请使用启动服务时终端窗口中显示的“设置密码”链接打开本页。")
        return page(request, "setup.html", code=code, problem="")
    form = await checked_form(request)
    code = str(form.get("code", ""))
    if not (c.setup_code and secrets.compare_digest(code, c.setup_code)):
        c.throttle.fail(_client(request))
        return page(request, "setup.html", 403, code="", problem="设置链接不对，请使用终端窗口中显示的链接。")
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    problem = password_problem(password, again)
    if problem:
        return page(request, "setup.html", 400, code=code, problem=problem)
    c.store.set_setting("office_hash", hash_password(password))
    c.store.set_setting("session_epoch", secrets.token_hex(8))
    c.setup_code = ""
    _sign_in(request)
    return RedirectResponse("/office", 303)


async def login(request: Request) -> Response:
    c = ctx(request)
    if not c.store.setting("office_hash"):
        return RedirectResponse("/office/setup", 303)
    if request.method == "GET":
        return page(request, "login.html", problem="")
    form = await checked_form(request)
    wait = c.throttle.wait(_client(request))
    if wait:
        return page(request, "login.html", 429, problem=f"密码错误次数过多，请{_minutes(wait)}后再试。")
    ok = await run_in_threadpool(verify_password, str(form.get("password", "")), c.store.setting("office_hash"))
    if not ok:
        c.throttle.fail(_client(request))
        return page(request, "login.html", 403, problem="密码不对，请重新输入。")
    c.throttle.succeed(_client(request))
    _sign_in(request)
    return RedirectResponse("/office", 303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/office/login", 303)


def _minutes(seconds: int) -> str:
    return f"{max(1, (seconds + 59) // 60)}分钟"


# ---- the status page -------------------------------------------------------------------

def _department_rows(request: Request, snap) -> list[dict]:
    c = ctx(request)
    if not snap.period:
        return []
    planned = [d for d in snap.departments.values() if d.in_plan]
    tokens = c.store.tokens(snap.period, [d.name for d in planned])
    web = c.store.submissions(snap.period)
    rows = []
    for d in snap.departments.values():
        t = tokens.get(d.name)
        v: Version | None = web.get(d.name)
        via_web = v is not None and any(p.name == v.current_name for p in d.files)
        when = v.received_at if via_web else _mtime(d.files[0]) if d.files else ""
        rows.append(dict(dept=d, link=f"{base_url(request)}d/{t.token}" if t else "", via_web=via_web, when=when))
    return rows


def _mtime(path: Path) -> str:
    from datetime import datetime

    try:
        return datetime.fromtimestamp(path.stat().st_mtime).isoformat(sep=" ", timespec="seconds")
    except OSError:
        return ""


async def dashboard(request: Request) -> Response:
    _office(request)
    c = ctx(request)
    if not (c.root / "report.toml").exists():  # an empty folder served: the way in is 新建工作目录
        return RedirectResponse("/office/start", 303)
    snap = await c.snapshot()
    rows = _department_rows(request, snap)
    files = outputs(c.root, snap.period)
    builds = c.store.builds(limit=1)
    return page(request, "office.html", snap=snap, rows=rows, files=files, last_build=builds[0] if builds else None,
                progress=c.builder.status(), submitted=sum(r["dept"].in_plan and r["dept"].state in ("已报送", "待修改") for r in rows),
                planned=sum(r["dept"].in_plan for r in rows),
                press=[f for f in files if f.kind == "press-release" and f.format == "html"],
                briefing=next((f for f in files if f.kind == "briefing-pack" and f.format == "pdf"), None))


async def start_build(request: Request) -> Response:
    _office(request)
    await checked_form(request)
    ctx(request).builder.start()
    return RedirectResponse("/office#build", 303)


async def build_status(request: Request) -> Response:
    _office(request)
    return JSONResponse(ctx(request).builder.status() or {})


# ---- links -----------------------------------------------------------------------------

async def links(request: Request) -> Response:
    _office(request)
    c = ctx(request)
    snap = await c.snapshot()
    if request.method == "POST":
        form = await checked_form(request)
        dept, action = str(form.get("department", "")), form.get("action")
        planned = {d.name for d in snap.departments.values() if d.in_plan}
        if not snap.period or dept not in planned or action not in ("revoke", "reissue"):
            raise HTTPException(400, "没有这个单位，或操作不对。")
        c.store.revoke(snap.period, dept, reissue=action == "reissue")
        return RedirectResponse("/office/links", 303)
    planned = [d for d in snap.departments.values() if d.in_plan]
    stopped = c.store.revoked_departments(snap.period) if snap.period else set()
    tokens = c.store.tokens(snap.period, [d.name for d in planned if d.name not in stopped]) if snap.period else {}
    rows = [dict(dept=d, link=f"{base_url(request)}d/{tokens[d.name].token}" if d.name in tokens else "")
            for d in planned]
    return page(request, "links.html", snap=snap, rows=rows)


# ---- findings and history --------------------------------------------------------------

async def report(request: Request) -> Response:
    _office(request)
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
    _office(request)
    c = ctx(request)
    snap = await c.snapshot()
    target = c.store.folder / "tmp" / f"report-{secrets.token_hex(8)}.xlsx"
    await run_in_threadpool(write_report, Report(list(snap.issues)), target)
    return file_response(target, f"{snap.period or ''}校验报告.xlsx", remove=True)


async def history(request: Request) -> Response:
    _office(request)
    c = ctx(request)
    snap = await c.snapshot()
    dept = request.query_params.get("department") or None
    versions = c.store.versions(snap.period, dept) if snap.period else []
    return page(request, "history.html", snap=snap, versions=versions, department=dept,
                departments=list(snap.departments), builds=c.store.builds(limit=20))


async def download_version(request: Request) -> Response:
    _office(request)
    c = ctx(request)
    v = c.store.version(request.path_params["vid"])
    path = c.store.version_path(v) if v else None
    if path is None:
        raise HTTPException(404, "没有这个版本的文件。")
    return file_response(path, f"{v.department}（第{v.id}号版本）{path.suffix}")


# ---- outputs ---------------------------------------------------------------------------

async def _output(request: Request, path: str):
    c = ctx(request)
    found = next((o for o in outputs(c.root, (await c.snapshot()).period) if o.path == path), None)
    if found is None:
        raise HTTPException(404, "没有这个文件。请先生成材料，或刷新页面。")
    return found


async def download_output(request: Request) -> Response:
    _office(request)
    o = await _output(request, request.path_params["path"])
    inline = request.query_params.get("inline") == "1" and o.format in ("html", "pdf")
    response = file_response(o.file, Path(o.path).name, inline=inline)
    if o.format == "html":
        response.headers["content-security-policy"] = OUTPUT_CSP
    return response


async def download_all(request: Request) -> Response:
    _office(request)
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
    return file_response(target, f"{snap.period}全部材料.zip", remove=True)


async def preview_press(request: Request) -> Response:
    _office(request)
    c = ctx(request)
    files = [o for o in outputs(c.root, (await c.snapshot()).period) if o.kind == "press-release" and o.format == "html"]
    if not files:
        raise HTTPException(404, "还没有生成新闻通稿。请先点“生成全部材料”。")
    chosen = next((o for o in files if o.variant == request.query_params.get("variant")), files[0])
    return page(request, "preview_press.html", files=files, chosen=chosen)


async def preview_briefing(request: Request) -> Response:
    _office(request)
    c = ctx(request)
    pdf = next((o for o in outputs(c.root, (await c.snapshot()).period) if o.kind == "briefing-pack" and o.format == "pdf"), None)
    if pdf is None:
        raise HTTPException(404, "还没有生成工作简报。请先点“生成全部材料”。")
    pages = await run_in_threadpool(preview_pages, c.store, pdf)
    return page(request, "preview_briefing.html", pdf=pdf, pages=len(pages))


async def preview_page(request: Request) -> Response:
    _office(request)
    c = ctx(request)
    sha, n = request.path_params["sha"], request.path_params["n"]
    pdf = next((o for o in outputs(c.root, (await c.snapshot()).period) if o.format == "pdf" and o.key == sha), None)
    if pdf is None:
        raise HTTPException(404, "没有这一页。")
    pages = await run_in_threadpool(preview_pages, c.store, pdf)
    if not 1 <= n <= len(pages):
        raise HTTPException(404, "没有这一页。")
    return FileResponse(pages[n - 1], media_type="image/png")
