"""Partial dates: precision, bounds, qualifiers, display and plain-language errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from atc_timeline.case.dates import MAX_YEAR, MIN_YEAR, PartialDate, parse_date

DAYS = st.dates(dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31))

# --- precision ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "precision", "fields"),
    [
        ("2017", "year", (2017, None, None)),
        ("2017-10", "month", (2017, 10, None)),
        ("2017-08-30", "day", (2017, 8, 30)),
    ],
)
def test_precision_follows_what_is_written(text: str, precision: str, fields: tuple) -> None:
    date = parse_date(text)
    assert date.precision == precision
    assert (date.year, date.month, date.day) == fields
    assert not date.qualified


def test_int_year_and_date_objects_are_accepted() -> None:
    # YAML hands an unquoted 2017 over as an int.
    assert parse_date(2017) == PartialDate(2017)
    assert parse_date(dt.date(2017, 8, 30)) == PartialDate(2017, 8, 30)


def test_surrounding_whitespace_is_ignored() -> None:
    assert parse_date("  2017-10 ") == PartialDate(2017, 10)


def test_only_unqualified_day_dates_are_exact() -> None:
    assert parse_date("2017-08-30").exact
    assert not parse_date("2017-08-30~").exact
    assert not parse_date("2017-08-30?").exact
    assert not parse_date("2017-08").exact
    assert not parse_date("2017").exact


# --- lower / upper --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("2017", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        ("2017-10", dt.date(2017, 10, 1), dt.date(2017, 10, 31)),
        ("2017-04", dt.date(2017, 4, 1), dt.date(2017, 4, 30)),
        ("2017-12", dt.date(2017, 12, 1), dt.date(2017, 12, 31)),
        ("2020-02", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),  # leap year
        ("2019-02", dt.date(2019, 2, 1), dt.date(2019, 2, 28)),
        ("2000-02", dt.date(2000, 2, 1), dt.date(2000, 2, 29)),  # divisible by 400: leap
        ("1900-02", dt.date(1900, 2, 1), dt.date(1900, 2, 28)),  # divisible by 100: not leap
        ("2017-08-30", dt.date(2017, 8, 30), dt.date(2017, 8, 30)),
    ],
)
def test_lower_and_upper_cover_the_written_period(text: str, lower: dt.date, upper: dt.date) -> None:
    date = parse_date(text)
    assert date.lower() == lower
    assert date.upper() == upper


def test_qualifiers_do_not_move_lower_and_upper() -> None:
    assert parse_date("2017-10~").lower() == dt.date(2017, 10, 1)
    assert parse_date("2017-10~").upper() == dt.date(2017, 10, 31)


def test_midpoint_of_a_month() -> None:
    # 1..31 Oct: 30 days apart, half is 15 -> 16 Oct.
    assert parse_date("2017-10").midpoint() == dt.date(2017, 10, 16)
    assert parse_date("2017-08-30").midpoint() == dt.date(2017, 8, 30)


# --- qualifiers and bounds() ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "approximate", "uncertain", "qualifier"),
    [
        ("2017-10", False, False, ""),
        ("2017-10~", True, False, "~"),
        ("2017-10?", False, True, "?"),
        ("2017-10%", True, True, "%"),
    ],
)
def test_qualifier_flags(text: str, approximate: bool, uncertain: bool, qualifier: str) -> None:
    date = parse_date(text)
    assert (date.approximate, date.uncertain) == (approximate, uncertain)
    assert date.qualifier == qualifier
    assert date.qualified == (approximate or uncertain)


def test_bounds_of_an_unqualified_date_are_lower_and_upper() -> None:
    date = parse_date("2017-10")
    assert date.bounds() == (date.lower(), date.upper())


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        # a week either side of a day
        ("2019-01-15~", dt.date(2019, 1, 8), dt.date(2019, 1, 22)),
        ("2019-01-15?", dt.date(2019, 1, 8), dt.date(2019, 1, 22)),
        # 15 days either side of a month
        ("2017-10~", dt.date(2017, 9, 16), dt.date(2017, 11, 15)),
        # 91 days either side of a year: 2019-01-01 - 91 d = 2018-10-02; 2019-12-31 + 91 d = 2020-03-31
        ("2019%", dt.date(2018, 10, 2), dt.date(2020, 3, 31)),
    ],
)
def test_qualified_bounds_are_widened(text: str, lo: dt.date, hi: dt.date) -> None:
    assert parse_date(text).bounds() == (lo, hi)


def test_bounds_at_the_ends_of_the_range_stay_inside_what_pandas_can_hold() -> None:
    lo = parse_date(f"{MIN_YEAR}-01-01~").bounds()[0]
    hi = parse_date(f"{MAX_YEAR}-12-31~").bounds()[1]
    assert pd.Timestamp.min.date() < lo < hi < pd.Timestamp.max.date()


@pytest.mark.parametrize("text", ["1899-12-31", "1600", "0001-01-01", "2101", "9999-12-31~"])
def test_years_outside_the_range_are_refused_with_the_range(text: str) -> None:
    expected = f"is outside the years a chart can show \\({MIN_YEAR} to {MAX_YEAR}\\)"
    with pytest.raises(ValueError, match=expected):
        parse_date(text)


def test_a_partial_date_made_in_python_is_checked_too() -> None:
    with pytest.raises(ValueError, match="outside the years"):
        PartialDate(812, 3)
    with pytest.raises(ValueError, match="there is no month 13"):
        PartialDate(2019, 13)
    with pytest.raises(ValueError, match="Feb 2019 has 28 days"):
        PartialDate(2019, 2, 29)
    with pytest.raises(ValueError, match="a day needs a month"):
        PartialDate(2019, None, 5)


# --- display and iso ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2017-10", "Oct 2017"),
        ("2017-08-30", "30 Aug 2017"),
        ("2017-08-03", "3 Aug 2017"),
        ("2019", "2019"),
        ("2019~", "c. 2019"),
        ("2019-01?", "Jan 2019?"),
        ("2019-01-15%", "c. 15 Jan 2019?"),
    ],
)
def test_display_keeps_precision_and_qualifier(text: str, shown: str) -> None:
    assert parse_date(text).display() == shown


@pytest.mark.parametrize("text", ["2017", "2017-10", "2017-08-30", "2017-10~", "2017?", "2017-08-30%"])
def test_iso_gives_back_what_was_written(text: str) -> None:
    date = parse_date(text)
    assert date.iso() == text
    assert str(date) == text
    assert parse_date(date.iso()) == date


# --- bad input ------------------------------------------------------------------------------


def test_impossible_day_names_the_month_length() -> None:
    with pytest.raises(ValueError, match="Feb 2019 has 28 days"):
        parse_date("2019-02-30")


def test_29_february_only_in_leap_years() -> None:
    assert parse_date("2020-02-29").upper() == dt.date(2020, 2, 29)
    with pytest.raises(ValueError, match="Feb 2019 has 28 days"):
        parse_date("2019-02-29")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2017-13", "there is no month 13"),
        ("2017-00", "there is no month 0"),
        ("2017-10-00", "Oct 2017 has 31 days"),
        ("2017-04-31", "Apr 2017 has 30 days"),
        ("0000", "year 0 does not exist"),
        ("2017-1", "is not a date; write 2017-08-30, 2017-10 or 2017"),
        ("17-10-2017", "is not a date"),
        ("30/08/2017", "is not a date"),
        ("2017-10~?", "is not a date"),
        ("Oct 2017", "is not a date"),
        ("", "is not a date"),
        ("2017-08-30T10:00", "is not a date"),
        (3.5, "expected a date like 2017-08-30"),
        (None, "expected a date like 2017-08-30"),
        (True, "expected a date like 2017-08-30"),
    ],
)
def test_bad_input_is_explained_in_plain_words(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_date(value)
    # plain language, not a Python repr of an internal failure
    assert "Traceback" not in str(info.value)
    assert "invalid literal" not in str(info.value)


def test_non_ascii_digits_are_not_dates() -> None:
    # Why: \d matches Arabic-Indic and full-width digits; "٢٠١٧" must not silently become 2017.
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("٢٠١٧")
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("２０１７-10")


# --- properties -----------------------------------------------------------------------------

qualifiers = st.sampled_from(["", "~", "?", "%"])
precisions = st.sampled_from(["year", "month", "day"])


def _write(day: dt.date, precision: str, qualifier: str) -> str:
    """Write `day` as a case file would at `precision`: 2017, 2017-08 or 2017-08-30."""
    parts = [f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"]
    count = {"year": 1, "month": 2, "day": 3}[precision]
    return "-".join(parts[:count]) + qualifier


@given(day=DAYS, precision=precisions, qualifier=qualifiers)
def test_any_valid_date_round_trips(day: dt.date, precision: str, qualifier: str) -> None:
    text = _write(day, precision, qualifier)
    date = parse_date(text)
    assert date.iso() == text
    assert parse_date(date.iso()) == date
    assert date.precision == precision
    assert date.qualifier == qualifier


@given(day=DAYS, precision=precisions, qualifier=qualifiers)
def test_midpoint_and_bounds_are_ordered(day: dt.date, precision: str, qualifier: str) -> None:
    date = parse_date(_write(day, precision, qualifier))
    lo, hi = date.bounds()
    assert lo <= date.lower() <= date.midpoint() <= date.upper() <= hi
    # the day we started from is inside the written period
    assert date.lower() <= day <= date.upper()
    if not date.qualified:
        assert (lo, hi) == (date.lower(), date.upper())


# Date-shaped text (hypothesis draws any Unicode digit for \d) plus arbitrary text.
date_like_text = st.from_regex(r"\A\s?\d{4}(-\d{2}(-\d{2})?)?[~?%]?\s?\Z")


@given(text=st.one_of(st.text(), date_like_text))
def test_random_text_raises_only_value_error(text: str) -> None:
    try:
        date = parse_date(text)
    except ValueError:
        return
    # Anything accepted is written canonically: the text survives unchanged.
    assert date.iso() == text.strip()


@given(value=st.one_of(st.integers(), st.floats(), st.none(), st.binary(), st.lists(st.integers())))
def test_random_values_raise_only_value_error(value: object) -> None:
    try:
        date = parse_date(value)
    except ValueError:
        return
    assert isinstance(value, int)
    assert date.iso() == f"{value:04d}"


def test_a_huge_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(ValueError, match="is not a date") as info:
        parse_date("y" * 100_000)
    assert len(str(info.value)) < 300
    with pytest.raises(ValueError, match="got nothing"):
        parse_date(None)
    with pytest.raises(ValueError, match="got 'true'"):
        parse_date(True)
