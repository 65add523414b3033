"""`reportgen backup`: a copy of a workspace, the web page's record included, from which everything starts again.

Takes: the workspace root and a folder to put backups in.
Makes: FOLDER/<workspace name>-YYYYMMDD-HHMMSS/, itself a workspace: report.toml, inputs/, templates/, fonts/,
outputs/, and .reportgen/ with the SQLite record copied through SQLite's backup API (a consistent snapshot
even while the server writes to it) and every uploaded version the record names, checked against its SHA-256.
`reportgen serve` started on the copy shows every version, link and log entry.
The workspace lock is held meanwhile, so no upload is made current and no build writes outputs/ during
the copy; a version received while copying is left out with its row (the record is copied first).
Written as FOLDER/.<name>.partial and renamed when complete: a backup that exists is whole.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from .lock import LOCK_NAME, TEMP_NAME, workspace_lock
from .read.config import read_config
from .web.store import DATABASE, FOLDER as RECORD

# made again when needed: left out of a backup
SKIPPED_IN_RECORD = {DATABASE, DATABASE + "-wal", DATABASE + "-shm", "uploads", "tmp", "previews"}
SETTLE_SECONDS = 10.0  # how long an upload still being written may take to finish


class BackupError(Exception):
    """The backup could not be made whole (the message is Chinese); nothing is left at the destination."""


@dataclass(frozen=True)
class Backup:
    path: Path
    files: int  # files copied, uploaded versions included
    size: int  # bytes
    versions: int  # uploaded versions in the record
    tables: dict[str, int]  # rows of each table of the record


def backup(root: Path | str, folder: Path | str, *, on_wait: Callable[[str], None] | None = None) -> Backup:
    root = Path(root).resolve()
    read_config(root / "report.toml")  # InputError when this is no workspace
    folder = Path(folder).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BackupError(f"无法在 {folder} 中创建备份：{e.strerror or e}。") from None
    name = f"{root.name}-{datetime.now():%Y%m%d-%H%M%S}"
    target = folder / name
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{name}-{n}"
    partial = folder / f".{target.name}.partial"
    try:
        with workspace_lock(root, on_wait=on_wait):
            files, size = _copy_workspace(root, partial, skip={folder, partial})  # FOLDER may be inside
            versions, tables, more_files, more_size = _copy_record(root / RECORD, partial / RECORD)
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Backup(target, files + more_files, size + more_size, versions, tables)


def _copy_workspace(root: Path, to: Path, skip: set[Path]) -> tuple[int, int]:
    """Everything but the record, the lock and temp files; symbolic links are copied as what they point to."""
    counted = [0, 0]

    def ignore(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        left = {n for n in names if here / n in skip}
        if here == root:
            left.add(RECORD)
        if here == root / "outputs":
            left |= {LOCK_NAME, TEMP_NAME}
        return left

    def copy(src: str, dst: str) -> str:
        shutil.copy2(src, dst)
        counted[0] += 1
        counted[1] += os.path.getsize(dst)
        return dst

    try:
        shutil.copytree(root, to, ignore=ignore, copy_function=copy)
    except shutil.Error as e:
        failed = "；".join(f"{src}（{why}）" for src, _, why in e.args[0][:5])
        raise BackupError(f"有文件无法复制，备份未完成：{failed}") from None
    except OSError as e:
        raise BackupError(f"备份未完成：{e.filename or ''} {e.strerror or e}") from None
    return counted[0], counted[1]


def _copy_record(record: Path, to: Path) -> tuple[int, dict[str, int], int, int]:
    """The SQLite record (backup API), then each uploaded version it names, then the rest of the folder."""
    database = record / DATABASE
    if not database.is_file():
        return 0, {}, 0, 0
    to.mkdir(mode=0o700)
    copy = to / DATABASE
    try:
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        try:
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
                tables = {t: target.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for (t,) in target.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()}
                check = target.execute("PRAGMA integrity_check").fetchone()[0]
                stored = (target.execute("SELECT id, stored, sha256 FROM versions WHERE stored IS NOT NULL").fetchall()
                          if "versions" in tables else [])
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as e:
        raise BackupError(f"报送记录 {database} 无法复制：{e}") from None
    if check != "ok":
        raise BackupError(f"报送记录的副本校验未通过（{check}），备份未完成。")
    os.chmod(copy, 0o600)
    files, size = 1, copy.stat().st_size
    for vid, relative, sha in stored:
        size += _copy_version(record, to, vid, relative, sha)
        files += 1
    for entry in record.iterdir():
        if entry.name in SKIPPED_IN_RECORD:
            continue
        if entry.is_dir():
            shutil.copytree(entry, to / entry.name)
        else:
            shutil.copy2(entry, to / entry.name)
        files += 1
    return len(stored), tables, files, size


def _copy_version(record: Path, to: Path, vid: int, relative: str, sha: str) -> int:
    """One uploaded version's file, whose bytes must be those recorded (an upload may still be being written)."""
    src = (record / relative).resolve()
    if not src.is_relative_to(record / "uploads"):
        raise BackupError(f"报送记录中第{vid}个版本的文件位置不对（{relative}），备份未完成。")
    dst = to / relative
    dst.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        try:
            shutil.copy2(src, dst)
            if hashlib.sha256(dst.read_bytes()).hexdigest() == sha:
                return dst.stat().st_size
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            raise BackupError(f"报送记录中第{vid}个版本的文件 {src} 缺失或与记录不符，备份未完成。")
        time.sleep(0.2)
