"""Layout's text measure: never narrower than what Agg draws, and one per theme and weight."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from atc_timeline.draw.themes import LIGHT
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
