"""Vertical rules (cut-off, time zero, grid) broken where they would run through a text."""

from __future__ import annotations

from atc_timeline.layout.model import Box, TimelineLayout

# Inches kept clear around a text that a rule passes: the break in a dashed line behind an
# inline label, as journal figures draw it (a halo or a plate adds about a point).
RULE_PAD = 0.03
# Why more above and below, in font sizes: matplotlib lays each line out 1.2 x its font's
# ascent + descent high, a little more than layout measures a line ('lp'), and places the
# difference above a bottom-aligned text, below a top-aligned one.
LEADING = 0.3


def rule_gaps(layout: TimelineLayout, x: float, pad: float = RULE_PAD) -> list[tuple[float, float]]:
    """Where a vertical rule at day `x` must break, in plot inches (bottom to top), merged."""
    inch = layout.day_to_inch(x)
    bottom = layout.axes.y0
    spans = sorted(
        (label.box.y0 - pad - lead - bottom, label.box.y1 + pad + lead - bottom)
        for label in layout.labels
        if crosses(label.box, inch, pad)  # lane names too: a narrow figure sets them atop the lanes
        for lead in (LEADING * label.size / 72,)
    )
    merged: list[tuple[float, float]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def rule_spans(layout: TimelineLayout, x: float, pad: float = RULE_PAD) -> list[tuple[float, float]]:
    """The stretches of a vertical rule at day `x` across the plot that run clear of every text."""
    y0, y1 = layout.ylim
    spans: list[tuple[float, float]] = []
    start = y0
    for lo, hi in rule_gaps(layout, x, pad):
        if lo > start:
            spans.append((start, min(lo, y1)))
        start = max(start, hi)
    if start < y1:
        spans.append((start, y1))
    return [(lo, hi) for lo, hi in spans if hi > lo]


def crosses(box: Box, inch: float, pad: float = 0.0) -> bool:
    """Whether a vertical line at `inch` (figure inches) passes through the box, `pad` around it."""
    return box.x0 - pad < inch < box.x1 + pad
