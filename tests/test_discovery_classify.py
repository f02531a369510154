"""The report classifier on real-world titles and body fingerprints
(docs/portals.md, "Report titles and false positives", "Body fingerprint")."""

from __future__ import annotations

import pytest

from gxcrawl.discovery.classify import (
    DISTRACTOR,
    REPORT,
    UNKNOWN,
    body_fingerprint,
    classify_page,
    classify_title,
    is_bare_title,
    is_disclosure_link,
    is_group_link,
    is_report_column_link,
    url_date,
    url_report_year,
)

REAL_REPORT_TITLES = [
    ("桐梓县人民政府2022年政府信息公开工作年度报告", 2022),
    ("XX市人民政府办公室2023年度政府信息公开工作年度报告", 2023),
    ("2023年遂昌县政府信息公开工作年度报告", 2023),
    ("江西省民宗局2023年度政府信息公开工作报告", 2023),
    ("高平市人民政府办公室\n2023年政府信息公开工作年度报告", 2023),
    ("舒兰市市场监督管理局2016年政务信息公开年度报告", 2016),
    ("2009年度下管镇政府信息公开年度报告", 2009),
    ("北京市2018年政府信息公开工作年度报告", 2018),
    ("2022年上海市政府信息公开工作年度报告", 2022),
    ("上海市黄浦区人民政府2023年政府信息公开工作年度报告", 2023),
    ("青川市发展和改革局政府信息公开工作年度报告（2021年度）", 2021),
    ("中共某市委机构编制委员会办公室2022年政府信息公开工作年度报告", 2022),
    ("２０２２年某县政府信息公开工作年度报告", 2022),  # full-width digits
    # universities and schools report by academic year: the report year is the academic year's first year
    ("北京大学2024—2025学年信息公开工作年度报告", 2024),
    ("清华大学2023-2024学年信息公开工作年度报告", 2023),
    ("某职业技术学院2022–2023学年信息公开年度报告", 2022),
    ("某师范大学2021～2022学年度信息公开工作报告", 2021),
    ("某市第一中学2023年至2024年学年信息公开工作年度报告", 2023),
    ("某医科大学 2020-2021 学年 信息公开工作年度报告", 2020),
    ("某学院信息公开工作年度报告（2023-2024学年）", 2023),
    # a distractor word inside the issuing agency's name
    ("某市财政局预算评审中心2023年政府信息公开工作年度报告", 2023),
    ("某省财政厅预算绩效管理中心2022年度政府信息公开工作年度报告", 2022),
    ("某市国民经济动员办公室2023年政府信息公开工作年度报告", 2023),
    ("某县法治政府建设办公室2021年政府信息公开工作报告", 2021),
    ("某区绩效考核办公室2023年度政府信息公开工作年度报告", 2023),
    # published together with the website's annual form
    ("某市人民政府办公室2023年政府信息公开工作年度报告和政府网站工作年度报表", 2023),
    ("某县2022年度政府信息公开工作年度报告及政府网站年度报表", 2022),
    ("某区人民政府2024年政府信息公开工作年度报告、政府网站工作年度报表", 2024),
    ("某局门户网站工作年度报表和2023年政府信息公开工作年度报告", 2023),
]
REAL_DISTRACTORS = [
    (
        "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知",
        "format_notice",
    ),
    ("关于做好2021年政府信息公开工作年度报告编制发布工作的通知", "compilation_notice"),
    ("白沙县人民政府门户网站2023年工作年度报表", "website_report"),
    ("某市人民政府2023年政府网站工作年度报表", "website_report"),
    ("某县2022年法治政府建设年度报告", "rule_of_law_report"),
    ("某局2022年部门决算", "budget"),
    ("2024年政府工作报告", "government_work_report"),
    ("南县2022年度绩效评价报告", "performance_evaluation"),
    ("岳阳市政府信息公开工作年度报告制度", "rules"),
    # the same words after the year (the title's subject, not the agency's name) still reject it
    ("某市财政局预算评审中心2023年部门预算", "budget"),
    ("某市预算绩效管理中心2023年度绩效评价报告", "budget"),
    ("某局2023年度政府信息公开工作年度报告编制工作的通知", "compilation_notice"),
    ("关于报送2023年政府信息公开工作年度报告和政府网站工作年度报表的通知", "compilation_notice"),
    ("某大学关于做好2024-2025学年信息公开工作年度报告编制工作的通知", "compilation_notice"),
    ("某市人民政府2023年政府网站工作年度报表", "website_report"),
]


@pytest.mark.parametrize(("title", "year"), REAL_REPORT_TITLES)
def test_real_report_titles_are_reports_with_their_year(title: str, year: int) -> None:
    verdict = classify_title(title)
    assert verdict.label == REPORT, verdict
    assert verdict.year == year


@pytest.mark.parametrize(("title", "reason"), REAL_DISTRACTORS)
def test_distractor_titles_are_rejected_with_the_reason(title: str, reason: str) -> None:
    verdict = classify_title(title)
    assert verdict.label == DISTRACTOR
    assert f"title:{reason}" in verdict.reasons


@pytest.mark.parametrize(
    "title",
    [
        "政府信息公开年报",
        "政府信息公开年度报告",
        "部门年报",
        "",
        "关于开展安全生产大检查的通知",
        "关于印发2024—2025学年信息公开工作要点的通知",
        "某大学2023-2024学年本科教学质量报告",
    ],
)
def test_column_names_and_other_titles_are_not_reports(title: str) -> None:
    assert classify_title(title).label == UNKNOWN


@pytest.mark.parametrize(
    "text",
    [
        "附件1.pdf",
        "附件：P020240308583929378917.pdf",
        "P020240308583929378917.pdf",
        "P020240308583929378917",
        "2023年",
        "2023年度",
        "2023",
        "2023-2024学年",
        "某局2023年",
        "某镇人民政府2023年度",
        "某镇2023年政府信息公开",
        "某县市场监督管理局 2022年度",
        "年度报告.docx",
        "关于开展安全生产检查的通知.pdf",
    ],
)
def test_rows_that_name_no_content_are_bare(text: str) -> None:
    assert is_bare_title(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "关于开展安全生产大检查的通知",
        "政府信息公开年报",
        "江临市召开2024年第一季度经济运行分析会",
        "某局2023年政府信息公开工作年度报告",
        "关于做好2023年度政府信息公开工作年度报告编制工作的通知.pdf",
        "某局2022年部门决算",
    ],
)
def test_rows_with_a_title_are_not_bare(text: str) -> None:
    assert not is_bare_title(text)


SIX_SECTIONS = "\n".join(
    [
        "一、总体情况",
        "本年度……",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容 本年制发件数",
        "三、收到和处理政府信息公开申请情况",
        "本年新收政府信息公开申请数量",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
)


def test_body_fingerprint_counts_section_and_table_anchors() -> None:
    sections, tables = body_fingerprint(SIX_SECTIONS)
    assert sections == 6
    assert tables >= 3
    assert body_fingerprint("一、总体情况\n关于做好安全生产工作") == (1, 0)


def test_page_report_by_body_even_with_an_odd_title() -> None:
    text = "根据《中华人民共和国政府信息公开条例》编制本报告。\n" + SIX_SECTIONS
    assert classify_page("公告", text).label == REPORT


def test_format_notice_carrying_the_template_stays_a_distractor() -> None:
    title = "关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知"
    assert classify_page(title, SIX_SECTIONS).label == DISTRACTOR


def test_stub_page_with_attachment_is_a_report_without_body() -> None:
    verdict = classify_page("某镇人民政府2023年政府信息公开工作年度报告", "详见附件", has_attachments=True)
    assert verdict.label == REPORT and "attachments" in verdict.reasons and verdict.year == 2023
    assert classify_page("某镇人民政府2023年政府信息公开工作年度报告", "详见附件").label == UNKNOWN


def test_report_columns_and_disclosure_links() -> None:
    assert is_report_column_link("政府信息公开年报", "http://x.gov.cn/col/col1/index.html")
    assert is_report_column_link("", "http://www.gztongzi.gov.cn/zwgk/zfxxgk/zfxxgknb/2022n/")
    assert is_report_column_link("年度报告", "http://x.gov.cn/a/b/")
    assert not is_report_column_link("政府网站工作年度报表", "http://x.gov.cn/ztzl/ndgzbb/")
    assert not is_report_column_link(
        "桐梓县人民政府2022年政府信息公开工作年度报告",
        "http://www.gztongzi.gov.cn/zwgk/zfxxgk/zfxxgknb/2022n/202302/t20230218_78246924.html",
    )
    assert is_disclosure_link("政府信息公开", "http://x.gov.cn/zwgk/")
    assert not is_disclosure_link("互动交流", "http://x.gov.cn/hdjl/")
    assert is_group_link("2023年") and is_group_link("通青镇人民政府") and is_group_link("部门年报")
    assert not is_group_link("联系我们") and not is_group_link("江临市召开2024年第一季度经济运行分析会")


@pytest.mark.parametrize(
    ("url", "date", "year"),
    [
        ("http://www.gztongzi.gov.cn/zwgk/zfxxgk/zfxxgknb/2022n/202302/t20230218_78246924.html", "2023-02-18", 2022),
        ("http://www.yj.gov.cn/art/2024/1/16/art_1229779591_86714.html", "2024-01-16", 2023),
        ("https://shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html", "2023-03-31", 2022),
        ("http://xiongan.gov.cn/2023-01/19/c_1211720332.htm", "2023-01-19", 2022),
        ("http://www.sc.gov.cn/10462/10778/10876/2024/1/29/49e6cd7bc03d4c7a8ac862452b184f18.shtml", "2024-01-29", 2023),
        ("http://www.liucheng.gov.cn/bmxzjy/wjlxxgk/202601/t20260121_3716019.shtml", "2026-01-21", 2025),
        (
            "http://www.taian.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=370900004341&fbtime=2022&showType=2",
            None,
            2022,
        ),
        ("http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html", None, None),
    ],
)
def test_dates_and_report_years_from_real_urls(url: str, date: str | None, year: int | None) -> None:
    assert url_date(url) == date
    assert url_report_year(url) == year


def test_a_bare_agency_and_year_title_is_decided_by_the_body() -> None:
    body = "某局2023年政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开条例》编制本报告。\n" + SIX_SECTIONS
    for title in ("某局2023年", "某镇人民政府2023年度", "2023年"):
        verdict = classify_page(title, body)
        assert verdict.label == REPORT and verdict.year == 2023 and verdict.reasons == ("body",)
    bulletin = "某市2023年国民经济和社会发展统计公报\n全年地区生产总值比上年增长5.2%。"
    assert classify_page("某市统计局2023年", bulletin).label == UNKNOWN
    assert classify_page("某局2023年", "详见附件", has_attachments=True).label == UNKNOWN  # its attachment decides
