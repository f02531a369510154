"""Links hidden in scripts, XML CDATA and JSON, script-bound attachments, listing metadata
(docs/portals.md, "Links hidden from a plain link extractor")."""

from __future__ import annotations

import json

from gxcrawl.discovery.links import (
    all_anchors,
    attachment_anchors,
    is_attachment_url,
    json_anchors,
    parse_html,
)
from gxcrawl.discovery.metadata import listing_hints, page_hints

PAGE = "http://www.example.gov.cn/col/col33718/index.html"


def test_hanweb_datastore_records_are_links() -> None:
    html = (
        '<div id="1"><script type="text/xml"><datastore><recordset>'
        '<record><![CDATA[<li><a href="/art/2025/1/15/art_33718_1.html" title="某县2024年政府信息公开工作年度报告">'
        "某县2024年政府信息…</a><b>2026-\n01-\n23</b></li>]]></record></recordset></datastore></script></div>"
    )
    anchors = all_anchors(parse_html(html), PAGE)
    assert [(a.url, a.text, a.source) for a in anchors] == [
        ("http://www.example.gov.cn/art/2025/1/15/art_33718_1.html", "某县2024年政府信息公开工作年度报告", "script")
    ]
    # the row's date is split over lines, as on real Hanweb lists
    assert listing_hints(anchors[0].text, anchors[0].context, anchors[0].url)["published"] == "2026-01-23"


def test_trs_file_appendix_string_and_oldsrc_attachments() -> None:
    html = (
        "<div class='TRS_Editor'><p>详见附件</p></div>"
        '<script>var file_appendix=\'<a href="./P020230118382295081505.pdf"'
        ' OLDSRC="/protect/P0202301/P020230118/P020230118382295081505.pdf">某县2022年度报告.pdf</a>\';'
        "document.write(file_appendix);</script>"
    )
    url = "http://www.example.gov.cn/zwgk/zfxxgknb/202301/t20230118_1.html"
    (attachment,) = attachment_anchors(parse_html(html), url)
    assert attachment.url == "http://www.example.gov.cn/zwgk/zfxxgknb/202301/P020230118382295081505.pdf"
    assert attachment.text == "某县2022年度报告.pdf"


def test_extensionless_download_endpoints_are_attachments() -> None:
    assert is_attachment_url(
        "http://x.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2",
        "某局2023年年报.pdf",
    )
    assert is_attachment_url("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=1.pdf")
    assert is_attachment_url("http://x.gov.cn/attachment/0/88/88389/963149.pdf")
    assert not is_attachment_url("http://x.gov.cn/info/1025/61695.htm", "某县2022年政府信息公开工作年度报告")


def test_json_api_answers() -> None:
    gkmlpt = {
        "classify": {"post_count": 2},
        "articles": [
            {
                "id": 1,
                "title": "某区2023年政府信息公开工作年度报告",
                "url": "http://x.gov.cn/gkmlpt/content/1/1/post_1.html",
                "attachment": [{"name": "年报.pdf", "url": "/attachment/0/1/1/1.pdf"}],
            }
        ],
    }
    urls = {a.url: a.text for a in json_anchors(gkmlpt, "http://x.gov.cn/gkmlpt/api/all/721?page=1")}
    assert urls["http://x.gov.cn/gkmlpt/content/1/1/post_1.html"] == "某区2023年政府信息公开工作年度报告"
    assert "http://x.gov.cn/attachment/0/1/1/1.pdf" in urls
    jpaas = json.loads(
        json.dumps(
            {
                "success": True,
                "data": {
                    "html": '<ul><li><a href="/col/col1/art/2024/art_ab.html" '
                    'title="某镇2023年政府信息公开工作年度报告">x</a></li></ul>'
                },
            }
        )
    )
    (anchor,) = list(json_anchors(jpaas, "http://x.gov.cn/api"))
    assert anchor.url == "http://x.gov.cn/col/col1/art/2024/art_ab.html" and anchor.text.startswith("某镇2023年")


def test_page_hints_from_meta_tags_metadata_table_header_and_url() -> None:
    html = (
        '<html><head><meta name="ArticleTitle" content="某县人民政府2022年政府信息公开工作年度报告">'
        '<meta name="PubDate" content="2023-01-31 10:11"><title>x</title></head><body>'
        "<table><tr><td>发布机构：</td><td>某县人民政府办公室</td></tr></table></body></html>"
    )
    hints = page_hints(parse_html(html), "http://x.gov.cn/zfxxgknb/202301/t20230131_1.html")
    assert hints == {
        "title": "某县人民政府2022年政府信息公开工作年度报告",
        "published": "2023-01-31",
        "agency": "某县人民政府办公室",
        "report_year": 2022,
    }
    header = (
        "<html><body><h1>某镇2023年政府信息公开工作年度报告</h1>"
        "<div>来源:某镇 时间:2024-01-19 10:11 点击率:39</div></body></html>"
    )
    hints = page_hints(parse_html(header), "http://x.gov.cn/a/1.html")
    assert hints["published"] == "2024-01-19" and hints["report_year"] == 2023 and hints["agency"] == "某镇"
    bare = page_hints(parse_html("<html><body><p>正文</p></body></html>"), "http://x.gov.cn/art/2024/1/16/art_1_2.html")
    assert bare == {"published": "2024-01-16", "report_year": 2023}


def test_a_comment_after_a_metadata_label_is_passed_over_for_the_element_after_it() -> None:
    """A comment holds no value (and lxml cannot take its text_content): the value is the next element's."""
    html = (
        "<html><body><table><tr><td><b>发布日期：</b><!-- 2020-01-01 --></td><td>2021-03-04</td></tr>"
        "<tr><td>发布机构：</td><?php echo 1 ?><!-- old --><td>某县人民政府办公室</td></tr></table></body></html>"
    )
    hints = page_hints(parse_html(html), "http://x.gov.cn/a/1.html")
    assert hints["published"] == "2021-03-04" and hints["agency"] == "某县人民政府办公室"


# --- attachments bound by script --------------------------------------------------------------------------------
REPORT_PAGE = "http://www.example.gov.cn/zwgk/zfxxgknb/202403/t20240308_1.html"


def _bound(html: str) -> list[tuple[str, str]]:
    return [(a.url, a.text) for a in attachment_anchors(parse_html(html), REPORT_PAGE)]


def test_avalon_binding_resolved_from_a_script_variable() -> None:
    html = (
        '<div class="tabs_hd" ms-controller="QzbView"><a ms-attr-href="qzbFile" ms-attr-download="qzbFileName">'
        '文件下载</a></div><script>var qzbFile = ""; var qzbFileName = "";'
        'var apps = [{name:"某局2023年度报告原件.pdf", url:"http://www.example.gov.cn/zwgk/P020240308583929378917.pdf"}];'
        'for (var i = 0; i < apps.length; i++) { if (apps[i].url.indexOf("pdf") > -1) {'
        ' qzbFile = apps[i].url.replace("http:", document.location.protocol); } }'
        'var qzb = avalon.define({$id: "QzbView", qzbFile: qzbFile, qzbFileName: qzbFileName});</script>'
    )
    assert _bound(html) == [("http://www.example.gov.cn/zwgk/P020240308583929378917.pdf", "文件下载")]


def test_avalon_binding_resolved_from_inline_json_with_a_relative_url() -> None:
    html = (
        '<a ms-attr-href="qzbFile"></a><script type="application/json" id="doc">'
        '{"qzbFile": "P020240308583929378917.pdf", "title": "x"}</script>'
    )
    assert _bound(html) == [("http://www.example.gov.cn/zwgk/zfxxgknb/202403/P020240308583929378917.pdf", "")]


def test_vue_list_binding_keeps_only_document_urls() -> None:
    html = (
        '<div id="app"><a v-for="item in files" :href="item.url">{{ item.name }}</a>'
        "<a v-bind:href=\"'/files/' + row.fileName\">原件</a></div>"
        '<script>new Vue({el: "#app", data: {files: [{"name": "报告", "url": "\\/protect\\/P0202401\\/rep.docx"},'
        ' {"name": "栏目", "url": "/zwgk/index.html"}], row: {fileName: "scan.ofd"}}});</script>'
    )
    assert _bound(html) == [
        ("http://www.example.gov.cn/protect/P0202401/rep.docx", ""),
        ("http://www.example.gov.cn/files/scan.ofd", "原件"),
    ]


def test_click_handlers_and_data_attributes() -> None:
    html = (
        '<a href="javascript:void(0)" onclick="downloadFile(\'/u/2024/P020240308.pdf\')">附件1</a>'
        "<a href=\"javascript:window.open('./P0202403/report.wps')\">下载</a>"
        '<button data-file-path="upload/table.xlsx">表格</button>'
        '<a href="javascript:void(0)" onclick="showDetail(\'/zwgk/t1.html\')">详情</a>'
    )
    assert _bound(html) == [
        ("http://www.example.gov.cn/u/2024/P020240308.pdf", "附件1"),
        ("http://www.example.gov.cn/zwgk/zfxxgknb/202403/P0202403/report.wps", "下载"),
        ("http://www.example.gov.cn/zwgk/zfxxgknb/202403/upload/table.xlsx", "表格"),
    ]


def test_an_empty_binding_and_pages_without_documents_give_nothing() -> None:
    html = (
        '<a ms-attr-href="qzbFile">文件下载</a><a ms-attr-href="el.url" ms-repeat="list"></a>'
        '<script>var qzbFile = ""; var apps = []; var list = [{url: "/zwgk/t2.html"}];</script>'
    )
    assert _bound(html) == []
    assert attachment_anchors(parse_html(html), REPORT_PAGE, bound=False) == []
