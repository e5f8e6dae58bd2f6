"""Draw a TimelineLayout on a matplotlib Figure (no pyplot); event artists carry gid 'event-<id>'."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from atc_timeline.draw.axes import draw_axes
from atc_timeline.draw.legend import draw_legend
from atc_timeline.draw.metastases import draw_metastases
from atc_timeline.draw.shapes import (
    draw_bar,
    draw_lanes,
    draw_marker,
    draw_phase,
    draw_uncertainty,
    draw_whiskers,
)
from atc_timeline.draw.sheet import Plot, Sheet, polyline
from atc_timeline.draw.texts import draw_header_footer, draw_labels
from atc_timeline.draw.themes import LIGHT, Theme
from atc_timeline.layout import TimelineLayout
from atc_timeline.mpl.agg_text import FastTextCanvas
from atc_timeline.mpl.rc import drawing_rc


def draw_timeline(layout: TimelineLayout, theme: Theme = LIGHT, dpi: float = 150) -> Figure:
    """Draw the layout on a new Figure; event artists carry gid 'event-<id>'."""
    with drawing_rc(theme.rc()):  # rcParams are process-wide: one drawing thread at a time
        fig = Figure(figsize=(layout.width, layout.height), dpi=dpi, facecolor=theme.background)
        FastTextCanvas(fig)
        titles: dict[str, str] = {}
        overlay = Sheet(fig)
        ax = Plot(fig, layout)
        draw_axes(ax, layout, theme)
        draw_lanes(ax, layout, theme)
        for bar in layout.bars:
            draw_bar(ax, bar, layout, theme, titles)
        for phase in layout.phases:
            draw_phase(ax, phase, layout, theme, titles)
        for marker in layout.markers:
            draw_marker(ax, marker, theme, titles, layout.sizes.marker)
        draw_whiskers(ax, layout, theme)
        draw_uncertainty(ax, layout, theme)
        draw_metastases(ax, layout, theme, titles)
        if layout.leaders:
            xs, ys = polyline([((d.x0, d.y0), (d.x1, d.y1)) for d in layout.leaders])
            ax.add_artist(Line2D(xs, ys, color=theme.muted, lw=0.7, zorder=3, gid="leaders"))
        draw_labels(ax, overlay, layout, theme, titles)
        draw_header_footer(overlay, layout, theme)
        draw_legend(overlay, layout, theme)
        fig.atc_titles = titles  # type: ignore[attr-defined]
    return fig
