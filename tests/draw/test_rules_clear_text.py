"""Cut-off, time-zero and grid lines never run through a drawn text; band labels sit beside their lines."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from atc_timeline.layout.rules import rule_gaps, rule_spans
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import Chart
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import CASES
from tests.helpers import drawn_texts
from tests.layout.generated import dense_case

RULES = ("cutoff-line", "time-zero-line", "death-line", "grid")


def _segments(fig) -> list[tuple[str, np.ndarray]]:
    """Each vertical rule's drawn segments, in pixels, with the rule's gid."""
    found = []
    for artist in fig.findobj(lambda a: a.get_gid() in RULES):
        if isinstance(artist, Line2D):
            points = artist.get_transform().transform(artist.get_xydata())
            for a, b in itertools.pairwise(points):
                if np.isfinite(a).all() and np.isfinite(b).all():
                    found.append((artist.get_gid(), np.array([a, b])))
        elif isinstance(artist, LineCollection):
            for path in artist.get_paths():
                found.append((artist.get_gid(), artist.get_transform().transform(path.vertices)))
    return found


def _crossings(chart: Chart) -> list[str]:
    fig = chart.figure
    texts = [(gid, box) for gid, _, box in drawn_texts(fig)]
    found = []
    for gid, seg in _segments(fig):
        x, (lo, hi) = seg[0, 0], sorted(seg[:, 1])
        for text_gid, box in texts:
            # A line at the very edge of a box (under half a pixel) is not through it.
            if box.x0 + 0.5 < x < box.x1 - 0.5 and lo < box.y1 - 0.5 and hi > box.y0 + 0.5:
                found.append(f"{gid} at x={x:.0f} through {text_gid}")
    return found


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_no_line_runs_through_a_text(path, size):
    chart = Chart(load_case(path), ChartOptions.for_size(size, dpi=100))
    assert not _crossings(chart)
    layout = chart.layout
    for role, x in (("cutoff", layout.cutoff_x), ("zero", layout.zero_x)):
        for label in (lb for lb in layout.labels if lb.role == role):
            line = layout.day_to_inch(x)
            assert not label.box.x0 < line < label.box.x1, f"the {role} label straddles its own line"
            assert label.box.x0 >= 0
            assert label.box.x1 <= layout.width


@settings(max_examples=20, deadline=None)
@given(case=dense_case(max_points=30), size=st.sampled_from(sorted(SIZE_PRESETS)))
def test_no_line_runs_through_a_text_in_crowded_cases(case, size):
    assert not _crossings(Chart(case, ChartOptions.for_size(size, dpi=72)))


def test_lines_break_only_where_a_text_sits(founding_case):
    # At slide size the founding case's bar texts keep off the cut-off line; in two columns
    # a point label crosses it.
    layout = Chart(founding_case, ChartOptions.for_size("journal-2col")).layout
    x = layout.cutoff_x
    spans, gaps = rule_spans(layout, x), rule_gaps(layout, x)
    assert gaps, "the founding case has labels across its cut-off line"
    covered = sum(hi - lo for lo, hi in spans) + sum(min(hi, layout.ylim[1]) - max(lo, 0) for lo, hi in gaps)
    assert covered == pytest.approx(layout.ylim[1] - layout.ylim[0]), "the line runs everywhere else"
    for lo, hi in gaps:
        assert any(
            lb.box.y0 - layout.axes.y0 <= hi and lb.box.y1 - layout.axes.y0 >= lo
            for lb in layout.labels
            if lb.box.x0 < layout.day_to_inch(x) < lb.box.x1 + 0.03
        )
