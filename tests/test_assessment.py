"""One assessment (build.assessment) behind build, validate and the web page: the same decision, the same exit
codes, blank forms counted as 未报送, and a build's documents marked stale once the data moved on."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from conftest import THREE_TASKS, make_workspace
from reportgen.cli import main
from reportgen.render.manifest import read_manifest

GOOD = {
    "区民政局": [dict(task_id="01-01", name="助餐点", status="已完成", progress_text="已建成助餐点10个", achieved=10),
                 dict(task_id="01-02", name="适老化改造", status="推进中", progress_text="已改造60户", achieved=60)],
    "区教育局": [dict(task_id="02-01", name="学位", status="推进中", progress_text="新增学位300个", achieved=300)],
}


def with_text(text: str, **changes) -> dict:
    subs = {d: [dict(r) for r in rows] for d, rows in GOOD.items()}
    subs["区教育局"][0].update(progress_text=text, **changes)
    return subs


def run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), console=Console(file=out, width=2000, color_system=None)), out.getvalue()


def blank_form(root: Path, dept: str) -> Path:
    """The department's form exactly as the office sends it out (new-period's template, period stamp and all)."""
    from reportgen.periods import department_template

    path = root / "inputs/2025H1/departments" / f"{dept}.xlsx"
    path.unlink(missing_ok=True)
    return department_template(root, dept, "2025H1")[0]


def test_a_blank_form_is_not_reported_and_a_partly_filled_one_is_checked(tmp_path):
    from reportgen.web.state import read_snapshot

    root = make_workspace(tmp_path / "ws", THREE_TASKS, {"区民政局": GOOD["区民政局"]})
    blank_form(root, "区教育局")
    code, out = run("validate", str(root))
    assert code == 0, out  # nothing is wrong: a department has not replied yet
    assert "错误" not in "".join(line for line in out.splitlines() if line.startswith("  错误"))
    assert "未报送 1 项（没有收到进展）" in out and "02-01 学位（牵头单位：区教育局）" in out
    assert "空白表（未报送）  区教育局.xlsx" in out and "区教育局未报送" in out.replace("“", "").replace("”", "")
    outdir = root / "outputs/2025H1"
    assert not (outdir / "退回修改").exists() or not list((outdir / "退回修改").rglob("区教育局*.xlsx"))
    snap = read_snapshot(root)
    assert snap.departments["区教育局"].state == "未报送" and snap.departments["区民政局"].state == "已报送"
    assert {i.code for i in snap.issues} >= {"W-DEPT-NOT-REPORTED", "W-TASK-NOT-REPORTED"}
    assert not snap.dataset.report.errors

    # the summary workbook lists the task as 未报送
    code, out = run("build", str(root))
    summary = next(outdir.glob("*进度汇总表*.xlsx"))
    row = next(r for r in load_workbook(summary).worksheets[0].iter_rows(values_only=True) if r[0] == "02-01")
    assert "未报送" in row and "未采用" not in str(row)

    # one cell typed: the department replied, and is told what is missing
    form = root / "inputs/2025H1/departments/区教育局.xlsx"
    wb = load_workbook(form)
    sheet = wb["进展填报"]
    header = next(r for r in range(1, 10) if any(c.value == "进展情况" for c in sheet[r]))
    column = next(c.column for c in sheet[header] if c.value == "进展情况")
    sheet.cell(header + 1, column, "新增学位300个")
    wb.save(form)
    code, out = run("validate", str(root))
    assert code == 1 and "E-STATUS-MISSING" in out and "空白表（未报送）" not in out


CASES = {
    "clean": lambda: GOOD,
    "phone (the web page said 可以发布)": lambda: with_text("新增学位300个，咨询电话13800138000"),
    "internal remark": lambda: with_text("新增学位300个（内部掌握，不宜对外公开）"),
    "staff named": lambda: with_text("新增学位300个，由基教科王小明同志具体负责"),
    "beneficiary named": lambda: with_text("新增学位300个，优先安排困难户张桂兰子女"),
    "QQ group": lambda: with_text("新增学位300个，家长可加QQ群123456789"),
    "100% but 推进中": lambda: with_text("新增学位500个", achieved=500),
    "error": lambda: with_text("新增学位300个", status="差不多"),
    "not reported": lambda: {"区民政局": GOOD["区民政局"]},
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_web_page_validate_and_build_decide_alike(tmp_path, case):
    from test_web import Site

    root = make_workspace(tmp_path / "ws", THREE_TASKS, CASES[case]())
    site = Site(root)
    page = site.office.get("/office").text
    validate_strict, out = run("validate", str(root), "--strict")
    validate_plain, _ = run("validate", str(root))
    build_strict, _ = run("build", str(root), "--strict")
    publishable = build_strict == 0
    assert publishable == (case == "clean"), case  # every other case is caught
    assert ("<b>可以发布</b>" in page) == publishable and ("<b>草稿</b>" in page) != publishable, case
    assert validate_strict == build_strict, out
    assert out.rstrip().splitlines()[-1 if publishable else -2].startswith("发布检查通过" if publishable else "  · ")
    assert validate_plain == (1 if case == "error" else 0)
    if not publishable and case not in ("not reported",):
        # the page names the flagged cell and text in the terminal's words
        from reportgen.build import check

        flagged = [i for i in check(root).report.issues if i.department == "区教育局" and (i.is_error or "SCREEN" in i.code
                                                                                            or "RATE" in i.code)]
        assert flagged
        for i in flagged:
            assert f"{i.sheet}!{i.cell}" in page and i.message.split("“")[0] in page, i.message


def test_validate_marks_the_last_build_stale_when_the_data_changed(tmp_path):
    from test_web import Site

    root = make_workspace(tmp_path / "ws", THREE_TASKS, GOOD)
    outdir = root / "outputs/2025H1"
    assert run("build", str(root))[0] == 0
    assert read_manifest(outdir).state == "publishable"
    code, out = run("validate", str(root))
    assert code == 0 and "过期" not in out and read_manifest(outdir).state == "publishable"

    form = root / "inputs/2025H1/departments/区教育局.xlsx"
    kept = tmp_path / "kept.xlsx"
    shutil.copyfile(form, kept)
    make_workspace(root, THREE_TASKS, with_text("新增学位320个", achieved=320))
    code, out = run("validate", str(root))
    manifest = read_manifest(outdir)
    assert manifest.state == "stale" and manifest.built["state"] == "publishable"
    assert "上次生成的文档已过期" in out and "发布检查通过" in out  # the data are fine: the documents are old
    assert "上次生成的材料已过期" in Site(root).office.get("/office").text  # and the page offers a rebuild

    shutil.copyfile(kept, form)  # the data as built: the documents are right again
    run("validate", str(root))
    assert read_manifest(outdir).state == "publishable"


def test_a_mistyped_workspace_is_an_error_that_creates_nothing(tmp_path):
    missing = str(tmp_path / "nonexist")
    for argv in (["build", missing], ["validate", missing], ["export", missing], ["templates", "export", missing],
                 ["new-period", "2026H1", missing], ["template", "区民政局", missing]):
        code, out = run(*argv)
        assert code == 1 and "找不到" in out, (argv, out)
        assert not (tmp_path / "nonexist").exists(), argv


def test_web_and_batch_import_nothing_from_the_cli():
    import ast

    src = Path(__file__).resolve().parent.parent / "src/reportgen"
    for path in [src / "batch.py", *sorted((src / "web").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").endswith("cli"), path.name
            elif isinstance(node, ast.Import):
                assert not any(a.name.endswith(".cli") for a in node.names), path.name


def test_a_department_uploading_a_phone_number_is_told_at_its_cell(tmp_path):
    """The upload page said 没有错误 and nothing else; it now shows the screening hit, as validate does."""
    from reportgen.workbooks import write_department
    from test_web import Site

    site = Site(make_workspace(tmp_path / "ws", THREE_TASKS, GOOD))
    form = tmp_path / "up.xlsx"
    write_department(form, "区教育局", [dict(GOOD["区教育局"][0], progress_text="新增学位300个，咨询电话13800138000")])
    page = site.department("区教育局").upload("区教育局.xlsx", form.read_bytes()).text
    assert "进展填报!D4" in page and "电话号码“13800138000”" in page
    assert "<b>可以发布</b>" not in site.office.get("/office").text
