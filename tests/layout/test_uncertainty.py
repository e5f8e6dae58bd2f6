"""How much is known, as layout data: ranges, onset markers, qualifiers, bands, the legend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atc_timeline.events.normalize import case_context, normalize_events
from atc_timeline.layout.legend import legend_entries
from atc_timeline.layout.records import day_number, event_records
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "imprecise-dates.yaml"
FOUNDING = Path(__file__).resolve().parents[2] / "cases" / "atc-2017-nivolumab-cabozantinib.yaml"
HEAD = """\
schema: atc-timeline/1
case: {id: t, title: T, data_cutoff: "2019-06-30"}
diagnosis: {label: ATC, date: "2017-08-30"}
"""
UNCERTAINTY_KEYS = {"fuzzy", "approximate", "uncertain", "within_period", "end_unknown", "after_cutoff"}


@pytest.fixture(scope="module")
def layout():
    return layout_case(load_case(FIXTURE), ChartOptions())


def _keys(body: str) -> set[str]:
    events = normalize_events(load_case_text(HEAD + body))
    return {e.key for e in legend_entries(event_records(events))} & UNCERTAINTY_KEYS


# --- what the layout produces -----------------------------------------------------------


def test_a_start_and_end_in_one_year_is_a_range_not_a_year_of_treatment(layout):
    (rai,) = [b for b in layout.bars if b.event_id == "rai"]
    assert rai.within_period
    assert (rai.start_lo, rai.end_hi) == (day_number(_date("2012-01-01")), day_number(_date("2012-12-31")))
    others = [b for b in layout.bars if b.event_id != "rai"]
    assert not any(b.within_period for b in others)
    # its text goes beside the whisker, never inside it
    (text,) = [lab for lab in layout.labels if lab.event_id == "rai" and lab.role == "bar"]
    assert text.ha in ("left", "right")


def test_an_adverse_event_with_an_unknown_end_is_an_onset_marker_only(layout):
    assert "embolism" not in {b.event_id for b in layout.bars}
    (marker,) = [m for m in layout.markers if m.event_id == "embolism"]
    assert (marker.style, marker.qualifier, marker.exact) == ("ae:3", "~", False)
    assert marker.lo < marker.x < marker.hi
    assert "end not recorded" in marker.title
    # an adverse event with a recorded end stays a bar
    assert "rash" in {b.event_id for b in layout.bars}


def test_an_unknown_end_fades_out_before_the_next_line(layout):
    (pac,) = [b for b in layout.bars if b.event_id == "paclitaxel"]
    (carbo,) = [b for b in layout.bars if b.event_id == "carboplatin"]
    assert pac.end_status == "unknown"
    assert pac.end_hi <= carbo.start_lo
    assert pac.end_hi < layout.cutoff_x


def test_qualifiers_reach_bars_and_markers(layout):
    (rt,) = [b for b in layout.bars if b.event_id == "rt-neck"]
    assert (rt.start_qualifier, rt.end_qualifier) == ("?", "?")
    (scan,) = [m for m in layout.markers if m.event_id == "scan-2016"]
    assert (scan.qualifier, scan.exact) == ("", False)


def test_what_is_dated_after_the_cutoff_is_marked(layout):
    after = {b.event_id for b in layout.bars if b.after_cutoff} | {
        m.event_id for m in layout.markers if m.after_cutoff
    }
    assert after == {"lenvatinib", "scan-late"}


def test_an_imprecise_time_zero_is_a_band_around_the_day_the_axis_counts_from(layout):
    assert layout.zero_lo < layout.zero_x < layout.zero_hi
    assert layout.zero_x == day_number(_date("2016-07-01"))
    # the "2016" scan is drawn on the same day as time zero: one rule for both
    (scan,) = [m for m in layout.markers if m.event_id == "scan-2016"]
    assert abs(scan.x - layout.zero_x) <= 1
    assert layout.top_ticks is not None
    assert layout.top_ticks.title == "Months since diagnosis (2016, approximate)"


def test_an_exact_time_zero_has_no_band_and_a_plain_axis_title():
    layout = layout_case(load_case(FOUNDING))
    assert layout.zero_lo == layout.zero_hi == layout.zero_x
    assert layout.top_ticks is not None
    assert layout.top_ticks.title == "Months since diagnosis"


@pytest.mark.parametrize("options", [ChartOptions(axis="relative"), ChartOptions(deidentify=True)])
def test_a_relative_axis_says_approximate_without_naming_a_date(options):
    layout = layout_case(load_case(FIXTURE), options)
    assert layout.ticks.title.endswith("since diagnosis (approximate)")
    assert "2016" not in layout.ticks.title


def test_death_is_a_dagger_with_a_band_when_its_date_is_imprecise():
    late = "  - id: scan-late\n    date: \"2019-07-20\"\n    modality: CT\n    response: PD\n"
    text = FIXTURE.read_text()
    assert late in text
    text = text.replace(late, "").replace('    end: "2019-08-01"\n', '    end: "2019-05"\n')
    text = text.replace("  status: unknown\n", '  status: deceased\n  death_date: "2019-06"\n')
    case = load_case_text(text)
    layout = layout_case(case)
    assert layout.death_x == day_number(_date("2019-06-15"))
    assert layout.death_lo == day_number(_date("2019-06-01"))
    assert layout.death_hi == day_number(_date("2019-06-30"))
    (cutoff,) = [lab for lab in layout.labels if lab.role == "cutoff"]
    assert cutoff.text.startswith("\u2020")


def test_an_alive_patient_has_no_death_mark(layout):
    assert layout.death_x is None
    (cutoff,) = [lab for lab in layout.labels if lab.role == "cutoff"]
    assert "\u2020" not in cutoff.text


# --- the legend lists each kind of uncertainty iff the chart shows it --------------------


@pytest.mark.parametrize(
    ("body", "keys"),
    [
        ("imaging:\n  - {id: a, date: '2018-01-02', modality: CT}\n", set()),
        ("imaging:\n  - {id: a, date: '2018-01', modality: CT}\n", {"fuzzy"}),
        ("imaging:\n  - {id: a, date: '2018-01-02~', modality: CT}\n", {"approximate"}),
        ("imaging:\n  - {id: a, date: '2018-01?', modality: CT}\n", {"fuzzy", "uncertain"}),
        ("imaging:\n  - {id: a, date: '2018%', modality: CT}\n", {"fuzzy", "approximate", "uncertain"}),
        ("radiotherapy:\n  - {id: r, label: R, start: '2018', end: '2018'}\n", {"fuzzy", "within_period"}),
        ("medications:\n  - {id: m, label: M, start: '2018-01-02', end: unknown}\n", {"end_unknown"}),
        ("medications:\n  - {id: m, label: M, start: '2018-01-02', end: ongoing}\n", set()),
        ("adverse_events:\n  - {id: e, term: E, start: '2018-01-02', end: unknown}\n", set()),
        ("imaging:\n  - {id: a, date: '2019-07-02', modality: CT}\n", {"after_cutoff"}),
        # a dated end counts, an ongoing one does not
        ("medications:\n  - {id: m, label: M, start: '2018-01-02', end: '2018-03~'}\n",
         {"fuzzy", "approximate"}),
    ],
)  # fmt: skip
def test_legend_lists_each_kind_of_uncertainty_present_and_no_other(body, keys):
    assert _keys(body) == keys


def test_the_founding_case_legend_tells_uncertain_from_approximate_from_the_month():
    case = load_case(FOUNDING)
    keys = {e.key for e in legend_entries(event_records(normalize_events(case)))}
    # eight inferred "?" dates, "~" scans and adverse events, month-precision drugs
    assert {"fuzzy", "approximate", "uncertain"} <= keys
    assert not keys & {"within_period", "end_unknown", "after_cutoff"}
    assert case_context(case, normalize_events(case)).time_zero_note == ""


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_the_death_mark_stands_at_the_death_not_at_a_later_cutoff():
    # a cut-off after the death is a warning, not an error; the dagger goes where death was
    text = HEAD.replace("case: {", 'patient: {status: deceased, death_date: "2019-03-10"}\ncase: {')
    case = load_case_text(text + "procedures:\n  - {id: p, label: Biopsy, date: '2018-01-02'}\n")
    layout = layout_case(case)
    assert layout.death_x == day_number(_date("2019-03-10"))
    assert layout.death_lo == layout.death_hi == layout.death_x  # exact: no band
    (cutoff,) = [lab for lab in layout.labels if lab.role == "cutoff"]
    death_in, cutoff_in = layout.day_to_inch(layout.death_x), layout.day_to_inch(layout.cutoff_x)
    label_in = layout.day_to_inch(cutoff.x)
    assert abs(label_in - death_in) < 0.1 < abs(label_in - cutoff_in)


_written = st.tuples(
    st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2018, 12, 31)),
    st.sampled_from([1, 2, 3]),  # year, month or day
    st.sampled_from(["", "~", "?", "%"]),
)


def _iso(written: tuple[dt.date, int, str]) -> str:
    day, depth, qualifier = written
    return "-".join([f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"][:depth]) + qualifier


@settings(max_examples=60, deadline=None)
@given(st.lists(_written, min_size=1, max_size=5))
def test_the_legend_names_exactly_the_kinds_of_date_on_the_chart(dates):
    body = "imaging:\n" + "".join(
        f"  - {{id: s{i}, date: '{_iso(d)}', modality: CT}}\n" for i, d in enumerate(dates)
    )
    expected = set()
    if any(depth < 3 for _, depth, _ in dates):
        expected.add("fuzzy")
    if any(q in ("~", "%") for _, _, q in dates):
        expected.add("approximate")
    if any(q in ("?", "%") for _, _, q in dates):
        expected.add("uncertain")
    assert _keys(body) == expected
