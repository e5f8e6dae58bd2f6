"""The legend: rows that fit by measured text, short wordings on narrow figures, entries iff drawn."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atc_timeline.layout.frame import MARGIN
from atc_timeline.layout.legend import (
    LegendBlock,
    entry_width,
    legend_block,
    legend_entries,
    legend_row_height,
)
from atc_timeline.layout.model import MIN_TEXT_POINTS, LegendEntry, Sizes, TimelineLayout
from atc_timeline.mpl.measure import make_measure
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import ROOT

CASES = sorted((ROOT / "cases").glob("*.yaml"))
MEASURE = make_measure()


@pytest.fixture(scope="module")
def layouts() -> dict[tuple[str, str], TimelineLayout]:
    """Every case of cases/ at every preset, laid out once."""
    return {
        (path.stem, size): layout_case(load_case(path), ChartOptions.for_size(size))
        for path in CASES
        for size in SIZE_PRESETS
    }


def _spans(layout: TimelineLayout) -> list[list[tuple[float, float, LegendEntry]]]:
    """Each row's entries with their measured left and right edges, inches."""
    s = layout.sizes
    return [
        [(x, x + entry_width(e, s, MEASURE), e) for e, x in zip(row, xs, strict=True)]
        for row, xs in zip(layout.legend_rows, layout.legend_col_x, strict=True)
    ]


@pytest.mark.parametrize("size", list(SIZE_PRESETS))
def test_legend_rows_fit_the_width_by_measured_text_at_every_preset(layouts, size):
    for path in CASES:
        layout = layouts[(path.stem, size)]
        assert layout.sizes.legend >= MIN_TEXT_POINTS
        for row in _spans(layout):
            assert row[0][0] >= MARGIN - 1e-9, (path.stem, row[0][2].text)
            assert row[-1][1] <= layout.width - MARGIN + 1e-9, (path.stem, row[-1][2].text)
            for (_, right, a), (left, _, b) in itertools.pairwise(row):
                assert right <= left + 1e-9, f"{path.stem}: {a.text!r} runs into {b.text!r}"
        # The whole block sits between the axis's tick labels and the source line.
        bottom = layout.legend_y - len(layout.legend_rows) * legend_row_height(layout.sizes)
        assert bottom >= layout.footnote_y - 1e-9
        assert layout.legend_y <= layout.axes.y0


def test_narrow_figures_take_the_short_wordings_and_slides_the_long(layouts):
    entries = {path.stem: legend_entries_of(path) for path in CASES}
    for stem, wanted in entries.items():
        narrow = {e.key: e.text for row in layouts[(stem, "journal-1col")].legend_rows for e in row}
        wide = {e.key: e.text for row in layouts[(stem, "slide-16x9")].legend_rows for e in row}
        for entry in wanted:
            if entry.key in narrow:
                assert narrow[entry.key] == (entry.short or entry.text), (stem, entry.key)
            if entry.key in wide:
                assert wide[entry.key] == entry.text, (stem, entry.key)
    founding = {
        e.key: e.text
        for row in layouts[("atc-2017-nivolumab-cabozantinib", "journal-1col")].legend_rows
        for e in row
    }
    assert founding["fuzzy"] == "Month or year only"
    assert founding["approximate"] == "Approximate (~)"
    assert founding["ongoing"] == "Ongoing"


def legend_entries_of(path) -> list[LegendEntry]:
    """The legend entries of a case file, with their long and short wordings."""
    from atc_timeline.events.normalize import normalize_events
    from atc_timeline.layout.records import event_records

    records = event_records(normalize_events(load_case(path)))
    phases: dict[str, list] = {}
    for r in records:
        if r.kind == "phase":
            phases.setdefault(r.parent_id, []).append(r)
    return legend_entries(records, phases)


def test_a_journal_column_legend_takes_few_rows(layouts):
    """At 3.5 x 4.8 in, the legend leaves the lanes most of the height (it took 5-8 rows before)."""
    for path in CASES:
        layout = layouts[(path.stem, "journal-1col")]
        rows = len(layout.legend_rows)
        assert rows <= 5, (path.stem, rows)
        assert rows * legend_row_height(layout.sizes) <= layout.height / 8, path.stem


def test_the_metastasis_entry_is_there_iff_the_marks_are_drawn(layouts):
    seen = set()
    for (stem, size), layout in layouts.items():
        keys = {e.key for row in layout.legend_rows for e in row}
        assert ("metastasis" in keys) == bool(layout.metastases), (stem, size)
        seen.add(bool(layout.metastases))
    assert seen == {True, False}, "cases/ has charts with and without the marks"


_DRUG = """schema: atc-timeline/1
case: {{id: t, title: T, data_cutoff: '2020-06-30'}}
diagnosis: {{label: ATC, date: '2019-01-10'}}
medications:
  - id: lenva
    label: Lenvatinib
    class: targeted
    start: '2019-02-01'
    end: '2020-03-01'
    dose: {first}
    schedule: QD
    phases:
      - {{start: '2019-02-01', dose: {first}, schedule: QD}}
      - {{start: '2019-08-01', dose: {second}, schedule: {schedule}}}
"""


@pytest.mark.parametrize(
    ("first", "second", "schedule", "shaded"),
    [
        ("24 mg", "14 mg", "QD", True),  # a dose reduction: ranked, paler
        ("24 mg", "24 mg", "QD", False),  # one dose: one shade, no entry
        ("24 mg", "12 mg", "BID", False),  # the same dose per day
    ],
)
def test_the_dose_entry_is_there_iff_phases_are_shaded_by_dose(first, second, schedule, shaded):
    case = load_case_text(_DRUG.format(first=first, second=second, schedule=schedule))
    layout = layout_case(case, ChartOptions.for_size("slide-16x9"))
    keys = {e.key for row in layout.legend_rows for e in row}
    assert ("dose:targeted" in keys) == shaded
    levels = {p.level for p in layout.phases}
    assert (len(levels) > 1) == shaded, "the entry follows the shading drawn"


_TEXT = (
    st.text(alphabet="abcdefghij klmnopqrstuvwxyz()~?/", min_size=1, max_size=60).map(str.strip).filter(bool)
)


@st.composite
def _entries(draw) -> list[LegendEntry]:
    n = draw(st.integers(1, 18))
    groups = draw(st.lists(st.sampled_from(["", "", "response", "grade"]), min_size=n, max_size=n))
    return [
        LegendEntry(f"k{i}", draw(_TEXT), draw(st.one_of(st.just(""), _TEXT)), group)
        for i, group in enumerate(groups)
    ]


@settings(max_examples=60, deadline=None)
@given(_entries(), st.sampled_from([w for w, _, _ in SIZE_PRESETS.values()]), st.floats(5.0, 10.5))
def test_packed_rows_keep_the_reading_order_and_the_width(entries, width, points):
    s = Sizes(legend=points)
    left, right = MARGIN, width - MARGIN - 0.1
    block: LegendBlock = legend_block(entries, left, right, s, MEASURE, width)
    placed = [e for row in block.rows for e in row]
    assert [e.key for e in placed] == [e.key for e in entries], "every entry once, in order"
    assert block.height == pytest.approx(len(block.rows) * legend_row_height(s))
    for row, xs in zip(block.rows, block.xs, strict=True):
        edges = [(x, x + entry_width(e, s, MEASURE)) for e, x in zip(row, xs, strict=True)]
        assert edges[0][0] >= left - 1e-9
        assert edges[-1][1] <= right + 1e-9
        assert all(a[1] <= b[0] + 1e-9 for a, b in itertools.pairwise(edges))
    # One wording for the whole legend: long everywhere or short everywhere (each may be cut).
    long = all(
        e.text == o.text or o.text.startswith(e.text.rstrip("…"))
        for e, o in zip(placed, entries, strict=True)
    )
    short = all(
        e.text == (o.short or o.text) or (o.short or o.text).startswith(e.text.rstrip("…"))
        for e, o in zip(placed, entries, strict=True)
    )
    assert long or short
