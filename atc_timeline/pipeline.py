"""The public library calls: one chained pipeline from case file to chart bytes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import atc_timeline.mpl.fast_import  # noqa: F401  (first: imports matplotlib quickly)

# isort: split
import pandas as pd
from matplotlib.figure import Figure

from atc_timeline.case.dates import parse_date
from atc_timeline.case.model import Case
from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.themes import LIGHT, Theme
from atc_timeline.errors import CaseError
from atc_timeline.events.normalize import case_context, normalize_events
from atc_timeline.layout import AXIS_MODES, UNIT_DAYS, Layouter, LayoutOptions, Sizes, TimelineLayout
from atc_timeline.mpl.measure import make_measure
from atc_timeline.readers.yaml_case import load_case
from atc_timeline.writers.atomic import write_atomic as write_atomic  # part of this API
from atc_timeline.writers.figure_bytes import figure_to_bytes
from atc_timeline.writers.formats import OUTPUT_FORMATS as OUTPUT_FORMATS  # part of this API
from atc_timeline.writers.formats import check_format
from atc_timeline.writers.formats import format_for as format_for  # part of this API

DEFAULT_WIDTH = 13.333  # a 16:9 slide, in inches
DEFAULT_HEIGHT = 7.5
DEFAULT_DPI = 150


# name: (width in, height in, text scale). Why the scales: text must be readable at the
# real size; a journal column is printed at 3.5 in, so it gets 6-7 pt text, not a slide
# shrunk to 40 %.
SIZE_PRESETS: dict[str, tuple[float, float, float]] = {
    "slide-16x9": (13.333, 7.5, 1.0),
    "slide-4x3": (10.0, 7.5, 0.92),
    "a4-landscape": (11.69, 8.27, 0.9),
    "journal-2col": (7.2, 5.0, 0.66),
    "journal-1col": (3.5, 4.8, 0.58),
}


GROWING_PRESETS = ("journal-1col", "journal-2col")
MAX_JOURNAL_HEIGHT = 9.0  # inches: a journal page


@dataclass(frozen=True)
class ChartOptions:
    """What the user chose: size, resolution, title, time axis and background."""

    width: float = DEFAULT_WIDTH
    height: float = DEFAULT_HEIGHT
    dpi: float = DEFAULT_DPI
    title: str | None = None
    size: str | None = None  # a SIZE_PRESETS name; width/height still override
    axis: str = "both"  # calendar | relative | both
    unit: str = "months"  # days | weeks | months
    time_zero: str | None = None  # diagnosis | item id | date; overrides the case file
    transparent: bool = False
    deidentify: bool = False  # relative time only; no case id, exact age or source
    fixed_height: bool = False  # True when the user gave --height: never grow the chart

    @staticmethod
    def for_size(
        size: str | None, width: float | None = None, height: float | None = None, **others: object
    ) -> ChartOptions:
        """Options for a preset, with --width/--height overriding its dimensions."""
        if size is not None and size not in SIZE_PRESETS:
            raise CaseError(f"unknown --size '{size}'; use one of: {', '.join(SIZE_PRESETS)}")
        preset_w, preset_h, _ = SIZE_PRESETS[size or "slide-16x9"]
        return ChartOptions(
            width=width or preset_w,
            height=height or preset_h,
            size=size,
            fixed_height=height is not None,
            **others,  # type: ignore[arg-type]
        )

    def text_scale(self) -> float:
        """How large text is relative to the 16:9 slide."""
        if self.size is not None:
            preset_w, preset_h, scale = SIZE_PRESETS[self.size]
            if (self.width, self.height) == (preset_w, preset_h):
                return scale
        area = (self.width * self.height) / (DEFAULT_WIDTH * DEFAULT_HEIGHT)
        return float(min(max(area**0.5, 0.58), 1.2))

    def check(self) -> None:
        """Refuse sizes and settings that cannot make a chart."""
        if self.axis not in AXIS_MODES:
            raise CaseError(f"unknown --axis '{self.axis}'; use one of: {', '.join(AXIS_MODES)}")
        if self.unit not in UNIT_DAYS:
            raise CaseError(f"unknown --unit '{self.unit}'; use one of: {', '.join(UNIT_DAYS)}")
        if not (2.0 <= self.width <= 60.0) or not (1.5 <= self.height <= 60.0):
            raise CaseError(
                f"--width/--height of {self.width:g} x {self.height:g} in is outside 2-60 x 1.5-60 inches"
            )
        if not 20 <= self.dpi <= 1200:
            raise CaseError(f"--dpi {self.dpi:g} is outside 20-1200")


def layout_case(
    case: Case, options: ChartOptions | None = None, theme: Theme = LIGHT, show_title: bool = True
) -> TimelineLayout:
    """Case -> layout (normalize, then place everything)."""
    options = options or ChartOptions()
    if options.time_zero is not None:
        case = _with_time_zero(case, options.time_zero)
    events = normalize_events(case)
    context = case_context(case, events)
    axis = options.axis
    if options.deidentify:
        from atc_timeline.events.deidentify import deidentify_context, deidentify_events

        events = deidentify_events(events, pd.Timestamp(context.time_zero))
        context = deidentify_context(context, case)
        axis = "relative"  # calendar dates identify a patient
    layout_options = LayoutOptions(
        width=options.width,
        height=options.height,
        title=options.title,
        axis=axis,
        unit=options.unit,
        show_title=show_title,
    )
    layouter = Layouter(events, context, make_measure(theme), Sizes().scaled(options.text_scale()))
    layout = layouter.layout(layout_options)
    if options.size in GROWING_PRESETS and not options.fixed_height:
        # A journal fixes the width (the column) but not the height: a crowded chart grows
        # taller, up to a page, before it drops labels.
        height = options.height
        while not layout.complete and height < MAX_JOURNAL_HEIGHT:
            height = min(height + 1.0, MAX_JOURNAL_HEIGHT)
            layout = layouter.layout(replace(layout_options, height=height))
    return layout


def _with_time_zero(case: Case, time_zero: str) -> Case:
    """The case with its time zero replaced, refusing values that name nothing."""
    ids = {item.id for item in case.items()}
    if time_zero not in ("diagnosis", *ids):
        try:
            parse_date(time_zero)
        except ValueError:
            raise CaseError(
                f"--time-zero '{time_zero}' is neither 'diagnosis', an item id "
                f"({', '.join(sorted(ids)) or 'none'}), nor a date"
            ) from None
    if time_zero == "diagnosis" and case.diagnosis.date is None:
        raise CaseError("--time-zero diagnosis: the case has no diagnosis.date")
    return case.model_copy(update={"case": case.case.model_copy(update={"time_zero": time_zero})})


def figure_for_case(case: Case, options: ChartOptions | None = None, theme: Theme = LIGHT) -> Figure:
    """Case -> matplotlib Figure."""
    options = options or ChartOptions()
    return draw_timeline(layout_case(case, options, theme), theme, dpi=options.dpi)


def render_case(
    case: Case | str | Path,
    fmt: str = "png",
    options: ChartOptions | None = None,
    theme: Theme = LIGHT,
) -> bytes:
    """Render a case (a Case or a path to a case file) to PNG, SVG or PDF bytes."""
    options = options or ChartOptions()
    options.check()
    check_format(fmt)
    if not isinstance(case, Case):
        case = load_case(case)
    if fmt == "pptx":
        return _pptx(case, options, theme)
    fig = figure_for_case(case, options, theme)
    return figure_to_bytes(fig, fmt, dpi=options.dpi, transparent=options.transparent)


def _pptx(case: Case, options: ChartOptions, theme: Theme) -> bytes:
    """A one-slide deck: the title in the slide's title box, the chart at full width below it."""
    from atc_timeline.writers.pptx import TITLE_BAND, TITLE_BAND_MAX_IN, pptx_bytes

    band = min(options.height * TITLE_BAND, TITLE_BAND_MAX_IN)
    # Why: drawn for the space under the title, the chart fills the slide's width; and its
    # own title would only repeat the slide's.
    chart = replace(options, height=options.height - band)
    layout = layout_case(case, chart, theme, show_title=False)
    fig = draw_timeline(layout, theme, dpi=options.dpi)
    png = figure_to_bytes(fig, "png", dpi=options.dpi, transparent=options.transparent)
    return pptx_bytes(
        png,
        width_in=options.width,
        height_in=options.height,
        title=options.title or case.case.title,
        notes="" if options.deidentify else case.case.source or "",
    )


def missing_glyph_warning(case: Case, theme: Theme = LIGHT) -> str | None:
    """A plain warning naming characters no installed font can draw, with the fix; else None."""
    from atc_timeline.mpl.fonts import glyph_warning, missing_glyphs

    texts = [case.case.title, case.diagnosis.label, *case.diagnosis.molecular, *case.display.lanes]
    for item in case.items():
        for field in ("label", "term", "modality", "finding", "outcome", "stop_reason", "dose", "lane"):
            value = getattr(item, field, None)
            if isinstance(value, str):
                texts.append(value)
    missing = missing_glyphs(texts, theme.families())
    return glyph_warning(missing) if missing else None
