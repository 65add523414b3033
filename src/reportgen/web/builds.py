"""Builds started from the office page, and the outputs they (or the CLI) made.

One build at a time, in a background thread holding the workspace lock, its progress readable
while it runs; the result (draft or publishable, why, how many files) recorded in the store.
Outputs are what outputs/<period>/manifest.json lists, whoever built them: a file not in the
manifest is never served. Also: all outputs as one zip, and PNG pages of a PDF for preview.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..messages import failure_text
from ..safetext import join_reasons
from ..render import KIND_NAMES, VARIANT_NAMES
from .lock import workspace_lock
from .store import Store

FORMAT = {"docx": "Word", "pdf": "PDF", "html": "网页", "xlsx": "Excel"}
KIND_ORDER = list(KIND_NAMES)
PREVIEW_DPI = 80
PREVIEW_PAGES = 40
FIXED_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to outputs/<period>/, as the manifest has it
    kind: str
    format: str
    variant: str
    sha256: str
    file: Path

    @property
    def label(self) -> str:
        if self.kind == "return":  # 退回修改/第N轮/<单位>.xlsx: each round is its own file
            parent = Path(self.path).parent.name
            return f"退回修改表（{parent}）：{Path(self.path).stem}" if re.fullmatch(r"第\d+轮", parent) else \
                f"退回修改表：{Path(self.path).stem}"
        variant = VARIANT_NAMES.get(self.variant, self.variant)
        return f"{KIND_NAMES.get(self.kind, self.kind)}{'（' + variant + '）' if variant else ''}"

    @property
    def format_label(self) -> str:
        return FORMAT.get(self.format, self.format.upper())

    @property
    def key(self) -> str:
        """Names the file's preview folder: its checksum from the manifest (hex), else one made here."""
        if re.fullmatch(r"[0-9a-f]{64}", self.sha256):
            return self.sha256[:24]
        from ..render.manifest import sha256

        return sha256(self.file)[:24]

    @property
    def size(self) -> int:
        try:
            return self.file.stat().st_size
        except OSError:
            return 0


def manifest_entries(outdir: Path) -> list[dict]:
    """The manifest's file entries (render/manifest.py is the one reader); none when it is missing or unreadable."""
    from ..render.manifest import read_manifest

    try:
        entries = read_manifest(outdir)
    except (OSError, ValueError, AttributeError):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)]


def outputs(root: Path, period: str | None) -> list[OutputFile]:
    """Files the last build made for the period that are still there, in a reading order."""
    if not period:
        return []
    outdir = (Path(root) / "outputs" / period).resolve()
    found = []
    for e in manifest_entries(outdir):
        file = (outdir / e["path"]).resolve()
        if file.is_relative_to(outdir) and file.is_file():
            found.append(OutputFile(e["path"], str(e.get("kind", "")), str(e.get("format", "")),
                                    str(e.get("variant", "standard")), str(e.get("sha256", "")), file))
    order = {k: n for n, k in enumerate(KIND_ORDER)}
    variants = list(VARIANT_NAMES)
    formats = ["html", "pdf", "docx", "xlsx"]
    found.sort(key=lambda o: (order.get(o.kind, 99), variants.index(o.variant) if o.variant in variants else 9,
                              formats.index(o.format) if o.format in formats else 9, o.path))
    return found


def write_zip(files: list[OutputFile], manifest: Path | None, target: Path) -> Path:
    """All outputs in one zip, the same bytes for the same files (fixed entry times, fixed order)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        entries = [(o.path, o.file) for o in files]
        if manifest is not None and manifest.is_file():
            entries.append(("manifest.json", manifest))
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as src, z.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    return target


def preview_pages(store: Store, pdf: OutputFile) -> list[Path]:
    """PNG pages of a PDF (pdftoppm, from poppler-utils), made once per file content."""
    folder = store.folder / "previews" / pdf.key
    pages = sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1])) if folder.is_dir() else []
    if pages:
        return pages
    exe = shutil.which("pdftoppm")
    if exe is None:
        return []
    work = store.folder / "tmp" / f"preview-{threading.get_ident()}-{time.monotonic_ns()}"
    work.mkdir(parents=True)
    try:
        subprocess.run([exe, "-r", str(PREVIEW_DPI), "-png", "-l", str(PREVIEW_PAGES), str(pdf.file), str(work / "p")],
                       check=True, capture_output=True, timeout=120)
        folder.parent.mkdir(exist_ok=True)
        try:
            work.rename(folder)
        except OSError:  # another request made them meanwhile
            pass
    except (OSError, subprocess.SubprocessError):
        return []
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))


@dataclass
class Progress:
    build_id: int
    steps: list[str]
    started: float
    step: int = 0
    message: str = "准备"
    state: str = "running"  # running | done | failed

    def as_dict(self) -> dict:
        return {"id": self.build_id, "state": self.state, "step": self.step, "steps": len(self.steps),
                "message": self.message, "elapsed": int(time.monotonic() - self.started)}


def build_steps() -> list[str]:
    from ..build import renderers

    return ["读取工作目录", "校验", "合并", *(f"生成{label}" for label, _ in renderers())]


class Builder:
    """Runs `reportgen.build.build` for the workspace, one at a time."""

    def __init__(self, root: Path, store: Store):
        self.root, self.store = Path(root).resolve(), store
        self.current: Progress | None = None
        self._mutex = threading.Lock()

    def start(self) -> Progress:
        """Start a build, or return the one running."""
        with self._mutex:
            if self.current is not None and self.current.state == "running":
                return self.current
            bid = self.store.start_build(None)
            self.current = Progress(bid, build_steps(), time.monotonic())
            threading.Thread(target=self._run, args=(self.current,), name=f"build-{bid}", daemon=True).start()
            return self.current

    def status(self) -> dict | None:
        return self.current.as_dict() if self.current else None

    def _say(self, progress: Progress, message: str) -> None:
        progress.message = message
        if message in progress.steps:
            progress.step = progress.steps.index(message) + 1

    def _run(self, progress: Progress) -> None:
        from ..build import build

        try:
            progress.message = "等待其他操作完成"
            with workspace_lock(self.root):
                result = build(self.root, progress=lambda m: self._say(progress, m))
        except Exception as e:  # noqa: BLE001 - every failure becomes a message on the page
            progress.state, progress.message = "failed", failure_text(e)
            if not isinstance(e, InputError):
                traceback.print_exc(file=sys.stderr)
            self.store.finish_build(progress.build_id, "failed", message=progress.message)
            return
        gate = result.gate
        report = result.report
        period = result.dataset.period.code if result.dataset else None
        if result.stopped:
            progress.state = "failed"
            progress.message = "未生成文档：" + join_reasons(i.message for i in report.errors[:3])
        else:
            progress.state, progress.step = "done", len(progress.steps)
            progress.message = f"已生成 {len(result.outputs)} 个文件"
        self.store.finish_build(progress.build_id, progress.state, period=period,
                                gate=gate.state if gate else None, reasons=list(gate.reasons) if gate else [],
                                errors=len(report.errors), warnings=len(report.warnings), files=len(result.outputs),
                                message="\n".join([progress.message, *result.notes]))
