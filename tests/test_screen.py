"""Screening of public text: each hit a finding at its file and cell that keeps the release a draft;
normal bulletin text left alone."""

from __future__ import annotations

import pytest

from conftest import make_workspace
from reportgen import build
from reportgen.build import check
from reportgen.model import Config

PLAN = [
    dict(task_id="01-01", project_no=1, project="甲工程", category="养老", name="助餐点", target_text="新建助餐点10个",
         target_value=10, unit="个", lead="区民政局"),
    dict(task_id="01-02", project_no=1, project="甲工程", category="养老", name="适老化改造", target_text="改造100户",
         target_value=100, unit="户", lead="区民政局"),
]


def ws(tmp_path, text, *, target="新建助餐点10个", config=None, name="ws"):
    plan = [dict(PLAN[0], target_text=target), PLAN[1]]
    rows = [dict(task_id="01-01", name="助餐点", status="推进中", progress_text=text, achieved=5),
            dict(task_id="01-02", name="适老化改造", status="推进中", progress_text="已改造40户", achieved=40)]
    return make_workspace(tmp_path / name, plan, {"区民政局": rows}, config=config)


@pytest.mark.parametrize("text, code, shown", [
    ("已建成5个，详见澳门万博体育网站", "E-SCREEN-SPAM", "万博体育"),
    ("已建成5个，咨询请登录www.jiancheng88.com", "W-SCREEN-URL", "www.jiancheng88.com"),
    ("已建成5个，联系人手机13812345678", "W-SCREEN-PHONE", "13812345678"),
    ("已建成5个，咨询电话022-23456789", "W-SCREEN-PHONE", "022-23456789"),
    ("已建成5个，负责人身份证120101199003071234", "E-SCREEN-ID-NUMBER", "1201**********1234"),
    ("已建成5个，补贴打入6222021234567890128", "E-SCREEN-BANK-CARD", "6222***********0128"),
    ("已建成5个，意见请发至zhucan@example.com", "W-SCREEN-EMAIL", "zhucan@example.com"),
    ("已建成5个，严厉打击跨境赌博", "W-SCREEN-REVIEW", "赌博"),
])
def test_builtin_hits_are_findings_at_their_cell_and_keep_a_draft(tmp_path, text, code, shown):
    result = check(ws(tmp_path, text))
    found = [i for i in result.report.issues if i.code.startswith(("E-SCREEN", "W-SCREEN"))]
    assert [(i.code, i.file, i.sheet, i.cell) for i in found] == [(code, "区民政局.xlsx", "进展填报", "D4")]
    assert shown in found[0].message and "进展情况" in found[0].message
    assert not result.gate.publishable and any("筛查" in r for r in result.gate.reasons)


def test_plan_texts_are_screened_at_their_plan_cell(tmp_path):
    result = check(ws(tmp_path, "已建成5个", target="新建助餐点10个（详见 http://zhucan.example.cn/list ）"))
    [found] = [i for i in result.report.issues if i.code == "W-SCREEN-URL"]
    assert (found.file, found.sheet, found.cell) == ("plan.xlsx", "任务清单", "F3") and "年度目标" in found.message


def test_office_lists_forbidden_review_and_allowed(tmp_path):
    config = {"forbidden_words": ["某某集团"], "review_words": ["据悉"],
              "allowed_words": ["022-23456789", "www.example.gov.cn"]}
    text = "据悉，已建成5个，由某某集团承建；咨询电话022-23456789，详见www.example.gov.cn"
    result = check(ws(tmp_path, text, config=config))
    found = {i.code: i for i in result.report.issues if "SCREEN" in i.code}
    assert set(found) == {"E-SCREEN-FORBIDDEN", "W-SCREEN-REVIEW"}
    assert "某某集团" in found["E-SCREEN-FORBIDDEN"].message and found["E-SCREEN-FORBIDDEN"].cell == "D4"
    assert "据悉" in found["W-SCREEN-REVIEW"].message and "review_words" in found["W-SCREEN-REVIEW"].message


def test_normal_bulletin_text_is_not_a_hit():
    from reportgen.screen import Screen

    screen = Screen(Config())
    texts = [
        "截至2025-06-30，已拨付资金3,822万元，服务1.4万人次，完成率112.8%。",
        "2025年6月30日前完成，群众可拨打12345政务服务热线咨询，或拨打12315投诉举报。",
        "发放创业担保贷款3.2亿元，使用福利彩票公益金建设健身步道，加装外挂电梯12部。",
        "第3期简报，事项01-02，投资15000000元，新增就业13800人，覆盖20230101号文件。",
        "开展防范非法集资宣传30场，2025年1-6月累计受理1234567件。",
    ]
    for text in texts:
        assert Screen(Config()).hits(text) == [] and screen.hits(text) == [], text


def test_the_sample_workspace_has_no_screening_hit(sample_workspace):
    result = check(sample_workspace)
    assert not [i for i in result.report.issues if "SCREEN" in i.code]


def test_a_hit_in_a_built_release_is_a_draft_and_strict_refuses(tmp_path):
    root = ws(tmp_path, "已建成5个，咨询电话022-23456789")
    result = build(root)
    assert result.report.ok and not result.gate.publishable  # a warning only, yet a draft
    press = [o.path.name for o in result.outputs if o.kind == "press-release"]
    assert press and all(name.endswith(("（草稿）.docx", "（草稿）.pdf", "（草稿）.html")) for name in press)
    strict = build(root, strict=True)
    assert strict.stopped and not [o for o in strict.outputs if o.kind == "press-release"]
    assert not list(strict.outdir.glob("*新闻通稿*"))


# What the issue found published in a clean --strict build: internal remarks, staff and beneficiaries named, chat groups
REMARKS = [
    ("已建成5个（内部掌握，不宜对外公开）", "W-SCREEN-INTERNAL", "内部掌握"),
    ("已建成5个，涉密，注意保密", "W-SCREEN-INTERNAL", "涉密"),
    ("已建成5个，仅供内部参考，请勿外传", "W-SCREEN-INTERNAL", "请勿外传"),
    ("已建成5个，由体育科王小明同志具体负责", "W-SCREEN-PERSON", "王小明同志"),
    ("已建成5个。经办人：李建国", "W-SCREEN-PERSON", "李建国"),
    ("已建成5个，张科长牵头验收", "W-SCREEN-PERSON", "张科长"),
    ("已建成5个，优先服务困难户张桂兰一家", "W-SCREEN-BENEFICIARY", "张桂兰"),
    ("已建成5个，优先安排低保户李秀英子女", "W-SCREEN-BENEFICIARY", "李秀英"),
    ("已建成5个，患者刘某某已入住", "W-SCREEN-BENEFICIARY", "刘某某"),
    ("已建成5个，报名请加QQ群123456789", "W-SCREEN-ACCOUNT", "123456789"),
    ("已建成5个，咨询微信号：zhucan_2025", "W-SCREEN-ACCOUNT", "zhucan_2025"),
]


@pytest.mark.parametrize("text, code, shown", REMARKS)
def test_internal_remarks_and_names_are_hits(text, code, shown):
    from reportgen.screen import Screen

    hits = Screen(Config()).hits(text)
    assert {h.code for h in hits} == {code} and any(shown in h.value for h in hits)
    assert Screen(Config(allowed_words=(text,))).hits(text) == []  # the office confirms a false hit


def test_a_strict_build_with_remarks_and_names_withholds_the_documents_and_names_each_cell(tmp_path):
    plan = [dict(PLAN[0], task_id=f"01-{n:02d}", name=f"助餐点{n}") for n in range(1, len(REMARKS) + 1)]
    rows = [dict(task_id=t["task_id"], name=t["name"], status="推进中", progress_text=text, achieved=5)
            for t, (text, _, _) in zip(plan, REMARKS)]
    result = build(make_workspace(tmp_path / "ws", plan, {"区民政局": rows}), strict=True)
    assert result.stopped and not result.gate.publishable
    assert not [o for o in result.outputs if o.kind in ("press-release", "briefing-pack")]
    found: dict[str, list] = {}
    for i in result.report.issues:
        if "SCREEN" in i.code:
            found.setdefault(i.cell, []).append(i)
    for n, (text, code, shown) in enumerate(REMARKS, start=4):
        assert any(i.code == code and shown in i.message for i in found[f"D{n}"]), text


def test_reference_bulletins_hold_no_screening_hit():
    """Real public bulletins (the team's references, read where present, never copied) are no hit: every sentence."""
    import re
    from pathlib import Path

    from reportgen.render.traditional import to_simplified
    from reportgen.screen import Screen

    files = sorted(Path(__file__).resolve().parents[1].joinpath("..", "shared", "reference").glob("*.txt"))
    files = files or sorted(Path("/work/shared/reference").glob("*.txt"))
    if not files:
        pytest.skip("no reference bulletins here")
    screen = Screen(Config())
    for f in files:
        for sentence in re.split(r"(?<=[。！？!?\n])", to_simplified(f.read_text(encoding="utf-8"))):
            assert not screen.hits(sentence), (f.name, sentence)
