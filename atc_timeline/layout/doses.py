"""Dose phases shaded by dose: how much of its drug's colour each phase's fill takes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from atc_timeline.case.model import SCHEDULE_TEXT
from atc_timeline.layout.model import Bar
from atc_timeline.layout.records import EventRecord

# The lowest dose's share of the drug's colour (the rest is the background): pale enough to
# read as "less", strong enough that the drug's hue still shows in every theme.
LIGHTEST = 0.4
# Phases whose doses cannot be compared alternate between the full colour and this, in file
# order, so that neighbours stay apart without claiming an order of doses.
ALTERNATE = 0.7

# Administrations a day of each schedule; "ONCE" has no rate, so it compares only with itself.
_PER_DAY = {"QD": 1.0, "BID": 2.0, "QW": 1 / 7, "Q2W": 1 / 14, "Q3W": 1 / 21, "Q4W": 1 / 28}
_TO_MG = {
    **dict.fromkeys(("g", "gram", "grams"), 1000.0),
    **dict.fromkeys(("mg", "milligram", "milligrams"), 1.0),
    **dict.fromkeys(("mcg", "µg", "μg", "ug", "microgram", "micrograms"), 1e-3),
    "ng": 1e-6,
}
_SCHEDULES = "|".join(sorted(SCHEDULE_TEXT, key=len, reverse=True))
# A phase's label is its dose as written, then its schedule code: "24 mg QD", "3 mg/kg Q2W".
_DOSE = re.compile(
    rf"^\s*(?P<amount>\d+(?:[.,]\d+)*)\s*(?P<unit>[^\W\d_]+(?:/(?:[^\W\d_]+\d?|m²))?)?"
    rf"\s*(?P<schedule>{_SCHEDULES})?\s*$"
)


def parse_dose(label: str) -> tuple[float, str, str] | None:
    """The amount, unit (masses in mg) and schedule code of a dose label; None if it is not one."""
    match = _DOSE.match(label)
    if match is None:
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
    return amount, per + ("/" + rest if rest else ""), match["schedule"] or ""


def _intensities(phases: list[EventRecord]) -> list[float] | None:
    """Each phase's dose, per day where the schedules differ; None when they cannot be compared."""
    doses = [parse_dose(p.label) for p in phases]
    if any(d is None for d in doses):
        return None
    known = [d for d in doses if d is not None]
    if len({unit for _, unit, _ in known}) > 1:
        return None
    if len({schedule for _, _, schedule in known}) == 1:
        return [amount for amount, _, _ in known]
    if any(schedule not in _PER_DAY for _, _, schedule in known):
        return None
    return [amount * _PER_DAY[schedule] for amount, _, schedule in known]


def dose_levels(phases: list[EventRecord]) -> dict[str, float]:
    """Each phase's share of its drug's colour: 1 for the highest dose down to LIGHTEST for the lowest.

    Doses that cannot be compared (no number, different units, an unknown schedule beside
    known ones) keep the file order instead: full colour and ALTERNATE, in turn.
    """
    ordered = sorted(phases, key=lambda p: p.phase)
    doses = _intensities(ordered)
    if doses is None:
        return {p.event_id: 1.0 if p.phase % 2 else ALTERNATE for p in ordered}
    distinct = sorted({round(d, 9) for d in doses})  # lowest first
    span = max(len(distinct) - 1, 1)
    # From the lowest (LIGHTEST) up to the highest (1), even steps by rank, not by amount.
    level = {
        d: 1.0 if i == len(distinct) - 1 else LIGHTEST + (1.0 - LIGHTEST) * i / span
        for i, d in enumerate(distinct)
    }
    return {p.event_id: level[round(d, 9)] for p, d in zip(ordered, doses, strict=True)}


def shade_phases(bars: Iterable[Bar], phases: dict[str, list[EventRecord]]) -> tuple[Bar, ...]:
    """The phase bars with their dose level set, from their drug's phases (`phases` by drug id)."""
    levels: dict[str, float] = {}
    for siblings in phases.values():
        levels.update(dose_levels(siblings))
    return tuple(replace(bar, level=levels.get(bar.event_id, 1.0)) for bar in bars)
