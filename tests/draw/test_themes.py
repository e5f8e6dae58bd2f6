"""Themes and encodings: shapes per kind, dose shading, print hatches, the stop mark, smooth fades."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.shapes import FADE_STEPS, FADE_STRIP, fade_steps, marker_shape, phase_fill
from atc_timeline.draw.themes import PRINT, THEMES, contrast, legible, luminance
from atc_timeline.layout.doses import LIGHTEST
from atc_timeline.layout.model import STOP_MARK, Bar
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case, render_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import ROOT

LENVATINIB = ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml"
ALL_THEMES = sorted(THEMES)


def _by_gid(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


@pytest.fixture(scope="module")
def lenvatinib_layout():
    return layout_case(load_case(LENVATINIB), ChartOptions(dpi=50))


# Shapes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_surgery_and_imaging_findings_differ_in_shape_not_only_fill(theme):
    markers = THEMES[theme].markers
    assert markers["surgery"].marker != markers["imaging:finding"].marker
    assert markers["surgery"].filled, "surgery is solid, so it reads at journal size"


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_each_kind_of_point_event_has_shapes_of_its_own(theme):
    markers = THEMES[theme].markers
    kinds: dict[str, set[str]] = {}
    for key, style in markers.items():
        kinds.setdefault(key.split(":")[0], set()).add(style.marker)
    assert set(kinds) == {"surgery", "imaging", "ae"}
    for kind, shapes in kinds.items():
        others = set().union(*(s for k, s in kinds.items() if k != kind))
        assert shapes.isdisjoint(others), f"{kind} shares a shape with another kind"


@pytest.mark.parametrize("theme", ["dark", "print"])
def test_filled_markers_do_not_pass_for_hollow_ones_on_the_background(theme):
    # A fill as dark as a dark slide reads as an outline only (surgery and grade 5 did); in
    # grey, a fill as pale as the page does (SD did). The light theme has colour to tell.
    t = THEMES[theme]
    for key, style in t.markers.items():
        if style.filled and key != "ae:0":  # grade not reported is meant to look empty
            assert contrast(to_hex(style.color), to_hex(t.background)) >= 1.6, key


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_hollow_markers_stand_out_from_the_background(theme):
    t = THEMES[theme]
    for key, style in t.markers.items():
        if not style.filled:
            assert contrast(style.color, t.background) >= 3.0, key


@given(st.from_regex(r"#[0-9A-F]{6}", fullmatch=True), st.sampled_from(["#FFFFFF", "#1B1E23", "#777777"]))
def test_legible_reaches_three_to_one_or_black_or_white(color, background):
    shown = legible(color, background)
    assert contrast(shown, background) >= 3.0 or shown in ("#000000", "#FFFFFF")


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_surgery_is_drawn_as_its_own_shape_and_so_is_its_legend_swatch(theme, lenvatinib_layout):
    fig = draw_timeline(lenvatinib_layout, THEMES[theme], dpi=50)
    surgery = _by_gid(fig, "event-tracheostomy")
    finding = _by_gid(fig, "event-ct-2020-01")  # a scan with no response
    swatch = _by_gid(fig, "legend-handle-surgery")
    path = surgery._marker.get_path()
    assert path.vertices.tolist() == marker_shape("wedge").vertices.tolist() != []
    assert swatch._marker.get_path().vertices.tolist() == path.vertices.tolist()
    assert finding.get_marker() == "d"
    assert to_hex(surgery.get_markerfacecolor()) == to_hex(THEMES[theme].marker("surgery").color)


# Dose phases ---------------------------------------------------------------------------------


def test_lenvatinib_phases_are_shaded_by_dose(lenvatinib_layout):
    levels = {p.event_id.rsplit("-", 1)[1]: p.level for p in lenvatinib_layout.phases}
    expected = {"1": 1.0, "2": (1 + LIGHTEST) / 2, "3": LIGHTEST}
    assert levels == pytest.approx(expected), "24 > 20 > 14 mg"


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_drawn_phase_fills_move_away_from_the_background_as_the_dose_rises(theme, lenvatinib_layout):
    t = THEMES[theme]
    fig = draw_timeline(lenvatinib_layout, t, dpi=50)
    phases = sorted(lenvatinib_layout.phases, key=lambda p: p.level)
    drawn = []
    for phase in phases:
        artist = _by_gid(fig, f"event-{phase.event_id}")
        if isinstance(artist, PolyCollection):
            drawn.append(to_hex(artist.get_facecolors()[-1][:3]))
            assert drawn[-1] == phase_fill(phase, t)
        else:  # the highest dose: the drug's bar shows through an empty box
            assert phase.level == 1.0
            drawn.append(to_hex(t.bar(phase.category).color))
    distance = [contrast(c, to_hex(t.background)) for c in drawn]
    assert distance == sorted(distance), drawn
    assert len(set(distance)) == len(distance), drawn


@pytest.mark.parametrize("theme", ALL_THEMES)
@pytest.mark.parametrize("category", ["chemotherapy", "targeted", "immunotherapy", "hormonal", "other"])
def test_phase_shades_are_monotone_in_level_in_every_theme(theme, category):
    t = THEMES[theme]
    levels = [LIGHTEST + i * (1 - LIGHTEST) / 10 for i in range(11)]
    shades = [
        phase_fill(Bar("p", "phase", category, "", 0, 0, 1, 1, 0, 1, "date", True, True, level=v), t)
        for v in levels
    ]
    distance = [contrast(s, to_hex(t.background)) for s in shades]
    assert all(a <= b + 1e-9 for a, b in itertools.pairwise(distance)), (category, shades)
    # The lowest and the highest dose tell apart (yellow on white differs in colour, not in light).
    lowest, highest = to_rgba(shades[0])[:3], to_rgba(shades[-1])[:3]
    assert max(abs(a - b) for a, b in zip(lowest, highest, strict=True)) >= 0.2
    # Room for text: black or white reads at 4.5:1 on every shade.
    assert all(max(contrast(s, "#000000"), contrast(s, "#FFFFFF")) >= 4.5 for s in shades)


# Print ----------------------------------------------------------------------------------------

_FAMILIES = {"/": "diagonal", "\\": "diagonal", "x": "diagonal", "|": "straight", "-": "straight"}


def _hatch_kind(hatch: str) -> frozenset[str]:
    """What a hatch is made of: diagonal lines, straight lines, a grid, dots."""
    kinds = {_FAMILIES.get(c, "dots") for c in hatch}
    return frozenset({"grid"} if "+" in hatch else kinds)


def test_print_radiotherapy_and_adverse_events_differ_in_pattern_and_grey():
    rt, ae = PRINT.bar("radiotherapy"), PRINT.bar("adverse_event")
    assert _hatch_kind(rt.hatch) != _hatch_kind(ae.hatch), "not the same lines in another direction"
    assert abs(luminance(rt.color) - luminance(ae.color)) >= 0.2, "and a different grey"
    legend = load_case_text(
        """schema: atc-timeline/1
case: {id: t, title: T, data_cutoff: '2020-06-30'}
diagnosis: {label: ATC, date: '2019-01-10'}
radiotherapy: [{id: rt, label: RT, start: '2019-02-01', end: '2019-03-01'}]
adverse_events: [{id: ae, term: Rash, grade: 2, start: '2019-02-10', end: '2019-04-01'}]
"""
    )
    fig = draw_timeline(layout_case(legend, ChartOptions(dpi=50)), PRINT, dpi=50)
    swatches = [_by_gid(fig, f"legend-handle-bar-{c}") for c in ("radiotherapy", "adverse_event")]
    assert [s.get_hatch() for s in swatches] == [rt.hatch, ae.hatch]
    assert [to_hex(s.get_facecolor()) for s in swatches] == [to_hex(rt.color), to_hex(ae.color)]


# The stop mark --------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_legend_stop_mark_is_the_one_on_the_chart(theme, lenvatinib_layout):
    fig = draw_timeline(lenvatinib_layout, THEMES[theme], dpi=50)
    chart = _by_gid(fig, "stop-lenvatinib")
    legend = _by_gid(fig, "legend-handle-stop")
    assert isinstance(chart, Text)
    assert isinstance(legend, Text)
    assert chart.get_text().startswith(STOP_MARK + " ")
    assert legend.get_text() == STOP_MARK
    assert to_rgba(legend.get_color()) == to_rgba(chart.get_color()) == to_rgba(THEMES[theme].stop)
    assert legend.get_fontsize() == chart.get_fontsize()
    assert legend.get_fontfamily() == chart.get_fontfamily()
    assert legend.get_fontweight() == chart.get_fontweight()


# Fades ----------------------------------------------------------------------------------------


@given(st.floats(min_value=0.0, max_value=20.0, allow_nan=False))
def test_fade_strips_are_narrow_and_bounded_in_number(inches):
    n = fade_steps(inches)
    fewest, most = FADE_STEPS
    assert fewest <= n <= most
    assert n == most or inches / n <= FADE_STRIP + 1e-12


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_fades_change_opacity_in_small_steps(theme, lenvatinib_layout):
    fig = draw_timeline(lenvatinib_layout, THEMES[theme], dpi=50)
    steps = []
    for bar in lenvatinib_layout.bars:
        alphas = [float(c[3]) for c in _by_gid(fig, f"event-{bar.event_id}").get_facecolors()]
        steps += [abs(a - b) for a, b in itertools.pairwise(alphas) if 0 < a < 1 and 0 < b < 1]
    assert steps, "the case has fuzzy dates"
    # Ten strips a fade (the bands seen on dark slides) stepped by 0.1.
    assert max(steps) <= 1 / 20


def test_smooth_fades_keep_svg_and_pdf_small():
    # Measured on this case (the most fades of cases/) before the fades were smoothed: SVG
    # 272 kB, PDF 78 kB at slide size.
    for fmt, before in (("svg", 272_543), ("pdf", 78_419)):
        size = len(render_case(LENVATINIB, fmt, ChartOptions(), THEMES["dark"]))
        # +24 % SVG, +12 % PDF when measured; the halos of texts on hatched bars (outlines in
        # SVG and PDF) take the SVG to +41 %.
        assert size < before * 1.5, (fmt, size)


def test_marker_shape_passes_matplotlib_codes_through():
    assert marker_shape("D") == "D"
    line = Line2D([0], [0], marker=marker_shape("wedge"))
    assert len(line._marker.get_path().vertices) >= 3


def test_a_switch_to_the_same_dose_per_day_keeps_one_shade_and_an_edge_between():
    # Pembrolizumab 200 mg every 3 weeks, then 400 mg every 6 weeks: no change of dose.
    layout = layout_case(
        load_case(ROOT / "cases" / "atc-braf-dabrafenib-trametinib-neoadjuvant.yaml"), ChartOptions()
    )
    first, second = (p for p in layout.phases if p.parent_id == "pembrolizumab")
    assert first.level == second.level == 1.0
    fig = draw_timeline(layout, THEMES["light"], dpi=40)
    edge = _by_gid(fig, "phase-edge-pembrolizumab--phase-2")
    (corners,) = edge.get_paths()
    xs = corners.vertices[:, 0]
    assert min(xs) < second.start_lo < max(xs), "at the day of the switch"
