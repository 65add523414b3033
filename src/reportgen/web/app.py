"""The web application: `create_app(workspace)` → an ASGI app (Starlette), served by `reportgen serve`.

Pages are rendered on the server with Jinja (templates/ beside this file), forms are plain HTML,
the CSS and the little script come from static/ beside this file: nothing from another site.
Routes are in `department.py` (the pages behind each department's link) and `office.py`
(the office's pages, behind the password).
"""

from __future__ import annotations

import secrets
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..codes import title
from . import proxy
from .builds import Builder
from .security import Throttle, csrf_ok, new_csrf
from .state import Snapshot, Workspaces
from .store import Store, User, clear_temp
from .submit import MAX_UPLOAD, MAX_UPLOAD_MB, short_name

HERE = Path(__file__).resolve().parent
SESSION_HOURS = 12  # an office session ends this long after sign-in, whatever
IDLE_MINUTES = 60  # ... or after this long without a page opened
FORM_LIMIT = 64 * 1024  # bytes of a POST that is not an upload
DRAIN_LIMIT = 512 * 1024 * 1024  # an oversized upload is read and dropped up to here, so the browser sees the answer
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; "
            "form-action 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'")
# a built HTML document shown as is: its own inline styles, nothing else, and no script at all
OUTPUT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'; sandbox"


@dataclass
class Context:
    """What every route needs, kept on `app.state.ctx`."""

    root: Path
    store: Store
    workspaces: Workspaces
    builder: Builder
    throttle: Throttle
    templates: Jinja2Templates
    setup_code: str  # the one-time code in the setup link the terminal shows; "" once a password is set
    public_url: str  # --public-url: the address departments use, ending in "/" ("" = as the office reached us)
    network_url: str  # the server's office-network address, used instead of 127.0.0.1 in links ("" = none)

    async def snapshot(self) -> Snapshot:
        """The workspace as validation sees it; read in a worker thread, never on the event loop."""
        return await run_in_threadpool(self.workspaces.get)


def ctx(request: Request) -> Context:
    return request.app.state.ctx


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = new_csrf()
    return request.session["csrf"]


async def checked_form(request: Request, *, files: int = 0, fields: int = 20):
    """The POSTed form, or a 403 when its CSRF token is missing or wrong (`fields`: 400 for the settings)."""
    form = await request.form(max_files=files, max_fields=fields, max_part_size=FORM_LIMIT)
    if not csrf_ok(request.session.get("csrf"), form.get("csrf")):
        raise HTTPException(403, "页面已过期或来源不明（缺少安全校验码）。请刷新页面后重新操作。")
    return form


def base_url(request: Request) -> str:
    """The start of the departments' links, ending in "/" (see proxy.link_base)."""
    c = ctx(request)
    return proxy.link_base(request, c.public_url, c.network_url)


def page(request: Request, name: str, status: int = 200, **values) -> Response:
    c = ctx(request)
    snap = values.get("snap") or c.workspaces.last()  # an error page shows what was last read
    ws = snap.workspace if snap else None
    values.setdefault("snap", snap)
    nav = values.pop("nav", True)  # the office's menu; never on a department's pages
    common = dict(
        csrf=csrf_token(request),
        site=f"{ws.config.region}{ws.config.program}报送平台" if ws else "报送平台",
        period_label=f"{ws.period.year}年{ws.period.label}" if ws else "",
        office=nav and is_office(request),
        links_local=proxy.only_here(base_url(request)),  # the departments' links would name this computer
        user=office_user(request) if nav else None,
        max_upload_mb=MAX_UPLOAD_MB,
    )
    return c.templates.TemplateResponse(request, name, {**common, **values}, status_code=status)


def office_user(request: Request) -> User | None:
    """The signed-in office user: the cookie names a session the server still holds, recently used.
    Signing out, a new password or removing the user ends the session on the server: a copied cookie
    opens nothing afterwards."""
    if "office_user" not in request.scope:
        sid = request.session.get("sid")
        touch = not request.url.path.endswith("/changes")  # the page's auto refresh is not activity
        user = ctx(request).store.session_user(sid, IDLE_MINUTES, SESSION_HOURS, touch=touch) if sid else None
        if sid and user is None:
            request.session.pop("sid", None)
            request.session["expired"] = True
        request.scope["office_user"] = user
    return request.scope["office_user"]


def is_office(request: Request) -> bool:
    return office_user(request) is not None


def require_office(request: Request) -> User:
    """Go on only for a signed-in office user; else to the login (or the first-start setup)."""
    user = office_user(request)
    if user is None:
        target = "/office/setup" if ctx(request).store.needs_setup() else "/office/login"
        raise HTTPException(303, headers={"location": target})
    return user


def log_action(request: Request, action: str, detail: str = "", *, user: User | None = None,
               period: str | None = None) -> None:
    """An office user's action in 操作记录 (the signed-in user unless named: one who just signed in),
    under the period the pages show unless given."""
    c = ctx(request)
    last = c.workspaces.last()
    c.store.log((user or require_office(request)).name, action, detail, period or (last.period if last else None))


def message_page(request: Request, title: str, text: str, status: int, back: str = "", nav: bool = True) -> Response:
    try:
        return page(request, "message.html", status, title=title, text=text, back=back, nav=nav)
    except Exception:  # noqa: BLE001 - the workspace itself may be what failed
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>{title}</title><p>{text}</p>", status)


async def http_error(request: Request, exc: HTTPException) -> Response:
    if 300 <= exc.status_code < 400 and exc.headers and "location" in exc.headers:
        return RedirectResponse(exc.headers["location"], exc.status_code)
    titles = {400: "请求有误", 403: "无法完成操作", 404: "页面不存在", 405: "操作方式不对", 413: "文件过大",
              410: "链接已停用", 429: "操作过于频繁"}
    default = {404: "没有这个页面。请检查地址是否完整，或向推进办索取新的链接。",
               405: "请从页面上的按钮操作。"}.get(exc.status_code, "请返回上一页重试。")
    text = exc.detail if exc.detail and exc.detail != _reason(exc.status_code) else default
    return message_page(request, titles.get(exc.status_code, "出错了"), text, exc.status_code,
                        nav=not request.url.path.removeprefix(proxy.prefix_of(request.scope)).startswith("/d/"))


def _reason(code: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(code).phrase


async def server_error(request: Request, exc: Exception) -> Response:
    traceback.print_exception(exc, file=sys.stderr)
    return HTMLResponse("<!doctype html><html lang=zh-CN><meta charset=utf-8><title>服务出错</title>"
                        "<p>服务出错，未能完成操作。请稍后重试；如果一再出现，请把服务窗口中的提示发给技术支持。</p>", 500)


class TooLarge(Exception):
    pass


class Guard:
    """Outermost layer: request bodies bounded (an upload to MAX_UPLOAD, any other POST to FORM_LIMIT),
    and security headers on every answer."""

    def __init__(self, app, upload_limit: int = MAX_UPLOAD):
        self.app, self.upload_limit = app, upload_limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        limit = self.upload_limit + FORM_LIMIT if path.endswith("/upload") else FORM_LIMIT
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    more = message.get("more_body", False)
                    while more and seen <= DRAIN_LIMIT:  # read the rest, so the browser is still listening
                        m = await receive()
                        seen += len(m.get("body", b""))
                        more = m.get("more_body", False)
                    raise TooLarge()
            return message

        async def secured_send(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"SAMEORIGIN"), (b"content-security-policy", PAGE_CSP.encode()),
                         (b"cache-control", b"no-store")]
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > DRAIN_LIMIT:
            return await too_large_response(path, proxy.prefix_of(scope))(scope, receive, secured_send)
        await self.app(scope, limited_receive, secured_send)


def too_large_response(path: str, prefix: str = "") -> Response:
    upload = path.endswith("/upload")
    text = (f"上传的文件超过 {MAX_UPLOAD_MB} MB，未接收。请只保留本单位的填报内容，另存为 .xlsx 后重新上传。"
            if upload else "提交的内容过长，未接收。")
    back = path[: -len("/upload")] if upload else prefix + "/"
    return HTMLResponse(
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<link rel=stylesheet href={prefix}/static/style.css><title>文件过大</title><main class=wrap><h1>文件过大</h1>"
        f"<p class='note bad'>{text}</p><p><a class=button href='{_attr(back)}'>返回</a></p></main>", 413,
        headers={"connection": "close"})


async def too_large(request: Request, exc: TooLarge) -> Response:
    path = request.url.path
    if not path.endswith("/upload"):
        return message_page(request, "内容过长", "提交的内容过长，未接收。", 413)
    return message_page(request, "文件过大", f"上传的文件超过 {MAX_UPLOAD_MB} MB，未接收。请只保留本单位的填报内容，"
                        "另存为 .xlsx 后重新上传。", 413, back=path[: -len("/upload")], nav=False)


def _attr(s: str) -> str:
    import html

    return html.escape(s, quote=True)


def create_app(root: Path | str, *, public_url: str = "", network_url: str = "", root_path: str = "",
               forwarded_allow_ips: str = proxy.DEFAULT_TRUSTED, setup_code: str | None = None) -> proxy.BehindProxy:
    """The application for one workspace. `public_url`: the address departments use (for their links), whose
    path is the prefix unless `root_path` says it; `network_url`: this server's office-network address;
    `forwarded_allow_ips`: the reverse proxies whose X-Forwarded-* headers are believed (see proxy.py).
    A ProxyError (Chinese) for settings that cannot work."""
    from . import admin, department, health, office

    public_url = proxy.public_url_of(public_url)
    root_path = proxy.root_path_of(root_path)
    implied = proxy.root_path_of(urlsplit(public_url).path, "--public-url") if public_url else ""
    if root_path and public_url and implied != root_path:
        raise proxy.ProxyError(f"--public-url 的路径（{implied or '/'}）与 --root-path（{root_path}）不一致；"
                               "只写 --public-url 即可，它的路径就是前缀。")
    forwarded_allow_ips = proxy.trusted_of(forwarded_allow_ips)

    root = Path(root).resolve()
    store = Store(root)
    clear_temp(store)
    store.interrupted_builds()
    for v in store.interrupted_uploads():
        store.log(v.department, "上传未完成", f"第{v.id}号版本“{v.original_name}”：服务停止，未完成校验", v.period)
    env = jinja2.Environment(loader=proxy.PrefixedLoader(str(HERE / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["size"] = human_size
    env.filters["short"] = short_name
    env.globals["code_title"] = title
    proxy.install(env)
    templates = Jinja2Templates(env=env)
    has_password = not store.needs_setup()
    context = Context(root, store, Workspaces(root), Builder(root, store), Throttle(), templates,
                      "" if has_password else (setup_code or secrets.token_urlsafe(18)), public_url, network_url)
    routes = [*department.routes(), *office.routes(), *admin.routes(), *health.routes(), Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SessionMiddleware, secret_key=store.secret("session_key"), session_cookie="reportgen",
                               max_age=SESSION_HOURS * 3600, same_site="lax")],
        exception_handlers={HTTPException: http_error, TooLarge: too_large, Exception: server_error},
    )
    app.state.ctx = context
    outer = proxy.BehindProxy(Guard(app), root_path=root_path or implied, trusted=forwarded_allow_ips)
    outer.state = app.state  # tests reach the context as app.state.ctx
    return outer


def human_size(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
