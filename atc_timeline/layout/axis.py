"""The time axes: calendar and relative ticks, their labels, and the depth each tick row takes."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
from collections.abc import Callable

from atc_timeline.layout.caption import wrap_caption
from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.model import MIN_TEXT_POINTS, UNIT_DAYS, LayoutOptions, Sizes, Tick, TickRow
from atc_timeline.layout.text import Measure

TICK_PAD = 3.5  # points between a tick mark and its label, as matplotlib's default
EDGE = 0.05  # inches every tick label and axis title keeps from the figure's edges
_EPOCH = dt.datetime(1970, 1, 1)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Calendar tick steps from finest to coarsest, as matplotlib's AutoDateLocator offers them
# with interval_multiples: days of the month, months of the year, then years.
_DAY_STEPS = (1, 2, 4, 7, 14)
_MONTH_STEPS = (1, 2, 3, 4, 6)
_YEAR_STEPS = (1, 2, 4, 5, 10, 20, 40, 50, 100, 200, 400, 500, 1000, 2000, 4000, 5000, 10000)
_MIN_TICKS, _MAX_TICKS = 4, 10
_LADDER = (
    *(("day", k) for k in _DAY_STEPS),
    *(("month", k) for k in _MONTH_STEPS),
    *(("year", k) for k in _YEAR_STEPS),
)
_RELATIVE_STEPS = {
    "days": (1, 2, 5, 7, 14, 28, 56, 91, 182, 365, 730),
    "weeks": (1, 2, 4, 8, 13, 26, 52, 104, 260),
    "months": (1, 2, 3, 6, 12, 24, 36, 60, 120),
}
_MAX_THINNING = 12  # coarser choices tried before the coarsest is kept anyway


def nice_step(span: float, unit: str) -> float:
    """A tick step in `unit` that gives about 4-12 ticks over `span` units."""
    steps = _RELATIVE_STEPS[unit]
    for step in steps:
        if span / step <= 12:
            return float(step)
    return float(math.ceil(span / 12 / steps[-1]) * steps[-1])


def relative_ticks(lo: float, hi: float, zero: float, unit: str, coarser: int = 0) -> tuple[Tick, ...]:
    """Ticks across [lo, hi] (days) at a nice step of `unit` from time zero, labelled in that unit.

    `coarser` takes that many steps past the nice one (to thin labels that would collide).
    """
    days = UNIT_DAYS[unit]
    rlo, rhi = (lo - zero) / days, (hi - zero) / days
    step = nice_step(rhi - rlo, unit)
    ladder = [step, *(float(k) for k in _RELATIVE_STEPS[unit] if k > step)]
    step = ladder[coarser] if coarser < len(ladder) else ladder[-1] * (coarser - len(ladder) + 2)
    first = math.floor(rlo / step) * step
    count = int((rhi - first) / step) + 2
    values = [first + i * step for i in range(count) if rlo <= first + i * step <= rhi]
    return tuple(Tick(zero + t * days, f"{t:g}") for t in values)


def calendar_ticks(lo: float, hi: float, coarser: int = 0) -> tuple[Tick, ...]:
    """Date ticks across [lo, hi] (days) with concise labels: '2018'; 'Jul\\n2018'; 'Oct', '15 Oct'.

    The ticks and labels matplotlib's AutoDateLocator(minticks=4, maxticks=10) and
    ConciseDateFormatter give, worked out here because layout never imports matplotlib;
    `coarser` takes that many steps past its choice (to thin labels that would collide).
    """
    start, end = _datetime(lo), _datetime(hi)
    months = _whole_months(start, end)
    if months // 12 >= _MIN_TICKS:
        chosen = _LADDER.index(("year", _step(months // 12, _YEAR_STEPS)))
    elif months >= _MIN_TICKS:
        chosen = _LADDER.index(("month", _step(months, _MONTH_STEPS)))
    else:
        # A chart spans at least 60 days, so ticks are never finer than days.
        chosen = _LADDER.index(("day", _step((end - start).days, _DAY_STEPS)))
    unit, step = _LADDER[min(chosen + coarser, len(_LADDER) - 1)]
    if unit == "year":
        first, last = start.year // step * step, -(-end.year // step) * step
        dates = [dt.date(y, 1, 1) for y in range(max(first, 1), min(last, 9999) + 1, step)]
    elif unit == "month":
        dates = [d for d in _month_starts(start, end) if d.month in range(1, 13)[::step]]
    else:
        monthdays = {14: (1, 15), 7: (1, 8, 15, 22)}.get(step, range(1, 32)[::step])
        dates = [d for d in _midnights(start, end) if d.day in monthdays]
    kept = [d for d in dates if lo <= _day(d) <= hi]
    return tuple(Tick(_day(d), text) for d, text in zip(kept, _concise(kept), strict=True))


def axis_rows(
    options: LayoutOptions, g: Scale, zero: float, title: str, s: Sizes, measure: Measure
) -> tuple[TickRow, TickRow | None]:
    """The bottom tick row and the top one (None without --axis both), with their titles.

    Every label is measured at its size: neighbours stand apart and none leaves the figure.
    """
    lo, hi = g.x0, g.x1
    inside = (EDGE, options.width - EDGE)
    # The axis title is centred on the plot: as wide as the figure allows on both sides.
    middle = (g.left + g.right) / 2
    title_room = 2 * (min(middle, options.width - middle) - EDGE)

    def relative(size: float) -> tuple[Tick, ...]:
        return _thinned(lambda k: relative_ticks(lo, hi, zero, options.unit, k), g, size, measure, inside)

    def titled(size: float) -> str:
        return wrap_caption(title, title_room, size, measure, 1)

    if options.axis == "relative":
        # No calendar at all: ticks are placed in days but labelled in the relative unit.
        bottom = _row(relative(s.tick), s.tick, 4.0, "text", titled(s.tick), 4.0, measure)
    else:
        ticks = _thinned(lambda k: calendar_ticks(lo, hi, k), g, s.tick, measure, inside)
        bottom = _row(ticks, s.tick, 4.0, "text", "", 0.0, measure)
    if options.axis != "both":
        return bottom, None
    small = max(s.tick * 0.9, MIN_TEXT_POINTS)  # the relative row is a little smaller, never below 5 pt
    return bottom, _row(relative(small), small, 3.0, "muted", titled(small), 3.0, measure)


def _thinned(
    ticks: Callable[[int], tuple[Tick, ...]],
    g: Scale,
    size: float,
    measure: Measure,
    inside: tuple[float, float],
) -> tuple[Tick, ...]:
    """The first of ever coarser tick choices whose neighbouring labels stand half an em apart.

    A label that would run past the figure's edge (`inside`, inches) is left off; its
    tick's place is clear from its neighbours.
    """
    gap = size / 72 * 0.5
    found: tuple[Tick, ...] = ()
    for coarser in range(_MAX_THINNING):
        found = ticks(coarser)
        widths = [measure(t.text, size)[0] for t in found]
        kept = [
            (t, w)
            for t, w in zip(found, widths, strict=True)
            if g.inch(t.x) - w / 2 >= inside[0] and g.inch(t.x) + w / 2 <= inside[1]
        ]
        if all(
            g.inch(b.x) - g.inch(a.x) >= (wa + wb) / 2 + gap
            for (a, wa), (b, wb) in itertools.pairwise(kept)
        ):
            return tuple(t for t, _ in kept)
    return _sparse(found, g, size, measure, inside)


def _sparse(
    found: tuple[Tick, ...], g: Scale, size: float, measure: Measure, inside: tuple[float, float]
) -> tuple[Tick, ...]:
    """Ticks kept left to right, each only where its label clears the last one kept (a last resort)."""
    gap = size / 72 * 0.5
    kept: list[Tick] = []
    reach = inside[0]
    for tick in found:
        x, w = g.inch(tick.x), measure(tick.text, size)[0]
        if x - w / 2 >= reach and x + w / 2 <= inside[1]:
            kept.append(tick)
            reach = x + w / 2 + gap
    return tuple(kept)


def _row(
    ticks: tuple[Tick, ...], size: float, mark: float, color: str, title: str, gap: float, measure: Measure
) -> TickRow:
    """A tick row whose depth is measured: mark, pad, the tallest label, then gap and title."""
    labels = max((measure(t.text, size)[1] for t in ticks), default=0.0) * 72
    reach = mark + TICK_PAD + labels  # points from the edge to the labels' far side
    if not title:
        return TickRow(ticks, size, mark, mark + TICK_PAD, color, depth=reach / 72)
    offset = reach + gap
    depth = offset / 72 + measure(title, size)[1]
    return TickRow(ticks, size, mark, mark + TICK_PAD, color, title, offset, depth)


def _step(count: float, steps: tuple[int, ...]) -> int:
    """The finest step that puts at most _MAX_TICKS ticks on `count` units (else the coarsest)."""
    return next((step for step in steps if count <= step * (_MAX_TICKS - 1)), steps[-1])


def _datetime(day: float) -> dt.datetime:
    """A day number as a datetime, to the microsecond (as matplotlib's num2date rounds it)."""
    return _EPOCH + dt.timedelta(microseconds=round(day * 86_400_000_000))


def _day(date: dt.date) -> float:
    """A date's day number."""
    return float((date - _EPOCH.date()).days)


def _whole_months(start: dt.datetime, end: dt.datetime) -> int:
    """Whole calendar months from start to end, counted as dateutil's relativedelta counts them."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and _add_months(start, months) > end:
        months -= 1
    return months


def _add_months(when: dt.datetime, months: int) -> dt.datetime:
    """`months` later, on the same day of the month or else the month's last day."""
    year, month = divmod(when.month - 1 + months, 12)
    year, month = when.year + year, month + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def _midnights(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The days whose midnight lies from start to end."""
    first = start.date() if start.time() == dt.time() else start.date() + dt.timedelta(days=1)
    return [first + dt.timedelta(days=i) for i in range((end.date() - first).days + 1)]


def _month_starts(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The first days of months whose midnight lies from start to end."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = dt.date(year, month, 1)
        if start <= dt.datetime(year, month, 1) <= end:
            found.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _concise(dates: list[dt.date]) -> list[str]:
    """Labels naming only what changes across the ticks, as ConciseDateFormatter writes them.

    Days changing: the month's name on its first day, else the day and month ('15 Oct');
    months changing: month and year; else the year alone.
    """
    if len({d.day for d in dates}) > 1:
        return [_MONTHS[d.month - 1] if d.day == 1 else f"{d.day:02d} {_MONTHS[d.month - 1]}" for d in dates]
    if len({d.month for d in dates}) > 1:
        return [f"{_MONTHS[d.month - 1]}\n{d.year}" for d in dates]
    return [str(d.year) for d in dates]
