"""Hostile and mistaken files: each becomes a clear issue at its file, sheet and cell, and every other
file is still read and validated; `reportgen validate` never crashes or hangs.

Every file is made here (openpyxl, zip surgery, csv); LibreOffice makes the .xls files when installed.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import libreoffice, make_workspace, return_path
from reportgen.build import check
from reportgen.read.departments import read_department
from reportgen.read.grid import MAX_COLS, MAX_ROWS

PLAN = [dict(task_id=f"01-0{i}", project_no=1, project="甲工程", category="养老", name=f"任务{i}",
             target_text=f"目标{i}", target_value=100, unit="个", lead="区民政局" if i == 1 else "区教育局")
        for i in range(1, 4)]
GOOD = {"区民政局": [dict(task_id="01-01", status="推进中", progress_text="正常")]}
HEADER = ["事项编号", "任务名称", "进展状态", "进展情况", "完成值", "完成率"]
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice not installed")


def workbook(path: Path, rows: list[list], *, at: tuple[int, int] = (1, 1), title: str = "进展填报",
             header: list[str] = HEADER, percent: tuple[int, int] | None = None) -> Path:
    """A department sheet whose header row starts at (row, column) `at`, 1-based."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    r0, c0 = at
    for c, h in enumerate(header):
        ws.cell(row=r0, column=c0 + c, value=h)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            ws.cell(row=r0 + r, column=c0 + c, value=v)
    if percent:
        ws.cell(*percent).number_format = "0%"
    wb.save(path)
    return path


def patch_zip(src: Path, dst: Path, changes: dict[str, object]) -> Path:
    """Copy a package, replacing parts: a value is new bytes, or a function of the old bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            change = changes.get(item.filename)
            if change is not None:
                data = change(data) if callable(change) else change
            zout.writestr(item.filename, data)
    return dst


def add_rows(xml: bytes, rows: bytes) -> bytes:
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def to_xls(src: Path, outdir: Path) -> Path:
    libreoffice(src, "xls", outdir)
    return outdir / (src.stem + ".xls")


def good_workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws", PLAN, GOOD)


def depts(root: Path) -> Path:
    return root / "inputs/2025H1/departments"


def checked(root: Path):
    """`reportgen validate` on the workspace; the good department is always still read."""
    result = check(root)
    assert "区民政局" in [s.department for s in result.dataset.submissions]
    return result


def codes(result, name: str) -> list[str]:
    return [i.code for i in result.report.issues if i.file == name]


# ---- 1. a problem in a merged cell --------------------------------------------

def test_problem_in_merged_cells_is_marked_on_the_top_left_cell(tmp_path):
    root = good_workspace(tmp_path)
    path = workbook(depts(root) / "区教育局.xlsx", [["01-02", "任务2", "加速中", "已建成3个"], ["01-03", "任务3", None, "已建成4个"]])
    wb = load_workbook(path)
    wb.active.merge_cells("C2:C3")
    wb.save(path)
    result = checked(root)
    assert [(i.code, i.cell) for i in result.report.issues if i.file == path.name and i.is_error] == \
        [("E-STATUS-UNKNOWN", "C2"), ("E-STATUS-UNKNOWN", "C3")]
    back = load_workbook(return_path(result.outdir, "区教育局.xlsx"))["进展填报"]
    assert back["C2"].comment and back["C2"].comment.text.count("无法识别") == 2 and "C3" in back["C2"].comment.text
    assert back["C2"].fill.fgColor.rgb.endswith("FFC7CE")


# ---- 2, 3, 4, 10: packages that are broken, tricked or renamed ----------------

def _broken_xml(kind: str):
    if kind == "truncated":
        return lambda xml: xml[: len(xml) // 2]
    if kind == "malformed":
        return lambda xml: xml.replace(b"</row>", b"</rowx>", 1)
    if kind == "undeclared entity":
        return lambda xml: xml.replace(b"<t>", b"<t>&nbsp;", 1)
    if kind == "bad cell reference":
        return lambda xml: xml.replace(b'r="A2"', b'r="2A"', 1)
    if kind == "not xml":
        return lambda xml: b"\x00\xff" * 300
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["truncated", "malformed", "undeclared entity", "bad cell reference", "not xml"])
def test_broken_sheet_xml_is_unreadable(tmp_path, kind):
    root = good_workspace(tmp_path)
    src = workbook(tmp_path / "src.xlsx", [["01-02", "任务2", "推进中", "已建成3个"]])
    patch_zip(src, depts(root) / "坏表.xlsx", {"xl/worksheets/sheet1.xml": _broken_xml(kind)})
    result = checked(root)
    found = [i for i in result.report.issues if i.file == "坏表.xlsx"]
    assert [i.code for i in found] == ["E-FILE-UNREADABLE"]
    assert "Error" not in found[0].message.split("技术信息")[0]  # Chinese first; the library's name only as a hint


@pytest.mark.parametrize("padding", [5 * 1024, 300 * 1024])
def test_entity_declaration_after_a_long_comment_is_refused(tmp_path, padding):
    root = good_workspace(tmp_path)
    src = workbook(tmp_path / "src.xlsx", [["01-02", "任务2", "推进中", "正常"]])
    dtd = (b'<!--' + b"x" * padding + b'--><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
           b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')

    def trick(xml: bytes) -> bytes:
        end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return xml[:end] + dtd + xml[end:].replace("正常".encode(), b"&c;")

    patch_zip(src, depts(root) / "实体.xlsx", {"xl/worksheets/sheet1.xml": trick})
    result = checked(root)
    found = [i for i in result.report.issues if i.file == "实体.xlsx"]
    assert [i.code for i in found] == ["E-FILE-UNREADABLE"] and "实体声明" in found[0].message


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Patch the declared uncompressed size of one entry, in its local header and in the central directory."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    end = data.rindex(b"PK\x05\x06")
    central = struct.unpack_from("<I", data, end + 16)[0]
    while True:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46: central + 46 + n].decode() == name:
            struct.pack_into("<I", data, central + 24, size)
            return bytes(data)
        m, k = struct.unpack_from("<HH", data, central + 30)
        central += 46 + n + m + k


def test_lying_sizes_and_bad_crc_are_reported_not_raised(tmp_path):
    root = good_workspace(tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))  # 150 MB, declared below as 1 KB
    (depts(root) / "谎报.xlsx").write_bytes(_lie_about_size(buf.getvalue(), "xl/worksheets/sheet1.xml", 1024))
    src = workbook(tmp_path / "src.xlsx", [["01-02", "任务2", "推进中", "正常"]])
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF  # a flipped byte in the compressed sheet
    (depts(root) / "坏校验.xlsx").write_bytes(bytes(data))
    result = checked(root)
    assert codes(result, "谎报.xlsx") in (["E-FILE-UNREADABLE"], ["E-FILE-TOO-LARGE"])
    assert codes(result, "坏校验.xlsx") == ["E-FILE-UNREADABLE"]


@needs_libreoffice
def test_renamed_workbooks_are_read_by_their_content(tmp_path):
    root = good_workspace(tmp_path)
    src = workbook(tmp_path / "区教育局.xlsx", [["01-02", "任务2", "推进中", "已建成3个"]])
    xls = to_xls(src, tmp_path / "x")
    shutil.copy(xls, depts(root) / "旧表改名.xlsx")
    shutil.copy(src, depts(root) / "新表改名.xls")
    shutil.copy(src, depts(root) / "新表改名2.csv")
    result = checked(root)
    read = {s.path.name: [p.task_id for p in s.rows] for s in result.dataset.submissions}
    assert read["旧表改名.xlsx"] == read["新表改名.xls"] == read["新表改名2.csv"] == ["01-02"]


def test_encrypted_workbook_named_xls(tmp_path):
    root = good_workspace(tmp_path)
    ole = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64
           + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    (depts(root) / "加密.xls").write_bytes(ole)
    (depts(root) / "假表.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)  # OLE, not a workbook
    result = checked(root)
    assert codes(result, "加密.xls") == ["E-FILE-ENCRYPTED"]
    assert codes(result, "假表.xls") == ["E-FILE-UNREADABLE"]
    assert "Cfb" not in [i for i in result.report.issues if i.file == "假表.xls"][0].message


# ---- 5, 9: far-away cells and endless sheets, in a child process with a memory limit ----

_FAR_CELLS = {
    "XFD1048576": b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "Z1000000": b'<row r="1000000"><c r="Z1000000" t="inlineStr"><is><t>x</t></is></c></row>',
    "lower-case": b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
    "row-only": b'<row r="1048576"><c><v>1</v></c><c><v>2</v></c></row>',
    "cell-without-row": b'<row><c r="XFD1048576"><v>1</v></c></row>',
    "cached-empty-string": b'<row r="1048576"><c r="XFD1048576" t="str"><f>""</f><v></v></c></row>',
}


def _child(root: Path) -> dict:
    """Run `check(root)` in a child process limited to 2 GB of address space; its issues by file."""
    code = ("import json, resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30));"
            "from reportgen.build import check; r = check(sys.argv[1]);"
            "print(json.dumps({'issues': [[i.file, i.code, i.sheet, i.cell] for i in r.report.issues],"
            " 'rows': {s.path.name: len(s.rows) for s in r.dataset.submissions},"
            " 'outputs': [str(o.path) for o in r.outputs]}))")
    proc = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_far_away_cells_never_reach_the_reader(tmp_path):
    root = good_workspace(tmp_path)
    src = workbook(tmp_path / "src.xlsx", [["01-02", "任务2", "推进中", "已建成3个"]])
    for name, row in _FAR_CELLS.items():
        patch_zip(src, depts(root) / f"{name}.xlsx", {"xl/worksheets/sheet1.xml": lambda x, row=row: add_rows(x, row)})
    patch_zip(src, depts(root) / "XFD1.xlsx", {"xl/worksheets/sheet1.xml": lambda x: add_rows(
        x, b'<row r="5"><c r="XFD5" t="inlineStr"><is><t>x</t></is></c></row>')})
    patch_zip(src, depts(root) / "dimension.xlsx", {"xl/worksheets/sheet1.xml": lambda x: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', x)})
    hidden = load_workbook(src)
    hidden.create_sheet("下拉选项").sheet_state = "hidden"
    hidden.save(tmp_path / "hidden.xlsx")
    patch_zip(tmp_path / "hidden.xlsx", depts(root) / "hidden.xlsx", {"xl/worksheets/sheet2.xml": lambda x: re.sub(
        rb"<sheetData\s*/>|<sheetData></sheetData>",
        b'<sheetData><row r="1"><c r="ZZ1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', x)})
    patch_zip(src, depts(root) / "merged.xlsx", {"xl/worksheets/sheet1.xml": lambda x: x.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="F1:XFD1048576"/></mergeCells>')})
    out = _child(root)
    by_file: dict[str, list] = {}
    for file, code, sheet, cell in out["issues"]:
        if code.startswith(("E-FILE", "E-ROWS", "W-CELL")):  # what reading found (other codes: the rows themselves)
            by_file.setdefault(file, []).append((code, sheet, cell))
    for name in _FAR_CELLS:  # one stray cell far below: said as that cell (was 数据行超过5000行); the rows still read
        cell = {"row-only": "A1048576", "Z1000000": "Z1000000"}.get(name, "XFD1048576")
        assert by_file[f"{name}.xlsx"] == [("W-CELL-TOO-FAR", "进展填报", cell)], name
        assert out["rows"][f"{name}.xlsx"] == 1, name
    assert by_file["XFD1.xlsx"] == [("E-FILE-TOO-LARGE", "进展填报", "XFD5")]
    assert "dimension.xlsx" not in by_file and out["rows"]["dimension.xlsx"] == 1  # a lying <dimension> is ignored
    assert "merged.xlsx" not in by_file and out["rows"]["merged.xlsx"] == 1
    assert "hidden.xlsx" not in by_file and out["rows"]["hidden.xlsx"] == 1  # far cells in a hidden sheet: harmless
    returns = [p for p in out["outputs"] if "退回修改" in p]  # written from the capped grids
    assert len(returns) >= len(_FAR_CELLS) + 2  # (how long it takes: `make bench`, as a ratio)


def _long_sheet(src: Path, dst: Path, rows: int) -> Path:
    """`rows` more task rows appended to a sheet, written straight into the XML (openpyxl would take minutes)."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="C%d" t="inlineStr"><is><t>ok</t></is></c></row>'
                    % (r, r, r, r) for r in range(3, rows + 3))
    return patch_zip(src, dst, {"xl/worksheets/sheet1.xml": lambda x: add_rows(x, body)})


def long_xlsx_workspace(tmp_path: Path, rows: int = 200_000) -> Path:
    """A workspace whose 区教育局.xlsx has `rows` rows more than a sheet may have (also `make bench`'s)."""
    root = good_workspace(tmp_path)
    src = workbook(tmp_path / "src.xlsx", [["01-02", "任务2", "加速中", "已建成3个"]])
    _long_sheet(src, depts(root) / "区教育局.xlsx", rows)
    return root


def test_a_long_xlsx_is_capped_and_validated(tmp_path):
    """Rows beyond the cap are never read, and the cap is said; how long it takes is `make bench`'s (as a ratio)."""
    root = long_xlsx_workspace(tmp_path)
    result = checked(root)
    found = [(i.code, i.cell) for i in result.report.issues if i.file == "区教育局.xlsx"]
    assert ("E-ROWS-TOO-MANY", f"A{MAX_ROWS + 21}") in found and ("E-STATUS-UNKNOWN", "C2") in found
    sub = next(s for s in result.dataset.submissions if s.path.name == "区教育局.xlsx")
    assert sub.rows_read <= MAX_ROWS + 20
    back = load_workbook(return_path(result.outdir, "区教育局.xlsx"), read_only=True)  # rebuilt from the capped grid
    assert back.sheetnames[0] == "问题清单"
    assert sum(1 for _ in back["进展填报"].iter_rows()) <= MAX_ROWS + 20


# ---- 6, 8: CSV ------------------------------------------------------------------

def test_csv_with_a_huge_field_is_unreadable(tmp_path):
    root = good_workspace(tmp_path)
    (depts(root) / "长字段.csv").write_text("事项编号,进展状态,进展情况\n01-02,推进中," + "很" * 200_000 + "\n",
                                           encoding="utf-8")
    (depts(root) / "引号.csv").write_text('事项编号,进展状态,进展情况\n01-02,推进中,"没有结束的引号\n' + "x,y,z\n" * 100_000,
                                         encoding="utf-8")
    (depts(root) / "宽.csv").write_text("事项编号,进展状态,进展情况" + ",x" * (MAX_COLS + 5) + "\n", encoding="utf-8")
    result = checked(root)
    assert codes(result, "长字段.csv") == ["E-FILE-UNREADABLE"]
    assert codes(result, "引号.csv") == ["E-FILE-UNREADABLE"]
    assert codes(result, "宽.csv") == ["E-FILE-TOO-LARGE"]


def test_csv_name_that_is_not_a_sheet_title(tmp_path):
    root = good_workspace(tmp_path)
    name = "区教育局[修改]?*：第2版:最终版本（请勿再改动）.csv"
    (depts(root) / name).write_text("填报单位：区教育局\n事项编号,进展状态,进展情况\n01-02,加速中,已建成3个\n", encoding="utf-8")
    result = checked(root)
    bad = [i for i in result.report.issues if i.file == name and i.is_error]
    assert [(i.code, i.cell) for i in bad] == [("E-STATUS-UNKNOWN", "B3")]
    back = load_workbook(return_path(result.outdir, "区教育局.xlsx"))
    assert back.sheetnames[0] == "问题清单" and len(back.sheetnames) == 2
    sheet = back[back.sheetnames[1]]
    assert len(sheet.title) <= 31 and not set("[]:*?/\\") & set(sheet.title)
    assert sheet["B3"].value == "加速中" and sheet["B3"].comment and "无法识别" in sheet["B3"].comment.text


# ---- 7: department names are not paths ------------------------------------------

@pytest.mark.parametrize("dept", ["区住建委/区房管局", "../../../../tmp/x", "区*政局?<>|\\:\"", "CON", "..", "\t"])
def test_department_name_never_leaves_the_returns_folder(tmp_path, dept):
    root = good_workspace(tmp_path)
    returns = root / "outputs/2025H1/退回修改"
    (returns / "旧的子文件夹").mkdir(parents=True)
    (returns / "旧的子文件夹" / "旧.xlsx").write_bytes(b"stale")
    wb = Workbook()
    ws = wb.active
    ws.append([f"填报单位：{dept}"])
    ws.append(["事项编号", "进展状态", "进展情况"])
    ws.append(["01-02", "加速中", "已建成3个"])
    wb.save(depts(root) / "某单位.xlsx")
    result = checked(root)
    made = [o.path for o in result.outputs if o.kind == "return" and o.path.name != "区民政局.xlsx"]
    assert len(made) == 1
    assert made[0].parent == returns / "第1轮" and made[0].exists() and made[0].suffix == ".xlsx"
    assert not set('/\\:*?"<>|\t') & set(made[0].name)
    assert sorted(p.name for p in (returns / "第1轮").rglob("*")) == [made[0].name]
    assert (returns / "旧的子文件夹" / "旧.xlsx").read_bytes() == b"stale"  # earlier returns are kept
    assert not (tmp_path / "tmp").exists()  # ../../../../tmp/x from 退回修改 would land here


# ---- 11: tables that do not start at A1 --------------------------------------------

@pytest.mark.parametrize("at", [
    (3, 2),  # header at B3
    (2, 2),  # header at B2: empty row 1 and column A
    (14, 3),  # header at C14, the 15 rows searched for a header still reach it
])
def test_table_away_from_a1_is_reported_at_its_cells(tmp_path, at):
    r0, c0 = at
    status, rate = chr(64 + c0 + 2), chr(64 + c0 + 5)
    path = workbook(tmp_path / "区民政局.xlsx", [["01-01", "任务1", "推进中", "已建成3个", 3, 0.85],
                                               ["01-02", "任务2", "加速中", "已建成5个", 5, None],
                                               ["01-03", "任务3", "推进中", "已建成6个", 6, "=E4/100"]],
                    at=at, percent=(r0 + 1, c0 + 5))
    wb = load_workbook(path)
    wb.active["A1"].number_format = "0.00"  # a formatted empty cell at A1
    wb.save(path)
    sub, issues = read_department(path)
    assert [(i.code, i.cell) for i in issues] == [("E-STATUS-UNKNOWN", f"{status}{r0 + 2}"),
                                                  ("E-FORMULA-NO-VALUE", f"{rate}{r0 + 3}")]
    assert [(p.task_id, p.source.row, p.rate) for p in sub.rows] == [("01-01", r0 + 1, 85), ("01-03", r0 + 3, None)]
    assert [(s.source.row, s.task_id) for s in sub.set_aside] == [(r0 + 2, "01-02")]


# ---- 12: percent formats in legacy .xls ---------------------------------------------

@needs_libreoffice
def test_percent_format_in_xls(tmp_path):
    src = workbook(tmp_path / "区民政局.xlsx", [["01-01", "任务1", "推进中", "已建成3个", 3, 0.85],
                                              ["01-02", "任务2", "推进中", "已建成5个", 5, 0.5]],
                   at=(3, 2), percent=(4, 7))
    sub, issues = read_department(to_xls(src, tmp_path / "x"))
    assert not [i for i in issues if i.is_error]
    assert [(p.task_id, p.achieved, p.rate) for p in sub.rows] == [("01-01", 3, 85), ("01-02", 5, 0.5)]
    assert sub.sheet == "进展填报"


@needs_libreoffice
def test_xls_merged_cells_hidden_sheets_and_far_cells(tmp_path):
    wb = Workbook()
    hidden = wb.active
    hidden.title = "说明"
    hidden.append(["事项编号", "进展状态", "进展情况"])
    hidden.append(["09-09", "已完成", "不应读取"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("进展填报")
    ws.append(["事项编号", "进展状态", "进展情况", "存在问题"])
    ws.append(["01-01", "推进中", "进展一", "同一个问题"])
    ws.append(["01-02", "推进中", "进展二", None])
    ws.merge_cells("D2:D3")
    ws["IV65536"] = "远处的单元格"
    wb.save(tmp_path / "区民政局.xlsx")
    xls = to_xls(tmp_path / "区民政局.xlsx", tmp_path / "x")
    sub, issues = read_department(xls)
    assert [(p.task_id, p.problems) for p in sub.rows] == [("01-01", "同一个问题"), ("01-02", "同一个问题")]
    assert [(i.code, i.cell) for i in issues] == [("W-CELL-TOO-FAR", "IV65536")]  # the stray cell, not "too many rows"


# ---- 13: formulas whose cached value is an empty string ---------------------------------

def test_cached_empty_string_is_a_value(tmp_path):
    src = workbook(tmp_path / "src.xlsx", [["01-01", "任务1", "推进中", "已建成3个", None, None],
                                          ["01-02", "任务2", "推进中", "已建成4个", 4, None]])

    def formulas(xml: bytes) -> bytes:  # as LibreOffice saves =IF(E2="","",E2/100), and one never calculated
        xml = xml.replace(b'<c r="D2" t="inlineStr">', b'<c r="F2" t="str"><f>IF(E2="","",E2/100)</f><v></v></c>'
                          b'<c r="D2" t="inlineStr">')
        return xml.replace(b'<c r="E3" t="n"><v>4</v></c>', b'<c r="E3" t="n"><v>4</v></c><c r="F3"><f>E3/100</f></c>')

    path = patch_zip(src, tmp_path / "区民政局.xlsx", {"xl/worksheets/sheet1.xml": formulas})
    sub, issues = read_department(path)
    assert [(i.code, i.cell) for i in issues] == [("E-FORMULA-NO-VALUE", "F3")]
    assert "E3/100" in issues[0].message


@needs_libreoffice
def test_cached_empty_string_saved_by_libreoffice(tmp_path):
    src = workbook(tmp_path / "区民政局.xlsx", [["01-01", "任务1", "推进中", "已建成3个", None, '=IF(E2="","",E2/100)'],
                                              ["01-02", "任务2", "推进中", "已建成4个", 4, '=IF(E3="","",E3/100)']])
    libreoffice(src, "xlsx", tmp_path / "lo")
    sub, issues = read_department(tmp_path / "lo" / "区民政局.xlsx")
    assert not [i for i in issues if i.is_error]
    assert [(p.task_id, p.rate) for p in sub.rows] == [("01-01", None), ("01-02", 0.04)]


# ---- return workbooks for files that are not edited in place ---------------------------

@needs_libreoffice
def test_return_for_xls_marks_cells(tmp_path):
    root = good_workspace(tmp_path)
    src = workbook(tmp_path / "区教育局.xlsx", [["01-02", "任务2", "加速中", "已建成3个"]], at=(3, 2))
    to_xls(src, depts(root))
    result = checked(root)
    back = load_workbook(return_path(result.outdir, "区教育局.xlsx"))
    assert back.sheetnames == ["问题清单", "进展填报"]
    assert back["进展填报"]["D4"].value == "加速中" and "无法识别" in back["进展填报"]["D4"].comment.text


def test_returns_are_written_by_workers_like_in_process(tmp_path, monkeypatch):
    """Many returns go to worker processes; the result is the same workbook, byte for byte."""
    from reportgen.render import validation

    rows = {f"单位{i:02d}": [dict(task_id="01-01", status="加速中", progress_text="正常")] for i in range(6)}
    root = make_workspace(tmp_path / "ws", PLAN, rows)
    monkeypatch.setattr(validation, "PARALLEL_MIN", 2)
    if sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1:
        assert validation._workers(6) is not None
    parallel = {o.path.name: o.path.read_bytes() for o in check(root).outputs if o.kind == "return"}
    monkeypatch.setattr(validation, "PARALLEL_MIN", 10**9)
    serial = {o.path.name: o.path.read_bytes() for o in check(root).outputs if o.kind == "return"}
    assert len(parallel) == 6 and parallel == serial


def test_a_return_that_cannot_be_edited_still_lists_the_problems(tmp_path, monkeypatch):
    from reportgen.render import validation

    root = good_workspace(tmp_path)
    workbook(depts(root) / "区教育局.xlsx", [["01-02", "任务2", "加速中", "已建成3个"]])

    def broken(*args, **kwargs):
        raise OSError("disk trouble")

    monkeypatch.setattr(validation, "load_workbook", broken)
    monkeypatch.setattr(validation, "read_grids", broken)
    result = checked(root)
    back = load_workbook(return_path(result.outdir, "区教育局.xlsx"))
    assert back.sheetnames == ["问题清单"]
    assert any("无法识别" in str(c.value) for row in back["问题清单"].iter_rows() for c in row)



def test_a_return_workbook_sent_back_in_gets_a_fresh_list(tmp_path):
    root = good_workspace(tmp_path)
    path = workbook(depts(root) / "区教育局.xlsx", [["01-02", "任务2", "加速中", "已建成3个"], ["01-03", "任务3", "慢慢来", "已建成4个"]])
    first = checked(root)
    back = load_workbook(return_path(first.outdir, "区教育局.xlsx"))
    back["进展填报"]["C2"] = "推进中"  # the clerk fixes one of the two and sends the return workbook back
    back.save(path)
    second = checked(root)
    errors = [(i.code, i.cell) for i in second.report.issues if i.file == path.name and i.is_error]
    assert errors == [("E-STATUS-UNKNOWN", "C3")]
    again = load_workbook(return_path(second.outdir, "区教育局.xlsx"))
    assert again.sheetnames == ["问题清单", "进展填报"]
    assert again["进展填报"]["C2"].comment is None and again["进展填报"]["C2"].fill.fill_type is None
    assert "慢慢来" in again["进展填报"]["C3"].comment.text


def test_control_characters_do_not_break_the_workbooks(tmp_path):
    root = good_workspace(tmp_path)
    (depts(root) / "区教育局.csv").write_text("填报单位：区教\x01育局\n事项编号,进展状态,进展情况\n01-02,加速\x07中,已建成3个\n",
                                          encoding="utf-8")
    result = checked(root)
    bad = [i for i in result.report.issues if i.file == "区教育局.csv" and i.is_error]
    assert [i.code for i in bad] == ["E-STATUS-UNKNOWN"]
    report = load_workbook(result.outdir / "校验报告.xlsx")
    assert any("加速中" in str(c.value) for row in report["问题明细"].iter_rows() for c in row)
    returns = [o.path for o in result.outputs if o.kind == "return" and o.path.name != "区民政局.xlsx"]
    assert len(returns) == 1 and "\x01" not in returns[0].name
    back = load_workbook(returns[0])
    assert back[back.sheetnames[1]]["B3"].comment is not None


@pytest.mark.parametrize("fmt", ["0%", "0.0%", "0.00%"])
def test_both_ways_of_scanning_a_sheet_agree(tmp_path, fmt):
    """The fast scan (plain sheets) and the exact walk (anything unusual, here a comment) find the same cells."""
    from reportgen.read.sheets import read_grids

    src = workbook(tmp_path / "src.xlsx", [["01-01", "任务1", "推进中", "已建成3个", 3, 0.85],
                                          ["01-02", "任务2", "推进中", "已建成4个", 4, None],
                                          ["01-03", "任务3", "推进中", "已建成5个", 5, None]], at=(2, 2), percent=(3, 7))
    wb = load_workbook(src)
    wb.active.cell(3, 7).number_format = fmt
    wb.save(src)

    def formulas(xml: bytes) -> bytes:
        xml = xml.replace(b'<c r="F4" t="n"><v>4</v></c>', b'<c r="F4" t="n"><v>4</v></c>'
                          b'<c r="G4"><f t="shared" ref="G4:G5" si="0">F4/100</f></c>')
        xml = xml.replace(b'<c r="F5" t="n"><v>5</v></c>',
                          b'<c r="F5" t="n"><v>5</v></c><c r="G5"><f t="shared" si="0"/></c>')
        return xml.replace(b'<c r="E3" t="inlineStr">',
                           b'<c r="H3" t="str"><f>IF(1,"","")</f><v></v></c><c r="E3" t="inlineStr">')

    plain = patch_zip(src, tmp_path / "plain.xlsx", {"xl/worksheets/sheet1.xml": formulas})
    odd = patch_zip(plain, tmp_path / "odd.xlsx", {"xl/worksheets/sheet1.xml": lambda x: x.replace(
        b"<sheetData>", "<sheetData><!-- 注释 -->".encode())})
    a, b = read_grids(plain)[0], read_grids(odd)[0]
    assert a.rows == b.rows and a.percent_cells == b.percent_cells == {(2, 6)}
    assert a.formula_cells == b.formula_cells == {(3, 6): "=F4/100", (4, 6): "=F4/100"}


# ---- issue 25: hardening, second round --------------------------------------------------

# One of each class of invisible character, as it arrives in a workbook: Office's escape for the C0 controls
# (a line break pasted from Word is _x000B_) and NUL, raw C1 and bidi controls, and the escape of a bidi control.
CHARACTERS = {"C0": ("_x000B_", "U+000B"), "NUL": ("_x0000_", "U+0000"), "C1": ("\x85", "U+0085"),
              "bidi": ("\u202e", "U+202E"), "escape": ("_x202E_", "U+202E")}
# the same classes typed into a TOML string: escapes for the controls (TOML allows no raw ones)
TOML_CHARACTERS = {"C0": "\\u000b", "NUL": "\\u0000", "C1": "\\u0085", "bidi": "\u202e", "escape": "_x202E_"}


@pytest.mark.parametrize("kind", list(CHARACTERS))
def test_a_stray_character_in_the_plan_or_a_workbook_is_removed_and_said_once(tmp_path, kind):
    """One invisible character in plan.xlsx emptied the whole plan: every row was then "not in the plan"."""
    from reportgen.read import read_workspace
    from reportgen.validate import validate

    raw, shown = CHARACTERS[kind]
    plan = [dict(t, name=f"任务{raw}2", lead="区民政局") if t["task_id"] == "01-02" else dict(t) for t in PLAN]  # E4
    root = make_workspace(tmp_path / "ws", plan, {"区民政局": [dict(task_id="01-01", status="推进中", progress_text="正常"),
                                                              dict(task_id="01-02", status="推进中",
                                                                   progress_text=f"已建成{raw}3个")]})
    (depts(root) / "区教育局.csv").write_text(f"填报单位：区教育局\n事项编号,进展状态,进展情况\n01-03,推进中,已建成{raw}4个\n",
                                            encoding="utf-8")
    ws = read_workspace(root)
    assert [t.task_id for t in ws.plan] == ["01-01", "01-02", "01-03"]
    assert ws.plan[1].name == "任务2"
    validate(ws)
    said = [(i.file, i.cell, shown in i.message) for i in ws.report.issues if i.code == "W-TEXT-CONTROL"]
    assert sorted(said) == sorted([("plan.xlsx", "E4", True), ("区民政局.xlsx", "D5", True), ("区教育局.csv", "C3", True)])
    assert not [i for i in ws.report.issues if i.code == "E-TASK-NOT-IN-PLAN"]
    texts = sorted(p.progress_text for s in ws.submissions for p in s.rows)
    assert texts == ["已建成3个", "已建成4个", "正常"]


@pytest.mark.parametrize("kind", list(TOML_CHARACTERS))
def test_a_stray_character_in_the_settings_is_removed_and_said_once(tmp_path, kind):
    from reportgen.read import read_workspace

    typed, shown = TOML_CHARACTERS[kind], CHARACTERS[kind][1]
    root = good_workspace(tmp_path)
    config = root / "report.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"测试区"', f'"测试{typed}区"'), encoding="utf-8")
    with (root / "inputs/2025H1/period.toml").open("a", encoding="utf-8") as f:
        f.write(f'opening = "今年{typed}以来"\n')
    ws = read_workspace(root)
    assert ws.config.region == "测试区" and ws.period.opening == "今年以来"
    said = [(i.file, i.message) for i in ws.report.issues if i.code == "W-CONFIG-CONTROL"]
    assert [f for f, _ in said] == ["report.toml", "period.toml"]
    assert all(shown in m for _, m in said) and "region" in said[0][1] and "opening" in said[1][1]


@pytest.mark.parametrize("named_by", ["填报单位", "file name"])
def test_a_unit_speaks_only_for_its_own_and_its_co_reported_tasks(tmp_path, named_by):
    """Rows for another unit's task were adopted with a warning; now set aside, the lead unit named.
    A task the plan lists the unit for as 配合单位 is accepted from it."""
    plan = [dict(PLAN[0]), dict(PLAN[1], lead="区民政局", partners="区残联、区财政局"), dict(PLAN[2], lead="区市场监管局")]
    root = make_workspace(tmp_path / "ws", plan, GOOD)
    rows = [("01-02", "已配合建成3个"), ("01-03", "代报的文字")]
    if named_by == "填报单位":
        from reportgen.workbooks import write_department
        write_department(depts(root) / "残联.xlsx", "区残联", [dict(task_id=t, status="推进中", progress_text=p)
                                                            for t, p in rows])
        name, cell = "残联.xlsx", "A5"
    else:
        (depts(root) / "区残联.csv").write_text("事项编号,进展状态,进展情况\n" + "".join(f"{t},推进中,{p}\n" for t, p in rows),
                                             encoding="utf-8")
        name, cell = "区残联.csv", "A3"
    result = checked(root)
    adopted = {m.task.task_id: m.progress for m in result.dataset.tasks}
    assert adopted["01-02"].progress_text == "已配合建成3个" and adopted["01-03"] is None
    wrong = [i for i in result.report.issues if i.code == "E-TASK-WRONG-DEPT"]
    assert [(i.file, i.cell, i.department) for i in wrong] == [(name, cell, "区残联")]
    assert "区市场监管局" in wrong[0].message
    assert [(s.task_id, "区市场监管局" in s.reason) for s in result.dataset.set_aside] == [("01-03", True)]


@pytest.mark.parametrize("name, planted", [(".tmp", "file"), (".tmp", "link"), (".lock", "link"), (".lock", "folder"),
                                           (".2025H1.old", "link"), (".2025H1.staging", "file")])
def test_a_file_or_link_planted_where_the_tool_writes_is_moved_aside(tmp_path, name, planted):
    """outputs/.tmp as a file crashed every command (FileExistsError); outputs/.lock as a link made a file outside
    the workspace; a link at .<period>.old became the live set and its files were copied into the outputs."""
    root = good_workspace(tmp_path)
    outside = tmp_path / "outside"
    (outside / "退回修改/第1轮").mkdir(parents=True)
    (outside / "退回修改/第1轮/别处.xlsx").write_bytes(b"not ours")
    outputs = root / "outputs"
    outputs.mkdir()
    path = outputs / name
    if planted == "file":
        path.write_bytes(b"planted")
    elif planted == "folder":
        path.mkdir()
    else:
        path.symlink_to(outside / "lock" if name == ".lock" else outside, target_is_directory=True)
    before = sorted(p.relative_to(tmp_path) for p in outside.rglob("*"))
    result = checked(root)  # no exception: the run goes on
    assert sorted(p.relative_to(tmp_path) for p in outside.rglob("*")) == before  # nothing made or removed outside
    assert (outside / "退回修改/第1轮/别处.xlsx").read_bytes() == b"not ours"
    assert not (outputs / "2025H1/退回修改/第1轮/别处.xlsx").exists() and result.outputs
    assert (outputs / "2025H1").is_dir() and not (outputs / "2025H1").is_symlink()
    aside = [p for p in outputs.iterdir() if p.name.startswith(name + ".moved-")]
    assert len(aside) == 1 and (planted != "file" or aside[0].read_bytes() == b"planted")
    assert (planted == "link") == aside[0].is_symlink()


def test_a_million_row_csv_is_read_only_as_far_as_the_row_cap(tmp_path):
    """A 1e6-row CSV was decoded whole (31 s, 422 MB in the audit) to use 5,000 rows. Now reading stops at the cap:
    bytes far below it (here ones neither UTF-8 nor GBK, which made the whole file unreadable) are never read."""
    path = tmp_path / "区教育局.csv"
    with path.open("wb") as f:
        f.write("填报单位：区教育局\n事项编号,进展状态,进展情况\n".encode())
        f.write("01-02,推进中,已建成3个\n".encode() * 1_000_000)
        f.write(b"\xff\xff,\xff\n")
    sub, issues = read_department(path)
    assert [(i.code, i.cell) for i in issues] == [("E-ROWS-TOO-MANY", f"A{MAX_ROWS + 21}")]
    assert len(sub.rows) == MAX_ROWS + 18 and sub.rows[0].progress_text == "已建成3个"  # rows 3 … 5,020, capped


def test_a_stray_cell_far_below_a_csv_table_is_that_cell(tmp_path):
    path = tmp_path / "区教育局.csv"
    path.write_text("事项编号,进展状态,进展情况\n01-02,推进中,已建成3个\n" + ",,\n" * 9_000 + ",,随手敲的字\n", encoding="utf-8")
    sub, issues = read_department(path)
    assert [(i.code, i.cell, "9003" in i.message) for i in issues] == [("W-CELL-TOO-FAR", "C9003", True)]
    assert [p.task_id for p in sub.rows] == ["01-02"]
