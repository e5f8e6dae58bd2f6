"""The cached-glyph text path for Agg draws what matplotlib draws, measured the same way."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from PIL import Image

from atc_timeline.draw.themes import LIGHT
from atc_timeline.mpl import agg_text
from atc_timeline.mpl.agg_text import FastTextCanvas, FastTextRenderer, compose, raw_rgba
from atc_timeline.mpl.fonts import font_paths
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from tests.conftest import FOUNDING

# The glyph cache itself needs matplotlib's glyph calls (3.11+); the canvas tests run everywhere.
needs_glyph_calls = pytest.mark.skipif(
    not agg_text.GLYPH_CALLS, reason="this matplotlib lacks the glyph calls; its own text path is used"
)

SAMPLES = ["Cabozantinib 40 mg QD", "MRI: PR −42 % (iRECIST)", "Arteriovenous thrombosis", "Jul\n2018"]


def _draw(canvas_type, text, size=10.0, dpi=150, rotation=0.0, weight="normal"):
    fig = Figure(figsize=(4, 1.2), dpi=dpi)
    canvas_type(fig)
    fig.text(0.05, 0.5, text, fontsize=size, family=list(LIGHT.families()), rotation=rotation, weight=weight)
    fig.canvas.draw()
    return 255 - np.asarray(fig.canvas.buffer_rgba())[..., 0].astype(int)  # ink, 0 = paper


def _ink_box(ink):
    rows, cols = np.nonzero(ink > 60)
    return rows.min(), rows.max(), cols.min(), cols.max()


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_text_lands_where_matplotlib_puts_it(text, weight):
    stock, fast = _draw(FigureCanvasAgg, text, weight=weight), _draw(FastTextCanvas, text, weight=weight)
    (r0, r1, c0, c1), (f0, f1, g0, g1) = _ink_box(stock), _ink_box(fast)
    # Same baseline and start to a pixel or two; width within 4 % (matplotlib hints advances).
    assert abs(r0 - f0) <= 2
    assert abs(r1 - f1) <= 2
    assert abs(c0 - g0) <= 2
    assert abs((c1 - c0) - (g1 - g0)) <= 0.04 * (c1 - c0) + 2
    # As much ink: no missing or doubled glyphs.
    assert abs(fast.sum() - stock.sum()) < 0.08 * stock.sum()


@needs_glyph_calls
def test_metrics_match_what_is_drawn():
    renderer = FastTextRenderer(10, 10, 150)
    prop = FontProperties(family=list(LIGHT.families()), size=12)
    width, height, descent = renderer.get_text_width_height_descent("Nivolumab 240 mg Q2W", prop, False)
    run = compose(tuple(_paths(prop)), "Nivolumab 240 mg Q2W", 12.0, 150)
    assert (width, height) == (run.bitmap.shape[1], run.bitmap.shape[0])
    assert descent == run.bitmap.shape[0] - run.top
    stock = RendererAgg(10, 10, 150).get_text_width_height_descent("Nivolumab 240 mg Q2W", prop, False)
    assert width == pytest.approx(stock[0], rel=0.05)
    assert height == pytest.approx(stock[1], abs=1)


def _paths(prop):
    return font_paths(prop)


def test_chinese_falls_back_to_the_cjk_face():
    pytest.importorskip("noto_cjk_sans_otc")
    ink = _draw(FastTextCanvas, "甲状腺未分化癌")
    assert (ink > 60).sum() > 300  # drawn, not blank boxes or nothing


def test_rotated_text_takes_matplotlibs_path():
    stock = _draw(FigureCanvasAgg, "rotated", rotation=30)
    fast = _draw(FastTextCanvas, "rotated", rotation=30)
    assert np.array_equal(stock, fast)


@needs_glyph_calls
def test_strings_are_composed_once():
    prop = FontProperties(family=list(LIGHT.families()), size=9)
    paths = tuple(_paths(prop))
    assert compose(paths, "Imaging", 9.0, 120) is compose(paths, "Imaging", 9.0, 120)
    empty = compose(paths, "   ", 9.0, 120)
    assert empty.bitmap.size == 0
    assert empty.width == 0


def test_line_metrics_match_matplotlibs_own():
    fig_a, fig_b = Figure(dpi=150), Figure(dpi=150)
    FigureCanvasAgg(fig_a)
    FastTextCanvas(fig_b)
    for fig in (fig_a, fig_b):
        fig.text(0.1, 0.5, "two\nlines", fontsize=11, family=list(LIGHT.families()), linespacing=1.2)
        fig.text(0.5, 0.5, "one line", fontsize=7, family=list(LIGHT.families()), weight="bold")
    boxes = []
    for fig in (fig_a, fig_b):
        renderer = fig.canvas.get_renderer()
        boxes.append([t.get_window_extent(renderer).bounds for t in fig.texts])
    for stock, fast in zip(*boxes, strict=True):
        assert stock[1] == pytest.approx(fast[1], abs=1)  # bottom
        assert stock[3] == pytest.approx(fast[3], abs=1)  # height


def _grey(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def _blocks(image: np.ndarray, size: int) -> np.ndarray:
    rows, cols = (image.shape[0] // size) * size, (image.shape[1] // size) * size
    return image[:rows, :cols].reshape(rows // size, size, cols // size, size).mean(axis=(1, 3))


def test_without_glyph_calls_the_canvas_is_matplotlibs_own(monkeypatch):
    fast = render_case(FOUNDING, "png", ChartOptions(dpi=60))
    monkeypatch.setattr(agg_text, "GLYPH_CALLS", False)
    fig = Figure(dpi=60)
    FastTextCanvas(fig)
    assert type(fig.canvas.get_renderer()) is RendererAgg
    stock = render_case(FOUNDING, "png", ChartOptions(dpi=60))
    a, b = _grey(fast), _grey(stock)
    assert a.shape == b.shape
    # matplotlib hints advances, so long strings end a few pixels apart: compare 16 px blocks
    # (a moved or missing label shifts a block by far more) and the total ink.
    assert np.sqrt(((_blocks(a, 16) - _blocks(b, 16)) ** 2).mean()) < 4
    assert (255 - a).sum() == pytest.approx((255 - b).sum(), rel=0.03)


def test_without_the_height_metrics_hook_text_reads_the_same_tables(monkeypatch):
    hooked = render_case(FOUNDING, "png", ChartOptions(dpi=60))
    monkeypatch.setattr(agg_text, "HEIGHT_METRICS", False)
    prop = FontProperties(family=list(LIGHT.families()), size=10)
    assert FastTextRenderer(10, 10, 60)._get_font_height_metrics(prop) == (None, None, None)
    assert render_case(FOUNDING, "png", ChartOptions(dpi=60)) == hooked


@pytest.mark.parametrize(
    ("size", "dpi"), [((13.333, 7.5), 150), ((3.5, 4.8), 72), ((17.4, 36.1), 50), ((3.883, 5.6), 90)]
)
@pytest.mark.parametrize("canvas_type", [FastTextCanvas, FigureCanvasAgg])
@pytest.mark.parametrize("figure_dpi", ["same", 100])
def test_raw_bytes_take_the_canvas_shape(size, dpi, canvas_type, figure_dpi):
    fig = Figure(figsize=size, dpi=dpi if figure_dpi == "same" else figure_dpi)
    canvas_type(fig)
    fig.text(0.1, 0.5, "raw", fontsize=20)
    out = io.BytesIO()
    fig.savefig(out, format="raw", dpi=dpi)
    pixels = raw_rgba(fig, out.getvalue(), dpi)
    assert fig.dpi == (dpi if figure_dpi == "same" else figure_dpi)
    fig.dpi = dpi
    renderer = fig.canvas.get_renderer()
    assert pixels.shape == (int(renderer.height), int(renderer.width), 4)
    assert pixels.tobytes() == bytes(renderer.buffer_rgba())
    with pytest.raises(ValueError, match="RGBA"):
        raw_rgba(fig, out.getvalue()[4:], dpi)


def test_the_glyph_calls_are_checked_not_assumed(monkeypatch):
    monkeypatch.setattr(agg_text, "RenderMode", None)
    assert agg_text._has_glyph_calls() is False
