"""A reporting cycle: init, new-period, filling the workbooks, comparison, office templates."""

from __future__ import annotations

import io
import re
import subprocess
import tomllib

import pytest
from docx import Document
from openpyxl import load_workbook
from rich.console import Console

from conftest import copy_sample
from reportgen.cli import main
from reportgen.read import read_workspace


def run(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=200, color_system=None)), out.getvalue()


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    """The sample workspace rolled forward to 2025FY, with every workbook filled as a department would."""
    root = copy_sample(tmp_path_factory.mktemp("cycle") / "ws")
    code, out = run(["new-period", "2025FY", str(root)])
    assert code == 0, out
    return root


def fill(path, done_ids=()):
    """Type into the editable cells only, the way a clerk would."""
    wb = load_workbook(path)
    ws = wb["进展填报"]
    header = {c.value: c.column for c in ws[3]}
    for row in ws.iter_rows(min_row=4):
        if not row[0].value:
            continue
        tid = row[0].value
        target = row[header["目标值"] - 1].value  # figures that agree with the status: done is the whole target
        done, part = (target, round(target * 0.4)) if isinstance(target, (int, float)) else (80, 40)
        done, part = (int(done) if float(done).is_integer() else done), int(part)
        values = {"进展状态": "已完成" if tid in done_ids else "序时推进",
                  "进展情况": f"目前，{tid}全年工作已完成{done}个" if tid in done_ids else f"目前，{tid}已完成{part}个",
                  "完成值": done if tid in done_ids else part}
        for label, value in values.items():
            cell = ws.cell(row=row[0].row, column=header[label])
            assert cell.protection.locked is False
            cell.value = value
    ws["E2"] = "李四"
    wb.save(path)


def test_new_period_files(rolled):
    period = tomllib.loads((rolled / "inputs/2025FY/period.toml").read_text(encoding="utf-8"))
    assert period == {"period": "2025FY", "as_of": period["as_of"], "label": "全年", "issue_no": 7,
                      "publish_date": period["publish_date"]}
    assert str(period["as_of"]) == "2025-12-31" and str(period["publish_date"]) == "2026-01-10"
    assert (rolled / "inputs/2025FY/plan.xlsx").read_bytes() == (rolled / "inputs/2025H1/plan.xlsx").read_bytes()
    depts = sorted(p.stem for p in (rolled / "inputs/2025FY/departments").glob("*.xlsx"))
    assert "区市场监管局" in depts and len(depts) == 13  # the department that did not report gets one too


def test_department_workbook_structure(rolled):
    wb = load_workbook(rolled / "inputs/2025FY/departments/区民政局.xlsx")
    assert wb.sheetnames == ["填报说明", "进展填报"]
    ws = wb["进展填报"]
    header = [c.value for c in ws[3]]
    assert header[:6] == ["事项编号", "任务名称", "进展状态", "进展情况", "完成值", "完成率"]
    assert all(ws.cell(row=3, column=i + 1).comment for i in range(len(header)))
    assert ws.protection.sheet and not ws.protection.password
    first = [c for c in ws[4]]
    assert first[0].value == "01-01" and first[0].protection.locked and first[1].protection.locked
    assert first[2].protection.locked is False and first[3].protection.locked is False
    for label in ("事项编号", "任务名称", "年度目标", "目标值", "计量单位", "上期状态", "上期进展"):
        cell = first[header.index(label)]
        assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("E7E6E6"), label  # locked and grey
    for label in ("进展状态", "进展情况", "完成值", "完成率", "存在问题", "下步打算"):
        assert first[header.index(label)].protection.locked is False, label
    prev = first[header.index("上期进展")].value
    assert prev.startswith("青松街养老服务综合体") and first[header.index("上期状态")].value == "序时推进"
    dv = {str(d.sqref)[0]: d for d in ws.data_validations.dataValidation}
    assert dv["C"].type == "list" and "已完成" in dv["C"].formula1 and "滞后" in dv["C"].formula1
    assert dv["E"].type == "decimal" and dv["E"].operator == "greaterThanOrEqual" and dv["E"].formula1 == "0"
    assert dv["F"].type == "decimal" and (dv["F"].formula1, dv["F"].formula2) == ("0", "10")  # 0%～1000%
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"


@pytest.fixture(scope="module")
def filled(rolled):
    for path in (rolled / "inputs/2025FY/departments").glob("*.xlsx"):
        fill(path, done_ids={"01-01", "02-01", "06-02"})
    validated = run(["validate", str(rolled), "--period", "2025FY"])
    built = run(["build", str(rolled), "--period", "2025FY"])
    return rolled, validated, built


def test_round_trip_validate_and_build(filled):
    rolled, (code, out), built = filled
    assert code == 0, out
    assert "共 0 条错误" in out
    code, out = built
    assert code == 0, out
    outdir = rolled / "outputs/2025FY"
    press = next(outdir.glob("*全年*新闻通稿）.docx"))
    text = "\n".join(p.text for p in Document(str(press)).paragraphs)
    assert text.startswith("示例区2025年全年民心工程进展情况")
    assert "截至2025年12月底" in text and "已累计完成3项" in text
    assert "发布时间：2026年1月10日" in text  # period.toml's publish_date, written by new-period
    pack = next(outdir.glob("*全年*工作简报（第7期）.pdf"))
    pack_text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pack), "-"], capture_output=True, text=True).stdout)
    assert "示例区2025年全年民心工程推进情况" in pack_text and "第7期" in pack_text and "2026年1月10日" in pack_text
    assert "截至12月底" in pack_text
    summary = load_workbook(next(outdir.glob("*全年*进度汇总表.xlsx")))["进度汇总"]
    assert summary["A1"].value == "示例区2025年全年民心工程进度汇总表" and summary["A2"].value == "截至2025年12月31日"
    ws = read_workspace(rolled, "2025FY")
    assert ws.submissions[0].reporter == "李四"


def test_second_period_shows_changes(filled):
    rolled = filled[0]
    outdir = rolled / "outputs/2025FY"
    pack = next(outdir.glob("*工作简报*.pdf"))
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pack), "-"], capture_output=True, text=True).stdout)
    assert "与上半年相比" in text
    # H1 had 01-03 02-02 05-02 07-01 07-03 09-02 done; in FY only 01-01 02-01 06-02 are: 3 newly done
    assert "新增完成3项" in text
    summary = load_workbook(next(outdir.glob("*进度汇总表.xlsx")))
    sheet = summary["较上期变化"]
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=3)}
    assert rows["01-01"][3:5] == ["序时推进", "已完成"] and rows["01-01"][8] == "是"
    assert rows["06-04"][3] == "未报送"


def test_template_recreates_one_department(filled):
    rolled = filled[0]
    path = rolled / "inputs/2025FY/departments/区残联.xlsx"
    path.unlink()
    code, out = run(["template", "区残联", str(rolled), "--period", "2025FY"])
    assert code == 0 and path.exists()
    code, out = run(["template", "不存在的单位", str(rolled), "--period", "2025FY"])
    assert code == 1 and "不存在的单位" in out


def test_init_creates_a_workspace(tmp_path):
    code, out = run(["init", str(tmp_path / "new"), "--region", "新区", "--period", "2026Q1"])
    assert code == 0, out
    config = (tmp_path / "new/report.toml").read_text(encoding="utf-8")
    assert 'region = "新区"' in config and "# " in config
    wb = load_workbook(tmp_path / "new/inputs/2026Q1/plan.xlsx")
    ws = wb.active
    assert [c.value for c in ws[2]][:4] == ["事项编号", "工程序号", "工程名称", "领域"]
    assert "养老" in ws.data_validations.dataValidation[0].formula1
    assert (tmp_path / "new/outputs").is_dir()
    assert run(["init", str(tmp_path / "new")])[0] == 1  # never overwrites


def test_office_templates_export_edit_and_check(sample_workspace):
    root = sample_workspace
    assert run(["templates", "export", str(root)])[0] == 0
    html_template = root / "templates/press-release.html.j2"
    source = html_template.read_text(encoding="utf-8")
    edited = source.replace('<p class="lead">{{ opening }}{{ lead }}</p>',
                            '<p class="lead">{{ opening }}{{ lead }}本区将定期公布进展，欢迎群众监督。</p>')
    assert edited != source
    html_template.write_text(edited, encoding="utf-8")
    assert run(["templates", "check", str(root)])[0] == 0
    code, out = run(["build", str(root)])
    assert code == 0, out
    outdir = root / "outputs/2025H1"
    assert "欢迎群众监督" in next(outdir.glob("*新闻通稿）（草稿）.html")).read_text(encoding="utf-8")
    pdf = next(outdir.glob("*新闻通稿）（草稿）.pdf"))
    assert "欢迎群众监督" in re.sub(r"\s", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    # a broken template: file and line
    lines = edited.splitlines()
    lines[20] = lines[20] + "{% if %}"
    html_template.write_text("\n".join(lines), encoding="utf-8")
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "templates/press-release.html.j2" in out and "第21行" in out
    # an unknown variable
    html_template.write_text(edited.replace("{{ opening }}", "{{ openng }}"), encoding="utf-8")
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "openng" in out
    code, out = run(["build", str(root)])
    assert code == 1 and "模板" in out and "Traceback" not in out


def test_workspace_templates_are_sandboxed(sample_workspace):
    root = sample_workspace
    run(["templates", "export", str(root)])
    t = root / "templates/press-release.html.j2"
    t.write_text(t.read_text(encoding="utf-8").replace("{{ opening }}", "{{ opening.__class__.__mro__[1].__subclasses__() }}"),
                 encoding="utf-8")
    code, out = run(["build", str(root)])
    assert code == 1 and "Traceback" not in out and "模板" in out


def test_press_release_template_can_state_newly_done(filled):
    rolled = filled[0]
    """The public context offers the count (较上半年新增完成X项) for templates that ask for it."""
    from reportgen.merge import merge
    from reportgen.build import load_previous
    from reportgen.render.context import public_context

    ds = merge(read_workspace(rolled, "2025FY"))
    ds.previous = load_previous(rolled, "2025FY", ds.group_by)
    ctx = public_context(ds)
    assert ctx["changes"] == {"previous_label": "上半年", "newly_done_count": 3}
    assert "problems" not in str(ctx)


def test_split_docx_tag_is_reported_with_its_paragraph(sample_workspace):
    from docx import Document as NewDocument

    root = sample_workspace
    run(["templates", "export", str(root)])
    doc = NewDocument()
    doc.add_paragraph("第一段没有标记")
    p = doc.add_paragraph()
    p.add_run("{{ head")
    p.add_run("line }}")  # what Word does when the user bolds half a tag
    doc.save(root / "templates/press-release.docx")
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "E-TEMPLATE-SPLIT-TAG" in out and "第2段" in out and "press-release.docx" in out


def _body_paragraphs(doc):
    """Every paragraph of the body in document order, table cells included: how templates check numbers them."""
    from docx.oxml.ns import qn

    return list(doc.element.body.iter(qn("w:p")))


def test_docx_syntax_error_names_its_paragraph(sample_workspace):
    from docx import Document as Doc
    from docx.text.paragraph import Paragraph

    root = sample_workspace
    run(["templates", "export", str(root)])
    path = root / "templates/press-release.docx"  # the press release's look only: a tag typed there is still checked
    doc = Doc(str(path))
    para = doc.paragraphs[3]
    para.runs[0].text = "{{ closing }}{% if %}"
    k = _body_paragraphs(doc).index(para._p) + 1
    doc.save(path)
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "E-TEMPLATE-SYNTAX" in out and "templates/press-release.docx" in out and f"第{k}段" in out
    run(["templates", "export", str(root), "--force"])
    # the briefing pack: after its {%tr %} tables, whose rows docxtpl replaces by their tags
    path = root / "templates/briefing-pack.docx"
    doc = Doc(str(path))
    paragraphs = _body_paragraphs(doc)
    texts = [Paragraph(p, None).text for p in paragraphs]
    k = max(i for i, text in enumerate(texts, 1) if "{{" in text and "{%" not in text)
    target = paragraphs[k - 1]
    Paragraph(target, None).add_run("{{ lead + }}")
    doc.save(path)
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "templates/briefing-pack.docx" in out and f"第{k}段" in out, (k, out)


def test_unknown_filter_is_reported_and_the_check_goes_on(sample_workspace):
    root = sample_workspace
    run(["templates", "export", str(root)])
    press = root / "templates/press-release.html.j2"
    lines = press.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines, 1) if "{{ lead }}" in line)
    lines[n - 1] = lines[n - 1].replace("{{ lead }}", "{{ lead|nosuchfilter }}")
    press.write_text("\n".join(lines), encoding="utf-8")
    pack = root / "templates/briefing-pack.html.j2"
    pack.write_text(pack.read_text(encoding="utf-8").replace("{{ compiler }}", "{{ compilr }}", 1), encoding="utf-8")
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "Traceback" not in out and "模板错误" not in out
    assert "E-TEMPLATE-SYNTAX" in out and "templates/press-release.html.j2" in out and f"第{n}行" in out
    assert "nosuchfilter" in out and "compilr" in out  # the other templates were still checked


def test_press_release_templates_are_checked_against_the_public_context(sample_workspace, tmp_path):
    from docx import Document as Doc

    from reportgen.templating import known_variables

    root = sample_workspace
    run(["templates", "export", str(root)])
    pack = root / "templates/briefing-pack.html.j2"
    pack.write_text(pack.read_text(encoding="utf-8") + "{{ behind|length }}{{ issues|length }}", encoding="utf-8")
    assert run(["templates", "check", str(root)])[0] == 0  # the briefing pack may use internal fields
    press = root / "templates/press-release.html.j2"
    press.write_text(press.read_text(encoding="utf-8").replace("{{ closing }}", "{{ behind|length }}"),
                     encoding="utf-8")
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "E-TEMPLATE-UNKNOWN-VARIABLE" in out and "templates/press-release.html.j2" in out
    assert "behind" in out and "briefing-pack" not in out
    run(["templates", "export", str(root), "--force"])
    path = root / "templates/press-release.docx"
    doc = Doc(str(path))
    doc.paragraphs[0].runs[0].text = "{{ headline }}{{ compiler }}"
    doc.save(path)
    code, out = run(["templates", "check", str(root)])
    assert code == 1 and "templates/press-release.docx" in out and "compiler" in out
    # without usable data the fallback names are split the same way
    public, internal = known_variables(tmp_path, public=True), known_variables(tmp_path)
    leaks = {"behind", "issues", "tasks", "not_started", "not_reported", "set_aside", "compiler", "rows_read"}
    assert not leaks & public and leaks <= internal and public - {"medium", "variant", "extra_css"} <= internal


def test_build_names_the_template_file_and_line_once(sample_workspace):
    root = sample_workspace
    run(["templates", "export", str(root)])
    press = root / "templates/press-release.html.j2"
    source = press.read_text(encoding="utf-8")
    lines = source.splitlines()
    n = next(i for i, line in enumerate(lines, 1) if "{{ opening }}" in line)
    # no previous period: changes is None, so an unguarded changes.newly_done_count fails while rendering
    press.write_text(source.replace("{{ opening }}", "{{ changes.newly_done_count }}"), encoding="utf-8")
    code, out = run(["build", str(root)])
    assert code == 1 and "Traceback" not in out
    assert "press-release.html.j2" in out and f"第{n}行" in out, out
    # a syntax error: file and line said once
    lines[n - 1] += "{% if %}"
    press.write_text("\n".join(lines), encoding="utf-8")
    code, out = run(["build", str(root)])
    assert code == 1 and "Traceback" not in out and "templates/press-release.html.j2" in out
    assert out.count(f"第{n}行") == 1 and "line" not in out, out


def test_second_period_docx_pack_lists_status_changes(filled):
    rolled = filled[0]
    pack = next((rolled / "outputs/2025FY").glob("*工作简报*.docx"))
    doc = Document(str(pack))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "与上半年相比" in text and "新增完成3项" in text
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert ["01-01", "社区养老服务综合体", "序时推进", "已完成"] in [r[:4] for r in rows]


def test_exported_word_template_is_the_one_used(sample_workspace):
    """The exported press-release.docx gives the Word version its look: a style changed there is used."""
    from docx import Document as Doc
    from docx.shared import Pt

    root = sample_workspace
    run(["templates", "export", str(root)])
    path = root / "templates/press-release.docx"
    doc = Doc(str(path))
    doc.styles["RG Body"].font.size = Pt(14)
    doc.save(path)
    assert run(["templates", "check", str(root)])[0] == 0
    assert run(["build", str(root)])[0] == 0
    press = Doc(str(next((root / "outputs/2025H1").glob("*新闻通稿）（草稿）.docx"))))
    assert press.styles["RG Body"].font.size == Pt(14)
    assert [p.style.name for p in press.paragraphs if p.text.startswith("截至")] == ["RG Body"]
