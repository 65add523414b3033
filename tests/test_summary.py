"""The summary workbook: every task, every field, subtotals, formula-safe text."""

import json

from openpyxl import load_workbook

from reportgen import build


def test_summary_workbook(workspace_factory):
    tasks = [
        dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="助餐", target_text="新建助餐点10个",
             target_value=10, unit="个", lead="区民政局"),
        dict(task_id="02-01", project_no=2, project="乙工程", category="教育", name="学位", target_text="新增学位500个",
             target_value=500, unit="个", lead="区教育局"),
    ]
    subs = {"区民政局": [dict(task_id="01-01", name="助餐", status="已完成", progress_text="=HYPERLINK(\"http://x\")已建成10个",
                             achieved=10, problems="资金缺口", next_steps="加快验收", contact="张三", remarks="@SUM(A1)")]}
    root = workspace_factory(tasks, subs)
    result = build(root)
    summary = next(o.path for o in result.outputs if o.kind == "summary")
    wb = load_workbook(summary)
    ws = wb["进度汇总"]
    header = [c.value for c in ws[3]]
    assert header[:4] == ["事项编号", "任务名称", "工程名称", "领域"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    ids = [r[0] for r in rows]
    assert ids == ["01-01", "小计", "02-01", "小计"]
    assert [r[1] for r in rows] == ["助餐", "一、甲工程", "学位", "二、乙工程"]
    first = dict(zip(header, rows[0]))
    assert first["存在问题"] == "资金缺口" and first["联系人"] == "张三"
    assert first["进展状态"] == "已完成" and first["完成率"] == 1.0
    # submitted text never becomes a formula
    for r in ws.iter_rows(min_row=4):
        for c in r:
            assert c.data_type != "f"
    assert ws.freeze_panes == "C4" and ws.auto_filter.ref.startswith("A3:")
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "landscape"
    stats = wb["分组统计"]
    assert [c.value for c in stats[4]][1:4] == ["合计", 2, 1]
    manifest = json.loads((result.outdir / "manifest.json").read_text(encoding="utf-8"))
    assert {"kind": "summary", "format": "xlsx"}.items() <= next(e for e in manifest if e["kind"] == "summary").items()


def test_summary_is_reproducible(workspace_factory):
    tasks = [dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="助餐", target_text="新建助餐点10个",
                  lead="区民政局")]
    root = workspace_factory(tasks, {"区民政局": [dict(task_id="01-01", status="推进中", progress_text="已选址")]})
    first = build(root)
    path = next(o.path for o in first.outputs if o.kind == "summary")
    before = path.read_bytes()
    build(root)
    assert path.read_bytes() == before
