"""What makes builds fast, checked as behaviour (never as time; `make bench` measures time):
commands load only what they use, each PDF is laid out once, each zip written once."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from conftest import copy_sample
from reportgen import build

PROBE = """
import sys
from reportgen.cli import main
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "loaded": [m for m in ("weasyprint", "matplotlib") if m in sys.modules]}))
"""


def run_cli(*args, cwd) -> dict:
    out = subprocess.run([sys.executable, "-c", "import json\n" + PROBE, *args], cwd=cwd, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_light_commands_do_not_load_the_renderers(tmp_path):
    ws = copy_sample(tmp_path / "ws")
    found = {
        "validate": run_cli("validate", str(ws), cwd=tmp_path),
        "templates check": run_cli("templates", "check", str(ws), cwd=tmp_path),
        "export": run_cli("export", str(ws), cwd=tmp_path),
        "init": run_cli("init", str(tmp_path / "fresh"), cwd=tmp_path),
    }
    for command, result in found.items():
        assert result["loaded"] == [], f"{command} loaded {result['loaded']}"
    assert all(r["rc"] in (0, 1) for r in found.values())
    # new-period makes the 填报说明 PDFs (WeasyPrint), never a chart
    result = run_cli("new-period", "2025FY", str(ws), cwd=tmp_path)
    assert "matplotlib" not in result["loaded"]
    # a build does load them: the probe can see a renderer
    assert run_cli("build", str(ws), cwd=tmp_path)["loaded"] == ["weasyprint", "matplotlib"]


def test_each_pdf_is_laid_out_once_and_each_zip_written_once(tmp_path, monkeypatch):
    from weasyprint import HTML

    from reportgen.render import files

    layouts = []
    real_render = HTML.render
    monkeypatch.setattr(HTML, "render", lambda self, *a, **k: layouts.append(1) or real_render(self, *a, **k))

    def second_pass(*a, **k):
        raise AssertionError("a zip compressed a second time")

    monkeypatch.setattr(files, "make_zip_reproducible", second_pass)
    result = build(copy_sample(tmp_path / "ws"))
    pdfs = [o for o in result.outputs if o.format == "pdf"]
    assert len(pdfs) >= 2 and len(layouts) == len(pdfs)
    zips = [o.path for o in result.outputs if o.format in ("docx", "xlsx")]
    assert len(zips) >= 3
    for path in zips:
        with zipfile.ZipFile(path) as z:
            stamps = {i.date_time for i in z.infolist()}
            assert len(stamps) == 1 and stamps.pop()[3:] == (0, 0, 0)  # a fixed day (2000-01-01, the publish date)
            assert "T00:00:00Z</dcterms:modified>" in z.read("docProps/core.xml").decode()


@pytest.mark.parametrize("n", [1])
def test_zip_bytes_do_not_depend_on_the_clock(tmp_path, monkeypatch, n):
    """Two saves of one workbook a second apart give the same bytes."""
    import time

    from openpyxl import Workbook

    from reportgen.workbooks import save_workbook

    def make(path):
        wb = Workbook()
        wb.active["A1"] = "甲"
        save_workbook(wb, path)

    make(tmp_path / "a.xlsx")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86400 * 400 * n)
    make(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
