"""Column headers: the contract's names, their synonyms, and finding the header row."""

from __future__ import annotations

import re
import unicodedata

# field name → accepted header texts (normalized: no spaces, half-width brackets)
PLAN_COLUMNS: dict[str, tuple[str, ...]] = {
    "task_id": ("事项编号", "编号", "任务编号", "子项编号"),
    "project_no": ("工程序号", "工程编号"),
    "project": ("工程名称", "工程", "项目名称"),
    "category": ("领域", "类别", "所属领域"),
    "name": ("任务名称", "子项名称", "具体工作任务", "任务"),
    "target_text": ("年度目标", "目标任务", "年度目标任务", "建设内容"),
    "target_value": ("目标值", "目标数量"),
    "unit": ("计量单位", "单位"),
    "lead": ("牵头单位", "责任单位", "牵头部门"),
    "partners": ("配合单位", "配合部门"),
}
PLAN_REQUIRED = ("task_id", "project_no", "project", "category", "name", "target_text", "lead")

DEPT_COLUMNS: dict[str, tuple[str, ...]] = {
    "task_id": ("事项编号", "编号", "任务编号", "子项编号"),
    "name": ("任务名称", "子项名称", "具体工作任务"),
    "status": ("进展状态", "状态", "推进状态", "完成状态"),
    "progress_text": ("进展情况", "工作进展", "完成情况", "进展情况说明", "推进情况"),
    "achieved": ("完成值", "已完成量", "完成数量", "累计完成"),
    "rate": ("完成率", "完成比例", "完成进度"),
    "expected": ("预计完成时间", "计划完成时间", "预计完成时限"),
    "problems": ("存在问题", "存在的问题", "困难问题"),
    "next_steps": ("下步打算", "下一步打算", "下步工作打算", "下一步工作"),
    "contact": ("联系人",),
    "phone": ("联系电话", "电话"),
    "remarks": ("备注",),
}
DEPT_REQUIRED = ("task_id", "status", "progress_text")

HEADER_SCAN_ROWS = 15


def normalize_header(value: object) -> str:
    s = unicodedata.normalize("NFKC", str(value or ""))
    s = re.sub(r"[\s*＊]", "", s)
    s = re.sub(r"\(.*?\)", "", s)  # 完成率(%) → 完成率
    return s


def match_columns(row: list[object], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field → column index for the headers this row holds."""
    lookup = {syn: f for f, syns in columns.items() for syn in syns}
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        field = lookup.get(normalize_header(cell))
        if field and field not in found:
            found[field] = i
    return found


def find_header(rows: list[list[object]], columns: dict[str, tuple[str, ...]],
                required: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    """(row index, field → column) of the first row in the first 15 holding the key columns."""
    best = None
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = match_columns(row, columns)
        if "task_id" in found and sum(f in found for f in required) >= 2:
            if best is None or len(found) > len(best[1]):
                best = (r, found)
            if all(f in found for f in required):
                return r, found
    return best
