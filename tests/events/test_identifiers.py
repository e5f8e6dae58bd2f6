"""The identifier scan of de-identified charts: what it finds, what clinical text it lets pass."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atc_timeline.errors import CaseValidationError
from atc_timeline.events.deidentify import identifier_issues, refuse_identifiers, title_warning
from atc_timeline.events.identifiers import drawn_texts, find_identifiers, scan_case
from atc_timeline.readers.yaml_case import load_case, load_case_text, parse_yaml
from tests.conftest import CASES, ROOT

IDENTIFYING = [
    ("scan on 2018-03-14", "a calendar date", "2018-03-14"),
    ("seen 2018/03/14", "a calendar date", "2018/03/14"),
    ("CT 2018-03", "a calendar date", "2018-03"),
    ("biopsy 14/03/2018", "a calendar date", "14/03/2018"),
    ("biopsy 14.03.2018", "a calendar date", "14.03.2018"),
    ("MRI 3/14/18", "a calendar date", "3/14/18"),
    ("relapse in March 2019", "a calendar date", "March 2019"),
    ("relapse in march 2019", "a calendar date", "march 2019"),
    ("PET 14 Mar 2018", "a calendar date", "14 Mar 2018"),
    ("PET 14th of March", "a calendar date", "14th of March"),
    ("PET Mar 2018", "a calendar date", "Mar 2018"),
    ("PET Sept. 2020", "a calendar date", "Sept. 2020"),
    ("seen March 14, 2019", "a calendar date", "March 14, 2019"),
    ("seen Mar 14", "a calendar date", "Mar 14"),
    ("progression in 2019", "a year", "2019"),
    ("PTC (2012-2021)", "a year", "2012"),
    ("aged 67", "an age", "aged 67"),
    ("age: 67", "an age", "age: 67"),
    ("a 67-year-old man", "an age", "67-year-old"),
    ("67 years old", "an age", "67 years old"),
    ("sixty-seven-year-old", "an age", "sixty-seven-year-old"),
    ("67 yo", "an age", "67 yo"),
    ("67 y/o man", "an age", "67 y/o"),
    ("67 years of age", "an age", "67 years of age"),
    ("referred by Dr Smith", "a name", "Dr Smith"),
    ("referred by Dr. Smith", "a name", "Dr. Smith"),
    ("Prof Jones clinic", "a name", "Prof Jones"),
    ("Mrs O'Neil", "a name", "Mrs O'Neil"),
    ("Ms Lee", "a name", "Ms Lee"),
    ("Dr J. Smith", "a name", "Dr J"),
    ("Mr Brown", "a name", "Mr Brown"),
    ("St Mary's", "a name", "St Mary's"),
    ("Example Hospital", "the name of a hospital", "Example Hospital"),
    ("St Example Hospital", "the name of a hospital", "St Example Hospital"),
    ("Mayo Clinic", "the name of a hospital", "Mayo Clinic"),
    ("Hôpital Necker", "the name of a hospital", "Hôpital Necker"),
    ("MRN 1234567", "a record number", "MRN 1234567"),
    ("MRN-0048213", "a record number", "MRN-0048213"),
    ("mrn: A123456", "a record number", "mrn: A123456"),
    ("chart #12345678", "a record number", "#12345678"),
    ("id 48213377", "a record number", "48213377"),
    ("NHS 943 476 5919", "a record number", "NHS 943 476 5919"),
    ("call 943-476-5919", "a record number", "943-476-5919"),
    ("jane.smith@example.org", "an e-mail address", "jane.smith@example.org"),
]

CLINICAL = [
    "40 mg", "240 mg Q2W", "2.0 Gy x 28", "2.0 Gy \u00d7 28 (56 Gy)", "q2w", "Q3W", "qd", "BID",
    "grade 3", "G3", "Grade 3 may recur", "CTCAE v5.0", "CTCAE 4.03", "RECIST 1.1", "iRECIST",
    "T4bN1bM1", "pT4a N1b M1", "Stage IVC", "PD", "PR", "SD", "CR", "iUPD", "iCPD", "NE",
    "PR, then PD after ~8 months", "Lenvatinib", "Dabrafenib + trametinib", "Pembrolizumab 200 mg Q3W",
    "Cabozantinib", "paclitaxel + platinum", "50 mg/m2", "1 mg/kg", "400 mg every 6 weeks",
    "2000 mg", "2000mg", "Tg 2000 ng/mL", "1950 cGy", "SUVmax 21", "Further shrinkage (-45%)",
    "RAI 5.5 GBq", "39.1 C with rigors", "MRI", "MR angiography", "MS relapse", "DR 2",
    "Lungs (multiple nodules up to 9 mm)", "Bone (L2, T11)", "Right level III-IV nodes",
    "BRAF V600E", "TERT promoter C228T", "TP53 R273H", "PD-L1 TPS 80%", "Ki-67 30%", "ICD-10",
    "age-related macular change", "stage 3", "page 3", "may progress", "march on",
    "every 2 weeks", "for 2 years", "after 3 years", "day 1-14 q21d", "cycle 1 day 8",
    "TI-RADS 5", "Neck mass 2.1 cm, resectable; lung nodules <= 4 mm", "Dose reduced to 14 mg",
    "Post-therapy scan; thyroid remnant uptake only", "Dr", "Thyroid cancer case",
    "Surgery", "Adverse events", "Chemoradiotherapy", "Supportive care", "Radioiodine",
    "\u95f4\u53d8\u6027\u7532\u72b6\u817a\u764c", "\u30cb\u30dc\u30eb\u30de\u30d6 240 mg",
]


@pytest.mark.parametrize(("text", "kind", "match"), IDENTIFYING)
def test_identifiers_are_found_with_what_they_look_like(text, kind, match):
    assert (kind, match) in find_identifiers(text)


@pytest.mark.parametrize("text", CLINICAL)
def test_clinical_text_passes(text):
    assert find_identifiers(text) == []


@given(
    st.integers(1, 1899) | st.integers(2101, 99999),
    st.sampled_from(["mg", "mg/m2", "Gy", "mGy", "microgram", "mL", "%", "mm", "cm", "GBq", ""]),
    st.sampled_from(["", " QD", " Q2W", " every 3 weeks", " x 28", " \u00d7 10"]),
)
def test_doses_of_any_size_pass(amount, unit, schedule):
    assert find_identifiers(f"{amount} {unit}{schedule}".strip()) == []


@given(st.integers(1900, 2100), st.sampled_from(["mg", "mg/m2", "Gy", "cGy", "mGy", "IU", "ng/mL", "%"]))
def test_a_year_shaped_amount_with_a_unit_passes(amount, unit):
    assert find_identifiers(f"{amount} {unit}") == []


def test_each_stretch_of_text_is_named_once_by_what_it_is_first():
    assert find_identifiers("CT 2018-03-14, Dr Smith, 2019") == [
        ("a calendar date", "2018-03-14"),
        ("a name", "Dr Smith"),
        ("a year", "2019"),
    ]


def test_long_hostile_text_is_scanned_quickly():
    import time

    started = time.perf_counter()
    for text in ("a-" * 500, "A " * 500, "1 " * 500, "x@" * 500, "9" * 1000):
        find_identifiers(text)
    assert time.perf_counter() - started < 0.5


CASE = """schema: atc-timeline/1
case: {id: c, title: Thyroid cancer case}
diagnosis:
  label: ATC
  date: "2019-03-04"
  molecular: [BRAF V600E]
medications:
  - id: lenva
    label: Lenvatinib
    class: targeted
    start: "2019-04-02"
    dose: 24 mg
    phases:
      - {start: "2019-04-02", dose: 24 mg}
      - {start: "2019-06", dose: "14 mg from 2019-06"}
    stop_reason: per Dr Smith
imaging:
  - id: ct
    date: "2019-06-11"
    modality: CT
    finding: "scan on 2018-03-14, aged 67"
    lane: St Example Hospital
"""


def test_the_scan_names_every_field_with_its_path():
    found = [(f.path, f.kind) for f in scan_case(load_case_text(CASE))]
    assert found == [
        (("medications", 0, "stop_reason"), "a name"),
        (("medications", 0, "phases", 1, "dose"), "a calendar date"),
        (("imaging", 0, "finding"), "a calendar date"),
        (("imaging", 0, "finding"), "an age"),
        (("imaging", 0, "lane"), "the name of a hospital"),
    ]


def test_a_title_given_is_scanned_instead_of_the_case_title():
    case = load_case_text(CASE.replace("Thyroid cancer case", "Mr Brown"))
    assert [f.path for f in scan_case(case) if f.path[0] == "case"] == [("case", "title")]
    found = scan_case(case, "Case of 2019")
    assert [f.path for f in found if len(f.path) < 3] == [("title",)]


def test_issues_are_located_by_line_in_the_file():
    _, lines = parse_yaml(CASE, "c.yaml")
    issues = identifier_issues(load_case_text(CASE), "Dr Who", "c.yaml", lines, "--title")
    shown = [str(i).split(": '")[0] for i in issues]
    assert shown == [
        "c.yaml: --title",
        "c.yaml:16:5: medications[0].stop_reason",
        "c.yaml:15:28: medications[0].phases[1].dose",
        "c.yaml:21:5: imaging[0].finding",
        "c.yaml:21:5: imaging[0].finding",
        "c.yaml:22:5: imaging[0].lane",
    ]
    assert "looks like a name" in str(issues[0])
    assert "--allow-identifiers" in str(issues[0])


def test_a_case_built_in_python_gets_the_field_path_only():
    with pytest.raises(CaseValidationError) as caught:
        refuse_identifiers(load_case_text(CASE))
    assert all(issue.line is None for issue in caught.value.issues)
    assert "<case>: imaging[0].finding: '2018-03-14' looks like a calendar date" in str(caught.value)


def test_the_title_warning_names_the_line_of_the_case_title():
    _, lines = parse_yaml(CASE, "c.yaml")
    warning = title_warning(load_case_text(CASE), "c.yaml", lines)
    assert warning.severity == "warning"
    assert str(warning).startswith("c.yaml:2:")
    assert "--title" in warning.message


# The committed cases that hold identifier-like text: what it is, by field.
KNOWN = {
    "dtc-long-follow-up-imaging.yaml": [
        ("case.title", "2012"),  # "... pembrolizumab (2012-2021)"
        ("case.title", "2021"),
        ("diagnosis.molecular[0]", "2012"),  # "BRAF V600E (thyroidectomy specimen, 2012)"
        ("diagnosis.molecular[1]", "2019"),
        ("diagnosis.molecular[2]", "2019"),
        ("diagnosis.molecular[3]", "2019"),
        ("medications[2].outcome", "2018"),  # "PR 2018; PD 2019 (transformation)"
        ("medications[2].outcome", "2019"),
        ("medications[3].outcome", "2020-11"),  # "iUPD, then iPR (pseudoprogression); iCPD 2020-11"
    ],
}


@pytest.mark.parametrize("path", [*CASES, ROOT / "tests" / "data" / "minimal.yaml"], ids=lambda p: p.name)
def test_committed_cases_hold_no_identifiers_but_the_known_ones(path):
    from atc_timeline.readers.yaml_source import format_path

    found = [(format_path(f.path), f.text) for f in scan_case(load_case(path))]
    assert found == KNOWN.get(path.name, [])


def test_drawn_texts_cover_every_free_text_field_the_chart_draws():
    # Every str field of an item is either scanned or one the de-identified chart drops.
    from atc_timeline.case.model import AdverseEvent, Imaging, Medication, Procedure, Radiotherapy

    dropped = {"id", "source", "drug", "end", "schedule", "class_", "action", "response"}
    scanned = {"label", "term", "modality", "site", "finding", "outcome", "stop_reason", "dose", "lane"}
    for model in (Procedure, Radiotherapy, Medication, Imaging, AdverseEvent):
        for name, field in model.model_fields.items():
            # (a word: "Strict" in a number's constraints is no text field)
            if re.search(r"\bstr\b", str(field.annotation)) and "list" not in str(field.annotation):
                assert name in scanned | dropped, f"{model.__name__}.{name} is neither scanned nor dropped"
    paths = [path for path, _ in drawn_texts(load_case_text(CASE))]
    assert ("medications", 0, "dose") in paths
    assert ("diagnosis", "molecular", 0) in paths
