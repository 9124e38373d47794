"""Charts for the reports, drawn with matplotlib as SVG text to embed in the HTML (no
file, no external asset). They plot published values only (crawler/protection.py); a week
without a snapshot is a gap in the line."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

INK = "#1f3b57"
MUTED = "#8a99a8"
# SVG text stays text (searchable, crisp in the PDF); hashsalt makes the ids stable, so
# the same report renders to the same bytes
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "adcensus",
                            "font.family": "DejaVu Sans", "font.size": 9})


def trend(labels: Sequence[str], values: Sequence[int | None], title: str) -> str:
    """A line over weeks; None is a gap (a week without a snapshot)."""
    fig, ax = plt.subplots(figsize=(6.4, 2.6), dpi=100)
    xs = list(range(len(labels)))
    ys = [float("nan") if v is None else v for v in values]
    ax.plot(xs, ys, color=INK, marker="o", markersize=4, linewidth=1.8)
    ax.set_xticks(xs, [label.split("-")[1] for label in labels])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    shown = [v for v in values if v is not None]
    # headroom above the highest point, so its tick and marker are not cut off
    ax.set_ylim(0, max(shown) * 1.15 if shown and max(shown) > 0 else 1)
    ax.set_title(title, loc="left", fontsize=10, color=INK)
    _plain(ax)
    return _svg(fig)


def bars(labels: Sequence[str], values: Sequence[int | None], title: str) -> str:
    """Horizontal bars, largest on top."""
    fig, ax = plt.subplots(figsize=(6.4, 0.45 + 0.28 * max(len(labels), 1)), dpi=100)
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, [v or 0 for v in values], color=INK, height=0.6)
    ax.set_yticks(ys, labels)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_title(title, loc="left", fontsize=10, color=INK)
    _plain(ax)
    return _svg(fig)


def _plain(ax: plt.Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors="#333333", labelsize=8)
    ax.grid(axis="both", color="#e5e9ee", linewidth=0.6)
    ax.set_axisbelow(True)


def _svg(fig: plt.Figure) -> str:
    out = io.StringIO()
    fig.tight_layout()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg"):]  # the XML prolog has no place inside HTML
