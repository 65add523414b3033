"""Draft marks on the public documents when the publication gate was not passed (gate.py).

Everything here is keyed only on the context's `draft` (the gate's reasons; empty when publishable):

- HTML and PDF: `templates/draft-mark.css` and `templates/draft-mark.html.j2`, included by the
  press-release template under `{% if draft %}`: a banner with the reasons at the top, a
  草稿 · 未经审核 line at the top of every PDF page, a watermark across every page and screen.
- Word: `mark_docx` after docxtpl has rendered: a red header on every page, a watermark
  (Word's own kind, which Word, WPS and LibreOffice show behind the text) and the same banner
  as the first paragraph.
- File names end in （草稿） (`Job.file_name(..., draft=True)`).
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

DRAFT_LABEL = "草稿 · 未经审核 · 不得对外发布"
WATERMARK = "草稿 未经审核"
RED = RGBColor(0xC0, 0x00, 0x00)
_NAMESPACES = " ".join([nsdecls("w"), 'xmlns:v="urn:schemas-microsoft-com:vml"', 'xmlns:o="urn:schemas-microsoft-com:office:office"',
                        'xmlns:w10="urn:schemas-microsoft-com:office:word"'])

_WATERMARK_RUN = (
    '<w:r %s><w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/>'
    '<v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:315;z-index:-251657216;'
    'mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;'
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#c00000" stroked="f">'
    '<v:fill opacity=".2"/><v:textpath style="font-family:&quot;SimHei&quot;;font-size:1pt" string="%s"/>'
    '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
)


def _red_run(paragraph, text: str, size: float) -> None:
    run = paragraph.add_run(text)
    run.bold = True
    run.font.color.rgb = RED
    run.font.size = Pt(size)
    run.font.name = "Times New Roman"
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")


def _mark_header(header) -> None:
    header.is_linked_to_previous = False
    p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _red_run(p, DRAFT_LABEL, 12)
    p._p.append(parse_xml(_WATERMARK_RUN % (_NAMESPACES, WATERMARK)))


def mark_docx(document, reasons: list[str]) -> None:
    """Header and watermark on every page of every section, and the banner before the first paragraph."""
    odd_even = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if odd_even:
            headers.append(section.even_page_header)
        for header in headers:
            _mark_header(header)
    body = document.element.body
    first = body.find(qn("w:p"))
    banner = document.add_paragraph()
    _red_run(banner, f"【{DRAFT_LABEL}】", 14)
    _red_run(banner, "原因：" + "；".join(reasons) + "。", 12)
    banner.paragraph_format.space_after = Pt(12)
    if first is not None:
        first.addprevious(banner._p)  # add_paragraph appended it at the end; it belongs first
