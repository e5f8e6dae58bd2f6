"""Draw a TimelineLayout on a matplotlib Figure (no pyplot); event artists carry gid 'event-<id>'."""

from __future__ import annotations

import math
from typing import Any, cast

import matplotlib as mpl
from matplotlib import dates as mdates
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKUP, MarkerStyle
from matplotlib.patches import Polygon, Rectangle
from matplotlib.transforms import Affine2D, Bbox, TransformedBbox, blended_transform_factory, offset_copy

from atc_timeline.draw.themes import LIGHT, Theme
from atc_timeline.layout import (
    LINE_SPACING,
    Bar,
    TimelineLayout,
    legend_handle_width,
    legend_row_height,
    nice_step,
)
from atc_timeline.mpl.agg_text import FastTextCanvas

FADE_STEPS = 10


def draw_timeline(layout: TimelineLayout, theme: Theme = LIGHT, dpi: float = 150) -> Figure:
    """Draw the layout on a new Figure; event artists carry gid 'event-<id>'."""
    with mpl.rc_context(cast(Any, theme.rc())):
        fig = Figure(figsize=(layout.width, layout.height), dpi=dpi, facecolor=theme.background)
        FastTextCanvas(fig)
        titles: dict[str, str] = {}
        overlay = Sheet(fig)
        ax = Plot(fig, layout)
        _draw_axes(ax, layout, theme)
        _draw_lanes(ax, layout, theme)
        for bar in layout.bars:
            _draw_bar(ax, bar, layout, theme, titles)
        for phase in layout.phases:
            _draw_phase(ax, phase, layout, theme, titles)
        for marker in layout.markers:
            _draw_marker(ax, marker, theme, titles, layout.sizes.marker)
        _draw_whiskers(ax, layout, theme)
        if layout.leaders:
            xs, ys = _polyline([((d.x0, d.y0), (d.x1, d.y1)) for d in layout.leaders])
            ax.add_artist(Line2D(xs, ys, color=theme.muted, lw=0.7, zorder=3, gid="leaders"))
        _draw_labels(ax, overlay, layout, theme, titles)
        _draw_header_footer(overlay, layout, theme)
        _draw_legend(overlay, layout, theme)
        fig.atc_titles = titles  # type: ignore[attr-defined]
    return fig


class Sheet:
    """Artists placed on the figure in inches from its lower-left corner, with no Axes behind them.

    Why no Axes: creating one, and clipping every artist added to it to its patch, cost about
    30 ms a chart; the chart needs only coordinates and a clip box.
    """

    def __init__(self, fig: Figure, transform: Any = None, clip: Any = None) -> None:
        self.fig = fig
        self.transform = transform if transform is not None else fig.dpi_scale_trans
        self.clip = clip

    def add_artist(self, artist: Any) -> Any:
        if not artist.is_transform_set():
            artist.set_transform(self.transform)
        self._clip(artist)
        return self.fig.add_artist(artist)

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> Any:
        kwargs.setdefault("transform", self.transform)
        return self._clip(self.fig.text(x, y, text, **kwargs))

    def _clip(self, artist: Any) -> Any:
        if self.clip is not None and artist.get_clip_on():
            artist.set_clip_box(self.clip)
        return artist


class Plot(Sheet):
    """The plotting area: data coordinates (days, lane units) mapped onto the layout's axes box."""

    def __init__(self, fig: Figure, layout: TimelineLayout) -> None:
        a, (x0, x1), (y0, y1) = layout.axes, layout.xlim, layout.ylim
        box = Affine2D().scale(a.x1 - a.x0, a.y1 - a.y0).translate(a.x0, a.y0) + fig.dpi_scale_trans
        data = Affine2D().translate(-x0, -y0).scale(1 / (x1 - x0), 1 / (y1 - y0)) + box
        super().__init__(fig, data, TransformedBbox(Bbox([[a.x0, a.y0], [a.x1, a.y1]]), fig.dpi_scale_trans))
        self.axes_transform = box  # (0, 0) to (1, 1) spans the plotting area
        self.xaxis_transform = blended_transform_factory(data, box)  # x in data, y in the area


def _text(target: Any, x: float, y: float, text: str, **kwargs: Any) -> Any:
    # Why: labels are user text; "$5" must not switch matplotlib into mathtext.
    return target.text(x, y, text, parse_math=False, **kwargs)


TICK_PAD = 3.5  # points between a tick mark and its label, as matplotlib's default


def _draw_axes(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
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


def _draw_lanes(ax: Any, layout: TimelineLayout, theme: Theme) -> None:
    """Alternate lanes shaded, a rule under each; one artist for each kind."""
    x0, x1 = layout.xlim
    shaded = [
        _box(x0, lane.y0, x1 - x0, lane.y1 - lane.y0) for lane in layout.lanes if lane.index % 2 == 0
    ]
    ax.add_artist(PolyCollection(shaded, facecolors=theme.lane_shade, linewidths=0, zorder=0, gid="lanes"))
    xs, ys = _polyline([((x0, lane.y0), (x1, lane.y0)) for lane in layout.lanes])
    ax.add_artist(Line2D(xs, ys, color=theme.grid, lw=0.8, zorder=0.6, gid="lane-rules"))


def _polyline(
    segments: list[tuple[tuple[float, float], tuple[float, float]]],
) -> tuple[list[float], list[float]]:
    """Separate segments as one NaN-broken line, so they draw as a single artist."""
    xs: list[float] = []
    ys: list[float] = []
    for (xa, ya), (xb, yb) in segments:
        xs += [xa, xb, math.nan]
        ys += [ya, yb, math.nan]
    return xs, ys


Shape = list[tuple[float, float]]  # a polygon's corners in data coordinates


def _box(x: float, y0: float, w: float, h: float) -> Shape:
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


def _bar_pieces(bar: Bar, start: float, stop: float) -> list[tuple[Shape, float]]:
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


def _to_rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    r, g, b, _ = mpl.colors.to_rgba(color)
    return (r, g, b, alpha)


def _darker(color: str, factor: float = 0.7) -> str:
    r, g, b, _ = mpl.colors.to_rgba(color)
    return mpl.colors.to_hex((r * factor, g * factor, b * factor))


def _draw_bar(ax: Any, bar: Bar, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    style = theme.bar(bar.category)
    pieces = _bar_pieces(bar, bar.start_lo, bar.end_hi)
    shapes = [p for p, _ in pieces]
    colors = [_to_rgba(style.color, a) for _, a in pieces]
    edge = _darker(style.color, 0.55)
    y0 = bar.y - bar.height / 2
    per_in = (layout.xlim[1] - layout.xlim[0]) / (layout.axes.x1 - layout.axes.x0)
    edge_w = 0.025 * per_in
    # A crisp dark edge marks a date known to the day; fuzzy ends get none.
    if bar.start_exact:
        shapes.append(_box(bar.start_lo, y0, edge_w, bar.height))
        colors.append(_to_rgba(edge, 1.0))
    if bar.end_exact and bar.end_status == "date":
        shapes.append(_box(bar.end_hi - edge_w, y0, edge_w, bar.height))
        colors.append(_to_rgba(edge, 1.0))
    outline = [_box(bar.start_lo, y0, bar.end_hi - bar.start_lo, bar.height)]
    if bar.end_status == "ongoing":
        tip = bar.end_hi + 0.28 * layout.sizes.marker * per_in
        arrow = [(bar.end_hi, y0 - bar.height * 0.25), (tip, bar.y), (bar.end_hi, y0 + bar.height * 1.25)]
        shapes.append(arrow)
        colors.append(_to_rgba(style.color, 1.0))
        outline.append(arrow)
    gid = f"event-{bar.event_id}"
    ax.add_artist(PolyCollection(shapes, facecolors=colors, linewidths=0, zorder=2, gid=gid))
    if style.hatch:
        _add_hatch(ax, outline, style.hatch, _to_rgba(edge, 0.9), 2.01, bar.event_id)
    titles[f"event-{bar.event_id}"] = bar.title


def _add_hatch(ax: Any, outline: list[Shape], hatch: str, color: Any, zorder: float, event_id: str) -> None:
    """Hatching over a whole bar in one artist.

    Why: hatching each fade strip separately cost about 8 ms per bar in Agg; the hatch
    colour does not fade, so one overlay looks the same.
    """
    coll = PolyCollection(
        outline, facecolors="none", edgecolors=[color], linewidths=0, zorder=zorder, gid=f"hatch-{event_id}"
    )
    coll.set_hatch(hatch)
    ax.add_artist(coll)


def _draw_phase(ax: Any, phase: Bar, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    style = theme.bar(phase.category)
    index = int(phase.event_id.rsplit("-", 1)[-1])
    titles[f"event-{phase.event_id}"] = phase.title
    y0 = phase.y - phase.height / 2
    if index == 1:
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
    # Alternate two shades so neighbouring phases stay distinguishable.
    shade = _darker(style.color, 0.72 if index % 2 == 0 else 0.86)
    end = phase.end_hi
    pieces = _bar_pieces(phase, phase.start_lo, end)
    ax.add_artist(
        PolyCollection(
            [p for p, _ in pieces],
            facecolors=[_to_rgba(shade, a) for _, a in pieces],
            linewidths=0,
            zorder=2.4,
            gid=f"event-{phase.event_id}",
        )
    )
    if style.hatch:
        outline = [_box(phase.start_lo, y0, end - phase.start_lo, phase.height)]
        _add_hatch(ax, outline, style.hatch, _to_rgba(_darker(style.color, 0.4), 1.0), 2.41, phase.event_id)


def _draw_marker(ax: Any, marker: Any, theme: Theme, titles: dict[str, str], k: float = 1.0) -> None:
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


def _draw_whiskers(ax: Any, layout: TimelineLayout, theme: Theme) -> None:
    """Date-range whiskers (|--|) of every inexact marker, as one artist."""
    spans = [((m.lo, m.y), (m.hi, m.y)) for m in layout.markers if not m.exact]
    if spans:
        xs, ys = _polyline(spans)
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


def _draw_labels(ax: Any, overlay: Any, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    counts: dict[str, int] = {}
    for number, label in enumerate(layout.labels):
        color = {"text": theme.text, "muted": theme.muted, "cutoff": theme.cutoff, "stop": theme.stop}.get(
            label.color_key, theme.text
        )
        if label.color_key == "on_bar":
            color = _text_on(_fill_under(label, layout, theme))
        extra: dict[str, Any] = {}
        if label.role == "lane":
            # Lane names sit in the left margin, outside the plotting area.
            target, gid = overlay, f"lane-label-{number}"
        else:
            base = f"{label.role}-{label.event_id}" if label.event_id else label.role
            counts[base] = counts.get(base, 0) + 1
            target, gid = ax, base if counts[base] == 1 else f"{base}-{counts[base]}"
            extra["zorder"] = 5
        if label.role == "stop":
            # A stop reason may run across the cut-off line; a plate keeps it legible.
            extra["bbox"] = {"facecolor": theme.background, "alpha": 0.85, "lw": 0, "pad": 0.5}
        if label.color_key == "on_bar" and _hatched_under(label, layout, theme):
            # Hatching behind text hurts legibility; a soft plate keeps both visible.
            extra["bbox"] = {"facecolor": theme.background, "alpha": 0.8, "lw": 0, "pad": 1.0}
            color = theme.text
        _text(
            target,
            label.x,
            label.y,
            label.text,
            ha=label.ha,
            va=label.va,
            fontsize=label.size,
            color=color,
            weight=label.weight,
            gid=gid,
            linespacing=LINE_SPACING,
            **extra,
        )
        if label.full_text and label.role != "lane":
            titles[gid] = label.full_text


def _fill_under(label: Any, layout: TimelineLayout, theme: Theme) -> str:
    """The colour of the bar or phase segment a label sits on."""
    for phase in layout.phases:
        if phase.event_id == label.event_id:
            index = int(phase.event_id.rsplit("-", 1)[-1])
            base = theme.bar(phase.category).color
            return base if index == 1 else _darker(base, 0.72 if index % 2 == 0 else 0.86)
    for bar in layout.bars:
        if bar.event_id == label.event_id:
            return theme.bar(bar.category).color
    return theme.background


def _hatched_under(label: Any, layout: TimelineLayout, theme: Theme) -> bool:
    """True when the label sits on a hatched bar."""
    return any(b.event_id == label.event_id and theme.bar(b.category).hatch for b in layout.bars)


def _text_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (WCAG relative luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = mpl.colors.to_rgba(fill)
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _draw_header_footer(overlay: Any, layout: TimelineLayout, theme: Theme) -> None:
    s = layout.sizes
    muted = {"color": theme.muted, "linespacing": LINE_SPACING}  # these two may wrap
    for text, y, gid, style in (
        # The title is one line, in matplotlib's own line spacing.
        (layout.title, layout.title_y, "title", {"fontsize": s.title, "color": theme.text, "weight": "bold"}),
        (layout.subtitle, layout.subtitle_y, "subtitle", {"fontsize": s.subtitle, **muted}),
        (layout.footnote, layout.footnote_y, "footnote", {"fontsize": s.footnote, **muted}),
    ):
        if text:
            _text(overlay, 0.2, y, text, ha="left", va="top", gid=gid, **style)


def _draw_legend(overlay: Any, layout: TimelineLayout, theme: Theme) -> None:
    s = layout.sizes
    row_h = legend_row_height(s)
    handle_w = legend_handle_width(s)
    for r, (row, xs) in enumerate(zip(layout.legend_rows, layout.legend_col_x, strict=True)):
        y = layout.legend_y - (r + 0.5) * row_h
        for entry, x in zip(row, xs, strict=True):
            _legend_handle(overlay, entry.key, x, y, handle_w * 0.8, s.legend / 72 * 0.9, theme, s.marker)
            _text(
                overlay,
                x + handle_w,
                y,
                entry.text,
                ha="left",
                va="center",
                fontsize=s.legend,
                color=theme.text,
                gid=f"legend-{entry.key.replace(':', '-')}",
            )


def _legend_handle(
    ax: Any, key: str, x: float, y: float, w: float, h: float, theme: Theme, k: float = 1.0
) -> None:
    gid = f"legend-handle-{key.replace(':', '-')}"
    if key.startswith("bar:"):
        bar_style = theme.bar(key[4:])
        rect = Rectangle(
            (x, y - h / 2),
            w,
            h,
            facecolor=bar_style.color,
            edgecolor=_darker(bar_style.color, 0.55),
            lw=0,
            hatch=bar_style.hatch or None,
            gid=gid,
        )
        ax.add_artist(rect)
    elif key == "fuzzy":
        bar = Bar(
            "legend", "legend", "other", "", x, x + w * 0.45, x + w * 0.55, x + w, y, h, "date", False, False
        )
        pieces = _bar_pieces(bar, bar.start_lo, bar.end_hi)
        ax.add_artist(
            PolyCollection(
                [p for p, _ in pieces],
                linewidths=0,
                gid=gid,
                facecolors=[_to_rgba("#777777", a) for _, a in pieces],
            )
        )
    elif key == "ongoing":
        ax.add_artist(Rectangle((x, y - h / 4), w * 0.6, h / 2, facecolor="#777777", lw=0))
        ax.add_artist(
            Polygon(
                [(x + w * 0.6, y - h / 2), (x + w, y), (x + w * 0.6, y + h / 2)],
                facecolor="#777777",
                lw=0,
                gid=gid,
            )
        )
    else:
        style = theme.marker(key)
        face = style.color if style.filled else theme.background
        edge = style.edge if style.filled else style.color
        ax.add_artist(
            Line2D(
                [x + w / 2],
                [y],
                marker=style.marker,
                markersize=style.size * 0.9 * k,
                markerfacecolor=face,
                markeredgecolor=edge,
                markeredgewidth=k,
                linestyle="none",
                gid=gid,
            )
        )
