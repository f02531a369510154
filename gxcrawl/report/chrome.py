"""Page chrome of Chinese government portals, as data, plus the line filters that apply it.

Described in docs/portals.md, "Page chrome and metadata" (chrome, 信息公开 metadata tables, CMS body
containers). Element-level patterns are used by `pagehtml`; the line
filters below are shared by HTML and plain-text inputs (text extracted from real pages carries
the same chrome as lines: seeds 000 and 004).

Rule of thumb: a line is dropped anywhere only when it is *nothing but* chrome; lines that merely
look like chrome (label lines, breadcrumbs, footers) are dropped only at the head or the tail of
the document, never between report content.
"""

from __future__ import annotations

import re

# --- body containers, most specific first (docs/portals.md, "CMS families and list mechanisms") ---


# (attribute, value): "id" exact, "id^" id prefix, "class" one class token, "form" a <form name=…>.
# The first selector that matches an element with text wins; several matches -> the longest.
CONTAINER_SELECTORS: tuple[tuple[str, str], ...] = (
    ("id", "UCAP-CONTENT"),
    ("class", "trs_editor_view"),
    ("class", "TRS_Editor"),
    ("id", "zoom"),
    ("class", "v_news_content"),  # inside #vsb_content
    ("id^", "vsb_content"),
    ("form", "_newscontent_fromname"),
    ("id", "ivs_content"),
    ("class", "Article_content"),
    ("class", "article-content"),
    ("id", "mainText"),
    ("class", "view-content"),
    ("class", "ewebeditor_doc"),
    ("class", "artile_zw"),
    ("class", "news_cont_d_wrap"),
    ("class", "ewb-article-content"),
    ("class", "Custom_UnionStyle"),
)

# Hanweb ZJEG markers around the body.
ZJEG_BEGIN = "<!--ZJEG_RSS.content.begin-->"
ZJEG_END = "<!--ZJEG_RSS.content.end-->"

# --- element-level chrome ----------------------------------------------------------------------

# Dropped wherever they are: never part of a report body.
DROP_TAGS: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "select",
        "option",
        "optgroup",
        "input",
        "button",
        "textarea",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "svg",
        "canvas",
        "map",
        "audio",
        "video",
        "nav",
        "header",
        "footer",
        "link",
        "meta",
        "title",
        "head",
        "base",
    }
)

# id/class tokens of chrome blocks (breadcrumbs, tool bars, share widgets, footers, pagers,
# 党政机关 badge, 找错 widget). Matched against each id/class token of an element.
CHROME_ATTR_RE = re.compile(
    r"^(?:.*[_-])?(?:bread(?:crumb)?s?|crumbs?|curr?(?:ent)?-?(?:pos(?:ition)?|loc(?:ation)?|chnl\w*)|"
    r"(?:my)?position|location|weizhi|dqwz|dangqian\w*|share\w*|bdshare\w*|jiathis\w*|print(?:er)?|dayin|"
    r"font-?size|fontsize|zihao|zh?font|footer|foot|copyright|banquan|bottom|navbar|nav|menu|sidebar|"
    r"xgwz|xglj|yqlj|friend-?links?|pagination|pager|page-?nav|sxp|prev-?next|qrcode|ewm|erweima|"
    r"toolbar|tools|article-?tools|jiucuo|_?jiucuo_|_?ideconac|conac|search\w*|login|topbar|top-bar|"
    r"header|hd-top|gotop|back-?top)$",
    re.IGNORECASE,
)

# An element that holds this much text is content, whatever its class says.
CHROME_BLOCK_MAX_CHARS = 400

# --- report fingerprints ---------------------------------------------------------------------

# A statutory section heading at the start of a line (docs/report-format.md, "Sections").
HEADING_RE = re.compile(
    r"^[\s\u3000\xa0]*[一二三四五六七八九十]{1,2}[\s\u3000]*[、.．,，][\s\u3000]*"
    r"(?:政府信息公开(?:工作)?)?"
    r"(?:总体情况|概述|基本情况|主动公开|依申请公开|收到和处理|.{0,14}行政复议|因政府信息公开|"
    r".{0,10}存在的?主要问题|存在问题|其他需要报告|需要说明|其他事项|其他|"
    # traditional-character copies (/gate/big5/ gateways, mirrors)
    r"總體情況|主動公開|依申請公開|收到和處理|.{0,14}行政復議|.{0,10}存在的?主要問題|其他需要報告)"
)
# Words whose text nodes may carry a heading (cheap XPath pre-filter for HEADING_RE).
HEADING_KEYWORDS: tuple[str, ...] = (
    "总体情况",
    "主动公开",
    "收到和处理",
    "行政复议",
    "主要问题",
    "其他需要报告",
    "概述",
    "總體情況",
    "主動公開",
    "收到和處理",
    "行政復議",
    "主要問題",
    "其他需要報告",
)
# Table fingerprints of the statutory tables.
REPORT_TABLE_RE = re.compile(r"本年(?:新)?制(?:作|发)|申请人情况|本年新收|行政复议|现行有效件数|信息内容")
TITLE_RE = re.compile(r"(?:政府信息公开|政务公开|信息公开|政务信息公开).{0,16}(?:年度报告|年报|工作报告)|年度报告")

# --- metadata labels (the 信息公开 metadata table and the header lines) ---------------------------

# label (without spaces) -> metadata key (None: recognised as chrome, value not kept)
LABELS: dict[str, str | None] = {
    "索引号": "index_no",
    "信息索引号": "index_no",
    "信息分类": "category",
    "主题分类": "category",
    "分类": "category",
    "体裁分类": None,
    "组配分类": None,
    "服务对象分类": None,
    "服务对象": None,
    "生命周期分类": None,
    "发布机构": "agency",
    "发文机关": "agency",
    "发文机构": "agency",
    "发布单位": "agency",
    "发文单位": "agency",
    "公开责任部门": "agency",
    "责任部门": "agency",
    "公开主体": "agency",
    "发布日期": "published",
    "公开日期": "published",
    "发布时间": "published",
    "发表时间": "published",
    "发文日期": "published",
    "生成日期": "published",
    "更新时间": None,
    "成文日期": "written",
    "印发日期": "written",
    "文号": "doc_no",
    "发文字号": "doc_no",
    "文件编号": "doc_no",
    "名称": "title",
    "标题": "title",
    "信息名称": "title",
    "文件名称": "title",
    "信息来源": "source",
    "来源": "source",
    "主题词": "keywords",
    "关键词": "keywords",
    "公开方式": None,
    "公开形式": None,
    "公开范围": None,
    "公开时限": None,
    "有效性": None,
    "时效": None,
    "公文时效": None,
    "效力状态": None,
    "信息格式": None,
    "语种": None,
    "载体类型": None,
    "内容概述": None,
    "摘要": None,
    "作者": None,
    "编辑": None,
    "责任编辑": None,
    "审核": None,
    "校对": None,
    "时间": "published",
    "日期": "published",
    "点击率": None,
    "点击数": None,
    "点击量": None,
    "浏览次数": None,
    "瀏覽次數": None,
    "访问次数": None,
    "访问量": None,
    "阅读次数": None,
    "阅读量": None,
    "字体": None,
    "字号": None,
    # header lines of archived page texts (a saved page's title/date/column/URL block)
    "栏目": "column",
    "所属栏目": "column",
    "原文链接": "url",
    "原文地址": "url",
    "本地目录": None,
}
# Truncated labels seen in real extracted text (seed 004: "号: cxs045-/2021-0129001", "称: …"):
# accepted only at the start of a head line.
TRUNCATED_LABELS: dict[str, str | None] = {"号": "index_no", "称": "title"}

# Strongest signal that a table/list is a metadata block rather than report content.
METADATA_BLOCK_LABELS: frozenset[str] = frozenset(
    k
    for k in LABELS
    if LABELS[k] in ("index_no", "category", "agency", "published", "written", "doc_no", "title")
    and k not in ("时间", "日期", "标题", "名称", "分类", "发表时间", "发布时间")
) | {"名称", "标题"}

_SP = r"[\s\u3000\xa0]*"


def _spaced(label: str) -> str:
    return _SP.join(re.escape(ch) for ch in label)


# Longest first so 信息来源 wins over 来源, 发布时间 over 时间.
_LABEL_ALT = "|".join(_spaced(label) for label in sorted(LABELS, key=len, reverse=True))
LABEL_RE = re.compile(rf"(?P<label>{_LABEL_ALT}){_SP}[:：]")
LABEL_ONLY_RE = re.compile(rf"^{_SP}【?(?P<label>{_LABEL_ALT}){_SP}[:：]?{_SP}$")
LABEL_LINE_RE = re.compile(rf"^{_SP}[【\[]?{_SP}(?:{_LABEL_ALT}){_SP}[:：]")
TRUNCATED_LABEL_LINE_RE = re.compile(rf"^{_SP}(?P<label>[号称]){_SP}[:：]")

# --- line chrome --------------------------------------------------------------------------------

# Tokens whose presence makes a line chrome when nothing else is left on it.
STRONG_TOKENS: tuple[str, ...] = (
    "打印本页",
    "打印本文",
    "打印整页",
    "打印内容",
    "打印此页",
    "打印",
    "关闭窗口",
    "关闭本页",
    "关闭",
    "分享到",
    "字体",
    "字号",
    "我要纠错",
    "纠错",
    "上一篇",
    "下一篇",
    "扫一扫在手机打开当前页",
    "扫一扫",
    "下载Word",
    "下载PDF",
    "下载word",
    "下载pdf",
    "收藏本页",
    "返回顶部",
    "返回首页",
    "保存本页",
    "视力保护色",
    "无障碍阅读",
    "长者模式",
    "关怀版",
    "手机版",
    "智能问答",
)
# Only chrome next to a strong token: alone on a line they may be report content (a table cell "微信").
WEAK_TOKENS: tuple[str, ...] = (
    "大",
    "中",
    "小",
    "本页",
    "窗口",
    "当前页",
    "分享",
    "收藏",
    "返回",
    "默认",
    "简体",
    "繁體",
    "繁体",
    "无障碍",
    "微信",
    "微博",
    "QQ空间",
    "【",
    "】",
    "[",
    "]",
    "|",
    "｜",
    "/",
)
_STRONG_RE = re.compile("|".join(re.escape(t) for t in sorted(STRONG_TOKENS, key=len, reverse=True)))
_WEAK_RE = re.compile("|".join(re.escape(t) for t in sorted(WEAK_TOKENS, key=len, reverse=True)))
_RESIDUE_RE = re.compile(r"[\s\u3000\xa0:：,，.。、;；!！?？()（）<>《》“”\"'‘’\-—_=+*·•>»›＞〉]+")

BREADCRUMB_RE = re.compile(r"^[\s\u3000\xa0]*(?:您?(?:当前|现在)(?:所在)?的?位置|您?所在的?位置)[\s\u3000\xa0]*[:：]?")
_CRUMB_SEP_RE = re.compile(r"首页[\s\u3000\xa0]*(?:>|&gt;|»|›|＞|〉|->|/|→|>>)")

# Footer lines: at the tail only, except the unambiguous whole-line forms below.
FOOTER_RE = re.compile(
    r"主办单位|主办[:：]|承办单位|承办[:：]|协办单位|技术支持|网站标识码|ICP备|ICP证|公网安备|公安备案|"
    r"版权所有|Copyright|©|网站地图|联系我们|网站声明|隐私声明|网站纠错|本网站支持|支持IPv6|适老化|"
    r"建议使用|分辨率|最佳浏览|党政机关|政府网站找错|友情链接|相关链接|相关文章|相关阅读|相关稿件|"
    r"相关新闻|上一篇|下一篇|扫一扫|责任编辑|网站导航|返回顶部|【打印|打印本页|关闭窗口",
    re.IGNORECASE,
)
# Whole-line footer forms that are chrome anywhere (a report never has such a line).
STRICT_FOOTER_RE = re.compile(
    r"^[\s\u3000\xa0]*(?:[\u4e00-\u9fff]{1,2}ICP备\d{6,}号(?:-\d+)?|[\u4e00-\u9fff]{1,2}公网安备\s*\d{10,}号|"
    r"网站标识码[:：]?\s*(?:bm)?\d{8,10}|(?:版权所有|Copyright|©).{0,60})[\s\u3000\xa0]*$",
    re.IGNORECASE,
)
# The first chrome line of a page's bottom block (after the report ends).
TAIL_MARKER_RE = re.compile(
    r"^[\s\u3000\xa0【\[]*(?:上一篇|下一篇|上一条|下一条|相关链接|友情链接|相关文章|相关阅读|相关稿件|相关新闻|"
    r"网站地图|主办单位|主办[:：]|承办单位|版权所有|Copyright|©|扫一扫|打印本页|关闭窗口|分享到|"
    r"网站标识码|返回顶部|网站导航|责任编辑)",
    re.IGNORECASE,
)
# A site name alone on a head line ("兵团政务网", "XX市人民政府门户网站").
SITE_LINE_RE = re.compile(r"^[\s\u3000\xa0]*[\u4e00-\u9fff]{1,16}(?:网|网站|门户|政务服务网)[\s\u3000\xa0]*$")
# Prose: a long line with Chinese sentence punctuation.
_PROSE_RE = re.compile(r"[，。；]")
# Lines of the tail block are short; a long line after a tail marker means it was not chrome.
TAIL_LINE_MAX_CHARS = 120


# "==================== 正文 ====================": the line of an archived page text that ends its
# header block (title/date/column/URL label lines) and starts the body.
BODY_MARKER_RE = re.compile(
    r"^[\s\u3000\xa0]*[=\-*#~_]{3,}[\s\u3000\xa0]*(?:正文|内容|全文|正文内容|文章内容|body|content)?"
    r"[\s\u3000\xa0]*[=\-*#~_]{3,}[\s\u3000\xa0]*$",
    re.IGNORECASE,
)
#: the header block above a body marker is searched for in this many first lines
HEADER_BLOCK_MAX_LINES = 40


def header_block_end(lines: list[str]) -> int:
    """Index of the line after a body marker ("==== 正文 ====") that closes a header block of label
    lines at the top of the text; 0 when there is none. Everything above it is metadata, not body."""
    for i, line in enumerate(lines[:HEADER_BLOCK_MAX_LINES]):
        if BODY_MARKER_RE.match(line):
            labelled = sum(1 for above in lines[:i] if is_label_line(above))
            return i + 1 if labelled >= 2 else 0
    return 0


def is_pure_chrome(line: str) -> bool:
    """True when the line holds nothing but tool-bar words ("【字体: 打印本页", "【打印本页】【关闭窗口】")."""
    if len(line) > 80:
        return False
    residue, strong = _STRONG_RE.subn("", line)
    if not strong:
        return False
    residue = _RESIDUE_RE.sub("", _WEAK_RE.sub("", residue))
    return not residue


def is_label_line(line: str) -> bool:
    return bool(LABEL_LINE_RE.match(line)) or bool(LABEL_ONLY_RE.match(line))


def is_breadcrumb(line: str) -> bool:
    return bool(BREADCRUMB_RE.match(line)) or (len(line) < 120 and bool(_CRUMB_SEP_RE.search(line)))


def is_heading(line: str) -> bool:
    return bool(HEADING_RE.match(line)) and len(line) <= 60


def is_prose(line: str) -> bool:
    return len(line) >= 50 and bool(_PROSE_RE.search(line)) and not is_label_line(line)


def is_head_chrome(line: str) -> bool:
    """Chrome that precedes a report: breadcrumbs, info bars, metadata lines, site names."""
    return (
        is_pure_chrome(line)
        or is_breadcrumb(line)
        or is_label_line(line)
        or bool(TRUNCATED_LABEL_LINE_RE.match(line))
        or bool(SITE_LINE_RE.match(line))
        or bool(STRICT_FOOTER_RE.match(line))
    )


def is_tail_chrome(line: str) -> bool:
    return (
        is_pure_chrome(line)
        or bool(FOOTER_RE.search(line))
        and len(line) <= TAIL_LINE_MAX_CHARS
        or is_label_line(line)
        and len(line) <= TAIL_LINE_MAX_CHARS
        or is_breadcrumb(line)
        or bool(STRICT_FOOTER_RE.match(line))
    )


def chrome_line_mask(lines: list[str]) -> list[bool]:
    """For each line, True when it is chrome to drop.

    Head: lines before the report starts (its first statutory heading or first prose paragraph) are
    dropped when they look like chrome. Tail: from the first tail marker after the last heading, if
    everything after it is short or chrome. Anywhere: lines that are nothing but chrome.
    """
    n = len(lines)
    drop = [False] * n
    start = n
    for i, line in enumerate(lines):
        if is_heading(line) or is_prose(line):
            start = i
            break
    for i in range(start):
        if is_head_chrome(lines[i]):
            drop[i] = True

    last_heading = max((i for i, line in enumerate(lines) if is_heading(line)), default=-1)
    tail_from = last_heading + 1 if last_heading >= 0 else max(start, n // 2)
    for i in range(max(tail_from, 0), n):
        if (
            n - i <= 300
            and TAIL_MARKER_RE.match(lines[i])
            and all(
                is_tail_chrome(rest) or len(rest) <= TAIL_LINE_MAX_CHARS and not is_heading(rest) for rest in lines[i:]
            )
        ):
            for j in range(i, n):
                drop[j] = True
            break
    # Trailing footer lines without a marker ("冀ICP备05029117号-1" as the very last lines).
    j = n - 1
    while j >= 0 and not drop[j] and is_tail_chrome(lines[j]) and j > start:
        drop[j] = True
        j -= 1

    for i, line in enumerate(lines):
        if not drop[i] and (is_pure_chrome(line) or STRICT_FOOTER_RE.match(line) or BREADCRUMB_RE.match(line)):
            drop[i] = True
    return drop


# --- chrome spans inside a line ------------------------------------------------------------------
# A flattened page (or one <p>/<div>) may hold the breadcrumb, the title, the info bar and the whole
# report on ONE line. Only the chrome spans are removed; the title and the report beside them stay.

_CRUMB_SEP = r"(?:>>|->|&gt;|[>»›＞〉/→])"
_CRUMB_SEP_TOKEN_RE = re.compile(rf"^{_CRUMB_SEP}+$")
_TOKEN_RE = re.compile(r"[^\s\u3000\xa0]+")
# tool-bar words that follow the info bar (share buttons, version switches, downloads)
TOOLBAR_WORDS: tuple[str, ...] = (
    *STRONG_TOKENS,
    "微信",
    "微博",
    "QQ空间",
    "QQ",
    "全真版",
    "文字版",
    "图文版",
    "文件下载",
    "附件下载",
    "相关链接",
    "分享",
    "收藏",
    "大",
    "中",
    "小",
    "默认",
    "-->",
    "<!--",
)
_TOOLBAR_TOKEN_RE = re.compile(
    r"^[【\[(（]?(?:"
    + "|".join(re.escape(t) for t in sorted(TOOLBAR_WORDS, key=len, reverse=True))
    + r")[】\])）]?[:：]?$"
)
_TIME_TOKEN_RE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
# the info bar starts with one of these labels, shortly after the breadcrumb (and the title)
_INFO_BAR_RE = re.compile(rf"(?:{_LABEL_ALT}){_SP}[:：]")
_INFO_BAR_WINDOW = 200
_TITLE_SPAN_MAX = 120
# tool words that end a page's body on the same line ("…行政诉讼数 件 0 0 附件下载")
_TAIL_TOOLS_RE = re.compile(
    r"(?:(?:[\s\u3000\xa0]+[【\[]?|[\s\u3000\xa0]*[【\[])(?:附件下载|打印本页|打印|关闭窗口|关闭|返回顶部|分享到|收藏本页)"
    r"[】\]]?)+[\s\u3000\xa0]*$"
)


def _crumb_end(line: str, start: int) -> int:
    """End of the breadcrumb path that starts at `start` (after 当前位置：): its first token, then every
    token joined to it by a separator ("首页 > 政务公开 > 年报")."""
    tokens = list(_TOKEN_RE.finditer(line, start))
    if not tokens:
        return len(line)
    end = tokens[0].end()
    joined = bool(re.search(rf"{_CRUMB_SEP}$", tokens[0].group()))
    for tok in tokens[1:]:
        text = tok.group()
        if _CRUMB_SEP_TOKEN_RE.match(text):
            end, joined = tok.end(), True
        elif joined or re.match(_CRUMB_SEP, text):
            end, joined = tok.end(), bool(re.search(rf"{_CRUMB_SEP}$", text))
        else:
            break
    return end


_BRACKET_GROUP_RE = re.compile(r"[\s\u3000\xa0]*[【\[]([^】\]\n]{0,24})[】\]]")
_TOOL_WORDS_RE = re.compile(
    "|".join(re.escape(t) for t in sorted({*TOOLBAR_WORDS, *WEAK_TOKENS, *LABELS}, key=len, reverse=True))
)
_SPACE_RE = re.compile(r"[\s\u3000\xa0]*")
_INFO_VALUE_MAX = 40


def _past_space(line: str, pos: int) -> int:
    """The first position from `pos` on that is no white space."""
    space = _SPACE_RE.match(line, pos)
    assert space is not None  # the pattern matches the empty string
    return space.end()


def _is_tool_group(inner: str) -> bool:
    """The inside of 【…】 holds nothing but tool words and labels ("字体：大 中 小", "打印本页")."""
    return not _RESIDUE_RE.sub("", _TOOL_WORDS_RE.sub("", inner))


def _info_bar_end(line: str, start: int) -> int:
    """End of the info bar + tool bar that starts at `start`: label/value pairs, 【tool】 groups, tool words."""
    end = pos = start
    while pos < len(line):
        pos = _past_space(line, pos)
        group = _BRACKET_GROUP_RE.match(line, pos)
        if group and _is_tool_group(group.group(1)):
            end = pos = group.end()
            continue
        token = _TOKEN_RE.match(line, pos)
        if token is None:
            break
        text = token.group()
        label = LABEL_RE.match(text) or LABEL_ONLY_RE.match(text)
        if label and label.start() == 0:
            value_in_token = text[label.end() :]
            if len(value_in_token) > _INFO_VALUE_MAX or _PROSE_RE.search(value_in_token):
                break  # "摘要：本报告根据…": a labelled paragraph, not an info bar
            end = pos = token.end()
            if LABEL_ONLY_RE.match(text) or not text[label.end() :]:
                value = _TOKEN_RE.match(line, _past_space(line, pos))
                if (
                    value
                    and not _TOOLBAR_TOKEN_RE.match(value.group())
                    and not LABEL_RE.match(value.group())
                    and not _BRACKET_GROUP_RE.match(value.group())
                ):
                    end = pos = value.end()  # the value as the next token
            clock = _TOKEN_RE.match(line, _past_space(line, pos))
            if clock and _TIME_TOKEN_RE.match(clock.group()):
                end = pos = clock.end()  # "2012-04-11 00:00"
        elif _TOOLBAR_TOKEN_RE.match(text):
            end = pos = token.end()
        else:
            break
    return end


#: a line that starts with an info bar is split only when this much report text follows it
_REPORT_AFTER_BAR_MIN = 200


def _split_info_bar(line: str) -> tuple[list[str], list[str]] | None:
    """A long line that starts with the info bar ("来源：… 时间：… 【打印】") and goes on with the report."""
    if len(line) < _REPORT_AFTER_BAR_MIN or not LABEL_LINE_RE.match(line):
        return None
    bar_end = _info_bar_end(line, 0)
    rest = line[bar_end:].strip()
    if len(rest) < _REPORT_AFTER_BAR_MIN or not _PROSE_RE.search(rest[:_REPORT_AFTER_BAR_MIN]):
        return None
    return [rest], [line[:bar_end].strip()]


def split_chrome_spans(line: str) -> tuple[list[str], list[str]] | None:
    """(kept parts, chrome parts) of a line that starts with a breadcrumb (or an info bar) and holds more
    than it; None for any other line. The kept parts are the title between breadcrumb and info bar (own line) and the
    text after the tool bar; a line that is nothing but chrome gives no kept part."""
    m = BREADCRUMB_RE.match(line)
    if m is None:
        return _split_info_bar(line)
    crumb_end = _crumb_end(line, m.end())
    chrome_parts = [line[:crumb_end].strip()]
    kept: list[str] = []
    pos = crumb_end
    bar = _INFO_BAR_RE.search(line, pos, pos + _INFO_BAR_WINDOW)
    bar_start = bar.start() if bar else None
    if bar_start is None:
        # no labels: tool words right after the crumb still belong to it
        tool_end = _info_bar_end(line, pos)
        if tool_end > pos:
            bar_start = pos
    if bar_start is not None:
        between = line[pos:bar_start].strip()
        if between and (len(between) > _TITLE_SPAN_MAX or _PROSE_RE.search(between)):
            bar_start = None  # the labels are inside the report text, not an info bar
        else:
            if between:
                kept.append(between)
            bar_end = _info_bar_end(line, bar_start)
            chrome_parts.append(line[bar_start:bar_end].strip())
            pos = bar_end
    rest = line[pos:].strip()
    if rest:
        kept.append(rest)
    if not kept:
        return None  # nothing but chrome: the line filters deal with it as a whole
    return kept, [p for p in chrome_parts if p]


def strip_tail_tools(line: str) -> str:
    """The line without tool words that end it ("…2016年1月8日 附件下载"); unchanged when that is all it holds."""
    tail_from = max(0, len(line) - 120)  # the tool words are at the very end: search only there
    m = _TAIL_TOOLS_RE.search(line, tail_from)
    if m is None or m.start() == 0:
        return line
    return line[: m.start()].rstrip()


# A report title printed at the start of the line that holds the report ("XX局2012年政府信息公开年度报告根据…").
LEADING_TITLE_RE = re.compile(
    r"^[\s\u3000\xa0]*(?!根据|按照|依据|依照|现将|现就|本报告|本年报|为)"
    r"(?P<title>[^，。；：,;:!?！？《》“”\n]{2,60}?(?:政府信息公开|政务公开|信息公开)[^，。；：,;:!?！？《》“”\n]{0,16}?"
    r"(?:年度报告|工作报告|年报)(?:[\s\u3000]*[(（][^()（）]{2,12}[)）])?)"
)
_LEADING_TITLE_MIN_LINE = 100


def split_leading_title(line: str) -> tuple[str, str] | None:
    """(title, rest) when a long line starts with the report's title glued to its first sentence."""
    if len(line) < _LEADING_TITLE_MIN_LINE:
        return None
    m = LEADING_TITLE_RE.match(line)
    if m is None or not TITLE_RE.search(m["title"]):
        return None
    rest = line[m.end() :].strip()
    return (m["title"].strip(), rest) if rest else None


def split_lines(lines: list[str]) -> tuple[list[tuple[int, str]], list[str]]:
    """Lines with their chrome spans cut out: ([(source line index, kept text)], [chrome spans]).

    A line that starts with a breadcrumb keeps its title and report text as separate lines; tool words at
    the end of a long line (the report and the page's tool bar on one line) go. Every other line is passed
    through unchanged."""
    out: list[tuple[int, str]] = []
    spans: list[str] = []
    for i, line in enumerate(lines):
        split = split_chrome_spans(line) if len(line) > TAIL_LINE_MAX_CHARS or BREADCRUMB_RE.match(line) else None
        parts = [line]
        if split is not None:
            parts, chrome_parts = split
            spans.extend(chrome_parts)
        for part in parts:
            # short lines ending in tool words are the tail block's business (dropped whole there)
            out.append((i, strip_tail_tools(part) if len(part) > TAIL_LINE_MAX_CHARS else part))
    return out, spans
