"""Page chrome as real portals draw it (docs/portals.md, "Page chrome and metadata"): meta tags,
header toolbar, breadcrumbs,
article header line, 字体/打印/关闭/分享到 tools, the 信息公开 metadata table, related-site menus, the
footer identity block, the conac badge and the 政府网站找错 script.

Scripts that real pages load from dcs.conac.cn / zfwzgl.www.gov.cn / hm.baidu.com are served from the
site's own host here, so a browser rendering a demo page never sends traffic off loopback.
Every string here is noise a chrome stripper must remove; none of it may end up in a report's text.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gxcrawl.demo.world import Site


def meta_tags(metas: dict[str, str]) -> str:
    return "\n".join(f'<meta name="{escape(k)}" content="{escape(v)}">' for k, v in metas.items() if v is not None)


def site_metas(site: Site, column: str | None) -> dict[str, str]:
    out = {"SiteName": site.name, "SiteDomain": site.domain, "SiteIDCode": site.site_code}
    if column:
        out["ColumnName"] = column
        out["ColumnType"] = "信息公开"
    return out


_GOVSEARCH_FORM = (
    '<form class="search" action="/govsearch/search.jsp" method="get"><input type="text" name="searchWord" '
    'placeholder="请输入关键字">\n<input type="submit" value="搜索"></form>'
)


def _header(site: Site) -> str:
    big5 = f"/gate/big5/{site.domain}/" if site.big5_gateway else "javascript:void(0)"
    return f"""<div class="top-bar"><div class="w1200">
<span class="welcome">欢迎访问{escape(site.name)}门户网站！</span>
<a href="javascript:void(0)" class="jt">简体</a> | <a href="{big5}" class="ft">繁體</a>
<a href="javascript:void(0)" id="wza">无障碍</a> <a href="javascript:void(0)" class="oldman">长者模式</a>
<a href="/m/index.html">手机版</a> <span class="ipv6">支持IPv6</span> <a href="javascript:void(0)">智能问答</a>
</div></div>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{escape(site.name)}"></a></div>
{site.search_form or _GOVSEARCH_FORM}</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="{escape(site.xxgk_path)}">政务公开</a></li>
<li><a href="/zwfw/index.html">政务服务</a></li><li><a href="/hdjl/index.html">互动交流</a></li>
<li><a href="/zjxx/index.html">走进{escape(site.region)}</a></li></ul></div>"""


def breadcrumb(site: Site, crumbs: list[tuple[str, str | None]]) -> str:
    parts = []
    for text, href in crumbs:
        if href:
            if site.family.startswith("trs"):
                parts.append(f'<a href="{escape(href)}" class="CurrChnlCls" target="_self">{escape(text)}</a>')
            else:
                parts.append(f'<a href="{escape(href)}">{escape(text)}</a>')
        else:
            parts.append(escape(text))
    label = {"vsb": "您当前所在位置: ", "hanweb": "您当前的位置："}.get(site.family, "当前位置：")
    sep = " &gt; " if site.family != "trs" else " -&gt; "
    return f'<div class="position breadcrumb">{label}' + sep.join(parts) + "</div>"


def _related_selects(site: Site) -> str:
    groups = {
        "国家部委网站": ["中国政府网", "国家发展和改革委员会", "教育部", "民政部", "财政部"],
        "省内各市": ["江临市", "云溪市", "南岭市", "青川市"],
        "各县区": ["长宁县", "白沙县", "东湖区", "安平县"],
        "市直部门": ["发展和改革局", "教育局", "民政局", "财政局"],
    }
    out = ['<div class="links-select">']
    for label, names in groups.items():
        opts = "".join(f'<option value="javascript:void(0)">{escape(n)}</option>' for n in names)
        out.append(f'<select onchange="window.open(this.value)"><option value="">{label}</option>{opts}</select>')
    out.append("</div>")
    return "".join(out)


def _footer(site: Site) -> str:
    return f"""{_related_selects(site)}
<div class="footer"><div class="w1200">
<p><a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a> | \
<a href="/wzsm/index.html">网站声明</a> | <a href="/bz/index.html">帮助</a></p>
<p>主办单位：{escape(site.name)}办公室　承办单位：{escape(site.region)}大数据中心　技术支持：某某信息技术有限公司</p>
<p>网站标识码：{escape(site.site_code)}　<a href="https://beian.miit.gov.cn/" target="_blank">{escape(site.icp)}</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={escape(site.gongan_code)}" target="_blank">\
{escape(site.gongan)}</a></p>
<p>本网站支持IPv6　适老化无障碍服务　建议使用1920×1080分辨率浏览</p>
<span id="_ideConac"></span>\
<script type="text/javascript" src="/dcs/js/33/000/0000/60429971/CA330000000604299710002.js"></script>
<script id="_jiucuo_" sitecode="{escape(site.site_code)}" src="/exposure/jiucuo.js"></script>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); \
hm.src = "/hm.js?0a1b2c3d"; }})();</script>
</div></div>"""


def page(
    site: Site,
    *,
    title: str,
    column: str | None,
    crumbs: list[tuple[str, str | None]],
    main: str,
    metas: dict[str, str] | None = None,
    head_extra: str = "",
    title_tag: str | None = None,
) -> str:
    """A whole portal page around `main`."""
    all_metas = site_metas(site, column)
    all_metas.update(metas or {})
    if site.encoding == "gbk":
        charset = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n<meta charset="gbk">'
    else:
        charset = '<meta charset="utf-8">'
    shown_title = title_tag if title_tag is not None else f"{title}_{site.name}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(shown_title)}</title>
{meta_tags(all_metas)}
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
{head_extra}
</head>
<body>
{_header(site)}
<div class="main w1200">
{breadcrumb(site, crumbs)}
{main}
</div>
{_footer(site)}
</body>
</html>
"""


def article_tools() -> str:
    return (
        '<div class="article-tools">【字体：<a href="javascript:doZoom(18)">大</a> '
        '<a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(14)">小</a>】 分享到：<a class="share-wx">微信</a> <a class="share-wb">微博</a> '
        '【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>'
        '<div class="qr">扫一扫在手机打开当前页</div>'
    )


def prev_next(prev_title: str, next_title: str) -> str:
    return (
        f'<div class="prevnext"><p>上一篇：<a href="javascript:void(0)">{escape(prev_title)}</a></p>'
        f'<p>下一篇：<a href="javascript:void(0)">{escape(next_title)}</a></p></div>'
    )


def metadata_table(rows: list[tuple[str, str]], *, css: str = "xxgk_table") -> str:
    """The 信息公开 metadata table above the body (label cells with full-width spaces, as portals print them)."""
    cells = []
    for i in range(0, len(rows), 2):
        pair = rows[i : i + 2]
        tds = "".join(f'<td class="label"><b>{escape(k)}：</b></td><td>{escape(v)}</td>' for k, v in pair)
        cells.append(f"<tr>{tds}</tr>")
    return f'<table class="{css}" cellspacing="0" cellpadding="0">' + "".join(cells) + "</table>"
