"""Small helpers on cell values shared by the plan and department readers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Collection


def text(value: object) -> str:
    """A cell as trimmed text; numbers without a spurious `.0`; dates ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _norm(value: object) -> str:
    """NFKC, without any whitespace (str.split's whitespace is re's \\s: half the time of re.sub)."""
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", text(value)).split())


_SERIAL = re.compile(r"^\(?\d{1,4}[).、]?$")


def filled(row: list[object], ignore: Collection[int] = ()) -> list[tuple[int, str]]:
    """(column, text without spaces) of the non-empty cells of a row; in the ignored columns
    (序号) a serial number (5, 5., (5)) counts as empty, any other text does not."""
    return [(c, t) for c, v in enumerate(row) if (t := _norm(v)) and not (c in ignore and _SERIAL.match(t))]


def is_blank_row(row: list[object], ignore: Collection[int] = ()) -> bool:
    """Nothing in the row, or something only in ignored columns (a 序号 of an unused template row)."""
    return not filled(row, ignore)


def row_kind(row: list[object], ignore: Collection[int] = ()) -> str:
    """"blank", "total", "note" or "" (a data row), each cell normalised once (the readers' one call per row)."""
    cells = filled(row, ignore)
    if not cells:
        return "blank"
    if _is_total([t for _, t in cells]):
        return "total"
    return "note" if _is_note(cells) else ""


_TOTAL = re.compile(r"^(?:合计|总计|小计|共计)(?:$|[:(\[【\d共])")


def is_total_row(row: list[object], ignore: Collection[int] = ()) -> bool:
    """A 合计/总计 row: its first non-empty cell says so (合计, 合 计, 合计：5项, 合计（5项）),
    possibly after a 序号."""
    return _is_total([t for _, t in filled(row, ignore)])


def _is_total(cells: list[str]) -> bool:
    if cells and re.fullmatch(r"\d+", cells[0]) and len(cells) > 1:
        cells = cells[1:]  # [5, 合计]: a 序号 in a column not headed 序号
    return bool(cells) and bool(_TOTAL.match(cells[0]))


_NOTE = re.compile(
    r"^(?:注(?:意|[:.、(\[【\d①-⑩一二三四五六七八九十]|$)|备注|说明|填表|填报说明|填报人|填报日期|填报单位|报送日期|"
    r"审核|审批|制表|负责人|单位负责人|主要负责人|单位\((?:盖章|公章)\)|分管|联系人|联系电话|签字|签发|盖章|日期:)")


def is_note_row(row: list[object], ignore: Collection[int] = ()) -> bool:
    """A footer row below the table (注：…, 审核人：…, 填表说明…): every non-empty cell is such a note
    (a note merged across the row repeats in every cell)."""
    return _is_note(filled(row, ignore))


def _is_note(cells: list[tuple[int, str]]) -> bool:
    return bool(cells) and all(_NOTE.match(t) for _, t in cells)
