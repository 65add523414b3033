"""Stale inputs: a workbook of another period (by its stamp, or by its title), progress copied from the
previous period; and the plan checked before any department workbook goes out."""

from __future__ import annotations

import io
import shutil
from datetime import datetime

import pytest
from openpyxl import load_workbook
from rich.console import Console

from conftest import THREE_TASKS, libreoffice, make_workspace
from reportgen import build
from reportgen.cli import main
from reportgen.merge import merge
from reportgen.model import NOT_ADOPTED
from reportgen.read import read_workspace

PLAN = THREE_TASKS
Q1_ROWS = {
    "区民政局": [dict(task_id="01-01", name="助餐点", status="推进中", progress_text="已建成助餐点3个", achieved=3),
                 dict(task_id="01-02", name="适老化改造", status="已完成", progress_text="已改造100户", achieved=100)],
    "区教育局": [dict(task_id="02-01", name="学位", status="推进中", progress_text="新增学位100个", achieved=100)],
}


def run(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=2000, color_system=None)), out.getvalue()


def fill(path, values: dict[str, tuple]):
    """Type into a new-period workbook as a clerk would: {task_id: (status, text, achieved)}."""
    wb = load_workbook(path)
    ws = wb["进展填报"]
    header = {c.value: c.column for c in ws[3]}
    for r in ws.iter_rows(min_row=4):
        if r[0].value in values:
            status, text, achieved = values[r[0].value]
            for label, v in (("进展状态", status), ("进展情况", text), ("完成值", achieved)):
                ws.cell(row=r[0].row, column=header[label], value=v)
    wb.save(path)


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    """Q1 filled in; new-period 2025H1 made the H1 workbooks."""
    root = make_workspace(tmp_path_factory.mktemp("fresh") / "ws", PLAN, Q1_ROWS, period="2025Q1",
                          period_toml={"as_of": "2025-03-31", "publish_date": "2025-04-10"})
    code, out = run(["new-period", "2025H1", str(root)])
    assert code == 0, out
    return root


def test_new_period_and_template_stamp_each_workbook_with_its_period(rolled, tmp_path):
    from reportgen.read.stamp import read_period_stamp

    folder = rolled / "inputs/2025H1/departments"
    assert {p.name: read_period_stamp(p) for p in folder.glob("*.xlsx")} == {"区民政局.xlsx": "2025H1",
                                                                              "区教育局.xlsx": "2025H1"}
    wb = load_workbook(folder / "区民政局.xlsx")
    assert wb.defined_names["reportgen_period"].hidden  # out of the clerk's way
    root = tmp_path / "ws"
    shutil.copytree(rolled, root)
    assert run(["template", "区教育局", str(root), "--force"])[0] == 0
    assert read_period_stamp(root / "inputs/2025H1/departments/区教育局.xlsx") == "2025H1"


def test_the_stamp_survives_saving_in_another_office_suite(rolled, tmp_path):
    from reportgen.read.stamp import read_period_stamp

    src = rolled / "inputs/2025H1/departments/区民政局.xlsx"
    for fmt in ("xlsx", "xls"):
        out = tmp_path / fmt
        libreoffice(src, fmt, out)
        assert read_period_stamp(out / f"区民政局.{fmt}") == "2025H1", fmt


def test_last_periods_stamped_workbook_returned_is_caught(rolled, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(rolled, root)
    # 区民政局 sends back its Q1 workbook (made by template for Q1, filled) instead of the H1 one
    code, out = run(["template", "区民政局", str(root), "--period", "2025Q1", "--force"])
    assert code == 0, out
    q1 = root / "inputs/2025Q1/departments/区民政局.xlsx"
    fill(q1, {"01-01": ("序时推进", "已建成助餐点3个", 3), "01-02": ("已完成", "已改造100户", 100)})
    shutil.copy(q1, root / "inputs/2025H1/departments/区民政局.xlsx")
    fill(root / "inputs/2025H1/departments/区教育局.xlsx", {"02-01": ("序时推进", "新增学位300个", 300)})
    result = build(root, "2025H1")
    ds = result.dataset
    [found] = [i for i in ds.report.issues if i.code == "E-FILE-OTHER-PERIOD"]
    assert found.file == "区民政局.xlsx" and "2025年一季度" in found.message and "2025Q1" in found.message
    assert {m.task.task_id: m.status for m in ds.tasks if m.task.lead == "区民政局"} == {"01-01": NOT_ADOPTED,
                                                                                          "01-02": NOT_ADOPTED}
    assert result.balanced and all("不是本期的填报表" in s.reason for s in ds.set_aside)
    assert not result.gate.publishable and "1个文件不是本期的填报表" in result.gate.reasons
    assert run(["build", str(root), "--period", "2025H1", "--strict"])[0] == 1


@pytest.mark.parametrize("title, caught", [
    ("2026年一季度民心工程进展情况填报表", True),   # last period's title, no stamp (a file re-typed or exported)
    ("2025年上半年民心工程进展情况填报表", True),   # last year's
    ("2026年上半年民心工程进展情况填报表", False),  # this period
    ("民心工程进展情况填报表", False),              # no evidence either way
    ("2026年民心工程全年目标任务进展情况", False),  # 全年目标 is not a period
])
def test_an_unstamped_file_titled_with_another_period_is_caught(tmp_path, title, caught):
    root = make_workspace(tmp_path / "ws", PLAN[:2], {"区民政局": Q1_ROWS["区民政局"]}, period="2026H1",
                          period_toml={"as_of": "2026-06-30", "publish_date": "2026-07-10"}, header={"title": title})
    ds = merge(read_workspace(root))
    found = [(i.file, i.sheet, i.cell) for i in ds.report.issues if i.code == "E-FILE-OTHER-PERIOD"]
    assert found == ([("区民政局.xlsx", "进展填报", "A1")] if caught else [])
    assert (ds.counts.not_adopted == 2) is caught


def test_a_leftover_sheet_naming_another_period_is_evidence(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN[:2], {"区民政局": Q1_ROWS["区民政局"]}, period="2026H1",
                          period_toml={"as_of": "2026-06-30"})
    path = root / "inputs/2026H1/departments/区民政局.xlsx"
    wb = load_workbook(path)
    wb.create_sheet("问题清单", 0)["A1"] = "2026年一季度校验问题清单"
    wb.save(path)
    found = [i for i in merge(read_workspace(root)).report.issues if i.code == "E-FILE-OTHER-PERIOD"]
    assert [(i.sheet, i.cell) for i in found] == [("问题清单", "A1")]


def test_progress_copied_from_the_previous_period_is_flagged(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, Q1_ROWS, period="2025Q1", period_toml={"as_of": "2025-03-31"})
    h1 = {
        "区民政局": [dict(Q1_ROWS["区民政局"][0], progress_text="已建成助餐点3个。 "),  # same words, not done: stale
                     Q1_ROWS["区民政局"][1]],  # done then and now: a finished task's text may stay
        "区教育局": [dict(Q1_ROWS["区教育局"][0], progress_text="新增学位300个", achieved=300)],
    }
    make_workspace(root, PLAN, h1)
    result = build(root, "2025H1")
    stale = [(i.file, i.cell) for i in result.report.issues if i.code == "W-PROGRESS-STALE"]
    assert stale == [("区民政局.xlsx", "D4")]
    msg = next(i.message for i in result.report.issues if i.code == "W-PROGRESS-STALE")
    assert "一季度" in msg and "2025年6月30日" in msg
    assert result.report.ok and not result.gate.publishable  # a warning, yet no publishing as it is
    assert "1项任务的进展情况与上期相同" in result.gate.reasons


# ---- the plan, before any workbook goes out --------------------------------------------------

def test_new_period_refuses_a_plan_with_cells_to_fix_and_writes_no_workbook(tmp_path):
    plan = PLAN + [
        dict(PLAN[0], task_id=datetime(2025, 2, 1)),  # 02-01 typed into a General cell
        dict(PLAN[0], task_id="03-01", unit=""),  # 目标值 without 计量单位
        dict(PLAN[1]),  # 01-02 twice
        dict(PLAN[0], task_id="03-02", target_text=""),  # no 年度目标
    ]
    root = make_workspace(tmp_path / "ws", plan, {}, period="2025Q1")
    code, out = run(["new-period", "2025Q1", str(root)])
    assert code == 1
    assert "inputs/2025Q1/plan.xlsx 有4处需要修改" in out and "未生成任何填报表" in out
    for cell, text in (("A6", "2025-02-01"), ("G7", "计量单位"), ("A8", "01-02"), ("F9", "年度目标")):
        assert any(f"任务清单!{cell}" in line and text in line for line in out.splitlines()), (cell, out)
    assert "可能是 02-01" in out
    assert not list((root / "inputs/2025Q1/departments").iterdir())
    assert run(["template", "区民政局", str(root)])[0] == 1  # the single-department route refuses too
    assert not list((root / "inputs/2025Q1/departments").iterdir())
