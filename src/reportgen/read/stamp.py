"""The period a department workbook was made for, as `new-period` and `template` stamp it.

The stamp is a hidden workbook-level defined name, `reportgen_period`, whose value is the
period code as a text constant ("2025H1"). Excel, WPS and LibreOffice keep defined names when
a workbook is saved again (also as .xls), and openpyxl keeps them when it edits a copy, so a
return workbook sent in again still carries it. A CSV export loses it: the title then is the
only evidence (see freshness.py).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

STAMP_NAME = "reportgen_period"
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def stamp_value(code: str) -> str:
    """The defined name's formula text: a quoted constant."""
    return f'"{code}"'


def _unquote(value: str) -> str:
    return value.strip().lstrip("=").strip().strip('"').strip()


def read_period_stamp(path: Path) -> str:
    """The stamped period code, or "" when the file has none (or cannot say). Called only on a file
    the readers already accepted, so its size and XML were checked; never raises."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
        if head.startswith(b"PK"):
            with zipfile.ZipFile(path) as z:
                root = etree.fromstring(z.read("xl/workbook.xml"), etree.XMLParser(**_PARSER))
            for el in root.iter("{*}definedName"):
                if (el.get("name") or "").lower() == STAMP_NAME and el.get("localSheetId") is None:
                    return _unquote(el.text or "")
            return ""
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            import xlrd

            book = xlrd.open_workbook(file_contents=path.read_bytes(), on_demand=True, logfile=io.StringIO())
            for name in book.name_obj_list:
                if name.name.lower() == STAMP_NAME and name.scope == -1:
                    value = getattr(name.result, "value", "")
                    return _unquote(value) if isinstance(value, str) else ""
    except Exception:  # noqa: BLE001 - a stamp that cannot be read is no stamp
        return ""
    return ""
