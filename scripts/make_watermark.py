"""Write templates/press-release-watermark.css: the 草稿 watermark of a draft press release as outlines.

The word is drawn as an SVG path (no text), so it prints on every page but is not text: pdftotext,
copy and paste and screen readers do not pick it up in the middle of a sentence. 草稿 is the same in
Simplified and Traditional. Run from the repository root: .venv/bin/python scripts/make_watermark.py
"""

from __future__ import annotations

import base64
from pathlib import Path

from matplotlib.font_manager import FontProperties
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextPath

ROOT = Path(__file__).resolve().parent.parent
FONT = FontProperties(fname="/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def svg_path(word: str) -> tuple[str, float, float]:
    path = TextPath((0, 0), word, size=100, prop=FONT)
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    out = []
    for (x, y), code in zip(path.vertices, path.codes):
        fx, fy = x - x0, y1 - y  # SVG's y grows downwards
        cmd = {MplPath.MOVETO: "M", MplPath.LINETO: "L", MplPath.CURVE3: "Q", MplPath.CURVE4: "C",
               MplPath.CLOSEPOLY: "Z"}[code]
        out.append("Z" if cmd == "Z" else f"{cmd}{fx:.1f} {fy:.1f}")
    # consecutive Q/C points: SVG wants the command letter once per segment
    d, last = [], ""
    for part in out:
        letter = part[0]
        if letter in "QC" and letter == last:
            d.append(" " + part[1:])
        else:
            d.append(part)
        last = letter if letter in "QC" else ""
    return "".join(d), x1 - x0, y1 - y0


def main() -> None:
    d, w, h = svg_path("草稿")
    # Q takes two points and C three: restart the letter after each segment
    d = _segments(d)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}">'
           f'<path fill="#b00000" fill-opacity="0.12" d="{d}"/></svg>')
    data = base64.b64encode(svg.encode()).decode()
    css = ("/* 草稿水印：字形轮廓（不是文字），每页都有，复制文字时不会夹在正文里。由 scripts/make_watermark.py 生成。 */\n"
           ".watermark {\n  position: fixed; top: 35%; left: 10%; width: 80%; height: 25%; z-index: -1;\n"
           f'  background: url("data:image/svg+xml;base64,{data}") center / contain no-repeat;\n'
           "  transform: rotate(-30deg); pointer-events: none;\n}\n")
    (ROOT / "templates" / "press-release-watermark.css").write_text(css, encoding="utf-8")


def _segments(d: str) -> str:
    import re

    out = []
    for cmd, args in re.findall(r"([MLQCZ])([^MLQCZ]*)", d):
        nums = args.split()
        if cmd in "QC":
            per = 4 if cmd == "Q" else 6
            for k in range(0, len(nums), per):
                out.append(cmd + " ".join(nums[k:k + per]))
        else:
            out.append(cmd + " ".join(nums))
    return "".join(out)


if __name__ == "__main__":
    main()
