"""Write the built-in Word templates (templates/*.docx) that docxtpl fills.

Offices open and edit these in Word or WPS; the Jinja tags sit in whole
paragraphs so Word does not split them across runs. Every style and run
names the East-Asian font (w:eastAsia), office fonts first.
Run from the repository root: .venv/bin/python scripts/make_docx_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reportgen.render.files import make_zip_reproducible  # noqa: E402

LATIN = "Times New Roman"
TITLE_FONT, HEI, FANGSONG, KAI, SONG = "方正小标宋简体", "黑体", "仿宋_GB2312", "楷体_GB2312", "宋体"
# East-Asian fonts per role: office fonts for the mainland; Traditional faces for 繁體版.
SIMPLIFIED = {"title": TITLE_FONT, "heading": HEI, "body": FANGSONG}
TRADITIONAL = {"title": "新細明體", "heading": "微軟正黑體", "body": "新細明體"}


def set_fonts(element_rpr_owner, east_asia: str, size: float | None = None, bold: bool | None = None,
              color: RGBColor | None = None) -> None:
    """Name the East-Asian font slot as well as ascii/hAnsi on a style or run."""
    font = element_rpr_owner.font
    font.name = LATIN
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = element_rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(slot), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)


def paragraph_style(doc, name: str, east_asia: str, size: float, *, bold=False, align=None, indent=True,
                    before=0, after=0, line=28, color=None, base="Normal"):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    if name != "Normal":
        style.base_style = styles[base]
    set_fonts(style, east_asia, size, bold, color)
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(line)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.first_line_indent = Pt(size * 2) if indent else Pt(0)
    if align is not None:
        pf.alignment = align
    return style


def base_document(margins=(37, 35, 28, 26)):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (Mm(m) for m in margins)
    # every built-in style that names fonts gets the East-Asian slot too
    for style in doc.styles:
        if style.type == 1 or style.type == 2:
            try:
                set_fonts(style, SONG)
            except AttributeError:
                pass
    return doc


def add_paragraph(doc, text: str, style: str, fonts: dict = SIMPLIFIED):
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    role = {"RG Title": "title", "RG Heading 1": "heading"}.get(style, "body")
    set_fonts(run, fonts[role])
    return p


def press_release(path: Path, fonts: dict = SIMPLIFIED) -> None:
    doc = base_document(margins=(30, 28, 28, 26))
    paragraph_style(doc, "Normal", fonts["body"], 16, indent=False)
    paragraph_style(doc, "RG Title", fonts["title"], 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                    after=6, line=34)
    paragraph_style(doc, "RG Meta", fonts["body"], 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12, line=20,
                    color=RGBColor(0x59, 0x59, 0x59))
    paragraph_style(doc, "RG Body", fonts["body"], 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, "RG Heading 1", fonts["heading"], 16, indent=True, before=6)
    add = lambda text, style: add_paragraph(doc, text, style, fonts)  # noqa: E731
    add("{{ headline }}", "RG Title")
    add("来源：{{ publisher }}　发布时间：{{ period.publish_date|cndate }}", "RG Meta")
    add("{{ lead }}", "RG Body")
    add("{%p for g in groups %}", "RG Body")
    add("{{ g.no_cn }}、{{ g.title }}", "RG Heading 1")
    add("{%p for t in g.tasks %}", "RG Body")
    add("{{ t.target }}{% if t.done %}该项目已完成。{% endif %}{{ t.progress }}", "RG Body")
    add("{%p endfor %}", "RG Body")
    add("{%p endfor %}", "RG Body")
    add("{{ closing }}", "RG Body")
    doc.core_properties.title = "新闻通稿模板"
    doc.core_properties.author = "reportgen"
    doc.save(path)
    make_zip_reproducible(path)


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    press_release(out / "press-release.docx")
    press_release(out / "press-release-traditional.docx", TRADITIONAL)
    print("已生成 templates/press-release.docx、press-release-traditional.docx")


if __name__ == "__main__":
    main()
