"""The one render chain: case -> normalized events -> layout -> Figure -> bytes -> files.

The command line (one file or a batch) and the library share it: `render_file` is what a
batch worker and `atc-timeline render` run for each case file; `plot_case` and
`render_case` are the same steps for a program that holds a Case.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from traceback import format_exception
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from atc_timeline.case.model import Case
from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.themes import LIGHT, Theme, theme_named
from atc_timeline.errors import CaseError, OptionError, internal_error_message, os_error_message
from atc_timeline.events.normalize import case_context, normalize_events
from atc_timeline.fitting import as_good, fit_warning, marks_labelled, smallest_height
from atc_timeline.layout import Layouter, LayoutOptions, Sizes, TimelineLayout
from atc_timeline.mpl.measure import make_measure
from atc_timeline.options import SIZE_PRESETS, ChartOptions, check_time_zero
from atc_timeline.readers.bounded import STDIN
from atc_timeline.readers.yaml_case import Report, check_source, load_case
from atc_timeline.results import Result
from atc_timeline.writers.atomic import write_atomic
from atc_timeline.writers.figure_bytes import figure_to_bytes
from atc_timeline.writers.formats import check_format, format_for


def layout_case(
    case: Case, options: ChartOptions | None = None, theme: Theme = LIGHT, show_title: bool = True
) -> TimelineLayout:
    """Case -> layout (normalize, then place everything); taller only with grow=True."""
    return CaseLayouts(case, options or ChartOptions(), theme, show_title).layout


class CaseLayouts:
    """One case laid out at the options' width and text size, at its height or any other.

    Why one object: growing a chart, and finding the height a warning names, lay the same
    case out at several heights; the Layouter shares the measuring and placing across them.
    """

    def __init__(
        self,
        case: Case,
        options: ChartOptions,
        theme: Theme = LIGHT,
        show_title: bool = True,
        told: tuple[ChartOptions, Callable[[float], float]] | None = None,
    ):
        """`told`: the options a warning names, and the output's height for a layout's height
        (a deck adds its title band)."""
        self.case, self.options, self.theme, self.show_title = case, options, theme, show_title
        self._told = told
        if options.time_zero is not None:
            case = _with_time_zero(case, options.time_zero)
        events = normalize_events(case)
        context = case_context(case, events)
        axis = options.axis
        if options.deidentify:
            from atc_timeline.events.deidentify import (
                deidentify_context,
                deidentify_events,
                refuse_identifiers,
            )

            if not options.allow_identifiers:
                refuse_identifiers(case, options.title, "ChartOptions.title")
            events = deidentify_events(events, pd.Timestamp(context.time_zero))
            context = deidentify_context(context, case)
            axis = "relative"  # calendar dates identify a patient
        self._options = LayoutOptions(
            width=options.width,
            height=options.height,
            title=options.title,
            axis=axis,
            unit=options.unit,
            show_title=show_title,
            show_subtitle=options.show_subtitle,
            show_source=options.show_source,
        )
        sizes = Sizes().scaled(options.text_scale())
        self._layouter = Layouter(events, context, make_measure(theme), sizes)
        self._heights: dict[float, TimelineLayout] = {}

    def at(self, height: float) -> TimelineLayout:
        """The layout at `height` inches (the options' width and text size)."""
        height = round(height, 3)
        if height not in self._heights:
            layout = self._layouter.layout(replace(self._options, height=height))
            if self.options.deidentify:
                from atc_timeline.events.deidentify import shown_titles_only

                layout = shown_titles_only(layout)  # tooltips repeat only what the chart shows
            self._heights[height] = layout
        return self._heights[height]

    @cached_property
    def better(self) -> TimelineLayout | None:
        """The layout at the smallest height, up to max_height, that shows more labels; None if none.

        "More": every label if some height shows them all, else as many as the tallest shows.
        """
        options = self.options
        first = self.at(options.height)
        if first.complete:
            return None
        tallest = self.at(options.max_height)
        if not tallest.complete and as_good(first, tallest):
            return None  # a taller chart would show no more

        def good(layout: TimelineLayout) -> bool:
            # Grown, a chart also keeps the labels of its dated metastases where a taller one
            # shows them (the search gives them up before any event label).
            if marks_labelled(layout) < marks_labelled(tallest):
                return False
            return layout.complete if tallest.complete else as_good(layout, tallest)

        height = smallest_height(self.at, options.height, options.max_height, good)
        return None if height is None else self.at(height)

    @cached_property
    def layout(self) -> TimelineLayout:
        """The layout drawn: at the options' height; with grow=True, as tall as showing more needs."""
        first = self.at(self.options.height)
        if not self.options.grow:
            return first
        return self.better or first

    def warning(self) -> str | None:
        """The warning for a layout that drops labels or squeezes lanes, naming what would fit; else None."""
        layout, options = self.layout, self.options
        if layout.complete:
            return None
        instead = ""
        wanted = options.size == "journal-1col" and options.width == SIZE_PRESETS["journal-1col"][0]
        if wanted and (self.better is None or not self.better.complete):
            # A column too narrow for the case: say whether the page width would do.
            width, height, _ = SIZE_PRESETS["journal-2col"]
            wide = replace(options, size="journal-2col", width=width, height=height, grow=True)
            two = CaseLayouts(self.case, wide, self.theme, self.show_title).layout
            if two.complete:
                grown = f" --height auto ({two.height:g} in)" if two.height > height else ""
                instead = f"--size journal-2col{grown}"
        told, outer = self._told or (options, None)
        return fit_warning(layout, told, None if options.grow else self.better, instead, outer)


def _with_time_zero(case: Case, time_zero: str) -> Case:
    """The case with its time zero replaced, refusing values that name nothing."""
    check_time_zero(time_zero, {item.id for item in case.items()}, case.diagnosis.date is not None)
    return case.model_copy(update={"case": case.case.model_copy(update={"time_zero": time_zero})})


def figure_for_case(case: Case, options: ChartOptions | None = None, theme: Theme = LIGHT) -> Figure:
    """Case -> matplotlib Figure."""
    return Chart(case, options, theme).figure


class Chart:
    """One case drawn with one set of options: its layout, its Figure, and its bytes in any format.

    In a notebook it shows itself (PNG or SVG) without pyplot.
    """

    def __init__(self, case: Case, options: ChartOptions | None = None, theme: Theme = LIGHT) -> None:
        self.case = case
        self.options = options or ChartOptions()
        self.theme = theme
        self._drawn: list[CaseLayouts] = []  # the layouts drawn so far, for their warnings

    def __repr__(self) -> str:
        o = self.options
        return f"<Chart of case {self.case.case.id!r}, {o.width:g} x {o.height:g} in at {o.dpi:g} dpi>"

    @cached_property
    def _layouts(self) -> CaseLayouts:
        layouts = CaseLayouts(self.case, self.options, self.theme)
        self._drawn.append(layouts)
        return layouts

    @cached_property
    def layout(self) -> TimelineLayout:
        """Where everything goes, as plain data."""
        return self._layouts.layout

    @property
    def warnings(self) -> list[str]:
        """What did not fit in the charts drawn so far (the figure's if none was), naming what would."""
        drawn = self._drawn or [self._layouts]
        return [w for w in dict.fromkeys(layouts.warning() for layouts in drawn) if w]

    @cached_property
    def figure(self) -> Figure:
        """The drawn matplotlib Figure; one Figure serves every format but PPTX."""
        return draw_timeline(self.layout, self.theme, dpi=self.options.dpi)

    def to_bytes(self, fmt: str = "png") -> bytes:
        """The chart as png, svg, pdf or pptx bytes."""
        check_format(fmt)
        if fmt == "pptx":
            return _pptx(self.case, self.options, self.theme, self._drawn)
        return figure_to_bytes(self.figure, fmt, dpi=self.options.dpi, transparent=self.options.transparent)

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write the chart atomically; the format comes from the extension unless given."""
        write_atomic(path, self.to_bytes(format_for(path, fmt)))
        return Path(path)

    def _repr_png_(self) -> bytes:
        return self.to_bytes("png")

    def _repr_svg_(self) -> str:
        return self.to_bytes("svg").decode("utf-8")


def plot_case(case: Case | str | Path, theme: str | Theme = "light", **options: Any) -> Chart:
    """A Chart of a case (a Case or a case file's path); options as ChartOptions.for_size takes them.

    Example: plot_case("case.yaml", size="journal-1col", theme="print").save("figure.pdf")
    (height="auto" lets a crowded chart grow taller, up to a page, instead of dropping labels.)
    """
    if isinstance(theme, str):
        theme = theme_named(theme)
    known = {"size", "width", "height", *ChartOptions.__dataclass_fields__}
    unknown = sorted(set(options) - known)
    if unknown:
        raise OptionError(unknown[0], f"unknown option '{unknown[0]}'; use: {', '.join(sorted(known))}")
    chart_options = ChartOptions.for_size(options.pop("size", None), **options)
    return Chart(case if isinstance(case, Case) else load_case(case), chart_options, theme)


def render_case(
    case: Case | str | Path,
    fmt: str = "png",
    options: ChartOptions | None = None,
    theme: Theme = LIGHT,
) -> bytes:
    """Render a case (a Case or a path to a case file) to PNG, SVG, PDF or PPTX bytes."""
    check_format(fmt)
    if not isinstance(case, Case):
        case = load_case(case)
    return Chart(case, options, theme).to_bytes(fmt)


def _pptx(case: Case, options: ChartOptions, theme: Theme, drawn: list[CaseLayouts] | None = None) -> bytes:
    """A one-slide deck: the title in the slide's title box, the chart at full width below it."""
    from atc_timeline.writers.pptx import TITLE_BAND, TITLE_BAND_MAX_IN, pptx_bytes

    band = min(options.height * TITLE_BAND, TITLE_BAND_MAX_IN)
    # Why: drawn for the space under the title, the chart fills the slide's width; and its
    # own title would only repeat the slide's.
    chart = replace(options, height=options.height - band)
    # A warning names the deck's size and heights, not the chart's under the title band.
    layouts = CaseLayouts(case, chart, theme, show_title=False, told=(options, _deck_height))
    layout = layouts.layout
    if drawn is not None:
        drawn.append(layouts)
    fig = draw_timeline(layout, theme, dpi=options.dpi)
    png = figure_to_bytes(fig, "png", dpi=options.dpi, transparent=options.transparent)
    return pptx_bytes(
        png,
        width_in=options.width,
        # A chart that grew (grow=True) makes the slide taller by as much.
        height_in=options.height if layout.height == chart.height else _deck_height(layout.height),
        title=options.title if options.title is not None else case.case.title,
        notes="" if options.deidentify else case.case.source or "",
        deidentified=options.deidentify,
    )


def _deck_height(chart_height: float) -> float:
    """The height of a deck whose title band leaves `chart_height` inches for the chart."""
    from atc_timeline.writers.pptx import TITLE_BAND, TITLE_BAND_MAX_IN

    height = chart_height / (1 - TITLE_BAND)
    return height if height * TITLE_BAND <= TITLE_BAND_MAX_IN else chart_height + TITLE_BAND_MAX_IN


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


def render_file(
    source: str,
    targets: Sequence[tuple[str, str]],
    options: ChartOptions | None = None,
    theme: Theme = LIGHT,
    text: str | None = None,
) -> Result:
    """Check one case file ("-": `text`, read from stdin), draw it once, write each (format, path).

    Every output is written atomically; a target "-" comes back as the result's stdout bytes.
    Problems come back in the result, never raised (a bug of ours too, as an internal error
    with its traceback): one bad file must not stop a batch. Only Ctrl-C and other
    BaseExceptions go through.
    """
    started = time.perf_counter()
    try:
        name = STDIN if source == "-" else str(source)
        report = check_source(source, text)
    except Exception as exc:
        return _failure(str(source), exc, started)
    result = render_checked(report, targets, options, theme, source=source, text=text, started=started)
    return result if result.input == name else replace(result, input=name)  # the name as given


def render_checked(
    report: Report,
    targets: Sequence[tuple[str, str]],
    options: ChartOptions | None = None,
    theme: Theme = LIGHT,
    *,
    source: str | None = None,
    text: str | None = None,
    started: float | None = None,
) -> Result:
    """render_file for a case file already checked (`report`); never raises either.

    `source` and `text` are what render_file takes (default: the report's file), read again
    only to locate identifier-like text when de-identifying.
    """
    started = time.perf_counter() if started is None else started
    name = report.file
    source = name if source is None else source
    if report.case is None:
        return Result.refused(name, report, _ms(started))
    written: list[str] = []
    notes = [str(issue) for issue in report.warnings]
    try:
        notes.extend(theme.warnings)  # e.g. a house style's font that is not installed
        glyphs = missing_glyph_warning(report.case, theme)
        if glyphs:  # named by its case file: a batch tells each distinct warning once
            notes.append(f"{name}: {glyphs}")
        if options is not None and options.deidentify:
            notes.extend(_identifier_notes(report.case, options, name, source, text))
        _refuse_writing_onto(source, targets)
        stdout = _draw_and_write(report.case, targets, options, theme, written, notes, name)
    except Exception as exc:
        return _failure(name, exc, started, tuple(written), tuple(notes))
    return Result(name, tuple(written), warnings=tuple(notes), milliseconds=_ms(started), stdout=stdout)


def _refuse_writing_onto(source: str, targets: Sequence[tuple[str, str]]) -> None:
    """OptionError if a target is the case file itself (the command line checks this earlier)."""
    from atc_timeline.batch.targets import Protected, check_target

    protected = Protected([source])
    for _, target in targets:
        if target != "-":
            check_target(target, protected)


def _failure(
    name: str, exc: Exception, started: float, written: tuple[str, ...] = (), notes: tuple[str, ...] = ()
) -> Result:
    """The failed result for an exception: a plain message, or an internal error with its traceback."""
    trace = ""
    if isinstance(exc, OptionError):  # e.g. a time zero this case does not have
        error = f"{name}: {exc}"
    elif isinstance(exc, CaseError):
        error = str(exc)
    elif isinstance(exc, OSError):  # a read or write the system refused (full disk, read-only folder)
        error = os_error_message(exc, None if exc.filename else name)
    else:  # a bug of ours in one case: that case fails, with the traceback kept for --debug
        error = f"{name}: {internal_error_message(exc)}"
        trace = "".join(format_exception(type(exc), exc, exc.__traceback__))
    return Result(name, written, "failed", error, notes, _ms(started), traceback=trace)


def _draw_and_write(
    case: Case,
    targets: Sequence[tuple[str, str]],
    options: ChartOptions | None,
    theme: Theme,
    written: list[str],
    notes: list[str] | None = None,
    name: str = "",
) -> bytes | None:
    """Draw the case once and write each target (adding it to `written`); stdout bytes or None.

    What did not fit is added to `notes`, named by the case file `name`.
    """
    chart = Chart(case, options, theme)
    stdout = None
    with warnings.catch_warnings():
        # Missing glyphs were reported above, once, with the fix; matplotlib's own
        # per-glyph warnings would only repeat it.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        for fmt, target in targets:
            data = chart.to_bytes(fmt)
            if target == "-":
                stdout = data
            else:
                try:
                    write_atomic(target, data)
                except OSError as exc:
                    # A write into an open file names no file: say which output it was.
                    exc.filename = exc.filename or target
                    raise
                written.append(target)
    if notes is not None:
        notes.extend(f"{name}: {warning}" for warning in chart.warnings)
    return stdout


def _identifier_notes(
    case: Case, options: ChartOptions, name: str, source: str, text: str | None
) -> list[str]:
    """De-identified: refuse identifier-like free text, located in the file; warn of the case title."""
    from atc_timeline.errors import CaseValidationError, Severity
    from atc_timeline.events.deidentify import identifier_issues, title_warning
    from atc_timeline.readers.yaml_source import parse_yaml, read_text

    severity: Severity = "warning" if options.allow_identifiers else "error"
    found = identifier_issues(case, options.title, name, None, "--title", severity)
    lines = None
    if found or options.title is None:
        # Read again for the line numbers only when there is something to locate.
        try:
            raw = (text or "") if source == "-" else read_text(Path(source))
            lines = parse_yaml(raw, name)[1]
        except (CaseError, OSError):
            pass  # changed or gone since it was checked: the issues name their fields
        found = identifier_issues(case, options.title, name, lines, "--title", severity)
    if found and not options.allow_identifiers:
        raise CaseValidationError(found)
    notes = [str(issue) for issue in found]
    return notes if options.title is not None else [str(title_warning(case, name, lines)), *notes]


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
