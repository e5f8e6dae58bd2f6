"""Lane names: a column left of the plot, or, in a narrow figure, a small bold line atop each lane."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from atc_timeline.layout.model import Label, Sizes
from atc_timeline.layout.text import Measure, text_box, truncate, wrap_text

# Why 4.5 in: one-column figures are 3.3-3.5 in wide (Nature 89 mm, Cell 85 mm, NEJM and The
# Lancet about 3.3 in) and 1.5-column ones start near 4.7 in (120 mm); in a column even the
# shortest names ("Surgery") take a fifth of the width, which the data needs.
NARROW_WIDTH = 4.5
# Why 22 %: past it the names take more width than the longest treatment needs to read well;
# the founding case's column is 16 % of a slide and 19 % of a two-column figure.
MAX_COLUMN_SHARE = 0.22
COLUMN_GAP = 0.15  # between the names and the plot, inches
NAME_GAP = 0.12  # from a name's right end to the plot
INSET = 0.04  # a name above its lane: from the plot's left edge and the lane's top, inches
LINE_CLEARANCE = 0.04  # between a name above its lane and a vertical line it moves away from
NAME_CLEARANCE = 0.05  # between a name above its lane and content beside it, inches
PLOT_INSET = 0.02  # the plot's left edge inside the margin when the names sit above the lanes


@dataclass(frozen=True)
class LaneNames:
    """How the lane names are set: their texts, size and where the plot starts."""

    texts: dict[str, str]  # a lane's name as drawn (wrapped or shortened)
    size: float  # points
    above: bool  # True: atop each lane, inside the plot; False: in a column left of it
    column: float  # inches from the margin to the plot's left edge
    band: float  # with `above`: the height a lane keeps free at its top for its name
    min_heights: dict[str, float]  # a lane is at least this tall (in a column: its name's height)
    # With `above`: the inches across each name takes, left of the plot's time-zero and
    # cut-off lines or moved past them; a lane whose content stays clear of its name's span
    # needs no band.
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)


def lane_wrap(name: str, s: Sizes, measure: Measure) -> float:
    """Wrap width for a lane name: about 1.9 in, widened so no single word is cut (to 3 in)."""
    widest = max((measure(word, s.lane)[0] for word in name.split()), default=0.0)
    return min(max(1.9 * s.lane / 13.0, widest), 3.0)


def lane_names(
    names: Sequence[str],
    width: float,
    margin: float,
    s: Sizes,
    measure: Measure,
    above: bool | None = None,
) -> LaneNames:
    """A column of names (wrapped to two lines) on a wide figure; above each lane on a narrow one.

    `measure` measures the bold face the names are drawn in; `above` decides where they go
    (None: by the width, and the column's share of it).
    """
    texts = {n: wrap_text(n, lane_wrap(n, s, measure), s.lane, measure, 2) for n in names}
    lane_w = max((measure(t, s.lane)[0] for t in texts.values()), default=0.5)
    column = lane_w + COLUMN_GAP
    if above is None:
        above = width < NARROW_WIDTH or (margin + column) / width > MAX_COLUMN_SHARE
    if not above:
        heights = {n: measure(t, s.lane)[1] + 0.06 for n, t in texts.items()}
        return LaneNames(texts, s.lane, False, column, 0.0, heights)
    # Above the lanes, in the size of the point labels: one line across the plot's width.
    size = s.label
    room = width - 2 * margin - PLOT_INSET - 2 * INSET - 0.1
    lines = {n: truncate(n, room, size, measure) or n[:1] for n in names}
    tallest = max((measure(t, size)[1] for t in lines.values()), default=0.0)
    band = tallest + 1.5 * INSET
    return LaneNames(lines, size, True, PLOT_INSET, band, dict.fromkeys(names, band))


def placed_across(
    names: LaneNames, plot: tuple[float, float], lines: Sequence[float], measure: Measure
) -> LaneNames:
    """Names above their lanes given their spans: at the plot's left edge, or past the lines there.

    `plot` is the plot's left and right edge, `lines` the x (figure inches) of the vertical
    lines drawn across every lane (time zero, cut-off), which never run through a name.
    """
    if not names.above:
        return names
    left, right = plot
    widths = {name: measure(text, names.size)[0] for name, text in names.texts.items()}
    # One x for all names, so that they read as a column: past a line that any would meet.
    x = left + INSET
    for line in sorted(lines):
        if x - LINE_CLEARANCE < line < x + max(widths.values(), default=0.0) + LINE_CLEARANCE:
            x = line + LINE_CLEARANCE
    spans = {}
    for name, w in widths.items():
        # No room right of the lines (a name nearly as wide as the plot): at the left edge.
        at = x if x + w <= right - INSET else left + INSET
        spans[name] = (at, at + w)
    return replace(names, spans=spans)


def name_label(
    names: LaneNames, name: str, lane_top: float, lane_h: float, left: float, measure: Measure
) -> Label:
    """The label of lane `name`, whose top is at `lane_top` figure inches and `lane_h` tall.

    In a column it is centred on the lane, ending `NAME_GAP` left of the plot's `left` edge;
    above the lane it sits in the lane's top-left corner, at its span.
    """
    text = names.texts[name]
    w, h = measure(text, names.size)
    if not names.above:
        x, y = left - NAME_GAP, lane_top - lane_h / 2
        box = text_box(x, y, w, h, "right", "center")
        return Label(text, x, y, "right", "center", names.size, "lane", box, full_text=name, weight="bold")
    x, y = names.spans.get(name, (left + INSET, 0.0))[0], lane_top - INSET / 2
    box = text_box(x, y, w, h, "left", "top")
    return Label(text, x, y, "left", "top", names.size, "lane", box, full_text=name, weight="bold")


def clear_of(span: tuple[float, float], extents: Iterable[tuple[float, float]]) -> bool:
    """True when none of `extents` (inches across) comes within NAME_CLEARANCE of `span`."""
    x0, x1 = span
    return all(b <= x0 - NAME_CLEARANCE or a >= x1 + NAME_CLEARANCE for a, b in extents)
