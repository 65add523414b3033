"""Templates an office owns: export the built-ins into a workspace, and check edited ones.

`export_templates(root)` copies the built-in templates into `<root>/templates/`
(build then prefers them, rendered in Jinja's sandbox). `check_templates(root)`
returns issues: Jinja syntax errors with file and line, variables the context
does not provide, and tags Word split across runs in DOCX templates.
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
# Names templates may use beyond the context: Jinja's own and the variables the renderers add.
RENDER_VARIABLES = {"medium", "variant", "extra_css", "toc", "images", "charts", "overview", "range", "loop",
                    "lipsum", "dict", "cycler", "joiner", "namespace", "true", "false", "none"}


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
    return issue(code, file=f"templates/{path.name}", cell=place, place=place, **fields)


def known_variables(root: Path) -> set[str]:
    """Top-level names the internal context provides (a superset of the public one)."""
    from .errors import InputError
    from .merge import merge
    from .read import read_workspace
    from .render.context import internal_context

    try:
        ctx = internal_context(merge(read_workspace(root)))
    except InputError:  # no usable data yet: the names every context has
        ctx = {}
    return set(ctx) | RENDER_VARIABLES | CONTEXT_NAMES


CONTEXT_NAMES = {
    "region", "program", "publisher", "group_by", "group_word", "period", "headline", "lead", "closing", "counts", "project_count",
    "groups", "lang", "changes", "compiler", "briefing_title", "report_to", "send_to", "issue_to", "copies", "tasks",
    "behind", "not_started", "not_reported", "unreported_departments", "set_aside", "issues", "rows_read",
}


def _check_source(path: Path, source: str, env: jinja2.Environment, known: set[str], line_of=None) -> list[Issue]:
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as e:
        where = line_of(e.lineno) if line_of else f"第{e.lineno}行"
        return [_problem("E-TEMPLATE-SYNTAX", path, where, detail=e.message)]
    unknown = sorted(meta.find_undeclared_variables(ast) - known)
    return [_problem("E-TEMPLATE-UNKNOWN-VARIABLE", path, name=name) for name in unknown]


_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.S)
_RUN_TEXT = re.compile(rb"<w:t(?: [^>]*)?>(.*?)</w:t>", re.S)


def _split_tags(path: Path, xml: bytes) -> list[Issue]:
    found = []
    for n, para in enumerate(_PARAGRAPH.findall(xml), 1):
        runs = [t.decode("utf-8") for t in _RUN_TEXT.findall(para)]
        for a, b in zip(runs, runs[1:]):
            opened = a.count("{{") + a.count("{%") - a.count("}}") - a.count("%}")
            if opened > 0 or (a.endswith(("{", "%")) and b.startswith(("{", "%", "}"))):
                text = "".join(runs)
                found.append(_problem("E-TEMPLATE-SPLIT-TAG", path, f"第{n}段", text=text[:40]))
                break
    return found


def _docx_source(path: Path) -> tuple[str, bytes]:
    """The Jinja source docxtpl would see, and the raw document XML."""
    from docxtpl import DocxTemplate

    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml")
    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    return tpl.patch_xml(tpl.get_xml()), xml


def check_templates(root: Path) -> list[Issue]:
    folder = Path(root) / "templates"
    if not folder.is_dir():
        return [issue("W-TEMPLATE-NONE", file="templates/")]
    env = environment(Path(root))
    known = known_variables(Path(root))
    issues: list[Issue] = []
    for path in sorted(folder.iterdir()):
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
                def line_of(lineno: int, source=source) -> str:
                    before = "\n".join(source.splitlines()[:lineno])
                    return f"第{before.count('</w:p>') + 1}段"

                issues += _check_source(path, source, env, known, line_of)
    return issues
