"""模板: download the built-in or the office's templates; upload an edited one, checked at once as
`reportgen templates check` checks it (in a copy of the workspace), with a trial press release; a
template whose check finds errors is never put in use."""

from __future__ import annotations

import shutil
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ...lock import workspace_lock
from ...render.env import builtin_templates, confined
from ...render.files import safe_file_name, write_bytes
from ...templating import TEMPLATE_SUFFIXES, check_templates, preview_press
from ..app import OUTPUT_CSP, log_action, require_office
from ..department import file_response
from .common import show, clear, need_workspace, staging, uploaded

TEMPLATE_NAMES = {
    "press-release.html.j2": "新闻通稿（按工程逐项）", "press-release-completed-first.html.j2": "新闻通稿（先列已完成）",
    "press-release-by-theme.html.j2": "新闻通稿（按领域叙述）", "press-release-numbered-list.html.j2": "新闻通稿（编号列表）",
    "press-release.css": "新闻通稿样式", "press-release-print.css": "新闻通稿打印样式",
    "press-release-traditional.css": "繁體版样式", "press-release-large-print.css": "适老版样式",
    "press-release-watermark.css": "草稿水印样式", "press-release.docx": "新闻通稿 Word 样式",
    "briefing-pack.html.j2": "工作简报", "briefing-pack.css": "工作简报样式", "briefing-pack.docx": "工作简报 Word 模板",
}


def routes() -> list[Route]:
    return [
        Route("/office/templates", templates),
        Route("/office/templates/builtin/{name}", download_builtin),
        Route("/office/templates/own/{name}", download_own),
        Route("/office/templates/upload", upload, methods=["POST"]),
        Route("/office/templates/trial/{token}", trial),
    ]


def _is_template(name: str) -> bool:
    return name.endswith(TEMPLATE_SUFFIXES) and safe_file_name(name, 80) == name and not name.startswith(".")


def _rows(root: Path) -> list[dict]:
    own = root / "templates"
    names = sorted({p.name for p in builtin_templates().iterdir() if _is_template(p.name)}
                   | ({p.name for p in own.iterdir() if _is_template(p.name)} if own.is_dir() and not own.is_symlink() else set()))
    return [dict(name=n, title=TEMPLATE_NAMES.get(n, "本单位自加"), builtin=(builtin_templates() / n).is_file(),
                 own=(own / n).is_file() and confined(own, own / n)) for n in names]


async def templates(request: Request, **extra) -> Response:
    require_office(request)
    root = need_workspace(request)
    values = dict(rows=_rows(root), result=None)
    values.update(extra)
    return await show(request, "admin/templates.html", status=400 if (values["result"] or {}).get("refused") else 200, **values)


async def download_builtin(request: Request) -> Response:
    require_office(request)
    name = request.path_params["name"]
    path = builtin_templates() / name
    if not _is_template(name) or not path.is_file():
        raise HTTPException(404, "没有这个内置模板。")
    return file_response(path, name)


async def download_own(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    name = request.path_params["name"]
    folder = root / "templates"
    if not _is_template(name) or not (folder / name).is_file() or not confined(folder, folder / name):
        raise HTTPException(404, "本单位没有这个模板。")
    return file_response(folder / name, name)


def _stage(root: Path, target: Path, name: str, data: bytes) -> None:
    """A copy of the workspace (settings, inputs, fonts, the office's templates) with the uploaded
    template put in, so that checking it changes nothing the office uses."""
    target.mkdir(parents=True)
    shutil.copy2(root / "report.toml", target / "report.toml")
    for folder in ("inputs", "fonts"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, target / folder, symlinks=True)
    own = target / "templates"
    own.mkdir()
    if (root / "templates").is_dir() and not (root / "templates").is_symlink():
        for p in (root / "templates").iterdir():
            if p.is_file() and not p.is_symlink():
                shutil.copy2(p, own / p.name)
    (own / name).write_bytes(data)


def _check(root: Path, target: Path, name: str, data: bytes) -> dict:
    _stage(root, target, name, data)
    found = check_templates(target)
    mine = f"templates/{name}"
    refused = [i for i in found if i.is_error and (i.file == mine or i.code == "E-TEMPLATE-RENDER")]
    preview = False
    if not refused:
        with workspace_lock(root):
            write_bytes(root / "templates" / name, data)
        html = preview_press(target)
        if html is not None:
            (target / "preview.html").write_text(html, encoding="utf-8")
            preview = True
    return dict(name=name, issues=found, refused=refused, preview=preview)


async def upload(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    name, data, _ = await uploaded(request)
    if not _is_template(name):
        return await templates(request, result=dict(name=name, issues=[], preview=False, refused=[
            f"“{name}”不是模板文件。模板文件名以 .html.j2、.css 或 .docx 结尾，例如 press-release.html.j2（请保留下载时的文件名）。"]))
    token, folder = staging(request, "template")
    try:
        result = await run_in_threadpool(_check, root, folder, name, data)
    finally:
        if not (folder / "preview.html").exists():
            clear(folder)
    result["token"] = token
    if not result["refused"]:
        log_action(request, "启用模板", name)
    return await templates(request, result=result)


async def trial(request: Request) -> Response:
    """The trial press release made with the uploaded template, shown as a built HTML file is: no script."""
    require_office(request)
    _, folder = staging(request, "template", request.path_params["token"])
    path = folder / "preview.html"
    if not path.is_file():
        raise HTTPException(404, "试生成的预览已过期，请重新上传模板。")
    response = FileResponse(path, media_type="text/html; charset=utf-8")
    response.headers["content-security-policy"] = OUTPUT_CSP
    return response

