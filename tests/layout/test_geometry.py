"""The plane-geometry helpers label placing rests on: crossings, segment/box hits, row clashes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atc_timeline.layout.geometry import (
    Scale,
    box_cut,
    leader_blocked,
    row_clash,
    segment_hits_box,
    segments_cross,
)

BOX = (1.0, 1.0, 3.0, 2.0)  # x0, y0, x1, y1


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param((0, 0, 2, 2), (0, 2, 2, 0), True, id="an X crosses"),
        pytest.param((0, 0, 2, 2), (2, 2, 4, 0), False, id="sharing an end point"),
        pytest.param((0, 0, 2, 0), (1, 0, 1, 2), False, id="a T: one ends on the other"),
        pytest.param((0, 0, 2, 0), (1, -1, 1, 0), False, id="a T from below"),
        pytest.param((0, 0, 2, 0), (1, 0, 3, 0), False, id="collinear and overlapping"),
        pytest.param((0, 0, 1, 0), (2, 0, 3, 0), False, id="collinear and apart"),
        pytest.param((0, 0, 2, 0), (0, 1, 2, 1), False, id="parallel"),
        pytest.param((0, 0, 1, 1), (2, 0, 3, -1), False, id="the lines cross, the segments not"),
        pytest.param((0, 0, 0, 0), (-1, -1, 1, 1), False, id="a point on a segment"),
    ],
)
def test_segments_cross_only_properly(a, b, expected):
    assert segments_cross(a, b) is expected
    assert segments_cross(b, a) is expected, "symmetric"
    flipped = (a[2], a[3], a[0], a[1])
    assert segments_cross(flipped, b) is expected, "either direction"


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        pytest.param((0, 1.5, 4, 1.5), True, id="straight through"),
        pytest.param((2, 0, 2, 1.5), True, id="ends inside"),
        pytest.param((1.5, 1.2, 2.5, 1.8), True, id="wholly inside"),
        pytest.param((0, 0, 4, 3), True, id="a diagonal through the middle"),
        pytest.param((2, 0, 2, 1), False, id="ends on the bottom edge"),
        pytest.param((2, 3, 2, 2), False, id="ends on the top edge"),
        pytest.param((0, 1, 4, 1), False, id="runs along the bottom edge"),
        pytest.param((3, 0, 3, 3), False, id="runs along the right edge"),
        pytest.param((0, 0, 1, 1), False, id="touches a corner"),
        pytest.param((0, 2, 2, 4), False, id="passes above"),
        pytest.param((4, 0, 5, 3), False, id="wholly to the right"),
        pytest.param((2, 1.5, 2, 1.5), True, id="a point inside"),
    ],
)
def test_segment_hits_the_open_box(segment, expected):
    assert segment_hits_box(segment, BOX) is expected
    reverse = (segment[2], segment[3], segment[0], segment[1])
    assert segment_hits_box(reverse, BOX) is expected, "either direction"


@given(
    st.tuples(*[st.floats(-5, 5, allow_nan=False) for _ in range(4)]),
    st.floats(0.01, 0.99),
)
def test_segment_hits_box_agrees_with_sampling(segment, t):
    """A point of the segment strictly inside the box means a hit."""
    x0, y0, x1, y1 = segment
    px, py = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
    if BOX[0] < px < BOX[2] and BOX[1] < py < BOX[3]:
        assert segment_hits_box(segment, BOX)


def test_row_clash_counts_every_tier_a_label_spans():
    rows: list[list[tuple[float, float]]] = [[(1.0, 2.0)], [], [(5.0, 6.0)]]
    assert row_clash(rows, 0, 1, 1.5, 3.0), "overlaps the label in its tier"
    assert not row_clash(rows, 0, 1, 2.0, 3.0), "touching edges leave room"
    assert not row_clash(rows, 0, 1, 0.0, 1.0)
    assert not row_clash(rows, 1, 1, 1.5, 3.0), "another tier"
    assert row_clash(rows, 1, 2, 5.5, 7.0), "a two-line label reaches the tier above"
    assert not row_clash(rows, 1, 2, 2.5, 4.5)
    assert not row_clash(rows, 3, 1, 0.0, 9.0), "above every placed tier"


def test_leaders_and_boxes_block_each_other_only_below_the_leader_top():
    leader = (2.0, -0.3, 2.0, 2.0)  # a marker at x=2 rising to tier 2
    assert leader_blocked(leader, [[(1.5, 0.02, 2.5, 0.98)]]), "a tier-0 label over the marker"
    assert not leader_blocked(leader, [[(2.5, 0.02, 3.5, 0.98)]]), "a label beside it"
    placed = [(leader, 2.0, 2.0)]
    assert box_cut((1.5, 1.02, 2.5, 1.98), placed, 1), "a later label across the leader"
    assert not box_cut((1.5, 2.02, 2.5, 2.98), placed, 2), "a label at the leader's own tier"


def test_scale_maps_days_and_inches_both_ways():
    scale = Scale(left=1.0, right=5.0, x0=100.0, x1=500.0)
    assert scale.inch(100.0) == 1.0
    assert scale.inch(300.0) == 3.0
    assert scale.day(scale.inch(123.4)) == pytest.approx(123.4)
