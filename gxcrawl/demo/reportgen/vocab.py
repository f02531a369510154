"""The vocabulary of the official formats: tables 二/三/四 and the section headings (docs/report-format.md).

Labels are written with half-width punctuation; `Style.punctuate` converts them when a report's style
asks for full-width.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA = "gxcrawl.report/1"
SECTION_KEYS: tuple[str, ...] = ("overview", "active", "applications", "appeals", "problems", "other")


APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
)
T3_COLUMNS: tuple[str, ...] = tuple(k for k, _ in APPLICANT_COLUMNS) + ("total",)

# (key, group label or None, own label); a row whose group is None has a label spanning the label columns
_T3_HEAD: tuple[tuple[str, str | None, str], ...] = (
    ("new_received", None, "一、本年新收政府信息公开申请数量"),
    ("carried_over", None, "二、上年结转政府信息公开申请数量"),
    ("granted", None, "(一)予以公开"),
    ("partially_granted", None, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ("denied_state_secret", "(三)不予公开", "1.属于国家秘密"),
    ("denied_prohibited_by_law", "(三)不予公开", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "(三)不予公开", "3.危及“三安全一稳定”"),
    ("denied_third_party", "(三)不予公开", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "(三)不予公开", "5.属于三类内部事务信息"),
    ("denied_process_info", "(三)不予公开", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "(三)不予公开", "7.属于行政执法案卷"),
    ("denied_administrative_query", "(三)不予公开", "8.属于行政查询事项"),
    ("unable_not_held", "(四)无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "(四)无法提供", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "(四)无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_complaint", "(五)不予处理", "1.信访举报投诉类申请"),
    ("not_processed_repeat", "(五)不予处理", "2.重复申请"),
    ("not_processed_publication", "(五)不予处理", "3.要求提供公开出版物"),
    ("not_processed_mass_repeat", "(五)不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "(五)不予处理", "5.要求行政机关确认或重新出具已获取信息"),
)
_T3_TAIL: tuple[tuple[str, str | None, str], ...] = (
    ("total_processed", None, "(七)总计"),
    ("carried_forward", None, "四、结转下年度继续办理"),
)
T3_ROWS: dict[str, tuple[tuple[str, str | None, str], ...]] = {
    "2019": _T3_HEAD + (("other", None, "(六)其他处理"),) + _T3_TAIL,
    "2021": _T3_HEAD
    + (
        (
            "other_overdue_correction",
            "(六)其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        (
            "other_overdue_fee",
            "(六)其他处理",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
        ("other_other", "(六)其他处理", "3.其他"),
    )
    + _T3_TAIL,
}
RESULT_GROUP_LABEL = "三、本年度办理结果"
T3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
# rows summed by H2 (RES): everything between 二、上年结转 and (七)总计
RESULT_ROWS: dict[str, tuple[str, ...]] = {
    fmt: tuple(k for k, _, _ in rows if k not in ("new_received", "carried_over", "total_processed", "carried_forward"))
    for fmt, rows in T3_ROWS.items()
}

T4_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


@dataclass(frozen=True, slots=True)
class SubTable:
    """One captioned block of table 二."""

    caption: str
    headers: tuple[str, ...]  # value column headers (after 信息内容)
    rows: tuple[tuple[str, str], ...]  # (row key, label)
    columns: tuple[str, ...]  # value column keys


T2_BLOCKS: dict[str, tuple[SubTable, ...]] = {
    "2019": (
        SubTable(
            "第二十条第(一)项",
            ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
            (("regulations", "规章"), ("normative_documents", "规范性文件")),
            ("new_made", "new_published", "total_published"),
        ),
        SubTable(
            "第二十条第(五)项",
            ("上一年项目数量", "本年增/减", "处理决定数量"),
            (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
            ("prev_items", "change", "decisions"),
        ),
        SubTable(
            "第二十条第(六)项",
            ("上一年项目数量", "本年增/减", "处理决定数量"),
            (("penalty", "行政处罚"), ("coercion", "行政强制")),
            ("prev_items", "change", "decisions"),
        ),
        SubTable(
            "第二十条第(八)项",
            ("上一年项目数量", "本年增/减"),
            (("fees", "行政事业性收费"),),
            ("prev_items", "change"),
        ),
        SubTable(
            "第二十条第(九)项",
            ("采购项目数量", "采购总金额"),
            (("procurement", "政府集中采购"),),
            ("projects", "amount_wan_yuan"),
        ),
    ),
    "2021": (
        SubTable(
            "第二十条第(一)项",
            ("本年制发件数", "本年废止件数", "现行有效件数"),
            (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
            ("issued", "repealed", "in_force"),
        ),
        SubTable("第二十条第(五)项", ("本年处理决定数量",), (("licensing", "行政许可"),), ("decisions",)),
        SubTable(
            "第二十条第(六)项",
            ("本年处理决定数量",),
            (("penalty", "行政处罚"), ("coercion", "行政强制")),
            ("decisions",),
        ),
        SubTable(
            "第二十条第(八)项",
            ("本年收费金额(单位:万元)",),
            (("fees", "行政事业性收费"),),
            ("amount_wan_yuan",),
        ),
    ),
}

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("一、总体情况",),
    "active": ("二、主动公开政府信息情况",),
    "applications": ("三、收到和处理政府信息公开申请情况",),
    "appeals": (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    ),
    "problems": ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    "other": ("六、其他需要报告的事项",),
}
