"""reportgen backup: a copy of the workspace and of the web page's SQLite record from which the portal starts
again with every version, link and log entry."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from webutil import DEPT, PASSWORD, SETUP_CODE, csrf_of, fixed_workbook, messy_workbook, sample

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from reportgen.cli import main  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sign_in(client: TestClient) -> None:
    r = client.post("/office/login", data=dict(csrf=csrf_of(client.get("/office/login").text), password=PASSWORD))
    assert r.status_code == 200 and "报送情况" in r.text


def rows(database: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as con:
        names = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in names}


def test_the_portal_starts_from_a_backup_with_every_version_and_log_entry(tmp_path, capsys):
    root = sample(tmp_path)
    app = create_app(root, setup_code=SETUP_CODE)
    office = TestClient(app)
    r = office.get(f"/office/setup?code={SETUP_CODE}")
    office.post("/office/setup", data=dict(csrf=csrf_of(r.text), code=SETUP_CODE, password=PASSWORD, again=PASSWORD))
    links = office.get("/office/links").text
    token = re.search(r"/d/([\w-]+)", links)[1]
    clerk = TestClient(app)
    uploads = {"第一次.xlsx": messy_workbook(tmp_path / "m.xlsx").read_bytes(),
               "第二次.xlsx": fixed_workbook(root, tmp_path / "f.xlsx").read_bytes()}
    for name, data in uploads.items():
        page = clerk.get(f"/d/{token}")
        clerk.post(f"/d/{token}/upload", data=dict(csrf=csrf_of(page.text)), files={"file": (name, data, XLSX)})
    # the server goes on running while the backup is made
    assert main(["backup", str(root), "--to", str(tmp_path / "备份")]) == 0
    out = capsys.readouterr().out
    [copy] = (tmp_path / "备份").iterdir()
    assert copy.name.startswith("sample-") and f"已备份到 {copy}" in out
    assert not list((tmp_path / "备份").glob(".*"))  # no partial copy left

    record, copied = root / ".reportgen/reportgen.sqlite3", copy / ".reportgen/reportgen.sqlite3"
    assert rows(copied) == rows(record)  # every table, every row: versions, links, builds, settings, logs
    assert (copy / "inputs/2025H1/departments" / f"{DEPT}.xlsx").read_bytes() == uploads["第二次.xlsx"]
    assert not (copy / "outputs/.lock").exists()

    # the portal on the copy: the same password, the same link, every version downloadable as it was
    restored = TestClient(create_app(copy))
    sign_in(restored)
    history = restored.get("/office/history").text
    assert "第一次.xlsx" in history and "第二次.xlsx" in history
    for vid, name in sqlite3.connect(copied).execute("SELECT id, original_name FROM versions WHERE source = 'web'"):
        assert restored.get(f"/office/versions/{vid}").content == uploads[name]
    assert DEPT in TestClient(create_app(copy)).get(f"/d/{token}").text


def test_backup_refuses_what_it_cannot_copy_whole(tmp_path, capsys, monkeypatch):
    root = sample(tmp_path)
    TestClient(create_app(root)).get("/")  # a record exists
    con = sqlite3.connect(root / ".reportgen/reportgen.sqlite3")
    with con:
        con.execute("INSERT INTO versions (period, department, received_at, source, original_name, size, sha256, "
                    "stored, state) VALUES ('2025H1', ?, '2025-07-01 09:00:00', 'web', 'x.xlsx', 3, ?, "
                    "'uploads/2025H1/000099.xlsx', 'received')", (DEPT, "0" * 64))
    con.close()
    monkeypatch.setattr("reportgen.backup.SETTLE_SECONDS", 0.1)
    assert main(["backup", str(root), "--to", str(tmp_path / "备份")]) == 1
    assert "000099.xlsx 缺失或与记录不符，备份未完成" in capsys.readouterr().out
    assert list((tmp_path / "备份").iterdir()) == []  # nothing half-made is left

    assert main(["backup", str(tmp_path / "nowhere"), "--to", str(tmp_path / "备份")]) == 1
    assert "report.toml" in capsys.readouterr().out
