"""Text pasted from other programs: invisible marks are dropped before anything is drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from atc_timeline.readers.yaml_case import load_case_text

PASTED = """schema: atc-timeline/1
case: {id: t, title: "Pasted\\uFEFF from Word"}
diagnosis: {label: "\\uFEFFAnaplastic thyroid carcinoma", date: "2019-01-10"}
medications: [{id: m, label: "Lenva\\uFEFFtinib", start: 2019-02, end: 2019-06, stop_reason: "PD\\uFEFF"}]
imaging: [{id: i, date: 2019-04, modality: CT, finding: "smaller\\uFEFF"}]
"""


@pytest.mark.parametrize("fmt", ["pdf", "svg", "png", "pptx"])
def test_a_byte_order_mark_inside_drawn_text_renders_in_every_format(fmt: str) -> None:
    # U+FEFF inside a label made matplotlib's PDF writer raise IndexError.
    data = render_case(load_case_text(PASTED), fmt, ChartOptions(dpi=40))
    assert data
    if fmt == "svg":
        svg = data.decode("utf-8")
        ET.fromstring(svg)
        assert "\ufeff" not in svg
        assert "Lenvatinib" in svg


def test_a_byte_order_mark_in_a_title_given_as_an_option_is_not_drawn() -> None:
    # The model never sees --title; the drawing step drops U+FEFF from any text it draws.
    case = load_case_text(PASTED)
    assert render_case(case, "pdf", ChartOptions(dpi=40, title="Chart\ufeff title")).startswith(b"%PDF-")
    svg = render_case(case, "svg", ChartOptions(dpi=40, title="Chart\ufeff title")).decode("utf-8")
    assert "Chart title" in svg
