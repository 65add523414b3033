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
# East-Asian fonts per role: office fonts for the mainland (繁體版 swaps them: render/docx_writer.py).
SIMPLIFIED = {"title": TITLE_FONT, "heading": HEI, "body": FANGSONG, "plain": SONG, "lang": "zh-CN"}
THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


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
    name_fonts(rfonts, east_asia)


def name_fonts(rfonts, east_asia: str) -> None:
    """Explicit fonts in every slot; theme slots removed, since Word lets a theme font win over a named one."""
    for slot in THEME_SLOTS:
        rfonts.attrib.pop(qn(slot), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(slot), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)


def paragraph_style(doc, name: str, east_asia: str, size: float, *, bold=False, align=None, indent=True,
                    before=0, after=0, line=28, color=None, base="Normal", keep=False):
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
    pf.keep_with_next = keep or None  # headings and lead-ins stay on the page of what follows them
    return style


def base_document(margins=(37, 35, 28, 26), fonts: dict = SIMPLIFIED):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (Mm(m) for m in margins)
    # document defaults: named fonts instead of theme fonts, and Chinese as the East-Asian language
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    name_fonts(defaults.find(qn("w:rFonts")), fonts["plain"])
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), fonts["lang"])
    lang.set(qn("w:eastAsia"), fonts["lang"])
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))  # python-docx's default says ja-JP
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), fonts["lang"])
    # every built-in style gets the East-Asian slot too, table styles' conditional parts included
    for style in doc.styles:
        if style.type == 1 or style.type == 2:
            try:
                set_fonts(style, fonts["plain"])
            except AttributeError:
                pass
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        name_fonts(rfonts, fonts["plain"])
    return doc


def add_paragraph(doc, text: str, style: str, fonts: dict = SIMPLIFIED):
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    role = {"RG Title": "title", "RG Heading 1": "heading"}.get(style, "body")
    set_fonts(run, fonts[role])
    return p


def press_release(path: Path, fonts: dict = SIMPLIFIED) -> None:
    """The Word look of the press release: page, styles and page numbers. Its text comes from the
    HTML template (render/docx_writer.py maps h1, p.meta, h2, h3, p.draft-banner, p to these styles);
    the paragraphs below only show the styles and are dropped when a release is written."""
    doc = base_document(margins=(30, 28, 28, 26), fonts=fonts)
    paragraph_style(doc, "Normal", fonts["body"], 16, indent=False)
    paragraph_style(doc, "RG Title", fonts["title"], 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                    after=6, line=34)
    paragraph_style(doc, "RG Meta", fonts["body"], 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12, line=20,
                    color=RGBColor(0x59, 0x59, 0x59))
    paragraph_style(doc, "RG Body", fonts["body"], 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, "RG Heading 1", fonts["heading"], 16, indent=True, before=6, keep=True)
    paragraph_style(doc, "RG Heading 2", KAI, 16, indent=True, keep=True)
    paragraph_style(doc, "RG Draft", fonts["heading"], 12, bold=True, indent=False, after=6, line=20,
                    color=RGBColor(0xB0, 0x00, 0x00))
    add = lambda text, style: add_paragraph(doc, text, style, fonts)  # noqa: E731
    add("新闻通稿的版面和样式", "RG Title")
    add("本文件只决定 Word 版的页面、字体、字号、行距和页码；文字来自 press-release.html.j2 等模板。", "RG Meta")
    add("一、标题样式 RG Heading 1", "RG Heading 1")
    add("正文样式 RG Body：在 Word 或 WPS 中修改这些样式，生成的 Word 版随之改变。下面的段落在生成时会被替换。", "RG Body")
    add("草稿提示样式 RG Draft", "RG Draft")
    page_footer(doc.sections[0].footer, WD_ALIGN_PARAGRAPH.CENTER, fonts["plain"])
    doc.core_properties.title = "新闻通稿样式"
    doc.core_properties.author = "reportgen"
    doc.save(path)
    make_zip_reproducible(path)


RED = RGBColor(0xD4, 0x00, 0x00)


def field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, TOC…) that Word computes; the placeholder shows until it does."""
    def run_with(tag, **attrs):
        r = paragraph.add_run()
        el = r._r.makeelement(qn(tag), {qn(k): v for k, v in attrs.items()})
        r._r.append(el)
        return r, el

    run_with("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"})
    _, instr = run_with("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    if placeholder:
        paragraph.add_run(placeholder)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def page_footer(footer, align, east_asia: str = SONG) -> None:
    p = footer.paragraphs[0]
    p.alignment = align
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
    for text in ("— ", None, " —"):
        if text is None:
            field(p, "PAGE", "")
        else:
            p.add_run(text)
    for r in p.runs:
        set_fonts(r, east_asia, 14)


def settings_flags(doc, update_fields: bool = True) -> None:
    """Odd/even footers differ; with `update_fields`, Word refreshes fields (page numbers, TOC) on open (the
    pack sets that itself, only when it has a table of contents: Word asks before every refresh)."""
    settings = doc.settings.element
    for tag in ("w:evenAndOddHeaders",) + (("w:updateFields",) if update_fields else ()):
        el = settings.makeelement(qn(tag), {qn("w:val"): "true"} if tag == "w:updateFields" else {})
        settings.insert(0, el)


def table(doc, headers: list[tuple[str, float]], loop: str, cells: list[str], total: list[str] | None = None,
          style: str = "RG Table"):
    """A table with a header row repeated on every page and a docxtpl row loop."""
    t = doc.add_table(rows=4, cols=len(headers))  # header, {%tr for %}, data row, {%tr endfor %}
    t.style = doc.styles["Table Grid"]
    t.alignment = 1
    if total:
        t.add_row()
    rows = t.rows
    t.autofit = False
    tblpr = t._tbl.tblPr
    tblpr.append(tblpr.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"}))
    margins = tblpr.makeelement(qn("w:tblCellMar"), {})  # 1 mm sides: narrow columns keep 01-01 on one line
    for side in ("w:left", "w:right"):
        margins.append(margins.makeelement(qn(side), {qn("w:w"): "57", qn("w:type"): "dxa"}))
    tblpr.append(margins)
    for i, (label, width) in enumerate(headers):
        t.columns[i].width = Mm(width)
        for row in rows:
            row.cells[i].width = Mm(width)
        cell = rows[0].cells[i]
        cell.paragraphs[0].style = doc.styles["RG Table Head"]
        cell.paragraphs[0].add_run(label)
    trpr = rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
    rows[1].cells[0].paragraphs[0].add_run("{%tr " + loop + " %}")
    rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for row, texts in ((rows[2], cells), (rows[4] if total else None, total or [])):
        for i, text in enumerate(texts):
            para = row.cells[i].paragraphs[0]
            para.style = doc.styles[style]
            para.add_run(text)
        if row is not None:
            trpr = row._tr.get_or_add_trPr()
            trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
    return t


TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
               "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
               "tblCaption", "tblDescription")


def table_property(tbl, tag: str, attrs: dict, children: list | None = None):
    """Set a w:tblPr child, replacing one already there, in the order the schema requires (Word checks it)."""
    tblpr = tbl.tblPr
    old = tblpr.find(qn(f"w:{tag}"))
    if old is not None:
        tblpr.remove(old)
    el = tblpr.makeelement(qn(f"w:{tag}"), {qn(k): v for k, v in attrs.items()})
    for child in children or []:
        el.append(child)
    rank = TBLPR_ORDER.index(tag)
    after = [c for c in tblpr if c.tag.split("}")[1] in TBLPR_ORDER and TBLPR_ORDER.index(c.tag.split("}")[1]) > rank]
    if after:
        after[0].addprevious(el)
    else:
        tblpr.append(el)
    return el


def data_table(doc, var: str):
    """A pack table as the pack context describes it (`var`: columns, rows, widths): the header row repeated
    on every page, rows never split; widths and alignments are set per table after rendering (its caption
    is the table's id), the same as the PDF's."""
    t = doc.add_table(rows=4, cols=3)  # header, {%tr for %}, data row, {%tr endfor %}
    t.style = doc.styles["Table Grid"]
    t.alignment = 1
    t.autofit = False
    table_property(t._tbl, "tblLayout", {"w:type": "fixed"})
    tblpr = t._tbl.tblPr
    sides = [tblpr.makeelement(qn(f"w:{side}"), {qn("w:w"): "57", qn("w:type"): "dxa"})  # 1 mm, as in the PDF
             for side in ("top", "left", "bottom", "right")]
    table_property(t._tbl, "tblCellMar", {}, sides)
    table_property(t._tbl, "tblCaption", {"w:val": "{{ %s.id }}" % var})
    rows = t.rows
    for i, (text, style) in enumerate((("{%tc for c in " + var + ".columns %}", "RG Table Head"),
                                       ("{{ c.label }}", "RG Table Head"), ("{%tc endfor %}", "RG Table Head"))):
        para = rows[0].cells[i].paragraphs[0]
        para.style = doc.styles[style]
        para.add_run(text)
    trpr = rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
    rows[1].cells[0].paragraphs[0].add_run("{%tr for row in " + var + ".rows %}")
    for i, text in enumerate(("{%tc for cell in row.cells %}", "{{ cell.text }}", "{%tc endfor %}")):
        para = rows[2].cells[i].paragraphs[0]
        para.style = doc.styles["RG Table"]
        para.add_run(text)
    trpr = rows[2]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
    rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    return t


def toc_entry(doc, level: int) -> None:
    """One entry of the table of contents, inside a TOC field: the field starts with the first entry and ends
    with the last, so Word can update it, and until then it shows the pages of the PDF's layout."""
    p = doc.add_paragraph(style=f"toc {level}")
    p.add_run("{% if loop.first %}")
    field_chars(p, "begin", 'TOC \\o "1-2" \\h \\z \\u')
    p.add_run("{% endif %}")
    set_fonts(p.add_run("{{ e.text }}\t{{ e.page }}"), FANGSONG)
    p.add_run("{% if loop.last %}")
    field_chars(p, "end")
    p.add_run("{% endif %}")


def field_chars(paragraph, which: str, instruction: str = "") -> None:
    def run_with(tag, **attrs):
        r = paragraph.add_run()
        el = r._r.makeelement(qn(tag), {qn(k): v for k, v in attrs.items()})
        r._r.append(el)
        return el

    if which == "begin":
        run_with("w:fldChar", **{"w:fldCharType": "begin"})
        instr = run_with("w:instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = f" {instruction} "
        run_with("w:fldChar", **{"w:fldCharType": "separate"})
    else:
        run_with("w:fldChar", **{"w:fldCharType": "end"})


COLOPHON_MM = 149.5  # LibreOffice floats a table only when it is somewhat narrower than the text area


def colophon_table(doc):
    """版记 (GB/T 9704 §7.4): a table floated to the foot of the last page's text area, thick rules above
    and below, a thin rule between the lines; 报/送/发 lines, then the compiler and 共印N份."""
    t = doc.add_table(rows=4, cols=1)  # {%tr for %}, line, {%tr endfor %}, last line
    t.autofit = False
    # floated to the bottom of the text area
    table_property(t._tbl, "tblpPr", {
        "w:leftFromText": "0", "w:rightFromText": "0", "w:topFromText": "0", "w:bottomFromText": "0",
        "w:vertAnchor": "margin", "w:horzAnchor": "margin", "w:tblpXSpec": "center", "w:tblpYSpec": "bottom"})
    table_property(t._tbl, "tblW", {"w:w": str(round(COLOPHON_MM * 1440 / 25.4)), "w:type": "dxa"})
    tblpr = t._tbl.tblPr
    rules = [tblpr.makeelement(qn(f"w:{side}"), {qn("w:val"): "single", qn("w:sz"): size, qn("w:space"): "0",
                                                 qn("w:color"): "000000"})
             for side, size in (("top", "8"), ("bottom", "8"), ("insideH", "4"))]
    table_property(t._tbl, "tblBorders", {}, rules)
    table_property(t._tbl, "tblLayout", {"w:type": "fixed"})
    t.columns[0].width = Mm(COLOPHON_MM)
    for row in t.rows:
        row.cells[0].width = Mm(COLOPHON_MM)
    rows = t.rows
    rows[0].cells[0].paragraphs[0].add_run("{%tr for line in colophon.lines %}")
    line = rows[1].cells[0].paragraphs[0]
    line.style = doc.styles["RG Colophon"]
    set_fonts(line.add_run("{{ line.label }}：{{ line.text }}"), FANGSONG)
    rows[2].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    last = rows[3].cells[0].paragraphs[0]
    last.style = doc.styles["RG Colophon"]
    last.paragraph_format.tab_stops.add_tab_stop(Mm(COLOPHON_MM) - Pt(28) - Mm(2), alignment=2)
    set_fonts(last.add_run("{{ colophon.compiler }}\t{% if colophon.copies %}共印{{ colophon.copies }}份{% endif %}"),
              FANGSONG)
    return t


def briefing_pack(path: Path) -> None:
    doc = base_document()
    paragraph_style(doc, "Normal", FANGSONG, 16, indent=False)
    paragraph_style(doc, "RG Body", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, "RG Masthead", TITLE_FONT, 40, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                    line=56, after=6, color=RED)
    paragraph_style(doc, "RG Issue", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=6)
    paragraph_style(doc, "RG Title", TITLE_FONT, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                    before=12, after=12, line=34, keep=True)
    paragraph_style(doc, "RG Heading 1", HEI, 16, before=6, keep=True)
    paragraph_style(doc, "RG Heading 2", KAI, 16, before=6, keep=True)
    paragraph_style(doc, "RG Annex", HEI, 16, indent=False, keep=True)
    paragraph_style(doc, "RG Lead-in", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY, keep=True)
    paragraph_style(doc, "RG Annex List", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.LEFT, keep=True)
    paragraph_style(doc, "RG Caption", HEI, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=20, after=6)
    figure = paragraph_style(doc, "RG Figure", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=6,
                             keep=True)
    figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact spacing would clip the picture
    paragraph_style(doc, "RG Annex Title", TITLE_FONT, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                    before=12, after=12, line=34, keep=True, base="RG Title")
    for name, level in (("RG Heading 1", "0"), ("RG Heading 2", "1"), ("RG Annex Title", "0")):  # listed in the TOC
        ppr = doc.styles[name].element.get_or_add_pPr()
        ppr.append(ppr.makeelement(qn("w:outlineLvl"), {qn("w:val"): level}))
    paragraph_style(doc, "RG Table", FANGSONG, 10.5, indent=False, line=16)
    paragraph_style(doc, "RG Table Head", HEI, 10.5, indent=False, line=16, align=WD_ALIGN_PARAGRAPH.CENTER,
                    keep=True)
    paragraph_style(doc, "RG Colophon", FANGSONG, 14, indent=False, line=26)
    doc.styles["RG Colophon"].paragraph_format.left_indent = Pt(14)
    doc.styles["RG Colophon"].paragraph_format.right_indent = Pt(14)
    paragraph_style(doc, "RG TOC Title", HEI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for level in (1, 2):  # Word's own TOC styles: a refreshed table of contents keeps the look of the PDF's
        toc = paragraph_style(doc, f"toc {level}", FANGSONG, 14, indent=False, line=24)
        toc.paragraph_format.left_indent = Pt(28 * (level - 1))
        toc.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2, leader=1)  # right, dot leader
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        toc.element.attrib.pop(qn("w:customStyle"), None)  # a built-in style, the one Word's refresh uses
        toc.hidden = False
        toc.unhide_when_used = True
    roles = {"RG Masthead": TITLE_FONT, "RG Title": TITLE_FONT, "RG Annex Title": TITLE_FONT, "RG Heading 1": HEI, "RG Caption": HEI,
             "RG Table Head": HEI, "RG Annex": HEI, "RG TOC Title": HEI, "RG Heading 2": KAI}

    def add(text: str, style: str = "RG Body"):
        p = doc.add_paragraph(style=style)
        if text:
            set_fonts(p.add_run(text), roles.get(style, FANGSONG))
        return p

    def figures(place: str) -> None:
        add("{%p for f in images." + place + " %}")
        add("{{ f.image }}", "RG Figure")
        add("{{ f.caption }}", "RG Caption")
        add("{%p endfor %}")

    def table(var: str) -> None:
        data_table(doc, var)

    add("{{ briefing_title }}", "RG Masthead")
    add("{%p if period.issue_no %}")
    add("第{{ period.issue_no }}期{% if internal %}（内部版）{% endif %}", "RG Issue")
    add("{%p endif %}")
    line = add("{{ compiler }}\t{{ period.publish_date|cndate }}", "RG Issue")
    line.alignment = WD_ALIGN_PARAGRAPH.LEFT
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)
    ppr = line._p.get_or_add_pPr()
    bdr = ppr.makeelement(qn("w:pBdr"), {})
    bdr.append(bdr.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "3",
                                                 qn("w:color"): "D40000"}))
    ppr.append(bdr)
    add("{{ title }}", "RG Title")
    add("{%p if toc %}")
    add("目　录", "RG TOC Title")
    add("{%p for e in toc_entries %}")
    add("{%p if e.level == 1 %}")
    toc_entry(doc, 1)
    add("{%p else %}")
    toc_entry(doc, 2)
    add("{%p endif %}")
    add("{%p endfor %}")
    add("{%p endif %}")
    add("{{ sections.overview }}", "RG Heading 1")
    add("{{ overview }}")
    figures("status")
    add("{%p if changes %}")
    add("（一）与{{ changes.previous_label }}相比", "RG Heading 2")
    add("{{ changes.summary }}")
    add("{%p with t = change_tables['status-changes'] %}")
    add("{%p if t %}")
    table("t")
    add("{%p endif %}")
    add("{%p endwith %}")
    add("{%p with t = change_tables['group-changes'] %}")
    add("{%p if t %}")
    add("分{{ group_word }}看，完成情况变化如下：", "RG Lead-in")
    table("t")
    add("{%p endif %}")
    add("{%p endwith %}")
    add("（二）各{{ group_word }}进展", "RG Heading 2")
    add("{%p endif %}")
    table("overview_table")
    figures("by_group")
    add("{%p if trend %}")  # 本年度各期进展 (render/trend.py), from the year's second period
    add("{{ trend.heading }}", "RG Heading 2")
    add("{{ trend.sentence }}")
    figures("trend")
    add("{{ trend.lead }}", "RG Lead-in")
    add("{%p with t = trend.table %}")
    add("{%p if t %}")
    table("t")
    add("{%p endif %}")
    add("{%p endwith %}")
    add("{%p endif %}")
    add("{{ sections.groups }}", "RG Heading 1")
    add("{%p for g in groups %}")
    add("{{ g.label }}", "RG Heading 2")
    add("{{ g.sentence }}", "RG Lead-in")
    table("g.table")
    add("{%p endfor %}")
    add("{{ sections.attention }}", "RG Heading 1")
    add("{%p for line in attention %}")
    add("{{ line }}")
    add("{%p endfor %}")
    add("{%p for name in annex_list %}")  # 附件说明: a blank line above, the names aligned under the first
    add("{%p if loop.first %}")
    first = add("附件：{{ name }}", "RG Annex List")
    first.paragraph_format.space_before = Pt(28)
    add("{%p else %}")
    more = add("{{ name }}", "RG Annex List")
    more.paragraph_format.first_line_indent = Pt(16 * 5)
    add("{%p endif %}")
    add("{%p endfor %}")
    add("{%p for a in annexes %}")
    p = add("{{ a.label }}", "RG Annex")
    p.paragraph_format.page_break_before = True
    add("{{ a.title }}", "RG Annex Title")
    add("{%p for part in a.parts %}")
    add("{%p if part.heading %}")
    add("{{ part.heading }}", "RG Heading 2")
    add("{%p endif %}")
    add("{%p if part.lead %}")
    add("{{ part.lead }}", "RG Lead-in")
    add("{%p endif %}")
    table("part.table")
    add("{%p endfor %}")
    add("{%p endfor %}")
    add("{%p if colophon %}")
    anchor = add("")  # the floating 版记 hangs on a paragraph of its own: two tables in a row would merge
    anchor.paragraph_format.line_spacing = Pt(1)
    colophon_table(doc)
    add("{%p endif %}")
    end = add("")  # a document ends with a paragraph; this one takes no room
    end.paragraph_format.line_spacing = Pt(1)
    section = doc.sections[0]
    # 28 characters a line (GB/T 9704 §5.2.2): the body's styles condensed by 0.25 pt, as the PDF's
    # letter-spacing (a document grid would do it too, but LibreOffice then sets every table line on it)
    for name in ("RG Body", "RG Lead-in", "RG Heading 1", "RG Heading 2", "RG Annex List"):
        rpr = doc.styles[name].element.get_or_add_rPr()
        rpr.append(rpr.makeelement(qn("w:spacing"), {qn("w:val"): "-5"}))
    # the dash's stroke 7 mm below the text area (GB/T 9704 §7.5), measured on the printed page
    section.footer_distance = Mm(25.3)
    page_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    settings_flags(doc, update_fields=False)
    doc.core_properties.title = "工作简报模板"
    doc.core_properties.author = "reportgen"
    doc.save(path)
    make_zip_reproducible(path)


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    press_release(out / "press-release.docx")
    briefing_pack(out / "briefing-pack.docx")
    print("已生成 templates/press-release.docx、briefing-pack.docx")


if __name__ == "__main__":
    main()
