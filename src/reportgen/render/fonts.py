"""The typefaces of every PDF and chart: the office's licensed fonts when it has them, else free substitutes.

An office drops its own font files (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体)
into the workspace's `fonts/` folder; each is recognised by the family names
inside the file and offered to WeasyPrint under the names the stylesheets ask
for, and charts draw with the same files. A face neither there nor installed
on the machine is replaced by the closest free face (Debian packages), and the
build says so. No free 仿宋 face covers Simplified Chinese (cwTeX 仿宋 in
fonts-cwtex-fs lacks a third of GB 2312's first level: 区、进、报…), so 仿宋
falls back to Noto Serif CJK SC.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

# role: (the office's face, names the same face goes by, the free substitute)
ROLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "title": ("方正小标宋简体", ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05", "方正小标宋"),
              "Noto Serif CJK SC"),
    "body": ("仿宋_GB2312", ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong"), "Noto Serif CJK SC"),
    "kai": ("楷体_GB2312", ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi"), "LXGW WenKai"),
    "hei": ("黑体", ("黑体", "SimHei"), "Noto Sans CJK SC"),
}


@dataclass(frozen=True)
class Face:
    role: str
    wanted: str  # the office's face, e.g. 仿宋_GB2312
    used: str  # the family the PDF gets
    path: Path | None  # its file, when known
    source: str  # "workspace" | "system" | "substitute"


ROLE_WORDS = {"title": "标题", "body": "正文", "kai": "二级标题", "hei": "一级标题、表头、图表"}


@dataclass(frozen=True)
class FontFile:
    """A font file of the workspace's fonts/ folder: the families inside it, and what the build made of it."""

    name: str
    families: tuple[str, ...]
    role: str = ""  # the role it provides, when used
    duplicate_of: str = ""  # the file already providing its role


@dataclass(frozen=True)
class FontSet:
    faces: tuple[Face, ...]
    folder: Path | None  # the workspace's fonts/ folder, when it has one
    files: tuple[FontFile, ...] = ()

    def face(self, role: str) -> Face:
        return next(f for f in self.faces if f.role == role)

    @property
    def substituted(self) -> list[Face]:
        return [f for f in self.faces if f.source == "substitute"]

    @property
    def own(self) -> list[Face]:
        return [f for f in self.faces if f.source == "workspace"]

    def fontconfig_xml(self) -> bytes:
        """Fontconfig rules for the workspace's own files, read where they are (no copy): each file is also
        known by every name the stylesheets use for its face (prepended, so the PDF names the subset after
        the office's name), and is never emboldened (one file serves normal and bold, as in Word)."""
        from xml.sax.saxutils import escape

        rules = []
        for f in self.own:
            path = escape(str(f.path.resolve()))
            names = "".join(f"<string>{escape(n)}</string>" for n in ROLES[f.role][1])
            rules.append(f'<match target="scan"><test name="file" compare="eq"><string>{path}</string></test>'
                         f'<edit name="family" mode="prepend">{names}</edit></match>'
                         f'<match target="font"><test name="file" compare="eq"><string>{path}</string></test>'
                         f'<edit name="embolden" mode="assign"><bool>false</bool></edit></match>')
        return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                f"<fontconfig>{''.join(rules)}</fontconfig>").encode()

    def note(self) -> str:
        """What the build tells the user about substituted faces ('' when none were)."""
        subs = self.substituted
        if not subs:
            return ""
        pairs = "，".join(f"“{f.wanted}”以“{f.used}”代替" for f in subs)
        return (f"提醒：本机没有公文字体，PDF 中{pairs}。如有授权字体文件，放入工作目录 fonts/ 文件夹后重新生成即可使用。"
                f"（Word 文件仍指定公文字体，在装有这些字体的电脑上打开即显示正确。）")

    def file_notes(self) -> list[str]:
        """Each file of fonts/: the face it provides, or why it was not used."""
        notes = []
        for f in self.files:
            if f.role:
                wanted = ROLES[f.role][0]
                notes.append(f"字体：fonts/{f.name} 提供“{wanted}”（{ROLE_WORDS[f.role]}）。")
            elif f.duplicate_of:
                notes.append(f"提醒：fonts/{f.name} 与 fonts/{f.duplicate_of} 是同一种公文字体，未使用。")
            elif not f.families:
                notes.append(f"提醒：fonts/{f.name} 无法读取（不是字体文件或已损坏），未使用。")
            else:
                inside = "、".join(f"“{n}”" for n in f.families[:3])
                wanted = "、".join(r[0] for r in ROLES.values())
                notes.append(f"提醒：fonts/{f.name} 文件内的字体名为{inside}，不是公文字体（{wanted}），未使用；"
                             f"文件名不决定字体，请换用字体名正确的授权字体文件。")
        return notes


def family_names(path: Path) -> set[str]:
    """The family names a font file declares (every language), for each face in a collection."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        fonts = TTCollection(str(path), lazy=True).fonts if path.suffix.lower() in (".ttc", ".otc") \
            else [TTFont(str(path), lazy=True)]
    except Exception:  # not a font file we can read: ignored, and so reported as missing
        return set()
    names = set()
    for font in fonts:
        for rec in font["name"].names:
            if rec.nameID in (1, 4, 16):
                try:
                    names.add(rec.toUnicode().strip())
                except UnicodeDecodeError:
                    pass
    return names


@lru_cache(maxsize=1)
def system_families() -> frozenset[str]:
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


@lru_cache(maxsize=16)
def system_file(family: str) -> Path | None:
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:lang=zh-cn"], capture_output=True, text=True,
                              timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(path) if path else None


def font_set(workspace: Path | None) -> FontSet:
    folder = Path(workspace) / "fonts" if workspace is not None else None
    files: tuple = ()
    if folder is not None and folder.is_dir():
        files = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()
                             if p.suffix.lower() in FONT_SUFFIXES and p.is_file()))
    return _font_set(str(folder) if folder is not None else "", files)


def _role(families) -> str:
    return next((role for role, (_, aliases, _) in ROLES.items() if any(a in families for a in aliases)), "")


@lru_cache(maxsize=8)
def _font_set(folder: str, files: tuple) -> FontSet:
    root = Path(folder).resolve() if folder else None
    provided: dict[str, Path] = {}  # role → the first file providing it
    listed = []
    for name, *_ in files:
        path = Path(folder) / name
        inside = root is not None and path.resolve().is_relative_to(root)  # no link out of fonts/
        families = tuple(sorted(family_names(path))) if inside else ()
        role = _role(families)
        if role and role not in provided:
            provided[role] = path
            listed.append(FontFile(name, families, role))
        else:
            listed.append(FontFile(name, families, duplicate_of=provided[role].name if role else ""))
    faces = []
    for role, (wanted, aliases, fallback) in ROLES.items():
        own = provided.get(role)
        installed = next((a for a in aliases if a in system_families()), None)
        if own is not None:
            faces.append(Face(role, wanted, wanted, own, "workspace"))
        elif installed:
            faces.append(Face(role, wanted, installed, system_file(installed), "system"))
        else:
            faces.append(Face(role, wanted, fallback, system_file(fallback), "substitute"))
    return FontSet(tuple(faces), Path(folder) if folder and files else None, tuple(listed))
