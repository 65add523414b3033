"""Many workspaces in one run (`reportgen build WS1 WS2 …`, or a folder of workspaces).

The renderers are imported once, here; each workspace is then built in a forked worker process
(one per CPU) with the ordinary `build` (its own lock, its own staging folder, its documents made one
after another in that worker). Each workspace's outcome comes back as a small `Outcome`: what the
terminal says about it and its exit code, as `reportgen build` on that workspace alone would give.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import InputError

EXIT_OK, EXIT_INPUT = 0, 1


@dataclass
class Outcome:
    root: Path
    code: int  # the exit code `reportgen build` gives for this workspace alone
    summary: str  # one line in Chinese
    details: list[str] = field(default_factory=list)  # the first errors, the notes


def workspaces(paths: list[Path]) -> list[Path]:
    """The workspaces named: each path that has a report.toml, or else the folders inside it that do."""
    found: list[Path] = []
    for path in paths:
        if (path / "report.toml").is_file() or not path.is_dir():
            found.append(path)
            continue
        inner = sorted(p for p in path.iterdir() if p.is_dir() and (p / "report.toml").is_file())
        found.extend(inner or [path])
    return list(dict.fromkeys(found))


def build_one(root: Path, options: dict) -> Outcome:
    from .build import build

    try:
        result = build(root, **options, workers=1)
    except InputError as e:
        return Outcome(root, EXIT_INPUT, f"未生成：{e.issue.message}")
    except Exception as e:  # noqa: BLE001 - one workspace's failure never stops the others
        from .messages import failure_text

        return Outcome(root, EXIT_INPUT, f"未生成：{failure_text(e)}")
    report = result.report
    errors, warnings = len(report.errors), len(report.warnings)
    details = [f"错误：{i.message}" for i in report.errors[:3]]
    if errors > 3:
        details.append(f"……另有 {errors - 3} 条错误，运行 reportgen validate 查看全部")
    details.extend(result.notes)
    if result.stopped and not result.outputs:
        return Outcome(root, EXIT_INPUT, f"有 {errors} 条错误，未生成文档", details)
    gate = result.gate
    state = "新闻通稿可以发布" if gate and gate.publishable else "新闻通稿为草稿（未通过发布检查）"
    if result.stopped:
        state = "严格模式：未通过发布检查，只生成了校验报告"
    if result.kept:
        details.append(f"沿用上次生成的{'、'.join(result.kept)}（数据、模板和设置都没有变化）")
    code = EXIT_INPUT if result.stopped or not report.ok else EXIT_OK
    return Outcome(root, code, f"已生成 {len(result.outputs)} 个文件，{state}；错误 {errors} 条，提醒 {warnings} 条",
                   details)


_todo: tuple = ()  # (roots, options), inherited by the forked workers


def _one(index: int) -> Outcome:
    roots, options = _todo
    return build_one(roots[index], options)


def build_many(roots: list[Path], *, workers: int | None = None, each: Callable[[Outcome], None] = lambda o: None,
               **options) -> list[Outcome]:
    """Build every workspace in `roots` with `build`'s `options` (period, strict, force, group_by,
    variants); `each` is told each outcome in the order of `roots`."""
    global _todo
    from .build import renderers
    from .render.workers import _start_worker, pool_size

    roots = [Path(r).resolve() for r in roots]
    n = pool_size(workers, len(roots))
    outcomes: list[Outcome] = []
    if n == 1:
        for root in roots:
            outcomes.append(build_one(root, options))
            each(outcomes[-1])
        return outcomes
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .render.pdf import check_harfbuzz_subset

    renderers()  # the document libraries, loaded once here for every worker
    check_harfbuzz_subset()
    _todo = (roots, options)
    try:
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                                 initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_one, i) for i in range(len(roots))]
            for root, future in zip(roots, futures):
                try:
                    outcome = future.result()
                except Exception:  # noqa: BLE001 - a worker lost (killed, out of memory): built here instead
                    outcome = build_one(root, options)
                outcomes.append(outcome)
                each(outcome)
    except OSError:  # no processes to be had: the rest here, one after another
        pass
    finally:
        _todo = ()
    for root in roots[len(outcomes):]:
        outcomes.append(build_one(root, options))
        each(outcomes[-1])
    return outcomes
