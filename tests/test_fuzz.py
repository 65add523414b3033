"""Fuzzing what departments send (issue 13): valid workbooks (.xlsx, .xls, .csv) with their XML and
bytes mutated by hypothesis. Whatever one department's file holds, `reportgen validate` (and, for
fewer examples, `reportgen build`) ends with exit code 0 or 1 and no exception, the row count
balances, and the other department's rows are still merged.

`make test` runs a few dozen examples, the same each time; `make fuzz` runs many more, new ones each
time (REPORTGEN_FUZZ=1, REPORTGEN_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import importlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from biff import write_xls
from conftest import make_workspace
from reportgen.cli import main

FUZZ = bool(os.environ.get("REPORTGEN_FUZZ"))
EXAMPLES = int(os.environ.get("REPORTGEN_FUZZ_EXAMPLES", "400" if FUZZ else "30"))
settings.register_profile("reportgen", deadline=None, derandomize=not FUZZ, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])

PLAN = [dict(task_id=f"01-0{i}", project_no=1, project="甲工程", category="养老", name=f"任务{i}",
             target_text=f"建设目标{i}个", target_value=10, unit="个", lead=lead)
        for i, lead in ((1, "区民政局"), (2, "区教育局"), (3, "区教育局"))]
GOOD = {"区民政局": [dict(task_id="01-01", status="序时推进", progress_text="已建成5个", achieved=5)]}
ROWS = [dict(task_id="01-02", name="任务2", status="序时推进", progress_text="已建成3个", achieved=3, rate=0.3,
             expected="年底前", problems="无", contact="王某", phone="123"),
        dict(task_id="01-03", name="任务3", status="已完成", progress_text="已建成10个", achieved=10, rate=1)]
CSV = ("填报单位：区教育局,,\n事项编号,进展状态,进展情况,完成值,完成率\n"
       "01-02,序时推进,已建成3个,3,30%\n01-03,已完成,\"已建成10个，\"\"全部\"\"完成\",10,100%\n")
XLS = [["填报单位：区教育局"], ["事项编号", "进展状态", "进展情况", "完成值"], ["01-02", "序时推进", "已建成3个", "3"],
       ["01-03", "已完成", "已建成10个", "10"]]

TOKENS = [
    b"<", b">", b"/>", b"</c>", b"</row>", b"</sheetData>", b'<c r="A1" t="s"><v>99999</v></c>', b'r="XFD1048576"',
    b'r="A0"', b'r="ZZZZZZZZ99999999999"', b'r=""', b"_x000B_", b"_x202E_", b"&#0;", b"&#x1;", b"&#xD800;", b"&amp;",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"<!-- -->", b"<![CDATA[x]]>", b'<?pi x?>', b't="s"', b't="b"', b't="e"',
    b't="d"', b't="inlineStr"', b"<v>1e308</v>", b"<v>-0</v>", b"<v>NaN</v>", b"<v></v>", b"<f>A1+1</f>",
    b'<f t="shared" si="0"/>', "\u202e".encode(), "进展".encode(), b"\xff\xfe", b"\xc3\x28", b"\x00",
    b'<mergeCell ref="A1:XFD1048576"/>', b'<mergeCell ref="B2:A1"/>', b'<row r="1048577">', b'<row r="0">',
    b's="99999"', b's="-1"', b'<is><t>', b'state="hidden"', b'state="veryHidden"', b'sheetId="1"',
    b'numFmtId="9"', b'formatCode="0%"', b'<dimension ref="A1:XFD1048576"/>', b"1" * 40, b" " * 300,
]
CSV_TOKENS = ["\"", ",", "\n", "\r", "\x00", "\u202e", "\ufeff", "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1",
              "进展状态", "事项编号", "合计", "注：", "1e308", "85%", "0.85", "1.4万", "\\", "\t", "\x0b", "\x1f",
              "填报单位：区民政局", "01-01", "已完成", "滞后", "x" * 2000]


def blob(data: bytes, ops) -> bytes:
    """`data` with each (operation, position, span, token) applied in turn."""
    for op, pos, span, token in ops:
        at = int(pos * len(data)) if data else 0
        end = min(len(data), at + span)
        if op == "insert":
            data = data[:at] + token + data[at:]
        elif op == "replace":
            data = data[:at] + token + data[end:]
        elif op == "delete":
            data = data[:at] + data[end:]
        elif op == "repeat":
            data = data[:end] + data[at:end] * 3 + data[end:]
        elif op == "flip" and data:
            i = min(at, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ (span % 255 + 1)]) + data[i + 1:]
        else:  # truncate
            data = data[:at]
    return data


positions = st.floats(min_value=0, max_value=1, allow_nan=False)
byte_ops = st.lists(st.tuples(st.sampled_from(["insert", "replace", "delete", "repeat", "flip", "truncate"]), positions,
                              st.integers(0, 400), st.sampled_from(TOKENS) | st.binary(max_size=40)), min_size=1, max_size=6)


@st.composite
def mutated(draw, seeds: dict[str, bytes]):
    """(file name, bytes): a seed workbook with its parts or its bytes mutated."""
    kind = draw(st.sampled_from(sorted(seeds)))
    data = seeds[kind]
    if kind == "template":
        kind = "xlsx"
    if kind == "xlsx" and draw(st.booleans()):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
        names = sorted(parts)
        for _ in range(draw(st.integers(1, 3))):
            name = draw(st.sampled_from(names))
            parts[name] = blob(parts[name], draw(byte_ops))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name in names:
                z.writestr(name, parts[name])
        data = out.getvalue()
    elif kind == "csv" and draw(st.booleans()):
        text = data.decode("utf-8")
        for _ in range(draw(st.integers(1, 6))):
            at = int(draw(positions) * len(text))
            text = text[:at] + draw(st.sampled_from(CSV_TOKENS) | st.text(max_size=20)) + text[at + draw(st.integers(0, 5)):]
        data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])), errors="replace")
    else:
        data = blob(data, draw(byte_ops))
    return f"区教育局.{draw(st.sampled_from([kind, kind, 'xlsx', 'xls', 'csv']))}", data


class Seeds(dict):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example: not 20 kB of zip
        return f"Seeds({', '.join(f'{k}: {len(v)} bytes' for k, v in self.items())})"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    from reportgen.fillguide import make_guide
    from reportgen.periods import department_workbook
    from reportgen.read import read_workspace

    folder = tmp_path_factory.mktemp("seeds")
    root = make_workspace(folder / "ws", PLAN, {"区教育局": ROWS})
    ws = read_workspace(root)
    mine = [t for t in ws.plan if t.lead == "区教育局"]
    # what new-period sends out, filled in: comments, data validation, protection, a 填报说明 sheet
    guide = make_guide(ws.config, ws.period, "区教育局", mine, "区教育局.xlsx")
    department_workbook(folder / "template.xlsx", "区教育局", mine, "填报表",
                        {"01-02": {"status": "滞后", "progress": "上期进展"}}, guide=guide)
    from openpyxl import load_workbook

    wb = load_workbook(folder / "template.xlsx")
    wb["进展填报"]["C4"], wb["进展填报"]["D4"], wb["进展填报"]["F4"] = "序时推进", "已建成3个", 0.3
    wb["进展填报"]["C5"], wb["进展填报"]["D5"] = "已完成", "已建成10个"
    wb.save(folder / "template.xlsx")
    return Seeds({
        "xlsx": (root / "inputs/2025H1/departments/区教育局.xlsx").read_bytes(),
        "template": (folder / "template.xlsx").read_bytes(),
        "xls": write_xls(folder / "seed.xls", XLS).read_bytes(),
        "csv": CSV.encode("utf-8"),
    })


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("fuzz") / "ws", PLAN, GOOD)


def run_with(monkeypatch, command: str, root: Path):
    """`reportgen <command>` as the CLI runs it: the exit code, and the result it printed."""
    module = importlib.import_module("reportgen.build")
    captured = []
    real = getattr(module, {"validate": "check", "build": "build"}[command])

    def spy(*args, **kwargs):
        captured.append(real(*args, **kwargs))
        return captured[-1]

    monkeypatch.setattr(module, real.__name__, spy)
    out = io.StringIO()
    try:
        code = main([command, str(root), "-v"], console=Console(file=out, width=200, color_system=None))
    finally:
        monkeypatch.setattr(module, real.__name__, real)
    return code, captured[0] if captured else None, out.getvalue()


def check_example(monkeypatch, workspace: Path, name: str, data: bytes, command: str) -> None:
    folder = workspace / "inputs/2025H1/departments"
    for old in folder.iterdir():
        if old.name != "区民政局.xlsx":
            old.unlink()
    shutil.rmtree(workspace / "outputs", ignore_errors=True)
    (folder / name).write_bytes(data)
    code, result, out = run_with(monkeypatch, command, workspace)
    assert code in (0, 1), out
    assert result is not None and result.balanced, out
    merged = {t.task.task_id for t in result.dataset.tasks if t.progress is not None}
    assert "01-01" in merged, out


@settings(settings.get_profile("reportgen"), max_examples=EXAMPLES)
@given(case=st.data())
def test_validate_survives_any_mutated_workbook(seeds, workspace, monkeypatch, case):
    name, data = case.draw(mutated(seeds))
    check_example(monkeypatch, workspace, name, data, "validate")


@settings(settings.get_profile("reportgen"), max_examples=max(3, EXAMPLES // 10))
@given(case=st.data())
def test_build_survives_any_mutated_workbook(seeds, workspace, monkeypatch, case):
    name, data = case.draw(mutated(seeds))
    check_example(monkeypatch, workspace, name, data, "build")
