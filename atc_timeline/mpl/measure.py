"""Text measuring with real font metrics, for layout: measure(text, points) -> (width_in, height_in)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font, LoadFlags

from atc_timeline.draw.themes import LIGHT, Theme
from atc_timeline.layout import LINE_SPACING
from atc_timeline.mpl.fonts import weight_fallbacks_unlogged


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(1, 1, 72)


@lru_cache(maxsize=8)
def _font(family: tuple[str, ...], weight: str) -> FontProperties:
    return FontProperties(family=list(family), weight=weight)


# The measures' FT2Fonts are private and shared by every thread that lays out a chart; FreeType
# calls on one face must not interleave (they read the font file through Python, where another
# thread may run: concurrent loads corrupted memory), so each load holds this lock.
_FREETYPE = threading.RLock()  # re-entered: a new measure calibrates itself
_REFERENCE_POINTS = 100.0
# Glyph advances ignore kerning and hinting; a small margin keeps measured boxes at or
# above what Agg draws (tests compare against the real rendered extents).
_WIDTH_MARGIN = 1.08


def make_measure(theme: Theme = LIGHT, weight: str = "normal") -> Any:
    """A measure(text, points) -> (width_in, height_in) callable using real font metrics.

    Each character is measured with the face that draws it at this weight: DejaVu Sans Bold
    for bold Latin text, Noto Sans CJK (which has no bold: drawn regular) for Chinese, in the
    theme's fallback order. The measure's `bold` attribute is the bold one of the same fonts,
    so layout, given one measure, also measures its bold texts (title, lane names) right.

    Why: layout measures thousands of candidate labels; summing cached glyph advances is
    ~100x faster than laying out each string with FreeType, and widths scale linearly.
    One measure serves every chart with the same fonts, so its caches last a whole batch.
    """
    return _measure_for(theme.families(), weight)


@lru_cache(maxsize=8)
def _measure_for(families: tuple[str, ...], weight: str) -> Any:
    with weight_fallbacks_unlogged(), _FREETYPE:  # Agg looks up a bold CJK face, which has none
        measure = _new_measure(families, weight)
        measure.bold = measure if weight == "bold" else _measure_for(families, "bold")
        return measure


def _new_measure(families: tuple[str, ...], weight: str) -> Any:
    from atc_timeline.mpl.fonts import font_files

    prop = _font(families, weight).copy()
    prop.set_size(_REFERENCE_POINTS)
    # Private FT2Fonts (matplotlib's shared ones get resized by every draw), one per face of
    # the fallback list at this weight, so a Chinese label is measured with the face that
    # draws it and a bold title with the bold face.
    faces = []
    for face in font_files(families, weight) or ():
        ft = face.ft2font()
        ft.set_size(_REFERENCE_POINTS, 72)
        faces.append((face, ft))
    if not faces:
        fallback = FT2Font(findfont(prop))
        fallback.set_size(_REFERENCE_POINTS, 72)
    _, lp_h, _ = _renderer().get_text_width_height_descent("lp", prop, ismath=False)
    line_height = lp_h / _REFERENCE_POINTS  # points per point of font size

    @lru_cache(maxsize=4096)
    def raw_advance(char: str) -> float:
        with _FREETYPE:
            return _load_advance(char)

    def _load_advance(char: str) -> float:
        font = next((ft for face, ft in faces if face.covers(char)), faces[0][1] if faces else fallback)
        try:
            glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
        except RuntimeError:  # no glyph at all (control characters are refused earlier)
            glyph = font.load_char(ord("0"), flags=LoadFlags.NO_HINTING)
        return float(glyph.linearHoriAdvance)

    # Calibrate FreeType's advance units against Agg's own width of a pangram.
    sample = "The quick brown fox jumps over the lazy dog 0123456789"
    sample_w, _, _ = _renderer().get_text_width_height_descent(sample, prop, ismath=False)
    unit = sample_w / sum(raw_advance(c) for c in sample) / _REFERENCE_POINTS

    def advance(char: str) -> float:
        return float(raw_advance(char) * unit)

    @lru_cache(maxsize=8192)  # bounded (a dense chart measures ~5,000 texts); batches meet new ones
    def measure(text: str, size: float) -> tuple[float, float]:
        lines = text.split("\n")
        width = max(sum(advance(c) for c in line) for line in lines) * _WIDTH_MARGIN
        height = line_height * (1 + (len(lines) - 1) * LINE_SPACING)
        return width * size / 72.0, height * size / 72.0

    return measure
