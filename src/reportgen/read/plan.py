"""plan.xlsx → list of `Task`, with issues for rows that cannot be used."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ..codes import issue
from ..errors import InputError
from ..model import CATEGORIES, Issue, Source, Task
from ..numbers import parse_number
from .cells import row_kind, text
from .grid import cell_ref, column_letter
from .headers import PLAN_COLUMNS, PLAN_REQUIRED, find_header
from .sheets import read_grids

COLUMN_LABELS = {f: syns[0] for f, syns in PLAN_COLUMNS.items()}


def read_plan(path: Path) -> tuple[list[Task], list[Issue]]:
    if not path.exists():
        raise InputError(issue("E-WORKSPACE-MISSING", what="任务清单 plan.xlsx", path=str(path), file=path.name))
    grids = read_grids(path)
    issues: list[Issue] = [i for g in grids for i in g.issues]
    for grid in grids:
        header = find_header(grid.rows, PLAN_COLUMNS, PLAN_REQUIRED)
        if header:
            break
    else:
        raise InputError(issue("E-SHEET-NOT-FOUND", file=path.name, required="、".join(COLUMN_LABELS[f] for f in PLAN_REQUIRED)))
    hr, cols, ignore = header.row, header.columns, header.ignored
    missing = [issue("E-COLUMN-MISSING", file=path.name, sheet=grid.name, cell=cell_ref(hr, min(cols.values())),
                     column=COLUMN_LABELS[f]) for f in PLAN_REQUIRED if f not in cols]
    if missing:  # what reading the grid said (characters removed, rows cut) is only reported: the rows stay
        return [], issues + missing

    tasks: list[Task] = []
    seen: dict[str, int] = {}
    last_project: dict[str, object] = {}
    for r in range(header.data_start, len(grid.rows)):
        row = grid.rows[r]
        if row_kind(row, ignore):
            continue
        at = lambda f: cell_ref(r, cols[f])  # noqa: E731
        where = dict(file=path.name, sheet=grid.name)
        get = lambda f: row[cols[f]] if f in cols and cols[f] < len(row) else None  # noqa: E731
        # merged project cells: carry the project forward
        for f in ("project_no", "project", "category"):
            if get(f) in (None, "") and f in last_project:
                row = list(row) + [None] * (max(cols.values()) + 1 - len(row))
                row[cols[f]] = last_project[f]
        for c in cols.values():
            if (r, c) in grid.formula_cells:
                issues.append(issue("E-FORMULA-NO-VALUE", cell=cell_ref(r, c), formula=grid.formula_cells[(r, c)], **where))
        task_id = text(get("task_id"))
        if not task_id:
            issues.append(issue("E-PLAN-ID-MISSING", cell=at("task_id"), **where))
            continue
        if isinstance(get("task_id"), (date, datetime)):  # 02-01 typed into a General cell; kept as read, never guessed
            d = get("task_id")
            issues.append(issue("E-PLAN-ID-DATE", cell=at("task_id"), value=task_id, guess=f"{d.month:02d}-{d.day:02d}", **where))
        if task_id in seen:
            issues.append(issue("E-PLAN-ID-DUPLICATE", cell=at("task_id"), task_id=task_id, other_row=seen[task_id], **where))
            continue
        missing = [f for f in PLAN_REQUIRED if not text(get(f))]
        for f in missing:
            issues.append(issue("E-PLAN-FIELD-MISSING", cell=at(f), column=COLUMN_LABELS[f], **where))
        if missing:
            continue
        no = parse_number(get("project_no"))
        if no is None or no.value != int(no.value):
            issues.append(issue("E-PLAN-PROJECT-NO", cell=at("project_no"), value=text(get("project_no")), **where))
            continue
        category = text(get("category"))
        if category not in CATEGORIES:
            issues.append(issue("E-PLAN-CATEGORY-UNKNOWN", cell=at("category"), value=category, allowed="、".join(CATEGORIES), **where))
            category = "其他"
        target = parse_number(get("target_value"))
        if get("target_value") not in (None, "") and target is None:
            issues.append(issue("E-NUMBER-INVALID", cell=at("target_value"), column="目标值", value=text(get("target_value")), **where))
        unit = text(get("unit")) or (target.unit if target else "")
        if target is not None and not unit:
            issues.append(issue("E-PLAN-UNIT-MISSING", cell=at("target_value"), **where))
        for f in ("project_no", "project", "category"):
            last_project[f] = get(f)
        seen[task_id] = r + 1
        tasks.append(Task(
            task_id=task_id,
            project_no=int(no.value),
            project=text(get("project")),
            category=category,
            name=text(get("name")),
            target_text=text(get("target_text")),
            target_value=target.value if target else None,
            unit=unit,
            lead=text(get("lead")),
            partners=text(get("partners")),
            kind=text(get("kind")),
            source=Source(path.name, grid.name, r + 1),
            columns={f: column_letter(c) for f, c in cols.items()},
        ))
    return tasks, issues
