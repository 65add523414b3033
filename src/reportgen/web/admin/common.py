"""What the office's admin pages share: sign-in, the period they act on, staged uploads."""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ...errors import InputError
from ...read import latest_period
from ..app import checked_form, ctx, page
from ..submit import MAX_UPLOAD, MAX_UPLOAD_MB

TOKEN = re.compile(r"^[0-9a-f]{16}$")


def has_workspace(root: Path) -> bool:
    return (root / "report.toml").is_file()


def need_workspace(request: Request) -> Path:
    """The workspace root; a folder not yet made a workspace sends the office to 新建工作目录."""
    root = ctx(request).root
    if not has_workspace(root):
        raise HTTPException(303, headers={"location": "/office/start"})
    return root


def current_period(root: Path) -> str | None:
    try:
        return latest_period(root)
    except InputError:
        return None


def staging(request: Request, prefix: str, token: str | None = None) -> tuple[str, Path]:
    """A folder under the platform's own tmp/ for one upload, named by a fresh (or given) token."""
    if token is not None and not TOKEN.match(token):
        raise HTTPException(400, "页面已过期，请重新上传。")
    token = token or secrets.token_hex(8)
    return token, ctx(request).store.folder / "tmp" / f"{prefix}-{token}"


async def uploaded(request: Request) -> tuple[str, bytes, dict]:
    """(file name, bytes, other fields) of a one-file form; a 400 when no file came."""
    form = await checked_form(request, files=1)
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise HTTPException(400, "没有选择文件。请先点“选择文件”，再上传。")
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"上传的文件超过 {MAX_UPLOAD_MB} MB，未接收。")
    name = Path(file.filename.replace("\\", "/")).name
    return name, data, {k: v for k, v in form.items() if k != "file"}


def clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


async def show(request: Request, name: str, status: int = 200, **values):
    """An admin page, headed with the workspace as it is now (its region may just have been set)."""
    return page(request, name, status, snap=await ctx(request).snapshot(), **values)
