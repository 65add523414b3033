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
SIMPLIFIED = {"title": TITLE_FONT, "heading": HEI, "body": FANGSONG, "plain": SONG, "lang": "zh-CN"}
# zh-HK is retagged zh-TW at render time when report.toml asks for s2tw (render/variants.py).
TRADITIONAL = {"title": "新細明體", "heading": "微軟正黑體", "body": "新細明體", "plain": "新細明體", "lang": "zh-HK"}
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
    doc = base_document(margins=(30, 28, 28, 26), fonts=fonts)
    paragraph_style(doc, "Normal", fonts["body"], 16, indent=False)
    paragraph_style(doc, "RG Title", fonts["title"], 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                    after=6, line=34)
    paragraph_style(doc, "RG Meta", fonts["body"], 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12, line=20,
                    color=RGBColor(0x59, 0x59, 0x59))
    paragraph_style(doc, "RG Body", fonts["body"], 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, "RG Heading 1", fonts["heading"], 16, indent=True, before=6, keep=True)
    add = lambda text, style: add_paragraph(doc, text, style, fonts)  # noqa: E731
    add("{{ headline }}", "RG Title")
    add("来源：{{ publisher }}　发布时间：{{ period.publish_date|cndate }}", "RG Meta")
    add("{{ lead }}", "RG Body")
    add("{%p for g in groups %}", "RG Body")
    add("{{ g.heading }}", "RG Heading 1")
    add("{%p for t in g.tasks %}", "RG Body")
    task = add("{{ t.target }}", "RG Body")
    done = task.add_run("{% if t.done %}该项目已完成。{% endif %}")  # bold, as in the PDF and HTML
    set_fonts(done, fonts["body"], bold=True)
    set_fonts(task.add_run("{{ t.progress }}"), fonts["body"])
    add("{%p endfor %}", "RG Body")
    add("{%p endfor %}", "RG Body")
    add("{{ closing }}", "RG Body")
    page_footer(doc.sections[0].footer, WD_ALIGN_PARAGRAPH.CENTER, fonts["plain"])
    doc.core_properties.title = "新闻通稿模板"
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


def settings_flags(doc) -> None:
    """Odd/even footers differ, and Word refreshes fields (page numbers, TOC) on open."""
    settings = doc.settings.element
    for tag in ("w:evenAndOddHeaders", "w:updateFields"):
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


# ---- 本年度各期进展 (issue 15, render/trend.py): only when `trend` is set (two or more periods this year) ----
def trend_section(doc, add) -> None:
    add("{%p if trend %}")
    add("{{ trend.heading }}", "RG Heading 2")
    add("{{ trend.sentence }}")
    add("{{ images.trend }}", "RG Figure")
    add("{{ trend.caption }}", "RG Caption")
    add("{{ trend.lead }}", "RG Lead-in")
    add("{%p if trend.rows %}")
    table(doc, [("编号", 14), ("任务名称", 40), ("牵头单位", 26), ("{{ trend.path_header }}", 50), ("情况", 26)],
          "for r in trend.rows", ["{{ r.task_id }}", "{{ r.name }}", "{{ r.department }}", "{{ r.path }}", "{{ r.note }}"])
    add("{%p endif %}")
    add("{%p endif %}")
# ---- end of 本年度各期进展 ----


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
    paragraph_style(doc, "RG Heading 2", KAI, 16, keep=True)
    paragraph_style(doc, "RG Lead-in", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY, keep=True)
    paragraph_style(doc, "RG Caption", HEI, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=20, after=6)
    figure = paragraph_style(doc, "RG Figure", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=6,
                             keep=True)
    figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact spacing would clip the picture
    heading = doc.styles["RG Heading 1"].element.get_or_add_pPr()
    heading.append(heading.makeelement(qn("w:outlineLvl"), {qn("w:val"): "0"}))  # listed in the TOC
    paragraph_style(doc, "RG Table", FANGSONG, 10.5, indent=False, line=16)
    paragraph_style(doc, "RG Table Head", HEI, 10.5, indent=False, line=16, align=WD_ALIGN_PARAGRAPH.CENTER,
                    keep=True)
    paragraph_style(doc, "RG Table Together", FANGSONG, 10.5, indent=False, line=16, keep=True)  # a short table on one page
    paragraph_style(doc, "RG Colophon", FANGSONG, 14, indent=False, line=26)
    fonts = {"title": TITLE_FONT, "heading": HEI, "body": FANGSONG}

    def add(text: str, style: str = "RG Body"):
        p = doc.add_paragraph(style=style)
        role = {"RG Masthead": "title", "RG Title": "title", "RG Heading 1": "heading", "RG Caption": "heading",
                "RG Table Head": "heading"}.get(style, "body")
        east = KAI if style == "RG Heading 2" else fonts[role]
        if text:
            set_fonts(p.add_run(text), east)
        return p

    add("{{ briefing_title }}", "RG Masthead")
    add("{%p if period.issue_no %}")
    add("第{{ period.issue_no }}期", "RG Issue")
    add("{%p endif %}")
    line = add("{{ compiler }}\t{{ period.publish_date|cndate }}", "RG Issue")
    line.alignment = WD_ALIGN_PARAGRAPH.LEFT
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)
    ppr = line._p.get_or_add_pPr()
    bdr = ppr.makeelement(qn("w:pBdr"), {})
    bdr.append(bdr.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "4",
                                                 qn("w:color"): "D40000"}))
    ppr.append(bdr)
    add("{{ region }}{{ period.year }}年{{ period.label }}{{ program }}推进情况", "RG Title")
    add("{%p if toc %}")
    add("目　录", "RG Caption")
    field(add(""), 'TOC \\o "1-1" \\h \\z \\u', "（打开文档时由 Word 更新目录）")
    add("{%p endif %}")
    add("一、总体进展", "RG Heading 1")
    add("{{ overview }}")
    add("{{ images.status }}", "RG Figure")
    add("图1　任务进展状态分布", "RG Caption")
    add("{%p if changes %}")
    add("（一）与{{ changes.previous_label }}相比", "RG Heading 2")
    add("{{ changes.summary }}")
    table(doc, [("编号", 16), ("任务名称", 50), ("上期状态", 26), ("本期状态", 26), ("完成率变化", 38)],
          "for t in changes.status_changes",
          ["{{ t.task_id }}", "{{ t.name }}", "{{ t.before }}", "{{ t.after }}",
           "{% if t.rate_delta is not none %}{{ '+' if t.rate_delta > 0 else '' }}{{ t.rate_delta }}个百分点"
           "{% else %}—{% endif %}"])
    # per group: done and completion rate then and now (changes.groups, changes.total)
    add("{%p if changes.groups %}")
    add("分{{ group_word }}看，完成情况变化如下：", "RG Lead-in")
    rate = "{{ %s.rate_before|pct(1) if %s.rate_before is not none else '—' }}"
    by_group = table(
        doc, [("{{ group_word }}", 40), ("上期已完成", 22), ("本期已完成", 22), ("上期完成率", 22), ("本期完成率", 22),
              ("变化", 28)],
        "for g in changes.groups",
        ["{{ loop.index|cn }}、{{ g.title }}", "{{ g.done_before }}", "{{ g.done_after }}", rate % ("g", "g"),
         "{{ g.rate_after|pct(1) }}", "{{ g.rate_change }}"],
        total=["合计", "{{ changes.total.done_before }}", "{{ changes.total.done_after }}",
               rate % ("changes.total", "changes.total"), "{{ changes.total.rate_after|pct(1) }}",
               "{{ changes.total.rate_change }}"], style="RG Table Together")
    for row in (by_group.rows[2], by_group.rows[4]):  # figures centred, as in the PDF
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    add("{%p endif %}")
    add("（二）各{{ group_word }}进展", "RG Heading 2")
    add("{%p endif %}")
    table(doc, [("{{ group_word }}", 49), ("任务数", 14), ("已完成", 14), ("序时推进", 17), ("滞后", 10), ("未启动", 14),
                ("未报送", 14), ("完成率", 14), ("超额", 10)],
          "for g in groups", ["{{ g.no_cn }}、{{ g.title }}", "{{ g.counts.total }}", "{{ g.counts.done }}",
                              "{{ g.counts.on_schedule }}", "{{ g.counts.behind }}", "{{ g.counts.not_started }}",
                              "{{ g.counts.not_reported }}", "{{ g.counts.completion_rate|pct(1) }}",
                              "{{ g.counts.over_target }}"],
          total=["合计", "{{ counts.total }}", "{{ counts.done }}", "{{ counts.on_schedule }}", "{{ counts.behind }}",
                 "{{ counts.not_started }}", "{{ counts.not_reported }}", "{{ counts.completion_rate|pct(1) }}",
                 "{{ counts.over_target }}"], style="RG Table Together")
    add("{{ images.by_group }}", "RG Figure")
    add("图2　各{{ group_word }}任务进展情况", "RG Caption")
    trend_section(doc, add)
    add("{%p for g in groups %}")
    add("{{ (g.no + 1)|cn }}、{{ g.title }}", "RG Heading 1")
    add("共{{ g.counts.total }}项任务，已完成{{ g.counts.done }}项，序时推进{{ g.counts.on_schedule }}项"
        "{% if g.counts.behind %}，滞后{{ g.counts.behind }}项{% endif %}"
        "{% if g.counts.not_started %}，未启动{{ g.counts.not_started }}项{% endif %}"
        "{% if g.counts.not_reported %}，未报送{{ g.counts.not_reported }}项{% endif %}。", "RG Lead-in")
    table(doc, [("编号", 14), ("任务名称", 22), ("年度目标", 30), ("进展情况", 42), ("状态", 17), ("完成率", 14),
                ("牵头单位", 17)],
          "for t in g.tasks", ["{{ t.task_id }}", "{{ t.name }}", "{{ t.target }}", "{{ t.progress or '（未报送）' }}",
                               "{{ t.status }}{% if t.over_target %}（超额）{% endif %}",
                               "{{ t.rate|pct(1) if t.rate is not none else '—' }}", "{{ t.department }}"])
    add("{%p endfor %}")
    for no, title, loop, headers, cells in (
        (1, "滞后任务及存在问题", "for t in behind + not_started",
         [("编号", 14), ("任务名称", 24), ("进展情况", 36), ("存在问题", 32), ("下步打算", 32), ("牵头单位", 18)],
         ["{{ t.task_id }}", "{{ t.name }}（{{ t.status }}）", "{{ t.progress }}", "{{ t.problems or '（未填写）' }}",
          "{{ t.next_steps or '（未填写）' }}", "{{ t.department }}"]),
        (2, "未报送单位及事项", "for t in not_reported",
         [("编号", 14), ("任务名称", 30), ("年度目标", 80), ("牵头单位", 32)],
         ["{{ t.task_id }}", "{{ t.name }}", "{{ t.target }}", "{{ t.department }}"]),
        (3, "数据来源", "for t in tasks",
         [("编号", 14), ("任务名称", 30), ("填报单位", 26), ("文件", 46), ("工作表", 24), ("行", 12)],
         ["{{ t.task_id }}", "{{ t.name }}", "{{ t.reported_by or '（未报送）' }}", "{{ t.source_file or t.plan_source }}",
          "{{ t.source_sheet }}", "{{ t.source_row or '' }}"]),
    ):
        p = add(f"附件{no}", "RG Heading 1")
        p.paragraph_format.page_break_before = True
        p.paragraph_format.first_line_indent = Pt(0)
        add(title, "RG Title")
        if no == 2:
            add("{%p if not_reported %}")
            add("截至汇总时，{{ unreported_departments|join('、') }}未报送本期进展，涉及{{ not_reported|length }}项任务。")
            add("{%p else %}")
            add("各单位均已按时报送。")
            add("{%p endif %}")
        table(doc, headers, loop, cells)
    rule = add("", "RG Colophon")
    for text in ("{%p if report_to %}", "报：{{ report_to }}", "{%p endif %}", "{%p if send_to %}", "送：{{ send_to }}",
                 "{%p endif %}", "{%p if issue_to %}", "发：{{ issue_to }}", "{%p endif %}"):
        add(text, "RG Colophon")
    copies = add("{% if copies %}共印{{ copies }}份{% endif %}", "RG Colophon")
    copies.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for para, side in ((rule, "w:bottom"), (copies, "w:bottom")):
        ppr = para._p.get_or_add_pPr()
        bdr = ppr.makeelement(qn("w:pBdr"), {})
        bdr.append(bdr.makeelement(qn(side), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1",
                                              qn("w:color"): "000000"}))
        ppr.append(bdr)
    section = doc.sections[0]
    section.footer_distance = Mm(35 - 7 - 7)
    page_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    settings_flags(doc)
    doc.core_properties.title = "工作简报模板"
    doc.core_properties.author = "reportgen"
    doc.save(path)
    make_zip_reproducible(path)


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    press_release(out / "press-release.docx")
    press_release(out / "press-release-traditional.docx", TRADITIONAL)
    briefing_pack(out / "briefing-pack.docx")
    print("已生成 templates/press-release.docx、press-release-traditional.docx、briefing-pack.docx")


if __name__ == "__main__":
    main()
