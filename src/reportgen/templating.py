"""Templates an office owns: export the built-ins into a workspace, and check edited ones.

`export_templates(root)` copies the built-in templates into `<root>/templates/`
(build then prefers them, rendered in Jinja's sandbox). `check_templates(root)`
returns issues: Jinja syntax errors with file and line (paragraph, in a Word
template), variables the context does not provide (press-release templates see
only the public context, briefing-pack ones the internal one), and tags Word
split across runs in DOCX templates.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import jinja2
from jinja2 import meta

from .codes import issue
from .model import Issue
from .render.env import builtin_templates, environment

TEMPLATE_SUFFIXES = (".j2", ".css", ".docx")
# Names templates may use beyond the context: Jinja's own, and the variables each renderer adds.
JINJA_NAMES = {"range", "loop", "lipsum", "dict", "cycler", "joiner", "namespace", "true", "false", "none"}
PRESS_RENDER_VARIABLES = {"medium", "variant", "extra_css"}
BRIEFING_RENDER_VARIABLES = {"toc", "images", "charts", "chart_png", "overview", "trend"}


def export_templates(root: Path, *, overwrite: bool = False) -> list[Path]:
    target = Path(root) / "templates"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(builtin_templates().iterdir()):
        if src.suffix in TEMPLATE_SUFFIXES and (overwrite or not (target / src.name).exists()):
            shutil.copy2(src, target / src.name)
            written.append(target / src.name)
    return written


def _problem(code: str, path: Path, place: str = "", **fields) -> Issue:
    return issue(code, file=f"templates/{path.name}", cell=place, **fields)  # the place shows once, before the message


def is_public_template(path: Path) -> bool:
    """Whether a template renders into something published, and so sees only the public context.

    press-release* (HTML, CSS, Word) render with `public_context`; briefing-pack* with the internal
    one. Any other file (an office's own include) is held to the public names: it might end up in
    the press release, and internal fields must never reach it.
    """
    return not path.name.startswith("briefing-pack")


def _known_names(root: Path) -> tuple[set[str], set[str]]:
    """Top-level names a press-release template (public context) and a briefing-pack template
    (internal context, a superset) may use, with Jinja's own names and what each renderer adds."""
    from .errors import InputError
    from .merge import merge
    from .read import read_workspace
    from .render.context import internal_context, public_context

    try:
        ds = merge(read_workspace(root))
        public, internal = set(public_context(ds)), set(internal_context(ds))
    except InputError:  # no usable data yet: the names every context has
        public, internal = set(), set()
    return (public | PUBLIC_CONTEXT_NAMES | JINJA_NAMES | PRESS_RENDER_VARIABLES,
            internal | INTERNAL_CONTEXT_NAMES | JINJA_NAMES | BRIEFING_RENDER_VARIABLES)


def known_variables(root: Path, *, public: bool = False) -> set[str]:
    """Top-level names a template may use: the press release's (public) or the briefing pack's (internal)."""
    public_names, internal_names = _known_names(root)
    return public_names if public else internal_names


# What `public_context` and `internal_context` provide even when there is no data to build them from.
PUBLIC_CONTEXT_NAMES = {
    "region", "program", "publisher", "group_by", "group_word", "period", "headline", "lead", "closing", "counts",
    "project_count", "groups", "lang", "changes", "draft",
}
INTERNAL_CONTEXT_NAMES = PUBLIC_CONTEXT_NAMES | {
    "compiler", "briefing_title", "report_to", "send_to", "issue_to", "copies", "tasks",
    "behind", "not_started", "not_reported", "not_adopted", "unreported_departments", "set_aside", "issues", "rows_read",
}


def _check_source(path: Path, source: str, env: jinja2.Environment, known: set[str], line_of=None) -> list[Issue]:
    # find_undeclared_variables compiles the template, and compiling is where an unknown filter or
    # test is found (TemplateAssertionError): both belong inside the try.
    try:
        undeclared = meta.find_undeclared_variables(env.parse(source))
    except jinja2.TemplateError as e:
        lineno = getattr(e, "lineno", None)
        where = (line_of(lineno) if line_of else f"第{lineno}行") if lineno else "文件"
        return [_problem("E-TEMPLATE-SYNTAX", path, where, detail=getattr(e, "message", None) or str(e))]
    return [_problem("E-TEMPLATE-UNKNOWN-VARIABLE", path, name=name) for name in sorted(undeclared - known)]


# A paragraph begins at <w:p ...>, <w:p> or an empty <w:p/> (not <w:pPr>); paragraph N is the Nth to begin.
_PARAGRAPH_START = re.compile(rb"<w:p(?=[ >/])")
_RUN_TEXT = re.compile(rb"<w:t(?: [^>]*)?>(.*?)</w:t>", re.S)


def _split_tags(path: Path, xml: bytes) -> list[Issue]:
    """Tags Word split across runs, numbered as `_docx_source` numbers paragraphs."""
    found = []
    for n, para in enumerate(_PARAGRAPH_START.split(xml)[1:], 1):
        runs = [t.decode("utf-8") for t in _RUN_TEXT.findall(para)]
        for a, b in zip(runs, runs[1:]):
            opened = a.count("{{") + a.count("{%") - a.count("}}") - a.count("%}")
            if opened > 0 or (a.endswith(("{", "%")) and b.startswith(("{", "%", "}"))):
                text = "".join(runs)
                found.append(_problem("E-TEMPLATE-SPLIT-TAG", path, f"第{n}段", text=text[:40]))
                break
    return found


class _KeepLines:
    """`re` as docxtpl's patch_xml sees it, except that a substitution keeps the newlines it removes.

    patch_xml replaces whole rows, cells and paragraphs ({%tr %}, {%p %}) by their tag; the lines
    (paragraphs) those held are put back after the replacement, so that line N of the patched
    source is still paragraph N of the document.
    """

    def __getattr__(self, name):
        return getattr(re, name)

    @staticmethod
    def sub(pattern, repl, string, count=0, flags=0):
        def keep(m: re.Match) -> str:
            out = repl(m) if callable(repl) else m.expand(repl)
            lost = m.group(0).count("\n") - out.count("\n")
            # an empty replacement joins a brace split across paragraphs ({ | {): newlines there would part it
            return out + "\n" * lost if lost > 0 and out else out

        return re.sub(pattern, keep, string, count=count, flags=flags)


def _patch_xml_keeping_lines(tpl, xml: str) -> str:
    import types

    import docxtpl.template

    fn = type(tpl).patch_xml
    try:
        patch = types.FunctionType(fn.__code__, {**vars(docxtpl.template), "re": _KeepLines()}, fn.__name__,
                                   fn.__defaults__, fn.__closure__)
        return patch(tpl, xml)
    except Exception:  # a docxtpl we do not know: the paragraphs after a {%tr %} row may then be misnumbered
        return tpl.patch_xml(xml)


def _docx_source(path: Path) -> tuple[str, bytes]:
    """The Jinja source docxtpl would see, and the raw document XML.

    Each paragraph of the source starts a new line, so that Jinja's line N + 1 is paragraph N
    (line 1 is what comes before the first paragraph)."""
    from docxtpl import DocxTemplate

    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml")
    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    body = re.sub(r"<w:p(?=[ >/])", "\n<w:p", re.sub(r"\r\n?|\n", " ", tpl.get_xml()))
    return _patch_xml_keeping_lines(tpl, body), xml


def check_templates(root: Path) -> list[Issue]:
    folder = Path(root) / "templates"
    if not folder.is_dir():
        return [issue("W-TEMPLATE-NONE", file="templates/")]
    env = environment(Path(root))
    public, internal = _known_names(Path(root))
    issues: list[Issue] = []
    for path in sorted(folder.iterdir()):
        known = public if is_public_template(path) else internal
        if path.suffix in (".j2", ".css"):
            issues += _check_source(path, path.read_text(encoding="utf-8"), env, known)
        elif path.suffix == ".docx":
            try:
                source, xml = _docx_source(path)
            except (zipfile.BadZipFile, KeyError, OSError) as e:
                issues.append(_problem("E-TEMPLATE-SYNTAX", path, "文件", detail=f"无法打开 Word 模板：{e}"))
                continue
            split = _split_tags(path, xml)
            issues += split
            if not split:
                paragraphs = max(len(_PARAGRAPH_START.findall(xml)), 1)

                def line_of(lineno: int, paragraphs=paragraphs) -> str:
                    # an error at the very end (a block never closed) is placed in the last paragraph
                    return f"第{min(max(lineno - 1, 1), paragraphs)}段"

                issues += _check_source(path, source, env, known, line_of)
    return issues


def template_error_location(e: BaseException) -> tuple[str, int | None, str]:
    """Where rendering a template failed: (file, line, text of the Word paragraph), each empty if unknown.

    A syntax error carries its file and line. A runtime error (UndefinedError, SecurityError) does
    not, but Jinja rewrites the traceback so that template frames carry the template's file name
    and line: the last such frame is where it failed. Word templates are compiled from a string by
    docxtpl; their file is the DocxTemplate's, and the paragraph is quoted from the source it rendered.
    """
    file, line = getattr(e, "filename", None) or "", getattr(e, "lineno", None)
    docx, xml = None, None
    tb = e.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if "__jinja_exception__" in frame.f_globals:  # a frame Jinja made for template code
            file, line = frame.f_code.co_filename, tb.tb_lineno
        else:
            owner = frame.f_locals.get("self")
            if type(owner).__name__ == "DocxTemplate":
                docx = getattr(owner, "template_file", None) or docx
                xml = frame.f_locals.get("src_xml") or xml
        tb = tb.tb_next
    text = ""
    if docx is not None:
        if line and isinstance(xml, str):
            lines = xml.splitlines()
            if 0 < line <= len(lines):
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", lines[line - 1])).strip()[:40]
        return _shown(str(docx)), None, text
    if file.startswith("<"):  # <template>, <unknown>: compiled from a string
        file = ""
    return _shown(file) if file else "", line, text


def _shown(file: str) -> str:
    """templates/<name> for a template file (the workspace's or a built-in one), else the path as given."""
    path = Path(file)
    return f"templates/{path.name}" if path.parent.name == "templates" else file
