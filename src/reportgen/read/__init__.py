"""Read stage: a workspace folder → `Workspace` (config, period, plan, submissions, issues).

Takes: the workspace root and a period code (default: the latest under inputs/).
Returns: plain data objects; one unreadable file becomes an issue, never an
exception, and every other file is still read.
"""

from __future__ import annotations

from pathlib import Path

from ..codes import issue
from ..errors import InputError
from ..model import FileEntry, Report, Workspace
from .config import PERIOD_RE, period_key, read_config, read_period, split_period
from .departments import read_department
from .grid import why
from .inventory import scan, settle
from .plan import read_plan
from .sheets import PASS_THROUGH

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
    """Department workbooks in a stable order: the files `read_workspace` reads (see inventory.scan)."""
    return scan(folder)[0]


def read_workspace(root: Path | str, period: str | None = None) -> Workspace:
    """Raises InputError only when the workspace itself (config, period, plan) is unusable."""
    root = Path(root)
    report = Report()
    config = read_config(root / "report.toml", found=report.issues)
    code = period or latest_period(root)
    split_period(code)  # a period is a name, never a path
    folder = root / "inputs" / code
    if not folder.is_dir():
        raise InputError(issue("E-WORKSPACE-MISSING", what=f"报告期文件夹 inputs/{code}", path=str(folder)))
    per = read_period(folder / "period.toml", code, found=report.issues)
    plan, plan_issues = read_plan(folder / "plan.xlsx")
    report.extend(plan_issues)
    paths, skipped, scan_issues = scan(folder / "departments")
    report.extend(scan_issues)
    read = []
    unreadable: dict[Path, FileEntry] = {}
    for path in paths:
        try:
            read.append(read_department(path))
        except InputError as e:
            report.add(e.issue)
            unreadable[path] = FileEntry(e.issue.file, "unreadable", e.issue.message)
        except PASS_THROUGH:
            raise
        except BaseException as e:  # noqa: BLE001 - whatever a file does to the reader stays that file's problem
            found = issue("E-FILE-UNREADABLE", file=path.name, detail=why(e))
            report.add(found)
            unreadable[path] = FileEntry(found.file, "unreadable", found.message)
    submissions, issues, entries = settle(read)
    report.extend(issues)
    files = sorted([*skipped, *unreadable.values(), *entries.values()], key=lambda e: e.name)
    return Workspace(root=root, config=config, period=per, plan=plan, submissions=submissions, report=report,
                     files=files)
