"""How one report is typeset: the rendering choices drawn once per report and shared by every layout.

A report's truth is a JSON document (the demo portal writes it into its manifest), so it carries the
style as a plain dict (`Style.as_dict`); the renderers read it back with `Style.of(truth)`.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any, Literal

from gxcrawl.demo.reportgen.vocab import SECTION_HEADINGS, T2_BLOCKS, T3_ROWS

_FULLWIDTH_PUNCT = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；"})


@dataclass(frozen=True, slots=True)
class Style:
    """Rendering choices seen on real portals; field order is the order they are drawn in."""

    punct: Literal["half", "full"]  # labels and prose with half- or full-width punctuation
    t2_tables: Literal["one", "several"]  # table 二 as one table or one per 第二十条 item
    header_breaks: bool  # narrow header cells broken in two ("本年新<br>制作数量")
    break_group_labels: bool  # "(三)不予<br>公开"
    word_export: bool  # Word's HTML export (MsoNormal paragraphs in every cell)
    nested_layout: bool  # the body inside a layout table
    misaligned_colspan: bool  # v2019 table 二 header with its colspan on an earlier column
    heading_tag: Literal["p_strong", "h3", "p"]
    appeals_heading: int  # index into SECTION_HEADINGS["appeals"]
    problems_heading: int  # index into SECTION_HEADINGS["problems"]
    empty_cell_html: Literal["&nbsp;", ""]
    glued_spaces: bool  # the "glued" layout sometimes keeps a space between cells
    cell_markup: Literal["plain", "p_center", "span"]
    header_tag: Literal["td", "th"]
    upper_tags: bool  # FrontPage-era upper-case tags
    # label wording seen in real reports
    partial_short: bool  # "(二)部分公开" without its parenthesis
    straight_quotes: bool  # "三安全一稳定" in ASCII quotes
    overdue_comma: bool  # v2021 "其他处理" labels with "," for "、"
    caption_spaces: bool  # "第二十条  第(一)项"
    v2021_old_norm_label: bool  # v2021 table 二 keeping the v2019 label "规范性文件"
    # drawn later, from the report's second random stream (see generate_report)
    t2_caption_outside: bool = False  # table 二 captions as paragraphs above their tables

    @classmethod
    def draw(cls, rng: random.Random, fmt: str) -> Style:
        """Every choice but `t2_caption_outside`, in this order (the order fixes what a seed draws)."""
        return cls(
            punct=rng.choice(("half", "full")),
            t2_tables=rng.choice(("one", "several")),
            header_breaks=rng.random() < 0.5,
            break_group_labels=rng.random() < 0.3,
            word_export=rng.random() < 0.3,
            nested_layout=rng.random() < 0.15,
            misaligned_colspan=fmt == "2019" and rng.random() < 0.25,
            heading_tag=rng.choice(("p_strong", "h3", "p")),
            appeals_heading=rng.randrange(len(SECTION_HEADINGS["appeals"])),
            problems_heading=rng.randrange(len(SECTION_HEADINGS["problems"])),
            empty_cell_html=rng.choice(("&nbsp;", "")),
            glued_spaces=rng.random() < 0.5,
            cell_markup=rng.choice(("plain", "plain", "p_center", "span")),
            header_tag=rng.choice(("td", "td", "th")),
            upper_tags=rng.random() < 0.1,
            partial_short=rng.random() < 0.15,
            straight_quotes=rng.random() < 0.2,
            overdue_comma=fmt == "2021" and rng.random() < 0.2,
            caption_spaces=rng.random() < 0.1,
            v2021_old_norm_label=fmt == "2021" and rng.random() < 0.1,
        )

    @classmethod
    def of(cls, truth: dict[str, Any]) -> Style:
        return cls(**truth["style"])

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def punctuate(self, text: str) -> str:
        """Text written with half-width punctuation, in this report's punctuation."""
        return text.translate(_FULLWIDTH_PUNCT) if self.punct == "full" else text


@dataclass(frozen=True, slots=True)
class Labels:
    """The row labels and captions one report prints (official wording or an observed variant)."""

    applications: dict[str, str]  # table 三 row key -> label
    active: dict[str, str]  # table 二 row key -> label
    captions: dict[str, str]  # table 二 official caption -> caption as printed

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {"applications": self.applications, "active": self.active, "captions": self.captions}


def printed_labels(fmt: str, style: Style) -> Labels:
    t3: dict[str, str] = {}
    for key, _, label in T3_ROWS[fmt]:
        if key == "partially_granted" and style.partial_short:
            label = "(二)部分公开"
        if key == "denied_security_stability" and style.straight_quotes:
            label = label.replace("“", '"').replace("”", '"')
        if key in ("other_overdue_correction", "other_overdue_fee") and style.overdue_comma:
            label = label.replace("、", ",")
        t3[key] = style.punctuate(label)
    t2: dict[str, str] = {}
    captions: dict[str, str] = {}
    for block in T2_BLOCKS[fmt]:
        caption = block.caption.replace("第二十条第", "第二十条  第") if style.caption_spaces else block.caption
        captions[block.caption] = style.punctuate(caption)
        for key, label in block.rows:
            if key == "normative_documents" and style.v2021_old_norm_label:
                label = "规范性文件"
            t2[key] = label
    return Labels(applications=t3, active=t2, captions=captions)
