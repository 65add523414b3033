"""What the workspace says right now: the current period, its departments and their files, every finding.

Takes: the workspace root.
Returns: a `Snapshot`: the one assessment `reportgen build` and `validate` make (build.assessment:
read → validate → screen → names → merge → gate), with every finding and the gate's decision. Snapshots are cached and read
again only when a file under the period's inputs (or report.toml) changed, so pages stay fast.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..build import assessment, is_stale
from ..errors import InputError
from ..gate import Gate, blocking_issues
from ..model import Dataset, Issue, Submission, Task, Workspace
from ..periods import tasks_by_department
from ..read import department_files, latest_period
from ..render.files import safe_file_name
from ..validate import name_key
from .lock import Busy, workspace_lock

__all__ = ["Snapshot", "Workspaces", "read_snapshot", "name_key", "file_stem"]

BLANK_CODES = {"E-STATUS-MISSING", "E-PROGRESS-MISSING"}  # all a workbook sent out empty gets


def file_stem(department: str) -> str:
    """The name a department's current file has in departments/ (plus its extension)."""
    return safe_file_name(department) or "单位"


@dataclass
class DeptState:
    name: str
    tasks: list[Task]
    files: list[Path]  # its current file(s) in departments/
    issues: list[Issue]
    in_plan: bool = True
    rows: int = 0  # rows of its files accepted as progress
    blank: bool = False  # its only files are the blank forms new-period made, untouched: nothing came

    @property
    def errors(self) -> int:
        return sum(i.is_error for i in self.issues)

    @property
    def warnings(self) -> int:
        return len(self.issues) - self.errors

    @property
    def state(self) -> str:
        """未报送 (no file, or only the untouched blank form) | 无法读取 | 空表未填 | 待修改 (errors) | 已报送"""
        if not self.files or self.blank:
            return "未报送"
        own = [i for i in self.issues if i.file in {p.name for p in self.files}]
        if any(i.code in ("E-FILE-UNREADABLE", "E-FILE-ENCRYPTED", "E-FILE-TOO-LARGE", "E-SHEET-NOT-FOUND") for i in own):
            return "无法读取"
        if not self.rows and {i.code for i in own if i.is_error} <= BLANK_CODES:
            return "空表未填"
        return "待修改" if self.errors else "已报送"


@dataclass
class Snapshot:
    root: Path
    fingerprint: tuple
    period: str | None = None
    error: str = ""  # why the workspace cannot be read (Chinese), else ""
    workspace: Workspace | None = None
    dataset: Dataset | None = None
    gate: Gate | None = None
    departments: dict[str, DeptState] = field(default_factory=dict)
    stale: bool = False  # a build held the workspace: this is the last reading
    outdated: bool = False  # the last build's documents no longer match the data (as validate says: build.is_stale)
    blocking: list[Issue] = field(default_factory=list)  # what keeps the release a draft, at its cells (gate.py)

    @property
    def issues(self) -> list[Issue]:
        return self.dataset.report.issues if self.dataset else []

    def department(self, name: str) -> DeptState | None:
        return self.departments.get(name)

    def files_of(self, name: str) -> list[Path]:
        d = self.departments.get(name)
        return d.files if d else []


def fingerprint(root: Path) -> tuple:
    """Changes whenever a file validation reads changes (names, sizes, modification times)."""
    def stat(p: Path) -> tuple:
        try:
            s = p.stat()
            return (p.name, s.st_size, s.st_mtime_ns)
        except OSError:
            return (p.name, None, None)

    try:
        period = latest_period(root)
    except InputError:
        return (stat(root / "report.toml"),)
    folder = root / "inputs" / period
    files = tuple(stat(p) for p in department_files(folder / "departments"))
    return (period, stat(root / "report.toml"), stat(folder / "period.toml"), stat(folder / "plan.xlsx"), files,
            stat(root / "outputs" / period / "manifest.json"))  # a build made: its documents are the data's again


def read_snapshot(root: Path) -> Snapshot:
    """Read and validate the latest period as `reportgen validate` does. Call it holding the workspace lock."""
    root = Path(root).resolve()
    snap = Snapshot(root, fingerprint(root))
    try:
        ws, ds = assessment(root)
    except InputError as e:
        snap.error = e.issue.message
        return snap
    snap.period, snap.workspace, snap.dataset, snap.gate = ws.period.code, ws, ds, ds.gate
    snap.blocking = blocking_issues(ds)
    snap.outdated = _outdated(root / "outputs" / ws.period.code, ds)
    snap.departments = _departments(ws, ds)
    return snap


def _outdated(outdir: Path, ds: Dataset) -> bool:
    from ..render.manifest import read_manifest

    try:
        built = read_manifest(outdir)
    except (OSError, ValueError, TypeError, AttributeError):
        return False
    return is_stale(built, ds)


def _departments(ws: Workspace, ds: Dataset) -> dict[str, DeptState]:
    plan = tasks_by_department(ws)
    by_key: dict[str, list[Submission]] = {}
    for sub in ws.submissions:
        by_key.setdefault(name_key(sub.department), []).append(sub)
    read_files = {sub.path.name for sub in ws.submissions}
    unread = [p for p in department_files(ws.root / "inputs" / ws.period.code / "departments") if p.name not in read_files]
    blank = {f.name for f in ws.files if f.status == "blank"}
    out: dict[str, DeptState] = {}
    names = list(plan) + [s.department for s in ws.submissions if name_key(s.department) not in map(name_key, plan)]
    for name in dict.fromkeys(names):
        key = name_key(name)
        files = [s.path for s in by_key.get(key, [])]
        files += [p for p in unread if name_key(p.stem) == name_key(file_stem(name))]
        names_of_files = {p.name for p in files}
        found = [i for i in ds.report.issues if name_key(i.department) == key or (i.file and i.file in names_of_files)]
        rows = sum(len(s.rows) for s in by_key.get(key, []))
        out[name] = DeptState(name, plan.get(name, []), files, found, in_plan=name in plan, rows=rows,
                              blank=bool(files) and all(p.name in blank for p in files))
    return out


class Workspaces:
    """The cached snapshot of one workspace; read again when its files change."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self._cached: Snapshot | None = None
        self._mutex = threading.Lock()

    def get(self, wait: float | None = 3.0) -> Snapshot:
        """The current snapshot; while a build holds the workspace longer than `wait` seconds,
        the last one read (marked stale) rather than a page that hangs."""
        cached = self._cached
        if cached is not None and cached.fingerprint == fingerprint(self.root):
            return cached
        try:
            with workspace_lock(self.root, timeout=wait if cached is not None else None):
                latest = self._cached  # another request may have read it while this one waited
                if latest is not None and latest.fingerprint == fingerprint(self.root):
                    return latest
                return self.refresh()
        except Busy:
            return replace(cached, stale=True)

    def last(self) -> Snapshot | None:
        return self._cached

    def refresh(self) -> Snapshot:
        """Read now (the caller holds the workspace lock) and keep the result."""
        snap = read_snapshot(self.root)
        with self._mutex:
            self._cached = snap
        return snap
