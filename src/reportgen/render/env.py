"""Templates: where they are found, and the Jinja environment that renders them.

The workspace's own `templates/` folder wins over the built-in templates.
Built-in templates render in a normal environment; a workspace's templates
(written by an office, not by us) render in a limited sandbox (sandbox.py). Both escape HTML
and fail loudly on undefined variables. A template is only ever read from inside its folder:
a link (symlink) in the workspace's templates/, or templates/ itself being one, is refused.
"""

from __future__ import annotations

from functools import lru_cache
import re
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from ..codes import issue
from ..numbers import FILTERS
from .sandbox import LimitedSandbox


class TemplateRefused(jinja2.TemplateError):
    """A template that is a link, or reached through one, or outside its folder (E-TEMPLATE-LINK)."""

    in_chinese = True

    def __init__(self, name: str):
        super().__init__(issue("E-TEMPLATE-LINK", name=name).message)


def confined(folder: Path, path: Path) -> bool:
    """Whether `path` lies inside `folder` with no link on the way (the folder itself included)."""
    folder = Path(folder)
    try:
        rel = Path(path).relative_to(folder)
    except ValueError:
        return False
    step = folder
    if step.is_symlink():
        return False
    for part in rel.parts:
        step = step / part
        if step.is_symlink():
            return False
    return Path(path).resolve().is_relative_to(folder.resolve())


class ConfinedLoader(jinja2.FileSystemLoader):
    """FileSystemLoader that refuses templates reached through a link or lying outside their folder."""

    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            candidate = Path(searchpath, *pieces)
            if candidate.exists() or candidate.is_symlink():
                if not confined(Path(searchpath), candidate):
                    raise TemplateRefused(f"templates/{template}")
                break
        return super().get_source(environment, template)
from . import wording


def builtin_templates() -> Path:
    """`templates/` inside the installed package (wheel), else at the repository root."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("内置模板目录 templates/ 缺失，请重新安装 reportgen")


def workspace_templates(workspace: Path | None) -> Path | None:
    """The workspace's templates/ folder when it has one; refused when it is a link."""
    if workspace is None:
        return None
    folder = Path(workspace) / "templates"
    if folder.is_symlink():
        raise TemplateRefused("templates/")
    return folder if folder.is_dir() else None


def template_path(name: str, workspace: Path | None = None) -> Path:
    """The file for template `name`: the workspace's copy if it has one (never through a link)."""
    folder = workspace_templates(workspace)
    if folder is not None:
        own = folder / name
        if own.is_file() or own.is_symlink():
            if not confined(folder, own):
                raise TemplateRefused(f"templates/{name}")
            return own
    return builtin_templates() / name


def is_workspace_template(name: str, workspace: Path | None) -> bool:
    return template_path(name, workspace).parent != builtin_templates()


@lru_cache(maxsize=8)
def _environment(search: tuple[str, ...], sandboxed: bool, autoescape: bool) -> jinja2.Environment:
    cls = LimitedSandbox if sandboxed else jinja2.Environment
    env = cls(
        loader=ConfinedLoader(list(search)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(clause=wording.clause, sentence=wording.sentence)  # 新建10个。 → 新建10个, and back
    env.filters["nobreak"] = nobreak
    if isinstance(env, LimitedSandbox):
        env.bound_filters()  # after every filter is in
    return env


_NUMBER_WITH_UNIT = re.compile(r"(?:附件|第)?\d+(?:\.\d+)?[%％]?[\u4e00-\u9fff]?")


def nobreak(text: str) -> Markup:
    """HTML in which a number stays on the line of its unit (2项, 附件2, 17.6%): for sentences we write."""
    return Markup(_NUMBER_WITH_UNIT.sub(lambda m: f'<span class="nobr">{m[0]}</span>', str(escape(text))))


def environment(workspace: Path | None = None, *, autoescape: bool = True, sandboxed: bool | None = None) -> jinja2.Environment:
    """Jinja environment searching the workspace's templates, then the built-ins."""
    search = []
    own = workspace_templates(workspace)
    if own is not None:
        search.append(str(own))
    search.append(str(builtin_templates()))
    if sandboxed is None:
        sandboxed = len(search) > 1
    return _environment(tuple(search), sandboxed, autoescape)


def render_template(name: str, context: dict, workspace: Path | None = None) -> str:
    return environment(workspace).get_template(name).render(**context)
