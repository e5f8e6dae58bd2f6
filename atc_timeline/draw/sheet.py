"""Where drawing goes: the figure in inches (Sheet), the plotting area in days (Plot), plain texts."""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D, Bbox, TransformedBbox, blended_transform_factory

from atc_timeline.case.text import DROPPED
from atc_timeline.layout import TimelineLayout


class Sheet:
    """Artists placed on the figure in inches from its lower-left corner, with no Axes behind them.

    Why no Axes: creating one, and clipping every artist added to it to its patch, cost about
    30 ms a chart; the chart needs only coordinates and a clip box.
    """

    def __init__(self, fig: Figure, transform: Any = None, clip: Any = None) -> None:
        self.fig = fig
        self.transform = transform if transform is not None else fig.dpi_scale_trans
        self.clip = clip

    def add_artist(self, artist: Any) -> Any:
        """Add the artist in this sheet's coordinates, clipped to its box if it has one."""
        if not artist.is_transform_set():
            artist.set_transform(self.transform)
        self._clip(artist)
        return self.fig.add_artist(artist)

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> Any:
        """A matplotlib Text in this sheet's coordinates."""
        kwargs.setdefault("transform", self.transform)
        return self._clip(self.fig.text(x, y, text, **kwargs))

    def _clip(self, artist: Any) -> Any:
        """The artist clipped to this sheet's box, unless it asked not to be."""
        if self.clip is not None and artist.get_clip_on():
            artist.set_clip_box(self.clip)
        return artist


class Plot(Sheet):
    """The plotting area: data coordinates (days, lane units) mapped onto the layout's axes box."""

    def __init__(self, fig: Figure, layout: TimelineLayout) -> None:
        a, (x0, x1), (y0, y1) = layout.axes, layout.xlim, layout.ylim
        box = Affine2D().scale(a.x1 - a.x0, a.y1 - a.y0).translate(a.x0, a.y0) + fig.dpi_scale_trans
        data = Affine2D().translate(-x0, -y0).scale(1 / (x1 - x0), 1 / (y1 - y0)) + box
        super().__init__(fig, data, TransformedBbox(Bbox([[a.x0, a.y0], [a.x1, a.y1]]), fig.dpi_scale_trans))
        self.axes_transform = box  # (0, 0) to (1, 1) spans the plotting area
        self.xaxis_transform = blended_transform_factory(data, box)  # x in data, y in the area


def plain_text(target: Sheet, x: float, y: float, text: str, **kwargs: Any) -> Any:
    """A text drawn as written (no mathtext), without the invisible U+FEFF."""
    # Why: labels are user text; "$5" must not switch matplotlib into mathtext. A case's
    # text has no U+FEFF (the model drops it), but a title given as an option may, and
    # matplotlib's PDF writer crashes on it.
    return target.text(x, y, text.replace(DROPPED, ""), parse_math=False, **kwargs)


def polyline(
    segments: list[tuple[tuple[float, float], tuple[float, float]]],
) -> tuple[list[float], list[float]]:
    """Separate segments as one NaN-broken line, so they draw as a single artist."""
    xs: list[float] = []
    ys: list[float] = []
    for (xa, ya), (xb, yb) in segments:
        xs += [xa, xb, math.nan]
        ys += [ya, yb, math.nan]
    return xs, ys


def vertical(x: float, spans: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """A vertical line at x over each (lo, hi) span, as one line broken by NaN in y only."""
    xs: list[float] = []
    ys: list[float] = []
    for lo, hi in spans:
        xs += [x, x, x]
        ys += [lo, hi, math.nan]
    return xs, ys
