"""The annual-report template, both versions, as data.

Everything the rest of xxgk knows about the template lives here: the tables,
their rows and columns, every field id (the contract in
``../shared/spec/fields-20xx.txt``), the printed Chinese labels with the
variants real reports use, the six top-level section headings, and template
detection.  Nothing else in the package spells a field id by hand.

Field ids: ``t2.<row>.<column>``, ``t3.<row>.<column>``, ``t4.<group>.<column>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

TEMPLATES = ("2019", "2021")


@dataclass(frozen=True)
class Label:
    """A row or column of the template: its key and the ways it is printed."""

    key: str
    text: str  # the label as the State Council's form prints it
    variants: tuple[str, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.text, *self.variants)


@dataclass(frozen=True)
class Block:
    """A run of rows that share a column header (table 二 is printed as blocks)."""

    item: str  # e.g. 第二十条第（一）项 ; "" for tables 三 and 四
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]


@dataclass(frozen=True)
class Table:
    key: str  # "t2", "t3", "t4"
    section: int  # the report section that holds it
    blocks: tuple[Block, ...]
    groups: tuple[Label, ...] = ()  # printed group labels (三、本年度办理结果, （三）不予公开 …)

    @property
    def rows(self) -> tuple[Label, ...]:
        return tuple(r for b in self.blocks for r in b.rows)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f"{self.key}.{r.key}.{c.key}" for b in self.blocks for r in b.rows for c in b.columns)


@dataclass(frozen=True)
class Template:
    version: str
    tables: tuple[Table, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for t in self.tables for f in t.fields)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# --------------------------------------------------------------------------- #
# Table 二: 主动公开政府信息情况
# --------------------------------------------------------------------------- #
ITEM_1, ITEM_5, ITEM_6, ITEM_8, ITEM_9 = (f"第二十条第（{n}）项" for n in "一五六八九")

R_REGULATIONS = Label("regulations", "规章")
R_NORMATIVE_2019 = Label("normative", "规范性文件", ("行政规范性文件",))
R_NORMATIVE_2021 = Label("normative", "行政规范性文件", ("规范性文件",))
R_LICENSING = Label("licensing", "行政许可")
R_OTHER_SERVICES = Label("other_services", "其他对外管理服务事项", ("其他对外管理服务",))
R_PENALTY = Label("penalty", "行政处罚")
R_ENFORCEMENT = Label("enforcement", "行政强制")
R_FEES = Label("fees", "行政事业性收费")
R_PROCUREMENT = Label("procurement", "政府集中采购")

C_NEW_MADE = Label("new_made", "本年新制作数量", ("本年制作数量", "新制作数量"))
C_NEW_PUBLISHED = Label("new_published", "本年新公开数量", ("本年公开数量", "新公开数量"))
C_TOTAL_PUBLISHED = Label("total_published", "对外公开总数量", ("公开总数量",))
C_PREV_ITEMS = Label("prev_items", "上一年项目数量", ("上年项目数量",))
C_CHANGE = Label("change", "本年增/减", ("本年增减", "本年增（减）", "增/减"))
C_DECISIONS_2019 = Label("decisions", "处理决定数量", ("本年处理决定数量",))
C_PROJECTS = Label("projects", "采购项目数量")
C_PROC_AMOUNT = Label("amount", "采购总金额", ("采购金额",))

C_ISSUED = Label("issued", "本年制发件数", ("本年制发数量",))
C_REPEALED = Label("repealed", "本年废止件数", ("本年废止数量",))
C_IN_FORCE = Label("in_force", "现行有效件数", ("现行有效数量",))
C_DECISIONS_2021 = Label("decisions", "本年处理决定数量", ("处理决定数量",))
C_FEE_AMOUNT = Label("amount", "本年收费金额（单位：万元）", ("本年收费金额(单位:万元)", "本年收费金额"))

T2_2019 = Table("t2", 2, (
    Block(ITEM_1, (R_REGULATIONS, R_NORMATIVE_2019), (C_NEW_MADE, C_NEW_PUBLISHED, C_TOTAL_PUBLISHED)),
    Block(ITEM_5, (R_LICENSING, R_OTHER_SERVICES), (C_PREV_ITEMS, C_CHANGE, C_DECISIONS_2019)),
    Block(ITEM_6, (R_PENALTY, R_ENFORCEMENT), (C_PREV_ITEMS, C_CHANGE, C_DECISIONS_2019)),
    Block(ITEM_8, (R_FEES,), (C_PREV_ITEMS, C_CHANGE)),
    Block(ITEM_9, (R_PROCUREMENT,), (C_PROJECTS, C_PROC_AMOUNT)),
))
T2_2021 = Table("t2", 2, (
    Block(ITEM_1, (R_REGULATIONS, R_NORMATIVE_2021), (C_ISSUED, C_REPEALED, C_IN_FORCE)),
    Block(ITEM_5, (R_LICENSING,), (C_DECISIONS_2021,)),
    Block(ITEM_6, (R_PENALTY, R_ENFORCEMENT), (C_DECISIONS_2021,)),
    Block(ITEM_8, (R_FEES,), (C_FEE_AMOUNT,)),
))
T2_COLUMN_HEADER = Label("content", "信息内容")

# --------------------------------------------------------------------------- #
# Table 三: 收到和处理政府信息公开申请情况
# --------------------------------------------------------------------------- #
T3_COLUMNS = (
    Label("natural_person", "自然人"),
    Label("commercial", "商业企业"),
    Label("research", "科研机构"),
    Label("social_org", "社会公益组织"),
    Label("legal_service", "法律服务机构"),
    Label("other_org", "其他"),
    Label("total", "总计"),
)
T3_COLUMN_GROUPS = (
    Label("applicants", "申请人情况"),
    Label("legal_persons", "法人或其他组织"),
)
T3_ROW_GROUPS = (
    Label("results", "三、本年度办理结果"),
    Label("denied", "（三）不予公开"),
    Label("unavailable", "（四）无法提供"),
    Label("not_processed", "（五）不予处理"),
    Label("other", "（六）其他处理"),  # a group only in 2021; a row in 2019
)
_T3_HEAD = (
    Label("new_received", "一、本年新收政府信息公开申请数量", ("本年新收政府信息公开申请数量", "一、本年新收")),
    Label("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转政府信息公开申请数量", "二、上年结转")),
    Label("granted", "（一）予以公开"),
    Label("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("（二）部分公开",)),
    Label("denied.state_secret", "1.属于国家秘密"),
    Label("denied.law_prohibited", "2.其他法律行政法规禁止公开", ("2.其他法律法规禁止公开",)),
    Label("denied.three_safety", "3.危及“三安全一稳定”", ("3.危及\"三安全一稳定\"", "3.危及三安全一稳定")),
    Label("denied.third_party", "4.保护第三方合法权益"),
    Label("denied.internal_affairs", "5.属于三类内部事务信息"),
    Label("denied.process_info", "6.属于四类过程性信息"),
    Label("denied.enforcement_files", "7.属于行政执法案卷"),
    Label("denied.query_items", "8.属于行政查询事项"),
    Label("unavailable.not_held", "1.本机关不掌握相关政府信息"),
    Label("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    Label("unavailable.unclear", "3.补正后申请内容仍不明确"),
    Label("not_processed.complaint", "1.信访举报投诉类申请"),
    Label("not_processed.duplicate", "2.重复申请"),
    Label("not_processed.publication", "3.要求提供公开出版物"),
    Label("not_processed.excessive", "4.无正当理由大量反复申请"),
    Label("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_T3_OTHER_2019 = (Label("other", "（六）其他处理"),)
_T3_OTHER_2021 = (
    Label("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
          ("1.申请人无正当理由逾期不补正",)),
    Label("other.overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
          ("2.申请人逾期未按收费通知要求缴纳费用",)),
    Label("other.misc", "3.其他"),
)
_T3_TAIL = (
    Label("total", "（七）总计"),
    Label("carried_forward", "四、结转下年度继续办理", ("结转下年度继续办理",)),
)
T3_2019 = Table("t3", 3, (Block("", _T3_HEAD + _T3_OTHER_2019 + _T3_TAIL, T3_COLUMNS),), T3_ROW_GROUPS[:4])
T3_2021 = Table("t3", 3, (Block("", _T3_HEAD + _T3_OTHER_2021 + _T3_TAIL, T3_COLUMNS),), T3_ROW_GROUPS)
T3_FORMULA = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# --------------------------------------------------------------------------- #
# Table 四: 政府信息公开行政复议、行政诉讼情况
# --------------------------------------------------------------------------- #
T4_COLUMNS = (
    Label("upheld", "结果维持"),
    Label("corrected", "结果纠正"),
    Label("other", "其他结果"),
    Label("pending", "尚未审结"),
    Label("total", "总计"),
)
T4_GROUPS = (
    Label("review", "行政复议"),
    Label("suit_direct", "未经复议直接起诉"),
    Label("suit_after_review", "复议后起诉"),
)
T4_GROUP_HEADERS = (Label("suit", "行政诉讼"),)
T4 = Table("t4", 4, (Block("", T4_GROUPS, T4_COLUMNS),), T4_GROUP_HEADERS)

TEMPLATE_2019 = Template("2019", (T2_2019, T3_2019, T4))
TEMPLATE_2021 = Template("2021", (T2_2021, T3_2021, T4))
_BY_VERSION = {"2019": TEMPLATE_2019, "2021": TEMPLATE_2021}


def get_template(version: str) -> Template:
    try:
        return _BY_VERSION[str(version)]
    except KeyError:
        raise ValueError(f"unknown template {version!r}; expected one of {', '.join(TEMPLATES)}") from None


@cache
def all_fields() -> tuple[str, ...]:
    """Union of both templates' field ids, 2019 order first, then 2021's additions."""
    seen = dict.fromkeys(TEMPLATE_2019.fields)
    seen.update(dict.fromkeys(TEMPLATE_2021.fields))
    return tuple(seen)


# Cells that hold amounts (a string with its unit as printed) rather than counts.
AMOUNT_FIELDS = frozenset({"t2.procurement.amount", "t2.fees.amount"})
# Cells that may legitimately be negative (本年增/减).
SIGNED_FIELDS = frozenset(f for f in all_fields() if f.endswith(".change"))


def split_field(field_id: str) -> tuple[str, str, str]:
    """``t3.denied.state_secret.total`` -> ("t3", "denied.state_secret", "total")."""
    table, rest = field_id.split(".", 1)
    row, column = rest.rsplit(".", 1)
    return table, row, column


@cache
def cross_template_targets(version: str) -> tuple[tuple[str, str, float], ...]:
    """Where a cell of the *other* template sits in ``version``'s template: ``(other field,
    field, weight)``, weights summing to 1 per other field, read off the two schemas:

    * the same row: the same column (``t2.licensing.decisions``), else the same column
      position when both rows have as many columns (2021 ``t2.regulations.issued`` is 2019
      ``t2.regulations.new_made``), else every cell of the row alike;
    * a row only the other template has: the cells of this template's own rows in that
      table with the same column (2019 ``t3.other.natural_person`` → the three 2021
      ``t3.other.*.natural_person``); none: no target.

    The decoder uses it when the model read a value as the wrong template's cell (far from
    the headers that tell the versions apart) — the value's place in the table is kept.
    """
    this, other = get_template(version), get_template("2021" if str(version) == "2019" else "2019")
    own, theirs = set(this.fields), set(other.fields)
    out: list[tuple[str, str, float]] = []
    for table in other.tables:
        if table.key not in {t.key for t in this.tables}:
            continue
        here = this.table(table.key).fields
        for g in table.fields:
            if g in own:
                continue
            _, row, col = split_field(g)
            same_row = [f for f in here if split_field(f)[1] == row]
            their_row = [h for h in table.fields if split_field(h)[1] == row]
            if same_row:
                targets = ([f for f in same_row if split_field(f)[2] == col]
                           or ([same_row[their_row.index(g)]] if len(same_row) == len(their_row) else same_row))
            else:
                targets = [f for f in here if f not in theirs and split_field(f)[2] == col]
            out += [(g, f, 1 / len(targets)) for f in targets]
    return tuple(out)


# --------------------------------------------------------------------------- #
# Section headings 一 … 六
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Section:
    number: int
    title: str
    variants: tuple[str, ...] = field(default=())

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.title, *self.variants)


SECTIONS = (
    Section(1, "总体情况", ("基本情况", "概述")),
    Section(2, "主动公开政府信息情况", ("主动公开政府信息", "主动公开情况")),
    Section(3, "收到和处理政府信息公开申请情况", ("收到和处理政府信息公开申请", "依申请公开政府信息情况")),
    Section(4, "政府信息公开行政复议、行政诉讼情况", (
        "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "因政府信息公开申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议、行政诉讼的情况",
    )),
    Section(5, "存在的主要问题及改进情况", (
        "政府信息公开工作存在的主要问题及改进情况",
        "存在的主要问题和改进情况",
        "工作中存在的主要问题及改进情况",
    )),
    Section(6, "其他需要报告的事项", ("其他需要说明的事项", "其他需报告的事项")),
)
CHINESE_NUMERALS = "一二三四五六七八九十"


# --------------------------------------------------------------------------- #
# Template detection
# --------------------------------------------------------------------------- #
def _column_texts(template: Template) -> set[str]:
    return {t for block in template.table("t2").blocks for c in block.columns for t in c.texts}


# each version's table-二 column headers, as printed or as a variant, that the other's has not:
# 本年处理决定数量 heads a column of both (a 2019 report may print it for 处理决定数量)
_MARKERS = {v.version: tuple(sorted(_column_texts(v) - _column_texts(o)))
            for v, o in ((TEMPLATE_2019, TEMPLATE_2021), (TEMPLATE_2021, TEMPLATE_2019))}
_SPACE = re.compile(r"\s+")


def detect_template(text: str) -> str | None:
    """Tell the template version from table 二's column headers.

    White space is removed first, so headers spaced out (``本 年 制 发 件 数``) or
    wrapped over lines still count.  Returns None when neither version's headers
    appear (not an annual report, or table 二 missing).
    """
    flat = _SPACE.sub("", text)
    score = {v: sum(flat.count(m) for m in marks) for v, marks in _MARKERS.items()}
    if score["2019"] == score["2021"] == 0:
        return None
    return "2021" if score["2021"] > score["2019"] else "2019"
