"""Rolling a workspace forward safely: argument order, nothing overwritten, first periods, new years."""

from __future__ import annotations

import io
import tomllib

import pytest
from openpyxl import load_workbook
from rich.console import Console

from conftest import copy_sample
from reportgen.cli import main
from reportgen.workbooks import write_plan

PLAN = [dict(task_id="01-01", project_no=1, project="幸福养老工程", category="养老", name="助餐点",
             target_text="新建老年助餐点10个", target_value=10, unit="个", lead="区民政局"),
        dict(task_id="02-01", project_no=2, project="优质教育工程", category="教育", name="学位",
             target_text="新增学位900个", target_value=900, unit="个", lead="区教育局、区住建委")]


def run(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=300, color_system=None)), out.getvalue()


def test_workspace_may_come_after_the_options(tmp_path, capsys):
    root = copy_sample(tmp_path / "ws")
    code, out = run(["new-period", "2025FY", "--from", "2025H1", str(root)])
    assert code == 0, out
    assert len(list((root / "inputs/2025FY/departments").glob("*.xlsx"))) == 13
    code, out = run(["template", "区民政局", "--period", "2025FY", str(root), "--force"])
    assert code == 0, out
    with pytest.raises(SystemExit) as stop:
        run(["build", str(root), "--period", "2025H1", "extra"])
    assert stop.value.code == 2 and "无法识别的参数：extra" in capsys.readouterr().err


def test_prepared_plan_and_period_are_kept(tmp_path):
    root = copy_sample(tmp_path / "ws")
    target = root / "inputs/2026Q1"
    target.mkdir(parents=True)
    write_plan(target / "plan.xlsx", PLAN, title="2026年任务清单")
    (target / "period.toml").write_text('period = "2026Q1"\nissue_no = 1\npublish_date = 2026-04-12\n', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (target / "plan.xlsx", target / "period.toml")}
    code, out = run(["new-period", "2026Q1", str(root)])
    assert code == 0, out
    assert {p.name: p.read_bytes() for p in (target / "plan.xlsx", target / "period.toml")} == before
    assert "保留未改" in out
    assert sorted(p.stem for p in (target / "departments").glob("*.xlsx")) == ["区教育局", "区民政局"]


def test_new_year_restarts_the_issue_number_and_says_the_plan_was_carried(tmp_path):
    root = copy_sample(tmp_path / "ws")
    code, out = run(["new-period", "2026Q1", str(root)])
    assert code == 0, out
    period = tomllib.loads((root / "inputs/2026Q1/period.toml").read_text(encoding="utf-8"))
    assert period["issue_no"] == 1 and str(period["as_of"]) == "2026-03-31"
    assert "已沿用 2025H1 的任务清单" in out


def test_going_backwards_is_refused(tmp_path):
    root = copy_sample(tmp_path / "ws")
    code, out = run(["new-period", "2025Q1", "--from", "2025H1", str(root)])
    assert code == 1 and "不在新报告期 2025Q1 之前" in out and "〔E-PERIOD-ORDER 报告期先后有误〕" in out  # code beside its title
    assert not (root / "inputs/2025Q1").exists()


def test_second_run_and_filled_workbooks_are_not_overwritten(tmp_path):
    root = copy_sample(tmp_path / "ws")
    assert run(["new-period", "2025FY", str(root)])[0] == 0
    code, out = run(["new-period", "2025FY", str(root)])
    assert code == 1 and "已有单位填报表" in out and "TOML" not in out
    filled = root / "inputs/2025FY/departments/区民政局.xlsx"
    wb = load_workbook(filled)
    wb["进展填报"]["C4"] = "已完成"
    wb.save(filled)
    before = filled.read_bytes()
    code, out = run(["template", "区民政局", str(root)])
    assert code == 1 and "--force" in out and filled.read_bytes() == before
    code, out = run(["template", "区不存在局", str(root)])
    assert code == 1 and "牵头单位有：" in out and "区民政局" in out and "TOML" not in out


def test_init_never_overwrites_and_new_period_starts_the_first_period(tmp_path):
    root = tmp_path / "ws"
    plan = root / "inputs/2026Q1/plan.xlsx"
    plan.parent.mkdir(parents=True)
    write_plan(plan, PLAN)
    before = plan.read_bytes()
    code, out = run(["init", str(root), "--period", "2026Q1"])
    assert code == 1 and "inputs/2026Q1/plan.xlsx" in out and plan.read_bytes() == before

    fresh = tmp_path / "fresh"
    code, out = run(["init", str(fresh), "--period", "2026Q1", "--region", "新区"])
    assert code == 0 and "reportgen new-period 2026Q1" in out
    write_plan(fresh / "inputs/2026Q1/plan.xlsx", PLAN)
    (fresh / "report.toml").write_text((fresh / "report.toml").read_text(encoding="utf-8")
                                       .replace('program = "民心工程"', 'program = "民生实事"'), encoding="utf-8")
    code, out = run(["new-period", "2026Q1", str(fresh)])
    assert code == 0 and "没有上期" in out, out
    ws = load_workbook(fresh / "inputs/2026Q1/departments/区教育局.xlsx")["进展填报"]
    assert ws["A1"].value == "2026年一季度民生实事进展情况填报表"
    header = [c.value for c in ws[3]]
    row = {h: c for h, c in zip(header, ws[4])}
    assert row["事项编号"].value == "02-01" and row["上期进展"].value in (None, "")
    assert row["完成率"].number_format == "0.0%"
    assert ws.row_dimensions[4].height >= 18


def test_typed_percent_in_the_template_reads_as_percent(tmp_path):
    """A clerk types 85 into the 完成率 cell; Excel stores 0.85 in the percent-formatted cell."""
    from reportgen.read.departments import read_department

    root = copy_sample(tmp_path / "ws")
    assert run(["new-period", "2025FY", str(root)])[0] == 0
    path = root / "inputs/2025FY/departments/区民政局.xlsx"
    wb = load_workbook(path)
    ws = wb["进展填报"]
    for row, rate in ((4, 0.85), (5, 2.5)):  # 85% and an over-target 250%
        ws.cell(row=row, column=3, value="序时推进")
        ws.cell(row=row, column=4, value="目前，已完成部分工作")
        ws.cell(row=row, column=6, value=rate)
    wb.save(path)
    sub, _ = read_department(path)
    assert [p.rate for p in sub.rows[:2]] == [85.0, 250.0]
