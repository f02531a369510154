"""Cell grammar (docs/report-format.md, "Cell grammar"), glued-digit splitting and short rows,
on small hand-written inputs."""

from __future__ import annotations

import pytest

from gxcrawl.report.cells import parse_cell
from gxcrawl.report.glued import agreement, glued_candidates, placement_candidates
from gxcrawl.report.tables import prepare, read_tables


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("0", "zero", 0),
        ("12", "number", 12),
        ("７９１０", "number", 7910),
        ("1,234", "number", 1234),
        ("1，234", "number", 1234),
        ("+1", "number", 1),
        ("-1", "number", -1),
        ("－1", "number", -1),
        ("−1", "number", -1),
        ("+1036", "number", 1036),
        ("12件", "number", 12),
        ("3条", "number", 3),
        ("110\u3000", "number", 110),
        ("\xa00", "zero", 0),
        ("", "empty", None),
        ("\xa0", "empty", None),
        ("\u3000", "empty", None),
        ("/", "na", None),
        ("／", "na", None),
        ("—", "na", None),
        ("——", "na", None),
        ("-", "na", None),
        ("无", "na", None),
        ("见附件", "text", None),
    ],
)
def test_cell_grammar(raw: str, kind: str, value) -> None:
    cell = parse_cell(raw)
    assert (cell.kind, cell.value) == (kind, value)
    assert type(cell.value) is type(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("139.8万元", 139.8),
        ("180.616万元", 180.616),
        ("70280元", 7.028),
        ("251000元", 25.1),
        ("0", 0),
        ("12.5", 12.5),
        ("1,000元", 0.1),
    ],
)
def test_money_in_wan_yuan(raw: str, value: float) -> None:
    cell = parse_cell(raw, money=True)
    assert cell.value == pytest.approx(value)
    assert cell.unit == "万元"


def test_money_unit_outside_money_column_is_text() -> None:
    assert parse_cell("70280元").kind == "text"


H1 = ((6, (0, 1, 2, 3, 4, 5)),)


def _int(raw: str) -> int | None:
    return parse_cell(raw).value


def test_glued_row_from_the_issue() -> None:
    cands = glued_candidates(["350000035"], 7, H1, _int)
    assert cands == [("35", "0", "0", "0", "0", "0", "35")]


def test_glued_ambiguous_split_gives_every_reading() -> None:
    # 3,3,11 / 3,31,1 / 33,1,1 — no identity in table 二 decides between them
    cands = glued_candidates(["3311"], 3, (), _int)
    assert cands is not None and len(cands) == 3
    assert agreement(cands, 3) == [None, None, None]


def test_glued_no_leading_zeros_makes_zero_runs_unique() -> None:
    assert glued_candidates(["0072"], 3, (), _int) == [("0", "0", "72")]


def test_glued_identity_that_fails_leaves_no_reading() -> None:
    # 35 + 0 + ... != 36: the true row breaks H1, so no split is accepted (null, never a wrong number)
    assert glued_candidates(["350000036"], 7, H1, _int) == []


def test_glued_search_is_bounded() -> None:
    assert glued_candidates(["1" * 400], 7, (), _int) == []
    assert glued_candidates(["1" * 60], 7, (), _int) is None


def test_short_row_placements() -> None:
    cands = placement_candidates(["1", "2"], 3)
    assert cands == [("1", "2", None), ("1", None, "2"), (None, "1", "2")]
    assert agreement(cands, 3) == [None, None, None]


APPS_2019 = """三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)
申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他
一、本年新收政府信息公开申请数量{new}二、上年结转政府信息公开申请数量0000000三、本年度办理结果(一)予以公开{granted}(二)部分公开(区分处理的,只计这一情形,不计其他情形)0000000(三)不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”00000004.保护第三方合法权益00000005.属于三类内部事务信息00000006.属于四类过程性信息00000007.属于行政执法案卷00000008.属于行政查询事项0000000(四)无法提供1.本机关不掌握相关政府信息{unable}2.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000(五)不予处理1.信访举报投诉类申请00000002.重复申请00000003.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000(六)其他处理0000000(七)总计{total}四、结转下年度继续办理0000000
四、政府信息公开行政复议、行政诉讼情况
"""


def test_glued_table_three_uses_row_and_table_identities() -> None:
    text = APPS_2019.format(new="350000035", granted="200000020", unable="150000015", total="350000035")
    tables = read_tables(prepare(text), "text")
    apps = tables["applications"]
    assert apps.method == "glued"
    assert apps.values["new_received"] == dict(
        zip(
            ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"),
            (35, 0, 0, 0, 0, 0, 35),
            strict=True,
        )
    )
    assert apps.values["granted"]["natural_person"] == 20
    assert apps.values["unable_not_held"]["total"] == 15
    assert apps.issues == []


def test_glued_row_without_a_unique_split_is_null_with_an_issue() -> None:
    # "1212" for seven cells cannot be read at all; the row stays null and the issue names it
    text = APPS_2019.format(new="350000035", granted="200000020", unable="1212", total="350000035")
    apps = read_tables(prepare(text), "text")["applications"]
    assert set(apps.values["unable_not_held"].values()) == {None}
    assert any("unable_not_held" in issue for issue in apps.issues)
    assert apps.values["granted"]["natural_person"] == 20


def test_short_row_in_pipe_rows_is_left_aligned_and_reported() -> None:
    rows = "\n".join(
        f"{label} | {' | '.join(['1', '0', '0', '0', '0', '0', '1'])} | ||"
        for label in ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量")
    )
    text = (
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||||||\n"
        + rows
        + "\n四、结转下年度继续办理 | 2 | 0 | 0 | 0 | 0 | 0 | |||\n"
    )
    apps = read_tables(prepare(text), "text")["applications"]
    assert apps.values["carried_forward"]["natural_person"] == 2
    assert apps.values["carried_forward"]["total"] is None
    assert any("carried_forward" in issue for issue in apps.issues)


def test_short_row_contradicting_an_identity_is_not_left_aligned() -> None:
    # Left-aligned, the six values would put the second 4 under 其他 and leave 总计 empty; H3 per column
    # (一 + 二 = 七 + 四) contradicts that. Every placement H3 allows has 4 under 自然人 and 4 under 总计,
    # and differs on which of the five organisation columns is missing: those stay null.
    lines = [
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
        "一、本年新收政府信息公开申请数量 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |",
        "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "(七)总计 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "四、结转下年度继续办理 | 4 | 0 | 0 | 0 | 0 | 4 |",
    ]
    apps = read_tables(prepare("\n".join(lines)), "text")["applications"]
    row = apps.values["carried_forward"]
    assert row["natural_person"] == 4 and row["total"] == 4
    assert [row[c] for c in ("commercial", "research", "social_welfare", "legal_service", "other_org")] == [None] * 5
    assert any("carried_forward" in issue for issue in apps.issues)


# --- the HTML grid stage -----------------------------------------------------------------------------------
from gxcrawl.report.tables import read_report_tables  # noqa: E402

_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"


def _row(label: str, cells: str) -> str:
    return f"<tr><td colspan=3>{label}</td>{cells}</tr>"


def test_html_value_merged_across_rows_is_not_copied() -> None:
    html = (
        f"<table><tr><td>{_NOTE}</td><td>申请人情况</td></tr>"
        + _row("一、本年新收政府信息公开申请数量", "<td rowspan=2>5</td>" + "<td>0</td>" * 5 + "<td>5</td>")
        + _row("二、上年结转政府信息公开申请数量", "<td>0</td>" * 6)
        + "</table>"
    )
    apps = read_report_tables("", html)["applications"]
    assert apps.method == "html"
    assert apps.values["new_received"]["natural_person"] == 5
    assert apps.values["carried_over"]["natural_person"] is None
    assert apps.values["carried_over"]["total"] == 0
    assert any("carried_over" in i and "merged" in i for i in apps.issues)


def test_html_value_merged_across_columns_is_left_null() -> None:
    html = (
        f"<table><tr><td>{_NOTE}</td></tr>"
        + _row("一、本年新收政府信息公开申请数量", "<td>3</td><td colspan=2>0</td>" + "<td>0</td>" * 3 + "<td>3</td>")
        + "</table>"
    )
    row = read_report_tables("", html)["applications"].values["new_received"]
    assert row["natural_person"] == 3 and row["total"] == 3
    assert row["commercial"] is None and row["research"] is None


def test_html_misaligned_colspans_nested_layout_and_several_tables() -> None:
    block1 = (
        "<table><tr><td colspan=4>第二十条第(一)项</td></tr><tr><td>信息内容</td><td>本年新<br>制作数量</td>"
        "<td>本年新<br>公开数量</td><td>对外公开总数量</td></tr>"
        "<tr><td>规章</td><td>1</td><td>1</td><td>4</td></tr><tr><td>规范性文件</td><td>2</td><td>2</td>"
        "<td>9</td></tr></table>"
    )
    block2 = (
        "<table><tr><td colspan=4>第二十条第(九)项</td></tr><tr><td>信息内容</td><td>采购项目数量</td>"
        "<td colspan=2>采购总金额</td></tr><tr><td>政府集中采购</td><td colspan=2>3</td><td>70280元</td></tr>"
        "</table>"
    )
    html = f"<table><tr><td><p>二、主动公开政府信息情况</p>{block1}<p>说明</p>{block2}</td></tr></table>"
    active = read_report_tables("", html)["active"]
    assert active.version == "2019"
    assert active.values["regulations"] == {"new_made": 1, "new_published": 1, "total_published": 4}
    assert active.values["normative_documents"]["total_published"] == 9
    assert active.values["procurement"] == {"projects": 3, "amount_wan_yuan": 7.028}


def test_only_total_filled_with_blanks_lost_is_not_left_aligned() -> None:
    # cell-per-line text whose blank cells vanished: one number per row cannot be placed safely
    lines = [
        _NOTE,
        "一、本年新收政府信息公开申请数量",
        "5",
        "二、上年结转政府信息公开申请数量",
        "0",
        "(七)总计",
        "5",
        "四、结转下年度继续办理",
        "0",
    ]
    apps = read_tables(prepare("\n\n".join(lines)), "text")["applications"]
    assert all(v is None for v in apps.values["new_received"].values())
    assert any("new_received" in issue for issue in apps.issues)
