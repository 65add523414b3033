"""Write templates/draft-watermark.svg: the word 草稿 as outlines, tilted, for the draft marks.

Outlines, not text: a watermark written as text would be read back by pdftotext and copied along
with the body text by anyone taking text out of a draft PDF. 草稿 is written the same in Simplified
and Traditional, so 繁體版 drafts carry the same mark.
Run from the repository root: .venv/bin/python scripts/make_draft_watermark.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")  # Debian fonts-noto-cjk
WORD = "草稿"


def main() -> None:
    font = next(f for f in TTCollection(str(FONT)).fonts if "SC" in f["name"].getDebugName(1))
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    upm = font["head"].unitsPerEm
    pen = SVGPathPen(glyphs)
    x = 0
    for ch in WORD:
        name = cmap[ord(ch)]
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, upm * 0.88)))  # y down, baseline near the bottom
        x += glyphs[name].width
    width, height = x, upm
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-width * 0.1:.0f} {-width * 0.45:.0f} {width * 1.2:.0f} '
           f'{height + width * 0.9:.0f}" aria-hidden="true">'
           f'<g transform="rotate(-30 {width / 2:.0f} {height / 2:.0f})">'
           f'<path fill="#c00000" fill-opacity="0.13" d="{pen.getCommands()}"/></g></svg>\n')
    (ROOT / "templates" / "draft-watermark.svg").write_text(svg, encoding="utf-8")
    print(f"已生成 templates/draft-watermark.svg（{len(svg) // 1024} KB）")


if __name__ == "__main__":
    main()
