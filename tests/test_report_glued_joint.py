"""Glued digit runs solved with the identities of the whole table (table 三: H1 per row, H2 and H3 per
column), not row by row: a reading is taken only when it is the one solution, never guessed."""

from __future__ import annotations

import random

from gxcrawl.report import vocab
from gxcrawl.report.glued import glued_candidates, joint_readings
from gxcrawl.report.tables import prepare, read_tables

COLS = vocab.APPLICATION_COLS
LABELS_2019 = [
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    (None, "三、本年度办理结果"),
    ("granted", "(一)予以公开"),
    ("partially_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    (None, "(三)不予公开"),
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_administrative_query", "8.属于行政查询事项"),
    (None, "(四)无法提供"),
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
    (None, "(五)不予处理"),
    ("not_processed_complaint", "1.信访举报投诉类申请"),
    ("not_processed_repeat", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_mass_repeat", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ("other", "(六)其他处理"),
    ("total_processed", "(七)总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]
HEAD = (
    "三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
)
TAIL = "四、政府信息公开行政复议、行政诉讼情况"
ZERO = "0000000"


def _flat(rows: dict[str, str]) -> str:
    """Table 三 flattened the way portal page texts are: labels and cells with nothing between them."""
    return HEAD + "".join(label + (rows.get(key, ZERO) if key else "") for key, label in LABELS_2019) + TAIL


def _apps(rows: dict[str, str]):
    return read_tables(prepare(_flat(rows)), "text")["applications"]


def _row(*values: int) -> dict[str, int]:
    return dict(zip(COLS, values, strict=True))


def test_two_rows_no_identity_of_one_row_can_split_are_solved_together() -> None:
    # "110000011" is (11,0,0,0,0,0,11) or (1,10,0,0,0,0,11) by its own 总计; granted and partially granted both
    # read that way, and only (1,10,…) twice gives (七)总计 = (2,20,0,0,0,0,22) column by column
    total = "2 20 0 0 0 0 22"
    apps = _apps(
        {"new_received": total, "granted": "110000011", "partially_granted": "110000011", "total_processed": total}
    )
    assert apps.values["granted"] == _row(1, 10, 0, 0, 0, 0, 11)
    assert apps.values["partially_granted"] == _row(1, 10, 0, 0, 0, 0, 11)
    assert apps.issues == []


def test_two_solutions_stay_null_with_an_issue_naming_the_rows() -> None:
    # (七)总计 (12,10,…): (11,0)+(1,10) and (1,10)+(11,0) both fit; neither row may be guessed
    total = "12 10 0 0 0 0 22"
    apps = _apps(
        {"new_received": total, "granted": "110000011", "partially_granted": "110000011", "total_processed": total}
    )
    for key in ("granted", "partially_granted"):
        assert apps.values[key]["natural_person"] is None
        assert apps.values[key]["total"] == 11  # every solution agrees on it
        assert any(key in issue for issue in apps.issues)


def test_one_digit_a_cell_is_taken_when_the_table_confirms_the_publishers_sums() -> None:
    # the publisher left every 总计 at 0 ("3000000"); the digits split one way only and the columns add up
    apps = _apps(
        {"new_received": "3000000", "granted": "1000000", "denied_third_party": "2000000", "total_processed": "3000000"}
    )
    assert apps.values["new_received"] == _row(3, 0, 0, 0, 0, 0, 0)
    assert apps.values["denied_third_party"] == _row(2, 0, 0, 0, 0, 0, 0)
    assert apps.values["total_processed"] == _row(3, 0, 0, 0, 0, 0, 0)


def test_one_digit_a_cell_that_breaks_every_identity_is_kept_as_printed() -> None:
    # (七)总计 "1000000" against a table of zeros: one digit a cell breaks the row's 总计 and the columns, and so
    # does every other reading ("10" and a blank cell lost in the flattening puts 10 in a column of zeros):
    # the publisher's numbers do not add up whatever the row says, so the printed digits are kept, with an issue
    apps = _apps({"total_processed": "1000000"})
    assert apps.values["total_processed"] == _row(1, 0, 0, 0, 0, 0, 0)
    assert any("applications row total_processed" in issue and "as printed" in issue for issue in apps.issues)
    assert apps.values["new_received"] == _row(0, 0, 0, 0, 0, 0, 0)


def test_one_digit_a_cell_is_null_when_a_lost_blank_cell_would_fit() -> None:
    # the result rows sum to (10,0,0,0,0,0,10); "1000000" one digit a cell breaks them, but "10" and a blank
    # 总计 cell (lost in the flattening) fits every identity that can be checked: nothing decides, null
    apps = _apps({"new_received": "10 0 0 0 0 0 10", "granted": "10 0 0 0 0 0 10", "total_processed": "1000000"})
    assert set(apps.values["total_processed"].values()) == {None}
    assert any("applications row total_processed" in issue for issue in apps.issues)
    assert apps.values["granted"] == _row(10, 0, 0, 0, 0, 0, 10)


# table 四 flattened: 2,40,40,0,82 | 0,40,0,_,40 | 3,1,_,40,44 with its two blank cells lost, or, just as
# well, 2,40,40,0,82 | 0,4,0,0,4 | 0,3,1,40,44 with none: every identity holds either way
APPEALS = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉"
    "复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    "240400820400 403 1 40 44五、存在的主要问题及改进情况"
)


def _with_appeals(rows: dict[str, str]) -> dict:
    return read_tables(prepare(_flat(rows).removesuffix(TAIL) + APPEALS), "text")


def test_a_document_that_loses_blank_cells_keeps_only_what_readings_with_lost_blanks_agree_on() -> None:
    # no row shows a lost cell: the digits are read with no blank cell, the one split every identity allows
    kept = _with_appeals({})["appeals"]
    assert kept.values["litigation_direct"] == {"upheld": 0, "corrected": 4, "other": 0, "pending": 0, "total": 4}
    assert kept.issues == []
    # "000000" is six cells at most for seven columns: this document loses blank cells, so the glued row
    # keeps only the cells every reading with lost blanks agrees on
    tables = _with_appeals({"partially_granted": "000000"})
    appeals = tables["appeals"]
    assert tables["applications"].cells_lost
    assert appeals.values["review"] == {"upheld": 2, "corrected": 40, "other": 40, "pending": 0, "total": 82}
    assert set(appeals.values["litigation_direct"].values()) == {None}
    assert appeals.values["litigation_after_review"]["total"] == 44
    assert appeals.values["litigation_after_review"]["corrected"] is None
    assert any("also read with blank cells that left no trace" in issue for issue in appeals.issues)


def test_glued_candidates_with_blanks_count_a_blank_as_zero() -> None:
    # "1010" in three cells a + b = c: no split into three cells holds (1,0,10 / 10,1,0); with one blank cell
    # lost, 10 in a or b and 10 in c do; a blank 总计 counts as 0, so (10,10,_) does not
    assert glued_candidates(["1010"], 3, [(2, (0, 1))], int) == []
    got = glued_candidates(["1010"], 3, [(2, (0, 1))], int, blanks=True)
    assert got is not None and sorted(got, key=str) == sorted([("10", None, "10"), (None, "10", "10")], key=str)


def test_a_broken_column_does_not_void_the_rest_of_the_table() -> None:
    # the publisher's natural-person column does not add up (results 26, 总计 20): every other row is read, and
    # (七)总计, whose own 总计 reads it one way only (20,0,0,0,0,1 | 21) while no other split or lost blank
    # cell fits the columns either, is kept as printed with an issue naming the broken column
    apps = _apps(
        {
            "new_received": "200 000121",
            "granted": "6000017",
            "partially_granted": "6000006",
            "unable_not_held": "4000004",
            "unable_unclear": "3000003",
            "not_processed_repeat": "3000003",
            "other": "4 0 0 0 0 0 4",
            "total_processed": "20 0 00 0 121",
            "carried_forward": "0 0 00 00 0",
        }
    )
    assert apps.values["new_received"] == _row(20, 0, 0, 0, 0, 1, 21)
    assert apps.values["granted"] == _row(6, 0, 0, 0, 0, 1, 7)
    assert apps.values["total_processed"] == _row(20, 0, 0, 0, 0, 1, 21)
    assert any("H2 (natural_person)" in issue for issue in apps.issues)
    assert any("total_processed" in issue and "as printed" in issue for issue in apps.issues)


def test_leading_zeros_and_single_zero_cells() -> None:
    # "05" is never a cell, "0" is: "105000015" can only be 10,5,0,0,0,0,15
    apps = _apps({"new_received": "105000015", "granted": "105000015", "total_processed": "105000015"})
    assert apps.values["new_received"] == _row(10, 5, 0, 0, 0, 0, 15)
    assert apps.values["total_processed"] == _row(10, 5, 0, 0, 0, 0, 15)


def test_hostile_table_is_bounded_and_never_guesses() -> None:
    # every row ambiguous: the search gives up within its budget and reads nothing it cannot prove
    rows = {key: "110000011" for key, _ in LABELS_2019 if key}
    apps = _apps(rows)
    for cols in apps.values.values():
        assert cols["natural_person"] is None and cols["commercial"] is None
    assert apps.issues


def test_joint_readings_budget_returns_none() -> None:
    cands = {f"r{i}": [(str(a), str(10 - a)) for a in range(10)] for i in range(30)}
    relations = [("S", tuple((f"r{i}", 1 if i == 0 else -1) for i in range(30)))]
    assert joint_readings(cands, lambda k, c: [int(x) for x in c], relations, ("a", "b"), budget=500) is None


def _random_table(rng: random.Random) -> dict[str, tuple[int, ...]]:
    results = [k for k in vocab.RESULT_ROWS["2019"]]
    table: dict[str, tuple[int, ...]] = {}
    for key in results:
        cells = [rng.choice((0, 0, 0, 1, 2, 5, 10, 12, 21)) if rng.random() < 0.3 else 0 for _ in range(6)]
        table[key] = (*cells, sum(cells))
    total = tuple(sum(table[k][c] for k in results) for c in range(7))
    carried_over = tuple(0 for _ in range(7))
    forward_cells = [rng.choice((0, 0, 1)) for _ in range(6)]
    forward = (*forward_cells, sum(forward_cells))
    table["total_processed"] = total
    table["carried_over"] = carried_over
    table["carried_forward"] = forward
    table["new_received"] = tuple(t + f for t, f in zip(total, forward, strict=True))
    return table


def test_random_glued_tables_read_right_or_null() -> None:
    rng = random.Random(12)
    recovered = 0
    for _ in range(60):
        truth = _random_table(rng)
        rows = {k: "".join(str(v) for v in vals) for k, vals in truth.items()}
        apps = _apps(rows)
        for key, vals in truth.items():
            got = apps.values[key]
            for col, want in zip(COLS, vals, strict=True):
                assert got[col] in (None, want), (key, col, got[col], want, rows[key])
            if None in got.values():
                assert any(key in issue for issue in apps.issues)
            else:
                recovered += 1
    assert recovered > 60 * 20  # most rows come back
