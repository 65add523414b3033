"""历次数据: the per-period summary as `reportgen export` counts it, a trend chart of it, the export
itself to download (xlsx/csv), and every earlier period's documents, still readable."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...errors import InputError
from ...export import FORMATS, default_path, export
from ...history import COUNT_COLUMNS, history, totals
from ...read import list_periods
from ...read.config import default_period
from ..app import ctx, log_action, require_office
from ..builds import outputs
from ..department import file_response
from .common import show, need_workspace

CHART_W, CHART_H, PAD = 640, 220, 40


def routes() -> list[Route]:
    return [
        Route("/office/data", data),
        Route("/office/data/export.{fmt}", download_export),
        Route("/office/data/{period}/files/{path:path}", download_earlier),
    ]


def _summary(root):
    """(合计 row per period, problems): the 分期汇总 sheet's 合计 rows, as the export writes them."""
    frame, problems = history(root)
    rows = totals(frame)
    return [r for r in rows.to_dict("records") if r["by"] == "合计"], problems


def chart(rows: list[dict]) -> dict:
    """An SVG line chart of 完成率 per period (points and labels), drawn by the page itself."""
    n = len(rows)
    step = (CHART_W - 2 * PAD) / max(n - 1, 1)
    points = []
    for i, r in enumerate(rows):
        rate = float(r["completion_rate"] or 0)
        x = PAD + i * step if n > 1 else CHART_W / 2
        y = CHART_H - PAD - (CHART_H - 2 * PAD) * rate / 100
        points.append(dict(x=round(x, 1), y=round(y, 1), rate=rate, label=r["period"]))
    return dict(width=CHART_W, height=CHART_H, pad=PAD, points=points,
                line=" ".join(f"{p['x']},{p['y']}" for p in points),
                grid=[dict(y=round(CHART_H - PAD - (CHART_H - 2 * PAD) * v / 100, 1), v=v) for v in (0, 50, 100)])


async def data(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    try:
        rows, problems = await run_in_threadpool(_summary, root)
    except InputError as e:
        rows, problems = [], list(e.issues)
    store = ctx(request).store
    earlier = [dict(code=c, label=f"{default_period(c).year}年{default_period(c).label}", files=outputs(root, c),
                    versions=store.versions(c), in_use=store.submissions(c)) for c in reversed(list_periods(root))]
    return await show(request, "admin/data.html", rows=rows, problems=problems, columns=COUNT_COLUMNS,
                chart=chart(rows) if rows else None, earlier=earlier)


async def download_export(request: Request) -> Response:
    """The file `reportgen export --format FMT` writes, made in the platform's tmp/ (outputs/ untouched)."""
    require_office(request)
    root = need_workspace(request)
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise HTTPException(404, "只能导出 xlsx 或 csv。")
    target = ctx(request).store.folder / "tmp" / f"export-{secrets.token_hex(8)}.{fmt}"
    try:
        await run_in_threadpool(export, root, fmt, target)
        name = default_path(root, fmt).name
    except InputError as e:
        raise HTTPException(400, e.issue.message) from None
    log_action(request, "下载", f"历次数据（{fmt}）")
    return file_response(target, name, remove=True)


async def download_earlier(request: Request) -> Response:
    """A document of any period, as listed in that period's manifest."""
    require_office(request)
    root = need_workspace(request)
    code = request.path_params["period"]
    if code not in list_periods(root):
        raise HTTPException(404, "没有这个报告期。")
    found = next((o for o in outputs(root, code) if o.path == request.path_params["path"]), None)
    if found is None:
        raise HTTPException(404, "没有这个文件。")
    log_action(request, "下载", f"{code} {found.path}", period=code)
    return file_response(found.file, found.path.rsplit("/", 1)[-1])
