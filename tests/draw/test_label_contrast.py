"""Texts on bars: at least 4.5:1 contrast against the fill, a halo, and no plate hiding the bar."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.collections import Collection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from atc_timeline.draw.contrast import MIN_CONTRAST, contrast, luminance, text_on
from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.shapes import _dose_ink, phase_color, phase_fill
from atc_timeline.draw.style import style_theme
from atc_timeline.draw.themes import LIGHT, THEMES
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import CASES, FOUNDING

LENVATINIB = next(p for p in CASES if "lenvatinib" in p.name)

hex_colours = st.tuples(*[st.integers(0, 255)] * 3).map(lambda c: "#{:02X}{:02X}{:02X}".format(*c))


def test_luminance_and_contrast_follow_wcag():
    assert luminance("#000000") == 0.0
    assert luminance("#FFFFFF") == pytest.approx(1.0)
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#777777") == pytest.approx(1.0)
    # A published pair: #767676 on white is the lightest grey that passes AA (4.54:1).
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#FFFFFF") < MIN_CONTRAST


@given(hex_colours, hex_colours, hex_colours)
def test_the_text_colour_passes_on_any_fill(fill, text, background):
    chosen = text_on(fill, text, background)
    assert contrast(chosen, fill) >= MIN_CONTRAST
    assert chosen in (text, background, "#000000", "#FFFFFF")


@given(hex_colours)
def test_the_themes_own_colour_wins_when_it_passes(fill):
    chosen = text_on(fill, "#1A1A1A", "#FFFFFF")
    if max(contrast("#1A1A1A", fill), contrast("#FFFFFF", fill)) >= MIN_CONTRAST:
        assert chosen in ("#1A1A1A", "#FFFFFF")


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_bar_and_dose_phase_fill_of_every_theme_gets_readable_text(theme):
    style = THEMES[theme]
    for category, bar in style.bars.items():
        for level in (1.0, 0.85, 0.7, 0.55, 0.4, 0.25):  # dose shades, highest dose first
            fill = phase_color(_dose_ink(bar.color, style), level, style.background)
            color = text_on(fill, style.text, style.background)
            assert contrast(color, fill) >= MIN_CONTRAST, f"{theme} {category} at {level}"


def _pixels(layout, bar, dpi):
    """A bar's box on the drawn figure, pixels."""
    y0 = layout.axes.y0 + bar.y - bar.height / 2
    x0, x1 = layout.day_to_inch(bar.start_lo), layout.day_to_inch(bar.end_hi)
    return Bbox([[x0 * dpi, y0 * dpi], [x1 * dpi, (y0 + bar.height) * dpi]])


def _fill(layout, label, theme):
    """The fill colour under an on-bar label, from the layout and the theme."""
    for phase in layout.phases:
        if phase.event_id == label.event_id:
            return phase_fill(phase, theme)
    bar = next(b for b in layout.bars if b.event_id == label.event_id)
    return theme.bar(bar.category).color


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("size", ["slide-16x9", "journal-2col", "journal-1col"])
@pytest.mark.parametrize("path", [FOUNDING, LENVATINIB], ids=["founding", "dose-phases"])
def test_labels_on_bars_read_and_hide_nothing(path, size, theme):
    style = THEMES[theme]
    options = ChartOptions.for_size(size, dpi=60)
    layout = layout_case(load_case(path), options, style)
    fig = draw_timeline(layout, style, dpi=60)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    on_bar = [label for label in layout.labels if label.color_key == "on_bar"]
    assert on_bar, "the case has texts on its bars"
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    bars = [_pixels(layout, bar, 60) for bar in layout.bars]
    shown = []
    for label in on_bar:
        fill = _fill(layout, label, style)
        drawn = [t for t in texts if t.get_text() == label.text and t.get_gid()]
        halos = [t for t in texts if t.get_text() == label.text and not t.get_gid() and t.get_path_effects()]
        assert drawn, f"{label.text!r} is drawn"
        bar = next(b for b in (*layout.phases, *layout.bars) if b.event_id == label.event_id)
        if style.bar(bar.category).hatch:
            assert halos, f"{label.text!r} on hatching has a halo"
        text = drawn[0]
        assert text.get_bbox_patch() is None, f"{label.text!r} has a plate over its bar"
        assert contrast(to_hex(text.get_color()), fill) >= MIN_CONTRAST, f"{label.text!r} on {fill}"
        if halos:
            assert to_hex(halos[0].get_color()) == to_hex(fill), "the halo is the fill's own colour"
        shown.append(text.get_window_extent(renderer))
    # No text anywhere carries a plate over a bar (a stop reason's plate crossing the cut-off
    # line sits beside its bar, not on one).
    for text in texts:
        patch = text.get_bbox_patch()
        if patch is not None:
            box = patch.get_window_extent(renderer)
            assert not any(box.overlaps(bar) for bar in bars), f"{text.get_text()!r}: a plate on a bar"
    # Nothing opaque is drawn over a bar's label but the label itself (markers, hatching and
    # fills all sit below it).
    for artist in fig.findobj(lambda a: isinstance(a, Patch | Collection)):
        if artist.get_zorder() <= 3 or not artist.get_visible():
            continue
        faces = artist.get_facecolor()
        faces = [faces] if isinstance(artist, Patch) else list(faces)
        if not any(to_rgba(f)[3] > 0 for f in faces):
            continue
        extent = artist.get_window_extent(renderer)
        assert not any(extent.overlaps(box) for box in shown), f"{artist} over a bar's label"


@pytest.mark.parametrize(("colour", "expected"), [("#1F1F5C", "#FFFFFF"), ("#FFE680", "#1A1A1A")])
def test_a_house_styles_bar_colour_gets_text_that_reads_on_it(colour, expected):
    theme = style_theme({"bars": {"targeted": colour}}, LIGHT)
    layout = layout_case(load_case(FOUNDING), ChartOptions(dpi=40), theme)
    fig = draw_timeline(layout, theme, dpi=40)
    label = next(t for t in fig.findobj(Text) if (t.get_gid() or "").startswith("bar-cabozantinib"))
    assert to_hex(label.get_color()).upper() == expected
    assert contrast(expected, colour) >= MIN_CONTRAST
