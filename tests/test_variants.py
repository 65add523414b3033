"""繁體版, 适老版 and the accessible (tagged) PDF."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter

import opencc
import pdfplumber
import pypdf
import pytest
from docx import Document

from conftest import make_workspace
from reportgen import build
from reportgen.render.manifest import read_manifest
from reportgen.render.variants import to_traditional

TASKS = [
    dict(task_id="01-01", project_no=1, project="养老服务提升工程", category="养老", name="助餐",
         target_text="新建老年助餐点10个，开展“银龄”关爱活动", target_value=10, unit="个", lead="区民政局"),
    dict(task_id="02-01", project_no=2, project="学校建设工程", category="教育", name="学位",
         target_text="新增义务教育学位1800个", target_value=1800, unit="个", lead="区教育局"),
]
SUBS = {
    "区民政局": [dict(task_id="01-01", status="已完成", progress_text="已建成助餐点10个，举办‘重阳’主题活动", achieved=10,
                      problems="内部问题甲乙丙", next_steps="内部打算丁戊己", contact="联系人庚辛", phone="13900001111",
                      remarks="备注癸子丑")],
    "区教育局": [dict(task_id="02-01", status="推进中", progress_text="新建学校主体结构封顶，已新增学位900个", achieved=900)],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_workspace(tmp_path_factory.mktemp("variants") / "ws", TASKS, SUBS,
                          config={"variants": ["traditional", "large-print"]})
    result = build(root)
    return result, {(o.format, o.variant): o.path for o in result.outputs if o.kind == "press-release"}


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_variants_from_report_toml_are_in_manifest(built):
    result, files = built
    assert {("docx", "traditional"), ("html", "traditional"), ("pdf", "traditional"),
            ("pdf", "large-print"), ("html", "large-print")} <= set(files)
    listed = {(e["format"], e["variant"]) for e in read_manifest(result.outdir) if e["kind"] == "press-release"}
    assert listed == set(files)


def test_traditional_text_has_no_simplified_characters(built):
    _, files = built
    texts = [
        pdf_text(files[("pdf", "traditional")]),
        "\n".join(p.text for p in Document(str(files[("docx", "traditional")])).paragraphs),
        files[("html", "traditional")].read_text(encoding="utf-8").split("<body", 1)[1],
    ]
    for text in ("".join(t.split()) for t in texts):
        assert to_traditional(text) == text  # converting again changes nothing: nothing left to convert
        assert "養老服務提升工程" in text and "來源" in text and "該項目已完成" in text
        assert "“銀齡”" in text and "‘重陽’" in text  # a mainland repost keeps “ ” (the 河西 reference)
        assert "「" not in text and "『" not in text


def test_traditional_pdf_uses_traditional_faces(built):
    _, files = built
    fonts = subprocess.run(["pdffonts", str(files[("pdf", "traditional")])], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all("TC" in line for line in cjk), fonts  # s2t, the default: mainland Traditional
    assert pypdf.PdfReader(files[("pdf", "traditional")]).trailer["/Root"]["/Lang"] == "zh-Hant"


def test_no_internal_field_in_variants(built):
    _, files = built
    for (fmt, variant), path in files.items():
        if fmt == "pdf":
            text = pdf_text(path)
        elif fmt == "docx":
            with zipfile.ZipFile(path) as z:
                text = z.read("word/document.xml").decode()
        else:
            text = path.read_text(encoding="utf-8")
        for secret in ("內部問題", "内部问题", "內部打算", "内部打算", "13900001111", "癸子丑", "庚辛"):
            assert secret not in text, (fmt, variant, secret)


def test_large_print_body_size_measured_from_pdf(built):
    _, files = built
    with pdfplumber.open(files[("pdf", "large-print")]) as pdf:
        sizes = Counter(round(c["size"], 1) for page in pdf.pages for c in page.chars if "\u4e00" <= c["text"] <= "\u9fff")
        standard = pdfplumber.open(files[("pdf", "standard")])
        std_sizes = Counter(round(c["size"], 1) for p in standard.pages for c in p.chars if "\u4e00" <= c["text"] <= "\u9fff")
        standard.close()
        every_size = {round(c["size"], 1) for page in pdf.pages for c in page.chars if c["text"].strip()}
    body_size = sizes.most_common(1)[0][0]
    assert body_size >= 18
    assert min(every_size) >= 18  # nothing smaller than 18 pt: headings, date line and page numbers included
    assert std_sizes.most_common(1)[0][0] < body_size


def test_large_print_html_css(built):
    _, files = built
    html = files[("html", "large-print")].read_text(encoding="utf-8")
    assert "body.screen { font-size: 24px; line-height: 1.8; }" in html
    assert "color: #000; background: #fff;" in html


def test_standard_pdf_is_tagged_with_language_and_title(built):
    _, files = built
    reader = pypdf.PdfReader(files[("pdf", "standard")])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-CN"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "测试区2025年上半年民心工程进展情况"


def test_conversion_fixes_what_opencc_reads_as_hair():
    assert to_traditional("按时足额发放低保金") == "按時足額發放低保金"
    assert to_traditional("把头发放下") == "把頭髮放下"


SIMPLIFIED_FONTS = {"宋体", "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"}


def test_traditional_docx_names_traditional_fonts_and_language(built):
    _, files = built
    with zipfile.ZipFile(files[("docx", "traditional")]) as z:
        parts = {n: z.read(n).decode() for n in z.namelist() if re.fullmatch(r"word/(styles|document|footer\d*)\.xml", n)}
    fonts = {f for xml in parts.values() for f in re.findall(r'w:eastAsia="([^"]+)"', xml) if not f.startswith("zh-")}
    assert fonts and not fonts & SIMPLIFIED_FONTS, fonts
    assert not any("Theme=" in xml for xml in parts.values())  # a theme font would win over the named one
    assert '<w:lang w:val="zh-TW" w:eastAsia="zh-TW"' in parts["word/styles.xml"]  # Word's tag for zh-Hant


@pytest.mark.parametrize("conversion, faces, lang, phrase", [
    ("s2hk", "HK", "zh-HK", "養老服務提升工程"),
    ("s2tw", "TC", "zh-TW", "「銀齡」"),
])
def test_regional_variant_is_tagged_and_set_in_its_faces(tmp_path, conversion, faces, lang, phrase):
    root = make_workspace(tmp_path / lang, TASKS, SUBS, config={"traditional": conversion})
    result = build(root, variants=("traditional",))
    files = {o.format: o.path for o in result.outputs if o.kind == "press-release" and o.variant == "traditional"}
    fonts = subprocess.run(["pdffonts", str(files["pdf"])], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(faces in line for line in cjk), fonts
    assert pypdf.PdfReader(files["pdf"]).trailer["/Root"]["/Lang"] == lang
    assert f'<html lang="{lang}">' in files["html"].read_text(encoding="utf-8")
    with zipfile.ZipFile(files["docx"]) as z:
        assert f'<w:lang w:val="{lang}" w:eastAsia="{lang}"' in z.read("word/styles.xml").decode()
    text = "".join(pdf_text(files["pdf"]).split())
    assert opencc.OpenCC(conversion).convert(text) == text and phrase in text
