"""The layout search: attempts at ever smaller text and fewer label tiers until one fits the figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from atc_timeline.events.normalize import CaseContext
from atc_timeline.layout.build import Fit, build
from atc_timeline.layout.frame import MARGIN, Chart, Frame, Prepared, bold_of, legend_of
from atc_timeline.layout.lanes import LanePlan
from atc_timeline.layout.metastases import plan_strip
from atc_timeline.layout.model import MIN_TEXT_POINTS, Box, LayoutOptions, Sizes, TimelineLayout
from atc_timeline.layout.text import Measure

# Why: below about 5 pt, printed labels stop being readable; a crowded chart drops label
# detail instead of shrinking text past this.
MIN_LABEL_POINTS = MIN_TEXT_POINTS
TEXT_SIZES = ("title", "subtitle", "lane", "label", "tick", "legend", "footnote")


def compute_layout(
    events: pd.DataFrame,
    context: CaseContext,
    measure: Measure,
    options: LayoutOptions | None = None,
    sizes: Sizes | None = None,
    bold: Measure | None = None,
) -> TimelineLayout:
    """Lay out the chart; shrinks text and label tiers until everything fits the figure.

    `bold` measures bold texts (title, lane names); by default the measure's own `bold`.
    """
    return Layouter(events, context, measure, sizes, bold).layout(options)


class Layouter:
    """compute_layout for one chart at several sizes, sharing what does not depend on height.

    Why: a journal chart grows taller until its labels fit; each height can reuse the text
    measuring and label placing done for the heights before it.
    """

    def __init__(
        self,
        events: pd.DataFrame,
        context: CaseContext,
        measure: Measure,
        sizes: Sizes | None = None,
        bold: Measure | None = None,
    ) -> None:
        bold = bold_of(measure) if bold is None else bold
        self._chart = Chart(Prepared.of(events, context), context, measure, bold)
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
        # Marks of dated metastases under the lanes, unless they would cost the chart its fit.
        # Why the early exits: a round of point labels is the costly part of an attempt, and
        # where one cannot place them all the rest of its loop is known to fail too.
        for strips in (True, False) if chart.context.metastases else (False,):
            tall = False  # an attempt failed on height: without the strip it may fit
            for level in range(3):
                for factor in _factors(base, (1.0, 0.92, 0.85, 0.78)):
                    shares: list[float] = []
                    for geometry in (1.0, 0.82, 0.68):
                        for max_tiers in (8, 6, 4, 3, 2):
                            s = shrunk(base, factor, geometry)
                            fit = _attempt(
                                chart, options, s, max_tiers, False, level=level, strips=strips, shares=shares
                            )
                            if isinstance(fit, Fit):
                                return build(chart, _with_strip(chart, fit))
                            if fit == "labels":
                                break  # fewer tiers cannot place labels that more tiers could not
                            tall = True
                        if fit == "labels" and max_tiers == 8:
                            break  # point labels do not depend on bar spacing: none will fit
                    if shares and min(shares) < HOPELESS:
                        break  # a lane that placed so few will not place all at a smaller text
            if not tall:
                break  # every attempt failed on labels, which the strip does not change
        # Too dense for every label: give point lanes the tiers the height allows and keep the
        # size that labels the most events (the marker and its SVG <title> carry the rest).
        best: tuple[int, Fit] | None = None
        for factor in _factors(base, (0.92, 0.85, 0.78, 0.72, 0.66)):
            fit = _attempt(chart, options, shrunk(base, factor), 0, True)
            if isinstance(fit, Fit):
                shown = fit.shown()
                if best is None or shown > best[0]:
                    best = (shown, fit)
        if best is not None:
            return build(chart, _with_strip(chart, best[1]))
        crowded = build(chart, _with_strip(chart, _crowded(chart, options, base)))
        if _names_shown(crowded) < len(crowded.lanes) and not options.names_in_column:
            # Why: names atop the lanes cost height a crowded chart lacks, and a lane without
            # its name cannot be read; a column beside the plot costs width instead.
            in_column = replace(options, names_in_column=True)
            column = build(chart, _with_strip(chart, _crowded(chart, in_column, base)))
            if _names_shown(column) > _names_shown(crowded):
                return column
        return crowded


def _names_shown(layout: TimelineLayout) -> int:
    """How many lanes carry their name."""
    return sum(1 for label in layout.labels if label.role == "lane")


# A lane that places fewer than this share of its point labels at one text size and detail
# is taken not to place them all at a smaller size (about a fifth smaller at the most).
HOPELESS = 0.5


# Bar and lane spacing tried, smallest text, where no label arrangement fits: the last is the
# floor below which bars would stop reading as bars, with texts on them.
CROWDED_GEOMETRY = (0.68, 0.56, 0.45)
# Past that floor lanes go without texts, bars and markers slimming down to these.
LEAST_BAR = 0.035  # inches: a bar still reads as a bar
LEAST_MARKER = 0.35  # marker scale: a marker still reads as its shape


def _crowded(chart: Chart, options: LayoutOptions, base: Sizes) -> Fit:
    """A layout for a chart too crowded for its size: labels dropped and bars slimmed, never spilled.

    Why: squeezing lanes below their content's height sent markers and texts across lanes
    and below the plot. Instead, at the smallest text, bars and padding slim to a floor
    (point labels take the tiers left over: the spacing that shows most wins), then bar
    texts go lane by lane, then bars and markers slim further, the bar texts of as few lanes
    as need be going with each step. Each marker and its SVG <title> keep the full text.
    """
    smallest = _factors(base, (0.6,))[-1]
    sizes = [shrunk(base, smallest, geometry) for geometry in CROWDED_GEOMETRY]
    best: Fit | None = None
    for s in sizes:
        fit = _attempt(chart, options, s, 0, True, force=True, level=2, texts=None)
        if isinstance(fit, Fit) and (best is None or fit.shown() > best.shown()):
            best = fit
    if best is not None:
        return best
    for s in sizes[1:]:
        fit = _attempt(chart, options, s, 0, True, force=True, level=2)
        if isinstance(fit, Fit):
            return fit
    s = sizes[-1]
    steps = 6
    for step in range(1, steps + 1):
        k = step / steps  # from the floor's spacing to the least
        bar = s.bar_height + (LEAST_BAR - s.bar_height) * k
        g = bar / s.bar_height
        lean = replace(
            s,
            bar_height=bar,
            row_gap=s.row_gap * g,
            lane_pad=s.lane_pad * g,
            marker=s.marker + (min(LEAST_MARKER, s.marker) - s.marker) * k,
        )
        fit = _attempt(chart, options, lean, 0, True, force=True, level=2)
        if isinstance(fit, Fit):
            return fit
    # Still too tall (many lanes in a short figure): bars, padding and markers slim in
    # proportion, down to half their least, so that each stays inside its own lane. Why names
    # last: a name atop its lane takes a band nothing slims; where even that is not enough,
    # the names of as few lanes as need be are left off (the warning says lanes are squeezed).
    named, floor_lean = True, lean
    for _ in range(24):
        tried = _attempt(chart, options, lean, 0, True, True, 2, texts=False, last=True, named=named)
        assert isinstance(tried, Fit)
        needed = sum(p.height for p in tried.plans)
        if needed <= tried.available + 1e-9:
            break
        k = 0.85
        if named and (lean.bar_height * k < LEAST_BAR / 2 or lean.marker * k < LEAST_MARKER / 2):
            named, lean = False, floor_lean
            continue
        # Without names, in a plot too low for anything else, bars and markers slim further
        # in proportion: thin, but each in its own lane.
        if not named:
            k = min(k, max(tried.available, 0.0) / needed)
        spacing = ("bar_height", "row_gap", "lane_pad", "marker")
        lean = replace(lean, **{key: getattr(lean, key) * k for key in spacing})
    assert isinstance(tried, Fit)
    return tried


def _share_tiers(bare: Sequence[LanePlan | None], names: Sequence[str], total: int) -> dict[str, int]:
    """`total` tiers of point labels shared among the lanes with points, the fullest first, one at a time."""
    counts = {i: len(p.points) for i, p in enumerate(bare) if p is not None and p.points}
    lanes = sorted(counts, key=lambda i: -counts[i])
    shares = {names[i]: 0 for i in lanes}
    for _ in range(8):
        for i in lanes:
            if total <= 0:
                return shares
            shares[names[i]] += 1
            total -= 1
    return shares


def _with_strip(chart: Chart, fit: Fit) -> Fit:
    """`fit` with the dated metastases' strip where it has none and the lanes leave room for one.

    Why: the search drops the strip before it drops labels, and a crowded chart plans none;
    either may still leave the strip's few hundredths of an inch free under the lanes.
    """
    if fit.strip is not None and (fit.strip.placed or not chart.context.metastases):
        return fit
    if legend_of(fit.frame, True).height > legend_of(fit.frame, False).height + 1e-9:
        return fit  # the marks' legend entry would take a row the budget did not keep
    spare = fit.available - sum(p.height for p in fit.plans)
    for rows in (2, 1, 0):
        strip = plan_strip(chart.context.metastases, fit.frame.g, fit.s, chart.measure, rows)
        if strip.height <= spare + 1e-9:
            return replace(fit, strip=strip, available=fit.available - strip.height)
    return replace(fit, strip=plan_strip(chart.context.metastases, fit.frame.g, fit.s, chart.measure, -1))


def _without_texts(
    f: Frame, s: Sizes, plans: list[LanePlan], available: float, level: int | None
) -> list[LanePlan]:
    """`plans` with the bar texts of as few lanes as need be dropped to fit `available` inches.

    The lanes whose texts take the most height go first.
    """
    plans = list(plans)
    bare = []
    for plan in plans:
        lean = f.lane(plan.name).plan(s, plan.tiers, True, level, texts=False)
        assert lean is not None  # allow_empty: a plan always comes back
        bare.append(replace(lean, placed=plan.placed, height=max(lean.height, f.lane_min[plan.name])))
    order = sorted(range(len(plans)), key=lambda i: bare[i].height - plans[i].height)
    for i in order:
        if sum(p.height for p in plans) <= available + 1e-9:
            break
        plans[i] = bare[i]
    return plans


def _unnamed(s: Sizes, plans: list[LanePlan], raw: list[LanePlan], available: float) -> list[LanePlan]:
    """`plans` with the names of as few lanes as need be left off, the tallest name bands first.

    `raw`: the same plans before each lane was made as tall as its name.
    """
    plans = list(plans)
    for i in sorted(range(len(plans)), key=lambda i: -max(plans[i].top, plans[i].least, plans[i].height)):
        if sum(p.height for p in plans) <= available + 1e-9:
            break
        p = raw[i]
        content = p.height - (p.top or s.lane_pad)
        plans[i] = replace(p, top=0.0, least=0.0, height=content + s.lane_pad, named=False)
    return plans


def shrunk(base: Sizes, factor: float, geometry: float | None = None) -> Sizes:
    """`base` scaled as Sizes.scaled does, with no text size below MIN_TEXT_POINTS.

    Why each size on its own: the source line is the smallest text; a crowded chart shrinks
    its labels to 5 pt while the source line, already at 5 pt, stays there.
    """
    s = base.scaled(factor, geometry)
    return replace(s, **{k: max(getattr(s, k), MIN_TEXT_POINTS) for k in TEXT_SIZES})


def _factors(base: Sizes, wanted: Sequence[float]) -> list[float]:
    """The shrink factors that keep label text at or above MIN_LABEL_POINTS."""
    floor = MIN_LABEL_POINTS / base.label
    kept = [f for f in wanted if f >= floor]
    return kept or [min(1.0, floor)]


def _attempt(
    chart: Chart,
    options: LayoutOptions,
    s: Sizes,
    max_tiers: int,
    allow_empty: bool,
    force: bool = False,
    level: int | None = None,
    strips: bool = False,
    texts: bool | None = True,
    last: bool = False,
    named: bool = True,
    shares: list[float] | None = None,
) -> Fit | str:
    """Plan one layout at fixed sizes; on failure, why: "height" (too tall) or "labels" (no room).

    `force`: point lanes may show no label; `texts` False drops every bar text, True (with
    `force`) those of as few lanes as need be, None keeps them all. `last`: fit regardless;
    `named` False: lane names may be left off. `shares` collects, on "labels", the share of
    its point labels the failing lane placed.
    """
    f = chart.frame(options, s)
    margin = MARGIN
    # Vertical budget (figure inches from the top); the tick rows take what their labels
    # and titles measure.
    top_axis_band = f.top_ticks.depth if f.top_ticks is not None else 0.1
    title_y = options.height - margin
    subtitle_y = title_y - f.title_h - 0.06
    axes_top = subtitle_y - f.subtitle_h - 0.12 - top_axis_band
    footnote_y = margin + f.footnote_h
    # Dated metastases at the bottom, their rows of labels shrinking with the point labels'
    # tiers; none where lanes are squeezed, or where the chart fits only without them.
    rows = -1 if force or not (strips or allow_empty) else 2 if max_tiers >= 6 else 1
    strip = plan_strip(chart.context.metastases, f.g, s, chart.measure, rows)
    legend_y = footnote_y + (0.12 if f.footnote else 0.0) + legend_of(f, bool(strip.placed)).height
    axes_bottom = legend_y + 0.12 + f.ticks.depth
    axes_h = axes_top - axes_bottom
    if axes_h < 0.5 and not last:
        return "height"
    axes_h = max(axes_h, 0.5)
    axes = Box(f.left, axes_bottom, f.right, axes_bottom + axes_h)
    band = s.label / 72 * 1.6  # top band inside the axes for cut-off and time-zero labels

    available = axes_h - band - strip.height
    lane_names = chart.context.lanes
    tiers: dict[str, int] = {}
    if allow_empty:
        # Tiers for point labels come out of whatever height the bars leave free.
        bare = [f.lane(name).plan(s, 0, True, texts=texts is not False) for name in lane_names]
        fixed = sum(p.height for p in bare if p is not None)
        point_lanes = sum(1 for p in bare if p is not None and p.points)
        if point_lanes:
            room = (available - fixed) / (point_lanes * f.line)
            max_tiers = max(1, min(8, int(room)))
            if force:
                # Crowded: the tiers left go one at a time to the lanes with the most points;
                # a lane without one shows its markers alone, their texts in tooltips.
                left = int(max(available - fixed, 0.0) / f.line) if texts is not False else 0
                tiers = _share_tiers(bare, lane_names, left)  # no bar texts: no point labels either
    plans, raw = [], []
    for name in lane_names:
        cap = tiers.get(name, max_tiers) if force else max_tiers
        plan = f.lane(name).plan(s, cap, allow_empty or force, level, texts is not False)
        if plan is None:
            if shares is not None:
                content = f.lane(name)
                shown, _, _ = content.labels.best(cap, 0 if level is None else level)
                shares.append(shown / max(len(content.points), 1))
            return "labels"
        raw.append(plan)
        # A lane is at least as tall as its (possibly two-line) name.
        plans.append(replace(plan, height=max(plan.height, f.lane_min[name])))
    if force and texts:
        plans = _without_texts(f, s, plans, available, level)
    if not named:
        plans = _unnamed(s, plans, raw, available)
    needed = sum(p.height for p in plans)
    if needed > available + 1e-9 and not last:
        return "height"
    fit = Fit(
        options, s, f, force, title_y, subtitle_y, footnote_y, legend_y, axes, axes_h, band, plans, available
    )
    return replace(fit, strip=strip)
