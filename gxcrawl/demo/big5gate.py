"""The traditional-character gateway some portals run: every page re-served under
`/gate/big5/<domain>/<path>` with characters converted and site-absolute links rewritten to stay in
the gateway (beijing.gov.cn does this). A crawler must canonicalise these URLs
(drop the `/gate/big5/<domain>` prefix) instead of archiving every report twice.

The conversion table covers the characters that matter in report pages; the rest pass unchanged,
as on real gateways the text is "mostly" traditional.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gxcrawl.demo.world import Request, Response, Site

_PAIRS = (
    "开開 报報 务務 国國 条條 处處 请請 况況 会會 发發 过過 关關 于於 为為 门門 县縣 区區 镇鎮 统統 计計 规規 范範 "
    "复復 议議 诉訴 讼訟 结結 转轉 续續 办辦 单單 总總 体體 动動 问問 题題 进進 项項 数數 实實 经經 济濟 机機 构構 "
    "网網 设設 览覽 页頁 将將 业業 与與 这這 对對 级級 众眾 权權 护護 认認 识識 责責 导導 领領 组組 织織 极極 强強 "
    "调調 监監 检檢 质質 听聽 证證 应應 据據 录錄 档檔 图圖 书書 馆館 预預 决決 财財 资資 产產 环環 卫衛 员員 广廣 "
    "电電 视視 讯訊 热熱 线線 访訪 谈談 传傳 达達 术術 训訓 练練 习習 贯貫 彻徹 东東 长長 风風 乐樂 阳陽 记記 写寫 "
    "订訂 种種 类類 标標 准準 显顯 损損 伤傷 谁誰 见見 络絡 时時 间間 码碼 备備 选選 择擇 历歷 专專 户戶 态態 无無 "
    "们們 个個 来來 还還 后後 现現 华華 营營 养養 汇匯 编編 纳納 费費 额額 万萬 审審 执執 罚罰 许許 税稅 满滿 杂雜 "
    "难難 践踐 参參 层層 乡鄉 划劃 宁寧 阶階 优優 险險 医醫 疗療 农農 运運 输輸 气氣 邮郵 药藥 游遊 闻聞 当當 页頁 "
    "号號 关關 闭閉 窗窗 览覽 页頁 字字 体體 简簡 繁繁 首首 读讀 办辦 单單 位位 网網 站站 标標 识識 页頁 协協 调調 "
    "说說 明明 讲講 话話 该該 据據 依依 申申 请請 答答 复復 书書 状狀 维維 纠糾 尚尚 审審 结結 认認 为為 让讓 严嚴 "
    "举舉 报報 违違 规規 处處 罚罰 议議 题題 类類 别別 项項 发發 布佈 盖蓋 门門 户戶 网網 页頁 栏欄 目目 动動 态態"
)
TABLE = str.maketrans(dict(p for p in (tuple(pair) for pair in _PAIRS.split()) if len(p) == 2))


def prefix(site: Site) -> str:
    return f"/gate/big5/{site.domain}"


def to_traditional(text: str) -> str:
    return text.translate(TABLE)


def install(site: Site) -> None:
    """Serve every route of `site` again under the gateway prefix."""
    gate = prefix(site)

    def handle(req: Request) -> Response | None:
        if not req.path.startswith(gate + "/"):
            return None
        inner_path = req.path[len(gate) :] or "/"
        query = "&".join(f"{k}={v}" for k, vs in req.query.items() for v in vs)
        handler = site.routes.get(inner_path + ("?" + query if query else "")) or site.routes.get(inner_path)
        if handler is None:
            return None
        resp = handler(replace(req, path=inner_path))
        if resp.status != 200 or not resp.content_type.startswith("text/html"):
            return resp
        html = resp.body.decode(site.encoding)
        html = re.sub(r'(href|src)="/(?!/|gate/)', lambda m: f'{m.group(1)}="{gate}/', html)
        return replace(resp, body=site.encode(to_traditional(html)))

    site.prefix_routes.append(handle)
    site.behaviours.append("big5-gateway")
