"""Time-axis ticks chosen by layout: matplotlib's calendar ticks, thinned apart, inside their band."""

from __future__ import annotations

import datetime as dt
import itertools
import warnings

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import dates as mdates

from atc_timeline.case.model import Case
from atc_timeline.layout.axis import _thinned, axis_rows, calendar_ticks, relative_ticks
from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.model import LayoutOptions, Sizes, Tick
from atc_timeline.mpl.agg_text import GLYPH_CALLS
from atc_timeline.mpl.measure import make_measure
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import figure_for_case, layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import CASES
from tests.helpers import assert_clean, drawn_texts

AXES = {
    "both": {},
    "relative-weeks": {"axis": "relative", "unit": "weeks"},
    "calendar-days": {"axis": "calendar", "unit": "days"},
    "both-days": {"unit": "days"},
}


def _matplotlib_ticks(lo: float, hi: float) -> list[tuple[float, str]]:
    """What the drawing code asked matplotlib for before layout chose the ticks itself."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    formatter = mdates.ConciseDateFormatter(locator, show_offset=False)
    formatter.formats = ["%Y", "%b\n%Y", "%d %b", "%H:%M", "%H:%M", "%S.%f"]
    formatter.zero_formats = ["", "%b\n%Y", "%b", "%d %b", "%H:%M", "%H:%M"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "unable to pick an appropriate interval" on huge spans
        values = locator.tick_values(mdates.num2date(lo), mdates.num2date(hi))
    xs = [float(x) for x in values if lo <= x <= hi]
    return list(zip(xs, formatter.format_ticks(xs), strict=True))


@settings(max_examples=400, deadline=None)
@given(
    st.floats(-20_000, 25_000, allow_nan=False),
    st.one_of(st.floats(60, 130), st.floats(130, 1500), st.floats(1500, 30_000)),
    st.booleans(),
)
def test_calendar_ticks_are_matplotlibs(lo, span, at_midnight):
    if at_midnight:
        lo = float(round(lo))
    mine = [(t.x, t.text) for t in calendar_ticks(lo, lo + span)]
    assert mine == _matplotlib_ticks(lo, lo + span)


def test_calendar_labels_read_as_before():
    def day(text: str) -> float:
        return float((dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days)

    months = [t.text for t in calendar_ticks(day("2018-03-10"), day("2018-08-20"))]
    assert months == ["Apr\n2018", "May\n2018", "Jun\n2018", "Jul\n2018", "Aug\n2018"]
    days = [t.text for t in calendar_ticks(day("2018-03-10"), day("2018-05-20"))]
    assert days == ["15 Mar", "Apr", "15 Apr", "May", "15 May"]
    years = [t.text for t in calendar_ticks(day("2010-03-10"), day("2014-08-20"))]
    assert years == ["2011", "2012", "2013", "2014"]


def test_coarser_calendar_ticks_step_on_from_months_to_years():
    lo, hi = 17_000.0, 17_000.0 + 800
    steps = [len(calendar_ticks(lo, hi, k)) for k in range(8)]
    assert steps == sorted(steps, reverse=True), "each step is at least as sparse"
    assert all(t.text.isdigit() for t in calendar_ticks(lo, hi, 5)), "past 6-monthly come years"


def test_relative_ticks_count_from_time_zero():
    ticks = relative_ticks(-40.0, 400.0, 0.0, "months")
    assert [t.text for t in ticks] == ["0", "2", "4", "6", "8", "10", "12"]
    assert ticks[1].x == pytest.approx(2 * 30.4375)
    assert [t.text for t in relative_ticks(-40.0, 400.0, 0.0, "months", 1)] == ["0", "3", "6", "9", "12"]
    assert [t.text for t in relative_ticks(1000.0, 1400.0, 1000.0, "weeks")] == [
        "0",
        "8",
        "16",
        "24",
        "32",
        "40",
        "48",
        "56",
    ]


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
@pytest.mark.parametrize("axis", sorted(AXES))
def test_tick_labels_stand_apart(size, axis):
    measure = make_measure()
    for path in CASES:
        layout = layout_case(load_case(path), ChartOptions.for_size(size, **AXES[axis]))
        for row in (layout.ticks, layout.top_ticks):
            if row is None:
                continue
            assert len(row.ticks) >= 2, f"{path.stem}: a lone tick tells no time"
            for a, b in itertools.pairwise(row.ticks):
                room = layout.day_to_inch(b.x) - layout.day_to_inch(a.x)
                half = (measure(a.text, row.size)[0] + measure(b.text, row.size)[0]) / 2
                assert room - half >= row.size / 72 * 0.5 - 1e-9, f"{path.stem}: {a.text!r} / {b.text!r}"


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
@pytest.mark.parametrize("axis", sorted(AXES))
def test_drawn_tick_rows_clear_every_other_text(size, axis):
    case = load_case(CASES[0])
    try:
        assert_clean(figure_for_case(case, ChartOptions.for_size(size, dpi=72, **AXES[axis])))
    except AssertionError as exc:
        if GLYPH_CALLS:
            raise
        # Known on the floor (matplotlib 3.10): its own hinted text path draws a little wider
        # than layout measures, and two point labels of the founding case at slide-4x3 touch.
        pytest.xfail(f"matplotlib's own text path draws wider than measured: {exc}")


@pytest.mark.xfail(
    strict=True,
    reason="measure() takes line heights from 'lp' (9.7 pt at 10 pt); matplotlib 3.11 lays text "
    "lines out at linespacing x (ascent + descent), 12 pt a line, and 3.10's own text path now "
    "draws two-line tick labels 2-3 px deeper too, so drawn tick rows run past the depth layout "
    "measured, into the 0.12 in kept above the legend (a known defect of the measure)",
)
@pytest.mark.parametrize("axis", ["both", "relative-weeks"])
def test_drawn_tick_rows_fit_the_depth_layout_measured(axis):
    dpi = 100.0
    case = load_case(CASES[0])
    options = ChartOptions.for_size("slide-4x3", dpi=dpi, **AXES[axis])
    layout = layout_case(case, options)
    texts = {gid: box for gid, _, box in drawn_texts(figure_for_case(case, options))}
    below = [box for gid, box in texts.items() if gid.startswith("tick-") and "top" not in gid]
    below += [texts[gid] for gid in ("axis-label",) if gid in texts]
    assert min(b.y0 for b in below) >= (layout.axes.y0 - layout.ticks.depth) * dpi - 0.5


def _spanning(days: int, first: dt.date, lane: str) -> Case:
    """A case whose history runs `days` days from `first`: a surgery, a drug, the cut-off."""
    data = {
        "schema": "atc-timeline/1",
        "case": {"id": "span", "title": "Span", "data_cutoff": (first + dt.timedelta(days)).isoformat()},
        "diagnosis": {"label": "ATC", "date": first.isoformat()},
        "procedures": [{"id": "s", "label": "Thyroidectomy", "date": first.isoformat()}],
        "medications": [
            {"id": "m", "label": lane, "class": "targeted", "start": first.isoformat(), "end": "ongoing"}
        ],
    }
    return load_case_text(yaml.safe_dump(data), "span.yaml")


def _rows(fig) -> dict[str, list]:
    """The drawn tick labels of each row (bottom, top), left to right, as pixel boxes."""
    rows: dict[str, list] = {"tick-": [], "tick-top-": []}
    for gid, _, box in drawn_texts(fig):
        for prefix, found in rows.items():
            if gid.startswith(prefix) and gid[len(prefix) :].isdigit():
                found.append(box)
    return {prefix: sorted(found, key=lambda b: b.x0) for prefix, found in rows.items()}


@settings(max_examples=60, deadline=None)
@given(
    days=st.one_of(st.integers(0, 120), st.integers(120, 2000), st.integers(2000, 14_610)),
    start=st.integers(0, 16_000),
    size=st.sampled_from(sorted(SIZE_PRESETS)),
    axis=st.sampled_from(sorted(AXES)),
    lane=st.sampled_from(["Lenvatinib", "Cabozantinib plus nivolumab, then cabozantinib alone"]),
)
def test_drawn_tick_labels_never_collide_nor_leave_the_figure(days, start, size, axis, lane):
    first = dt.date(2024, 1, 1) - dt.timedelta(days + start)  # a cut-off in the past
    dpi = 72.0
    fig = figure_for_case(_spanning(days, first, lane), ChartOptions.for_size(size, dpi=dpi, **AXES[axis]))
    width = fig.bbox.width
    for prefix, boxes in _rows(fig).items():
        for box in boxes:
            assert box.x0 >= 0, f"{prefix} label at {box} leaves the figure"
            assert box.x1 <= width, f"{prefix} label at {box} leaves the figure"
        for a, b in itertools.pairwise(boxes):
            # A third of an em at the smallest (5 pt) text, in pixels.
            assert b.x0 - a.x1 >= 5 / 3 * dpi / 72, f"{prefix} labels {a} and {b} touch"
    assert _rows(fig)["tick-"], "the bottom row always tells the time"


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
def test_a_forty_year_history_gets_sparse_ticks_at_every_size(size):
    case = _spanning(14_610, dt.date(1982, 5, 3), "Radioiodine")
    layout = layout_case(case, ChartOptions.for_size(size))
    years = [int(t.text) for t in layout.ticks.ticks]
    assert 2 <= len(years) <= 10
    steps = {b - a for a, b in itertools.pairwise(years)}
    assert len(steps) == 1, "evenly spaced years"
    assert steps.pop() >= 5, "a few to the figure"


def test_thinning_keeps_labels_inside_and_apart_when_no_step_would():
    measure = make_measure()
    g = Scale(0.3, 1.3, 0.0, 10.0)
    ticks = tuple(Tick(float(x), f"label {x}") for x in range(11))  # each far wider than its room
    kept = _thinned(lambda _: ticks, g, 6.0, measure, (0.0, 1.6))
    assert kept, "at least one label survives"
    half = {t.text: measure(t.text, 6.0)[0] / 2 for t in kept}
    boxes = [(g.inch(t.x) - half[t.text], g.inch(t.x) + half[t.text]) for t in kept]
    assert all(lo >= 0.0 and hi <= 1.6 for lo, hi in boxes)
    assert all(b[0] - a[1] >= 6.0 / 72 * 0.5 - 1e-9 for a, b in itertools.pairwise(boxes))


def test_a_long_axis_title_is_shortened_to_the_figure():
    measure = make_measure()
    g = Scale(1.2, 3.2, 0.0, 400.0)
    options = LayoutOptions(width=3.5, height=4.8, axis="relative")
    title = "Months since start of cabozantinib plus nivolumab after chemoradiotherapy of the neck"
    bottom, _ = axis_rows(options, g, 0.0, title, Sizes().scaled(0.58), measure)
    middle = (g.left + g.right) / 2
    half = measure(bottom.title, bottom.size)[0] / 2
    assert bottom.title.endswith("\u2026")
    assert middle - half >= 0
    assert middle + half <= options.width
    assert title.startswith(bottom.title[:-1].rstrip())
