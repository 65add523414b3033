"""A period's output set, replaced as a whole: outputs/<period>/ is always a complete set with its manifest.

`build` and `validate` open a `Staging`: a folder outputs/.<period>.staging/ beside the live set,
holding hard links to the live files the run does not remake (return workbooks of earlier rounds;
for validate, the documents of the last build). Renderers write into `job.outdir` (the staging
folder) as they always do; `commit` writes the manifest last and swaps the folder in: one atomic
exchange where the system offers it (renameat2 on Linux), else two renames that the next run
completes or undoes. A killed run leaves the live set and its manifest exactly as they were; what
it left behind (the staging folder, temp files in it, an old set) is removed by the next run,
which holds the workspace lock (lock.py) while it does so.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Callable, Collection

from ..lock import move_aside
from . import Output
from .manifest import MANIFEST_NAME, Manifest, read_manifest, sha256, write_manifest

RETURNS_DIR = "退回修改"  # return workbooks, one folder per round, kept (render/validation.py)
TEMP_PREFIX = ".tmp-"  # files.atomic_path's temp files


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)
        if path.exists():  # a file that would not go: try once more, loudly
            shutil.rmtree(path)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not offered."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links (FAT on a USB stick)
        shutil.copy2(src, dst)


def _intact(path: Path, entry: dict) -> bool:
    """The file is still the one the manifest lists (not edited in place since, say in Word)."""
    try:
        return sha256(path) == entry.get("sha256")
    except OSError:
        return False


class Staging:
    """outputs/.<code>.staging/ while a run writes, outputs/<code>/ once it is complete."""

    def __init__(self, outputs: Path, code: str):
        self.live = outputs / code
        self.dir = outputs / f".{code}.staging"
        self.old = outputs / f".{code}.old"
        self.previous = Manifest()  # the live set's manifest, read by `open`

    def recover(self) -> None:
        """Finish or undo what a killed run left: an old set moved aside comes back if the new one never
        arrived; a staging folder is thrown away. Only a real folder is ours: a link or a file planted at
        these names is moved aside (lock.move_aside), never followed, never made the live set."""
        for path in (self.old, self.dir):
            if path.is_symlink() or (path.exists() and not path.is_dir()):
                move_aside(path)
        if self.old.is_dir():
            if not (self.live.exists() or self.live.is_symlink()):
                os.rename(self.old, self.live)
            else:
                _remove(self.old)
        _remove(self.dir)

    def open(self, remade: Callable[[str], bool], reuse: Collection[str] = ()) -> list[Output]:
        """An empty staging folder holding links to the live files this run keeps: every file except the
        manifest, temp files, and the files of the kinds `remade` says this run makes again, unless the
        manifest lists them with a key in `reuse` (made from the same inputs: render/pieces.py). Files
        under 退回修改/ are always kept (each round stays). Returns the kept files that the live manifest
        listed (or that are return workbooks), as outputs for the new manifest."""
        self.recover()
        self.dir.mkdir(parents=True)
        try:
            ours = self.live.is_dir() and not self.live.is_symlink()
            self.previous = read_manifest(self.live) if ours else Manifest()
            listed = {e["path"]: e for e in self.previous}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.previous, listed = Manifest(), {}
        kept: list[Output] = []
        if not self.live.is_dir() or self.live.is_symlink():
            return kept
        for dirpath, dirnames, filenames in os.walk(self.live):
            dirnames[:] = [d for d in dirnames if not Path(dirpath, d).is_symlink()]
            for name in filenames:
                src = Path(dirpath, name)
                rel = src.relative_to(self.live).as_posix()
                if rel == MANIFEST_NAME or name.startswith(TEMP_PREFIX) or src.is_symlink() or not src.is_file():
                    continue
                entry = listed.get(rel)
                is_return = rel.startswith(RETURNS_DIR + "/")
                if not is_return and entry is not None and remade(entry.get("kind", "")) \
                        and not (entry.get("key") in reuse and entry.get("key") and _intact(src, entry)):
                    continue
                _link_or_copy(src, self.dir / rel)
                if entry is not None:
                    kept.append(Output(entry.get("kind", ""), entry.get("format", ""), self.dir / rel,
                                       entry.get("variant", "standard"), entry.get("pages"), entry.get("key") or ""))
                elif is_return:
                    kept.append(Output("return", src.suffix.lstrip(".").lower(), self.dir / rel))
        return kept

    def commit(self, outputs: list[Output], gate=None, *, withheld: bool = False, data: str | None = None,
               stale: bool = False) -> None:
        """Write the manifest of `outputs` (each path once) and swap the staging folder in. Without a
        `gate` (validate), the publication state of the kept documents is carried over, or marked `stale`."""
        unique = list({o.path: o for o in outputs}.values())
        write_manifest(self.dir, unique, gate, withheld=withheld, kept=self.previous, data=data, stale=stale)
        if not (self.live.exists() or self.live.is_symlink()):
            os.rename(self.dir, self.live)
        elif _exchange(self.dir, self.live):
            _remove(self.dir)  # now the old set
        else:
            os.rename(self.live, self.old)
            os.rename(self.dir, self.live)
            _remove(self.old)

    def final(self, outputs: list[Output]) -> list[Output]:
        """`outputs` with their paths where they are after `commit`."""
        return [replace(o, path=self.live / o.path.relative_to(self.dir)) for o in outputs]

    def discard(self) -> None:
        """Throw away what is left of a run that did not commit."""
        _remove(self.dir)
