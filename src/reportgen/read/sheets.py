"""A workbook file → its visible sheets as plain grids of cell values.

What a file is comes from its first bytes, not its name: a ZIP package is read
as .xlsx, an OLE compound file as .xls (or refused when it is an encrypted
workbook), anything else named .csv as a UTF-8 or GBK CSV export.

- .xlsx/.xlsm: the package is checked first (sizes counted while inflating,
  XML entity declarations, corrupt entries), then every worksheet part is
  scanned with a streaming XML parser: where its cells really are (the `r`
  attributes, not the <dimension> element, which can lie), percent number
  formats and formulas without a cached value. calamine then reads the
  values; a sheet with content beyond `ROW_CAP` rows is handed to it cut at
  the cap, so one far-away cell can never make it allocate the whole sheet.
- .xls: xlrd (values, merged cells, percent formats); calamine when xlrd
  cannot parse the file.
- .csv: the csv module, with lines and fields bounded.

Hostile files (not a workbook, encrypted, zip bombs, broken XML, far-away
cells, endless sheets) become an `InputError` or an issue with a clear
Chinese message, never a crash or a hang. Everything downstream sees `Grid`s
and never a library object.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from lxml import etree

from ..codes import issue
from ..errors import InputError
from ..model import Issue

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SUFFIXES = EXCEL_SUFFIXES | {".csv"}
MAX_ROWS = 5000  # data rows per sheet; a department never has more tasks than this
ROW_CAP = MAX_ROWS + 20  # rows read per sheet: data rows plus a title block and the header
MAX_COLS = 200  # columns read per sheet; content further right refuses the file
MAX_UNZIPPED = 100 * 1024 * 1024  # bytes a workbook may expand to (and the largest file read at all)
MAX_RATIO = 200  # compression ratio beyond which a zip is treated as a bomb
MAX_CSV_LINE = 1024 * 1024  # characters in one CSV line
MERGE_BUDGET = 2_000_000  # cells filled from merged ranges per sheet
EDIT_MAX_CELLS = 200_000  # beyond these, openpyxl is not used to edit a copy (see `can_edit`)
EDIT_MAX_MERGED = 100_000
EDIT_MAX_BYTES = 30 * 1024 * 1024
FAST_MAX = 8 * 1024 * 1024  # worksheet parts up to this size may take the fast scan; larger ones are streamed
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 16
MB = 1024 * 1024

_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"),
                       b"EncryptedPackage")
_DTD = re.compile(b"|".join(re.escape(w.encode(enc)) for w in ("<!DOCTYPE", "<!ENTITY")
                            for enc in ("ascii", "utf-16-le", "utf-16-be")))
_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".svg", ".wdp", ".jfif")
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_SHEET_TAGS = ("{*}row", "{*}c", "{*}mergeCell")
_REF = re.compile(r"([A-Za-z]*)([0-9]+)")
_FAR = 1 << 40  # a position beyond every cap, for references too long to compute


@dataclass
class Grid:
    """One sheet: rows of cell values; `rows[0]` is Excel row 1."""

    name: str
    rows: list[list[object]]
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # 0-based cells formatted as percent
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # formulas with no cached value
    issues: list[Issue] = field(default_factory=list)  # problems found while reading (formulas, truncation)


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


def _unreadable(path: Path, detail: str) -> InputError:
    return InputError(issue("E-FILE-UNREADABLE", file=path.name, detail=detail))


def _too_large(path: Path, detail: str, sheet: str = "", cell: str = "") -> InputError:
    return InputError(issue("E-FILE-TOO-LARGE", file=path.name, sheet=sheet, cell=cell, detail=detail))


def _encrypted(path: Path) -> InputError:
    return InputError(issue("E-FILE-ENCRYPTED", file=path.name))


def _why(e: BaseException) -> str:
    """A library exception as a short Chinese reason; the English text is kept out of the message."""
    return f"文件内容已损坏或格式不受支持，无法解析；技术信息：{type(e).__name__}"


# ---- what the file is ------------------------------------------------------

def check_container(path: Path) -> str:
    """"xlsx", "xls" or "csv" from the file's first bytes; refuses what must not be opened,
    before any parser sees it."""
    return _inspect(path)[0]


def _inspect(path: Path) -> tuple[str, dict[str, bytes]]:
    """The kind of file, and for a package the parts read on the way that are needed again
    (workbook, styles, small worksheets)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        raise _unreadable(path, "无法打开文件，可能正被其他程序占用") from None
    if size > MAX_UNZIPPED:
        raise _too_large(path, f"约 {size // MB} MB")
    if head.startswith(OLE_MAGIC):
        raw = path.read_bytes()
        if any(m in raw for m in _ENCRYPTION_MARKERS):
            raise _encrypted(path)
        return "xls", {}  # also an old .xls saved under a new name
    if head.startswith(ZIP_MAGIC):
        return "xlsx", _check_zip(path)  # also an .xlsx renamed to .xls or .csv
    if path.suffix.lower() == ".csv":
        return "csv", {}
    raise _unreadable(path, "不是 Excel 文件，可能是改了扩展名的其他文件")


_KEEP = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")


def _check_zip(path: Path) -> dict[str, bytes]:
    """Sizes counted while inflating (declared sizes can lie), no XML entity declarations anywhere, no corrupt entries.
    Returns the parts read again later (see `_KEEP`, and worksheets small enough for the fast scan)."""
    kept: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise _unreadable(path, "压缩包中有重名的部件，文件可能被篡改")
            declared = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if declared > MAX_UNZIPPED or declared / packed > MAX_RATIO and declared > 10 * MB:
                raise _too_large(path, f"解压后约 {declared // MB} MB")
            if "xl/workbook.xml" not in names:
                raise _unreadable(path, "压缩包中没有 Excel 工作簿内容")
            total = 0
            for info in infos:
                name = info.filename
                look = not (name.startswith("xl/media/") and name.lower().endswith(_IMAGES))
                keep = name in _KEEP or name.startswith("xl/worksheets/") and info.file_size <= FAST_MAX
                chunks = []
                tail = b""
                with z.open(info) as f:
                    while chunk := f.read(CHUNK):
                        if keep:
                            chunks.append(chunk)
                        total += len(chunk)
                        if total > MAX_UNZIPPED:
                            raise _too_large(path, f"解压后超过 {MAX_UNZIPPED // MB} MB")
                        # OOXML never declares a DTD: one here is an entity trick (billion laughs, external files)
                        if look:
                            buf = tail + chunk
                            if (b"<!" in buf or b"<\x00!" in buf) and _DTD.search(buf):
                                raise _unreadable(path, f"{name} 含有不允许的 XML 实体声明")
                            tail = chunk[-20:]
                if keep:
                    kept[name] = b"".join(chunks)
    except InputError:
        raise
    except RuntimeError as e:  # an entry encrypted with a zip password
        if "encrypted" in str(e).lower() or "password" in str(e).lower():
            raise _encrypted(path) from None
        raise _unreadable(path, _why(e)) from None
    except NotImplementedError:
        raise _unreadable(path, "压缩方式不受支持") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise _unreadable(path, "文件已损坏（压缩数据校验失败）") from None
    return kept


# ---- .xlsx: where the cells are, before calamine allocates them -------------

@dataclass
class _SheetScan:
    part: str
    cells: int = 0  # cells holding something
    missing_refs: bool = False  # cells without an `r` attribute: positions implied by order
    overflow: str = ""  # first cell past ROW_CAP rows (A1 style)
    far: str = ""  # first cell past MAX_COLS columns
    merged: int = 0  # cells covered by merged ranges
    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    merge_refs: list[str] = field(default_factory=list)  # kept only when rewriting

    @property
    def cut(self) -> bool:
        """calamine must be given a rewritten copy of this part."""
        return bool(self.overflow or self.missing_refs)


def _position(ref: str) -> tuple[int, int] | None:
    """"B3" → (2, 1); "5" (a row only) → (4, -1); None when malformed. Absurdly long references become far away."""
    m = _REF.fullmatch(ref.strip())
    if not m:
        return None
    letters, digits = m.groups()
    row = int(digits) if len(digits) <= 9 else _FAR
    if row < 1:
        return None
    if len(letters) > 4:
        col = _FAR
    else:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
    return row - 1, col - 1


def _area(ref: str) -> int:
    ends = [_position(p) for p in (ref or "").split(":")]
    if not ends or None in ends or len(ends) > 2:
        return 0
    (r0, c0), (r1, c1) = ends[0], ends[-1]
    return (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _release(el) -> None:
    """Free a parsed element and the siblings before it, so memory stays flat on long sheets."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _walk_sheet(z: zipfile.ZipFile, part: str, styles: frozenset[int], path: Path,
                collect: list[bytes] | None = None) -> _SheetScan:
    """One pass over a worksheet part, positions computed as calamine computes them.

    With `collect`, the cells kept (inside the caps) are serialised into it with an explicit `r`,
    ready to be wrapped as a worksheet calamine can read without surprises."""
    scan = _SheetScan(part)
    parser = etree.XMLPullParser(events=("start", "end"), tag=_SHEET_TAGS, **_PARSER_OPTIONS)
    row_i = col_i = 0
    shared: dict[str | None, str] = {}
    row_cells: list[bytes] = []
    done = False
    with z.open(part) as f:
        while not done and (chunk := f.read(CHUNK)):
            parser.feed(chunk)
            for event, el in parser.read_events():
                name = _local(el.tag)
                if name == "row":
                    if event == "start":
                        ref = el.get("r")
                        if ref is not None:
                            pos = _position(ref)
                            if pos is None:
                                raise _unreadable(path, f"工作表中的行号“{ref[:20]}”无效")
                            row_i = pos[0]
                    else:
                        row_i += 1
                        col_i = 0
                        if collect is not None and row_cells:
                            collect.append(b"<row>" + b"".join(row_cells) + b"</row>")
                            row_cells = []
                        _release(el)
                    continue
                if event != "end":
                    continue
                if name == "mergeCell":
                    ref = el.get("ref") or ""
                    scan.merged += _area(ref)
                    if collect is not None:
                        scan.merge_refs.append(ref)
                    continue
                # a cell
                ref = el.get("r")
                if ref is None:
                    scan.missing_refs = True
                    r, c = row_i, col_i
                else:
                    pos = _position(ref)
                    if pos is None or pos[1] < 0:
                        raise _unreadable(path, f"单元格位置“{ref[:20]}”无效")
                    r, c = pos
                    col_i = c
                col_i += 1
                children = {_local(ch.tag): ch for ch in el if isinstance(ch.tag, str)}
                if children:  # a cell with no child holds nothing; calamine skips it
                    if r >= ROW_CAP:
                        scan.overflow = cell_ref(min(r, 10**9), min(c, 10**6))
                        done = True
                        break
                    if c >= MAX_COLS:
                        scan.far = cell_ref(r, min(c, 10**6))
                        done = True
                        break
                    scan.cells += 1
                    _cell_details(scan, _element_cell(el, children), r, c, styles, shared)
                if collect is not None and r < ROW_CAP and c < MAX_COLS:
                    el.set("r", cell_ref(r, c))
                    row_cells.append(etree.tostring(el, with_tail=False))
                _release(el)
        if not done:
            parser.close()  # a truncated or malformed part fails here, before calamine sees it
    if collect is not None and row_cells:
        collect.append(b"<row>" + b"".join(row_cells) + b"</row>")
    return scan


@dataclass
class _Cell:
    """What decides percent cells and formulas without a value, whichever way the XML was read."""

    t: str | None = None  # the cell's type attribute
    s: str | None = None  # its style index
    v: str | None = None  # text of <v>, None without one
    f: str | None = None  # text of <f>, None without one
    f_shared: str | None = None  # si of a shared formula
    inline: bool = False  # has <is>


def _element_cell(el, children: dict) -> _Cell:
    v, f = children.get("v"), children.get("f")
    return _Cell(el.get("t"), el.get("s"), None if v is None else v.text or "", None if f is None else f.text or "",
                 f.get("si") if f is not None and f.get("t") == "shared" else None, "is" in children)


def _cell_details(scan: _SheetScan, cell: _Cell, r: int, c: int, styles: frozenset[int],
                  shared: dict[str | None, str]) -> None:
    """Percent formats, and formulas without a cached value (a cached empty string, t="str" with
    an empty <v> as LibreOffice saves =IF(…,"",…), is a value)."""
    if styles and cell.v and cell.t in (None, "n"):
        try:
            if int(cell.s or 0) in styles:
                scan.percent.add((r, c))
        except ValueError:
            pass
    if cell.f is not None:
        text = cell.f
        if cell.f_shared is not None:
            if text:
                shared[cell.f_shared] = text
            else:
                text = shared.get(cell.f_shared, "")
        cached = cell.inline or (cell.v is not None and (bool(cell.v) or cell.t == "str"))
        if not cached:
            scan.formulas[(r, c)] = ("=" + text)[:60]


# The fast path: for a well-formed part without comments, CDATA or processing instructions, every "<" opens real
# markup, so these patterns find exactly the elements an XML parser would, at the speed of the re module.
_NAME = rb"(?:[A-Za-z_][\w.\-]*:)?"
_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
_CELL_RE = re.compile(rb"<(" + _NAME + rb")c(?=[\s/>])" + _ATTRS + rb"(?:/>|>(.*?)</\1c\s*>)", re.S)
_CELL_START = re.compile(rb"<" + _NAME + rb"c[\s/>]")
_CHILD_RE = re.compile(rb"<(" + _NAME + rb")(v|f|is)(?=[\s/>])" + _ATTRS + rb"(?:/>|>(.*?)</\1\2\s*>)", re.S)
_FORMULA_START = re.compile(rb"<" + _NAME + rb"f[\s/>]")
_MERGE_RE = re.compile(rb"<" + _NAME + rb"mergeCell(?=[\s/>])" + _ATTRS)
_ATTR_RE = {name: re.compile(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")
            for name in (b"r", b"s", b"t", b"ref", b"si")}
_CANONICAL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[\s/>]')  # as Excel, WPS, LibreOffice, openpyxl write


def _attr(attrs: bytes, name: bytes) -> str | None:
    m = _ATTR_RE[name].search(attrs)
    if m is None:
        return None
    return html.unescape((m[1] if m[1] is not None else m[2]).decode("utf-8", "replace"))



def _scan_fast(data: bytes, part: str, styles: frozenset[int]) -> _SheetScan | None:
    """The common case: every cell has a reference inside the caps. None when the exact walk must decide
    (comments or CDATA, cells without `r`, far or odd references, anything unusual)."""
    if b"<!" in data or data.find(b"<?", 1) != -1 or not data.lstrip()[:1] == b"<":
        return None  # comments, CDATA, DOCTYPE, processing instructions, or not UTF-8/ASCII-compatible
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return None  # the exact walk reports it
    starts = len(_CELL_START.findall(data))
    refs = _CANONICAL_REF.findall(data)
    if len(refs) != starts:
        return None  # some cell written another way: let the exact walk read it
    if any(_position(letters.decode() + "1")[1] >= MAX_COLS for letters in {letters for letters, _ in refs}):
        return None
    if any(int(digits) > ROW_CAP or int(digits) < 1 for _, digits in refs if len(digits) > 3 or digits[0] == 48):
        return None
    scan = _SheetScan(part, cells=starts)
    if b"mergeCell" in data:
        scan.merged = sum(_area(_attr(m[1], b"ref") or "") for m in _MERGE_RE.finditer(data))
    formulas = (b"<f" in data or b":f" in data) and _FORMULA_START.search(data) is not None
    if not (formulas or styles):
        return scan
    percent = None  # the `s` attributes naming a percent format
    if styles:
        percent = re.compile(rb"""\ss\s*=\s*["']0*(?:%s)["']""" % "|".join(map(str, sorted(styles))).encode())
    shared: dict[str | None, str] = {}
    matched = 0
    for m in _CELL_RE.finditer(data):
        matched += 1
        attrs, content = m[2], m[3]
        if content is None:
            continue
        if not ((percent and percent.search(attrs)) or (formulas and _FORMULA_START.search(content))):
            continue
        r, c = _position(_attr(attrs, b"r") or "")
        cell = _Cell(_attr(attrs, b"t"), _attr(attrs, b"s"))
        for ch in _CHILD_RE.finditer(content):
            text = html.unescape((ch[4] or b"").decode("utf-8", "replace"))
            if ch[2] == b"v":
                cell.v = text
            elif ch[2] == b"f":
                cell.f = text
                if _attr(ch[3], b"t") == "shared":
                    cell.f_shared = _attr(ch[3], b"si")
            else:
                cell.inline = True
        _cell_details(scan, cell, r, c, styles, shared)
    if matched != starts:
        return None  # a cell inside a cell, or a start tag the patterns did not take whole
    return scan


def _parse_part(data: bytes):
    return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))


def _workbook_sheets(kept: dict[str, bytes]) -> list[tuple[str, str, list[str]]]:
    """(name, state, parts) of each sheet, parts resolved as calamine resolves them (it takes the last id)."""
    rels: dict[str | None, str] = {}
    if "xl/_rels/workbook.xml.rels" in kept:
        for el in _parse_part(kept["xl/_rels/workbook.xml.rels"]).iter("{*}Relationship"):
            rels[el.get("Id")] = el.get("Target") or ""
    sheets = []
    for el in _parse_part(kept["xl/workbook.xml"]).iter("{*}sheet"):
        parts = []
        for key, rid in el.attrib.items():
            if key.startswith("{") and key.endswith("}id"):
                target = rels.get(rid, "")
                parts.append(target[1:] if target.startswith("/xl/") else target if target.startswith("xl/")
                             else f"xl/{target}")
        sheets.append((el.get("name") or "", el.get("state") or "visible", parts))
    return sheets


def _percent_styles(kept: dict[str, bytes]) -> frozenset[int]:
    """Indexes of cell formats showing numbers as percent: built-in 9 (0%) and 10 (0.00%), or a custom code with %."""
    if "xl/styles.xml" not in kept:
        return frozenset()
    root = _parse_part(kept["xl/styles.xml"])
    custom = {el.get("numFmtId"): el.get("formatCode") or "" for el in root.iter("{*}numFmt")}
    found = set()
    for xfs in root.iter("{*}cellXfs"):
        for i, xf in enumerate(x for x in xfs if _local(x.tag) == "xf"):
            fid = xf.get("numFmtId") or "0"
            if fid in ("9", "10") or "%" in custom.get(fid, ""):
                found.add(i)
        break
    return frozenset(found)


@dataclass
class _XlsxPlan:
    sheets: list[tuple[str, str, list[str]]]
    scans: dict[str, _SheetScan]  # part → scan
    rewrites: dict[str, bytes]  # part → worksheet XML calamine reads instead
    unzipped: int

    @property
    def editable(self) -> bool:
        scans = self.scans.values()
        return (not self.rewrites and not any(s.far for s in scans) and self.unzipped <= EDIT_MAX_BYTES
                and sum(s.cells for s in scans) <= EDIT_MAX_CELLS and sum(s.merged for s in scans) <= EDIT_MAX_MERGED)


_WORKSHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


def _plan_xlsx(path: Path, kept: dict[str, bytes]) -> _XlsxPlan:
    """Scan every part calamine could read as a worksheet (anything under xl/worksheets/)."""
    sheets = _workbook_sheets(kept)
    styles = _percent_styles(kept)
    by_part: dict[str, str] = {}
    shown: set[str] = set()  # parts some visible sheet may be read from
    for name, state, parts in sheets:
        for part in parts:
            by_part.setdefault(part, name)
            if state not in ("hidden", "veryHidden"):
                shown.add(part)
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        scans: dict[str, _SheetScan] = {}
        rewrites: dict[str, bytes] = {}
        for info in infos:
            part = info.filename
            if not part.startswith("xl/worksheets/") or part.endswith("/"):
                continue
            scan = _scan_fast(kept[part], part, styles) if part in kept else None
            if scan is None:
                scan = _walk_sheet(z, part, styles, path)
            if scan.far and (part in shown or part not in by_part):  # hidden sheets are never read
                sheet = by_part.get(part, part)
                raise _too_large(path, f"工作表“{sheet}”的 {scan.far} 单元格超出第 {MAX_COLS} 列，请删除表格右侧的无关内容",
                                 sheet=sheet, cell=scan.far)
            if scan.cut:  # calamine reads a copy with explicit positions, cut at the row cap (merges then dropped)
                body: list[bytes] = []
                cells = _walk_sheet(z, part, styles, path, collect=body)
                merges = b"".join(b'<mergeCell ref="%s"/>' % re.sub(r"[^A-Za-z0-9:]", "", m).encode()
                                  for m in cells.merge_refs if not cells.overflow)
                rewrites[part] = (_WORKSHEET_HEAD + b"".join(body) + b"</sheetData>"
                                  + (b"<mergeCells>" + merges + b"</mergeCells>" if merges else b"") + b"</worksheet>")
            scans[part] = scan
    return _XlsxPlan(sheets, scans, rewrites, sum(i.file_size for i in infos))


def _read_xlsx(path: Path, kept: dict[str, bytes]) -> list[Grid]:
    from python_calamine import CalamineWorkbook, PasswordError

    plan = _plan_xlsx(path, kept)
    _remember(path, plan.editable)
    if plan.rewrites:
        buf = io.BytesIO()
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, plan.rewrites.get(info.filename) or src.read(info))
        buf.seek(0)
        source = buf
    else:
        source = io.BytesIO(path.read_bytes())
    try:
        wb = CalamineWorkbook.from_filelike(source)
    except PasswordError:
        raise _encrypted(path) from None
    scan_of = {name: plan.scans.get(parts[-1]) for name, _, parts in plan.sheets if parts}
    grids = []
    for meta in wb.sheets_metadata:
        if "hidden" in str(meta.visible).lower() or "worksheet" not in str(meta.typ).lower():
            continue
        sheet = wb.get_sheet_by_name(meta.name)
        grid = Grid(meta.name, _rows(sheet))
        scan = scan_of.get(meta.name)
        if scan is not None:
            if scan.overflow:
                grid.issues.append(issue("E-ROWS-TOO-MANY", file=path.name, sheet=meta.name, cell=scan.overflow,
                                         limit=MAX_ROWS))
            grid.percent_cells = {(r, c) for r, c in scan.percent if r < len(grid.rows)}
            grid.formula_cells = {k: v for k, v in scan.formulas.items() if k[0] < len(grid.rows)}
        _cap(grid, path)
        _fill_merged(grid, sheet.merged_cell_ranges, path)
        grids.append(grid)
    return grids


def _rows(sheet) -> list[list[object]]:
    """calamine's values from A1, at most ROW_CAP + 1 rows. `skip_empty_area=False` pads the empty rows and
    columns before the first used cell (iter_rows pads rows but not columns: padding by hand got rows twice)."""
    return [[None if v == "" else v for v in row] for row in sheet.to_python(skip_empty_area=False, nrows=ROW_CAP + 1)]


# ---- .xls --------------------------------------------------------------------

def _read_xls(path: Path) -> list[Grid]:
    import xlrd

    raw = path.read_bytes()
    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, ragged_rows=True, logfile=io.StringIO(),
                                  ignore_workbook_corruption=True)
    except Exception as e:  # noqa: BLE001 - xlrd is strict; calamine gets its chance below
        if "encrypt" in str(e).lower():
            raise _encrypted(path) from None
        return _read_xls_calamine(path, raw)
    percent_xf = set()
    for i, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        if fmt is not None and "%" in (fmt.format_str or ""):
            percent_xf.add(i)
    grids = []
    for sh in book.sheets():
        if sh.visibility:
            continue
        grids.append(_xlrd_grid(path, book, sh, percent_xf))
    return grids


def _xlrd_grid(path: Path, book, sh, percent_xf: set[int]) -> Grid:
    import xlrd

    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    used = 0  # rows up to the last one holding a value
    for r in range(sh.nrows - 1, -1, -1):
        if any(t not in empty for t in sh.row_types(r)):
            used = r + 1
            break
    grid = Grid(sh.name, [])
    for r in range(min(used, ROW_CAP + 1)):
        types = sh.row_types(r)
        values = sh.row_values(r)
        for c in range(MAX_COLS, len(types)):
            if types[c] not in empty and r < ROW_CAP:
                ref = cell_ref(r, c)
                raise _too_large(path, f"工作表“{sh.name}”的 {ref} 单元格超出第 {MAX_COLS} 列，请删除表格右侧的无关内容",
                                 sheet=sh.name, cell=ref)
        row: list[object] = []
        for c in range(min(len(types), MAX_COLS)):
            t, v = types[c], values[c]
            if t in empty or (t == xlrd.XL_CELL_TEXT and v == ""):
                v = None
            elif t == xlrd.XL_CELL_DATE:
                try:
                    v = xlrd.xldate.xldate_as_datetime(v, book.datemode)
                except Exception:  # noqa: BLE001 - an impossible date stays a number
                    pass
            elif t == xlrd.XL_CELL_BOOLEAN:
                v = bool(v)
            elif t == xlrd.XL_CELL_ERROR:
                v = xlrd.error_text_from_code.get(v, "#错误")
            elif t == xlrd.XL_CELL_NUMBER and percent_xf and sh.cell_xf_index(r, c) in percent_xf:
                grid.percent_cells.add((r, c))
            row.append(v)
        grid.rows.append(row)
    _cap(grid, path)
    ranges = [((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in sh.merged_cells]
    _fill_merged(grid, ranges, path)
    return grid


def _read_xls_calamine(path: Path, raw: bytes) -> list[Grid]:
    """For .xls files xlrd rejects (some WPS exports): calamine; BIFF's own limits (65,536 × 256) bound it."""
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except PasswordError:
        raise _encrypted(path) from None
    grids = []
    for meta in wb.sheets_metadata:
        if "hidden" in str(meta.visible).lower() or "worksheet" not in str(meta.typ).lower():
            continue
        sheet = wb.get_sheet_by_name(meta.name)
        grid = Grid(meta.name, _rows(sheet))
        if any(len(row) > MAX_COLS and any(v is not None for v in row[MAX_COLS:]) for row in grid.rows[:ROW_CAP]):
            raise _too_large(path, f"工作表“{meta.name}”超出 {MAX_COLS} 列，请删除表格右侧的无关内容", sheet=meta.name)
        grid.rows = [row[:MAX_COLS] for row in grid.rows]
        _cap(grid, path)
        _fill_merged(grid, sheet.merged_cell_ranges, path)
        grids.append(grid)
    return grids


# ---- .csv --------------------------------------------------------------------

def _read_csv(path: Path) -> list[Grid]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _unreadable(path, "编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")

    def lines():
        for n, line in enumerate(io.StringIO(text), 1):
            if len(line) > MAX_CSV_LINE:
                raise _unreadable(path, f"第{n}行超过 {MAX_CSV_LINE // 1024} KB，可能不是正常的填报表")
            yield line

    rows = []
    reader = csv.reader(lines())
    try:
        for r in reader:
            if len(r) > MAX_COLS and any(r[MAX_COLS:]):
                ref = cell_ref(len(rows), MAX_COLS)
                raise _too_large(path, f"第{len(rows) + 1}行超出 {MAX_COLS} 列", sheet=path.stem, cell=ref)
            rows.append([c if c != "" else None for c in r[:MAX_COLS]])
            if len(rows) > ROW_CAP:
                break
    except csv.Error:
        raise _unreadable(path, f"第{reader.line_num}行格式有误：单元格内容过长（超过 128 KB）或引号不成对") from None
    grid = Grid(path.stem, rows)
    _cap(grid, path)
    return [grid]


# ---- shared -------------------------------------------------------------------

def _cap(grid: Grid, path: Path) -> None:
    if len(grid.rows) > ROW_CAP:
        del grid.rows[ROW_CAP:]
        grid.issues.append(issue("E-ROWS-TOO-MANY", file=path.name, sheet=grid.name, cell=cell_ref(ROW_CAP, 0),
                                 limit=MAX_ROWS))


def _fill_merged(grid: Grid, ranges, path: Path) -> None:
    """Every cell of a merged range takes the value of its top-left cell (ranges clamped to the grid)."""
    rows = grid.rows
    budget = MERGE_BUDGET
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(rows) or c0 >= MAX_COLS:
            continue
        r1, c1 = min(r1, len(rows) - 1), min(c1, MAX_COLS - 1)
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            raise _too_large(path, f"工作表“{grid.name}”中的合并单元格过多", sheet=grid.name)
        top = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, r1 + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = top


# openpyxl edits a copy of a workbook only when that stays small; what reading found is remembered here.
_EDITABLE: dict[tuple[str, int, int], bool] = {}


def _key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_mtime_ns, st.st_size


def _remember(path: Path, editable: bool) -> None:
    try:
        if len(_EDITABLE) > 2048:
            _EDITABLE.clear()
        _EDITABLE[_key(path)] = editable
    except OSError:
        pass


def can_edit(path: Path) -> bool:
    """True when `path` is an .xlsx/.xlsm that openpyxl can load in bounded time and memory:
    read without cutting, no far-away cells, few cells and merged cells, small when unzipped."""
    try:
        key = _key(path)
        if key not in _EDITABLE:
            kind, kept = _inspect(path)
            if kind != "xlsx":
                return False
            _remember(path, _plan_xlsx(path, kept).editable)
        return _EDITABLE.get(key, False)
    except Exception:  # noqa: BLE001 - anything odd: do not edit, rebuild
        return False


def read_grids(path: Path) -> list[Grid]:
    """Every visible worksheet of the file, as grids.
    Raises InputError, and never anything else, for a file that cannot be read."""
    try:
        kind, kept = _inspect(path)
        if kind == "csv":
            return _read_csv(path)
        if kind == "xls":
            return _read_xls(path)
        return _read_xlsx(path, kept)
    except InputError:
        raise
    except MemoryError:
        raise _too_large(path, "读取时内存不足") from None
    except Exception as e:  # noqa: BLE001 - whatever a library raises on a broken file becomes one clear message
        if type(e).__name__ == "PasswordError":
            raise _encrypted(path) from None
        raise _unreadable(path, _why(e)) from None
