"""Place lanes, bars, markers and labels as plain data; no drawing happens here.

Units: x is in days (matplotlib date numbers: days since 1970-01-01), y is in inches above
the bottom of the plotting area. Label boxes are kept in figure inches so collision tests
are exact. Text size comes from a `measure(text, points) -> (width_in, height_in)` callable.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import pandas as pd

from atc_timeline.events.normalize import CaseContext

Measure = Callable[[str, float], tuple[float, float]]

EPOCH = dt.date(1970, 1, 1)
# A row of point markers; the largest marker is about 0.22 in across, so labels above the
# row clear it whatever the text scale.
MARKER_ROW = 0.30
ELLIPSIS = "\u2026"
# Line spacing of multi-line text, in font sizes: measured with it here, drawn with it.
LINE_SPACING = 1.2


def day_number(value: Any) -> float:
    """A date or Timestamp as days since 1970-01-01 (matplotlib's default date unit)."""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return float((value - EPOCH).days)


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in figure inches."""

    x0: float
    y0: float
    x1: float
    y1: float

    def intersects(self, other: Box, pad: float = 0.0) -> bool:
        """True when the boxes overlap by more than -pad."""
        return not (
            self.x1 + pad <= other.x0
            or other.x1 + pad <= self.x0
            or self.y1 + pad <= other.y0
            or other.y1 + pad <= self.y0
        )

    def inside(self, other: Box) -> bool:
        """True when this box lies within `other`."""
        eps = 1e-6
        return (
            self.x0 >= other.x0 - eps
            and self.y0 >= other.y0 - eps
            and self.x1 <= other.x1 + eps
            and self.y1 <= other.y1 + eps
        )


@dataclass(frozen=True)
class Sizes:
    """Font sizes (points) and spacing (inches) for one chart size."""

    title: float = 20.0
    subtitle: float = 12.5
    lane: float = 13.0
    label: float = 10.5
    tick: float = 11.0
    legend: float = 10.5
    footnote: float = 9.0
    bar_height: float = 0.30
    row_gap: float = 0.10
    lane_pad: float = 0.10
    label_wrap: float = 1.9  # widest point label, inches
    marker: float = 1.0  # scale of markers, arrows and line widths

    def scaled(self, factor: float, geometry: float | None = None) -> Sizes:
        """Text sizes times `factor`, bar and lane spacing times `geometry` (default: factor)."""
        spacing = ("bar_height", "row_gap", "lane_pad")
        geometry = factor if geometry is None else geometry
        return Sizes(**{k: v * (geometry if k in spacing else factor) for k, v in self.__dict__.items()})


@dataclass(frozen=True)
class Lane:
    """One swimlane: its name and vertical extent in plot inches."""

    name: str
    y0: float
    y1: float
    index: int


@dataclass(frozen=True)
class Bar:
    """An interval drawn as a bar; fuzzy ends fade between the *_lo and *_hi days."""

    event_id: str
    kind: str
    category: str
    lane: str
    start_lo: float
    start_hi: float
    end_lo: float
    end_hi: float
    y: float  # centre, plot inches
    height: float
    end_status: str  # date | ongoing | unknown
    start_exact: bool
    end_exact: bool
    grade: int | None = None
    title: str = ""


@dataclass(frozen=True)
class Marker:
    """A point event: a marker at x, with a whisker from lo to hi when the date is partial."""

    event_id: str
    kind: str
    style: str  # surgery, imaging:<response>, ae:<grade>, stop
    lane: str
    x: float
    y: float
    lo: float
    hi: float
    exact: bool
    title: str = ""


@dataclass(frozen=True)
class Label:
    """A text placed on the chart, with its box in figure inches."""

    text: str
    x: float  # anchor, days (or figure inches when role is figure-level)
    y: float
    ha: str
    va: str
    size: float
    role: str  # lane, bar, phase, point, stop, cutoff, zero
    box: Box
    event_id: str = ""
    full_text: str = ""
    weight: str = "normal"
    color_key: str = "text"


@dataclass(frozen=True)
class Leader:
    """A thin line from a marker to its displaced label, in data units (days, plot inches)."""

    event_id: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class LegendEntry:
    """One legend item; `key` names a style the renderer knows."""

    key: str
    text: str


@dataclass(frozen=True)
class TimelineLayout:
    """Everything the renderer needs, as plain data."""

    width: float
    height: float
    axes: Box  # plotting area in figure inches
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    sizes: Sizes
    title: str
    subtitle: str
    footnote: str
    title_y: float
    subtitle_y: float
    footnote_y: float
    legend_y: float  # top of the legend block, figure inches
    legend_rows: tuple[tuple[LegendEntry, ...], ...]
    legend_col_x: tuple[tuple[float, ...], ...]
    cutoff_x: float
    cutoff_status: str
    zero_x: float
    zero_label: str
    relative_label: str
    axis: str
    unit_days: float  # days per relative-axis unit
    lanes: tuple[Lane, ...]
    bars: tuple[Bar, ...]
    phases: tuple[Bar, ...]
    markers: tuple[Marker, ...]
    labels: tuple[Label, ...]
    leaders: tuple[Leader, ...]
    arrows: tuple[tuple[str, float, float], ...]  # (event id, x at cut-off, y)
    event_ids: tuple[str, ...] = field(default=())
    label_groups: int = 0  # point labels the chart wanted to show
    crowded: bool = False  # True when labels were dropped or lanes squeezed to fit

    @property
    def complete(self) -> bool:
        """Every point label shown and no lane squeezed."""
        shown = sum(1 for label in self.labels if label.role == "point")
        return not self.crowded and shown >= self.label_groups

    def day_to_inch(self, x: float) -> float:
        """Figure inches for a day number."""
        x0, x1 = self.xlim
        return self.axes.x0 + (x - x0) / (x1 - x0) * (self.axes.x1 - self.axes.x0)


@dataclass(frozen=True)
class LayoutOptions:
    """Size and text of the chart."""

    width: float = 13.333
    height: float = 7.5
    title: str | None = None
    axis: str = "both"  # calendar | relative | both
    unit: str = "months"  # days | weeks | months
    show_title: bool = True  # False where the title lives elsewhere (a slide's title box)


# ----------------------------------------------------------------------------- text helpers


def wrap_text(text: str, width: float, size: float, measure: Measure, max_lines: int) -> str:
    """Greedy word wrap to `width` inches and at most `max_lines`, ending in an ellipsis if cut."""
    words = text.split()
    if not words:
        return ""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and measure(candidate, size)[0] > width:
            lines.append(current)
            current = word
            if len(lines) == max_lines:
                break  # a line more is coming: the kept lines are known and end in an ellipsis
        else:
            current = candidate
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1] + ELLIPSIS
    return "\n".join(truncate(line, width, size, measure) for line in lines)


def truncate(text: str, width: float, size: float, measure: Measure) -> str:
    """Cut `text` to fit `width` inches, ending in an ellipsis; '' if not even that fits."""
    if measure(text, size)[0] <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS, size)[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return ""
    return text[:lo].rstrip() + ELLIPSIS


# ----------------------------------------------------------------------------- layout


@dataclass
class _Geometry:
    """Mutable scratch state while one layout attempt runs."""

    left: float
    right: float
    x0: float
    x1: float

    def inch(self, day: float) -> float:
        return self.left + (day - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def day(self, inch: float) -> float:
        return self.x0 + (inch - self.left) / (self.right - self.left) * (self.x1 - self.x0)

    def per_inch(self) -> float:
        return (self.x1 - self.x0) / (self.right - self.left)


@dataclass(frozen=True)
class _Prepared:
    """The events frame cut once into the shapes layout attempts read many times."""

    frame: pd.DataFrame
    by_lane: dict[str, list[dict[str, Any]]]
    phases: dict[str, list[dict[str, Any]]]
    legend: list[LegendEntry]
    days: tuple[float, float, float, float]  # first start, last end, cut-off, time zero

    @staticmethod
    def of(events: pd.DataFrame, context: CaseContext) -> _Prepared:
        records = _records(events)
        by_lane: dict[str, list[dict[str, Any]]] = {}
        phases: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            by_lane.setdefault(record["lane"], []).append(record)
            if record["kind"] == "phase":
                phases.setdefault(record["parent_id"], []).append(record)
        cutoff = day_number(context.data_cutoff)
        zero = day_number(context.time_zero)
        lo = min([*(day_number(r["start_lo"]) for r in records), cutoff, zero])
        hi = max([*(day_number(r["end_hi"]) for r in records), cutoff])
        return _Prepared(events, by_lane, phases, _legend_entries(records), (lo, hi, cutoff, zero))


def _records(events: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts, as `to_dict("records")` gives them, built column by column (twice as fast)."""
    columns = {name: [None if v is pd.NA else v for v in events[name].tolist()] for name in events.columns}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


@dataclass
class _LanePlan:
    name: str
    bar_rows: list[list[dict[str, Any]]]
    points: list[dict[str, Any]]
    placed: list[_Placed]  # one per point, in the order of `points`
    tiers: int
    height: float


@dataclass
class _LaneContent:
    """A lane's bars packed into rows and its grouped point events, at one text size."""

    bar_rows: list[list[dict[str, Any]]]
    points: list[dict[str, Any]]
    labels: _PointLabels


@dataclass
class _Frame:
    """What attempts at one width and text size share, whatever their height, spacing or tiers."""

    title_text: str
    title_h: float
    subtitle: str
    subtitle_h: float
    footnote: str
    footnote_h: float
    lane_texts: dict[str, str]
    lane_min: dict[str, float]  # a lane is at least as tall as its (possibly two-line) name
    left: float
    right: float
    g: _Geometry
    legend_rows: tuple[tuple[LegendEntry, ...], ...]
    legend_cols: tuple[tuple[float, ...], ...]
    legend_h: float
    line: float  # height of one tier of point labels
    # A lane's bars and points, made when first asked: an attempt that fails at one lane
    # never needs the lanes after it.
    lane: Callable[[str], _LaneContent]


@dataclass
class _Chart:
    """One chart's inputs, and the frames its layout attempts share."""

    prep: _Prepared
    context: CaseContext
    measure: Measure
    frames: dict[tuple[LayoutOptions, Sizes], _Frame] = field(default_factory=dict)

    def frame(self, options: LayoutOptions, s: Sizes) -> _Frame:
        """The frame for these options and the text sizes of `s` (height and spacing aside)."""
        key = (replace(options, height=0.0), replace(s, bar_height=0.0, row_gap=0.0, lane_pad=0.0))
        if key not in self.frames:
            self.frames[key] = _frame(self, options, s)
        return self.frames[key]


@dataclass
class _Fit:
    """An attempt whose lanes fit: the vertical budget and lane plans, nothing placed yet."""

    options: LayoutOptions
    s: Sizes
    frame: _Frame
    force: bool
    title_y: float
    subtitle_y: float
    footnote_y: float
    legend_y: float
    axes: Box
    axes_h: float
    band: float  # top band inside the axes for cut-off and time-zero labels
    plans: list[_LanePlan]
    available: float  # height for the lanes

    def shown(self) -> int:
        """How many point labels this layout would show."""
        return sum(1 for plan in self.plans for text, *_ in plan.placed if text)


# Why: below about 5 pt, printed labels stop being readable; a crowded chart drops label
# detail instead of shrinking text past this.
MIN_LABEL_POINTS = 5.0


def _factors(base: Sizes, wanted: Sequence[float]) -> list[float]:
    """The shrink factors that keep label text at or above MIN_LABEL_POINTS."""
    floor = MIN_LABEL_POINTS / base.label
    kept = [f for f in wanted if f >= floor]
    return kept or [min(1.0, floor)]


def compute_layout(
    events: pd.DataFrame,
    context: CaseContext,
    measure: Measure,
    options: LayoutOptions | None = None,
    sizes: Sizes | None = None,
) -> TimelineLayout:
    """Lay out the chart; shrinks text and label tiers until everything fits the figure."""
    return Layouter(events, context, measure, sizes).layout(options)


class Layouter:
    """compute_layout for one chart at several sizes, sharing what does not depend on height.

    Why: a journal chart grows taller until its labels fit; each height can reuse the text
    measuring and label placing done for the heights before it.
    """

    def __init__(
        self, events: pd.DataFrame, context: CaseContext, measure: Measure, sizes: Sizes | None = None
    ) -> None:
        self._chart = _Chart(_Prepared.of(events, context), context, measure)
        self._base = sizes or Sizes()

    def layout(self, options: LayoutOptions | None = None) -> TimelineLayout:
        """Lay out the chart; shrinks text and label tiers until everything fits the figure."""
        options = options or LayoutOptions()
        chart, base = self._chart, self._base
        # Try the most readable settings first: full size with many label lines, then smaller
        # text, then fewer label lines, then labels that may shrink to nothing (the marker and
        # its SVG <title> still carry the finding).
        # Full labels at a smaller size beat short labels at full size, so detail is the outer loop.
        # Slimmer bars come before smaller text: text size is what a slide audience loses first.
        for level in range(3):
            for factor in _factors(base, (1.0, 0.92, 0.85, 0.78)):
                for geometry in (1.0, 0.82, 0.68):
                    for max_tiers in (8, 6, 4, 3, 2):
                        s = base.scaled(factor, geometry)
                        fit = _attempt(chart, options, s, max_tiers, False, level=level)
                        if isinstance(fit, _Fit):
                            return _build(chart, fit)
                        if fit == "labels":
                            break  # fewer tiers cannot place labels that more tiers could not
        # Too dense for every label: give point lanes the tiers the height allows and keep the
        # size that labels the most events (the marker and its SVG <title> carry the rest).
        best: tuple[int, _Fit] | None = None
        for factor in _factors(base, (0.92, 0.85, 0.78, 0.72, 0.66)):
            fit = _attempt(chart, options, base.scaled(factor), 0, True)
            if isinstance(fit, _Fit):
                shown = fit.shown()
                if best is None or shown > best[0]:
                    best = (shown, fit)
        if best is not None:
            return _build(chart, best[1])
        # Why: nothing fitted even at the smallest size; squeeze the lanes (labels may then
        # crowd) rather than failing the render or dropping data.
        smallest = _factors(base, (0.6,))[-1]
        last = _attempt(chart, options, base.scaled(smallest), 1, True, force=True)
        assert isinstance(last, _Fit)
        return _build(chart, last)


def _lane_wrap(name: str, s: Sizes, measure: Measure) -> float:
    """Wrap width for a lane name: about 1.9 in, widened so no single word is cut (to 3 in)."""
    widest = max((measure(word, s.lane)[0] for word in name.split()), default=0.0)
    return min(max(1.9 * s.lane / 13.0, widest), 3.0)


def _text_box(x_in: float, y_in: float, w: float, h: float, ha: str, va: str) -> Box:
    x0 = {"left": x_in, "center": x_in - w / 2, "right": x_in - w}[ha]
    y0 = {"bottom": y_in, "center": y_in - h / 2, "top": y_in - h}[va]
    return Box(x0, y0, x0 + w, y0 + h)


_MARGIN = 0.2  # around the figure, inches


def _frame(chart: _Chart, options: LayoutOptions, s: Sizes) -> _Frame:
    """Titles, margins, time scale, legend and lane contents for one width and text size."""
    context, measure = chart.context, chart.measure
    width = options.width
    margin = _MARGIN
    title = options.title or context.title
    title_text = truncate(title, width - 2 * margin, s.title, measure) or title[:1]
    title_h = measure(title_text, s.title)[1]
    if not options.show_title:
        title_text, title_h = "", -0.06
    subtitle = wrap_text(context.subtitle, width - 2 * margin, s.subtitle, measure, 2)
    subtitle_h = measure(subtitle, s.subtitle)[1] if subtitle else 0.0
    footnote = ""
    if context.source:
        footnote = wrap_text("Source: " + context.source, width - 2 * margin, s.footnote, measure, 2)
    footnote_h = measure(footnote, s.footnote)[1] if footnote else 0.0

    # Left margin: lane names, wrapped to two lines at most.
    lane_texts = {n: wrap_text(n, _lane_wrap(n, s, measure), s.lane, measure, 2) for n in context.lanes}
    lane_w = max((measure(t, s.lane)[0] for t in lane_texts.values()), default=0.5)
    left = margin + lane_w + 0.15
    right = width - margin - 0.1

    # Horizontal range: first event to the cut-off, with room for ongoing arrows.
    lo, hi, _, _ = chart.prep.days
    span = max(hi - lo, 60.0)
    # A short history (one day, one week) is centred in a two-month window.
    pad = (span - (hi - lo)) / 2
    lo, hi = lo - pad, hi + pad
    arrow_in = 0.3 * s.marker
    # Room before the first event lets its label sit to the left of its marker, and room
    # after the cut-off holds an ongoing arrow.
    lead_in = 0.45 * s.marker
    per_inch = span / max(right - left - lead_in - arrow_in, 1.0)
    g = _Geometry(left, right, lo - lead_in * per_inch, hi + (0.1 + arrow_in) * per_inch)

    # On a narrow chart the legend uses the full width, not just the plot's.
    legend_left = margin if width < 8 else left
    legend_rows, legend_cols, legend_h = _legend_rows(chart.prep.legend, legend_left, right, s, measure)
    lanes: dict[str, _LaneContent] = {}

    def lane_content(name: str) -> _LaneContent:
        if name not in lanes:
            lanes[name] = _lane_content(name, chart.prep, g, s, measure)
        return lanes[name]

    return _Frame(
        title_text=title_text,
        title_h=title_h,
        subtitle=subtitle,
        subtitle_h=subtitle_h,
        footnote=footnote,
        footnote_h=footnote_h,
        lane_texts=lane_texts,
        lane_min={n: measure(t, s.lane)[1] + 0.06 for n, t in lane_texts.items()},
        left=left,
        right=right,
        g=g,
        legend_rows=legend_rows,
        legend_cols=legend_cols,
        legend_h=legend_h,
        line=_line_height(s, measure),
        lane=lane_content,
    )


def _attempt(
    chart: _Chart,
    options: LayoutOptions,
    s: Sizes,
    max_tiers: int,
    allow_empty: bool,
    force: bool = False,
    level: int | None = None,
) -> _Fit | str:
    """Plan one layout at fixed sizes; on failure, why: "height" (too tall) or "labels" (no room)."""
    f = chart.frame(options, s)
    margin = _MARGIN
    # Vertical budget (figure inches from the top).
    tick_band = s.tick / 72 * 2.6
    # The top axis (relative time) exists only with --axis both; a relative bottom axis
    # carries its own label line.
    top_axis_band = tick_band + s.tick / 72 * 1.4 if options.axis == "both" else 0.1
    if options.axis == "relative":
        tick_band += s.tick / 72 * 1.2
    title_y = options.height - margin
    subtitle_y = title_y - f.title_h - 0.06
    axes_top = subtitle_y - f.subtitle_h - 0.12 - top_axis_band
    footnote_y = margin + f.footnote_h
    legend_y = footnote_y + (0.12 if f.footnote else 0.0) + f.legend_h
    axes_bottom = legend_y + 0.12 + tick_band
    axes_h = axes_top - axes_bottom
    if axes_h < 0.5 and not force:
        return "height"
    axes_h = max(axes_h, 0.5)
    axes = Box(f.left, axes_bottom, f.right, axes_bottom + axes_h)
    band = s.label / 72 * 1.6  # top band inside the axes for cut-off and time-zero labels

    available = axes_h - band
    lane_names = chart.context.lanes
    if allow_empty:
        # Tiers for point labels come out of whatever height the bars leave free.
        bare = [_plan_lane(name, f, s, 0, True) for name in lane_names]
        fixed = sum(p.height for p in bare if p is not None)
        point_lanes = sum(1 for p in bare if p is not None and p.points)
        if point_lanes:
            room = (available - fixed) / (point_lanes * f.line)
            max_tiers = max(1, min(8, int(room)))
    plans = []
    for name in lane_names:
        plan = _plan_lane(name, f, s, max_tiers, allow_empty or force, level)
        if plan is None:
            return "labels"
        # A lane is at least as tall as its (possibly two-line) name.
        plan.height = max(plan.height, f.lane_min[name])
        plans.append(plan)
    needed = sum(p.height for p in plans)
    if needed > available and not force:
        return "height"
    return _Fit(
        options, s, f, force, title_y, subtitle_y, footnote_y, legend_y, axes, axes_h, band, plans, available
    )


def _build(chart: _Chart, fit: _Fit) -> TimelineLayout:
    """Place bars, markers and labels for a plan that fits."""
    context, measure, options, s, f = chart.context, chart.measure, fit.options, fit.s, fit.frame
    lane_plans, available, axes, axes_h, band = fit.plans, fit.available, fit.axes, fit.axes_h, fit.band
    left, right, g, axes_bottom = f.left, f.right, f.g, axes.y0
    _, _, cutoff, zero = chart.prep.days
    needed = sum(p.height for p in lane_plans)
    extra = max(available - needed, 0.0) / max(len(lane_plans), 1)
    scale = min(1.0, available / needed) if needed else 1.0

    lanes: list[Lane] = []
    bars: list[Bar] = []
    phases: list[Bar] = []
    markers: list[Marker] = []
    labels: list[Label] = []
    leaders: list[Leader] = []
    arrows: list[tuple[str, float, float]] = []
    y_top = available
    for index, plan in enumerate(lane_plans):
        lane_h = plan.height * scale + extra
        y0 = y_top - lane_h
        lanes.append(Lane(plan.name, y0, y_top, index))
        lane_label = f.lane_texts[plan.name]
        lw, lh = measure(lane_label, s.lane)
        lane_center = axes_bottom + y0 + lane_h / 2
        labels.append(
            Label(
                lane_label,
                left - 0.12,
                lane_center,
                "right",
                "center",
                s.lane,
                "lane",
                _text_box(left - 0.12, lane_center, lw, lh, "right", "center"),
                weight="bold",
                full_text=plan.name,
            )
        )
        # Content sits centred in the lane; padding absorbs the spare height.
        content_top = y_top - (lane_h - plan.height * scale) / 2 - s.lane_pad * scale
        _place_lane(
            plan,
            content_top,
            axes_bottom,
            g,
            s,
            scale,
            measure,
            bars,
            phases,
            markers,
            labels,
            leaders,
            arrows,
            chart.prep,
            f.line,
        )
        y_top = y0

    # Cut-off and time-zero lines carry labels in the top band of the axes.
    band_y = axes_bottom + axes_h - band / 2
    status = {"alive": "alive", "deceased": "deceased", "unknown": "status unknown"}[context.status]
    texts = [
        f"Data cut-off {context.cutoff_text} \u00b7 {status}",
        f"Cut-off {context.cutoff_text} \u00b7 {status}",
        f"Cut-off {context.cutoff_text}",
    ]
    if context.status == "deceased" and context.death_date is not None:
        texts = [f"Died {context.death_text}", "Died"]
    # Left of the line if it fits, else right of it, else a shorter wording.
    line_x = g.inch(cutoff)
    placements = [(t, x, ha) for t in texts for x, ha in ((line_x - 0.06, "right"), (line_x + 0.06, "left"))]
    for cutoff_text, cx, ha in placements:
        cw, ch = measure(cutoff_text, s.label)
        cbox = _text_box(cx, band_y, cw, ch, ha, "center")
        if cbox.x0 >= left + 0.02 and cbox.x1 <= options.width - 0.05:
            break
    labels.append(
        Label(
            cutoff_text,
            g.day(cx),
            band_y - axes_bottom,
            ha,
            "center",
            s.label,
            "cutoff",
            cbox,
            color_key="cutoff",
        )
    )
    zero_text = context.time_zero_label.capitalize()
    zw, zh = measure(zero_text, s.label)
    zx = g.inch(zero) + 0.06
    zbox = _text_box(zx, band_y, zw, zh, "left", "center")
    if not zbox.intersects(cbox, 0.1) and zbox.x1 <= right:
        labels.append(
            Label(
                zero_text,
                g.day(zx),
                band_y - axes_bottom,
                "left",
                "center",
                s.label,
                "zero",
                zbox,
                color_key="muted",
            )
        )

    relative = f"{options.unit.capitalize()} since {context.time_zero_label}"
    return TimelineLayout(
        width=options.width,
        height=options.height,
        axes=axes,
        xlim=(g.x0, g.x1),
        ylim=(0.0, axes_h),
        sizes=s,
        title=f.title_text,
        subtitle=f.subtitle,
        footnote=f.footnote,
        title_y=fit.title_y,
        subtitle_y=fit.subtitle_y,
        footnote_y=fit.footnote_y,
        legend_y=fit.legend_y,
        legend_rows=f.legend_rows,
        legend_col_x=f.legend_cols,
        cutoff_x=cutoff,
        cutoff_status=context.status,
        zero_x=zero,
        zero_label=context.time_zero_label,
        relative_label=relative,
        axis=options.axis,
        unit_days=UNIT_DAYS[options.unit],
        lanes=tuple(lanes),
        bars=tuple(bars),
        phases=tuple(phases),
        markers=tuple(markers),
        labels=tuple(labels),
        leaders=tuple(leaders),
        arrows=tuple(arrows),
        event_ids=tuple(chart.prep.frame["event_id"].tolist()),
        label_groups=sum(len(plan.points) for plan in lane_plans),
        crowded=fit.force,
    )


# ----------------------------------------------------------------------------- lanes


def _bar_text(row: dict[str, Any]) -> str:
    """Name and dose for a bar; the lane label already names single-drug lanes."""
    parts = []
    if row["label"] != row["lane"]:
        parts.append(row["label"])
    if row["detail"]:
        parts.append(row["detail"])
    if row["kind"] == "adverse_event" and not pd.isna(row["grade"]):
        parts.insert(1 if parts else 0, f"G{int(row['grade'])}")
    return " \u00b7 ".join(parts)


def _point_text(row: dict[str, Any]) -> list[str]:
    """Label candidates for a point event, from most to least informative."""
    if row["kind"] == "imaging":
        head = row["label"]
        if row["response"]:
            head = f"{row['response']} \u00b7 {head}"
        full = f"{head}: {row['detail']}" if row["detail"] else head
        return [full, head, row["response"] or row["label"]]
    if row["kind"] == "adverse_event":
        grade = f"G{int(row['grade'])} " if not pd.isna(row["grade"]) else ""
        full = f"{grade}{row['label']}"
        if row["immune_related"]:
            full += " (irAE)"
        return [full, f"{grade}{row['label']}", grade.strip() or row["label"]]
    full = f"{row['label']}: {row['detail']}" if row["detail"] else row["label"]
    return [full, row["label"], row["label"]]


# Markers closer than this (inches) share one label: four scans in one week read better as
# "PET-CT, CT, MRI" than as four labels fighting for room.
_GROUP_GAP = 0.12


def _group_points(rows: list[dict[str, Any]], g: _Geometry) -> list[dict[str, Any]]:
    """Point events of one lane, with near-coincident ones merged under one label."""
    ordered = sorted(rows, key=lambda r: (_mid(r), r["order"]))
    groups: list[list[dict[str, Any]]] = []
    for row in ordered:
        if groups and g.inch(_mid(row)) - g.inch(_mid(groups[-1][-1])) < _GROUP_GAP:
            groups[-1].append(row)
        else:
            groups.append([row])
    points = []
    for group in groups:
        texts = [_point_text(r) for r in group]
        if len(group) == 1:
            combined = texts[0]
        else:
            combined = [
                "; ".join(t[0] for t in texts),
                ", ".join(dict.fromkeys(t[1] for t in texts)),
                ", ".join(dict.fromkeys(t[-1] for t in texts)),
            ]
        x_day = sum(_mid(r) for r in group) / len(group)
        points.append({"row": group[0], "rows": group, "texts": combined, "x_day": x_day})
    return points


def _lane_content(name: str, prep: _Prepared, g: _Geometry, s: Sizes, measure: Measure) -> _LaneContent:
    """Pack a lane's bars into rows and group its point events (both fixed for a text size)."""
    records = prep.by_lane.get(name, [])
    interval_rows = [r for r in records if r["is_interval"] and r["kind"] != "phase"]
    point_rows = [r for r in records if not r["is_interval"]]
    gap = 0.08
    rows: list[list[dict[str, Any]]] = []
    for row in interval_rows:
        spec = _bar_spec(row, prep, g, s, measure)
        for packed in rows:
            if all(spec["x1"] + gap <= other["x0"] or other["x1"] + gap <= spec["x0"] for other in packed):
                packed.append(spec)
                break
        else:
            rows.append([spec])
    points = _group_points(point_rows, g)
    return _LaneContent(rows, points, _PointLabels(points, g, s, measure))


def _plan_lane(
    name: str,
    f: _Frame,
    s: Sizes,
    max_tiers: int,
    allow_empty: bool,
    level: int | None = None,
) -> _LanePlan | None:
    """Place a lane's point labels in at most `max_tiers` tiers; None if they cannot all fit."""
    content = f.lane(name)
    rows, points = content.bar_rows, content.points
    tiers = 0
    placed: list[_Placed] = []
    if points:
        shown, placed, tiers = content.labels.best(max_tiers, 0 if level is None else level)
        if shown < len(points) and not allow_empty:
            return None
    row_h = s.bar_height + s.row_gap
    height = 2 * s.lane_pad + len(rows) * row_h
    if points:
        height += MARKER_ROW * s.marker + 0.03 + tiers * f.line
    return _LanePlan(name, rows, points, placed, tiers, height)


def _bar_spec(
    row: dict[str, Any], prep: _Prepared, g: _Geometry, s: Sizes, measure: Measure
) -> dict[str, Any]:
    """Decide where a bar's text goes and how much room the bar takes horizontally."""
    x0 = g.inch(day_number(row["start_lo"]))
    x1 = g.inch(day_number(row["end_hi"]))
    if row["end_status"] == "ongoing":
        x1 += 0.3 * s.marker
    pad = 0.06
    text = _bar_text(row)
    spec: dict[str, Any] = {
        "row": row,
        "x0": x0,
        "x1": x1,
        "text": "",
        "text_at": "inside",
        "full": text,
        "stop": "",
        "stop_at": "right",
    }
    has_phases = row["event_id"] in prep.phases
    inner = max(x1 - x0 - 2 * pad, 0.0)
    if row["outcome"] and not has_phases:
        # Table 1 style: the outcome goes inside the bar when the bar is long enough.
        fuller = f"{text} \u00b7 {row['outcome']}" if text else row["outcome"]
        if measure(fuller, s.label)[0] <= inner:
            text = fuller
    if text:
        w = measure(text, s.label)[0]
        if w <= inner and not has_phases:
            spec["text"] = text
        else:
            # Outside: right of the bar if it fits in the axes, else left of it.
            if x1 + pad + w <= g.right - 0.02:
                spec.update(text=text, text_at="right")
            elif x0 - pad - w >= g.left + 0.02:
                spec.update(text=text, text_at="left")
            else:
                room = max(g.right - 0.02 - x1 - pad, x0 - pad - g.left - 0.02, inner)
                cut = truncate(text, room, s.label, measure)
                at = "right" if room == g.right - 0.02 - x1 - pad else "left" if room != inner else "inside"
                spec.update(text=cut, text_at=at if not has_phases or at != "inside" else "right")
                if has_phases and at == "inside":
                    spec["text"] = ""
            w = measure(spec["text"], s.label)[0] if spec["text"] else 0.0
            if spec["text_at"] == "right":
                x1 = x1 + pad + w
            elif spec["text_at"] == "left":
                x0 = x0 - pad - w
    if row["stop_reason"]:
        stop = f"\u2715 {row['stop_reason']}"
        w = measure(stop, s.label)[0]
        start = x1 + 0.1
        if start + w > g.right - 0.02:
            stop = truncate(stop, max(g.right - 0.02 - start, 0.0), s.label, measure)
            w = measure(stop, s.label)[0] if stop else 0.0
        spec["stop"] = stop
        spec["stop_full"] = row["stop_reason"]
        if stop:
            x1 = start + w
    spec["x0"], spec["x1"] = x0, x1
    return spec


def _line_height(s: Sizes, measure: Measure) -> float:
    """Height of one tier of point labels: a line of label text plus leading."""
    return measure("Ag", s.label)[1] * 1.25


# A segment or a box, (x0, y0, x1, y1).
_Quad = tuple[float, float, float, float]
# Where a point label ends up: (text, tier, left inch, right inch); text is '' if it found no room.
_Placed = tuple[str, int, float, float]


class _Spot(NamedTuple):
    """A horizontal position tried for a point label; the same at every tier."""

    bx0: float
    bx1: float
    pad0: float  # the box padded by half the gap between labels
    pad1: float
    lx: float  # where a leader from the marker meets the label
    under: bool  # the marker sits under the label, so at tier 0 it needs no leader
    covered: int  # later markers the label would hide
    reach: float  # how far a leader runs across


class _Choice(NamedTuple):
    """A point label showing one of its variants."""

    text: str
    width: float
    span: int  # tiers it takes
    near: list[_Spot]  # spots at tier 0


class _PointLabels:
    """A lane's point labels at one text size: text variants and spots worked out once.

    Tiers are one text line high; a two-line label takes two adjacent tiers. Why worked out
    once: the detail rounds and the layout attempts place the same labels again and again;
    only the chosen variants and the number of tiers change between them.
    """

    gap = 0.08  # between neighbouring labels, inches

    def __init__(self, points: list[dict[str, Any]], g: _Geometry, s: Sizes, measure: Measure) -> None:
        self.measure, self.size, self.wrap = measure, s.label, s.label_wrap
        self.left, self.right = g.left, g.right
        self.line = _line_height(s, measure)
        self.order = sorted(range(len(points)), key=lambda i: (points[i]["x_day"], points[i]["row"]["order"]))
        self.xs = [g.inch(points[i]["x_day"]) for i in self.order]
        self.variants = [_label_variants(points[i]["texts"], s, measure) for i in self.order]
        self._choices: dict[tuple[int, int], _Choice] = {}
        self._anywhere: dict[tuple[int, int], list[_Spot]] = {}
        # start level -> (tier cap, highest tier any round reached, result)
        self._placed: dict[int, list[tuple[int, int, tuple[int, list[_Placed], int]]]] = {}

    def best(self, max_tiers: int, start: int) -> tuple[int, list[_Placed], int]:
        """Labels shown, placements in the points' own order, and tiers used; remembered.

        Why remembered: attempts that differ only in bar spacing ask again with the same cap.
        And a lower cap only takes away each label's highest tiers, which its search tries
        last: if no round placed a label that high, every round, and so the result, is the
        same under any cap down to the highest tier reached.
        """
        for cap, reached, found in self._placed.get(start, []):
            if reached <= max_tiers <= cap:
                return found
        shown, result, reached = self.place(max_tiers, start)
        placed: list[_Placed] = [("", 0, 0.0, 0.0)] * len(result)
        used = 0
        for index, (text, tier, bx0, bx1) in zip(self.order, result, strict=True):
            placed[index] = (text, tier, bx0, bx1)
            if text:
                used = max(used, tier + self.span(text))
        found = (shown, placed, used)
        self._placed.setdefault(start, []).append((max_tiers, reached, found))
        return found

    def span(self, text: str) -> int:
        """Tiers a label text takes (one per line)."""
        return max(1, math.ceil(self.measure(text, self.size)[1] / self.line - 0.05))

    def place(self, max_tiers: int, start: int) -> tuple[int, list[_Placed], int]:
        """The best of several greedy rounds: labels shown, where each goes, the top tier reached."""
        variants, xs = self.variants, self.xs
        # Why: crowding is local. Every label starts at full detail; only labels that could not
        # be placed, and their neighbours, step down to a shorter text, round by round.
        detail = [min(start, len(v) - 1) for v in variants]
        best: tuple[int, list[_Placed]] | None = None
        reached = 0
        for _ in range(4 * max((len(v) for v in variants), default=1) + 4):
            result, top = self._greedy(detail, max_tiers)
            reached = max(reached, top)
            shown = sum(1 for r in result if r[0])
            if best is None or shown > best[0]:
                best = (shown, result)
            failed = [i for i, r in enumerate(result) if not r[0]]
            if not failed:
                break
            changed = False
            for i in failed:
                for j, xj in enumerate(xs):
                    if abs(xj - xs[i]) <= self.wrap and detail[j] < len(variants[j]) - 1:
                        detail[j] += 1
                        changed = True
            if not changed:
                break
        assert best is not None
        return best[0], best[1], reached

    def choice(self, index: int, level: int) -> _Choice:
        """Label `index` showing variant `level`: its text, size, and the spots it may take at tier 0."""
        key = (index, level)
        if key not in self._choices:
            x = self.xs[index]
            text = self.variants[index][level]
            w = self.measure(text, self.size)[0]
            near = self._spots_at(index, [x - w / 2, x - 0.05, x + 0.05 - w], w)
            self._choices[key] = _Choice(text, w, self.span(text), near)
        return self._choices[key]

    def anywhere(self, index: int, level: int) -> list[_Spot]:
        """The spots label `index` showing variant `level` may take above tier 0.

        Made only when first needed: most labels on a sparse chart settle at tier 0.
        """
        key = (index, level)
        if key not in self._anywhere:
            x, (_, w, _, near) = self.xs[index], self.choice(index, level)
            # Raised labels may also slide sideways; their leaders then run at a slant.
            far = self._spots_at(index, [x + k * 0.35 - w / 2 for k in (1, -1, 2, -2, 3, -3)], w)
            self._anywhere[key] = near + far
        return self._anywhere[key]

    def _spots_at(self, index: int, starts: list[float], w: float) -> list[_Spot]:
        x, xs = self.xs[index], self.xs
        spots = []
        for start in starts:
            bx0 = min(max(start, self.left + 0.02), self.right - 0.02 - w)
            if bx0 < self.left:
                continue
            bx1 = bx0 + w
            pad0, pad1 = bx0 - self.gap / 2, bx1 + self.gap / 2
            lx = min(max(x, bx0 + 0.03), bx1 - 0.03)
            # Why: a label that covers a neighbour's marker forces that neighbour up and around
            # it, so among free spots prefer the one covering the fewest later markers (xs is
            # sorted, so they are counted by bisection).
            after = index + 1
            covered = bisect_right(xs, pad1 + 0.03, after) - bisect_left(xs, pad0 - 0.03, after)
            spots.append(_Spot(bx0, bx1, pad0, pad1, lx, bx0 <= x <= bx1, covered, abs(lx - x)))
        return spots

    def _greedy(self, detail: list[int], max_tiers: int) -> tuple[list[_Placed], int]:
        """Place labels left to right in the lowest free tier ('' where none fits); the top tier used.

        Coordinates here are inches across and tier lines up (0 = just above the markers). A
        raised or shifted label hangs on a leader from its marker; leaders may not cross labels.
        """
        # Padded x extents of the labels in each tier they take, the label boxes by their
        # lowest tier, and the leaders drawn so far with their x ranges. Box y extents run from
        # tier + 0.02 to tier + span - 0.02, so two boxes overlap vertically exactly when they
        # share a tier.
        rows: list[list[tuple[float, float]]] = [[] for _ in range(max(max_tiers, 0))]
        boxes: list[list[_Quad]] = [[] for _ in range(max(max_tiers, 0))]
        leaders: list[tuple[_Quad, float, float]] = []
        result: list[_Placed] = []
        top = 0
        for index, x in enumerate(self.xs):
            text, _, span, near = self.choice(index, detail[index])
            best: tuple[int, float, int, _Spot, _Quad | None] | None = None
            for tier in range(max_tiers - span + 1):
                for spot in near if tier == 0 else self.anywhere(index, detail[index]):
                    _, _, pad0, pad1, lx, under, covered, reach = spot
                    needs_leader = tier > 0 or not under
                    if not needs_leader:
                        reach = 0.0
                    # Only a strictly better spot replaces the best, so skip checking the rest.
                    if best is not None and not (covered, reach) < (best[0], best[1]):
                        continue
                    if _row_clash(rows, tier, span, pad0, pad1):
                        continue
                    box = (pad0, tier + 0.02, pad1, tier + span - 0.02)
                    leader = (x, -0.3, lx, float(tier)) if needs_leader else None
                    if leader is not None and _leader_blocked(leader, boxes[:tier]):
                        continue
                    if _box_cut(box, leaders, tier):
                        continue
                    if leader is not None and any(_segments_cross(leader, other) for other, _, _ in leaders):
                        continue
                    best = (covered, reach, tier, spot, leader)
                if best is not None and best[0] == 0:
                    break
            if best is None:
                result.append(("", 0, x, x))
                continue
            _, _, tier, spot, leader = best
            boxes[tier].append((spot.pad0, tier + 0.02, spot.pad1, tier + span - 0.02))
            for row in rows[tier : tier + span]:
                row.append((spot.pad0, spot.pad1))
            if leader is not None:
                leaders.append((leader, min(leader[0], leader[2]), max(leader[0], leader[2])))
            result.append((text, tier, spot.bx0, spot.bx1))
            top = max(top, tier + span)
        return result, top


def _row_clash(rows: list[list[tuple[float, float]]], tier: int, span: int, pad0: float, pad1: float) -> bool:
    """True when a label from pad0 to pad1 (inches) at `tier` would overlap a placed label."""
    for row in rows[tier : tier + span]:
        for x0, x1 in row:
            if pad1 > x0 and x1 > pad0:
                return True
    return False


def _leader_blocked(leader: _Quad, below: list[list[_Quad]]) -> bool:
    """True when a leader passes through a label box in the tiers below its top.

    Why only those: a box at or above the leader's top tier starts above its upper end, and
    a box wholly to one side cannot meet it; the exact test would fail for both anyway.
    """
    lo, hi = min(leader[0], leader[2]), max(leader[0], leader[2])
    for boxes in below:
        for box in boxes:
            if hi > box[0] and lo < box[2] and _segment_hits_box(leader, box):
                return True
    return False


def _box_cut(box: _Quad, leaders: list[tuple[_Quad, float, float]], tier: int) -> bool:
    """True when a placed leader (with its x range) passes through a label box at `tier`."""
    for leader, lo, hi in leaders:
        # As in _leader_blocked: only leaders rising above the box's tier can reach it.
        if leader[3] > tier and hi > box[0] and lo < box[2] and _segment_hits_box(leader, box):
            return True
    return False


def _segment_hits_box(seg: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    """True when the segment (x0, y0, x1, y1) passes through the open box (x0, y0, x1, y1)."""
    sx0, sy0, sx1, sy1 = seg
    bx0, by0, bx1, by1 = box
    # Liang-Barsky clipping: shrink [t0, t1] by each of the four box edges.
    t0, t1 = 0.0, 1.0
    dx, dy = sx1 - sx0, sy1 - sy0
    for p, q in ((-dx, sx0 - bx0), (dx, bx1 - sx0), (-dy, sy0 - by0), (dy, by1 - sy0)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


def _segments_cross(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """True when two segments (x0, y0, x1, y1) properly intersect."""
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    # Each segment's ends lie strictly on opposite sides of the other's line.
    if _side(bx0, by0, bx1, by1, ax0, ay0) * _side(bx0, by0, bx1, by1, ax1, ay1) >= 0:
        return False
    return _side(ax0, ay0, ax1, ay1, bx0, by0) * _side(ax0, ay0, ax1, ay1, bx1, by1) < 0


def _side(px: float, py: float, qx: float, qy: float, rx: float, ry: float) -> float:
    """Which side of the line p-q the point r is on (the sign of a cross product)."""
    return (qx - px) * (ry - py) - (qy - py) * (rx - px)


def _label_variants(texts: Sequence[str], s: Sizes, measure: Measure) -> list[str]:
    """Wrapped full text, one truncated line, the short form, then the shortest form."""
    full = texts[0]
    variants = [wrap_text(full, s.label_wrap, s.label, measure, 2)]
    variants.append(truncate(full, s.label_wrap, s.label, measure))
    variants.extend(truncate(t, s.label_wrap * 0.6, s.label, measure) for t in texts[1:])
    return [v for v in dict.fromkeys(variants) if v]


def _mid(row: dict[str, Any]) -> float:
    return (day_number(row["start_lo"]) + day_number(row["start_hi"])) / 2


def _place_lane(
    plan: _LanePlan,
    content_top: float,
    axes_bottom: float,
    g: _Geometry,
    s: Sizes,
    scale: float,
    measure: Measure,
    bars: list[Bar],
    phases: list[Bar],
    markers: list[Marker],
    labels: list[Label],
    leaders: list[Leader],
    arrows: list[tuple[str, float, float]],
    prep: _Prepared,
    line: float,
) -> None:
    """Turn a lane plan into bars, markers and labels at concrete positions."""
    row_h = (s.bar_height + s.row_gap) * scale
    bar_h = s.bar_height * scale
    y = content_top
    for packed in plan.bar_rows:
        center = y - row_h / 2
        for spec in packed:
            row = spec["row"]
            bar = _bar_from_row(row, center, bar_h)
            bars.append(bar)
            if row["end_status"] == "ongoing":
                arrows.append((row["event_id"], bar.end_hi, center))
            drug_phases = prep.phases.get(row["event_id"], [])
            # The drug's outcome rides on its longest phase, if there is room.
            longest = max(
                range(len(drug_phases)),
                key=lambda i: day_number(drug_phases[i]["end_lo"]) - day_number(drug_phases[i]["start_hi"]),
                default=-1,
            )
            for index, phase in enumerate(drug_phases):
                phase_bar = _bar_from_row(phase, center, bar_h)
                phases.append(phase_bar)
                outcome = row["outcome"] if index == longest else ""
                _phase_label(phase, phase_bar, g, s, measure, axes_bottom, labels, outcome)
            _bar_labels(spec, bar, g, s, measure, axes_bottom, labels)
        y -= row_h
    if not plan.points:
        return
    # Labels rise in tiers above a marker row at the bottom of the points section.
    tier_h = line * scale
    marker_y = y - plan.tiers * tier_h - MARKER_ROW * s.marker * scale / 2
    marker_top = marker_y + MARKER_ROW * s.marker * scale / 2 + 0.03
    for point, (text, tier, x_in, _) in zip(plan.points, plan.placed, strict=True):
        for member in point["rows"]:
            markers.append(
                Marker(
                    member["event_id"],
                    member["kind"],
                    _marker_style(member),
                    plan.name,
                    _mid(member),
                    marker_y,
                    day_number(member["start_lo"]),
                    day_number(member["start_hi"]),
                    bool(member["start_exact"]),
                    title=_title_text(member),
                )
            )
        row = point["row"]
        if not text:
            continue
        w, h = measure(text, s.label)
        y_bottom = marker_top + tier * tier_h
        box = Box(x_in, axes_bottom + y_bottom, x_in + w, axes_bottom + y_bottom + h)
        labels.append(
            Label(
                text,
                g.day(x_in),
                y_bottom,
                "left",
                "bottom",
                s.label,
                "point",
                box,
                event_id=row["event_id"],
                full_text="\n".join(_title_text(member) for member in point["rows"]),
            )
        )
        mid = point["x_day"]
        mx = g.inch(mid)
        if tier > 0 or not (x_in - 0.01 <= mx <= x_in + w + 0.01):
            lx = min(max(mx, x_in + 0.03), x_in + w - 0.03)
            leaders.append(Leader(row["event_id"], mid, marker_y + 0.1 * scale, g.day(lx), y_bottom))


def _title_text(row: dict[str, Any]) -> str:
    """The full, untruncated description of an event (SVG <title>)."""
    when = row["start_text"]
    if row["is_interval"]:
        when = f"{row['start_text']} to {row['end_text']}"
    text = _point_text(row)[0] if not row["is_interval"] else (_bar_text(row) or row["label"])
    if row["label"] not in text:
        text = f"{row['label']}: {text}"
    if row["stop_reason"]:
        text += f"; stopped: {row['stop_reason']}"
    return f"{text} ({when})"


def _marker_style(row: dict[str, Any]) -> str:
    if row["kind"] == "imaging":
        return f"imaging:{row['response'] or 'finding'}"
    if row["kind"] == "adverse_event":
        return f"ae:{int(row['grade']) if not pd.isna(row['grade']) else 0}"
    return "surgery"


def _bar_from_row(row: dict[str, Any], center: float, height: float) -> Bar:
    grade = None if pd.isna(row["grade"]) else int(row["grade"])
    return Bar(
        event_id=row["event_id"],
        kind=row["kind"],
        category=row["category"],
        lane=row["lane"],
        start_lo=day_number(row["start_lo"]),
        start_hi=day_number(row["start_hi"]),
        end_lo=day_number(row["end_lo"]),
        end_hi=day_number(row["end_hi"]),
        y=center,
        height=height,
        end_status=row["end_status"],
        start_exact=bool(row["start_exact"]),
        end_exact=bool(row["end_exact"]),
        grade=grade,
        title=_title_text(row),
    )


def _bar_labels(
    spec: dict[str, Any],
    bar: Bar,
    g: _Geometry,
    s: Sizes,
    measure: Measure,
    axes_bottom: float,
    labels: list[Label],
) -> None:
    row = spec["row"]
    pad = 0.06
    y = bar.y
    bx0, bx1 = g.inch(bar.start_lo), g.inch(bar.end_hi)
    if bar.end_status == "ongoing":
        bx1 += 0.3 * s.marker
    if spec["text"]:
        w, h = measure(spec["text"], s.label)
        if spec["text_at"] == "inside":
            x_in, ha = (bx0 + bx1) / 2, "center"
        elif spec["text_at"] == "right":
            x_in, ha = bx1 + pad, "left"
        else:
            x_in, ha = bx0 - pad, "right"
        box = _text_box(x_in, axes_bottom + y, w, h, ha, "center")
        labels.append(
            Label(
                spec["text"],
                g.day(x_in),
                y,
                ha,
                "center",
                s.label,
                "bar",
                box,
                event_id=row["event_id"],
                full_text=bar.title,
                color_key="on_bar" if spec["text_at"] == "inside" else "text",
            )
        )
    if spec["stop"]:
        stop_x = bx1 + 0.1
        if spec["text_at"] == "right" and spec["text"]:
            stop_x = bx1 + pad + measure(spec["text"], s.label)[0] + 0.1
        w, h = measure(spec["stop"], s.label)
        box = _text_box(stop_x, axes_bottom + y, w, h, "left", "center")
        labels.append(
            Label(
                spec["stop"],
                g.day(stop_x),
                y,
                "left",
                "center",
                s.label,
                "stop",
                box,
                event_id=row["event_id"],
                full_text=f"Stopped: {row['stop_reason']}",
                color_key="stop",
            )
        )


def _phase_label(
    row: dict[str, Any],
    bar: Bar,
    g: _Geometry,
    s: Sizes,
    measure: Measure,
    axes_bottom: float,
    labels: list[Label],
    outcome: str = "",
) -> None:
    # Dose text sits on the part of the segment whose dates are certain, or failing that
    # between the middles of its two uncertain edges.
    x0 = g.inch(bar.start_hi)
    x1 = g.inch(bar.end_lo if bar.end_status != "ongoing" else bar.end_hi)
    w_needed = measure(row["label"], s.label)[0]
    if x1 - x0 - 0.12 < w_needed:
        x0 = g.inch((bar.start_lo + bar.start_hi) / 2)
        x1 = g.inch((bar.end_lo + bar.end_hi) / 2 if bar.end_status != "ongoing" else bar.end_hi)
    room = x1 - x0 - 0.12
    with_outcome = f"{row['label']} \u00b7 {outcome}" if outcome else ""
    if with_outcome and measure(with_outcome, s.label)[0] <= room:
        text = with_outcome
    else:
        text = truncate(row["label"], room, s.label, measure) if room > 0 else ""
    if not text:
        return
    w, h = measure(text, s.label)
    x_in = (x0 + x1) / 2
    box = _text_box(x_in, axes_bottom + bar.y, w, h, "center", "center")
    labels.append(
        Label(
            text,
            g.day(x_in),
            bar.y,
            "center",
            "center",
            s.label,
            "phase",
            box,
            event_id=row["event_id"],
            full_text=f"{row['label']} {row['detail']} ({row['start_text']} to {row['end_text']})".strip(),
            color_key="on_bar",
        )
    )


# ----------------------------------------------------------------------------- legend


def _legend_entries(records: list[dict[str, Any]]) -> list[LegendEntry]:
    """Only what is on the chart, in a fixed reading order."""
    entries: list[LegendEntry] = []
    bars = {r["category"] for r in records if r["is_interval"] and r["kind"] != "phase"}
    names = {
        "chemotherapy": "Chemotherapy",
        "radiotherapy": "Radiotherapy",
        "targeted": "Targeted therapy",
        "immunotherapy": "Immunotherapy",
        "hormonal": "Hormonal therapy",
        "other": "Other therapy",
        "adverse_event": "Adverse event (duration)",
    }
    for category, text in names.items():
        if category in bars:
            entries.append(LegendEntry(f"bar:{category}", text))
    if any(r["kind"] == "procedure" for r in records):
        entries.append(LegendEntry("surgery", "Surgery / procedure"))
    responses = {
        "baseline": "Baseline",
        "CR": "CR",
        "PR": "PR",
        "SD": "SD",
        "PD": "PD",
        "NE": "NE",
        "iCR": "iCR",
        "iPR": "iPR",
        "iSD": "iSD",
        "iUPD": "iUPD",
        "iCPD": "iCPD",
    }
    imaging = {r["response"] for r in records if r["kind"] == "imaging"}
    if "" in imaging:
        entries.append(LegendEntry("imaging:finding", "Imaging finding"))
    for code, text in responses.items():
        if code in imaging:
            entries.append(LegendEntry(f"imaging:{code}", text))
    ae_grades = [r["grade"] for r in records if r["kind"] == "adverse_event" and not r["is_interval"]]
    for grade in sorted({int(g) for g in ae_grades if not pd.isna(g)}):
        entries.append(LegendEntry(f"ae:{grade}", f"AE grade {grade}"))
    if any(pd.isna(g) for g in ae_grades):
        entries.append(LegendEntry("ae:0", "AE, grade not reported"))
    if not all(r["start_exact"] and r["end_exact"] for r in records):
        entries.append(LegendEntry("fuzzy", "Faded edge / whisker: date known only to the month or year"))
    if any(r["end_status"] == "ongoing" for r in records):
        entries.append(LegendEntry("ongoing", "Ongoing at data cut-off"))
    if any(r["stop_reason"] != "" for r in records):
        entries.append(LegendEntry("stop", "Stopped (reason)"))
    return entries


def _legend_rows(
    entries: list[LegendEntry], left: float, right: float, s: Sizes, measure: Measure
) -> tuple[tuple[tuple[LegendEntry, ...], ...], tuple[tuple[float, ...], ...], float]:
    """Flow legend entries into rows that fit the plot width; returns rows, x positions, height."""
    handle = legend_handle_width(s)
    gap = 0.25
    rows: list[list[LegendEntry]] = []
    xs: list[list[float]] = []
    x = left
    fitted = []
    for entry in entries:
        # A narrow chart (a journal column) shortens an entry rather than overflow.
        text = truncate(entry.text, right - left - handle, s.legend, measure) or entry.text[:1]
        fitted.append(LegendEntry(entry.key, text))
    for entry in fitted:
        w = handle + measure(entry.text, s.legend)[0]
        if rows and x + w <= right:
            rows[-1].append(entry)
            xs[-1].append(x)
        else:
            rows.append([entry])
            xs.append([left])
            x = left
        x = xs[-1][-1] + w + gap
    row_h = legend_row_height(s)
    return (
        tuple(tuple(r) for r in rows),
        tuple(tuple(v) for v in xs),
        len(rows) * row_h,
    )


def legend_row_height(s: Sizes) -> float:
    """Height of one legend row in inches."""
    return s.legend / 72 * 1.7


def legend_handle_width(s: Sizes) -> float:
    """Width reserved for a legend symbol in inches."""
    return s.legend / 72 * 2.2


UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.4375}
AXIS_MODES = ("calendar", "relative", "both")


def nice_step(span: float, unit: str) -> float:
    """A tick step in `unit` that gives about 4-12 ticks over `span` units."""
    steps = {
        "days": (1, 2, 5, 7, 14, 28, 56, 91, 182, 365, 730),
        "weeks": (1, 2, 4, 8, 13, 26, 52, 104, 260),
        "months": (1, 2, 3, 6, 12, 24, 36, 60, 120),
    }[unit]
    for step in steps:
        if span / step <= 12:
            return float(step)
    return float(math.ceil(span / 12 / steps[-1]) * steps[-1])
