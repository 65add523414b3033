"""A rendered press-release page (HTML) → DOCX in the styles of a reference Word document.

The Word version is not a second template: its text is the HTML page's, paragraph by paragraph,
and its look (page, fonts, sizes, spacing, page numbers) is `press-release.docx`'s, which an office
can restyle in Word or WPS. Each HTML block maps to one paragraph style:

    h1 → RG Title   p.meta → RG Meta   h2 → RG Heading 1   h3 → RG Heading 2
    p.draft-banner → RG Draft   any other p, li → RG Body

<strong>/<b> make bold runs, <em>/<i> italic, <br> a line break; everything else gives its text.
The reference document's own paragraphs are dropped. A draft gets a red header on every page.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import html as lxml_html

from .files import Stamp, atomic_path, docx_properties, save_docx

BLOCK_STYLES = {"h1": "RG Title", "h2": "RG Heading 1", "h3": "RG Heading 2", "h4": "RG Heading 2"}
CLASS_STYLES = {"meta": "RG Meta", "draft-banner": "RG Draft"}
SKIP_CLASSES = {"watermark"}
CONTAINERS = {"article", "section", "header", "footer", "main", "div", "ul", "ol", "body"}
# East-Asian faces of the 繁體版: the reference document names office fonts for Simplified text
TRADITIONAL_FONTS = {"方正小标宋简体": "新細明體", "黑体": "微軟正黑體", "仿宋_GB2312": "新細明體", "仿宋": "新細明體",
                     "宋体": "新細明體", "楷体_GB2312": "標楷體", "楷体": "標楷體"}
WORD_LANGS = {"zh-Hant": "zh-TW"}  # Word knows Traditional Chinese by region
DRAFT_HEADER = "草稿　未经审核，不得发布"


def write_docx(page: str, reference: Path, target: Path, *, title: str, stamp: Stamp, lang: str,
               traditional: bool = False, draft_header: str = DRAFT_HEADER) -> None:
    doc = Document(str(reference))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    styles = {s.name for s in doc.styles}
    tree = lxml_html.document_fromstring(page)
    article = tree.find(".//article")
    _blocks(doc, article if article is not None else tree.find("body"), styles)
    if "draft" in (tree.find("body").get("class") or "").split():
        _draft_header(doc, draft_header)
    if traditional:
        _traditional_fonts(doc)
    _language(doc, WORD_LANGS.get(lang, lang))
    docx_properties(doc, stamp, title, lang)
    with atomic_path(target) as tmp:
        save_docx(doc, tmp, stamp.when)


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _blocks(doc, parent, styles: set[str]) -> None:
    for el in parent:
        if not isinstance(el.tag, str) or _classes(el) & SKIP_CLASSES or el.get("aria-hidden") == "true":
            continue
        tag = el.tag.lower()
        if tag in CONTAINERS and tag != "li":
            _blocks(doc, el, styles)
            continue
        style = next((CLASS_STYLES[c] for c in _classes(el) if c in CLASS_STYLES), None) or BLOCK_STYLES.get(tag, "RG Body")
        if style not in styles:
            style = "RG Heading 1" if style.startswith("RG Heading") and "RG Heading 1" in styles else (
                "RG Body" if "RG Body" in styles else None)
        para = doc.add_paragraph(style=style)
        _inline(para, el, bold=False, italic=False)


def _inline(para, el, *, bold: bool, italic: bool) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    bold = bold or tag in ("strong", "b")
    italic = italic or tag in ("em", "i")
    if tag == "br":
        para.add_run().add_break(WD_BREAK.LINE)
    elif el.text:
        _run(para, el.text, bold, italic)
    for child in el:
        if isinstance(child.tag, str):
            _inline(para, child, bold=bold, italic=italic)
        if child.tail:
            _run(para, child.tail, bold, italic)


def _run(para, text: str, bold: bool, italic: bool) -> None:
    text = " ".join(text.split("\n"))
    if not text:
        return
    # consecutive text of the same look goes into one run, as Word would write it
    runs = para.runs
    if runs and bool(runs[-1].bold) == bold and bool(runs[-1].italic) == italic and not runs[-1]._r.findall(qn("w:br")):
        runs[-1].text += text
        return
    run = para.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True


def _draft_header(doc, text: str) -> None:
    for section in doc.sections:
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        p.text = ""
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x00)


def _font_elements(doc):
    yield from doc.styles.element.iter(qn("w:rFonts"))
    for section in doc.sections:
        for part in (section.header, section.footer, section.even_page_header, section.even_page_footer):
            yield from part._element.iter(qn("w:rFonts"))


def _traditional_fonts(doc) -> None:
    for rfonts in _font_elements(doc):
        face = rfonts.get(qn("w:eastAsia"))
        if face in TRADITIONAL_FONTS:
            rfonts.set(qn("w:eastAsia"), TRADITIONAL_FONTS[face])


def _language(doc, lang: str) -> None:
    """The East-Asian language of the document's defaults and styles (zh-CN, zh-HK, zh-TW)."""
    for el in doc.styles.element.iter(qn("w:lang")):
        if el.get(qn("w:eastAsia")):
            el.set(qn("w:eastAsia"), lang)
        if (el.get(qn("w:val")) or "").startswith("zh"):
            el.set(qn("w:val"), lang)
    theme = doc.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:eastAsia"), lang)
