"""Tolerant reading of what departments really send, and hostile files."""

from __future__ import annotations

import csv
import io
import random
import string
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import libreoffice, make_workspace
from reportgen.read import read_workspace
from reportgen.read.departments import read_department

PLAN = [dict(task_id=f"01-0{i}", project_no=1, project="甲工程", category="养老", name=f"任务{i}",
             target_text=f"目标{i}", target_value=100, unit="个", lead="区民政局") for i in range(1, 4)]


def messy_workbook(path: Path, rows: list[list], *, header=None, title_rows=3, merge_title=True, total=True,
                   hidden_first=False, percent_cells=(), blank_every=0) -> Path:
    wb = Workbook()
    ws = wb.active
    if hidden_first:
        hidden = ws
        hidden.title = "说明"
        hidden.append(["事项编号", "进展状态", "进展情况"])
        hidden.append(["99-99", "已完成", "不应读取"])
        hidden.sheet_state = "hidden"
        ws = wb.create_sheet("Sheet1")
    ws.cell(row=1, column=1, value="2025年上半年民心工程进展情况填报表")
    if merge_title:
        ws.merge_cells("A1:F1")
    ws.cell(row=2, column=1, value="填报单位：")
    ws.cell(row=2, column=2, value="区民政局")
    ws.cell(row=2, column=4, value="填报人：王某")
    header = header or [" 序号", "事项\n编号", "任务名称", "进展 状态", "工作进展", "完成值", "完成率（%）", "存在问题"]
    r0 = title_rows + 1
    for c, h in enumerate(header, 1):
        ws.cell(row=r0, column=c, value=h)
    r = r0
    for i, row in enumerate(rows):
        r += 1
        if blank_every and i % blank_every == 0:
            r += 1  # a blank row
        for c, v in enumerate(row, 1):
            ws.cell(row=r, column=c, value=v)
        if (r, 7) in percent_cells or i in percent_cells:
            ws.cell(row=r, column=7).number_format = "0%"
    if total:
        ws.cell(row=r + 1, column=1, value="合计")
        ws.cell(row=r + 1, column=6, value="=SUM(F5:F7)")
    wb.save(path)
    return path


def test_messy_department_workbook(tmp_path):
    rows = [
        [1, "01-01", "任务1", " 推进中 ", "目前已建成１２３个", "１２３个", "61.5%", "无"],
        [2, "01-02", "任务2", "提前完成", "已完成1.4万人次", "1.4万", 1.0, ""],
        [3, "01-03", "任务3", "欠进度", "约2000户", "2,000余", "0.2", "资金不足"],
    ]
    path = messy_workbook(tmp_path / "区民政局（上半年）.xlsx", rows, percent_cells=(1,), hidden_first=True, blank_every=2)
    sub, issues = read_department(path)
    assert sub.department == "区民政局" and sub.reporter == "王某"
    got = [(p.task_id, p.status, p.achieved, p.rate, p.approximate) for p in sub.rows]
    assert got == [("01-01", "序时推进", 123, 61.5, False), ("01-02", "已完成", 14000, 100.0, False),
                   ("01-03", "滞后", 2000, 0.2, True)]
    assert sub.rows[2].problems == "资金不足"
    assert [(i.code, i.cell) for i in issues] == [("W-NUMBER-APPROX", "F9")]  # blank rows at 5 and 8
    assert sub.rows_read == 3  # the 合计 row is not a task row


def test_formula_without_cached_value_is_an_error_at_its_cell(tmp_path):
    path = messy_workbook(tmp_path / "区民政局.xlsx", [[1, "01-01", "任务1", "推进中", "已建成3个", "=1+2", "", ""]],
                          total=False)
    sub, issues = read_department(path)
    assert [(i.code, i.sheet, i.cell) for i in issues] == [("E-FORMULA-NO-VALUE", "Sheet", "F5")]


def test_merged_cells_are_filled_down(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "进展填报"
    ws.append(["事项编号", "任务名称", "进展状态", "进展情况", "存在问题"])
    ws.append(["01-01", "任务1", "推进中", "进展一", "同一个问题"])
    ws.append(["01-02", "任务2", "推进中", "进展二", None])
    ws.merge_cells("E2:E3")
    path = tmp_path / "区民政局.xlsx"
    wb.save(path)
    sub, _ = read_department(path)
    assert [p.problems for p in sub.rows] == ["同一个问题", "同一个问题"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_exports(tmp_path, encoding):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["填报单位：区民政局"])
    w.writerow(["事项编号", "进展状态", "进展情况", "完成值", "完成率"])
    w.writerow(["01-01", "已完成", "已建成100个", "100", "100%"])
    path = tmp_path / "区民政局.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    sub, issues = read_department(path)
    assert not issues
    assert [(p.task_id, p.status, p.achieved, p.rate) for p in sub.rows] == [("01-01", "已完成", 100, 100)]


@pytest.mark.skipif(not Path("/usr/bin/libreoffice").exists(), reason="LibreOffice not installed")
def test_legacy_xls(tmp_path):
    src = messy_workbook(tmp_path / "区民政局.xlsx", [[1, "01-01", "任务1", "推进中", "已建成3个", 3, "3%", ""]], total=False)
    libreoffice(src, "xls", tmp_path / "x")
    sub, issues = read_department(tmp_path / "x" / "区民政局.xls")
    assert [(p.task_id, p.achieved) for p in sub.rows] == [("01-01", 3)]


# ---- hostile files ---------------------------------------------------------

def _codes_for(tmp_path, name: str, data: bytes) -> list[str]:
    root = make_workspace(tmp_path / "ws", PLAN, {"区民政局": [dict(task_id="01-01", status="推进中", progress_text="正常")]})
    (root / "inputs/2025H1/departments" / name).write_bytes(data)
    ws = read_workspace(root)
    assert [s.department for s in ws.submissions] == ["区民政局"]  # the good file is still read
    return [i.code for i in ws.report.issues if i.file == name]


def test_not_an_excel_file(tmp_path):
    assert _codes_for(tmp_path, "伪装.xlsx", b"%PDF-1.4 this is not a workbook") == ["E-FILE-UNREADABLE"]


def test_encrypted_workbook(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    assert _codes_for(tmp_path, "加密.xlsx", ole) == ["E-FILE-ENCRYPTED"]


def test_zip_bomb(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(120):
                f.write(chunk)
    assert _codes_for(tmp_path, "炸弹.xlsx", buf.getvalue()) == ["E-FILE-TOO-LARGE"]


def test_xml_entity_expansion_is_refused(tmp_path):
    src = messy_workbook(tmp_path / "src.xlsx", [[1, "01-01", "任务1", "推进中", "正常", "", "", ""]], total=False)
    dtd = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                decl_end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
                data = data[:decl_end] + dtd + data[decl_end:].replace(b"\xe6\xad\xa3\xe5\xb8\xb8", b"&c;")
            zout.writestr(item, data)
    codes = _codes_for(tmp_path, "实体.xlsx", out.getvalue())
    assert codes and all(c.startswith("E-") for c in codes)


def test_a_million_rows_is_capped_and_reported(tmp_path):
    path = tmp_path / "巨表.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("事项编号,进展状态,进展情况\n")
        for i in range(1_000_000):
            f.write(f"01-01,推进中,第{i}行\n")
    sub, issues = read_department(path)
    assert "E-ROWS-TOO-MANY" in [i.code for i in issues]
    assert sub.rows_read <= 5100


def test_xlsm_is_read_and_macros_ignored(tmp_path):
    src = messy_workbook(tmp_path / "a.xlsx", [[1, "01-01", "任务1", "推进中", "正常", "", "", ""]], total=False)
    target = tmp_path / "区民政局.xlsm"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        zout.writestr("xl/vbaProject.bin", b"\0" * 64)
    sub, _ = read_department(target)
    assert [p.task_id for p in sub.rows] == ["01-01"]


# ---- property: messy writing reads back as the clean data ------------------

HEADER_VARIANTS = {
    "task_id": ["事项编号", " 事项编号 ", "事项\n编号", "编号"],
    "status": ["进展状态", "进展 状态", "状态"],
    "progress_text": ["进展情况", "工作进展", "完成情况"],
    "achieved": ["完成值", "完成 值", "已完成量"],
    "rate": ["完成率", "完成率（%）", "完成率(%)"],
}
STATUS_SPELLINGS = {"已完成": ["已完成", "完成", "全面完成"], "序时推进": ["序时推进", "推进中", " 在建 "],
                    "滞后": ["滞后", "慢序时"], "未启动": ["未启动", "尚未启动"]}
FULLWIDTH = str.maketrans(string.digits, "０１２３４５６７８９")

row_strategy = st.fixed_dictionaries({
    "status": st.sampled_from(list(STATUS_SPELLINGS)),
    "achieved": st.one_of(st.none(), st.integers(min_value=0, max_value=99_999)),
    "rate": st.one_of(st.none(), st.integers(min_value=0, max_value=250)),
    "text": st.text(alphabet="已建成完成个户人次万元目前，。", min_size=1, max_size=20),
})


def _amount(rnd: random.Random, n: int) -> tuple[object, bool]:
    """A way of typing the amount n, and whether it reads as approximate."""
    ways = [(n, False), (str(n), False), (f"{n:,}", False), (str(n).translate(FULLWIDTH), False), (f"{n}个", False),
            (f"{n}余", True), (f"约{n}", True), (f"{n}+", True)]
    if n >= 10_000 and n % 100 == 0:
        ways.append((f"{n / 10_000:g}万", False))
    return rnd.choice(ways)


TOTALS = ["合计", "合 计", "总计", "合计（{n}项）", "合计：{n}项"]
NOTES = ["注：完成率请填写百分数", "审核人：张三", "填表说明：状态按下拉选择"]
TITLES = ["填报单位：区民政局", "填报单位（盖章）：区民政局", "2025年进展情况表", None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row_strategy, min_size=1, max_size=6), seed=st.integers(min_value=0, max_value=10_000))
def test_random_mess_reads_back_as_clean(tmp_path, rows, seed):
    """Random valid rows written with random realistic mess (title rows, some merged; header
    spellings and order; a 序号 column; 万/余/约/+ amounts; percent strings; blank rows and
    template rows holding only a 序号; a 合计 row; footer notes) read back as the clean rows,
    with rows_read right and a planted error reported at its cell."""
    from reportgen.read.grid import column_letter

    rnd = random.Random(seed)
    fields = list(HEADER_VARIANTS)
    rnd.shuffle(fields)
    serial = rnd.random() < 0.5  # a 序号 column first
    columns = (["serial"] if serial else []) + fields
    wb = Workbook()
    ws = wb.active
    ws.title = rnd.choice(["进展填报", "Sheet1"])
    title_rows = rnd.randint(0, 5)
    for r in range(1, title_rows + 1):
        ws.cell(row=r, column=1, value=rnd.choice(TITLES))  # None: the sheet's used range starts lower
        if rnd.random() < 0.3:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
    header_row = title_rows + 1
    for c, f in enumerate(columns, 1):
        ws.cell(row=header_row, column=c, value="序号" if f == "serial" else rnd.choice(HEADER_VARIANTS[f]))
    planted = rnd.randrange(len(rows)) if rnd.random() < 0.3 else None
    approx = []
    r = header_row
    for i, row in enumerate(rows):
        r += 1
        while rnd.random() < 0.2:  # a blank row, or a template row holding only a 序号
            if serial and rnd.random() < 0.5:
                ws.cell(row=r, column=1, value=i + 100)
            r += 1
        achieved, is_approx = (None, False) if row["achieved"] is None else _amount(rnd, row["achieved"])
        approx.append(is_approx)
        values = {
            "serial": i + 1,
            "task_id": f"01-{i + 1:02d}",
            "status": "差不多了" if i == planted else rnd.choice(STATUS_SPELLINGS[row["status"]]),
            "progress_text": row["text"],
            "achieved": achieved,
            "rate": None if row["rate"] is None else rnd.choice([row["rate"], f"{row['rate']}%", f"{row['rate']}％",
                                                                 f"{row['rate']} %"]),
        }
        for c, f in enumerate(columns, 1):
            ws.cell(row=r, column=c, value=values[f])
        if i == planted:
            planted_cell = f"{column_letter(columns.index('status'))}{r}"
    if rnd.random() < 0.5:
        r += 1
        ws.cell(row=r, column=1 + serial, value=rnd.choice(TOTALS).format(n=len(rows)))
    note_row = None
    if rnd.random() < 0.4:
        r += 1 + rnd.randint(0, 1)
        note_row = r
        ws.cell(row=r, column=1, value=rnd.choice(NOTES))
        if rnd.random() < 0.5:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
    path = tmp_path / str(seed) / "区民政局.xlsx"
    path.parent.mkdir(exist_ok=True)
    wb.save(path)
    sub, issues = read_department(path)

    assert sub.department == "区民政局" and sub.rows_read == len(rows)
    errors = [(i.code, i.cell) for i in issues if i.is_error]
    assert errors == ([] if planted is None else [("E-STATUS-UNKNOWN", planted_cell)])
    warnings = sorted((i.code, i.cell) for i in issues if not i.is_error)
    want_warnings = [("W-NUMBER-APPROX", None)] * sum(approx)  # the planted row too: all its problems are reported
    if note_row:
        want_warnings.append(("W-ROW-NOTE", f"A{note_row}"))
    assert [c for c, _ in warnings] == sorted(c for c, _ in want_warnings)
    assert ("W-ROW-NOTE", f"A{note_row}") in warnings if note_row else True
    got = [(p.task_id, p.status, p.progress_text, p.achieved, p.rate, p.approximate) for p in sub.rows]
    want = [(f"01-{i + 1:02d}", row["status"], row["text"].strip(), row["achieved"], row["rate"], approx[i])
            for i, row in enumerate(rows) if i != planted]
    assert got == [tuple(pytest.approx(v) if isinstance(v, float) else v for v in w) for w in want]
    assert [s.task_id for s in sub.set_aside] == ([] if planted is None else [f"01-{planted + 1:02d}"])


@pytest.mark.parametrize("name, dept", [
    ("区民政局.xlsx", "区民政局"), ("区民政局2025年上半年进展填报表.xlsx", "区民政局"),
    ("2025H1_区教育局_民心工程进展情况.xlsx", "区教育局"), ("区卫生健康委（修改版）.xls", "区卫生健康委"),
    ("区人社局-2025年第三季度报送表.csv", "区人社局"),
])
def test_department_name_from_file_name(name, dept):
    from reportgen.read.departments import department_from_filename

    assert department_from_filename(Path(name)) == dept


@pytest.mark.skipif(not Path("/usr/bin/libreoffice").exists(), reason="LibreOffice not installed")
def test_formulas_are_read_from_their_cached_values(tmp_path):
    src = messy_workbook(tmp_path / "区民政局.xlsx", [[1, "01-01", "任务1", "推进中", "已建成5个", "=2+3", "=5/100", ""]],
                         total=False, merge_title=False)
    out = tmp_path / "saved"
    libreoffice(src, "xlsx", out)  # saved by an office suite: values cached
    sub, issues = read_department(out / "区民政局.xlsx")
    assert not [i for i in issues if i.is_error]
    assert [(p.achieved, p.rate) for p in sub.rows] == [(5, 0.05)]
