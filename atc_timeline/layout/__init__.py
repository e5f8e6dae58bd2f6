"""Layout: the events frame placed as plain data (lanes, bars, markers, labels); no matplotlib."""

from __future__ import annotations

from atc_timeline.layout.axis import nice_step
from atc_timeline.layout.legend import legend_handle_width, legend_row_height
from atc_timeline.layout.model import (
    AXIS_MODES,
    UNIT_DAYS,
    Bar,
    Box,
    Label,
    Lane,
    LayoutOptions,
    Leader,
    LegendEntry,
    Marker,
    Sizes,
    Tick,
    TickRow,
    TimelineLayout,
)
from atc_timeline.layout.search import Layouter, compute_layout
from atc_timeline.layout.text import LINE_SPACING, Measure, truncate, wrap_text

__all__ = [
    "AXIS_MODES",
    "LINE_SPACING",
    "UNIT_DAYS",
    "Bar",
    "Box",
    "Label",
    "Lane",
    "LayoutOptions",
    "Layouter",
    "Leader",
    "LegendEntry",
    "Marker",
    "Measure",
    "Sizes",
    "Tick",
    "TickRow",
    "TimelineLayout",
    "compute_layout",
    "legend_handle_width",
    "legend_row_height",
    "nice_step",
    "truncate",
    "wrap_text",
]
