"""The legend as drawn: texts and symbols inside the figure, clear of each other and of every text."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.collections import Collection
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.shapes import phase_fill
from atc_timeline.draw.themes import THEMES
from atc_timeline.layout.model import MIN_TEXT_POINTS
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import ROOT
from tests.helpers import drawn_texts, overlaps

CASES = sorted((ROOT / "cases").glob("*.yaml"))
DPI = 100
# Every size the cases are looked at in; the dark and print themes where the text is smallest.
DRAWN = [(size, "light") for size in ("journal-1col", "journal-2col", "slide-16x9")] + [
    ("journal-1col", "dark"),
    ("journal-1col", "print"),
]


def _handles(fig):
    """The legend's symbols (their first artist carries the gid) with their pixel extents."""
    renderer = fig.canvas.get_renderer()
    found = []
    for artist in fig.findobj(lambda a: (a.get_gid() or "").startswith("legend-handle-")):
        if isinstance(artist, Text):
            continue  # the '?' and the stop mark are texts: drawn_texts has them
        if isinstance(artist, Collection):  # its window extent is not kept: from its paths
            points = np.concatenate([p.vertices for p in artist.get_paths()])
            box = Bbox.null()
            box.update_from_data_xy(artist.get_transform().transform(points), ignore=True)
        else:
            box = artist.get_window_extent(renderer)
        found.append((artist.get_gid(), box))
    return found


@pytest.mark.parametrize(("size", "theme"), DRAWN)
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_legend_texts_stay_in_the_figure_and_clear_of_every_text(path, size, theme):
    layout = layout_case(load_case(path), ChartOptions.for_size(size, dpi=DPI))
    fig = draw_timeline(layout, THEMES[theme], dpi=DPI)
    texts = drawn_texts(fig)
    legend = [(gid, t, box) for gid, t, box in texts if gid.startswith("legend-")]
    assert len([g for g, _, _ in legend if not g.startswith("legend-handle-")]) == sum(
        len(row) for row in layout.legend_rows
    ), "one text per entry"
    width, height = fig.bbox.width, fig.bbox.height
    for gid, text, box in legend:
        assert text.get_fontsize() >= MIN_TEXT_POINTS - 1e-9, gid
        inside = box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5 and box.y1 <= height + 0.5
        assert inside, f"{gid} leaves the figure at {box}"
    for (gid_a, _, a), (gid_b, _, b) in itertools.product(legend, texts):
        if gid_a != gid_b:
            assert not overlaps(a, b, pad=0.5), f"{gid_a!r} overlaps {gid_b!r}"
    words = [(gid, box) for gid, _, box in legend if not gid.startswith("legend-handle-")]
    for (gid_h, h), (gid_t, t) in itertools.product(_handles(fig), words):
        assert -0.5 <= h.x0 <= h.x1 <= width + 0.5, f"{gid_h} leaves the figure"
        assert not overlaps(h, t, pad=0.5), f"{gid_h!r} runs into {gid_t!r}"


def test_the_new_symbols_are_drawn_as_on_the_chart():
    """The metastasis tick is the chart's (colour, width); the dose swatch runs the bar's shades."""
    path = ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml"
    theme = THEMES["dark"]
    layout = layout_case(load_case(path), ChartOptions.for_size("slide-16x9", dpi=50))
    assert layout.metastases, "the slide has room for the marks"
    fig = draw_timeline(layout, theme, dpi=50)
    by_gid = {a.get_gid(): a for a in fig.findobj() if a.get_gid()}
    tick, chart_tick = by_gid["legend-handle-metastasis"], by_gid["metastasis-mark-1"]
    assert isinstance(tick, Line2D)
    assert isinstance(chart_tick, Line2D)
    assert tick.get_color() == chart_tick.get_color() == theme.text
    assert tick.get_linewidth() == chart_tick.get_linewidth()
    swatch = [by_gid["legend-handle-dose-targeted"]] + [
        by_gid[f"legend-handle-dose-targeted-{i}"] for i in (2, 3)
    ]
    assert all(isinstance(r, Rectangle) for r in swatch)
    fills = [to_hex(r.get_facecolor()) for r in swatch]
    # Lenvatinib's 24, 20 and 14 mg: the swatch runs the very shades of its bar, highest first.
    by_dose = sorted(layout.phases, key=lambda p: -p.level)
    assert fills == [phase_fill(p, theme) for p in by_dose]
    assert fills[0] == to_hex(theme.bar("targeted").color), "the highest dose is the drug's own colour"
