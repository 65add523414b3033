"""The pipeline end to end: read → validate → merge → render → manifest.

`build()` is what the CLI and scripts call. It never raises for bad input:
problems come back in `BuildResult.report`, and the files it could make are
made. Only a workspace that cannot be read at all raises `InputError`.

`build()` and `check()` hold the workspace lock (lock.py) and write a whole output set into a
staging folder that replaces outputs/<period>/ only when complete (render/staging.py).

Before anything is rendered, the public text is screened (screen.py) and the
publication gate decides (gate.py): a press release that does not pass is made
as a draft, or, with `strict`, not at all (only the validation report is made).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .codes import issue
from .errors import InputError
from .gate import Gate, assess
from .lock import inside, workspace_lock
from .merge import merge
from .validate import validate
from .model import Dataset, Report, Workspace
from .read import read_workspace
from .render import KIND_NAMES, Job, Output, name_findings
from .render.manifest import Manifest
from .render.staging import Staging

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    dataset: Dataset | None
    report: Report
    outdir: Path
    outputs: list[Output] = field(default_factory=list)
    manifest: Path | None = None
    stopped: bool = False  # strict build refused to make the documents (the gate was not passed)
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # documents (their Chinese names) kept from the last build, unchanged
    stale: bool = False  # validate: the last build's documents no longer match the data (the manifest says so)

    @property
    def reconciliation(self) -> tuple[int, int, int]:
        """(rows read, rows merged, rows set aside), each counted on its own: rows read by the
        readers, progress rows that ended in the dataset, rows set aside with a reason. The first
        is the sum of the others unless a row was lost on the way (see `balanced`)."""
        ds = self.dataset
        if ds is None:
            return 0, 0, 0
        merged = sum(1 for t in ds.tasks if t.progress is not None)
        return ds.rows_read, merged, len(ds.set_aside)

    @property
    def gate(self) -> Gate | None:
        return self.dataset.gate if self.dataset else None

    @property
    def balanced(self) -> bool:
        read, merged, aside = self.reconciliation
        return read == merged + aside


def renderers() -> list[tuple[str, Callable[[Job], list[Output]]]]:
    """(step label, render function) in the order documents are made."""
    from .render import briefing, press, summary, validation, variants

    return [
        ("新闻通稿", press.render),
        ("新闻通稿其他版本", variants.render),
        ("工作简报", briefing.render),
        ("进度汇总表", summary.render),
        ("校验报告", validation.render),
    ]


# Pages beyond which a document is not what anyone meant to publish (a pasted report in a cell, say):
# at least these, and a page for every TASKS_PER_PAGE tasks (a city's 1,000 tasks make a press release of
# about 150 pages at 100 characters a task: long, but nothing was pasted).
MAX_PAGES = {"press-release": 30, "briefing-pack": 300}
TASKS_PER_PAGE = {"press-release": 4, "briefing-pack": 2}


def build(root: Path | str, period: str | None = None, *, strict: bool = False, group_by: str | None = None,
          variants: tuple[str, ...] = (), progress: Progress | None = None,
          on_wait: Progress | None = None, force: bool = False, workers: int | None = None) -> BuildResult:
    """`force`: make every document again, even those whose inputs did not change since the last build.
    `workers`: processes making documents at once (None: one per CPU; 1: all in this process)."""
    from .render import pieces
    from .render.workers import run

    say = progress or (lambda msg: None)
    root = require_workspace(root)
    with workspace_lock(root, on_wait=on_wait or say):
        say("读取工作目录")
        ws, ds = assessment(root, period, group_by, progress=say)
        outdir = inside(root, root / "outputs" / ws.period.code)
        result = BuildResult(ds, ds.report, outdir)
        if not ws.plan:
            result.stopped = True
            return result

        stage = Staging(outdir.parent, ws.period.code)
        job = Job(ds, root, stage.dir, tuple(dict.fromkeys((*ws.config.variants, *variants))))
        # nothing public, and nothing built on the same doubtful data, when a strict build is stopped
        result.stopped = strict and not ds.gate.publishable
        todo = pieces.plan(job, documents=not result.stopped)
        reuse = () if force else {p.key for p in todo if p.key}
        # every document again unless made from the same inputs; the return rounds stay
        kept = stage.open(remade=lambda kind: kind != "return", reuse=reuse)
        made: list[Output] = []
        try:
            same = {p.name: pieces.unchanged(p, kept, stage.previous) for p in todo}
            result.kept = list(dict.fromkeys(p.label for p in todo if same[p.name]))
            if result.kept:
                say("沿用未改变的" + "、".join(result.kept))

            def make(group: list[pieces.Piece]) -> None:
                fresh = [p for p in group if same[p.name] is None]
                results = dict(zip((p.name for p in fresh), run(job, fresh, workers, say)))
                for p in group:
                    if same[p.name] is not None:
                        outputs, found = same[p.name], []
                    else:
                        outputs, found = results[p.name]
                        outputs = [replace(o, key=p.key) for o in outputs]
                    ds.report.extend(page_findings(outputs, len(ds.tasks)))
                    made.extend(outputs)
                    result.notes.extend(n for n in (*p.notes, *found) if n not in result.notes)

            # the documents first, then what lists their findings (E-DOC-TOO-LONG): the summary, the validation report
            make([p for p in todo if not p.last])
            last = [p for p in todo if p.last]
            if ds.gate.publishable and any(i.code == "E-DOC-TOO-LONG" for i in ds.report.issues):
                # a document found too long once laid out is an error the gate did not see: the press
                # release is made again as a draft (strict: every document is withdrawn), never left as passed
                ds.gate = assess(ds)
                gone = [p for p in todo if pieces.is_public(p)] if not strict else [p for p in todo if p.name != "validation"]
                _withdraw({p.key for p in gone}, kept, made, ds.report, remade=not strict)
                result.kept = [label for label in result.kept if label not in {p.label for p in gone}]
                if strict:
                    result.stopped = True
                    last = [p for p in last if p.name == "validation"]
                else:
                    redo = pieces.public_pieces(job)
                    same.update({p.name: pieces.unchanged(p, kept, stage.previous) for p in redo})
                    result.kept = list(dict.fromkeys([*(p.label for p in redo if same[p.name]), *result.kept]))
                    make(redo)
                    made.sort(key=lambda o: o.kind != "press-release")  # listed first, as always
            make(last)
            say("保存")
            stage.commit([*kept, *made], ds.gate, withheld=result.stopped,  # (a kept document is in both)
                         data=None if result.stopped else data_digest(ds))
        finally:
            stage.discard()  # after a failure: the live set stays as it was
        result.outputs = stage.final(made)
        result.manifest = outdir / "manifest.json"
        return result


def _withdraw(keys: set[str], kept: list[Output], made: list[Output], report: Report, *, remade: bool) -> None:
    """Take the outputs made under `keys` out of the staged set; when they are `remade`, what was found in
    them goes too (the new files are checked again)."""
    for outputs in (kept, made):
        gone = [o for o in outputs if o.key and o.key in keys]
        for o in gone:
            o.path.unlink(missing_ok=True)
            outputs.remove(o)
        names = {o.path.name for o in gone} if remade else set()
        report.issues[:] = [i for i in report.issues if not (i.code == "E-DOC-TOO-LONG" and i.file in names)]


def page_limit(kind: str, tasks: int) -> int | None:
    base = MAX_PAGES.get(kind)
    return base and max(base, -(-tasks // TASKS_PER_PAGE[kind]))


def page_findings(outputs: list[Output], tasks: int) -> list:
    """E-DOC-TOO-LONG for a PDF longer than its kind may be with this many tasks."""
    found = []
    for o in outputs:
        limit = page_limit(o.kind, tasks)
        if limit and o.pages and o.pages > limit:
            found.append(issue("E-DOC-TOO-LONG", file=o.path.name, document=KIND_NAMES[o.kind], pages=o.pages,
                               limit=limit))
    return found


def require_workspace(root: Path | str) -> Path:
    """The workspace's absolute path; `InputError` when there is no report.toml (a mistyped path): nothing is
    created there, not even the lock."""
    root = Path(root).resolve()
    if not (root / "report.toml").is_file():
        raise InputError(issue("E-WORKSPACE-MISSING", what="report.toml", path=str(root / "report.toml")))
    return root


def assessment(root: Path, period: str | None = None, group_by: str | None = None, *,
               progress: Progress | None = None) -> tuple[Workspace, Dataset]:
    """The one assessment of a workspace, which build, validate, `templates check` and the web page all show:
    read → validate (blank forms, against the previous period: stale text) → merge → screen the public
    text → names → gate. Returns the workspace read and the dataset with every finding and the gate's
    decision (`ds.gate`). Raises `InputError` only when the workspace itself cannot be read."""
    from .screen import screen

    say = progress or (lambda msg: None)
    root = Path(root)
    ws = read_workspace(root, period)
    say("校验")
    ws.previous = load_previous(root, ws.period.code, group_by or ws.config.group_by)
    ds = merge(ws, group_by, validate(ws))
    ds.report.extend(screen(ds))
    ds.report.extend(name_findings(ds))
    if not ws.plan:
        ds.report.add(issue("E-PLAN-EMPTY", file="plan.xlsx"))
    ds.gate = assess(ds)
    return ws, ds


def data_digest(ds: Dataset) -> str:
    """What the documents show, as data (every figure and word, public and internal, and the settings), without
    the findings and the draft reasons: the manifest keeps it so that `validate` can tell the documents of the
    last build from the data now."""
    import hashlib
    import json

    from .render.context import internal_context

    shown = {k: v for k, v in internal_context(ds).items() if k not in ("issues", "draft")}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def load_previous(root: Path, code: str, group_by: str) -> Dataset | None:
    """The previous period's merged data, for comparison; None when there is none or it cannot be read."""
    from .errors import InputError
    from .periods import previous_period

    prev = previous_period(root, code)
    if prev is None:
        return None
    try:
        return merge(read_workspace(root, prev), group_by)
    except InputError:
        return None


def is_stale(built: Manifest, ds: Dataset) -> bool:
    """Whether the documents of the last build (its manifest) are out of date for the data now: made from other
    data, or passed by the gate when the gate now says no. A build withheld by --strict made none."""
    state, _ = built.as_built()
    if built.withheld or not state:
        return False
    if built.data and built.data != data_digest(ds):
        return True
    return state == "publishable" and not ds.gate.publishable


def check(root: Path | str, period: str | None = None, *, progress: Progress | None = None,
          on_wait: Progress | None = None) -> BuildResult:
    """Validate only: the report, 校验报告.xlsx and the return workbooks, no documents (those of the
    last build stay in the output set)."""
    from .render import validation

    say = progress or (lambda msg: None)
    root = require_workspace(root)
    with workspace_lock(root, on_wait=on_wait or say):
        say("读取工作目录")
        ws, ds = assessment(root, period, progress=say)
        outdir = inside(root, root / "outputs" / ws.period.code)
        result = BuildResult(ds, ds.report, outdir)
        say("生成校验报告")
        stage = Staging(outdir.parent, ws.period.code)
        kept = stage.open(remade=lambda kind: kind == "validation-report")
        try:
            made = validation.render(Job(ds, root, stage.dir))
            result.stale = is_stale(stage.previous, ds)
            stage.commit([*kept, *made], stale=result.stale)
        finally:
            stage.discard()
        result.outputs = stage.final(made)
        result.manifest = outdir / "manifest.json"
        return result
