"""The demo portal's world: sites, the reports they publish, distractors, blocked pages.

Pure data plus small request/response types; no sockets. `families.py` fills each site's routes,
`server.py` serves them, `portal.py` ties it together. Everything derives from one seed number.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from gxcrawl.demo import content as contentlib

# new families come last: `--sites 9` (bench/crawl.py) still builds the nine older families unchanged
FAMILIES: tuple[str, ...] = (
    "trs",
    "trs1",
    "hanweb",
    "vsb",
    "gkmlpt",
    "jsonly",
    "client_slice",
    "slow",
    "jpaas",
    "search",
    "scripted",
    "trsapi",
)
# the registry's cms hint per family (C4 vocabulary); the JS-only site has no recognisable CMS
REGISTRY_CMS = {
    "trs": "trs",
    "trs1": "trs1",
    "hanweb": "hanweb",
    "vsb": "vsb",
    "gkmlpt": "gkmlpt",
    "jsonly": None,
    "client_slice": "client_slice",
    "slow": "trs",
    "jpaas": "jpaas",
    "search": "trs",
    "scripted": "trs",
    "trsapi": "trs",
}

# (region, level, site name, domain slug) of the primary sites; extra sites get generated names
PRIMARY_REGIONS = {
    "trs": ("云溪市", "city"),
    "trs1": ("长宁县", "county"),
    "hanweb": ("江临市", "city"),
    "vsb": ("白沙县", "county"),
    "gkmlpt": ("东湖区", "district"),
    "jsonly": ("南岭市", "city"),
    "client_slice": ("青川市", "city"),
    "slow": ("新村镇", "township"),
    "jpaas": ("瑞川市", "city"),
    "search": ("丰阳市", "city"),
    "scripted": ("泉山市", "city"),
    "trsapi": ("榕溪市", "city"),
}
_NAME_CHARS = "安宝北长城川东丰福阜高广海和河华怀淮江金靖乐临龙隆平青庆瑞山寿双顺泰通桐万文西祥新兴阳永玉云泽昭"
_DEPARTMENTS = (
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "城市管理局",
    "行政审批局",
    "信访局",
    "民族宗教事务局",
    "体育局",
    "档案局",
)
_TOWN_SUFFIX = ("镇", "镇", "街道", "乡")
REPORT_YEARS = (2024, 2023, 2022, 2021, 2020, 2019)


# --- HTTP values ------------------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    site: Site

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed Cookie header is just no cookies
            return {}
        return {k: v.value for k, v in jar.items()}

    def form(self) -> dict[str, list[str]]:
        merged = dict(self.query)
        if self.body:
            merged.update(parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        return merged

    def param(self, name: str, default: str = "") -> str:
        return self.form().get(name, [default])[0]


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    last_modified: str | None = None  # YYYY-MM-DD: sent as Last-Modified, and with an ETag for conditional GETs


Handler = Callable[[Request], Response]


# --- the world ------------------------------------------------------------------------------------------------


@dataclass
class Attachment:
    path: str  # site path, with query for download endpoints
    kind: str  # "pdf" | "docx"
    name: str  # the file name shown in the link text
    referer_required: bool = False


@dataclass
class Report:
    uid: str
    site: Site
    agency: str
    agency_kind: str  # "government" | "department" | "township"
    report_year: int
    fmt: str
    form: str  # "html" | "html+pdf" | "html+docx" | "attachment_only"
    layout: str
    source: str  # "reportgen" | "seed:NNN"
    defects: float
    docid: int
    group: str  # "year" | "department" | "township" | "flat" | "misfiled" | "republished" | "column"
    path: str = ""
    list_paths: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    duplicate_of: Report | None = None
    changed: bool = False
    needs_browser: bool = False
    cookie_gate: bool = False
    attachment_kind: str = "pdf"  # the file an attachment-only report links: "pdf" | "ofd"
    shown_title: str | None = None  # the title the page and list show, when not the document's own title line
    attachment_binding: str | None = None  # how the page binds its attachments by script (None: plain links)
    _contents: dict[int, contentlib.Content] = field(default_factory=dict, repr=False)

    def content(self, generation: int = 0) -> contentlib.Content:
        if self.duplicate_of is not None:
            return self.duplicate_of.content(generation)
        gen = generation if self.changed else 0
        got = self._contents.get(gen)
        if got is None:
            if self.source.startswith("seed:"):
                got = contentlib.seed_report(self.source[5:], generation=gen)
            else:
                got = contentlib.generated_report(
                    self.uid,
                    fmt=self.fmt,
                    report_year=self.report_year,
                    agency=self.agency,
                    defects=self.defects,
                    layout=self.layout,
                    generation=gen,
                )
            self._contents[gen] = got
        return got

    @property
    def published(self) -> str:
        return self.content(0).published

    @property
    def title(self) -> str:
        return self.shown_title or self.content(0).title

    @property
    def ymd(self) -> str:
        return self.published.replace("-", "")


@dataclass
class Distractor:
    site: Site
    kind: str
    title: str
    path: str
    published: str


@dataclass
class Blocked:
    site: Site
    path: str
    reason: str
    title: str


@dataclass
class Site:
    id: str
    family: str
    index: int
    primary: bool
    host: str
    region: str
    level: str
    encoding: str = "utf-8"
    render: bool = False
    gzip: bool = False
    slow: bool = False
    fail_first: int = 0  # answer 503 + Retry-After to this many first requests (robots.txt excepted)
    crawl_delay: float | None = None
    port: int = 0
    xxgk_path: str = "/"
    entry_path: str = "/"
    report_columns: list[str] = field(default_factory=list)
    routes: dict[str, Handler] = field(default_factory=dict)
    # handlers tried in order when no route matches exactly; each returns None to pass
    prefix_routes: list[Callable[[Request], Response | None]] = field(default_factory=list)
    big5_gateway: bool = False
    reports: list[Report] = field(default_factory=list)
    distractors: list[Distractor] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    robots_disallowed: list[str] = field(default_factory=list)
    robots_txt: str | None = None
    departments: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    behaviours: list[str] = field(default_factory=list)
    search_form: str = ""  # the header search box ("" -> the generic one)
    search_hints: list[dict] = field(default_factory=list)  # registry `search` entries (url given as a path)
    render_actions: list[dict] = field(default_factory=list)  # registry `render_actions` (JS-only lists)
    search_log: list[tuple[str, str, int]] = field(default_factory=list)  # (api, word, page) of each search answered
    state: dict = field(default_factory=lambda: {"generation": 0})  # shared by all sites of one portal

    @property
    def name(self) -> str:
        return f"{self.region}人民政府"

    @property
    def generation(self) -> int:
        return int(self.state["generation"])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def code_digits(self) -> str:
        return f"99{self.index + 1:04d}"

    @property
    def site_code(self) -> str:
        return f"{self.code_digits}0001"

    @property
    def domain(self) -> str:
        return f"www.demo{self.index + 1}.gov.cn"

    @property
    def icp(self) -> str:
        return f"{self.province_abbr}ICP备{10000000 + self.index * 7919:08d}号-1"

    @property
    def gongan_code(self) -> str:
        return f"{99000000000000 + self.index * 104729:014d}"

    @property
    def gongan(self) -> str:
        return f"{self.province_abbr}公网安备 {self.gongan_code}号"

    @property
    def province_abbr(self) -> str:
        return "冀苏浙粤滇湘赣鲁"[self.index % 8]

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding, errors="xmlcharrefreplace")

    @property
    def content_type(self) -> str:
        return f"text/html; charset={self.encoding}"

    def html(self, text: str, status: int = 200, *, last_modified: str | None = None) -> Response:
        return Response(status, self.encode(text), self.content_type, last_modified=last_modified)


def region_name(rng: random.Random, level: str) -> str:
    suffix = {"city": "市", "county": "县", "district": "区", "township": "镇"}[level]
    return rng.choice(_NAME_CHARS) + rng.choice(_NAME_CHARS) + suffix


def agency_names(rng: random.Random, region: str, n_departments: int, n_townships: int) -> tuple[list[str], list[str]]:
    depts = [region + d for d in rng.sample(_DEPARTMENTS, min(n_departments, len(_DEPARTMENTS)))]
    while len(depts) < n_departments:  # very large sites: numbered bureaus keep names unique
        depts.append(f"{region}第{len(depts) + 1}工作局")
    towns: list[str] = []
    seen: set[str] = set()
    while len(towns) < n_townships:
        name = rng.choice(_NAME_CHARS) + rng.choice(_NAME_CHARS) + rng.choice(_TOWN_SUFFIX)
        if name not in seen:
            seen.add(name)
            towns.append(name)
    return depts, towns


def fmt_for_year(rng: random.Random, year: int) -> str:
    if year < 2019:
        return "pre2019"
    if year >= 2021:
        # a few agencies kept the old tables after 2021 (format is a property of the document)
        return "2019" if year == 2021 and rng.random() < 0.1 else "2021"
    return "2019"


def docid_for(site: Site, n: int) -> int:
    return int(hashlib.sha256(f"{site.id}:{n}".encode()).hexdigest()[:6], 16) % 900000 + 100000 + n * 1000000
