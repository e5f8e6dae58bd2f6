"""Dose phases ranked by dose: parsing doses as written, and levels monotone in dose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atc_timeline.layout.doses import ALTERNATE, LIGHTEST, dose_levels, parse_dose
from atc_timeline.layout.records import EventRecord


def _phase(n: int, label: str) -> EventRecord:
    return EventRecord(
        f"d--phase-{n}", "d", "phase", "targeted", "Drug", label, "", 0.0, 0.0, 1.0, 1.0,
        "", "", True, True, True, "date", "", None, False, "", "", n, phase=n,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("label", "parsed"),
    [
        ("24 mg QD", (24.0, "mg", "qd", 1.0)),
        ("24mg", (24.0, "mg", "", None)),
        ("240 mg Q2W", (240.0, "mg", "q2w", 1 / 14)),
        ("0.5 g BID", (500.0, "mg", "bid", 2.0)),
        ("1,000 mg", (1000.0, "mg", "", None)),
        ("1,5 mg", (1.5, "mg", "", None)),
        ("150 mcg", (0.15, "mg", "", None)),
        ("175 microgram QD", (0.175, "mg", "qd", 1.0)),
        ("3 mg/kg Q3W", (3.0, "mg/kg", "q3w", 1 / 21)),
        ("80 mg/m² QW", (80.0, "mg/m²", "qw", 1 / 7)),
        ("400 mg every 6 weeks", (400.0, "mg", "every 6 weeks", 1 / 42)),
        ("20 mg twice daily", (20.0, "mg", "twice daily", 2.0)),
        ("100 mg ONCE", (100.0, "mg", "once", None)),
    ],
)
def test_doses_as_written(label, parsed):
    amount, unit, schedule, rate = parse_dose(label)
    assert (amount, unit, schedule) == (pytest.approx(parsed[0]), parsed[1], parsed[2])
    assert rate == (None if parsed[3] is None else pytest.approx(parsed[3]))


@pytest.mark.parametrize(
    "label", ["phase 2", "AUC 5", "2 x 150 mg", "QD", "", "1.000,5 mg", "reduced", "50 mg as needed"]
)
def test_what_is_not_a_dose(label):
    assert parse_dose(label) is None


def test_lenvatinib_reductions_shade_by_dose_not_by_order():
    levels = dose_levels([_phase(1, "24 mg QD"), _phase(2, "20 mg QD"), _phase(3, "14 mg QD")])
    assert list(levels.values()) == pytest.approx([1.0, (1 + LIGHTEST) / 2, LIGHTEST])


def test_an_escalation_puts_the_highest_dose_last():
    levels = dose_levels([_phase(1, "10 mg QD"), _phase(2, "14 mg QD"), _phase(3, "24 mg QD")])
    assert list(levels.values()) == pytest.approx([LIGHTEST, (1 + LIGHTEST) / 2, 1.0])


def test_different_schedules_compare_by_dose_per_day():
    levels = dose_levels([_phase(1, "240 mg Q2W"), _phase(2, "480 mg Q4W"), _phase(3, "200 mg Q3W")])
    assert levels["d--phase-1"] == levels["d--phase-2"] == 1.0, "the same dose a day"
    assert levels["d--phase-3"] == LIGHTEST
    switch = dose_levels([_phase(1, "200 mg Q3W"), _phase(2, "400 mg every 6 weeks")])
    assert list(switch.values()) == [1.0, 1.0], "pembrolizumab's 6-weekly dose is no change of dose"


def test_a_phase_without_a_dose_takes_the_middle_and_the_others_are_ranked():
    levels = dose_levels(
        [_phase(1, "24 mg QD"), _phase(2, "held"), _phase(3, "14 mg QD"), _phase(4, "20 mg QD")]
    )
    assert list(levels.values()) == pytest.approx([1.0, (1 + LIGHTEST) / 2, LIGHTEST, (1 + LIGHTEST) / 2])


@pytest.mark.parametrize(
    "labels",
    [
        ["24 mg QD", "phase 2"],  # one dose: nothing to rank it against
        ["3 mg/kg Q3W", "240 mg Q3W"],  # units that do not compare
        ["100 mg ONCE", "50 mg QD"],  # a single dose has no rate
    ],
)
def test_doses_that_cannot_be_compared_keep_file_order(labels):
    levels = dose_levels([_phase(n, label) for n, label in enumerate(labels, 1)])
    assert list(levels.values()) == [1.0 if n % 2 else ALTERNATE for n in range(1, len(labels) + 1)]


@given(st.lists(st.integers(min_value=1, max_value=2000), min_size=1, max_size=8))
def test_levels_are_monotone_in_dose(doses):
    phases = [_phase(n, f"{dose} mg QD") for n, dose in enumerate(doses, 1)]
    levels = dose_levels(phases)
    for a, da in zip(phases, doses, strict=True):
        assert LIGHTEST - 1e-9 <= levels[a.event_id] <= 1.0
        for b, db in zip(phases, doses, strict=True):
            if da > db:
                assert levels[a.event_id] > levels[b.event_id]
            elif da == db:
                assert levels[a.event_id] == levels[b.event_id]
    assert levels[phases[doses.index(max(doses))].event_id] == 1.0
    if len(set(doses)) > 1:
        assert levels[phases[doses.index(min(doses))].event_id] == pytest.approx(LIGHTEST)
