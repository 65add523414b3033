from datetime import date

import pytest

from reportgen.numbers import cn_ordinal, fmt_date, fmt_num, fmt_percent, parse_number, parse_percent, tidy


@pytest.mark.parametrize("raw, value, approx", [
    (460, 460, False),
    ("460个", 460, False),
    ("3,822", 3822, False),
    ("１２３", 123, False),
    ("1.4万", 14000, False),
    ("27.91万人次", 279100, False),
    ("3822万元", 38220000, False),
    ("2000余", 2000, True),
    ("约2000", 2000, True),
    ("3.45亿", 345000000, False),
    (" 12 ", 12, False),
])
def test_parse_number(raw, value, approx):
    n = parse_number(raw)
    assert n is not None
    assert n.value == pytest.approx(value)
    assert n.approximate is approx


@pytest.mark.parametrize("raw", ["", None, "已完成", "85%", "一百", "12-3"])
def test_parse_number_rejects(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize("raw, percent_cell, expected", [
    ("85%", False, 85.0), ("85", False, 85.0), (85, False, 85.0), (0.85, True, 85.0),
    ("112.8%", False, 112.8), ("８５％", False, 85.0),
])
def test_parse_percent(raw, percent_cell, expected):
    assert parse_percent(raw, percent_cell) == pytest.approx(expected)


@pytest.mark.parametrize("value, text", [
    (14000, "1.4万"), (345000000, "3.45亿"), (38220000, "3822万"), (15254, "15254"),
    (279100, "27.91万"), (3822, "3822"), (27.5, "27.5"), (1.40, "1.4"), (10000, "1万"), (0, "0"),
])
def test_fmt_num(value, text):
    assert fmt_num(value) == text


def test_fmt_percent_and_dates():
    assert fmt_percent(85) == "85%"
    assert fmt_percent(112.84) == "112.8%"
    assert fmt_percent(None) == ""
    assert fmt_date(date(2025, 7, 1)) == "2025年7月1日"
    assert [cn_ordinal(n) for n in (1, 9, 10, 12, 20, 21)] == ["一", "九", "十", "十二", "二十", "二十一"]
    assert [cn_ordinal(n) for n in (99, 100, 101, 110, 120, 205, 1001, 1010)] == [
        "九十九", "一百", "一百零一", "一百一十", "一百二十", "二百零五", "一千零一", "一千零一十"]


@pytest.mark.parametrize("raw, clean", [
    ("对区管的 48 座泵站进行管理", "对区管的48座泵站进行管理"),
    ("发放低保金3,822万元,惠及１２３户", "发放低保金3822万元，惠及123户"),
    ("完成改造(一期);二期正在施工.", "完成改造（一期）；二期正在施工。"),
    ("已于2025-06-15完工", "已于2025年6月15日完工"),
    ("完成率达 85 %", "完成率达85%"),
    ("道路长4.7公里", "道路长4.7公里"),
    ("编号01-02的任务", "编号01-02的任务"),
])
def test_tidy(raw, clean):
    from reportgen.numbers import tidy

    assert tidy(raw) == clean


@pytest.mark.parametrize("raw, printed", [
    ("正在进行消防验收.柳湾镇综合体完成选址.", "正在进行消防验收。柳湾镇综合体完成选址。"),
    ("签约率达到80%. 其余正在推进", "签约率达到80%。其余正在推进"),
    ("完成0.5公里", "完成0.5公里"), ("1.完成选址", "1.完成选址"), ("见www.example.cn", "见www.example.cn"),
])
def test_a_half_width_full_stop_between_sentences_is_printed_full_width(raw, printed):
    assert tidy(raw) == printed
