"""Point markers that would touch, or whose date whiskers would, sit in rows of their own."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atc_timeline.layout.dodge import DODGE_STEP, MARKER_SIZE, MAX_ROWS, ROW_GAP
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case_text

BASE = dt.date(2015, 1, 1)


def _scans(days: list[int], months: list[bool], span: int) -> str:
    lines = [
        "schema: atc-timeline/1",
        f"case: {{id: dodge, title: Dodge, data_cutoff: '{(BASE + dt.timedelta(span)).isoformat()}'}}",
        f"diagnosis: {{label: PTC, date: '{BASE.isoformat()}'}}",
        "imaging:",
    ]
    for i, (day, month) in enumerate(zip(days, months, strict=True)):
        when = (BASE + dt.timedelta(day)).isoformat()
        lines.append(f"  - {{id: s{i}, date: '{when[:7] if month else when}', modality: CT, response: SD}}")
    return "\n".join(lines) + "\n"


def _extent(layout, marker):
    """A marker's inches across, its whisker included."""
    x, half = layout.day_to_inch(marker.x), MARKER_SIZE * layout.sizes.marker / 2
    if marker.exact:
        return x - half, x + half
    return min(x - half, layout.day_to_inch(marker.lo)), max(x + half, layout.day_to_inch(marker.hi))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 3000), min_size=2, max_size=MAX_ROWS),
    st.lists(st.booleans(), min_size=MAX_ROWS, max_size=MAX_ROWS),
    st.integers(400, 3000),
    st.sampled_from(sorted(SIZE_PRESETS)),
)
def test_markers_and_whiskers_that_would_touch_are_lifted_apart(days, months, span, size):
    days = [min(d, span - 1) for d in days]
    case = load_case_text(_scans(days, months[: len(days)], span))
    layout = layout_case(case, ChartOptions.for_size(size))
    assert len(layout.markers) == len(days)
    # No more scans than rows: every pair that would touch is in different rows.
    for a, b in itertools.combinations(layout.markers, 2):
        (a0, a1), (b0, b1) = _extent(layout, a), _extent(layout, b)
        if a0 < b1 + ROW_GAP and b0 < a1 + ROW_GAP:
            assert abs(a.y - b.y) > 0.5 * DODGE_STEP * layout.sizes.marker, f"{a.event_id} on {b.event_id}"


def test_scans_of_one_week_are_each_visible_at_journal_size():
    case = load_case_text(_scans([100, 102, 104], [False, False, False], 3000))
    layout = layout_case(case, ChartOptions.for_size("journal-1col"))
    ys = sorted(m.y for m in layout.markers)
    assert len(set(ys)) == 3
    # Rows about half a marker apart: a compact cluster, each shape showing.
    for low, high in itertools.pairwise(ys):
        assert high - low >= DODGE_STEP * layout.sizes.marker * 0.99
    # Three scans one week apart share one label; its leader (if any) starts at the top marker.
    assert sum(1 for label in layout.labels if label.role == "point") == 1
    for leader in layout.leaders:
        top = max(layout.markers, key=lambda m: m.y)
        assert leader.marker_id == top.event_id


def test_month_whiskers_end_to_end_are_told_apart():
    # Two scans known to consecutive months: their whiskers would meet in one line.
    case = load_case_text(_scans([40, 70], [True, True], 2000))
    for size in ("slide-16x9", "journal-1col"):
        layout = layout_case(case, ChartOptions.for_size(size))
        a, b = layout.markers
        assert a.y != b.y, size
