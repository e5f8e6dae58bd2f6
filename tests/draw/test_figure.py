"""Artists on the drawn Figure: what is shown, and how partial dates and ongoing drugs look."""

from __future__ import annotations

from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

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


def test_ongoing_drug_gets_an_arrow_past_the_cutoff():
    fig = figure_for_case(load_case_text(CASE.format(end="ongoing")), ChartOptions(dpi=50))
    layout = layout_case(load_case_text(CASE.format(end="ongoing")))
    bar = _by_gid(fig, "event-fuzzy")
    arrows = [p for p in bar.get_paths() if len(p.vertices) in (4, 5)]
    assert arrows, "expected a triangular arrow head in the bar"
    tip = max(v[0] for p in bar.get_paths() for v in p.vertices)
    assert tip > layout.cutoff_x
    assert isinstance(Polygon, type)


def test_founding_case_shows_the_clinical_story():
    fig = figure_for_case(load_case_text(FOUNDING.read_text()), ChartOptions(dpi=50))
    texts = {t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()}
    joined = " | ".join(texts)
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
    from atc_timeline.draw.themes import LIGHT

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
