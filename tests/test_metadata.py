"""The office's name on its files: every DOCX, XLSX and PDF names the office (report.toml's compiler) as author,
carries the period's publish date, names no tool; public HTML carries no template comments; settings of 1,000
characters (the compiler: 300) are cut to what a document property holds."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

from conftest import THREE_TASKS, make_workspace
from test_assessment import run, with_text

TOOLS = re.compile(r"python-docx|openpyxl|weasyprint|docxtpl|reportgen|matplotlib", re.I)
LONG = {key: ch * 1000 for key, ch in (("region", "区"), ("program", "工"), ("publisher", "发"), ("briefing_title", "简"),
                                       ("headline", "题"))}
LONG["compiler"] = "办" * 300  # past the limit all the same; 1,000 characters make a seven-page pack (8 s more here)
OFFICE = "办" * 255  # python-docx refuses a longer property; Word and Excel show no more
DAY = "2025-07-10"  # the sample period's publish_date (conftest's DEFAULT_PERIOD)


def ooxml_properties(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in ("docProps/core.xml", "docProps/app.xml") if n in z.namelist())


def pdf_properties(path: Path) -> str:
    info = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True, check=True).stdout
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    return info + meta


def test_every_file_names_the_office_and_the_publish_date_and_no_tool(tmp_path):
    root = make_workspace(tmp_path / "ws", THREE_TASKS, with_text("新增学位300个", status="差不多"), config=LONG,
                          period_toml={"publish_date": DAY})
    code, out = run("build", str(root))
    assert code == 1, out  # the unknown status: a draft, and a return workbook for 区教育局
    run("export", str(root))  # 1,000-character names make its file name too
    assert list((root / "outputs").glob("*历次进展数据.xlsx"))
    assert run("template", "区教育局", str(root), "--force")[0] == 0  # the form and 填报说明 sent to a department
    files = [p for p in (root / "outputs").rglob("*") if p.suffix in (".docx", ".xlsx", ".pdf")]
    files += [root / "inputs/2025H1/departments/区教育局.xlsx", *(root / "inputs/2025H1/填报说明").glob("*.pdf")]
    kinds = {p.suffix for p in files}
    assert kinds == {".docx", ".xlsx", ".pdf"} and any("退回修改" in p.parts for p in files), files
    assert any(p.name.endswith("填报说明.pdf") for p in files), files
    for path in files:
        props = pdf_properties(path) if path.suffix == ".pdf" else ooxml_properties(path)
        assert not TOOLS.search(props), (path.name, TOOLS.search(props)[0])
        if path.suffix == ".pdf":
            assert re.search(rf"^Author:\s+{OFFICE}$", props, re.M) and re.search(rf"^Creator:\s+{OFFICE}$", props, re.M)
            assert re.search(rf"^CreationDate:\s+{DAY}T00:00:00", props, re.M), (path.name, props)
        else:
            assert re.search(f"<dc:creator[^>]*>{OFFICE}</dc:creator>", props), path.name
            assert re.search(f"<cp:lastModifiedBy[^>]*>{OFFICE}</cp:lastModifiedBy>", props), path.name
            assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", props) == [f"{DAY}T00:00:00Z"] * 2, path.name
            assert all(len(t) <= 255 for t in re.findall(r">([^<]+)<", props))
    for html in (root / "outputs/2025H1").glob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "<!--" not in text and "/*" not in text, html.name
