"""Measure the two designs for "one template per press release" on the sample workspace.

A  Word template as the source: docxtpl renders press-release.docx with Jinja paragraphs; mammoth turns
   the DOCX into HTML; the print CSS is added and WeasyPrint makes the PDF.
B  Jinja HTML as the source (what reportgen does): the form's template renders the page; WeasyPrint
   makes the PDF; docx_writer writes the page's paragraphs in press-release.docx's styles.
B' the same HTML page through pandoc --reference-doc (only when pandoc is installed).

For each: median wall time of 3 runs for DOCX + PDF + HTML of the standard release, and fidelity
checks read back from the files. Prints a table; the figures are recorded in docs/press-template-design.md.
Run: .venv/bin/python bench/press_design.py   (mammoth is not a dependency: pip install mammoth)
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_sample  # noqa: E402
from docx import Document  # noqa: E402

from reportgen.build import assess  # noqa: E402
from reportgen.merge import merge  # noqa: E402
from reportgen.read import read_workspace  # noqa: E402
from reportgen.render import Job  # noqa: E402
from reportgen.render.context import public_context  # noqa: E402
from reportgen.render.docx_writer import write_docx  # noqa: E402
from reportgen.render.env import builtin_templates, environment  # noqa: E402
from reportgen.render.pdf import html_to_pdf  # noqa: E402
from reportgen.render.press import page  # noqa: E402
from reportgen.render.typeset import typeset  # noqa: E402

TEMPLATES = builtin_templates()


def docxtpl_template(path: Path) -> None:
    """Design A's source: the reference document with the release written as Jinja paragraphs."""
    doc = Document(str(TEMPLATES / "press-release.docx"))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    for text, style in [("{{ headline }}", "RG Title"), ("来源：{{ publisher }}　发布时间：{{ period.publish_date|cndate }}", "RG Meta"),
                        ("{{ opening }}{{ lead }}", "RG Body"), ("{%p for g in groups %}", "RG Body"),
                        ("{{ g.heading }}", "RG Heading 1"), ("{%p for t in g.tasks %}", "RG Body")]:
        doc.add_paragraph(text, style=style)
    p = doc.add_paragraph("{{ t.target }}", style="RG Body")
    p.add_run("{% if t.done %}该项目已完成。{% endif %}").bold = True
    p.add_run("{{ t.progress }}{{ t.note }}")
    for text in ("{%p endfor %}", "{%p endfor %}"):
        doc.add_paragraph(text, style="RG Body")
    doc.save(path)


def design_a(ctx: dict, out: Path, job: Job) -> dict:
    import mammoth
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(out / "a-template.docx"))
    tpl.render(ctx, jinja_env=environment(None), autoescape=True)
    tpl.save(out / "a.docx")
    with (out / "a.docx").open("rb") as f:
        body = mammoth.convert_to_html(f, style_map="p[style-name='RG Title'] => h1:fresh\n"
                                                    "p[style-name='RG Meta'] => p.meta:fresh\n"
                                                    "p[style-name='RG Heading 1'] => h2:fresh").value
    css = "".join((TEMPLATES / n).read_text(encoding="utf-8") for n in ("press-release.css", "press-release-print.css"))
    html = typeset(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head>'
                   f'<body class="print"><article>{body}</article></body></html>')
    (out / "a.html").write_text(html, encoding="utf-8")
    html_to_pdf(html, out / "a.pdf", base=TEMPLATES, roots=[TEMPLATES], tagged=True)
    return {"docx": out / "a.docx", "pdf": out / "a.pdf", "html": out / "a.html"}


def design_b(ctx: dict, out: Path, job: Job) -> dict:
    screen = page(job, ctx, medium="screen")
    write_docx(screen, TEMPLATES / "press-release.docx", out / "b.docx", title=ctx["headline"], stamp=job.stamp,
               lang="zh-CN")
    (out / "b.html").write_text(screen, encoding="utf-8")
    html_to_pdf(page(job, ctx, medium="print"), out / "b.pdf", base=TEMPLATES, roots=[TEMPLATES], tagged=True)
    return {"docx": out / "b.docx", "pdf": out / "b.pdf", "html": out / "b.html"}


def design_pandoc(ctx: dict, out: Path, job: Job) -> dict:
    files = design_b(ctx, out, job)
    files["docx"] = out / "p.docx"
    subprocess.run(["pandoc", "-f", "html", "-t", "docx", "--reference-doc", str(TEMPLATES / "press-release.docx"),
                    "-o", str(files["docx"]), str(files["html"])], check=True)
    return files


def fidelity(files: dict, ctx: dict) -> dict:
    doc = Document(str(files["docx"]))
    paras = [p for p in doc.paragraphs if p.text.strip()]
    styles = {p.style.name for p in paras}
    pdf = re.sub(r"\s|—\d+—|草稿未经审核，不得发布", "", subprocess.run(
        ["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True).stdout)
    with zipfile.ZipFile(files["docx"]) as z:
        footers = "".join(z.read(n).decode() for n in z.namelist() if re.match(r"word/footer\d*\.xml", n))
        headers = "".join(z.read(n).decode() for n in z.namelist() if re.match(r"word/header\d*\.xml", n))
    bold = any(r.bold and "该项目已完成" in r.text for p in paras for r in p.runs)
    return {
        "same text DOCX/PDF": re.sub(r"\s", "", "".join(p.text for p in paras)) == pdf,
        "office styles": {"RG Title", "RG Heading 1", "RG Body"} <= styles,
        "bold kept": bold,
        "page numbers DOCX": "PAGE" in footers,
        "styles": ", ".join(sorted(styles)),
    }


def draft_marks(files: dict) -> dict:
    with zipfile.ZipFile(files["docx"]) as z:
        headers = "".join(z.read(n).decode() for n in z.namelist() if re.match(r"word/header\d*\.xml", n))
    pages = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True).stdout.split("\f")
    return {"draft header DOCX": "未经审核" in headers,
            "draft mark on every PDF page": all("未经审核" in p for p in pages if p.strip())}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="press-design-"))
    root = copy_sample(work / "ws")
    ds = merge(read_workspace(root))
    ds.gate = assess(ds)
    draft_ctx = public_context(ds)
    ctx = {**draft_ctx, "draft": []}  # text compared on a publishable release; the draft marks separately
    job = Job(ds, root, work)
    docxtpl_template(work / "a-template.docx")
    designs = {"A docxtpl→mammoth→WeasyPrint": design_a, "B Jinja HTML→WeasyPrint + docx_writer": design_b}
    if shutil.which("pandoc"):
        designs["B' Jinja HTML + pandoc --reference-doc"] = design_pandoc
    for name, make in designs.items():
        times, files = [], {}
        for _ in range(3):
            start = time.perf_counter()
            files = make(ctx, work, job)
            times.append(time.perf_counter() - start)
        print(f"{name}: {statistics.median(times):.2f} s")
        for k, v in {**fidelity(files, ctx), **draft_marks(make(draft_ctx, work, job))}.items():
            print(f"    {k}: {v}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
