"""Text conversions of report PDFs (pdftotext, PDF-to-markdown tools): one cell per line, tables broken
across pages with a page number, "续表" and the header printed again between two rows. Every row is read;
a page number is never taken for a cell."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from generated_reports import compare_tables, generated_report

from gxcrawl.demo import reportgen
from gxcrawl.report import parse_report

HEADER = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况", "自然人", "法人或其他组织",
          "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
BREAK_BEFORE = ("(二)部分公开", "5.属于三类内部事务信息", "(七)总计", "四、结转下年度继续办理")
PAGE_NUMBERS = ("- 2 -", "2", "第 2 页 共 5 页", "2/5")






def page_break(text: str, layout: str, before: str, page: str, *, form_feed: bool = True,
               continued: bool = True, header: bool = True) -> str:
    """`text` with a page break before the row labelled `before`, as converters leave it: the page number,
    a form feed, "续表" and the table's header again."""
    at = text.find(before)
    if at < 0:
        at = text.find(before.replace("(", "（").replace(")", "）"))
    assert at > 0, before
    start = text.rfind("\n", 0, at) + 1
    ff = "\f" if form_feed else ""
    cont = ["续表"] if continued else []
    if layout.startswith("cell_per_line"):
        block = [page, ff + (cont[0] if cont else ""), *(HEADER if header else [])]
        insert = "\n\n".join(x for x in block if x) + "\n\n"
    else:
        rows = ["| " + " | ".join(HEADER[:2]) + " |", "|---|---|", "| " + " | ".join(HEADER[2:]) + " |"]
        block = [page, ff + (cont[0] if cont else ""), *(rows if header else [])]
        insert = "\n".join(x for x in block if x) + "\n"
    return text[:start] + insert + text[start:]


def _render(truth: dict, layout: str) -> str:
    if layout == "cell_per_line_tight":  # pdftotext: one cell a line, no blank line between cells
        return re.sub(r"\n\s*\n", "\n", reportgen.render_text(truth, "cell_per_line"))
    return reportgen.render_text(truth, layout)


@pytest.mark.parametrize("layout", ["cell_per_line", "cell_per_line_tight", "pipe_rows", "markdown", "tabs"])
@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_a_table_broken_across_pages_loses_no_row(layout: str, fmt: str) -> None:
    for seed in range(3):
        truth = generated_report(seed, fmt)
        text = _render(truth, layout)
        for before in BREAK_BEFORE:
            for page in PAGE_NUMBERS:
                broken = page_break(text, layout, before, page)
                if layout == "cell_per_line_tight":
                    broken = re.sub(r"\n\s*\n", "\n", broken)
                record = parse_report(broken, url="report.txt")
                wrong, missing = compare_tables(truth, record)
                assert not wrong and not missing, (seed, before, page, wrong[:3], missing[:3], record["issues"][:3])


@pytest.mark.parametrize("layout", ["cell_per_line", "pipe_rows", "tabs"])
def test_page_number_without_a_form_feed_or_header(layout: str) -> None:
    truth = generated_report(7, "2021")
    text = reportgen.render_text(truth, layout)
    for before in BREAK_BEFORE:
        broken = page_break(text, layout, before, "- 3 -", form_feed=False, continued=False, header=False)
        wrong, missing = compare_tables(truth, parse_report(broken, url="report.txt"))
        assert not wrong and not missing, (before, wrong[:3], missing[:3])


def test_a_bare_number_between_rows_is_taken_only_where_the_identities_allow() -> None:
    # "2" right before "续表": the page number, or the row's last cell? The row's 总计 decides; where it
    # cannot (a row of zeros followed by "0"), the row is null with an issue, never misread
    truth = generated_report(2, "2019")
    text = reportgen.render_text(truth, "cell_per_line")
    broken = page_break(text, "cell_per_line", "(七)总计", "0")
    record = parse_report(broken, url="report.txt")
    wrong, missing = compare_tables(truth, record)
    assert not wrong
    for path in missing:
        row = path.split(".")[1]
        assert any(row in issue for issue in record["issues"])


@pytest.mark.parametrize("seed", range(8))
def test_broken_tables_with_defects_are_right_or_null(seed: int) -> None:
    fmt = "2019" if seed % 2 else "2021"
    truth = generated_report(seed, fmt, defects=1.0)
    for layout in ("cell_per_line", "pipe_rows", "markdown", "tabs"):
        text = reportgen.render_text(truth, layout)
        for before in BREAK_BEFORE[1:3]:
            try:
                broken = page_break(text, layout, before, "2")
            except AssertionError:
                continue  # the row is not printed (a defect dropped it)
            wrong, _ = compare_tables(truth, parse_report(broken, url="report.txt"))
            assert not wrong, (layout, before, wrong[:3])


def _bare_rows(text: str, rng: random.Random, share: float, drop: int | None = None) -> tuple[str, list[str]]:
    """Table 三 as PDF-to-markdown converters leave it: some result rows printed as bare values
    (`| 3 | 0 | … | 3 |`) with their label pulled out above the row before; `drop`: that bare row lost."""
    lines = text.split("\n")
    out: list[str] = []
    bare: list[str] = []
    count = 0
    for line in lines:
        fields = [f.strip() for f in line.strip().strip("|").split("|")]
        inside = line.startswith("|  |") and len(fields) == 10 and "总计" not in line
        if inside and rng.random() < share:
            count += 1
            label = "".join(fields[:3])
            bare.append(label)
            if count == drop:
                out.insert(len(out) - 1, label)
                continue
            out.insert(len(out) - 1, label[:6])
            out.insert(len(out) - 1, label[6:])
            out.append("| " + " | ".join(fields[3:]) + " |")
            out.append("|---|---|---|---|---|---|---|")
            continue
        out.append(line)
    return "\n".join(out), bare


@pytest.mark.parametrize("seed", range(10))
def test_bare_value_rows_take_their_place_between_labelled_rows(seed: int) -> None:
    rng = random.Random(seed)
    truth = generated_report(seed, "2021" if seed % 2 else "2019")
    text, bare = _bare_rows(reportgen.render_text(truth, "markdown"), rng, 0.4)
    assert bare
    record = parse_report(text, url="report.md")
    wrong, missing = compare_tables(truth, record)
    assert not wrong and not missing, (wrong[:3], missing[:3], record["issues"][:3])


@pytest.mark.parametrize("seed", range(10))
def test_bare_value_rows_are_not_placed_when_one_is_lost(seed: int) -> None:
    # one bare row missing: the rows between two labelled rows no longer match the order, so none is guessed
    rng = random.Random(seed)
    truth = generated_report(seed, "2021" if seed % 2 else "2019")
    text, bare = _bare_rows(reportgen.render_text(truth, "markdown"), rng, 0.5, drop=2)
    record = parse_report(text, url="report.md")
    wrong, missing = compare_tables(truth, record)
    assert not wrong, wrong[:3]
    assert missing
    for path in missing:
        assert any(path.split(".")[1] in issue for issue in record["issues"]), path


def _items_rows_first(text: str) -> str:
    """Table 二 as converters leave it: the 第二十条第(五)/(六)/(八) rows as plain lines ("行政许可 97"),
    before the `|` table that keeps the 规章/规范性文件 rows."""
    lines = unicodedata.normalize("NFKC", text).split("\n")
    top = next(i for i, line in enumerate(lines) if line.startswith("| 第二十条第(一)项"))
    cut = next(i for i, line in enumerate(lines) if line.startswith("| 第二十条第(五)项"))
    end = next(i for i in range(cut, len(lines)) if not lines[i].startswith("|"))
    plain = []
    for line in lines[cut:end]:
        fields = [f.strip() for f in line.strip().strip("|").split("|") if f.strip()]
        plain.append(" ".join(fields))
    return "\n".join(lines[:top] + plain + lines[top:cut] + lines[end:])


def test_table_two_rows_printed_as_plain_lines_before_the_table() -> None:
    tried = 0
    for seed in range(20):
        truth = generated_report(seed, "2021")
        text = unicodedata.normalize("NFKC", reportgen.render_text(truth, "markdown"))
        if "| 第二十条第(一)项" not in text or "| 第二十条第(五)项" not in text:
            continue  # this report's table 二 is drawn another way
        tried += 1
        record = parse_report(_items_rows_first(text), url="report.md")
        wrong, missing = compare_tables(truth, record)
        assert not wrong and not missing, (seed, wrong[:3], missing[:3], record["issues"][:3])
    assert tried >= 3


def test_a_plain_line_row_whose_label_occurs_twice_is_not_guessed() -> None:
    truth = generated_report(1, "2021")
    text = _items_rows_first(reportgen.render_text(truth, "markdown"))
    text = text.replace("| 第二十条第(一)项", "行政处罚 99\n| 第二十条第(一)项", 1)
    record = parse_report(text, url="report.md")
    wrong, _ = compare_tables(truth, record)
    assert not wrong, wrong[:3]
    assert record["active"].get("penalty", {}).get("decisions") is None
