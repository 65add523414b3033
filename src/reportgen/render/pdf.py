"""HTML → PDF through WeasyPrint, confined to the template folders.

Nothing a submitted text says can make WeasyPrint read a file or open a URL:
the fetcher serves `file:` URLs inside the allowed folders and `data:` URLs
(our own charts), and refuses everything else.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .files import Stamp, atomic_path, property_text

if TYPE_CHECKING:
    from .fonts import FontSet

log = logging.getLogger(__name__)


class SubsetterMissing(RuntimeError):
    """HarfBuzz's subsetter is missing: every CJK page would cost seconds."""


def import_weasyprint():
    """Import WeasyPrint without the compiler runs of `ctypes.util.find_library` (0.2 s of its 0.5 s import
    here): for each library it tries names that are not file names first, and each costs a gcc run before
    the soname loads directly. Should a system need find_library, the import is done again the ordinary way."""
    if "weasyprint" in sys.modules:
        _defer_font_data()
        return sys.modules["weasyprint"]
    import ctypes.util

    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        ctypes.util.find_library = real
        import weasyprint
    finally:
        ctypes.util.find_library = real
    _defer_font_data()
    return weasyprint


class _FaceData:
    """A font face's bytes, not yet copied out of HarfBuzz (its blob maps the font file)."""

    __slots__ = ("face",)

    def __init__(self, face):
        self.face = face

    def __bool__(self) -> bool:
        from weasyprint.text.ffi import harfbuzz

        blob = harfbuzz.hb_face_reference_blob(self.face)
        try:
            return harfbuzz.hb_blob_get_length(blob) > 0
        finally:
            harfbuzz.hb_blob_destroy(blob)


def _defer_font_data() -> None:
    """WeasyPrint copies every font file it meets whole into Python when it starts a PDF (a CJK
    collection is 20–27 MB; the pack meets four) and throws the copy away once HarfBuzz has made the
    subset from the face itself. Keep the face instead, and copy only when a byte is asked for: a PDF's
    peak memory drops by the fonts' size and its bytes do not change (a test compares). Where
    WeasyPrint's font module is not the one this was written for, nothing is changed."""
    try:
        from weasyprint.pdf import fonts
    except ImportError:
        return
    font, real = fonts.Font, getattr(fonts, "get_hb_object_data", None)
    if real is None or isinstance(font.__dict__.get("file_content"), property) or "clean" not in font.__dict__:
        return

    def face_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None and glyph is None:
            return _FaceData(hb_object)
        return real(hb_object, ot_color, glyph)

    def get(self):
        data = self.__dict__.get("_file_content")
        if isinstance(data, _FaceData):
            data = self.__dict__["_file_content"] = real(data.face)
        return data

    def set_(self, value):
        self.__dict__["_file_content"] = value

    fonts.get_hb_object_data = face_data
    font.file_content = property(get, set_)


def check_harfbuzz_subset() -> None:
    """Fail loudly and early where WeasyPrint would silently be very slow."""
    import_weasyprint()
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        raise SubsetterMissing(
            "缺少 HarfBuzz 字体子集库（Debian 软件包 libharfbuzz-subset0）。"
            "没有它，每页中文 PDF 需要数秒。请运行 make demo 或 apt-get install libharfbuzz-subset0。")


def confined_fetcher(roots: list[Path]):
    from weasyprint.urls import URLFetcher

    allowed = [r.resolve() for r in roots]

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(r) for r in allowed) and path.is_file():
                    return super().fetch(url, headers)
            log.warning("已拒绝加载外部资源：%s", url[:200])
            raise ValueError(f"blocked resource: {url[:200]}")

    return ConfinedFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def layout(html: str, base: Path, roots: list[Path], fonts: "FontSet | None" = None):
    """Lay `html` out once (a WeasyPrint Document), with the workspace's own fonts when it has them."""
    import_weasyprint()
    from weasyprint import HTML

    fetcher = confined_fetcher(roots)
    font_config = office_fonts(fonts) if fonts is not None and fonts.own else None
    return HTML(string=html, base_url=str(base) + "/", url_fetcher=fetcher).render(font_config=font_config)


def office_fonts(fonts: "FontSet"):
    """A WeasyPrint font configuration with the workspace's own font files added where they are (an
    @font-face rule per name would make WeasyPrint read each 15–25 MB file whole and write a copy of it for
    every name and weight — 30 copies for four faces — and fontconfig scan each copy: twice the build's
    time and 160 MB more memory). One per document, freed with it as WeasyPrint's own is: made in 25 ms,
    and a configuration kept for the process would keep every face it loaded in memory."""
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    fontconfig.FcConfigParseAndLoadFromMemory(config._config, fonts.fontconfig_xml(), True)
    for face in fonts.own:
        fontconfig.FcConfigAppFontAddFile(config._config, str(face.path.resolve()).encode())
    pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
    return config


def write(doc, target: Path, *, tagged: bool = False, stamp: "Stamp | None" = None) -> int:
    """Write a laid-out Document as PDF to `target`; return the page count. Its metadata names the office
    (`stamp`) as author and creator, the period's date as its dates, and no tool (WeasyPrint names itself)."""
    stamp = stamp or Stamp()
    options = {"pdf_tags": True, "pdf_variant": "pdf/ua-1"} if tagged else {}
    meta = doc.metadata
    meta.authors = [stamp.author] if stamp.author else []
    meta.generator = stamp.author or None
    meta.title = property_text(meta.title or "") or None
    meta.created = meta.modified = stamp.day.isoformat()
    with atomic_path(target) as tmp:
        doc.write_pdf(tmp, finisher=_office_producer(stamp.author), **options)
    return len(doc.pages)


def _office_producer(author: str):
    """A finisher putting the office where WeasyPrint writes its own name (/Producer, and the XMP's pdf:Producer)."""
    from xml.sax.saxutils import quoteattr

    import pydyf
    from weasyprint import __version__

    def finish(document, pdf) -> None:
        if author:
            pdf.info["Producer"] = pydyf.String(author)
        else:
            pdf.info.pop("Producer", None)
        ours = f"WeasyPrint {__version__}".encode()
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
                obj.stream = [chunk.replace(b'"' + ours + b'"', quoteattr(author).encode()) if isinstance(chunk, bytes)
                              else chunk for chunk in obj.stream]

    return finish


def html_to_pdf(html: str, target: Path, base: Path, roots: list[Path], *, lang: str = "zh-CN",
                tagged: bool = False, fonts: "FontSet | None" = None, stamp: "Stamp | None" = None) -> int:
    """Write `html` as PDF to `target`; return the page count."""
    return write(layout(html, base, roots, fonts), target, tagged=tagged, stamp=stamp)
