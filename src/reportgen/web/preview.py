"""A unit's tasks as the press release will print them: the same template, form and wording as `build`.

Takes: a snapshot (the workspace as validation sees it) and a unit.
Returns: the press release page (HTML) holding only that unit's tasks, with no lead, opening, closing
or draft banner (those speak of the whole district). The task paragraphs are made by the release's
own template from the release's own context (`public_context`), so each reads as in the built release.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..merge import group_tasks
from ..periods import tasks_by_department
from ..render import Job
from ..render.context import public_context
from ..render.press import page
from .state import Snapshot


def unit_tasks(snap: Snapshot, department: str) -> set[str]:
    return {t.task_id for t in tasks_by_department(snap.workspace).get(department, [])}


def unit_preview(snap: Snapshot, department: str, scratch: Path) -> str:
    ds = snap.dataset
    mine = unit_tasks(snap, department)
    whole = public_context(ds)  # headings numbered as in the release
    tasks = [m for m in ds.tasks if m.task.task_id in mine]
    own = public_context(replace(ds, tasks=tasks, groups=group_tasks(tasks, ds.group_by), gate=None))
    groups = [{**g, "tasks": [t for t in g["tasks"] if t["task_id"] in mine]} for g in whole["groups"]]
    ctx = {**own, "groups": [g for g in groups if g["tasks"]], "opening": "", "lead": "", "closing": "", "draft": []}
    return page(Job(dataset=ds, workspace=snap.root, outdir=scratch), ctx, medium="screen")
