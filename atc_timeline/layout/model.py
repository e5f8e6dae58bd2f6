"""The layout's plain-data types: options, sizes, boxes, lanes, bars, markers, labels, ticks, the layout."""

from __future__ import annotations

from dataclasses import dataclass, field

UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.4375}
AXIS_MODES = ("calendar", "relative", "both")
# How far an ongoing bar's arrow head runs past the cut-off, inches at marker scale 1:
# layout keeps the room, draw draws the head.
ARROW_LENGTH = 0.3
# Why: below about 5 pt at the printed size, text stops being readable: no text of a chart is
# drawn smaller, whatever a crowded layout shrinks.
MIN_TEXT_POINTS = 5.0
STOP_MARK = "\u2715"  # before a stop reason on the chart, and as its legend symbol


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

    @property
    def arrow(self) -> float:
        """Length of an ongoing bar's arrow head, inches."""
        return ARROW_LENGTH * self.marker

    def scaled(self, factor: float, geometry: float | None = None) -> Sizes:
        """Text sizes times `factor`, bar and lane spacing times `geometry` (default: factor)."""
        spacing = ("bar_height", "row_gap", "lane_pad")
        geometry = factor if geometry is None else geometry
        return Sizes(**{k: v * (geometry if k in spacing else factor) for k, v in self.__dict__.items()})


@dataclass(frozen=True)
class LayoutOptions:
    """Size and text of the chart."""

    width: float = 13.333
    height: float = 7.5
    title: str | None = None
    axis: str = "both"  # calendar | relative | both
    unit: str = "months"  # days | weeks | months
    show_title: bool = True  # False where the title lives elsewhere (a slide's title box)
    show_subtitle: bool = True
    show_source: bool = True
    names_in_column: bool = False  # lane names left of the plot even in a narrow figure


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
    phase: int = 0  # a dose phase's number among its drug's phases, from 1; 0 for a drug's bar
    parent_id: str = ""  # the drug a dose phase belongs to
    start_qualifier: str = ""  # "" | ~ | ? | %: how the start was written
    end_qualifier: str = ""
    within_period: bool = False  # start and end in one imprecise period: drawn as a range
    after_cutoff: bool = False  # the part after the data cut-off is marked
    level: float = 1.0  # a dose phase's share of its drug's colour, by dose rank (1: the highest)


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
    qualifier: str = ""  # "" | ~ (dotted whisker) | ? (a question mark) | % (both)
    after_cutoff: bool = False  # dated after the data cut-off: drawn greyed


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
    marker_id: str = ""  # the event whose marker the leader starts at (one of its label's group)


@dataclass(frozen=True)
class LegendEntry:
    """One legend item; `key` names a style the renderer knows.

    `short` is its wording for a narrow figure ("" for the same as `text`); entries of one
    `group` (the responses, the grades) share one cell of the legend.
    """

    key: str
    text: str
    short: str = ""
    group: str = ""


@dataclass(frozen=True)
class Tick:
    """A tick on a time axis: where it is (days) and what its label says."""

    x: float
    text: str


@dataclass(frozen=True)
class TickRow:
    """The ticks along one edge of the plot, how they are drawn, and the axis title beyond them."""

    ticks: tuple[Tick, ...]
    size: float  # label text, points
    mark: float  # tick mark length, points
    label_offset: float  # points from the edge to the labels' near side
    color_key: str  # text | muted
    title: str = ""  # axis title ('' for none)
    title_offset: float = 0.0  # points from the edge to the title's near side
    depth: float = 0.0  # inches from the edge to the far side of the labels (or title)


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
    ticks: TickRow  # below the plot: calendar, or relative time with --axis relative
    top_ticks: TickRow | None  # above the plot: relative time with --axis both
    event_ids: tuple[str, ...] = field(default=())
    label_groups: int = 0  # point labels the chart wanted to show
    crowded: bool = False  # True when labels were dropped or lanes squeezed to fit
    # The period an imprecise time zero or death date may lie in (a band), in days; equal
    # ends for an exact date. death_x is the day the death mark stands on (None: alive).
    zero_lo: float = 0.0
    zero_hi: float = 0.0
    death_x: float | None = None
    death_lo: float = 0.0
    death_hi: float = 0.0
    metastases: tuple[MetastasisMark, ...] = ()  # dated metastases along the plot's bottom

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
class MetastasisMark:
    """A dated metastasis on the time axis: a tick (or a range, lo to hi days) up from the plot's bottom."""

    lo: float
    hi: float
    top: float  # plot inches
    exact: bool
    text: str  # its label as drawn ("" when no label fits)
    title: str  # every site found then, with the date (SVG <title>)
