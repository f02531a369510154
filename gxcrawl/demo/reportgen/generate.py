"""generate_report: one report's ground truth, the JSON document every rendering writes exactly."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import random
from typing import Any

from gxcrawl.demo.reportgen.checks import claimed_checks
from gxcrawl.demo.reportgen.figures import Figures
from gxcrawl.demo.reportgen.prose import (
    break_title,
    draw_intro,
    draw_title,
    section_headings,
    section_paragraphs,
)
from gxcrawl.demo.reportgen.style import Style, printed_labels
from gxcrawl.demo.reportgen.vocab import SCHEMA
from gxcrawl.demo.reportgen.written import apply_defects, draw_defect_kinds, truth_table, write_cells

Truth = dict[str, Any]


def generate_report(rng: random.Random, *, fmt: str, report_year: int, agency: str, defects: float = 0.0) -> Truth:
    """One report's ground truth; every later rendering of it writes exactly these values.

    The draws happen in a fixed order (style, title, date, figures, defects, prose): a seed always
    gives the same report.
    """
    if fmt not in ("2019", "2021"):
        raise ValueError(f"fmt must be '2019' or '2021', not {fmt!r}")
    if not 0.0 <= defects <= 1.0:
        raise ValueError(f"defects is a probability in [0, 1], not {defects!r}")
    year = int(report_year)
    style = Style.draw(rng, fmt)
    title_lines = draw_title(rng, agency, year)
    pub = _dt.date(year + 1, 1, 1) + _dt.timedelta(days=rng.randint(0, 88))
    # later variants come from their own stream so that adding one never changes earlier reports
    extra = random.Random(f"{agency}|{year}|{fmt}|{pub.isoformat()}|{''.join(title_lines)}")
    title_lines = break_title(title_lines, extra)
    style = dataclasses.replace(style, t2_caption_outside=style.t2_tables == "several" and extra.random() < 0.35)
    title_lines = [style.punctuate(t) for t in title_lines]

    figures = Figures.draw(rng, fmt)
    kinds = draw_defect_kinds(rng, fmt, defects)
    cells = write_cells(figures, fmt, kinds)
    apply_defects(cells, figures, kinds, rng)

    paragraphs = section_paragraphs(rng, fmt, year, agency, figures.applications, figures.appeals)
    paragraphs = {k: [style.punctuate(p) for p in v] for k, v in paragraphs.items()}
    intro = draw_intro(rng, agency, year, style)
    truth: Truth = {
        "schema": SCHEMA,
        "title": "".join(title_lines),
        "agency": agency,
        "report_year": year,
        "published": pub.isoformat(),
        "format": {"active": fmt, "applications": fmt, "overall": fmt},
        "sections": {k: "\n".join(v) for k, v in paragraphs.items()},
        "active": truth_table(cells, "active", figures.active),
        "applications": truth_table(cells, "applications", figures.applications),
        "appeals": truth_table(cells, "appeals", figures.appeals),
        "raw": cells.raw,
        "defects": cells.log,
        "style": style.as_dict(),
        "doc": {
            "title_lines": title_lines,
            "intro": intro,
            "headings": section_headings(style),
            "paragraphs": paragraphs,
            "signature": [agency, f"{pub.year}年{pub.month}月{pub.day}日"],
            "labels": printed_labels(fmt, style).as_dict(),
        },
    }
    truth["checks"] = claimed_checks(truth)
    return truth
