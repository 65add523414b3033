"""One upload through a department's link: kept as a version, checked, made current, validated.

Takes: the department (from its link), the uploaded file's name (for display only) and bytes.
Does: keeps every version under .reportgen/uploads/ (never overwritten); refuses a file the
readers cannot open or that names another department, leaving the department's submission as it
was; otherwise writes it atomically as inputs/<period>/departments/<department>.<ext>, replacing
the department's earlier file whatever its name or extension (an earlier file the record does not
hold is kept as a version first), and validates the workspace as `reportgen validate` does.
Returns: an `Upload`: the version, why it was refused, the department's findings.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from ..codes import issue
from ..errors import InputError
from ..model import Issue
from ..read.departments import read_department
from ..read.sheets import SUFFIXES, check_container
from ..render.files import atomic_path
from .lock import workspace_lock
from .state import Snapshot, Workspaces, file_stem, name_key
from .store import Store, Version, ago

MAX_UPLOAD_MB = 20
MAX_UPLOAD = MAX_UPLOAD_MB * 1024 * 1024
UPLOADS_PER_HOUR = 30


@dataclass
class Upload:
    version: Version | None  # None when nothing was kept (no file, not a workbook, too many uploads)
    refused: list[Issue] = field(default_factory=list)  # why it did not become the submission
    issues: list[Issue] = field(default_factory=list)  # the department's findings once it did

    @property
    def adopted(self) -> bool:
        return self.version is not None and not self.refused


def display_name(name: str | None, limit: int = 80) -> str:
    """An upload's file name as shown on a page: its last path part, no control characters, bounded."""
    s = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    s = "".join(ch for ch in s if unicodedata.category(ch)[0] != "C").strip()
    return s[:limit] or "（无文件名）"


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
    name = display_name(filename)
    if not data:
        return Upload(None, [issue("E-UPLOAD-EMPTY", name=f"（{name}）" if filename else "", department=department)])
    suffix = suffix_of(name)
    if suffix not in SUFFIXES:
        return Upload(None, [issue("E-UPLOAD-TYPE", name=name, file=name, department=department)])
    if len(data) > MAX_UPLOAD:
        return Upload(None, [issue("E-UPLOAD-TOO-LARGE", limit=MAX_UPLOAD_MB, file=name, department=department)])
    limited = too_many(store, period, department)
    if limited:
        return Upload(None, [limited])
    version = store.add_version(period, department, "web", name, len(data), hashlib.sha256(data).hexdigest(),
                                suffix, data=data)
    work = store.folder / "tmp" / secrets.token_hex(8)
    work.mkdir(parents=True)
    try:
        return _check_and_adopt(store, workspaces, version, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_and_adopt(store: Store, workspaces: Workspaces, version: Version, work: Path) -> Upload:
    dept, name = version.department, version.original_name
    stem = file_stem(dept)
    candidate = work / f"{stem}{suffix_of(name)}"  # named as in departments/: a sheet without 填报单位 reads the same
    shutil.copyfile(store.version_path(version), candidate)
    refused = _refusal(candidate, dept)
    if refused:
        refused = [replace(i, file=name, department=dept) for i in refused]
        store.finish_version(version.id, "refused", refused)
        return Upload(store.version(version.id), refused)
    target_name = stem + current_suffix(check_container(candidate), suffix_of(name))
    with workspace_lock(workspaces.root):
        snap = adopt(store, workspaces, version.period, dept, candidate, target_name)
        found = snap.departments[dept].issues if dept in snap.departments else []
        store.finish_version(version.id, "adopted", found, target_name)
    return Upload(store.version(version.id), [], found)


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
