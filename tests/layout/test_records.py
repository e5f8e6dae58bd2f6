"""Event records: the events frame typed once, and the phase numbers layout hands to draw."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from atc_timeline.events.normalize import normalize_events
from atc_timeline.layout.records import EventRecord, day_number, event_records
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import CASES

# Phase 2 is known only to the month, so its earliest day sorts it before phase 1 in the frame.
SWAPPED = """schema: atc-timeline/1
case: {id: swap, title: Swapped phases, data_cutoff: '2020-12-31'}
diagnosis: {label: ATC, date: '2020-01-01'}
medications:
  - id: drug
    label: Drug
    class: targeted
    start: '2020-03-01'
    end: '2020-09-30'
    phases:
      - {start: '2020-03-20', dose: 20 mg}
      - {start: '2020-03', dose: 10 mg}
adverse_events:
  - {id: rash, term: Rash, start: '2020-04-02'}
"""


def test_records_follow_the_frame_row_for_row():
    for path in CASES:
        events = normalize_events(load_case(path))
        records = event_records(events)
        assert [r.event_id for r in records] == events["event_id"].tolist()
        for record, start in zip(records, events["start_lo"], strict=True):
            assert record.start_lo == day_number(start)
            assert record.start_lo <= record.start_hi <= record.end_hi


def test_missing_values_become_none_or_empty_text():
    records = {r.event_id: r for r in event_records(normalize_events(load_case_text(SWAPPED)))}
    rash = records["rash"]
    assert rash.grade is None, "<NA> grade"
    assert (rash.response, rash.stop_reason, rash.parent_id) == ("", "", "")
    assert rash.marker_style() == "ae:0"
    assert rash.point_texts() == ("Rash", "Rash", "Rash")


def test_phases_are_numbered_in_the_case_files_order_not_the_frames():
    records = event_records(normalize_events(load_case_text(SWAPPED)))
    phases = [r for r in records if r.kind == "phase"]
    assert [r.event_id for r in phases] == ["drug--phase-2", "drug--phase-1"], "sorted by start"
    assert {r.event_id: r.phase for r in phases} == {"drug--phase-1": 1, "drug--phase-2": 2}
    assert all(r.parent_id == "drug" for r in phases)
    assert all(r.phase == 0 for r in records if r.kind != "phase")


def test_bar_text_names_what_the_lane_does_not():
    base = event_records(normalize_events(load_case_text(SWAPPED)))[0]

    def record(**changes: Any) -> EventRecord:
        return replace(base, **changes)

    assert record(label="Drug", lane="Drug", detail="40 mg QD").bar_text() == "40 mg QD"
    assert record(label="Drug A", lane="Targeted", detail="").bar_text() == "Drug A"
    ae = record(kind="adverse_event", label="Fatigue", lane="Adverse events", detail="", grade=2)
    assert ae.bar_text() == "Fatigue \u00b7 G2"
