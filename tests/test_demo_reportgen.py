"""The synthetic report generator (gxcrawl.demo.reportgen): truth is consistent and rendered faithfully.

The identities are recomputed here from docs/report-format.md, independently of the generator's own code;
the HTML is read back with the standard library's HTMLParser and laid out on a grid by its
rowspan/colspan, so a wrong span shows up as a value in the wrong column.
"""

from __future__ import annotations

import random
import re
import unicodedata
from html.parser import HTMLParser

import pytest

from gxcrawl.demo import reportgen

APPLICANT = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"]
COLS = APPLICANT + ["total"]
COMMON_ROWS = [
    "new_received",
    "carried_over",
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
]
OTHER_ROWS = {"2019": ["other"], "2021": ["other_overdue_correction", "other_overdue_fee", "other_other"]}
ACTIVE_SHAPE = {
    "2019": {
        "regulations": ["new_made", "new_published", "total_published"],
        "normative_documents": ["new_made", "new_published", "total_published"],
        "licensing": ["prev_items", "change", "decisions"],
        "other_services": ["prev_items", "change", "decisions"],
        "penalty": ["prev_items", "change", "decisions"],
        "coercion": ["prev_items", "change", "decisions"],
        "fees": ["prev_items", "change"],
        "procurement": ["projects", "amount_wan_yuan"],
    },
    "2021": {
        "regulations": ["issued", "repealed", "in_force"],
        "normative_documents": ["issued", "repealed", "in_force"],
        "licensing": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fees": ["amount_wan_yuan"],
    },
}
GROUPS = ["review", "litigation_direct", "litigation_after_review"]
T4 = ["upheld", "corrected", "other", "pending", "total"]

AGENCIES = ["某某市民政局", "示范县人民政府办公室", "新城区城市管理局", "青山镇人民政府"]


def t3_rows(fmt: str) -> list[str]:
    return COMMON_ROWS + OTHER_ROWS[fmt] + ["total_processed", "carried_forward"]


def make(seed: int, fmt: str, defects: float = 0.0) -> dict:
    rng = random.Random(seed)
    return reportgen.generate_report(
        rng,
        fmt=fmt,
        report_year=2020 if fmt == "2019" else 2022,
        agency=AGENCIES[seed % len(AGENCIES)],
        defects=defects,
    )


CASES = [(seed, fmt) for seed in range(40) for fmt in ("2019", "2021")]


# ---------------------------------------------------------------------------------------------- identities


@pytest.mark.parametrize(("seed", "fmt"), CASES)
def test_clean_report_satisfies_every_hard_identity(seed: int, fmt: str) -> None:
    t = make(seed, fmt)
    assert t["defects"] == []
    assert t["format"] == {"active": fmt, "applications": fmt, "overall": fmt}
    a, ap, t2 = t["applications"], t["appeals"], t["active"]
    # H6: shape / cell counts (22 or 10; 161 or 175; 15), nothing null
    assert {r: list(c) for r, c in t2.items()} == ACTIVE_SHAPE[fmt]
    assert sum(len(c) for c in t2.values()) == (22 if fmt == "2019" else 10)
    assert list(a) == t3_rows(fmt)
    assert all(list(a[r]) == COLS for r in a)
    assert sum(len(c) for c in a.values()) == (161 if fmt == "2019" else 175)
    assert list(ap) == GROUPS and all(list(ap[g]) == T4 for g in GROUPS)
    values = [v for tbl in (t2, a, ap) for cols in tbl.values() for v in cols.values()]
    assert None not in values
    # H1 every row; H2 and H3 every column
    for r in a:
        assert a[r]["total"] == sum(a[r][c] for c in APPLICANT), r
    results = [
        r for r in t3_rows(fmt) if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
    assert len(results) == (19 if fmt == "2019" else 21)
    for c in COLS:
        assert a["total_processed"][c] == sum(a[r][c] for r in results), c
        assert a["new_received"][c] + a["carried_over"][c] == a["total_processed"][c] + a["carried_forward"][c], c
    # H4a/b/c
    for g in GROUPS:
        assert ap[g]["total"] == sum(ap[g][k] for k in T4[:4]), g
    # H5: integers >= 0, except signed 本年增/减 and decimal money
    for r, cols in list(a.items()) + list(ap.items()):
        for c, v in cols.items():
            assert isinstance(v, int) and v >= 0, (r, c, v)
    for r, cols in t2.items():
        for c, v in cols.items():
            if c == "change":
                assert isinstance(v, int)
            elif c == "amount_wan_yuan":
                assert isinstance(v, int | float) and v >= 0
            else:
                assert isinstance(v, int) and v >= 0, (r, c, v)
    # S5 (v2019) / S3 (v2021)
    for r in ("regulations", "normative_documents"):
        if fmt == "2019":
            assert t2[r]["total_published"] >= t2[r]["new_published"]
        else:
            assert t2[r]["issued"] <= t2[r]["in_force"] + t2[r]["repealed"]
    # S4 sanity: a stock never goes negative
    if fmt == "2019":
        for r in ("licensing", "other_services", "penalty", "coercion", "fees"):
            assert t2[r]["prev_items"] + t2[r]["change"] >= 0
    assert all(c["status"] == "pass" for c in t["checks"]), [c for c in t["checks"] if c["status"] != "pass"]


def _raw_state(t: dict, table: str, row: str, col: str) -> str:
    raw = t["raw"][table][row].get(col)
    if raw is None:
        return "dropped"
    if raw.strip() == "":
        return "blank"
    return "value" if t[table][row][col] is not None else "na"


def _involved(fmt: str, check: dict) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(left cells, right cells) of a hard rule, from docs/report-format.md, "Identities"."""
    rid, scope = check["id"], check["scope"]
    results = [
        r for r in t3_rows(fmt) if r not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
    if rid == "H1":
        return [("applications", scope, "total")], [("applications", scope, c) for c in APPLICANT]
    if rid == "H2":
        return [("applications", "total_processed", scope)], [("applications", r, scope) for r in results]
    if rid == "H3":
        return (
            [("applications", "new_received", scope), ("applications", "carried_over", scope)],
            [("applications", "total_processed", scope), ("applications", "carried_forward", scope)],
        )
    if rid in ("H4a", "H4b", "H4c"):
        return [("appeals", scope, "total")], [("appeals", scope, k) for k in T4[:4]]
    raise AssertionError(rid)


@pytest.mark.parametrize(("seed", "fmt"), [(s, f) for s in range(60) for f in ("2019", "2021")])
def test_defective_report_claims_only_what_holds(seed: int, fmt: str) -> None:
    t = make(1000 + seed, fmt, defects=1.0)
    assert t["defects"], "defects=1.0 must give at least one defect"
    ids = {(c["id"], c["scope"]) for c in t["checks"]}
    expected_ids = (
        {("H1", r) for r in t3_rows(fmt)}
        | {("H2", c) for c in COLS}
        | {("H3", c) for c in COLS}
        | {("H4a", "review"), ("H4b", "litigation_direct"), ("H4c", "litigation_after_review")}
    )
    assert expected_ids <= ids
    for check in t["checks"]:
        if not check["id"].startswith("H"):
            continue
        left, right = _involved(fmt, check)
        states = [_raw_state(t, *cell) for cell in left + right]
        lv = sum(t[a][b][c] or 0 for a, b, c in left)
        rv = sum(t[a][b][c] or 0 for a, b, c in right)
        status = check["status"]
        if status == "pass":
            assert set(states) == {"value"} and lv == rv, check
        elif status == "pass_if_blank_is_zero":
            assert "blank" in states and set(states) <= {"value", "blank"} and lv == rv, check
        else:
            assert status == "not_assessable", check
            assert set(states) != {"value"}, check
    # every null in the truth is explained by a defect, and every defect names a real place
    for table in ("active", "applications", "appeals"):
        for r, cols in t[table].items():
            for c, v in cols.items():
                if v is None:
                    assert _raw_state(t, table, r, c) in ("blank", "na", "dropped")
                    assert any(
                        d.split(":", 1)[1] in (f"{table}.{r}.{c}", table, f"{table}.{r}") for d in t["defects"]
                    ), (table, r, c, t["defects"])


def test_defect_share_follows_the_probability() -> None:
    with_defects = sum(bool(make(s, "2019", defects=0.3)["defects"]) for s in range(300))
    assert 50 <= with_defects <= 130
    assert not any(make(s, "2021", defects=0.0)["defects"] for s in range(50))


def test_money_and_signed_deltas_are_read_as_documented() -> None:
    seen_yuan = seen_wan = seen_signed = seen_unsigned = 0
    for s in range(400):
        t = make(s, "2019", defects=0.5)
        raw = t["raw"]["active"]["procurement"]["amount_wan_yuan"]
        value = t["active"]["procurement"]["amount_wan_yuan"]
        if raw.endswith("万元"):
            seen_wan += 1
            assert float(raw[:-2]) == value
        elif raw.endswith("元"):
            seen_yuan += 1
            assert int(raw[:-1]) / 10000 == value
        elif value is None:
            assert raw in ("—", "——", "-"), raw
        else:
            assert raw == "0" and value == 0
        for r in ("licensing", "other_services", "penalty", "coercion", "fees"):
            raw = t["raw"]["active"][r]["change"]
            value = t["active"][r]["change"]
            if value is None:
                assert raw in ("—", "——", "-"), raw
                continue
            norm = unicodedata.normalize("NFKC", raw)
            assert int(norm) == value, (raw, value)
            seen_signed += raw.startswith("+")
            seen_unsigned += value > 0 and not raw.startswith("+")
    assert seen_yuan and seen_wan and seen_signed and seen_unsigned


def test_generator_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="fmt"):
        reportgen.generate_report(random.Random(1), fmt="2018", report_year=2018, agency="x")
    with pytest.raises(ValueError, match="probability"):
        reportgen.generate_report(random.Random(1), fmt="2019", report_year=2020, agency="x", defects=2)
    with pytest.raises(ValueError, match="layout"):
        reportgen.render_text(make(1, "2019"), "pdf")


# ---------------------------------------------------------------------------------------------- determinism


def test_same_seed_same_report_and_renderings() -> None:
    for fmt in ("2019", "2021"):
        a, b = make(7, fmt, defects=0.5), make(7, fmt, defects=0.5)
        assert a == b
        assert reportgen.render_body_html(a) == reportgen.render_body_html(b)
        for layout in reportgen.LAYOUTS[1:]:
            assert reportgen.render_text(a, layout) == reportgen.render_text(b, layout)
        pa = reportgen.render_pre2019(random.Random(3), report_year=2016, agency="某某局")
        pb = reportgen.render_pre2019(random.Random(3), report_year=2016, agency="某某局")
        assert pa == pb
    assert make(7, "2019") != make(8, "2019")


def test_title_year_and_publication_date() -> None:
    titles = set()
    for s in range(60):
        t = make(s, "2019")
        assert str(t["report_year"]) in t["title"] and t["agency"] in t["title"]
        y, m, d = map(int, t["published"].split("-"))
        assert y == t["report_year"] + 1 and 1 <= m <= 3
        text = reportgen.render_text(t, "pipe_rows")
        assert f"{y}年{m}月{d}日" in text
        titles.add(re.sub(r"\d{4}", "Y", t["title"].replace(t["agency"], "A")))
        assert set(t["sections"]) == {"overview", "active", "applications", "appeals", "problems", "other"}
        assert t["sections"]["overview"] and t["sections"]["problems"] and t["sections"]["other"]
    assert len(titles) >= 3


# ---------------------------------------------------------------------------------------------- renderings


class _Tables(HTMLParser):
    """Every <table> of a fragment laid out on a grid of (row, col) -> text, honouring rowspan/colspan."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[int, int, list[str]]]]] = []
        self.stack: list[list[list[tuple[int, int, list[str]]]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.stack.append([])
        elif tag == "tr" and self.stack:
            self.stack[-1].append([])
        elif tag in ("td", "th") and self.stack:
            self.cell = []
            self.stack[-1][-1].append((int(a.get("rowspan") or 1), int(a.get("colspan") or 1), self.cell))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.stack:
            self.tables.append(self.stack.pop())
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_grids(fragment: str) -> list[dict[tuple[int, int], str]]:
    parser = _Tables()
    parser.feed(fragment)
    grids = []
    for rows in parser.tables:
        if len(rows) == 1 and len(rows[0]) == 1:
            continue  # the layout table around the body
        grid: dict[tuple[int, int], str] = {}
        for r, row in enumerate(rows):
            c = 0
            for rowspan, colspan, texts in row:
                while (r, c) in grid:
                    c += 1
                text = "".join(texts).replace("\xa0", "").strip()
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else "<span>"
                c += colspan
        grids.append(grid)
    return grids


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


@pytest.mark.parametrize(("seed", "fmt"), [(s, f) for s in range(25) for f in ("2019", "2021")])
def test_html_tables_put_every_value_in_its_grid_column(seed: int, fmt: str) -> None:
    t = make(2000 + seed, fmt, defects=0.5)
    grids = html_grids(reportgen.render_body_html(t))
    t3 = next(g for g in grids if any("申请人情况" in v for v in g.values()))
    t4 = next(g for g in grids if any("未经复议直接起诉" in v for v in g.values()))
    # table 三: 10 columns; three header rows; the 7 values in columns 3..9 of the row holding the label
    assert max(c for _, c in t3) == 9
    assert t3[(0, 0)].startswith(("(本列数据", "（本列数据")) and t3[(2, 2)] == "<span>"
    assert t3[(1, 3)] == "自然人" and t3[(1, 4)] == "法人或其他组织" and t3[(1, 9)] == "总计"
    nrows = max(r for r, _ in t3) + 1
    assert nrows == 3 + len(t3_rows(fmt))
    for i, row in enumerate(t3_rows(fmt)):
        r = 3 + i
        for j, col in enumerate(COLS):
            raw = t["raw"]["applications"][row].get(col)
            got = t3.get((r, 3 + j))
            if raw is None:  # dropped cell of a short row: nothing in that column
                assert got is None, (row, col, got)
            else:
                assert got == raw.strip(), (row, col, got, raw)
    n = len(t3_rows(fmt))
    assert "本年度办理结果" in t3[(5, 0)] and t3[(n + 1, 0)] == "<span>"  # rowspan 20 / 22 down to (七)总计
    assert "结转下年度" in t3[(n + 2, 0)]
    # table 四: 15 columns, three header rows, values in row 3
    assert max(c for _, c in t4) == 14 and t4[(2, 0)] == "<span>" and t4[(1, 5)] == "未经复议直接起诉"
    for gi, g in enumerate(GROUPS):
        for ki, k in enumerate(T4):
            raw = t["raw"]["appeals"][g].get(k)
            got = t4.get((3, gi * 5 + ki))
            assert got == (None if raw is None else raw.strip()), (g, k, got, raw)
    # table 二: every row label followed by its values in order (misaligned colspans allowed)
    t2_grids = [g for g in grids if "信息内容" in g.values()]
    assert len(t2_grids) in (1, 4 if fmt == "2021" else 5)
    labels = t["doc"]["labels"]["active"]
    for row, cols in ACTIVE_SHAPE[fmt].items():
        for g in t2_grids:
            hits = [r for (r, c), v in g.items() if c == 0 and v == labels[row]]
            if hits:
                r = hits[0]
                vals = [g[(r, c)] for c in range(1, 4) if g.get((r, c)) not in (None, "<span>")]
                want = [t["raw"]["active"][row][c].strip() for c in cols]
                assert [v for v in vals] == [w for w in want], (row, vals, want)
                break
        else:
            raise AssertionError(f"row {row} not found")


def _cell_raws(t: dict) -> list[str]:
    return [
        raw
        for table in ("active", "applications", "appeals")
        for cols in t["raw"][table].values()
        for raw in cols.values()
    ]


@pytest.mark.parametrize("layout", reportgen.LAYOUTS[1:])
@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_text_layout_writes_every_row_in_order(layout: str, fmt: str) -> None:
    for seed in range(12):
        t = make(3000 + seed, fmt, defects=0.4)
        text = reportgen.render_text(t, layout)
        flat = _norm(text).replace("|", "")
        for raw in _cell_raws(t):
            if raw.strip():
                assert _norm(raw) in flat
        # each table-三 row: its label, then its values, in order, nothing else between
        for row in t3_rows(fmt):
            label = _row_label(t, row)
            want = "".join(_norm(t["raw"]["applications"][row][c]) for c in COLS if c in t["raw"]["applications"][row])
            assert _norm(label) + want in _strip_separators(text, layout), (layout, row, want)


def _row_label(t: dict, row: str) -> str:
    return t["doc"]["labels"]["applications"][row]


def _strip_separators(text: str, layout: str) -> str:
    lines = [ln for ln in text.splitlines() if not re.fullmatch(r"[|\-\s]*", ln) or not ln]
    return _norm("".join(lines)).replace("|", "")


def _report_text_norm(text: str) -> str:
    """Normalised report text as the parser's text_sha256 defines it: NFKC, whitespace and separators dropped."""
    lines = [ln for ln in text.splitlines() if not re.fullmatch(r"\s*\|?(-{3,}\|)+\s*", ln)]
    return re.sub(r"[\s|]", "", unicodedata.normalize("NFKC", "\n".join(lines)))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_every_layout_carries_the_same_text() -> None:
    for seed in range(20):
        for fmt in ("2019", "2021"):
            t = make(4000 + seed, fmt, defects=0.3)
            parser = _Text()
            parser.feed(reportgen.render_body_html(t))
            reference = _report_text_norm("".join(parser.parts))
            for layout in reportgen.LAYOUTS[1:]:
                assert _report_text_norm(reportgen.render_text(t, layout)) == reference, (seed, fmt, layout)


def test_glued_layout_has_no_separators_between_cells() -> None:
    glued_without_spaces = 0
    for seed in range(30):
        t = make(5000 + seed, "2019" if seed % 2 else "2021")
        text = reportgen.render_text(t, "glued")
        lines = text.splitlines()
        t3_line = next(ln for ln in lines if "申请人情况" in ln)
        t4_line = next(ln for ln in lines if "未经复议直接起诉" in ln)
        for line in (t3_line, t4_line):
            assert "|" not in line and "\t" not in line
        # the whole of table 三 is on that one line
        assert "四、结转下年度继续办理" in t3_line and t3_line.index("申请人情况") < t3_line.index(
            "(七)总计" if "(七)总计" in t3_line else "（七）总计"
        )
        row = t["raw"]["applications"]["new_received"]
        digits = "".join(row[c] for c in COLS)
        label = _row_label(t, "new_received")
        if not t["style"]["glued_spaces"]:
            glued_without_spaces += 1
            assert label + digits in t3_line  # e.g. 一、本年新收政府信息公开申请数量350000035
            t4_digits = "".join(t["raw"]["appeals"][g][k] for g in GROUPS for k in T4)
            assert t4_line.endswith("总计" + t4_digits)
        else:
            assert re.sub(" ", "", t3_line).count(label + digits) == 1
    assert glued_without_spaces >= 5


def test_cell_per_line_and_pipe_layouts_look_like_the_seeds() -> None:
    t = next(
        t
        for s in range(11, 80)
        if not ((t := make(s, "2021"))["style"]["t2_caption_outside"] or t["style"]["caption_spaces"])
    )
    pipes = reportgen.render_text(t, "pipe_rows")
    assert "行政许可 | " + t["raw"]["active"]["licensing"]["decisions"] + " | ||" in pipes  # seed 001
    assert re.search(r"^第二十条第[(（]一[)）]项 \| \|\|\|$", pipes, re.M)
    cpl_pipes = reportgen.render_text(t, "cell_per_line_pipes")
    assert re.search(r"^申请人情况 \|\n\|{8}$", cpl_pipes, re.M)  # seed 003
    cpl = reportgen.render_text(t, "cell_per_line")
    assert "\n\n申请人情况\n\n自然人\n\n" in cpl  # seeds 000/004
    tabs = reportgen.render_text(t, "tabs")
    assert "\n\t\n\t\n\t\n\t\n\t\n\t结果" in tabs  # seed 002: five covered cells before the 10 sub-headers
    md = reportgen.render_text(t, "markdown")
    assert re.search(r"^\|(---\|){10}$", md, re.M) and re.search(r"^\|(---\|){15}$", md, re.M)


def test_pre2019_report_has_no_post2019_anchors() -> None:
    anchors = [
        "本列数据的勾稽关系",
        "申请人情况",
        "未经复议直接起诉",
        "本年新制作数量",
        "本年制发件数",
        "第二十条第",
        "法人或其他组织",
        "本年度办理结果",
        "结转下年度继续办理",
    ]
    for seed in range(30):
        year = 2009 + seed % 10
        body = reportgen.render_pre2019(random.Random(seed), report_year=year, agency="某某县人民政府")
        text = _norm(re.sub(r"<[^>]+>", "", body))
        for anchor in anchors:
            assert _norm(anchor) not in text, (year, anchor)
        assert f"{year}年政府信息公开工作年度报告" in text
        assert "依申请公开政府信息情况" in text and "收费及减免情况" in text
        assert ("统计指标" in text) == (year >= 2014)


def test_truth_is_plain_json_and_html_is_gbk_encodable() -> None:
    import json

    for seed in range(40):
        for fmt in ("2019", "2021"):
            t = make(6000 + seed, fmt, defects=0.5)
            assert json.loads(json.dumps(t, ensure_ascii=False)) == t
            assert all(c["status"] != "fail" for c in t["checks"])
            reportgen.render_body_html(t).encode("gbk")  # a GBK site serves these bodies
    reportgen.render_pre2019(random.Random(1), report_year=2012, agency="某某县人民政府").encode("gbk")


def test_magnitudes_are_realistic() -> None:
    totals = [make(s, "2019")["applications"]["new_received"]["total"] for s in range(300)]
    zeros = sum(1 for x in totals if x == 0)
    assert 0.15 * len(totals) <= zeros <= 0.6 * len(totals)  # many agencies receive no application
    assert sorted(totals)[len(totals) // 2] <= 20  # the median agency is small
    assert max(totals) >= 1000  # a few large ones


def _splits(digits: str, k: int) -> list[list[int]]:
    """Every way to cut a digit string into k integers without leading zeros (independent brute force)."""
    if k == 0:
        return [[]] if digits == "" else []
    out = []
    for end in range(1, len(digits) - k + 2):
        head = digits[:end]
        if len(head) > 1 and head[0] == "0":
            break
        out += [[int(head)] + rest for rest in _splits(digits[end:], k - 1)]
    return out


def test_uncertain_cells_only_where_the_rendering_is_undecidable() -> None:
    checked_rows = 0
    for seed in range(40):
        fmt = "2019" if seed % 2 else "2021"
        t = make(7000 + seed, fmt, defects=0.0)
        for layout in ("html", "pipe_rows", "tabs", "markdown", "cell_per_line", "cell_per_line_pipes"):
            assert reportgen.uncertain_cells(t, layout) == []
        unsure = set(reportgen.uncertain_cells(t, "glued"))
        text = reportgen.render_text(t, "glued")
        for row in t3_rows(fmt):
            raws = [t["raw"]["applications"][row][c] for c in COLS]
            if not all(r.isascii() and r.isdigit() for r in raws):
                continue
            label = _row_label(t, row)
            if label + "".join(raws) not in text:
                continue  # a space fell inside this row: a hard boundary, not tested here
            checked_rows += 1
            ok = [v for v in _splits("".join(raws), 7) if sum(v[:6]) == v[6]]
            assert [int(r) for r in raws] in ok
            want_unsure = len(ok) > 1
            assert (f"applications.{row}.total" in unsure) == want_unsure, (row, raws, ok[:3])
    assert checked_rows > 100
    # defects: rows with blank / NA / dropped cells are uncertain in glued; blanks also in cell_per_line
    for seed in range(40):
        t = make(8000 + seed, "2019", defects=1.0)
        glued = set(reportgen.uncertain_cells(t, "glued"))
        cpl = set(reportgen.uncertain_cells(t, "cell_per_line"))
        for table in ("applications", "active"):
            for row, cols in t["raw"][table].items():
                full = len(cols) == len(t[table][row])
                if not full or any(t[table][row][c] is None for c in cols):
                    assert {f"{table}.{row}.{c}" for c in t[table][row]} <= glued
                if any(v.strip() == "" for v in cols.values()):
                    assert {f"{table}.{row}.{c}" for c in t[table][row]} <= cpl


def test_seed_pages_are_the_seeds_with_their_expected_values() -> None:
    """The committed seed portal pages equal what build_pages.py draws from the seed texts, and their tables
    and body text agree with the hand-typed expected records (the builder's own check)."""
    import importlib.util
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent / "fixtures" / "seeds" / "html"
    spec = importlib.util.spec_from_file_location("build_pages", here / "build_pages.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build  # dataclasses look their module up while the file executes
    try:
        spec.loader.exec_module(build)
    finally:
        del sys.modules[spec.name]
    for name, (builder, encoding) in build.PAGES.items():
        page = builder(build.load(name))
        assert (here / f"{name}.html").read_bytes() == page.encode(encoding), f"{name}.html is stale"
        assert build.check(name, page) == []
    gbk = (here / "002_559a03cdbb29f6b3.html").read_bytes()
    assert b"charset=gbk" in gbk and "申请人情况".encode("gbk") in gbk
