"""Table column widths from the content, for the briefing pack's PDF and Word file alike.

Widths are measured in em of the table's font: a Chinese character is 1 em,
a digit or Latin letter about 0.6 em. A column is never narrower than its
longest unbreakable piece (a cell of at most 4 characters such as 已完成 or
牵头单位, a number such as 112.5%, an identifier such as 01-01), and the room
left is shared by how much text each column holds, so long texts get the
width and short ones never break inside a word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# Latin pieces that must stay whole: numbers, percentages, identifiers, dates.
_LATIN_RUN = re.compile(r"[0-9A-Za-z.%+\-—/:~～]+")
SHORT_WORD = 4  # a cell of at most this many characters never breaks


def char_em(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    return {"%": 0.9, ".": 0.32, ",": 0.32, " ": 0.3, "—": 1.0, "-": 0.4}.get(ch, 0.6)


def text_em(text: str) -> float:
    return sum(char_em(c) for c in text)


def unbreakable_em(text: str) -> float:
    """Width of the widest piece of `text` a line may not be broken inside."""
    best = 0.0
    for part in text.split("\n"):
        part = part.strip()
        if len(part) <= SHORT_WORD:
            pieces = [part]
        else:
            pieces = _LATIN_RUN.findall(part) + [c for c in part if unicodedata.east_asian_width(c) in "WF"]
            pieces += re.findall(r"[（(][^（）()]{1,%d}[）)]" % SHORT_WORD, part)  # （超额） stays whole
        best = max([best] + [text_em(p) for p in pieces])
    return best


@dataclass(frozen=True)
class Metrics:
    """The table's type: font size and cell padding (left + right) in points."""

    font_pt: float = 10.5
    padding_pt: float = 2 * 2.835  # 1 mm each side
    line_pt: float = 16.0  # line pitch in table cells
    cell_v_pt: float = 2 * 2.85 + 0.6  # padding above and below, plus a rule


PT_PER_MM = 72 / 25.4


def widths(cells: list[list[str]], total_mm: float, m: Metrics = Metrics()) -> list[float]:
    """Column widths in mm summing to `total_mm`, for rows of cell texts (header row included)."""
    ncols = max(len(r) for r in cells)
    cols = [[r[i] if i < len(r) else "" for r in cells] for i in range(ncols)]
    pad = m.padding_pt / PT_PER_MM
    em = m.font_pt / PT_PER_MM  # mm per em
    least = [max(unbreakable_em(t) for t in col) * em + pad + 0.3 for col in cols]
    natural = [max(max(text_em(line) for line in t.split("\n")) for t in col) * em + pad + 0.3 for col in cols]
    ink = [sum(text_em(t) for t in col) for col in cols]  # how much text each column carries
    width = list(least)
    spare = total_mm - sum(width)
    if spare <= 0:  # cannot fit: shrink proportionally (the caller chose too many columns)
        return [w * total_mm / sum(width) for w in width]
    # share the spare room by ink, never beyond a column's natural (one-line) width, until none is left
    open_cols = [i for i in range(ncols) if natural[i] > width[i]]
    while spare > 1e-6 and open_cols:
        weight = sum(ink[i] or 1 for i in open_cols)
        given = 0.0
        for i in list(open_cols):
            share = spare * (ink[i] or 1) / weight
            room = natural[i] - width[i]
            add = min(share, room)
            width[i] += add
            given += add
            if add >= room - 1e-9:
                open_cols.remove(i)
        spare -= given
        if given < 1e-9:
            break
    if spare > 1e-6:  # every column fits on one line: widen them all alike
        width = [w + spare * w / sum(width) for w in width]
    return [round(w, 2) for w in width]


def lines(text: str, width_mm: float, m: Metrics = Metrics()) -> int:
    """How many lines `text` takes in a cell `width_mm` wide (an estimate: characters break anywhere)."""
    room = (width_mm - m.padding_pt / PT_PER_MM) * PT_PER_MM / m.font_pt  # em per line
    return sum(max(1, math.ceil(text_em(part) / max(room, 1) - 1e-9)) for part in (text or " ").split("\n"))


def row_height_pt(texts: list[str], widths_mm: list[float], m: Metrics = Metrics()) -> float:
    return max(lines(t, w, m) for t, w in zip(texts, widths_mm)) * m.line_pt + m.cell_v_pt
