"""The time axes: spines, grid, tick marks and labels, axis titles, cut-off and time-zero lines."""

from __future__ import annotations

import math

from matplotlib import dates as mdates
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKUP, MarkerStyle
from matplotlib.transforms import offset_copy

from atc_timeline.draw.sheet import Plot
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import LINE_SPACING, TimelineLayout, nice_step

TICK_PAD = 3.5  # points between a tick mark and its label, as matplotlib's default


def draw_axes(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """Time axis, grid and tick labels drawn as plain artists.

    Why not matplotlib's Axis: its tick machinery (a Tick object with two lines and two texts
    per tick, a secondary axis for relative time) cost about 120 ms a chart, more than all the
    chart's own artists together.
    """
    s = layout.sizes
    for edge, gid in ((0.0, "spine-bottom"), (1.0, "spine-top")):
        spine = Line2D([0, 1], [edge, edge], transform=ax.axes_transform, color=theme.muted, lw=0.8)
        spine.set(zorder=2.5, gid=gid, clip_on=False, solid_capstyle="projecting")
        ax.add_artist(spine)
    zero, unit = layout.zero_x, layout.unit_days
    lo = (layout.xlim[0] - zero) / unit
    hi = (layout.xlim[1] - zero) / unit
    step = nice_step(hi - lo, _unit_name(unit))
    first = math.floor(lo / step) * step
    count = int((hi - first) / step) + 2
    relative_ticks = [first + i * step for i in range(count) if lo <= first + i * step <= hi]
    relative_xs = [zero + t * unit for t in relative_ticks]
    relative_labels = [f"{t:g}" for t in relative_ticks]
    if layout.axis == "relative":
        # No calendar at all: ticks are placed in days but labelled in the relative unit.
        xs, labels = relative_xs, relative_labels
    else:
        xs, labels = _calendar_ticks(*layout.xlim)
    ax.add_artist(
        LineCollection(
            [[(x, layout.ylim[0]), (x, layout.ylim[1])] for x in xs],
            colors=theme.grid,
            linewidths=0.8,
            zorder=0.5,
            gid="grid",
        )
    )
    bottom = _tick_row(ax, xs, labels, 0.0, 4.0, s.tick, theme.text, "tick")
    if layout.axis == "relative":
        _axis_label(ax, layout.relative_label, 0.0, -(bottom + 4), s.tick, theme.text, "top")
    if layout.axis == "both":
        muted, small = theme.muted, s.tick * 0.9
        top = _tick_row(ax, relative_xs, relative_labels, 1.0, 3.0, small, muted, "tick-top")
        _axis_label(ax, layout.relative_label, 1.0, top + 3, small, muted, "bottom")
    k = layout.sizes.marker
    for x, color, style, width, zorder, gid in (
        (layout.cutoff_x, theme.cutoff, "--", 1.4, 3.0, "cutoff-line"),
        (zero, theme.muted, ":", 1.1, 1.0, "time-zero-line"),
    ):
        line = Line2D([x, x], [0, 1], transform=ax.xaxis_transform, color=color, ls=style, lw=width * k)
        ax.add_artist(line).set(zorder=zorder, gid=gid)


def _calendar_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Date ticks and concise labels ('Jul\n2018', then 'Oct') across [lo, hi] in date numbers."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    formatter = mdates.ConciseDateFormatter(locator, show_offset=False)
    formatter.formats = ["%Y", "%b\n%Y", "%d %b", "%H:%M", "%H:%M", "%S.%f"]
    formatter.zero_formats = ["", "%b\n%Y", "%b", "%d %b", "%H:%M", "%H:%M"]
    values = locator.tick_values(mdates.num2date(lo), mdates.num2date(hi))
    xs = [float(x) for x in values if lo <= x <= hi]
    return xs, list(formatter.format_ticks(xs))


def _tick_row(
    ax: Plot,
    xs: list[float],
    labels: list[str],
    edge: float,
    length: float,
    size: float,
    color: str,
    gid: str,
) -> float:
    """Tick marks and labels on the bottom (edge 0) or top (edge 1) of the axes.

    Returns how far the labels reach from the edge, in points.
    """
    up = edge == 1.0
    ax.add_artist(
        Line2D(
            xs,
            [edge] * len(xs),
            transform=ax.xaxis_transform,
            marker=MarkerStyle(TICKUP if up else TICKDOWN),
            markersize=length,
            markeredgewidth=0.8,
            color=color,
            linestyle="none",
            clip_on=False,
            gid=f"{gid}-marks",
        )
    )
    offset = length + TICK_PAD
    place = offset_copy(ax.xaxis_transform, fig=ax.fig, y=offset if up else -offset, units="points")
    lines = 1
    for i, (x, label) in enumerate(zip(xs, labels, strict=True)):
        ax.text(
            x,
            edge,
            label,
            transform=place,
            ha="center",
            va="bottom" if up else "top",
            fontsize=size,
            color=color,
            linespacing=LINE_SPACING,
            clip_on=False,
            parse_math=False,
            gid=f"{gid}-{i}",
        )
        lines = max(lines, label.count("\n") + 1)
    return offset + size * (1.0 + (lines - 1) * LINE_SPACING) * 1.17


def _axis_label(ax: Plot, text: str, edge: float, offset: float, size: float, color: str, va: str) -> None:
    """An axis title centred on the axes, `offset` points beyond its edge."""
    place = offset_copy(ax.axes_transform, fig=ax.fig, y=offset, units="points")
    gid = "axis-label-top" if edge else "axis-label"
    style = {"fontsize": size, "color": color, "clip_on": False, "parse_math": False}
    ax.text(0.5, edge, text, transform=place, ha="center", va=va, gid=gid, **style)


def _unit_name(days: float) -> str:
    return {1.0: "days", 7.0: "weeks"}.get(days, "months")
