"""Lanes, bars with faded fuzzy ends and ongoing arrows, dose phases, markers and date whiskers."""

from __future__ import annotations

import math
from typing import Any

import matplotlib as mpl
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.path import Path

from atc_timeline.draw.sheet import Plot, Sheet, plain_text, polyline, vertical
from atc_timeline.draw.themes import SHAPES, Theme
from atc_timeline.layout import Bar, Marker, TimelineLayout
from atc_timeline.layout.model import STOP_MARK
from atc_timeline.layout.rules import rule_spans

# A fade is drawn as strips of rising opacity. Why strips this narrow: on a dark background
# ten strips showed as bands; a strip of 1/40 in (4 px at 150 dpi), or an opacity step of
# 1/40 on a long fade, is too little to see. The cap keeps a fade over years from costing
# hundreds of paths: over cases/ in every theme and size, SVG +4 % and PDF +3.5 % against
# ten strips (+24 % SVG for the case with the most fades).
FADE_STRIP = 0.025  # inches
FADE_STEPS = (8, 40)  # fewest and most strips in one fade
# The least difference (in one channel, 0 to 1) between a drug's highest-dose fill and the
# background; the lowest dose takes some of it back (layout.doses.LIGHTEST).
_DOSE_ROOM = 0.4


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


def fade_steps(inches: float) -> int:
    """How many strips draw a fade `inches` wide without visible bands."""
    fewest, most = FADE_STEPS
    return min(max(math.ceil(inches / FADE_STRIP), fewest), most)


def _fade(
    lo: float, hi: float, y0: float, h: float, rising: bool, per_in: float
) -> list[tuple[Shape, float]]:
    """Strips across an uncertain date range whose opacity ramps up (or down)."""
    if hi - lo <= 0:
        return []
    n = fade_steps((hi - lo) / per_in)
    step = (hi - lo) / n
    pieces: list[tuple[Shape, float]] = []
    for i in range(n):
        # Opacity on a 1/256 grid, as 8-bit output stores it: fades of different widths
        # then share their PDF opacity states.
        alpha = round((i + 0.5) / n * 256) / 256
        pieces.append((_box(lo + i * step, y0, step, h), alpha if rising else 1 - alpha))
    return pieces


def bar_pieces(bar: Bar, start: float, stop: float, per_in: float = 1.0) -> list[tuple[Shape, float]]:
    """Boxes (with opacity) for a bar from `start` to `stop` with fuzzy ends (`per_in`: x units an inch).

    Why corner lists and PolyCollection rather than Rectangle patches: a bar has up to 85
    pieces, and a matplotlib Patch costs far more to create than its four corners.
    """
    y0 = bar.y - bar.height / 2
    s_lo, s_hi, e_lo, e_hi = start, max(start, bar.start_hi), bar.end_lo, bar.end_hi
    if s_hi > e_lo:  # both ends uncertain and overlapping: meet in the middle
        mid = (s_hi + e_lo) / 2
        s_hi = e_lo = mid
    pieces = _fade(s_lo, s_hi, y0, bar.height, True, per_in)
    if e_lo > s_hi:
        pieces.append((_box(s_hi, y0, e_lo - s_hi, bar.height), 1.0))
    pieces += _fade(e_lo, min(e_hi, stop), y0, bar.height, False, per_in)
    return pieces


def to_rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    """The colour as RGBA with this opacity."""
    r, g, b, _ = mpl.colors.to_rgba(color)
    return (r, g, b, alpha)


def darker(color: str, factor: float = 0.7) -> str:
    """The colour with its channels scaled by `factor`, as hex."""
    r, g, b, _ = mpl.colors.to_rgba(color)
    return mpl.colors.to_hex((r * factor, g * factor, b * factor))


def days_per_inch(layout: TimelineLayout) -> float:
    """Days of the time axis in one inch of the plot."""
    return (layout.xlim[1] - layout.xlim[0]) / (layout.axes.x1 - layout.axes.x0)


def draw_bar(ax: Plot, bar: Bar, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    """A bar as one artist: faded fuzzy ends, crisp edges on exact dates, an arrow if ongoing."""
    if bar.within_period:
        return draw_range(ax, bar, layout, theme, titles)
    style = theme.bar(bar.category)
    per_in = days_per_inch(layout)
    pieces = bar_pieces(bar, bar.start_lo, bar.end_hi, per_in)
    shapes = [p for p, _ in pieces]
    colors = [to_rgba(style.color, a) for _, a in pieces]
    edge = darker(style.color, 0.55)
    y0 = bar.y - bar.height / 2
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
    """A dose phase over its drug's bar, shaded by its dose (the highest dose is the bar itself)."""
    style = theme.bar(phase.category)
    titles[f"event-{phase.event_id}"] = phase.title
    y0 = phase.y - phase.height / 2
    shade = phase_fill(phase, theme)
    before = [p for p in layout.phases if p.parent_id == phase.parent_id and p.phase == phase.phase - 1]
    if phase.start_exact and before and before[0].level == phase.level:
        # Two phases at the same dose (a schedule change): the crisp edge of a day-exact date
        # between them, as on a bar's own ends, so they do not read as one.
        edge_w = 0.02 * days_per_inch(layout)
        ax.add_artist(
            PolyCollection(
                [_box(phase.start_lo - edge_w / 2, y0, edge_w, phase.height)],
                facecolors=[to_rgba(darker(style.color, 0.55), 1.0)],
                linewidths=0,
                zorder=2.45,
                gid=f"phase-edge-{phase.event_id}",
            )
        )
    if shade == mpl.colors.to_hex(style.color):
        # The parent bar already shows this phase's colour; an invisible box keeps one id per phase.
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
    end = phase.end_hi
    pieces = bar_pieces(phase, phase.start_lo, end, days_per_inch(layout))
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


def phase_color(color: str, level: float, background: str) -> str:
    """The fill of a dose phase at `level` (1: the drug's own colour) on a bar of `color`.

    Why toward the background, not toward white or black: a lower dose is less ink in every
    theme, paler on a white page and dimmer on a dark slide, so the order reads the same.
    """
    if level >= 1.0:
        return mpl.colors.to_hex(color)
    (r, g, b), (br, bg, bb) = mpl.colors.to_rgb(color), mpl.colors.to_rgb(background)
    return mpl.colors.to_hex(
        (level * r + (1 - level) * br, level * g + (1 - level) * bg, level * b + (1 - level) * bb)
    )


def phase_fill(phase: Bar, theme: Theme) -> str:
    """The fill of a dose phase in this theme."""
    return phase_color(_dose_ink(theme.bar(phase.category).color, theme), phase.level, theme.background)


def _dose_ink(color: str, theme: Theme) -> str:
    """The fill of a drug's highest dose: its colour, or for a pale one a deeper shade of it.

    Why: doses are shaded toward the background, so a bar as pale as the page (print's grey
    chemotherapy, its white "other") would leave no room between its highest and lowest dose;
    such a colour is first moved toward the text colour, which is more ink in every theme.
    """
    ink, background = mpl.colors.to_rgb(theme.text), mpl.colors.to_rgb(theme.background)
    rgb = mpl.colors.to_rgb(color)
    for _ in range(20):
        if max(abs(c - b) for c, b in zip(rgb, background, strict=True)) >= _DOSE_ROOM:
            break
        rgb = tuple(0.9 * c + 0.1 * i for c, i in zip(rgb, ink, strict=True))  # type: ignore[assignment]
    return mpl.colors.to_hex(rgb)


def marker_shape(name: str) -> str | Path:
    """What matplotlib draws for a theme's marker: its own code, or one of SHAPES as a Path."""
    corners = SHAPES.get(name)
    return name if corners is None else Path([*corners, corners[0]], closed=True)


def draw_marker(ax: Plot, marker: Marker, theme: Theme, titles: dict[str, str], k: float = 1.0) -> None:
    """A point event's marker in its theme style, `k` times the usual size."""
    style = theme.marker(marker.style)
    face = style.color if style.filled else theme.background
    edge = style.edge if style.filled else style.color
    ax.add_artist(
        Line2D(
            [marker.x],
            [marker.y],
            marker=marker_shape(style.marker),
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


def stop_mark(target: Sheet, x: float, y: float, size: float, theme: Theme, gid: str) -> None:
    """The stop mark (as a stop reason starts with it) centred on (x, y), in the theme's stop colour."""
    plain_text(target, x, y, STOP_MARK, ha="center", va="center", fontsize=size, color=theme.stop, gid=gid)


def draw_whiskers(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """Date-range whiskers (|--|) of every inexact marker, as one artist."""
    spans = [
        ((m.lo, m.y), (m.hi, m.y)) for m in layout.markers if not m.exact and m.qualifier not in APPROXIMATE
    ]
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


# --- uncertainty: how a date was written, unknown ends, the cut-off, time zero and death -----

APPROXIMATE = ("~", "%")
UNCERTAIN = ("?", "%")
DOTTED = (0, (1.2, 1.6))  # the dash pattern of everything approximate
VEIL_HATCH = "////"  # over what is dated after the data cut-off


def _per_inch(layout: TimelineLayout) -> float:
    """Days per inch of the plot."""
    return (layout.xlim[1] - layout.xlim[0]) / (layout.axes.x1 - layout.axes.x0)


def _glyph_size(layout: TimelineLayout, height: float) -> float:
    """Points of a '?' drawn on a bar `height` plot inches tall (or next to a marker)."""
    return max(min(height * 72 * 0.85, layout.sizes.label), 5.0)


def question_mark(
    ax: Plot,
    x: float,
    y: float,
    size: float,
    theme: Theme,
    gid: str,
    dx: float = 0.0,
    dy: float = 0.0,
) -> None:
    """A bold '?' centred (dx, dy) points from (x, y) data units, haloed so it reads on any fill.

    Why a marker, not a text: it is a symbol like a whisker cap, never wrapped or measured,
    and the text checks of the chart are about what one reads.
    """
    from matplotlib import patheffects
    from matplotlib.transforms import offset_copy

    place = offset_copy(ax.transform, fig=ax.fig, x=dx, y=dy, units="points")
    mark = Line2D(
        [x],
        [y],
        transform=place,
        marker=r"$\mathbf{?}$",
        markersize=size,
        markeredgewidth=0,
        color=theme.text,
        linestyle="none",
        zorder=4.6,
        gid=gid,
    )
    mark.set_path_effects([patheffects.withStroke(linewidth=1.6, foreground=theme.background)])
    ax.add_artist(mark)


def _edge_marks(ax: Plot, bar: Bar, start: bool, end: bool, layout: TimelineLayout, theme: Theme) -> None:
    """At each uncertain edge of a bar, a '?'; at each approximate one, a dotted line ('about here')."""
    edge = theme.text  # over a half-faded edge: the strongest contrast in every theme
    k = layout.sizes.marker
    sides = []
    if start:
        sides.append(("start", bar.start_qualifier, (bar.start_lo + bar.start_hi) / 2))
    if end and bar.end_status == "date":
        sides.append(("end", bar.end_qualifier, (bar.end_lo + bar.end_hi) / 2))
    size = _glyph_size(layout, bar.height)
    marks = [x for _, q, x in sides if q in UNCERTAIN]
    if len(marks) == 2 and marks[1] - marks[0] < size / 72 * 1.3 * _per_inch(layout):
        # Two '?' on a short bar would run together: one in its middle says the same.
        question_mark(ax, sum(marks) / 2, bar.y, size, theme, f"uncertain-start-{bar.event_id}")
        sides = [(side, q.replace("?", "").replace("%", "~"), x) for side, q, x in sides]
    for side, qualifier, x in sides:
        if qualifier in APPROXIMATE:
            half = bar.height * 0.65
            line = Line2D(
                [x, x],
                [bar.y - half, bar.y + half],
                color=edge,
                lw=1.1 * k,
                ls=DOTTED,
                zorder=2.6,
                gid=f"approximate-{side}-{bar.event_id}",
            )
            ax.add_artist(line)
        if qualifier in UNCERTAIN:
            question_mark(ax, x, bar.y, size, theme, f"uncertain-{side}-{bar.event_id}")


def draw_range(ax: Plot, bar: Bar, layout: TimelineLayout, theme: Theme, titles: dict[str, str]) -> None:
    """An item whose start and end share one imprecise period: a whisker over the period and
    a short block at its middle, never a bar the length of the period."""
    style = theme.bar(bar.category)
    edge = darker(style.color, 0.55)
    k = layout.sizes.marker
    qualifiers = (bar.start_qualifier, bar.end_qualifier)
    dotted = any(q in APPROXIMATE for q in qualifiers)
    gid = f"event-{bar.event_id}"
    lo, hi = bar.start_lo, bar.end_hi
    cap = bar.height * 0.45
    xs, ys = polyline(
        [
            ((lo, bar.y), (hi, bar.y)),
            ((lo, bar.y - cap), (lo, bar.y + cap)),
            ((hi, bar.y - cap), (hi, bar.y + cap)),
        ]
    )
    ax.add_artist(
        Line2D(
            xs,
            ys,
            color=theme.muted,  # as the whiskers of markers: it reads on any background
            lw=1.2 * k,
            ls=DOTTED if dotted else "-",
            zorder=2,
            gid=f"range-{bar.event_id}",
        )
    )
    width = min(bar.height * _per_inch(layout), hi - lo)
    mid = (lo + hi) / 2
    block = [_box(mid - width / 2, bar.y - bar.height / 2, width, bar.height)]
    ax.add_artist(
        PolyCollection(
            block, facecolors=[style.color], edgecolors=[edge], linewidths=0.8 * k, zorder=2.2, gid=gid
        )
    )
    if style.hatch:
        _add_hatch(ax, block, style.hatch, to_rgba(edge, 0.9), 2.21, bar.event_id)
    if any(q in UNCERTAIN for q in qualifiers):
        question_mark(
            ax,
            mid,
            bar.y,
            _glyph_size(layout, bar.height),
            theme,
            f"uncertain-{bar.event_id}",
            dx=bar.height * 72 * 0.5 + _glyph_size(layout, bar.height) * 0.4 + 1.0,
        )
    titles[gid] = bar.title


def draw_uncertainty(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """Everything that says how much is known: qualifier marks on bars and markers, dotted
    whiskers, faded-out unknown ends, the cut-off veil, and time-zero and death bands."""
    k = layout.sizes.marker
    for bar in layout.bars:
        if not bar.within_period:
            _edge_marks(ax, bar, True, True, layout, theme)
        if bar.end_status == "unknown" and bar.end_hi > bar.end_lo:
            _unknown_end(ax, bar, theme, k)
    for phase in layout.phases:
        if phase.phase > 1:  # phase 1 starts with its drug; later starts are dose changes
            _edge_marks(ax, phase, True, False, layout, theme)
    dotted = [
        ((m.lo, m.y), (m.hi, m.y)) for m in layout.markers if not m.exact and m.qualifier in APPROXIMATE
    ]
    if dotted:
        xs, ys = polyline(dotted)
        ax.add_artist(
            Line2D(xs, ys, color=theme.muted, lw=1.3 * k, ls=DOTTED, zorder=3.5, gid="whiskers-approximate")
        )
        caps = [
            ((x, m.y), (x, m.y))
            for m in layout.markers
            if not m.exact and m.qualifier in APPROXIMATE
            for x in (m.lo, m.hi)
        ]
        cx, cy = polyline(caps)
        ax.add_artist(
            Line2D(
                cx,
                cy,
                color=theme.muted,
                lw=0,
                marker="|",
                markersize=5 * k,
                markeredgewidth=1.0 * k,
                zorder=3.5,
                gid="whisker-caps-approximate",
            )
        )
    seen: set[tuple[float, float]] = set()
    for marker in layout.markers:
        # One '?' for markers drawn on one spot (grouped events on the same date).
        if marker.qualifier in UNCERTAIN and (marker.x, marker.y) not in seen:
            seen.add((marker.x, marker.y))
            size = theme.marker(marker.style).size * k
            glyph = _glyph_size(layout, 1.0) * 0.9
            question_mark(
                ax,
                marker.x,
                marker.y,
                glyph,
                theme,
                f"uncertain-{marker.event_id}",
                dx=size * 0.45 + glyph * 0.3,
                dy=size * 0.45,
            )
    _veils(ax, layout, theme)
    _bands(ax, layout, theme)


def _unknown_end(ax: Plot, bar: Bar, theme: Theme, k: float) -> None:
    """Dashed edges along an unknown end's fade: the bar trails off, its end not recorded."""
    edge = theme.muted  # the fade runs into the background: a bar-coloured edge would vanish
    top, bottom = bar.y + bar.height / 2, bar.y - bar.height / 2
    xs, ys = polyline([((bar.end_lo, top), (bar.end_hi, top)), ((bar.end_lo, bottom), (bar.end_hi, bottom))])
    ax.add_artist(
        Line2D(xs, ys, color=edge, lw=0.8 * k, ls=(0, (3, 2)), zorder=2.3, gid=f"end-unknown-{bar.event_id}")
    )


def _veils(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """A hatched veil over what is dated after the data cut-off, bars and markers alike."""
    cut, per_in, k = layout.cutoff_x, _per_inch(layout), layout.sizes.marker
    boxes: list[Shape] = []
    for bar in layout.bars:
        if bar.after_cutoff:
            x0 = bar.start_lo if bar.start_lo > cut else cut
            x1 = bar.end_hi + (layout.sizes.arrow * per_in if bar.end_status == "ongoing" else 0.0)
            if x1 > x0:
                boxes.append(_box(x0, bar.y - bar.height * 0.6, x1 - x0, bar.height * 1.2))
    for m in layout.markers:
        if m.after_cutoff:
            half = theme.marker(m.style).size * k / 72 * 0.7
            boxes.append(_box(m.x - half * per_in, m.y - half, 2 * half * per_in, 2 * half))
    if boxes:
        veil = PolyCollection(
            boxes,
            facecolors=[to_rgba(theme.background, 0.6)],
            edgecolors=[theme.muted],
            linewidths=0,
            zorder=4.5,
            gid="after-cutoff",
        )
        veil.set_hatch(VEIL_HATCH)
        ax.add_artist(veil)


def _band(lo: float, hi: float, tall: Any, color: Any, gid: str) -> Rectangle:
    """A full-height band from day lo to day hi, behind the bars."""
    return Rectangle((lo, 0), hi - lo, 1, transform=tall, facecolor=color, lw=0, zorder=0.45, gid=gid)


def _bands(ax: Plot, layout: TimelineLayout, theme: Theme) -> None:
    """A band over an imprecise time zero or date of death; a death line when death is not the cut-off."""
    from matplotlib.transforms import blended_transform_factory

    tall = blended_transform_factory(ax.transform, ax.axes_transform)
    if layout.zero_hi > layout.zero_lo:
        zero_band = to_rgba(theme.muted, 0.10)
        ax.add_artist(_band(layout.zero_lo, layout.zero_hi, tall, zero_band, "time-zero-band"))
    if layout.death_x is None:
        return
    if layout.death_hi > layout.death_lo:
        death_band = to_rgba(theme.cutoff, 0.12)
        ax.add_artist(_band(layout.death_lo, layout.death_hi, tall, death_band, "death-band"))
    elif abs(layout.death_x - layout.cutoff_x) >= 1:
        # Broken under texts, as every vertical rule is (layout.rules).
        x = layout.death_x
        xs, ys = vertical(x, rule_spans(layout, x))
        line = Line2D(
            xs,
            ys,
            color=theme.cutoff,
            lw=1.0 * layout.sizes.marker,
            zorder=3.0,
            gid="death-line",
        )
        ax.add_artist(line)
