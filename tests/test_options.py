"""ChartOptions refuse impossible settings when made, in plain words that name no command-line flag."""

from __future__ import annotations

import math

import pytest

from atc_timeline.errors import OptionError
from atc_timeline.options import SIZE_PRESETS, ChartOptions, check_time_zero


@pytest.mark.parametrize(
    ("settings", "option", "words"),
    [
        ({"unit": "years"}, "unit", "unknown unit 'years'; use one of: days, weeks, months"),
        ({"axis": "diagonal"}, "axis", "unknown axis 'diagonal'"),
        ({"width": 0.5}, "width", "a width of 0.5 in is outside 2-60 in"),
        ({"height": 100.0}, "height", "a height of 100.0 in is outside 1.5-60 in"),
        ({"width": math.nan}, "width", "a width of nan in"),
        ({"dpi": 0}, "dpi", "a dpi of 0 is outside 20-1200"),
        ({"size": "poster"}, "size", "unknown size 'poster'"),
        ({"title": 42}, "title", "title 42 is not text"),
    ],
)
def test_bad_settings_are_refused_when_made(settings, option, words):
    with pytest.raises(OptionError) as caught:
        ChartOptions(**settings)
    assert caught.value.option == option
    assert words in str(caught.value)
    assert "--" not in str(caught.value)


def test_for_size_takes_the_preset_and_lets_width_and_height_override():
    journal = ChartOptions.for_size("journal-1col")
    assert (journal.width, journal.height) == SIZE_PRESETS["journal-1col"][:2]
    assert journal.text_scale() == SIZE_PRESETS["journal-1col"][2]
    assert journal.grows, "a journal column grows taller until its labels fit"
    fixed = ChartOptions.for_size("journal-1col", height=6.0)
    assert fixed.height == 6.0
    assert not fixed.grows, "a height given by the user is kept"
    wide = ChartOptions.for_size("journal-1col", width=10.0)
    assert wide.text_scale() != SIZE_PRESETS["journal-1col"][2], "another size gets its own text scale"
    with pytest.raises(OptionError, match="unknown size 'poster'; use one of: slide-16x9"):
        ChartOptions.for_size("poster")


def test_repr_names_only_what_differs_from_the_defaults():
    assert repr(ChartOptions()) == "ChartOptions()"
    assert repr(ChartOptions(dpi=300, unit="weeks")) == "ChartOptions(dpi=300, unit='weeks')"


def test_time_zero_must_name_something():
    check_time_zero("2019-03", {"a"}, True)
    check_time_zero("a", {"a"}, False)
    with pytest.raises(OptionError, match=r"time zero 'lunch' is neither 'diagnosis', an item id \(a\)"):
        check_time_zero("lunch", {"a"}, True)
    with pytest.raises(OptionError, match=r"has no diagnosis\.date"):
        check_time_zero("diagnosis", set(), False)
