"""The pages behind a department's link /d/<token>: by when, am I done, what will be printed.

Deadline and status, the office's contact, the workbook to fill, upload (a worse file waits for the
clerk's confirmation), every finding, a preview of the unit's tasks as the press release prints them,
a receipt per upload.

The token names one department for one period; everything here is that department's alone:
its own versions, its own current file, its own findings. An unknown, stopped or old link
sees nothing.
"""

from __future__ import annotations

import secrets
import shutil
from datetime import date

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InputError
from ..periods import prefilled_workbook
from ..render.validation import write_return
from .app import OUTPUT_CSP, checked_form, ctx, page
from .preview import unit_preview
from .state import DeptState, Snapshot, file_stem
from .store import Token, Version
from .submit import MAX_UPLOAD, Upload, decline, receive, take

WEEKDAYS = "一二三四五六日"


def routes() -> list[Route]:
    return [
        Route("/d/{token}", department_page),
        Route("/d/{token}/template.xlsx", download_template),
        Route("/d/{token}/return.xlsx", download_return),
        Route("/d/{token}/current", download_current),
        Route("/d/{token}/upload", upload, methods=["POST"]),
        Route("/d/{token}/decide", decide, methods=["POST"]),
        Route("/d/{token}/preview", preview),
        Route("/d/{token}/receipt/{vid:int}", receipt),
    ]


def deadline(snap: Snapshot, today: date | None = None) -> dict | None:
    """截止日期 with the days left, or how long ago it passed."""
    when = snap.workspace.period.deadline if snap.workspace else None
    if when is None:
        return None
    left = (when - (today or date.today())).days
    text = f"{when.year}年{when.month}月{when.day}日（星期{WEEKDAYS[when.weekday()]}）"
    if left > 0:
        return dict(date=text, left=left, overdue=False, note=f"还有 {left} 天")
    if left == 0:
        return dict(date=text, left=0, overdue=False, note="今天截止")
    return dict(date=text, left=left, overdue=True, note=f"已逾期 {-left} 天")


def badge(d: DeptState | None) -> tuple[str, str, str]:
    """The clerk's status: (label, css class, one sentence saying what it means)."""
    if d is None or not d.files:
        return "未报送", "muted", "本单位本期还没有报送。"
    if d.state == "空表未填":
        return "待修改", "error", "推进办收到的是还没有填写进展的空表，请填写后重新上传。"
    if d.state == "无法读取":
        return "待修改", "error", "推进办收到的文件无法读取，请另存为 .xlsx 后重新上传。"
    if d.errors:
        return "待修改", "error", f"还有 {d.errors} 处错误需要修改，改好后重新上传。"
    if d.warnings:
        return "已报送·有提醒", "warning", f"已报送，没有错误；有 {d.warnings} 条提醒，请看一下是否需要修改。"
    return "已报送·无问题", "ok", "已报送，校验没有发现问题。谢谢！"


def contact(snap: Snapshot) -> str:
    c = snap.workspace.config if snap.workspace else None
    if c is None:
        return ""
    return "　".join(p for p in (c.office_contact, c.office_phone) if p)


def is_in_use(v: Version | None, d: DeptState | None) -> bool:
    """Whether the record's latest version of a unit is the file now in departments/ (not one the office put there)."""
    return v is not None and d is not None and any(p.name == v.current_name for p in d.files)


def in_use(c, t: Token, d: DeptState | None) -> Version | None:
    """The record's version now in departments/ (None: nothing, or a file the office put there)."""
    v = c.store.submissions(t.period).get(t.department)
    return v if is_in_use(v, d) else None


async def _page(request: Request, t: Token, status: int = 200, **values) -> Response:
    c = ctx(request)
    snap = await c.snapshot()
    dept = snap.department(t.department)
    current = in_use(c, t, dept)
    versions = c.store.versions(t.period, t.department, limit=50)
    label, css, meaning = badge(dept)
    values.setdefault("result", None)
    return page(request, "department.html", status, snap=snap, nav=False, token=t, dept=dept, versions=versions,
                current=current, pending=c.store.pending(t.period, t.department), badge=label, badge_css=css,
                badge_text=meaning, deadline=deadline(snap), contact=contact(snap), **values)


async def _token(request: Request) -> Token:
    """The link's token, valid for the current period, or a page saying why not."""
    c = ctx(request)
    t = c.store.token(request.path_params["token"])
    if t is None:
        raise HTTPException(404, "链接无效。请核对链接是否完整，或向推进办索取本单位的链接。")
    if not t.active:
        raise HTTPException(410, "该链接已停用。请向推进办索取本单位的新链接。")
    snap = await c.snapshot()
    if snap.period and snap.period != t.period:
        raise HTTPException(410, f"该链接属于已结束的报告期（{t.period}），请向推进办索取本期的新链接。")
    return t


async def department_page(request: Request) -> Response:
    t = await _token(request)
    c = ctx(request)
    result = None
    if request.query_params.get("v", "").isdigit():
        v = c.store.version(int(request.query_params["v"]))
        if v is not None and v.department == t.department and v.period == t.period:  # only its own
            result = v
    return await _page(request, t, result=result)


async def upload(request: Request) -> Response:
    t = await _token(request)
    c = ctx(request)
    form = await checked_form(request, files=1)
    file = form.get("file")
    if isinstance(file, UploadFile):
        data = await file.read(MAX_UPLOAD + 1)
        name = file.filename
    else:
        data, name = b"", None
    snap = await c.snapshot()
    if snap.department(t.department) is None or not snap.department(t.department).in_plan:
        raise HTTPException(403, "本期任务清单中没有本单位的任务，无需报送。如有疑问请联系推进办。")
    outcome: Upload = await run_in_threadpool(receive, c.store, c.workspaces, t.period, t.department, name, data)
    if outcome.version is None:  # nothing kept: say why on the page itself
        status = {"E-UPLOAD-TOO-MANY": 429, "E-UPLOAD-TOO-LARGE": 413}.get(outcome.refused[0].code, 400)
        return await _page(request, t, status, refused=outcome.refused)
    v = outcome.version
    what = ("未采用：" + outcome.refused[0].message if outcome.refused else "待确认：" + outcome.held if outcome.held
            else f"在用，错误 {v.errors} 处，提醒 {v.warnings} 条")
    c.store.log(t.department, "上传", f"第{v.id}号版本“{v.original_name}”，{what}", t.period)
    return RedirectResponse(f"/d/{t.token}?v={v.id}#result", status_code=303)


async def decide(request: Request) -> Response:
    """The clerk's choice for an upload held as 待确认: use it after all, or keep the report in use."""
    t = await _token(request)
    c = ctx(request)
    form = await checked_form(request)
    vid = str(form.get("version", ""))
    v = c.store.version(int(vid)) if vid.isdigit() else None
    if v is None or v.department != t.department or v.period != t.period or v.state != "pending":
        raise HTTPException(400, "这次上传已经处理过了（或已有更新的上传）。请刷新页面查看本单位现在的报送。")
    if form.get("action") == "replace":
        outcome = await run_in_threadpool(take, c.store, c.workspaces, v, hold=False)
        c.store.log(t.department, "确认替换", f"第{v.id}号版本“{v.original_name}”改为在用" if outcome.adopted
                    else f"第{v.id}号版本未采用", t.period)
    else:
        decline(c.store, v)
        c.store.log(t.department, "保留原报送", f"第{v.id}号版本“{v.original_name}”未采用", t.period)
    return RedirectResponse(f"/d/{t.token}?v={v.id}#result", status_code=303)


async def preview(request: Request) -> Response:
    """The unit's tasks through the press release's template (shown in a frame on its page)."""
    t = await _token(request)
    c = ctx(request)
    snap = await c.snapshot()
    if snap.dataset is None:
        raise HTTPException(404, "暂时无法预览，请联系推进办。")
    html = await run_in_threadpool(unit_preview, snap, t.department, c.store.folder / "tmp")
    return HTMLResponse(html, headers={"content-security-policy": OUTPUT_CSP})


async def receipt(request: Request) -> Response:
    """回执 of one upload: when, which file, its number, what became of it; to save or print."""
    t = await _token(request)
    c = ctx(request)
    v = c.store.version(request.path_params["vid"])
    if v is None or v.department != t.department or v.period != t.period or v.source != "web":
        raise HTTPException(404, "没有这次上传的记录。")
    snap = await c.snapshot()
    dept = snap.department(t.department)
    return page(request, "receipt.html", snap=snap, nav=False, token=t, v=v, label=v.label(in_use(c, t, dept)),
                contact=contact(snap), deadline=deadline(snap), tasks=len(dept.tasks) if dept else 0)


async def download_template(request: Request) -> Response:
    t = await _token(request)
    c = ctx(request)
    target = c.store.folder / "tmp" / f"template-{secrets.token_hex(8)}.xlsx"
    try:
        await run_in_threadpool(prefilled_workbook, c.root, t.department, target, t.period)
    except InputError as e:
        raise HTTPException(404, e.issue.message) from None
    return file_response(target, f"{file_stem(t.department)}.xlsx", remove=True)


async def download_current(request: Request) -> Response:
    t = await _token(request)
    files = (await ctx(request).snapshot()).files_of(t.department)
    if not files or not files[0].is_file():
        raise HTTPException(404, "本单位本期还没有报送文件。")
    return file_response(files[0], f"{file_stem(t.department)}（当前报送）{files[0].suffix}")


async def download_return(request: Request) -> Response:
    """The department's current file with every problem marked, and the list of problems first."""
    t = await _token(request)
    c = ctx(request)
    dept = (await c.snapshot()).department(t.department)
    if dept is None or not dept.files or not dept.issues:
        raise HTTPException(404, "本单位当前的报送没有需要修改的问题。")
    work = c.store.folder / "tmp" / f"return-{secrets.token_hex(8)}"
    work.mkdir(parents=True)
    source = work / dept.files[0].name
    try:
        shutil.copyfile(dept.files[0], source)  # a copy: the current file may be replaced meanwhile
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        raise HTTPException(404, "本单位的报送刚刚更新，请刷新页面后重新下载。") from None
    target = work / "return.xlsx"
    await run_in_threadpool(write_return, source, dept.issues, target)
    return file_response(target, f"{file_stem(t.department)}（退回修改）.xlsx", remove_dir=work)


def file_response(path, name: str, *, remove: bool = False, remove_dir=None, inline: bool = False) -> FileResponse:
    task = None
    if remove:
        task = BackgroundTask(path.unlink, missing_ok=True)
    elif remove_dir is not None:
        task = BackgroundTask(shutil.rmtree, remove_dir, ignore_errors=True)
    return FileResponse(path, filename=name, background=task,
                        content_disposition_type="inline" if inline else "attachment")
