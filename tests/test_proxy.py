"""reportgen serve behind a reverse proxy, through the framework's test client: the path prefix, forwarded
headers from trusted proxies only, cookies, the departments' link addresses, /healthz.
(tests/test_nginx.py runs the same behind a real nginx, in Chromium.)"""

from __future__ import annotations

import re

import pytest

from webutil import DEPT, PASSWORD, SETUP_CODE, csrf_of, sample

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from reportgen.cli import main  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402
from reportgen.web.proxy import ProxyError, root_path_of  # noqa: E402

PROXY = ("127.0.0.1", 40000)  # the address a request comes from: nginx on this computer
STRANGER = ("10.9.8.7", 40000)
FORWARDED = {"x-forwarded-proto": "https", "x-forwarded-host": "zwfw.example.gov.cn",
             "x-forwarded-prefix": "/baosong", "x-forwarded-for": "10.20.30.40"}


def addresses(html: str) -> list[str]:
    """Every root-relative address in an attribute of a page."""
    return re.findall(r"""\s[\w:-]+=["'](/[^"']*)""", html)


def set_up(client: TestClient, prefix: str = "", **headers) -> object:
    r = client.get(f"{prefix}/office/setup?code={SETUP_CODE}", headers=headers)
    return client.post(f"{prefix}/office/setup", headers=headers, follow_redirects=False,
                       data=dict(csrf=csrf_of(r.text), code=SETUP_CODE, password=PASSWORD, again=PASSWORD))


def test_behind_a_trusted_proxy_every_address_redirect_and_cookie_carries_the_prefix(tmp_path):
    app = create_app(sample(tmp_path), setup_code=SETUP_CODE)
    # nginx talks plain HTTP to us; X-Forwarded-Proto says the browser used HTTPS: the cookie is Secure
    direct = TestClient(app, client=PROXY, base_url="http://127.0.0.1:8000")
    r = direct.get("/office", headers=FORWARDED, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/baosong/office/setup"
    cookie = direct.get(f"/office/setup?code={SETUP_CODE}", headers=FORWARDED).headers["set-cookie"]
    assert "path=/baosong;" in cookie and cookie.rstrip().endswith("secure") and "httponly" in cookie

    # the rest as the browser sees it (the cookie jar sends a Secure cookie over HTTPS only)
    office = TestClient(app, client=PROXY, base_url="https://zwfw.example.gov.cn")
    r = set_up(office, "/baosong", **FORWARDED)
    assert r.status_code == 303 and r.headers["location"] == "/baosong/office"
    r = office.get("/baosong/office/links", headers=FORWARDED)
    assert r.status_code == 200 and "各单位报送链接" in r.text
    found = addresses(r.text)
    assert "/baosong/static/style.css" in found and "/baosong/office/links" in found
    assert all(a.startswith("/baosong/") for a in found), found
    links = re.findall(r"https?://[^\s<\"]+/d/[\w-]+", r.text)
    assert links and all(link.startswith("https://zwfw.example.gov.cn/baosong/d/") for link in links)
    assert "只在本机可用" not in r.text

    # the clerk's link works as shown, whether the proxy strips the prefix or keeps it
    clerk = TestClient(app, client=PROXY, base_url="https://zwfw.example.gov.cn")
    path = links[0].removeprefix("https://zwfw.example.gov.cn")
    for asked in (path, path.removeprefix("/baosong")):
        page = clerk.get(asked, headers=FORWARDED)
        assert page.status_code == 200 and DEPT in page.text
        assert all(a.startswith("/baosong/") for a in addresses(page.text))
        assert f'action="{path}/upload"' in page.text

    # a plain-HTTP proxy: the same cookie, not Secure (the browser would drop it)
    plain = {**FORWARDED, "x-forwarded-proto": "http"}
    assert "secure" not in direct.get("/office/login", headers=plain).headers["set-cookie"].lower()

    assert direct.get("/healthz").text == "ok\n"
    assert office.get("/baosong/static/style.css", headers=FORWARDED).status_code == 200


def test_forwarded_headers_from_anyone_else_are_ignored_and_said_so(tmp_path, capsys):
    app = create_app(sample(tmp_path), setup_code=SETUP_CODE)
    client = TestClient(app, client=STRANGER, base_url="http://10.1.1.5:8000")
    r = client.get("/office", headers=FORWARDED, follow_redirects=False)
    assert r.headers["location"] == "/office/setup"
    r = set_up(client, **FORWARDED)
    assert "path=/;" in r.headers["set-cookie"] and "secure" not in r.headers["set-cookie"]
    links = re.findall(r"https?://[^\s<\"]+/d/[\w-]+", client.get("/office/links", headers=FORWARDED).text)
    assert links and all(link.startswith("http://10.1.1.5:8000/d/") for link in links)
    err = capsys.readouterr().err
    assert "10.9.8.7" in err and "--forwarded-allow-ips 10.9.8.7" in err and err.count("转发头") == 1


def test_public_url_sets_links_and_prefix_and_the_network_address_replaces_127(tmp_path):
    root = sample(tmp_path)
    app = create_app(root, public_url="https://zwfw.example.gov.cn/baosong", setup_code=SETUP_CODE)
    office = TestClient(app, client=STRANGER)
    r = set_up(office, "/baosong")
    assert r.headers["location"] == "/baosong/office" and "path=/baosong;" in r.headers["set-cookie"]
    links = re.findall(r"https?://[^\s<\"]+/d/[\w-]+", office.get("/baosong/office/links").text)
    assert links and all(link.startswith("https://zwfw.example.gov.cn/baosong/d/") for link in links)

    # served on the network, opened on the server itself: links name the network address, not 127.0.0.1
    app = create_app(root, network_url="http://10.1.1.5:8000")
    office = TestClient(app, client=PROXY, base_url="http://127.0.0.1:8000")
    office.post("/office/login", data=dict(csrf=csrf_of(office.get("/office/login").text), password=PASSWORD))
    for page in ("/office/links", "/office"):
        r = office.get(page)
        links = re.findall(r"https?://[^\s<\"]+/d/[\w-]+", r.text)
        assert links and all(link.startswith("http://10.1.1.5:8000/d/") for link in links)
        assert "只在本机可用" not in r.text
    # on this computer only: the links say 127.0.0.1, and the page warns
    office = TestClient(create_app(root), client=PROXY, base_url="http://127.0.0.1:8000")
    office.post("/office/login", data=dict(csrf=csrf_of(office.get("/office/login").text), password=PASSWORD))
    r = office.get("/office/links")
    assert "http://127.0.0.1:8000/d/" in r.text and "只在本机可用" in r.text and "--public-url" in r.text
    r = office.get("/office")  # 报送情况 shows the links too
    assert "http://127.0.0.1:8000/d/" in r.text and "只在本机可用" in r.text


def test_settings_that_cannot_work_are_refused_in_chinese(tmp_path, capsys):
    assert root_path_of("/baosong/") == "/baosong" and root_path_of("/") == ""
    for bad in ("baosong", "/报送", "/a b", "/office", "/d/x", "/../x"):
        with pytest.raises(ProxyError, match="--root-path"):
            root_path_of(bad)
    root = sample(tmp_path)
    with pytest.raises(ProxyError, match="不一致"):
        create_app(root, public_url="https://x.example/a/", root_path="/b")
    assert main(["serve", str(root), "--port", "0", "--forwarded-allow-ips", "nginx-host"]) == 1
    assert main(["serve", str(root), "--port", "0", "--public-url", "zwfw.example.gov.cn"]) == 1
    out = capsys.readouterr().out
    assert "“nginx-host”不是 IP 地址" in out and "--public-url 应是" in out and "Traceback" not in out


def test_scripts_take_addresses_from_the_page():
    """A root-relative address written in a script would miss the prefix (only templates get it): scripts read
    addresses from the page (data-… attributes, forms, links), which the templates write."""
    from reportgen.web.app import HERE

    for script in (HERE / "static").glob("*.js"):
        literals = re.findall(r"""["'`](/\w[\w/.-]*)""", script.read_text())
        assert not literals, f"{script.name}: {literals}"
