"""Fast text for the Agg canvas: glyph bitmaps rendered once per process, strings composed from them.

Why: matplotlib 3.11 shapes every string with FreeType/HarfBuzz and then renders it glyph by
glyph from Python (about 2 ms per label plus 0.1 ms per glyph), which made text most of a
chart's drawing time. Charts in a batch share fonts, sizes and most strings, so each glyph is
rendered once (at four sub-pixel phases) and strings are composed from the cached bitmaps.
Anything unusual (rotation, mathtext, a matplotlib without the needed calls) takes
matplotlib's own path.

matplotlib's private API used here, each behind a flag that tests turn off:

- GLYPH_CALLS: FT2Font._set_transform and _render_glyph, ft2font.RenderMode (all 3.11+) and
  the Agg renderer's _renderer.draw_text_image. Off: the canvas is matplotlib's own
  (FigureCanvasAgg's renderer, its text path), which draws the same text a little slower.
- HEIGHT_METRICS: Text asks a renderer's _get_font_height_metrics, when it has one (3.11+),
  for a font's ascent, descent and line gap. Off: the answer is "don't know" and Text reads
  the same font tables itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib import ft2font
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import FontProperties, get_font
from matplotlib.ft2font import FT2Font, Kerning

from atc_timeline.mpl.fonts import font_paths, weight_fallbacks_unlogged

PHASES = 4  # sub-pixel pen positions per pixel, as browsers do
# Cache sizes bound memory in a long batch: a slide chart uses ~2,000 glyph bitmaps (sizes x
# characters x phases) and ~60 strings, a few dozen of which (lanes, ticks, legend) recur.
GLYPHS = 8192
STRINGS = 256
_IDENTITY = np.array([[0x10000, 0], [0, 0x10000]])
RenderMode: Any = getattr(ft2font, "RenderMode", None)  # absent before matplotlib 3.11


def _has_glyph_calls() -> bool:
    if RenderMode is None or not all(hasattr(FT2Font, n) for n in ("_render_glyph", "_set_transform")):
        return False
    agg = getattr(RendererAgg(1, 1, 72), "_renderer", None)
    return hasattr(agg, "draw_text_image")


GLYPH_CALLS = _has_glyph_calls()
HEIGHT_METRICS = True


@dataclass(frozen=True)
class Glyph:
    """A rendered glyph: coverage bitmap and its offsets from the pen position."""

    bitmap: np.ndarray  # uint8 coverage, rows top to bottom
    left: int  # columns right of the pen
    top: int  # rows above the baseline


@dataclass(frozen=True)
class Run:
    """A composed single-line string: coverage bitmap, placement and metrics in pixels."""

    bitmap: np.ndarray
    left: int  # first column relative to the pen start
    top: int  # first row above the baseline
    width: float
    height: float
    descent: float


def _face(paths: tuple[Any, ...], number: int) -> Any:
    """The FT2Font of face `number` of a fallback list, this thread's own.

    Why this thread's: an FT2Font is sized, transformed and loaded in steps, and FreeType reads
    the font file through Python, where another thread may run; two threads drawing with one
    face got each other's sizes, or corrupted memory. matplotlib keeps one font per thread
    for this reason (get_font keys its cache on the thread), so each thread's use is serial.
    The glyph caches below hold plain results, which threads can share.
    """
    # Any: the glyph calls used here are matplotlib's private ones, absent from its stubs.
    return get_font([paths[number]])


def _flags() -> Any:
    """FreeType load flags for the current rcParams["text.hinting"], as Agg uses them."""
    return get_hinting_flag()


@lru_cache(maxsize=8192)
def _lookup(paths: tuple[Any, ...], char: str) -> tuple[int, int]:
    """(face number, glyph index) of the first face that has `char`; face 0's notdef if none."""
    for number in range(len(paths)):
        index = _face(paths, number).get_char_index(ord(char))
        if index:
            return number, index
    return 0, 0


@lru_cache(maxsize=GLYPHS)
def _advance(paths: tuple[Any, ...], number: int, index: int, size: float, dpi: float) -> float:
    """The unhinted advance of a glyph, in pixels."""
    face = _face(paths, number)
    face.set_size(size, dpi)
    return float(face.load_glyph(index, flags=_flags()).linearHoriAdvance) / 65536


@lru_cache(maxsize=GLYPHS)
def _kerning(paths: tuple[Any, ...], number: int, left: int, right: int, size: float, dpi: float) -> float:
    face = _face(paths, number)
    face.set_size(size, dpi)
    return float(face.get_kerning(left, right, Kerning.UNFITTED)) / 64


@lru_cache(maxsize=GLYPHS)
def _glyph(paths: tuple[Any, ...], number: int, index: int, size: float, dpi: float, phase: int) -> Glyph:
    """Render one glyph with its pen at `phase`/PHASES of a pixel."""
    face = _face(paths, number)
    face.set_size(size, dpi)
    face._set_transform(_IDENTITY, [round(0x40 * phase / PHASES), 0])
    try:
        bitmap = face._render_glyph(index, _flags(), RenderMode.NORMAL)
    finally:
        face._set_transform(_IDENTITY, [0, 0])
    return Glyph(np.array(bitmap.buffer, dtype=np.uint8), bitmap.left, bitmap.top)


@lru_cache(maxsize=STRINGS)
def compose(paths: tuple[Any, ...], text: str, size: float, dpi: float) -> Run:
    """Lay out and compose one line of text from cached glyphs."""
    placed: list[tuple[Glyph, int]] = []
    pen = 0.0
    previous: tuple[int, int] | None = None
    ink_lo, ink_hi, bottom_lo, top_hi = np.inf, -np.inf, 0, 0
    for char in text:
        number, index = _lookup(paths, char)
        if previous is not None and previous[0] == number:
            pen += _kerning(paths, number, previous[1], index, size, dpi)
        whole = int(np.floor(pen))
        phase = round((pen - whole) * PHASES)
        if phase == PHASES:
            whole, phase = whole + 1, 0
        glyph = _glyph(paths, number, index, size, dpi, phase)
        rows, cols = glyph.bitmap.shape
        if rows and cols:
            placed.append((glyph, whole))
            ink_lo = min(ink_lo, whole + glyph.left)
            ink_hi = max(ink_hi, whole + glyph.left + cols)
            top_hi = max(top_hi, glyph.top)
            bottom_lo = min(bottom_lo, glyph.top - rows)
        pen += _advance(paths, number, index, size, dpi)
        previous = (number, index)
    if not placed:
        return Run(np.zeros((0, 0), np.uint8), 0, 0, 0.0, 0.0, 0.0)
    left, right = int(ink_lo), int(ink_hi)
    image = np.zeros((top_hi - bottom_lo, right - left), np.uint8)
    for glyph, whole in placed:
        rows, cols = glyph.bitmap.shape
        r0 = top_hi - glyph.top
        c0 = whole + glyph.left - left
        cell = image[r0 : r0 + rows, c0 : c0 + cols]
        np.maximum(cell, glyph.bitmap, out=cell)
    return Run(image, left, top_hi, float(right - left), float(top_hi - bottom_lo), float(-bottom_lo))


def _paths(prop: Any) -> tuple[Any, ...]:
    """The font files (fallback list) for a FontProperties, looked up once per style."""
    if prop.get_file() is not None:
        return tuple(font_paths(prop))
    return _paths_for(
        tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch()
    )


@lru_cache(maxsize=256)
def _paths_for(
    family: tuple[str, ...], style: Any, variant: Any, weight: Any, stretch: Any
) -> tuple[Any, ...]:
    prop = FontProperties(family=list(family), style=style, variant=variant, weight=weight, stretch=stretch)
    return tuple(font_paths(prop))


@lru_cache(maxsize=256)
def _height_metrics(paths: tuple[Any, ...], size: float, dpi: float) -> tuple[float, float, float]:
    """(ascent, descent, line gap) in pixels from the first face's tables, as Text computes them."""
    face = _face(paths, 0)
    scale = size * dpi / 72 / face.get_sfnt_table("head")["unitsPerEm"]
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = face.get_sfnt_table(table_name)
        if table is not None:
            return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return float(face.ascender) * scale, -float(face.descender) * scale, 0.0


class FastTextRenderer(RendererAgg):
    """RendererAgg whose plain, unrotated text comes from the glyph cache."""

    def _get_font_height_metrics(self, prop: Any) -> tuple[float | None, float | None, float | None]:
        # matplotlib's Text asks the renderer first; answering from a cache spares a font
        # lookup and two table reads per label per draw. None: Text reads the tables itself.
        if not HEIGHT_METRICS:
            return None, None, None
        return _height_metrics(_paths(prop), prop.get_size_in_points(), self.dpi)

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        if ismath or angle % 360 or not gc.get_antialiased():
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        run = compose(_paths(prop), s, prop.get_size_in_points(), self.dpi)
        rows = run.bitmap.shape[0]
        if not rows:
            return
        # y is downwards from the top; the call takes the left column and the bottom row.
        column = round(x) + run.left
        top_row = round(y) - run.top
        self._renderer.draw_text_image(run.bitmap, column, top_row + rows, 0, gc)

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        if ismath:
            width, height, descent = super().get_text_width_height_descent(s, prop, ismath)
            return width, height, descent
        run = compose(_paths(prop), s, prop.get_size_in_points(), self.dpi)
        return run.width, run.height, run.descent


class FastTextCanvas(FigureCanvasAgg):
    """The Agg canvas with FastTextRenderer (matplotlib's own when the calls are missing).

    Drawing and saving (in any format: savefig goes through print_figure) log no font-weight
    fallback (fonts.weight_fallbacks_unlogged).
    """

    _fast_key: tuple[int, int, float] | None = None

    def draw(self) -> None:
        with weight_fallbacks_unlogged():
            super().draw()

    def print_figure(self, *args: Any, **kwargs: Any) -> Any:
        with weight_fallbacks_unlogged():
            return super().print_figure(*args, **kwargs)

    def get_renderer(self) -> Any:
        if not GLYPH_CALLS:
            return super().get_renderer()
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._fast_key != key:  # a new renderer when the size or resolution changed, as Agg does
            self.renderer = FastTextRenderer(w, h, self.figure.dpi)
            self._fast_key = key
        return self.renderer


def raw_rgba(fig: Any, data: bytes, dpi: float) -> np.ndarray:
    """The pixels of ``fig.savefig(..., format="raw", dpi=dpi)``'s bytes, rows x columns x RGBA.

    The raw format is the Agg buffer with no header. Its size is the canvas's at `dpi`, which
    matplotlib rounds differently between releases (3.11 forgives a float tick below a whole
    pixel: 5.6 in at 90 dpi is 504 px there, 503 in 3.10), so the canvas is asked, as savefig
    asks it, rather than the size recomputed here.
    """
    if dpi == fig.dpi:
        width, height = fig.canvas.get_width_height(physical=True)
    else:  # as savefig does: the figure at the output resolution for a moment
        figure_dpi = fig.dpi
        fig.dpi = dpi
        try:
            width, height = fig.canvas.get_width_height(physical=True)
        finally:
            fig.dpi = figure_dpi
    if len(data) != width * height * 4:
        raise ValueError(f"{len(data)} bytes are not a {width} x {height} RGBA image")
    return np.frombuffer(data, np.uint8).reshape(height, width, 4)
