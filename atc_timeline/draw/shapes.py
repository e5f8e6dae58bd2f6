"""Lanes, bars with faded fuzzy ends and ongoing arrows, dose phases, markers and date whiskers."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from atc_timeline.draw.sheet import Plot, polyline
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import Bar, Marker, TimelineLayout

FADE_STEPS = 10


def draw_lanes(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """Alternate lanes shaded, a rule under each; one artist for each kind."""
    x0, x1 = layout.xlim
    shaded = [_box(x0, lane.y0, x1 - x0, lane.y1 - lane.y0) for lane in layout.lanes if lane.index % 2 == 0]
    ax.add_artist(PolyCollection(shaded, facecolors=theme.lane_shade, linewidths=0, zorder=0, gid="lanes"))
    xs, ys = polyline([((x0, lane.y0), (x1, lane.y0)) for lane in layout.lanes])
    ax.add_artist(Line2D(xs, ys, color=theme.grid, lw=0.8, zorder=0.6, gid="lane-rules"))


Shape = list[tuple[float, float]]  # a polygon's corners in data coordinates


def _box(x: float, y0: float, w: float, h: float) -> Shape:
    """The corners of a w x h box from (x, y0)."""
    return [(x, y0), (x + w, y0), (x + w, y0 + h), (x, y0 + h)]


def _fade(lo: float, hi: float, y0: float, h: float, rising: bool) -> list[tuple[Shape, float]]:
    """Strips across an uncertain date range whose opacity ramps up (or down)."""
    if hi - lo <= 0:
        return []
    step = (hi - lo) / FADE_STEPS
    pieces: list[tuple[Shape, float]] = []
    for i in range(FADE_STEPS):
        alpha = (i + 0.5) / FADE_STEPS
        pieces.append((_box(lo + i * step, y0, step, h), alpha if rising else 1 - alpha))
    return pieces


def bar_pieces(bar: Bar, start: float, stop: float) -> list[tuple[Shape, float]]:
    """Boxes (with opacity) for a bar from `start` to `stop` with fuzzy ends.

    Why corner lists and PolyCollection rather than Rectangle patches: a bar has up to 21
    pieces, and a matplotlib Patch costs far more to create than its four corners.
    """
    y0 = bar.y - bar.height / 2
    s_lo, s_hi, e_lo, e_hi = start, max(start, bar.start_hi), bar.end_lo, bar.end_hi
    if s_hi > e_lo:  # both ends uncertain and overlapping: meet in the middle
        mid = (s_hi + e_lo) / 2
        s_hi = e_lo = mid
    pieces = _fade(s_lo, s_hi, y0, bar.height, rising=True)
    if e_lo > s_hi:
        pieces.append((_box(s_hi, y0, e_lo - s_hi, bar.height), 1.0))
    pieces += _fade(e_lo, min(e_hi, stop), y0, bar.height, rising=False)
    return pieces


def to_rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    """The colour as RGBA with this opacity."""
    r, g, b, _ = mpl.colors.to_rgba(color)
    return (r, g, b, alpha)


def darker(color: str, factor: float = 0.7) -> str:
    """The colour with its channels scaled by `factor`, as hex."""
    r, g, b, _ = mpl.colors.to_rgba(color)
    return mpl.colors.to_hex((r * factor, g * factor, b * factor))


def draw_bar(ax: Plot, bar: Bar, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    """A bar as one artist: faded fuzzy ends, crisp edges on exact dates, an arrow if ongoing."""
    style = theme.bar(bar.category)
    pieces = bar_pieces(bar, bar.start_lo, bar.end_hi)
    shapes = [p for p, _ in pieces]
    colors = [to_rgba(style.color, a) for _, a in pieces]
    edge = darker(style.color, 0.55)
    y0 = bar.y - bar.height / 2
    per_in = (layout.xlim[1] - layout.xlim[0]) / (layout.axes.x1 - layout.axes.x0)
    edge_w = 0.025 * per_in
    # A crisp dark edge marks a date known to the day; fuzzy ends get none.
    if bar.start_exact:
        shapes.append(_box(bar.start_lo, y0, edge_w, bar.height))
        colors.append(to_rgba(edge, 1.0))
    if bar.end_exact and bar.end_status == "date":
        shapes.append(_box(bar.end_hi - edge_w, y0, edge_w, bar.height))
        colors.append(to_rgba(edge, 1.0))
    outline = [_box(bar.start_lo, y0, bar.end_hi - bar.start_lo, bar.height)]
    if bar.end_status == "ongoing":
        tip = bar.end_hi + layout.sizes.arrow * per_in
        arrow = [(bar.end_hi, y0 - bar.height * 0.25), (tip, bar.y), (bar.end_hi, y0 + bar.height * 1.25)]
        shapes.append(arrow)
        colors.append(to_rgba(style.color, 1.0))
        outline.append(arrow)
    gid = f"event-{bar.event_id}"
    ax.add_artist(PolyCollection(shapes, facecolors=colors, linewidths=0, zorder=2, gid=gid))
    if style.hatch:
        _add_hatch(ax, outline, style.hatch, to_rgba(edge, 0.9), 2.01, bar.event_id)
    titles[f"event-{bar.event_id}"] = bar.title


def _add_hatch(ax: Plot, outline: list[Shape], hatch: str, color: Any, zorder: float, event_id: str) -> None:
    """Hatching over a whole bar in one artist.

    Why: hatching each fade strip separately cost about 8 ms per bar in Agg; the hatch
    colour does not fade, so one overlay looks the same.
    """
    coll = PolyCollection(
        outline, facecolors="none", edgecolors=[color], linewidths=0, zorder=zorder, gid=f"hatch-{event_id}"
    )
    coll.set_hatch(hatch)
    ax.add_artist(coll)


def draw_phase(ax: Plot, phase: Bar, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    """A dose phase over its drug's bar, in alternating shades (phase 1 is the bar itself)."""
    style = theme.bar(phase.category)
    titles[f"event-{phase.event_id}"] = phase.title
    y0 = phase.y - phase.height / 2
    if phase.phase == 1:
        # The parent bar already shows phase 1; an invisible box keeps one id per phase.
        rect = Rectangle(
            (phase.start_hi, y0),
            max(phase.end_lo - phase.start_hi, 0),
            phase.height,
            fill=False,
            lw=0,
            gid=f"event-{phase.event_id}",
            zorder=2.4,
        )
        ax.add_artist(rect)
        return
    shade = phase_color(style.color, phase.phase)
    end = phase.end_hi
    pieces = bar_pieces(phase, phase.start_lo, end)
    ax.add_artist(
        PolyCollection(
            [p for p, _ in pieces],
            facecolors=[to_rgba(shade, a) for _, a in pieces],
            linewidths=0,
            zorder=2.4,
            gid=f"event-{phase.event_id}",
        )
    )
    if style.hatch:
        outline = [_box(phase.start_lo, y0, end - phase.start_lo, phase.height)]
        _add_hatch(ax, outline, style.hatch, to_rgba(darker(style.color, 0.4), 1.0), 2.41, phase.event_id)


def phase_color(color: str, phase: int) -> str:
    """The fill of dose phase `phase` on a bar of `color`: the bar's own for phase 1."""
    if phase == 1:
        return color
    # Alternate two shades so neighbouring phases stay distinguishable.
    return darker(color, 0.72 if phase % 2 == 0 else 0.86)


def draw_marker(ax: Plot, marker: Marker, theme: Theme, titles: dict[str, str], k: float = 1.0) -> None:
    """A point event's marker in its theme style, `k` times the usual size."""
    style = theme.marker(marker.style)
    face = style.color if style.filled else theme.background
    edge = style.edge if style.filled else style.color
    ax.add_artist(
        Line2D(
            [marker.x],
            [marker.y],
            marker=style.marker,
            markersize=style.size * k,
            markerfacecolor=face,
            markeredgecolor=edge,
            markeredgewidth=(1.3 if not style.filled else 0.9) * k,
            linestyle="none",
            zorder=4,
            gid=f"event-{marker.event_id}",
        )
    )
    titles[f"event-{marker.event_id}"] = marker.title


def draw_whiskers(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """Date-range whiskers (|--|) of every inexact marker, as one artist."""
    spans = [((m.lo, m.y), (m.hi, m.y)) for m in layout.markers if not m.exact]
    if spans:
        xs, ys = polyline(spans)
        k = layout.sizes.marker
        ax.add_artist(
            Line2D(
                xs,
                ys,
                color=theme.muted,
                lw=1.3 * k,
                marker="|",
                markersize=8 * k,
                zorder=3.5,
                gid="whiskers",
            )
        )
