"""Templates an office owns: export the built-ins into a workspace, and check edited ones.

`export_templates(root)` copies the built-in templates into `<root>/templates/`
(build then prefers them, rendered in Jinja's sandbox). `check_templates(root)`
returns issues for everything `build` would reject, each with file and line
(paragraph, in a Word template), in Chinese: Jinja syntax errors, unknown
filters and tests, names and fields the data does not have, inside loops and
conditions too (press-release templates see only the public context, so an
internal field there is an error; briefing-pack ones the internal one), values
that may be empty used unguarded, missing includes (template_lint.py), tags Word
split across runs in DOCX templates; then a trial render with the workspace's
own data catches what only data shows.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import jinja2
from jinja2 import meta

from .codes import issue
from .model import Issue
from .render.env import builtin_templates, confined, environment

TEMPLATE_SUFFIXES = (".j2", ".css", ".docx")


def export_templates(root: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the built-in templates into templates/ (a link there is replaced, never written through)."""
    from .errors import InputError
    from .lock import inside, workspace_lock
    from .render.files import write_bytes

    root = Path(root)
    target = root / "templates"
    if target.is_symlink():
        raise InputError(issue("E-TEMPLATE-LINK", name="templates/"))
    with workspace_lock(root):
        inside(root, target).mkdir(parents=True, exist_ok=True)
        written = []
        for src in sorted(builtin_templates().iterdir()):
            dst = target / src.name
            if src.suffix in TEMPLATE_SUFFIXES and (overwrite or not (dst.exists() or dst.is_symlink())):
                write_bytes(dst, src.read_bytes())
                written.append(dst)
    return written


def _problem(code: str, path: Path, place: str = "", **fields) -> Issue:
    return issue(code, file=f"templates/{path.name}", cell=place, **fields)  # the place shows once, before the message


def is_public_template(path: Path) -> bool:
    """Whether a template renders into something published, and so sees only the public context.

    press-release* (HTML, CSS, Word) render with `public_context`; briefing-pack* with the internal
    one. Any other file (an office's own include, draft-mark.html.j2) is held to the public names: it
    might end up in the press release, and internal fields must never reach it.
    """
    return not path.name.startswith("briefing-pack")


def known_variables(root: Path | None = None, *, public: bool = False) -> set[str]:
    """Top-level names a template may use: the press release's (public) or the briefing pack's (internal),
    with Jinja's own names and what each renderer adds."""
    from .template_lint import JINJA_GLOBALS, context_shapes

    public_shape, internal_shape = context_shapes()
    return set((public_shape if public else internal_shape).fields) | JINJA_GLOBALS


def _check_source(path: Path, source: str, env: jinja2.Environment, public: bool, line_of=None) -> list[Issue]:
    """Syntax first (compiling finds unknown filters and tests too), then the walk of template_lint."""
    from .messages import jinja_detail, unclosed_block_line
    from .template_lint import lint

    place = line_of or (lambda n: f"第{n}行")
    try:
        tree = env.parse(source)
        env.compile(env.parse(source))  # compiling in the sandbox rewrites loops in the tree it is given
    except jinja2.TemplateError as e:
        lineno, message = getattr(e, "lineno", None), getattr(e, "message", None) or ""
        detail = jinja_detail(e)
        if message.startswith("Unexpected end of template"):
            lineno = unclosed_block_line(source, env) or lineno  # where the block that never ends began
        elif "The innermost block that needs to be closed" in message and lineno:
            opened = unclosed_block_line(source, env, upto=lineno)  # a wrong end tag: say where its block began
            if opened and opened != lineno:
                detail += f"（该块从{place(opened)}开始）"
        return [_problem("E-TEMPLATE-SYNTAX", path, place(lineno) if lineno else "文件", detail=detail)]
    return lint(path, tree, env, public, place)


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


def _links(folder: Path, path: Path, source: str, env: jinja2.Environment) -> list[Issue]:
    """E-TEMPLATE-LINK for the files a template includes or imports that are links or lie outside templates/."""
    try:
        names = [n for n in meta.find_referenced_templates(env.parse(source)) if isinstance(n, str)]
    except jinja2.TemplateError:
        return []  # the syntax check reports it
    found = []
    for name in names:
        target = folder / name
        if (target.exists() or target.is_symlink()) and not confined(folder, target):
            found.append(_problem("E-TEMPLATE-LINK", path, name=f"templates/{name}"))
    return found


def check_templates(root: Path) -> list[Issue]:
    """Everything `build` would reject: syntax, names and fields (static, every branch), then a trial
    render of each document's templates with the workspace's own data (draft and not)."""
    folder = Path(root) / "templates"
    if folder.is_symlink():
        return [issue("E-TEMPLATE-LINK", file="templates/", name="templates/")]
    if not folder.is_dir():
        return [issue("W-TEMPLATE-NONE", file="templates/")] + theme_findings(Path(root))
    env = environment(Path(root))
    issues: list[Issue] = []
    for path in sorted(folder.iterdir()):
        public = is_public_template(path)
        if path.is_symlink() or not confined(folder, path):
            issues.append(_problem("E-TEMPLATE-LINK", path, name=f"templates/{path.name}"))
            continue
        if path.suffix in (".j2", ".css"):
            source = path.read_text(encoding="utf-8", errors="replace")
            issues += _check_source(path, source, env, public)
            issues += _links(folder, path, source, env)
        elif path.suffix == ".docx":
            try:
                source, xml = _docx_source(path)
            except (zipfile.BadZipFile, KeyError, OSError) as e:
                issues.append(_problem("E-TEMPLATE-SYNTAX", path, "文件", detail=f"无法打开 Word 模板（{type(e).__name__}）"))
                continue
            split = _split_tags(path, xml)
            issues += split
            if not split:
                paragraphs = max(len(_PARAGRAPH_START.findall(xml)), 1)

                def line_of(lineno: int, paragraphs=paragraphs) -> str:
                    # an error at the very end (a block never closed) is placed in the last paragraph
                    return f"第{min(max(lineno - 1, 1), paragraphs)}段"

                issues += _check_source(path, source, env, public, line_of)
    with_errors = {i.file for i in issues if i.is_error}
    issues += [i for i in trial_render(Path(root)) if i.file not in with_errors]
    return issues + theme_findings(Path(root))


def trial_render(root: Path) -> list[Issue]:
    """Render every document's templates (Jinja only: no PDF, nothing written) with the workspace's data, as a
    draft and as a publishable release; what fails is said at its template file and line (or paragraph)."""
    from docxtpl import DocxTemplate

    from .build import assessment
    from .errors import InputError
    from .messages import jinja_detail
    from .render.context import public_context
    from .render.env import template_path
    from .render.forms import template_name
    from .render.pack import pack_context
    from .template_lint import BRIEFING_RENDER

    try:
        _, ds = assessment(root)
    except InputError:
        return []  # no usable data: the static check is all there is
    env = environment(root)
    found: dict[tuple, Issue] = {}

    def attempt(render) -> None:
        try:
            render()
        except Exception as e:  # noqa: BLE001 - whatever a template makes fail at build time
            file, line, text = template_error_location(e)
            place = f"含“{text}”的段落" if text else (f"第{line}行" if line else "")
            i = issue("E-TEMPLATE-RENDER", file=file, cell=place, detail=jinja_detail(e) + "。")
            found.setdefault((i.file, i.cell, i.message), i)

    for reasons in ([], ["（试生成）"]):
        ctx = {**public_context(ds), "draft": reasons}
        for medium, variant, css in (("print", "standard", ["press-release-print.css"]), ("screen", "standard", []),
                                     ("print", "traditional", ["press-release-traditional.css"]),
                                     ("print", "large-print", ["press-release-large-print.css"])):
            attempt(lambda: env.get_template(template_name(ctx["form"])).render(**ctx, medium=medium, variant=variant,
                                                                                   extra_css=css))
    # press-release.docx is only the Word look (styles, page set-up): every press format comes from the HTML template
    inner = {**pack_context(ds), **BRIEFING_RENDER}
    for toc in (False, True):
        attempt(lambda: env.get_template("briefing-pack.html.j2").render(**{**inner, "toc": toc}))
    if (root / "templates" / "briefing-pack.docx").is_file():
        attempt(lambda: DocxTemplate(str(template_path("briefing-pack.docx", root))).render(inner, jinja_env=env,
                                                                                               autoescape=True))
    return list(found.values())


def theme_findings(root: Path) -> list[Issue]:
    """by-theme: each 领域 without a theme sentence in period.toml [themes], as a 提醒 with the line to add."""
    from .errors import InputError
    from .read import read_workspace
    from .render.forms import themes_missing

    try:
        ws = read_workspace(root)
    except InputError:
        return []
    if ws.config.form != "by-theme":
        return []
    return [issue("W-THEME-MISSING", file=f"inputs/{ws.period.code}/period.toml", category=c)
            for c in themes_missing(ws.plan, ws.period.themes)]


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


def preview_press(root: Path) -> str | None:
    """The press release as `build` would make its screen HTML from the workspace's data and templates
    (nothing written); None when there is no usable data yet."""
    from .build import assessment
    from .errors import InputError
    from .render import Job
    from .render.context import public_context
    from .render.press import page

    root = Path(root)
    try:
        _, ds = assessment(root)
    except InputError:
        return None
    return page(Job(ds, root, root / "outputs"), public_context(ds), medium="screen")
