"""Dose phases shaded by dose: how much of its drug's colour each phase's fill takes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from atc_timeline.layout.model import Bar
from atc_timeline.layout.records import EventRecord

# The lowest dose's share of the drug's colour (the rest is the background): pale enough to
# read as "less", strong enough that the drug's hue still shows in every theme.
LIGHTEST = 0.4
# Phases whose doses cannot be compared alternate between the full colour and this, in file
# order, so that neighbours stay apart without claiming an order of doses.
ALTERNATE = 0.7

_TO_MG = {
    **dict.fromkeys(("g", "gram", "grams"), 1000.0),
    **dict.fromkeys(("mg", "milligram", "milligrams"), 1.0),
    **dict.fromkeys(("mcg", "µg", "μg", "ug", "microgram", "micrograms"), 1e-3),
    "ng": 1e-6,
}
# A phase's label is its dose as written, then its schedule code ("24 mg QD", "3 mg/kg Q2W");
# a dose may carry its schedule in words ("400 mg every 6 weeks").
_DOSE = re.compile(
    r"^\s*(?P<amount>\d+(?:[.,]\d+)*)\s*(?P<unit>[^\W\d_]+(?:/(?:[^\W\d_]+\d?|m²))?)?\s*(?P<schedule>.*?)\s*$"
)
# Administrations a day, by schedule as written (codes and words).
_PER_DAY = {
    **dict.fromkeys(("qd", "od", "daily", "once daily", "once a day"), 1.0),
    **dict.fromkeys(("bid", "bd", "twice daily", "twice a day"), 2.0),
    **dict.fromkeys(("tid", "tds", "three times daily"), 3.0),
    **dict.fromkeys(("qw", "weekly", "once weekly", "every week"), 1 / 7),
}
_EVERY = re.compile(r"^(?:q(?P<n1>\d+)(?P<u1>[dw])|every (?P<n2>\d+) (?P<u2>day|week)s?)$")
_ONCE = ("once", "single dose")  # no rate: compares only with itself


def _schedule(text: str) -> tuple[str, float | None] | None:
    """A schedule as written, as (a key, administrations a day); None if it is not one."""
    key = " ".join(text.lower().split())
    if key in ("", *_ONCE):
        return ("once" if key else "", None)
    if key in _PER_DAY:
        return (key, _PER_DAY[key])
    match = _EVERY.match(key)
    if match is None:
        return None
    n, unit = int(match["n1"] or match["n2"]), (match["u1"] or match["u2"])[0]
    days = n * (7 if unit == "w" else 1)
    return (key, 1 / days) if days else None


def parse_dose(label: str) -> tuple[float, str, str, float | None] | None:
    """Amount, unit (masses in mg), schedule and administrations a day of a dose label; None if not one."""
    match = _DOSE.match(label)
    schedule = _schedule(match["schedule"]) if match else None
    if match is None or schedule is None:
        return None
    raw = match["amount"]
    if re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
        raw = raw.replace(",", "")  # "1,000 mg": a thousands separator
    elif raw.count(",") + raw.count(".") > 1:
        return None  # "1.000,5": too ambiguous to rank
    amount = float(raw.replace(",", "."))
    unit = (match["unit"] or "").lower()
    per, _, rest = unit.partition("/")
    if per in _TO_MG:
        amount, per = amount * _TO_MG[per], "mg"
    return amount, per + ("/" + rest if rest else ""), schedule[0], schedule[1]


def _intensities(phases: list[EventRecord]) -> list[float | None] | None:
    """Each phase's dose (per day where schedules differ), None for one with no dose to rank.

    None for them all when fewer than two doses compare (different units, an unknown
    schedule beside known ones).
    """
    doses = [parse_dose(p.label) for p in phases]
    known = [d for d in doses if d is not None]
    if len(known) < 2 or len({unit for _, unit, _, _ in known}) > 1:
        return None
    if len({schedule for _, _, schedule, _ in known}) == 1:
        return [None if d is None else d[0] for d in doses]
    if any(rate is None for _, _, _, rate in known):
        return None
    return [None if d is None else d[0] * (d[3] or 0.0) for d in doses]


def dose_levels(phases: list[EventRecord]) -> dict[str, float]:
    """Each phase's share of its drug's colour: 1 for the highest dose down to LIGHTEST for the lowest.

    A phase with no dose to rank ("held") takes the middle level, in its place in time;
    when doses do not compare at all, the phases keep file order instead: full colour and
    ALTERNATE, in turn.
    """
    ordered = sorted(phases, key=lambda p: p.phase)
    doses = _intensities(ordered)
    if doses is None:
        return {p.event_id: 1.0 if p.phase % 2 else ALTERNATE for p in ordered}
    distinct = sorted({round(d, 9) for d in doses if d is not None})  # lowest first
    span = max(len(distinct) - 1, 1)
    # From the lowest (LIGHTEST) up to the highest (1), even steps by rank, not by amount.
    level = {
        d: 1.0 if i == len(distinct) - 1 else LIGHTEST + (1.0 - LIGHTEST) * i / span
        for i, d in enumerate(distinct)
    }
    middle = (1.0 + LIGHTEST) / 2
    return {
        p.event_id: middle if d is None else level[round(d, 9)] for p, d in zip(ordered, doses, strict=True)
    }


def ranked_by_dose(phases: list[EventRecord]) -> bool:
    """True when a drug's phases are shaded by dose: their doses compare and differ."""
    doses = _intensities(sorted(phases, key=lambda p: p.phase))
    return doses is not None and len({round(d, 9) for d in doses if d is not None}) > 1


def shade_phases(bars: Iterable[Bar], phases: dict[str, list[EventRecord]]) -> tuple[Bar, ...]:
    """The phase bars with their dose level set, from their drug's phases (`phases` by drug id)."""
    levels: dict[str, float] = {}
    for siblings in phases.values():
        levels.update(dose_levels(siblings))
    return tuple(replace(bar, level=levels.get(bar.event_id, 1.0)) for bar in bars)
