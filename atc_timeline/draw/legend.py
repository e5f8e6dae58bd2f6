"""The legend: a handle and a text per entry, in the rows and columns layout chose."""

from __future__ import annotations

from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle

from atc_timeline.draw.shapes import bar_pieces, darker, to_rgba
from atc_timeline.draw.sheet import Sheet, plain_text
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import Bar, TimelineLayout, legend_handle_width, legend_row_height


def draw_legend(overlay: Sheet, layout: TimelineLayout, theme: Theme) -> None:
    """Each legend row's handles and texts, at the positions layout chose."""
    s = layout.sizes
    row_h = legend_row_height(s)
    handle_w = legend_handle_width(s)
    for r, (row, xs) in enumerate(zip(layout.legend_rows, layout.legend_col_x, strict=True)):
        y = layout.legend_y - (r + 0.5) * row_h
        for entry, x in zip(row, xs, strict=True):
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
    elif key == "fuzzy":
        bar = Bar(
            "legend", "legend", "other", "", x, x + w * 0.45, x + w * 0.55, x + w, y, h, "date", False, False
        )
        pieces = bar_pieces(bar, bar.start_lo, bar.end_hi)
        ax.add_artist(
            PolyCollection(
                [p for p, _ in pieces],
                linewidths=0,
                gid=gid,
                facecolors=[to_rgba("#777777", a) for _, a in pieces],
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
