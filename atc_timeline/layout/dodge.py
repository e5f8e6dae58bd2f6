"""Point markers of one lane moved to rows of their own where they, or their date whiskers, would touch."""

from __future__ import annotations

from collections.abc import Sequence

from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.records import EventRecord

# A point marker is about this wide, inches at marker scale 1 (9-11 pt symbols; the 13-pt
# stars of complete responses are wider, and overlap a little).
MARKER_SIZE = 0.15
# Rows are this far apart, inches at marker scale 1: about half a marker's height, so a
# cluster stays within the lane's marker row and each marker still shows its own shape.
DODGE_STEP = 0.075
# Rows a lane's markers may take. Why a cap: past three rows a cluster reads as a column; the
# fourth marker goes where it overlaps least, still offset from its neighbours.
MAX_ROWS = 3
# Room kept between the markers or whiskers of one row, inches.
ROW_GAP = 0.02


def row_offset(level: int) -> float:
    """How far above the marker row's middle row `level` sits, inches at marker scale 1.

    Row 0 is the middle, row 1 above it, row 2 below: a marker of the usual size stays inside
    the row (MARKER_ROW) in all three.
    """
    return (0.0, DODGE_STEP, -DODGE_STEP)[level]


def marker_extent(record: EventRecord, scale: Scale, marker: float) -> tuple[float, float]:
    """The inches across a point marker and its date whisker (when the date is partial) take."""
    x, half = scale.inch(record.mid), MARKER_SIZE * marker / 2
    lo, hi = x - half, x + half
    if not record.start_exact:
        lo, hi = min(lo, scale.inch(record.start_lo)), max(hi, scale.inch(record.start_hi))
    return lo, hi


def dodge(records: Sequence[EventRecord], scale: Scale, marker: float) -> dict[str, int]:
    """Each point event's row (see row_offset): a marker or whisker never touches another in its row.

    Why rows and not a nudge sideways: a marker's x is its date; lifting keeps every date
    true and lets a reader count the scans of a busy month.
    """
    rows: list[list[tuple[float, float]]] = [[] for _ in range(MAX_ROWS)]
    levels: dict[str, int] = {}
    # Why by left edge: first-fit over intervals taken by their left ends needs no more rows
    # than the most that overlap at one place, so no two touch while three rows suffice.
    extents = [(marker_extent(r, scale, marker), r) for r in records]
    extents.sort(key=lambda e: (e[0], e[1].order))
    for (lo, hi), record in extents:
        clashes = [sum(1 for a, b in row if a < hi + ROW_GAP and lo - ROW_GAP < b) for row in rows]
        free = [level for level, count in enumerate(clashes) if count == 0]
        level = free[0] if free else min(range(MAX_ROWS), key=lambda k: (clashes[k], -k))
        rows[level].append((lo, hi))
        levels[record.event_id] = level
    return levels
