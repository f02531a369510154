"""Rules learnt from real published reports (tests/fixtures/real), each proven on synthetic documents of the
same shape: a flattened page whose one line holds breadcrumb, title, info bar and the whole report; records
that come back without values; header lines taken for the title; pre-2019 statistics sheets; the statutory
format against one bad label.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gxcrawl.corpus.tables import CELLS, cell_rows
from gxcrawl.demo import reportgen
from gxcrawl.demo.reportgen.written import format_decimal
from gxcrawl.report import parse_report
from gxcrawl.report.cli import run_parse
from gxcrawl.report.page import load_page

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "gxcrawl" / "schemas" / "report.schema.json").read_text())
TABLES = ("active", "applications", "appeals")
CHROME_WORDS = ("当前位置", "微信", "QQ空间", "全真版", "文件下载", "附件下载", "相关链接")


def _values(record: dict) -> dict:
    return {t: record.get(t) for t in (*TABLES, "pre2019")}


def _count(record: dict) -> int:
    return sum(
        1 for t in (*TABLES, "pre2019") for row in (record.get(t) or {}).values() for v in row.values() if v is not None
    )


def _truth(seed: int, fmt: str, year: int, agency: str = "某某市民政局") -> dict:
    return reportgen.generate_report(random.Random(seed), fmt=fmt, report_year=year, agency=agency)


def _one_line(truth: dict, layout: str) -> str:
    """The report as a flattened page text keeps it: every line joined into one."""
    return " ".join(line.strip() for line in reportgen.render_text(truth, layout).splitlines() if line.strip())


def _header(title: str, agency: str | None, published: str) -> str:
    return (
        f"标题: {title}\n发布时间: {published} 09:31\n文号: \n发布机构: {agency or ''}\n栏目: 政府信息公开年报\n"
        f"原文链接: https://www.example.gov.cn/zwgk/nb/202301/t20230105_1.htm\n本地目录: zwgk/nb/202301/1\n"
        "(页面附件见同一目录)\n==================== 正文 ====================\n"
    )


def _crumb(title: str, source: str, published: str) -> str:
    return (
        f"当前位置： 首页政务公开政府信息公开{source}政府信息公开年报 {title} 来源：{source} 时间：{published} 16:24 "
        "--> 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： "
    )


# --- 1. chrome spans: the breadcrumb that starts the report's one line --------------------------------------------
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("fmt", "year"), [("2019", 2020), ("2021", 2023)])
@pytest.mark.parametrize("layout", ["tabs", "glued"])
def test_breadcrumb_on_the_report_line_loses_only_the_chrome(seed: int, fmt: str, year: int, layout: str) -> None:
    truth = _truth(seed, fmt, year)
    body = _one_line(truth, layout)
    alone = parse_report(body.encode(), url="report.txt")
    assert _count(alone) > 150  # the flattened report on its own reads
    page = (
        _header(truth["title"], None, truth["published"])
        + _crumb(truth["title"], truth["agency"], truth["published"])
        + body
        + " 附件下载\n"
    )
    record = parse_report(page.encode(), url="page.txt")
    assert _values(record) == _values(alone)
    assert record["format"]["overall"] == fmt
    assert (record["title"], record["agency"], record["published"]) == (
        truth["title"],
        truth["agency"],
        truth["published"],
    )
    text = load_page(page.encode(), url="page.txt").text
    assert not [w for w in CHROME_WORDS if w in text]
    assert "栏目: " not in text and "原文链接" not in text and "=====" not in text and "同一目录" not in text


def test_breadcrumb_with_separators_and_tool_words() -> None:
    truth = _truth(7, "2021", 2022)
    body = _one_line(truth, "tabs")
    page = (
        f"您当前的位置：首页 > 政务公开 > 年度报告 {truth['title']} "
        f"发布时间：2023-01-10 【字体：大 中 小】【打印本页】 {body}"
    )
    record = parse_report(page.encode(), url="page.txt")
    assert _values(record) == _values(parse_report(body.encode(), url="report.txt"))
    assert record["title"] == truth["title"] and record["published"] == "2023-01-10"
    assert "打印本页" not in load_page(page.encode(), url="page.txt").text


def test_breadcrumb_and_body_in_one_html_block() -> None:
    report = (
        "根据《中华人民共和国政府信息公开条例》要求，现公布本局2017年度政府信息公开工作年度报告。一、概述 2017年，"
        "我局认真贯彻落实条例，主动公开政府信息120条。二、主动公开政府信息情况 全年主动公开120条。"
        "三、依申请公开政府信息情况 未收到申请。四、政府信息公开的收费及减免情况 无。"
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况 无。六、存在的主要问题及改进措施 有待加强。"
    )
    title = "某某县民政局2017年政府信息公开工作年度报告"
    html = (
        f"<html><head><title>{title}_某某县人民政府</title></head><body>"
        "<div class='main'><p>当前位置：首页 &gt; 政务公开 &gt; 年报 "
        f"{title} 来源：某某县民政局 时间：2018-01-20 10:00 【打印】【关闭】 {report} 附件下载</p></div></body></html>"
    )
    record = parse_report(html.encode(), url="https://x.example.gov.cn/nb/a.html")
    assert record["title"] == title and record["agency"] == "某某县民政局"
    assert record["published"] == "2018-01-20" and record["report_year"] == 2017
    assert record["format"]["overall"] == "pre2019"
    assert "主动公开政府信息120条" in record["sections"]["overview"]
    text = load_page(html.encode(), url="https://x.example.gov.cn/nb/a.html").text
    assert "当前位置" not in text and "打印" not in text and report[:40] in text


# --- 2. no silent empty record -------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=400),
    st.sampled_from(["a.txt", "a.html", "a.md"]),
)
def test_a_record_without_values_says_why(text: str, name: str) -> None:
    record = parse_report(text.encode("utf-8"), url=name)
    assert _count(record) > 0 or record["issues"]
    jsonschema.validate(record, SCHEMA)


def test_a_file_that_is_not_a_report_says_so(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text("会议纪要\n今天讨论了食堂的菜单，决定下周增加水果。\n散会。\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_parse([str(path)], pretty=False, out=out, err=err) == 0
    record = json.loads(out.getvalue())
    assert record["format"]["overall"] == "unknown"
    assert any("not a report" in issue for issue in record["issues"])
    assert "not a report" in err.getvalue()


def test_a_report_whose_tables_are_missing_says_so() -> None:
    truth = _truth(2, "2021", 2022)
    text = "\n".join(line for line in reportgen.render_text(truth, "tabs").splitlines() if "\t" not in line)
    record = parse_report(text.encode(), url="report.txt")
    assert _count(record) == 0
    assert any("no report tables found" in issue for issue in record["issues"])


# --- 3. the title is the report's own title line --------------------------------------------------------------------
def test_header_lines_are_metadata_and_the_title_is_the_reports() -> None:
    truth = _truth(11, "2021", 2022, agency="某某县市场监督管理局")
    body = _one_line(truth, "tabs")
    # the column line comes first and the 发布机构 line names the body by its short name
    page = (
        f"栏目: 政府信息公开年报\n标题: {truth['title']}\n发布时间: 2023-01-17 10:00\n发布机构: 县市场监管局\n"
        f"==== 正文 ====\n{body}\n"
    )
    record = parse_report(page.encode(), url="page.txt")
    assert record["title"] == truth["title"]
    assert record["agency"] == "某某县市场监督管理局"
    assert record["published"] == "2023-01-17"
    assert record["page"]["metadata"]["column"] == "政府信息公开年报"
    assert "栏目:" not in (record["sections"]["overview"] or "")


def test_a_title_glued_to_the_first_sentence_is_the_title() -> None:
    body = (
        "某某县财政局2012年政府信息公开年度报告根据《中华人民共和国政府信息公开条例》，现公布2012年度政府信息公开年度报告。"
        "一、概述 2012年我局认真落实条例，不断完善工作机制，确保政府信息及时准确公开。"
        "二、主动公开政府信息情况 全年主动公开政府信息24条。"
        "三、政府信息依申请公开工作情况 未收到申请。四、政府信息公开工作存在的主要问题及改进情况 有待加强。"
    )
    page = (
        "标题: 某某县财政局2012年政府信息公开工作年度报告\n发布时间: 2013-04-19 00:00\n"
        f"栏目: 年报\n=== 正文 ===\n{body}\n"
    )
    record = parse_report(page.encode(), url="page.txt")
    assert record["title"] == "某某县财政局2012年政府信息公开年度报告"
    assert record["agency"] == "某某县财政局" and record["report_year"] == 2012
    # a first sentence that merely names a report is no title: the header's 标题 stays the title
    sentence = body.replace(
        "某某县财政局2012年政府信息公开年度报告根据《中华人民共和国政府信息公开条例》",
        "根据《中华人民共和国政府信息公开条例》和《某某市政府信息公开工作年度报告》的要求",
    )
    record = parse_report(page.replace(body, sentence).encode(), url="page.txt")
    assert record["title"] == "某某县财政局2012年政府信息公开工作年度报告"


# --- 4. pre-2019 statistics sheets ----------------------------------------------------------------------------------
_SHEET_ROWS = (  # (key, label, ordinal inside its 其中 group or None, unit)
    ("active_total", "主动公开信息数", None, "条"),
    ("active_website", "网站公开", 1, "条"),
    ("active_gazette", "政府公报公开", 2, "条"),
    ("requests_total", "受理依申请公开信息总数", None, "条"),
    ("requests_in_person", "当面申请数", 1, "条"),
    ("requests_online", "网上申请数", 2, "条"),
    ("requests_letter_fax", "信函、传真申请数", 3, "条"),
    ("replies_total", "对申请的答复总数", None, "条"),
    ("replies_granted", "同意公开答复数", 1, "条"),
    ("replies_partial", "同意部分公开答复数", 2, "条"),
    ("replies_denied", "不予公开答复数", 3, "条"),
    ("fees_waived", "政府信息公开收费减免金额", None, "元"),
    ("complaints", "接受行政申诉、举报数", None, "件"),
    ("review", "行政复议数", None, "件"),
    ("litigation", "行政诉讼数", None, "件"),
)
_GROUPS = {
    "active_total": ("active_website", "active_gazette"),
    "requests_total": ("requests_in_person", "requests_online", "requests_letter_fax"),
    "replies_total": ("replies_granted", "replies_partial", "replies_denied"),
}


def _sheet_truth(rng: random.Random) -> dict:
    values: dict[str, dict[str, int]] = {}
    for parent, children in _GROUPS.items():
        pairs = []
        for _ in children:
            this_year = rng.choice((0, 0, rng.randint(0, 30), rng.randint(0, 3000)))
            pairs.append((this_year, this_year + rng.choice((0, rng.randint(0, 50), rng.randint(0, 90000)))))
        for child, pair in zip(children, pairs, strict=True):
            values[child] = {"this_year": pair[0], "cumulative": pair[1]}
        values[parent] = {"this_year": sum(p[0] for p in pairs), "cumulative": sum(p[1] for p in pairs)}
    for key in ("fees_waived", "complaints", "review", "litigation"):
        this_year = rng.choice((0, 0, rng.randint(0, 5)))
        values[key] = {"this_year": this_year, "cumulative": this_year + rng.choice((0, rng.randint(0, 9)))}
    return values


def _sheet_text(values: dict, style: str, year: int) -> str:
    sep = "" if style == "glued" else " "
    parts = [f"指标名称{sep}计量单位{sep}{year}年度{sep}历年累计"]
    for key, label, ordinal, unit in _SHEET_ROWS:
        prefix = "" if ordinal is None else ("其中：" if ordinal == 1 else "") + f"{ordinal}、"
        v = values[key]
        parts.append(f"{prefix}{label}{sep}{unit}{sep}{v['this_year']}{sep}{v['cumulative']}")
    return sep.join(parts)


def _pre2019_page(values: dict, style: str, year: int = 2016) -> str:
    intro = (
        f"某某县卫生局{year}年政府信息公开工作年度报告 一、概述 {year}年，我局认真贯彻落实《条例》，完善工作机制。"
        "二、主动公开政府信息情况 全年持续推进。三、依申请公开政府信息情况 依法办理。"
        "四、政府信息公开的收费及减免情况 无。"
        f"五、存在的主要问题及改进措施 有待加强。附件：{year}年政府信息公开情况统计表 "
    )
    if style == "html":
        rows = "".join(
            f"<tr><td>{label}</td><td>{unit}</td><td>{values[key]['this_year']}</td>"
            f"<td>{values[key]['cumulative']}</td></tr>"
            for key, label, _o, unit in _SHEET_ROWS
        )
        return (
            f"<html><body><div id='zoom'><p>{intro}</p><table><tr><td>指标名称</td><td>计量单位</td>"
            f"<td>{year}年度</td><td>历年累计</td></tr>{rows}</table></div></body></html>"
        )
    return intro + _sheet_text(values, style, year) + " 某某县卫生局 2017年1月10日"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.sampled_from(["spaced", "html"]))
def test_pre2019_sheet_reads_exactly(seed: int, style: str) -> None:
    values = _sheet_truth(random.Random(seed))
    page = _pre2019_page(values, style)
    record = parse_report(page.encode(), url="a.html" if style == "html" else "a.txt")
    assert record["format"] == {"active": "pre2019", "applications": "pre2019", "overall": "pre2019"}
    assert record["pre2019"] == values
    assert not any(record[t] for t in TABLES)
    jsonschema.validate(record, SCHEMA)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_pre2019_glued_sheet_is_right_or_null_with_an_issue(seed: int) -> None:
    values = _sheet_truth(random.Random(seed))
    record = parse_report(_pre2019_page(values, "glued").encode(), url="a.txt")
    assert record["format"]["overall"] == "pre2019"
    for key, cols in values.items():
        for col, want in cols.items():
            got = record["pre2019"][key][col]
            if got is None:
                assert any(f"pre2019.{key}" in issue for issue in record["issues"]), (key, record["issues"])
            else:
                assert got == want, (key, col, got, want)


def test_pre2019_glued_runs_split_by_order_and_by_the_group_sums() -> None:
    values = _sheet_truth(random.Random(5))
    values.update(
        {
            "active_total": {"this_year": 290, "cumulative": 872},
            "active_website": {"this_year": 290, "cumulative": 872},
            "active_gazette": {"this_year": 0, "cumulative": 0},
        }
    )
    page = _pre2019_page(values, "glued")
    record = parse_report(page.encode(), url="a.txt")
    # 290872 reads 2/90872 or 290/872 with this year <= cumulative, and the 其中 sums fit either: null
    assert record["pre2019"]["active_total"] == {"this_year": None, "cumulative": None}
    assert any("pre2019.active_total" in issue and "2/90872" in issue for issue in record["issues"])
    # the report's own count of the items decides between the two readings
    told = page.replace(
        "二、主动公开政府信息情况 全年持续推进。", "二、主动公开政府信息情况 全年主动公开政府信息290条。"
    )
    record = parse_report(told.encode(), url="a.txt")
    assert record["pre2019"]["active_total"] == {"this_year": 290, "cumulative": 872}
    assert record["pre2019"]["active_website"] == {"this_year": 290, "cumulative": 872}
    cells = [c for c in record["cells"] if c["table"] == "pre2019" and c["row"] == "active_total"]
    assert [c["col"] for c in cells] == ["this_year", "cumulative"] and cells[0]["label"] == "主动公开信息数"


def test_pre2019_glued_channel_row_split_within_its_parent() -> None:
    values = _sheet_truth(random.Random(5))
    # channels that do not sum to the total (items published on the website only, some in print only)
    values.update(
        {
            "active_total": {"this_year": 1853, "cumulative": 5395},
            "active_website": {"this_year": 1713, "cumulative": 5017},
            "active_gazette": {"this_year": 0, "cumulative": 7},
        }
    )
    page = _pre2019_page(values, "glued").replace("全年持续推进。", "全年主动公开政府信息1853条。")
    record = parse_report(page.encode(), url="a.txt")
    assert record["pre2019"]["active_total"] == values["active_total"]
    # 17135017: of 1/7135017, 17/135017, 171/35017 and 1713/5017 only the last stays within 1853/5395
    assert record["pre2019"]["active_website"] == values["active_website"]
    assert any("pre2019.active_website" in issue and "within its parent" in issue for issue in record["issues"])
    # a sheet whose own fixed 其中 rows exceed their parent keeps no such rule: the run stays null, with an issue
    broken = page.replace("政府公报公开条07", "政府公报公开条09999")
    assert broken != page
    record = parse_report(broken.encode(), url="a.txt")
    assert record["pre2019"]["active_website"] == {"this_year": None, "cumulative": None}
    assert any("pre2019.active_website" in issue for issue in record["issues"])


def test_pre2019_rows_in_the_long_csv() -> None:
    values = _sheet_truth(random.Random(9))
    record = parse_report(_pre2019_page(values, "spaced").encode(), url="a.txt")
    record["url"] = "https://example.gov.cn/a.html"
    out = io.StringIO()
    csv.writer(out).writerows(cell_rows(record))
    named = [dict(zip(CELLS.column_names, r, strict=True)) for r in csv.reader(io.StringIO(out.getvalue()))]
    rows = {(r["table"], r["row"], r["column"]): (r["format"], r["value"]) for r in named}
    assert rows[("pre2019", "requests_total", "cumulative")] == ("pre2019", str(values["requests_total"]["cumulative"]))
    assert len(rows) == 2 * len(values)


def test_narrative_pre2019_report_without_a_sheet_says_so() -> None:
    record = parse_report(
        reportgen.render_pre2019(random.Random(1), report_year=2015, agency="某某县卫生局").encode(), url="a.html"
    )
    assert record["format"]["overall"] == "pre2019" and record["pre2019"] == {}
    assert any("no report tables found" in issue for issue in record["issues"])


# --- 5. the statutory format follows the report year ---------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_one_bad_label_does_not_change_the_format(seed: int) -> None:
    truth = _truth(seed, "2021", 2023)
    text = reportgen.render_text(truth, "tabs")
    # the two labels only the 2021 table 三 prints, misspelled and wrapped as PDFs have them
    damaged = (
        text.replace("逾期不补正", "逾期不补证")
        .replace("逾期未按收费通知要求缴纳费用", "逾期末按收费通知\n要求缴纳费用")
        .replace("本机关不掌握相关政府信息", "本机关不掌据相关政府信息")
    )
    assert damaged != text
    record = parse_report(damaged.encode(), url="report.txt")
    assert record["format"]["overall"] == "2021"
    # the misprinted rows are found all the same: table 三 reads exactly as printed
    for table in TABLES:
        want = {
            row: {col: None if v is None else float(v) for col, v in cols.items()} for row, cols in truth[table].items()
        }
        got = {
            row: {col: None if v is None else float(v) for col, v in cols.items()}
            for row, cols in record[table].items()
        }
        assert got == want, table


@pytest.mark.parametrize("seed", range(3))
def test_headers_that_prove_the_2019_format_win_over_the_year(seed: int) -> None:
    truth = _truth(seed, "2019", 2021)  # a 2021 report that still prints the 2019 tables
    record = parse_report(reportgen.render_text(truth, "tabs").encode(), url="report.txt")
    assert record["report_year"] == 2021 and record["format"]["overall"] == "2019"
    assert "format: 2019-format tables in a report for 2021" in record["issues"]


@pytest.mark.parametrize("seed", range(4))
def test_a_merged_other_row_in_a_2021_report(seed: int) -> None:
    truth = _truth(seed, "2021", 2022)
    lines = reportgen.render_text(truth, "pipe_rows").splitlines()
    at = next(i for i, line in enumerate(lines) if "其他处理" in line)
    subrows = ("other_overdue_correction", "other_overdue_fee", "other_other")
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
    merged = [sum(truth["applications"][r][c] for r in subrows) for c in cols]
    lines[at : at + 3] = ["| (六)其他处理 | " + " | ".join(map(str, merged)) + " |"]
    record = parse_report("\n".join(lines).encode(), url="report.txt")
    assert record["format"]["overall"] == "2021"
    assert record["applications"]["other"] == dict(zip(cols, merged, strict=True))
    assert record["applications"]["total_processed"] == truth["applications"]["total_processed"]
    assert any("(六)其他处理 is printed as one row" in issue for issue in record["issues"])
    h2 = {c["scope"]: c["status"] for c in record["checks"] if c["id"] == "H2"}
    assert set(h2.values()) == {"pass"}


def test_pre2019_row_that_is_no_known_indicator_is_kept_in_cells() -> None:
    values = _sheet_truth(random.Random(3))
    page = _pre2019_page(values, "spaced").replace("行政复议数", "咨询处理数 人次 35 120 行政复议数")
    record = parse_report(page.encode(), url="a.txt")
    assert record["pre2019"] == values  # its neighbours read as before
    unplaced = [c for c in record["cells"] if c["table"] == "pre2019" and c["row"] is None]
    assert [(c["label"], c["raw"]) for c in unplaced] == [("咨询处理数", "咨询处理数 人次 35 120")]
    assert any("咨询处理数" in issue for issue in record["issues"])
    jsonschema.validate(record, SCHEMA)


@pytest.mark.parametrize(
    ("first", "second", "agency"),
    [
        ("2025 年某某市人民政府办公厅政府信息公开", "工作年度报告", "某某市人民政府办公厅"),
        ("2024 年某某市科委政府信息公开工作", "年度报告", "某某市科委"),
    ],
)
def test_a_wrapped_title_that_starts_with_the_year(first: str, second: str, agency: str) -> None:
    truth = _truth(13, "2021", 2024)
    lines = reportgen.render_text(truth, "tabs").splitlines()
    body = lines[next(i for i, line in enumerate(lines) if "一、总体情况" in line) - 1 :]
    record = parse_report("\n".join(["正文", first, second, *body]).encode(), url="report.md")
    assert record["title"] == first + second
    assert record["agency"] == agency


def test_pre2019_sheet_of_this_years_numbers_only() -> None:
    values = _sheet_truth(random.Random(21))
    page = _pre2019_page(values, "spaced")
    sheet_at = page.index("指标名称")
    one_column = (
        page[:sheet_at]
        + "统计指标 单位 2016年 "
        + " ".join(f"{label} {unit} {values[key]['this_year']}" for key, label, _o, unit in _SHEET_ROWS)
    )
    record = parse_report(one_column.encode(), url="a.txt")
    assert record["pre2019"] == {k: {"this_year": v["this_year"], "cumulative": None} for k, v in values.items()}
    # a sentence that names an indicator near the word 指标 is no sheet
    prose = page[:sheet_at] + "各项指标完成良好，本年主动公开信息数 120条，较上年增长。"
    record = parse_report(prose.encode(), url="a.txt")
    assert record["pre2019"] == {} and record["format"]["overall"] == "pre2019"


# --- a unit printed after a row's label, before its values ---------------------------------------------------------
def _money_truths(fmt: str, year: int, row: str, n: int) -> list[dict]:
    """The first `n` generated reports whose `row` has a money amount other than 0."""
    out = []
    for seed in range(200):
        truth = _truth(seed, fmt, year)
        if truth["active"][row]["amount_wan_yuan"]:
            out.append(truth)
        if len(out) == n:
            return out
    raise AssertionError("no report with money in that row")


def _unit_after_label(doc: str, label: str, unit: str, amount: float, in_yuan: bool, glued: bool) -> str:
    """`doc` with `unit` printed after `label` and the row's money cell printed as a bare number in that unit
    (元 when `in_yuan`, else 万元); `glued`: the cell runs on from the one before it."""
    at = doc.index(label) + len(label)
    yuan = round(amount * 10000)
    wan = format_decimal(Decimal(str(amount)))
    before = "" if glued else r"(?<![\d.])"
    cell = re.search(rf"{before}(?:{yuan}元|{re.escape(wan)}(?:万元)?)(?![\d.])", doc[at:])
    assert cell is not None
    printed = str(yuan) if in_yuan else wan
    return doc[:at] + unit + doc[at : at + cell.start()] + printed + doc[at + cell.end() :]


@pytest.mark.parametrize("which", range(3))
@pytest.mark.parametrize("layout", ["html", "tabs", "cell_per_line", "pipe_rows", "glued"])
@pytest.mark.parametrize(
    ("fmt", "year", "row", "label", "unit"),
    [
        ("2019", 2020, "procurement", "政府集中采购", "（元）"),
        ("2021", 2023, "fees", "行政事业性收费", "（单位：万元）"),
    ],
)
def test_a_unit_between_label_and_values(
    which: int, layout: str, fmt: str, year: int, row: str, label: str, unit: str
) -> None:
    truth = _money_truths(fmt, year, row, 3)[which]
    want = truth["active"][row]
    doc = reportgen.render_body_html(truth) if layout == "html" else reportgen.render_text(truth, layout)
    doc = _unit_after_label(
        doc, label, unit, float(want["amount_wan_yuan"]), in_yuan=unit == "（元）", glued=layout == "glued"
    )
    record = parse_report(doc.encode(), url="report.html" if layout == "html" else "report.txt")
    assert not [i for i in record["issues"] if "rows not found" in i]
    got = record["active"][row]
    want = {c: None if v is None else float(v) for c, v in want.items()}
    if layout == "glued" and None in got.values():  # digits run together: right, or null with an issue
        assert all(got[c] is None or got[c] == pytest.approx(want[c]) for c in want)
        assert any(f"row {row}" in issue for issue in record["issues"])
    else:
        assert got == pytest.approx(want)
