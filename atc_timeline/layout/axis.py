"""The time axes: tick steps for the relative axis."""

from __future__ import annotations

import math


def nice_step(span: float, unit: str) -> float:
    """A tick step in `unit` that gives about 4-12 ticks over `span` units."""
    steps = {
        "days": (1, 2, 5, 7, 14, 28, 56, 91, 182, 365, 730),
        "weeks": (1, 2, 4, 8, 13, 26, 52, 104, 260),
        "months": (1, 2, 3, 6, 12, 24, 36, 60, 120),
    }[unit]
    for step in steps:
        if span / step <= 12:
            return float(step)
    return float(math.ceil(span / 12 / steps[-1]) * steps[-1])
