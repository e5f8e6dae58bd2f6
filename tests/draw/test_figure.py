"""Artists on the drawn Figure: what is shown, and how partial dates and ongoing drugs look."""

from __future__ import annotations

import pytest
from matplotlib.collections import PatchCollection, PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.shapes import phase_fill
from atc_timeline.draw.themes import LIGHT
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import figure_for_case, layout_case, render_case
from atc_timeline.readers.yaml_case import load_case_text
from tests.conftest import FOUNDING


def _by_gid(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def _alphas(collection: PatchCollection) -> list[float]:
    return [round(float(c[3]), 3) for c in collection.get_facecolors()]


CASE = """schema: atc-timeline/1
case: {{id: t, title: Test, data_cutoff: '2020-06-30'}}
patient: {{age: 60, sex: female, status: alive}}
diagnosis: {{label: ATC, date: '2019-01-10'}}
medications:
  - {{id: exact, label: Drug A, class: targeted, start: '2019-02-01', end: '2019-08-15'}}
  - {{id: fuzzy, label: Drug B, class: chemotherapy, start: '2019-03', end: '{end}'}}
"""


def test_month_precision_fades_and_exact_date_has_a_crisp_edge():
    fig = figure_for_case(load_case_text(CASE.format(end="2019-09")), ChartOptions(dpi=50))
    exact = _alphas(_by_gid(fig, "event-exact"))
    fuzzy = _alphas(_by_gid(fig, "event-fuzzy"))
    assert all(a == 1.0 for a in exact), "an exact bar is fully opaque"
    assert len(exact) >= 3, "core plus two crisp edge marks"
    ramps = [a for a in fuzzy if a < 1.0]
    assert len(ramps) >= 10, "month-precision ends fade over several strips"
    assert ramps[:5] == sorted(ramps[:5]), "the start fades in"


def _triangles(collection: PolyCollection) -> list[list[tuple[float, float]]]:
    """The collection's three-cornered shapes, as corner lists (a closing vertex dropped)."""
    found = []
    for path in collection.get_paths():
        corners = list(dict.fromkeys((float(x), float(y)) for x, y in path.vertices))
        if len(corners) == 3:
            found.append(corners)
    return found


def test_ongoing_drug_gets_an_arrow_head_as_long_as_layout_reserved():
    case = load_case_text(CASE.format(end="ongoing"))
    layout = layout_case(case, ChartOptions(dpi=50))
    fig = draw_timeline(layout, LIGHT, dpi=50)
    bar = next(b for b in layout.bars if b.event_id == "fuzzy")
    assert bar.end_status == "ongoing"
    assert bar.end_hi == layout.cutoff_x, "an ongoing drug runs to the cut-off"
    (head,) = _triangles(_by_gid(fig, "event-fuzzy"))
    tip = max(head)
    assert tip[1] == pytest.approx(bar.y), "the head points along the bar"
    assert sorted(x for x, _ in head)[:2] == [bar.end_hi, bar.end_hi], "its base stands on the cut-off"
    length = layout.day_to_inch(tip[0]) - layout.day_to_inch(bar.end_hi)
    assert length == pytest.approx(layout.sizes.arrow), "as long as the room layout kept"
    assert layout.day_to_inch(tip[0]) <= layout.axes.x1, "inside the plot"
    assert _triangles(_by_gid(fig, "event-exact")) == [], "a drug that ended has no head"


def test_dose_phases_drawn_by_their_dose():
    layout = layout_case(load_case_text(FOUNDING.read_text()), ChartOptions(dpi=50))
    fig = draw_timeline(layout, LIGHT, dpi=50)
    phases = {p.event_id: p for p in layout.phases}
    first, second = phases["nivolumab--phase-1"], phases["nivolumab--phase-2"]
    assert (first.phase, second.phase) == (1, 2)
    assert first.parent_id == second.parent_id == "nivolumab"
    shown_by_bar = _by_gid(fig, "event-nivolumab--phase-1")
    # 240 mg every 2 weeks is the higher dose: the bar's own colour, an empty box keeps its id.
    assert first.level == 1.0 > second.level
    assert isinstance(shown_by_bar, Rectangle), "the highest dose is the bar's own colour"
    assert not shown_by_bar.get_fill()
    shade = _by_gid(fig, "event-nivolumab--phase-2").get_facecolors()[0][:3]
    expected = to_rgb(phase_fill(second, LIGHT))
    assert tuple(round(float(c), 3) for c in shade) == tuple(round(c, 3) for c in expected)


def test_axes_draw_the_ticks_layout_chose():
    layout = layout_case(load_case_text(FOUNDING.read_text()), ChartOptions(dpi=50))
    assert layout.top_ticks is not None, "--axis both by default"
    fig = draw_timeline(layout, LIGHT, dpi=50)
    for row, prefix in ((layout.ticks, "tick"), (layout.top_ticks, "tick-top")):
        drawn = [_by_gid(fig, f"{prefix}-{i}") for i in range(len(row.ticks))]
        assert [t.get_text() for t in drawn] == [tick.text for tick in row.ticks]
        assert [t.get_position()[0] for t in drawn] == [tick.x for tick in row.ticks]
        assert all(t.get_fontsize() == pytest.approx(row.size) for t in drawn)
    assert _by_gid(fig, "axis-label-top").get_text() == layout.top_ticks.title
    grid = _by_gid(fig, "grid").get_segments()
    # A grid line breaks where a label sits across it: one or more segments per tick.
    assert list(dict.fromkeys(float(seg[0][0]) for seg in grid)) == [tick.x for tick in layout.ticks.ticks]


def test_founding_case_shows_the_clinical_story():
    fig = figure_for_case(load_case_text(FOUNDING.read_text()), ChartOptions(dpi=50))
    texts = {t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()}
    joined = " ".join(" | ".join(texts).split())  # a wrapped label reads as one line
    for needle in (
        "Surgery",
        "Chemoradiotherapy",
        "Cabozantinib",
        "Nivolumab",
        "Imaging",
        "Adverse events",
        "240 mg Q2W",
        "200 mg Q3W",
        "Arteriovenous thrombosis",
        "65-year-old man",
        "RET mutation",
        "Months since diagnosis",
        "alive",
    ):
        assert needle in joined, needle
    cutoff = _by_gid(fig, "cutoff-line")
    assert isinstance(cutoff, Line2D)


def test_legend_lists_only_what_is_on_the_chart():
    fig = figure_for_case(load_case_text(FOUNDING.read_text()), ChartOptions(dpi=50))
    legend = {a.get_gid() for a in fig.findobj() if (a.get_gid() or "").startswith("legend-")}
    assert "legend-imaging-PR" in legend
    assert "legend-imaging-PD" in legend
    assert "legend-imaging-CR" not in legend
    assert "legend-imaging-iUPD" not in legend
    assert "legend-ongoing" in legend
    assert "legend-fuzzy" in legend


def test_response_markers_differ_by_shape_not_colour_alone():
    keys = [k for k in LIGHT.markers if k.startswith("imaging:")] + ["surgery"]
    seen: dict[tuple[str, bool], str] = {}
    for key in keys:
        style = LIGHT.marker(key)
        signature = (style.marker, style.filled)  # colour deliberately left out
        assert signature not in seen, f"{key} looks like {seen.get(signature)}"
        seen[signature] = key
    shapes = {LIGHT.marker(f"imaging:{c}").marker for c in ("CR", "PR", "SD", "PD", "NE")}
    assert len(shapes) == 5


def test_same_input_gives_identical_svg_and_pdf():
    for fmt in ("svg", "pdf"):
        first = render_case(FOUNDING, fmt, ChartOptions(dpi=60))
        second = render_case(FOUNDING, fmt, ChartOptions(dpi=60))
        assert first == second, fmt
