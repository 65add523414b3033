"""工作简报 (internal, printed): `Dataset` → PDF (WeasyPrint) and DOCX (docxtpl), official layout.

Both formats print the same `pack_context` (sections, sentences, tables with
their column widths, figures, 版记). The PDF is laid out once; the page each
section starts on is read from that layout and written into the Word file's
table of contents, so it reads right before Word updates any field.
"""

from __future__ import annotations

import io
from dataclasses import replace

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from docx.text.paragraph import Paragraph

from . import Job, Output
from .env import builtin_templates, environment, template_path
from .files import atomic_path, docx_properties, make_zip_reproducible, save_docx
from .fonts import font_set
from .pack import overlong_notes, pack_context, toc_entries, wants_toc
from .pdf import check_harfbuzz_subset, layout, write
from .press import template_roots
from .trend import trend_context

HTML_TEMPLATE = "briefing-pack.html.j2"
DOCX_TEMPLATE = "briefing-pack.docx"
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
STATUS_RGB = {"滞后": RGBColor(0xC0, 0x00, 0x00), "未报送": RGBColor(0x7F, 0x7F, 0x7F), "未采用": RGBColor(0x7F, 0x7F, 0x7F)}


def base_context(job: Job) -> tuple[dict, list[str]]:
    """The pack's data (sections, tables, the year's trend): what it shows, before charts and layout;
    and the notes for the user (a period that could not be read, substituted fonts)."""
    ctx = pack_context(job.dataset)
    mine = replace(job, notes=[])
    ctx["trend"] = trend_context(mine, ctx)
    fonts = font_set(job.workspace)
    note = fonts.note()
    colophon = [] if ctx["colophon"] else [
        "提醒：report.toml 未填写 report_to（报）、send_to（送）、issue_to（发），工作简报没有版记；"
        "填写后重新生成即印在末页。"]
    return ctx, [*mine.notes, *overlong_notes(ctx), *colophon, *fonts.file_notes(), *([note] if note else [])]


def briefing_context(job: Job, base: dict | None = None) -> dict:
    if base is None:
        base, found = base_context(job)
        job.notes.extend(n for n in found if n not in job.notes)
    from .charts import figures  # matplotlib: loaded by the process that makes the pack, when it does

    ctx = dict(base)
    ctx["figures"] = figures(ctx, font_set(job.workspace))
    ctx["toc"] = wants_toc(ctx, job.dataset.config.toc)
    ctx["toc_entries"] = toc_entries(ctx) if ctx["toc"] else []
    return ctx


def render_pdf(job: Job, ctx: dict, target) -> int:
    """Lay the pack out once; note on which page each section starts (for the Word table of contents)."""
    check_harfbuzz_subset()
    template = environment(job.workspace).get_template(HTML_TEMPLATE)
    ctx["colophon_alone"] = False
    doc = layout(template.render(**ctx), builtin_templates(), template_roots(job.workspace), font_set(job.workspace))
    pages = _anchor_pages(doc)
    if pages.get("colophon", 0) % 2:  # 版记 on an odd page: again, with the 版记 on the next even page
        ctx["colophon_alone"] = True
        doc = layout(template.render(**ctx), builtin_templates(), template_roots(job.workspace),
                     font_set(job.workspace))
        pages = _anchor_pages(doc)
    for e in ctx["toc_entries"]:
        e["page"] = pages.get(e["id"], "")
    return write(doc, target, stamp=job.stamp)


def _anchor_pages(doc) -> dict[str, int]:
    pages: dict[str, int] = {}
    for n, page in enumerate(doc.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, n)
    return pages


def _set_widths(table, spec: dict) -> None:
    """The pack's computed widths and alignments on a rendered Word table (found by its caption, the table id)."""
    twips = [round(c["mm"] * 1440 / 25.4) for c in spec["columns"]]
    tbl = table._tbl
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for w in twips:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(w))
        grid.append(col)
    for r, row in enumerate(table.rows):
        cells = row._tr.findall(qn("w:tc"))
        data = spec["rows"][r - 1]["cells"] if 0 < r <= len(spec["rows"]) else None
        if data is not None and spec["rows"][r - 1].get("split"):  # a tall row may split, as in the PDF
            trpr = row._tr.trPr
            for el in trpr.findall(qn("w:cantSplit")) if trpr is not None else []:
                trpr.remove(el)
        for i, tc in enumerate(cells[:len(twips)]):
            tcpr = tc.get_or_add_tcPr()
            tcw = tcpr.find(qn("w:tcW"))
            if tcw is None:
                tcw = OxmlElement("w:tcW")
                tcpr.insert(0, tcw)
            tcw.set(qn("w:w"), str(twips[i]))
            tcw.set(qn("w:type"), "dxa")
            align = "center" if r == 0 else spec["columns"][i]["align"]
            for p in tc.findall(qn("w:p")):
                para = Paragraph(p, table)
                para.alignment = ALIGN[align]
                status = data[i]["cls"].rsplit("-", 1)[-1] if data and data[i]["cls"].startswith("status") else ""
                if status in STATUS_RGB:
                    for run in para.runs:
                        run.font.color.rgb = STATUS_RGB[status]
                if r and spec["rows"][r - 1]["total"]:
                    for run in para.runs:
                        run.font.bold = True


def _apply_tables(document, ctx: dict) -> None:
    specs = {t["id"]: t for t in ctx["all_tables"]}
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        spec = specs.get(caption.get(qn("w:val"))) if caption is not None else None
        if spec is not None:
            _set_widths(table, spec)


def _update_fields(document, on: bool) -> None:
    """Word refreshes fields on open (and asks first) only when there is a table of contents to refresh."""
    settings = document.settings.element
    for el in settings.findall(qn("w:updateFields")):
        settings.remove(el)
    if on:
        el = OxmlElement("w:updateFields")
        el.set(qn("w:val"), "true")
        settings.append(el)


def _colophon_on_even_page(document) -> None:
    """The 版记 in a section of its own that starts on an even page (Word adds a blank page where needed),
    without page numbers. Word lays pages out itself, and again after every edit: a 版记 floated to the
    foot of the last page, as in the PDF, would land on an odd page as often as not."""
    from copy import deepcopy

    body = document.element.body
    table = next((t for t in body.iterchildren(qn("w:tbl")) if t.find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}") is not None),
                 None)
    anchor = table.getprevious() if table is not None else None
    if anchor is None or anchor.tag != qn("w:p"):
        return
    # on a page of its own, placed from the page's top edge: LibreOffice measures "bottom of the margin"
    # differently in a section without page numbers
    rows = len(table.findall(qn("w:tr")))
    place = table.find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}")
    place.set(qn("w:vertAnchor"), "page")
    place.attrib.pop(qn("w:tblpYSpec"), None)
    place.set(qn("w:tblpY"), str(round((297 - 35) * 1440 / 25.4 - rows * 26 * 20 - 40)))
    last = body.find(qn("w:sectPr"))
    end = OxmlElement("w:p")  # the body's section ends just before the 版记 and the paragraph it hangs on
    anchor.addprevious(end)
    ppr = end.get_or_add_pPr()
    spacing = OxmlElement("w:spacing")  # takes no room
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    ppr.append(deepcopy(last))
    for ref in last.findall(qn("w:footerReference")):
        last.remove(ref)
    colophon = document.sections[-1]
    colophon.start_type = WD_SECTION.EVEN_PAGE
    body_footer = document.sections[0].footer._element
    for footer in (colophon.footer, colophon.even_page_footer):
        footer.is_linked_to_previous = False  # a footer of its own: no page number on the 版记 page
        for child in list(footer._element):
            footer._element.remove(child)
        for p in body_footer.iterchildren(qn("w:p")):  # as tall as the page number's (LibreOffice sizes the
            blank = deepcopy(p)                          # text area by it), without its text
            for r in blank.findall(qn("w:r")):
                for el in [e for e in r if e.tag != qn("w:rPr")]:
                    r.remove(el)
            footer._element.append(blank)


def render_docx(job: Job, ctx: dict, target) -> None:
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(str(template_path(DOCX_TEMPLATE, job.workspace)))
    images = {place: [{"image": InlineImage(tpl, io.BytesIO(f.png), width=Mm(f.width_mm)), "caption": f.caption}
                      for f in figs] for place, figs in ctx["figures"].items()}
    tpl.render({**ctx, "images": images}, jinja_env=environment(job.workspace), autoescape=True)
    _apply_tables(tpl.docx, ctx)
    _update_fields(tpl.docx, bool(ctx["toc"]))
    if ctx["colophon"]:  # whatever Word's pagination, and after any edit, the 版记 stays on an even page
        _colophon_on_even_page(tpl.docx)
    stamp = job.stamp
    when = stamp.when
    docx_properties(tpl.docx, stamp, ctx["briefing_title"])
    with atomic_path(target) as tmp:
        if tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
            tpl.save(tmp)  # docxtpl rewrites such a file after saving: let it, then fix the times
            make_zip_reproducible(tmp, when)
        else:
            tpl.pre_processing()
            save_docx(tpl.docx, tmp, when)


def render(job: Job, base: dict | None = None) -> list[Output]:
    ctx = briefing_context(job, base)
    no = ctx["period"]["issue_no"]
    title = f"工作简报（第{no}期）" if no else "工作简报"
    variant = "internal" if ctx["internal"] else "standard"
    pdf = job.file_name(title, "pdf", variant)
    pages = render_pdf(job, ctx, pdf)
    docx = job.file_name(title, "docx", variant)
    render_docx(job, ctx, docx)
    return [Output("briefing-pack", "pdf", pdf, variant, pages=pages), Output("briefing-pack", "docx", docx, variant)]
