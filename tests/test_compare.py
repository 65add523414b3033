"""Comparison with the previous period: per-group figures in the briefing pack and the summary workbook."""

from __future__ import annotations

import re
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import make_workspace
from reportgen import build
from reportgen.compare import comparison_label, rate_change_text
from reportgen.model import Period

TASKS = [
    dict(task_id=f"{p:02d}-{i:02d}", project_no=p, project=name, category=cat, name=f"{name[:2]}任务{i}",
         target_text=f"完成{name[:2]}任务{i}的年度目标{10 * i}个", target_value=10 * i, unit="个", lead=lead)
    for p, name, cat, lead in ((1, "养老提升工程", "养老", "区民政局"), (2, "教育扩容工程", "教育", "区教育局"))
    for i in range(1, 4)
]


def rows(prefix: str, statuses: list[str]) -> list[dict]:
    return [dict(task_id=f"{prefix}-{i:02d}", status=status, progress_text=f"目前已完成{5 * i}个",
                 achieved=10 * i if status == "已完成" else 5 * i) for i, status in enumerate(statuses, 1)]


# 养老: 1 of 3 done → 2 of 3 (33.3% → 66.7%, +33.3); 教育: 0 of 3 → 1 of 3 (0% → 33.3%)
FIRST = {"区民政局": rows("01", ["已完成", "序时推进", "序时推进"]),
         "区教育局": rows("02", ["序时推进", "序时推进", "序时推进"])}
SECOND = {"区民政局": rows("01", ["已完成", "已完成", "序时推进"]),
          "区教育局": rows("02", ["已完成", "序时推进", "滞后"])}


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                             text=True, check=True).stdout)


def outputs(result) -> dict:
    return {(o.kind, o.format): o.path for o in result.outputs}


def docx_rows(path) -> list[list[str]]:
    return [[c.text.strip() for c in r.cells] for t in Document(str(path)).tables for r in t.rows]


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory):
    root = tmp_path_factory.mktemp("cmp") / "ws"
    make_workspace(root, TASKS, FIRST, period="2025H1")
    make_workspace(root, TASKS, SECOND, period="2025FY",
                   period_toml={"as_of": "2025-12-31", "issue_no": 4, "publish_date": "2026-01-10"})
    result = build(root, "2025FY")
    return root, outputs(result)


@pytest.fixture(scope="module")
def across_years(tmp_path_factory):
    root = tmp_path_factory.mktemp("cmp-year") / "ws"
    make_workspace(root, TASKS, FIRST, period="2025FY",
                   period_toml={"as_of": "2025-12-31", "issue_no": 4, "publish_date": "2026-01-10"})
    make_workspace(root, TASKS, SECOND, period="2026Q1",
                   period_toml={"as_of": "2026-03-31", "issue_no": 1, "publish_date": "2026-04-10"})
    result = build(root, "2026Q1")
    return root, outputs(result)


def test_rate_change_text():
    assert rate_change_text(33.3, 50.0) == "+16.7个百分点"
    assert rate_change_text(50.0, 25.0) == "-25个百分点"
    assert rate_change_text(40.0, 40.0) == "持平"
    assert rate_change_text(None, 40.0) == "—"


def test_comparison_label_names_the_year_only_across_years():
    from datetime import date

    h1 = Period("2025H1", 2025, "H1", date(2025, 6, 30), "上半年")
    fy = Period("2025FY", 2025, "FY", date(2025, 12, 31), "全年")
    q1 = Period("2026Q1", 2026, "Q1", date(2026, 3, 31), "一季度")
    assert comparison_label(h1, fy) == "上半年"
    assert comparison_label(fy, q1) == "2025年全年"
    custom = Period("2025FY", 2025, "FY", date(2025, 12, 31), "2025年全年")
    assert comparison_label(custom, q1) == "2025年全年"  # never 2025年2025年全年


def test_pdf_pack_shows_per_group_changes(two_periods):
    _, files = two_periods
    text = pdf_text(files["briefing-pack", "pdf"])
    assert "与上半年相比" in text and "新增完成2项" in text
    assert "任务完成率由16.7%提高到50%" in text
    assert "上期已完成本期已完成上期完成率本期完成率变化" in text
    # group, done then and now, rate then and now, change
    assert "（一）养老提升工程1233.3%66.7%+33.3个百分点" in text
    assert "（二）教育扩容工程010%33.3%+33.3个百分点" in text
    assert "合计1316.7%50%+33.3个百分点" in text


def test_docx_pack_has_per_group_rows(two_periods):
    _, files = two_periods
    rows = docx_rows(files["briefing-pack", "docx"])
    assert ["工程", "上期已完成", "本期已完成", "上期完成率", "本期完成率", "变化"] in rows
    assert ["（一）养老提升工程", "1", "2", "33.3%", "66.7%", "+33.3个百分点"] in rows
    assert ["（二）教育扩容工程", "0", "1", "0%", "33.3%", "+33.3个百分点"] in rows
    assert ["合计", "1", "3", "16.7%", "50%", "+33.3个百分点"] in rows
    assert not any("{%" in c or "{{" in c for r in rows for c in r)


def test_summary_workbook_has_per_group_figures(two_periods):
    _, files = two_periods
    ws = load_workbook(files["summary", "xlsx"])["较上期变化"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    # the task table stays where it was: header on row 2, one row per task from row 3
    assert values[1][:5] == ["事项编号", "任务名称", "分组", "上半年状态", "本期状态"]
    assert [v[0] for v in values[2:8]] == [t["task_id"] for t in TASKS]
    assert all(v is None for v in values[8])  # one empty row
    assert values[9][0] == "各工程完成情况变化（与上半年相比）"
    assert values[10] == ["序号", "工程", "任务数", "上半年已完成", "本期已完成", "上半年完成率", "本期完成率",
                          "变化（百分点）", "新增完成"]
    assert values[11][:5] == ["一", "养老提升工程", 3, 1, 2]
    assert values[11][5] == pytest.approx(1 / 3) and values[11][6] == pytest.approx(2 / 3)
    assert values[11][7] == pytest.approx(33.3) and values[11][8] == 1
    assert values[12][:5] == ["二", "教育扩容工程", 3, 0, 1] and values[12][5] == 0
    assert values[13][1:5] == ["合计", 6, 1, 3] and values[13][6] == pytest.approx(0.5)
    assert ws.cell(row=12, column=6).number_format == "0.0%"
    assert ws.auto_filter.ref == "A2:I8"  # filtering tasks leaves the group table alone


def test_across_years_the_previous_period_is_named_with_its_year(across_years):
    root, files = across_years
    text = pdf_text(files["briefing-pack", "pdf"])
    assert "与2025年全年相比" in text and "与全年相比" not in text
    assert "新增完成2项" in text
    doc_text = "\n".join(p.text for p in Document(str(files["briefing-pack", "docx"])).paragraphs)
    assert "（一）与2025年全年相比" in doc_text
    ws = load_workbook(files["summary", "xlsx"])["较上期变化"]
    assert ws["A1"].value.startswith("与2025年全年相比")
    assert ws["D2"].value == "2025年全年状态" and ws["F2"].value == "2025年全年完成率"
    assert ws["A10"].value == "各工程完成情况变化（与2025年全年相比）"


def test_across_years_press_context_can_say_which_year(across_years):
    from reportgen.build import load_previous
    from reportgen.merge import merge
    from reportgen.read import read_workspace
    from reportgen.render.context import public_context

    root, _ = across_years
    ds = merge(read_workspace(root, "2026Q1"))
    ds.previous = load_previous(root, "2026Q1", ds.group_by)
    changes = public_context(ds)["changes"]
    assert changes == {"previous_label": "2025年全年", "newly_done_count": 2}
    assert f"较{changes['previous_label']}新增完成{changes['newly_done_count']}项" == "较2025年全年新增完成2项"
