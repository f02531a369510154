"""Cost of one list page in the portals spider as its link count grows; prints figures, asserts nothing.

    .venv/bin/python bench/links.py [--sizes 25000,50000,100000]

Each page is run through the spider's own page handling (PortalsSpider._html_page: parse, links, title, header
date, classification, the requests it yields) as a 年报 column, in four shapes: links in list rows (`<li>`), all
links in one paragraph (one `<p>` holding every link: the row of each link is the whole paragraph), and links
with header-style dates (`发布时间：…`) between them; and a report page (its date in the header line)
carrying as many links. Times are CPU seconds of this process. The ratios 50k/25k and
100k/50k are ~2 when the work is linear. First with the per-page link cap lifted (the work itself), then with
the default cap (GX_MAX_LINKS_PER_PAGE), which bounds a page whatever its size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from spiders.portals import PortalsSpider

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from crawl_process import SECTIONS  # noqa: E402  (the smallest report body the end-to-end tests use)

URL = "http://www.xx.gov.cn/zwgk/nb/index.html"


def page(n: int, shape: str) -> bytes:
    if shape == "rows":
        links = "".join(
            f'<li><a href="/zwgk/nb/2023/t2023_{i}.html">某局{i}2023年政府信息公开工作年度报告</a>'
            f"<span>2024-01-15</span></li>"
            for i in range(n)
        )
        body = f"<ul>{links}</ul>"
    elif shape == "one-paragraph":
        body = (
            "<p>"
            + "".join(
                f'<a href="/zwgk/nb/2023/t2023_{i}.html">某局{i}2023年政府信息公开工作年度报告</a> ' for i in range(n)
            )
            + "</p>"
        )
    elif shape == "report-page":  # a report whose page also carries a huge link list (its date in the header)
        links = "".join(f'<span><a href="/zwgk/x{i}.html">第{i}项</a></span>' for i in range(n))
        return (
            f"<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body><h1>某县2023年政府信息"
            f"公开工作年度报告</h1><div>来源：某县 时间：2024-01-15</div>{SECTIONS}<div>{links}</div>"
            f"</body></html>"
        ).encode()
    else:  # header-like dates between the links
        body = "".join(
            f'<div><a href="/zwgk/nb/x{i}.html">第{i}项</a><span>发布时间：2024-01-15</span></div>' for i in range(n)
        )
    return f"<html><head><title>政府信息公开工作年度报告</title></head><body>{body}</body></html>".encode()


def spider(registry: Path, settings: dict) -> PortalsSpider:
    crawler = get_crawler(PortalsSpider, settings_dict={"GX_REGISTRY": str(registry), **settings})
    crawler.spider = crawler._create_spider()
    return crawler.spider


async def run_page(sp: PortalsSpider, body: bytes) -> int:
    request = Request(URL, meta={"gx_portal": "xx", "gx_role": "column", "gx_depth": 0})
    response = HtmlResponse(URL, body=body, encoding="utf-8", request=request)
    count = 0
    async for _ in sp._html_page(response, sp.by_id["xx"], "column"):
        count += 1
    return count


def measure(sp: PortalsSpider, body: bytes) -> tuple[float, int]:
    start = time.process_time()
    count = asyncio.run(run_page(sp, body))
    return time.process_time() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,50000,100000")
    parser.add_argument("--shapes", default="rows,one-paragraph,header-dates,report-page")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        registry = Path(tmp) / "registry.json"
        registry.write_text(
            json.dumps(
                {"portals": [{"id": "xx", "entry_urls": ["http://www.xx.gov.cn/"], "allowed_hosts": ["www.xx.gov.cn"]}]}
            )
        )
        for label, settings in (("cap lifted", {"GX_MAX_LINKS_PER_PAGE": 10 * max(sizes)}), ("default cap", {})):
            sp = spider(registry, settings)
            print(f"-- {label} (GX_MAX_LINKS_PER_PAGE={sp.max_links_per_page})")
            for shape in args.shapes.split(","):
                times = []
                for n in sizes:
                    seconds, count = measure(sp, page(n, shape))
                    times.append(seconds)
                    print(f"{shape:14} {n:>7} links: {seconds:6.2f} s CPU, {count} requests")
                ratios = ", ".join(
                    f"{sizes[i + 1]}/{sizes[i]}: {times[i + 1] / max(times[i], 1e-9):.2f}"
                    for i in range(len(sizes) - 1)
                )
                print(f"{shape:14} ratios {ratios}")


if __name__ == "__main__":
    main()
