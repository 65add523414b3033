"""Screening of public text: `Dataset` → findings for what must not be published unchecked.

What is screened is exactly what the press release may print: every text of
`public_context` (so plan texts such as 年度目标 too), each finding placed at the
cell (or report.toml key) the text came from. Built in:

- errors: ID-card numbers (18 digits with a birth date in place), bank-card numbers (16–19 digits,
  Luhn-checked), gambling / spam phrases;
- warnings (a person must look): URLs, e-mail addresses, phone numbers (mobile, landline with
  area code, 400/800), QQ and 微信 numbers, words that mark a remark as internal (内部掌握, 涉密,
  请勿外传…), people named with their role (王小明同志, 经办人：李建国, 张科长), beneficiaries named
  with their situation (困难户张桂兰), and sensitive words that honest bulletins may also use (赌博…).

The office adds its own lists in report.toml: `forbidden_words` (禁用词, an error),
`review_words` (须人工确认的词, a warning) and `allowed_words` (confirmed for publication: a
hit whose text contains one of these is no hit, e.g. the office's own hotline or website).

Any hit keeps the press release a draft (gate.py). Normal bulletin text is left alone: dates
(2025-06-30, 2025年6月30日), amounts (3822万元, 1.4万人次), short service numbers such as the
12345 政务服务热线 (too short to be a phone number here), percentages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

from .codes import issue
from .model import Config, Dataset, Issue

# ---- built-in patterns ------------------------------------------------------------------

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
EMAIL = re.compile(_NOT_ALNUM_BEFORE + r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TLD = (r"com|cn|net|org|gov|edu|top|xyz|vip|cc|me|info|io|club|site|online|shop|app|tv|hk|co|biz|win|bet|live|"
        r"asia|mobi|pro|work|link|fun|icu|cloud|tw|mo")
URL = re.compile(r"(?i)(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+=%]*[A-Za-z0-9/]"
                 r"|(?<![0-9A-Za-z.@-])(?:[a-z0-9][a-z0-9-]*\.)+(?:" + _TLD + r")(?![A-Za-z0-9-])(?:/[A-Za-z0-9\-._~:/?#@!$&'*+=%]*)?")
_UNIT_AFTER = r"(?![0-9A-Za-z]|\s*[元万亿人个户套座所台辆次件项平米㎡吨公里千克条家名张份本间处栋幢])"
PHONES = [
    re.compile(r"(?<![0-9])1[3-9]\d(?:[- ]?\d{4}){2}" + _UNIT_AFTER),  # mobile: 13812345678, 138-1234-5678
    re.compile(r"(?<![0-9-])(?:[(（]0\d{2,3}[)）]\s*|0\d{2,3}[-－—\s])\d{7,8}(?:-\d{1,5})?" + _UNIT_AFTER),  # 022-23456789
    re.compile(r"(?<![0-9])[48]00[- ]?\d{3}[- ]?\d{4}" + _UNIT_AFTER),  # 400-123-4567
]
ID_CARD = re.compile(_NOT_ALNUM_BEFORE + r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                     + _NOT_ALNUM_AFTER)
BANK_CARD = re.compile(r"(?<![0-9])[3-6]\d{3}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![0-9])")

# Phrases no honest bulletin holds (gambling sites, solicitation): an error.
SPAM_WORDS = (
    "博彩网", "博彩公司", "网上博彩", "线上博彩", "赌博网站", "网上赌场", "线上赌场", "在线赌场", "百家乐", "六合彩", "时时彩",
    "北京赛车", "幸运飞艇", "真人荷官", "老虎机", "电子游艺", "娱乐城", "体育投注", "投注平台", "下注平台", "万博体育",
    "万博官网", "新葡京", "澳门葡京", "澳门赌场", "澳门博彩", "澳门威尼斯人", "威尼斯人娱乐", "澳门金沙", "金沙娱乐",
    "太阳城娱乐", "皇冠体育", "亚博体育", "开云体育", "必发体育", "bet365", "注册送", "开户送", "首充", "首存",
    "代开发票", "办证刻章", "代办证件", "刷单", "兼职日结", "裸聊", "约炮", "代孕", "贷款秒批", "无抵押贷款",
    "信用卡套现", "私服外挂",
)
# Words an honest bulletin may use too (打击跨境赌博): a person must look. Not here, being common in
# bulletins: 贷款 (创业担保贷款), 彩票 (福利彩票公益金), 外挂 (外挂电梯), 集资 (防范非法集资).
SENSITIVE_WORDS = ("赌博", "博彩", "赌场", "网赌", "赌球", "色情")

# A remark meant for the office, not the public (内部掌握, 涉密, 仅供参考…). Not 内部 alone: 小区内部道路.
INTERNAL_WORDS = ("内部掌握", "内部资料", "内部参考", "内部使用", "内部通报", "内部文件", "仅供内部", "内部情况",
                  "涉密", "保密", "机密", "绝密", "仅供参考", "请勿外传", "不得外传", "严禁外传", "切勿外传", "请勿公开",
                  "不宜公开", "不宜对外", "不对外", "暂不公开", "不予公开", "不便公开", "不公开")
# QQ / 微信 groups and accounts with their number: QQ群123456789, 微信号：zhucan_2025
ACCOUNT = re.compile(r"(?i)(?:QQ|微信|WeChat|VX|WX)\s*(?:交流|工作|服务)?(?:群号?|号码?|账号|公众号)?\s*[:：]?\s*"
                     r"(?:\d{5,12}|[A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])|QQ群")
# People named: the common surnames (not 关, 全, 党…, which begin ordinary words in bulletins), then one or two
# more characters, where a name ends (a stop, the end, or a word that follows a name)
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢"
             "姜崔钟谭陆汪范金石廖贾夏韦付邱侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔汤")
_NAME = f"[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?"
_NAME_ENDS = r"(?=$|[\s，。；、,.;:：！!？?）)”\]】]|同志|等|一家|一户|夫妇|夫妻|子女|儿子|女儿|家属|母亲|父亲|老伴|家|的|老人|女士|先生|大爷|大妈|阿姨|奶奶|爷爷|已|获|表示|说|反映|申请|介绍|负责|联系|电话|手机)"
PERSON = re.compile(
    f"{_NAME}同志"  # 王小明同志
    rf"|(?:经办人|负责人|联系人|填报人|责任人|对接人|审核人|签发人)\s*[:：]?\s*{_NAME}{_NAME_ENDS}"  # 经办人：李建国
    rf"|(?:科长|股长|科员|干事|副科长|站长|所长|队长)\s*[:：]?\s*{_NAME}{_NAME_ENDS}"  # 科长李建国
    f"|(?<![\u4e00-\u9fff])[{_SURNAMES}](?:副)?(?:科长|股长|站长|所长)"  # 张科长
)
BENEFICIARY = re.compile(
    r"(?:困难户|低保户|特困户|贫困户|五保户|低保对象|特困人员|困难群众|困难老人|独居老人|空巢老人|留守儿童|孤儿|患者|病人|残疾人)"
    rf"\s*[:：，,]?\s*({_NAME}){_NAME_ENDS}"
)


@dataclass(frozen=True)
class Hit:
    code: str
    value: str  # the text found, as shown in the message (masked for ID and card numbers)
    source: str = ""  # which list, for word hits


def _key(text: str) -> str:
    """Text as word lists are matched: width and case folded, spaces out (博 彩 is 博彩)."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).casefold()


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[:4] + "*" * max(len(digits) - 8, 4) + digits[-4:]


class Screen:
    """The built-in patterns and lists, with an office's own lists from report.toml."""

    def __init__(self, config: Config):
        self.forbidden = [(w, _key(w)) for w in config.forbidden_words if _key(w)]
        self.review = [(w, _key(w)) for w in config.review_words if _key(w)]
        self.allowed = [_key(w) for w in config.allowed_words if _key(w)]
        self.lists = (("E-SCREEN-FORBIDDEN", self.forbidden, "report.toml 的 forbidden_words"),
                      ("E-SCREEN-SPAM", [(w, _key(w)) for w in SPAM_WORDS], "内置"),
                      ("W-SCREEN-REVIEW", self.review, "report.toml 的 review_words"),
                      ("W-SCREEN-REVIEW", [(w, _key(w)) for w in SENSITIVE_WORDS], "内置敏感词"),
                      ("W-SCREEN-INTERNAL", [(w, _key(w)) for w in INTERNAL_WORDS], "内置"))

    def hits(self, text: str) -> list[Hit]:
        s = unicodedata.normalize("NFKC", text or "")
        key = _key(s)
        # an allowed phrase counts where the text holds it: the hit is part of it, or it is part of the hit
        allowed = [a for a in self.allowed if a in key]
        found: list[Hit] = []
        taken: list[tuple[int, int]] = []

        def ok(value: str) -> bool:
            v = _key(value)
            return any(v in a or a in v for a in allowed)

        def add(code: str, m: re.Match, shown: str | None = None) -> None:
            span = m.span()
            if any(a < span[1] and span[0] < b for a, b in taken) or ok(m.group(0)):
                return
            taken.append(span)
            found.append(Hit(code, shown or m.group(0).strip()))

        for m in ID_CARD.finditer(s):
            add("E-SCREEN-ID-NUMBER", m, _mask(m.group(0)))
        for m in BANK_CARD.finditer(s):
            digits = re.sub(r"\D", "", m.group(0))
            if 16 <= len(digits) <= 19 and _luhn(digits):
                add("E-SCREEN-BANK-CARD", m, _mask(digits))
        for m in EMAIL.finditer(s):
            add("W-SCREEN-EMAIL", m)
        for m in URL.finditer(s):
            add("W-SCREEN-URL", m)
        for pattern in PHONES:
            for m in pattern.finditer(s):
                add("W-SCREEN-PHONE", m)
        for m in ACCOUNT.finditer(s):
            add("W-SCREEN-ACCOUNT", m)
        for m in PERSON.finditer(s):
            add("W-SCREEN-PERSON", m)
        for m in BENEFICIARY.finditer(s):
            add("W-SCREEN-BENEFICIARY", m)
        said: list[str] = []
        for code, words, source in self.lists:
            for word, k in words:
                if k in key and not ok(word) and not any(k in other for other in said):  # 博彩 inside 博彩网: said
                    said.append(k)
                    found.append(Hit(code, word, source))
        return found


# ---- where each public text came from ----------------------------------------------------

# public task field → (plan or progress, field name, label for messages)
_TASK_FIELDS = {
    "name": ("plan", "name", "任务名称"), "target": ("plan", "target_text", "年度目标"),
    "target_shown": ("plan", "target_text", "年度目标"), "unit": ("plan", "unit", "计量单位"),
    "department": ("plan", "lead", "牵头单位"), "progress": ("progress", "progress_text", "进展情况"),
    "written": ("progress", "progress_text", "进展情况"),
    "expected": ("progress", "expected", "预计完成时间"),
}
_CONFIG_FIELDS = {"region": "地区名称", "program": "工程总称", "publisher": "来源署名", "headline": "标题",
                  "lead": "导语"}
_PERIOD_FIELDS = {"opening": "开头", "closing": "结尾", "period": "报告期"}
# sentences the forms compose from task texts that are screened at their own cells
_COMPOSED = ("completed", "ongoing", "services")


def _leaves(value, path=()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "draft" and k not in _COMPOSED:  # our words about the draft; texts screened at their source
                yield from _leaves(v, (*path, k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))


def _where(ds: Dataset, path: tuple) -> tuple[dict, str]:
    """(issue position, field label) of the public text at `path` of the public context."""
    if len(path) == 5 and path[0] == "groups" and path[2] == "tasks" and path[4] in _TASK_FIELDS:
        m = ds.groups[path[1]].tasks[path[3]]
        kind, name, label = _TASK_FIELDS[path[4]]
        if kind == "progress" and m.progress is not None and m.progress.source is not None:
            p = m.progress
            letter = p.columns.get(name, "")
            return dict(file=p.source.file, sheet=p.source.sheet, cell=f"{letter}{p.source.row}" if letter else "",
                        department=p.department), label
        if kind == "plan" and m.task.source is not None:
            s, letter = m.task.source, m.task.columns.get(name, "")
            return dict(file=s.file, sheet=s.sheet, cell=f"{letter}{s.row}" if letter else ""), label
    if len(path) == 3 and path[0] == "groups" and path[2] in ("title", "heading"):
        g = ds.groups[path[1]]
        t = g.tasks[0].task if g.tasks else None
        if ds.group_by == "project" and t is not None and t.source is not None:
            letter = t.columns.get("project", "")
            return dict(file=t.source.file, sheet=t.source.sheet, cell=f"{letter}{t.source.row}" if letter else ""), "工程名称"
    if path and path[0] in _CONFIG_FIELDS:
        return dict(file="report.toml"), _CONFIG_FIELDS[path[0]]
    if path and path[0] in _PERIOD_FIELDS:
        return dict(file="period.toml"), _PERIOD_FIELDS[path[0]]
    if len(path) == 3 and path[0] == "themes" and path[2] == "theme":
        return dict(file="period.toml"), "主题句"
    return dict(file="新闻通稿"), "新闻通稿文字"


def screen(ds: Dataset) -> list[Issue]:
    """One finding per hit and place: the same hit in the same cell is said once."""
    from .render.context import public_context

    screen = Screen(ds.config)
    found: dict[tuple, Issue] = {}
    seen: dict[str, list[Hit]] = {}  # a text appears in several fields of the context (target, progress, words)
    for path, text in _leaves(public_context(ds)):
        if path[0] == "themes" and path[-1] == "text":  # composed from task texts, screened at their cells
            continue
        hits = seen[text] if text in seen else seen.setdefault(text, screen.hits(text))
        if not hits:
            continue
        where, label = _where(ds, path)
        for h in hits:
            key = (where.get("file"), where.get("sheet"), where.get("cell"), h.code, h.value)
            if key not in found:
                fields = dict(field=label, value=h.value)
                if h.code == "W-SCREEN-REVIEW":
                    fields["source"] = h.source
                found[key] = issue(h.code, **fields, **where)
    return list(found.values())
