"""Cross-field checks and the full report: warnings, every problem at once, hostile input."""

from __future__ import annotations

import datetime as dt

from atc_timeline.case.checks import MAX_EVENTS
from atc_timeline.readers.yaml_case import check_text

HEAD = """schema: atc-timeline/1
case: {id: t, title: Test, data_cutoff: "2020-06"}
patient: {age: 60, sex: male, status: alive}
diagnosis: {label: ATC, date: "2019-01-10"}
"""


def _messages(report, severity):
    return [(i.path, i.message) for i in report.issues if i.severity == severity]


def test_valid_case_has_no_issues():
    report = check_text(HEAD + "procedures: [{id: s, label: S, date: '2019-01-10'}]\n", "t.yaml")
    assert report.issues == ()
    assert report.case is not None


def test_event_after_cutoff_is_a_warning_and_the_case_still_loads():
    report = check_text(HEAD + "procedures: [{id: s, label: S, date: '2020-09-01'}]\n", "t.yaml")
    assert report.case is not None
    assert _messages(report, "warning") == [
        ("procedures[0].date", "2020-09-01 is after the data cut-off 2020-06")
    ]
    assert report.errors == []


def test_future_dates_are_errors_relative_to_today():
    text = HEAD + "procedures: [{id: s, label: S, date: '2020-03-01'}]\n"
    report = check_text(text, "t.yaml", today=dt.date(2020, 1, 1))
    assert ("procedures[0].date", "2020-03-01 is in the future (today is 2020-01-01)") in _messages(
        report, "error"
    )
    assert report.case is None


def test_lane_not_in_display_lanes_is_a_warning_and_duplicate_lanes_an_error():
    text = HEAD + (
        "procedures: [{id: s, label: S, date: '2019-02-01', lane: Operations}]\n"
        "display: {lanes: [Surgery, Surgery]}\n"
    )
    report = check_text(text, "t.yaml")
    assert ("procedures[0].lane", "lane 'Operations' is not listed in display.lanes; it will be "
            "drawn after them") in _messages(report, "warning")
    assert ("display.lanes[1]", "lane 'Surgery' is listed twice") in _messages(report, "error")


def test_every_problem_is_reported_even_when_fields_fail():
    # An unknown field, an end before its start in the same item, a wrong code elsewhere,
    # and a cross-field problem (suspect) in a valid item: all four in one run.
    text = HEAD + """medications:
  - {id: m, label: M, class: targeted, start: '2019-05', end: '2019-03', colour: red}
  - {id: n, label: N, class: wrong, start: '2019-05'}
adverse_events:
  - {id: a, term: Rash, start: '2019-06', suspect: [nope]}
"""
    report = check_text(text, "t.yaml")
    found = {(i.line, i.path) for i in report.errors}
    assert found == {
        (6, "medications[0].colour"),
        (6, "medications[0].end"),
        (7, "medications[1].class"),
        (9, "adverse_events[0].suspect[0]"),
    }


def test_indices_of_cross_field_problems_survive_skipped_items():
    # Item 0 fails on its own; the duplicate id is between items 1 and 2 and must be
    # reported at index 2 of the file, not of the filtered list.
    text = HEAD + """imaging:
  - {id: bad, date: 'soon', modality: CT}
  - {id: ct, date: '2019-02-01', modality: CT}
  - {id: ct, date: '2019-03-01', modality: CT}
"""
    report = check_text(text, "t.yaml")
    assert ("imaging[2].id", "id 'ct' is already used by imaging[1]") in _messages(report, "error")


def test_right_to_left_text_is_a_warning():
    text = HEAD + "procedures: [{id: s, label: 'כריתת בלוטת התריס', date: '2019-02-01'}]\n"
    report = check_text(text, "t.yaml")
    assert report.case is not None
    assert [p for p, _ in _messages(report, "warning")] == ["procedures[0].label"]


def test_too_many_events_are_refused():
    items = "".join(
        f"  - {{id: i{i}, date: '2019-{1 + i % 12:02d}-01', modality: CT}}\n" for i in range(10_000)
    )
    report = check_text(HEAD + "imaging:\n" + items, "big.yaml")
    assert report.case is None
    assert [(i.path, i.message) for i in report.errors] == [
        ("imaging", f"10,000 events; a chart can show at most {MAX_EVENTS:,}")
    ]


def test_five_thousand_character_labels_are_refused_with_a_plain_message():
    text = HEAD + f"procedures: [{{id: s, label: '{'x' * 5000}', date: '2019-02-01'}}]\n"
    report = check_text(text, "t.yaml")
    assert report.case is None
    assert [(i.line, i.path) for i in report.errors] == [(5, "procedures[0].label")]
    assert "is 5,000 characters long; it may have at most 1,000" in report.errors[0].message


def test_events_over_the_limit_across_sections_are_refused():
    half = MAX_EVENTS // 2 + 1
    procedures = "".join(f"  - {{id: p{i}, label: S, date: '2019-02-01'}}\n" for i in range(half))
    imaging = "".join(f"  - {{id: i{i}, date: '2019-02-01', modality: CT}}\n" for i in range(half))
    report = check_text(HEAD + "procedures:\n" + procedures + "imaging:\n" + imaging, "t.yaml")
    assert [i.message for i in report.errors] == [
        f"the case has {2 * half:,} entries (events, dose phases, metastases, codes and other list "
        f"entries); a chart can show at most {MAX_EVENTS:,}"
    ]
