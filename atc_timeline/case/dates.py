"""Partial dates as clinicians write them: 2017, 2017-10, 2017-08-30, with ~ or ? qualifiers."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["year", "month", "day"]

# Why ASCII: \d would also match Arabic-Indic or full-width digits and silently accept them.
_DATE_RE = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<qual>[~?%])?$", re.ASCII
)

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?[~?%]?$"

# How far an approximate (~) or uncertain (?) date may stray beyond its written precision.
# Why: "2019-01-15~" must look different from "2019-01-15"; a week either side is the
# convention we chose, a half month for month precision and a quarter for year precision.
_QUALIFIER_SLACK = {"day": 7, "month": 15, "year": 91}

# The years a chart can show. Why: pandas keeps dates as nanoseconds (1677-09-21 to
# 2262-04-11) and differences of dates as nanoseconds too (at most about 292 years); the
# relative axis and de-identified labels subtract the time zero from every date, and the
# axis pads the follow-up on both sides. Two centuries leave room for all of that, and
# cover every patient a case file describes (dates after today are refused anyway; only a
# time zero may lie ahead).
MIN_YEAR = 1900
MAX_YEAR = 2100

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class PartialDate:
    """A date known to year, month or day precision, possibly approximate or uncertain."""

    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    uncertain: bool = False

    def __post_init__(self) -> None:
        # Why here too: a PartialDate made in Python must hold what parse_date checks.
        problem = date_problem(self.year, self.month, self.day)
        if problem is not None:
            raise ValueError(f"'{self.iso()}' {problem}")

    @property
    def precision(self) -> Precision:
        """The finest unit the date was written with."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def qualified(self) -> bool:
        """True when the date is marked approximate or uncertain."""
        return self.approximate or self.uncertain

    @property
    def exact(self) -> bool:
        """True for an unqualified day-precision date."""
        return self.precision == "day" and not self.qualified

    def lower(self) -> dt.date:
        """The earliest day the written date can mean (qualifiers ignored)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def upper(self) -> dt.date:
        """The latest day the written date can mean (qualifiers ignored)."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def bounds(self) -> tuple[dt.date, dt.date]:
        """Earliest and latest plausible day, widened for ~ and ? qualifiers."""
        lo, hi = self.lower(), self.upper()
        if self.qualified:
            slack = dt.timedelta(days=_QUALIFIER_SLACK[self.precision])
            lo, hi = _safe_add(lo, -slack), _safe_add(hi, slack)
        return lo, hi

    def midpoint(self) -> dt.date:
        """The middle of the written range, where a point marker is drawn."""
        lo, hi = self.lower(), self.upper()
        return lo + (hi - lo) // 2

    def plain(self) -> str:
        """The period the date names, without its qualifier: 'Oct 2017', '2016'."""
        return PartialDate(self.year, self.month, self.day).display()

    @property
    def qualifier(self) -> str:
        """The EDTF qualifier suffix, or an empty string."""
        if self.approximate and self.uncertain:
            return "%"
        if self.approximate:
            return "~"
        if self.uncertain:
            return "?"
        return ""

    def iso(self) -> str:
        """The date as written in the case file, e.g. '2017-10~'."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text + self.qualifier

    def display(self) -> str:
        """A human form that keeps the precision: 'Oct 2017', '30 Aug 2017', 'c. 2019'."""
        if self.day is not None and self.month is not None:
            text = f"{self.day} {_MONTH_ABBR[self.month - 1]} {self.year}"
        elif self.month is not None:
            text = f"{_MONTH_ABBR[self.month - 1]} {self.year}"
        else:
            text = str(self.year)
        if self.approximate:
            text = "c. " + text
        if self.uncertain:
            text += "?"
        return text

    def __str__(self) -> str:
        return self.iso()


def _safe_add(day: dt.date, delta: dt.timedelta) -> dt.date:
    try:
        return day + delta
    except OverflowError:
        return dt.date.min if delta.days < 0 else dt.date.max


def shown(value: object, limit: int = 80) -> str:
    """A value quoted for a message, cut short: a date field may hold a paste of any length."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):  # as YAML writes it
        return "'true'" if value else "'false'"
    text = value if isinstance(value, str) else repr(value)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def looks_like_date(value: object) -> bool:
    """Whether `value` is written as a date (2017, 2017-10, 2017-08-30~), possible or not."""
    return isinstance(value, str) and _DATE_RE.match(value.strip()) is not None


def date_problem(year: int, month: int | None, day: int | None) -> str | None:
    """Why year, month and day make no date a chart can show (to follow the date), or None."""
    if year == 0:
        return "is not a date: year 0 does not exist"
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"is outside the years a chart can show ({MIN_YEAR} to {MAX_YEAR})"
    if month is None:
        return None if day is None else "is not a date: a day needs a month"
    if not 1 <= month <= 12:
        return f"is not a date: there is no month {month}"
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"does not exist: {_MONTH_ABBR[month - 1]} {year} has {last} days"
    return None


def parse_date(value: object) -> PartialDate:
    """Parse '2017', '2017-10', '2017-08-30' (+ optional ~ ? %) into a PartialDate.

    Raises ValueError with a plain-language message for anything else.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a date like 2017-08-30, 2017-10 or 2017, got {shown(value)}")
    if isinstance(value, int):
        if not 0 <= value <= 9999:
            raise ValueError("expected a date like 2017-08-30, 2017-10 or 2017, got a number")
        value = str(value)
    if isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expected a date like 2017-08-30, 2017-10 or 2017, got {shown(value)}")
    text = value.strip()
    match = _DATE_RE.match(text)
    if match is None:
        raise ValueError(
            f"{shown(value)} is not a date; write 2017-08-30, 2017-10 or 2017, "
            "optionally followed by ~ (approximate) or ? (uncertain)"
        )
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    problem = date_problem(year, month, day)
    if problem is not None:
        raise ValueError(f"{shown(value)} {problem}")
    qual = match["qual"] or ""
    return PartialDate(
        year=year,
        month=month,
        day=day,
        approximate=qual in ("~", "%"),
        uncertain=qual in ("?", "%"),
    )
