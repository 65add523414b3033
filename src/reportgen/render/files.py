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
from datetime import datetime
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


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_PRINTED = re.compile(rb"(<cp:lastPrinted>)[^<]*(</cp:lastPrinted>)")


def make_zip_reproducible(path: Path, when: datetime = datetime(2000, 1, 1)) -> None:
    """Rewrite an OOXML package (xlsx/docx) in place so the same content gives the same bytes:
    fixed entry timestamps and fixed created/modified dates in docProps/core.xml."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", data)
                data = _PRINTED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
