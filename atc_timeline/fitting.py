"""Whether a chart fits its size: the smallest height that shows every label, and the warning if not."""

from __future__ import annotations

import math
from collections.abc import Callable

from atc_timeline.layout import TimelineLayout
from atc_timeline.options import ChartOptions

STEP = 0.5  # inches between the heights tried first
PRECISION = 0.1  # inches: the height a warning names is found to this


def shown_labels(layout: TimelineLayout) -> int:
    """How many point labels the layout shows."""
    return sum(1 for label in layout.labels if label.role == "point")


def marks_labelled(layout: TimelineLayout) -> int:
    """How many dated metastases' marks the layout labels."""
    return sum(1 for label in layout.labels if label.role == "metastasis")


def as_good(layout: TimelineLayout, best: TimelineLayout) -> bool:
    """True when `layout` shows as many labels as `best` and squeezes no lanes unless it does."""
    return shown_labels(layout) >= shown_labels(best) and (best.crowded or not layout.crowded)


def smallest_height(
    at: Callable[[float], TimelineLayout], start: float, cap: float, good: Callable[[TimelineLayout], bool]
) -> float | None:
    """The smallest height above `start`, up to `cap`, whose layout is `good`; None if none.

    `start` is taken not to be. Heights are tried every STEP inches, then halved to PRECISION
    between the last that failed and the first that passed; the height returned was laid out
    and passed (a taller chart passing where a shorter one failed is likely, not guaranteed).
    """
    failed, height = start, start
    while height < cap - 1e-9:
        height = min(round(height + STEP, 2), cap)
        if not good(at(height)):
            failed = height
            continue
        while height - failed > PRECISION + 1e-9:
            middle = round(math.ceil((failed + height) / 2 / PRECISION - 1e-9) * PRECISION, 2)
            if not failed < middle < height:
                break
            if good(at(middle)):
                height = middle
            else:
                failed = middle
        return height
    return None


def size_name(options: ChartOptions) -> str:
    """The chart's size in a warning: its preset's name, if any, and its inches."""
    inches = f"{options.width:g} x {options.height:g} in"
    return inches if options.size is None else f"{options.size} ({inches})"


def fit_warning(
    layout: TimelineLayout,
    options: ChartOptions,
    better: TimelineLayout | None,
    instead: str = "",
    outer: Callable[[float], float] | None = None,
) -> str | None:
    """The warning for a chart that drops labels or squeezes lanes, naming what would fit; else None.

    `better` is the layout at the smallest height (up to the options' max_height) that shows
    more (None if no height does), and `instead` another size that shows every label.
    `outer` gives the output's height for a layout's (a deck adds its title band); the
    options are the output's.
    """

    def inches(height: float) -> str:
        # Rounded up: the height named must give the chart at least the height that fitted.
        return f"{math.ceil(round((outer(height) if outer else height) * 100, 6)) / 100:g}"

    if layout.complete:
        return None
    total, shown = layout.label_groups, shown_labels(layout)
    what = f"{shown} of {total} event labels shown" if shown < total else "every event label shown"
    if layout.crowded:
        what += ", lanes squeezed and texts that would crowd left off"
    head = f"{size_name(options)}: {what}"
    if options.grow and float(inches(layout.height)) > options.height:
        head = f"{size_name(options)}, grown to {inches(layout.height)} in: {what}"
    if better is not None and not options.grow:
        h = inches(better.height)
        if better.complete:
            gain = "shows them all"
        elif shown_labels(better) > shown:
            gain = f"shows {shown_labels(better)} of {better.label_groups}"
        else:
            gain = "squeezes no lane"
        return f"{head}; a height of {h} in {gain} (--height {h}, or --height auto to grow as needed)"
    if instead:
        return f"{head}; {instead} shows them all"
    head += f"; no taller chart, up to {options.max_height:g} in, shows more"
    if total > shown:
        head += "; the other events keep their markers, with their text in the SVG tooltips"
    return head
