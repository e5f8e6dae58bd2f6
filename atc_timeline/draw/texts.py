"""Chart texts: labels in the plot and the margin, their colours on bars, title, subtitle, footnote."""

from __future__ import annotations

from typing import Any

from matplotlib.patches import Rectangle
from matplotlib.patheffects import Stroke

from atc_timeline.draw.contrast import text_on
from atc_timeline.draw.shapes import phase_fill
from atc_timeline.draw.sheet import Plot, Sheet, plain_text
from atc_timeline.draw.themes import Theme
from atc_timeline.layout import LINE_SPACING, Bar, Label, TimelineLayout

# A halo's stroke width in font sizes: wide enough to clear the space between two words.
HALO = 0.45
# The Artist label of a halo text, and the prefix of the one of the text on it (then its colour).
HALO_TEXT = "halo"
HALO_OF = "on-halo:"


def draw_labels(
    ax: Plot, overlay: Sheet, layout: TimelineLayout, theme: Theme, titles: dict[str, str]
) -> None:
    """Every layout label: lane names in the margin, the rest in the plot, coloured by role."""
    counts: dict[str, int] = {}
    for number, label in enumerate(layout.labels):
        color = {"text": theme.text, "muted": theme.muted, "cutoff": theme.cutoff, "stop": theme.stop}.get(
            label.color_key, theme.text
        )
        under = _bar_under(label, layout) if label.color_key == "on_bar" else None
        fill = _fill(under, theme) if under is not None else ""
        if fill:
            color = text_on(fill, theme.text, theme.background)
        extra: dict[str, Any] = {}
        if label.role == "lane":
            # Lane names sit in the left margin, outside the plotting area.
            target, gid = overlay, f"lane-label-{number}"
        else:
            base = f"{label.role}-{label.event_id}" if label.event_id else label.role
            counts[base] = counts.get(base, 0) + 1
            target, gid = ax, base if counts[base] == 1 else f"{base}-{counts[base]}"
            extra["zorder"] = 5
        if label.role == "stop" and label.box.x0 <= layout.day_to_inch(layout.cutoff_x) <= label.box.x1:
            # A stop reason may run across the cut-off line; a plate keeps it legible.
            extra["bbox"] = {"facecolor": theme.background, "alpha": 0.85, "lw": 0, "pad": 0.5}
        if under is not None and _needs_halo(label, under, layout, theme):
            # No plate on a bar: a pale box there reads as a break in treatment. A halo in
            # the fill's own colour keeps hatching and fades off the letters instead.
            _halo(target, label, fill, under)
            # Named so that checks of the drawn figure pair a label with its halo.
            extra["label"] = f"{HALO_OF}{fill}"
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


def _bar_under(label: Label, layout: TimelineLayout) -> Bar | None:
    """The dose phase or bar a label sits on (None if none)."""
    for bar in (*layout.phases, *layout.bars):
        if bar.event_id == label.event_id:
            return bar
    return None


def _fill(bar: Bar, theme: Theme) -> str:
    """The colour a bar or dose phase is filled with."""
    return phase_fill(bar, theme) if bar.phase else theme.bar(bar.category).color


def _needs_halo(label: Label, bar: Bar, layout: TimelineLayout, theme: Theme) -> bool:
    """False where nothing but the plain fill lies under the label: no hatching, fade, other phase or line.

    Why skip it there: a halo is drawn as outlines in SVG and PDF, much larger than the text.
    """
    if theme.bar(bar.category).hatch:
        return True
    x0, x1 = layout.day_to_inch(bar.start_hi), layout.day_to_inch(bar.end_lo)
    if not (x0 <= label.box.x0 and label.box.x1 <= x1):
        return True  # over a faded, uncertain end
    family = {bar.event_id, bar.parent_id} - {""}
    others = [p for p in layout.phases if p is not bar and (p.parent_id in family or p.event_id in family)]
    for p in others:
        if layout.day_to_inch(p.start_lo) < label.box.x1 and layout.day_to_inch(p.end_hi) > label.box.x0:
            return True  # another dose phase drawn under part of it
    lines = (layout.day_to_inch(layout.cutoff_x), layout.day_to_inch(layout.zero_x))
    return any(label.box.x0 < x < label.box.x1 for x in lines)


def _halo(target: Sheet, label: Label, fill: str, bar: Bar) -> None:
    """The label's letters stroked wide in `fill`, under the label, so nothing but fill touches them.

    Why a second text, not a path effect on the label: matplotlib draws text with path effects
    as outlines, and the label must stay real, searchable text in SVG and PDF. It has no gid,
    so it is no label of its own. It is clipped to its bar: a squeezed bar is lower than the
    text, and a halo past its edges would draw blots of fill on the lane.
    """
    halo = plain_text(
        target,
        label.x,
        label.y,
        label.text,
        label=HALO_TEXT,
        ha=label.ha,
        va=label.va,
        fontsize=label.size,
        color=fill,
        weight=label.weight,
        linespacing=LINE_SPACING,
        zorder=4.9,
        path_effects=[Stroke(linewidth=HALO * label.size, foreground=fill, joinstyle="round")],
    )
    box = Rectangle((bar.start_lo, bar.y - bar.height / 2), bar.end_hi - bar.start_lo, bar.height)
    box.set_transform(target.transform)
    halo.set_clip_path(box)


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
