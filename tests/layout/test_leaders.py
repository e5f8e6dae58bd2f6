"""Leaders: each joins a point label to its own marker and crosses no other label's box."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from atc_timeline.layout import Box, Label, TimelineLayout
from atc_timeline.layout.dodge import MARKER_SIZE
from atc_timeline.layout.labels import MARKER_ROW
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import CASES
from tests.layout.generated import dense_case

EPS = 1e-6


def _crosses(segment: tuple[float, float, float, float], box: Box, steps: int = 400) -> bool:
    """True when a point of the segment lies strictly inside the box (sampled, not solved)."""
    x0, y0, x1, y1 = segment
    for i in range(steps + 1):
        t = i / steps
        x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        if box.x0 + EPS < x < box.x1 - EPS and box.y0 + EPS < y < box.y1 - EPS:
            return True
    return False


def leader_problems(layout: TimelineLayout) -> list[str]:
    """What is wrong with the layout's leaders, as sentences ([] when nothing)."""
    problems = []
    points: dict[str, Label] = {label.event_id: label for label in layout.labels if label.role == "point"}
    row = MARKER_ROW * layout.sizes.marker  # how far above its marker's centre a leader may start
    half = MARKER_SIZE * layout.sizes.marker / 2
    for leader in layout.leaders:
        label = points.get(leader.event_id)
        own = [m for m in layout.markers if m.event_id == leader.marker_id]
        if label is None or len(own) != 1:
            problems.append(f"{leader.event_id}: no point label or marker of its own")
            continue
        marker = own[0]
        # Its group: the markers of that lane the label's full text describes.
        titles = set(label.full_text.split("\n"))
        group = [m for m in layout.markers if m.lane == marker.lane and m.title in titles]
        if marker not in group:
            problems.append(f"{leader.event_id}: starts at {leader.marker_id}, not a marker its label names")
        if abs(leader.x0 - marker.x) > EPS:
            problems.append(f"{leader.event_id}: starts at day {leader.x0}, not at its marker ({marker.x})")
        if not 0 <= leader.y0 - marker.y <= row / 2:
            problems.append(f"{leader.event_id}: starts {leader.y0 - marker.y:.3f} in from its marker")
        x1 = layout.day_to_inch(leader.x1)
        if abs(leader.y1 - label.y) > EPS or not label.box.x0 - EPS <= x1 <= label.box.x1 + EPS:
            problems.append(f"{leader.event_id}: ends off its label's bottom edge")
        segment = (layout.day_to_inch(leader.x0), layout.axes.y0 + leader.y0, x1, layout.axes.y0 + leader.y1)
        for other in layout.labels:
            if other is not label and _crosses(segment, other.box):
                problems.append(f"{leader.event_id}: crosses the label {other.text!r}")
        # Nor may it run through a marker of another group: it would seem to point there.
        for m in layout.markers:
            if m.lane == marker.lane and m not in group:
                x, y = layout.day_to_inch(m.x), layout.axes.y0 + m.y
                if _crosses(segment, Box(x - half, y - half, x + half, y + half)):
                    problems.append(f"{leader.event_id}: runs through the marker of {m.event_id}")
    return problems


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_repo_cases_leaders_join_label_and_marker_at_every_size(path, size):
    layout = layout_case(load_case(path), ChartOptions.for_size(size))
    assert leader_problems(layout) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dense_case(), st.sampled_from(sorted(SIZE_PRESETS)))
def test_generated_dense_cases_leaders_join_label_and_marker(case, size):
    layout = layout_case(case, ChartOptions.for_size(size))
    event("with leaders" if layout.leaders else "no leaders")  # see --hypothesis-show-statistics
    assert leader_problems(layout) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dense_case(max_points=45, max_drugs=1), st.sampled_from(["journal-1col", "slide-16x9"]))
def test_crowded_lanes_at_a_fixed_journal_height_keep_leaders_on_their_markers(case, size):
    # The setting: --size journal-1col --height 4.8, where lanes are squeezed.
    layout = layout_case(case, ChartOptions.for_size(size, height=4.8))
    event("with leaders" if layout.leaders else "no leaders")
    assert leader_problems(layout) == []
