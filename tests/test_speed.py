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
    # a build does load WeasyPrint here (once, for its workers): the probe can see a renderer; matplotlib is
    # loaded by the worker that makes the pack
    assert run_cli("build", str(ws), cwd=tmp_path)["loaded"] == ["weasyprint"]


def test_each_pdf_is_laid_out_once_and_each_zip_written_once(tmp_path, monkeypatch):
    from weasyprint import HTML

    from reportgen.render import files

    layouts = []
    real_render = HTML.render
    monkeypatch.setattr(HTML, "render", lambda self, *a, **k: layouts.append(1) or real_render(self, *a, **k))

    def second_pass(*a, **k):
        raise AssertionError("a zip compressed a second time")

    monkeypatch.setattr(files, "make_zip_reproducible", second_pass)
    result = build(copy_sample(tmp_path / "ws"), workers=1)  # layouts counted in this process
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


TASKS = [
    dict(task_id="01-01", project_no=1, project="惠民工程", category="就业", name="就业岗位", target_text="新增就业1000人",
         lead="区人社局"),
    dict(task_id="01-02", project_no=1, project="惠民工程", category="养老", name="助餐点", target_text="新建助餐点5个",
         lead="区民政局"),
    dict(task_id="02-01", project_no=2, project="宜居工程", category="供热", name="管网改造", target_text="改造管网3公里",
         lead="区城市管理委"),
]
ROWS = {
    "区人社局": [dict(task_id="01-01", status="推进中", progress_text="已新增就业620人", contact="张三", phone="13800000001")],
    "区民政局": [dict(task_id="01-02", status="已完成", progress_text="已建成助餐点5个", contact="李四", phone="13800000002")],
    "区城市管理委": [dict(task_id="02-01", status="推进中", progress_text="已改造管网2公里", contact="王五",
                        phone="13800000003", problems="施工窗口期短")],
}
VARIANTS = {"variants": ["traditional", "large-print"]}


def files(result) -> dict[str, str]:
    """Every file of the manifest (the return rounds included), by path: its SHA-256."""
    data = json.loads(result.manifest.read_text(encoding="utf-8"))
    return {e["path"]: e["sha256"] for e in data["files"]}


def inodes(result) -> dict[str, int]:
    return {o.path.name: o.path.stat().st_ino for o in result.outputs if o.kind != "validation-report"}


def test_parallel_incremental_and_serial_builds_give_the_same_bytes(workspace_factory):
    serial = build(workspace_factory(TASKS, ROWS, config=VARIANTS), workers=1)
    root = workspace_factory(TASKS, ROWS, config=VARIANTS)
    parallel = build(root, workers=2)
    made = files(parallel)
    assert len(made) >= 10 and made == files(serial)
    keys = {e["path"]: e.get("key") for e in json.loads(parallel.manifest.read_text(encoding="utf-8"))["files"]}
    assert all(keys[p] for p in keys if not p.endswith("校验报告.xlsx"))  # every document has its key

    first = inodes(parallel)
    again = build(root, workers=2)  # nothing changed: every document kept as it was (same file)
    assert files(again) == made and inodes(again) == first
    assert [o.path.name for o in again.outputs] == [o.path.name for o in parallel.outputs]
    pdf = next(o.path for o in again.outputs if o.kind == "briefing-pack" and o.format == "pdf")
    pdf.unlink()
    pdf.write_bytes(b"%PDF-1.7 edited by hand")  # a file changed since: made again, never kept
    assert files(build(root, workers=1)) == made
    first = inodes(build(root, workers=2))
    forced = build(root, force=True, workers=1)  # --force: all made again, the same bytes
    assert files(forced) == made
    now = inodes(forced)
    assert now.keys() == first.keys() and all(now[n] != first[n] for n in now)


def test_a_changed_department_remakes_what_shows_it(workspace_factory):
    from reportgen.workbooks import write_department

    root = workspace_factory(TASKS, ROWS, config=VARIANTS)
    first = build(root, workers=2)
    before = inodes(first)
    dept = root / "inputs" / "2025H1" / "departments" / "区城市管理委.xlsx"

    # an internal field only (存在问题): the pack and the summary show it, the press release does not
    write_department(dept, "区城市管理委", [{**ROWS["区城市管理委"][0], "problems": "施工窗口期短，材料到货延迟"}])
    second = build(root, workers=2)
    after = inodes(second)
    remade = {name for name in after if after[name] != before.get(name)}
    assert remade and all("工作简报" in n or "进度汇总表" in n for n in remade)
    assert {n for n in after if "新闻通稿" in n} and not {n for n in remade if "新闻通稿" in n}
    assert "新闻通稿" in second.kept and "工作简报" not in second.kept  # what the CLI tells the clerk was kept

    # public progress: every document that shows it is made again, with the new words in it
    write_department(dept, "区城市管理委", [{**ROWS["区城市管理委"][0], "progress_text": "已改造管网3公里",
                                           "status": "已完成"}])
    third = build(root, workers=2)
    again = inodes(third)
    assert all(again[n] != after[n] for n in again if n in after) and third.kept == []
    from docx import Document

    docx = next(o.path for o in third.outputs if o.kind == "press-release" and o.format == "docx"
                and o.variant == "standard")
    assert "已改造管网3公里" in "".join(p.text for p in Document(str(docx)).paragraphs)
    # and the bytes are those a fresh serial build makes
    fresh = build(workspace_factory(TASKS, {**ROWS, "区城市管理委": [{**ROWS["区城市管理委"][0],
                                                                 "progress_text": "已改造管网3公里", "status": "已完成"}]},
                                    config=VARIANTS), workers=1)
    assert files(fresh) == files(third)


def test_batch_builds_many_workspaces_and_reports_each(tmp_path):
    import io

    from rich.console import Console

    from reportgen.cli import main
    from conftest import make_workspace

    city = tmp_path / "city"
    good = [make_workspace(city / name, TASKS, ROWS, config={"region": region})
            for name, region in (("a", "甲区"), ("b", "乙区"))]
    broken = make_workspace(city / "c", TASKS, ROWS)
    (broken / "inputs" / "2025H1" / "plan.xlsx").write_bytes(b"not a workbook")
    out = io.StringIO()
    code = main(["build", str(city)], console=Console(file=out, width=300, color_system=None))
    text = out.getvalue()
    assert code == 1  # one of them has errors: the worst exit code
    assert "共 3 个工作目录" in text and "2 个完成，1 个有问题" in text
    lines = [line for line in text.splitlines() if line.startswith(("完成", "有问题"))]
    assert [line.split()[0] for line in lines] == ["完成", "完成", "有问题"]
    assert str(good[0]) in lines[0] and "已生成" in lines[0] and str(broken) in lines[2]
    # the same files as one workspace built alone
    alone = build(make_workspace(tmp_path / "alone", TASKS, ROWS, config={"region": "甲区"}), workers=1)
    batch = json.loads((good[0] / "outputs" / "2025H1" / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"]: e["sha256"] for e in batch["files"]} == files(alone)
    # two workspaces named one by one: both built, exit 0
    out = io.StringIO()
    assert main(["build", *map(str, good), "--force"], console=Console(file=out, width=300, color_system=None)) == 0
    assert "2 个完成，0 个有问题" in out.getvalue()


def test_workers_die_with_a_killed_build(workspace_factory):
    """A worker holds the workspace lock (its copy of the lock file): one outliving a killed build would
    keep the workspace locked for good."""
    import os
    import signal
    import time

    root = workspace_factory(TASKS, ROWS, config=VARIANTS)
    proc = subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(root)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except (OSError, ValueError):
                continue
            if entry.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == proc.pid:
                found.append(int(entry))
        return found

    deadline = time.monotonic() + 120
    while len(children()) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = children()
    assert len(workers) >= 2, "the build made its documents without workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)
    alive = [pid for pid in workers if os.path.exists(f"/proc/{pid}") and
             open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]
    assert alive == []
    out = subprocess.run([sys.executable, "-m", "reportgen", "build", str(root)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0 and "正在等待" not in out.stdout, out.stdout[-500:]


FONT_PROBE = """
import io, json, sys, tracemalloc
if sys.argv[1] == "ours":
    from reportgen.render.pdf import import_weasyprint
    import_weasyprint()
from weasyprint import HTML
from weasyprint.pdf import fonts
doc = HTML(string='<p style="font-family: Noto Serif CJK SC">民心工程进展顺利</p>'
                  '<p style="font-family: Noto Sans CJK SC">新增托育位</p>').render()
tracemalloc.start()
out = io.BytesIO()
doc.write_pdf(out)
peak = tracemalloc.get_traced_memory()[1]
sys.stdout.buffer.write(json.dumps({"peak": peak, "deferred": isinstance(getattr(fonts.Font, "file_content", None), property)}).encode() + b"\\n" + out.getvalue())
"""


def test_pdf_fonts_are_not_copied_whole_and_the_bytes_do_not_change(tmp_path):
    """WeasyPrint copies each CJK font file (20–27 MB) into Python before subsetting it; reportgen keeps
    the face instead (pdf._defer_font_data). The PDF must be the same bytes either way."""
    runs = {}
    for mode in ("ours", "stock"):
        out = subprocess.run([sys.executable, "-c", FONT_PROBE, mode], capture_output=True, timeout=300, cwd=tmp_path)
        assert out.returncode == 0, out.stderr.decode()
        head, _, pdf = out.stdout.partition(b"\n")
        runs[mode] = json.loads(head), pdf
    (ours, ours_pdf), (stock, stock_pdf) = runs["ours"], runs["stock"]
    assert ours["deferred"] and not stock["deferred"]
    assert ours_pdf == stock_pdf and ours_pdf.startswith(b"%PDF")
    assert stock["peak"] > 30e6  # two CJK collections copied whole
    assert ours["peak"] < 10e6
