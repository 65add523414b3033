"""Making a build's pieces (pieces.py) here or in forked worker processes, with the same files either way.

A worker is a fork of the building process: it inherits the dataset, the contexts and the loaded
libraries, writes only into the staging folder (job.outdir) and its temp files into the folder the
workspace lock set (lock.py), never takes the lock, and sends back the `Output`s and notes. Results
are taken in the pieces' order, so the outputs, notes and manifest do not depend on which finished
first. A piece that fails in a worker (or a pool that cannot start) is made again here, so an error
is raised as a serial build raises it.

Forking is only done on Linux, from the main thread of a process whose other threads are daemons
(the terminal's progress spinner; a build the web server runs in a thread is made there, serially:
a forked copy of a threaded server can deadlock). A worker writes nothing to the terminal, and what
a library says goes to the real stderr, never through the spinner's redirection (whose lock the
spinner's thread may have held at the fork). Elsewhere, and with workers=1, everything is made
here, one after the other.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from dataclasses import replace
from typing import Callable

from . import Job, Output
from .pieces import Piece, cpu_count

Result = tuple[list[Output], list[str]]
LONGEST_FIRST = ("briefing", "press")  # the pack takes longest: start it first

_current: tuple[Job, list[Piece]] | None = None  # what forked workers find in their copy of this process


def make(job: Job, piece: Piece) -> Result:
    mine = replace(job, notes=[])
    return piece.make(mine), mine.notes


def _start_worker(parent: int) -> None:
    """In each worker: die with the building process. A worker holds the workspace lock (its copy of the
    lock file's descriptor) and writes into the staging folder: one that outlived a killed build would
    keep the workspace locked and might write into the next run's staging folder."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)
    gc.freeze()  # the collector leaves the inherited objects alone (faster, fewer copied pages)
    sys.stdout = sys.stderr = sys.__stderr__


def _make_in_worker(index: int) -> Result:
    job, todo = _current
    return make(job, todo[index])


def can_fork() -> bool:
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return False
    if any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def pool_size(workers: int | None, pieces: int) -> int:
    """How many worker processes: `workers` (None: one per CPU, at most 4), never more than the pieces;
    1 means none (made here)."""
    n = min(cpu_count(), 4) if workers is None else workers
    n = min(n, pieces)
    return n if n > 1 and can_fork() else 1


def run(job: Job, todo: list[Piece], workers: int | None = None,
        say: Callable[[str], None] = lambda msg: None) -> list[Result]:
    n = pool_size(workers, len(todo))
    if n == 1:
        results = []
        for piece in todo:
            say(f"生成{piece.label}")
            results.append(make(job, piece))
        return results
    global _current
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing

    from .pdf import check_harfbuzz_subset

    check_harfbuzz_subset()  # loads WeasyPrint here once, so each worker has it
    order = sorted(range(len(todo)), key=lambda i: (todo[i].name not in LONGEST_FIRST,
                                                    LONGEST_FIRST.index(todo[i].name) if todo[i].name in LONGEST_FIRST else 0))
    done: dict[int, Result] = {}
    _current = (job, todo)
    say("生成" + "、".join(dict.fromkeys(p.label for p in todo)) + f"（{n}个进程同时进行）")
    try:
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                                 initargs=(os.getpid(),)) as pool:
            futures = {i: pool.submit(_make_in_worker, i) for i in order}
            for i, future in futures.items():
                try:
                    done[i] = future.result()
                except Exception:  # noqa: BLE001 - made again below, where its error is raised as it is
                    pass
    except Exception:  # noqa: BLE001 - no processes (resources, a worker killed): made here
        pass
    finally:
        _current = None
    results = []
    for i, piece in enumerate(todo):
        if i not in done:
            say(f"生成{piece.label}")
            done[i] = make(job, piece)
        results.append(done[i])
    return results
