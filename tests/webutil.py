"""Helpers shared by the web tests (test client and browser): workspaces, workbooks, forms."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import copy_sample
from reportgen.workbooks import write_department

PASSWORD = "推进办2025年口令"
SETUP_CODE = "setup-code-for-tests"
DEPT = "区民政局"
OTHER = "区教育局"

# 区民政局's four tasks in the sample plan, filled badly: a status nobody knows, a number that is not one,
# an empty 进展情况; the fourth row is fine.
MESSY_ROWS = [
    dict(task_id="01-01", status="差不多了", progress_text="综合体主体装修完成", achieved="1"),
    dict(task_id="01-02", status="序时推进", progress_text="已建成助餐点7个", achieved="很多"),
    dict(task_id="01-03", status="已完成", progress_text="", achieved="300"),
    dict(task_id="04-01", status="序时推进", progress_text="1—6月，共为2816户困难群众发放低保金。"),
]
MESSY_CELLS = {("E-STATUS-UNKNOWN", "C4"), ("E-NUMBER-INVALID", "E5"), ("E-PROGRESS-MISSING", "D6")}


def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "sample")


def messy_workbook(path: Path, department: str = DEPT) -> Path:
    write_department(path, department, MESSY_ROWS, reporter="王敏", phone="022-28810001", filled_on="2025-07-03")
    return path


def fixed_workbook(root_or_repo: Path, path: Path, department: str = DEPT) -> Path:
    """The department's workbook as the sample has it: filled in properly."""
    shutil.copyfile(Path(__file__).resolve().parent.parent / "inputs/2025H1/departments" / f"{department}.xlsx", path)
    return path


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)
