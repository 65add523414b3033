"""One command at a time per workspace: the lock file outputs/.lock.

`build`, `validate`, `new-period`, `template` and `templates export` hold it while they run. A second
command on the same workspace waits for the first (and says so), then goes on; after `WAIT_SECONDS`
it gives up with E-WORKSPACE-BUSY. The operating system releases the lock of a killed process, so
a crash never leaves a workspace locked. Re-entrant within one thread (build calls what validate
calls); two threads of one process wait for each other like two processes.

While the lock is held, the temp files libraries make on their own (openpyxl writes every sheet
through one, WeasyPrint its fonts, ctypes runs gcc) go to outputs/.tmp/ instead of the system's temp
folder, so that even a killed run leaves nothing outside the workspace; the next run clears it.
(`tempfile.tempdir` and TMPDIR are process-wide: one workspace at a time per process.)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .codes import issue
from .errors import InputError

LOCK_NAME = ".lock"
TEMP_NAME = ".tmp"
TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")  # for programs started on the way
WAIT_SECONDS = 600.0
POLL_SECONDS = 0.2
WAITING = "另一个 reportgen 命令正在使用这个工作目录，正在等待它结束（同一工作目录一次只能运行一个命令）"

_held = threading.local()


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def inside(root: Path, path: Path) -> Path:
    """`path`, refused (E-WORKSPACE-LINK) when it resolves outside the workspace: a folder we write into
    that is a link to somewhere else would make us write there."""
    if path.resolve().is_relative_to(Path(root).resolve()):
        return path
    raise InputError(issue("E-WORKSPACE-LINK", path=str(path)))


@contextmanager
def workspace_lock(root: Path | str, *, on_wait: Callable[[str], None] | None = None,
                   wait: float | None = None) -> Iterator[None]:
    root = Path(root)
    outputs = inside(root, root / "outputs")
    outputs.mkdir(parents=True, exist_ok=True)
    path = outputs / LOCK_NAME
    key = str(path.resolve())
    held: dict[str, int] = getattr(_held, "counts", None) or {}
    _held.counts = held
    if key in held:
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if not _try_lock(fd):
            if on_wait:
                on_wait(WAITING)
            limit = WAIT_SECONDS if wait is None else wait
            deadline = time.monotonic() + limit
            while not _try_lock(fd):
                if time.monotonic() > deadline:
                    raise InputError(issue("E-WORKSPACE-BUSY", minutes=max(1, round(limit / 60))))
                time.sleep(POLL_SECONDS)
        held[key] = 1
        try:
            with _temp_files(outputs / TEMP_NAME):
                yield
        finally:
            del held[key]
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _temp_files(folder: Path) -> Iterator[None]:
    shutil.rmtree(folder, ignore_errors=True)  # what a killed run left
    folder.mkdir()
    saved = tempfile.tempdir, {k: os.environ.get(k) for k in TEMP_VARIABLES}
    tempfile.tempdir = str(folder)
    os.environ.update(dict.fromkeys(TEMP_VARIABLES, str(folder)))
    try:
        yield
    finally:
        tempfile.tempdir = saved[0]
        for key, value in saved[1].items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)
