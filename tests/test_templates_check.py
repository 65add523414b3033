"""`templates check` finds everything `build` rejects, in Chinese, with file and line (paragraph in Word).

A corpus of broken templates, each made from the exported built-ins by one edit. For every one:
`check` reports an error in that file at the expected place, and whenever `build` rejects the
template, `check` has reported it (the converse is not required: `check` also looks at branches
this workspace's data never takes, such as the 较上期 sentence in a first period).
"""

from __future__ import annotations

import io
import re
import shutil

import pytest
from docx import Document
from rich.console import Console

from conftest import THREE_TASKS, make_workspace
from reportgen.cli import main

PLAN = THREE_TASKS
ROWS = {
    "区民政局": [dict(task_id="01-01", name="助餐点", status="已完成", progress_text="已建成助餐点10个", achieved=10),
                 dict(task_id="01-02", name="适老化改造", status="滞后", progress_text="已改造30户", achieved=30,
                      problems="资金未到位")],
}  # 区教育局 has not reported: the release is a draft, so the draft marks render too


def run(argv):
    out = io.StringIO()
    return main(argv, console=Console(file=out, width=2000, color_system=None)), out.getvalue()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = make_workspace(tmp_path_factory.mktemp("tpl") / "ws", PLAN, ROWS)
    assert run(["templates", "export", str(root)])[0] == 0
    assert run(["templates", "check", str(root)]) == (0, "模板检查通过。\n")
    return root


def edit_text(name: str, old: str, new: str):
    """An edit of a text template: (file, line of the edit)."""
    def apply(root):
        path = root / "templates" / name
        source = path.read_text(encoding="utf-8")
        assert old in source, old
        path.write_text(source.replace(old, new, 1), encoding="utf-8")
        return f"templates/{name}", f"第{source[:source.index(old)].count(chr(10)) + 1}行"
    return apply


def edit_docx(name: str, old: str, new: str):
    """An edit of one paragraph of a Word template: (file, paragraph number as check counts them)."""
    def apply(root):
        from docx.oxml.ns import qn

        path = root / "templates" / name
        doc = Document(str(path))
        para = next(p for p in doc.paragraphs if p.text == old)
        for run_ in para.runs[1:]:
            run_._r.getparent().remove(run_._r)
        para.runs[0].text = new
        k = list(doc.element.body.iter(qn("w:p"))).index(para._p) + 1
        doc.save(str(path))
        return f"templates/{name}", f"第{k}段"
    return apply


def own_include(root):
    """An office's own include, held to the public names because the press release includes it."""
    (root / "templates" / "note.html.j2").write_text("<p>编印：{{ compiler }}</p>\n", encoding="utf-8")
    edit_text("press-release.html.j2", '<p class="closing">{{ closing }}</p>',
              '<p class="closing">{{ closing }}</p>{% include "note.html.j2" %}')(root)
    return "templates/note.html.j2", "第1行"


TASK_LINE = '<p class="task{% if t.done %} done{% endif %}">'
CORPUS = [
    ("typo in a loop", edit_text("press-release.html.j2", "{{ t.progress }}", "{{ t.progres }}"), "E-TEMPLATE-UNKNOWN-FIELD"),
    ("internal field in public", edit_text("press-release.html.j2", "{{ t.progress }}", "{{ t.problems }}"),
     "E-TEMPLATE-INTERNAL-FIELD"),
    ("nested dict typo", edit_text("press-release.html.j2", "<h2>{{ g.heading }}</h2>", "<h2>{{ g.counts.doen }}</h2>"),
     "E-TEMPLATE-UNKNOWN-FIELD"),
    ("unknown top-level name", edit_text("press-release.html.j2", "{{ closing }}", "{{ closng }}"),
     "E-TEMPLATE-UNKNOWN-VARIABLE"),
    ("unknown filter", edit_text("press-release.html.j2", "{{ lead }}", "{{ lead|nosuchfilter }}"), "E-TEMPLATE-SYNTAX"),
    ("unknown test", edit_text("press-release.html.j2", "{{ lead }}", "{{ lead is nosuchtest }}"), "E-TEMPLATE-SYNTAX"),
    ("missing endif", edit_text("press-release.html.j2", "<h2>{{ g.heading }}</h2>", "<h2>{% if g.heading %}{{ g.heading }}</h2>"),
     "E-TEMPLATE-SYNTAX"),
    ("endif for endfor", edit_text("press-release.html.j2", "{% endfor %}\n</section>", "{% endif %}\n</section>"),
     "E-TEMPLATE-SYNTAX"),
    ("unclosed print", edit_text("press-release.html.j2", "{{ lead }}", "{{ lead "), "E-TEMPLATE-SYNTAX"),
    ("empty changes in a first period", edit_text("press-release.html.j2", "{{ closing }}", "{{ changes.newly_done_count }}"),
     "E-TEMPLATE-MAYBE-EMPTY"),
    ("missing include", edit_text("press-release.html.j2", '{% include "press-release.css" %}', '{% include "press.css" %}'),
     "E-TEMPLATE-NOT-FOUND"),
    ("private attribute", edit_text("press-release.html.j2", "{{ closing }}", "{{ closing.__class__ }}"),
     "E-TEMPLATE-UNKNOWN-FIELD"),
    ("typo in a list item", edit_text("press-release.html.j2", "{{ closing }}", "{{ groups[0].tasks[0].progres }}"),
     "E-TEMPLATE-UNKNOWN-FIELD"),
    ("period field typo", edit_text("press-release.html.j2", "{{ period.publish_date|cndate }}", "{{ period.publish|cndate }}"),
     "E-TEMPLATE-UNKNOWN-FIELD"),
    ("division by zero (data only)", edit_text("press-release.html.j2", "{{ lead }}", "{{ lead }}{{ counts.total // 0 }}"),
     "E-TEMPLATE-RENDER"),
    ("draft banner typo", edit_text("press-release.html.j2", '{{ draft|join("；") }}', "{{ draft.reasons }}"),
     "E-TEMPLATE-UNKNOWN-FIELD"),
    ("briefing typo in a loop", edit_text("briefing-pack.html.j2", "{{ g.sentence|nobreak }}", "{{ g.sentnce|nobreak }}"),
     "E-TEMPLATE-UNKNOWN-FIELD"),
    ("own include with an internal name", own_include, "E-TEMPLATE-UNKNOWN-VARIABLE"),
    ("Word: typo in a loop", edit_docx("briefing-pack.docx", "{{ g.sentence }}", "{{ g.sentense }}"),
     "E-TEMPLATE-UNKNOWN-FIELD"),
    ("Word: unknown filter", edit_docx("briefing-pack.docx", "{{ g.label }}", "{{ g.label|bold }}"), "E-TEMPLATE-SYNTAX"),
    ("Word: missing endif", edit_docx("briefing-pack.docx", "{{ g.label }}", "{% if g.label %}{{ g.label }}"),
     "E-TEMPLATE-SYNTAX"),
    ("Word briefing: empty changes", edit_docx("briefing-pack.docx", "{{ sections.overview }}", "{{ sections.overview }}{{ changes.summary }}"),
     "E-TEMPLATE-MAYBE-EMPTY"),
]


@pytest.mark.parametrize("name, edit, code", CORPUS, ids=[c[0] for c in CORPUS])
def test_check_reports_what_build_rejects(exported, tmp_path, name, edit, code):
    root = tmp_path / "ws"
    shutil.copytree(exported, root)
    file, place = edit(root)
    checked, out = run(["templates", "check", str(root)])
    assert checked == 1, out
    said = re.sub(r"中有：[^。]*。|是不是“[^”]*”", "", out)  # field names the message lists are data, not English
    assert "Traceback" not in out and not re.search(r"\b(expected|unexpected|undefined|attribute|token)\b", said), out
    hits = [line for line in out.splitlines() if file in line and code in line]
    assert hits, out
    if code != "E-TEMPLATE-RENDER":
        assert any(place in line for line in hits), (place, out)
    built, bout = run(["build", str(root)])
    if "模板错误" in bout:  # build rejected the template: check said so, in the same file
        assert built == 1 and "Traceback" not in bout
        assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", bout.split("模板错误", 1)[1].replace("templates check", "")), bout
        assert file in bout or file.replace("templates/", "") in bout, bout
        if code == "E-TEMPLATE-INTERNAL-FIELD":  # said as check says it, not as a field missing from the data
            assert "是内部字段，新闻通稿不能公开" in bout and "数据中没有" not in bout, bout
    else:
        assert built == 0, bout



@pytest.mark.parametrize("argv", [
    ["buidl"], ["build", "--group-by", "x"], ["new-period"], ["build", "--period"], ["templates"],
    ["build", "--variant", "bold"], ["init"], ["validate", "a", "b", "c"],
    ["new-period", "2026H1", "--deadline", "xx"], ["serve", "--port", "abc"],
])
def test_command_line_mistakes_are_said_in_chinese(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "参数错误：" in err and "error:" not in err and "usage:" not in err
    said = err.split("参数错误：", 1)[1]
    assert re.search(r"[\u4e00-\u9fff]", said) and not re.search(r"\b(invalid|choice|required|expected|argument|arguments|unrecognized)\b", said), err
