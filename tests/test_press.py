"""The press release: same text in every format, no internal field, safe HTML, embedded fonts."""

from __future__ import annotations

import hashlib
import re
import subprocess
import zipfile

import pytest
from docx import Document

from reportgen import build
from reportgen.render.manifest import read_manifest

SECRETS = {
    "problems": "秘密问题甲乙丙",
    "next_steps": "内部打算丁戊己",
    "contact": "联系人庚辛壬",
    "phone": "13900001111",
    "remarks": "备注癸子丑",
}
TASKS = [
    dict(task_id="01-01", project_no=1, project="幸福养老工程", category="养老", name="助餐点",
         target_text="新建老年助餐点10个", target_value=10, unit="个", lead="区民政局"),
    dict(task_id="01-02", project_no=1, project="幸福养老工程", category="养老", name="适老化改造",
         target_text="完成适老化改造200户", target_value=200, unit="户", lead="区民政局"),
    dict(task_id="02-01", project_no=2, project="优质教育工程", category="教育", name="学位",
         target_text="新增学位900个", target_value=900, unit="个", lead="区教育局"),
    dict(task_id="02-02", project_no=2, project="优质教育工程", category="教育", name="食堂",
         target_text="改造学校食堂6所", target_value=6, unit="所", lead="区教育局"),
    dict(task_id="03-01", project_no=3, project="便民出行工程", category="交通出行", name="道路",
         target_text="改造道路3条", target_value=3, unit="条", lead="区交通运输局"),
    dict(task_id="03-02", project_no=3, project="便民出行工程", category="交通出行", name="充电桩",
         target_text="新增充电桩100个", target_value=100, unit="个", lead="区交通运输局"),
    dict(task_id="04-01", project_no=4, project="稳岗就业工程", category="就业", name="新增就业",
         target_text="新增就业5000人", target_value=5000, unit="人", lead="区人社局"),
    dict(task_id="04-02", project_no=4, project="稳岗就业工程", category="就业", name="培训",
         target_text="培训2000人次", target_value=2000, unit="人次", lead="区人社局"),
]
HOSTILE = '<script>alert(1)</script><img src="file:///etc/passwd"> url(http://example.invalid/x.css)'


def _row(tid, status, text, achieved=None, **extra):
    return dict(task_id=tid, status=status, progress_text=text, achieved=achieved, **SECRETS, **extra)


SUBMISSIONS = {
    "区民政局": [_row("01-01", "已完成", "已建成助餐点12个", 12), _row("01-02", "推进中", "已改造120户", 120)],
    "区教育局": [_row("02-01", "已完成", "新增学位900个", 900), _row("02-02", "滞后", "已改造2所" + HOSTILE, 2)],
    "区交通运输局": [_row("03-01", "已完成", "3条道路全部完工", 3), _row("03-02", "未启动", "选址方案待审定")],
    "区人社局": [_row("04-01", "推进中", "新增就业3100人", 3100), _row("04-02", "推进中", "培训1200人次", 1200)],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import make_workspace

    # the hostile text's URL is confirmed for publication, so this release passes the gate (no draft marks)
    root = make_workspace(tmp_path_factory.mktemp("press") / "ws", TASKS, SUBMISSIONS,
                          header={"reporter": "填报人寅卯辰", "phone": "022-99998888"},
                          config={"allowed_words": ["http://example.invalid/x.css"]})
    result = build(root)
    files = {(o.format, o.variant): o.path for o in result.outputs if o.kind == "press-release"}
    return result, files


def norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def pdf_text(path) -> str:
    # -layout keeps reading order when a long unbreakable token ends a line
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def docx_paragraphs(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def test_three_formats_listed_in_manifest(built):
    result, files = built
    assert set(files) == {("docx", "standard"), ("pdf", "standard"), ("html", "standard")}
    manifest = read_manifest(result.outdir)
    entries = {(e["format"], e["variant"]): e for e in manifest if e["kind"] == "press-release"}
    assert set(entries) == set(files)
    for key, path in files.items():
        assert entries[key]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (result.outdir / entries[key]["path"]).resolve() == path.resolve()
    assert entries[("pdf", "standard")]["pages"] >= 1
    assert "pages" not in entries[("docx", "standard")]


def test_docx_and_pdf_carry_the_same_text(built):
    _, files = built
    paragraphs = docx_paragraphs(files[("docx", "standard")])
    pdf = re.sub(r"—\d+—", "", norm(pdf_text(files[("pdf", "standard")])))  # page numbers
    assert norm("".join(paragraphs)) == pdf
    assert paragraphs[0] == "测试区2025年上半年民心工程进展情况"
    assert paragraphs[1] == "来源：测试区融媒体中心　发布时间：2025年7月10日"


def test_structure_and_counts(built):
    _, files = built
    paragraphs = docx_paragraphs(files[("docx", "standard")])
    lead = paragraphs[2]
    assert "4项民心工程涉及的8项具体工作" in lead
    assert "已累计完成3项（其中1项超额完成预期目标），4项正在加快推进，1项尚未启动。" in lead  # 未启动 apart
    headings = [p for p in paragraphs if re.match(r"^[一二三四五六七八九十]+、", p)]
    assert headings == ["一、幸福养老工程", "二、优质教育工程", "三、便民出行工程", "四、稳岗就业工程"]
    body = "\n".join(paragraphs)
    assert "新建老年助餐点10个。该项目已完成。已建成助餐点12个。" in body
    # a progress opening with 已 needs no 目前; a bare verb is printed as written, with 目前 before it, never 已
    assert "完成适老化改造200户。已改造120户。" in body
    assert "新增就业5000人。目前，新增就业3100人。" in body
    # no closing slogan unless the office writes one in period.toml
    assert paragraphs[-1] == "培训2000人次。目前，培训1200人次。" and "下一步" not in body
    assert "滞后" not in body and body.count("未启动") == body.count("尚未启动") == 1  # the lead says it, in words


def test_no_internal_field_in_any_press_file(built):
    _, files = built
    secrets = list(SECRETS.values()) + ["填报人寅卯辰", "022-99998888"]
    texts = {
        "pdf": pdf_text(files[("pdf", "standard")]),
        "html": files[("html", "standard")].read_text(encoding="utf-8"),
    }
    with zipfile.ZipFile(files[("docx", "standard")]) as z:
        texts["docx"] = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
    for fmt, text in texts.items():
        for secret in secrets:
            assert secret not in text, (fmt, secret)


def test_html_is_escaped_and_self_contained(built):
    _, files = built
    html = files[("html", "standard")].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file' not in html
    assert not re.search(r'(src|href)\s*=\s*"(https?:|file:|//)', html)
    assert "<link" not in html and "@import" not in html
    assert '<html lang="zh-CN">' in html and "<style>" in html


def test_hostile_text_shows_literally_in_pdf(built):
    _, files = built
    text = norm(pdf_text(files[("pdf", "standard")]))
    assert norm("<script>alert(1)</script>") in text
    assert norm('<img src="file:///etc/passwd">') in text


def test_pdf_fonts_embedded_and_cjk(built):
    _, files = built
    out = subprocess.run(["pdffonts", str(files[("pdf", "standard")])], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        cols = row.split()
        assert cols[-5] == "yes" and cols[-4] == "yes", row  # emb, sub
    assert any("CJK" in r for r in rows)


def test_docx_styles_set_east_asian_font(built):
    _, files = built
    with zipfile.ZipFile(files[("docx", "standard")]) as z:
        styles = z.read("word/styles.xml").decode()
        document = z.read("word/document.xml").decode()
    fonts = re.findall(r"<w:rFonts [^>]*/>", styles) + re.findall(r"<w:rFonts [^>]*/>", document)
    assert fonts
    for f in fonts:
        if "w:ascii=" in f or "w:hAnsi=" in f:
            assert "w:eastAsia=" in f, f
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles


def test_rebuild_is_byte_identical(built):
    result, files = built
    before = {k: p.read_bytes() for k, p in files.items()}
    build(result.outdir.parent.parent)
    for key, data in before.items():
        assert files[key].read_bytes() == data, key


@pytest.mark.skipif(subprocess.run(["which", "libreoffice"], capture_output=True).returncode != 0,
                    reason="LibreOffice not installed")
def test_docx_opens_in_libreoffice(built, tmp_path):
    _, files = built
    from conftest import libreoffice

    libreoffice(files[("docx", "standard")], "pdf", tmp_path)
    pdfs = list(tmp_path.glob("*.pdf"))
    assert pdfs
    assert "幸福养老工程" in pdf_text(pdfs[0])


def test_pdf_renderer_fetches_nothing_outside_the_template_folder(tmp_path, caplog):
    import logging

    from reportgen.render.env import builtin_templates
    from reportgen.render.pdf import html_to_pdf

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }", encoding="utf-8")
    html = (f'<html><head><link rel="stylesheet" href="file://{secret}">'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
            '<body><img src="file:///etc/passwd"><p>正文</p></body></html>')
    with caplog.at_level(logging.WARNING):
        pages = html_to_pdf(html, tmp_path / "out.pdf", base=builtin_templates(), roots=[builtin_templates()])
    assert pages == 1
    refused = [r.getMessage() for r in caplog.records if "已拒绝加载外部资源" in r.getMessage()]
    assert any(str(secret) in m for m in refused)
    assert any("127.0.0.1" in m for m in refused) and any("/etc/passwd" in m for m in refused)


def test_web_numbering(tmp_path):
    from conftest import make_workspace

    root = make_workspace(tmp_path / "ws", TASKS[:3], {}, config={"numbering": "web"})
    docx = next(o.path for o in build(root).outputs if o.kind == "press-release" and o.format == "docx")
    headings = [p for p in docx_paragraphs(docx) if re.match(r"^\d{2}　", p)]
    assert headings == ["01　幸福养老工程", "02　优质教育工程"]
