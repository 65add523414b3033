"""Nothing is written outside the workspace's outputs/ and inputs/<period>/ (departments/, 填报说明/) (issue 13).

Every command runs in its own process on hostile inputs (names that are paths, links out of the
workspace, control characters, a file that makes a reader panic), with its temp folder inside the
watched tree; the whole tree around the workspace is compared before and after each command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from biff import SHORT_NAME_RECORD, write_xls
from conftest import make_workspace

LEADS = ["区民政局", "../../区外", "/tmp/绝对区", "区住建委/区城管委"]
PLAN = [dict(task_id=f"01-0{i}", project_no=1, project="甲工程", category="养老", name=f"任务{i}",
             target_text=f"建设目标{i}个", target_value=10, unit="个", lead=lead) for i, lead in enumerate(LEADS, 1)]


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under `root` (links not followed): files with their modification time and size, folders
    with nothing (a folder's time changes with what happens inside it)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            found[Path(dirpath, name).relative_to(root).as_posix()] = (0, 0)
        for name in filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            found[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


def changed(before: dict, after: dict) -> set[str]:
    return {p for p, v in after.items() if before.get(p) != v} | (before.keys() - after.keys())


def reportgen(outer: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(outer / "tmp"), "TEMP": str(outer / "tmp"), "TMP": str(outer / "tmp")}
    run = subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, env=env,
                         timeout=600, cwd=outer)
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr[-2000:]
    return run


def only_under(paths: set[str], *allowed: str) -> set[str]:
    """The paths that are not inside one of the allowed folders."""
    return {p for p in paths if not any(p == a or p.startswith(a + "/") for a in allowed)}


def test_no_command_writes_outside_outputs_and_departments(tmp_path):
    outer = tmp_path / "outer"
    (outer / "tmp").mkdir(parents=True)
    (outer / "elsewhere").mkdir()
    (outer / "elsewhere" / "secret.html").write_text("OUTSIDE", encoding="utf-8")
    ws = make_workspace(outer / "ws", PLAN, {"区民政局": [dict(task_id="01-01", status="序时推进", progress_text="已建成5个\u202e")]},
                        config={"region": "../../逃逸区", "program": "/tmp/民心工程"})
    depts = ws / "inputs/2025H1/departments"
    write_xls(depts / "区教育局.xls", [["事项编号", "进展状态", "进展情况"], ["01-02", "序时推进", "3个"]],
              extra_globals=SHORT_NAME_RECORD)
    (depts / "链接.xlsx").symlink_to(outer / "elsewhere" / "secret.html")
    (depts / "区人社局.et").write_bytes(b"\0" * 64)

    steps = [
        (("validate", "ws"), ("ws/outputs",)),
        (("build", "ws"), ("ws/outputs",)),
        (("new-period", "2025Q3", "ws"), ("ws/inputs/2025Q3", "ws/outputs")),
        (("template", "区住建委/区城管委", "ws", "--force"), ("ws/inputs/2025Q3/departments", "ws/inputs/2025Q3/填报说明", "ws/outputs")),
        (("templates", "export", "ws"), ("ws/templates", "ws/outputs")),
        (("templates", "check", "ws"), ()),
        (("build", "ws", "--period", "2025H1"), ("ws/outputs",)),
        (("build", "ws", "--period", "../../elsewhere"), ()),
        (("init", "ws2", "--region", "../../x"), ("ws2",)),
    ]
    for argv, allowed in steps:
        if argv[:2] == ("build", "ws") and "--period" in argv and argv[-1] == "2025H1":
            (ws / "templates" / "inc.html").symlink_to(outer / "elsewhere" / "secret.html")
            page = ws / "templates" / "press-release.html.j2"
            page.write_text(page.read_text(encoding="utf-8").replace("</body>", '{% include "inc.html" %}</body>'),
                            encoding="utf-8")
            before = tree(outer)  # the links just made are the test's, not the command's
        else:
            before = tree(outer)
        used = (outer / "tmp").stat().st_mtime_ns
        run = reportgen(outer, *argv)
        outside = only_under(changed(before, tree(outer)), *allowed)
        assert outside == set(), (argv, sorted(outside), run.stdout[-1500:])
        # not even a temp file that came and went: a killed run would have left it there
        assert (outer / "tmp").stat().st_mtime_ns == used and not list((outer / "tmp").iterdir()), argv
    assert not any("OUTSIDE" in p.read_text(errors="ignore") for p in (ws / "outputs").rglob("*.html"))
    assert (outer / "elsewhere" / "secret.html").read_text(encoding="utf-8") == "OUTSIDE"


def test_an_outputs_folder_that_leads_elsewhere_is_refused(tmp_path):
    outer = tmp_path / "outer"
    (outer / "tmp").mkdir(parents=True)
    (outer / "elsewhere").mkdir()
    ws = make_workspace(outer / "ws", PLAN[:1], {"区民政局": [dict(task_id="01-01", status="序时推进", progress_text="已建成5个")]})
    (ws / "outputs").symlink_to(outer / "elsewhere")
    before = tree(outer)
    for argv in (("build", "ws"), ("validate", "ws"), ("new-period", "2025Q3", "ws")):
        run = reportgen(outer, *argv)
        assert run.returncode == 1 and "快捷方式" in run.stdout, run.stdout
    assert changed(before, tree(outer)) == set()
