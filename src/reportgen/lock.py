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

The lock file, outputs/.tmp/ and the staging folders are the tool's own names: whatever else is found
there (a link, a file where a folder belongs) is never followed; it is moved aside (`move_aside`) and
the tool makes its own.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
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
_OPEN_LOCK = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
              | getattr(os, "O_CLOEXEC", 0))  # never through a link; never stuck on a planted FIFO
ASIDE = ".moved-"


def move_aside(path: Path, say: Callable[[str], None] | None = None) -> Path:
    """Something the tool did not make at one of its own names, renamed beside it (a rename moves a link
    itself, never what it points to); `say` is told where it went."""
    what = "快捷方式（符号链接）" if path.is_symlink() else "文件夹" if path.is_dir() else "文件"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        target = path.with_name(f"{path.name}{ASIDE}{stamp}" + (f"-{n}" if n else ""))
        if not (target.exists() or target.is_symlink()):
            os.rename(path, target)
            if say:
                say(f"{path} 处有一个不是本程序建立的{what}，已改名为 {target.name} 留在原处，它指向或包含的内容未做任何改动。")
            return target
    raise InputError(issue("E-WORKSPACE-LINK", path=str(path)))


def _open_lock(path: Path, say: Callable[[str], None] | None) -> int:
    """The lock file as a regular file of the workspace: a link, folder or FIFO planted in its place is moved aside."""
    for _ in range(3):
        fd = None
        if not path.is_symlink():  # O_NOFOLLOW says the same where the system has it
            try:
                fd = os.open(path, _OPEN_LOCK, 0o666)
            except OSError as e:
                if e.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.EMLINK):
                    raise
        if fd is not None:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                return fd
            os.close(fd)
        move_aside(path, say)
    raise InputError(issue("E-WORKSPACE-LINK", path=str(path)))


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
    if not root.is_dir():  # a mistyped path: nothing is made there
        raise InputError(issue("E-WORKSPACE-MISSING", what="工作目录", path=str(root)))
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
    fd = _open_lock(path, on_wait)
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
            with _temp_files(outputs / TEMP_NAME, on_wait):
                yield
        finally:
            del held[key]
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _temp_files(folder: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        move_aside(folder, say)
    shutil.rmtree(folder, ignore_errors=True)  # what a killed run left (links inside are removed, not followed)
    try:
        folder.mkdir()  # never through a link at its own name
    except FileExistsError:
        move_aside(folder, say)
        folder.mkdir()
    saved = tempfile.tempdir, {k: os.environ.get(k) for k in TEMP_VARIABLES}
    tempfile.tempdir = str(folder)
    os.environ.update(dict.fromkeys(TEMP_VARIABLES, str(folder)))
    try:
        yield
    finally:
        # another thread's lock (the web server's) may have ended first and removed the folder saved here: never
        # leave the process pointing at a temp folder that is gone
        gone = lambda value: value is not None and not Path(value).is_dir()  # noqa: E731
        tempfile.tempdir = None if gone(saved[0]) else saved[0]
        for key, value in saved[1].items():
            if value is None or gone(value):
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)
