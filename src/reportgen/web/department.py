"""The pages behind a department's link /d/<token>: its tasks, the workbook to fill, upload, findings.

The token names one department for one period; everything here is that department's alone:
its own versions, its own current file, its own findings. An unknown, stopped or old link
sees nothing.
"""

from __future__ import annotations

import secrets
import shutil

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InputError
from ..periods import prefilled_workbook
from ..render.validation import write_return
from .app import checked_form, ctx, page
from .state import file_stem
from .store import Token
from .submit import MAX_UPLOAD, Upload, receive


def routes() -> list[Route]:
    return [
        Route("/d/{token}", department_page),
        Route("/d/{token}/template.xlsx", download_template),
        Route("/d/{token}/return.xlsx", download_return),
        Route("/d/{token}/current", download_current),
        Route("/d/{token}/upload", upload, methods=["POST"]),
    ]


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
    snap = await c.snapshot()
    dept = snap.department(t.department)
    result = None
    if request.query_params.get("v", "").isdigit():
        v = c.store.version(int(request.query_params["v"]))
        if v is not None and v.department == t.department and v.period == t.period:  # only its own
            result = v
    versions = c.store.versions(t.period, t.department, limit=50)
    return page(request, "department.html", snap=snap, nav=False, token=t, dept=dept, result=result, versions=versions,
                current=c.store.submissions(t.period).get(t.department))


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
        snap = await c.snapshot()
        status = {"E-UPLOAD-TOO-MANY": 429, "E-UPLOAD-TOO-LARGE": 413}.get(outcome.refused[0].code, 400)
        return page(request, "department.html", status,
                    snap=snap, nav=False, token=t, dept=snap.department(t.department), result=None, refused=outcome.refused,
                    versions=c.store.versions(t.period, t.department, limit=50),
                    current=c.store.submissions(t.period).get(t.department))
    return RedirectResponse(f"/d/{t.token}?v={outcome.version.id}#result", status_code=303)


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
