"""Serving behind a reverse proxy (nginx, a 政务云 HTTPS gateway): the path prefix, forwarded headers, cookies,
and the address the departments' links use.

- The path prefix (`--root-path /baosong`, the path of `--public-url`, or X-Forwarded-Prefix from a trusted
  proxy) becomes the ASGI root_path. A request may come with the prefix (nginx `proxy_pass http://host:port;`)
  or without it (`proxy_pass http://host:port/;`): both reach the same page.
- X-Forwarded-For and -Proto are read by uvicorn's ProxyHeadersMiddleware, X-Forwarded-Host and -Prefix here,
  and only from the trusted proxies (`--forwarded-allow-ips`, by default this computer: 127.0.0.1).
- Answers: a redirect to one of our paths gets the prefix; the session cookie is scoped to the prefix, and
  Secure when the browser's request came over HTTPS.
- Pages: every root-relative address in our templates (href="/…", action="/…", src="/…", data-…="/…") gets
  the prefix when the template is compiled (`PrefixedLoader`), so templates are written as if served at /.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from urllib.parse import urlsplit

import jinja2
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

# the first segments of our own routes: a prefix equal to one of them would make paths ambiguous
OWN_SEGMENTS = {"d", "office", "static", "healthz"}
PREFIX_PATTERN = re.compile(r"(/[A-Za-z0-9._~-]+)+")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
DEFAULT_TRUSTED = "127.0.0.1"


class ProxyError(ValueError):
    """A proxy setting that cannot work; the message is Chinese and names the option."""


def root_path_of(value: str, option: str = "--root-path") -> str:
    """"/baosong" from "/baosong/", "" from "" or "/"; a ProxyError for anything that is not a plain URL path."""
    value = (value or "").strip().rstrip("/")
    if not value:
        return ""
    if not PREFIX_PATTERN.fullmatch(value) or any(part in (".", "..") for part in value.split("/")):
        raise ProxyError(f"{option} 的路径“{value}”不能使用：应以 / 开头，只含英文字母、数字和 . _ ~ -，例如 /baosong。")
    if value.split("/")[1] in OWN_SEGMENTS:
        raise ProxyError(f"{option} 的路径“{value}”与报送平台自己的网址（/d/、/office/、/static/）重名，请换一个，例如 /baosong。")
    return value


def public_url_of(value: str) -> str:
    """The address departments use, normalised to end with "/"; a ProxyError when it is not an http(s) address."""
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ProxyError(f"--public-url 应是各单位在浏览器中打开的完整地址，例如 https://zwfw.example.gov.cn/baosong/，"
                         f"而不是“{value}”。")
    root_path_of(parts.path, "--public-url")
    return value.rstrip("/") + "/"


def trusted_of(value: str) -> str:
    """Check --forwarded-allow-ips: IP addresses or networks, comma-separated, or *."""
    value = (value or "").strip()
    if value == "*":
        return value
    for item in (x.strip() for x in value.split(",")):
        try:
            ipaddress.ip_network(item, strict=False) if "/" in item else ipaddress.ip_address(item)
        except ValueError:
            raise ProxyError(f"--forwarded-allow-ips 中的“{item}”不是 IP 地址或网段；应写反向代理的地址，"
                             "多个用逗号分隔，例如 127.0.0.1,10.1.2.0/24。") from None
    return value


def is_loopback_host(host: str | None) -> bool:
    host = (host or "").strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def only_here(url: str) -> bool:
    """Whether an address opens only on the server's own computer (127.0.0.1, localhost)."""
    return is_loopback_host(urlsplit(url).hostname)


def prefix_of(scope) -> str:
    """The path prefix of a request (inside a Mount, the application's, not the Mount's)."""
    return scope.get("app_root_path", scope.get("root_path", ""))


class BehindProxy:
    """The outermost ASGI layer: see the module's description."""

    def __init__(self, app, *, root_path: str = "", trusted: str = DEFAULT_TRUSTED):
        self.app = app
        self.root_path = root_path_of(root_path)
        self.forwarded = ProxyHeadersMiddleware(self._inner, trusted)
        self.trusted = self.forwarded.trusted_hosts
        self.warned: set[str] = set()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope = dict(scope)
        peer = (scope.get("client") or ("", 0))[0]
        headers = scope.get("headers", [])
        prefix = self.root_path
        if peer in self.trusted:
            headers, forwarded_prefix = self._forwarded_host_and_prefix(headers)
            if forwarded_prefix is not None:
                prefix = forwarded_prefix
        elif any(k.startswith(b"x-forwarded-") for k, _ in headers):
            self._warn_untrusted(peer)
        scope["headers"] = headers
        path = scope.get("path", "/")
        if prefix and not (path == prefix or path.startswith(prefix + "/")):
            scope["path"] = prefix + path
            if "raw_path" in scope and scope["raw_path"] is not None:
                scope["raw_path"] = prefix.encode() + scope["raw_path"]
        scope["root_path"] = prefix
        return await self.forwarded(scope, receive, send)

    async def _inner(self, scope, receive, send):
        prefix = scope["root_path"]

        async def send_fixed(message):
            if message["type"] == "http.response.start":
                https = scope.get("scheme") == "https"  # as ProxyHeadersMiddleware set it from X-Forwarded-Proto
                message = {**message, "headers": [_fixed_header(k, v, prefix, https)
                                                  for k, v in message.get("headers", [])]}
            await send(message)

        await self.app(scope, receive, send_fixed)

    @staticmethod
    def _forwarded_host_and_prefix(headers):
        values = {k: v.decode("latin-1") for k, v in headers if k in (b"x-forwarded-host", b"x-forwarded-prefix")}
        prefix = None
        if b"x-forwarded-prefix" in values:
            try:
                prefix = root_path_of(values[b"x-forwarded-prefix"].split(",")[0], "X-Forwarded-Prefix")
            except ProxyError as e:
                print(f"报送平台：{e}（已忽略这个请求头）", file=sys.stderr)
        host = values.get(b"x-forwarded-host", "").split(",")[0].strip()
        if host:
            headers = [(k, v) for k, v in headers if k != b"host"] + [(b"host", host.encode("latin-1"))]
        return headers, prefix

    def _warn_untrusted(self, peer: str) -> None:
        if peer in self.warned or len(self.warned) > 100:
            return
        self.warned.add(peer)
        print(f"报送平台：{peer} 发来的请求带有 X-Forwarded-… 转发头，但这个地址不在 --forwarded-allow-ips 中，"
              f"已忽略这些头（单位链接、HTTPS 判断可能不对）。如果 {peer} 是反向代理，请在启动时加上 "
              f"--forwarded-allow-ips {peer}。", file=sys.stderr, flush=True)


def _fixed_header(name: bytes, value: bytes, prefix: str, https: bool) -> tuple[bytes, bytes]:
    if name == b"location" and prefix:
        text = value.decode("latin-1")
        if text.startswith("/") and not text.startswith("//") and not (text == prefix or text.startswith(prefix + "/")):
            return name, (prefix + text).encode("latin-1")
    elif name == b"set-cookie":
        parts = [p.strip() for p in value.decode("latin-1").split(";")]
        attrs = {p.split("=", 1)[0].lower() for p in parts[1:]}
        if prefix:
            parts = [f"path={prefix}" if p.lower() == "path=/" else p for p in parts]
        if https and "secure" not in attrs:
            parts.append("secure")
        return name, "; ".join(parts).encode("latin-1")
    return name, value


# ---- pages --------------------------------------------------------------------------------

_ROOT_RELATIVE = re.compile(r"""(\s[\w:-]+=)(["'])/(?!/)""")
_PREFIX_EXPRESSION = "{{ _prefix(request.scope) if request is defined else '' }}"


class PrefixedLoader(jinja2.FileSystemLoader):
    """Our page templates, each root-relative address in an attribute preceded by the request's path prefix."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return _ROOT_RELATIVE.sub(lambda m: f"{m[1]}{m[2]}{_PREFIX_EXPRESSION}/", source), filename, uptodate


def install(env: jinja2.Environment) -> None:
    env.globals["_prefix"] = prefix_of


# ---- the address in the departments' links ----------------------------------------------------

def link_base(request, public_url: str = "", network_url: str = "") -> str:
    """What a department types, ending in "/": `--public-url` when given; else the address the office reached
    this page at, unless that is this computer's own (127.0.0.1) while the server is on the network, when
    the network address (`network_url`) is used instead."""
    if public_url:
        return public_url
    reached = str(request.base_url)
    if network_url and only_here(reached):
        return network_url.rstrip("/") + prefix_of(request.scope) + "/"
    return reached
