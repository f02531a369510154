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

HEADER = [
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "总计",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
]
BREAK_BEFORE = ("(二)部分公开", "5.属于三类内部事务信息", "(七)总计", "四、结转下年度继续办理")
PAGE_NUMBERS = ("- 2 -", "2", "第 2 页 共 5 页", "2/5")


def page_break(
    text: str,
    layout: str,
    before: str,
    page: str,
    *,
    form_feed: bool = True,
    continued: bool = True,
    header: bool = True,
) -> str:
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


_DOC_ROWS = (("regulations", "规章"), ("normative_documents", "行政规范性文件"))
_NOTES = {"issued": "（其中修订 {} 件）", "repealed": "（含自然失效 {} 件）", None: "（备注 {} 件）"}


def _pull_out_noted_cells(truth: dict, column: str | None, seed: int) -> str:
    """Table 二 of a markdown conversion whose 规章/规范性文件 cells in `column` carry a note: the converter prints
    each such cell (value, then its note) on lines of its own before the table, and the row one cell short."""
    text = reportgen.render_text(truth, "markdown")
    loose = []
    for key, label in _DOC_ROWS:
        cols = truth["active"][key]
        slot = column or "repealed"
        kept = [str(v) for col, v in cols.items() if col != slot]
        text = text.replace(
            f"| {label} | {' | '.join(str(v) for v in cols.values())} |", f"| {label} | {' | '.join(kept)} |"
        )
        loose.append(f"{cols[slot]}\n{_NOTES[column].format(seed % 5)}")
    head = "二、主动公开政府信息情况\n"
    return text.replace(head, head + "第二十条第（一）项\n" + "\n".join(loose) + "\n", 1)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("column", ["issued", "repealed"])
def test_cells_with_a_note_pulled_out_of_table_two_go_back_in_the_column_the_note_names(seed: int, column: str) -> None:
    truth = generated_report(seed, "2021")
    record = parse_report(_pull_out_noted_cells(truth, column, seed))
    for key, _ in _DOC_ROWS:
        assert record["active"][key] == truth["active"][key]
    assert any("outside the table" in issue for issue in record["issues"])


def test_a_pulled_out_cell_whose_note_names_no_column_is_not_placed() -> None:
    truth = generated_report(1, "2021")
    record = parse_report(_pull_out_noted_cells(truth, None, 1))
    for key, _ in _DOC_ROWS:
        assert set(record["active"][key].values()) == {None}  # two values for three columns: none placed
        assert any(f"active row {key}" in issue for issue in record["issues"])


_APPEAL_HEADINGS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")


def _small_tables_conversion(truth: dict) -> str:
    """A text conversion that prints the title as a markdown heading and table 四 as one small table per group,
    each under a heading of its own."""
    lines = reportgen.render_text(truth, "markdown").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("| 行政复议 |"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    small = []
    for heading, group in zip(
        _APPEAL_HEADINGS, ("review", "litigation_direct", "litigation_after_review"), strict=True
    ):
        values = " | ".join(str(v) for v in truth["appeals"][group].values())
        small += [
            f"### {heading}",
            "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
            "|---|---|---|---|---|",
            f"| {values} |",
            "",
        ]
    lines[start:end] = small
    title = next(i for i, line in enumerate(lines) if "年度报告" in line)
    lines[title] = "# " + lines[title]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(4))
def test_table_four_as_one_small_table_per_group_and_a_heading_title(seed: int) -> None:
    truth = generated_report(seed, "2021")
    record = parse_report(_small_tables_conversion(truth))
    assert record["appeals"] == truth["appeals"]
    assert not record["title"].startswith("#")
    assert record["title"].endswith("年度报告")


def _value(field: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", field) is not None


def _table_three_blocks(truth: dict) -> tuple[list[str], list[list[str]], list[str]]:
    """The tabs rendering of a report split around table 三: lines before, the table's blocks, lines after."""
    text = unicodedata.normalize("NFKC", reportgen.render_text(truth, "tabs"))
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("三、") and "申请" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("四、") and "行政复议" in line)
    blocks: list[list[str]] = [[]]
    for line in lines[start + 1 : end]:
        if line.strip():
            blocks[-1].append(line.strip())
        else:
            blocks.append([])
    return lines[: start + 1], blocks, lines[end:]


def _rows_on_one_line(truth: dict, seed: int) -> str:
    """Table 三 as `pdftotext` leaves a PDF drawn with thin borders: each row on one line, its label then its
    seven values separated by spaces; a label too long for its cell wrapped, the values after its last part;
    the group labels (三、本年度办理结果, (三)不予公开, …) broken over several lines, printed before the row,
    or their pieces put in front of the row labels beside them ("(四)无 1.本机关不掌握…", "法提 2.没有…")."""
    rng = random.Random(seed)
    head, blocks, tail = _table_three_blocks(truth)
    out: list[str] = []
    pieces: list[str] = []  # pieces of a group label still to put in front of the next rows
    for block in blocks:
        if len(block) < 8 or not all(_value(f) for f in block[-7:]):
            out.extend(block)  # the header: one word a line
            continue
        labels, values = block[:-7], " ".join(block[-7:])
        *groups, label = labels
        for group in groups:
            if group.startswith("三、"):
                out.extend(group)  # one character a line, as a narrow merged cell prints it
            elif rng.random() < 0.5:
                out.extend([group[:4], group[4:]])
            else:
                pieces = [group[:4], *(group[i : i + 2] for i in range(4, len(group), 2))]
        prefix = pieces.pop(0) + " " if pieces else ""
        if len(label) > 18:
            out.extend([prefix + label[:18], label[18:] + " " + values])
        else:
            out.append(prefix + label + " " + values)
    out.extend(pieces)
    return "\n".join(head + out + tail)


@pytest.mark.parametrize("seed", range(8))
def test_table_three_rows_on_one_line_with_group_labels_broken_up(seed: int) -> None:
    truth = generated_report(seed, "2021" if seed % 2 else "2019")
    text = _rows_on_one_line(truth, seed)
    assert re.search(r"^\(七\)总计( \d+){7}$", text, re.M)  # the shape: a row's label and values on one line
    record = parse_report(text, url="report.txt")
    wrong, missing = compare_tables(truth, record)
    assert not wrong and not missing, (wrong[:3], missing[:3], record["issues"][:3])


_CJK = re.compile(r"[\u3400-\u9fff]")


def _cuts(label: str, parts: int) -> list[int] | None:
    """Where to break `label` into `parts` pieces, each break between two CJK characters; None if it cannot."""
    size = len(label) // parts
    cuts = [size * k for k in range(1, parts)]
    if size < 3 or not all(_CJK.match(label[c - 1]) and _CJK.match(label[c]) for c in cuts):
        return None
    return cuts


def _values_beside_wrapped_labels(truth: dict, shape: str) -> tuple[str, int]:
    """Table 三 as a PDF's text gives a table whose long labels wrap in their cell while the row's values sit
    vertically centred beside one line of the label: on a middle line of their own ("2.没有现成信息需" / "0 0 0 0 0
    0 0" / "要另行制作": `alone`), after the label's middle part (`middle`), or after its first part, the rest of
    the label on the lines below (`first`). Returns the text and how many rows were wrapped."""
    head, blocks, tail = _table_three_blocks(truth)
    out: list[str] = []
    wrapped = 0
    for block in blocks:
        if len(block) < 8 or not all(_value(f) for f in block[-7:]):
            out.extend(block)
            continue
        *groups, label = block[:-7]
        values = " ".join(block[-7:])
        out.extend(groups)
        cuts = _cuts(label, 3 if shape != "alone" else 2) if len(label) >= 10 else None
        if cuts is None:
            out.append(f"{label} {values}")
            continue
        pieces = [label[a:b] for a, b in zip([0, *cuts], [*cuts, len(label)], strict=True)]
        if shape == "alone":
            out.extend([pieces[0], values, pieces[1]])
        elif shape == "middle":
            out.extend([pieces[0], f"{pieces[1]} {values}", pieces[2]])
        else:
            out.extend([f"{pieces[0]} {values}", pieces[1], pieces[2]])
        wrapped += 1
    return "\n".join(head + out + tail), wrapped


@pytest.mark.parametrize("shape", ["alone", "middle", "first"])
@pytest.mark.parametrize("seed", range(4))
def test_values_printed_beside_one_line_of_their_wrapped_label(seed: int, shape: str) -> None:
    truth = generated_report(seed, "2021" if seed % 2 else "2019")
    text, wrapped = _values_beside_wrapped_labels(truth, shape)
    assert wrapped >= 5
    record = parse_report(text, url="report.txt")
    wrong, missing = compare_tables(truth, record)
    assert not wrong and not missing, (wrong[:3], missing[:3], record["issues"][:3])


@pytest.mark.parametrize("seed", range(4))
def test_a_row_whose_label_a_pdf_lost_takes_its_place_between_labelled_rows(seed: int) -> None:
    """A PDF's text without one row's label cell (`336 22 0 0 5 13 376` between two labelled rows): the one row
    the statutory order puts there, only where the identities hold."""
    truth = generated_report(seed, "2021" if seed % 2 else "2019")
    head, blocks, tail = _table_three_blocks(truth)
    rows = [b for b in blocks if len(b) >= 8 and all(_value(f) for f in b[-7:])]
    lost = rows[len(rows) // 2]  # a row in the middle of the results, with labelled rows on both sides
    out = []
    for block in blocks:
        if block is lost:
            out.append("\t".join(block[-7:]))  # the values only, as the text leaves them
        elif block in rows:
            out.append("\t".join(block[:-7]) + "\t" + "\t".join(block[-7:]))
        else:
            out.extend(block)
    record = parse_report("\n".join(head + out + tail), url="report.pdf.txt")
    wrong, missing = compare_tables(truth, record)
    assert not wrong and not missing, (wrong[:3], missing[:3], record["issues"][:3])
