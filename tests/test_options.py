"""ChartOptions refuse impossible settings when made, in plain words that name no command-line flag."""

from __future__ import annotations

import math

import pytest

from atc_timeline.errors import OptionError
from atc_timeline.layout import Sizes
from atc_timeline.layout.search import MIN_LABEL_POINTS
from atc_timeline.options import (
    MAX_JOURNAL_HEIGHT,
    MAX_MEGAPIXELS,
    SIZE_PRESETS,
    TEXT_SIZES,
    ChartOptions,
    check_time_zero,
)


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
    assert not journal.grow, "a preset holds its size unless asked to grow"
    fixed = ChartOptions.for_size("journal-1col", height=6.0)
    assert fixed.height == 6.0
    assert fixed.text_scale() == journal.text_scale(), "a taller column keeps the column's text"
    auto = ChartOptions.for_size("journal-1col", height="auto")
    assert (auto.height, auto.grow) == (journal.height, True)
    assert auto.max_height == MAX_JOURNAL_HEIGHT, "a journal figure grows up to a page"
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
    # A date the chart cannot show is told why, not that it is no date.
    with pytest.raises(OptionError, match=r"time zero '9999' is outside the years a chart can show"):
        check_time_zero("9999", {"a"}, True)
    with pytest.raises(OptionError, match=r"time zero '2017-13' is not a date: there is no month 13"):
        check_time_zero("2017-13", {"a"}, True)


def test_the_pixel_count_is_capped_with_the_dpi_that_would_do():
    with pytest.raises(OptionError) as caught:
        ChartOptions(width=60, height=60, dpi=1200)
    assert caught.value.option == "dpi"
    message = str(caught.value)
    assert "72,000 x 72,000 pixels (5,184 megapixels)" in message
    assert f"the most is {MAX_MEGAPIXELS} megapixels: use a dpi of 204 or less at this size" in message
    assert "--" not in message
    ChartOptions(width=60, height=60, dpi=204)  # what the message offers is accepted


def test_an_a0_poster_at_300_dpi_is_allowed():
    ChartOptions(width=33.1, height=46.8, dpi=300)


def test_a_growing_chart_is_capped_at_the_height_it_may_grow_to():
    ChartOptions.for_size("journal-2col", height="auto", width=20, dpi=600)
    with pytest.raises(OptionError, match=r"20 x 9 in chart \(it may grow to 9 in\) at 1200 dpi"):
        ChartOptions.for_size("journal-2col", height="auto", width=20, dpi=1200)
    # Not asked to grow, it keeps its height, so only that height counts.
    ChartOptions.for_size("journal-2col", width=20, dpi=1200)


@pytest.mark.parametrize(
    ("settings", "cap"),
    [
        ({"size": "journal-1col"}, 9.0),
        ({"size": "journal-2col"}, 9.0),
        ({"size": "journal-1col", "height": 10.0}, 10.0),  # never below the height asked for
        ({"width": 5.0, "height": 3.0}, 9.0),  # as narrow as a journal page: a page
        ({"size": "slide-16x9"}, 15.0),  # wider: twice its height
        ({"size": "a4-landscape"}, 16.54),
        ({"width": 40.0, "height": 40.0}, 60.0),  # never past the tallest chart allowed
    ],
)
def test_the_height_a_chart_may_grow_to(settings, cap):
    options = ChartOptions.for_size(settings.pop("size", None), **settings)
    assert options.max_height == pytest.approx(cap)


def test_grow_and_an_auto_height_are_checked():
    with pytest.raises(OptionError, match="a height of 'tall' is neither inches nor 'auto'") as caught:
        ChartOptions.for_size("journal-1col", height="tall")
    assert caught.value.option == "height"
    with pytest.raises(OptionError, match="grow=True"):
        ChartOptions(height="auto")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="grow 'yes' is neither True nor False"):
        ChartOptions(grow="yes")  # type: ignore[arg-type]
    assert ChartOptions.for_size(None, height=" AUTO ").grow
    assert repr(ChartOptions(grow=True)) == "ChartOptions(grow=True)"


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
@pytest.mark.parametrize("height", [None, 3.0, 12.0])
def test_no_preset_scales_text_below_5_points(size, height):
    options = ChartOptions.for_size(size, height=height)
    smallest = min(getattr(Sizes().scaled(options.text_scale()), name) for name in TEXT_SIZES)
    assert smallest >= MIN_LABEL_POINTS


def test_no_size_scales_text_below_5_points():
    tiny = ChartOptions(width=2.0, height=1.5)
    smallest = min(getattr(Sizes().scaled(tiny.text_scale()), name) for name in TEXT_SIZES)
    assert smallest >= MIN_LABEL_POINTS


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("bell\x07", "the title contains the control character U+0007 at character 5; remove it"),
        ("\x00", "the control character U+0000"),
        ("del\x7f", "the control character U+007F"),
        ("next line\x85", "the control character U+0085"),
        ("\ufffe", "the Unicode noncharacter U+FFFE"),
        ("x\uffff", "the Unicode noncharacter U+FFFF at character 2"),
        ("a\ufdd0", "the Unicode noncharacter U+FDD0"),
        ("b\U0001fffe", "the Unicode noncharacter U+1FFFE"),
        ("bad \udcff byte", "the title is not UTF-8 text (byte 0xFF at character 5)"),
        ("lone \ud800", "half of a UTF-16 surrogate pair U+D800"),
        ("t" * 1001, "a title of 1,001 characters is longer than the 1,000 allowed"),
    ],
)
def test_titles_no_chart_can_show_are_refused(title, words):
    with pytest.raises(OptionError) as caught:
        ChartOptions(title=title)
    assert caught.value.option == "title"
    assert words in str(caught.value)
    with pytest.raises(OptionError):
        ChartOptions.for_size("journal-1col", title=title)


@pytest.mark.parametrize("title", ["Tab\tand\nnew line\r", "Ünïcödé — 甲状腺", "t" * 1000, ""])
def test_titles_case_files_accept_are_accepted(title):
    assert ChartOptions(title=title).title == title
