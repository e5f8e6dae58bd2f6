"""Loading case files: YAML traps, and every bad input located by file, line and key path."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from atc_timeline.case.dates import PartialDate
from atc_timeline.errors import CaseError, CaseValidationError, Issue
from atc_timeline.readers.yaml_case import decode_bytes, load_case, load_case_text, parse_yaml

DATA = Path(__file__).parents[1] / "data"
INVALID = sorted((DATA / "invalid").glob("*.yaml"))

HEAD = """\
schema: atc-timeline/1
case:
  id: p01
  title: Test case
diagnosis:
  label: Anaplastic thyroid carcinoma
  date: 2017-08-30
"""


def _expectations(path: Path) -> list[tuple[int | None, str, str]]:
    """The `# expect: <line> <path> <message part>` lines that open a corpus file ('-' = none)."""
    found = []
    for raw in path.read_bytes().splitlines():
        line = raw.decode("ascii")
        if not line.startswith("# expect: "):
            break
        where, key_path, message = line.removeprefix("# expect: ").split(" ", 2)
        found.append((None if where == "-" else int(where), "" if key_path == "-" else key_path, message))
    return found


# --- valid files ----------------------------------------------------------------------------


def test_minimal_case_loads_with_defaults() -> None:
    case = load_case(DATA / "minimal.yaml")
    assert case.case.id == "minimal"
    assert case.diagnosis.date == PartialDate(2017, 8, 30)
    assert case.patient.status == "unknown"
    assert case.items() == []
    assert case.display.lanes == []


def test_minimal_case_is_minimal() -> None:
    """Dropping any top-level block of minimal.yaml makes it invalid."""
    text = (DATA / "minimal.yaml").read_text()
    blocks = ["schema", "case", "diagnosis"]
    for block in blocks:
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(f"{block}:"))
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
        with pytest.raises(CaseValidationError) as info:
            load_case_text("\n".join(lines[:start] + lines[end:]), "minimal.yaml")
        assert any(issue.path == block for issue in info.value.issues), block


def test_unquoted_day_and_month_dates_both_become_partial_dates() -> None:
    # The YAML timestamp trap: plain YAML turns 2017-08-30 into a datetime.date but leaves
    # 2017-10 as text. The loader must treat them the same way.
    data, _ = parse_yaml("a: 2017-08-30\nb: 2017-10\n")
    assert data == {"a": "2017-08-30", "b": "2017-10"}
    body = "medications:\n  - id: m\n    label: M\n    start: 2017-10\n    end: 2018-04-02\n"
    case = load_case_text(HEAD + body)
    assert case.diagnosis.date == PartialDate(2017, 8, 30)
    assert case.medications[0].start == PartialDate(2017, 10)
    assert case.medications[0].end == PartialDate(2018, 4, 2)


def test_unquoted_year_is_a_year_date() -> None:
    case = load_case_text(HEAD.replace("date: 2017-08-30", "date: 2017"))
    assert case.diagnosis.date == PartialDate(2017)
    assert case.diagnosis.date.precision == "year"


def test_unquoted_year_works_as_time_zero() -> None:
    # time_zero may be a date; an unquoted year arrives as an int like other year dates.
    case = load_case_text(HEAD.replace("  title: Test case\n", "  title: Test case\n  time_zero: 2018\n"))
    assert case.case.time_zero == "2018"


def test_quoted_and_qualified_dates() -> None:
    case = load_case_text(HEAD.replace("date: 2017-08-30", 'date: "2017-08~"'))
    assert case.diagnosis.date == PartialDate(2017, 8, approximate=True)
    case = load_case_text(HEAD.replace("date: 2017-08-30", "date: 2017-08?"))
    assert case.diagnosis.date == PartialDate(2017, 8, uncertain=True)


@pytest.mark.parametrize("keyword", ["ongoing", "unknown"])
def test_end_keywords(keyword: str) -> None:
    text = HEAD + f"medications:\n  - id: m\n    label: M\n    start: 2019-03\n    end: {keyword}\n"
    assert load_case_text(text).medications[0].end == keyword


def test_class_field_uses_its_yaml_name() -> None:
    text = HEAD + "medications:\n  - id: m\n    label: M\n    class: targeted\n    start: 2019-03\n"
    assert load_case_text(text).medications[0].class_ == "targeted"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + HEAD.replace("Anaplastic", "Anaplastique é").encode())
    assert load_case(path).diagnosis.label == "Anaplastique é thyroid carcinoma"


def test_warnings_do_not_stop_loading() -> None:
    # An event after the data cut-off is a warning, not an error.
    text = HEAD.replace("  title: Test case\n", "  title: Test case\n  data_cutoff: 2018-01\n")
    text += "imaging:\n  - id: ct\n    date: 2018-03\n    modality: CT\n"
    assert load_case_text(text).imaging[0].id == "ct"


# --- the invalid corpus ---------------------------------------------------------------------


def test_corpus_files_document_themselves() -> None:
    assert len(INVALID) >= 20
    for path in INVALID:
        assert _expectations(path), f"{path.name} has no '# expect:' line"


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file_reports_each_expected_issue(path: Path) -> None:
    expected = _expectations(path)
    with pytest.raises(CaseError) as info:
        load_case(path)
    error = info.value
    if not error.issues:
        # A file refused as a whole (e.g. an alias bomb): a message naming the file.
        assert len(expected) == 1
        assert expected[0][:2] == (None, "")
        assert str(path) in str(error)
        assert expected[0][2] in str(error)
        return
    assert isinstance(error, CaseValidationError)
    assert len(error.issues) == len(expected), [str(i) for i in error.issues]
    for issue, (line, key_path, message) in zip(error.issues, expected, strict=True):
        assert issue.file == str(path)
        assert issue.severity == "error"
        assert (issue.line, issue.path) == (line, key_path), str(issue)
        assert message in issue.message, str(issue)
        # plain language, never pydantic's or Python's own wording
        for jargon in ("pydantic", "Input should", "validation error", "Traceback", "type="):
            assert jargon not in issue.message
        # the printed form leads with file:line
        if line is not None:
            assert str(issue).startswith(f"{path}:{line}")


def test_issue_points_at_the_value_column() -> None:
    with pytest.raises(CaseValidationError) as info:
        load_case_text(HEAD + "patient:\n  age: old\n", "p.yaml")
    (issue,) = info.value.issues
    assert (issue.line, issue.column) == (9, 3)
    assert str(issue) == "p.yaml:9:3: patient.age: expected a whole number, got 'old'"


def test_missing_file() -> None:
    path = DATA / "no-such-case.yaml"
    with pytest.raises(CaseError) as info:
        load_case(path)
    assert str(info.value) == f"{path}: no such file"
    # Reported like every other problem: one issue, located by the file name alone.
    assert isinstance(info.value, CaseValidationError)
    assert [(i.file, i.line, i.message) for i in info.value.issues] == [(str(path), None, "no such file")]


def test_directory_is_not_a_case_file(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="is a folder, not a case file"):
        load_case(tmp_path)


def test_alias_bomb_is_refused_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(CaseError, match="too many YAML aliases"):
        load_case(DATA / "invalid" / "alias_bomb.yaml")
    assert time.perf_counter() - start < 5


def test_non_utf8_line_is_the_line_of_the_bad_byte() -> None:
    text = HEAD.encode() + b"patient:\n  sex: m\xe4le\n"
    with pytest.raises(CaseValidationError) as info:
        decode_bytes(text, "latin1.yaml")
    assert info.value.issues == [
        Issue("latin1.yaml", 9, 9, "", "the file is not UTF-8 text (binary data or another encoding)")
    ]


def test_nul_bytes_are_refused() -> None:
    with pytest.raises(CaseValidationError, match="binary data"):
        decode_bytes(b"schema: x\n\x00\x01", "bin.yaml")


def test_all_problems_are_reported_together() -> None:
    text = HEAD + (
        "patient:\n  age: -3\n"
        "procedures:\n  - id: s\n    label: ''\n    date: 2017-13\n"
        "medications:\n  - id: m\n    label: M\n    start: 2019-03\n    schedule: daily\n"
    )
    with pytest.raises(CaseValidationError) as info:
        load_case_text(text, "many.yaml")
    found = [(issue.path, issue.message) for issue in info.value.issues]
    assert found == [
        ("patient.age", "-3 is out of range; it must be at least 0 and at most 130"),
        ("procedures[0].label", "must not be empty"),
        ("procedures[0].date", "'2017-13' is not a date: there is no month 13"),
        ("medications[0].schedule", "'daily' is not allowed; use one of: QD, BID, QW, Q2W, Q3W, Q4W or ONCE"),
    ]
    # issues come sorted by line
    lines = [issue.line for issue in info.value.issues]
    assert lines == sorted(lines)
    assert str(info.value).count("many.yaml:") == 4
    assert info.value.message == "4 problems in the case file"


def test_range_messages_use_words() -> None:
    text = HEAD + "radiotherapy:\n  - id: rt\n    label: RT\n    start: 2018-01\n    dose_per_fraction: 0\n"
    with pytest.raises(CaseValidationError) as info:
        load_case_text(text)
    (issue,) = info.value.issues
    assert issue.path == "radiotherapy[0].dose_per_fraction"
    assert issue.message == "0 Gy is out of range; it must be at least 0.01 Gy and at most 1000 Gy"


def test_cross_checks_report_every_problem() -> None:
    text = HEAD + (
        "procedures:\n  - id: x\n    label: S\n    date: 2017-08-30\n"
        "imaging:\n  - id: x\n    date: 2017-09\n    modality: CT\n"
        "adverse_events:\n  - id: ae\n    term: Rash\n    start: 2018-01\n    suspect: [nope]\n"
    )
    with pytest.raises(CaseValidationError) as info:
        load_case_text(text)
    assert [issue.path for issue in info.value.issues] == ["imaging[0].id", "adverse_events[0].suspect[0]"]
    assert "medication ids: none" in info.value.issues[1].message


def test_time_zero_may_name_an_item_or_a_date() -> None:
    base = HEAD + "procedures:\n  - id: surgery\n    label: S\n    date: 2017-08-30\n"
    for value in ("diagnosis", "surgery", '"2017-09"'):
        text = base.replace("  title: Test case\n", f"  title: Test case\n  time_zero: {value}\n")
        assert load_case_text(text).case.time_zero == value.strip('"')


def test_nothing_dated_is_an_error() -> None:
    text = HEAD.replace("  date: 2017-08-30\n", "")
    with pytest.raises(CaseValidationError, match="nothing is dated"):
        load_case_text(text)


def test_yaml_merge_keys_are_refused() -> None:
    text = HEAD + "base: &b {age: 3}\npatient:\n  <<: *b\n"
    with pytest.raises(CaseValidationError) as info:
        load_case_text(text)
    assert any(issue.message == "a key must be a plain name" for issue in info.value.issues)
