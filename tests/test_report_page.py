"""gxcrawl.report.page on realistic portal pages, one family at a time (tests/fixtures/pages/<family>/).

Each page in tests/fixtures/pages/index.json is keyed by the URL it imitates and carries its "with"
snippets (title, first statutory heading, table rows) and expected metadata/attachments; the
"without" snippets are the chrome catalogue below (docs/portals.md, "Page chrome and metadata"), checked on every page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gxcrawl.report.page import Link, Page, load_page

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
INDEX = json.loads((PAGES / "index.json").read_text(encoding="utf-8"))["pages"]

# Page chrome (header/toolbar, breadcrumbs, article tools, footer) and metadata labels, as data.
CHROME_STRINGS: tuple[str, ...] = tuple(
    line
    for line in (PAGES / "chrome_strings.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def _load(entry: dict) -> Page:
    return load_page((PAGES / entry["file"]).read_bytes(), url=entry["url"], content_type=entry["content_type"])


@pytest.fixture(scope="module", params=INDEX, ids=[e["file"] for e in INDEX])
def loaded(request: pytest.FixtureRequest) -> tuple[dict, Page]:
    return request.param, _load(request.param)


def test_every_family_has_a_fixture() -> None:
    families = {e["file"].split("/")[0] for e in INDEX}
    assert {"trs", "hanweb", "vsb", "gkmlpt", "ucap", "word", "gbk", "lying_charset", "nested_tables"} <= families


def test_body_holds_the_report(loaded: tuple[dict, Page]) -> None:
    entry, page = loaded
    assert page.kind == "html"
    lines = page.text.splitlines()
    assert entry["title"] in page.text
    assert entry["first_heading"] in lines
    assert "六、其他需要报告的事项" in lines
    for snippet in entry["contains"]:
        assert snippet in page.text
    # the report's first line is its title, the last its date: nothing before or after
    assert lines[0] == entry["title"]
    assert lines[-1].endswith("日")


def test_no_chrome_survives(loaded: tuple[dict, Page]) -> None:
    _entry, page = loaded
    left = {s: [line for line in page.text.splitlines() if s in line] for s in CHROME_STRINGS if s in page.text}
    assert not left
    assert page.body_html is not None
    for marker in ("<script", "<select", "<style", "打印本页", "关闭窗口", "ICP备", "网站标识码", "索引号"):
        assert marker not in page.body_html


def test_body_html_keeps_tables_with_spans(loaded: tuple[dict, Page]) -> None:
    _entry, page = loaded
    assert page.body_html is not None
    assert page.body_html.count("<table") >= 3
    assert 'rowspan="3"' in page.body_html and 'colspan="7"' in page.body_html


def test_metadata(loaded: tuple[dict, Page]) -> None:
    entry, page = loaded
    for key, value in entry["metadata"].items():
        assert page.metadata.get(key) == value, key
    assert page.title == entry["title"]
    if "encoding" in entry:
        assert page.encoding == entry["encoding"]


def test_attachments(loaded: tuple[dict, Page]) -> None:
    entry, page = loaded
    urls = [a.url for a in page.attachments]
    assert urls[: len(entry["attachments"])] == entry["attachments"]
    assert len(urls) == len(set(urls))
    for link in page.attachments:
        assert link.url.startswith("http")
        assert link.text


def test_table_rows_are_tab_lines_with_empty_cells_kept() -> None:
    html = (
        "<html><body><div id='zoom'><p>一、总体情况</p><table>"
        "<tr><td rowspan='2'>三、本年度办理结果</td><td>（一）予以公开</td><td></td><td>5</td></tr>"
        "<tr><td>本年新<br>制作数量</td><td>\u3000</td><td>\xa0</td></tr>"
        "<tr><td></td><td> </td></tr>"
        "</table><p>六、其他需要报告的事项</p></div></body></html>"
    )
    page = load_page(html)
    assert page.text.splitlines() == [
        "一、总体情况",
        "三、本年度办理结果\t（一）予以公开\t\t5",
        "本年新制作数量\t\u3000\t\xa0",  # rowspan not expanded; U+3000/NBSP kept for the parser
        "六、其他需要报告的事项",
    ]


def test_layout_tables_render_as_blocks_and_inner_tables_survive() -> None:
    inner = "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr></table>"
    html = (
        "<html><body><table><tr><td>导航</td></tr><tr><td>"
        "<p>一、总体情况</p><p>我局全年主动公开信息。</p>"
        f"<table><tr><td><p>二、主动公开政府信息情况</p>{inner}</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p><p>六、其他需要报告的事项</p>"
        "</td></tr></table></body></html>"
    )
    page = load_page(html)
    lines = page.text.splitlines()
    assert "信息内容\t本年制发件数" in lines and "规章\t3" in lines
    assert "二、主动公开政府信息情况" in lines
    assert "导航" not in page.text  # outside the block holding the headings
    assert page.body_html is not None and page.body_html.count("<table") == 2


@pytest.mark.parametrize(
    ("seed", "dropped", "kept_first"),
    [
        (
            "000_c93bc2a644177ce0.txt",
            ["兵团政务网", "【字体: 打印本页", "作者:兵团民政局", "发布时间:21年01月29日"],
            "兵团民政局政府信息公开工作年度报告(2020年度)",
        ),
        (
            "004_06262f519957789b.txt",
            [
                "您当前的位置: 首页 >> 公开信息内容",
                "号: cxs045-/2021-0129001",
                "发文日期: 2021-01-29",
                "发布机构: 楚雄市新村镇",
                "发表时间:2021-01-29",
                "字体:[",
            ],
            "楚雄市新村镇2020年政府信息公开工作年度报告",
        ),
    ],
)
def test_text_seeds_lose_their_chrome_and_nothing_else(seed: str, dropped: list[str], kept_first: str) -> None:
    raw = (SEEDS / seed).read_text(encoding="utf-8")
    page = load_page(raw.encode("utf-8"), content_type="text/plain")
    assert page.kind == "text" and page.body_html is None
    for chrome_line in dropped:
        assert chrome_line not in page.text
    assert page.text.splitlines()[0] == kept_first
    # every non-chrome line of the seed is still there, verbatim and in order
    kept = page.text.splitlines()
    removed = [line for line in raw.splitlines() if line not in kept]
    assert all(any(d in line for d in dropped) or line.startswith(("称:", "号:")) for line in removed if line.strip())
    assert "六、其他需要报告的事项" in kept or "五、存在的主要问题及改进情况" in kept
    assert page.metadata["published"] == "2021-01-29"


def test_seed_004_metadata_block_becomes_metadata() -> None:
    page = load_page((SEEDS / "004_06262f519957789b.txt").read_bytes())
    assert page.metadata["index_no"] == "cxs045-/2021-0129001"
    assert page.metadata["category"] == "政府信息公开年报"
    assert page.metadata["agency"] == "楚雄市新村镇"
    assert page.title == "楚雄市新村镇2020年政府信息公开工作年度报告"


def test_seed_000_header_line_metadata() -> None:
    page = load_page((SEEDS / "000_c93bc2a644177ce0.txt").read_bytes())
    assert page.metadata["published"] == "2021-01-29"  # "21年01月29日"
    assert page.metadata["source"] == "民政局"


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt") if not p.name.startswith(("000", "004"))))
def test_clean_seeds_pass_through_unchanged(seed: str) -> None:
    raw = (SEEDS / seed).read_text(encoding="utf-8")
    assert load_page(raw).text == raw.strip("\n")


def test_markdown_passes_through() -> None:
    md = (
        "# XX县2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n"
        "| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n"
    )
    page = load_page(md.encode("utf-8"), url="file:///r/report.md")
    assert page.kind == "text"
    assert page.text == md.strip("\n")
    assert page.title == "XX县2023年政府信息公开工作年度报告"


def test_url_date_is_the_last_resort() -> None:
    html = "<html><body><div class='TRS_Editor'><p>一、总体情况</p><p>全年公开信息120条。</p></div></body></html>"
    page = load_page(html, url="http://www.x.gov.cn/zfxxgknb/202103/t20210305_123.html")
    assert page.metadata["published"] == "2021-03-05"
    page = load_page(
        html.replace("<body>", "<body><p>发布日期：2021-02-01</p>"), url="http://www.x.gov.cn/202103/t20210305_1.html"
    )
    assert page.metadata["published"] == "2021-02-01"


def test_attachment_shapes() -> None:
    html = """<html><body><div id="zoom"><p>详见附件。</p>
    <a href="/module/download/downfile.jsp?classid=0&amp;filename=abc.pdf">年报.pdf</a>
    <a href="../files/report.WPS">年报.wps</a>
    <a href="/pdfjs/web/viewer.html?file=/uploads/2023/nb.pdf">在线预览</a>
    <span data-file-url="/uploads/2023/nb.ofd">OFD版</span>
    <a href="javascript:void(0)" onclick="window.open('/uploads/2023/nb.docx')">下载Word</a>
    <a href="/other/page.html">相关文章</a>
    </div><div class="footer"><a href="/privacy.pdf">隐私政策</a></div></body></html>"""
    page = load_page(html, url="https://www.x.gov.cn/zwgk/nb/202401/t20240110_1.html")
    assert [a.url for a in page.attachments] == [
        "https://www.x.gov.cn/module/download/downfile.jsp?classid=0&filename=abc.pdf",
        "https://www.x.gov.cn/zwgk/nb/files/report.WPS",
        "https://www.x.gov.cn/uploads/2023/nb.pdf",
        "https://www.x.gov.cn/uploads/2023/nb.ofd",
        "https://www.x.gov.cn/uploads/2023/nb.docx",
    ]
    assert page.attachments[0] == Link(page.attachments[0].url, "年报.pdf")


def test_stub_page_with_metadata_table_keeps_its_one_line_body_and_attachment() -> None:
    # Attachment-only reports: the metadata table, title and stub all fit in one short <div>; only the table
    # is metadata (regression: the whole short article was once taken for the metadata block).
    html = """<html><body><div class="main"><div class="article">
    <table class="xxgk_table"><tr><td><b>索　引　号：</b></td><td>99000142/2023-42736</td>
    <td><b>发布机构：</b></td><td>云溪市医疗保障局</td></tr><tr><td><b>发布日期：</b></td><td>2023-02-13</td></tr></table>
    <h1>云溪市医疗保障局政府信息公开工作年度报告(2022年度)</h1>
    <div class="trs_editor_view"><p>云溪市医疗保障局政府信息公开工作年度报告(2022年度)详见附件。</p>
    <p class="insertfileTag"><a appendix="true" href="./P0202302139427360950980.pdf">年度报告.pdf</a></p></div>
    </div></div></body></html>"""
    page = load_page(html, url="http://www.yx.gov.cn/zwgk/ndbg/202302/t20230213_9942736.html")
    assert page.text == "云溪市医疗保障局政府信息公开工作年度报告(2022年度)详见附件。\n年度报告.pdf"
    assert page.attachments[0].url == "http://www.yx.gov.cn/zwgk/ndbg/202302/P0202302139427360950980.pdf"
    assert page.metadata["index_no"] == "99000142/2023-42736"
    assert page.metadata["published"] == "2023-02-13"


def test_statutory_tables_anchor_the_body_when_there_are_no_headings() -> None:
    table = (
        "<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>0</td><td>0</td><td>3</td></tr></table>"
    )
    html = (
        "<html><body><div class='side'><a href='/a'>机构概况</a><a href='/b'>政策文件</a></div>"
        f"<div class='wrap'><p>主动公开政府信息情况如下表。</p>{table}<p>本年度未收到政府信息公开申请。</p></div>"
        "<div class='bottom-bar'>主办单位：XX县人民政府办公室</div></body></html>"
    )
    page = load_page(html)
    assert page.text.splitlines() == [
        "主动公开政府信息情况如下表。",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t3",
        "本年度未收到政府信息公开申请。",
    ]


def test_traditional_character_copy_finds_its_body() -> None:
    html = (
        "<html><body><div class='side'><a href='/a'>機構概況</a></div><div class='x'>"
        "<p>一、總體情況</p><p>全年主動公開政府信息。</p><p>六、其他需要報告的事項</p><p>無。</p></div>"
        "<div class='footer'>主辦單位：XX縣人民政府辦公室</div></body></html>"
    )
    assert load_page(html).text.splitlines() == [
        "一、總體情況",
        "全年主動公開政府信息。",
        "六、其他需要報告的事項",
        "無。",
    ]


def test_text_chrome_filter_keeps_content_that_merely_looks_like_chrome() -> None:
    text = "\n".join(
        [
            "您当前的位置：首页 > 政务公开 > 年报",
            "XX县2023年政府信息公开工作年度报告",
            "发布时间：2024-01-20 来源：县政府办 【字体：大 中 小】",
            "一、总体情况",
            "通过网站、微信、微博等渠道公开信息。",
            "公开渠道",
            "微信",  # a table cell, one per line
            "微博",
            "来源：本报告数据来源于各部门报送。",  # mid-report: label-looking prose stays
            "六、其他需要报告的事项",
            "无。",
            "XX县人民政府",
            "2024年1月20日",
            "【打印本页】【关闭窗口】",
            "上一篇：XX县2022年政府信息公开工作年度报告",
            "主办单位：XX县人民政府办公室 网站标识码：1304000009",
            "冀ICP备05029117号-1",
        ]
    )
    page = load_page(text)
    assert page.text.splitlines() == [
        "XX县2023年政府信息公开工作年度报告",
        "一、总体情况",
        "通过网站、微信、微博等渠道公开信息。",
        "公开渠道",
        "微信",
        "微博",
        "来源：本报告数据来源于各部门报送。",
        "六、其他需要报告的事项",
        "无。",
        "XX县人民政府",
        "2024年1月20日",
    ]
    assert page.metadata["published"] == "2024-01-20"
    assert page.title == "XX县2023年政府信息公开工作年度报告"
