"""The one character and length rule for text: in the model (a Case built in Python) and in case files."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from atc_timeline.case.model import AdverseEvent, Case, Medication
from atc_timeline.case.text import MAX_TEXT, NOT_TEXT, character_problem, clean_text
from atc_timeline.readers.yaml_case import check_text

HEAD = """schema: atc-timeline/1
case: {id: t, title: Test}
diagnosis: {label: ATC, date: "2019-01-10"}
"""


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\x00", "the control character U+0000"),
        ("\x07", "the control character U+0007"),
        ("\x7f", "the control character U+007F"),
        ("\x85", "the control character U+0085"),
        ("\ud800", "half of a UTF-16 surrogate pair U+D800"),
        ("\udfff", "half of a UTF-16 surrogate pair U+DFFF"),
        ("\ufffe", "the Unicode noncharacter U+FFFE"),
        ("\uffff", "the Unicode noncharacter U+FFFF"),
        ("\ufdd0", "the Unicode noncharacter U+FDD0"),
        ("\U0001fffe", "the Unicode noncharacter U+1FFFE"),
        ("\U0010ffff", "the Unicode noncharacter U+10FFFF"),
    ],
)
def test_characters_that_are_not_text_are_named(char: str, kind: str) -> None:
    assert character_problem(f"a{char}b") == f"contains {kind}, which is not text; remove it"
    with pytest.raises(ValueError, match=kind.replace("+", r"\+")):
        clean_text(f"a{char}b")


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "tab\there",
        "two\nlines",
        "cr\r",
        "\u200b\u200d\u2060\u00ad",
        "中文 한국어",
        "\U0001f600",
        "\ue000",
        "\u0378",
        "\U0010fffd",
        "\ufffd",
    ],
)
def test_text_of_every_script_and_the_invisible_formatting_characters_are_allowed(text: str) -> None:
    assert NOT_TEXT.search(text) is None
    assert clean_text(text) == text


def test_the_byte_order_mark_is_dropped_wherever_it_is() -> None:
    # Text pasted from Word brings U+FEFF; it is invisible and crashed the PDF writer.
    assert clean_text("\ufeffAnaplastic\ufeff thyroid\ufeff") == "Anaplastic thyroid"
    assert clean_text(3) == 3, "anything but text is left for the type check"


def test_a_case_built_in_python_is_held_to_the_same_rule() -> None:
    with pytest.raises(ValidationError, match="U\\+FFFF"):
        Medication(id="m", label="Drug\uffff", start="2019")
    with pytest.raises(ValidationError, match="U\\+0007"):
        Medication(id="m", label="Drug", start="2019", codes=["rxnorm:1\x07"])
    med = Medication(id="m\ufeff", label="\ufeffDrug", start="2019")
    assert (med.id, med.label) == ("m", "Drug")


@pytest.mark.parametrize(
    "where",
    [
        'case: {id: t, title: "T\\uFFFE"}',
        'case: {id: t, title: T, source: "S\\uFFFF"}',
        'case: {id: t, title: T, time_zero: "x\\x07"}',
        'diagnosis: {label: ATC, molecular: ["BRAF\\uFDD0"]}',
        'procedures: [{id: p, label: S, date: 2019, lane: "L\\x1b"}]',
        'adverse_events: [{id: a, term: Rash, start: 2019, suspect: ["m\\u0085"]}]',
        'display: {lanes: ["\\U0001FFFF"]}',
    ],
)
def test_a_case_file_with_a_character_that_is_not_text_is_refused_at_its_line(where: str) -> None:
    lines = HEAD.splitlines()
    key = where.split(":")[0]
    kept = [line for line in lines if not line.startswith(f"{key}:")]
    if key == "diagnosis":
        where = where.replace("{label: ATC,", "{label: ATC, date: '2019-01-10',")
    text = "\n".join([*kept, where]) + "\n"
    report = check_text(text, "t.yaml")
    assert report.case is None
    (issue,) = report.errors
    assert issue.line == len(kept) + 1
    assert "which is not text" in issue.message or "; remove it" in issue.message
    assert "U+" in issue.message


def test_a_title_with_a_byte_order_mark_loads_without_it() -> None:
    report = check_text(HEAD.replace("title: Test", 'title: "Te\\uFEFFst"'), "t.yaml")
    assert report.errors == []
    assert report.case is not None
    assert report.case.case.title == "Test"


@pytest.mark.parametrize(
    "item",
    [
        "case: {{id: t, title: T, source: '{long}'}}",
        "case: {{id: '{ident}', title: T}}",
        "case: {{id: t, title: T, time_zero: '{long}'}}",
        "procedures: [{{id: p, label: S, date: 2019, lane: '{long}'}}]",
        "procedures: [{{id: p, label: S, date: 2019, source: '{long}'}}]",
        "procedures: [{{id: '{ident}', label: S, date: 2019}}]",
        "procedures: [{{id: p, label: S, date: 2019, codes: ['sct:{ident}']}}]",
        "adverse_events: [{{id: a, term: Rash, start: 2019, suspect: ['{ident}']}}]",
        "display: {{lanes: ['{long}']}}",
    ],
)
def test_every_free_text_field_has_the_same_length_cap(item: str) -> None:
    text = item.format(long="x" * (MAX_TEXT + 1), ident="i" * (MAX_TEXT + 1))
    key = text.split(":")[0]
    head = "\n".join(line for line in HEAD.splitlines() if not line.startswith(f"{key}:"))
    report = check_text(f"{head}\n{text}\n", "t.yaml")
    assert report.case is None
    messages = [i.message for i in report.errors]
    assert any(f"characters long; it may have at most {MAX_TEXT:,}" in m for m in messages), messages


def test_the_cap_itself_is_allowed() -> None:
    ok = check_text(
        HEAD + f"procedures: [{{id: '{'i' * MAX_TEXT}', label: '{'x' * MAX_TEXT}', date: 2019, "
        f"lane: '{'l' * MAX_TEXT}', source: '{'s' * MAX_TEXT}'}}]\n",
        "t.yaml",
    )
    assert ok.errors == []


@pytest.mark.parametrize("field", ["title", "label", "lane"])
def test_blank_text_is_refused(field: str) -> None:
    values = {"title": "T", "label": "S", "lane": "Surgery", field: "   "}
    text = (
        "schema: atc-timeline/1\n"
        f"case: {{id: t, title: '{values['title']}'}}\n"
        "diagnosis: {label: ATC, date: '2019-01-10'}\n"
        f"procedures: [{{id: p, label: '{values['label']}', date: 2019, lane: '{values['lane']}'}}]\n"
    )
    report = check_text(text, "t.yaml")
    assert [i.message for i in report.errors] == ["must not be blank (it holds only spaces)"]


def test_suspect_entries_are_ids() -> None:
    with pytest.raises(ValidationError, match=r"String should match pattern"):
        AdverseEvent(id="a", term="Rash", start="2019", suspect=["not an id"])
    assert (
        Case.model_json_schema()["$defs"]["AdverseEvent"]["properties"]["suspect"]["items"]["maxLength"]
        == MAX_TEXT
    )
