"""A chart's events prepared once, and what attempts at one width and text size share (the Frame)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import cast

import pandas as pd

from atc_timeline.events.normalize import CaseContext
from atc_timeline.layout.axis import axis_rows
from atc_timeline.layout.caption import wrap_caption
from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.lane_names import LaneNames, lane_names, placed_across
from atc_timeline.layout.lanes import LaneContent
from atc_timeline.layout.legend import LegendBlock, legend_block, legend_entries, with_metastases
from atc_timeline.layout.model import LayoutOptions, LegendEntry, Sizes, TickRow
from atc_timeline.layout.records import EventRecord, day_number, event_records
from atc_timeline.layout.text import Measure, line_height

MARGIN = 0.2  # around the figure, inches
TITLE_LINES = 2  # a long title wraps to a second line (a slide title of two lines reads well)


@dataclass(frozen=True)
class Prepared:
    """The events cut once into the shapes layout attempts read many times."""

    event_ids: tuple[str, ...]
    by_lane: dict[str, list[EventRecord]]
    phases: dict[str, list[EventRecord]]  # a medication's dose phases, by its id
    legend: list[LegendEntry]  # with the dated-metastasis mark, if the case has any
    days: tuple[float, float, float, float]  # first start, last end, cut-off, time zero

    @staticmethod
    def of(events: pd.DataFrame, context: CaseContext) -> Prepared:
        """Records by lane and phases by medication, the legend, and the chart's day range."""
        records = event_records(events)
        by_lane: dict[str, list[EventRecord]] = {}
        phases: dict[str, list[EventRecord]] = {}
        for record in records:
            by_lane.setdefault(record.lane, []).append(record)
            if record.kind == "phase":
                phases.setdefault(record.parent_id, []).append(record)
        cutoff = day_number(context.data_cutoff)
        zero = day_number(context.time_zero)
        lo = min([*(r.start_lo for r in records), cutoff, zero])
        hi = max([*(r.end_hi for r in records), cutoff])
        ids = tuple(r.event_id for r in records)
        legend = legend_entries(records, phases)
        if context.metastases:
            legend = with_metastases(legend)
        return Prepared(ids, by_lane, phases, legend, (lo, hi, cutoff, zero))


@dataclass(frozen=True)
class Frame:
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
    g: Scale
    legend_rows: tuple[tuple[LegendEntry, ...], ...]
    legend_cols: tuple[tuple[float, ...], ...]
    legend_h: float
    # The legend of a chart drawn without its metastasis marks (a tight chart leaves them
    # out): None where it is the legend above.
    legend_bare: LegendBlock | None
    line: float  # height of one tier of point labels
    relative_label: str  # the relative axis's title, e.g. "Months since diagnosis"
    ticks: TickRow  # below the plot
    top_ticks: TickRow | None  # above it, with --axis both
    # A lane's bars and points, made when first asked: an attempt that fails at one lane
    # never needs the lanes after it.
    lane: Callable[[str], LaneContent]
    lane_names: LaneNames | None = None  # how lane_texts are set (a column, or atop each lane)


def legend_of(frame: Frame, marks: bool) -> LegendBlock:
    """The frame's legend for a chart drawn with its metastasis marks or without."""
    if not marks and frame.legend_bare is not None:
        return frame.legend_bare
    return LegendBlock(frame.legend_rows, frame.legend_cols, frame.legend_h)


def bold_of(measure: Measure) -> Measure:
    """The bold measure that goes with `measure` (mpl.measure's carry one), else `measure` itself."""
    return cast(Measure, getattr(measure, "bold", measure))


def make_frame(
    prep: Prepared,
    context: CaseContext,
    measure: Measure,
    options: LayoutOptions,
    s: Sizes,
    bold: Measure | None = None,
) -> Frame:
    """Titles, margins, time scale, legend and lane contents for one width and text size.

    `bold` measures the texts drawn bold (title, lane names); by default measure's own bold.
    """
    bold = bold_of(measure) if bold is None else bold
    width = options.width
    margin = MARGIN
    title = options.title if options.title is not None else context.title
    # The title is bold, so measured bold; a long one takes a second line before it is cut.
    title_text = wrap_caption(title, width - 2 * margin, s.title, bold, TITLE_LINES)
    title_h = bold(title_text, s.title)[1]
    if not options.show_title or not title_text:  # a title of "": the caption carries it
        title_text, title_h = "", -0.06
    subtitle = ""
    if options.show_subtitle:
        subtitle = wrap_caption(context.subtitle, width - 2 * margin, s.subtitle, measure, 2)
    subtitle_h = measure(subtitle, s.subtitle)[1] if subtitle else 0.0
    footnote = ""
    if context.source and options.show_source:
        footnote = wrap_caption("Source: " + context.source, width - 2 * margin, s.footnote, measure, 2)
    footnote_h = measure(footnote, s.footnote)[1] if footnote else 0.0

    # Lane names: in a column left of the plot, or atop each lane in a narrow figure.
    # Why per text size: the column's share of the width is that of the text drawn; smaller
    # text that narrows the column below MAX_COLUMN_SHARE keeps the column.
    names = lane_names(context.lanes, width, margin, s, measure, False if options.names_in_column else None)
    left = margin + names.column
    right = width - margin - 0.1

    # Horizontal range: first event to the cut-off, with room for ongoing arrows.
    lo, hi, _, zero = prep.days
    span = max(hi - lo, 60.0)
    # A short history (one day, one week) is centred in a two-month window.
    pad = (span - (hi - lo)) / 2
    lo, hi = lo - pad, hi + pad
    arrow_in = s.arrow
    # Room before the first event lets its label sit to the left of its marker, and room
    # after the cut-off holds an ongoing arrow.
    lead_in = 0.45 * s.marker
    per_inch = span / max(right - left - lead_in - arrow_in, 1.0)
    g = Scale(left, right, lo - lead_in * per_inch, hi + (0.1 + arrow_in) * per_inch)
    # Names above their lanes keep clear of the lines drawn across every lane.
    names = placed_across(names, (left, right), [g.inch(prep.days[2]), g.inch(zero)], measure)
    relative = f"{options.unit.capitalize()} since {context.time_zero_label}"
    if context.time_zero_note:  # an imprecise time zero: the axis counts from its middle
        dated = options.axis != "relative" and context.time_zero_period != context.time_zero_label
        period = f"{context.time_zero_period}, " if dated else ""  # relative only: no dates
        relative += f" ({period}{context.time_zero_note})"
    ticks, top_ticks = axis_rows(options, g, zero, relative, s, measure)

    # On a narrow chart the legend uses the full width, not just the plot's.
    legend_left = margin if width < 8 else left
    legend = legend_block(prep.legend, legend_left, right, s, measure, width)
    bare = [e for e in prep.legend if e.key != "metastasis"]
    legend_bare = (
        None if len(bare) == len(prep.legend) else legend_block(bare, legend_left, right, s, measure, width)
    )
    lanes: dict[str, LaneContent] = {}

    def lane_content(name: str) -> LaneContent:
        if name not in lanes:
            records = prep.by_lane.get(name, [])
            span = names.spans.get(name)
            rules = (g.inch(prep.days[2]), g.inch(zero))  # the cut-off and time-zero lines
            lanes[name] = LaneContent.of(name, records, prep.phases, g, s, measure, names.band, span, rules)
        return lanes[name]

    return Frame(
        title_text=title_text,
        title_h=title_h,
        subtitle=subtitle,
        subtitle_h=subtitle_h,
        footnote=footnote,
        footnote_h=footnote_h,
        lane_texts=names.texts,
        lane_min=names.min_heights,
        left=left,
        right=right,
        g=g,
        legend_rows=legend.rows,
        legend_cols=legend.xs,
        legend_h=legend.height,
        legend_bare=legend_bare,
        line=line_height(s, measure),
        relative_label=relative,
        ticks=ticks,
        top_ticks=top_ticks,
        lane=lane_content,
        lane_names=names,
    )


@dataclass
class Chart:
    """One chart's inputs, and the frames its layout attempts share."""

    prep: Prepared
    context: CaseContext
    measure: Measure
    bold: Measure  # for texts drawn bold: the title, lane names
    frames: dict[tuple[LayoutOptions, Sizes], Frame] = field(default_factory=dict)

    def frame(self, options: LayoutOptions, s: Sizes) -> Frame:
        """The frame for these options and the text sizes of `s` (height and spacing aside)."""
        key = (replace(options, height=0.0), replace(s, bar_height=0.0, row_gap=0.0, lane_pad=0.0))
        if key not in self.frames:
            self.frames[key] = make_frame(self.prep, self.context, self.measure, options, s, self.bold)
        return self.frames[key]
