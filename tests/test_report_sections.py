"""Sections, title, agency, report year and publication date from report text."""

from __future__ import annotations

from gxcrawl.report import parse_report
from gxcrawl.report.sections import find_headings, find_published, find_report_year, find_title, section_texts

BODY = (
    "一、总体情况\n概况。\n二、主动公开政府信息情况\n表。\n三、收到和处理政府信息公开申请情况\n表。\n"
    "四、政府信息公开行政复议、行政诉讼情况\n表。\n五、存在的主要问题及改进情况\n问题。\n六、其他需要报告的事项\n无。\n"
    "某某局\n2021年3月1日\n"
)


def test_six_sections_in_order_and_signature_stripped() -> None:
    headings = find_headings(BODY)
    assert [h.key for h in headings] == ["overview", "active", "applications", "appeals", "problems", "other"]
    sections = section_texts(BODY, headings)
    assert sections["overview"] == "概况。"
    assert sections["other"] == "无。"


def test_glued_headings_are_found() -> None:
    glued = BODY.replace("\n", "")
    sections = section_texts(glued, find_headings(glued))
    assert sections["problems"] == "问题。"
    assert sections["overview"] == "概况。"


def test_heading_variants() -> None:
    text = BODY.replace(
        "四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"
    ).replace("五、存在的主要问题及改进情况", "五、存在问题及改进措施")
    assert [h.key for h in find_headings(text)] == [
        "overview",
        "active",
        "applications",
        "appeals",
        "problems",
        "other",
    ]


def test_title_split_over_two_lines_and_agency_line() -> None:
    assert find_title("新村镇2020年度政府信息公开工作\n\n年度报告\n") == "新村镇2020年度政府信息公开工作年度报告"
    assert (
        find_title("重庆市渝北区民政局\n\n2020年政府信息公开工作年度报告\n")
        == "重庆市渝北区民政局2020年政府信息公开工作年度报告"
    )
    assert (
        find_title("称: 某局2020年政府信息公开工作年度报告\n某局2020年政府信息公开工作年度报告")
        == "某局2020年政府信息公开工作年度报告"
    )


def test_report_year_is_the_year_reported_on() -> None:
    # published in 2021 about 2020
    assert find_report_year("某局2020年政府信息公开工作年度报告", "", None, "2021-01-20") == 2020
    text = "本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。"
    assert find_report_year(None, text, None, "2021-02-01") == 2020
    assert find_report_year(None, "现将我局2019年度政府信息公开工作报告如下", None, None) == 2019
    assert find_report_year(None, "", None, "2022-01-15") == 2021


def test_publication_dates() -> None:
    assert find_published("发布时间:21年01月29日 信息来源:民政局", "", {}) == "2021-01-29"
    assert find_published("发文日期: 2021-01-29", "", {}) == "2021-01-29"
    assert find_published("", "……\n某局\n2021年1月13日\n", {}) == "2021-01-13"
    assert find_published("", "", {"published": "2022-02-03"}) == "2022-02-03"


def test_a_2021_publication_of_a_2020_report() -> None:
    text = "某县民政局2020年政府信息公开工作年度报告\n发布日期:2021-01-28\n" + BODY
    record = parse_report(text)
    assert record["report_year"] == 2020 and record["published"] == "2021-01-28"
    assert record["title"] == "某县民政局2020年政府信息公开工作年度报告"
    assert record["agency"] == "某县民政局"
