"""Interrupted and concurrent runs (issue 13, defect 3): `build` and `validate` killed with SIGKILL at
random moments always leave outputs/<period>/ complete and consistent with its manifest, and no temp
file survives the next run; three runs at once on one workspace end with consistent outputs.

Each command is killed at 20 random moments (REPORTGEN_KILLS; REPORTGEN_KILL_SEED picks them).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_workspace

PLAN = [dict(task_id=f"01-0{i}", project_no=1, project="甲工程", category="养老", name=f"任务{i}",
             target_text=f"建设目标{i}个", target_value=10, unit="个", lead=lead)
        for i, lead in ((1, "区民政局"), (2, "区教育局"), (3, "区教育局"), (4, "区人社局"))]
SUBMISSIONS = {
    "区民政局": [dict(task_id="01-01", status="序时推进", progress_text="已建成5个", achieved=5)],
    "区教育局": [dict(task_id="01-02", status="加速中", progress_text="已建成3个"),  # a return workbook every time
                 dict(task_id="01-03", status="已完成", progress_text="已建成10个", achieved=10)],
}
KILLS = int(os.environ.get("REPORTGEN_KILLS", "20"))
SEED = int(os.environ.get("REPORTGEN_KILL_SEED", "13"))


def run(root: Path, command: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reportgen", command, str(root)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def snapshot(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*")) if p.is_file()}


def leftovers(outputs: Path) -> list[str]:
    """Temp files and folders, staging folders and old sets anywhere under outputs/."""
    return [p.relative_to(outputs).as_posix() for p in outputs.rglob("*")
            if p.name.startswith(".tmp") or p.name.endswith((".staging", ".old"))]


def assert_complete(outdir: Path, kinds: set[str]) -> None:
    """Every file of the set listed in its manifest with its checksum, and nothing listed missing."""
    entries = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))["files"]
    on_disk = {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()} - {"manifest.json"}
    assert on_disk == {e["path"] for e in entries}
    for e in entries:
        assert hashlib.sha256((outdir / e["path"]).read_bytes()).hexdigest() == e["sha256"], e["path"]
    assert kinds <= {e["kind"] for e in entries}


BUILD_KINDS = {"press-release", "briefing-pack", "summary", "validation-report", "return"}


@pytest.fixture
def workspace(tmp_path) -> Path:
    return make_workspace(tmp_path / "ws", PLAN, SUBMISSIONS)


def timed(root: Path, command: str) -> float:
    start = time.monotonic()
    proc = run(root, command)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 1 and "Traceback" not in err, err  # 1: the workspace has an error on purpose
    return time.monotonic() - start


@pytest.mark.parametrize("command", ["build", "validate"])
def test_a_killed_run_leaves_the_previous_set_exactly_as_it_was(workspace, command):
    outputs = workspace / "outputs"
    outdir = outputs / "2025H1"
    full = timed(workspace, "build")
    if command == "validate":
        full = timed(workspace, "validate")
    before = snapshot(outdir)
    assert_complete(outdir, BUILD_KINDS)
    rng = random.Random(f"{SEED}-{command}")
    for moment in sorted(rng.uniform(0, full * 1.1) for _ in range(KILLS)):
        proc = run(workspace, command)
        time.sleep(moment)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        # inputs unchanged and rebuilds reproducible: whether the run was killed before or after its swap,
        # the set is byte for byte the one before, with its manifest
        assert snapshot(outdir) == before, f"killed after {moment:.2f}s"
        assert_complete(outdir, BUILD_KINDS)
    timed(workspace, command)
    assert leftovers(outputs) == []
    assert snapshot(outdir) == before


def test_three_runs_at_once_wait_for_each_other_and_end_consistent(workspace):
    outputs = workspace / "outputs"
    procs = [run(workspace, c) for c in ("build", "validate", "build")]
    results = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [1, 1, 1], [r[1][-800:] for r in results]
    assert all("Traceback" not in err for _, err in results)
    assert any("正在等待" in out for out, _ in results)  # a waiting run says so, in Chinese
    assert_complete(outputs / "2025H1", BUILD_KINDS)
    assert leftovers(outputs) == []
    returns = sorted(p.relative_to(outputs / "2025H1").as_posix() for p in (outputs / "2025H1").rglob("*.xlsx")
                     if "退回修改" in p.parts)
    assert returns == ["退回修改/第1轮/区教育局.xlsx"]  # the same problems: one round, never a degraded copy


def test_a_run_killed_between_the_two_renames_is_undone_by_the_next(workspace, monkeypatch):
    """Where the system cannot swap two folders in one step, the old set is moved aside first; a run killed
    right then leaves no outputs/<period>/, and the next run (or any reader holding the lock) puts it back."""
    from reportgen.build import check
    from reportgen.render import staging

    check(workspace)
    outdir = workspace / "outputs/2025H1"
    before = snapshot(outdir)
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the moment between the two renames
        real_rename(src, dst)

    monkeypatch.setattr(staging.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        check(workspace)
    assert not outdir.exists() and (workspace / "outputs/.2025H1.old").is_dir()
    monkeypatch.setattr(staging.os, "rename", real_rename)
    staging.Staging(workspace / "outputs", "2025H1").recover()
    assert snapshot(outdir) == before and leftovers(workspace / "outputs") == []
    check(workspace)  # and the fallback swap itself, uninterrupted
    assert snapshot(outdir) == before and leftovers(workspace / "outputs") == []


def test_validate_keeps_the_documents_of_the_last_build_in_the_manifest(workspace):
    """validate rewrote 校验报告.xlsx under a manifest that still had the build's checksum."""
    from openpyxl import load_workbook

    from reportgen.build import build, check

    built = build(workspace)
    pdfs = {o.path.name: o.path.read_bytes() for o in built.outputs if o.format == "pdf"}
    book = workspace / "inputs/2025H1/departments/区教育局.xlsx"
    wb = load_workbook(book)
    wb["进展填报"]["C4"] = "序时推进"  # the clerk fixes the wrong status, then validates again
    wb.save(book)
    check(workspace)
    outdir = workspace / "outputs/2025H1"
    assert_complete(outdir, {"press-release", "briefing-pack", "summary", "validation-report"})
    assert {n: (outdir / n).read_bytes() for n in pdfs} == pdfs
