"""Templates: where they are found, and the Jinja environment that renders them.

The workspace's own `templates/` folder wins over the built-in templates.
Built-in templates render in a normal environment; a workspace's templates
(written by an office, not by us) render in Jinja's sandbox. Both escape HTML
and fail loudly on undefined variables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import re

import jinja2
from markupsafe import Markup, escape
from jinja2.sandbox import SandboxedEnvironment

from ..numbers import FILTERS
from . import wording


def builtin_templates() -> Path:
    """`templates/` inside the installed package (wheel), else at the repository root."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("内置模板目录 templates/ 缺失，请重新安装 reportgen")


def template_path(name: str, workspace: Path | None = None) -> Path:
    """The file for template `name`: the workspace's copy if it has one."""
    if workspace is not None:
        own = workspace / "templates" / name
        if own.is_file():
            return own
    return builtin_templates() / name


def is_workspace_template(name: str, workspace: Path | None) -> bool:
    return template_path(name, workspace).parent != builtin_templates()


@lru_cache(maxsize=8)
def _environment(search: tuple[str, ...], sandboxed: bool, autoescape: bool) -> jinja2.Environment:
    cls = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = cls(
        loader=jinja2.FileSystemLoader(list(search)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(clause=wording.clause, sentence=wording.sentence)  # 新建10个。 → 新建10个, and back
    env.filters["nobreak"] = nobreak
    return env


_NUMBER_WITH_UNIT = re.compile(r"(?:附件|第)?\d+(?:\.\d+)?[%％]?[\u4e00-\u9fff]?")


def nobreak(text: str) -> Markup:
    """HTML in which a number stays on the line of its unit (2项, 附件2, 17.6%): for sentences we write."""
    return Markup(_NUMBER_WITH_UNIT.sub(lambda m: f'<span class="nobr">{m[0]}</span>', str(escape(text))))


def environment(workspace: Path | None = None, *, autoescape: bool = True, sandboxed: bool | None = None) -> jinja2.Environment:
    """Jinja environment searching the workspace's templates, then the built-ins."""
    search = []
    if workspace is not None and (workspace / "templates").is_dir():
        search.append(str(workspace / "templates"))
    search.append(str(builtin_templates()))
    if sandboxed is None:
        sandboxed = len(search) > 1
    return _environment(tuple(search), sandboxed, autoescape)


def render_template(name: str, context: dict, workspace: Path | None = None) -> str:
    return environment(workspace).get_template(name).render(**context)
