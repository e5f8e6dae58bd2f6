"""Lane names: a column left of the plot on wide figures, a small bold line atop each lane on narrow ones."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atc_timeline.layout import Box, Sizes, TimelineLayout
from atc_timeline.layout.frame import MARGIN
from atc_timeline.layout.labels import MARKER_ROW
from atc_timeline.layout.lane_names import MAX_COLUMN_SHARE, NARROW_WIDTH, lane_names
from atc_timeline.mpl.measure import make_measure
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import CASES, FOUNDING, ROOT
from tests.layout.generated import dense_case

MANY = ROOT / "tests" / "data" / "many-lanes.yaml"
EPS = 1e-6


def _names(layout: TimelineLayout) -> list:
    return [label for label in layout.labels if label.role == "lane"]


def _lane_box(layout: TimelineLayout, lane) -> Box:
    a = layout.axes
    return Box(a.x0, a.y0 + lane.y0, a.x1, a.y0 + lane.y1)


def _ink(layout: TimelineLayout) -> list[tuple[str, Box]]:
    """Boxes of everything drawn in the lanes: bars and phases, markers with whiskers, labels."""
    a, s = layout.axes, layout.sizes
    boxes = []
    for bar in (*layout.bars, *layout.phases):
        y0 = a.y0 + bar.y - bar.height / 2
        boxes.append((f"bar {bar.event_id}", Box(layout.day_to_inch(bar.start_lo), y0,
                                                 layout.day_to_inch(bar.end_hi), y0 + bar.height)))
    half = MARKER_ROW * s.marker / 2
    for m in layout.markers:
        x0, x1 = layout.day_to_inch(m.lo) - half, layout.day_to_inch(m.hi) + half
        boxes.append((f"marker {m.event_id}", Box(x0, a.y0 + m.y - half, x1, a.y0 + m.y + half)))
    boxes += [(f"{label.role} {label.text!r}", label.box) for label in layout.labels if label.role != "lane"]
    return boxes


def _assert_names_above_lanes(layout: TimelineLayout) -> None:
    names = _names(layout)
    assert len(names) == len(layout.lanes)
    ink = _ink(layout)
    lines = [layout.day_to_inch(layout.cutoff_x), layout.day_to_inch(layout.zero_x)]
    for name, lane in zip(names, layout.lanes, strict=True):
        assert name.box.inside(_lane_box(layout, lane)), f"{name.text!r} leaves its lane"
        for what, box in ink:
            assert not name.box.intersects(box, -EPS), f"{name.text!r} meets {what}"
        assert not any(name.box.x0 < x < name.box.x1 for x in lines), f"a line runs through {name.text!r}"


@pytest.mark.parametrize("path", [FOUNDING, MANY, *CASES], ids=lambda p: p.stem)
def test_a_journal_column_puts_lane_names_above_their_lanes(path):
    # At the height that shows every label (no squeezed lanes).
    layout = layout_case(load_case(path), ChartOptions.for_size("journal-1col", height="auto"))
    assert layout.axes.x0 <= MARGIN + 0.05, "the plot starts at the margin"
    assert (layout.axes.x1 - layout.axes.x0) / layout.width > 0.8, "the data gets nearly the whole width"
    for name in _names(layout):
        assert (name.ha, name.va, name.weight) == ("left", "top", "bold")
        assert name.size <= layout.sizes.lane
    assert len({round(name.x, 6) for name in _names(layout)}) == 1, "the names read as a column"
    _assert_names_above_lanes(layout)


@pytest.mark.parametrize("path", [FOUNDING, MANY], ids=lambda p: p.stem)
def test_squeezed_lanes_keep_their_names_clear_of_their_own_content(path):
    layout = layout_case(load_case(path), ChartOptions.for_size("journal-1col", height=3.6))
    assert layout.crowded, "the case cannot fit (what this test is about)"
    # A chart too crowded even for its lane names leaves some off (never one over content).
    lanes = {lane.name: lane for lane in layout.lanes}
    for name in _names(layout):
        lane_box = _lane_box(layout, lanes[name.full_text])
        assert name.box.inside(lane_box), f"{name.text!r} leaves its lane"
        own = [(w, b) for w, b in _ink(layout) if lane_box.y0 <= (b.y0 + b.y1) / 2 <= lane_box.y1]
        for what, box in own:
            assert not name.box.intersects(box, -EPS), f"{name.text!r} meets {what}"


@pytest.mark.parametrize("size", ["slide-16x9", "slide-4x3", "a4-landscape", "journal-2col"])
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_wider_figures_keep_the_column_of_lane_names(size, path):
    layout = layout_case(load_case(path), ChartOptions.for_size(size))
    names = _names(layout)
    widest = max(name.box.x1 - name.box.x0 for name in names)
    assert layout.axes.x0 == pytest.approx(MARGIN + widest + 0.15), "the column is as wide as the names"
    for name, lane in zip(names, layout.lanes, strict=True):
        assert name.ha == "right"
        assert name.box.x1 < layout.axes.x0
        assert name.y == pytest.approx(layout.axes.y0 + (lane.y0 + lane.y1) / 2), "centred on its lane"


def test_a_column_wider_than_a_fifth_of_the_figure_moves_above_the_lanes():
    measure = make_measure()
    s = Sizes().scaled(0.66)
    short = lane_names(["Surgery", "Imaging"], 7.2, MARGIN, s, measure)
    assert not short.above
    assert (MARGIN + short.column) / 7.2 <= MAX_COLUMN_SHARE
    long = ["Second-line tyrosine kinase inhibitors", "Investigational_agent_within_a_clinical_trial"]
    wide = lane_names(long, 7.2, MARGIN, s, measure)
    assert wide.above, "a column past 22 % of the width gives way"
    narrow = lane_names(["Surgery"], NARROW_WIDTH - 0.1, MARGIN, s, measure)
    assert narrow.above, "a figure narrower than 4.5 in always puts names above the lanes"
    assert narrow.band > measure("Surgery", s.label)[1], "the band holds the name"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(
        st.text(st.sampled_from("Ab Cd 靶向治疗 ÜÖ-/"), min_size=1, max_size=60).filter(str.strip),
        min_size=1, max_size=5, unique_by=str.strip,
    ),
    width=st.floats(2.5, 12.0),
)
def test_lane_names_fit_the_figure_whatever_they_are(names, width):
    measure = make_measure()
    names = [n.strip() for n in names]
    s = Sizes().scaled(0.6)
    set_ = lane_names(names, width, MARGIN, s, measure)
    for name in names:
        w = measure(set_.texts[name], set_.size)[0]
        if set_.above:
            assert w <= width - 2 * MARGIN, f"{set_.texts[name]!r} runs past the plot"
        else:
            assert w <= set_.column
    assert set_.above or (MARGIN + set_.column) / width <= MAX_COLUMN_SHARE or width < NARROW_WIDTH


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=dense_case(max_points=14, max_drugs=3))
def test_names_above_generated_lanes_meet_nothing_where_the_lanes_are_not_squeezed(case):
    layout = layout_case(case, ChartOptions.for_size("journal-1col", height="auto"))
    if layout.crowded:
        return  # squeezed even at a page: tested above for the lane's own content
    _assert_names_above_lanes(layout)


def test_a_crowded_narrow_chart_sets_its_names_in_a_column_rather_than_leave_them_off() -> None:
    # At 4 in the long-follow-up case has no height for a band per lane name: atop the lanes
    # most names would go; a column beside the plot keeps every lane named.
    case = load_case(ROOT / "cases" / "dtc-long-follow-up-imaging.yaml")
    atop = layout_case(case, ChartOptions.for_size("journal-1col"))
    crowded = layout_case(case, ChartOptions.for_size("journal-1col", height=4.0))
    assert atop.axes.x0 < 0.5, "at its own height the names sit atop the lanes"
    assert len(_names(crowded)) == len(crowded.lanes)
    assert crowded.axes.x0 > 0.5, "the names sit in a column left of the plot"
    for name in _names(crowded):
        assert name.box.x1 <= crowded.axes.x0
