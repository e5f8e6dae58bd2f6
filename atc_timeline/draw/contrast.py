"""Text on a coloured fill: WCAG relative luminance, contrast ratios and a text colour that passes."""

from __future__ import annotations

import matplotlib as mpl

# WCAG 2.x level AA for normal-size text: labels on bars are small, so the strict threshold.
MIN_CONTRAST = 4.5


def luminance(color: str) -> float:
    """The colour's WCAG relative luminance, 0 (black) to 1 (white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = mpl.colors.to_rgba(color)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def text_on(fill: str, text: str, background: str) -> str:
    """A text colour for `fill`: the theme's text or background colour if one passes, else black or white.

    Why the theme's own first: its near-black or near-white keeps on-bar text matching the
    rest of the chart; pure black or white always reaches 4.5:1, so one of them is the fallback.
    """
    for pair in ((text, background), ("#000000", "#FFFFFF")):
        best = max(pair, key=lambda c: contrast(c, fill))
        if contrast(best, fill) >= MIN_CONTRAST:
            return best
    return max(("#000000", "#FFFFFF"), key=lambda c: contrast(c, fill))
