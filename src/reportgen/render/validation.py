"""Validation outputs: `Report` → 校验报告.xlsx, and 退回修改/<单位>.xlsx for each department with problems.

A return workbook is a copy of the department's own workbook (the original is
never touched) with every problem cell highlighted and commented, and a first
sheet 问题清单 listing the problems, ready to send back.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..model import Issue, Report, Submission
from ..read.sheets import read_grids
from ..workbooks import print_landscape, put, save_workbook
from . import Job, Output

REPORT_NAME = "校验报告.xlsx"
RETURNS_DIR = "退回修改"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
LEVEL = {"error": "错误", "warning": "提醒"}
COLUMNS = [("级别", 6), ("单位", 14), ("文件", 24), ("工作表", 10), ("单元格", 8), ("代码", 24), ("说明", 80)]


def _issue_rows(ws, issues: list[Issue], start: int = 1) -> None:
    for col, (label, width) in enumerate(COLUMNS, 1):
        put(ws, start, col, label).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, i in enumerate(issues, start + 1):
        values = (LEVEL[i.level], i.department, i.file, i.sheet, i.cell, i.code, i.message)
        for col, v in enumerate(values, 1):
            put(ws, r, col, v).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=1).fill = ERROR_FILL if i.is_error else WARNING_FILL
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    print_landscape(ws, start)
    if issues:
        ws.auto_filter.ref = f"A{start}:{get_column_letter(len(COLUMNS))}{start + len(issues)}"


def write_report(report: Report, target: Path) -> None:
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    by_dept: dict[str, list[Issue]] = {}
    for i in report.issues:
        by_dept.setdefault(i.department or "（全局）", []).append(i)
    for col, (label, width) in enumerate((("单位", 20), ("错误", 8), ("提醒", 8)), 1):
        put(summary, 1, col, label).font = Font(bold=True)
        summary.column_dimensions[get_column_letter(col)].width = width
    for r, (dept, items) in enumerate(by_dept.items(), 2):
        errors = sum(i.is_error for i in items)
        for col, v in enumerate((dept, errors, len(items) - errors), 1):
            put(summary, r, col, v)
    _issue_rows(wb.create_sheet("问题明细"), report.issues)
    save_workbook(wb, target)


def _copy_of(path: Path) -> Workbook:
    """The department's workbook as openpyxl can edit it; .xls/.csv are rebuilt from their values."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return load_workbook(path, keep_vba=False)
    wb = Workbook()
    wb.remove(wb.active)
    for grid in read_grids(path):
        ws = wb.create_sheet(grid.name[:31])
        for r, row in enumerate(grid.rows, 1):
            for c, v in enumerate(row, 1):
                if v is not None:
                    put(ws, r, c, v if isinstance(v, (int, float, str)) else str(v))
    return wb


def write_return(path: Path, issues: list[Issue], target: Path) -> None:
    wb = _copy_of(path)
    for i in issues:
        if i.sheet in wb.sheetnames and i.cell and i.cell[0].isalpha():
            cell = wb[i.sheet][i.cell]
            cell.fill = ERROR_FILL if i.is_error else WARNING_FILL
            text = f"【{LEVEL[i.level]}】{i.message}"
            if cell.comment:
                text = cell.comment.text + "\n" + text
            cell.comment = Comment(text, "reportgen", width=320, height=120)
    listing = wb.create_sheet("问题清单", 0)
    put(listing, 1, 1, f"请按以下问题修改后重新报送（共{len(issues)}条；标红为错误，标黄为提醒）").font = Font(bold=True, size=13)
    _issue_rows(listing, issues, start=2)
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "问题清单"
    save_workbook(wb, target)


def write_returns(submissions: list[Submission], report: Report, folder: Path) -> list[Path]:
    """One return workbook per department file with problems; stale ones from earlier runs removed."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    names = {s.path.name: s for s in submissions}
    by_file: dict[str, list[Issue]] = {}
    for i in report.issues:
        if i.file in names:
            by_file.setdefault(i.file, []).append(i)
    written = []
    for file, issues in by_file.items():
        sub = names[file]
        target = folder / f"{sub.department}.xlsx"
        if target in written:
            target = folder / f"{sub.department}（{sub.path.stem}）.xlsx"
        write_return(sub.path, issues, target)
        written.append(target)
    return written


def render(job: Job) -> list[Output]:
    ds = job.dataset
    report_path = job.outdir / REPORT_NAME
    write_report(ds.report, report_path)
    outputs = [Output("validation-report", "xlsx", report_path)]
    for path in write_returns(ds.submissions, ds.report, job.outdir / RETURNS_DIR):
        outputs.append(Output("return", "xlsx", path))
    return outputs
