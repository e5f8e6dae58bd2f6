"""Layout invariants, checked on the real rendered text extents and on plain layout data."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import atc_timeline.layout as L
from atc_timeline.events.normalize import case_context, normalize_events
from atc_timeline.layout.text import ELLIPSIS
from atc_timeline.mpl.measure import make_measure
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import figure_for_case, layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import CASES
from tests.helpers import assert_clean


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_no_label_overlaps_and_all_inside_figure(path):
    fig = figure_for_case(load_case(path), ChartOptions(dpi=72))
    assert_clean(fig)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_point_labels_clear_of_bars_and_markers(path):
    case = load_case(path)
    layout = layout_case(case, ChartOptions())
    bar_boxes = []
    for bar in (*layout.bars,):
        x0, x1 = layout.day_to_inch(bar.start_lo), layout.day_to_inch(bar.end_hi)
        y0 = layout.axes.y0 + bar.y - bar.height / 2
        bar_boxes.append((bar.event_id, L.Box(x0, y0, x1, y0 + bar.height)))
    for label in layout.labels:
        if label.role != "point":
            continue
        for event_id, box in bar_boxes:
            assert not label.box.intersects(box), f"{label.text!r} covers bar {event_id}"
        assert label.box.inside(L.Box(0, 0, layout.width, layout.height))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_lanes_stack_without_overlap_inside_axes(path):
    layout = layout_case(load_case(path))
    lanes = sorted(layout.lanes, key=lambda lane: lane.y0)
    for lower, upper in itertools.pairwise(lanes):
        assert lower.y1 <= upper.y0 + 1e-9
    assert lanes[0].y0 >= layout.ylim[0] - 1e-9
    assert lanes[-1].y1 <= layout.ylim[1] + 1e-9
    for bar in layout.bars:
        lane = next(lane for lane in layout.lanes if lane.name == bar.lane)
        assert lane.y0 <= bar.y - bar.height / 2
        assert bar.y + bar.height / 2 <= lane.y1


def test_layouter_shares_work_across_heights_without_changing_layouts():
    case = load_case(next(p for p in CASES if p.stem == "dtc-long-follow-up-imaging"))
    events = normalize_events(case)
    context = case_context(case, events)
    measure, sizes = make_measure(), L.Sizes().scaled(0.66)
    options = L.LayoutOptions(width=7.2, height=5.0)
    layouter = L.Layouter(events, context, measure, sizes)
    for height in (5.0, 7.0, 9.0, 5.0):
        shared = layouter.layout(replace(options, height=height))
        fresh = L.compute_layout(events, context, measure, replace(options, height=height), sizes)
        assert shared == fresh


def test_every_event_is_drawn_once(founding_case):
    layout = layout_case(founding_case)
    drawn = [b.event_id for b in layout.bars] + [p.event_id for p in layout.phases]
    drawn += [m.event_id for m in layout.markers]
    assert sorted(drawn) == sorted(layout.event_ids)


def test_wrap_and_truncate_respect_width():
    def measure(text, size):  # 0.1 in per character, 0.2 in per line
        lines = text.split("\n")
        return max(len(line) for line in lines) * 0.1, 0.2 * len(lines)

    wrapped = L.wrap_text("mediastinal nodes and left adrenal larger", 1.2, 10, measure, 2)
    assert wrapped.count("\n") == 1
    assert all(len(line) <= 12 for line in wrapped.split("\n"))
    assert wrapped.endswith(ELLIPSIS)
    assert L.truncate("short", 1.0, 10, measure) == "short"
    # Cut at a word, never to a stub shorter than a whole word (see test_text_fit.py).
    assert L.truncate("a much longer text", 0.8, 10, measure) == "a much" + ELLIPSIS
    assert L.truncate("a much longer text", 0.6, 10, measure) == ""
    assert L.truncate("abc", 0.05, 10, measure) == ""


def _imaging_case(dates: list[dt.date], findings: list[str]) -> str:
    lines = [
        "schema: atc-timeline/1",
        "case: {id: prop, title: Property case, data_cutoff: '2011-01'}",
        "diagnosis: {label: ATC, date: '2000-01-01'}",
        "imaging:",
    ]
    for i, (day, finding) in enumerate(zip(dates, findings, strict=False)):
        lines.append(
            f"  - {{id: im{i}, date: '{day.isoformat()}', modality: CT, finding: '{finding}', response: PD}}"
        )
    return "\n".join(lines) + "\n"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2010, 12, 31)), min_size=1, max_size=40),
    st.lists(
        st.text(alphabet="abcdefgh ijklmnop", min_size=1, max_size=80).map(str.strip).filter(bool),
        min_size=40,
        max_size=40,
    ),
)
def test_random_imaging_lanes_never_overlap(dates, findings):
    case = load_case_text(_imaging_case(dates, findings))
    layout = layout_case(case)
    points = [label for label in layout.labels if label.role in ("point", "lane", "cutoff", "zero")]
    for a, b in itertools.combinations(points, 2):
        assert not a.box.intersects(b.box), f"{a.text!r} overlaps {b.text!r}"
    for label in points:
        assert label.box.inside(L.Box(0, 0, layout.width, layout.height))
    assert len(layout.markers) == len(dates)


EDGE_CASES = {
    "single-event": """schema: atc-timeline/1
case: {id: one, title: Single event}
diagnosis: {label: ATC, date: '2020-05-01'}
procedures: [{id: s, label: Thyroidectomy, date: '2020-05-01'}]
""",
    "all-on-one-day": """schema: atc-timeline/1
case: {id: same, title: Same day, data_cutoff: '2020-05-01'}
patient: {status: deceased, death_date: '2020-05-01'}
diagnosis: {label: ATC, date: '2020-05-01'}
procedures: [{id: s, label: Biopsy, date: '2020-05-01'}]
imaging:
  - {id: i1, date: '2020-05-01', modality: CT, finding: big mass, response: baseline}
  - {id: i2, date: '2020-05-01', modality: PET-CT, finding: everywhere}
medications: [{id: m, label: Drug, class: targeted, start: '2020-05-01', end: '2020-05-01'}]
""",
    "diagnosis-only": """schema: atc-timeline/1
case: {id: none, title: Diagnosis only}
diagnosis: {label: ATC, date: '2020-05'}
""",
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_degenerate_cases_render_cleanly(name):
    case = load_case_text(EDGE_CASES[name])
    layout = layout_case(case)
    assert layout.xlim[1] - layout.xlim[0] >= 60, "a short history gets a readable window"
    assert len(layout.markers) + len(layout.bars) == len(layout.event_ids)
    fig = figure_for_case(case, ChartOptions(dpi=72))
    assert_clean(fig)
