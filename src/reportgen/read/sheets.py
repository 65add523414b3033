"""A workbook file → sheets as plain grids of cell values.

calamine reads .xlsx/.xls fast; CSV exports (UTF-8 or GBK) go through the
csv module. Everything downstream sees `Grid`s and never a library object.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from ..codes import issue
from ..errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SUFFIXES = EXCEL_SUFFIXES | {".csv"}


@dataclass
class Grid:
    """One sheet: rows of cell values; `rows[0]` is Excel row 1."""

    name: str
    rows: list[list[object]]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def cell_ref(row_index: int, col_index: int) -> str:
    """0-based indices → A1 reference."""
    return f"{column_letter(col_index)}{row_index + 1}"


def _read_csv(path: Path) -> list[Grid]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(issue("E-FILE-UNREADABLE", file=path.name, detail="编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV"))
    rows = [list(r) for r in csv.reader(io.StringIO(text))]
    return [Grid(path.stem, [[c if c != "" else None for c in r] for r in rows])]


def read_grids(path: Path) -> list[Grid]:
    """Every visible sheet of the file, as grids."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        grids = []
        for meta in wb.sheets_metadata:
            if str(meta.visible).lower().endswith("hidden"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = [[None if v == "" else v for v in r] for r in sheet.to_python(skip_empty_area=False)]
            grids.append(Grid(meta.name, rows))
        return grids
    except InputError:
        raise
    except Exception as e:  # calamine raises several types for broken files
        raise InputError(issue("E-FILE-UNREADABLE", file=path.name, detail=type(e).__name__ + ": " + str(e)[:120])) from None
