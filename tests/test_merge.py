"""Merging the plan with submissions: statuses, counts, rates, cross-file checks."""

from reportgen.merge import merge
from reportgen.model import BEHIND, DONE, NOT_REPORTED, ON_SCHEDULE
from reportgen.read import read_workspace


def _task(tid, project_no, project, category="养老", target_value=None, unit="", lead="区民政局"):
    return dict(task_id=tid, project_no=project_no, project=project, category=category, name=f"任务{tid}",
                target_text=f"完成任务{tid}的年度目标", target_value=target_value, unit=unit, lead=lead)


def test_counts_rates_and_over_target(workspace_factory):
    tasks = [
        _task("01-01", 1, "甲工程", target_value=100, unit="个"),
        _task("01-02", 1, "甲工程", target_value=200, unit="个"),
        _task("02-01", 2, "乙工程", category="教育", lead="区教育局"),
        _task("02-02", 2, "乙工程", category="教育", lead="区教育局", target_value=50, unit="所"),
        _task("03-01", 3, "丙工程", category="就业", lead="区人社局"),
    ]
    subs = {
        "区民政局": [
            dict(task_id="01-01", name="任务01-01", status="已完成", progress_text="已建成112个", achieved=112),
            dict(task_id="01-02", name="任务01-02", status="推进中", progress_text="已建成50个", achieved=50),
        ],
        "区教育局": [
            dict(task_id="02-01", name="任务02-01", status="慢序时", progress_text="正在选址", rate="20%"),
            dict(task_id="02-02", name="任务02-02", status="完成", progress_text="已完成50所", achieved=50),
        ],
    }
    ds = merge(read_workspace(workspace_factory(tasks, subs)))
    by_id = {m.task.task_id: m for m in ds.tasks}
    assert [by_id[t].status for t in ("01-01", "01-02", "02-01", "02-02", "03-01")] == [
        DONE, ON_SCHEDULE, BEHIND, DONE, NOT_REPORTED]
    assert by_id["01-01"].rate == 112.0 and by_id["01-01"].over_target
    assert by_id["01-02"].rate == 25.0
    assert by_id["02-01"].rate == 20.0
    c = ds.counts
    assert (c.total, c.done, c.on_schedule, c.behind, c.not_reported, c.over_target) == (5, 2, 1, 1, 1, 1)
    assert [g.title for g in ds.groups] == ["甲工程", "乙工程", "丙工程"]
    assert [g.counts.done for g in ds.groups] == [1, 1, 0]
    assert ds.unreported_departments == ["区人社局"]
    assert ("W-DEPT-NOT-REPORTED", "") == ds.report.flatten(("code", "file"))[-1]


def test_cross_file_rules_and_reconciliation(workspace_factory):
    tasks = [_task("01-01", 1, "甲工程", target_value=10, unit="个"), dict(_task("01-02", 1, "甲工程"), partners="区教育局")]
    subs = {
        "区民政局": [
            dict(task_id="01-01", name="别的名字", status="已完成", progress_text="已建成8个", achieved=8),
            dict(task_id="09-09", name="不存在", status="推进中", progress_text="无"),
            dict(task_id="01-02", name="任务01-02", status="推进中", progress_text="进展顺利", achieved=3),
        ],
        "区教育局": [dict(task_id="01-02", name="任务01-02", status="推进中", progress_text="重复报送")],
    }
    ds = merge(read_workspace(workspace_factory(tasks, subs)))
    codes = {code for (code,) in ds.report.flatten(("code",))}
    assert {"W-NAME-MISMATCH", "E-TASK-NOT-IN-PLAN", "E-TASK-DUPLICATE", "E-DONE-BELOW-TARGET",
            "W-ACHIEVED-NOT-IN-TEXT"} <= codes
    # every row read is merged or set aside, with a reason
    assert ds.rows_read == 4
    merged = sum(1 for m in ds.tasks if m.progress is not None)
    assert merged + len(ds.set_aside) == ds.rows_read
    assert sorted(s.task_id for s in ds.set_aside) == ["01-02", "09-09"]
    dup = next(i for i in ds.report.issues if i.code == "E-TASK-DUPLICATE")
    assert dup.department == "区教育局" and dup.cell.startswith("A")


def test_group_by_category_orders_by_fixed_list(workspace_factory):
    tasks = [_task("01-01", 1, "甲工程", category="就业"), _task("01-02", 1, "甲工程", category="养老"),
             _task("02-01", 2, "乙工程", category="教育")]
    ds = merge(read_workspace(workspace_factory(tasks, {})), group_by="category")
    assert [g.title for g in ds.groups] == ["养老", "教育", "就业"]
