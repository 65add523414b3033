"""Column headers: the contract's names, their synonyms, and finding the header row."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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
    "kind": ("任务类型", "项目类型", "类型"),
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


IGNORED_HEADERS = {"序号", "序", "行号", "NO", "NO."}  # columns the contract ignores


@dataclass(frozen=True)
class Header:
    """Where a table's header is: its top row, the first data row, field → column, and the
    (normalized) label of every column. A two-row header has `data_start == row + 2`."""

    row: int
    data_start: int
    columns: dict[str, int]
    labels: tuple[str, ...] = ()

    @property
    def ignored(self) -> frozenset[int]:
        """Columns the contract ignores (序号)."""
        return frozenset(c for c, label in enumerate(self.labels) if label.upper() in IGNORED_HEADERS)


def _lookup(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {syn: f for f, syns in columns.items() for syn in syns}


def _match_labels(labels: list[str], lookup: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, label in enumerate(labels):
        field = lookup.get(label)
        if field and field not in found:
            found[field] = i
    return found


def match_columns(row: list[object], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field → column index for the headers this row holds."""
    return _match_labels([normalize_header(c) for c in row], _lookup(columns))


def _combined_labels(upper: list[str], lower: list[str], lookup: dict[str, str]) -> list[str]:
    """Labels of a two-row header, column by column: the lower label when it is a known one,
    the upper one when the lower cell is empty or repeats it (a merged cell filled down),
    else both read together (预计完成 / 时间)."""
    out = []
    for c in range(max(len(upper), len(lower))):
        u = upper[c] if c < len(upper) else ""
        lo = lower[c] if c < len(lower) else ""
        if lo and lo in lookup:
            out.append(lo)
        elif not lo or lo == u:
            out.append(u)
        else:
            out.append(u + lo if u + lo in lookup else lo)
    return out


def _is_sub_header(upper: list[str], lower: list[str], found: dict[str, int], lookup: dict[str, str]) -> bool:
    """Is the row below a header row the second row of the header (完成值/完成率 under a merged
    完成情况), rather than data? Its cells under the header's columns hold no data (empty, the
    label above filled down, or a label), and it holds a label of its own or only repeats the row above."""
    cells = [(c, lo) for c, lo in enumerate(lower) if lo]
    if not cells:
        return False
    for c in found.values():
        lo = lower[c] if c < len(lower) else ""
        if lo and lo != upper[c] and lo not in lookup:
            return False
    own = any(lo in lookup and lo != (upper[c] if c < len(upper) else "") for c, lo in cells)
    repeats = all(c < len(upper) and lo == upper[c] for c, lo in cells)
    return own or repeats


def find_header(rows: list[list[object]], columns: dict[str, tuple[str, ...]],
                required: tuple[str, ...]) -> Header | None:
    """The first header in the first 15 rows holding the key columns; one row, or two when the
    row below the labels is a row of sub-labels (group labels merged above the real ones)."""
    lookup = _lookup(columns)
    best = None
    scan = rows[:HEADER_SCAN_ROWS]
    for r, row in enumerate(scan):
        labels = [normalize_header(c) for c in row]
        found = _match_labels(labels, lookup)
        header = Header(r, r + 1, found, tuple(labels))
        if "task_id" in found and r + 1 < len(rows):
            lower = [normalize_header(c) for c in rows[r + 1]]
            if _is_sub_header(labels, lower, found, lookup):
                both = _combined_labels(labels, lower, lookup)
                header = Header(r, r + 2, _match_labels(both, lookup), tuple(both))
        found = header.columns
        if "task_id" in found and sum(f in found for f in required) >= 2:
            if best is None or len(found) > len(best.columns):
                best = header
            if all(f in found for f in required):
                return header
    return best
