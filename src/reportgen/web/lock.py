"""The server's side of the one workspace lock (`reportgen.lock`, the file outputs/.lock).

An upload made current, a validation and a build never run at the same time, so a build never
reads a half-replaced submission and two builds never write the same outputs, and a `reportgen build`
run from the command line waits for the server as the server waits for it. The library lock is
re-entrant within a thread: a build started under it takes it again without waiting.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..lock import workspace_lock as library_lock

FOREVER = 7 * 24 * 3600.0  # "as long as it takes": a build holds the lock for seconds, not days


class Busy(Exception):
    """The workspace stayed locked for longer than the caller would wait."""


@contextmanager
def workspace_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace; wait at most `timeout` seconds (None: as long as it takes), else raise Busy."""
    with ExitStack() as stack:
        try:
            stack.enter_context(library_lock(Path(root).resolve(), wait=FOREVER if timeout is None else timeout))
        except InputError as e:
            if e.issue.code == "E-WORKSPACE-BUSY":
                raise Busy() from None
            raise
        yield
