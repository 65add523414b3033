"""The CLI: Chinese help, exit codes, clear messages instead of tracebacks."""

import io
import subprocess
import sys

import pytest
from rich.console import Console

from reportgen.cli import main


def run(argv):
    out = io.StringIO()
    code = main(argv, console=Console(file=out, width=200, color_system=None))
    return code, out.getvalue()


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    text = capsys.readouterr().out
    assert "用法：" in text and "子命令" in text and "build" in text
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    assert "严格模式" in text and "报告期" in text


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["build", "--group-by", "nonsense"])
    assert e.value.code == 2
    assert "参数错误" in capsys.readouterr().err


def test_missing_workspace_is_a_message_not_a_traceback(tmp_path):
    code, out = run(["build", str(tmp_path)])
    assert code == 1
    assert "report.toml" in out and "Traceback" not in out


def test_bad_period_name(tmp_path, workspace_factory):
    root = workspace_factory([], {})
    code, out = run(["build", str(root), "--period", "2025X9"])
    assert code == 1 and "报告期" in out


def test_python_dash_m_works():
    r = subprocess.run([sys.executable, "-m", "reportgen", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "reportgen" in r.stdout


def test_missing_harfbuzz_subsetter_is_said_clearly(monkeypatch, workspace_factory):
    import weasyprint.text.ffi as ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    root = workspace_factory([dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="甲",
                                   target_text="目标", lead="区民政局")], {})
    code, out = run(["build", str(root)])
    assert code == 1 and "libharfbuzz-subset0" in out and "Traceback" not in out


@pytest.mark.parametrize("line, word", [
    ('copies = "很多"', "copies"), ('group_by = "按心情"', "group_by"), ("variants = 3", "variants"),
    ('region = "未闭合', "report.toml"), ('traditional = "hk"', "traditional"), ('traditional = "t2s"', "traditional"),
    ('variants = ["traditonal"]', "traditonal"),
])
def test_bad_report_toml_names_the_key(workspace_factory, line, word):
    root = workspace_factory([], {})
    (root / "report.toml").write_text(line + "\n", encoding="utf-8")
    code, out = run(["build", str(root)])
    assert code == 1 and word in out and "Traceback" not in out


def test_empty_plan_stops_with_a_message(workspace_factory):
    code, out = run(["build", str(workspace_factory([], {}))])
    assert code == 1 and "E-PLAN-EMPTY" in out and "未生成文档" in out


def test_docs_are_current(repo_root):
    """The README names every command, and docs/常见问题.md is what scripts/make_docs.py makes of the catalogue."""
    import importlib.util

    from reportgen.cli import make_parser

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in make_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"reportgen {name}" in readme, name
    spec = importlib.util.spec_from_file_location("make_docs", repo_root / "scripts/make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (repo_root / "docs/常见问题.md").read_text(encoding="utf-8") == module.render(), \
        "run scripts/make_docs.py"


def test_templates_are_found_inside_an_installed_wheel(tmp_path, repo_root):
    """Installed from a wheel, templates/ sits inside the package (hatch force-include)."""
    import shutil
    import tomllib

    config = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"] == {"templates": "reportgen/templates"}
    site = tmp_path / "site"
    shutil.copytree(repo_root / "src/reportgen", site / "reportgen")
    shutil.copytree(repo_root / "templates", site / "reportgen/templates")
    code = "from reportgen.render.env import builtin_templates; print(builtin_templates())"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                       env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(site / "reportgen/templates")


def test_validate_piped_to_a_file_writes_each_finding_on_one_line(tmp_path, repo_root):
    """`reportgen validate . > log.txt`: no line is wrapped, so every finding can be found with grep,
    with its place, its whole message and its code beside the code's title."""
    import os

    from conftest import copy_sample
    from reportgen.build import check
    from reportgen.codes import label

    root = copy_sample(tmp_path / "ws")
    (root / "inputs/2025H1/departments/区民政局.xlsx").unlink()  # more findings, some of them long
    log = tmp_path / "log.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TERM")}
    with log.open("w", encoding="utf-8") as out:
        r = subprocess.run([sys.executable, "-m", "reportgen", "validate", "."], cwd=root, stdout=out,
                           stderr=subprocess.PIPE, text=True, env=env)
    assert r.returncode == 0, r.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    issues = check(root).report.issues
    assert len(issues) >= 8
    for i in issues:
        found = [line for line in lines if i.message in line]
        assert found, f"not on one line: {i.message}"
        assert any(i.where in line and f"〔{label(i.code)}〕" in line for line in found), found
    assert not any("\x1b[" in line for line in lines)  # no colour codes in a file
    assert max(len(line) for line in lines) > 80  # long lines stay long


def test_commands_in_hints_are_never_broken(tmp_path):
    """The init hint on a narrow terminal: the command to run next stands on its own line, whole."""
    out = io.StringIO()
    target = tmp_path / "新的 工作目录"
    code = main(["init", str(target), "--period", "2026Q1"], console=Console(file=out, width=40, color_system=None))
    assert code == 0
    lines = out.getvalue().splitlines()
    assert f"  reportgen new-period 2026Q1 '{target}'" in lines  # quoted: the path holds a space
    out = io.StringIO()
    code = main(["new-period", "2026Q1", str(target)], console=Console(file=out, width=40, color_system=None))
    assert code == 1  # the plan is still empty: the message, not a traceback
    assert "〔E-PLAN-EMPTY 任务清单为空〕" in out.getvalue().replace("\n", "")


def test_text_from_a_workbook_is_never_taken_for_terminal_markup(workspace_factory):
    """A clerk's "[/b]" or "[red]" is text: printed as typed, never a crash or a colour."""
    task = dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="甲", target_text="目标",
                lead="区民政局")
    root = workspace_factory([task], {"区民政局": [dict(task_id="01-01", status="[/b]推进[red]中", progress_text="已建成")]})
    code, out = run(["validate", str(root)])
    assert code == 1
    assert "进展状态“[/b]推进[red]中”无法识别" in out and "〔E-STATUS-UNKNOWN 进展状态无法识别〕" in out


def test_a_planted_file_is_said_as_a_sentence_not_as_a_wait(workspace_factory):
    from conftest import THREE_TASKS

    root = workspace_factory(THREE_TASKS, {})
    (root / "outputs").mkdir()
    (root / "outputs" / ".tmp").write_bytes(b"planted")
    code, out = run(["validate", str(root)])
    said = " ".join(out.split())
    assert "未做任何改动。" in said and "改动。……" not in said
