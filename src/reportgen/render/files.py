"""Writing outputs atomically (a temp file in the target folder, then rename) and reproducibly;
file names made from data (a region, a department) safe on any system.

Every writer goes through `atomic_path` (a new file, then a rename), never writing a file in place:
a staged output set may hold hard links to the files of the live one (see staging.py).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterator


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside `target`; on success it replaces `target`, else it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def write_text(target: Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


_WINDOWS_FORBIDDEN = str.maketrans({"/": "／", "\\": "＼", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜",
                                    ">": "＞", "|": "｜"})
_FORBIDDEN_CHARS = '/\\:*?"<>|'
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def safe_file_name(name: str, limit: int = 40) -> str:
    """The one way a name from data (config, task list, a workbook) becomes part of a file name: no path
    separators or characters Windows forbids (their full-width forms instead), no control or format
    characters, no leading or trailing dots and spaces, at most `limit` characters, never a reserved
    device name. The result may be empty; it never names another folder."""
    s = unicodedata.normalize("NFC", name or "").translate(_WINDOWS_FORBIDDEN)
    s = "".join(ch for ch in s if unicodedata.category(ch)[0] != "C")
    s = s.strip(" .")[:limit].strip(" .")
    if s.split(".")[0].upper() in _RESERVED:
        s = f"_{s}"
    return s


def name_problems(value: str, limit: int) -> str:
    """Why `safe_file_name(value, limit)` changes `value`, in words for a W-NAME-UNSAFE message ("" when it does not)."""
    why = []
    if any(ch in _FORBIDDEN_CHARS for ch in value):
        why.append("含有文件名中不能用的字符（如 / \\ : * ? \" < > |）")
    if any(unicodedata.category(ch)[0] == "C" for ch in value):
        why.append("含有看不见的控制字符")
    if len(value.strip(" .")) > limit:
        why.append(f"超过{limit}字")
    if not why and safe_file_name(value, limit) != unicodedata.normalize("NFC", value):
        why.append("首尾有点号或空格，或是系统保留的名称")
    return "、".join(why)


# ---- who and when a file says made it -----------------------------------------------------

PROPERTY_MAX = 255  # characters in a document property: python-docx refuses more, Word and Excel show no more
FIXED_TIME = datetime(2000, 1, 1)  # a file made outside any period (a test's workbook, a plan)


def property_text(text: str) -> str:
    """A data text (a region's name, a headline) as a document property: one line, cut to PROPERTY_MAX."""
    s = " ".join("".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(text or "")).split())
    return s[:PROPERTY_MAX]


@dataclass(frozen=True)
class Stamp:
    """What every DOCX, XLSX and PDF of a run says about its making: the office (report.toml's compiler, else
    the region) as author and creator, the period's publish date as its dates (so output stays reproducible),
    and never a tool's name."""

    author: str = ""
    when: datetime = FIXED_TIME

    @classmethod
    def of(cls, config, period) -> "Stamp":
        day = period.publish_date or period.as_of
        return cls(property_text(config.compiler or config.region), datetime.combine(day, time()))

    @property
    def day(self) -> date:
        return self.when.date()


def docx_properties(doc, stamp: Stamp, title: str, lang: str = "") -> None:
    """python-docx's core properties as the office's: its template says "python-docx" in several."""
    core = doc.core_properties
    core.title = property_text(title)
    core.author = core.last_modified_by = stamp.author
    core.comments = core.subject = core.keywords = core.category = core.identifier = core.version = ""
    core.content_status = ""
    core.revision = 1
    core.created = core.modified = core.last_printed = stamp.when
    if lang:
        core.language = lang


def workbook_properties(wb, stamp: Stamp, title: str = "") -> None:
    """openpyxl's workbook properties as the office's (openpyxl says "openpyxl" as creator)."""
    p = wb.properties
    p.creator = stamp.author or None
    p.lastModifiedBy = stamp.author or None
    p.title = property_text(title) or None
    p.description = p.subject = p.keywords = p.category = None
    p.created = p.modified = stamp.when
    p.lastPrinted = None


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_APPLICATION = re.compile(rb"\s*<(Application|AppVersion)>[^<]*</\1>")
_PRINTED = re.compile(rb"(<cp:lastPrinted>)[^<]*(</cp:lastPrinted>)")


def _fixed_core(data: bytes, stamp: bytes) -> bytes:
    data = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", data)
    return _PRINTED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)


class FixedZip(zipfile.ZipFile):
    """An OOXML package written once, reproducibly: every entry deflated with the time `when` and mode
    644, the created/modified/printed dates of docProps/core.xml set to `when`. The libraries write
    their parts through it (`save_xlsx`, `save_docx`), so no second compression pass is needed."""

    def __init__(self, file, when: datetime):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.when = when

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        if isinstance(data, str):
            data = data.encode("utf-8")
        if name == "docProps/core.xml":
            data = _fixed_core(data, self.when.strftime("%Y-%m-%dT%H:%M:%SZ").encode())
        elif name == "docProps/app.xml":  # "Openpyxl 3.1.5", a template's "Microsoft Macintosh Word": no tool named
            data = _APPLICATION.sub(b"", data)
        fixed = zipfile.ZipInfo(name, date_time=self.when.timetuple()[:6])
        fixed.compress_type = zipfile.ZIP_DEFLATED
        fixed.external_attr = 0o644 << 16
        super().writestr(fixed, data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        """openpyxl writes each sheet from a temp file: same treatment as `writestr`."""
        self.writestr(arcname or os.path.basename(filename), Path(filename).read_bytes())


def save_xlsx(wb, path: Path, when: datetime) -> None:
    """Save an openpyxl Workbook to `path` in one reproducible pass."""
    from openpyxl.writer.excel import ExcelWriter

    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    ExcelWriter(wb, FixedZip(path, when)).save()


def save_docx(document, path: Path, when: datetime) -> None:
    """Save a python-docx Document to `path` in one reproducible pass (what `OpcPackage.save` does, into a
    `FixedZip`); where python-docx's internals differ, its own save and a rewrite."""
    try:
        from docx.opc.pkgwriter import PackageWriter

        package = document.part.package
        parts = list(package.parts)
        steps = (PackageWriter._write_content_types_stream, PackageWriter._write_pkg_rels, PackageWriter._write_parts)
    except (ImportError, AttributeError):
        document.save(str(path))
        make_zip_reproducible(path, when)
        return
    for part in parts:
        part.before_marshal()
    writer = _PartWriter(FixedZip(path, when))
    try:
        steps[0](writer, parts)
        steps[1](writer, package.rels)
        steps[2](writer, parts)
    finally:
        writer.zip.close()


class _PartWriter:
    """python-docx's physical writer interface over a FixedZip."""

    def __init__(self, zip_file: FixedZip):
        self.zip = zip_file

    def write(self, pack_uri, blob) -> None:
        self.zip.writestr(pack_uri.membername, blob)


def make_zip_reproducible(path: Path, when: datetime = datetime(2000, 1, 1)) -> None:
    """Rewrite an OOXML package (xlsx/docx) in place so the same content gives the same bytes:
    fixed entry timestamps and fixed created/modified dates in docProps/core.xml. (Our own writers
    use `save_xlsx`/`save_docx`, which write that way at once.)"""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with FixedZip(path, when) as dst:
        for info, data in entries:
            dst.writestr(info.filename, data)
