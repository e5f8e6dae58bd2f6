"""Packing invariants on generated dense cases: lanes stack, bars share rows apart, texts stay inside."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from atc_timeline.layout import Box, TimelineLayout
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import layout_case
from tests.layout.generated import dense_case

EPS = 1e-9
DENSE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _bar_box(layout: TimelineLayout, event_id: str) -> Box:
    """A bar's box in figure inches, its arrow head and the texts beside it included."""
    bar = next(b for b in layout.bars if b.event_id == event_id)
    x1 = layout.day_to_inch(bar.end_hi) + (layout.sizes.arrow if bar.end_status == "ongoing" else 0.0)
    y0 = layout.axes.y0 + bar.y - bar.height / 2
    box = Box(layout.day_to_inch(bar.start_lo), y0, x1, y0 + bar.height)
    for label in layout.labels:
        if label.event_id == event_id and label.role in ("bar", "stop"):
            box = Box(min(box.x0, label.box.x0), box.y0, max(box.x1, label.box.x1), box.y1)
    return box


@DENSE
@given(dense_case(max_points=12), st.sampled_from(sorted(SIZE_PRESETS)))
def test_lanes_stack_and_hold_their_bars_and_markers(case, size):
    layout = layout_case(case, ChartOptions.for_size(size))
    lanes = sorted(layout.lanes, key=lambda lane: lane.y0)
    assert lanes[0].y0 >= layout.ylim[0] - EPS
    assert lanes[-1].y1 <= layout.ylim[1] + EPS
    for lower, upper in itertools.pairwise(lanes):
        assert lower.y1 <= upper.y0 + EPS, f"{lower.name} overlaps {upper.name}"
    by_name = {lane.name: lane for lane in layout.lanes}
    for bar in (*layout.bars, *layout.phases):
        lane = by_name[bar.lane]
        assert lane.y0 - EPS <= bar.y - bar.height / 2, f"{bar.event_id} below its lane"
        assert bar.y + bar.height / 2 <= lane.y1 + EPS, f"{bar.event_id} above its lane"
    for marker in layout.markers:
        assert by_name[marker.lane].y0 - EPS <= marker.y <= by_name[marker.lane].y1 + EPS


@DENSE
@given(dense_case(max_points=6, max_drugs=10), st.sampled_from(sorted(SIZE_PRESETS)))
def test_bars_sharing_a_row_stand_apart_texts_and_all(case, size):
    layout = layout_case(case, ChartOptions.for_size(size))
    rows: dict[tuple[str, float], list[str]] = {}
    for bar in layout.bars:
        rows.setdefault((bar.lane, bar.y), []).append(bar.event_id)
    event("bars share a row" if any(len(ids) > 1 for ids in rows.values()) else "no shared row")
    for (lane, _), ids in rows.items():
        for a, b in itertools.combinations(ids, 2):
            box_a, box_b = _bar_box(layout, a), _bar_box(layout, b)
            assert box_a.x1 <= box_b.x0 + EPS or box_b.x1 <= box_a.x0 + EPS, f"{a} and {b} in {lane}"


@DENSE
@given(dense_case(), st.sampled_from(sorted(SIZE_PRESETS)))
def test_labels_stay_in_the_figure_and_point_labels_clear_each_other(case, size):
    layout = layout_case(case, ChartOptions.for_size(size))
    figure = Box(0, 0, layout.width, layout.height)
    for label in layout.labels:
        assert label.box.inside(figure), f"{label.role} {label.text!r} leaves the figure"
    if layout.crowded:
        return  # lanes squeezed to fit: labels may crowd, as the layout reports
    points = [label for label in layout.labels if label.role == "point"]
    for a, b in itertools.combinations(points, 2):
        assert not a.box.intersects(b.box), f"{a.text!r} overlaps {b.text!r}"
    bars = [_bar_box(layout, bar.event_id) for bar in layout.bars]
    for label in points:
        assert not any(label.box.intersects(bar) for bar in bars), f"{label.text!r} covers a bar"
