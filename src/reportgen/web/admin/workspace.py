"""新建工作目录, 设置, 任务清单, 开始新一期: `init`, editing the two TOML files, plan.xlsx, `new-period`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from tomlkit.exceptions import TOMLKitError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ... import periods
from ...errors import InputError
from ...fillguide import FOLDER as FILL_GUIDE
from ...lock import workspace_lock
from ...read import department_files
from ...read.config import PERIOD_KINDS, default_period, read_config, read_period, split_period
from ...render.files import write_bytes
from ...settings import save_settings, settings_form
from ..app import checked_form, ctx, log_action, require_office
from ..department import file_response
from .common import show, clear, current_period, has_workspace, need_workspace, staging, uploaded


def routes() -> list[Route]:
    return [
        Route("/office/start", start, methods=["GET", "POST"]),
        Route("/office/settings", settings, methods=["GET", "POST"]),
        Route("/office/plan", plan),
        Route("/office/plan.xlsx", plan_download),
        Route("/office/plan/upload", plan_upload, methods=["POST"]),
        Route("/office/plan/confirm", plan_confirm, methods=["POST"]),
        Route("/office/period", period, methods=["GET", "POST"]),
        Route("/office/period/unit", unit_workbook, methods=["POST"]),
    ]


def _problems(e: InputError) -> list:
    return list(e.issues)


# ---- 新建工作目录 --------------------------------------------------------------------------

def period_choices(after: str | None = None, count: int = 5) -> list[tuple[str, str]]:
    """(code, 2026年上半年) for the periods to offer: the ones after `after`, or around today's
    (two before it, for an office catching up, and two after)."""
    if after is None:
        today = periods.current_period(date.today())
        year = split_period(today)[0]
        codes = [f"{y}{k}" for y in (year - 1, year, year + 1) for k in PERIOD_KINDS]
        at = codes.index(today)
        codes = codes[at - 2: at + 3]
    else:
        codes = [next_period(after)]
        while len(codes) < count:
            codes.append(next_period(codes[-1]))
    return [(c, label(c)) for c in codes]


def label(code: str) -> str:
    p = default_period(code)
    return f"{p.year}年{p.label}（{code}）"


def next_period(code: str) -> str:
    year, kind = split_period(code)
    kinds = list(PERIOD_KINDS)
    i = kinds.index(kind) + 1
    return f"{year}{kinds[i]}" if i < len(kinds) else f"{year + 1}{kinds[0]}"


async def start(request: Request) -> Response:
    """An empty folder served: the office names its region and first period, and the workspace is made as `init` makes it."""
    require_office(request)
    root = ctx(request).root
    if has_workspace(root):
        return RedirectResponse("/office/settings", 303)
    problems: list = []
    values = {"region": "", "period": periods.current_period(date.today())}
    if request.method == "POST":
        form = await checked_form(request, fields=400)
        values = {"region": str(form.get("region", "")).strip(), "period": str(form.get("period", ""))}
        if not values["region"]:
            problems = ["请填写地区名称，例如 示例区。"]
        else:
            try:
                await run_in_threadpool(periods.init_workspace, root, region=values["region"], period=values["period"])
                log_action(request, "新建工作目录", f"地区：{values['region']}，报告期：{values['period']}", period=values["period"])
                return RedirectResponse("/office/settings?new=1", 303)
            except InputError as e:
                problems = [i.message for i in _problems(e)]
    return await show(request, "admin/start.html", status=400 if problems else 200, problems=problems, values=values,
                choices=period_choices(), folder=str(root))


# ---- 设置 ---------------------------------------------------------------------------------

async def settings(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    code = current_period(root)
    errors: dict[str, str] = {}
    warnings: list = []
    submitted = None
    if request.method == "POST":
        form = await checked_form(request, fields=400)
        fields = await run_in_threadpool(settings_form, root, code)
        submitted = {f.name: form.getlist(f.name) if f.kind == "checks" else form.get(f.name, "") for f in fields}
        saved = await run_in_threadpool(save_settings, root, code, submitted)
        if not saved.errors:
            log_action(request, "保存设置", "有提醒" if saved.warnings else "", period=code)
        if not saved.errors and not saved.warnings:
            return RedirectResponse("/office/settings?saved=1", 303)
        errors, warnings = saved.errors, saved.warnings
        submitted = submitted if errors else None  # saved with warnings: show the files as they now are
    try:
        fields = await run_in_threadpool(settings_form, root, code)
    except (InputError, OSError, TOMLKitError):
        return await show(request, "message.html", 400, title="设置文件无法读取", text=_unreadable(root, code), back="/office")
    if submitted is not None:  # show what was typed, with the messages beside it
        for f in fields:
            f.value = submitted.get(f.name, f.value)
    return await show(request, "admin/settings.html", status=400 if errors else 200, fields=fields, errors=errors,
                      warnings=warnings, saved=request.query_params.get("saved") == "1" or bool(warnings), new=request.query_params.get("new") == "1",
                code=code, groups=_groups(fields))


def _groups(fields) -> list[tuple[str, list]]:
    """The fields in the sections the page shows."""
    names = {
        "发布与署名": ("region", "program", "publisher", "compiler", "headline", "office_contact", "office_phone"),
        "新闻通稿": ("form", "numbering", "group_by", "variants", "traditional"),
        "工作简报": ("briefing_title", "report_to", "send_to", "issue_to", "copies", "toc", "internal"),
        "筛查用词": ("forbidden_words", "review_words", "allowed_words"),
        "本期": ("label", "as_of", "issue_no", "publish_date", "deadline", "opening", "closing"),
    }
    by_name = {f.name: f for f in fields}
    out = [(title, [by_name[n] for n in group if n in by_name]) for title, group in names.items()]
    themes = [f for f in fields if f.name.startswith("themes.")]
    if themes:
        out.append(("各领域主题句（按领域叙述时用）", themes))
    return [(t, fs) for t, fs in out if fs]


def _unreadable(root: Path, code: str | None) -> str:
    """Why the settings cannot be shown, as the readers build uses say it."""
    try:
        read_config(root / "report.toml")
        if code:
            read_period(root / "inputs" / code / "period.toml", code)
    except InputError as e:
        return e.issue.message + "请让技术支持按提示改正设置文件（或从备份中恢复）后再打开本页。"
    return "设置文件无法读取。请让技术支持检查 report.toml 和本期的 period.toml。"


# ---- 任务清单 -----------------------------------------------------------------------------

def _plan_state(root: Path, code: str):
    """The plan in use: its tasks and what `new-period` would say about it."""
    path = root / "inputs" / code / "plan.xlsx"
    if not path.exists():
        return path, [], []
    tasks, errors = periods.check_plan_file(path, code)
    return path, tasks, errors


async def plan(request: Request, **extra) -> Response:
    require_office(request)
    root = need_workspace(request)
    code = current_period(root)
    if code is None:
        raise HTTPException(404, "还没有报告期。请先在“开始新一期”中选择报告期。")
    path, tasks, errors = await run_in_threadpool(_plan_state, root, code)
    sent = bool(department_files(root / "inputs" / code / "departments"))
    values = dict(code=code, tasks=tasks, errors=errors, units=periods.by_lead(tasks), exists=path.exists(),
                  sent=sent, result=None, refused=[], confirm=None)
    values.update(extra)
    status = 400 if values["refused"] else 200
    return await show(request, "admin/plan.html", status=status, **values)


async def plan_download(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    code = current_period(root)
    path = root / "inputs" / code / "plan.xlsx" if code else None
    if path is None or not path.is_file():
        raise HTTPException(404, "还没有任务清单。")
    return file_response(path, f"{code}任务清单.xlsx")


def _losses(old: list, new: list) -> list[str]:
    """What the new plan drops from the plan in use: tasks and lead units no longer there."""
    new_ids = {t.task_id for t in new}
    gone = [f"{t.task_id} {t.name}" for t in old if t.task_id not in new_ids]
    units = set(periods.by_lead(new))
    gone_units = [u for u in periods.by_lead(old) if u not in units]
    said = []
    if gone:
        said.append(f"少了 {len(gone)} 项任务：" + "、".join(gone[:10]) + ("等" if len(gone) > 10 else ""))
    if gone_units:
        said.append("不再有这些牵头单位：" + "、".join(gone_units))
    return said


def _install_plan(root: Path, code: str, source: Path) -> None:
    with workspace_lock(root):
        write_bytes(root / "inputs" / code / "plan.xlsx", source.read_bytes())


async def plan_upload(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    code = current_period(root)
    if code is None:
        raise HTTPException(404, "还没有报告期。")
    name, data, _ = await uploaded(request)
    if not name.lower().endswith(".xlsx"):  # what inputs/<period>/plan.xlsx must be
        return await plan(request, refused=[f"“{name}”不是 .xlsx 文件。请用 Excel 或 WPS 把任务清单另存为 .xlsx 后上传。"],
                          uploaded_name=name)
    token, folder = staging(request, "plan")
    folder.mkdir(parents=True, exist_ok=True)
    candidate = folder / "plan.xlsx"
    candidate.write_bytes(data)
    new_tasks, errors = await run_in_threadpool(periods.check_plan_file, candidate, code)
    if errors:
        clear(folder)
        return await plan(request, refused=errors, uploaded_name=name)
    _, old_tasks, old_errors = await run_in_threadpool(_plan_state, root, code)
    losses = _losses(old_tasks, new_tasks) if old_tasks and not old_errors else []
    if losses:
        return await plan(request, confirm=dict(token=token, name=name, losses=losses, tasks=len(new_tasks),
                                                units=len(periods.by_lead(new_tasks))))
    await run_in_threadpool(_install_plan, root, code, candidate)
    clear(folder)
    log_action(request, "更换任务清单", f"“{name}”，{len(new_tasks)}项任务", period=code)
    return await plan(request, result=dict(name=name, tasks=len(new_tasks), units=len(periods.by_lead(new_tasks))))


async def plan_confirm(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    code = current_period(root)
    form = await checked_form(request, fields=400)
    token, folder = staging(request, "plan", str(form.get("token", "")))
    candidates = [folder / "plan.xlsx"] if (folder / "plan.xlsx").is_file() else []
    if not candidates or code is None:
        raise HTTPException(400, "页面已过期，请重新上传任务清单。")
    if form.get("action") != "replace":
        clear(folder)
        return RedirectResponse("/office/plan", 303)
    new_tasks, errors = await run_in_threadpool(periods.check_plan_file, candidates[0], code)
    if errors:  # checked again: never a plan with errors, whatever the form says
        clear(folder)
        return await plan(request, refused=errors)
    await run_in_threadpool(_install_plan, root, code, candidates[0])
    clear(folder)
    log_action(request, "更换任务清单", f"“{form.get('name', '')}”，{len(new_tasks)}项任务（确认替换）", period=code)
    return await plan(request, result=dict(name=str(form.get("name", "")), tasks=len(new_tasks),
                                           units=len(periods.by_lead(new_tasks))))


# ---- 开始新一期 ---------------------------------------------------------------------------

def _offered(root: Path) -> list[tuple[str, str]]:
    """The latest period while it has sent nothing out (after 新建工作目录), then the ones after it."""
    latest = current_period(root)
    if latest is None:
        return period_choices()
    first = [] if department_files(root / "inputs" / latest / "departments") else [(latest, label(latest))]
    return first + period_choices(after=latest, count=4)


def _deadline(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


async def _period_page(root: Path) -> dict:
    """What the page shows besides a preview: the periods offered and the units of the current one."""
    code = current_period(root)
    return dict(choices=await run_in_threadpool(_offered, root), chosen="", deadline="", preview=None, refused=[],
                done=None, guide=FILL_GUIDE, code=code, units=await run_in_threadpool(_units, root, code), remade=None)


async def period(request: Request) -> Response:
    require_office(request)
    root = need_workspace(request)
    base = await _period_page(root)
    offered = {c for c, _ in base["choices"]}
    if request.method == "POST":
        form = await checked_form(request, fields=400)
        code, text = str(form.get("period", "")), str(form.get("deadline", ""))
        deadline = _deadline(text)
        if code not in offered:
            raise HTTPException(400, "请从列表中选择报告期。")
        period_file = root / "inputs" / code / "period.toml"
        if deadline and period_file.exists():  # prepared already (新建工作目录): the date goes in as 设置 saves it
            saved = await run_in_threadpool(save_settings, root, code, {"deadline": deadline.isoformat()})
            if saved.errors:
                return await show(request, "admin/period.html", 400, **{**base, "chosen": code, "deadline": text,
                                                                          "refused": list(saved.errors.values())})
        try:
            done = await run_in_threadpool(periods.new_period, root, code, None, deadline)
        except InputError as e:
            preview = await run_in_threadpool(periods.preview_new_period, root, code)
            return await show(request, "admin/period.html", 400, **{**base, "chosen": code, "deadline": text,
                                                                      "preview": preview, "refused": _problems(e)})
        ctx(request).workspaces.get()  # the new period is the one every page now shows
        log_action(request, "开始新一期", code + (f"，截止日期{deadline.isoformat()}" if deadline else ""), period=code)
        return await show(request, "admin/period.html", **{**await _period_page(root), "done": done},
                          shown=lambda p: p.relative_to(root).as_posix())
    code = request.query_params.get("period", "")
    text = request.query_params.get("deadline", "")
    preview = None
    refused: list = []
    if code:
        if code not in offered:
            raise HTTPException(400, "请从列表中选择报告期。")
        try:
            preview = await run_in_threadpool(periods.preview_new_period, root, code)
        except InputError as e:
            refused = _problems(e)
        if text and _deadline(text) is None:
            refused.append(f"截止日期“{text}”不是日期。")
    return await show(request, "admin/period.html", **{**base, "chosen": code, "deadline": text, "preview": preview,
                                                       "refused": refused})


def _units(root: Path, code: str | None) -> list[str]:
    """The lead units of the period's plan (none while it cannot be used)."""
    if code is None:
        return []
    tasks, errors = periods.check_plan_file(root / "inputs" / code / "plan.xlsx", code)
    return [] if errors else list(periods.by_lead(tasks))


async def unit_workbook(request: Request) -> Response:
    """One unit's workbook and 填报说明 made again, as `reportgen template 单位` makes them (a filled one only when asked)."""
    require_office(request)
    root = need_workspace(request)
    form = await checked_form(request, fields=400)
    code = current_period(root)
    unit, overwrite = str(form.get("department", "")), form.get("overwrite") == "true"
    if unit not in await run_in_threadpool(_units, root, code):
        raise HTTPException(400, "请从列表中选择单位。")
    try:
        written = await run_in_threadpool(lambda: periods.department_template(root, unit, code, overwrite=overwrite))
        remade = dict(unit=unit, files=[p.relative_to(root).as_posix() for p in written], problems=[])
        log_action(request, "重新生成填报表", unit + ("（覆盖已填的表）" if overwrite else ""), period=code)
    except InputError as e:
        remade = dict(unit=unit, files=[], problems=_problems(e))
    return await show(request, "admin/period.html", 400 if remade["problems"] else 200,
                      **{**await _period_page(root), "remade": remade})

