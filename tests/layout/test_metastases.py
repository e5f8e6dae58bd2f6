"""Dated metastases along the bottom of the plot: at their dates, ranges where imprecise, text kept apart."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.themes import LIGHT
from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.metastases import MAX_TIERS, plan_strip, strip_layout
from atc_timeline.layout.model import Sizes
from atc_timeline.layout.records import day_number
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import ROOT

LENVATINIB = ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml"


def _day(text: str) -> float:
    return day_number(dt.date.fromisoformat(text))


def _measure(text: str, points: float) -> tuple[float, float]:
    return (0.55 * points / 72 * len(text), 1.2 * points / 72)


# Why not slide-16x9: since bar texts take a second line where they need one, this case
# fills that slide at its smallest label detail; its marks keep only their ticks there (their
# <title>s name the sites). A 4:3 slide has the room for their labels.
@pytest.fixture(scope="module", params=[("slide-4x3", False), ("journal-2col", True)])
def layout(request):
    size, grow = request.param
    return layout_case(load_case(LENVATINIB), ChartOptions.for_size(size, grow=grow))


def test_each_dated_metastasis_is_marked_at_its_date(layout):
    marks = [(m.lo, m.hi, m.exact) for m in layout.metastases]
    assert marks == [
        (_day("2019-07-18"), _day("2019-07-18"), True),  # lungs and mediastinal nodes, one mark
        (_day("2019-12-01"), _day("2019-12-31"), False),  # "2019-12": the month, as a range
        (_day("2020-04-14"), _day("2020-04-14"), True),
    ]
    assert "Lungs (bilateral nodules), Mediastinal lymph nodes" in layout.metastases[0].title
    assert "Dec 2019" in layout.metastases[1].title


def test_the_marks_sit_under_the_lanes_and_inside_the_plot(layout):
    lowest = min(lane.y0 for lane in layout.lanes)
    assert max(m.top for m in layout.metastases) <= lowest + 1e-9
    assert lowest > 0, "the lanes make room for the strip"
    labels = [label for label in layout.labels if label.role == "metastasis"]
    assert labels, "at least one mark is labelled"
    for label in labels:
        assert label.box.inside(layout.axes), label.text
        assert label.box.y1 <= layout.axes.y0 + lowest + 1e-9, "under the lowest lane"


def test_labels_are_whole_and_apart_and_ticks_stay_off_text(layout):
    labels = [label for label in layout.labels if label.role == "metastasis"]
    for label in labels:
        assert label.text == "M" or label.text.startswith("M: ")
        assert "\u2026" not in label.text, "no cut words"
        for other in layout.labels:
            if other is not label:
                assert not label.box.intersects(other.box), (label.text, other.text)
    for mark in layout.metastases:
        a, b = layout.day_to_inch(mark.lo), layout.day_to_inch(mark.hi)
        for label in labels:
            if label.text != mark.text and label.box.y0 < layout.axes.y0 + mark.top - 1e-9:
                assert b < label.box.x0 or a > label.box.x1, (
                    f"the tick of {mark.title} runs through {label.text}"
                )


def test_the_marks_are_drawn_where_layout_put_them(layout):
    fig = draw_timeline(layout, LIGHT, dpi=40)
    ticks = {
        a.get_gid(): a for a in fig.findobj(Line2D) if (a.get_gid() or "").startswith("metastasis-mark-")
    }
    ranges = [a for a in fig.findobj(Rectangle) if (a.get_gid() or "").endswith("-range")]
    assert sorted(ticks) == [f"metastasis-mark-{i}" for i in (1, 2, 3)]
    assert list(ticks["metastasis-mark-1"].get_xdata()) == [_day("2019-07-18")] * 2
    assert len(ranges) == 1
    assert ranges[0].get_x() == _day("2019-12-01")
    assert ranges[0].get_x() + ranges[0].get_width() == _day("2019-12-31")
    assert fig.atc_titles["metastasis-mark-2"] == layout.metastases[1].title


CASE = """schema: atc-timeline/1
case: {{id: t, title: Test, data_cutoff: '2020-06-30'}}
diagnosis:
  label: ATC
  date: '2019-01-10'
  metastases: {metastases}
procedures: [{{id: op, label: Thyroidectomy, date: '2019-02-01'}}]
"""


def test_undated_metastases_make_no_marks_and_leave_the_lanes_alone():
    undated = load_case_text(CASE.format(metastases="[{site: Lung}]"))
    none = load_case_text(CASE.format(metastases="[]"))
    a, b = layout_case(undated, ChartOptions()), layout_case(none, ChartOptions())
    assert a.metastases == b.metastases == ()
    assert [lane.y0 for lane in a.lanes] == [lane.y0 for lane in b.lanes]
    assert min(lane.y0 for lane in a.lanes) == 0.0


def test_a_year_precision_metastasis_is_a_year_long_range():
    case = load_case_text(CASE.format(metastases="[{site: Bone, date: '2019'}]"))
    (mark,) = layout_case(case, ChartOptions()).metastases
    assert (mark.lo, mark.hi, mark.exact) == (_day("2019-01-01"), _day("2019-12-31"), False)


def test_a_deidentified_chart_gives_no_calendar_date():
    case = load_case_text(CASE.format(metastases="[{site: Bone, date: '2019-03-04'}]"))
    layout = layout_case(case, ChartOptions(deidentify=True))
    (mark,) = layout.metastases
    assert "2019" not in mark.title
    assert all("2019" not in label.text + label.full_text for label in layout.labels)


dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2020, 12, 31))
sites = st.sampled_from(["Lung", "Liver", "Bone (T8 vertebra)", "Brain", "Adrenal gland, left", "Nodes"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(sites, dates, st.integers(0, 400)), min_size=1, max_size=12),
    st.sampled_from([3.5, 7.2, 13.3]),
)
def test_any_metastases_get_labels_apart_and_ticks_off_text(items, width):
    dated = [(site, lo, lo + dt.timedelta(days=extra), lo.isoformat()) for site, lo, extra in items]
    g = Scale(1.0, width - 0.3, _day("2015-01-01"), _day("2021-03-01"))
    s = Sizes().scaled(0.6 if width < 5 else 1.0)
    strip = plan_strip(dated, g, s, _measure)
    marks, labels = strip_layout(strip, g, 1.0)
    assert len(marks) == len({(lo, hi) for _, lo, hi, _ in dated})
    assert strip.height <= 0.03 * 2 + MAX_TIERS * strip.line + 1e-9
    for label in labels:
        assert g.left <= label.box.x0
        assert label.box.x1 <= g.right
        assert label.box.y1 <= 1.0 + strip.height + 1e-9
        for other in labels:
            assert other is label or not label.box.intersects(other.box)
    for mark in marks:
        a, b = g.inch(mark.lo), g.inch(mark.hi)
        for label in labels:
            if label.text != mark.text and label.box.y0 < 1.0 + mark.top - 1e-9:
                assert b < label.box.x0 or a > label.box.x1


@pytest.mark.parametrize("rows", [0, 1, 2])
def test_a_tight_chart_gives_the_strip_fewer_rows(rows):
    dated = [(site, dt.date(2019, m, 1), dt.date(2019, m, 1), "") for m, site in ((1, "Lung"), (2, "Liver"))]
    g = Scale(1.0, 4.0, _day("2019-01-01"), _day("2019-12-31"))
    strip = plan_strip(dated, g, Sizes(), _measure, rows)
    assert max(p.tier for p in strip.placed) < rows or all(p.tier == -1 for p in strip.placed)
    if rows == 0:
        assert all(p.text == "" for p in strip.placed), "ticks alone, their <title>s name the sites"
    wider = plan_strip(dated, g, Sizes(), _measure, rows + 1)
    assert strip.height <= wider.height


def test_lanes_are_never_squeezed_to_make_room_for_the_marks():
    # At journal-1col this case fits only with squeezed lanes: the marks give way (the
    # subtitle still lists the sites).
    squeezed = layout_case(load_case(LENVATINIB), ChartOptions.for_size("journal-1col"))
    assert squeezed.crowded
    assert squeezed.metastases == ()
    assert min(lane.y0 for lane in squeezed.lanes) == pytest.approx(0.0)


def test_a_chart_that_fits_only_without_the_strip_keeps_its_marks_where_room_is_left():
    # At slide-16x9 this case fits only at its smallest label detail and without the strip
    # planned; the lanes leave room for the ticks, which keep the sites in their <title>s.
    layout = layout_case(load_case(LENVATINIB), ChartOptions.for_size("slide-16x9"))
    assert [m.lo for m in layout.metastases] == [_day("2019-07-18"), _day("2019-12-01"), _day("2020-04-14")]
    lowest = min(lane.y0 for lane in layout.lanes)
    assert max(m.top for m in layout.metastases) <= lowest + 1e-9
    needed = sum(lane.y1 - lane.y0 for lane in layout.lanes)
    assert needed <= layout.axes.y1 - layout.axes.y0 - lowest + 1e-9
