"""Report bodies: generated reports (gxcrawl.demo.reportgen), the five bundled real seeds, distractors.

Everything is deterministic from a string key, so a report's content can be rebuilt lazily (on the
first request) and still equal what the manifest says.
"""

from __future__ import annotations

import copy
import html
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from gxcrawl.demo import reportgen

# text layouts pasted into HTML pages as one <p> per line (the way editors paste flattened tables)
TEXT_LAYOUTS = ("cell_per_line", "cell_per_line_pipes", "pipe_rows", "tabs", "markdown", "glued")

CHANGE_NOTE = "（更正说明：本报告发布后，对第六部分内容进行了补充完善。）"


@dataclass(frozen=True)
class SeedInfo:
    key: str
    title: str
    agency: str
    report_year: int
    published: str
    fmt: str


# the bundled real report texts (static/seed_*.txt, trimmed of their page chrome); metadata read by hand
SEEDS: dict[str, SeedInfo] = {
    "000": SeedInfo("000", "兵团民政局政府信息公开工作年度报告(2020年度)", "兵团民政局", 2020, "2021-01-29", "2019"),
    "001": SeedInfo(
        "001", "掇刀区行政审批局2021年政府信息公开工作年度报告", "掇刀区行政审批局", 2021, "2022-01-20", "2021"
    ),
    "002": SeedInfo(
        "002", "重庆市渝北区民政局2020年政府信息公开工作年度报告", "重庆市渝北区民政局", 2020, "2021-01-13", "2019"
    ),
    "003": SeedInfo("003", "南通市民政局2020年政府信息公开工作年度报告", "南通市民政局", 2020, "2021-01-25", "2019"),
    "004": SeedInfo("004", "楚雄市新村镇2020年政府信息公开工作年度报告", "楚雄市新村镇", 2020, "2021-01-29", "2019"),
}


@cache
def seed_text(key: str) -> str:
    return resources.files("gxcrawl.demo").joinpath("static", f"seed_{key}.txt").read_text(encoding="utf-8")


@dataclass
class Content:
    """One report's content for one generation of the portal; the body is rendered on first use."""

    title: str
    agency: str
    report_year: int
    published: str
    fmt: str  # "2019" | "2021" | "pre2019"
    truth: dict | None
    render: Callable[[], str] = field(repr=False)
    # the agency's original document (real tables) that attachments are made from; None: same as the page body
    render_original: Callable[[], str] | None = field(default=None, repr=False)
    _body: str | None = field(default=None, repr=False)

    @property
    def body_html(self) -> str:
        """The body fragment as the CMS editor left it (no chrome)."""
        if self._body is None:
            self._body = self.render()
        return self._body

    @property
    def original_html(self) -> str:
        """The report as the agency wrote it (Word tables intact): what PDF/DOCX attachments carry."""
        if self.render_original is None or self.render_original is self.render:
            return self.body_html
        return self.render_original()


def _lines_html(text: str) -> str:
    return "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in text.splitlines() if line.strip())


def _changed(truth: dict) -> dict:
    """The same report after a silent correction: section 六 gets one more sentence."""
    out = copy.deepcopy(truth)
    out["doc"]["paragraphs"]["other"] = [*out["doc"]["paragraphs"]["other"], CHANGE_NOTE]
    out["sections"]["other"] = "\n".join(out["doc"]["paragraphs"]["other"])
    return out


def generated_report(
    key: str, *, fmt: str, report_year: int, agency: str, defects: float, layout: str, generation: int
) -> Content:
    rng = random.Random(key)
    if fmt == "pre2019":
        body = reportgen.render_pre2019(rng, report_year=report_year, agency=agency)
        title = f"{agency}{report_year}年政府信息公开工作年度报告"
        published = f"{report_year + 1}-03-{10 + random.Random(key + 'p').randrange(15):02d}"
        truth = {
            "schema": reportgen.SCHEMA,
            "title": title,
            "agency": agency,
            "report_year": report_year,
            "published": published,
            "format": {"active": "pre2019", "applications": "pre2019", "overall": "pre2019"},
        }
        if generation:
            body += f"<p>{CHANGE_NOTE}</p>"
        return Content(title, agency, report_year, published, "pre2019", truth, lambda: body)
    truth = reportgen.generate_report(rng, fmt=fmt, report_year=report_year, agency=agency, defects=defects)
    if generation:
        truth = _changed(truth)

    def render() -> str:
        if layout == "html":
            return reportgen.render_body_html(truth)
        return _lines_html(reportgen.render_text(truth, layout))

    def render_original() -> str:
        return reportgen.render_body_html(truth)

    return Content(
        truth["title"],
        agency,
        report_year,
        truth["published"],
        fmt,
        truth,
        render,
        None if layout == "html" else render_original,
    )


def seed_report(key: str, *, generation: int) -> Content:
    info = SEEDS[key]

    def render() -> str:
        body = _lines_html(seed_text(key))
        return body + f"<p>{CHANGE_NOTE}</p>" if generation else body

    # the seeds are real reports whose values are not transcribed here: no truth
    return Content(info.title, info.agency, info.report_year, info.published, info.fmt, None, render)


# --- distractors: pages that sit next to reports and look like them -----------------------------------------

DISTRACTOR_KINDS = (
    "format_notice",
    "compile_notice",
    "website_report",
    "rule_of_law_report",
    "final_accounts",
    "work_report",
)


def distractor_title(kind: str, *, region: str, agency: str, year: int) -> str:
    return {
        "format_notice": (
            "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知"
        ),
        "compile_notice": f"关于做好{year}年政府信息公开工作年度报告编制发布工作的通知",
        "website_report": f"{region}人民政府门户网站{year}年工作年度报表",
        "rule_of_law_report": f"{region}{year}年法治政府建设年度报告",
        "final_accounts": f"{agency}{year}年度部门决算",
        "work_report": f"{year + 1}年{region}政府工作报告",
    }[kind]


_FORMAT_NOTICE = """各省、自治区、直辖市人民政府办公厅，国务院各部委、各直属机构办公厅（室）：
为进一步规范政府信息公开工作年度报告的编制和发布，现将修订后的《中华人民共和国政府信息公开工作年度报告格式》印发给你们，请遵照执行。
国务院办公厅政府信息与政务公开办公室
2021年9月26日
中华人民共和国政府信息公开工作年度报告格式
一、总体情况
二、主动公开政府信息情况
信息内容|本年制发件数|本年废止件数|现行有效件数
规章| | |
行政规范性文件| | |
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）
申请人情况|自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计
一、本年新收政府信息公开申请数量| | | | | | |
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
六、其他需要报告的事项"""


def distractor_body(kind: str, title: str, *, region: str, agency: str, year: int) -> str:
    if kind == "format_notice":
        text = _FORMAT_NOTICE
    elif kind == "compile_notice":
        text = (
            f"各乡镇人民政府、街道办事处，{region}政府各部门：\n"
            f"根据《中华人民共和国政府信息公开条例》有关规定，现就做好{year}年政府信息公开工作年度报告编制发布工作通知如下：\n"
            f"一、各部门应于{year + 1}年1月31日前向社会公布本部门{year}年政府信息公开工作年度报告。\n"
            f"二、各乡镇（街道）应于{year + 1}年1月31日前完成年度报告编制并报送{region}政务公开办。\n"
            "三、年度报告应严格按照国办公开办函〔2021〕30号规定的格式编制，数据真实准确。\n"
            f"{region}人民政府办公室"
        )
    elif kind == "website_report":
        text = (
            f"{region}人民政府门户网站{year}年工作年度报表\n网站名称|{region}人民政府门户网站\n"
            "首页网址|http://www.example.gov.cn\n信息发布|总数（条）|3215\n概况类信息更新量（条）|35\n"
            "政务动态信息更新量（条）|1876\n信息公开目录信息更新量（条）|1304\n办事服务|是否发布服务事项目录|是\n"
            "互动交流|留言办理|收到留言数量（条）|412\n办结留言数量（条）|409"
        )
    elif kind == "rule_of_law_report":
        text = (
            f"{year}年，{region}深入学习贯彻习近平法治思想，全面推进法治政府建设，现将有关情况报告如下。\n"
            "一、主要举措和成效\n（一）依法全面履行政府职能。\n（二）完善依法行政制度体系。\n（三）推进严格规范公正文明执法。\n"
            "二、存在的不足\n三、下一步工作安排"
        )
    elif kind == "final_accounts":
        text = (
            f"{agency}{year}年度部门决算\n第一部分 部门概况\n第二部分 {year}年度部门决算表\n"
            f"收入支出决算总表|本年收入合计|1523.46万元\n本年支出合计|1498.12万元\n第三部分 {year}年度部门决算情况说明"
        )
    else:
        text = (
            f"政府工作报告——{year + 1}年1月在{region}第十七届人民代表大会第三次会议上\n各位代表：\n"
            f"现在，我代表{region}人民政府，向大会报告工作，请予审议。\n一、{year}年工作回顾\n二、{year + 1}年工作安排"
        )
    return f'<p style="text-align:center"><strong>{html.escape(title)}</strong></p>\n' + _lines_html(text)
