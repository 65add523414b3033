"""Writers for contract-form workbooks: the task list (plan.xlsx) and a
department progress workbook (进展填报), as `input-contract.md` describes them.

Takes plain dicts keyed by the model's field names; writes an .xlsx.
Used by the sample generator, the tests and `new-period`.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .render.files import Stamp, atomic_path, save_xlsx, workbook_properties

PLAN_HEADERS = [
    ("事项编号", "task_id", 10), ("工程序号", "project_no", 8), ("工程名称", "project", 18), ("领域", "category", 10),
    ("任务名称", "name", 20), ("年度目标", "target_text", 50), ("目标值", "target_value", 9),
    ("计量单位", "unit", 9), ("牵头单位", "lead", 16), ("配合单位", "partners", 16),
    ("任务类型", "kind", 12),
]
DEPT_HEADERS = [
    ("事项编号", "task_id", 10), ("任务名称", "name", 20), ("进展状态", "status", 10), ("进展情况", "progress_text", 60),
    ("完成值", "achieved", 10), ("完成率", "rate", 9), ("预计完成时间", "expected", 12), ("存在问题", "problems", 30),
    ("下步打算", "next_steps", 30), ("联系人", "contact", 9), ("联系电话", "phone", 14), ("备注", "remarks", 16),
]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def text_width(text: str) -> int:
    """Width of a text in column-width units: East-Asian wide characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def put(ws, row: int, col: int, value: object):
    """Write a value; text is always stored as text, so `=…` never becomes a formula."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def print_landscape(ws, header_row: int, paper: int = 9) -> None:
    """Landscape, fit to one page wide, header row repeated on every page (paper 9 = A4, 8 = A3)."""
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = paper
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _table(ws, header_row: int, headers, rows: list[dict]) -> None:
    for col, (label, _, width) in enumerate(headers, 1):
        c = put(ws, header_row, col, label)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[c.column_letter].width = width
    for r, data in enumerate(rows, header_row + 1):
        for col, (_, key, _) in enumerate(headers, 1):
            value = data.get(key)
            put(ws, r, col, "" if value is None else value).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def save_workbook(wb: Workbook, path: Path, stamp: Stamp = Stamp(), *, title: str = "") -> None:
    """Save reproducibly, with the office (`stamp`) as its author and the period's date as its dates."""
    workbook_properties(wb, stamp, title)
    with atomic_path(Path(path)) as tmp:
        save_xlsx(wb, tmp, stamp.when)


def write_plan(path: Path, tasks: list[dict], *, title: str = "任务清单") -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单"
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    _table(ws, 2, PLAN_HEADERS, tasks)
    save_workbook(wb, path)


def write_department(path: Path, department: str, rows: list[dict], *, reporter: str = "", phone: str = "",
                     filled_on: str = "", title: str = "") -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "进展填报"
    put(ws, 1, 1, title or "民心工程进展情况填报表").font = Font(bold=True, size=14)
    for col, (label, value) in enumerate((("填报单位", department), ("填报人", reporter),
                                          ("联系电话", phone), ("填报日期", filled_on)), 1):
        put(ws, 2, 1 + (col - 1) * 3, f"{label}：{value}")
    _table(ws, 3, DEPT_HEADERS, rows)
    save_workbook(wb, path)
