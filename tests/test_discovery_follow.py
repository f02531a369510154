"""The follow policy (gxcrawl/discovery/follow.py), pure: what a page is, which links of it to ask for next and
with which role, and what a downloaded body is as a document."""

from __future__ import annotations

import io
import zipfile

import pytest

from gxcrawl.discovery import Anchor
from gxcrawl.discovery.classify import REPORT, Verdict
from gxcrawl.discovery.follow import (
    MAX_COLUMN_DEPTH,
    MAX_DISCLOSURE_DEPTH,
    Follow,
    analyse_page,
    document_kind,
    follow_from_list,
    is_article_url,
    is_report_list,
    preference,
    title_stem,
    under,
)
from gxcrawl.discovery.registry import portal_from_dict

PORTAL = portal_from_dict({"id": "xs", "entry_urls": ["http://www.xs.gov.cn/"], "allowed_hosts": ["www.xs.gov.cn"]})
SITE = "http://www.xs.gov.cn"
COLUMN = f"{SITE}/zwgk/nb/index.html"


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


# --- documents ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "url", "content_type", "kind"),
    [
        (b"%PDF-1.7\n...", f"{SITE}/download?id=1", "application/octet-stream", "pdf"),
        (b"\n\n%PDF-1.4\n...", f"{SITE}/a.pdf", None, "pdf"),  # junk before the header
        (_zip("[Content_Types].xml", "word/document.xml"), f"{SITE}/a.docx", None, "docx"),
        (_zip("[Content_Types].xml", "word/document.xml"), f"{SITE}/a.wps", None, "docx"),  # a WPS saved as DOCX
        (_zip("OFD.xml", "Doc_0/Document.xml"), f"{SITE}/a.zip", None, "ofd"),  # the members say OFD
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, f"{SITE}/a.doc", "application/msword", "doc"),
        # what a link promised a document and got instead: not a document
        (
            b"<html><body>\xe8\xaf\xb7\xe5\x85\x88\xe7\x99\xbb\xe5\xbd\x95</body></html>",
            f"{SITE}/a.pdf",
            "application/pdf",
            None,
        ),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), f"{SITE}/a.docx", None, None),  # a spreadsheet
        (_zip("a.pdf", "b.pdf"), f"{SITE}/a.zip", None, None),  # a plain ZIP
        (b"PK\x03\x04 truncated", f"{SITE}/a.docx", None, None),  # a damaged container
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, f"{SITE}/scan.pdf", "application/pdf", None),  # a scanned image
        (b"plain words", f"{SITE}/a.txt", "text/plain", None),
    ],
)
def test_document_kind_is_read_from_the_bytes(
    body: bytes, url: str, content_type: str | None, kind: str | None
) -> None:
    assert document_kind(body, url=url, content_type=content_type) == kind


def test_documents_are_preferred_in_one_order() -> None:
    assert sorted(["ofd", None, "pdf", "doc", "docx"], key=preference) == ["docx", "pdf", "doc", "ofd", None]


# --- shapes ----------------------------------------------------------------------------------------------------


def test_url_and_title_shapes() -> None:
    assert is_article_url(f"{SITE}/zwgk/nb/202401/t20240115_123.html")
    assert not is_article_url(f"{SITE}/zwgk/nb/index_2.html") and not is_article_url(f"{SITE}/col/col123/index.html")
    assert under(f"{SITE}/zwgk/nb/2023n/a.html", COLUMN) and under(f"{SITE}/zwgk/nb/x/", f"{SITE}/zwgk/nb/")
    assert not under(COLUMN, COLUMN) and not under(f"{SITE}/zwgk/other/a.html", COLUMN)
    assert not under("http://other.gov.cn/zwgk/nb/a.html", COLUMN)
    assert title_stem(" 2023年 年度报告.PDF") == title_stem("2023年年度报告") == "2023年年度报告"


def test_three_report_links_make_a_list_unless_the_body_is_a_report() -> None:
    assert not is_report_list(2, Verdict(REPORT, reasons=("title",)))  # 上一篇 / 下一篇
    assert is_report_list(3, Verdict(REPORT, reasons=("title",)))
    assert not is_report_list(30, Verdict(REPORT, reasons=("title", "body")))


# --- one page ----------------------------------------------------------------------------------------------------


def _page(title: str, links: list[tuple[str, str]], body: str = "") -> str:
    rows = "".join(f'<li><a href="{href}">{text}</a> 2024-01-15</li>' for href, text in links)
    return f"<html><head><title>{title}</title></head><body><ul>{rows}</ul>{body}</body></html>"


def test_a_column_listing_reports_is_a_list_and_a_report_page_is_not() -> None:
    reports = [(f"/zwgk/nb/2024/t2024011{i}_{i}.html", f"某局{2020 + i}年政府信息公开工作年度报告") for i in range(3)]
    page = analyse_page(COLUMN, _page("年报", reports), PORTAL, "column", 1000)
    assert page.is_list and [a.url for a in page.anchors] == [SITE + href for href, _ in reports]
    assert not page.capped and page.hints == {}
    # a page whose body is a report stays the report, however many other reports it links
    url = f"{SITE}/zwgk/nb/2024/t20240115_9.html"
    text = "某局2023年政府信息公开工作年度报告"
    body = "".join(
        f"<p>{h}</p><p>本机关依法开展工作。</p>"
        for h in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况")
    )
    page = analyse_page(url, _page(text, reports, body), PORTAL, "candidate", 1000)
    assert not page.is_list and page.verdict.label == REPORT and "body" in page.verdict.reasons
    assert page.title == text and page.hints  # a report's page hints are read
    capped = analyse_page(COLUMN, _page("年报", reports), PORTAL, "column", 2)
    assert capped.capped and len(capped.anchors) == 2


# --- which links to follow -------------------------------------------------------------------------------------


def _anchor(href: str, text: str, context: str = "") -> Anchor:
    return Anchor(SITE + href if href.startswith("/") else href, text, context=context)


def test_an_entry_page_leads_to_columns_notices_and_disclosure_blocks() -> None:
    anchors = [
        _anchor("/zwgk/nb/", "政府信息公开年报"),
        _anchor("/zwgk/tzgg/", "通知公告"),
        _anchor("/zwgk/", "政府信息公开"),
        _anchor("http://evil.example/zwgk/", "政府信息公开"),
        _anchor("/about.html", "网站介绍"),
    ]
    follows = follow_from_list(anchors, PORTAL, "entry", 0, f"{SITE}/")
    assert [(f.url, f.role, f.depth, f.priority) for f in follows] == [
        (f"{SITE}/zwgk/nb/", "column", 0, 10),
        (f"{SITE}/zwgk/tzgg/", "notice", 0, 0),
        (f"{SITE}/zwgk/", "disclosure", 1, 0),
    ]
    # disclosure blocks nest only so deep; under a 信息公开 page its own sub-pages (not articles) are blocks too
    assert follow_from_list(anchors[2:3], PORTAL, "disclosure", MAX_DISCLOSURE_DEPTH, f"{SITE}/") == []
    sub = follow_from_list(
        [_anchor("/zwgk/bm/jyj/", "教育局"), _anchor("/zwgk/bm/t20240101_1.html", "教育局")],
        PORTAL,
        "disclosure",
        1,
        f"{SITE}/zwgk/bm/index.html",
    )
    assert [(f.url, f.role, f.depth) for f in sub] == [(f"{SITE}/zwgk/bm/jyj/", "disclosure", 2)]


def test_a_column_leads_to_reports_their_documents_and_sub_columns() -> None:
    anchors = [
        _anchor("/zwgk/nb/2024/t20240115_1.html", "某局2023年政府信息公开工作年度报告", "某局 2024-01-15"),
        _anchor("/zwgk/nb/2024/P020240115.pdf", "某局2023年政府信息公开工作年度报告.pdf"),  # the same report's PDF
        _anchor("/zwgk/nb/2024/P020240116.pdf", "某区2023年政府信息公开工作年度报告.pdf"),  # a report only as PDF
        _anchor("/zwgk/nb/2024/P020240117.pdf", "附件1.pdf", "某镇 2024-01-17"),  # names nothing
        _anchor("/zwgk/nb/2024/t20240118_2.html", "2023年", "某街道 2024-01-18"),  # names nothing
        _anchor("/zwgk/nb/2023/", "2023年度"),
        _anchor("/zwgk/nb/2024/t20240119_3.html", "关于报送2023年政府信息公开工作年度报告的通知"),  # a distractor
        _anchor(COLUMN, "年报"),  # the page itself
    ]
    follows = follow_from_list(anchors, PORTAL, "column", 1, COLUMN)
    assert [(f.url.removeprefix(SITE), f.role, f.depth, f.priority, f.bare) for f in follows] == [
        ("/zwgk/nb/2024/t20240115_1.html", "candidate", 1, 20, False),
        ("/zwgk/nb/2024/P020240116.pdf", "attachment_report", 1, 20, False),
        ("/zwgk/nb/2024/P020240117.pdf", "attachment_candidate", 1, 15, True),
        ("/zwgk/nb/2024/t20240118_2.html", "candidate", 1, 15, True),
        ("/zwgk/nb/2023/", "column", 2, 10, True),  # "2023年度" names no report either
    ]
    assert follows[0].hints["title"] == "某局2023年政府信息公开工作年度报告"
    assert "title" not in follows[2].hints and "title" not in follows[3].hints  # the row named nothing
    assert all(isinstance(f, Follow) for f in follows)
    # sub-columns nest only so deep; a notice column's bare rows are not followed
    assert [f.role for f in follow_from_list(anchors, PORTAL, "column", MAX_COLUMN_DEPTH, COLUMN)] == [
        "candidate",
        "attachment_report",
        "attachment_candidate",
        "candidate",
    ]
    assert [f.role for f in follow_from_list(anchors, PORTAL, "notice", 0, COLUMN)] == [
        "candidate",
        "attachment_report",
    ]
