"""The office's pages for what used to need a shell: a new workspace, 设置, 任务清单, 开始新一期, 模板, 历次数据.

Each page calls the library function its command calls (init_workspace, settings, check_plan_file,
preview_new_period/new_period, check_templates, export) and shows its findings in its words; nothing
here decides anything of its own. Only a signed-in office reaches them; every form carries the CSRF
token, as the other office forms do.
"""

from __future__ import annotations

from starlette.routing import Route

from . import data, layouts, workspace


def routes() -> list[Route]:
    return [*workspace.routes(), *layouts.routes(), *data.routes()]
