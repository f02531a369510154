"""A report's words: title, introduction, section headings and each section's paragraphs."""

from __future__ import annotations

import random

from gxcrawl.demo.reportgen.figures import Table
from gxcrawl.demo.reportgen.style import Style
from gxcrawl.demo.reportgen.vocab import SECTION_HEADINGS, SECTION_KEYS

_OVERVIEW_PARTS: dict[str, tuple[str, ...]] = {
    "主动公开": (
        "严格落实《条例》规定,围绕中心工作和群众关切,及时通过门户网站、政务新媒体等渠道公开政策文件、工作动态和办事服务信息,全年主动公开政府信息{n}条。",
        "坚持“以公开为常态、不公开为例外”,重点做好财政预决算、重大项目、民生领域等信息公开,主动公开各类信息{n}条,其中政策文件{m}件。",
        "认真梳理主动公开基本目录,动态更新机构职能、规划计划、政策文件等栏目,全年累计发布信息{n}条。",
        "围绕优化营商环境、乡村振兴、社会救助等重点领域,及时公开政策措施和执行情况,通过政府网站发布信息{n}条,政务新媒体推送信息{m}条。",
        "落实政策解读与政策文件同步起草、同步审签、同步发布要求,全年发布政策解读{m}篇,主动公开政府信息{n}条。",
    ),
    "依申请公开": (
        "规范依申请公开受理、审核、答复等环节,严格按照法定时限办理,全年共收到政府信息公开申请{a}件。",
        "进一步完善依申请公开工作流程,统一答复文书格式,做到依法依规、按时答复。本年度新收政府信息公开申请{a}件。",
        "落实依申请公开办理责任,对申请内容逐件登记、逐件审核,确保答复内容准确、程序合法。",
        "畅通依申请公开受理渠道,通过当面、信函、网络平台等方式受理申请,本年度新收政府信息公开申请{a}件,均在法定期限内予以答复。",
    ),
    "政府信息管理": (
        "健全政府信息公开保密审查机制,坚持“先审查、后公开”和“一事一审”原则,全年未发生泄密事件。",
        "加强政府信息动态管理,对已公开的规范性文件进行清理,及时标注有效性。",
        "完善信息发布审核制度,落实“三审三校”,确保公开信息准确规范。",
        "按照政府信息公开目录编制要求,对本单位政府信息进行全面梳理,建立健全政府信息管理台账。",
    ),
    "平台建设": (
        "加强政府网站和政务新媒体管理,优化信息公开专栏设置,提升平台的集约化和规范化水平。",
        "依托政府门户网站信息公开平台,规范栏目设置,确保信息发布及时、内容准确。",
        "推进政务公开专区建设,在办事大厅设置查阅点,方便群众查阅政府信息。",
        "加强政务新媒体规范管理,做好政府网站与政务新媒体的内容联动,提升信息发布的时效性和覆盖面。",
    ),
    "监督保障": (
        "成立政务公开工作领导小组,明确专人负责,将政务公开工作纳入年度考核,定期开展自查整改。",
        "强化监督检查,建立健全考核、社会评议和责任追究制度,本年度未发生因政务公开工作引发的责任追究情况。",
        "加强业务培训,组织工作人员学习《条例》及相关规定,提升依法公开的能力和水平。",
        "将政府信息公开工作纳入单位年度目标考核,主要负责同志亲自过问,分管负责同志具体抓,形成一级抓一级、层层抓落实的工作格局。",
    ),
}
_OVERVIEW_HEADINGS = (
    "(一)主动公开",
    "(二)依申请公开",
    "(三)政府信息管理",
    "(四)政府信息公开平台建设",
    "(五)监督保障",
)

_PROBLEMS = (
    "{year}年,我单位政府信息公开工作虽取得一定成效,但仍存在一些不足:一是公开内容不够全面,部分栏目更新不够及时;二是政策解读形式较为单一;三是工作人员业务水平有待提高。",
    "存在的主要问题:信息公开工作人员多为兼职,专业能力有待加强;主动公开的深度和广度还需进一步拓展。",
    "对照上级要求,我单位政务公开工作还存在信息发布不够及时、解读回应质量不高等问题。",
    "(一)存在问题。一是政务公开工作力量较为薄弱,专职人员不足;二是部分信息公开不够及时,内容不够全面;三是政策解读的形式和渠道有待拓展。",
)
_IMPROVE = (
    "下一步,我们将进一步健全工作机制,加强业务培训,丰富政策解读形式,不断提升政府信息公开工作质量。",
    "改进措施:一是加强组织领导,压实工作责任;二是规范栏目管理,做到及时更新;三是强化培训指导,提高工作人员业务能力。",
    "针对上述问题,我单位将加大公开力度,完善公开目录,持续推进政务公开标准化规范化建设。",
    "(二)改进情况。{next}年,我们将进一步加强组织领导,配齐配强工作人员,落实信息发布审核机制,丰富政策解读形式,切实提升政务公开工作水平。",
)
_OTHER_2019 = ("无。", "本年度无其他需要报告的事项。", "{agency}暂无其他需要报告的事项。")


def _fee_sentence(fee_cases: int, rng: random.Random) -> str:
    if fee_cases > 0:
        return (
            f"(一)政府信息公开信息处理费收费情况。本年度共发出收费通知{fee_cases}件,"
            "申请人逾期未按收费通知要求缴纳费用。"
        )
    return rng.choice(
        (
            "(一)政府信息公开信息处理费收费情况。本年度未收取信息处理费。",
            "(一)按照《政府信息公开信息处理费管理办法》,本年度未收取任何信息处理费。",
        )
    )


def section_paragraphs(
    rng: random.Random, fmt: str, year: int, agency: str, apps: Table, appeals: Table
) -> dict[str, list[str]]:
    received = apps["new_received"]["total"]
    published_n = rng.randint(20, 1500)
    paragraphs: dict[str, list[str]] = {k: [] for k in SECTION_KEYS}
    if rng.random() < 0.5:
        paragraphs["overview"].append(
            f"{year}年,{agency}认真贯彻落实《中华人民共和国政府信息公开条例》和上级政务公开工作部署,"
            "扎实推进政府信息公开工作,各项工作取得积极成效。"
        )
    use_heads = rng.random() < 0.7
    for heading, (_, variants) in zip(_OVERVIEW_HEADINGS, _OVERVIEW_PARTS.items(), strict=True):
        text = rng.choice(variants).format(n=published_n, m=rng.randint(0, 30), a=received)
        if use_heads:
            text = heading + "。" + text if rng.random() < 0.5 else heading + "方面。" + text
        paragraphs["overview"].append(text)
    if rng.random() < 0.4:
        paragraphs["active"].append(f"{year}年,我单位主动公开政府信息情况如下表。")
    if rng.random() < 0.5:
        if received == 0 and apps["carried_over"]["total"] == 0:
            paragraphs["applications"].append("本年度未收到政府信息公开申请。")
        else:
            text = f"本年度共新收政府信息公开申请{received}件"
            pending = apps["carried_forward"]["total"]
            # S10: never claim everything was answered while some are carried forward
            text += ",所有申请均已在法定期限内办结。" if pending == 0 else f",另有{pending}件结转下年度继续办理。"
            paragraphs["applications"].append(text)
    if rng.random() < 0.5:
        if all(v == 0 for g in appeals.values() for v in g.values()):
            paragraphs["appeals"].append(f"{year}年未发生因政府信息公开引起的行政复议、行政诉讼。")
        else:
            paragraphs["appeals"].append(f"{year}年发生因政府信息公开引起的行政复议{appeals['review']['total']}件。")
    paragraphs["problems"].append(rng.choice(_PROBLEMS).format(year=year))
    paragraphs["problems"].append(rng.choice(_IMPROVE).format(next=year + 1))
    if fmt == "2021":
        fee_cases = apps.get("other_overdue_fee", {}).get("total", 0)
        paragraphs["other"].append(_fee_sentence(fee_cases, rng))
        paragraphs["other"].append(
            rng.choice(
                (
                    "(二)人大代表建议和政协提案办理结果公开情况。本年度办理建议提案办理结果均已按规定公开。",
                    "(二)落实上级年度政务公开工作要点情况。对照工作要点逐项细化任务,明确责任,各项任务均已按期完成。",
                    "(二)政务公开工作创新情况。探索开展政府开放日活动,邀请群众代表走进机关,增进社会公众对政府工作的了解。",
                )
            )
        )
    else:
        paragraphs["other"].append(rng.choice(_OTHER_2019).format(agency=agency))
    return paragraphs


def draw_title(rng: random.Random, agency: str, year: int) -> list[str]:
    """The title as printed, one or two lines."""
    kind = rng.randrange(4)
    if kind == 0:
        return [f"{agency}{year}年政府信息公开工作年度报告"]
    if kind == 1:
        return [f"{agency}{year}年度政府信息公开工作年度报告"]
    if kind == 2:
        return [f"{agency}政府信息公开工作年度报告({year}年度)"]
    return [agency, f"{year}年政府信息公开工作年度报告"]


def break_title(title_lines: list[str], extra: random.Random) -> list[str]:
    """Sometimes a one-line "…年度政府信息公开工作年度报告" breaks before its last word."""
    if title_lines[0].endswith("年度政府信息公开工作年度报告") and extra.random() < 0.3:
        return [title_lines[0][: -len("年度报告")], "年度报告"]  # seed 004: "…工作" / "年度报告"
    return title_lines


_INTROS = (
    "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定,现公布{agency}{year}年度政府信息公开工作年度报告。"
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "本报告根据《中华人民共和国政府信息公开条例》要求,由{agency}编制。报告全文包括总体情况、主动公开政府信息情况、"
    "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
    "按照《中华人民共和国政府信息公开条例》和上级有关要求,现将{agency}{year}年政府信息公开工作情况报告如下:",
)


def draw_intro(rng: random.Random, agency: str, year: int, style: Style) -> str:
    return style.punctuate(rng.choice(_INTROS).format(agency=agency, year=year))


def section_headings(style: Style) -> dict[str, str]:
    headings = {k: style.punctuate(v[0]) for k, v in SECTION_HEADINGS.items()}
    headings["appeals"] = style.punctuate(SECTION_HEADINGS["appeals"][style.appeals_heading])
    headings["problems"] = style.punctuate(SECTION_HEADINGS["problems"][style.problems_heading])
    return headings
