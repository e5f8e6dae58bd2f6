"""The legend: a handle and a text per entry, in the rows and columns layout chose."""

from __future__ import annotations

from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle

from atc_timeline.draw.shapes import (
    DOTTED,
    VEIL_HATCH,
    bar_pieces,
    darker,
    marker_shape,
    phase_fill,
    stop_mark,
    to_rgba,
)
from atc_timeline.draw.sheet import Sheet, plain_text
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import Bar, TimelineLayout, legend_handle_width, legend_row_height
from atc_timeline.layout.doses import LIGHTEST
from atc_timeline.layout.model import MIN_TEXT_POINTS


def draw_legend(overlay: Sheet, layout: TimelineLayout, theme: Theme) -> None:
    """Each legend row's handles and texts, at the positions layout chose."""
    s = layout.sizes
    row_h = legend_row_height(s)
    handle_w = legend_handle_width(s)
    for r, (row, xs) in enumerate(zip(layout.legend_rows, layout.legend_col_x, strict=True)):
        y = layout.legend_y - (r + 0.5) * row_h
        for entry, x in zip(row, xs, strict=True):
            if entry.key == "stop":  # the very glyph, colour and size of the chart's stop reasons
                stop_mark(overlay, x + handle_w * 0.4, y, s.label, theme, "legend-handle-stop")
            else:
                _legend_handle(overlay, entry.key, x, y, handle_w * 0.8, s.legend / 72 * 0.9, theme, s.marker)
            plain_text(
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
    ax: Sheet, key: str, x: float, y: float, w: float, h: float, theme: Theme, k: float = 1.0
) -> None:
    """The symbol of a legend entry in a w x h box centred on y: a bar, a fade, an arrow or a marker."""
    gid = f"legend-handle-{key.replace(':', '-')}"
    if key.startswith("bar:"):
        bar_style = theme.bar(key[4:])
        rect = Rectangle(
            (x, y - h / 2),
            w,
            h,
            facecolor=bar_style.color,
            edgecolor=darker(bar_style.color, 0.55),
            lw=0,
            hatch=bar_style.hatch or None,
            gid=gid,
        )
        ax.add_artist(rect)
    elif key.startswith("dose:"):
        _dose_handle(ax, key[5:], x, y, w, h, theme, gid)
    elif key == "metastasis":
        # As along the plot's foot: a tick of the text colour up from a base line.
        ax.add_artist(Line2D([x + w * 0.1, x + w * 0.9], [y - h / 2] * 2, color=theme.muted, lw=0.6 * k))
        ax.add_artist(
            Line2D([x + w / 2] * 2, [y - h / 2, y + h * 0.6], color=theme.text, lw=1.4 * k, gid=gid)
        )
    elif key == "fuzzy":
        bar = Bar(
            "legend", "legend", "other", "", x, x + w * 0.45, x + w * 0.55, x + w, y, h, "date", False, False
        )
        ax.add_artist(_fade_swatch(bar, "#777777", gid))
    elif key in UNCERTAINTY_KEYS:
        _uncertainty_handle(ax, key, x, y, w, h, theme, k, gid)
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
                marker=marker_shape(style.marker),
                markersize=style.size * 0.9 * k,
                markerfacecolor=face,
                markeredgecolor=edge,
                markeredgewidth=k,
                linestyle="none",
                gid=gid,
            )
        )


def _dose_handle(
    ax: Sheet, category: str, x: float, y: float, w: float, h: float, theme: Theme, gid: str
) -> None:
    """A drug's bar in three dose phases, highest first, shaded as on the chart (draw.shapes.phase_fill)."""
    levels = (1.0, (1.0 + LIGHTEST) / 2, LIGHTEST)
    third = w / len(levels)
    for i, level in enumerate(levels):
        phase = Bar("legend", "phase", category, "", 0, 0, 0, 0, 0, 0, "date", True, True, level=level)
        ax.add_artist(
            Rectangle(
                (x + i * third, y - h / 2),
                third,
                h,
                facecolor=phase_fill(phase, theme),
                lw=0,
                gid=gid if i == 0 else f"{gid}-{i + 1}",
            )
        )


UNCERTAINTY_KEYS = ("approximate", "uncertain", "within_period", "end_unknown", "after_cutoff")


def _uncertainty_handle(
    ax: Sheet, key: str, x: float, y: float, w: float, h: float, theme: Theme, k: float, gid: str
) -> None:
    """The symbols of how much is known, drawn as on the chart (see draw.shapes)."""
    grey = "#777777"
    if key == "approximate":
        ax.add_artist(Line2D([x, x + w], [y, y], color=theme.muted, lw=1.3 * k, ls=DOTTED, gid=gid))
        ax.add_artist(
            Line2D([x + w / 2] * 2, [y - h * 0.6, y + h * 0.6], color=theme.text, lw=1.1 * k, ls=DOTTED)
        )
    elif key == "uncertain":
        from matplotlib import patheffects

        text = plain_text(
            ax,
            x + w / 2,
            y,
            "?",
            ha="center",
            va="center",
            fontsize=max(h * 72 * 1.1, MIN_TEXT_POINTS),  # a text too: never below 5 pt
            weight="bold",
            color=theme.text,
            gid=gid,
        )
        text.set_path_effects([patheffects.withStroke(linewidth=1.6, foreground=theme.background)])
    elif key == "within_period":
        xs = [x, x + w, float("nan"), x, x, float("nan"), x + w, x + w]
        ys = [y, y, float("nan"), y - h * 0.4, y + h * 0.4, float("nan"), y - h * 0.4, y + h * 0.4]
        ax.add_artist(Line2D(xs, ys, color=theme.muted, lw=1.2 * k, gid=gid))
        ax.add_artist(
            Rectangle(
                (x + w / 2 - h / 2, y - h / 2), h, h, facecolor=grey, edgecolor=darker(grey, 0.55), lw=0.8 * k
            )
        )
    elif key == "end_unknown":
        bar = Bar("legend", "legend", "other", "", x, x, x + w * 0.3, x + w, y, h, "unknown", True, False)
        ax.add_artist(_fade_swatch(bar, grey, gid))
        edge = theme.muted
        for dy in (-h / 2, h / 2):
            ax.add_artist(Line2D([x + w * 0.3, x + w], [y + dy] * 2, color=edge, lw=0.8 * k, ls=(0, (3, 2))))
    else:  # after_cutoff
        ax.add_artist(Rectangle((x, y - h / 2), w, h, facecolor=grey, lw=0))
        veil = Rectangle(
            (x, y - h / 2),
            w,
            h,
            facecolor=to_rgba(theme.background, 0.6),
            edgecolor=theme.muted,
            lw=0,
            hatch=VEIL_HATCH,
            gid=gid,
        )
        ax.add_artist(veil)


def _fade_swatch(bar: Bar, color: str, gid: str) -> PolyCollection:
    """A legend swatch of a bar whose ends fade as the chart draws them."""
    pieces = bar_pieces(bar, bar.start_lo, bar.end_hi)
    return PolyCollection(
        [p for p, _ in pieces], linewidths=0, gid=gid, facecolors=[to_rgba(color, a) for _, a in pieces]
    )
