"""One upload through a department's link: kept as a version, checked, then in use or held for confirmation.

Takes: the department (from its link), the uploaded file's name (for display only) and bytes.
Does: keeps every version under .reportgen/uploads/ (never overwritten); refuses a file the
readers cannot open or that names another department, leaving the department's submission as it
was; holds as 待确认 (pending) a file that would make the unit's standing worse than the version in
use (a blank template, fewer tasks filled, more errors, rows for other units' tasks), until the clerk
confirms it; otherwise writes it atomically as inputs/<period>/departments/<department>.<ext>,
replacing the department's earlier file whatever its name or extension (an earlier file the record
does not hold is kept as a version first), and validates the workspace as `reportgen validate` does.
A confirmed pending version and a version the office restores go in the same way (`take`).
Returns: an `Upload`: the version, why it was refused or held, the department's findings.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import unicodedata
from dataclasses import dataclass, field
from dataclasses import replace as replaced
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from ..codes import issue
from ..errors import InputError
from ..merge import merge
from ..model import Issue, Report
from ..periods import tasks_by_department
from ..read.departments import read_department
from ..read.inventory import settle
from ..validate import validate
from ..read.sheets import SUFFIXES, check_container
from ..render.files import atomic_path
from .lock import workspace_lock
from .state import Snapshot, Workspaces, file_stem, name_key
from .store import Store, Version, ago

MAX_UPLOAD_MB = 20
MAX_UPLOAD = MAX_UPLOAD_MB * 1024 * 1024
UPLOADS_PER_HOUR = 30
QUOTA_UNIT = 1024 * 1024  # report.toml's upload_quota_mb is in MB
MAX_NAME = 255  # characters of an upload's file name kept (a file system's limit); pages shorten it further


@dataclass
class Upload:
    version: Version | None  # None when nothing was kept (no file, not a workbook, too many uploads)
    refused: list[Issue] = field(default_factory=list)  # why it did not become the submission
    issues: list[Issue] = field(default_factory=list)  # the department's findings once it did (or would, if held)
    held: str = ""  # why it waits for the clerk's confirmation (待确认), or ""

    @property
    def adopted(self) -> bool:
        return self.version is not None and not self.refused and not self.held


@dataclass(frozen=True)
class Standing:
    """A unit's workbook judged alone against the plan: what an upload is compared on."""

    blank: bool  # no progress typed at all
    filled: int  # the unit's own tasks with progress accepted
    errors: int
    foreign: tuple[str, ...]  # task ids in the file that the unit does not lead
    issues: tuple[Issue, ...] = ()


def display_name(name: str | None, limit: int = MAX_NAME) -> str:
    """An upload's file name as kept: its last path part, no control characters, bounded (the whole name up to
    `MAX_NAME`: it is shortened only where it is shown, see `short_name`)."""
    s = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    s = "".join(ch for ch in s if unicodedata.category(ch)[0] != "C").strip()
    return s[:limit] or "（无文件名）"


def short_name(name: str, limit: int = 48) -> str:
    """A long file name for a page: its start and its end (with the extension), an ellipsis between."""
    if len(name) <= limit:
        return name
    tail = max(12, len(PurePosixPath(name).suffix) + 8)
    return name[: limit - tail - 1] + "…" + name[-tail:]


def suffix_of(name: str) -> str:
    return PurePosixPath(unicodedata.normalize("NFKC", name)).suffix.lower()


def current_suffix(kind: str, suffix: str) -> str:
    """The extension the current file gets: what the file is (its first bytes), keeping .xlsm."""
    if kind == "xlsx":
        return suffix if suffix in (".xlsx", ".xlsm") else ".xlsx"
    return "." + kind


def too_many(store: Store, period: str, department: str) -> Issue | None:
    recent = store.uploads_since(period, department, ago(hours=1))
    if len(recent) < UPLOADS_PER_HOUR:
        return None
    free_at = datetime.fromisoformat(recent[-UPLOADS_PER_HOUR]) + timedelta(hours=1)
    minutes = max(1, int((free_at - datetime.now()).total_seconds() // 60) + 1)
    return issue("E-UPLOAD-TOO-MANY", count=len(recent), minutes=minutes, department=department)


def receive(store: Store, workspaces: Workspaces, period: str, department: str, filename: str | None,
            data: bytes) -> Upload:
    whole = display_name(filename, limit=100_000)
    suffix = suffix_of(whole)  # the whole name's extension, before anything is shortened
    name = whole if len(whole) <= MAX_NAME else whole[: MAX_NAME - len(suffix)] + suffix
    if not data:
        return Upload(None, [issue("E-UPLOAD-EMPTY", name=f"（{short_name(name)}）" if filename else "",
                                   department=department)])
    if suffix not in SUFFIXES:
        return Upload(None, [issue("E-UPLOAD-TYPE", name=short_name(name), file=name, department=department)])
    if len(data) > MAX_UPLOAD:
        return Upload(None, [issue("E-UPLOAD-TOO-LARGE", limit=MAX_UPLOAD_MB, file=name, department=department)])
    limited = too_many(store, period, department)
    if limited:
        return Upload(None, [limited])
    version = store.add_version(period, department, "web", name, len(data), hashlib.sha256(data).hexdigest(),
                                suffix, data=data)
    return take(store, workspaces, version, hold=True)


def take(store: Store, workspaces: Workspaces, version: Version, *, hold: bool) -> Upload:
    """Check a kept version and make it the unit's file in use; with `hold`, a version that would make the
    unit's standing worse waits as 待确认 instead. Refused (another unit's, unreadable) either way."""
    work = store.folder / "tmp" / secrets.token_hex(8)
    work.mkdir(parents=True)
    try:
        outcome = _check_and_adopt(store, workspaces, version, work, hold)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    snap = workspaces.last()
    quota = snap.workspace.config.upload_quota_mb if snap and snap.workspace else 0
    if quota:
        store.prune(version.period, version.department, quota * QUOTA_UNIT)
    return outcome


def _check_and_adopt(store: Store, workspaces: Workspaces, version: Version, work: Path, hold: bool) -> Upload:
    dept, name = version.department, version.original_name
    stem = file_stem(dept)
    source = store.version_path(version)
    if source is None:
        return Upload(None, [issue("E-UPLOAD-EMPTY", name=f"（第{version.id}号版本的文件已清理）", department=dept)])
    suffix = source.suffix.lower() if source.suffix.lower() in SUFFIXES else suffix_of(name)
    candidate = work / f"{stem}{suffix}"  # named as in departments/: a sheet without 填报单位 reads the same
    shutil.copyfile(source, candidate)
    refused = _refusal(candidate, dept)
    if refused:
        refused = [replaced(i, file=name, department=dept) for i in refused]
        store.finish_version(version.id, "refused", refused)
        return Upload(store.version(version.id), refused)
    target_name = stem + current_suffix(check_container(candidate), suffix)
    with workspace_lock(workspaces.root):
        snap = workspaces.refresh()
        if hold and snap.workspace is not None:
            current = snap.files_of(dept)
            new = standing(snap, dept, candidate)
            old = standing(snap, dept, current[0]) if current else None
            why = worse(new, old) if new and old else ""
            if why:
                earlier = store.pending(version.period, dept)
                if earlier is not None and earlier.id != version.id:
                    store.set_state(earlier.id, "declined", "有更新的上传，这一版不再等待确认")
                found = [replaced(i, file=name) for i in new.issues]
                store.finish_version(version.id, "pending", found, reason=why)
                return Upload(store.version(version.id), [], found, why)
        snap = adopt(store, workspaces, version.period, dept, candidate, target_name)
        found = snap.departments[dept].issues if dept in snap.departments else []
        store.finish_version(version.id, "adopted", found, target_name)
    return Upload(store.version(version.id), [], found)


def standing(snap: Snapshot, department: str, path: Path) -> Standing | None:
    """The unit's workbook at `path` validated alone against the plan (None: it cannot be read)."""
    ws = snap.workspace
    try:
        read = read_department(path)
    except InputError:
        return None
    except Exception:  # noqa: BLE001 - a reader failure on the file in use: no comparison, never a crash
        return None
    subs, issues, _ = settle([read])
    report = Report()
    report.extend(issues)
    trial = replaced(ws, submissions=subs, report=report, files=[])
    ds = merge(trial, None, validate(trial))
    key = name_key(department)
    mine = {t.task_id for t in tasks_by_department(ws).get(department, [])}
    own = [i for i in ds.report.issues if i.file == path.name or name_key(i.department) == key]
    sub = read[0]
    foreign = tuple(sorted({r.task_id for r in sub.rows} - mine))
    filled = sum(1 for m in ds.tasks if m.task.task_id in mine and m.reported)
    return Standing(blank=not sub.filled and filled == 0, filled=filled, errors=sum(i.is_error for i in own),
                    foreign=foreign, issues=tuple(own))


def worse(new: Standing, old: Standing) -> str:
    """Why `new` would make the unit's standing worse than `old` (Chinese, for the clerk), or ""."""
    reasons = []
    if new.blank and not old.blank:
        reasons.append("这次上传的是还没有填写进展的空表")
    elif new.filled < old.filled:
        reasons.append(f"这次上传的表只有{new.filled}项任务填了进展，而现在在用的报送有{old.filled}项")
    if new.errors > old.errors and not new.blank and not old.blank:  # a blank form in use has nothing to lose  # a blank form's errors are all "not filled": said once above
        reasons.append(f"这次上传的表有{new.errors}处错误，比现在在用的报送（{old.errors}处）多")
    if len(new.foreign) > len(old.foreign):
        shown = "、".join(new.foreign[:5]) + ("等" if len(new.foreign) > 5 else "")
        reasons.append(f"这次上传的表中有{len(new.foreign)}项不是本单位牵头的任务（{shown}），可能是其他单位的表")
    return "；".join(reasons)


def decline(store: Store, version: Version) -> None:
    store.set_state(version.id, "declined", "本单位选择保留原来的报送，这一版未采用")


def _refusal(path: Path, department: str) -> list[Issue]:
    """Why the file must not become the submission: the readers cannot open it, or it is another department's."""
    try:
        check_container(path)
        sub, _ = read_department(path)
    except InputError as e:
        return [e.issue]
    if name_key(sub.department) != name_key(department):
        return [issue("E-UPLOAD-WRONG-DEPT", found=sub.department, file=path.name, sheet=sub.sheet, department=department)]
    return []


def validate_workspace(workspaces: Workspaces) -> Snapshot:
    """The validation an upload gets: the whole workspace, as `reportgen validate` reads it."""
    return workspaces.refresh()


def adopt(store: Store, workspaces: Workspaces, period: str, department: str, source: Path, target_name: str) -> Snapshot:
    """Make `source` the department's current file and validate (the caller holds the workspace lock).

    Every other file of the department leaves departments/: those named after it straight away, those
    that only say so inside (填报单位) once validation has found them; either is kept as a version first."""
    folder = workspaces.root / "inputs" / period / "departments"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / target_name
    if target.resolve().parent != folder.resolve():
        raise ValueError("department file outside departments/")  # file_stem makes this impossible
    stem = name_key(Path(target_name).stem)
    same_name = [p for p in folder.iterdir()
                 if p.is_file() and p.suffix.lower() in SUFFIXES and name_key(p.stem) == stem]
    for earlier in same_name:
        _keep(store, period, department, earlier)  # the one about to be replaced too
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
    for earlier in same_name:
        if earlier.name != target.name:
            earlier.unlink(missing_ok=True)
    snap = validate_workspace(workspaces)
    others = [p for p in snap.files_of(department) if p.name != target.name]
    if others:
        for other in others:
            _keep(store, period, department, other)
            other.unlink(missing_ok=True)
        snap = validate_workspace(workspaces)
    return snap


def _keep(store: Store, period: str, department: str, path: Path) -> None:
    """Keep a department's earlier file as a version before it leaves departments/, unless the record has it."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    sha = hashlib.sha256(data).hexdigest()
    if not store.has_copy(period, department, sha):
        v = store.add_version(period, department, "folder", path.name, len(data), sha, suffix_of(path.name) or ".bin",
                              data=data)
        store.finish_version(v.id, "archived", [])
