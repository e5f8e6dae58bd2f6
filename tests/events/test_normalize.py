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
        # order
        ["surgery", "", "procedure", "surgery", "Surgery", "Thyroidectomy", "R1 resection",
         T("2017-08-30"), T("2017-08-30"), T("2017-08-30"), T("2017-08-30"), "2017-08-30", "",
         True, True, False, "point", "", pd.NA, False, "", "R1 resection", "", 0],
        ["lenva", "", "medication", "targeted", "Lenvatinib", "Lenvatinib", "",
         T("2017-10-02"), T("2017-10-02"), cutoff, cutoff, "2017-10-02", "ongoing",
         True, True, True, "ongoing", "", pd.NA, False, "never", "Partial response", "", 1],
        # phase 1 ends where phase 2 starts: somewhere in January 2018
        ["lenva--phase-1", "lenva", "phase", "targeted", "Lenvatinib", "24 mg QD", "once daily",
         T("2017-10-02"), T("2017-10-02"), T("2018-01-01"), T("2018-01-31"), "2017-10-02", "2018-01",
         True, False, True, "date", "", pd.NA, False, "", "", "", 2],
        ["ct", "", "imaging", "imaging", "Imaging", "CT", "Lung nodules smaller",
         T("2017-12-15"), T("2017-12-15"), T("2017-12-15"), T("2017-12-15"), "2017-12-15", "",
         True, True, False, "point", "PR", pd.NA, False, "", "", "", 4],
        # the last phase ends with the drug: ongoing, to the cut-off
        ["lenva--phase-2", "lenva", "phase", "targeted", "Lenvatinib", "14 mg QD", "once daily",
         T("2018-01-01"), T("2018-01-31"), cutoff, cutoff, "2018-01", "ongoing",
         False, True, True, "ongoing", "", pd.NA, False, "", "", "dose reduced for proteinuria", 3],
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
def test_unknown_or_missing_end_fades_to_the_cutoff(end: str) -> None:
    events = _events("medications:\n  - id: m\n    label: M\n    start: 2018-02\n" + end)
    row = _row(events, "m")
    assert row["end_lo"] == T("2018-02-28")  # the last day it certainly started by
    assert row["end_hi"] == T("2018-06-30")
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
    assert (row["end_lo"], row["end_hi"]) == (T("2018-01-31"), T("2018-06-30"))
    assert row["end_status"] == "unknown"
    assert row["label"] == "phase 2"


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
    assert (context.time_zero, context.time_zero_label) == (dt.date(2017, 9, 1), "first event")


@pytest.mark.parametrize(
    ("time_zero", "day", "label"),
    [
        ("lenva", dt.date(2017, 10, 2), "start of Lenvatinib"),
        ("surgery", dt.date(2017, 8, 30), "start of Thyroidectomy"),
        ('"2018-01"', dt.date(2018, 1, 1), "Jan 2018"),
        ("2018", dt.date(2018, 1, 1), "2018"),
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
    assert context.death_date == dt.date(2018, 3, 1)
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
