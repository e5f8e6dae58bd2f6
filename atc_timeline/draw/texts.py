"""Chart texts: labels in the plot and the margin, their colours on bars, title, subtitle, footnote."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl

from atc_timeline.draw.shapes import phase_fill
from atc_timeline.draw.sheet import Plot, Sheet, plain_text
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import LINE_SPACING, Label, TimelineLayout


def draw_labels(
    ax: Plot, overlay: Sheet, layout: TimelineLayout, theme: Theme, titles: dict[str, str]
) -> None:
    """Every layout label: lane names in the margin, the rest in the plot, coloured by role."""
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
        plain_text(
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


def _fill_under(label: Label, layout: TimelineLayout, theme: Theme) -> str:
    """The colour of the bar or phase segment a label sits on."""
    for phase in layout.phases:
        if phase.event_id == label.event_id:
            return phase_fill(phase, theme)
    for bar in layout.bars:
        if bar.event_id == label.event_id:
            return theme.bar(bar.category).color
    return theme.background


def _hatched_under(label: Label, layout: TimelineLayout, theme: Theme) -> bool:
    """True when the label sits on a hatched bar."""
    return any(b.event_id == label.event_id and theme.bar(b.category).hatch for b in layout.bars)


def _text_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (WCAG relative luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = mpl.colors.to_rgba(fill)
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def draw_header_footer(overlay: Sheet, layout: TimelineLayout, theme: Theme) -> None:
    """Title, subtitle and footnote at the left margin."""
    s = layout.sizes
    muted = {"color": theme.muted, "linespacing": LINE_SPACING}
    title = {"fontsize": s.title, "color": theme.text, "weight": "bold", "linespacing": LINE_SPACING}
    for text, y, gid, style in (  # each may wrap to two lines
        (layout.title, layout.title_y, "title", title),
        (layout.subtitle, layout.subtitle_y, "subtitle", {"fontsize": s.subtitle, **muted}),
        (layout.footnote, layout.footnote_y, "footnote", {"fontsize": s.footnote, **muted}),
    ):
        if text:
            plain_text(overlay, 0.2, y, text, ha="left", va="top", gid=gid, **style)
