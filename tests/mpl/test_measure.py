"""Layout's text measure: never narrower than what Agg draws, and one per theme and weight."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from atc_timeline.draw.themes import LIGHT
from atc_timeline.mpl.agg_text import GLYPH_CALLS, FastTextRenderer
from atc_timeline.mpl.fonts import weight_fallbacks_unlogged
from atc_timeline.mpl.measure import make_measure

SAMPLES = [
    "Cabozantinib 40 mg QD",
    "MRI: PR −42 % (iRECIST)",
    "甲状腺未分化癌 卡博替尼",
    "WWWWWW iiiiii",
    "Ёё ΑΩ",
]


@pytest.mark.parametrize("weight", ["normal", "bold"])
@pytest.mark.parametrize("text", SAMPLES)
def test_measured_width_covers_what_agg_draws(text, weight):
    width_in, _ = make_measure(LIGHT, weight)(text, 10.0)
    prop = FontProperties(family=list(LIGHT.families()), weight=weight, size=10.0)
    drawn, _, _ = RendererAgg(10, 10, 72).get_text_width_height_descent(text, prop, ismath=False)
    assert drawn <= width_in * 72 <= drawn * 1.2 + 2


def test_lines_add_height_and_size_scales_linearly():
    measure = make_measure(LIGHT)
    one_w, one_h = measure("Nivolumab", 10.0)
    two_w, two_h = measure("Nivolumab\nQ2W", 10.0)
    assert two_w == pytest.approx(one_w)
    assert two_h > one_h * 1.8
    assert measure("Nivolumab", 20.0) == pytest.approx((2 * one_w, 2 * one_h))


def test_one_measure_per_theme_and_weight():
    assert make_measure(LIGHT) is make_measure(LIGHT, "normal")
    assert make_measure(LIGHT, "bold") is not make_measure(LIGHT)


MIXED = [*SAMPLES, "BRAF V600E ATC: neoadjuvant dabrafenib + trametinib, then surgery", "RET融合 ✕ Clinical…"]


@pytest.mark.parametrize("dpi", [72.0, 150.0, 300.0])
@pytest.mark.parametrize("size", [5.0, 7.5, 11.6, 20.0])
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_measured_width_covers_what_the_chart_canvas_draws(weight, size, dpi):
    # The chart's own canvas (mpl.agg_text) draws the text, with its fonts' fallback list.
    measure = make_measure(LIGHT, weight)
    renderer = (FastTextRenderer if GLYPH_CALLS else RendererAgg)(10, 10, dpi)
    prop = FontProperties(family=list(LIGHT.families()), weight=weight, size=size)
    for text in MIXED:
        with weight_fallbacks_unlogged():
            drawn, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
        measured = measure(text, size)[0] * dpi
        assert drawn <= measured + 0.5, f"{text!r} draws {drawn:.1f} px, measured {measured:.1f}"
        assert measured <= drawn * 1.2 + 2, f"{text!r} measured far wider than drawn"


def test_bold_is_measured_with_the_bold_face():
    regular, bold = make_measure(LIGHT), make_measure(LIGHT, "bold")
    assert regular.bold is bold, "a measure carries its bold sibling for the layout"
    assert bold.bold is bold
    # DejaVu Sans Bold is wider letter by letter, and not by one factor: 'i' grows more than 'W'.
    assert bold("iiii", 10.0)[0] / regular("iiii", 10.0)[0] > bold("WWWW", 10.0)[0] / regular("WWWW", 10.0)[0]
    # Noto Sans CJK has no bold face: bold Chinese is drawn, and measured, regular.
    assert bold("甲状腺未分化癌", 10.0)[0] == pytest.approx(regular("甲状腺未分化癌", 10.0)[0], rel=0.02)
