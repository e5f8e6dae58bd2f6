"""Case -> events DataFrame: the column contract, date bounds, lanes and case-level context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from atc_timeline.case.model import Case
from atc_timeline.events.normalize import (
    EVENT_COLUMNS,
    UNKNOWN_END_DAYS,
    case_context,
    data_cutoff,
    lane_order,
    normalize_events,
)
from atc_timeline.readers.yaml_case import load_case, load_case_text

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "cases").glob("*.yaml"))

HEAD = """\
schema: atc-timeline/1
case:
  id: t
  title: Test case
  data_cutoff: 2018-06-30
diagnosis:
  label: Anaplastic thyroid carcinoma
  date: 2017-08-30
"""


def _events(body: str, head: str = HEAD) -> pd.DataFrame:
    return normalize_events(load_case_text(head + body))


def _row(events: pd.DataFrame, event_id: str) -> dict[str, Any]:
    (row,) = events[events["event_id"] == event_id].to_dict("records")
    return row


T = pd.Timestamp


# --- the column contract --------------------------------------------------------------------


def test_event_columns_contract() -> None:
    assert list(EVENT_COLUMNS) == [
        "event_id", "parent_id", "kind", "category", "lane", "label", "detail",
        "start_lo", "start_hi", "end_lo", "end_hi", "start_text", "end_text",
        "start_exact", "end_exact", "is_interval", "end_status", "response", "grade",
        "immune_related", "stop_reason", "outcome", "source", "order",
        "start_precision", "start_qualifier", "end_precision", "end_qualifier",
        "within_period", "after_cutoff",
    ]
    assert set(EVENT_COLUMNS.values()) == {"string", "datetime64[ns]", "bool", "Int64", "int64"}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_follows_the_contract(path: Path) -> None:
    events = normalize_events(load_case(path))
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert {c: str(t) for c, t in events.dtypes.items()} == EVENT_COLUMNS
    assert events["event_id"].is_unique
    assert list(events.index) == list(range(len(events)))
    # sorted by start, then by position in the file
    assert list(events.sort_values(["start_lo", "order"], kind="stable").index) == list(events.index)
    assert sorted(events["order"]) == list(range(len(events)))
    # no missing values outside the nullable grade column
    assert not events.drop(columns="grade").isna().any().any()


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_has_ordered_bounds(path: Path) -> None:
    events = normalize_events(load_case(path))
    for row in events.to_dict("records"):
        assert row["start_lo"] <= row["start_hi"], row["event_id"]
        assert row["end_lo"] <= row["end_hi"], row["event_id"]
        assert row["start_lo"] <= row["end_lo"], row["event_id"]
        assert row["start_hi"] <= row["end_hi"], row["event_id"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_phase_belongs_to_a_medication_row(path: Path) -> None:
    events = normalize_events(load_case(path))
    medications = set(events.loc[events["kind"] == "medication", "event_id"])
    phases = events[events["kind"] == "phase"]
    assert set(phases["parent_id"]) <= medications
    assert (events.loc[events["kind"] != "phase", "parent_id"] == "").all()
    for parent, group in phases.groupby("parent_id"):
        assert list(group["event_id"]) == [f"{parent}--phase-{n}" for n in range(1, len(group) + 1)]


def test_a_case_without_events_gives_an_empty_frame_with_the_contract() -> None:
    events = _events("")
    assert events.empty
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert {c: str(t) for c, t in events.dtypes.items()} == EVENT_COLUMNS


# --- a tiny case, checked field by field ----------------------------------------------------

TINY = HEAD + """\
procedures:
  - id: surgery
    label: Thyroidectomy
    date: 2017-08-30
    outcome: R1 resection
medications:
  - id: lenva
    label: Lenvatinib
    class: targeted
    start: 2017-10-02
    end: ongoing
    stop_reason: never
    outcome: Partial response
    phases:
      - start: 2017-10-02
        dose: 24 mg
        schedule: QD
      - start: 2018-01
        dose: 14 mg
        schedule: QD
        source: dose reduced for proteinuria
imaging:
  - id: ct
    date: 2017-12-15
    modality: CT
    site: Chest
    finding: Lung nodules smaller
    response: PR
"""


def test_tiny_case_matches_a_hand_built_frame() -> None:
    cutoff = T("2018-06-30")
    columns = list(EVENT_COLUMNS)
    rows = [
        # event_id, parent, kind, category, lane, label, detail,
        # start_lo, start_hi, end_lo, end_hi, start_text, end_text, start_exact, end_exact,
        # is_interval, end_status, response, grade, immune_related, stop_reason, outcome, source,
        # order, start_precision, start_qualifier, end_precision, end_qualifier, within_period,
        # after_cutoff
        ["surgery", "", "procedure", "surgery", "Surgery", "Thyroidectomy", "R1 resection",
         T("2017-08-30"), T("2017-08-30"), T("2017-08-30"), T("2017-08-30"), "2017-08-30", "",
         True, True, False, "point", "", pd.NA, False, "", "R1 resection", "", 0,
         "day", "", "day", "", False, False],
        ["lenva", "", "medication", "targeted", "Lenvatinib", "Lenvatinib", "",
         T("2017-10-02"), T("2017-10-02"), cutoff, cutoff, "2017-10-02", "ongoing",
         True, True, True, "ongoing", "", pd.NA, False, "never", "Partial response", "", 1,
         "day", "", "", "", False, False],
        # phase 1 ends where phase 2 starts: somewhere in January 2018
        ["lenva--phase-1", "lenva", "phase", "targeted", "Lenvatinib", "24 mg QD", "once daily",
         T("2017-10-02"), T("2017-10-02"), T("2018-01-01"), T("2018-01-31"), "2017-10-02", "2018-01",
         True, False, True, "date", "", pd.NA, False, "", "", "", 2,
         "day", "", "month", "", False, False],
        ["ct", "", "imaging", "imaging", "Imaging", "CT", "Lung nodules smaller",
         T("2017-12-15"), T("2017-12-15"), T("2017-12-15"), T("2017-12-15"), "2017-12-15", "",
         True, True, False, "point", "PR", pd.NA, False, "", "", "", 4,
         "day", "", "day", "", False, False],
        # the last phase ends with the drug: ongoing, to the cut-off
        ["lenva--phase-2", "lenva", "phase", "targeted", "Lenvatinib", "14 mg QD", "once daily",
         T("2018-01-01"), T("2018-01-31"), cutoff, cutoff, "2018-01", "ongoing",
         False, True, True, "ongoing", "", pd.NA, False, "", "", "dose reduced for proteinuria", 3,
         "month", "", "", "", False, False],
    ]
    expected = pd.DataFrame(rows, columns=columns).astype(EVENT_COLUMNS)
    pd.testing.assert_frame_equal(normalize_events(load_case_text(TINY)), expected)


# --- dates ----------------------------------------------------------------------------------


def test_month_precision_spans_the_month() -> None:
    events = _events("procedures:\n  - id: p\n    label: S\n    date: 2017-10\n")
    row = _row(events, "p")
    assert (row["start_lo"], row["start_hi"]) == (T("2017-10-01"), T("2017-10-31"))
    assert not row["start_exact"]
    assert row["start_text"] == "2017-10"


def test_qualified_dates_use_widened_bounds() -> None:
    events = _events("procedures:\n  - id: p\n    label: S\n    date: 2017-10~\n")
    row = _row(events, "p")
    assert (row["start_lo"], row["start_hi"]) == (T("2017-09-16"), T("2017-11-15"))
    assert row["start_text"] == "2017-10~"


def test_ongoing_runs_to_the_data_cutoff() -> None:
    events = _events("medications:\n  - id: m\n    label: M\n    start: 2018-02\n    end: ongoing\n")
    row = _row(events, "m")
    assert (row["end_lo"], row["end_hi"]) == (T("2018-06-30"), T("2018-06-30"))
    assert (row["end_status"], row["end_text"], row["end_exact"]) == ("ongoing", "ongoing", True)


def test_ongoing_never_ends_before_it_starts() -> None:
    # A start after the cut-off (a warning, not an error) still gives a non-negative bar.
    events = _events("medications:\n  - id: m\n    label: M\n    start: 2018-08-10\n    end: ongoing\n")
    row = _row(events, "m")
    assert row["end_lo"] == row["end_hi"] == T("2018-08-10")


@pytest.mark.parametrize("end", ["    end: unknown\n", ""])
def test_unknown_or_missing_end_fades_out_over_a_bounded_stretch(end: str) -> None:
    events = _events("medications:\n  - id: m\n    label: M\n    start: 2017-12\n" + end)
    row = _row(events, "m")
    assert row["end_lo"] == T("2017-12-31")  # the last day it certainly started by
    # not to the cut-off (2018-06-30): a fixed short fade
    assert row["end_hi"] == T("2017-12-31") + pd.Timedelta(days=UNKNOWN_END_DAYS)
    assert (row["end_status"], row["end_text"], row["end_exact"]) == ("unknown", "unknown", False)
    assert row["is_interval"]


def test_dated_end_gives_its_own_bounds() -> None:
    events = _events("radiotherapy:\n  - id: rt\n    label: RT\n    start: 2017-10-02\n    end: 2017-11\n")
    row = _row(events, "rt")
    assert (row["end_lo"], row["end_hi"]) == (T("2017-11-01"), T("2017-11-30"))
    assert (row["end_status"], row["end_text"], row["end_exact"]) == ("date", "2017-11", False)


def test_adverse_event_without_end_is_a_point() -> None:
    events = _events(
        "adverse_events:\n  - id: ae\n    term: Rash\n    grade: 2\n    start: 2018-03-04\n"
        "    action: dose_reduced\n    immune_related: true\n"
    )
    row = _row(events, "ae")
    assert (row["is_interval"], row["end_status"]) == (False, "point")
    assert row["end_lo"] == row["start_lo"] == T("2018-03-04")
    assert row["grade"] == 2
    assert row["immune_related"]
    assert row["detail"] == "dose reduced"


def test_adverse_event_action_without_treatment_change_has_no_detail() -> None:
    events = _events("adverse_events:\n  - id: ae\n    term: Rash\n    start: 2018-03\n    action: none\n")
    row = _row(events, "ae")
    assert row["detail"] == ""
    assert pd.isna(row["grade"])


def test_phases_end_where_the_next_starts() -> None:
    events = _events(
        "medications:\n  - id: m\n    label: M\n    start: 2017-10-02\n    end: 2018-05-20\n"
        "    phases:\n"
        "      - start: 2017-10-02\n        dose: 24 mg\n"
        "      - start: 2018-01-15\n        dose: 20 mg\n"
        "      - start: 2018-03-01\n        dose: 14 mg\n"
    )
    phases = events[events["kind"] == "phase"].set_index("event_id")
    assert phases.loc["m--phase-1", "end_lo"] == phases.loc["m--phase-2", "start_lo"] == T("2018-01-15")
    assert phases.loc["m--phase-2", "end_lo"] == phases.loc["m--phase-3", "start_lo"] == T("2018-03-01")
    assert phases.loc["m--phase-3", "end_lo"] == T("2018-05-20")
    assert list(phases["end_text"]) == ["2018-01-15", "2018-03-01", "2018-05-20"]
    assert list(phases["label"]) == ["24 mg", "20 mg", "14 mg"]
    # a medication with phases leaves its dose text to them
    assert _row(events, "m")["detail"] == ""


def test_last_phase_with_unknown_end_fades_from_its_own_start() -> None:
    # Regression: the last phase took the drug's end_lo (the drug's start), ending before it began.
    events = _events(
        "medications:\n  - id: m\n    label: M\n    start: 2017-10-02\n    end: unknown\n"
        "    phases:\n      - start: 2017-10-02\n      - start: 2018-01\n"
    )
    row = _row(events, "m--phase-2")
    assert row["start_hi"] == T("2018-01-31")
    assert (row["end_lo"], row["end_hi"]) == (T("2018-01-31"), T("2018-05-02"))
    assert row["end_status"] == "unknown"
    assert row["label"] == "phase 2"
    # the drug's own bar fades out from its last recorded fact, the last phase's start
    assert (_row(events, "m")["end_lo"], _row(events, "m")["end_hi"]) == (T("2018-01-31"), T("2018-05-02"))


def test_single_phase_medication_shows_its_dose() -> None:
    events = _events(
        "medications:\n  - id: m\n    label: M\n    start: 2018-01\n    dose: 40 mg\n    schedule: QD\n"
    )
    assert _row(events, "m")["detail"] == "40 mg QD"
    assert (events["kind"] == "phase").sum() == 0


def test_radiotherapy_detail_is_the_dose() -> None:
    events = _events(
        "radiotherapy:\n  - id: rt\n    label: RT\n    start: 2017-10\n    end: 2017-11\n"
        "    site: Neck\n    dose_per_fraction: 2\n    fractions: 28\n"
    )
    assert _row(events, "rt")["detail"] == "2.0 Gy × 28 (56 Gy)"


# --- lanes ----------------------------------------------------------------------------------

LANES_BODY = """\
procedures:
  - id: surgery
    label: Thyroidectomy
    date: 2017-08-30
radiotherapy:
  - id: rt
    label: Neck RT
    start: 2017-10
    end: 2017-11
medications:
  - id: tp
    label: TP chemotherapy
    class: chemotherapy
    start: 2017-10
    end: 2018-01
  - id: carbo
    label: Carboplatin
    class: chemotherapy
    start: 2017-10
    end: 2018-01
  - id: cabo
    label: Cabozantinib
    class: targeted
    start: 2018-02
    end: ongoing
  - id: nivo
    label: Nivolumab
    class: immunotherapy
    start: 2018-03
    end: ongoing
imaging:
  - id: ct
    date: 2017-09-14
    modality: CT
adverse_events:
  - id: ae
    term: Diarrhoea
    start: 2017-09-20
    suspect: [tp]
"""


def test_default_lanes() -> None:
    events = _events(LANES_BODY)
    lanes = dict(zip(events["event_id"], events["lane"], strict=True))
    assert lanes == {
        "surgery": "Surgery",
        "rt": "Radiotherapy",
        "tp": "Chemotherapy",
        "carbo": "Chemotherapy",  # all chemotherapy shares one lane
        "cabo": "Cabozantinib",  # targeted and immunotherapy get a lane per drug
        "nivo": "Nivolumab",
        "ct": "Imaging",
        "ae": "Adverse events",
    }


def test_lane_overrides() -> None:
    body = LANES_BODY.replace("    label: Neck RT\n", "    label: Neck RT\n    lane: Chemoradiotherapy\n")
    body = body.replace("    class: chemotherapy\n    start: 2017-10\n    end: 2018-01\n  - id: carbo",
                        "    class: chemotherapy\n    lane: Chemoradiotherapy\n    start: 2017-10\n"
                        "    end: 2018-01\n  - id: carbo")
    body = body.replace("    modality: CT\n", "    modality: CT\n    lane: Scans\n")
    body = body.replace("    term: Diarrhoea\n", "    term: Diarrhoea\n    lane: Toxicity\n")
    body = body.replace("    label: Thyroidectomy\n", "    label: Thyroidectomy\n    lane: Operations\n")
    events = _events(body)
    lanes = dict(zip(events["event_id"], events["lane"], strict=True))
    assert lanes["rt"] == lanes["tp"] == "Chemoradiotherapy"
    assert lanes["carbo"] == "Chemotherapy"
    assert (lanes["ct"], lanes["ae"], lanes["surgery"]) == ("Scans", "Toxicity", "Operations")


def test_lane_order_by_first_event_with_imaging_and_adverse_events_last() -> None:
    events = _events(LANES_BODY)
    # Imaging (Sep 2017) and the AE (Sep 2017) come before most treatment, yet go last.
    assert lane_order(events, []) == (
        "Surgery", "Radiotherapy", "Chemotherapy", "Cabozantinib", "Nivolumab", "Imaging", "Adverse events",
    )


def test_lane_order_honours_display_lanes() -> None:
    events = _events(LANES_BODY)
    order = lane_order(events, ["Nivolumab", "Cabozantinib", "No such lane"])
    assert order == (
        "Nivolumab", "Cabozantinib", "Surgery", "Radiotherapy", "Chemotherapy", "Imaging", "Adverse events",
    )


def test_case_context_uses_display_lanes() -> None:
    text = HEAD + LANES_BODY + "display:\n  lanes: [Chemotherapy, Surgery]\n"
    case = load_case_text(text)
    context = case_context(case, normalize_events(case))
    assert context.lanes[:2] == ("Chemotherapy", "Surgery")
    assert context.lanes[-2:] == ("Imaging", "Adverse events")
    assert len(context.lanes) == 7


# --- case context ---------------------------------------------------------------------------


def _context(text: str) -> Any:
    case = load_case_text(text)
    return case_context(case, normalize_events(case))


def test_subtitle_names_patient_diagnosis_and_molecular_findings() -> None:
    text = HEAD.replace(
        "diagnosis:\n",
        "patient:\n  age: 65\n  sex: male\n  status: alive\ndiagnosis:\n",
    ) + "  molecular: [BRAF V600E, TERT C228T]\n  metastases:\n    - site: Lungs\n"
    subtitle = _context(text).subtitle
    assert "65-year-old man" in subtitle
    assert "Anaplastic thyroid carcinoma, diagnosed 30 Aug 2017" in subtitle
    assert "BRAF V600E, TERT C228T" in subtitle
    assert "metastases: Lungs" in subtitle


def test_subtitle_without_age() -> None:
    text = HEAD.replace("diagnosis:\n", "patient:\n  sex: female\ndiagnosis:\n")
    assert _context(text).subtitle.startswith("Woman · Anaplastic")


def test_context_basics() -> None:
    text = HEAD.replace("  title: Test case\n", "  title: Test case\n  source: A report\n")
    context = _context(text)
    assert (context.case_id, context.title, context.source) == ("t", "Test case", "A report")
    assert context.data_cutoff == dt.date(2018, 6, 30)
    assert context.cutoff_text == "30 Jun 2018"
    assert (context.status, context.death_date) == ("unknown", None)


def test_time_zero_defaults_to_diagnosis_date() -> None:
    context = _context(HEAD)
    assert (context.time_zero, context.time_zero_label) == (dt.date(2017, 8, 30), "diagnosis")


def test_time_zero_without_a_diagnosis_date_is_the_first_event() -> None:
    text = HEAD.replace("  date: 2017-08-30\n", "") + (
        "imaging:\n  - id: ct\n    date: 2017-09\n    modality: CT\n"
        "procedures:\n  - id: p\n    label: S\n    date: 2017-11-02\n"
    )
    context = _context(text)
    # the first event is known to the month: time zero is the month's middle
    assert (context.time_zero, context.time_zero_label) == (dt.date(2017, 9, 15), "first event")
    assert (context.time_zero_lo, context.time_zero_hi) == (dt.date(2017, 9, 1), dt.date(2017, 9, 30))


@pytest.mark.parametrize(
    ("time_zero", "day", "label"),
    [
        ("lenva", dt.date(2017, 10, 2), "start of Lenvatinib"),
        ("surgery", dt.date(2017, 8, 30), "start of Thyroidectomy"),
        ('"2018-01"', dt.date(2018, 1, 16), "Jan 2018"),
        ("2018", dt.date(2018, 7, 2), "2018"),
    ],
)
def test_time_zero_item_id_or_date(time_zero: str, day: dt.date, label: str) -> None:
    text = TINY.replace("  title: Test case\n", f"  title: Test case\n  time_zero: {time_zero}\n")
    context = _context(text)
    assert (context.time_zero, context.time_zero_label) == (day, label)


def test_data_cutoff_falls_back_to_death_date() -> None:
    text = HEAD.replace("  data_cutoff: 2018-06-30\n", "").replace(
        "diagnosis:\n", "patient:\n  status: deceased\n  death_date: 2018-03\ndiagnosis:\n"
    )
    case = load_case_text(text + "imaging:\n  - id: ct\n    date: 2018-01-10\n    modality: CT\n")
    assert data_cutoff(case) == dt.date(2018, 3, 31)
    context = case_context(case, normalize_events(case))
    # death known to the month: the mark in its middle, a band over the month
    assert context.death_date == dt.date(2018, 3, 16)
    assert (context.death_lo, context.death_hi) == (dt.date(2018, 3, 1), dt.date(2018, 3, 31))
    assert context.cutoff_text == "Mar 2018"


def test_data_cutoff_falls_back_to_the_last_dated_fact() -> None:
    text = HEAD.replace("  data_cutoff: 2018-06-30\n", "") + (
        "medications:\n  - id: m\n    label: M\n    start: 2017-10\n    end: 2018-04\n"
        "imaging:\n  - id: ct\n    date: 2018-02-10\n    modality: CT\n"
    )
    # the medication's end month is the last fact; its last day is the cut-off
    assert data_cutoff(load_case_text(text)) == dt.date(2018, 4, 30)


def test_ongoing_without_cutoff_runs_to_the_last_dated_fact() -> None:
    text = HEAD.replace("  data_cutoff: 2018-06-30\n", "") + (
        "medications:\n  - id: m\n    label: M\n    start: 2017-10\n    end: ongoing\n"
        "imaging:\n  - id: ct\n    date: 2018-02-10\n    modality: CT\n"
    )
    row = _row(normalize_events(load_case_text(text)), "m")
    assert row["end_lo"] == row["end_hi"] == T("2018-02-10")


# --- purity ---------------------------------------------------------------------------------


def test_normalize_does_not_mutate_and_is_repeatable() -> None:
    case = load_case_text(TINY)
    before = case.model_dump(by_alias=True)
    first = normalize_events(case)
    snapshot = first.copy(deep=True)
    second = normalize_events(case)
    pd.testing.assert_frame_equal(first, second)
    case_context(case, first)
    lane_order(first, ["Imaging"])
    assert case.model_dump(by_alias=True) == before
    pd.testing.assert_frame_equal(first, snapshot)


# --- property: any valid medication with phases keeps its bounds ordered ---------------------

_DEPTH = {"year": 1, "month": 2, "day": 3}
_partial = st.builds(
    lambda day, precision, qualifier: "-".join(
        [f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"][: _DEPTH[precision]]
    ) + qualifier,
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.sampled_from(["year", "month", "day"]),
    st.sampled_from(["", "~", "?"]),
)


@settings(max_examples=150, deadline=None)
@given(
    start=_partial,
    phases=st.lists(_partial, max_size=4),
    end=st.one_of(st.none(), st.sampled_from(["ongoing", "unknown"]), _partial),
)
def test_any_valid_medication_gives_ordered_bounds(start: str, phases: list[str], end: str | None) -> None:
    data: dict[str, Any] = {
        "schema": "atc-timeline/1",
        "case": {"id": "h", "title": "H", "data_cutoff": "2031-01"},
        "diagnosis": {"label": "ATC"},
        "medications": [
            {"id": "m", "label": "M", "start": start, "end": end, "phases": [{"start": p} for p in phases]}
        ],
    }
    try:
        case = Case.model_validate(data)
    except ValidationError:
        assume(False)
        raise
    events = normalize_events(case)
    assert len(events) == 1 + len(phases)
    for row in events.to_dict("records"):
        assert row["start_lo"] <= row["start_hi"] <= row["end_hi"]
        assert row["start_lo"] <= row["end_lo"] <= row["end_hi"]


# --- honest uncertainty: how dates were written, one placement rule, bounded unknowns -------


@pytest.mark.parametrize(
    ("written", "precision", "qualifier"),
    [("2017-08-30", "day", ""), ("2017-10", "month", ""), ("2017-10~", "month", "~"),
     ("2017-12?", "month", "?"), ("2017%", "year", "%"), ("2017-08-30~", "day", "~")],
)  # fmt: skip
def test_how_a_date_was_written_is_kept(written: str, precision: str, qualifier: str) -> None:
    row = _row(_events(f'imaging:\n  - id: ct\n    date: "{written}"\n    modality: CT\n'), "ct")
    assert (row["start_precision"], row["start_qualifier"]) == (precision, qualifier)
    # a point's end is its start
    assert (row["end_precision"], row["end_qualifier"]) == (precision, qualifier)


def test_ends_that_are_no_date_have_no_precision() -> None:
    events = _events(
        "medications:\n  - id: a\n    label: A\n    start: 2017-10~\n    end: ongoing\n"
        "  - id: b\n    label: B\n    start: 2017-11\n    end: unknown\n"
        "  - id: c\n    label: C\n    start: 2017-11\n    end: 2018-01?\n"
    )
    assert [(r["end_precision"], r["end_qualifier"]) for r in (_row(events, i) for i in "abc")] == [
        ("", ""), ("", ""), ("month", "?")
    ]


YEAR_DIAGNOSIS = HEAD.replace("  date: 2017-08-30\n", '  date: "2016~"\n') + """\
procedures:
  - id: surgery
    label: Thyroidectomy
    date: 2016-05-10
imaging:
  - id: scan
    date: "2016"
    modality: CT
"""


def test_an_imprecise_time_zero_is_its_period_s_middle_like_any_point() -> None:
    case = load_case_text(YEAR_DIAGNOSIS)
    events = normalize_events(case)
    context = case_context(case, events)
    scan = _row(events, "scan")
    # one rule: the "2016" scan is drawn at the middle of 2016, and "2016~" counts from there
    middle = scan["start_lo"] + (scan["start_hi"] - scan["start_lo"]) / 2
    assert abs(T(context.time_zero) - middle) <= pd.Timedelta(days=1)
    assert context.time_zero == dt.date(2016, 7, 1)
    # the band is the period, widened by a quarter for "~" as every approximate year is
    assert (context.time_zero_lo, context.time_zero_hi) == (dt.date(2015, 10, 2), dt.date(2017, 4, 1))
    assert (context.time_zero_period, context.time_zero_note) == ("2016", "approximate")


def test_an_exact_time_zero_has_no_band_and_no_note() -> None:
    context = _context(HEAD)
    assert context.time_zero_lo == context.time_zero_hi == context.time_zero
    assert (context.time_zero_period, context.time_zero_note) == ("", "")


def test_an_uncertain_time_zero_says_so() -> None:
    context = _context(HEAD.replace("  date: 2017-08-30\n", '  date: "2017-08?"\n'))
    assert (context.time_zero_period, context.time_zero_note) == ("Aug 2017", "uncertain")


@pytest.mark.parametrize(
    ("start", "end", "within"),
    [('"2012"', '"2012"', True), ('"2020-01~"', '"2020-01~"', True), ('"2012-03"', '"2012"', True),
     ('"2012-01"', '"2012-03"', False), ("2012-01-15", '"2012-01"', False),
     ("2012-01-15", "2012-01-15", False)],
)  # fmt: skip
def test_start_and_end_in_one_period_is_an_event_of_unknown_position(
    start: str, end: str, within: bool
) -> None:
    head = HEAD.replace("2018-06-30", "2013-06-30").replace("2017-08-30", "2011-08-30")
    events = _events(f"radiotherapy:\n  - id: rt\n    label: RAI\n    start: {start}\n    end: {end}\n", head)
    assert _row(events, "rt")["within_period"] is within


def test_unknown_end_stops_at_the_next_line_of_the_same_class() -> None:
    events = _events(
        "medications:\n"
        "  - id: pac\n    label: Weekly paclitaxel\n    class: chemotherapy\n"
        "    start: 2017-09-04\n    end: unknown\n"
        "  - id: carbo\n    label: Carboplatin\n    class: chemotherapy\n    lane: Other lane\n"
        "    start: 2017-10-16\n    end: 2017-12\n"
    )
    row = _row(events, "pac")
    assert (row["end_lo"], row["end_hi"]) == (T("2017-09-04"), T("2017-10-16"))


def test_unknown_end_stops_at_the_next_bar_of_the_same_lane() -> None:
    events = _events(
        "medications:\n"
        "  - id: a\n    label: A\n    class: targeted\n    lane: Systemic\n    start: 2017-09-04\n"
        "    end: unknown\n"
        "  - id: b\n    label: B\n    class: immunotherapy\n    lane: Systemic\n    start: 2017-10-01\n"
        "    end: ongoing\n"
    )
    assert _row(events, "a")["end_hi"] == T("2017-10-01")


def test_unknown_end_stops_at_the_cutoff() -> None:
    events = _events("medications:\n  - id: m\n    label: M\n    start: 2018-06-01\n    end: unknown\n")
    assert (_row(events, "m")["end_lo"], _row(events, "m")["end_hi"]) == (T("2018-06-01"), T("2018-06-30"))


def test_adverse_event_with_unknown_end_is_an_onset_marker() -> None:
    events = _events(
        "adverse_events:\n  - id: ae\n    term: GI toxicity\n    start: 2018?\n    end: unknown\n"
    )
    row = _row(events, "ae")
    # only the onset is known: a point with its whisker, no invented duration
    assert (row["is_interval"], row["end_status"], row["end_text"]) == (False, "unknown", "unknown")
    assert (row["end_lo"], row["end_hi"]) == (row["start_lo"], row["start_hi"])


def test_items_dated_after_the_cutoff_are_flagged_like_validation_warns() -> None:
    events = _events(
        "imaging:\n  - id: late\n    date: 2018-07-20\n    modality: CT\n"
        "  - id: month\n    date: 2018-06\n    modality: CT\n"
        "medications:\n  - id: m\n    label: M\n    start: 2018-01\n    end: 2018-08\n"
        "    phases:\n      - start: 2018-01\n      - start: 2018-05\n"
        "  - id: ok\n    label: OK\n    start: 2018-01\n    end: 2018-06\n"
    )
    flags = {r["event_id"]: r["after_cutoff"] for r in events.to_dict("records")}
    # "2018-06" may lie before the 2018-06-30 cut-off: not flagged; an end in August is
    assert flags == {"late": True, "month": False, "m": True, "m--phase-1": True, "m--phase-2": True,
                     "ok": False}  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(start=_partial, later=st.one_of(st.none(), _partial), phases=st.lists(_partial, max_size=3))
def test_an_unknown_end_never_fades_past_its_bounds(start: str, later: str | None, phases: list[str]) -> None:
    medications: list[dict[str, Any]] = [
        {"id": "m", "label": "M", "class": "chemotherapy", "start": start, "end": "unknown",
         "phases": [{"start": p} for p in phases]},
    ]  # fmt: skip
    if later is not None:
        medications.append(
            {"id": "n", "label": "N", "class": "chemotherapy", "start": later, "end": "ongoing"}
        )
    data: dict[str, Any] = {
        "schema": "atc-timeline/1",
        "case": {"id": "h", "title": "H", "data_cutoff": "2031-01"},
        "diagnosis": {"label": "ATC"},
        "medications": medications,
    }
    try:
        case = Case.model_validate(data)
    except ValidationError:
        assume(False)
        raise
    events = normalize_events(case)
    row = _row(events, "m")
    known = max([row["start_hi"], *events.loc[events["kind"] == "phase", "start_hi"]])
    assert row["end_lo"] == known
    assert row["end_hi"] - row["end_lo"] <= pd.Timedelta(days=UNKNOWN_END_DAYS)
    if later is not None:
        nxt = _row(events, "n")["start_lo"]
        if nxt > known:
            assert row["end_hi"] <= nxt
