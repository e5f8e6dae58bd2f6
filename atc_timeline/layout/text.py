"""Text fitted with a measure callable: word wrap, truncation, text boxes and line heights."""

from __future__ import annotations

from collections.abc import Callable

from atc_timeline.layout.model import Box, Sizes

# measure(text, points) -> (width_in, height_in); layout gets it from outside, so it never
# imports matplotlib.
Measure = Callable[[str, float], tuple[float, float]]

ELLIPSIS = "\u2026"
# Line spacing of multi-line text, in font sizes: measured with it here, drawn with it.
LINE_SPACING = 1.2


def wrap_text(text: str, width: float, size: float, measure: Measure, max_lines: int) -> str:
    """Greedy word wrap to `width` inches and at most `max_lines`, ending in an ellipsis if cut."""
    words = text.split()
    if not words:
        return ""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and measure(candidate, size)[0] > width:
            lines.append(current)
            current = word
            if len(lines) == max_lines:
                break  # a line more is coming: the kept lines are known and end in an ellipsis
        else:
            current = candidate
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1] + ELLIPSIS
    return "\n".join(truncate(line, width, size, measure) for line in lines)


def truncate(text: str, width: float, size: float, measure: Measure) -> str:
    """Cut `text` to fit `width` inches, ending in an ellipsis; '' if not even that fits."""
    if measure(text, size)[0] <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS, size)[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return ""
    return text[:lo].rstrip() + ELLIPSIS


def text_box(x_in: float, y_in: float, w: float, h: float, ha: str, va: str) -> Box:
    """The box of a w x h text anchored at (x_in, y_in) with this alignment."""
    x0 = {"left": x_in, "center": x_in - w / 2, "right": x_in - w}[ha]
    y0 = {"bottom": y_in, "center": y_in - h / 2, "top": y_in - h}[va]
    return Box(x0, y0, x0 + w, y0 + h)


def line_height(s: Sizes, measure: Measure) -> float:
    """Height of one tier of point labels: a line of label text plus leading."""
    return measure("Ag", s.label)[1] * 1.25
