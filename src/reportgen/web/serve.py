"""`reportgen serve`: bind, say in the terminal where the pages are, run the application under uvicorn."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from rich.console import Console

from ..read.config import read_config
from .app import create_app
from .proxy import DEFAULT_TRUSTED, ProxyError, is_loopback_host, only_here
from .store import Store, StoreError


def lan_addresses() -> list[str]:
    """IPv4 addresses of this computer's network interfaces, loopback left out; read locally, nothing is sent."""
    found: list[str] = []
    try:
        import fcntl
        import struct

        for _, name in socket.if_nameindex():
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
            except OSError:
                continue
            ip = socket.inet_ntoa(packed[20:24])
            if not ip.startswith("127.") and ip not in found:
                found.append(ip)
    except (ImportError, OSError, AttributeError):  # not Linux: ask the resolver instead
        try:
            found = [ip for ip in socket.gethostbyname_ex(socket.gethostname())[2] if not ip.startswith("127.")]
        except OSError:
            pass
    return found


def is_any(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def url(host: str, port: int, path: str = "/") -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, *, reset_password: bool = False,
          public_url: str = "", root_path: str = "", forwarded_allow_ips: str = DEFAULT_TRUSTED,
          console: Console | None = None) -> int:
    import uvicorn

    console = console or Console(highlight=False)
    root = Path(root).resolve()
    fresh = not (root / "report.toml").exists()  # an empty (or new) folder: the office makes it a workspace on the page
    if fresh:
        root.mkdir(parents=True, exist_ok=True)
    else:
        read_config(root / "report.toml")  # InputError: a broken report.toml (the CLI says so)
    try:
        store = Store(root)
    except StoreError as e:
        console.print(f"[red]错误[/red] {e}", highlight=False)
        return 1
    if reset_password:
        store.reset_first_password()
    try:
        sock = bind(host, port)
    except OSError as e:
        why = "端口已被占用（可能已经启动过一次）" if e.errno in (98, 48, 10048) else (e.strerror or str(e))
        console.print(f"[red]错误[/red] 无法在 {host}:{port} 启动服务：{why}。可以用 --port 换一个端口，例如 --port 8080。",
                      highlight=False)
        return 1
    port = sock.getsockname()[1]
    lan = lan_addresses()
    on_network = not is_loopback_host(host)
    network = (lan[0] if lan else "") if is_any(host) else host if on_network else ""
    local = "127.0.0.1" if is_any(host) or is_loopback_host(host) else host
    try:
        app = create_app(root, public_url=public_url, network_url=url(network, port) if network else "",
                         root_path=root_path, forwarded_allow_ips=forwarded_allow_ips)
    except ProxyError as e:
        sock.close()
        console.print(f"[red]错误[/red] {e}", highlight=False)
        return 1
    context = app.state.ctx
    prefix = app.root_path

    say = lambda text: console.print(text, highlight=False, soft_wrap=True)  # noqa: E731
    say(f"报送平台已启动，工作目录：{root}")
    start = context.public_url or url(local, port, prefix + "/")  # where the office opens its pages
    say(f"  推进办页面：{start}office")
    if context.public_url:
        say(f"  各单位使用的地址：{context.public_url}（--public-url；专用链接在推进办页面“单位链接”中复制）")
        if on_network and only_here(context.public_url):
            say(f"[yellow]注意[/yellow] --public-url 是本机地址（{context.public_url}），其他电脑打不开各单位的链接。")
    elif is_loopback_host(host) and prefix:
        say(f"  各单位使用推进办经反向代理打开页面时的地址（路径前缀 {prefix}）；也可用 --public-url 指定。")
    elif is_loopback_host(host):
        say("  现在只有这台电脑能打开。要让各单位在办公网内报送，请按 Ctrl+C 停止，再用 "
            f"reportgen serve --host 0.0.0.0 --port {port} 启动" + (f"；届时各单位使用 {url(lan[0], port)} 开头的链接。" if lan else "。"))
    elif network:
        say(f"  各单位在办公网内使用的地址：{url(network, port, prefix + '/')}（专用链接在推进办页面“单位链接”中复制）")
        if len(lan) > 1 and is_any(host):
            say("  本机还有这些地址：" + "、".join(url(ip, port) for ip in lan[1:]))
    else:
        say("[yellow]注意[/yellow] 没有找到本机的办公网地址：各单位链接将使用推进办打开页面时的地址，"
            "如果那是 127.0.0.1，其他电脑打不开。请用 --public-url 指定各单位访问的地址。")
    if fresh:
        say("  这个文件夹还不是工作目录：登录推进办页面后，按提示填写地区和第一个报告期即可新建（与 reportgen init 相同）。")
    if context.setup_code:
        say("首次使用：请在浏览器中打开下面的链接，设置推进办登录密码（此链接只在本次启动时有效）：")
        say(f"  {start}office/setup?code={context.setup_code}")
    say("按 Ctrl+C 停止服务。")
    sys.stdout.flush()

    # forwarded headers are read by our own outer layer (proxy.BehindProxy), from the trusted proxies only
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5,
                            proxy_headers=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
