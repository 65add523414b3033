"""Command line: parse, call one library function, print, pick the exit code.

Exit codes: 0 success; 1 the inputs had errors (or `build --strict` withheld the documents because
the publication gate was not passed); 2 usage errors. A build whose press release is a draft
because of warnings only (a department has not reported yet, a phone number to confirm) exits 0:
the terminal says so last, and the files say so themselves.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from datetime import date
from pathlib import Path
from typing import Sequence

import jinja2
from rich.console import Console
from rich.markup import escape

from . import __version__
from .codes import label
from .messages import raised_in_template, template_failure
from .errors import InputError
from .model import VARIANTS, Issue, Report
from .render.pdf import SubsetterMissing

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "用法：")


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_help(self) -> str:
        import re

        return re.sub(r"^(\S[^\n]*?):$", r"\1：", super().format_help(), flags=re.M)  # 选项： not 选项:

    def error(self, message: str):
        from .messages import argparse_message

        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}：参数错误：{argparse_message(message)}\n")


def _workspace_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("workspace", nargs="?", default=".", type=Path, metavar="WORKSPACE",
                   help="工作目录（含 report.toml 与 inputs/），默认当前目录")
    p.add_argument("--period", metavar="PERIOD", help="报告期，如 2025H1；默认 inputs/ 下最新的一期")


def make_console() -> Console:
    """The terminal. Written to a file or a pipe, nothing is wrapped: each finding stays on one line
    (`reportgen validate . > log.txt`, then grep)."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.soft_wrap = True
    return console


def issue_line(i: Issue) -> str:
    """`错误 区民政局.xlsx 进展填报!C4  message  〔E-STATUS-UNKNOWN 进展状态无法识别〕` as rich markup;
    what came from the data is escaped (a typed `[/b]` is text, not markup)."""
    tag = "[red]错误[/red]" if i.is_error else "[yellow]提醒[/yellow]"
    where = f" {escape(i.where)}" if i.where else ""
    return f"{tag}{where}  {escape(i.message)}  [dim]〔{escape(label(i.code))}〕[/dim]"


def print_command(console: Console, command: str) -> None:
    """A command the user may copy, on a line of its own and never wrapped."""
    console.print(f"  {command}", soft_wrap=True, highlight=False, markup=False)


def print_note(console: Console, note: str) -> None:
    """A note; its lines that are commands stand apart, unwrapped."""
    for line in note.splitlines():
        if line.startswith("reportgen "):
            print_command(console, line)
        else:
            console.print(line, highlight=False, markup=False)


def print_issues(console: Console, report: Report, limit: int | None = None) -> None:
    """Issues grouped by department, errors first, with file and cell."""
    by_dept: dict[str, list[Issue]] = {}
    for i in report.issues:
        by_dept.setdefault(i.department or "（全局）", []).append(i)
    shown = 0
    for dept, items in by_dept.items():
        errors = sum(i.is_error for i in items)
        console.print(f"[bold]{escape(dept)}[/bold]  错误 {errors} 条，提醒 {len(items) - errors} 条")
        for i in sorted(items, key=lambda i: not i.is_error):
            if limit is not None and shown >= limit:
                console.print(f"  …… 其余 {len(report.issues) - shown} 条见校验报告")
                return
            console.print("  " + issue_line(i), highlight=False)
            shown += 1


def print_reconciliation(console: Console, result) -> None:
    """Rows read = rows merged + rows set aside, every set-aside row named; a gap is said loudly."""
    read, merged, aside = result.reconciliation
    sign = "=" if result.balanced else "≠"
    console.print(f"数据核对：读取 {read} 行 {sign} 合并 {merged} 行 + 搁置 {aside} 行")
    if not result.balanced:
        console.print("[red]数据核对不平：有数据行去向不明，生成的材料可能缺项。请把本提示和填报表发给技术支持。[/red]")
    for s in result.dataset.set_aside if result.dataset else []:
        console.print(f"  搁置：{s.source}  {s.department} {s.task_id}  原因：{s.reason}", highlight=False, markup=False)
    print_missing(console, result.dataset)


def print_missing(console: Console, ds) -> None:
    """未报送 (nothing came) and 未采用 (sent, set aside: why), never one word for both."""
    if ds is None:
        return
    from .model import NOT_ADOPTED, NOT_REPORTED

    missing = [m for m in ds.tasks if m.status == NOT_REPORTED]
    aside = [m for m in ds.tasks if m.status == NOT_ADOPTED]
    if missing:
        console.print(f"未报送 {len(missing)} 项（没有收到进展）：", highlight=False)
        for m in missing:
            console.print(f"  {m.task.task_id} {m.task.name}（牵头单位：{m.task.lead}）", highlight=False, markup=False)
    if aside:
        console.print(f"未采用 {len(aside)} 项（报送了，但未采用）：", highlight=False)
        for m in aside:
            console.print(f"  {m.task.task_id} {m.task.name}（牵头单位：{m.task.lead}）  原因：{m.set_aside_reason}", highlight=False, markup=False)


MANUAL_GATE = "docs/办公室使用手册/发布前核对.md"  # where the office reads the publication rules


def print_gate(console: Console, gate, *, strict: bool = False, planned: bool = False, stale: bool = False) -> None:
    """The publication state, said last: publishable, or a draft (or withheld) and why. `planned` (validate):
    what build (`strict`: build --strict) will do with the data as it is; `stale`: the last build's documents
    no longer match it."""
    if gate is None:
        return
    if stale:
        console.print("[yellow]上次生成的文档已过期：数据在那次生成后有变化，manifest.json 已标为“过期”（stale），"
                      "这些文档不能再当作可发布的材料。请重新运行 reportgen build。[/yellow]", highlight=False)
    if gate.publishable:
        what = "按目前的数据，新闻通稿可以发布。" if planned else "新闻通稿可以发布。"
        console.print(f"[green]发布检查通过：{what}[/green]", highlight=False)
        return
    if strict and planned:
        head = "发布检查未通过：按目前的数据，严格模式（build --strict）不会生成文档。原因："
    elif strict:
        head = "发布检查未通过，严格模式下未生成文档（新闻通稿、工作简报、进度汇总表都没有生成，只生成了校验报告）。原因："
    elif planned:
        head = "发布检查未通过：按目前的数据生成的新闻通稿将标为“草稿　未经审核，不得发布”。原因："
    else:
        head = "发布检查未通过：新闻通稿已标为“草稿　未经审核，不得发布”（文件名带“（草稿）”），不得直接发布。原因："
    console.print(f"[red]{head}[/red]", highlight=False)
    for reason in gate.reasons:
        console.print(f"[red]  · {escape(reason)}[/red]", highlight=False)
    again = "reportgen validate" if planned else "reportgen build"
    console.print(f"[red]处理后重新运行 {again}；发布规则见使用手册 {MANUAL_GATE}。[/red]", highlight=False)


def print_inventory(console: Console, result) -> None:
    """Every file under departments/ and what became of it (the same list as 校验报告.xlsx's 文件清单)."""
    files = result.dataset.files if result.dataset else []
    if not files:
        return
    counts: dict[str, int] = {}
    for f in files:
        counts[f.status_label] = counts.get(f.status_label, 0) + 1
    console.print(f"文件清单（departments/ 中共{len(files)}项：" + "，".join(f"{k}{v}个" for k, v in counts.items()) + "）：")
    for f in files:
        colour = {"read": "green", "superseded": "yellow", "skipped": "yellow"}.get(f.status, "red")
        rows = f"  {f.rows}行" if f.status in ("read", "conflict", "superseded") else ""
        detail = f"  {f.reason}" if f.reason else ""
        dept = f"  {f.department}" if f.department else ""
        console.print(f"  [{colour}]{f.status_label}[/{colour}]  {escape(f.name)}{escape(dept)}{rows}{escape(detail)}",
                      highlight=False)


def _waiting(console: Console):
    """Said while the command cannot go on yet: a wait goes on (……), a notice is a whole sentence (。)."""
    return lambda message: console.print(f"[yellow]{message}{'' if message.endswith('。') else '……'}[/yellow]",
                                         highlight=False)


def cmd_build(args, console: Console) -> int:
    from .batch import workspaces
    from .build import build

    roots = workspaces(args.workspace or [Path(".")])
    if len(roots) > 1 or (roots and args.workspace and roots[0] != args.workspace[0]):
        return cmd_build_many(args, roots, console)
    args.workspace = roots[0] if roots else Path(".")
    with console.status("正在生成……") as status:
        result = build(args.workspace, args.period, strict=args.strict, group_by=args.group_by,
                       variants=tuple(args.variant or ()), progress=lambda m: status.update(m + "……"),
                       on_wait=_waiting(console), force=args.force)
    report = result.report
    if report.issues:
        print_issues(console, report, limit=None if args.verbose else 40)
    print_inventory(console, result)
    print_reconciliation(console, result)
    if result.stopped and not result.outputs:  # nothing could be made (no usable plan)
        console.print(f"[red]有 {len(report.errors)} 条错误，未生成文档。[/red]")
        return EXIT_INPUT
    for note in result.notes:
        print_note(console, note)
    console.print(f"已生成 {len(result.outputs)} 个文件，位于 {result.outdir}：", markup=False)
    for o in result.outputs:
        console.print(f"  {o.path.relative_to(result.outdir)}", highlight=False, markup=False)
    if result.kept:
        console.print(f"其中{'、'.join(result.kept)}的数据、模板和设置与上次相同，沿用了上次生成的文件（加 --force 全部重新生成）。",
                      highlight=False, markup=False)
    print_gate(console, result.gate, strict=result.stopped)
    return exit_code(report, result.gate, strict=args.strict)


def exit_code(report: Report, gate, *, strict: bool) -> int:
    """build and validate alike: 1 for errors, and with --strict for a gate not passed. A draft with
    warnings only (a department has not reported yet) is a successful run without --strict: exit 0."""
    if not report.ok or (strict and not (gate and gate.publishable)):
        return EXIT_INPUT
    return EXIT_OK


def cmd_build_many(args, roots: list[Path], console: Console) -> int:
    """Several workspaces: one line per workspace as each is done, then the count; the exit code is the worst."""
    from .batch import build_many

    console.print(f"共 {len(roots)} 个工作目录，同时生成：", highlight=False, markup=False)

    def each(o) -> None:
        mark = "[green]完成[/green]" if o.code == EXIT_OK else "[red]有问题[/red]"
        console.print(f"{mark} {escape(str(o.root))}：{escape(o.summary)}", highlight=False)
        for line in o.details:
            console.print(f"    {line}", highlight=False, markup=False)

    outcomes = build_many(roots, period=args.period, strict=args.strict, group_by=args.group_by,
                          variants=tuple(args.variant or ()), force=args.force, each=each)
    bad = [o for o in outcomes if o.code != EXIT_OK]
    console.print(f"共 {len(outcomes)} 个工作目录：{len(outcomes) - len(bad)} 个完成，{len(bad)} 个有问题"
                  + ("（见上方，逐个运行 reportgen build 工作目录 查看全部提示）" if bad else "。"),
                  highlight=False, markup=False)
    return max((o.code for o in outcomes), default=EXIT_OK)


def cmd_validate(args, console: Console) -> int:
    from .build import check

    with console.status("正在校验……") as status:
        result = check(args.workspace, args.period, progress=lambda m: status.update(m + "……"),
                       on_wait=_waiting(console))
    report = result.report
    if report.issues:
        print_issues(console, report, limit=None if args.verbose else 200)
    else:
        console.print("[green]未发现问题。[/green]")
    print_inventory(console, result)
    print_reconciliation(console, result)
    console.print(f"共 {len(report.errors)} 条错误、{len(report.warnings)} 条提醒。校验报告和退回修改表位于 {result.outdir}：",
                  markup=False)
    for o in result.outputs:
        console.print(f"  {o.path.relative_to(result.outdir)}", highlight=False, markup=False)
    print_gate(console, result.gate, strict=args.strict, planned=True, stale=result.stale)
    return exit_code(result.report, result.gate, strict=args.strict)


def _list_written(console: Console, root: Path, paths) -> None:
    for path in paths:
        try:
            shown = path.resolve().relative_to(root.resolve())
        except ValueError:
            shown = path
        console.print(f"  {shown}", highlight=False, markup=False)


def cmd_init(args, console: Console) -> int:
    from .periods import init_workspace

    written = init_workspace(args.dir, region=args.region, period=args.period)
    console.print(f"已创建工作目录 {args.dir}：", markup=False)
    _list_written(console, args.dir, written)
    code = written[1].parent.name
    console.print(f"下一步：填写 report.toml 和任务清单 inputs/{code}/plan.xlsx，然后运行下面的命令生成各单位填报表：",
                  highlight=False, markup=False)
    print_command(console, f"reportgen new-period {code} {shell_word(str(args.dir))}")
    return EXIT_OK


def cmd_new_period(args, console: Console) -> int:
    from .periods import new_period

    r = new_period(args.workspace, args.next, args.from_period, args.deadline)
    since = f"（上期：{r.previous}）" if r.previous else "（没有上期，上期状态和进展两列留空）"
    console.print(f"已创建报告期 {r.period}{since}，共 {len(r.workbooks)} 个单位填报表和填报说明：")
    _list_written(console, args.workspace, [*r.written, *r.workbooks, *r.guides])
    if r.kept:
        console.print("已有的文件保留未改：")
        _list_written(console, args.workspace, r.kept)
    for note in r.notes:
        print_note(console, note)
    from .fillguide import FOLDER as FILL_GUIDE

    console.print(f"请把 departments/ 中的表连同 {FILL_GUIDE}/ 中同名单位的填报说明发给各单位，收回的表放回 departments/，再依次运行：")
    where = "" if args.workspace == Path(".") else f" {shell_word(str(args.workspace))}"
    print_command(console, f"reportgen validate{where} --period {r.period}")
    print_command(console, f"reportgen build{where} --period {r.period}")
    return EXIT_OK


def cmd_template(args, console: Console) -> int:
    from .periods import department_template

    paths = department_template(args.workspace, args.department, args.period, overwrite=args.force)
    console.print("已重新生成填报表和填报说明：")
    _list_written(console, args.workspace, paths)
    return EXIT_OK


def cmd_templates_export(args, console: Console) -> int:
    from .templating import export_templates

    written = export_templates(args.workspace, overwrite=args.force)
    if written:
        console.print("已复制内置模板到 templates/（生成时优先使用这些模板）：")
        _list_written(console, args.workspace, written)
    else:
        console.print("templates/ 中已有全部模板，未覆盖；如需恢复内置模板请加 --force。")
    return EXIT_OK


def cmd_templates_check(args, console: Console) -> int:
    from .templating import check_templates

    problems = check_templates(args.workspace)
    for i in problems:
        console.print(issue_line(i), highlight=False)
    if not problems:
        console.print("[green]模板检查通过。[/green]")
    return EXIT_INPUT if any(i.is_error for i in problems) else EXIT_OK


def cmd_serve(args, console: Console) -> int:
    from .web.serve import serve  # the web stack loads only here

    return serve(args.workspace, args.host, args.port, reset_password=args.reset_password, public_url=args.public_url,
                 root_path=args.root_path, forwarded_allow_ips=args.forwarded_allow_ips, console=console)


def cmd_backup(args, console: Console) -> int:
    from .backup import BackupError, backup

    try:
        done = backup(args.workspace, args.to, on_wait=_waiting(console))
    except BackupError as e:
        console.print(f"[red]错误[/red] {escape(str(e))}", highlight=False)
        return EXIT_INPUT
    console.print(f"已备份到 {escape(str(done.path))}", highlight=False)
    console.print(f"  {done.files} 个文件，共 {done.size / 1024 / 1024:.1f} MB；报送记录中有 {done.versions} 个上传版本。"
                  "恢复时把这个文件夹放回原处（或直接对它运行 reportgen serve）即可。", highlight=False)
    return EXIT_OK


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"端口应为 0～65535 之间的整数，而不是“{value}”")
    return int(value)


def cmd_export(args, console: Console) -> int:
    from .export import FORMATS, export

    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    fmt = args.format or (suffix if suffix in FORMATS else "xlsx")
    with console.status("正在读取各报告期……"):
        done = export(args.workspace, fmt, args.output)
    report = Report(done.problems)
    if report.issues:
        print_issues(console, report, limit=None if args.verbose else 40)
    periods = "、".join(done.periods) or "（无）"
    console.print(f"已导出 {len(done.periods)} 个报告期（{periods}），共 {done.rows} 行：", highlight=False, markup=False)
    console.print(f"  {done.path}", highlight=False, markup=False)
    if report.errors:
        console.print(f"[yellow]有 {len(report.errors)} 条错误（见上方列表）：无法读取的报告期没有导出；"
                      "各期被搁置的行在表中记为“未采用”，只有原因，没有数值。[/yellow]")
    return EXIT_OK if report.ok else EXIT_INPUT


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="reportgen", description="民心工程/民生实事进展通报生成工具：校验各单位填报表，合并数据，生成新闻通稿、工作简报和进度汇总表。")
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", title="子命令", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("build", help="校验并生成本期全部文档", description="读取工作目录，校验、合并各单位填报表，生成新闻通稿、工作简报、进度汇总表和 manifest.json。"
                       "可一次给出多个工作目录，或一个包含多个工作目录的文件夹，同时生成。")
    p.add_argument("workspace", nargs="*", type=Path, metavar="WORKSPACE",
                   help="工作目录（含 report.toml 与 inputs/），默认当前目录；可给多个，或给出包含多个工作目录的文件夹")
    p.add_argument("--period", metavar="PERIOD", help="报告期，如 2025H1；默认 inputs/ 下最新的一期")
    p.add_argument("--strict", action="store_true", help="严格模式：发布检查未通过（有错误、未报送、筛查命中等）时不生成文档，退出码 1")
    p.add_argument("--group-by", choices=("project", "category"), help="分组方式：project 按工程，category 按领域（默认取 report.toml）")
    p.add_argument("--variant", action="append", choices=VARIANTS, help="另外生成的版本：traditional 繁體版，large-print 适老版（可重复）")
    p.add_argument("--force", action="store_true", help="全部文档重新生成（默认沿用数据、模板、字体都未改变的文档）")
    p.add_argument("-v", "--verbose", action="store_true", help="列出全部问题，不截断")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="只校验，生成校验报告和退回修改表", description="校验各单位填报表，输出校验报告.xlsx，并为有问题的单位生成退回修改表（原文件不改动）。")
    _workspace_arg(p)
    p.add_argument("--strict", action="store_true", help="严格模式：与 build --strict 相同，发布检查未通过（有错误、未报送、筛查命中等）即退出码 1")
    p.add_argument("-v", "--verbose", action="store_true", help="列出全部问题，不截断（默认最多列出200条，其余见校验报告）")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("init", help="新建工作目录", description="新建工作目录：带中文注释的 report.toml、空白任务清单 plan.xlsx（领域为下拉选择）、inputs/ 和 outputs/。")
    p.add_argument("dir", type=Path, metavar="DIR", help="要新建的工作目录")
    p.add_argument("--region", default="示例区", help="地区名称，写入 report.toml（默认：示例区）")
    p.add_argument("--period", metavar="PERIOD", help="第一个报告期，如 2026Q1；默认按今天的日期")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("new-period", help="开始新的报告期，生成各单位填报表和填报说明",
                       description="创建 inputs/NEXT/：period.toml（期号加一）、沿用的任务清单、预填好任务和上期进展的各单位填报表，"
                                   "以及每个单位一页的填报说明（inputs/NEXT/填报说明/）。")
    p.add_argument("next", metavar="NEXT", help="新的报告期，如 2025FY")
    p.add_argument("--from", dest="from_period", metavar="PREV", help="上一报告期，默认取 NEXT 之前最近的一期")
    p.add_argument("--deadline", type=iso_date, metavar="DATE",
                   help="各单位报送截止日期，如 2026-01-05，写入 period.toml 和填报说明（默认取 period.toml 中的 deadline）")
    p.add_argument("workspace", nargs="?", default=".", type=Path, metavar="WORKSPACE", help="工作目录，默认当前目录")
    p.set_defaults(func=cmd_new_period)

    p = sub.add_parser("template", help="重新生成某个单位的填报表和填报说明",
                       description="按任务清单和上期进展，重新生成一个单位的填报表和填报说明；该单位已有的表只在加 --force 时覆盖。")
    p.add_argument("department", metavar="DEPT", help="单位名称，与任务清单中的牵头单位一致，如 区民政局")
    _workspace_arg(p)
    p.add_argument("--force", action="store_true", help="该单位的表已存在（可能已填写）时仍然覆盖")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("export", help="导出历次进展数据（供分析）",
                       description="读取 inputs/ 下的全部报告期，导出每项任务每期一行的明细表；Excel 版另有分期汇总表"
                                   "（按工程、按牵头单位、合计）。CSV 为带 BOM 的 UTF-8，Excel 和 WPS 可直接打开。")
    p.add_argument("workspace", nargs="?", default=".", type=Path, metavar="WORKSPACE", help="工作目录，默认当前目录")
    p.add_argument("--format", choices=("xlsx", "csv"), help="xlsx（默认，含分期汇总表）或 csv（只有明细表）")
    p.add_argument("-o", "--output", metavar="FILE",  # a str: a trailing / says "a folder"
                   help="输出文件（或文件夹）；默认写入工作目录的 outputs/，文件名为“地区+工程总称+历次进展数据”")
    p.add_argument("-v", "--verbose", action="store_true", help="列出全部问题，不截断")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("templates", help="导出或检查本单位自己的模板", description="把内置模板复制到工作目录 templates/ 中修改；检查修改后的模板。")
    tsub = p.add_subparsers(dest="templates_command", title="子命令", metavar="ACTION", parser_class=Parser, required=True)
    t = tsub.add_parser("export", help="复制内置模板到 templates/", description="把内置模板复制到工作目录的 templates/，之后生成时优先使用。")
    t.add_argument("workspace", nargs="?", default=".", type=Path, metavar="WORKSPACE", help="工作目录，默认当前目录")
    t.add_argument("--force", action="store_true", help="覆盖 templates/ 中已有的同名模板")
    t.set_defaults(func=cmd_templates_export)
    t = tsub.add_parser("check", help="检查 templates/ 中的模板", description="检查模板语法错误（文件和行号）、数据中没有的变量，以及 Word 模板中被拆开的标记。")
    t.add_argument("workspace", nargs="?", default=".", type=Path, metavar="WORKSPACE", help="工作目录，默认当前目录")
    t.set_defaults(func=cmd_templates_check)

    p = sub.add_parser("serve", help="启动报送平台（网页）", description="启动报送平台：各单位用专用链接下载填报表、上传并马上看到问题；"
                       "推进办在网页上查看报送情况、生成和下载材料。数据仍保存在工作目录中，与命令行共用。")
    p.add_argument("workspace", nargs="?", default=".", type=Path, metavar="WORKSPACE", help="工作目录，默认当前目录")
    p.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1（只有本机能打开）；让办公网内各单位访问请用 0.0.0.0")
    p.add_argument("--port", type=_port, default=8000, help="端口，默认 8000")
    p.add_argument("--reset-password", action="store_true", help="清除推进办密码，启动时重新显示设置密码的链接")
    p.add_argument("--public-url", default="", metavar="URL",
                   help="各单位在浏览器中打开的地址，用于单位链接，如 https://zwfw.example.gov.cn/baosong/；"
                        "默认为推进办打开页面时的地址（在网络上服务时不用 127.0.0.1）")
    p.add_argument("--root-path", default="", metavar="PATH",
                   help="在反向代理后以路径前缀提供服务时的前缀，如 /baosong（默认取 --public-url 的路径，"
                        "或可信代理发来的 X-Forwarded-Prefix）")
    p.add_argument("--forwarded-allow-ips", default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"), metavar="IPS",
                   help="可信的反向代理地址（逗号分隔，可写网段），只采信它们发来的 X-Forwarded-* 头；"
                        "默认 127.0.0.1，也可用环境变量 FORWARDED_ALLOW_IPS 设置")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("backup", help="备份工作目录和报送记录", description="把工作目录完整复制到备份文件夹中新建的“工作目录名-日期-时间”文件夹："
                       "各期填报表、模板、生成的材料，以及报送平台的记录（各单位上传的每个版本、链接、账号和日志）。"
                       "服务运行时也可备份；备份出的文件夹本身就是工作目录，可直接启动。")
    p.add_argument("workspace", nargs="?", default=".", type=Path, metavar="WORKSPACE", help="工作目录，默认当前目录")
    p.add_argument("--to", required=True, type=Path, metavar="FOLDER", help="放备份的文件夹（不存在时新建），最好在另一块磁盘上")
    p.set_defaults(func=cmd_backup)
    return parser


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期，应写作 2026-01-05") from None


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, except that WORKSPACE may also come after the options (new-period 2025FY --from 2025H1 WS):
    argparse fills an optional positional at its first chance and then rejects it."""
    args, extra = parser.parse_known_args(argv)
    if len(extra) == 1 and not extra[0].startswith("-") and getattr(args, "workspace", None) == Path("."):
        args.workspace = Path(extra[0])
    elif extra:
        parser.error("无法识别的参数：" + " ".join(extra))
    return args


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    parser = make_parser()
    args = parse(parser, argv)
    console = console or make_console()
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args, console)
    except InputError as e:
        if e.heading:
            console.print(f"[red]{escape(e.heading)}[/red]", highlight=False)
        for i in e.issues:
            console.print(issue_line(i), highlight=False)
        return EXIT_INPUT
    except SubsetterMissing as e:
        console.print(f"[red]错误[/red] {escape(str(e))}", highlight=False)
        return EXIT_INPUT
    except Exception as e:  # noqa: BLE001 - raised inside an office's template (1/0, a call on a number…)
        if not isinstance(e, jinja2.TemplateError) and not raised_in_template(e):
            raise
        console.print(f"[red]模板错误[/red] {escape(template_failure(e))}", highlight=False)
        return EXIT_INPUT


def shell_word(text: str) -> str:
    """A path as one word of a command to paste: quoted only when the shell would split or expand it."""
    return shlex.quote(text) if re.search(r"[\s'\"\\$`&;|()<>*?!#~{}\[\]]", text) or not text else text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
