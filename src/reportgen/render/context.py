"""Dataset → template contexts: one for publication, one for internal documents.

`public_context` is the only door from the merged data to anything published.
It copies named public fields one by one; internal fields (存在问题, 下步打算,
联系人, 联系电话, 备注) are never read here, so no template can leak them.
"""

from __future__ import annotations

from dataclasses import asdict

from ..codes import title as code_title
from ..compare import changes_context, compare, public_changes
from ..model import NOT_ADOPTED, NOT_REPORTED, Counts, Dataset, Group, MergedTask
from ..numbers import cn_ordinal, tidy
from . import forms, wording


def counts_dict(c: Counts) -> dict:
    d = asdict(c)
    d["in_progress"] = c.in_progress
    d["missing"] = c.missing
    d["completion_rate"] = c.completion_rate
    return d


def _public_task(m: MergedTask, form: str = forms.DEFAULT) -> dict:
    p = m.progress
    return {
        "task_id": m.task.task_id,
        "name": m.task.name,
        # target, written (the department's text, cleaned), progress (as the form composes it), note
        **forms.task_words(m, form),
        "done": m.done,
        "reported": m.reported,
        "over_target": m.over_target,
        "rate": m.rate,
        "achieved": p.achieved if p else None,
        "unit": m.task.unit,
        "expected": p.expected if p else "",
        "department": m.task.lead,
        "category": m.task.category,
        "service": m.task.is_service,
    }


def _group_titles(g: Group, i: int, numbering: str) -> dict:
    heading = f"{i:02d}　{g.title}" if numbering == "web" else f"{cn_ordinal(i)}、{g.title}"
    return {"no": i, "no_cn": cn_ordinal(i), "no_web": f"{i:02d}", "title": g.title, "heading": heading}


def headline(ds: Dataset) -> str:
    c, p = ds.config, ds.period
    return c.headline or f"{c.region}{p.year}年{p.label}{c.program}进展情况"


def _period(ds: Dataset) -> dict:
    p = ds.period
    return {
        "code": p.code, "year": p.year, "kind": p.kind, "label": p.label,
        "as_of": p.as_of, "issue_no": p.issue_no,
        "publish_date": p.publish_date or p.as_of,
    }


def public_context(ds: Dataset) -> dict:
    """Everything the press release may show, and nothing else."""
    c, form = ds.config, ds.config.form
    groups = []
    for i, g in enumerate(ds.groups, 1):
        groups.append({**_group_titles(g, i, ds.config.numbering), "tasks": [_public_task(m, form) for m in g.tasks],
                       "counts": counts_dict(g.counts)})
    words = {t["task_id"]: t for g in groups for t in g["tasks"]}
    return {
        "region": c.region,
        "program": c.program,
        "publisher": c.publisher or c.region,
        "group_by": ds.group_by,
        "group_word": "工程" if ds.group_by == "project" else "领域",
        "period": _period(ds),
        "headline": headline(ds),
        "form": form,
        "opening": _office_words(ds.period.opening),  # period.toml, before the counts; may be empty
        "lead": forms.lead(ds, form),
        "closing": _office_words(ds.period.closing),  # period.toml; no closing unless the office writes one
        **forms.form_context(ds, form, words),
        "counts": counts_dict(ds.counts),
        "project_count": len(ds.projects),
        "groups": groups,
        "lang": "zh-CN",
        "changes": public_changes(compare(ds, ds.previous)) if ds.previous else None,
        # why this is a draft (草稿 / 未经审核), one sentence each; empty when the gate passed
        "draft": list(ds.gate.reasons) if ds.gate and not ds.gate.publishable else [],
    }


def _office_words(text: str) -> str:
    return wording.sentence(tidy(text)) if text.strip() else ""


def _internal_task(m: MergedTask) -> dict:
    p = m.progress
    return {
        **_public_task(m),
        "status": m.status,
        "project": m.task.project,
        "category": m.task.category,
        "target_value": m.task.target_value,
        "achieved_text": p.achieved_text if p else "",
        "approximate": p.approximate if p else False,
        "partners": m.task.partners,
        "problems": p.problems if p else "",
        "next_steps": p.next_steps if p else "",
        "contact": p.contact if p else "",
        "phone": p.phone if p else "",
        "remarks": p.remarks if p else "",
        "reported_by": p.department if p else "",
        "source": str(p.source) if p and p.source else "",
        "source_file": p.source.file if p and p.source else "",
        "source_sheet": p.source.sheet if p and p.source else "",
        "source_row": p.source.row if p and p.source else None,
        "plan_source": str(m.task.source) if m.task.source else "",
        "set_aside_reason": m.set_aside_reason,
    }


def internal_context(ds: Dataset) -> dict:
    """The public context plus every internal field, for the briefing pack and summary."""
    c = ds.config
    ctx = public_context(ds)
    groups = []
    for i, g in enumerate(ds.groups, 1):
        groups.append({**_group_titles(g, i, ds.config.numbering), "tasks": [_internal_task(m) for m in g.tasks],
                       "counts": counts_dict(g.counts)})
    tasks = [t for g in groups for t in g["tasks"]]
    ctx.update({
        "compiler": c.compiler or c.region,
        "briefing_title": c.briefing_title or f"{c.program}工作简报",
        "report_to": c.report_to, "send_to": c.send_to, "issue_to": c.issue_to, "copies": c.copies,
        "groups": groups,
        "tasks": tasks,
        "behind": [t for t in tasks if t["status"] == "滞后"],
        "not_started": [t for t in tasks if t["status"] == "未启动"],
        "not_reported": [t for t in tasks if t["status"] == NOT_REPORTED],
        "not_adopted": [t for t in tasks if t["status"] == NOT_ADOPTED],
        "unreported_departments": list(ds.unreported_departments),
        "set_aside": [{"source": str(s.source), "task_id": s.task_id, "department": s.department, "reason": s.reason}
                      for s in ds.set_aside],
        "issues": [{"code": i.code, "title": code_title(i.code), "level": i.level, "message": i.message,
                    "where": i.where, "department": i.department} for i in ds.report.issues],
        "rows_read": ds.rows_read,
        "changes": changes_context(compare(ds, ds.previous)) if ds.previous else None,
    })
    return ctx

