"""GET /healthz: whether the server answers and its record opens, for a container's HEALTHCHECK or a monitor.

No sign-in, nothing about the workspace in the answer: "ok", or 503 with the reason (Chinese).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


def routes() -> list[Route]:
    return [Route("/healthz", healthz, methods=["GET", "HEAD"])]


async def healthz(request: Request) -> Response:
    store = request.app.state.ctx.store
    try:
        await run_in_threadpool(store.needs_setup)  # one read of the SQLite record (its users)
    except Exception as e:  # noqa: BLE001 - any failure is the answer
        return PlainTextResponse(f"报送记录无法读取：{type(e).__name__}\n", 503)
    return PlainTextResponse("ok\n")
