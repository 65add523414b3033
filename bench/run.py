"""Benchmarks run by `make bench`: wall time and peak memory of the slow paths.

- validate: 200 department workbooks, about 3,500 rows (target ≤ 3 s on 2 cores);
- check: `reportgen validate` on the same 200 workbooks with one error planted per department: reading,
  validation, 校验报告.xlsx and one return workbook per department (target ≤ 3 s);
- build: the sample workspace end to end (all documents and variants).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_sample, write_toml  # noqa: E402
from reportgen import build  # noqa: E402
from reportgen.build import check  # noqa: E402
from reportgen.merge import merge  # noqa: E402
from reportgen.read import read_workspace  # noqa: E402
from reportgen.validate import validate  # noqa: E402
from reportgen.workbooks import write_department, write_plan  # noqa: E402

DEPARTMENTS, ROWS = 200, 3500


def make_big_workspace(root: Path, *, errors: bool = False) -> Path:
    """200 departments, 3,500 tasks; with `errors`, each department's first row has an unknown status."""
    folder = root / "inputs" / "2025H1"
    (folder / "departments").mkdir(parents=True)
    write_toml(root / "report.toml", {"region": "基准区"})
    write_toml(folder / "period.toml", {"period": "2025H1", "as_of": "2025-06-30"})
    tasks, subs = [], {}
    for i in range(ROWS):
        dept = f"单位{i % DEPARTMENTS:03d}"
        tid = f"{i // 100 + 1:02d}-{i % 100 + 1:02d}"
        tasks.append(dict(task_id=tid, project_no=i // 100 + 1, project=f"第{i // 100 + 1}工程", category="其他",
                          name=f"任务{tid}", target_text=f"完成目标{i}个", target_value=100, unit="个", lead=dept))
        subs.setdefault(dept, []).append(dict(task_id=tid, name=f"任务{tid}", status="推进中",
                                              progress_text=f"目前已完成{i % 100}个，正在加快推进", achieved=i % 100,
                                              problems="无", next_steps="继续推进", contact="张三", phone="022-12345678"))
    write_plan(folder / "plan.xlsx", tasks)
    for dept, rows in subs.items():
        if errors:
            rows[0] = {**rows[0], "status": "推进"}
        write_department(folder / "departments" / f"{dept}.xlsx", dept, rows)
    return root


def bench_validate(tmp: Path) -> str:
    root = make_big_workspace(tmp / "big")
    start = time.perf_counter()
    ws = read_workspace(root)
    ds = merge(ws, None, validate(ws))
    wall = time.perf_counter() - start
    assert ds.rows_read == ROWS, ds.rows_read
    verdict = "达标" if wall <= 3 else "超出目标"
    return f"校验 {DEPARTMENTS} 个单位表、{ds.rows_read} 行：{wall:.2f} 秒（目标 ≤ 3 秒，{verdict}）"


def bench_check(tmp: Path) -> str:
    root = make_big_workspace(tmp / "check", errors=True)
    start = time.perf_counter()
    result = check(root)
    wall = time.perf_counter() - start
    returns = [o for o in result.outputs if o.kind == "return"]
    assert len(returns) == DEPARTMENTS, len(returns)
    verdict = "达标" if wall <= 3 else "超出目标"
    return (f"校验并生成校验报告和 {len(returns)} 份退回修改表（每单位 1 处错误）：{wall:.2f} 秒"
            f"（目标 ≤ 3 秒，{verdict}）")


def bench_build(tmp: Path) -> str:
    root = copy_sample(tmp / "sample")
    build(root)  # warm-up: font caches
    start = time.perf_counter()
    result = build(root)
    wall = time.perf_counter() - start
    pages = sum(o.pages or 0 for o in result.outputs)
    return f"生成示例工作目录全部 {len(result.outputs)} 个文件（PDF 共 {pages} 页）：{wall:.2f} 秒"


BENCHMARKS = [bench_validate, bench_check, bench_build]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for bench in BENCHMARKS:
            print(bench(Path(tmp)), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"峰值内存：{peak:.0f} MB")


if __name__ == "__main__":
    main()
