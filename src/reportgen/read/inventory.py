"""Every file under departments/ accounted for: read, skipped with why, or superseded.

Takes: the departments/ folder, then the submissions read from it.
Returns: `scan` → the files to read, and an inventory entry (with an issue where the clerk must act)
for everything else: Office lock files and system files are ignored by rule; backups, formats the
reader cannot open (.et, .ods, .txt…, each with the Save-As step that fixes it), subfolders and
links are reported. `settle` → one file per department: a blank template beside a filled file is
superseded by it; two filled files of one department are an error naming both, and neither is used.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..codes import issue
from ..model import FileEntry, Issue, SetAside, Submission
from ..safetext import clean_text
from .sheets import SUFFIXES

SAVE_AS = ("请用 WPS 或 Excel 打开该文件，点“文件—另存为”，文件类型选“Excel 工作簿（*.xlsx）”，保存后把原文件移出 "
           "departments/，再重新运行。")
WORD = "进展要填在统一下发的填报表（.xlsx）中，请不要用文字文档报送。"
NOT_DATA = "其中的数据无法读取，请报送填好的 Excel 填报表（.xlsx）。"
FORMATS: dict[str, tuple[str, str]] = {
    **dict.fromkeys((".et", ".ett", ".ets"), ("WPS 表格格式", SAVE_AS)),
    ".ods": ("OpenDocument 表格格式", SAVE_AS),
    ".fods": ("OpenDocument 表格格式", SAVE_AS),
    ".xlsb": ("Excel 二进制工作簿格式", SAVE_AS),
    **dict.fromkeys((".xlt", ".xltx", ".xltm"), ("Excel 模板格式", SAVE_AS)),
    ".numbers": ("Numbers 表格格式", "请在 Numbers 中点“文件—导出为—Excel”，把导出的 .xlsx 放入 departments/。"),
    **dict.fromkeys((".txt", ".tsv", ".prn", ".dbf"), ("文本文件", "如是从表格导出的，" + SAVE_AS[1:])),
    **dict.fromkeys((".wps", ".wpt", ".doc", ".docx", ".rtf", ".odt"), ("文字文档", WORD)),
    **dict.fromkeys((".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic"),
                    ("PDF 或图片", NOT_DATA)),
    **dict.fromkeys((".zip", ".rar", ".7z", ".gz", ".tar"), ("压缩包", "请先解压，把其中的填报表放入 departments/。")),
}
BACKUPS = (".bak", ".backup", ".old", ".orig", ".tmp", ".temp", ".wbk", ".xlk", ".swp", ".crdownload", ".part")
SYSTEM_FILES = ("thumbs.db", "desktop.ini", "icon\r")
COUNT_LIMIT = 10000  # files counted inside a subfolder


def _shown(path: Path) -> str:
    return clean_text(path.name) or "（无名文件）"


def _kind(suffix: str) -> tuple[str, str]:
    if suffix in FORMATS:
        kind, fix = FORMATS[suffix]
        return f"{kind}（{suffix}）", fix
    if not suffix:
        return "没有扩展名的文件", SAVE_AS
    return f"扩展名为 {suffix} 的文件", SAVE_AS


def _count_files(folder: Path) -> int:
    n = 0
    for _, _, files in os.walk(folder):
        n += len(files)
        if n >= COUNT_LIMIT:
            break
    return n


def scan(folder: Path) -> tuple[list[Path], list[FileEntry], list[Issue]]:
    """(files to read, inventory entries for the others, issues for the ones the clerk must act on)."""
    if not folder.is_dir():
        return [], [], []
    to_read: list[Path] = []
    entries: list[FileEntry] = []
    issues: list[Issue] = []

    def skip(path: Path, reason: str, code: str = "", **fields) -> None:
        name = _shown(path)
        entries.append(FileEntry(name + ("/" if code == "W-FILE-SUBFOLDER" else ""), "skipped", reason))
        if code:
            issues.append(issue(code, file=name, **fields))

    for path in sorted(folder.iterdir()):
        name = path.name
        lower = name.lower()
        suffix = path.suffix.lower()
        if name.startswith(("~$", ".~lock.")):
            skip(path, "Excel、WPS 打开文件时生成的临时文件，不是填报表，已忽略")
        elif name.startswith(".") or lower in SYSTEM_FILES:
            skip(path, "系统隐藏文件，已忽略")
        elif path.is_symlink():
            fix = "请把文件本身复制到 departments/ 中。"
            skip(path, "快捷方式（符号链接），未读取。" + fix, "W-FILE-SKIPPED", why="是快捷方式（符号链接）", fix=fix)
        elif path.is_dir():
            count = _count_files(path)
            skip(path, f"子文件夹（内有{count}个文件），不读取；如其中有填报表，请移到 departments/ 下",
                 "W-FILE-SUBFOLDER", name=clean_text(name), count=count)
        elif not path.is_file():
            skip(path, "不是普通文件，未读取", "W-FILE-SKIPPED", why="不是普通文件", fix="")
        elif suffix in SUFFIXES:
            to_read.append(path)
        elif suffix in BACKUPS or name.endswith("~"):
            fix = "如这正是要报送的表，请把扩展名改回 .xlsx（或原来的扩展名）后重新运行。"
            skip(path, "备份或临时文件，未读取。" + fix, "W-FILE-SKIPPED", why="是备份或临时文件", fix=fix)
        else:
            kind, fix = _kind(suffix)
            entries.append(FileEntry(_shown(path), "unreadable", f"{kind}无法读取。{fix}"))
            issues.append(issue("E-FILE-FORMAT", file=_shown(path), kind=kind, fix=fix))
    return to_read, entries, issues


def department_key(name: str) -> str:
    """Department names compared as a reader sees them: full/half width alike, spaces ignored."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name or ""))


def _content(sub: Submission) -> tuple:
    """What a submission says, whatever file it came in: its rows and the rows it set aside."""
    return (tuple((p.task_id, p.status, p.progress_text, p.achieved, p.rate, p.expected, p.problems, p.next_steps,
                   p.contact, p.phone, p.remarks) for p in sub.rows),
            tuple((a.task_id, a.reason) for a in sub.set_aside))


_COPY_NAME = re.compile(r"副本|复制|拷贝|copy|[（(]\d+[)）]$|[-_ ]\d+$", re.I)


def _copy_rank(sub: Submission) -> tuple[bool, int, str]:
    """区残联.xlsx before 区残联-副本.xlsx, 区残联 (1).xlsx or 区残联 - Copy.xlsx."""
    stem = sub.path.stem
    return bool(_COPY_NAME.search(stem)), len(stem), stem


def settle(read: list[tuple[Submission, list[Issue]]]) -> tuple[list[Submission], list[Issue], dict[Path, FileEntry]]:
    """One file per department. Returns the submissions to use (in the order read), their issues,
    and the inventory entry of every file read."""
    groups: dict[str, list[Submission]] = {}
    for sub, _ in read:
        groups.setdefault(department_key(sub.department), []).append(sub)
    superseded: dict[Path, str] = {}
    conflict: dict[Path, str] = {}
    extra: dict[Path, Issue] = {}
    for subs in groups.values():
        if len(subs) < 2:
            continue
        names = [_shown(s.path) for s in subs]
        listed = "、".join(names)
        dept = subs[0].department
        filled = sorted((s for s in subs if s.filled), key=_copy_rank)  # of two identical files, the original
        if len(filled) == 1 or (len(filled) > 1 and len({_content(s) for s in filled}) == 1):
            winner = _shown(filled[0].path)
            for s in subs:
                if s is filled[0]:
                    continue
                if s.filled:  # the same rows twice (a copy): nothing to choose between
                    why = f"与 {winner} 内容相同，已采用 {winner}"
                    said = f"{_shown(s.path)} 与 {winner} 内容相同，已采用 {winner}。"
                else:
                    why = f"未填写的空白表，已采用同一单位的 {winner}"
                    said = f"已采用填写了进展的 {winner}；{_shown(s.path)} 是未填写的空白表，未采用。"
                superseded[s.path] = why
                extra[s.path] = issue("E-DEPT-TWO-FILES", file=_shown(s.path), department=s.department,
                                      count=len(subs), files=listed, outcome=said)
            continue
        for s in subs:
            if not s.filled and filled:
                superseded[s.path] = "未填写的空白表"
            else:
                conflict[s.path] = f"{dept}有{len(subs)}个文件（{listed}），无法确定以哪个为准"
            outcome = "无法确定以哪个为准，这些文件中的行都未采用。"
            extra[s.path] = issue("E-DEPT-TWO-FILES", file=_shown(s.path), department=s.department, count=len(subs),
                                  files=listed, outcome=outcome)

    used: list[Submission] = []
    issues: list[Issue] = []
    entries: dict[Path, FileEntry] = {}
    for sub, sub_issues in read:
        name = _shown(sub.path)
        if sub.path in superseded:
            entries[sub.path] = FileEntry(name, "superseded", superseded[sub.path], sub.department, sub.rows_read)
            issues.append(extra[sub.path])
            continue
        if sub.path in conflict:
            reason = conflict[sub.path]
            sub.set_aside.extend(SetAside(p.source, p.task_id, sub.department, reason) for p in sub.rows)
            sub.rows = []
            entries[sub.path] = FileEntry(name, "conflict", reason + "，其中的行都未采用", sub.department, sub.rows_read)
            issues.append(extra[sub.path])
        else:
            entries[sub.path] = FileEntry(name, "read", "", sub.department, sub.rows_read)
        issues.extend(sub_issues)
        used.append(sub)
    return used, issues, entries
