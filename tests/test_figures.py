"""Figures against each other: 完成率 against 完成值÷目标值, the status against both, 超额 one way everywhere."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import make_workspace
from reportgen import build
from reportgen.merge import merge
from reportgen.read import read_workspace

PLAN = [
    dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="加装电梯", target_text="加装电梯50部",
         target_value=50, unit="部", lead="区住房建设委"),
    dict(task_id="01-02", project_no=1, project="甲工程", category="养老", name="助餐点", target_text="新建助餐点500个",
         target_value=500, unit="个", lead="区住房建设委"),
    dict(task_id="01-03", project_no=1, project="甲工程", category="养老", name="改造", target_text="改造100户",
         target_value=100, unit="户", lead="区住房建设委"),
]


def row(tid, status, text, achieved=None, rate=None):
    return dict(task_id=tid, name={"01-01": "加装电梯", "01-02": "助餐点", "01-03": "改造"}[tid], status=status,
                progress_text=text, achieved=achieved, rate=rate)


def workspace(tmp_path, rows, percent_cells=()):
    root = make_workspace(tmp_path / "ws", PLAN, {"区住房建设委": rows})
    if percent_cells:  # the 完成率 cells formatted as percent, as new-period's workbooks have them
        path = root / "inputs/2025H1/departments/区住房建设委.xlsx"
        wb = load_workbook(path)
        for ref in percent_cells:
            wb.active[ref].number_format = "0.0%"
        wb.save(path)
    return root


def issues(ds, code):
    return [i for i in ds.report.issues if i.code == code]


def test_85_typed_into_a_percent_cell_is_read_as_85_percent_and_said(tmp_path):
    # 425 of 500 is 85%; the clerk typed 85 into a cell formatted as percent, which shows 8500%
    root = workspace(tmp_path, [row("01-02", "推进中", "已建成助餐点425个", 425, 85)], percent_cells=["F4"])
    result = build(root)
    ds = result.dataset
    [found] = issues(ds, "W-RATE-PERCENT-CELL")
    assert (found.file, found.sheet, found.cell) == ("区住房建设委.xlsx", "进展填报", "F4")
    assert "8500%" in found.message and "重新输入 85（输入 85 即为 85%）" in found.message
    assert not issues(ds, "W-RATE-HIGH")
    assert next(m for m in ds.tasks if m.task.task_id == "01-02").rate == 85
    summary = next(o.path for o in result.outputs if o.kind == "summary")
    sheet = load_workbook(summary)["进度汇总"]
    header = [c.value for c in sheet[3]]
    assert sheet.cell(row=4 + 1, column=header.index("完成率") + 1).value == pytest.approx(0.85)  # not 85 (8500%)


def test_a_row_set_aside_for_its_status_still_has_its_figures_checked(tmp_path):
    """All findings of a file at once: the 85-in-a-percent-cell warning comes with the unknown status, not a round later."""
    root = workspace(tmp_path, [row("01-02", "差不多了", "已建成助餐点425个", 425, 85)], percent_cells=["F4"])
    ds = merge(read_workspace(root))
    assert [i.cell for i in issues(ds, "E-STATUS-UNKNOWN")] == ["C4"]
    [found] = issues(ds, "W-RATE-PERCENT-CELL")
    assert found.cell == "F4" and "重新输入 85（输入 85 即为 85%）" in found.message
    assert not issues(ds, "W-RATE-FULL-NOT-DONE") and not issues(ds, "E-DONE-BELOW-TARGET")  # no status to judge by
    assert next(m for m in ds.tasks if m.task.task_id == "01-02").progress is None  # still set aside


def test_an_impossible_rate_is_an_error_and_not_used(tmp_path):
    # no 完成值 to check against: 8500% cannot be right, and 85% is proposed
    root = workspace(tmp_path, [row("01-02", "推进中", "已建成一批助餐点", None, 85)], percent_cells=["F4"])
    ds = build(root).dataset
    [found] = issues(ds, "E-RATE-IMPOSSIBLE")
    assert found.cell == "F4" and "8500%" in found.message and "如本意是 85%，请改填 85%" in found.message
    assert next(m for m in ds.tasks if m.task.task_id == "01-02").rate is None
    assert not ds.gate.publishable


def test_a_rate_that_is_not_achieved_over_target_is_an_error(tmp_path):
    ds = merge(read_workspace(workspace(tmp_path, [row("01-02", "推进中", "已建成助餐点425个", 425, "60%")])))
    [found] = issues(ds, "E-RATE-MISMATCH")
    assert found.cell == "F4" and "425÷500＝85%" in found.message and "完成率应为 85%" in found.message


def test_done_below_target_is_an_error_naming_the_figures(tmp_path):
    # 已完成 with 30 of 50 部: published before as 该项目已完成。目前，已完成既有住宅加装电梯30部。
    root = workspace(tmp_path, [row("01-01", "已完成", "已完成既有住宅加装电梯30部", 30)])
    result = build(root)
    [found] = issues(result.dataset, "E-DONE-BELOW-TARGET")
    assert found.cell == "C4" and "完成值30部只达到目标值50部的60%" in found.message
    assert "序时推进" in found.message
    assert not result.gate.publishable
    press = [o for o in result.outputs if o.kind == "press-release"]
    assert press and all("（草稿）" in o.path.name for o in press)


def test_not_started_with_progress_is_an_error(tmp_path):
    ds = merge(read_workspace(workspace(tmp_path, [row("01-03", "未启动", "已改造40户", 40)])))
    [found] = issues(ds, "E-NOT-STARTED-WITH-PROGRESS")
    assert found.cell == "C4" and "完成值为40" in found.message


def test_over_target_counts_completed_tasks_only_in_every_document(tmp_path):
    # 01-01 序时推进 at 104%: not 超额; 01-02 已完成 at 110%: 超额; 01-03 已完成 at 100%: not 超额
    root = workspace(tmp_path, [row("01-01", "推进中", "已加装电梯52部", 52), row("01-02", "已完成", "已建成助餐点550个", 550),
                                row("01-03", "已完成", "已改造100户", 100)])
    result = build(root)
    c = result.dataset.counts
    assert (c.done, c.over_target) == (2, 1) and c.adds_up()
    assert "（其中1项超额完成预期目标）" in next(p for p in _docx_text(result) if p.startswith("截至"))
    summary = load_workbook(next(o.path for o in result.outputs if o.kind == "summary"))
    sheet = summary["进度汇总"]
    header = [c.value for c in sheet[3]]
    marks = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=header.index("超额完成") + 1).value
             for r in range(4, 7)}
    assert marks == {"01-01": None, "01-02": "是", "01-03": None}
    stats = [c.value for c in summary["分组统计"][3]]
    assert stats[1] == "合计" and stats[9] == 1  # 超额完成


def _docx_text(result):
    from docx import Document

    docx = next(o.path for o in result.outputs if o.kind == "press-release" and o.format == "docx")
    return [p.text for p in Document(str(docx)).paragraphs]
