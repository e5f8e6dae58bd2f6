"""pydantic's errors in plain words; a file with thousands of problems refused quickly, with a few hundred."""

from __future__ import annotations

import time

import pytest

from atc_timeline.errors import CaseValidationError
from atc_timeline.readers.messages import describe
from atc_timeline.readers.yaml_case import MAX_ISSUES, check_text, load_case_text

HEAD = """schema: atc-timeline/1
case: {id: t, title: Test}
diagnosis: {label: ATC, date: "2019-01-10"}
"""


def _bad_items(count: int) -> str:
    # Each item has seven wrong types and one unknown field: eight problems.
    item = "  - {id: %d, label: 1, date: 5, outcome: 3, lane: 4, source: 7, codes: 9, bogus: 1}\n"
    return HEAD + "procedures:\n" + "".join(item % i for i in range(count))


def test_a_file_with_thousands_of_problems_stops_after_a_few_hundred_and_says_how_many_more() -> None:
    started = time.perf_counter()
    report = check_text(_bad_items(1_900), "many.yaml")
    elapsed = time.perf_counter() - started
    assert report.case is None
    assert len(report.issues) == MAX_ISSUES + 1
    last = report.issues[-1]
    assert (last.file, last.line, last.path, last.severity) == ("many.yaml", None, "", "warning")
    assert len(report.errors) == MAX_ISSUES
    assert last.message == f"stopped after {MAX_ISSUES} problems; {1_900 * 8 - MAX_ISSUES:,} more not shown"
    assert all(i.line is not None for i in report.issues[:-1]), "the problems shown are located"
    assert elapsed < 5, f"refusing took {elapsed:.1f} s"


def test_problems_up_to_the_cap_are_all_shown() -> None:
    report = check_text(_bad_items(MAX_ISSUES // 8), "few.yaml")
    assert len(report.issues) == MAX_ISSUES
    assert not any("stopped after" in i.message for i in report.issues)


def test_loading_raises_the_capped_list_too() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case_text(_bad_items(500), "many.yaml")
    assert len(info.value.issues) == MAX_ISSUES + 1
    assert info.value.issues[-1].message.startswith(f"stopped after {MAX_ISSUES} problems")


def test_problems_found_while_reading_are_capped_too() -> None:
    # Control characters are refused by the YAML reader, before the model: the same cap.
    text = (
        HEAD
        + "procedures:\n"
        + "".join(f'  - {{id: p{i}, label: "x\\x07", date: 2019}}\n' for i in range(MAX_ISSUES + 50))
    )
    report = check_text(text, "ctl.yaml")
    assert len(report.issues) == MAX_ISSUES + 1
    assert report.issues[-1].message == f"stopped after {MAX_ISSUES} problems; 50 more not shown"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "'true'"),
        (False, "'false'"),
        (None, "nothing"),
        (10**300, "a number with more than 60 digits"),
        ("x" * 100, "'" + "x" * 80 + "…'"),
    ],
)
def test_values_are_described_as_the_file_writes_them(value: object, shown: str) -> None:
    assert describe(value) == shown
