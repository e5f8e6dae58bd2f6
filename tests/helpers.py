"""Helpers for tests that inspect a drawn figure."""

from __future__ import annotations

import itertools

from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox


def drawn_texts(fig: Figure) -> list[tuple[str, Text, Bbox]]:
    """Every visible chart text with a gid (labels, titles, legend) and its real extent in pixels."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for artist in fig.findobj(Text):
        gid = artist.get_gid()
        if not gid or not artist.get_visible() or not artist.get_text():
            continue
        found.append((gid, artist, artist.get_window_extent(renderer)))
    return found


def overlaps(a: Bbox, b: Bbox, pad: float = 0.0) -> bool:
    """True when two pixel boxes overlap by more than `pad` pixels."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > pad and min(a.y1, b.y1) - max(a.y0, b.y0) > pad


def assert_clean(fig: Figure) -> None:
    """Every drawn text inside the figure, and no two overlapping."""
    texts = drawn_texts(fig)
    width, height = fig.bbox.width, fig.bbox.height
    for gid, _, box in texts:
        assert box.x0 >= -0.5, f"{gid} leaves the figure at {box}"
        assert box.y0 >= -0.5, f"{gid} leaves the figure at {box}"
        assert box.x1 <= width + 0.5, f"{gid} leaves the figure at {box}"
        assert box.y1 <= height + 0.5, f"{gid} leaves the figure at {box}"
    for (gid_a, _, a), (gid_b, _, b) in itertools.combinations(texts, 2):
        assert not overlaps(a, b, pad=0.5), f"labels {gid_a!r} and {gid_b!r} overlap"

