"""Synthetic 政府信息公开工作年度报告 with exact ground truth (docs/interfaces.md, C3).

Standard library only and nothing from gxcrawl: the parser is measured against these reports, so
the generator must not share code with it.

`generate_report` draws one report (v2019 or v2021 tables) whose numbers satisfy every hard
identity of docs/format.md (H1–H6) and the soft rules S3/S5, optionally with the real-world defects
of docs/format.md, "Real-world defects the reader expects" (blank cells, only 总计 filled, `/` in the 规章 row, a short row, money in 元,
unsigned or full-width-minus deltas, full-width digits, thousands separators, unit suffixes).
The returned "truth" holds exactly what the renderers write: a blank, `/`, `—` or a dropped cell
is `None`, a value written `70280元` is 7.028 (万元).

`render_body_html` and `render_text` draw the same report in every layout of `LAYOUTS`; every
layout carries the same characters apart from whitespace and table separators, so a parser's
normalised-text hash is the same for all of them. `render_pre2019` writes a free-form pre-2019
report that must not be read as v2019/v2021. `uncertain_cells(truth, layout)` names the cells a
rendering leaves undecidable (glued digit runs with several identity-satisfying splits, rows whose
blank cell became whitespace): a parser may leave those null, and must read every other cell exactly.

Truth keys beyond the SCHEMA record: "raw" (the cell strings as written; a dropped cell has no key),
"defects" ("kind:table.row.col"), "checks" (the H1–H4 and S3/S5 statuses a validator must report),
"style" (rendering choices) and "doc" (title lines, intro, headings, paragraphs, labels, signature).
"sections" hold each section's prose only (tables excluded).
"""

from __future__ import annotations

import datetime as _dt
import functools
import html as _html
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

LAYOUTS: tuple[str, ...] = (
    "html",
    "cell_per_line",
    "cell_per_line_pipes",
    "pipe_rows",
    "tabs",
    "markdown",
    "glued",
)

SCHEMA = "gxcrawl.report/1"
SECTION_KEYS: tuple[str, ...] = ("overview", "active", "applications", "appeals", "problems", "other")

# ---------------------------------------------------------------------------------------------------------
# Vocabulary of the official formats (tables 二/三/四 of docs/format.md). Labels are written with half-width punctuation
# and converted to full-width when a report's style asks for it.

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
)
T3_COLUMNS: tuple[str, ...] = tuple(k for k, _ in APPLICANT_COLUMNS) + ("total",)
ORG_COLUMNS: tuple[str, ...] = T3_COLUMNS[1:6]

# (key, group label or None, own label); a row whose group is None has a label spanning the label columns
_T3_HEAD: tuple[tuple[str, str | None, str], ...] = (
    ("new_received", None, "一、本年新收政府信息公开申请数量"),
    ("carried_over", None, "二、上年结转政府信息公开申请数量"),
    ("granted", None, "(一)予以公开"),
    ("partially_granted", None, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ("denied_state_secret", "(三)不予公开", "1.属于国家秘密"),
    ("denied_prohibited_by_law", "(三)不予公开", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "(三)不予公开", "3.危及“三安全一稳定”"),
    ("denied_third_party", "(三)不予公开", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "(三)不予公开", "5.属于三类内部事务信息"),
    ("denied_process_info", "(三)不予公开", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "(三)不予公开", "7.属于行政执法案卷"),
    ("denied_administrative_query", "(三)不予公开", "8.属于行政查询事项"),
    ("unable_not_held", "(四)无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "(四)无法提供", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "(四)无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_complaint", "(五)不予处理", "1.信访举报投诉类申请"),
    ("not_processed_repeat", "(五)不予处理", "2.重复申请"),
    ("not_processed_publication", "(五)不予处理", "3.要求提供公开出版物"),
    ("not_processed_mass_repeat", "(五)不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "(五)不予处理", "5.要求行政机关确认或重新出具已获取信息"),
)
_T3_TAIL: tuple[tuple[str, str | None, str], ...] = (
    ("total_processed", None, "(七)总计"),
    ("carried_forward", None, "四、结转下年度继续办理"),
)
T3_ROWS: dict[str, tuple[tuple[str, str | None, str], ...]] = {
    "2019": _T3_HEAD + (("other", None, "(六)其他处理"),) + _T3_TAIL,
    "2021": _T3_HEAD
    + (
        (
            "other_overdue_correction",
            "(六)其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        (
            "other_overdue_fee",
            "(六)其他处理",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
        ("other_other", "(六)其他处理", "3.其他"),
    )
    + _T3_TAIL,
}
RESULT_GROUP_LABEL = "三、本年度办理结果"
T3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
# rows summed by H2 (RES): everything between 二、上年结转 and (七)总计
RESULT_ROWS: dict[str, tuple[str, ...]] = {
    fmt: tuple(
        k
        for k, _, _ in rows
        if k not in ("new_received", "carried_over", "total_processed", "carried_forward")
    )
    for fmt, rows in T3_ROWS.items()
}

T4_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


@dataclass(frozen=True, slots=True)
class SubTable:
    """One captioned block of table 二."""

    caption: str
    headers: tuple[str, ...]  # value column headers (after 信息内容)
    rows: tuple[tuple[str, str], ...]  # (row key, label)
    columns: tuple[str, ...]  # value column keys


T2_BLOCKS: dict[str, tuple[SubTable, ...]] = {
    "2019": (
        SubTable(
            "第二十条第(一)项",
            ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
            (("regulations", "规章"), ("normative_documents", "规范性文件")),
            ("new_made", "new_published", "total_published"),
        ),
        SubTable(
            "第二十条第(五)项",
            ("上一年项目数量", "本年增/减", "处理决定数量"),
            (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
            ("prev_items", "change", "decisions"),
        ),
        SubTable(
            "第二十条第(六)项",
            ("上一年项目数量", "本年增/减", "处理决定数量"),
            (("penalty", "行政处罚"), ("coercion", "行政强制")),
            ("prev_items", "change", "decisions"),
        ),
        SubTable(
            "第二十条第(八)项",
            ("上一年项目数量", "本年增/减"),
            (("fees", "行政事业性收费"),),
            ("prev_items", "change"),
        ),
        SubTable(
            "第二十条第(九)项",
            ("采购项目数量", "采购总金额"),
            (("procurement", "政府集中采购"),),
            ("projects", "amount_wan_yuan"),
        ),
    ),
    "2021": (
        SubTable(
            "第二十条第(一)项",
            ("本年制发件数", "本年废止件数", "现行有效件数"),
            (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
            ("issued", "repealed", "in_force"),
        ),
        SubTable("第二十条第(五)项", ("本年处理决定数量",), (("licensing", "行政许可"),), ("decisions",)),
        SubTable(
            "第二十条第(六)项",
            ("本年处理决定数量",),
            (("penalty", "行政处罚"), ("coercion", "行政强制")),
            ("decisions",),
        ),
        SubTable(
            "第二十条第(八)项",
            ("本年收费金额(单位:万元)",),
            (("fees", "行政事业性收费"),),
            ("amount_wan_yuan",),
        ),
    ),
}

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("一、总体情况",),
    "active": ("二、主动公开政府信息情况",),
    "applications": ("三、收到和处理政府信息公开申请情况",),
    "appeals": (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    ),
    "problems": ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    "other": ("六、其他需要报告的事项",),
}

_FULLWIDTH_PUNCT = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；"})
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _punct(text: str, style: dict) -> str:
    return text.translate(_FULLWIDTH_PUNCT) if style.get("punct") == "full" else text


# ---------------------------------------------------------------------------------------------------------
# Numbers


def _magnitude(rng: random.Random, profile: str) -> int:
    """A count drawn the way real agencies' figures fall: mostly small, many zeros, a few thousands."""
    if profile == "none":
        return 0
    if profile == "small":
        return rng.choice((0, 0, 0, 1, 1, 2, 3, 4, 5, 7, 9, 12))
    if profile == "medium":
        return rng.randint(10, 320)
    return rng.randint(400, 6000)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split `total` into len(weights) non-negative parts (a multinomial draw, exact sum)."""
    parts = [0] * len(weights)
    if total <= 0:
        return parts
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    if total <= 300:
        for _ in range(total):
            x = rng.random() * acc
            for i, c in enumerate(cum):
                if x < c:
                    parts[i] += 1
                    break
            else:
                parts[-1] += 1
        return parts
    noisy = [w * rng.uniform(0.5, 1.5) for w in weights]
    s = sum(noisy)
    for i, w in enumerate(noisy):
        parts[i] = int(total * w / s)
    parts[max(range(len(parts)), key=lambda i: noisy[i])] += total - sum(parts)
    return parts


_RESULT_WEIGHTS = {
    "granted": 40.0,
    "partially_granted": 6.0,
    "denied_state_secret": 0.3,
    "denied_prohibited_by_law": 0.5,
    "denied_security_stability": 0.3,
    "denied_third_party": 1.0,
    "denied_internal_affairs": 1.0,
    "denied_process_info": 1.5,
    "denied_enforcement_file": 0.5,
    "denied_administrative_query": 1.0,
    "unable_not_held": 25.0,
    "unable_needs_creation": 3.0,
    "unable_unclear": 2.0,
    "not_processed_complaint": 3.0,
    "not_processed_repeat": 3.0,
    "not_processed_publication": 0.5,
    "not_processed_mass_repeat": 0.8,
    "not_processed_confirmation": 1.0,
    "other": 4.0,
    "other_overdue_correction": 2.0,
    "other_overdue_fee": 0.2,
    "other_other": 2.5,
}


def _gen_applications(rng: random.Random, fmt: str) -> dict[str, dict[str, int]]:
    """Table 三 with H1, H2, H3 holding exactly (totals derived, never drawn)."""
    rows = [k for k, _, _ in T3_ROWS[fmt]]
    results = RESULT_ROWS[fmt]
    level = rng.choices(("none", "small", "medium", "large"), weights=(30, 45, 20, 5))[0]
    table: dict[str, dict[str, int]] = {r: {} for r in rows}
    for col, _ in APPLICANT_COLUMNS:
        if col == "natural_person":
            new = _magnitude(rng, level)
        elif level == "none" or rng.random() < 0.65:
            new = 0
        else:
            new = _magnitude(rng, {"small": "small", "medium": "small", "large": "medium"}[level])
        carried = 0 if new == 0 or rng.random() < 0.7 else rng.randint(0, max(1, new // 10))
        pending = (
            0 if (new + carried) == 0 or rng.random() < 0.7 else rng.randint(0, max(1, (new + carried) // 8))
        )
        processed = new + carried - pending
        parts = _split(rng, processed, [_RESULT_WEIGHTS[r] for r in results])
        table["new_received"][col] = new
        table["carried_over"][col] = carried
        for r, v in zip(results, parts, strict=True):
            table[r][col] = v
        table["total_processed"][col] = processed
        table["carried_forward"][col] = pending
    for r in rows:
        table[r]["total"] = sum(table[r][c] for c, _ in APPLICANT_COLUMNS)
    return table


def _gen_appeals(rng: random.Random) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    busy = rng.random() < 0.35
    for group in T4_GROUPS:
        vals = {}
        for key, _ in T4_COLUMNS[:4]:
            if not busy or rng.random() < 0.55:
                vals[key] = 0
            else:
                vals[key] = rng.choice((1, 1, 1, 2, 2, 3, 5, 8, 13, 40))
        vals["total"] = sum(vals.values())
        out[group] = vals
    return out


def _money(rng: random.Random, hi: float) -> Decimal:
    """A 万元 amount with up to 4 decimals (a whole number of 元)."""
    if rng.random() < 0.3:
        return Decimal(0)
    yuan = rng.randint(1, int(hi * 10000))
    if rng.random() < 0.5:
        yuan = (yuan // 100) * 100 or 100
    return Decimal(yuan) / Decimal(10000)


def _gen_active(rng: random.Random, fmt: str) -> dict[str, dict[str, int | Decimal]]:
    """Table 二 (S3 for v2021, S5 for v2019)."""
    rule_maker = rng.random() < 0.15
    if fmt == "2019":
        out: dict[str, dict[str, int | Decimal]] = {}
        for key, active in (("regulations", rule_maker), ("normative_documents", rng.random() < 0.7)):
            made = rng.randint(0, 12) if active else 0
            published = made if rng.random() < 0.8 else rng.randint(0, made + 3)
            total = published + (rng.randint(0, 150) if active or rng.random() < 0.3 else 0)
            out[key] = {"new_made": made, "new_published": published, "total_published": total}
        for key, busy in (("licensing", 0.5), ("other_services", 0.4), ("penalty", 0.5), ("coercion", 0.3)):
            if rng.random() < busy:
                prev = rng.randint(1, 250)
                change = rng.choice((0, 0, 0, 1, -1, 2, -2, 3, 5, -4, 12))
                change = max(change, -prev)
                decisions = rng.choice((rng.randint(0, 50), rng.randint(50, 900), rng.randint(1000, 12000)))
            else:
                prev, change, decisions = 0, 0, 0
            out[key] = {"prev_items": prev, "change": change, "decisions": decisions}
        fee_prev = rng.choice((0, 0, 0, 1, 2, 3, 6))
        out["fees"] = {"prev_items": fee_prev, "change": 0 if fee_prev == 0 else rng.choice((0, 0, -1, 1))}
        projects = rng.choice((0, 0, 1, 2, 3, 5, 12, 30))
        out["procurement"] = {
            "projects": projects,
            "amount_wan_yuan": Decimal(0) if projects == 0 else _money(rng, 900) or Decimal("0.5"),
        }
        return out
    out = {}
    for key, active in (("regulations", rule_maker), ("normative_documents", rng.random() < 0.7)):
        issued = rng.randint(0, 10) if active else 0
        repealed = rng.randint(0, 4) if active and rng.random() < 0.5 else 0
        in_force = issued + rng.randint(0, 120) if (active or rng.random() < 0.3) else issued
        # S3: issued <= in_force + repealed holds because in_force >= issued
        out[key] = {"issued": issued, "repealed": repealed, "in_force": in_force}
    for key, busy in (("licensing", 0.5), ("penalty", 0.5), ("coercion", 0.3)):
        out[key] = {
            "decisions": rng.choice((rng.randint(0, 60), rng.randint(60, 3000))) if rng.random() < busy else 0
        }
    out["fees"] = {"amount_wan_yuan": _money(rng, 300) if rng.random() < 0.3 else Decimal(0)}
    return out


# ---------------------------------------------------------------------------------------------------------
# Raw cell strings (docs/format.md, "Cell grammar")


def _fmt_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _raw_count(value: int) -> str:
    return str(value)


def _raw_change(value: int, *, unsigned: bool, fullwidth_minus: bool) -> str:
    if value > 0:
        return str(value) if unsigned else f"+{value}"
    if value < 0:
        return ("－" if fullwidth_minus else "-") + str(-value)
    return "0"


def _number(value: int | Decimal) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# ---------------------------------------------------------------------------------------------------------
# Prose

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
        return f"(一)政府信息公开信息处理费收费情况。本年度共发出收费通知{fee_cases}件,申请人逾期未按收费通知要求缴纳费用。"
    return rng.choice(
        (
            "(一)政府信息公开信息处理费收费情况。本年度未收取信息处理费。",
            "(一)按照《政府信息公开信息处理费管理办法》,本年度未收取任何信息处理费。",
        )
    )


def _gen_sections(rng: random.Random, fmt: str, year: int, agency: str, apps: dict, appeals: dict) -> dict:
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
            text += (
                ",所有申请均已在法定期限内办结。" if pending == 0 else f",另有{pending}件结转下年度继续办理。"
            )
            paragraphs["applications"].append(text)
    if rng.random() < 0.5:
        if all(v == 0 for g in appeals.values() for v in g.values()):
            paragraphs["appeals"].append(f"{year}年未发生因政府信息公开引起的行政复议、行政诉讼。")
        else:
            paragraphs["appeals"].append(
                f"{year}年发生因政府信息公开引起的行政复议{appeals['review']['total']}件。"
            )
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


# ---------------------------------------------------------------------------------------------------------
# generate_report


def _labels(fmt: str, style: dict) -> dict[str, dict[str, str]]:
    """The row labels and captions this report prints (official wording or an observed variant)."""
    t3: dict[str, str] = {}
    for key, _, label in T3_ROWS[fmt]:
        if key == "partially_granted" and style.get("partial_short"):
            label = "(二)部分公开"
        if key == "denied_security_stability" and style.get("straight_quotes"):
            label = label.replace("“", '"').replace("”", '"')
        if key in ("other_overdue_correction", "other_overdue_fee") and style.get("overdue_comma"):
            label = label.replace("、", ",")
        t3[key] = _punct(label, style)
    t2: dict[str, str] = {}
    captions: dict[str, str] = {}
    for block in T2_BLOCKS[fmt]:
        caption = (
            block.caption.replace("第二十条第", "第二十条  第")
            if style.get("caption_spaces")
            else block.caption
        )
        captions[block.caption] = _punct(caption, style)
        for key, label in block.rows:
            if key == "normative_documents" and style.get("v2021_old_norm_label"):
                label = "规范性文件"
            t2[key] = label
    return {"applications": t3, "active": t2, "captions": captions}


DEFECT_KINDS: tuple[str, ...] = (
    "only_total_filled",
    "slash_regulations",
    "short_row",
    "blank_zero_cells",
    "dash_na",
    "money_yuan",
    "unsigned_delta",
    "fullwidth_minus",
    "fullwidth_digits",
    "thousands_separator",
    "unit_suffix",
)


def _title_for(rng: random.Random, agency: str, year: int) -> tuple[list[str], str]:
    kind = rng.randrange(4)
    if kind == 0:
        lines = [f"{agency}{year}年政府信息公开工作年度报告"]
    elif kind == 1:
        lines = [f"{agency}{year}年度政府信息公开工作年度报告"]
    elif kind == 2:
        lines = [f"{agency}政府信息公开工作年度报告({year}年度)"]
    else:
        lines = [agency, f"{year}年政府信息公开工作年度报告"]
    return lines, "".join(lines)


def generate_report(
    rng: random.Random, *, fmt: str, report_year: int, agency: str, defects: float = 0.0
) -> dict:
    """One report's ground truth; every later rendering of it writes exactly these values."""
    if fmt not in ("2019", "2021"):
        raise ValueError(f"fmt must be '2019' or '2021', not {fmt!r}")
    if not 0.0 <= defects <= 1.0:
        raise ValueError(f"defects is a probability in [0, 1], not {defects!r}")
    year = int(report_year)
    style = {
        "punct": rng.choice(("half", "full")),
        "t2_tables": rng.choice(("one", "several")),
        "header_breaks": rng.random() < 0.5,
        "break_group_labels": rng.random() < 0.3,
        "word_export": rng.random() < 0.3,
        "nested_layout": rng.random() < 0.15,
        "misaligned_colspan": fmt == "2019" and rng.random() < 0.25,
        "heading_tag": rng.choice(("p_strong", "h3", "p")),
        "appeals_heading": rng.randrange(len(SECTION_HEADINGS["appeals"])),
        "problems_heading": rng.randrange(len(SECTION_HEADINGS["problems"])),
        "empty_cell_html": rng.choice(("&nbsp;", "")),
        "glued_spaces": rng.random() < 0.5,
        "cell_markup": rng.choice(("plain", "plain", "p_center", "span")),
        "header_tag": rng.choice(("td", "td", "th")),
        "upper_tags": rng.random() < 0.1,
        # label wording seen in real reports
        "partial_short": rng.random() < 0.15,
        "straight_quotes": rng.random() < 0.2,
        "overdue_comma": fmt == "2021" and rng.random() < 0.2,
        "caption_spaces": rng.random() < 0.1,
        "v2021_old_norm_label": fmt == "2021" and rng.random() < 0.1,
    }
    title_lines, title = _title_for(rng, agency, year)
    pub = _dt.date(year + 1, 1, 1) + _dt.timedelta(days=rng.randint(0, 88))
    # later variants come from their own stream so that adding one never changes earlier reports
    extra = random.Random(f"{agency}|{year}|{fmt}|{pub.isoformat()}|{title}")
    if title_lines[0].endswith("年度政府信息公开工作年度报告") and extra.random() < 0.3:
        title_lines = [title_lines[0][: -len("年度报告")], "年度报告"]  # seed 004: "…工作" / "年度报告"
    style["t2_caption_outside"] = style["t2_tables"] == "several" and extra.random() < 0.35
    title_lines = [_punct(t, style) for t in title_lines]
    title = "".join(title_lines)

    active = _gen_active(rng, fmt)
    apps = _gen_applications(rng, fmt)
    appeals = _gen_appeals(rng)

    # raw strings, before defects
    raw_active: dict[str, dict[str, str]] = {}
    kinds: list[str] = []
    if defects > 0 and rng.random() < defects:
        applicable = [
            k
            for k in DEFECT_KINDS
            if fmt == "2019" or k not in ("money_yuan", "unsigned_delta", "fullwidth_minus")
        ]
        chosen = set(rng.sample(applicable, rng.choice((1, 1, 2, 3))))
        kinds = [k for k in DEFECT_KINDS if k in chosen]  # structural defects before cosmetic ones
    defect_log: list[str] = []
    for block in T2_BLOCKS[fmt]:
        for rkey, _ in block.rows:
            raw_active[rkey] = {}
            for ckey in block.columns:
                value = active[rkey][ckey]
                if ckey == "change":
                    raw = _raw_change(
                        int(value),
                        unsigned="unsigned_delta" in kinds,
                        fullwidth_minus="fullwidth_minus" in kinds,
                    )
                    if int(value) > 0 and "unsigned_delta" in kinds:
                        defect_log.append(f"unsigned_delta:active.{rkey}.{ckey}")
                    if int(value) < 0 and "fullwidth_minus" in kinds:
                        defect_log.append(f"fullwidth_minus:active.{rkey}.{ckey}")
                elif ckey == "amount_wan_yuan":
                    amount = Decimal(value)
                    if amount == 0:
                        raw = "0"
                    elif fmt == "2019" and "money_yuan" in kinds:
                        raw = f"{int(amount * 10000)}元"
                        defect_log.append(f"money_yuan:active.{rkey}.{ckey}")
                    elif fmt == "2019":
                        raw = f"{_fmt_decimal(amount)}万元"
                    else:
                        raw = _fmt_decimal(amount)  # the header states 单位:万元
                else:
                    raw = _raw_count(int(value))
                raw_active[rkey][ckey] = raw
    raw_apps = {r: {c: str(v) for c, v in cols.items()} for r, cols in apps.items()}
    raw_appeals = {g: {c: str(v) for c, v in cols.items()} for g, cols in appeals.items()}
    raw: dict[str, dict[str, dict[str, str]]] = {
        "active": raw_active,
        "applications": raw_apps,
        "appeals": raw_appeals,
    }
    missing: set[tuple[str, str, str]] = set()  # cells written blank / NA / dropped

    def cells_of(table: str) -> list[tuple[str, str]]:
        return [(r, c) for r, cols in raw[table].items() for c in cols]

    def apply(kind: str) -> None:
        if kind == "blank_zero_cells":
            zeros = [
                ("applications", r, c)
                for r, c in cells_of("applications")
                if c != "total" and raw_apps[r][c] == "0"
            ]
            zeros += [("appeals", g, c) for g, c in cells_of("appeals") if raw_appeals[g][c] == "0"]
            for t, r, c in rng.sample(zeros, min(len(zeros), rng.randint(1, 25))):
                raw[t][r][c] = ""
                missing.add((t, r, c))
                defect_log.append(f"blank:{t}.{r}.{c}")
        elif kind == "only_total_filled":
            for r, c in cells_of("applications"):
                if c != "total":
                    raw_apps[r][c] = ""
                    missing.add(("applications", r, c))
            defect_log.append("only_total_filled:applications")
        elif kind == "slash_regulations":
            cols = raw_active["regulations"]
            for c in cols:
                active["regulations"][c] = 0  # an agency without rule-making power
                cols[c] = rng.choice(("/", "／"))
                missing.add(("active", "regulations", c))
            defect_log.append("slash:active.regulations")
        elif kind == "dash_na":
            zeros = [(r, c) for r, c in cells_of("active") if raw_active[r][c] == "0" and r != "regulations"]
            for r, c in rng.sample(zeros, min(len(zeros), rng.randint(1, 3))):
                raw_active[r][c] = rng.choice(("—", "——", "-"))
                missing.add(("active", r, c))
                defect_log.append(f"dash:active.{r}.{c}")
        elif kind == "short_row":
            where = rng.choice(("carried_forward", "t3_row", "appeals"))
            if where == "appeals":
                t, r, c = "appeals", "litigation_after_review", "total"
            elif where == "carried_forward":
                t, r, c = "applications", "carried_forward", "total"
            else:
                t, r, c = "applications", rng.choice(list(raw_apps)), "total"
            raw[t][r].pop(c)
            missing.add((t, r, c))
            defect_log.append(f"short_row:{t}.{r}.{c}")
        elif kind == "fullwidth_digits":
            cand = [("applications", r, c) for r, c in cells_of("applications") if raw_apps[r][c].isdigit()]
            for t, r, c in rng.sample(cand, min(len(cand), rng.randint(1, 12))):
                raw[t][r][c] = raw[t][r][c].translate(_FULLWIDTH_DIGITS)
                defect_log.append(f"fullwidth_digits:{t}.{r}.{c}")
        elif kind == "thousands_separator":
            for t in ("active", "applications"):
                for r, c in cells_of(t):
                    s = raw[t][r][c]
                    if s.isdigit() and len(s) >= 4 and s.isascii():
                        raw[t][r][c] = (
                            f"{int(s):,}" if rng.random() < 0.5 else f"{int(s):,}".replace(",", "，")
                        )
                        defect_log.append(f"thousands_separator:{t}.{r}.{c}")
        elif kind == "unit_suffix":
            cand = [
                (r, c)
                for r, c in cells_of("active")
                if raw_active[r][c].isdigit()
                and raw_active[r][c].isascii()
                and raw_active[r][c] != "0"
                and c not in ("amount_wan_yuan", "change")
            ]
            for r, c in rng.sample(cand, min(len(cand), rng.randint(1, 4))):
                raw_active[r][c] += rng.choice(("件", "项", "个"))
                defect_log.append(f"unit_suffix:active.{r}.{c}")

    for kind in kinds:
        apply(kind)
    if kinds and not defect_log:
        apply("short_row")  # the drawn kinds had nothing to act on (e.g. no value >= 1000 to separate)

    def truth_table(table: str, values: dict) -> dict:
        out: dict[str, dict[str, int | float | None]] = {}
        for r, cols in values.items():
            out[r] = {}
            for c, v in cols.items():
                out[r][c] = None if (table, r, c) in missing else _number(v)
        return out

    truth_active = truth_table("active", active)
    truth_apps = truth_table("applications", apps)
    truth_appeals = truth_table("appeals", appeals)
    paragraphs = _gen_sections(rng, fmt, year, agency, apps, appeals)
    paragraphs = {k: [_punct(p, style) for p in v] for k, v in paragraphs.items()}
    intro = _punct(
        rng.choice(
            (
                "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定,现公布{agency}{year}年度政府信息公开工作年度报告。"
                "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
                "本报告根据《中华人民共和国政府信息公开条例》要求,由{agency}编制。报告全文包括总体情况、主动公开政府信息情况、"
                "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
                "按照《中华人民共和国政府信息公开条例》和上级有关要求,现将{agency}{year}年政府信息公开工作情况报告如下:",
            )
        ).format(agency=agency, year=year),
        style,
    )
    headings = {k: _punct(v[0], style) for k, v in SECTION_HEADINGS.items()}
    headings["appeals"] = _punct(SECTION_HEADINGS["appeals"][style["appeals_heading"]], style)
    headings["problems"] = _punct(SECTION_HEADINGS["problems"][style["problems_heading"]], style)
    truth = {
        "schema": SCHEMA,
        "title": title,
        "agency": agency,
        "report_year": year,
        "published": pub.isoformat(),
        "format": {"active": fmt, "applications": fmt, "overall": fmt},
        "sections": {k: "\n".join(v) for k, v in paragraphs.items()},
        "active": truth_active,
        "applications": truth_apps,
        "appeals": truth_appeals,
        "raw": raw,
        "defects": defect_log,
        "style": style,
        "doc": {
            "title_lines": title_lines,
            "intro": intro,
            "headings": headings,
            "paragraphs": paragraphs,
            "signature": [agency, f"{pub.year}年{pub.month}月{pub.day}日"],
            "labels": _labels(fmt, style),
        },
    }
    truth["checks"] = _claimed_checks(truth)
    return truth


def _claimed_checks(truth: dict) -> list[dict]:
    """The statuses a correct validator reports for this truth (H1–H4, S3/S5).

    A check over present cells passes (the generator builds them so); with blank cells it is
    `pass_if_blank_is_zero` when it holds with blanks read as 0; with `/`, `—` or a dropped cell, or a
    blank that does not hold as 0, it is `not_assessable`.
    """
    fmt = truth["format"]["applications"]
    raw = truth["raw"]
    out: list[dict] = []

    def status(cells: list[tuple[str, str, str]], left: list, right: list) -> str:
        states = []
        for t, r, c in cells:
            s = raw[t][r].get(c)
            states.append(
                "dropped"
                if s is None
                else "blank"
                if s.strip() == ""
                else "na"
                if truth[t][r][c] is None
                else "ok"
            )
        lv = sum(v or 0 for v in left)
        rv = sum(v or 0 for v in right)
        if all(s == "ok" for s in states):
            return "pass" if lv == rv else "fail"
        if all(s in ("ok", "blank") for s in states) and lv == rv:
            return "pass_if_blank_is_zero"
        return "not_assessable"

    apps = truth["applications"]
    rows = [k for k, _, _ in T3_ROWS[fmt]]
    for r in rows:
        cells = [("applications", r, c) for c in T3_COLUMNS]
        out.append(
            {
                "id": "H1",
                "scope": r,
                "status": status(cells, [apps[r]["total"]], [apps[r][c] for c in T3_COLUMNS[:6]]),
            }
        )
    for c in T3_COLUMNS:
        res = RESULT_ROWS[fmt]
        cells = [("applications", r, c) for r in res + ("total_processed",)]
        out.append(
            {
                "id": "H2",
                "scope": c,
                "status": status(cells, [apps["total_processed"][c]], [apps[r][c] for r in res]),
            }
        )
    for c in T3_COLUMNS:
        cells = [
            ("applications", r, c)
            for r in ("new_received", "carried_over", "total_processed", "carried_forward")
        ]
        out.append(
            {
                "id": "H3",
                "scope": c,
                "status": status(
                    cells,
                    [apps["new_received"][c], apps["carried_over"][c]],
                    [apps["total_processed"][c], apps["carried_forward"][c]],
                ),
            }
        )
    for rid, g in zip(("H4a", "H4b", "H4c"), T4_GROUPS, strict=True):
        vals = truth["appeals"][g]
        cells = [("appeals", g, k) for k, _ in T4_COLUMNS]
        out.append(
            {
                "id": rid,
                "scope": g,
                "status": status(cells, [vals["total"]], [vals[k] for k, _ in T4_COLUMNS[:4]]),
            }
        )
    act = truth["active"]
    if fmt == "2019":
        for r in ("regulations", "normative_documents"):
            a, b = act[r]["total_published"], act[r]["new_published"]
            out.append(
                {
                    "id": "S5",
                    "scope": r,
                    "status": "not_assessable" if a is None or b is None else "pass" if a >= b else "fail",
                }
            )
    else:
        for r in ("regulations", "normative_documents"):
            i, f, p = act[r]["issued"], act[r]["in_force"], act[r]["repealed"]
            out.append(
                {
                    "id": "S3",
                    "scope": r,
                    "status": "not_assessable" if None in (i, f, p) else "pass" if i <= f + p else "fail",
                }
            )
    return out


# ---------------------------------------------------------------------------------------------------------
# The table grids every renderer draws from


@dataclass(slots=True)
class Cell:
    lines: tuple[str, ...]  # text, split where the page breaks it (<br> / newline)
    kind: str  # "caption" | "note" | "header" | "label" | "group" | "value"
    colspan: int = 1
    rowspan: int = 1
    path: tuple[str, str, str] | None = None  # (table, row, col) of a value cell

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(slots=True)
class Grid:
    name: str  # "active" | "active:<n>" | "applications" | "appeals"
    width: int
    rows: list[list[Cell]]
    caption: str | None = None  # a table-二 caption printed as a paragraph above the table


_SPLIT_HEADERS = frozenset(("商业企业", "科研机构", "结果维持", "结果纠正", "其他结果", "尚未审结"))


def _split_header(text: str, style: dict) -> tuple[str, ...]:
    """Header words broken where narrow cells break them ("本年新<br>制作数量", "商业 企业")."""
    if not style.get("header_breaks"):
        return (text,)
    if text.startswith("本年新") and len(text) > 3:
        return (text[:3], text[3:])
    if text in _SPLIT_HEADERS:
        return (text[:2], text[2:])
    return (text,)


def _value(truth: dict, table: str, row: str, col: str) -> Cell | None:
    raw = truth["raw"][table][row].get(col)
    if raw is None:
        return None  # dropped: a short row
    return Cell((raw,), "value", path=(table, row, col))


def _active_grids(truth: dict) -> list[Grid]:
    fmt = truth["format"]["active"]
    style = truth["style"]
    blocks: list[list[list[Cell]]] = []
    for block in T2_BLOCKS[fmt]:
        labels = truth["doc"]["labels"]
        rows: list[list[Cell]] = [[Cell((labels["captions"][block.caption],), "caption", colspan=4)]]
        header = [Cell(("信息内容",), "header")]
        n = len(block.headers)
        for i, h in enumerate(block.headers):
            span = 4 - n if i == n - 1 else 1
            header.append(Cell(_split_header(_punct(h, style), style), "header", colspan=span))
        rows.append(header)
        for rkey, _ in block.rows:
            row = [Cell((labels["active"][rkey],), "label")]
            for i, ckey in enumerate(block.columns):
                cell = _value(truth, "active", rkey, ckey)
                if cell is not None:
                    cell.colspan = 4 - n if i == n - 1 else 1
                    row.append(cell)
            rows.append(row)
        blocks.append(rows)
    if style.get("t2_tables") == "several":
        if style.get("t2_caption_outside"):  # "第二十条第(一)项" as a paragraph, the table below it
            return [
                Grid(f"active:{i}", 4, rows[1:], caption=rows[0][0].text) for i, rows in enumerate(blocks)
            ]
        return [Grid(f"active:{i}", 4, rows) for i, rows in enumerate(blocks)]
    return [Grid("active", 4, [r for rows in blocks for r in rows])]


def _group_lines(label: str, style: dict) -> tuple[str, ...]:
    label = _punct(label, style)
    if style.get("break_group_labels") and len(label) >= 5:
        return (label[:-2], label[-2:])
    return (label,)


def _applications_grid(truth: dict) -> Grid:
    fmt = truth["format"]["applications"]
    style = truth["style"]
    rows: list[list[Cell]] = [
        [
            Cell((_punct(T3_NOTE, style),), "note", colspan=3, rowspan=3),
            Cell(("申请人情况",), "header", colspan=7),
        ],
        [
            Cell(("自然人",), "header", rowspan=2),
            Cell(("法人或其他组织",), "header", colspan=5),
            Cell(("总计",), "header", rowspan=2),
        ],
        [Cell(_split_header(label, style), "header") for _, label in APPLICANT_COLUMNS[1:]],
    ]
    spec = T3_ROWS[fmt]
    group_sizes: dict[str, int] = {}
    for _, group, _ in spec:
        if group:
            group_sizes[group] = group_sizes.get(group, 0) + 1
    seen_groups: set[str] = set()
    first_result = True
    printed = truth["doc"]["labels"]["applications"]
    for key, group, _ in spec:
        label = printed[key]
        row: list[Cell] = []
        if key in RESULT_ROWS[fmt] or key == "total_processed":
            if first_result:
                row.append(
                    Cell((_punct(RESULT_GROUP_LABEL, style),), "group", rowspan=len(RESULT_ROWS[fmt]) + 1)
                )
                first_result = False
            if group is None:
                row.append(Cell((label,), "label", colspan=2))
            else:
                if group not in seen_groups:
                    seen_groups.add(group)
                    row.append(Cell(_group_lines(group, style), "group", rowspan=group_sizes[group]))
                row.append(Cell((label,), "label"))
        else:
            row.append(Cell((label,), "label", colspan=3))
        for col in T3_COLUMNS:
            cell = _value(truth, "applications", key, col)
            if cell is not None:
                row.append(cell)
        rows.append(row)
    return Grid("applications", 10, rows)


def _appeals_grid(truth: dict) -> Grid:
    style = truth["style"]
    rows: list[list[Cell]] = [
        [Cell(("行政复议",), "header", colspan=5), Cell(("行政诉讼",), "header", colspan=10)],
        [Cell(_split_header(label, style), "header", rowspan=2) for _, label in T4_COLUMNS]
        + [Cell(("未经复议直接起诉",), "header", colspan=5), Cell(("复议后起诉",), "header", colspan=5)],
        [Cell(_split_header(label, style), "header") for _ in range(2) for _, label in T4_COLUMNS],
    ]
    data = []
    for group in T4_GROUPS:
        for key, _ in T4_COLUMNS:
            cell = _value(truth, "appeals", group, key)
            if cell is not None:
                data.append(cell)
    rows.append(data)
    return Grid("appeals", 15, rows)


def _document(truth: dict) -> list[tuple[str, object]]:
    """The report as a sequence of blocks: ("title", lines) ("p", text) ("h", text) ("table", Grid)."""
    doc = truth["doc"]
    out: list[tuple[str, object]] = [("title", doc["title_lines"]), ("p", doc["intro"])]
    tables = {
        "active": _active_grids(truth),
        "applications": [_applications_grid(truth)],
        "appeals": [_appeals_grid(truth)],
    }
    for key in SECTION_KEYS:
        out.append(("h", doc["headings"][key]))
        for p in doc["paragraphs"][key]:
            out.append(("p", p))
        for grid in tables.get(key, []):
            if grid.caption:
                out.append(("p", grid.caption))
            out.append(("table", grid))
    out.append(("sign", doc["signature"]))
    return out


# ---------------------------------------------------------------------------------------------------------
# HTML


def _esc(text: str) -> str:
    return _html.escape(text, quote=False)


def _html_cell(cell: Cell, style: dict) -> str:
    attrs = ""
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.text.strip() == "":
        inner = style.get("empty_cell_html", "&nbsp;")
    else:
        inner = "<br/>".join(_esc(x) for x in cell.lines)
    markup = style.get("cell_markup")
    if style.get("word_export"):
        inner = (
            '<p class="MsoNormal" align="center" style="text-align:center">'
            f'<span style="font-size:10.5pt;font-family:宋体">{inner}</span></p>'
        )
        attrs += ' valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    elif markup == "p_center":  # UEditor
        inner = f'<p style="text-align:center">{inner}</p>'
    elif markup == "span":
        inner = f'<span style="font-size:14px">{inner}</span>'
    tag = "th" if style.get("header_tag") == "th" and cell.kind in ("header", "caption", "note") else "td"
    if style.get("upper_tags"):
        tag = tag.upper()
        attrs = attrs.replace("colspan=", "COLSPAN=").replace("rowspan=", "ROWSPAN=")
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _html_table(grid: Grid, style: dict) -> str:
    parts = [
        '<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse">',
        "<tbody>",
    ]
    for row in grid.rows:
        cells = list(row)
        if style.get("misaligned_colspan") and grid.name.startswith("active"):
            # 上海 2019: the header puts its colspan on an earlier column than the data rows do
            cells = _misalign(cells)
        tr = ("<TR>", "</TR>") if style.get("upper_tags") else ("<tr>", "</tr>")
        parts.append(tr[0] + "".join(_html_cell(c, style) for c in cells) + tr[1])
    parts.append("</tbody></table>")
    out = "\n".join(parts)
    if style.get("upper_tags"):  # FrontPage-era markup
        out = out.replace("<table ", "<TABLE ").replace("</table>", "</TABLE>")
        out = out.replace("<tbody>", "<TBODY>").replace("</tbody>", "</TBODY>")
    return out


def _misalign(cells: list[Cell]) -> list[Cell]:
    if len(cells) == 3 and cells[0].kind == "header" and cells[2].colspan == 2:
        a, b, c = cells
        return [a, Cell(b.lines, b.kind, colspan=2), Cell(c.lines, c.kind, colspan=1)]
    return cells


def render_body_html(truth: dict) -> str:
    """The body fragment as CMS editors emit it: prose <p>s and the tables with rowspan/colspan."""
    style = truth["style"]
    out: list[str] = []
    for kind, payload in _document(truth):
        if kind == "title":
            lines = payload  # type: ignore[assignment]
            out.append(
                '<p style="text-align:center"><strong>'
                + "<br/>".join(_esc(x) for x in lines)
                + "</strong></p>"
            )
        elif kind == "h":
            tag = style.get("heading_tag")
            if tag == "h3":
                out.append(f"<h3>{_esc(payload)}</h3>")
            elif tag == "p_strong":
                out.append(f'<p style="text-indent:2em"><strong>{_esc(payload)}</strong></p>')
            else:
                out.append(f'<p style="text-indent:2em">{_esc(payload)}</p>')
        elif kind == "p":
            text = _esc(payload)
            if style.get("word_export"):
                out.append(
                    f'<p class="MsoNormal" style="text-indent:32.0pt"><span style="font-family:仿宋_GB2312">{text}</span></p>'
                )
            else:
                out.append(f'<p style="text-indent:2em">{text}</p>')
        elif kind == "table":
            out.append(_html_table(payload, style))  # type: ignore[arg-type]
        elif kind == "sign":
            for line in payload:  # type: ignore[union-attr]
                out.append(f'<p style="text-align:right">{_esc(line)}</p>')
    body = "\n".join(out)
    if style.get("nested_layout"):
        body = (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="content">\n'
            + body
            + "\n</td></tr></table>"
        )
    return body


# ---------------------------------------------------------------------------------------------------------
# Text layouts


def _positions(grid: Grid) -> list[list[tuple[int, Cell]]]:
    """Each row's cells with the grid column they start in (HTML table layout algorithm)."""
    occupied: set[tuple[int, int]] = set()
    out: list[list[tuple[int, Cell]]] = []
    for r, row in enumerate(grid.rows):
        col = 0
        placed = []
        for cell in row:
            while (r, col) in occupied:
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, col + dc))
            col += cell.colspan
        out.append(placed)
    return out


def _spanning_into(grid: Grid) -> list[list[int]]:
    """Per row, the start columns of cells from earlier rows whose rowspan reaches into it."""
    pos = _positions(grid)
    out: list[list[int]] = [[] for _ in grid.rows]
    for r, placed in enumerate(pos):
        for col, cell in placed:
            for dr in range(1, cell.rowspan):
                if r + dr < len(out):
                    out[r + dr].append(col)
    return out


def _pad(text: str, rng: random.Random) -> str:
    """Seed-002 style padding around a value: U+3000 after, NBSP before or after."""
    roll = rng.random()
    if roll < 0.3:
        return text + "\u3000" * rng.choice((1, 1, 2))
    if roll < 0.55:
        return text + "\xa0"
    if roll < 0.8:
        return "\xa0" + text
    return text


def _table_text(
    grid: Grid, layout: str, style: dict, rng: random.Random, runs: list | None = None
) -> list[str]:
    """One table in a text layout; for "glued", `runs` collects each row's value cells and separators."""
    lines: list[str] = []
    if layout == "cell_per_line":
        # one cell per line; render_text puts the blank line between cells
        for row in grid.rows:
            for cell in row:
                if cell.kind in ("group", "label") and len(cell.lines) > 1:
                    lines.append("\n\n".join(cell.lines))  # seed 000: "(三)不予" / "" / "公开"
                elif cell.text.strip() == "":
                    lines.append("\xa0")
                else:
                    lines.append("\n".join(cell.lines))  # seed 000: "本年新" / "制作数量"
        return lines
    if layout == "cell_per_line_pipes":
        for i, row in enumerate(grid.rows):
            for cell in row:
                text = " ".join(cell.lines) if cell.text.strip() else "\xa0"
                lines.append(f"{text} |")
            pad = grid.width - len(row)
            if pad > 0 and i < len(grid.rows) - 1:
                lines.append("|" * pad)
        return lines
    if layout == "pipe_rows":
        for row in grid.rows:
            texts = [" ".join(c.lines) for c in row]
            line = " | ".join(texts) + " | " + "|" * (grid.width - len(row))
            lines.append(line.rstrip())
        return lines
    if layout == "tabs":
        into = _spanning_into(grid)
        positions = _positions(grid)
        for r in range(len(grid.rows)):
            covered = sorted(into[r])
            placed = positions[r]
            merged: list[tuple[int, str]] = [(c, "\t") for c in covered]
            for col, cell in placed:
                if cell.kind == "value":
                    text = _pad(cell.text, rng) if cell.text.strip() else "\xa0"
                else:
                    text = "\n".join(cell.lines)
                merged.append((col, "\t" + text))
            merged.sort(key=lambda x: x[0])
            lines.extend(t for _, t in merged)
            lines.append("")
        return lines
    if layout == "markdown":
        expanded = []
        for placed in _positions(grid):
            cols = [""] * grid.width
            for col, cell in placed:
                if col < grid.width:
                    cols[col] = " ".join(cell.lines)
            expanded.append(cols)
        for i, cols in enumerate(expanded):
            lines.append("| " + " | ".join(cols) + " |")
            if i == 0:
                lines.append("|" + "---|" * grid.width)
        return lines
    if layout == "glued":
        out = ""
        first = True
        for row in grid.rows:
            row_run: list[tuple[tuple[str, str, str] | None, str, str]] = []
            for cell in row:
                sep = "" if first or not style.get("glued_spaces") else (" " if rng.random() < 0.3 else "")
                first = False
                text = "".join(cell.lines)
                out += sep + text
                if cell.kind == "value":
                    row_run.append((cell.path, text, sep))
            if runs is not None and row_run:
                runs.append(row_run)
        return [out]
    raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")


def _interleave(items: list[str], sep: str) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item)
    return out


def render_text(truth: dict, layout: str) -> str:
    """The whole report as text in one of LAYOUTS (except "html"), the way extraction leaves it."""
    return _render_text(truth, layout, None)


def _render_text(truth: dict, layout: str, runs: list | None) -> str:
    if layout == "html":
        raise ValueError('render_text does not draw "html"; use render_body_html')
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    style = truth["style"]
    # padding / spacing choices are part of the layout, deterministic per report
    rng = random.Random(f"{truth['title']}|{truth['published']}|{layout}")
    blank_between = layout in ("cell_per_line",)
    lines: list[str] = []
    for kind, payload in _document(truth):
        if kind == "title":
            block = list(payload)  # type: ignore[arg-type]
        elif kind in ("h", "p"):
            block = [payload]  # type: ignore[list-item]
        elif kind == "sign":
            block = list(payload)  # type: ignore[arg-type]
        else:
            block = _table_text(payload, layout, style, rng, runs)  # type: ignore[arg-type]
        if blank_between:
            block = _interleave(block, "")
        if lines and blank_between:
            lines.append("")
        lines.extend(block)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------
# What a rendering leaves undecidable

_COUNT = re.compile(r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:件|项|个)?")
_CHANGE = re.compile(r"[+\-]?(?:0|[1-9]\d*)")
_MONEY = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元)?")


def _cell_value(text: str, col: str) -> Decimal:
    text = text.rstrip("件项个")
    if col == "amount_wan_yuan":
        if text.endswith("万元"):
            return Decimal(text[:-2])
        if text.endswith("元"):
            return Decimal(text[:-1]) / Decimal(10000)
        return Decimal(text)
    return Decimal(text.replace(",", ""))


@functools.lru_cache(maxsize=65536)
def _parse_piece(kind: str, piece: str) -> Decimal | None:
    """The value of a candidate piece of a glued run for a cell of this kind, None if it cannot be one."""
    grammar = _MONEY if kind == "amount_wan_yuan" else _CHANGE if kind == "change" else _COUNT
    return _cell_value(piece, kind) if grammar.fullmatch(piece) else None


def _count_splits(run: list[tuple[tuple[str, str, str], str, str]], limit: int = 2) -> int:
    """How many ways the glued digits of one row split into its cells and satisfy the row's identities.

    Spaces written between cells are hard boundaries; everything else is one character stream. The
    identities are H1 (table 三 row: 总计 = sum of the six applicant columns) and H4a-c (table 四: each
    group's 总计 = its four results); table 二 has none. A memoised walk over (position, cell, running
    sum); counting stops at `limit`.
    """
    table = run[0][0][0]
    cols = [p[2] for p, _, _ in run]
    chunks: list[str] = []
    for _, text, sep in run:
        text = unicodedata.normalize("NFKC", text)
        if sep or not chunks:
            chunks.append(text)
        else:
            chunks[-1] += text
    if sum(len(c) for c in chunks) == len(cols):
        return 1  # one character per cell: the only split (and the rendered one satisfies the identities)
    # each cell adds to the running sum, closes it (must equal it), or is free
    if table == "applications":
        roles = ["add"] * 6 + ["check"]
    elif table == "appeals":
        roles = (["add"] * 4 + ["check"]) * 3
    else:
        roles = ["free"] * len(cols)

    longest = [16 if c == "amount_wan_yuan" else 12 for c in cols]  # longest raw cell string of its kind

    def parse(k: int, piece: str) -> Decimal | None:
        return _parse_piece(cols[k] if cols[k] in ("amount_wan_yuan", "change") else "count", piece)

    @functools.cache
    def ways(ci: int, pos: int, k: int, acc: Decimal) -> int:
        if ci == len(chunks):
            return 1 if k == len(cols) else 0
        chunk = chunks[ci]
        if pos == len(chunk):
            return ways(ci + 1, 0, k, acc)
        if k == len(cols):
            return 0
        total = 0
        for end in range(pos + 1, min(len(chunk), pos + longest[k]) + 1):
            value = parse(k, chunk[pos:end])
            if value is None:
                continue
            if roles[k] == "add":
                total += ways(ci, end, k + 1, acc + value)
            elif roles[k] == "check":
                if value == acc:
                    total += ways(ci, end, k + 1, Decimal(0))
            else:
                total += ways(ci, end, k + 1, acc)
            if total >= limit:
                return limit
        return total

    return min(ways(0, 0, 0, Decimal(0)), limit)


def uncertain_cells(truth: dict, layout: str) -> list[str]:
    """Cells ("table.row.col") that a correct parser may leave null when reading this rendering.

    A parser must never give any other number for them; every other cell it must read exactly.
    - "glued": a row whose digits split into its cells in more than one way satisfying the row's
      identities (table 二 rows have none, so most multi-digit ones), and any row with a blank, `/`/`—`
      or dropped cell (the glued digits no longer say which cell is missing).
    - "cell_per_line", "cell_per_line_pipes" and "tabs": a row with a blank cell (an NBSP-only line,
      "\xa0 |" or "\t\xa0", which whitespace normalisation turns into nothing or a separator) or a
      dropped cell (a short row): once a cell has no line of its own, nothing says which one is missing.
      Table 四 is one row of 15 cells there, so one such cell makes all 15 uncertain.
    - the other layouts keep every cell's position: nothing is uncertain.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    out: list[str] = []

    def row_paths(table: str, row: str) -> list[str]:
        if table == "appeals":
            return [f"appeals.{g}.{c}" for g in T4_GROUPS for c, _ in T4_COLUMNS]
        return [f"{table}.{row}.{c}" for c in truth[table][row]]

    if layout in ("cell_per_line", "cell_per_line_pipes", "tabs"):
        for table in ("active", "applications", "appeals"):
            for row, cols in truth["raw"][table].items():
                dropped = len(cols) < len(truth[table][row])
                if dropped or any(v.strip() == "" for v in cols.values()):
                    out.extend(row_paths(table, row))
    elif layout == "glued":
        runs: list = []
        _render_text(truth, layout, runs)
        for run in runs:
            table, row, _ = run[0][0]
            expected = 15 if table == "appeals" else len(truth[table][row])
            values = [truth[p[0]][p[1]][p[2]] for p, _, _ in run]
            if len(run) != expected or any(v is None for v in values) or _count_splits(run) != 1:
                out.extend(row_paths(table, row))
    return sorted(set(out))


# ---------------------------------------------------------------------------------------------------------
# Pre-2019


def render_pre2019(rng: random.Random, *, report_year: int, agency: str) -> str:
    """Body HTML of a free-form pre-2019 report (no v2019/v2021 anchors anywhere)."""
    year = int(report_year)
    pub = _dt.date(year + 1, 1, 1) + _dt.timedelta(days=rng.randint(0, 88))
    active_n = rng.randint(30, 3000)
    docs_n = rng.randint(0, active_n // 10)
    face, net, letter, other = (rng.randint(0, 20) for _ in range(4))
    received = face + net + letter + other
    agreed = rng.randint(0, received)
    partial = rng.randint(0, received - agreed)
    refused = received - agreed - partial
    review = rng.choice((0, 0, 0, 1, 2))
    lawsuit = rng.choice((0, 0, 0, 1))
    fee = rng.choice(("0", "0", "0.05"))
    modern = year >= 2014
    title = f"{agency}{year}年政府信息公开工作年度报告"
    p = []
    p.append(f'<p style="text-align:center"><strong>{_esc(title)}</strong></p>')
    p.append(
        f"<p>本报告根据《中华人民共和国政府信息公开条例》要求,由{_esc(agency)}编制。全文包括概述,主动公开政府信息情况,"
        "依申请公开政府信息情况,政府信息公开的收费及减免情况,因政府信息公开申请行政复议、提起行政诉讼的情况,"
        "政府信息公开工作存在的主要问题及改进措施,其他需要报告的事项。本报告中所列数据的统计期限自"
        f"{year}年1月1日起至{year}年12月31日止。</p>"
    )
    p.append("<p><strong>一、概述</strong></p>")
    p.append(
        f"<p>{year}年,{_esc(agency)}认真贯彻落实《中华人民共和国政府信息公开条例》,进一步健全政府信息公开工作机制,"
        "完善政府信息公开目录,政府信息公开工作取得新进展。</p>"
    )
    p.append("<p><strong>二、主动公开政府信息情况</strong></p>")
    p.append(
        f"<p>{year}年共主动公开政府信息{active_n}条,其中规范性文件{docs_n}件。主要通过政府网站、政府公报、"
        "档案馆、图书馆查阅点等渠道公开。</p>"
    )
    if modern:
        p.append("<p><strong>三、回应解读情况</strong></p>")
        p.append("<p>围绕社会关注热点,及时发布政策解读材料,回应公众关切。</p>")
        n = ["四", "五", "六", "七", "八"]
    else:
        n = ["三", "四", "五", "六", "七"]
    p.append(f"<p><strong>{n[0]}、依申请公开政府信息情况</strong></p>")
    p.append(
        f"<p>{year}年共受理政府信息公开申请{received}件,其中当面申请{face}件,网络申请{net}件,信函申请{letter}件,"
        f"其他形式申请{other}件。已答复{received}件,其中同意公开{agreed}件,同意部分公开{partial}件,"
        f"不予公开{refused}件。</p>"
    )
    p.append(f"<p><strong>{n[1]}、政府信息公开的收费及减免情况</strong></p>")
    p.append(
        "<p>"
        + ("本年度未收取检索、复制、邮寄等费用。" if fee == "0" else f"本年度收取检索、复制费用{fee}万元。")
        + "</p>"
    )
    p.append(f"<p><strong>{n[2]}、因政府信息公开申请行政复议、提起行政诉讼的情况</strong></p>")
    p.append(f"<p>本年度因政府信息公开申请行政复议{review}件,提起行政诉讼{lawsuit}件,行政申诉0件。</p>")
    p.append(f"<p><strong>{n[3]}、政府信息公开工作存在的主要问题及改进措施</strong></p>")
    p.append(
        "<p>政府信息公开工作还存在公开内容不够全面、更新不够及时等问题。下一步将加强培训,完善制度,"
        "进一步提高政府信息公开工作水平。</p>"
    )
    p.append(f"<p><strong>{n[4]}、其他需要报告的事项</strong></p>")
    p.append("<p>附表:政府信息公开情况统计表</p>")
    rows: list[tuple[str, str, str]] = [("统计指标", "单位", "统计数")]
    if modern:
        rows += [
            ("一、主动公开情况", "", ""),
            ("(一)主动公开政府信息数", "条", str(active_n)),
            ("其中:主动公开规范性文件数", "条", str(docs_n)),
            ("二、回应解读情况", "", ""),
            ("(一)回应公众关注热点或重大舆情数", "次", str(rng.randint(0, 20))),
            ("三、依申请公开情况", "", ""),
            ("(一)收到申请数", "件", str(received)),
            ("1.当面申请数", "件", str(face)),
            ("2.传真申请数", "件", "0"),
            ("3.网络申请数", "件", str(net)),
            ("4.信函申请数", "件", str(letter)),
            ("(二)申请办结数", "件", str(received)),
            ("1.按时办结数", "件", str(received)),
            ("2.延期办结数", "件", "0"),
            ("(三)申请答复数", "件", str(received)),
            ("1.属于已主动公开范围数", "件", "0"),
            ("2.同意公开答复数", "件", str(agreed)),
            ("3.同意部分公开答复数", "件", str(partial)),
            ("4.不同意公开答复数", "件", str(refused)),
            ("四、行政复议数量", "件", str(review)),
            ("五、行政诉讼数量", "件", str(lawsuit)),
            ("六、举报投诉数量", "件", "0"),
            ("七、依申请公开信息收取的费用", "万元", fee),
            ("八、机构建设和保障经费情况", "", ""),
            ("(一)政府信息公开工作专门机构数", "个", "1"),
            ("九、政府信息公开会议和培训情况", "", ""),
            ("(一)召开政府信息公开工作会议或专题会议数", "次", "2"),
        ]
    else:
        rows = [("指标名称", "计量单位", "本年度")] + [
            ("主动公开信息数", "条", str(active_n)),
            ("其中:政府网站公开数", "条", str(active_n)),
            ("申请总数", "件", str(received)),
            ("其中:当面申请数", "件", str(face)),
            ("网上申请数", "件", str(net)),
            ("信函申请数", "件", str(letter)),
            ("对申请的答复总数", "件", str(received)),
            ("其中:同意公开数", "件", str(agreed)),
            ("同意部分公开数", "件", str(partial)),
            ("否决公开数", "件", str(refused)),
            ("行政复议数", "件", str(review)),
            ("行政诉讼数", "件", str(lawsuit)),
            ("行政申诉数", "件", "0"),
        ]
    table = ['<table border="1" cellspacing="0" cellpadding="0" width="90%">']
    for a, b, c in rows:
        table.append(f"<tr><td>{_esc(a)}</td><td>{_esc(b)}</td><td>{_esc(c)}</td></tr>")
    table.append("</table>")
    p.append("\n".join(table))
    p.append(f'<p style="text-align:right">{_esc(agency)}</p>')
    p.append(f'<p style="text-align:right">{pub.year}年{pub.month}月{pub.day}日</p>')
    return "\n".join(p)
