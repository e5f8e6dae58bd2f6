"""A drawn Figure as PNG, SVG or PDF bytes: no timestamps, full label texts as SVG <title>s."""

from __future__ import annotations

import io
import re
from html import escape
from typing import Any, cast

from matplotlib.figure import Figure

from atc_timeline.draw.themes import LIGHT
from atc_timeline.mpl.agg_text import raw_rgba
from atc_timeline.mpl.rc import drawing_rc
from atc_timeline.writers.formats import FORMATS
from atc_timeline.writers.png import encode_png

_G_OPEN = re.compile(r'<g id="([^"]+)">')


def _svg_titles(svg: str, titles: dict[str, str]) -> str:
    """Insert <title> (the full, untruncated text) into each event's SVG group."""

    def add(match: re.Match[str]) -> str:
        gid = match.group(1)
        if titles.get(gid):
            return f"{match.group(0)}\n   <title>{escape(titles[gid])}</title>"
        return match.group(0)

    return _G_OPEN.sub(add, svg)


def figure_to_bytes(fig: Figure, fmt: str, dpi: float | None = None, transparent: bool = False) -> bytes:
    """Serialise a Figure as png, svg or pdf bytes, without timestamps."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    buffer = io.BytesIO()
    metadata: dict[str, Any] = cast(
        dict[str, Any],
        {
            "png": {"Software": "atc-timeline"},
            "svg": {"Date": None, "Creator": "atc-timeline"},
            "pdf": {"Creator": "atc-timeline", "Producer": None, "CreationDate": None},
        }[fmt],
    )
    with drawing_rc(LIGHT.rc()):
        background = "none" if transparent else fig.get_facecolor()
        fig.savefig(
            buffer,
            format="raw" if fmt == "png" else fmt,
            dpi=dpi or fig.dpi,
            metadata=None if fmt == "png" else metadata,
            facecolor=background,
            transparent=transparent,
        )
    data = buffer.getvalue()
    if fmt == "png":
        pixels = raw_rgba(fig, data, dpi or fig.dpi)
        data = encode_png(pixels, dpi or fig.dpi, keep_alpha=transparent, text=metadata)
    if fmt == "svg":
        data = _svg_titles(data.decode("utf-8"), getattr(fig, "atc_titles", {})).encode("utf-8")
    return data
