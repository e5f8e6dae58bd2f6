"""Whether a chart fits its size: the smallest height that shows every label, and the warning naming it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atc_timeline.fitting import fit_warning, shown_labels, smallest_height
from atc_timeline.layout import Box, Label, Sizes, TickRow, TimelineLayout
from atc_timeline.options import ChartOptions


def _layout(height: float, shown: int, wanted: int, crowded: bool = False) -> TimelineLayout:
    """A layout of `height` inches that shows `shown` of `wanted` point labels."""
    box = Box(0, 0, 1, 1)
    labels = tuple(Label("x", 0, 0, "left", "bottom", 6, "point", box) for _ in range(shown))
    row = TickRow((), 6, 2, 2, "text")
    return TimelineLayout(
        3.5, height, box, (0, 1), (0, 1), Sizes(), "", "", "", 0, 0, 0, 0, (), (), 0, "alive", 0, "", "",
        "calendar", 30.0, (), (), (), (), labels, (), (), row, None, label_groups=wanted, crowded=crowded,
    )  # fmt: skip


@given(
    threshold=st.floats(4.81, 12.0),
    start=st.sampled_from([4.8, 5.0, 7.5]),
    cap=st.sampled_from([9.0, 15.0]),
)
def test_the_smallest_height_is_found_to_a_tenth_and_was_laid_out(threshold, start, cap):
    tried: list[float] = []

    def at(height: float) -> TimelineLayout:
        tried.append(height)
        return _layout(height, 10 if height >= threshold else 7, 10)

    found = smallest_height(at, start, cap, lambda layout: layout.complete)
    if threshold > cap or threshold <= start:
        assert found is None or threshold <= start
        return
    assert found is not None
    assert found in tried, "the height named was laid out"
    assert threshold <= found < threshold + 0.1 + 1e-6
    assert found == round(found, 2)
    assert len(tried) <= 20, "a few layouts, not a scan of every tenth"


def test_a_chart_that_fits_has_no_warning():
    assert fit_warning(_layout(4.8, 5, 5), ChartOptions.for_size("journal-1col"), None) is None


def test_the_warning_names_the_height_that_shows_every_label():
    options = ChartOptions.for_size("journal-1col")
    message = fit_warning(_layout(4.8, 9, 14, crowded=True), options, _layout(6.2, 14, 14))
    assert message == (
        "journal-1col (3.5 x 4.8 in): 9 of 14 event labels shown, lanes squeezed and texts that would "
        "crowd left off; a height of 6.2 in shows them all (--height 6.2, or --height auto to grow as needed)"
    )


def test_the_warning_names_another_size_when_no_height_shows_every_label():
    options = ChartOptions.for_size("journal-1col")
    message = fit_warning(_layout(4.8, 9, 14), options, _layout(9.0, 12, 14), "--size journal-2col")
    assert "a height of 9 in shows 12 of 14" in message
    message = fit_warning(_layout(4.8, 9, 14), options, None, "--size journal-2col")
    assert message.endswith("; --size journal-2col shows them all")
    message = fit_warning(_layout(4.8, 9, 14), options, None)
    assert "no taller chart, up to 9 in, shows more" in message
    assert "markers, with their text in the SVG tooltips" in message


def test_a_grown_chart_says_how_tall_it_grew_and_what_it_still_drops():
    options = ChartOptions.for_size("journal-2col", height="auto")
    message = fit_warning(_layout(9.0, 20, 25), options, None)
    assert message.startswith("journal-2col (7.2 x 5 in), grown to 9 in: 20 of 25 event labels shown")
    assert "--height" not in message, "it was already asked to grow"


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (ChartOptions.for_size("journal-1col"), "journal-1col (3.5 x 4.8 in)"),
        (ChartOptions.for_size("journal-1col", height=3), "journal-1col (3.5 x 3 in)"),
        (ChartOptions(width=5, height=4), "5 x 4 in"),
    ],
)
def test_the_warning_names_the_size_and_its_inches(options, name):
    assert fit_warning(_layout(4.0, 1, 2), options, None).startswith(f"{name}: 1 of 2 event labels shown")


@pytest.mark.parametrize("shown", [0, 3])
def test_shown_labels_counts_point_labels_only(shown):
    layout = _layout(5.0, shown, 3)
    lane = Label("Lane", 0, 0, "right", "center", 7, "lane", Box(0, 0, 1, 1))
    assert shown_labels(replace(layout, labels=(*layout.labels, lane))) == shown
