"""A free-form pre-2019 report (the 2008 regulation's era): no v2019/v2021 table anchors anywhere."""

from __future__ import annotations

import datetime as _dt
import random

from gxcrawl.demo.reportgen.bodyhtml import esc


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
    p.append(f'<p style="text-align:center"><strong>{esc(title)}</strong></p>')
    p.append(
        f"<p>本报告根据《中华人民共和国政府信息公开条例》要求,由{esc(agency)}编制。全文包括概述,主动公开政府信息情况,"
        "依申请公开政府信息情况,政府信息公开的收费及减免情况,因政府信息公开申请行政复议、提起行政诉讼的情况,"
        "政府信息公开工作存在的主要问题及改进措施,其他需要报告的事项。本报告中所列数据的统计期限自"
        f"{year}年1月1日起至{year}年12月31日止。</p>"
    )
    p.append("<p><strong>一、概述</strong></p>")
    p.append(
        f"<p>{year}年,{esc(agency)}认真贯彻落实《中华人民共和国政府信息公开条例》,进一步健全政府信息公开工作机制,"
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
        table.append(f"<tr><td>{esc(a)}</td><td>{esc(b)}</td><td>{esc(c)}</td></tr>")
    table.append("</table>")
    p.append("\n".join(table))
    p.append(f'<p style="text-align:right">{esc(agency)}</p>')
    p.append(f'<p style="text-align:right">{pub.year}年{pub.month}月{pub.day}日</p>')
    return "\n".join(p)
