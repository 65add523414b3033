"""Shared fixtures: workspaces built from plain dicts, written as real workbooks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.workbooks import write_department, write_plan

DEFAULT_CONFIG = {
    "region": "测试区", "program": "民心工程", "publisher": "测试区融媒体中心",
    "compiler": "测试区民心工程推进办公室", "group_by": "project",
    "report_to": "区委、区政府", "send_to": "区人大常委会", "issue_to": "各街镇", "copies": 30,
}
DEFAULT_PERIOD = {"as_of": "2025-06-30", "issue_no": 3, "publish_date": "2025-07-10"}


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    s = str(v)
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        return s  # a TOML date
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_toml(path: Path, data: dict) -> None:
    path.write_text("".join(f"{k} = {toml_value(v)}\n" for k, v in data.items()), encoding="utf-8")


def make_workspace(root: Path, tasks: list[dict], submissions: dict[str, list[dict]], *, period: str = "2025H1",
                   config: dict | None = None, period_toml: dict | None = None, header: dict | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_toml(root / "report.toml", {**DEFAULT_CONFIG, **(config or {})})
    folder = root / "inputs" / period
    (folder / "departments").mkdir(parents=True, exist_ok=True)
    write_toml(folder / "period.toml", {"period": period, **DEFAULT_PERIOD, **(period_toml or {})})
    write_plan(folder / "plan.xlsx", tasks)
    for dept, rows in submissions.items():
        write_department(folder / "departments" / f"{dept}.xlsx", dept, rows, **(header or {}))
    return root


@pytest.fixture
def workspace_factory(tmp_path):
    counter = iter(range(1000))

    def build(tasks, submissions, **kwargs):
        return make_workspace(tmp_path / f"ws{next(counter)}", tasks, submissions, **kwargs)

    return build


REPO_ROOT = Path(__file__).resolve().parent.parent


def copy_sample(target: Path) -> Path:
    """A copy of the repository's sample workspace (report.toml and inputs/) at `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "report.toml", target)
    shutil.copytree(REPO_ROOT / "inputs", target / "inputs")
    return target


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def sample_workspace(tmp_path) -> Path:
    return copy_sample(tmp_path / "sample")


def return_path(outdir: Path, name: str) -> Path:
    """Return workbook `name` (e.g. 区民政局.xlsx) of the latest round, outdir/退回修改/第N轮/name."""
    from reportgen.render.validation import latest_round, round_folder

    returns = outdir / "退回修改"
    return returns / round_folder(latest_round(returns)) / name
# ---- a workspace of 40 groups (one task each), every status and long texts: the pack at city scale ----

FORTY_DEPTS = ["区民政局", "区教育局", "区住房建设委", "区卫生健康委", "区城市管理委", "区人社局", "区文化旅游局", "区交通运输局"]
FORTY_STATUSES = ["已完成", "序时推进", "序时推进", "滞后", "序时推进", "未启动", "已完成", "序时推进"]


def forty_groups(root: Path, config: dict | None = None) -> Path:
    """40 projects of one task each: done (some above target), on schedule, behind, not started,
    未报送 (区市场监管局 sends nothing) and 未采用 (a row whose status cannot be read)."""
    tasks, subs = [], {}
    for p in range(1, 41):
        dept = "区市场监管局" if p in (13, 29) else FORTY_DEPTS[p % len(FORTY_DEPTS)]
        tid = f"{p:02d}-01"
        tasks.append(dict(task_id=tid, project_no=p, project=f"第{p}项民生工程", category="其他",
                          name=f"民生任务{p}" + "建设" * (p % 4), target_text=f"完成第{p}项民生任务的年度目标{10 * p}个，"
                          + "，确保群众满意" * (p % 3), target_value=10 * p, unit="个", lead=dept))
        if dept == "区市场监管局":
            continue
        status = FORTY_STATUSES[p % len(FORTY_STATUSES)]
        if p in (7, 21):
            status = "正在办理中"  # unreadable: the row is set aside, the task is 未采用
        achieved = 10 * p * (1.125 if p % 16 == 6 else 1) if status == "已完成" else 4 * p
        subs.setdefault(dept, []).append(dict(
            task_id=tid, status=status, progress_text=f"目前已完成{4 * p}个" + "，各项工作有序推进" * (1 + p % 5) + "。",
            achieved=achieved, expected="2025-10-31" if p % 2 else "10月底",
            problems="资金拨付较慢" if status == "滞后" else "", next_steps="加快推进" if status == "滞后" else ""))
    return make_workspace(root, tasks, subs, config=config)


def libreoffice(src: Path, fmt: str, outdir: Path, *, timeout: int = 300, check: bool = True):
    """LibreOffice converting `src` to `fmt` in `outdir`, with a profile of its own: two LibreOffice runs
    sharing the user profile (tests in parallel, another program on the machine) fail at random."""
    import shutil
    import subprocess
    import tempfile

    exe = shutil.which("libreoffice") or shutil.which("soffice")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        r = subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                            "--outdir", str(outdir), str(src)], capture_output=True, text=True, timeout=timeout)
    if check:
        assert r.returncode == 0, r.stderr
    return r


# three tasks of two projects and two departments: the small plan many tests build on
THREE_TASKS = [
    dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="助餐点", target_text="新建助餐点10个",
         target_value=10, unit="个", lead="区民政局"),
    dict(task_id="01-02", project_no=1, project="甲工程", category="养老", name="适老化改造", target_text="改造100户",
         target_value=100, unit="户", lead="区民政局"),
    dict(task_id="02-01", project_no=2, project="乙工程", category="教育", name="学位", target_text="新增学位500个",
         target_value=500, unit="个", lead="区教育局"),
]
