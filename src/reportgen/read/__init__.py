"""Read stage: a workspace folder → `Workspace` (config, period, plan, submissions, issues).

Takes: the workspace root and a period code (default: the latest under inputs/).
Returns: plain data objects; one unreadable file becomes an issue, never an
exception, and every other file is still read.
"""

from __future__ import annotations

from pathlib import Path

from ..codes import issue
from ..errors import InputError
from ..model import Report, Workspace
from .config import PERIOD_RE, period_key, read_config, read_period
from .departments import read_department
from .plan import read_plan
from .sheets import SUFFIXES

__all__ = ["read_workspace", "list_periods", "latest_period", "department_files"]


def list_periods(root: Path) -> list[str]:
    inputs = root / "inputs"
    if not inputs.is_dir():
        return []
    codes = [p.name for p in inputs.iterdir() if p.is_dir() and PERIOD_RE.match(p.name)]
    return sorted(codes, key=period_key)


def latest_period(root: Path) -> str:
    periods = list_periods(root)
    if not periods:
        raise InputError(issue("E-WORKSPACE-MISSING", what="报告期文件夹（如 inputs/2025H1）", path=str(root / "inputs")))
    return periods[-1]


def department_files(folder: Path) -> list[Path]:
    """Department workbooks in a stable order; Office lock files (~$x.xlsx) skipped."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")))


def read_workspace(root: Path | str, period: str | None = None) -> Workspace:
    """Raises InputError only when the workspace itself (config, period, plan) is unusable."""
    root = Path(root)
    config = read_config(root / "report.toml")
    code = period or latest_period(root)
    folder = root / "inputs" / code
    if not folder.is_dir():
        raise InputError(issue("E-WORKSPACE-MISSING", what=f"报告期文件夹 inputs/{code}", path=str(folder)))
    per = read_period(folder / "period.toml", code)
    report = Report()
    plan, plan_issues = read_plan(folder / "plan.xlsx")
    report.extend(plan_issues)
    submissions = []
    for path in department_files(folder / "departments"):
        try:
            sub, issues = read_department(path)
        except InputError as e:
            report.add(e.issue)
            continue
        report.extend(issues)
        submissions.append(sub)
    return Workspace(root=root, config=config, period=per, plan=plan, submissions=submissions, report=report)
