"""Numbers, dates and sizes a chart can draw: strict types, bounds that say what is allowed, one limit."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from atc_timeline.case.checks import MAX_EVENTS, entry_count
from atc_timeline.case.dates import MAX_YEAR, MIN_YEAR
from atc_timeline.case.model import MAX_DOSE_GY, MAX_FRACTIONS, Radiotherapy
from atc_timeline.readers.yaml_case import check_text

HEAD = """schema: atc-timeline/1
case: {id: t, title: Test}
diagnosis: {label: ATC, date: "2019-01-10"}
"""


def _errors(text: str) -> list[tuple[str, str]]:
    report = check_text(text, "t.yaml")
    assert report.case is None, "the file should be refused"
    return [(i.path, i.message) for i in report.errors]


GY_RANGE = "; it must be at least 0.01 Gy and at most 1000 Gy"


def _rt(fields: str) -> str:
    return HEAD + f"radiotherapy: [{{id: rt, label: RT, start: 2019-02, {fields}}}]\n"


# --- strict types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("patient: {age: true}", "expected a whole number, got 'true'"),
        ("patient: {age: '61'}", "expected a whole number, got '61' (write it without quotes)"),
        ("patient: {age: 61.0}", "expected a whole number, got '61.0'"),
        (
            "adverse_events: [{id: a, term: Rash, start: 2019-02, grade: '3'}]",
            "expected a whole number, got '3' (write it without quotes)",
        ),
        (
            "adverse_events: [{id: a, term: Rash, start: 2019-02, grade: 3.0}]",
            "expected a whole number, got '3.0'",
        ),
        (
            "adverse_events: [{id: a, term: Rash, start: 2019-02, grade: true}]",
            "expected a whole number, got 'true'",
        ),
        (
            "adverse_events: [{id: a, term: Rash, start: 2019-02, immune_related: 1}]",
            "expected true or false, got '1'",
        ),
        (
            "adverse_events: [{id: a, term: Rash, start: 2019-02, immune_related: 'yes'}]",
            "expected true or false, got 'yes'",
        ),
        (
            "radiotherapy: [{id: r, label: RT, start: 2019-02, fractions: true}]",
            "expected a whole number, got 'true'",
        ),
        (
            "radiotherapy: [{id: r, label: RT, start: 2019-02, total_dose: true}]",
            "expected a number, got 'true'",
        ),
        (
            "radiotherapy: [{id: r, label: RT, start: 2019-02, total_dose: '30'}]",
            "'30' is quoted: write the number without quotes, or with a unit",
        ),
    ],
)
def test_numbers_and_flags_must_be_written_as_such(block: str, message: str) -> None:
    assert [m for _, m in _errors(HEAD + block + "\n")] == [message]


def test_an_unquoted_decimal_comma_is_told_to_add_a_unit_not_to_unquote() -> None:
    # YAML reads an unquoted 1,8 as text, so "it is quoted" would send the user astray.
    block = "radiotherapy:\n  - id: r\n    label: RT\n    start: 2019-02\n    dose_per_fraction: 1,8\n"
    message = "'1,8' has a decimal comma but no unit: write 1.8, or 1,8 Gy"
    assert [m for _, m in _errors(HEAD + block)] == [message]


def test_a_whole_number_is_a_dose() -> None:
    report = check_text(_rt("dose_per_fraction: 2, fractions: 30, total_dose: 60"), "t.yaml")
    assert report.errors == []
    assert report.case is not None
    assert report.case.radiotherapy[0].dose_text() == "2.0 Gy \u00d7 30 (60 Gy)"


# --- bounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("digits", [61, 400, 4000])
def test_a_number_of_hundreds_of_digits_is_refused_not_overflowed(digits: int) -> None:
    huge = "9" * digits
    for fields in (f"fractions: {huge}", f"dose_per_fraction: 2, fractions: {huge}, total_dose: 5"):
        errors = _errors(_rt(fields))
        assert (
            "radiotherapy[0].fractions",
            f"a number with more than 60 digits is out of range; it must be at least 1 and at most "
            f"{MAX_FRACTIONS}",
        ) in errors
    errors = _errors(_rt(f"total_dose: {huge}"))
    assert errors == [
        (
            "radiotherapy[0].total_dose",
            f"a number with more than 60 digits is out of range; it must be at least 0.01 Gy and at most "
            f"{MAX_DOSE_GY} Gy",
        )
    ]


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e+400"])
def test_infinite_and_not_a_number_doses_are_refused_with_the_range(value: str) -> None:
    for field in ("dose_per_fraction", "total_dose"):
        ((path, message),) = _errors(_rt(f"{field}: {value}"))
        assert path == f"radiotherapy[0].{field}"
        assert message.endswith(f"is not a finite number{GY_RANGE}")


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ("total_dose: 1001", "total_dose", f"1001 Gy is out of range{GY_RANGE}"),
        ("total_dose: 0", "total_dose", f"0 Gy is out of range{GY_RANGE}"),
        ("total_dose: 200000 cGy", "total_dose", f"2000 Gy is out of range{GY_RANGE}"),
        ("fractions: 0", "fractions", "0 is out of range; it must be at least 1 and at most 200"),
        ("fractions: 201", "fractions", "201 is out of range; it must be at least 1 and at most 200"),
        (
            "dose_per_fraction: 20, fractions: 60",
            "fractions",
            "20 Gy x 60 fractions is 1200 Gy; a course can be at most 1,000 Gy",
        ),
    ],
)
def test_absurd_doses_are_refused_with_what_is_allowed(fields: str, path: str, message: str) -> None:
    assert _errors(_rt(fields)) == [(f"radiotherapy[0].{path}", message)]


def test_a_course_built_in_python_is_bounded_too() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 200"):
        Radiotherapy(id="r", label="RT", start="2019", fractions=10**400)
    with pytest.raises(ValidationError, match="finite number"):
        Radiotherapy(id="r", label="RT", start="2019", total_dose=float("inf"))


@pytest.mark.parametrize(
    ("per", "text"),
    [
        (2.0, "2.0 Gy \u00d7 10 (20 Gy)"),
        (1.8, "1.8 Gy \u00d7 10 (18 Gy)"),
        (2.25, "2.25 Gy \u00d7 10 (22.5 Gy)"),
        (0.05, "0.05 Gy \u00d7 10 (0.5 Gy)"),
    ],
)
def test_the_dose_per_fraction_is_drawn_with_every_decimal_it_has(per: float, text: str) -> None:
    # Why: "2.2 Gy x 10 (22.5 Gy)" for 2.25 Gy was a wrong chart.
    assert (
        Radiotherapy(id="r", label="RT", start="2019", dose_per_fraction=per, fractions=10).dose_text()
        == text
    )


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "path", "written"),
    [
        ("procedures: [{id: p, label: S, date: '1600-05-01'}]", "procedures[0].date", "'1600-05-01'"),
        (
            "medications: [{id: m, label: M, start: '1677-09-20', end: '1677-10'}]",
            "medications[0].start",
            "'1677-09-20'",
        ),
        ("medications: [{id: m, label: M, start: '2019-02', end: '1600'}]", "medications[0].end", "'1600'"),
        ("diagnosis: {label: ATC, date: '0001-01-01'}", "diagnosis.date", "'0001-01-01'"),
        ("case: {id: t, title: T, time_zero: '9999'}", "case.time_zero", "'9999'"),
        ("case: {id: t, title: T, time_zero: '1899-12-31'}", "case.time_zero", "'1899-12-31'"),
        ("case: {id: t, title: T, data_cutoff: '1500'}", "case.data_cutoff", "'1500'"),
    ],
)
def test_dates_outside_the_years_a_chart_can_show_are_refused_where_they_are(
    block: str, path: str, written: str
) -> None:
    key = block.split(":")[0]
    head = "\n".join(line for line in HEAD.splitlines() if not line.startswith(f"{key}:"))
    report = check_text(f"{head}\n{block}\n", "t.yaml")
    assert report.case is None
    issue = next(i for i in report.errors if i.path == path)
    assert issue.message == f"{written} is outside the years a chart can show ({MIN_YEAR} to {MAX_YEAR})"
    assert issue.line == head.count("\n") + 2


def test_a_time_zero_far_in_the_future_is_allowed_within_the_range() -> None:
    text = HEAD.replace("title: Test", f"title: Test, time_zero: '{MAX_YEAR}-12-31~'")
    assert check_text(text + "procedures: [{id: p, label: S, date: 2019}]\n", "t.yaml").errors == []


def test_nothing_may_happen_after_the_death() -> None:
    text = HEAD + (
        "patient: {status: deceased, death_date: '2020-03'}\n"
        "medications: [{id: m, label: M, start: 2019-02, end: '2020-06', phases: [{start: 2019-02}, "
        "{start: '2020-05'}]}]\n"
    )
    errors = _errors(text)
    assert ("medications[0].end", "2020-06 is after the patient's death on 2020-03") in errors
    assert ("medications[0].phases[1].start", "2020-05 is after the patient's death on 2020-03") in errors


# --- one entry limit ------------------------------------------------------------------------


def test_phases_count_against_the_event_limit() -> None:
    phases = ", ".join(f"{{start: '2019-02-01', dose: '{i} mg'}}" for i in range(MAX_EVENTS))
    text = HEAD + f"medications: [{{id: m, label: M, start: 2019-02, phases: [{phases}]}}]\n"
    assert _errors(text) == [
        (
            "",
            f"the case has {MAX_EVENTS + 1:,} entries (events, dose phases, metastases, codes and other "
            f"list entries); a chart can show at most {MAX_EVENTS:,}",
        )
    ]


@pytest.mark.parametrize(
    "block",
    [
        "diagnosis: {{label: ATC, date: 2019, metastases: [{entries}]}}",
        "diagnosis: {{label: ATC, date: 2019, molecular: [{entries}]}}",
        "diagnosis: {{label: ATC, date: 2019, codes: [{entries}]}}",
        "display: {{lanes: [{entries}]}}",
    ],
)
def test_every_list_counts_against_the_event_limit(block: str) -> None:
    one = "{site: Lung}" if "metastases" in block else "sct:1" if "codes" in block else "Lane"
    entries = ", ".join([one] * (MAX_EVENTS + 1))
    key = block.split(":")[0]
    head = "\n".join(line for line in HEAD.splitlines() if not line.startswith(f"{key}:"))
    errors = _errors(f"{head}\n{block.format(entries=entries)}\n")
    assert len(errors) == 1
    assert errors[0][1].startswith(f"the case has {MAX_EVENTS + 1:,} entries")


def test_entry_count_counts_what_a_case_built_in_python_holds() -> None:
    text = HEAD.replace(
        "diagnosis: {label: ATC,", "diagnosis: {label: ATC, molecular: [a, b], codes: ['sct:1'],"
    )
    text += (
        "medications: [{id: m, label: M, start: 2019-02, codes: ['rxnorm:1'], phases: [{start: 2019-02}]}]\n"
        "adverse_events: [{id: a, term: Rash, start: 2019-03, suspect: [m]}]\n"
        "display: {lanes: [M]}\n"
    )
    case = check_text(text, "t.yaml").case
    assert case is not None
    # 2 molecular + 1 code + 1 medication + 1 code + 1 phase + 1 adverse event + 1 suspect + 1 lane
    assert entry_count(case) == 9


def test_today_bounds_the_range_from_above() -> None:
    report = check_text(
        HEAD + "procedures: [{id: p, label: S, date: '2050'}]\n", "t.yaml", today=dt.date(2020, 1, 1)
    )
    assert [i.message for i in report.errors] == ["2050 is in the future (today is 2020-01-01)"]


def test_an_id_cannot_pass_for_a_dose_phase() -> None:
    # The chart names phases "<medication id>--phase-<n>": an item named so would share the
    # phase's SVG group and tooltip, and keep its id on a de-identified chart.
    text = HEAD + (
        "medications: [{id: m, label: M, start: 2019-02, phases: [{start: 2019-02}, {start: 2019-05}]}]\n"
        "imaging: [{id: m--phase-1, date: 2019-04, modality: CT}]\n"
    )
    assert _errors(text) == [
        (
            "imaging[0].id",
            "contains '--phase-', which the chart keeps for naming dose phases; choose another id",
        )
    ]


@pytest.mark.parametrize(
    ("written", "gray"),
    [("2", 2.0), ("2.0 Gy", 2.0), ("200 cGy", 2.0), ("1,8 Gy", 1.8), ("2 gy", 2.0), ("1800 mGy", 1.8)],
)
def test_doses_are_read_as_clinicians_write_them(written: str, gray: float) -> None:
    for field in ("dose_per_fraction", "total_dose"):
        # Block style: in a flow mapping, the decimal comma of "1,8 Gy" would end the value.
        item = f"  - id: rt\n    label: RT\n    start: 2019-02\n    {field}: {written}\n"
        text = HEAD + "radiotherapy:\n" + item
        report = check_text(text, "c.yaml")
        assert report.case is not None, report.errors
        assert getattr(report.case.radiotherapy[0], field) == pytest.approx(gray)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2 rad", "unknown dose unit 'rad'; use Gy, cGy or mGy (2 Gy, 200 cGy)"),
        ("-2 Gy", "'-2 Gy' is not a dose; write a number of Gy, or with a unit: 2 Gy, 200 cGy"),
        ("lots", "'lots' is not a dose; write a number of Gy, or with a unit: 2 Gy, 200 cGy"),
    ],
)
def test_a_dose_with_an_unknown_unit_is_refused_naming_the_known_ones(written: str, message: str) -> None:
    ((path, found),) = _errors(_rt(f"dose_per_fraction: {written}"))
    assert path == "radiotherapy[0].dose_per_fraction"
    assert found == message
