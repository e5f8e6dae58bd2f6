"""Dated metastases along the bottom of the plot: a tick at a known day, a range at an imprecise one."""

from __future__ import annotations

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from atc_timeline.draw.sheet import Plot
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import TimelineLayout


def draw_metastases(ax: Plot, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    """Each mark as the layout placed it; its label is drawn with the other labels."""
    k = layout.sizes.marker
    for i, mark in enumerate(layout.metastases):
        gid = f"metastasis-mark-{i + 1}"
        if not mark.exact:
            # The days the metastasis may have been found on, lightly filled, edged at both ends.
            ax.add_artist(
                Rectangle(
                    (mark.lo, 0.0),
                    mark.hi - mark.lo,
                    mark.top,
                    facecolor=theme.text,
                    alpha=0.22,
                    lw=0,
                    zorder=3.4,
                    gid=f"{gid}-range",
                )
            )
        xs = [mark.lo, mark.lo] if mark.exact else [mark.lo, mark.lo, float("nan"), mark.hi, mark.hi]
        ys = [0.0, mark.top] if mark.exact else [0.0, mark.top, float("nan"), 0.0, mark.top]
        ax.add_artist(
            Line2D(xs, ys, color=theme.text, lw=(1.4 if mark.exact else 0.8) * k, zorder=3.5, gid=gid)
        )
        titles[gid] = mark.title
