"""One lock over a workspace's inputs and outputs while the server changes or reads them.

An upload made current, a validation and a build never run at the same time, so a build never
reads a half-replaced submission and two builds never write the same outputs. Across processes
too (two servers on one folder): the lock is also an flock on a file in `.reportgen/`.

`workspace_lock` is the one function to swap for the workspace's shared lock (`outputs/.lock`)
once the library has it.
"""

from __future__ import annotations

import fcntl
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .store import FOLDER

_locks: dict[Path, threading.Lock] = {}
_guard = threading.Lock()


class Busy(Exception):
    """The workspace stayed locked for longer than the caller would wait."""


def _thread_lock(root: Path) -> threading.Lock:
    with _guard:
        return _locks.setdefault(root, threading.Lock())


@contextmanager
def workspace_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace; wait at most `timeout` seconds (None: as long as it takes), else raise Busy."""
    root = Path(root).resolve()
    lock = _thread_lock(root)
    if not lock.acquire(timeout=-1 if timeout is None else timeout):
        raise Busy()
    try:
        path = root / FOLDER / "workspace.lock"
        with open(path, "a") as f:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise Busy() from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        lock.release()
