"""Data, not code: row labels, column keys, section headings and version anchors of the report tables.

Labels are written as they read after NFKC normalisation (half-width punctuation). `label` is a small
regular expression over the label's *core* words (no ordinal); the reader lets whitespace appear between
any two characters of it (labels broken across lines) and strips the row's ordinal (`ordinal`) from the
end of the previous row's value text (glued text puts "…0000002.其他法律…" together).
The formats are described in docs/report-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowSpec:
    key: str | None  # record key; None for a group label or a caption (an anchor without values)
    label: str  # regex over the label core (whitespace between characters is allowed by the reader)
    ordinal: str = ""  # "1" -> "1." / "1、"; "(三)" -> "(三)"; "一" -> "一、"
    columns: tuple[str, ...] = ()
    # a group label that some documents print as one row with values (its sub-rows merged): read under this key
    merged_key: str | None = None


# --- table 二 (主动公开) -------------------------------------------------------------------------------
ACTIVE_2019_COLS_DOCS = ("new_made", "new_published", "total_published")
ACTIVE_2019_COLS_ITEMS = ("prev_items", "change", "decisions")
ACTIVE_2021_COLS_DOCS = ("issued", "repealed", "in_force")


def _caption(item: str) -> RowSpec:
    return RowSpec(None, f"第二十条第?\\(?{item}\\)?项")


ACTIVE_2019: tuple[RowSpec, ...] = (
    _caption("一"),
    RowSpec("regulations", "规章", columns=ACTIVE_2019_COLS_DOCS),
    RowSpec("normative_documents", "(?:行政)?规范性文件", columns=ACTIVE_2019_COLS_DOCS),
    _caption("五"),
    RowSpec("licensing", "行政许可", columns=ACTIVE_2019_COLS_ITEMS),
    RowSpec("other_services", "其他对外管理服务事项", columns=ACTIVE_2019_COLS_ITEMS),
    _caption("六"),
    RowSpec("penalty", "行政处罚", columns=ACTIVE_2019_COLS_ITEMS),
    RowSpec("coercion", "行政强制", columns=ACTIVE_2019_COLS_ITEMS),
    _caption("八"),
    RowSpec("fees", "行政事业性收费", columns=("prev_items", "change")),
    _caption("九"),
    RowSpec("procurement", "政府集中采购", columns=("projects", "amount_wan_yuan")),
)

ACTIVE_2021: tuple[RowSpec, ...] = (
    _caption("一"),
    RowSpec("regulations", "规章", columns=ACTIVE_2021_COLS_DOCS),
    RowSpec("normative_documents", "(?:行政)?规范性文件", columns=ACTIVE_2021_COLS_DOCS),
    _caption("五"),
    RowSpec("licensing", "行政许可", columns=("decisions",)),
    _caption("六"),
    RowSpec("penalty", "行政处罚", columns=("decisions",)),
    RowSpec("coercion", "行政强制", columns=("decisions",)),
    _caption("八"),
    RowSpec("fees", "行政事业性收费", columns=("amount_wan_yuan",)),
)

#: columns whose cells are money (normalised to 万元) and columns that may carry a sign
MONEY_COLUMNS = frozenset({"amount_wan_yuan"})
SIGNED_COLUMNS = frozenset({"change"})

# --- table 三 (申请) ------------------------------------------------------------------------------------
APPLICANT_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
APPLICATION_COLS = (*APPLICANT_COLS, "total")
_A = APPLICATION_COLS
_QUOTE = "[\"'“”‘’「」『』]?"

_APPLICATIONS_HEAD: tuple[RowSpec, ...] = (
    RowSpec("new_received", "本年新收政府信息公开申请数量", "一", _A),
    RowSpec("carried_over", "上年结转政府信息公开申请数量", "二", _A),
    RowSpec(None, "本年度办理结果", "三"),
    RowSpec("granted", "予以公开", "(一)", _A),
    RowSpec("partially_granted", "部分公开(?:\\([^()]{0,40}\\))?", "(二)", _A),
    RowSpec(None, "不予公开", "(三)"),
    RowSpec("denied_state_secret", "属于国家秘密", "1", _A),
    RowSpec("denied_prohibited_by_law", "其他法律(?:和|及|、)?行政法规禁止公开", "2", _A),
    RowSpec("denied_security_stability", f"危及{_QUOTE}三安全一稳定{_QUOTE}", "3", _A),
    RowSpec("denied_third_party", "保护第三方合法权益", "4", _A),
    RowSpec("denied_internal_affairs", "属于三类内部事务信息", "5", _A),
    RowSpec("denied_process_info", "属于四类过程性信息", "6", _A),
    RowSpec("denied_enforcement_file", "属于行政执法案卷", "7", _A),
    RowSpec("denied_administrative_query", "属于行政查询事项", "8", _A),
    RowSpec(None, "无法提供", "(四)"),
    RowSpec("unable_not_held", "本机关不掌握相关政府信息", "1", _A),
    RowSpec("unable_needs_creation", "没有现成信息需要另行制作", "2", _A),
    RowSpec("unable_unclear", "补正后申请内容仍不明确", "3", _A),
    RowSpec(None, "不予处理", "(五)"),
    RowSpec("not_processed_complaint", "信访举报投诉类申请", "1", _A),
    RowSpec("not_processed_repeat", "重复申请", "2", _A),
    RowSpec("not_processed_publication", "要求提供公开出版物", "3", _A),
    RowSpec("not_processed_mass_repeat", "无正当理由大量反复申请", "4", _A),
    RowSpec("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息", "5", _A),
)
_APPLICATIONS_TAIL: tuple[RowSpec, ...] = (
    RowSpec("total_processed", "总计", "(七)", _A),
    RowSpec("carried_forward", "结转下年度继续办理", "四", _A),
)
APPLICATIONS_2019: tuple[RowSpec, ...] = (
    *_APPLICATIONS_HEAD,
    RowSpec("other", "其他处理", "(六)", _A),
    *_APPLICATIONS_TAIL,
)
APPLICATIONS_2021: tuple[RowSpec, ...] = (
    *_APPLICATIONS_HEAD,
    # real 2021 reports may print (六)其他处理 as one row (its three sub-rows merged): kept as `other`
    RowSpec(None, "其他处理", "(六)", _A, merged_key="other"),
    RowSpec(
        "other_overdue_correction",
        "申请人无正当理由逾期不补正[,、;]?行政机关不再(?:处理|受理)其政府信息公开申请",
        "1",
        _A,
    ),
    RowSpec(
        "other_overdue_fee",
        "申请人逾期未按收费通知要求缴纳费用[,、;]?行政机关不再(?:处理|受理)其政府信息公开申请",
        "2",
        _A,
    ),
    RowSpec("other_other", "(?<=[.、．)])其他", "3", _A),
    *_APPLICATIONS_TAIL,
)

#: rows summed by H2 (RES(c)) per format
RESULT_ROWS_COMMON = (
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_administrative_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "not_processed_complaint",
    "not_processed_repeat",
    "not_processed_publication",
    "not_processed_mass_repeat",
    "not_processed_confirmation",
)
RESULT_ROWS = {
    "2019": (*RESULT_ROWS_COMMON, "other"),
    "2021": (*RESULT_ROWS_COMMON, "other_overdue_correction", "other_overdue_fee", "other_other"),
}

# --- table 四 (复议、诉讼) ----------------------------------------------------------------------------------
APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLS = ("upheld", "corrected", "other", "pending", "total")
APPEAL_HEADER_WORDS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉")

# --- sections ---------------------------------------------------------------------------------------------
SECTION_KEYS = ("overview", "active", "applications", "appeals", "problems", "other")
SECTION_ORDINALS = ("一", "二", "三", "四", "五", "六")
#: regex over the heading text after its ordinal (whitespace already squeezed out)
SECTION_PATTERNS = {
    "overview": "(?:总体情况|概述)",
    "active": "主动公开政府信息(?:情况|工作)?",
    "applications": "收到和处理政府信息公开申请(?:情况)?|依申请公开政府信息(?:情况|工作)?",
    "appeals": "[^。\n]{0,20}?行政复议[^。\n]{0,8}?行政诉讼",
    "problems": "[^。\n]{0,14}?(?:主要问题|存在问题|改进)",
    "other": "其他需要报告|其他需要说明",
}

# --- version anchors --------------------------------------------------------------------------------------
ACTIVE_2019_ANCHORS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "第二十条第(九)项",
    "政府集中采购",
    "采购总金额",
)
ACTIVE_2021_ANCHORS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
APPLICATIONS_2021_ANCHORS = ("逾期未按收费通知要求缴纳费用", "逾期不补正")
POST2019_ANCHORS = (
    "本列数据的勾稽关系",
    "申请人情况",
    "未经复议直接起诉",
    "本年新收政府信息公开申请数量",
    "第二十条第",
)
PRE2019_WORDS = (
    "概述",
    "依申请公开政府信息情况",
    "收费及减免",
    "咨询处理",
    "行政申诉",
    "回应解读情况",
    "当面申请",
    "同意公开答复",
    "同意公开",
    "不同意公开",
    "政府信息公开情况统计表",
    "申请总数",
)
#: titles of documents that are about reports but are not one
NOT_A_REPORT_TITLE = (
    r"(?:关于(?:印发|做好|报送|开展|公布|发布).{0,40}(?:通知|函|意见)|的通知$|解读|汇总|统计表$|目录$|格式|编制)"
)

# --- the pre-2019 statistics sheet (指标名称 / 计量单位 / 本年度 / 历年累计) ------------------------------------
#: indicator key -> labels as printed (literal text; the reader allows whitespace between any two characters).
#: There is no national row list before 2019: these are the indicators that recur. Longer labels first where
#: one label holds another ("不同意公开答复数" before "同意公开答复数").
PRE2019_INDICATORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "active_total",
        ("主动公开政府信息数", "主动公开信息数", "主动公开文件数", "主动公开政府信息总数", "主动公开信息总数"),
    ),
    ("active_website", ("政府网站公开数", "政府网站公开", "网站公开数", "网站公开")),
    ("active_gazette", ("政府公报公开数", "政府公报公开", "公报公开数")),
    (
        "requests_total",
        ("受理依申请公开信息总数", "受理政府信息公开申请总数", "受理依申请公开申请总数", "受理申请总数"),
    ),
    ("requests_in_person", ("当面申请数", "当面申请书")),
    ("requests_letter_fax", ("信函、传真申请数", "信函传真申请数", "信函,传真申请数")),
    ("requests_fax", ("传真申请数",)),
    ("requests_email", ("电子邮件申请数", "电子邮箱申请数")),
    ("requests_online", ("网上申请数", "网络申请数")),
    ("requests_letter", ("信函申请数",)),
    ("requests_other", ("其它形式申请数", "其他形式申请数")),
    ("replies_total", ("对申请的答复总数", "对申请的答复数", "对申请答复总数", "对申请答复数")),
    ("replies_partial", ("同意部分公开答复数", "部分公开答复数")),
    ("replies_denied", ("否决公开答复数", "不予公开答复数", "不同意公开答复数")),
    ("replies_granted", ("同意公开答复数",)),
    ("replies_other", ("其他类型答复数", "其它类型答复数")),
    ("fees_waived", ("政府信息公开收费减免金额", "收费减免金额")),
    # "接受行政诉讼、举报数" is a misprint of 申诉 seen in real sheets; the 举报 makes it a complaint
    (
        "complaints",
        ("接受行政申诉、举报数", "接受行政诉讼、举报数", "行政申诉、举报数", "行政申诉数", "接受行政申诉数"),
    ),
    ("review", ("行政复议数",)),
    ("litigation", ("行政诉讼数",)),
)
#: parent indicator -> the 其中 rows printed under it (they sum to it where the publisher's numbers do)
PRE2019_CHILDREN: dict[str, tuple[str, ...]] = {
    "active_total": ("active_website", "active_gazette"),
    "requests_total": (
        "requests_in_person",
        "requests_fax",
        "requests_email",
        "requests_online",
        "requests_letter",
        "requests_letter_fax",
        "requests_other",
    ),
    "replies_total": ("replies_granted", "replies_partial", "replies_denied", "replies_other"),
}
PRE2019_COLUMNS = ("this_year", "cumulative")
#: the report's own narrative count of an indicator (a glued sheet run that the identities cannot split is split
#: where exactly one reading matches it): indicator -> (this year's count, the cumulative count)
PRE2019_NARRATIVE: dict[str, tuple[str, str]] = {
    "active_total": (r"主动公开[^。;；,，\d]{0,12}?(\d+)\s*条", r"历年累计[^。;；,，\d]{0,16}?(\d+)\s*条"),
}
