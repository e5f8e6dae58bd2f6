"""The time axes: spines, grid, tick marks and labels, axis titles, cut-off and time-zero lines."""

from __future__ import annotations

from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKUP, MarkerStyle
from matplotlib.transforms import offset_copy

from atc_timeline.draw.sheet import Plot, vertical
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import LINE_SPACING, TickRow, TimelineLayout
from atc_timeline.layout.rules import rule_spans


def draw_axes(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """Spines, grid, the layout's tick rows and axis titles, and the cut-off and time-zero lines.

    Why not matplotlib's Axis: its tick machinery (a Tick object with two lines and two texts
    per tick, a secondary axis for relative time) cost about 120 ms a chart, more than all the
    chart's own artists together.
    """
    for edge, gid in ((0.0, "spine-bottom"), (1.0, "spine-top")):
        spine = Line2D([0, 1], [edge, edge], transform=ax.axes_transform, color=theme.muted, lw=0.8)
        spine.set(zorder=2.5, gid=gid, clip_on=False, solid_capstyle="projecting")
        ax.add_artist(spine)
    # Every vertical rule breaks where a text sits across it (a label, the cut-off's own).
    ax.add_artist(
        LineCollection(
            [[(t.x, lo), (t.x, hi)] for t in layout.ticks.ticks for lo, hi in rule_spans(layout, t.x)],
            colors=theme.grid,
            linewidths=0.8,
            zorder=0.5,
            gid="grid",
        )
    )
    _tick_row(ax, layout.ticks, 0.0, theme, "tick")
    if layout.top_ticks is not None:
        _tick_row(ax, layout.top_ticks, 1.0, theme, "tick-top")
    k = layout.sizes.marker
    for x, color, style, width, zorder, gid in (
        (layout.cutoff_x, theme.cutoff, "--", 1.4, 3.0, "cutoff-line"),
        (layout.zero_x, theme.muted, ":", 1.1, 1.0, "time-zero-line"),
    ):
        xs, ys = vertical(x, rule_spans(layout, x))
        line = Line2D(xs, ys, color=color, ls=style, lw=width * k)
        ax.add_artist(line).set(zorder=zorder, gid=gid)


def _tick_row(ax: Plot, row: TickRow, edge: float, theme: Theme, gid: str) -> None:
    """A row's tick marks, labels and axis title on the bottom (edge 0) or top (edge 1) of the axes."""
    up = edge == 1.0
    color = theme.muted if row.color_key == "muted" else theme.text
    ax.add_artist(
        Line2D(
            [t.x for t in row.ticks],
            [edge] * len(row.ticks),
            transform=ax.xaxis_transform,
            marker=MarkerStyle(TICKUP if up else TICKDOWN),
            markersize=row.mark,
            markeredgewidth=0.8,
            color=color,
            linestyle="none",
            clip_on=False,
            gid=f"{gid}-marks",
        )
    )
    offset = row.label_offset
    place = offset_copy(ax.xaxis_transform, fig=ax.fig, y=offset if up else -offset, units="points")
    style = {"fontsize": row.size, "color": color, "clip_on": False, "parse_math": False}
    va = "bottom" if up else "top"
    for i, tick in enumerate(row.ticks):
        label = ax.text(
            tick.x, edge, tick.text, transform=place, ha="center", va=va, gid=f"{gid}-{i}", **style
        )
        label.set_linespacing(LINE_SPACING)
    if row.title:
        # The axis title, centred on the axes beyond the labels.
        beyond = offset_copy(
            ax.axes_transform, fig=ax.fig, y=row.title_offset if up else -row.title_offset, units="points"
        )
        title_gid = "axis-label-top" if up else "axis-label"
        ax.text(0.5, edge, row.title, transform=beyond, ha="center", va=va, gid=title_gid, **style)
