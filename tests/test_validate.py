"""Every rule fires with its code at the right cell; the validate command and its workbooks."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from rich.console import Console

from conftest import THREE_TASKS, make_workspace, return_path
from reportgen.cli import main
from reportgen.merge import merge
from reportgen.read import read_workspace

PLAN = [
    *THREE_TASKS,
    dict(task_id="03-01", project_no=3, project="丙工程", category="就业", name="培训", target_text="培训1000人次",
         target_value=1000, unit="人次", lead="区人社局"),
]
OK_ROW = dict(task_id="01-01", name="助餐点", status="推进中", progress_text="已建成5个", achieved=5)


def issues_for(tmp_path, rows, extra=None, plan=PLAN):
    subs = {"区民政局": rows, **(extra or {})}
    ws = read_workspace(make_workspace(tmp_path / "ws", plan, subs))
    ds = merge(ws)
    return ds, [(i.code, i.file, i.sheet, i.cell) for i in ds.report.issues if i.code not in
                ("W-TASK-NOT-REPORTED", "W-DEPT-NOT-REPORTED")]


# Department workbooks from conftest: header on row 3, data from row 4; columns
# A 事项编号, B 任务名称, C 进展状态, D 进展情况, E 完成值, F 完成率.
@pytest.mark.parametrize("row, code, cell", [
    (dict(OK_ROW, task_id=""), "E-ID-MISSING", "A4"),
    (dict(OK_ROW, status=""), "E-STATUS-MISSING", "C4"),
    (dict(OK_ROW, status="差不多了"), "E-STATUS-UNKNOWN", "C4"),
    (dict(OK_ROW, progress_text=""), "E-PROGRESS-MISSING", "D4"),
    (dict(OK_ROW, achieved="五个"), "E-NUMBER-INVALID", "E4"),
    (dict(OK_ROW, rate="大半"), "E-PERCENT-INVALID", "F4"),
    (dict(OK_ROW, achieved="约5", progress_text="已建成约5个"), "W-NUMBER-APPROX", "E4"),
    (dict(OK_ROW, rate="350%", achieved=None, progress_text="已建成一批"), "W-RATE-HIGH", "F4"),
    (dict(OK_ROW, rate="60%"), "E-RATE-MISMATCH", "F4"),  # 5 of 10 is 50%
    (dict(OK_ROW, rate="8500%", achieved=None, progress_text="已建成一批"), "E-RATE-IMPOSSIBLE", "F4"),
    (dict(OK_ROW, status="未启动"), "E-NOT-STARTED-WITH-PROGRESS", "C4"),
    (dict(OK_ROW, task_id="09-09"), "E-TASK-NOT-IN-PLAN", "A4"),
    (dict(OK_ROW, name="老年食堂"), "W-NAME-MISMATCH", "B4"),
    (dict(OK_ROW, status="已完成"), "E-DONE-BELOW-TARGET", "C4"),
    (dict(OK_ROW, achieved=10, progress_text="已建成10个"), "W-RATE-FULL-NOT-DONE", "C4"),
    (dict(OK_ROW, achieved=7), "W-ACHIEVED-NOT-IN-TEXT", "E4"),
])
def test_rule_fires_at_cell(tmp_path, row, code, cell):
    _, found = issues_for(tmp_path, [row])
    assert (code, "区民政局.xlsx", "进展填报", cell) in found, found


def test_duplicate_and_wrong_department(tmp_path):
    plan = [dict(PLAN[0], partners="区教育局"), *PLAN[1:]]  # 01-01 may be co-reported by 区教育局; 01-02 may not
    extra = {"区教育局": [dict(OK_ROW, progress_text="我们也建了5个"),
                          dict(task_id="01-02", name="适老化改造", status="推进中", progress_text="代报")]}
    ds, found = issues_for(tmp_path, [OK_ROW], extra, plan=plan)
    assert ("E-TASK-DUPLICATE", "区教育局.xlsx", "进展填报", "A4") in found
    assert ("E-TASK-WRONG-DEPT", "区教育局.xlsx", "进展填报", "A5") in found
    assert ds.tasks[0].progress.department == "区民政局"  # the first 牵头单位 wins
    assert ds.tasks[1].progress is None  # another unit's task is never adopted


def test_unreported_tasks_and_departments(tmp_path):
    ds, _ = issues_for(tmp_path, [OK_ROW])
    codes = [(i.code, i.file, i.cell, i.department) for i in ds.report.issues]
    # 区民政局 sent a file but left 01-02 out: the task goes into its return workbook, below its table
    assert ("W-TASK-NOT-REPORTED", "区民政局.xlsx", "A5", "区民政局") in codes
    assert ("W-DEPT-NOT-REPORTED", "", "", "区人社局") in codes and ("W-DEPT-NOT-REPORTED", "", "", "区教育局") in codes
    assert set(ds.unreported_departments) == {"区教育局", "区人社局"}


def test_plan_rules(tmp_path):
    plan = PLAN + [dict(PLAN[0]), dict(PLAN[0], task_id="04-01", category="火星"), dict(PLAN[0], task_id="04-02", name=""),
                   dict(PLAN[0], task_id="04-03", unit="")]
    _, found = issues_for(tmp_path, [OK_ROW], plan=plan)
    assert ("E-PLAN-ID-DUPLICATE", "plan.xlsx", "任务清单", "A7") in found
    assert ("E-PLAN-CATEGORY-UNKNOWN", "plan.xlsx", "任务清单", "D8") in found
    assert ("E-PLAN-FIELD-MISSING", "plan.xlsx", "任务清单", "E9") in found
    assert ("E-PLAN-UNIT-MISSING", "plan.xlsx", "任务清单", "G10") in found


def test_no_row_vanishes(tmp_path):
    rows = [OK_ROW, dict(OK_ROW, task_id="01-02", status="瞎写"), dict(OK_ROW, task_id="77-77")]
    ds, _ = issues_for(tmp_path, rows)
    merged = sum(1 for m in ds.tasks if m.progress is not None)
    assert ds.rows_read == 3 == merged + len(ds.set_aside)
    assert {s.task_id for s in ds.set_aside} == {"01-02", "77-77"}
    assert all(s.reason for s in ds.set_aside)


def run_cli(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=200, color_system=None)), out.getvalue()


def test_validate_command_writes_report_and_returns(tmp_path):
    rows = [dict(OK_ROW, status="差不多了"), dict(OK_ROW, task_id="01-02", name="适老化改造", progress_text="=HYPERLINK(1)",
                                                  achieved="约30")]
    root = make_workspace(tmp_path / "ws", PLAN, {"区民政局": rows,
                                                   "区教育局": [dict(task_id="02-01", name="学位", status="推进中",
                                                                    progress_text="新增学位200个", achieved=200)]})
    original = (root / "inputs/2025H1/departments/区民政局.xlsx").read_bytes()
    code, out = run_cli(["validate", str(root)])
    assert code == 1
    assert "区民政局  错误 1 条" in out and "进展填报!C4" in out and "E-STATUS-UNKNOWN" in out
    outdir = root / "outputs" / "2025H1"
    report = load_workbook(outdir / "校验报告.xlsx")
    detail = [[c.value for c in r] for r in report["问题明细"].iter_rows(min_row=2)]
    expected = ["错误", "区民政局", "区民政局.xlsx", "进展填报", "C4", "E-STATUS-UNKNOWN", "进展状态无法识别"]
    assert expected in [r[:7] for r in detail]  # the code next to its title
    returned = load_workbook(return_path(outdir, "区民政局.xlsx"))
    assert returned.sheetnames[0] == "问题清单"
    cell = returned["进展填报"]["C4"]
    assert cell.comment and "无法识别" in cell.comment.text and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert returned["进展填报"]["D5"].data_type == "s"  # =HYPERLINK stays text
    assert not (return_path(outdir, "区教育局.xlsx")).exists()  # nothing to return
    assert (root / "inputs/2025H1/departments/区民政局.xlsx").read_bytes() == original


@pytest.mark.parametrize("achieved, found", [(0, False), (1, False), (2, True), (7, True)])
def test_achieved_not_in_text_only_where_a_figure_could_be_written(tmp_path, achieved, found):
    ds, issues = issues_for(tmp_path, [dict(OK_ROW, status="推进中", progress_text="正在选址，已建成一处", achieved=achieved)])
    assert (("W-ACHIEVED-NOT-IN-TEXT", "区民政局.xlsx", "进展填报", "E4") in issues) == found


def test_joined_reasons_have_no_doubled_punctuation(tmp_path):
    ds, _ = issues_for(tmp_path, [dict(OK_ROW, status="差不多了", progress_text="")])
    [aside] = [i for i in ds.report.issues if i.code == "W-TASK-NOT-ADOPTED"]
    reason = next(m.set_aside_reason for m in ds.tasks if m.task.task_id == "01-01")
    for text in (aside.message, reason, ds.set_aside[0].reason):
        assert not re.search(r"[。；，][。；，]", text) and "；" in text, text


def test_validate_exit_codes(tmp_path):
    clean = make_workspace(tmp_path / "clean", PLAN[:1], {"区民政局": [OK_ROW]})
    assert run_cli(["validate", str(clean)])[0] == 0
    warn = make_workspace(tmp_path / "warn", PLAN[:1], {"区民政局": [dict(OK_ROW, achieved=7)]})
    assert run_cli(["validate", str(warn)])[0] == 0
    assert run_cli(["validate", str(warn), "--strict"])[0] == 0  # as build --strict: this warning passes the gate
    phone = make_workspace(tmp_path / "phone", PLAN[:1],
                           {"区民政局": [dict(OK_ROW, progress_text=OK_ROW["progress_text"] + "，咨询电话13800138000")]})
    assert run_cli(["validate", str(phone)])[0] == 0
    assert run_cli(["validate", str(phone), "--strict"])[0] == 1  # a warning the gate does not pass


def test_strict_build_stops_on_errors_and_lax_build_carries_them(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN[:1], {"区民政局": [dict(OK_ROW, status="差不多了")]})
    code, out = run_cli(["build", str(root), "--strict"])
    assert code == 1 and "严格模式下未生成文档" in out
    assert not list((root / "outputs").rglob("*.pdf"))
    code, out = run_cli(["build", str(root)])
    assert code == 1 and "数据核对：读取 1 行 = 合并 0 行 + 搁置 1 行" in out
    summary = next((root / "outputs/2025H1").glob("*进度汇总表.xlsx"))
    issues = [[c.value for c in r] for r in load_workbook(summary)["校验问题"].iter_rows(min_row=2)]
    assert any(r[3:5] == ["E-STATUS-UNKNOWN", "进展状态无法识别"] for r in issues)  # the code beside its title


def test_every_code_in_the_catalogue_is_used_and_documented(repo_root):
    import re

    from reportgen.codes import CATALOGUE

    # advice.py and fillguide.py name codes (to explain and to count them), they do not emit them
    source = "\n".join(p.read_text(encoding="utf-8") for p in (repo_root / "src/reportgen").rglob("*.py")
                       if p.name not in ("codes.py", "advice.py", "fillguide.py"))
    used = set(re.findall(r'"([EW]-[A-Z-]+)"', source))
    catalogue = set(CATALOGUE)
    assert catalogue - used == set(), "codes nobody emits"
    assert used - catalogue == set(), "codes missing from the catalogue"


def test_plan_id_and_project_number(tmp_path):
    plan = PLAN + [dict(PLAN[0], task_id=""), dict(PLAN[0], task_id="05-01", project_no="第五")]
    _, found = issues_for(tmp_path, [OK_ROW], plan=plan)
    assert ("E-PLAN-ID-MISSING", "plan.xlsx", "任务清单", "A7") in found
    assert ("E-PLAN-PROJECT-NO", "plan.xlsx", "任务清单", "B8") in found


def test_missing_column_and_missing_header(tmp_path):
    from openpyxl import Workbook

    root = make_workspace(tmp_path / "ws", PLAN, {"区民政局": [OK_ROW]})
    folder = root / "inputs/2025H1/departments"
    wb = Workbook()
    wb.active.append(["事项编号", "进展状态", "备注"])  # no 进展情况
    wb.active.append(["02-01", "推进中", ""])
    wb.save(folder / "区教育局.xlsx")
    wb = Workbook()
    wb.active.append(["随便写的表", None])
    wb.save(folder / "区人社局.xlsx")
    ws = read_workspace(root)
    found = [(i.code, i.file, i.cell) for i in ws.report.issues]
    assert ("E-COLUMN-MISSING", "区教育局.xlsx", "A1") in found
    assert ("E-SHEET-NOT-FOUND", "区人社局.xlsx", "") in found
    assert [s.department for s in ws.submissions] == ["区教育局", "区民政局"]


def test_bad_period_name_for_a_new_period(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, {})
    code, out = run_cli(["new-period", "2025H3", str(root)])
    assert code == 1 and "2025H3" in out and "2025H1" in out  # names the wrong value and the right form
