"""Every period as data: `history`, `reportgen export`, and the trend section of the briefing pack."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from rich.console import Console

from conftest import make_workspace
from reportgen import build, history
from reportgen.cli import main
from reportgen.history import COLUMNS, STATUS_ORDER, TOTALS_COLUMNS

TASKS = [
    dict(task_id=f"{p:02d}-{i:02d}", project_no=p, project=name, category=cat, name=f"{name[:2]}任务{i}",
         target_text=f"完成{name[:2]}任务{i}的年度目标{10 * i}个", target_value=10 * i, unit="个", lead=lead)
    for p, name, cat, lead in ((1, "养老提升工程", "养老", "区民政局"), (2, "教育扩容工程", "教育", "区教育局"))
    for i in range(1, 4)
]
FORMULA = "=HYPERLINK(\"http://example.com\",\"点击\")"


def rows(prefix: str, statuses: dict[int, str], text: str = "") -> list[dict]:
    """Task i of a project: achieved 10·i when done (100%), nothing when not started, else 4·i (40%)."""
    return [dict(task_id=f"{prefix}-{i:02d}", status=status,
                 progress_text=text or ("正在开展前期工作" if status == "未启动" else f"目前已完成{4 * i}个"),
                 achieved={"已完成": 10 * i, "未启动": None}.get(status, 4 * i)) for i, status in statuses.items()]


# Q1: nothing done.   H1: 01-01 and 02-01 done (02-01's text looks like a formula); 01-02 序时推进 → 滞后
# (backwards); 02-02 滞后 twice; 02-03 sent with an unknown status (set aside: 未采用).   Q3: 01-01 已完成 → 序时推进 (backwards); 01-02 and 02-02 滞后 again;
# 区教育局 sends only 02-02, so 02-01 and 02-03 are 未报送.
PERIODS = {
    "2025Q1": ("2025-03-31", {"区民政局": rows("01", {1: "序时推进", 2: "序时推进", 3: "未启动"}),
                              "区教育局": rows("02", {1: "序时推进", 2: "滞后", 3: "序时推进"})}),
    "2025H1": ("2025-06-30", {"区民政局": rows("01", {1: "已完成", 2: "滞后", 3: "序时推进"}),
                              "区教育局": rows("02", {1: "已完成"}, FORMULA) + rows("02", {2: "滞后"}) + [
                                  dict(task_id="02-03", status="差不多了", progress_text="目前已完成5个", achieved=5)]}),
    "2025Q3": ("2025-09-30", {"区民政局": rows("01", {1: "序时推进", 2: "滞后", 3: "已完成"}),
                              "区教育局": rows("02", {2: "滞后"})}),
}


def three_periods(root):
    for no, (code, (as_of, submissions)) in enumerate(PERIODS.items(), 1):
        make_workspace(root, TASKS, submissions, period=code,
                       period_toml={"as_of": as_of, "issue_no": no, "publish_date": as_of})
    return root


def run_cli(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=200, color_system=None)), out.getvalue()


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                             text=True, check=True).stdout)


def pdf_lines(path) -> list[str]:
    """Text laid out as printed, a table row per line, spaces removed."""
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [re.sub(r"\s+", "", line) for line in out.splitlines()]


def pdf_images(path) -> int:
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return sum(line.split()[2] == "image" for line in listing.splitlines()[2:])  # not their alpha masks (smask)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return three_periods(tmp_path_factory.mktemp("history") / "ws")


@pytest.fixture(scope="module")
def built(workspace):
    """Each period built as it would have been at the time: the pack of 2025Q1 sees one period, 2025H1 two."""
    return {code: build(workspace, code) for code in PERIODS}


def pack(result, fmt: str):
    return next(o.path for o in result.outputs if o.kind == "briefing-pack" and o.format == fmt)


def test_history_has_a_typed_row_per_task_per_period(workspace):
    df, problems = history(workspace)
    assert len(df) == len(PERIODS) * len(TASKS)
    assert list(df.columns) == list(COLUMNS)
    assert df["period"].dtype.ordered and list(df["period"].cat.categories) == list(PERIODS)
    assert df["status"].dtype.ordered and tuple(df["status"].cat.categories) == STATUS_ORDER
    assert str(df["as_of"].dtype).startswith("datetime64")
    for col in ("achieved", "target", "rate"):
        assert df[col].dtype == "float64", col
    for col in ("reported", "set_aside", "over_target"):
        assert df[col].dtype == bool, col
    assert str(df["project_no"].dtype) == "Int64" and str(df["source_row"].dtype) == "Int64"

    at = df.set_index(["period", "task_id"])
    q1 = at.loc[("2025Q1", "01-02")]
    assert (q1["status"], q1["achieved"], q1["target"], q1["rate"]) == ("序时推进", 8.0, 20.0, 40.0)
    assert q1["as_of"].date() == date(2025, 3, 31) and q1["project"] == "养老提升工程" and q1["department"] == "区民政局"
    assert q1["source_file"] == "inputs/2025Q1/departments/区民政局.xlsx" and q1["source_row"] == 5
    assert at.loc[("2025H1", "01-01"), "rate"] == 100.0 and at.loc[("2025H1", "01-01"), "status"] == "已完成"
    # sent but set aside (未采用) and nothing sent (未报送) are told apart
    aside = at.loc[("2025H1", "02-03")]
    assert (aside["status"], aside["reported"], aside["set_aside"]) == ("未采用", True, True)
    assert "进展状态" in aside["set_aside_reason"] and aside["source_file"].endswith("2025H1/departments/区教育局.xlsx")
    missing = at.loc[("2025Q3", "02-01")]
    assert (missing["status"], missing["reported"], missing["set_aside"]) == ("未报送", False, False)
    assert missing["source_file"] == "" and missing["rate"] != missing["rate"]  # NaN
    # the unknown status is the one error, positioned in its period's file
    assert [(i.code, i.file) for i in problems] == [("E-STATUS-UNKNOWN", "inputs/2025H1/departments/区教育局.xlsx")]
    assert problems[0].cell


def test_a_period_that_cannot_be_read_is_a_problem_not_a_gap(workspace, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(workspace, root)
    shutil.rmtree(root / "outputs", ignore_errors=True)
    broken = root / "inputs/2025FY"
    broken.mkdir()
    (broken / "period.toml").write_text('period = "2025FY"\nas_of = 2025-13-45\n', encoding="utf-8")
    df, problems = history(root)
    assert ("E-CONFIG-INVALID", "inputs/2025FY/period.toml") in [(i.code, i.file) for i in problems]
    assert list(df["period"].cat.categories) == list(PERIODS) and len(df) == len(PERIODS) * len(TASKS)
    # the export says so too, and still writes what it could read
    code, out = run_cli(["export", str(root)])
    assert code == 1 and "inputs/2025FY/period.toml" in out and "已导出 3 个报告期" in out
    said = next(line for line in out.splitlines() if "period.toml" in line)
    assert "第2行" in said and not re.search(r"[A-Za-z]{4,}", said.replace("inputs/2025FY/", "").replace("period.toml", "").replace("TOML", "")
                                               .replace("E-CONFIG-INVALID", "")), said  # Chinese, with its line


def test_export_xlsx_and_csv(workspace, tmp_path):
    code, out = run_cli(["export", str(workspace)])
    assert code == 1  # the set-aside row of 2025H1 is an error, listed with its place
    assert "区教育局.xlsx" in out and "E-STATUS-UNKNOWN" in out
    path = workspace / "outputs" / "测试区民心工程历次进展数据.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["历次明细", "分期汇总"]
    detail = wb["历次明细"]
    assert [c.value for c in detail[1]] == list(COLUMNS.values())
    assert detail.max_row == 1 + len(PERIODS) * len(TASKS)
    header = [c.value for c in detail[1]]
    formula = next(r for r in detail.iter_rows(min_row=2) if r[header.index("事项编号")].value == "02-01"
                   and r[0].value == "2025H1")[header.index("进展情况")]
    assert formula.value == FORMULA and formula.data_type == "s"  # text, never a formula
    assert [c.value for c in wb["分期汇总"][1]] == list(TOTALS_COLUMNS.values())

    target = tmp_path / "分析" / "history.csv"
    code, _ = run_cli(["export", str(workspace), "-o", str(target)])
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == list(COLUMNS.values()) and len(table) == 1 + len(PERIODS) * len(TASKS)
    names = list(COLUMNS)
    cell = next(r for r in table if r[0] == "2025H1" and r[names.index("task_id")] == "02-01")[names.index("progress")]
    assert cell == "'" + FORMULA  # Excel shows it as text
    row = dict(zip(names, next(r for r in table if r[0] == "2025H1" and r[names.index("task_id")] == "01-01")))
    assert (row["reported"], row["set_aside"], row["achieved"], row["rate"]) == ("是", "否", "10", "100")  # words, whole numbers
    assert all(v not in ("True", "False") and not v.endswith(".0") for r in table for v in r)
    assert run_cli(["export", str(workspace), "-o", str(target)])[0] == code
    assert target.read_bytes() == raw  # same inputs, same bytes


def test_export_into_a_folder_not_made_yet(workspace, tmp_path):
    code, _ = run_cli(["export", str(workspace), "-o", str(tmp_path / "新文件夹") + "/"])
    assert (tmp_path / "新文件夹" / "测试区民心工程历次进展数据.xlsx").is_file()


def test_export_cannot_write_says_so(workspace, tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    code, out = run_cli(["export", str(workspace), "-o", str(tmp_path / "a-file" / "x.csv")])
    assert code == 1 and "无法写入" in out and "Traceback" not in out


def test_export_totals_equal_the_pack_counts(workspace, built):
    run_cli(["export", str(workspace)])
    sheet = load_workbook(workspace / "outputs" / "测试区民心工程历次进展数据.xlsx")["分期汇总"]
    keys = list(TOTALS_COLUMNS)
    got = {(r[0], r[2], r[3]): dict(zip(keys, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    fields = ("total", "done", "on_schedule", "behind", "not_started", "not_reported", "not_adopted", "over_target")
    for code, result in built.items():
        ds = result.dataset
        for group in ds.groups:
            c = group.counts
            row = got[(code, "工程", group.title)]
            assert [row[f] for f in fields] == [getattr(c, f) for f in fields], (code, group.title)
            assert row["completion_rate"] == pytest.approx(round(c.completion_rate, 1))  # as the pack prints it
        row = got[(code, "合计", "合计")]
        assert [row[f] for f in fields] == [getattr(ds.counts, f) for f in fields]
        assert f"共{ds.counts.total}项任务" in pdf_text(pack(result, "pdf"))
    assert got[("2025H1", "合计", "合计")]["not_adopted"] == 1 and got[("2025Q3", "牵头单位", "区教育局")]["not_reported"] == 2


def test_trend_only_from_the_second_period(built):
    one = pdf_text(pack(built["2025Q1"], "pdf"))
    two, two_rows = pdf_text(pack(built["2025H1"], "pdf")), pdf_lines(pack(built["2025H1"], "pdf"))
    three, three_rows = pdf_text(pack(built["2025Q3"], "pdf")), pdf_lines(pack(built["2025Q3"], "pdf"))
    assert "本年度各期进展" not in one and "各期状态" not in one and "状态倒退" not in one
    assert pdf_images(pack(built["2025H1"], "pdf")) == pdf_images(pack(built["2025Q1"], "pdf")) + 1

    assert "（三）本年度各期进展" in two and "图3各工程各期任务完成率" in two
    assert "本年度各期任务完成率依次为：一季度0%，上半年33.3%。" in two
    assert "与一季度相比，进展状态倒退的任务1项，连续两期及以上滞后的任务1项" in two
    trend = [r for r in two_rows if "→" in r and r[:2] in ("01", "02")]
    assert trend == ["01-02养老任务2区民政局序时推进→滞后状态倒退", "02-02教育任务2区教育局滞后→滞后连续2期滞后"]

    assert "一季度0%，上半年33.3%，前三季度16.7%。" in three
    trend = [r for r in three_rows if "→" in r and r[:2] in ("01", "02")]
    # 02-01 went from 已完成 to 未报送: nothing came, which is not a status going back
    assert trend == ["01-01养老任务1区民政局序时推进→已完成→序时推进状态倒退",
                     "01-02养老任务2区民政局序时推进→滞后→滞后连续2期滞后",
                     "02-02教育任务2区教育局滞后→滞后→滞后连续3期滞后"]


def test_trend_in_the_word_pack(built):
    def texts(result):
        doc = Document(str(pack(result, "docx")))
        body = [p.text for p in doc.paragraphs]
        cells = ["|".join(c.text for c in r.cells) for t in doc.tables for r in t.rows]
        return body, cells, len(doc.inline_shapes)

    body1, cells1, images1 = texts(built["2025Q1"])
    body2, cells2, images2 = texts(built["2025H1"])
    assert not any("本年度各期进展" in p for p in body1) and not any("状态倒退" in c for c in cells1)
    assert "（三）本年度各期进展" in body2 and "图3　各工程各期任务完成率" in body2 and images2 == images1 + 1
    assert "01-02|养老任务2|区民政局|序时推进→滞后|状态倒退" in cells2


def test_pandas_stays_out_of_the_cli_and_validate(workspace, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(workspace / "inputs", root / "inputs")
    shutil.copy(workspace / "report.toml", root)
    script = ("import sys, io; from rich.console import Console; from reportgen.cli import main; "
              "assert 'pandas' not in sys.modules, 'import'; "
              f"main(['validate', {str(root)!r}], console=Console(file=io.StringIO())); "
              "assert 'pandas' not in sys.modules, 'validate'")
    subprocess.run([sys.executable, "-c", script], check=True)
