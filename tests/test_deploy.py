"""What an IT centre runs: the Dockerfile and compose.yaml, the systemd unit, the nginx snippet (deploy/).

There is no docker daemon here, so the image is not built; what can run, runs: the files it copies exist and
are not left out by .dockerignore, it installs the Debian packages `make demo` needs, its command line (and
compose's) starts the server on a workspace and its HEALTHCHECK passes against it; the systemd unit passes
`systemd-analyze verify`; the three files agree on port, address and path prefix.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import browser
from webutil import sample

from reportgen.cli import cmd_backup, cmd_serve, make_parser

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "Dockerfile"
UNIT = REPO / "deploy/reportgen.service"
NGINX = REPO / "deploy/nginx-reportgen.conf"


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", "\n".join(line for line in path.read_text().splitlines()
                                          if not line.lstrip().startswith("#")))
    return [(m[1].upper(), m[2].strip()) for m in re.finditer(r"^\s*(\w+)\s+(.*)$", text, re.M)]


def exec_form(args: str) -> list[str]:
    return json.loads(args)


def final_stage(steps):
    last = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last:]


def makefile_debs() -> set[str]:
    return set(re.search(r"^DEBS\s*:=\s*(.+)$", (REPO / "Makefile").read_text(), re.M)[1].split())


def reportgen_args(argv: list[str]):
    """The arguments after the program, parsed as reportgen parses them."""
    return make_parser().parse_args(argv)


def test_dockerfile_copies_files_that_exist_and_installs_what_the_documents_need():
    steps = instructions(DOCKERFILE)
    ignored = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    assert ignored[0] == "*"  # only what is named below goes into the build
    allowed = {line[1:].rstrip("/") for line in ignored if line.startswith("!")}
    for op, args in steps:
        if op == "COPY" and not args.startswith("--from"):
            *sources, _ = args.split()
            for source in sources:
                assert (REPO / source).exists(), f"COPY {source}: not in the repository"
                assert source.rstrip("/") in allowed, f"COPY {source}: left out by .dockerignore"

    runtime = final_stage(steps)
    base = re.fullmatch(r"python:3\.(\d+)-slim-bookworm", runtime[0][1])  # Debian 12 slim, as `make test` runs on
    assert base and steps[0][1].split()[0] == runtime[0][1]  # built and run on the same Python
    needed = re.search(r'requires-python = ">=3\.(\d+)"', (REPO / "pyproject.toml").read_text())[1]
    assert int(base[1]) >= int(needed)
    installed = set(" ".join(a for op, a in runtime if op == "RUN" and "apt-get install" in a).split())
    assert makefile_debs() <= installed  # fonts-noto-cjk, libharfbuzz-subset0, …: what `make demo` installs
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "tzdata"} <= installed

    user = [a for op, a in runtime if op == "USER"]
    assert user and user[-1].split(":")[0].isdigit() and int(user[-1].split(":")[0]) > 0
    [volume] = [a for op, a in runtime if op == "VOLUME"]
    [entrypoint] = [exec_form(a) for op, a in runtime if op == "ENTRYPOINT"]
    [command] = [exec_form(a) for op, a in runtime if op == "CMD"]
    assert entrypoint[-1] == "reportgen"
    args = reportgen_args(command)
    assert args.func is cmd_serve and str(args.workspace) == volume and args.host == "0.0.0.0"
    [expose] = [a for op, a in runtime if op == "EXPOSE"]
    [health] = [a for op, a in runtime if op == "HEALTHCHECK"]
    assert int(expose) == args.port and f"127.0.0.1:{args.port}/healthz" in health
    assert reportgen_args(["backup", volume, "--to", "/backup"]).func is cmd_backup


def compose_command() -> tuple[list[str], dict[str, str]]:
    """compose.yaml's command for the service (its ${VARIABLE…} filled in as for a .env), and its environment."""
    text = (REPO / "compose.yaml").read_text()
    flow = re.search(r"^\s+command:\s*(\[.*?\])\s*$", text, re.M | re.S)[1]
    filled = re.sub(r"\$\{PUBLIC_URL:\?[^}]*\}", "https://zwfw.example.gov.cn/baosong/", flow)
    environment = dict(re.findall(r'^\s+([A-Z_]+):\s*"\$\{\1:-([^}]*)\}"', text, re.M))
    return json.loads(re.sub(r"\s+", " ", filled)), environment


def test_the_image_command_serves_the_workspace_and_its_healthcheck_passes(tmp_path):
    """Dockerfile ENTRYPOINT + compose's command, as the container runs them (without tini), on a workspace
    in place of /data; then the Dockerfile's HEALTHCHECK command against it."""
    runtime = final_stage(instructions(DOCKERFILE))
    [volume] = [a for op, a in runtime if op == "VOLUME"]
    health = [a for op, a in runtime if op == "HEALTHCHECK"][0]
    check = exec_form(health[health.index("CMD") + 3:])
    command, environment = compose_command()
    assert reportgen_args(command).func is cmd_serve and environment["FORWARDED_ALLOW_IPS"]
    assert "${PUBLIC_URL:?" in (REPO / "compose.yaml").read_text()  # compose refuses to start without it

    root, port = sample(tmp_path), browser.free_port()
    argv = [str(Path(sys.executable).parent / "reportgen")] + [
        str(root) if a == volume else str(port) if a == "8000" else a for a in command]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **environment})
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "停止服务" in line:
                break
        out = "".join(lines)
        assert "各单位使用的地址：https://zwfw.example.gov.cn/baosong/" in out, out
        assert "https://zwfw.example.gov.cn/baosong/office/setup?code=" in out
        assert "推进办页面：https://zwfw.example.gov.cn/baosong/office" in out
        browser._wait_for(port)
        probe = [sys.executable if a == "python" else a.replace(":8000/", f":{port}/") for a in check]
        assert subprocess.run(probe, timeout=30).returncode == 0
    finally:
        proc.send_signal(signal.SIGTERM)  # what docker stop and systemctl stop send
        assert proc.wait(15) in (0, -signal.SIGTERM)  # uvicorn shuts down, then ends by the signal it got


def unit() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def test_systemd_unit_verifies_and_runs_a_command_reportgen_accepts(tmp_path):
    u = unit()
    [exec_start] = u["ExecStart"]
    program, *argv = shlex.split(exec_start)
    args = reportgen_args(argv)
    assert args.func is cmd_serve and args.host == "127.0.0.1" and args.public_url.startswith("https://")
    assert u["ReadWritePaths"] == [str(args.workspace)] == u["WorkingDirectory"]
    assert u["User"] != ["root"] and u["NoNewPrivileges"] == ["yes"] and u["ProtectSystem"] == ["strict"]
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze not installed")
    here = tmp_path / "reportgen.service"  # the program where it is installed here
    here.write_text(UNIT.read_text().replace(program, str(Path(sys.executable).parent / "reportgen")))
    done = subprocess.run(["systemd-analyze", "verify", str(here)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_nginx_snippet_agrees_with_the_unit():
    text = NGINX.read_text()
    [exec_start] = unit()["ExecStart"]
    args = reportgen_args(shlex.split(exec_start)[1:])
    prefix = urlsplit(args.public_url).path.rstrip("/")
    assert f"location {prefix}/ {{" in text and f"location = {prefix} {{" in text
    assert f"X-Forwarded-Prefix {prefix};" in text
    assert f"proxy_pass http://{args.host}:{args.port};" in text  # no "/": the prefix is passed on
