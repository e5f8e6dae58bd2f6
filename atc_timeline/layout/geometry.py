"""Plane geometry for placing labels: the day/inch scale, segment crossings, segment/box hits, row clashes."""

from __future__ import annotations

from dataclasses import dataclass

# A segment or a box, (x0, y0, x1, y1).
Quad = tuple[float, float, float, float]


@dataclass(frozen=True)
class Scale:
    """The time axis: days from x0 to x1 drawn from `left` to `right` figure inches."""

    left: float
    right: float
    x0: float
    x1: float

    def inch(self, day: float) -> float:
        """Figure inches of a day number."""
        return self.left + (day - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def day(self, inch: float) -> float:
        """The day number at a figure inch."""
        return self.x0 + (inch - self.left) / (self.right - self.left) * (self.x1 - self.x0)


def row_clash(rows: list[list[tuple[float, float]]], tier: int, span: int, pad0: float, pad1: float) -> bool:
    """True when a label from pad0 to pad1 (inches) at `tier` would overlap a placed label."""
    for row in rows[tier : tier + span]:
        for x0, x1 in row:
            if pad1 > x0 and x1 > pad0:
                return True
    return False


def leader_blocked(leader: Quad, below: list[list[Quad]]) -> bool:
    """True when a leader passes through a label box in the tiers below its top.

    Why only those: a box at or above the leader's top tier starts above its upper end, and
    a box wholly to one side cannot meet it; the exact test would fail for both anyway.
    """
    lo, hi = min(leader[0], leader[2]), max(leader[0], leader[2])
    for boxes in below:
        for box in boxes:
            if hi > box[0] and lo < box[2] and segment_hits_box(leader, box):
                return True
    return False


def box_cut(box: Quad, leaders: list[tuple[Quad, float, float]], tier: int) -> bool:
    """True when a placed leader (with its x range) passes through a label box at `tier`."""
    for leader, lo, hi in leaders:
        # As in leader_blocked: only leaders rising above the box's tier can reach it.
        if leader[3] > tier and hi > box[0] and lo < box[2] and segment_hits_box(leader, box):
            return True
    return False


def segment_hits_box(seg: Quad, box: Quad) -> bool:
    """True when the segment (x0, y0, x1, y1) passes through the open box (x0, y0, x1, y1)."""
    sx0, sy0, sx1, sy1 = seg
    bx0, by0, bx1, by1 = box
    # Liang-Barsky clipping: shrink [t0, t1] by each of the four box edges.
    t0, t1 = 0.0, 1.0
    dx, dy = sx1 - sx0, sy1 - sy0
    for p, q in ((-dx, sx0 - bx0), (dx, bx1 - sx0), (-dy, sy0 - by0), (dy, by1 - sy0)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


def segments_cross(a: Quad, b: Quad) -> bool:
    """True when two segments (x0, y0, x1, y1) properly intersect (touching is no crossing)."""
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    # Each segment's ends lie strictly on opposite sides of the other's line.
    if _side(bx0, by0, bx1, by1, ax0, ay0) * _side(bx0, by0, bx1, by1, ax1, ay1) >= 0:
        return False
    return _side(ax0, ay0, ax1, ay1, bx0, by0) * _side(ax0, ay0, ax1, ay1, bx1, by1) < 0


def _side(px: float, py: float, qx: float, qy: float, rx: float, ry: float) -> float:
    """Which side of the line p-q the point r is on (the sign of a cross product)."""
    return (qx - px) * (ry - py) - (qy - py) * (rx - px)
