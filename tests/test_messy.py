"""What departments really type, and where each problem is reported.

Every workbook is generated here with openpyxl. Unless a test says otherwise, a
hand-made department workbook has its header on row 3 and data from row 4, in
columns A 事项编号, B 任务名称, C 进展状态, D 进展情况, E 完成值, F 完成率.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from rich.console import Console

from conftest import make_workspace, return_path
from reportgen.build import BuildResult, check
from reportgen.cli import main
from reportgen.merge import merge
from reportgen.model import Progress
from reportgen.numbers import in_unit, numbers_in_text, parse_number
from reportgen.read import read_workspace
from reportgen.read.cells import is_blank_row, is_note_row, is_total_row
from reportgen.read.departments import _title_block, read_department
from reportgen.validate import achieved_in_text

HEADER = ["事项编号", "任务名称", "进展状态", "进展情况", "完成值", "完成率"]


def _plan(tid, name, target=None, unit="", lead="区民政局", project_no=1):
    return dict(task_id=tid, project_no=project_no, project="甲工程", category="养老", name=name,
                target_text=f"{name}年度目标", target_value=target, unit=unit, lead=lead)


PLAN = [
    _plan("01-01", "助餐点", 10, "个"),
    _plan("01-02", "养老资金", 5000, "万元"),
    _plan("01-03", "助老服务", 2, "万人次"),
    _plan("01-04", "补贴发放", 50_000_000, "元"),
    _plan("02-01", "学位", 500, "个", lead="区教育局", project_no=2),
]


def sheet(path: Path, rows: list[list], *, merges=(), formats: dict[str, str] | None = None, title="进展填报") -> Path:
    """A workbook whose first sheet holds `rows` from A1 (None leaves a cell empty)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    for rng in merges:
        ws.merge_cells(rng)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def dept_file(path: Path, data: list[list], *, title_cell="填报单位：区民政局", **kw) -> Path:
    """Title row, title block on row 2, header on row 3, `data` from row 4."""
    return sheet(path, [["2025年上半年民心工程进展情况填报表"], [title_cell], HEADER, *data], **kw)


def workspace(tmp_path, files: dict[str, list[list]], plan=PLAN, **kw) -> Path:
    """Department files named after their department, with 填报单位 in the title block unless `title_cell` says otherwise."""
    root = make_workspace(tmp_path / "ws", plan, {})
    for name, data in files.items():
        dept_file(root / "inputs/2025H1/departments" / name, data,
                  **{"title_cell": f"填报单位：{Path(name).stem}", **kw})
    return root


def found(ds, *codes):
    return [(i.code, i.file, i.sheet, i.cell) for i in ds.report.issues if not codes or i.code in codes]


def by_id(ds):
    return {m.task.task_id: m for m in ds.tasks}


# ---- 1. amounts in the plan's unit ---------------------------------------------------------

@pytest.mark.parametrize("typed, unit, value", [
    ("3822万元", "万元", 3822), ("3822万元", "元", 38_220_000), ("3822", "万元", 3822), (3822, "万元", 3822),
    ("1.4万人次", "万人次", 1.4), ("14000人次", "万人次", 1.4), ("1.4万", "万人次", 1.4), ("1.4万", "个", 14000),
    ("27.91万人次", "人次", 279_100), ("3822万元", "亿元", 0.3822), ("460个", "个", 460), ("１２３", "个", 123),
])
def test_in_unit(typed, unit, value):
    assert in_unit(typed, unit) == pytest.approx(value)


def test_amounts_are_converted_into_the_plans_unit(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [
        ["01-02", "养老资金", "推进中", "已拨付资金3822万元", "3822万元"],
        ["01-03", "助老服务", "推进中", "已服务1.4万人次", "1.4万人次"],
        ["01-04", "补贴发放", "推进中", "已发放补贴3822万元", "3822万元"],
    ]})
    ds = merge(read_workspace(root))
    t = by_id(ds)
    assert (t["01-02"].progress.achieved, t["01-02"].rate) == (3822, 76.4)
    assert (t["01-03"].progress.achieved, t["01-03"].rate) == (1.4, 70.0)
    assert (t["01-04"].progress.achieved, t["01-04"].rate) == (38_220_000, 76.4)
    assert t["01-02"].progress.achieved_text == "3822万元"  # as typed
    assert not found(ds, "W-RATE-HIGH", "W-ACHIEVED-NOT-IN-TEXT", "W-RATE-FULL-NOT-DONE")
    # validating twice (merge without a validation does it again) converts once
    ds2 = merge(read_workspace(root))
    assert by_id(ds2)["01-03"].progress.achieved == 1.4


def test_plain_number_in_a_10k_unit_and_base_unit(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [
        ["01-02", "养老资金", "推进中", "已拨付资金3822万元", 3822],
        ["01-03", "助老服务", "推进中", "已服务14000人次", "14000人次"],
    ]})
    t = by_id(merge(read_workspace(root)))
    assert (t["01-02"].progress.achieved, t["01-03"].progress.achieved, t["01-03"].rate) == (3822, 1.4, 70.0)


def test_computed_rate_over_300_warns_with_a_percent(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [
        ["01-01", "助餐点", "推进中", "已建成35个", 35],
        ["01-02", "养老资金", "推进中", "已拨付资金", "", "350%"],
    ]})
    ds = merge(read_workspace(root))
    high = {i.cell: i.message for i in ds.report.issues if i.code == "W-RATE-HIGH"}
    assert set(high) == {"E4", "F5"}
    assert "350%" in high["E4"] and "按完成值÷目标值算得" in high["E4"]
    assert high["F5"].startswith("完成率 350% 超过300%")
    assert all(i.file == "区民政局.xlsx" and i.sheet == "进展填报" for i in ds.report.issues if i.code == "W-RATE-HIGH")


# ---- 2. title block -------------------------------------------------------------------------

@pytest.mark.parametrize("rows, want", [
    ([["填报单位（盖章）：区民政局"]], {"department": "区民政局"}),
    ([["填报单位(盖章):区民政局", None, "填报人：王某"]], {"department": "区民政局", "reporter": "王某"}),
    ([["填报单位: 区民政局 填报人：王某 联系电话：12345678"]],
     {"department": "区民政局", "reporter": "王某", "phone": "12345678"}),
    ([["填报单位：区民政局（盖章）    填报日期：2025年7月1日"]], {"department": "区民政局", "filled_on": "2025年7月1日"}),
    ([["填报单位：", "区民政局", "联系人：张三", "联系电话：123"]], {"department": "区民政局", "phone": "123"}),
    ([["填报单位：", "填报人：王某"]], {"reporter": "王某"}),
    ([["2025年上半年民心工程进展情况填报表"] * 6], {}),
])
def test_title_block_variants(rows, want):
    assert _title_block(rows, len(rows)) == want


@pytest.mark.parametrize("title_cell", ["填报单位（盖章）：区民政局", "填报单位: 区民政局 填报人：王某 联系电话：12345678"])
def test_title_variant_gives_the_department_to_every_row(tmp_path, title_cell):
    root = workspace(tmp_path, {"民政.xlsx": [["01-01", "助餐点", "推进中", "已建成5个", 5]]}, title_cell=title_cell)
    ds = merge(read_workspace(root))
    assert [s.department for s in ds.submissions] == ["区民政局"]
    assert not found(ds, "E-TASK-WRONG-DEPT")


# ---- 3. two-row headers ---------------------------------------------------------------------

def test_two_row_header_with_a_merged_group_label(tmp_path):
    path = sheet(tmp_path / "区民政局.xlsx", [
        ["填报单位：区民政局"],
        ["事项编号", "任务名称", "进展状态", "进展情况", "完成情况", None, "存在问题"],
        [None, None, None, None, "完成值", "完成率", None],
        ["01-01", "助餐点", "推进中", "已建成5个", 5, "50%", "无"],
    ], merges=("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3"))
    sub, issues = read_department(path)
    assert not issues
    assert sub.rows_read == 1
    p = sub.rows[0]
    assert (p.task_id, p.status, p.progress_text, p.achieved, p.rate, p.problems) == (
        "01-01", "序时推进", "已建成5个", 5, 50, "无")
    assert p.source.row == 4 and p.columns["achieved"] == "E" and p.columns["rate"] == "F"


def test_two_row_header_without_vertical_merges(tmp_path):
    path = sheet(tmp_path / "区民政局.xlsx", [
        ["事项编号", "进展状态", "进展情况", "完成情况", None],
        [None, None, None, "完成值", "完成率"],
        ["01-01", "已完成", "已建成10个", 10, "100%"],
        ["01-02", "推进中", "已拨付", "3822万元", None],
    ], merges=("D1:E1",))
    sub, issues = read_department(path)
    assert not issues and sub.rows_read == 2
    assert [(p.achieved, p.rate) for p in sub.rows] == [(10, 100), (38_220_000, None)]


def test_a_header_with_every_cell_merged_down_two_rows(tmp_path):
    path = sheet(tmp_path / "区民政局.xlsx", [HEADER, [None] * 6, ["01-01", "助餐点", "推进中", "已建成5个", 5]],
                 merges=[f"{c}1:{c}2" for c in "ABCDEF"])
    sub, issues = read_department(path)
    assert not issues and [p.task_id for p in sub.rows] == ["01-01"] and sub.rows[0].source.row == 3


def test_the_row_below_a_header_is_data_when_it_holds_data(tmp_path):
    path = sheet(tmp_path / "区民政局.xlsx", [HEADER, ["01-01", "助餐点", "推进中", "完成情况", 5]])
    sub, _ = read_department(path)
    assert [p.task_id for p in sub.rows] == ["01-01"]


# ---- 4. noise rows --------------------------------------------------------------------------

@pytest.mark.parametrize("row, blank, total, note", [
    ([5, None, None], False, False, False),  # without knowing the 序号 column, 5 is something
    (["合计"], False, True, False),
    (["合 计", None, 12], False, True, False),
    (["合计（5项）"], False, True, False),
    (["合计：5项"], False, True, False),
    ([5, "合计"], False, True, False),
    (["总计", "合计"], False, True, False),
    (["01-01", "合计完成"], False, False, False),
    (["注：1.完成值请填写数字"] * 6, False, False, True),
    (["审核人：张三", None, None, "填表人：李四", None, "联系电话：123"], False, False, True),
    (["填表说明：状态请按下拉选择"], False, False, True),
    (["单位负责人：王五"], False, False, True),
    (["注重养老服务", "推进中"], False, False, False),
    (["01-01", "推进中", "说明：已建成"], False, False, False),
])
def test_row_kinds(row, blank, total, note):
    assert (is_blank_row(row), is_total_row(row), is_note_row(row)) == (blank, total, note)


def test_a_serial_number_alone_is_blank_when_its_column_is_headed_serial(tmp_path):
    assert is_blank_row([5, None, None], ignore={0})
    assert is_total_row([5, "合计"], ignore={0})


def test_template_rows_totals_and_footers_are_not_data(tmp_path):
    path = sheet(tmp_path / "区民政局.xlsx", [
        ["填报单位：区民政局"],
        ["序号"] + HEADER,
        [1, "01-01", "助餐点", "推进中", "已建成5个", 5],
        [2, None, None, None, None, None],  # unused template rows: only a 序号
        [3],
        [None, "合计（1项）"],
        ["合计：1项"],
        [4, "合计"],
        ["注：1.完成值请填写数字；2.完成率请带%。"] * 7,
        ["审核人：张三", None, None, "填表人：李四"],
        [None],
        ["填表说明：状态请按下拉选择"],
    ], merges=("A9:G9",))
    sub, issues = read_department(path)
    assert [p.task_id for p in sub.rows] == ["01-01"]
    assert sub.rows_read == 1 and not sub.set_aside
    assert [(i.code, i.level, i.cell) for i in issues] == [("W-ROW-NOTE", "warning", "A9")]
    assert "第9、10、12行" in issues[0].message and "注：1.完成值" in issues[0].message


def test_footer_rows_in_a_workspace_keep_the_sums(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [
        ["01-01", "助餐点", "推进中", "已建成5个", 5], ["合计（1项）"], ["注：本表由各单位填写"], ["审核人：张三"]]})
    result = check(root)
    assert result.reconciliation == (1, 1, 0) and result.balanced
    assert found(result.dataset, "W-ROW-NOTE") == [("W-ROW-NOTE", "区民政局.xlsx", "进展填报", "A6")]
    assert not [i for i in result.report.issues if i.is_error]


# ---- 5. a forgotten task goes back to its department --------------------------------------

def test_forgotten_task_is_addressed_to_the_lead_department(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [["01-01", "助餐点", "推进中", "已建成5个", 5]]})
    result = check(root)
    missing = {i.message.split("“")[1].split()[0]: i for i in result.report.issues if i.code == "W-TASK-NOT-REPORTED"}
    i = missing["01-02"]
    assert (i.department, i.file, i.sheet, i.cell) == ("区民政局", "区民政局.xlsx", "进展填报", "A5")
    j = missing["02-01"]  # 区教育局 sent nothing: the plan's row, under its name
    assert (j.department, j.file, j.cell) == ("区教育局", "plan.xlsx", "A7")
    returned = load_workbook(return_path(result.outdir, "区民政局.xlsx"))
    listing = [[c.value for c in r] for r in returned["问题清单"].iter_rows(min_row=3)]
    assert any(r[5:7] == ["W-TASK-NOT-REPORTED", "事项未报送"] and "01-02" in r[7] for r in listing)
    assert "未报送" in returned["进展填报"]["A5"].comment.text


def test_forgotten_task_below_a_total_row_points_at_the_id_header(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [["01-01", "助餐点", "推进中", "已建成5个", 5], ["合计"]]})
    ds = merge(read_workspace(root))
    cells = {i.cell for i in ds.report.issues if i.code == "W-TASK-NOT-REPORTED" and i.department == "区民政局"}
    assert cells == {"A3"}


# ---- 6. 完成值 in the text, as whole numbers -------------------------------------------------

@pytest.mark.parametrize("achieved, text, unit, ok", [
    (2, "2025年6月已建成3个", "个", False),
    (3, "2025年6月已建成3个", "个", True),
    (123, "已建成１２３个", "个", True),
    (14000, "已服务1.4万人次", "人次", True),
    (1.4, "已服务1.4万人次", "万人次", True),
    (1.4, "已服务14000人次", "万人次", True),
    (3822, "已拨付3,822万元", "万元", True),
    (38_220_000, "已拨付3822万元", "元", True),
    (20, "已建成200个", "个", False),
    (5, "已建成5.5个", "个", False),
])
def test_achieved_in_text(achieved, text, unit, ok):
    p = Progress(task_id="01-01", status="序时推进", progress_text=text, achieved=achieved)
    assert achieved_in_text(p, unit) is ok


def test_numbers_in_text_are_whole_numbers():
    assert numbers_in_text("2025年6月建成１２３个，3,822万元") == [(2025, 1), (6, 1), (123, 1), (3822, 1e4)]


def test_achieved_not_in_text_fires_at_its_cell(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [["01-01", "助餐点", "推进中", "2025年6月已建成3个", 2],
                                                   ["01-02", "养老资金", "推进中", "已拨付１２３万元", "123万元"]]})
    ds = merge(read_workspace(root))
    assert found(ds, "W-ACHIEVED-NOT-IN-TEXT") == [("W-ACHIEVED-NOT-IN-TEXT", "区民政局.xlsx", "进展填报", "E4")]


# ---- 7. reconciliation ----------------------------------------------------------------------

def test_reconciliation_counts_each_side_on_its_own(tmp_path):
    root = workspace(tmp_path, {
        "区民政局.xlsx": [["01-01", "助餐点", "推进中", "已建成5个", 5],
                          ["01-02", "养老资金", "推进中", "已拨付100万元", 100],
                          ["09-09", "不存在", "推进中", "无"]],  # not in the plan
        "区教育局.xlsx": [["01-01", "助餐点", "推进中", "代报5个", 5],  # a duplicate
                          ["02-01", "学位", "推进中", "新增200个", 200]],
    })
    folder = root / "inputs/2025H1/departments"
    sheet(folder / "区人社局.xlsx", [["填报单位：区人社局"], ["事项编号", "进展状态", "备注"],
                                     ["01-03", "推进中", ""], [None], ["01-04", "推进中", "x"], ["合计"]])
    result = check(root)
    read, merged, aside = result.reconciliation
    assert (read, merged, aside) == (7, 3, 4) and result.balanced
    reasons = {(s.source.file, s.task_id): s.reason for s in result.dataset.set_aside}
    assert set(reasons) == {("区民政局.xlsx", "09-09"), ("区教育局.xlsx", "01-01"),
                            ("区人社局.xlsx", "01-03"), ("区人社局.xlsx", "01-04")}
    assert reasons[("区人社局.xlsx", "01-03")].startswith("缺少必填列“进展情况”")
    assert ("E-COLUMN-MISSING", "区人社局.xlsx", "进展填报", "A2") in found(result.dataset)


def test_reconciliation_shows_a_lost_row():
    from reportgen.model import Config, Dataset, Period, Report

    ds = Dataset(Config(), Period("2025H1", 2025, "H1", datetime(2025, 6, 30).date(), "上半年"), [], [], "project",
                 [], [], rows_read=2, report=Report())
    result = BuildResult(ds, ds.report, Path("."))
    assert result.reconciliation == (2, 0, 0) and not result.balanced


def test_cli_prints_the_reconciliation(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [["01-01", "助餐点", "推进中", "已建成5个", 5], ["09-09", "x", "推进中", "无"]]})
    out = io.StringIO()
    main(["validate", str(root)], console=Console(file=out, width=200, color_system=None))
    assert "数据核对：读取 2 行 = 合并 1 行 + 搁置 1 行" in out.getvalue()


# ---- 8. minor ones --------------------------------------------------------------------------

@pytest.mark.parametrize("plan_name, typed, warns", [
    ("助餐点(一期)", "助餐点（一期）", False),
    ("助餐点（一期）", "助餐点 (一期)", False),
    ("AB助餐点（一期）", "ＡＢ助餐点(一期)", False),
    ("助餐点(一期)", "助餐点", True),
])
def test_name_mismatch_compares_normalized(tmp_path, plan_name, typed, warns):
    root = workspace(tmp_path, {"区民政局.xlsx": [["01-01", typed, "推进中", "已建成5个", 5]]},
                     plan=[_plan("01-01", plan_name, 10, "个")])
    got = found(merge(read_workspace(root)), "W-NAME-MISMATCH")
    assert got == ([("W-NAME-MISMATCH", "区民政局.xlsx", "进展填报", "B4")] if warns else [])


def test_fraction_rate_in_a_general_cell(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [
        ["01-01", "助餐点", "推进中", "已建成8.5个", 8.5, 0.85],  # 8.5/10 = 85%: a fraction
        ["02-01", "学位", "推进中", "新增学位", None, "0.6"],  # nothing to check against
        ["01-02", "养老资金", "推进中", "已拨付50万元", 50, 1],  # 50/5000 = 1%: really 1%
        ["01-03", "助老服务", "推进中", "已服务1.5万人次", "1.5万人次", 0.75],  # percent-formatted cell: 75%
    ]}, formats={"F7": "0%"}, plan=[*PLAN[:4], dict(PLAN[4], partners="区民政局")])  # 02-01: 区民政局 co-reports
    ds = merge(read_workspace(root))
    t = by_id(ds)
    assert [t[k].rate for k in ("01-01", "02-01", "01-02", "01-03")] == [85, 0.6, 1, 75]
    assert found(ds, "W-RATE-FRACTION", "W-RATE-AMBIGUOUS") == [
        ("W-RATE-FRACTION", "区民政局.xlsx", "进展填报", "F4"), ("W-RATE-AMBIGUOUS", "区民政局.xlsx", "进展填报", "F5")]
    assert "85%" in next(i.message for i in ds.report.issues if i.code == "W-RATE-FRACTION")
    assert "60%" in next(i.message for i in ds.report.issues if i.code == "W-RATE-AMBIGUOUS")


@pytest.mark.parametrize("typed", ["2000+", "2000+个", "２０００＋", "2000余", "约2000", "2000多"])
def test_approximate_amounts(typed):
    n = parse_number(typed)
    assert (n.value, n.approximate) == (2000, True)


def test_plus_marks_an_approximate_amount_at_its_cell(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [["01-01", "助餐点", "推进中", "已建成2000+个", "2000+"]]},
                     plan=[_plan("01-01", "助餐点", 3000, "个")])
    ds = merge(read_workspace(root))
    assert found(ds, "W-NUMBER-APPROX") == [("W-NUMBER-APPROX", "区民政局.xlsx", "进展填报", "E4")]
    assert by_id(ds)["01-01"].progress.approximate


def test_an_id_that_excel_turned_into_a_date(tmp_path):
    root = workspace(tmp_path, {"区民政局.xlsx": [
        [datetime(2025, 1, 3), "助老服务", "推进中", "已服务1.4万人次", "1.4万人次"],
        [datetime(2025, 7, 9), "不知道", "推进中", "无"],
    ]})
    ds = merge(read_workspace(root))
    assert by_id(ds)["01-03"].progress is not None
    assert found(ds, "W-ID-DATE", "E-ID-DATE", "E-TASK-NOT-IN-PLAN") == [
        ("W-ID-DATE", "区民政局.xlsx", "进展填报", "A4"), ("E-ID-DATE", "区民政局.xlsx", "进展填报", "A5")]
    messages = {i.code: i.message for i in ds.report.issues}
    assert "2025-01-03" in messages["W-ID-DATE"] and "01-03" in messages["W-ID-DATE"] and "文本" in messages["W-ID-DATE"]
    assert "2025-07-09" in messages["E-ID-DATE"] and "文本" in messages["E-ID-DATE"]
    assert [s.reason for s in ds.set_aside] == ["事项编号被 Excel 转成了日期，无法对应任务清单"]


# ---- 9. the same rules on a messy offset layout -------------------------------------------

def _offset_workbook(path: Path, *, title: bool) -> Path:
    """Title rows, header on row 5 starting in column B, a 序号 column, a two-row header, a total and a footer."""
    rows = [
        ["2025年上半年民心工程进展情况填报表"] if title else [],
        [None, "填报单位（盖章）：区民政局", None, None, "填报人：王某"] if title else [],
        [],
        [],
        [None, "序号", "事项编号", "任务名称", "进展状态", "进展情况", "完成情况", None],
        [None, None, None, None, None, None, "完成值", "完成率"],
        [None, 1, "01-01", "助餐点", "推进中", "2025年已建成3个", 2, None],
        [None, 2, "01-02", "养老资金", "差不多了", "已拨付3822万元", "3822万元"],
        [None, 3, None, None, None, None, None, None],
        [None, 4, "09-09", "不存在", "推进中", "无"],
        [None, None, "合计：3项"],
        [None, "注：完成率请带%"],
    ]
    merges = ("B5:B6", "C5:C6", "D5:D6", "E5:E6", "F5:F6", "G5:H5") + (("A1:H1",) if title else ())
    return sheet(path, rows, merges=merges)


def test_rules_fire_at_their_cells_on_an_offset_layout(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, {})
    _offset_workbook(root / "inputs/2025H1/departments/民政.xlsx", title=True)
    result = check(root)
    ds = result.dataset
    assert [s.department for s in ds.submissions] == ["区民政局"]
    assert sorted(found(ds, "E-STATUS-UNKNOWN", "W-ACHIEVED-NOT-IN-TEXT", "E-TASK-NOT-IN-PLAN", "W-ROW-NOTE",
                        "W-TASK-NOT-REPORTED", "W-TASK-NOT-ADOPTED")) == sorted([
        ("E-STATUS-UNKNOWN", "民政.xlsx", "进展填报", "E8"),
        ("W-ACHIEVED-NOT-IN-TEXT", "民政.xlsx", "进展填报", "G7"),
        ("E-TASK-NOT-IN-PLAN", "民政.xlsx", "进展填报", "C10"),
        ("W-ROW-NOTE", "民政.xlsx", "进展填报", "B12"),
        ("W-TASK-NOT-ADOPTED", "民政.xlsx", "进展填报", "C8"),  # 01-02: sent, set aside, said at its own row
        ("W-TASK-NOT-REPORTED", "民政.xlsx", "进展填报", "C5"),  # 01-03, 01-04: left out
        ("W-TASK-NOT-REPORTED", "民政.xlsx", "进展填报", "C5"),
        ("W-TASK-NOT-REPORTED", "plan.xlsx", "任务清单", "A7"),
    ])
    assert result.reconciliation == (3, 1, 2)
    assert not found(ds, "E-TASK-WRONG-DEPT", "E-ID-MISSING", "E-STATUS-MISSING")


def test_rules_fire_at_their_cells_on_an_offset_layout_without_a_title(tmp_path):
    """Nothing above or left of the table: row and column numbers still count from A1 (read/grid.py padding)."""
    path = _offset_workbook(tmp_path / "区民政局.xlsx", title=False)
    sub, issues = read_department(path)
    assert sub.department == "区民政局" and sub.rows_read == 3
    assert [(p.task_id, p.source.row, p.columns["task_id"], p.columns["achieved"]) for p in sub.rows] == [
        ("01-01", 7, "C", "G"), ("09-09", 10, "C", "G")]
    assert [(i.code, i.cell) for i in issues] == [("E-STATUS-UNKNOWN", "E8"), ("W-ROW-NOTE", "B12")]
