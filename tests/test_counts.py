"""Counts add up in every sentence that carries one, and 未报送 is never 未采用.

A hypothesis test builds many random workspaces (real workbooks: tasks in several projects, rows
done, on schedule, behind, not started, with a status nobody can read, missing or sent twice,
figures below and above target) and checks `Counts.adds_up()` for the whole and every group, and
the numbers in the sentences this repository writes: the press lead, the summary workbook's
subtotal rows and statistics sheet, the validation report's 未报送与未采用 sheet.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import make_workspace
from reportgen.merge import merge
from reportgen.model import DONE, NOT_ADOPTED, NOT_REPORTED, Counts
from reportgen.read import read_workspace
from reportgen.model import FORMS
from reportgen.render.context import internal_context
from reportgen.render.forms import lead as lead_sentence
from reportgen.render.summary import write_summary
from reportgen.render.validation import write_report

MISSING_SHEET = "未报送与未采用"  # in 校验报告.xlsx
STATUSES = ["已完成", "推进中", "滞后", "未启动", "基本完成", None, "twice"]  # None: no row; twice: two departments


@st.composite
def workspaces(draw):
    n = draw(st.integers(1, 9))
    tasks, rows = [], {}
    for i in range(n):
        project = draw(st.integers(1, 3))
        dept = f"区{'甲乙丙'[draw(st.integers(0, 2))]}局"
        target = draw(st.sampled_from([10, 100, 500]))
        tid = f"0{project}-{i + 1:02d}"
        tasks.append(dict(task_id=tid, project_no=project, project=f"工程{project}", category="养老", name=f"任务{i + 1}",
                          target_text=f"完成任务{i + 1}共{target}个", target_value=target, unit="个", lead=dept))
        status = draw(st.sampled_from(STATUSES))
        if status is None:
            continue
        share = draw(st.sampled_from([0, 0.5, 1, 1.2]))
        if status == "已完成":
            share = max(share, 1)  # a completed task meets its target (below it is an error of its own)
        elif status == "未启动":
            share = 0
        achieved = round(target * share)
        row = dict(task_id=tid, name=f"任务{i + 1}", status="已完成" if status == "twice" else status,
                   progress_text=f"已完成{achieved}个", achieved=achieved)
        rows.setdefault(dept, []).append(row)
        if status == "twice":
            rows.setdefault("区丁局", []).append(dict(row, progress_text="代为报送"))
    return tasks, rows


def numbers(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m[1]) if m else 0


def check_lead(ds, c: Counts) -> None:
    for form in FORMS:
        check_lead_of(lead_sentence(ds, form), c)


def check_lead_of(lead: str, c: Counts) -> None:
    assert numbers(r"涉及的(\d+)项具体工作", lead) == c.total
    if "已全部完成" in lead:
        assert c.done == c.total
        return
    if "均在加快推进" in lead:
        assert c.on_schedule + c.behind == c.total
        return
    done = numbers(r"已累计完成(\d+)项", lead) or numbers(r"共完成(\d+)项工作", lead) or numbers(r"(\d+)项工作已完成", lead)
    parts = [done] + [numbers(p, lead) for p in (r"(\d+)项正在加快推进", r"(\d+)项尚未启动", r"(\d+)项进展情况未报送",
                                                 r"(\d+)项进展情况待核实")]
    assert parts == [c.done, c.on_schedule + c.behind, c.not_started, c.not_reported, c.not_adopted], lead
    assert sum(parts) == c.total, lead
    over = c.done if ("均超额" in lead or "（超额" in lead) else numbers(r"其中(\d+)项超额", lead)
    assert over == c.over_target <= c.done, lead


def subtotal(text: str) -> tuple[int, list[int], int]:
    """任务N项：已完成a项（其中超额完成k项），序时推进b项，… → (N, [a, b, …], k)."""
    total = numbers(r"任务(\d+)项", text)
    over = numbers(r"其中超额完成(\d+)项", text)
    parts = [int(x) for x in re.findall(r"(?:已完成|序时推进|滞后|未启动|未报送|未采用)(\d+)项", text)]
    return total, parts, over


def check_summary(ds, target: Path) -> None:
    write_summary(internal_context(ds), target)
    wb = load_workbook(target)
    sheet = wb["进度汇总"]
    header = [c.value for c in sheet[3]]
    col = {h: i for i, h in enumerate(header)}
    seen_total = 0
    for r in sheet.iter_rows(min_row=4, values_only=True):
        if str(r[0]).startswith("小计"):
            total, parts, over = subtotal(r[col["年度目标"]])
            assert len(parts) == 6 and sum(parts) == total and over <= parts[0], r[col["年度目标"]]
            seen_total += total
        else:
            status = r[col["进展状态"]]
            if status in (NOT_REPORTED, NOT_ADOPTED):  # never an empty cell that reads as nothing to say
                assert r[col["进展情况"]].startswith(f"（{status}：")
            assert (r[col["超额完成"]] == "是") == (status == DONE and (r[col["完成率"]] or 0) > 1)
    assert seen_total == ds.counts.total
    stats = list(wb["分组统计"].iter_rows(min_row=2, values_only=True))
    for no, title, total, *parts, over, rate in stats:
        assert sum(parts) == total and over <= parts[0]
    assert [sum(r[i] for r in stats[:-1]) for i in range(2, 10)] == list(stats[-1][2:10])  # 合计 = the groups


def check_report(ds, target: Path) -> None:
    write_report(ds.report, target, ds)
    sheet = load_workbook(target)[MISSING_SHEET]
    head = sheet["A1"].value
    c = ds.counts
    total, parts = numbers(r"共(\d+)项任务", head), [numbers(p, head) for p in (r"已采用进展(\d+)项", r"未报送(\d+)项",
                                                                                 r"未采用(\d+)项")]
    assert total == c.total and sum(parts) == total and parts[1:] == [c.not_reported, c.not_adopted]
    listed = [r[3] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(listed) == sorted([NOT_REPORTED] * c.not_reported + [NOT_ADOPTED] * c.not_adopted)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workspaces())
def test_counts_add_up_in_every_sentence(case):
    tasks, rows = case
    with tempfile.TemporaryDirectory() as tmp:
        ds = merge(read_workspace(make_workspace(Path(tmp) / "ws", tasks, rows)))
        c = ds.counts
        assert c.adds_up() and c.total == len(tasks)
        for g in ds.groups:
            assert g.counts.adds_up()
        for name in ("done", "on_schedule", "behind", "not_started", "not_reported", "not_adopted", "over_target"):
            assert sum(getattr(g.counts, name) for g in ds.groups) == getattr(c, name)
        assert c.over_target == sum(m.done and (m.rate or 0) > 100 for m in ds.tasks)
        check_lead(ds, c)
        check_summary(ds, Path(tmp) / "summary.xlsx")
        check_report(ds, Path(tmp) / "report.xlsx")


def test_not_reported_and_not_adopted_are_said_apart(tmp_path):
    plan = [dict(task_id=f"01-0{i}", project_no=1, project="甲工程", category="养老", name=f"任务{i}",
                 target_text=f"目标{i}", target_value=10, unit="个", lead="区民政局") for i in (1, 2, 3)]
    rows = {"区民政局": [dict(task_id="01-01", name="任务1", status="推进中", progress_text="已完成5个", achieved=5),
                         dict(task_id="01-02", name="任务2", status="基本完成", progress_text="差不多了")]}
    root = make_workspace(tmp_path / "ws", plan, rows)
    from reportgen.build import check

    result = check(root)
    ds = result.dataset
    by_id = {m.task.task_id: m for m in ds.tasks}
    assert (by_id["01-02"].status, by_id["01-03"].status) == (NOT_ADOPTED, NOT_REPORTED)
    said = {i.code: i for i in ds.report.issues if i.code in ("W-TASK-NOT-ADOPTED", "W-TASK-NOT-REPORTED")}
    assert "已报送，但未采用" in said["W-TASK-NOT-ADOPTED"].message and "基本完成" in said["W-TASK-NOT-ADOPTED"].message
    assert said["W-TASK-NOT-ADOPTED"].cell == "A5"  # at the row that was set aside
    assert "01-03" in said["W-TASK-NOT-REPORTED"].message
    report = load_workbook(result.outdir / "校验报告.xlsx")[MISSING_SHEET]
    listed = {r[0]: r[3:] for r in report.iter_rows(min_row=3, values_only=True)}
    assert listed["01-03"] == ("未报送", "本期没有收到该任务的进展")
    assert listed["01-02"][0] == "未采用" and "基本完成" in listed["01-02"][1]
    import io

    from rich.console import Console

    from reportgen.cli import main

    out = io.StringIO()
    main(["validate", str(root)], console=Console(file=out, width=2000, color_system=None))
    text = out.getvalue()
    assert "未报送 1 项（没有收到进展）：" in text and "未采用 1 项（报送了，但未采用）：" in text
    assert re.search(r"01-02 任务2.*原因：进展状态“基本完成”无法识别", text)
