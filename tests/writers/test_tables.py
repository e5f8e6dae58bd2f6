"""Case -> summary tables: Table 1 of the founding report, dates as written, and safe text output."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atc_timeline.case.dates import parse_date
from atc_timeline.case.model import Case
from atc_timeline.case.text import NOT_TEXT
from atc_timeline.events.normalize import normalize_events
from atc_timeline.readers.yaml_case import load_case
from atc_timeline.writers.tables import (
    TABLES,
    AdverseEventRow,
    ImagingRow,
    Summary,
    TreatmentRow,
    columns,
    period_text,
    rows_for,
    summarize,
    to_csv,
    to_json,
    to_markdown,
)
from tests.conftest import CASES, FOUNDING, ROOT

LENVATINIB = ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml"
DAY_DATE = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


@pytest.fixture(scope="module")
def founding() -> Summary:
    return summarize(load_case(FOUNDING))


def _by_treatment(summary: Summary) -> dict[str, TreatmentRow]:
    return {row.treatment: row for row in summary.treatments}


# ---------------------------------------------------------------- Table 1 of the founding report


def test_surgery_row_matches_table_1(founding):
    surgery = _by_treatment(founding)["Thyroidectomy"]
    assert (surgery.lane, surgery.lane_period, surgery.period) == ("Surgery", "30 Aug 2017", "30 Aug 2017")
    assert surgery.type == "surgery"
    assert surgery.outcome == "Tumour resected; disease progression"


def test_chemoradiotherapy_is_one_lane_spanning_oct_2017_to_apr_2018(founding):
    lane = [row for row in founding.treatments if row.lane == "Chemoradiotherapy"]
    assert [row.treatment for row in lane] == [
        "TP chemotherapy",
        "RT thyroid bed + metastases",
        "RT cerebellar metastasis",
    ]
    assert {row.lane_period for row in lane} == {"Oct 2017 - Apr 2018"}
    chemo, rt_neck, rt_brain = lane
    assert chemo.period == "Oct 2017 - Apr 2018"
    assert chemo.stop_reason == "Disease progression"
    assert "brain metastasis" in chemo.outcome  # Table 1's efficacy: "Brain metastasis"
    assert (rt_neck.period, rt_neck.dose) == ("Oct 2017? - Nov 2017?", "2.0 Gy \u00d7 28 (56 Gy)")
    assert (rt_brain.period, rt_brain.dose) == ("Mar 2018? - Apr 2018?", "3.0 Gy \u00d7 14 (42 Gy)")


def test_cabozantinib_row_matches_table_1(founding):
    cabo = _by_treatment(founding)["Cabozantinib"]
    assert (cabo.lane, cabo.period) == ("Cabozantinib", "May 2018 - Apr 2020")
    assert cabo.lane_period == "May 2018 - Apr 2020"
    assert cabo.type == "targeted"
    assert cabo.dose == "40 mg QD"
    assert cabo.stop_reason == "Arteriovenous thrombosis"
    assert cabo.outcome == "Organ metastases gradually shrank"


def test_nivolumab_row_is_ongoing_with_both_dose_phases(founding):
    nivo = _by_treatment(founding)["Nivolumab"]
    assert (nivo.lane, nivo.period) == ("Nivolumab", "Jul 2018 - ongoing")
    assert nivo.lane_period == "Jul 2018 - ongoing"
    assert nivo.type == "immunotherapy"
    assert nivo.dose == "240 mg Q2W; from Jul 2020?: 200 mg Q3W"
    assert nivo.outcome == "Prolonged progression-free survival"
    assert nivo.stop_reason == ""


def test_treatment_lanes_are_in_table_1_order_and_contiguous(founding):
    lanes = [row.lane for row in founding.treatments]
    assert list(dict.fromkeys(lanes)) == ["Surgery", "Chemoradiotherapy", "Cabozantinib", "Nivolumab"]
    # Grouped: once a lane ends, it never comes back.
    assert lanes == sorted(lanes, key=lanes.index)


def test_imaging_is_chronological_with_dates_as_written(founding):
    assert [row.date for row in founding.imaging] == [
        "Aug 2017?", "14 Sep 2017", "c. Oct 2017", "Dec 2017?", "Feb 2018?",
        "Oct 2018", "Jan 2019", "Jun 2019", "Dec 2019",
    ]
    pet = founding.imaging[1]
    assert pet == ImagingRow(
        date="14 Sep 2017", modality="PET-CT", site="Whole body",
        finding="Right hilar + mediastinal nodes, left adrenal metastases", response="baseline",
    )
    assert founding.imaging[-1].response == "PR"


def test_adverse_events_name_suspect_drugs_by_label(founding):
    assert founding.adverse_events[0] == AdverseEventRow(
        term="GI toxicity: abdominal pain, diarrhoea", grade="not reported", period="2019? - end unknown",
        suspects="Nivolumab, Cabozantinib", immune_related="yes", action="symptomatic treatment",
    )
    thrombosis = founding.adverse_events[-1]
    assert (thrombosis.term, thrombosis.period) == ("Arteriovenous thrombosis", "c. Apr 2020 - end unknown")
    assert (thrombosis.suspects, thrombosis.immune_related) == ("Cabozantinib", "no")
    assert thrombosis.action == "drug withdrawn"


def test_grades_print_as_g_number():
    summary = summarize(load_case(LENVATINIB))
    grades = {row.term: row.grade for row in summary.adverse_events}
    assert grades["Hypertension"] == "G3"
    assert grades["Palmar-plantar erythrodysaesthesia"] == "G1"
    lenvatinib = _by_treatment(summary)["Lenvatinib"]
    assert lenvatinib.dose.count("; from ") == 2  # 24 -> 20 -> 14 mg
    assert "from Dec 2019:" in lenvatinib.dose  # the month-precision phase stays a month


# ---------------------------------------------------------------- dates as written


@pytest.mark.parametrize(
    ("start", "end", "point", "expected"),
    [
        ("2017-10", "2018-04", False, "Oct 2017 - Apr 2018"),
        ("2017-08-30", None, True, "30 Aug 2017"),
        ("2018-07", "ongoing", False, "Jul 2018 - ongoing"),
        ("2019?", "unknown", False, "2019? - end unknown"),
        ("2019?", "unknown", True, "2019? - end unknown"),
        ("2020-11~", None, False, "c. Nov 2020 - end unknown"),
        ("2020-01~", "2020-01~", False, "c. Jan 2020"),
        ("2017", "2017-10-03%", False, "2017 - c. 3 Oct 2017?"),
    ],
)
def test_period_text(start, end, point, expected):
    end_value = parse_date(end) if end not in (None, "ongoing", "unknown") else end
    assert period_text(parse_date(start), end_value, point=point) == expected


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_month_precision_dates_never_gain_a_day(path):
    case = load_case(path)
    day_dates = {
        d.display().removeprefix("c. ").removesuffix("?")
        for item in case.items()
        for d in (getattr(item, "date", None), getattr(item, "start", None), getattr(item, "end", None),
                  *(p.start for p in getattr(item, "phases", [])))
        if d is not None and not isinstance(d, str) and d.precision == "day"
    }
    summary = summarize(case)
    for table in TABLES:
        for row in rows_for(summary, table)[1]:
            for cell in row:
                assert set(DAY_DATE.findall(cell)) <= day_dates, cell


# ---------------------------------------------------------------- output formats


def _md_cells(line: str) -> list[str]:
    """Split one GFM table row the way GitHub does: a backslash escapes the next character."""
    assert line.startswith("| ")
    assert line.endswith(" |")
    cells, current, i = [], "", 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            current += line[i : i + 2]
            i += 2
            continue
        if line[i] == "|":
            cells.append(current)
            current = ""
        else:
            current += line[i]
        i += 1
    cells.append(current)
    assert cells[0] == ""
    assert cells[-1] == ""
    inner = cells[1:-1]
    assert all(c.startswith(" ") and c.endswith(" ") for c in inner), line
    return [c[1:-1] for c in inner]


def _md_unescape(cell: str) -> str:
    return re.sub(r"\\(.)", r"\1", cell, flags=re.DOTALL)


def _md_tables(markdown: str) -> dict[str, list[list[str]]]:
    """Heading -> rows of raw cells (header and delimiter rows included)."""
    tables: dict[str, list[list[str]]] = {}
    heading = ""
    for line in re.split(r"\r\n|\r|\n", markdown):
        if line.startswith("## "):
            heading = line[3:]
            tables[heading] = []
        elif line.startswith("|"):
            tables[heading].append(_md_cells(line))
    return tables


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _expected_csv_rows(summary: Summary) -> list[dict[str, str]]:
    data = json.loads(to_json(summary))
    names = ["table", *dict.fromkeys(c for t in TABLES for c in columns(t))]
    return [
        {name: {"table": table, **row}.get(name, "") for name in names}
        for table in TABLES
        for row in data[table]
    ]


def test_markdown_has_a_heading_per_table_and_constant_columns(founding):
    tables = _md_tables(to_markdown(founding))
    assert list(tables) == ["Treatments", "Imaging", "Adverse events"]
    for title, table in zip(tables, TABLES, strict=True):
        headers, rows = rows_for(founding, table)
        lines = tables[title]
        assert len(lines) == len(rows) + 2
        assert {len(cells) for cells in lines} == {len(headers)}
        assert lines[0] == headers
        assert set(lines[1]) == {"---"}


def test_markdown_escapes_pipes_backslashes_and_line_breaks():
    row = ImagingRow(date="2019", modality="CT | MRI", site="a\\", finding="line 1\nline 2", response="\\|")
    markdown = to_markdown(Summary(treatments=(), imaging=(row,), adverse_events=()))
    assert "| CT \\| MRI |" in markdown
    assert "line 1<br>line 2" in markdown
    cells = _md_tables(markdown)["Imaging"][2]
    assert len(cells) == 5
    assert [_md_unescape(c) for c in cells] == ["2019", "CT | MRI", "a\\", "line 1<br>line 2", "\\|"]
    assert "_None recorded._" in markdown  # the empty treatments and adverse-event tables


def test_csv_round_trips_with_dictreader(founding):
    text = to_csv(founding)
    rows = _csv_rows(text)
    assert rows == _expected_csv_rows(founding)
    assert [r["table"] for r in rows].count("treatments") == len(founding.treatments)
    assert [r["table"] for r in rows].count("imaging") == len(founding.imaging)
    assert [r["table"] for r in rows].count("adverse_events") == len(founding.adverse_events)
    cabo = next(r for r in rows if r["treatment"] == "Cabozantinib")
    assert cabo["period"] == "May 2018 - Apr 2020"
    assert cabo["term"] == ""


def test_json_parses_and_matches_rows_for(founding):
    data = json.loads(to_json(founding))
    assert list(data) == list(TABLES)
    for table in TABLES:
        headers, rows = rows_for(founding, table)
        assert [list(item) for item in data[table]] == [columns(table)] * len(rows)
        assert [list(item.values()) for item in data[table]] == rows
        assert len(headers) == len(columns(table))


def test_json_keeps_non_ascii_text():
    text = to_json(summarize(load_case(FOUNDING)))
    assert "\u00d7" in text  # "2.0 Gy × 28", not "\\u00d7"


def test_rows_for_rejects_an_unknown_table(founding):
    with pytest.raises(ValueError, match="unknown table 'drugs'"):
        rows_for(founding, "drugs")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_summarizes(path):
    case = load_case(path)
    summary = summarize(case)
    treatments = len(case.procedures) + len(case.radiotherapy) + len(case.medications)
    assert len(summary.treatments) == treatments
    assert len(summary.imaging) == len(case.imaging)
    assert len(summary.adverse_events) == len(case.adverse_events)
    # The table names lanes exactly as the chart does.
    events = normalize_events(case)
    chart_lanes = set(events.loc[events["kind"].isin(["procedure", "radiotherapy", "medication"]), "lane"])
    assert {row.lane for row in summary.treatments} == chart_lanes
    lanes = [row.lane for row in summary.treatments]
    assert lanes == sorted(lanes, key=lanes.index)
    json.loads(to_json(summary))
    assert _csv_rows(to_csv(summary)) == _expected_csv_rows(summary)
    assert to_markdown(summary).count("\n## ") == 2


def test_an_empty_case_gives_empty_tables():
    case = Case.model_validate(
        {"schema": "atc-timeline/1", "case": {"id": "empty", "title": "Empty"}, "diagnosis": {"label": "ATC"}}
    )
    summary = summarize(case)
    assert summary == Summary(treatments=(), imaging=(), adverse_events=())
    assert to_markdown(summary).count("_None recorded._") == 3
    assert _csv_rows(to_csv(summary)) == []
    assert json.loads(to_json(summary)) == {table: [] for table in TABLES}


# ---------------------------------------------------------------- any text survives


# Any character a case may hold (case/text.py refuses controls, surrogates and
# noncharacters), with the ones that break tables (pipes, backslashes, quotes, commas, line
# breaks) and a few multi-character troublemakers drawn more often.
_PIECES = st.one_of(
    st.characters(exclude_categories=("Cs",)).filter(lambda c: NOT_TEXT.match(c) is None),
    st.sampled_from(["|", "\\", '"', ",", ";", "\n", "\r", "\r\n", "\t", " ", "`", "<br>", "\u2028"]),
    st.just("\ufeff"),
)
# Not blank: labels and lanes must say something (U+FEFF is dropped, so it says nothing).
LABELS = (
    st.lists(_PIECES, min_size=1, max_size=20).map("".join).filter(lambda s: s.replace("\ufeff", "").strip())
)


def _random_case(labels: list[str]) -> Case:
    a, b, c, d, e, f = labels
    data: dict[str, Any] = {
        "schema": "atc-timeline/1",
        "case": {"id": "random", "title": "Random labels"},
        "diagnosis": {"label": "ATC"},
        "procedures": [{"id": "p1", "label": a, "date": "2020-01-05", "outcome": b}],
        "radiotherapy": [{"id": "r1", "label": c, "start": "2020-02", "end": "2020-03?", "lane": d}],
        "medications": [
            {"id": "m1", "label": d, "start": "2020-02", "end": "ongoing", "dose": e, "stop_reason": f,
             "phases": [{"start": "2020-02", "dose": a}, {"start": "2020-06~", "dose": b}]},
        ],
        "imaging": [{"id": "i1", "date": "2020-04", "modality": e, "site": f, "finding": a}],
        "adverse_events": [{"id": "ae1", "term": b, "grade": 2, "start": "2020-05", "end": "unknown",
                            "suspect": ["m1"], "immune_related": True}],
    }
    return Case.model_validate(data)


@settings(max_examples=150, deadline=None)
@given(st.lists(LABELS, min_size=6, max_size=6))
def test_any_label_keeps_markdown_columns_and_round_trips_csv(labels):
    summary = summarize(_random_case(labels))
    tables = _md_tables(to_markdown(summary))
    for title, table in zip(tables, TABLES, strict=True):
        headers, rows = rows_for(summary, table)
        lines = tables[title]
        assert len(lines) == len(rows) + 2
        assert {len(cells) for cells in lines} == {len(headers)}
        for cells, row in zip(lines[2:], rows, strict=True):
            expected = [re.sub(r"\r\n|\r|\n", "<br>", cell) for cell in row]
            assert [_md_unescape(c) for c in cells] == expected
    assert _csv_rows(to_csv(summary)) == _expected_csv_rows(summary)
    assert json.loads(to_json(summary)) == {
        table: [dict(zip(columns(table), row, strict=True)) for row in rows_for(summary, table)[1]]
        for table in TABLES
    }
