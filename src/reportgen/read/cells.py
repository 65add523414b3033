"""Small helpers on cell values shared by the plan and department readers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime


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


def is_blank_row(row: list[object]) -> bool:
    return all(text(v) == "" for v in row)


def is_total_row(row: list[object]) -> bool:
    """A 合计/总计 row: its first non-empty cell says so."""
    for v in row:
        t = re.sub(r"\s", "", unicodedata.normalize("NFKC", text(v)))
        if t:
            return t in ("合计", "总计", "小计", "合计:", "总计:")
    return False
