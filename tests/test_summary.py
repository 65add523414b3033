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
    manifest = json.loads((result.outdir / "manifest.json").read_text(encoding="utf-8"))["files"]
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


# ---- printing: LibreOffice prints the workbook as an office printer would -------------------------

import re  # noqa: E402
import shutil  # noqa: E402

import pdfplumber  # noqa: E402
import pytest  # noqa: E402

from conftest import copy_sample, forty_groups, libreoffice  # noqa: E402


def column_text(page, header: str) -> str:
    """The text printed in one column of a page, cell under cell (whole page text would interleave the lines
    of cells side by side)."""
    head = next((w for w in page.extract_words() if w["text"] == header), None)
    if head is None:
        return ""
    x = (head["x0"] + head["x1"]) / 2
    cells = [c for t in page.find_tables() for c in t.cells if c[0] <= x <= c[2] and c[1] <= head["top"] <= c[3]]
    x0, _, x1, bottom = cells[0]
    return page.crop((x0, bottom, x1, page.height)).extract_text() or ""


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("which", ["sample", "forty"])
def test_summary_prints_at_readable_size_and_nothing_is_cut(which, tmp_path):
    root = copy_sample(tmp_path / "ws") if which == "sample" else forty_groups(tmp_path / "ws")
    result = build(root)
    xlsx = next(o.path for o in result.outputs if o.kind == "summary")
    libreoffice(xlsx, "pdf", tmp_path)
    pdf = next(tmp_path.glob("*.pdf"), None)
    assert pdf
    with pdfplumber.open(pdf) as doc:
        sizes = [c["size"] for page in doc.pages for c in page.chars]
        text = re.sub(r"\s+", "", "".join(column_text(page, "进展情况") for page in doc.pages))
        printed = [page for page in doc.pages if "（打印版）" in (page.extract_text() or "")[:80]]
        short = re.sub(r"\s+", "", "".join(column_text(page, "进展情况") for page in printed))
    assert min(sizes) >= 8, min(sizes)  # printed at 100%: nothing shrunk below 8 pt
    tasks = len(result.dataset.tasks)
    assert printed and len(printed) <= tasks / 10, (len(printed), tasks)  # 打印版: a page per ten tasks at most
    for m in result.dataset.tasks:
        if m.progress and m.status not in ("未采用",):
            assert re.sub(r"\s+", "", m.progress.progress_text)[:20] in short, m.task.task_id
    progress = [m.progress.progress_text for m in result.dataset.tasks if m.progress]
    assert len(progress) > 20
    for p in progress:  # every 进展 text printed whole: a row too short would cut its last lines
        assert re.sub(r"\s+", "", p) in text, p


def test_every_sheet_has_page_setup_and_dates_have_one_form(sample_workspace):
    result = build(sample_workspace)
    wb = load_workbook(next(o.path for o in result.outputs if o.kind == "summary"))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.print_title_rows, ws.title
        assert ws.oddFooter.center.text
    main = wb["进度汇总"]
    assert main.print_title_cols == "$A:$B" and main.page_setup.scale == 100
    assert len(main.col_breaks.brk) == 3  # four column groups, a page wide each
    assert main["A2"].value == "截至2025年6月30日"
    header = [c.value for c in main[3]]
    expected = [r[header.index("预计完成时间")].value for r in main.iter_rows(min_row=4)]
    assert any(expected) and not any(re.search(r"\d{4}-\d", str(v or "")) for v in expected)
    # rows as tall as their wrapped text
    progress_col = header.index("进展情况") + 1
    long = max(range(4, main.max_row + 1), key=lambda r: len(str(main.cell(r, progress_col).value or "")))
    assert main.row_dimensions[long].height >= 2 * 15
