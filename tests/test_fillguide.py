"""填报说明: the one-page PDF and first sheet each department receives from new-period and template."""

from __future__ import annotations

import io
import re
import subprocess
import tomllib
from collections import Counter

import pdfplumber
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from rich.console import Console

from conftest import copy_sample, make_workspace
from reportgen.build import check
from reportgen.cli import main
from reportgen.codes import title
from reportgen.fillguide import make_guide, write_pdf
from reportgen.read import read_workspace
from reportgen.read.config import read_config, read_period


def run(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=100, color_system=None)), out.getvalue()


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("guide") / "ws")
    code, out = run(["new-period", "2025FY", "--deadline", "2026-01-06", str(root)])
    assert code == 0, out
    return root, out


def test_new_period_writes_one_guide_per_department_beside_the_workbooks(rolled):
    root, out = rolled
    folder = root / "inputs/2025FY"
    workbooks = {p.stem for p in (folder / "departments").iterdir()}
    guides = sorted((folder / "填报说明").glob("*.pdf"))
    assert {p.name.removesuffix("填报说明.pdf") for p in guides} == workbooks and len(workbooks) == 13
    assert all(p.suffix == ".xlsx" for p in (folder / "departments").iterdir())  # departments/ holds workbooks only
    assert "inputs/2025FY/填报说明/区民政局填报说明.pdf" in out
    assert str(tomllib.loads((folder / "period.toml").read_text(encoding="utf-8"))["deadline"]) == "2026-01-06"
    for p in guides:
        assert len(PdfReader(p).pages) == 1, p.name


def test_guide_says_deadline_contact_tasks_and_last_periods_mistakes(rolled, tmp_path):
    root, _ = rolled
    config = read_config(root / "report.toml")
    plan = read_workspace(root, "2025FY").plan
    # last period's findings, counted here on their own: the department's codes, and everyone's
    previous = check(copy_sample(tmp_path / "h1"), "2025H1").report.issues
    for path in (root / "inputs/2025FY/填报说明").glob("*.pdf"):
        dept = path.name.removesuffix("填报说明.pdf")
        text = pdf_text(path)
        assert text.startswith("2025年全年民心工程进展情况填报说明") and f"{dept}：" in text
        assert "于2026年1月6日（星期二）前报送示例区民心工程推进办公室" in text
        assert f"联系人：{flat(config.office_contact)}" in text and f"联系电话：{config.office_phone}" in text
        own = [t for t in plan if t.lead_departments[0] == dept]
        assert f"本单位牵头的任务（共{len(own)}项）" in text
        for t in own:
            assert t.task_id in text and flat(t.name) in text and flat(t.target_text) in text
        mine = Counter(i.code for i in previous if i.department == dept and i.code != "W-DEPT-NOT-REPORTED")
        for code, n in mine.items():
            unit = "项" if code == "W-TASK-NOT-REPORTED" else "处"
            assert f"{title(code)}。上期本单位{n}{unit}" in text, (dept, code)
        assert "上期（2025年上半年）校验中出现较多的问题如下" in text
        assert "存在问题、下步打算、联系人、联系电话、备注只供内部掌握" in text


def test_guide_is_readable_at_print_size(rolled):
    root, _ = rolled
    with pdfplumber.open(root / "inputs/2025FY/填报说明/区民政局填报说明.pdf") as pdf:
        page = pdf.pages[0]
        sizes = [round(c["size"], 1) for c in page.chars if c["text"].strip()]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4
    assert min(sizes) >= 10.5  # 五号 at the least
    assert Counter(sizes).most_common(1)[0][0] >= 11  # body text


def test_the_workbooks_first_sheet_carries_the_same_text(rolled):
    root, _ = rolled
    wb = load_workbook(root / "inputs/2025FY/departments/区人社局.xlsx")
    assert wb.sheetnames == ["填报说明", "进展填报"] and wb.active.title == "进展填报"
    lines = [c.value for c in wb["填报说明"]["A"] if c.value]
    text = pdf_text(root / "inputs/2025FY/填报说明/区人社局填报说明.pdf")
    tasks = [line for line in lines if re.match(r"\d\d-\d\d　", line)]
    assert len(tasks) == 4  # the task table of the PDF, a line each on the sheet
    for line in lines:
        if line not in tasks:
            assert flat(line) in text, line
    assert any("完成值为约数。上期本单位1处" in line for line in lines)
    ws = wb["填报说明"]
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1


def test_template_recreates_the_guide_of_one_department(rolled):
    root, _ = rolled
    pdf = root / "inputs/2025FY/填报说明/区残联填报说明.pdf"
    before = pdf.read_bytes()
    pdf.unlink()
    code, out = run(["template", "区残联", str(root), "--period", "2025FY", "--force"])
    assert code == 0, out
    assert pdf.read_bytes() == before  # same inputs, same bytes
    assert "填报说明/区残联填报说明.pdf" in out


PLAN = [dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="助餐点", target_text="新建助餐点10个。",
             target_value=10, unit="个", lead="区民政局"),
        dict(task_id="01-02", project_no=1, project="甲工程", category="养老", name="适老化改造",
             target_text="改造300户。", target_value=300, unit="户", lead="区民政局"),
        dict(task_id="02-01", project_no=2, project="乙工程", category="教育", name="学位", target_text="新增学位200个。",
             target_value=200, unit="个", lead="区教育局")]


def test_without_deadline_and_contact_the_guide_says_so_plainly(tmp_path):
    root = make_workspace(tmp_path / "ws", PLAN, {"区民政局": [
        dict(task_id="01-01", name="助餐点", status="序时推进", progress_text="已建成5个", achieved="见备注"),
        dict(task_id="01-02", name="适老化改造", status="序时推进", progress_text="已改造100户", achieved="约100")]})
    code, out = run(["new-period", "2025FY", str(root)])
    assert code == 0, out
    text = pdf_text(root / "inputs/2025FY/填报说明/区民政局填报说明.pdf")
    assert "请填写截至2025年12月31日的进展情况，按测试区民心工程推进办公室通知的时间报送。" in text
    assert "填报中如有疑问，请与测试区民心工程推进办公室联系。" in text
    # its own mistakes first, then the one only another department made
    first, second, third = (text.index(title(c)) for c in ("E-NUMBER-INVALID", "W-NUMBER-APPROX", "W-TASK-NOT-REPORTED"))
    assert first < second < third and "事项未报送。上期各单位共1项" in text
    assert "报送截止日期" in out and "office_contact" in out
    assert "\n  reportgen new-period 2025FY\n" in out  # the command on a line of its own
    assert "# deadline = " in (root / "inputs/2025FY/period.toml").read_text(encoding="utf-8")  # how to set it


def test_first_period_and_a_clean_last_period(tmp_path):
    root = make_workspace(tmp_path / "first", PLAN, {})
    assert run(["new-period", "2025H1", str(root)])[0] == 0
    text = pdf_text(root / "inputs/2025H1/填报说明/区教育局填报说明.pdf")
    assert "上期" not in text.replace("上期情况", "")  # no previous period: nothing about one

    clean = make_workspace(tmp_path / "clean", PLAN, {
        "区民政局": [dict(task_id="01-01", name="助餐点", status="序时推进", progress_text="已建成5个", achieved=5),
                   dict(task_id="01-02", name="适老化改造", status="序时推进", progress_text="已改造100户", achieved=100)],
        "区教育局": [dict(task_id="02-01", name="学位", status="序时推进", progress_text="新增学位100个", achieved=100)]})
    assert run(["new-period", "2025FY", str(clean), "--deadline", "2026-01-08"])[0] == 0
    text = pdf_text(clean / "inputs/2025FY/填报说明/区教育局填报说明.pdf")
    assert "上期（2025年上半年）校验未发现填报问题。" in text and "2026年1月8日（星期四）" in text


def test_a_long_task_list_still_fits_on_one_page(tmp_path):
    long_target = "新建街镇级社区养老服务综合体2家，打造示范型老人家食堂2个，为特殊困难老年人家庭实施居家适老化改造300户。"
    tasks = [dict(task_id=f"01-{i:02d}", project_no=1, project="甲工程", category="养老", name=f"养老服务任务{i}",
                  target_text=long_target, lead="区民政局") for i in range(1, 81)]
    root = make_workspace(tmp_path / "ws", tasks, {})
    ws = read_workspace(root)
    target = tmp_path / "guide.pdf"
    assert write_pdf(make_guide(ws.config, ws.period, "区民政局", ws.plan, "区民政局.xlsx"), target) == 1
    text = pdf_text(target)
    assert "本单位牵头的任务（共80项）" in text and "等80项，详见填报表" in text and "01-01养老服务任务1" in text


def test_text_from_the_plan_stays_text(tmp_path):
    """A task name or department that looks like HTML is printed as typed; nothing is fetched."""
    tasks = [dict(PLAN[0], name='<img src="file:///etc/passwd">助餐', lead="区<b>民政</b>局")]
    root = make_workspace(tmp_path / "ws", tasks, {})
    ws = read_workspace(root)
    target = tmp_path / "guide.pdf"
    write_pdf(make_guide(ws.config, read_period(root / "inputs/2025H1/period.toml", "2025H1"), "区<b>民政</b>局",
                         ws.plan, "区<b>民政</b>局.xlsx"), target)
    text = pdf_text(target)
    assert '<imgsrc="file:///etc/passwd">助餐' in text and "区<b>民政</b>局：" in text
    with pdfplumber.open(target) as pdf:
        assert not pdf.pages[0].images
