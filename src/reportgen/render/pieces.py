"""A build's documents as independent pieces, each with the key of what it is made from.

A piece makes one document in all its formats (the press release, one variant, the briefing pack,
the summary workbook, the validation report with its return workbooks). Pieces share nothing
while they run, so `workers.run` may make them in separate processes.

A piece's key is a SHA-256 over everything its files show or depend on: the context it renders
(the data shown, the draft reasons, the period and settings), the templates (built-in and the
workspace's), the fonts, and the code and library versions. The manifest records it for each file;
a later build whose piece has the same key keeps those files (staging.py links them) instead of
making them again. The validation report and the return workbooks are made every time (cheap, and
their rounds have their own rule).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from . import Job, Output

LIBRARIES = ("weasyprint", "pydyf", "fonttools", "python-docx", "docxtpl", "openpyxl", "matplotlib", "jinja2",
             "opencc", "pandas", "lxml")
# the order in which a piece lists its files (press.VARIANT_FORMATS, briefing.render), for kept ones too
FORMAT_ORDER = {"press-release": ("docx", "pdf", "html"), "briefing-pack": ("pdf", "docx")}


@dataclass
class Piece:
    name: str  # press | variant:<name> | briefing | summary | validation
    label: str  # the progress step (build.renderers' labels)
    make: Callable[[Job], list[Output]]
    key: str = ""  # "" = made every time
    notes: list[str] = field(default_factory=list)  # what the CLI says about it, known before it is made
    last: bool = False  # made after the others (it reports what they found)


def _files_digest(h, folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package's own files (code, templates, tables) and the libraries' versions."""
    from .env import builtin_templates

    h = hashlib.sha256()
    _files_digest(h, Path(__file__).resolve().parent.parent)
    _files_digest(h, builtin_templates())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=\n".encode())
    return h.hexdigest()


def _fonts_digest(h, workspace: Path) -> None:
    from .fonts import font_set

    fonts = font_set(workspace)
    for face in fonts.faces:
        stat = face.path.stat() if face.path is not None and face.path.exists() else None
        h.update(repr((face, stat and (stat.st_size, stat.st_mtime_ns))).encode())
    h.update(repr(fonts.folder).encode())


def key(job: Job, name: str, *data) -> str:
    h = hashlib.sha256()
    h.update(f"{name}\n{code_version()}\n".encode())
    ds = job.dataset
    h.update(repr((ds.config, ds.period, job.variants)).encode())
    from .env import workspace_templates

    own = workspace_templates(job.workspace)
    if own is not None:
        _files_digest(h, own)
    _fonts_digest(h, job.workspace)
    h.update(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode())
    return h.hexdigest()


def plan(job: Job, *, documents: bool = True) -> list[Piece]:
    """The pieces of a build in the order their outputs are listed; with `documents` false, only the
    validation report (a strict build that the gate stopped)."""
    from . import validation

    last = Piece("validation", "校验报告", validation.render, last=True)
    if not documents:
        return [last]
    from . import briefing, summary
    from .context import internal_context

    ds = job.dataset
    todo = public_pieces(job)
    pack, pack_notes = briefing.base_context(job)
    todo.append(Piece("briefing", "工作简报", lambda j: briefing.render(j, pack), key(job, "briefing", pack),
                      pack_notes))
    # the summary's 校验问题 sheet lists what the documents found (E-DOC-TOO-LONG): it is made after them, from
    # the report as it is then; that depends only on its data now and on the documents (their keys)
    shown = key(job, "summary", internal_context(ds), [p.key for p in todo])
    todo.append(Piece("summary", "进度汇总表", summary.render, shown, last=True))
    todo.append(last)
    return todo


def public_pieces(job: Job) -> list[Piece]:
    """The press release and its other versions, as the gate (job.dataset.gate) has them: a draft or not."""
    from . import press, variants
    from .context import public_context

    ds = job.dataset
    public = public_context(ds)
    todo = [Piece("press", "新闻通稿", lambda j: press.render_variant(j, public, "standard"),
                  key(job, "press", public), press.notes(job, public))]
    wanted, unknown_note = variants.wanted(job)
    for n, name in enumerate(wanted):
        todo.append(Piece(f"variant:{name}", "新闻通稿其他版本",
                          lambda j, name=name: press.render_variant(j, public, name),
                          key(job, f"variant:{name}", public, ds.config.traditional),
                          [unknown_note] if unknown_note and n == 0 else []))
    if unknown_note and not wanted:
        todo[0].notes.append(unknown_note)
    return todo


def is_public(piece: Piece) -> bool:
    return piece.name == "press" or piece.name.startswith("variant:")


def unchanged(piece: Piece, kept: list[Output], previous: list[dict]) -> list[Output] | None:
    """The kept outputs of `piece` when the last build made it from the same inputs and all its files
    are still there; else None (make it)."""
    if not piece.key:
        return None
    listed = sum(1 for e in previous if e.get("key") == piece.key)
    mine = [o for o in kept if o.key == piece.key]
    order = FORMAT_ORDER.get(mine[0].kind, ()) if mine else ()
    mine.sort(key=lambda o: order.index(o.format) if o.format in order else len(order))
    return mine if listed and len(mine) == listed else None


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
