"""The site's plots as SVG files (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after the backend is chosen

from gxcrawl.quality.portals import LEVEL_ORDER  # noqa: E402

plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "gxcrawl", "figure.dpi": 96})


def _save(fig: plt.Figure, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    return path.name


def reports_per_year_by_level(per_year_level: Counter, path: Path) -> str:
    years = sorted({y for y, _ in per_year_level})
    levels = sorted(
        {lv for _, lv in per_year_level},
        key=lambda lv: LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else len(LEVEL_ORDER),
    )
    fig, ax = plt.subplots(figsize=(7, 3.2))
    bottom = [0] * len(years)
    for level in levels:
        counts = [per_year_level.get((y, level), 0) for y in years]
        ax.bar([str(y) for y in years], counts, bottom=bottom, label=level)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_ylabel("reports")
    ax.set_title("Reports per report year, by portal level")
    if levels:
        ax.legend(fontsize="small")
    return _save(fig, path)


def hard_pass_share(checked: Counter, passed: Counter, path: Path) -> str:
    years = sorted(checked)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    shares = [100 * passed[y] / checked[y] for y in years]
    ax.plot([str(y) for y in years], shares, marker="o")
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of reports")
    ax.set_title("Reports passing every hard check (H1-H6), per report year")
    return _save(fig, path)


def applications_per_year(received: Counter, granted: Counter, path: Path) -> str:
    years = sorted(set(received) | set(granted))
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot([str(y) for y in years], [received.get(y, 0) for y in years], marker="o", label="received (new)")
    ax.plot([str(y) for y in years], [granted.get(y, 0) for y in years], marker="s", label="granted in full")
    ax.set_ylabel("applications")
    ax.set_title("Applications received and granted, all reports, per report year")
    ax.legend(fontsize="small")
    return _save(fig, path)
