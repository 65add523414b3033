"""The briefing pack: official layout measured on the PDF, every task, annexes, Word fields."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pdfplumber
import pytest
from docx import Document

from conftest import make_workspace
from reportgen import build
from reportgen.render.manifest import read_manifest

MM = 72 / 25.4
TASKS = [
    dict(task_id=f"{p:02d}-{i:02d}", project_no=p, project=name, category=cat, name=f"{name[:2]}任务{i}",
         target_text=f"完成{name[:2]}任务{i}的年度目标{10 * i}个", target_value=10 * i, unit="个", lead=lead)
    for p, name, cat, lead in ((1, "养老提升工程", "养老", "区民政局"), (2, "教育扩容工程", "教育", "区教育局"),
                               (3, "供热保障工程", "供热", "区城市管理委"), (4, "就业促进工程", "就业", "区人社局"))
    for i in range(1, 4)
]


def _rows(prefix, statuses):
    rows = []
    for i, status in enumerate(statuses, 1):
        rows.append(dict(task_id=f"{prefix}-{i:02d}", status=status, progress_text=f"目前已完成{5 * i}个，工作正在推进" * 3,
                         achieved=5 * i, problems=f"问题{prefix}-{i}：资金审批滞后" if status == "滞后" else "",
                         next_steps=f"打算{prefix}-{i}：倒排工期" if status == "滞后" else ""))
    return rows


SUBS = {
    "区民政局": _rows("01", ["已完成", "序时推进", "滞后"]),
    "区教育局": _rows("02", ["序时推进", "序时推进", "未启动"]),
    "区城市管理委": _rows("03", ["滞后", "序时推进", "已完成"]),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_workspace(tmp_path_factory.mktemp("brief") / "ws", TASKS, SUBS)
    result = build(root)
    return result, {o.format: o.path for o in result.outputs if o.kind == "briefing-pack"}


def pdf_text(path) -> str:
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                             text=True, check=True).stdout)


def test_listed_in_manifest(built):
    result, files = built
    assert set(files) == {"pdf", "docx"}
    kinds = {(e["kind"], e["format"]) for e in read_manifest(result.outdir)}
    assert {("briefing-pack", "pdf"), ("briefing-pack", "docx")} <= kinds


def test_pdf_is_a4_and_text_stays_in_the_text_area(built):
    _, files = built
    with pdfplumber.open(files["pdf"]) as pdf:
        assert len(pdf.pages) >= 3
        for n, page in enumerate(pdf.pages, 1):
            assert abs(page.width - 210 * MM) < 1 and abs(page.height - 297 * MM) < 1
            body = [c for c in page.chars if c["top"] < (297 - 35) * MM]
            footer = "".join(c["text"] for c in page.chars if c["top"] >= (297 - 35) * MM).strip()
            assert re.fullmatch(r"—\s*\d+\s*—", footer), footer
            tol = 2 * MM
            assert min(c["x0"] for c in body) >= 28 * MM - tol
            assert max(c["x1"] for c in body) <= (210 - 26) * MM + tol
            assert min(c["top"] for c in body) >= 37 * MM - tol
            assert max(c["bottom"] for c in body) <= (297 - 35) * MM + tol
            # odd pages: number on the right; even pages: on the left
            nums = [c for c in page.chars if c["top"] >= (297 - 35) * MM]
            centre = sum(c["x0"] for c in nums) / len(nums)
            assert (centre > 105 * MM) if n % 2 else (centre < 105 * MM)


def test_every_task_and_annex(built):
    _, files = built
    text = pdf_text(files["pdf"])
    for t in TASKS:
        assert t["task_id"] in text and t["name"] in text
    with pdfplumber.open(files["pdf"]) as pdf:
        rows = [[re.sub(r"\s+", "", c or "") for c in row] for page in pdf.pages for table in page.extract_tables()
                for row in table]
    annex = [r for r in rows if len(r) == 6]  # 编号 任务名称 进展情况 存在问题 下步打算 牵头单位
    for r in SUBS["区民政局"] + SUBS["区城市管理委"]:
        if r["status"] == "滞后":
            assert [r["task_id"], r["problems"], r["next_steps"]] in [[a[0], a[3], a[4]] for a in annex]
    assert "区人社局未报送本期进展" in text
    assert "民心工程工作简报" in text and "第3期" in text and "测试区民心工程推进办公室" in text
    assert "报：区委、区政府" in text and "共印30份" in text


def test_docx_has_page_fields_and_updates_on_open(built):
    _, files = built
    with zipfile.ZipFile(files["docx"]) as z:
        names = z.namelist()
        footers = [z.read(n).decode() for n in names if n.startswith("word/footer")]
        settings = z.read("word/settings.xml").decode()
        document = z.read("word/document.xml").decode()
    assert len(footers) >= 2
    for f in footers:
        assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", f)
        assert not re.search(r"<w:t>\s*\d+\s*</w:t>", f)  # no typed page numbers
    assert "<w:evenAndOddHeaders/>" in settings and 'w:updateFields w:val="true"' in settings
    assert "<w:tblHeader/>" in document and "<w:cantSplit/>" in document
    text = "\n".join(p.text for p in Document(str(files["docx"])).paragraphs)
    assert "民心工程工作简报" in text and "附件1" in text


@pytest.mark.skipif(subprocess.run(["which", "libreoffice"], capture_output=True).returncode != 0,
                    reason="LibreOffice not installed")
def test_docx_converts_with_libreoffice(built, tmp_path):
    _, files = built
    r = subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(files["docx"])],
                       capture_output=True, text=True, timeout=180)
    pdfs = list(tmp_path.glob("*.pdf"))
    assert r.returncode == 0 and pdfs, r.stderr
    text = pdf_text(pdfs[0])
    for t in TASKS:
        assert t["task_id"] in text


def test_table_of_contents_only_past_eight_pages(built, tmp_path):
    result, files = built
    with pdfplumber.open(files["pdf"]) as pdf:
        pages = len(pdf.pages)
    text = pdf_text(files["pdf"])
    assert ("目录" in text) == (pages > 8)
    many = [dict(t, task_id=f"{p:02d}-{t['task_id'][3:]}", project_no=p, project=f"第{p}工程")
            for p in range(1, 9) for t in TASKS[:3]]
    root = make_workspace(tmp_path / "big", many, {})
    big = next(o.path for o in build(root).outputs if o.kind == "briefing-pack" and o.format == "pdf")
    with pdfplumber.open(big) as pdf:
        assert len(pdf.pages) > 8
    big_text = pdf_text(big)
    assert "目录" in big_text and "附件3数据来源" in big_text
