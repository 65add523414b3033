"""The hardening defects (issue 13), one test each, on files generated here: control characters,
a reader's panic, sheets and files that were never read, names used as paths, templates that
escape or never end, sizes without limits. Kill and concurrency tests are in test_kill.py, the
fuzz test in test_fuzz.py.
"""

from __future__ import annotations

import io
import re
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from rich.console import Console

from biff import SHORT_NAME_RECORD, write_xls
from conftest import make_workspace, return_path
from reportgen.build import build, check
from reportgen.cli import main
from reportgen.read import read_workspace

PLAN = [dict(task_id=f"01-0{i}", project_no=1, project="甲工程", category="养老", name=f"任务{i}",
             target_text=f"建设目标{i}个", target_value=10, unit="个", lead=lead)
        for i, lead in ((1, "区民政局"), (2, "区教育局"), (3, "区教育局"), (4, "区人社局"))]
ROW = dict(task_id="01-01", status="序时推进", progress_text="已建成5个", achieved=5)
GOOD = {"区民政局": [ROW]}
CONTROL = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x1f\x7f\u202a\u202b\u202c\u202d\u202e\u2066\u2069"


def depts(root: Path) -> Path:
    return root / "inputs/2025H1/departments"


def cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, console=Console(file=out, width=300, color_system=None))
    return code, out.getvalue()


def patch_zip(src: Path, changes: dict[str, object]) -> Path:
    """Rewrite parts of a package in place: a value is new bytes or a function of the old bytes."""
    with zipfile.ZipFile(src) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            change = changes.get(name)
            z.writestr(name, change(data) if callable(change) else change if change is not None else data)
    return src


def marks(xml: bytes, values: dict[str, bytes]) -> bytes:
    """《A》 in a sheet's XML (written as characters or as character references) replaced by raw XML."""
    for key, raw in values.items():
        for mark in (f"《{key}》".encode(), f"&#12298;{key}&#12299;".encode()):
            xml = xml.replace(mark, raw)
    return xml


def package_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def has_control(text: str) -> bool:
    return any(ch in text for ch in CONTROL)


def merged_ids(result) -> set[str]:
    return {t.task.task_id for t in result.dataset.tasks if t.progress is not None}


# ---- 1. control characters ----------------------------------------------------------------

def test_control_characters_are_removed_at_the_reader_and_reach_no_writer(tmp_path):
    """_x000B_ in .xlsx cells and raw controls in a CSV crashed the summary workbook after validate passed;
    U+202E reached the terminal and the report, \\x0c the DOCX."""
    row = dict(task_id="01-02", name="任务2《A》", status="序时推进", progress_text="已建成《B》3个《E》",
               expected="年底《A》前", problems="资金《A》不足", next_steps="加快《A》推进", contact="王《A》某",
               phone="123", remarks="备注《A》")
    root = make_workspace(tmp_path / "ws", PLAN, {**GOOD, "区教育局": [row]})
    patch_zip(depts(root) / "区教育局.xlsx", {"xl/worksheets/sheet1.xml": lambda x: marks(x, {
        "A": b"_x000B_", "B": b"_x000C_", "E": b"&#8238;"})})
    (depts(root) / "区人社局.csv").write_text(
        "填报单位：区人社局\n事项编号,进展状态,进展情况,存在问题\n01-04,序时推进,已发放\x00补贴\x01万元\u202e,无\x1f\n",
        encoding="utf-8")
    code, out = cli(["build", str(root), "-v"])
    assert code == 0, out
    assert "\u202e" not in out and not has_control(out.replace("\n", ""))
    result = build(root)
    warned = {(i.file, i.cell) for i in result.report.issues if i.code == "W-TEXT-CONTROL"}
    assert {("区教育局.xlsx", c) for c in ("B4", "D4", "G4", "H4", "I4", "J4", "L4")} <= warned
    assert {("区人社局.csv", "C3"), ("区人社局.csv", "D3")} <= warned
    assert merged_ids(result) == {"01-01", "01-02", "01-04"}
    texts = {t.task.task_id: t.progress.progress_text for t in result.dataset.tasks if t.progress}
    assert texts["01-02"] == "已建成3个" and texts["01-04"] == "已发放补贴万元"  # everything else kept
    for o in result.outputs:
        if o.format == "html":
            assert not has_control(o.path.read_text(encoding="utf-8").replace("\n", "").replace("\t", ""))
        elif o.format in ("docx", "xlsx"):
            assert not has_control(package_text(o.path).replace("\n", "").replace("\t", "").replace("\r", "")), o.path
        elif o.format == "pdf":
            text = subprocess.run(["pdftotext", str(o.path), "-"], capture_output=True, text=True).stdout
            assert "\u202e" not in text
    report = load_workbook(result.outdir / "校验报告.xlsx")
    messages = [c.value for row in report["问题明细"].iter_rows(min_row=2) for c in row if c.value]
    assert any("U+000B" in str(m) for m in messages)


def test_a_control_character_in_the_settings_is_removed_and_said_by_name(tmp_path):
    """Refused until issue 25: one stray character in a setting stopped every command."""
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    (root / "report.toml").write_text((root / "report.toml").read_text(encoding="utf-8").replace(
        'region = "测试区"', 'region = "测试\\u202e区"'), encoding="utf-8")
    code, out = cli(["validate", str(root)])
    assert code == 0 and "region" in out and "U+202E" in out and "\u202e" not in out


# ---- 2. a reader's panic ----------------------------------------------------------------------

def test_a_panicking_xls_is_one_unreadable_file_and_the_run_goes_on(tmp_path):
    """calamine panics on a malformed BIFF record (xlrd refuses it first): pyo3's PanicException is a
    BaseException and went through `except Exception`, a traceback and no outputs for anyone."""
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    write_xls(depts(root) / "区教育局.xls", [["事项编号", "进展状态", "进展情况"], ["01-02", "序时推进", "已建成3个"]],
              extra_globals=SHORT_NAME_RECORD)
    with pytest.raises(BaseException) as raised:  # the panic is real, and not an Exception
        from python_calamine import CalamineWorkbook

        CalamineWorkbook.from_path(str(depts(root) / "区教育局.xls"))
    assert type(raised.value).__name__ == "PanicException" and not isinstance(raised.value, Exception)
    run = subprocess.run([sys.executable, "-m", "reportgen", "build", str(root)], capture_output=True, text=True,
                         env={**os.environ, "RUST_BACKTRACE": "1"}, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "panicked" not in run.stderr and "panicked" not in run.stdout
    assert "区教育局.xls" in run.stdout and "E-FILE-UNREADABLE" in run.stdout
    result = build(root)
    assert [i.code for i in result.report.issues if i.file == "区教育局.xls"] == ["E-FILE-UNREADABLE"]
    assert merged_ids(result) == {"01-01"} and (result.outdir / "manifest.json").exists()


# ---- 3. (kills and concurrent runs: test_kill.py) ---------------------------------------------------

def test_the_pack_pdf_is_written_once(tmp_path, monkeypatch):
    """A pack past 8 pages was written twice, the first time without its table of contents: a kill in
    between left a pack without one."""
    import weasyprint

    plan = [dict(PLAN[0], task_id=f"{p:02d}-{i:02d}", project_no=p, project=f"第{p}项工程", name=f"任务{p}-{i}",
                 target_text="新建社区养老服务站点若干个，完善助餐、助浴、日间照料等服务功能。" * 2)
            for p in range(1, 7) for i in range(1, 6)]
    rows = [dict(ROW, task_id=t["task_id"], progress_text="已完成选址和设计，正在施工，预计年底前全部投入使用。") for t in plan]
    root = make_workspace(tmp_path / "ws", plan, {"区民政局": rows}, config={"toc": True})
    writes = []
    real = weasyprint.Document.write_pdf
    monkeypatch.setattr(weasyprint.Document, "write_pdf", lambda self, *a, **k: writes.append(1) or real(self, *a, **k))
    result = build(root, workers=1)  # the writes are counted in this process
    pack = next(o for o in result.outputs if o.kind == "briefing-pack" and o.format == "pdf")
    assert pack.pages > 3, pack.pages
    assert len(writes) == sum(o.format == "pdf" for o in result.outputs)
    text = subprocess.run(["pdftotext", "-l", "3", str(pack.path), "-"], capture_output=True, text=True).stdout
    assert "目录" in re.sub(r"\s", "", text)  # the one written has its table of contents


# ---- 4. sheets and files never read -------------------------------------------------------------

def progress_sheet(ws, rows, header=("事项编号", "进展状态", "进展情况")):
    ws.append(list(header))
    for r in rows:
        ws.append(r)


def test_a_second_progress_sheet_is_read_and_one_without_header_is_named(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    wb = Workbook()
    wb.active.title = "进展填报"
    wb.active.append(["填报单位：区教育局"])
    progress_sheet(wb.active, [["01-02", "序时推进", "已建成3个"]])
    progress_sheet(wb.create_sheet("进展填报（续）"), [["01-03", "已完成", "已建成10个"]])
    rest = wb.create_sheet("进展填报（续2）")
    rest.append(["01-04", "序时推进", "没有表头的一行"])
    wb.create_sheet("说明").append(["本表由区教育局填写"])
    wb.save(depts(root) / "区教育局.xlsx")
    result = build(root)
    assert merged_ids(result) == {"01-01", "01-02", "01-03"}
    read, merged, aside = result.reconciliation
    assert (read, merged, aside) == (3, 3, 0)
    refused = [i for i in result.report.issues if i.code == "E-SHEET-NOT-READ"]
    assert [(i.file, i.sheet) for i in refused] == [("区教育局.xlsx", "进展填报（续2）")]
    assert "进展填报（续2）" in refused[0].message and "进展填报" in refused[0].message


def test_every_file_under_departments_is_accounted_for(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, {**GOOD, "区教育局": [dict(ROW, task_id="01-02")]})
    folder = depts(root)
    (folder / "~$区教育局.xlsx").write_bytes(b"\x00lock")
    (folder / "区人社局.et").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    (folder / "区残联.ods").write_bytes(b"PK\x03\x04 not really")
    (folder / "区民政局.xlsx.bak").write_bytes((folder / "区民政局.xlsx").read_bytes())
    (folder / "区体育局.txt").write_text("事项编号\t进展状态\t进展情况\n01-04\t序时推进\t已开展\n", encoding="utf-16")
    (folder / "旧表").mkdir()
    (folder / "旧表" / "区人社局.xlsx").write_bytes(b"x")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "链接.xlsx").symlink_to(folder / "区民政局.xlsx")
    ws = read_workspace(root)
    status = {f.name: f.status for f in ws.files}
    assert status == {
        "区民政局.xlsx": "read", "区教育局.xlsx": "read", "~$区教育局.xlsx": "skipped", "区人社局.et": "unreadable",
        "区残联.ods": "unreadable", "区民政局.xlsx.bak": "skipped", "区体育局.txt": "unreadable", "旧表/": "skipped",
        ".DS_Store": "skipped", "链接.xlsx": "skipped",
    }
    found = {(i.code, i.file) for i in ws.report.issues}
    assert {("E-FILE-FORMAT", "区人社局.et"), ("E-FILE-FORMAT", "区残联.ods"), ("E-FILE-FORMAT", "区体育局.txt"),
            ("W-FILE-SKIPPED", "区民政局.xlsx.bak"), ("W-FILE-SUBFOLDER", "旧表"), ("W-FILE-SKIPPED", "链接.xlsx")} <= found
    et = next(i for i in ws.report.issues if i.file == "区人社局.et")
    assert "另存为" in et.message and "WPS" in et.message and et.is_error
    code, out = cli(["validate", str(root)])
    for name in status:
        assert name in out
    assert "文件清单" in out and "已读取" in out and "已跳过" in out and "无法读取" in out
    listing = load_workbook(root / "outputs/2025H1/校验报告.xlsx")["文件清单"]
    rows = {r[0]: r for r in listing.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(status)
    assert rows["区人社局.et"][1] == "无法读取" and "另存为" in rows["区人社局.et"][4]
    assert rows["区民政局.xlsx"][1:4] == ("已读取", "区民政局", 1)


def test_blank_template_beside_a_filled_file_is_superseded_and_said(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    blank = [dict(task_id=t, name=f"任务{t[-1]}") for t in ("01-02", "01-03")]
    make_workspace(root, PLAN, {"区教育局": blank})  # the blank template new-period sent out
    (depts(root) / "区教育局2025H1.csv").write_text(
        "填报单位：区教育局\n事项编号,进展状态,进展情况\n01-02,序时推进,已建成3个\n01-03,已完成,已建成10个\n", encoding="utf-8")
    result = check(root)
    assert merged_ids(result) == {"01-01", "01-02", "01-03"}
    two = [i for i in result.report.issues if i.code == "E-DEPT-TWO-FILES"]
    assert len(two) == 1 and "区教育局.xlsx" in two[0].message and "区教育局2025H1.csv" in two[0].message
    assert not [i for i in result.report.issues if i.code == "E-STATUS-MISSING"]  # the blank one is not read as data
    status = {f.name: f.status for f in result.dataset.files}
    assert status["区教育局.xlsx"] == "superseded" and status["区教育局2025H1.csv"] == "read"


def test_two_filled_files_of_one_department_are_an_error_naming_both_and_neither_wins(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    old = [["填报单位：区教育局"], ["事项编号", "进展状态", "进展情况"], ["01-02", "序时推进", "已建成2个"]]
    write_xls(depts(root) / "区教育局.xls", old)
    new = [dict(task_id="01-02", status="加速中", progress_text="已建成3个")]  # corrected, with a problem of its own
    make_workspace(root, PLAN, {"区教育局": new})
    result = check(root)
    assert merged_ids(result) == {"01-01"}
    task = next(t for t in result.dataset.tasks if t.task.task_id == "01-02")
    assert task.status == "未采用" and "区教育局.xls" in task.set_aside_reason and "区教育局.xlsx" in task.set_aside_reason
    two = [i for i in result.report.issues if i.code == "E-DEPT-TWO-FILES"]
    assert {i.file for i in two} == {"区教育局.xls", "区教育局.xlsx"}
    assert all("区教育局.xls、区教育局.xlsx" in i.message for i in two)
    names = {o.path.name for o in result.outputs if o.kind == "return"}
    assert names == {"区教育局（区教育局.xls）.xlsx", "区教育局（区教育局.xlsx）.xlsx"}
    assert not (return_path(result.outdir, "区教育局（区教育局）.xlsx")).exists()
    assert {f.status for f in result.dataset.files if f.department == "区教育局"} == {"conflict"}
    read, merged, aside = result.reconciliation
    assert read == merged + aside == 3


@pytest.mark.parametrize("copy", ["区教育局（副本）.xlsx", "区教育局-副本.xlsx", "区教育局 (1).xlsx", "区教育局 - Copy.xlsx"])
def test_an_identical_copy_of_a_department_file_is_used_once_and_said(tmp_path, copy):
    """The copy is set aside, not the original, whatever the copy's name sorts as."""
    root = make_workspace(tmp_path / "ws", PLAN, {**GOOD, "区教育局": [dict(ROW, task_id="01-02")]})
    (depts(root) / copy).write_bytes((depts(root) / "区教育局.xlsx").read_bytes())
    result = check(root)
    assert merged_ids(result) == {"01-01", "01-02"} and result.balanced
    two = [i for i in result.report.issues if i.code == "E-DEPT-TWO-FILES"]
    assert [i.file for i in two] == [copy] and "内容相同" in two[0].message
    assert {f.name: f.status for f in result.dataset.files}[copy] == "superseded"


def test_return_workbooks_are_kept_per_round_and_named_by_department(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, {**GOOD, "教育局填报": [dict(ROW, task_id="01-02", status="加速中")]},
                          header={})
    wb = load_workbook(depts(root) / "教育局填报.xlsx")
    wb["进展填报"]["A2"] = "填报单位：区教育局"
    wb.save(depts(root) / "教育局填报.xlsx")
    first = check(root)
    returns = root / "outputs/2025H1/退回修改"
    assert [o.path.relative_to(returns).as_posix() for o in first.outputs if o.kind == "return"] == ["第1轮/区教育局.xlsx"]
    round1 = (returns / "第1轮/区教育局.xlsx").read_bytes()
    assert [o.path.parent.name for o in check(root).outputs if o.kind == "return"] == ["第1轮"]  # nothing changed
    wb = load_workbook(depts(root) / "教育局填报.xlsx")
    wb["进展填报"]["C4"] = "慢慢来"  # another wrong status: a new round
    wb.save(depts(root) / "教育局填报.xlsx")
    second = check(root)
    assert [o.path.relative_to(returns).as_posix() for o in second.outputs if o.kind == "return"] == ["第2轮/区教育局.xlsx"]
    assert (returns / "第1轮/区教育局.xlsx").read_bytes() == round1  # the earlier round kept as it was
    build(root)
    assert sorted(p.relative_to(returns).as_posix() for p in returns.rglob("*.xlsx")) == [
        "第1轮/区教育局.xlsx", "第2轮/区教育局.xlsx"]


# ---- 5. names are not paths ----------------------------------------------------------------------

@pytest.mark.parametrize("region", ["../../逃逸区", "<tmp>/绝对区", "区/城", "超长" * 45, "CON", ".."])
def test_a_region_is_never_a_path(tmp_path, region):
    region = region.replace("<tmp>", str(tmp_path))  # an absolute path, inside the watched folder
    root = make_workspace(tmp_path / "a" / "b" / "ws", PLAN, GOOD, config={"region": region})
    before = set((tmp_path).rglob("*"))
    code, out = cli(["build", str(root)])
    assert code in (0, 1) and "Traceback" not in out
    made = set(tmp_path.rglob("*")) - before
    outdir = root / "outputs"
    assert made and all(p.is_relative_to(outdir) for p in made), sorted(made - {p for p in made if p.is_relative_to(outdir)})
    docs = [p for p in (outdir / "2025H1").iterdir() if p.suffix in (".pdf", ".docx", ".html")]
    assert len(docs) == 5 and all(len(p.name.encode()) < 255 for p in docs)
    assert "W-NAME-UNSAFE" in out


def test_new_period_never_writes_a_lead_department_outside_departments(tmp_path):
    leads = ["../../x", f"{tmp_path}/abs区", "区住建委/区城管委", "区民政局"]  # an absolute path inside the watched folder
    plan = [dict(PLAN[0], task_id=f"01-0{i}", lead=lead) for i, lead in enumerate(leads, 1)]
    root = make_workspace(tmp_path / "outer" / "ws", plan, {})
    before = set(tmp_path.rglob("*"))
    code, out = cli(["new-period", "2025Q3", str(root)])
    assert code == 0, out
    made = set(tmp_path.rglob("*")) - before
    target = root / "inputs/2025Q3"
    assert all(p.is_relative_to(target) or p.is_relative_to(root / "outputs") for p in made), made
    books = sorted(p.name for p in (target / "departments").iterdir())
    assert len(books) == 4 and {"／..／x.xlsx", "区住建委／区城管委.xlsx", "区民政局.xlsx"} <= set(books)
    assert not any("/" in b for b in books) and not (tmp_path / "abs区.xlsx").exists()
    assert "牵头单位“区住建委/区城管委”" in out and "区住建委／区城管委" in out
    ws = read_workspace(root, "2025Q3")
    read_back = {s.department for s in ws.submissions}  # each workbook still names its department
    assert len(ws.submissions) == 4 and {"../../x", "区住建委/区城管委", "区民政局"} <= read_back


# ---- 6. templates ------------------------------------------------------------------------------------

def export(root: Path) -> Path:
    assert cli(["templates", "export", str(root)])[0] == 0
    return root / "templates"


def run_build(root: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen", "build", str(root)], capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_template_never_reads_through_a_link(tmp_path, link):
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    templates = export(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("OUTSIDE-SECRET", encoding="utf-8")
    if link == "file":
        (templates / "inc.html").symlink_to(outside / "secret.html")
        name = "inc.html"
    else:
        (templates / "inc").symlink_to(outside)
        name = "inc/secret.html"
    page = templates / "press-release.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", f'{{% include "{name}" %}}</body>'),
                    encoding="utf-8")
    run = run_build(root)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "快捷方式" in run.stdout and "OUTSIDE-SECRET" not in run.stdout
    assert not any("OUTSIDE-SECRET" in p.read_text(errors="ignore") for p in (root / "outputs").rglob("*.html"))
    code, out = cli(["templates", "check", str(root)])
    assert code == 1 and "E-TEMPLATE-LINK" in out


@pytest.mark.parametrize("source, words", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "循环次数"),
    ("{{ 'A' * 4000000000 }}", "超过"),
    ("{% set ns = namespace(s='A') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}", "超过"),
    ("{{ 'A'|center(4000000000) }}", "参数过大"),
    ("{{ 'A'.ljust(4000000000) }}", "超过"),
    ("{{ 10 ** (10 ** 9) }}", "数字运算结果过大"),
    ("{{ '%0999999999d' % 1 }}", "宽度过大"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "嵌套过深"),
])
def test_a_template_that_would_never_end_stops_with_a_chinese_message(tmp_path, source, words):
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    (export(root) / "press-release.html.j2").write_text(source, encoding="utf-8")
    run = run_build(root, timeout=90)
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout, run.stderr[-2000:]
    assert words in run.stdout.replace("\n", ""), run.stdout


def test_a_template_that_runs_past_the_time_limit_is_stopped(tmp_path, monkeypatch):
    from reportgen.render import sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.5)
    monkeypatch.setattr(sandbox, "MAX_ITERATIONS", 10**12)
    root = make_workspace(tmp_path / "ws", PLAN, GOOD)
    (export(root) / "press-release.html.j2").write_text(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", encoding="utf-8")
    code, out = cli(["build", str(root)])
    assert code == 1 and "超过0.5秒" in out


# ---- 7. limits ---------------------------------------------------------------------------------------------

def test_text_too_long_for_a_cell_is_refused_and_long_text_warned(tmp_path):
    rows = [dict(ROW, task_id="01-02", progress_text="已建成" + "很长的进展" * 20000),  # 100,003 characters
            dict(ROW, task_id="01-03", progress_text="较长的进展" * 600)]  # 3,000
    root = make_workspace(tmp_path / "ws", PLAN, {**GOOD, "区教育局": rows})
    result = build(root)
    found = {(i.code, i.cell) for i in result.report.issues if i.file == "区教育局.xlsx"}
    assert ("E-TEXT-TOO-LONG", "D4") in found and ("W-TEXT-LONG", "D5") in found
    assert merged_ids(result) == {"01-01", "01-03"}
    press = next(o for o in result.outputs if o.kind == "press-release" and o.format == "pdf" and o.variant == "standard")
    assert press.pages <= 6  # the 3,000 characters; with the 100,000 ones it had 143 pages


def test_a_document_longer_than_its_limit_is_a_finding(tmp_path, monkeypatch):
    import importlib

    monkeypatch.setitem(importlib.import_module("reportgen.build").MAX_PAGES, "press-release", 1)
    rows = [dict(ROW, task_id="01-02", progress_text="较长的进展情况，" * 200)]
    root = make_workspace(tmp_path / "ws", PLAN, {**GOOD, "区教育局": rows})
    result = build(root)
    long = [i for i in result.report.issues if i.code == "E-DOC-TOO-LONG"]
    assert long and "新闻通稿" in long[0].message and not result.report.ok
    listed = load_workbook(result.outdir / "校验报告.xlsx")["问题明细"]
    assert any(r[5] == "E-DOC-TOO-LONG" for r in listed.iter_rows(min_row=2, values_only=True))
    summary = next(o.path for o in result.outputs if o.kind == "summary")  # made after the documents, in parallel too
    assert any(r[3] == "E-DOC-TOO-LONG" for r in load_workbook(summary)["校验问题"].iter_rows(min_row=2, values_only=True))


def test_page_limits_grow_with_the_number_of_tasks():
    from reportgen.build import page_limit

    assert [page_limit("press-release", n) for n in (3, 34, 120, 121, 1000)] == [30, 30, 30, 31, 250]
    assert [page_limit("briefing-pack", n) for n in (34, 600, 1000)] == [300, 300, 500]
    assert page_limit("summary", 1000) is None


@pytest.mark.parametrize("strict", [False, True])
def test_a_press_release_found_too_long_is_not_published_as_passed(tmp_path, monkeypatch, strict):
    """The gate passed on the data, then the laid-out press release broke its page limit: the build must
    not end saying it may be published. It is made again as a draft (strict: every document withdrawn)."""
    import importlib
    import json

    monkeypatch.setitem(importlib.import_module("reportgen.build").MAX_PAGES, "press-release", 1)
    rows = [dict(ROW, task_id="01-02", progress_text="较长的进展情况，" * 100), dict(ROW, task_id="01-03")]
    root = make_workspace(tmp_path / "ws", PLAN, {**GOOD, "区教育局": rows, "区人社局": [dict(ROW, task_id="01-04")]})
    monkeypatch.setitem(importlib.import_module("reportgen.build").MAX_PAGES, "press-release", 100)
    assert build(root).gate.publishable  # within a larger limit, this workspace passes
    monkeypatch.setitem(importlib.import_module("reportgen.build").MAX_PAGES, "press-release", 1)
    result = build(root, strict=strict)
    assert "新闻通稿" not in result.kept  # the first build's press release was kept, then withdrawn
    assert not result.gate.publishable and any(r.startswith("新闻通稿共") and r.endswith("超过1页") for r in result.gate.reasons)
    live = sorted(p.name for p in result.outdir.iterdir() if p.is_file())
    manifest = json.loads((result.outdir / "manifest.json").read_text(encoding="utf-8"))
    listed = sorted(e["path"] for e in manifest["files"] if "/" not in e["path"])  # not the return rounds
    assert listed == sorted(n for n in live if n != "manifest.json")
    assert manifest["state"] != "publishable" and manifest["withheld"] == strict
    long = [i for i in result.report.issues if i.code == "E-DOC-TOO-LONG"]
    assert len(long) == 1
    if strict:
        assert result.stopped and live == ["manifest.json", "校验报告.xlsx"]
        return
    press = [n for n in live if "新闻通稿" in n]
    assert press and all("（草稿）" in n for n in press), live
    assert long[0].file in press and long[0].file.endswith(".pdf")
    pdf = next(o.path for o in result.outputs if o.kind == "press-release" and o.format == "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "草稿" in text and "不得发布" in text
