"""Counts the report's prose states ("行政许可类37条", "作出行政处罚决定784起") as one more equation on glued
rows of table 二: they choose among the readings of the printed digits, never add a value the digits do not
hold, and say nothing when no reading meets them or the report's item counts do not track its table."""

from __future__ import annotations

import random

from gxcrawl.demo import reportgen
from gxcrawl.report import parse_report
from gxcrawl.report.narrative import stated_counts
from gxcrawl.report.tables import prepare, read_tables

HEAD = "示例局2020年政府信息公开工作年度报告 一、总体情况 本年度工作如下。"


def _table_two(rows: dict[str, str]) -> str:
    """Table 二 in the 2019 layout, flattened with nothing between the cells (as portal page texts keep it)."""
    cells = {
        "regulations": "000",
        "normative_documents": "000",
        "licensing": "000",
        "other_services": "000",
        "penalty": "000",
        "coercion": "000",
        **rows,
    }
    return (
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
        f"规章{cells['regulations']}规范性文件{cells['normative_documents']}"
        "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量"
        f"行政许可{cells['licensing']}其他对外管理服务事项{cells['other_services']}"
        "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量"
        f"行政处罚{cells['penalty']}行政强制{cells['coercion']}"
        "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费00"
        "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购00 "
        "三、收到和处理政府信息公开申请情况"
    )


def _active(prose: str, rows: dict[str, str]) -> dict:
    table = read_tables(prepare(HEAD + prose + _table_two(rows)), "text")["active"]
    return {"values": table.values, "issues": table.issues}


def test_an_item_count_picks_the_decisions_of_a_glued_row() -> None:
    # "51037": 5|10|37, 5|103|7, 51|0|37, 510|3|7; the prose's 37 items leave 5|10|37 and 51|0|37
    got = _active("主动公开政府信息215条，其中机构职能类7条，行政许可类37条。", {"licensing": "51037"})
    assert got["values"]["licensing"] == {"prev_items": None, "change": None, "decisions": 37}
    assert any("licensing" in i and "行政许可类37条" in i for i in got["issues"])
    assert any("licensing" in i and "left null" in i for i in got["issues"])


def test_a_category_list_sums_its_rows() -> None:
    # "1411" (规章) is 1|4|11, 1|41|1 or 14|1|1; 规范性文件 666; 7 items of 规章和规范性文件 leave only 14|1|1
    got = _active(
        "在主动公开的24条政府信息中，行政法规、规章和规范性文件7条，工作动态8条。",
        {"regulations": "1411", "normative_documents": "666"},
    )
    assert got["values"]["regulations"] == {"new_made": 14, "new_published": 1, "total_published": 1}
    # and the item count of two rows read together: 行政许可 "0124" is 0|1|24 or 0|12|4
    got = _active("其中行政许可和其他对外管理服务事项类信息4条；", {"licensing": "0124"})
    assert got["values"]["licensing"] == {"prev_items": 0, "change": 12, "decisions": 4}


def test_a_direct_count_of_decisions() -> None:
    got = _active("立案查处各类违法行为并作出行政处罚决定784起，全部予以公开。", {"penalty": "1121784784"})
    assert got["values"]["penalty"]["decisions"] == 784
    assert got["values"]["penalty"]["prev_items"] is None


def test_a_count_no_reading_meets_says_nothing() -> None:
    # a whole district's 40 items: no split of "51037" ends in 40
    got = _active("全区主动公开行政许可类信息40条。", {"licensing": "51037"})
    assert set(got["values"]["licensing"].values()) == {None}


def test_item_counts_a_certain_row_contradicts_are_not_used() -> None:
    # 规章 "000" and 规范性文件 "222" are read for certain and the prose's 9 items of 规范性文件 are not their 2:
    # this report's item counts do not track its table, so its 37 licensing items decide nothing either
    got = _active("其中规范性文件类9条，行政许可类37条。", {"normative_documents": "222", "licensing": "51037"})
    assert got["values"]["normative_documents"] == {"new_made": 2, "new_published": 2, "total_published": 2}
    assert set(got["values"]["licensing"].values()) == {None}


def test_a_wider_category_states_nothing_about_the_rows() -> None:
    assert (
        stated_counts(
            "其中政策、规范性文件类信息80条，法律、法规、规章和国家有关规定应当主动公开的其他政府信息1条。", "2019"
        )
        == []
    )
    counts = stated_counts("行政法规、规章和规范性文件7条，行政处罚类103条", "2019")
    assert [(c.rows, c.column, c.value, c.direct) for c in counts] == [
        (("regulations", "normative_documents"), "new_published", 7, False),
        (("penalty",), "decisions", 103, False),
    ]
    # the 2021 layout has no 本年新公开数量 column; a count of decisions is read in both
    assert [c.rows for c in stated_counts("规章和规范性文件7条，作出行政处罚决定12件", "2021")] == [("penalty",)]


def _read_cells(record: dict) -> int:
    return sum(v is not None for row in record["active"].values() for v in row.values())


def test_generated_glued_reports_with_their_counts_are_right_or_null() -> None:
    # generated reports flattened with nothing between cells, their prose stating the year's licensing and
    # penalty decisions and the items of 规章/规范性文件 published: every value read is the truth, and the
    # counts recover cells the digits alone leave open
    with_counts = without = 0
    for seed in range(30):
        truth = reportgen.generate_report(random.Random(seed), fmt="2019", report_year=2020, agency="某某市民政局")
        text = " ".join(line.strip() for line in reportgen.render_text(truth, "glued").splitlines() if line.strip())
        active = truth["active"]
        published = active["regulations"]["new_published"] + active["normative_documents"]["new_published"]
        prose = (
            f"全年主动公开政府信息，其中规章和规范性文件类{published}条，行政许可类{active['licensing']['decisions']}条。"
            f"作出行政处罚决定{active['penalty']['decisions']}起。"
        )
        at = text.index("二、主动公开")
        record = parse_report(text[:at] + prose + text[at:])
        for row, cols in active.items():
            for col, want in cols.items():
                got = record["active"][row][col]
                assert got is None or abs(got - float(want)) < 1e-9, (seed, row, col, got, want)
        with_counts += _read_cells(record)
        without += _read_cells(parse_report(text))
    assert with_counts > without
