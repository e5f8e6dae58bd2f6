"""Point labels of one lane: near points grouped, each label's text variants and spots, tiers chosen."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from atc_timeline.layout.geometry import Quad, Scale, box_cut, leader_blocked, row_clash, segments_cross
from atc_timeline.layout.model import Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import Measure, line_height, truncate, wrap_text

# A row of point markers; the largest marker is about 0.22 in across, so labels above the
# row clear it whatever the text scale.
MARKER_ROW = 0.30
MARKER_GAP = 0.03  # between the marker row and the lowest tier of labels, inches
# A leader starts this far above its marker's centre, times the marker scale: under the
# marker's top edge, so it grows out of the marker at any size.
LEADER_FOOT = 0.1
# Markers closer than this (inches) share one label: four scans in one week read better as
# "PET-CT, CT, MRI" than as four labels fighting for room.
GROUP_GAP = 0.12


@dataclass(frozen=True)
class PointGroup:
    """Point events of one lane close enough to share a label, and that label's candidates."""

    records: tuple[EventRecord, ...]  # by date, then file order
    texts: tuple[str, ...]  # label candidates, from most to least informative
    x_day: float  # where the label is anchored: the mean of the members' dates

    @property
    def first(self) -> EventRecord:
        """The earliest member, which names the label."""
        return self.records[0]


def group_points(records: list[EventRecord], scale: Scale) -> list[PointGroup]:
    """Point events of one lane, with near-coincident ones merged under one label."""
    ordered = sorted(records, key=lambda r: (r.mid, r.order))
    groups: list[list[EventRecord]] = []
    for record in ordered:
        if groups and scale.inch(record.mid) - scale.inch(groups[-1][-1].mid) < GROUP_GAP:
            groups[-1].append(record)
        else:
            groups.append([record])
    points = []
    for group in groups:
        texts = [r.point_texts() for r in group]
        combined = texts[0]
        if len(group) > 1:
            combined = (
                "; ".join(t[0] for t in texts),
                ", ".join(dict.fromkeys(t[1] for t in texts)),
                ", ".join(dict.fromkeys(t[-1] for t in texts)),
            )
        x_day = sum(r.mid for r in group) / len(group)
        points.append(PointGroup(tuple(group), combined, x_day))
    return points


def leader_end(x: float, x0: float, x1: float) -> float:
    """Where a leader from a marker at x meets a label from x0 to x1: under it, kept off its ends."""
    inset = min(0.03, (x1 - x0) / 2)  # a one-letter label is narrower than two insets
    return min(max(x, x0 + inset), x1 - inset)


class Placed(NamedTuple):
    """Where a point label ends up: its text ('' if it found no room), tier and inches across."""

    text: str
    tier: int
    x0: float
    x1: float


class Spot(NamedTuple):
    """A horizontal position tried for a point label; the same at every tier."""

    bx0: float
    bx1: float
    pad0: float  # the box padded by half the gap between labels
    pad1: float
    lx: float  # where a leader from the marker meets the label
    under: bool  # the marker sits under the label, so at tier 0 it needs no leader
    covered: int  # later markers the label would hide
    reach: float  # how far a leader runs across


class Choice(NamedTuple):
    """A point label showing one of its variants."""

    text: str
    width: float
    span: int  # tiers it takes
    near: list[Spot]  # spots at tier 0


class PointLabels:
    """A lane's point labels at one text size: text variants and spots worked out once.

    Tiers are one text line high; a two-line label takes two adjacent tiers. Why worked out
    once: the detail rounds and the layout attempts place the same labels again and again;
    only the chosen variants and the number of tiers change between them.
    """

    gap = 0.08  # between neighbouring labels, inches

    def __init__(self, points: list[PointGroup], scale: Scale, s: Sizes, measure: Measure) -> None:
        self.measure, self.size, self.wrap = measure, s.label, s.label_wrap
        self.left, self.right = scale.left, scale.right
        self.line = line_height(s, measure)
        # Where leaders start, in tiers below the lowest label tier: the search tests the
        # leaders that are drawn (at full lane height; a squeezed layout may crowd).
        self.foot = -(MARKER_ROW * s.marker / 2 + MARKER_GAP - LEADER_FOOT * s.marker) / self.line
        self.order = sorted(range(len(points)), key=lambda i: (points[i].x_day, points[i].first.order))
        self.xs = [scale.inch(points[i].x_day) for i in self.order]
        self.variants = [label_variants(points[i].texts, s, measure) for i in self.order]
        self._choices: dict[tuple[int, int], Choice] = {}
        self._anywhere: dict[tuple[int, int], list[Spot]] = {}
        # start level -> (tier cap, highest tier any round reached, result)
        self._placed: dict[int, list[tuple[int, int, tuple[int, list[Placed], int]]]] = {}

    def best(self, max_tiers: int, start: int) -> tuple[int, list[Placed], int]:
        """Labels shown, placements in the points' own order, and tiers used; remembered.

        Why remembered: attempts that differ only in bar spacing ask again with the same cap.
        And a lower cap only takes away each label's highest tiers, which its search tries
        last: if no round placed a label that high, every round, and so the result, is the
        same under any cap down to the highest tier reached.
        """
        for cap, reached, found in self._placed.get(start, []):
            if reached <= max_tiers <= cap:
                return found
        shown, result, reached = self.place(max_tiers, start)
        placed = [Placed("", 0, 0.0, 0.0)] * len(result)
        used = 0
        for index, found_at in zip(self.order, result, strict=True):
            placed[index] = found_at
            if found_at.text:
                used = max(used, found_at.tier + self.span(found_at.text))
        found = (shown, placed, used)
        self._placed.setdefault(start, []).append((max_tiers, reached, found))
        return found

    def span(self, text: str) -> int:
        """Tiers a label text takes (one per line)."""
        return max(1, math.ceil(self.measure(text, self.size)[1] / self.line - 0.05))

    def place(self, max_tiers: int, start: int) -> tuple[int, list[Placed], int]:
        """The best of several greedy rounds: labels shown, where each goes, the top tier reached."""
        variants, xs = self.variants, self.xs
        # Why: crowding is local. Every label starts at full detail; only labels that could not
        # be placed, and their neighbours, step down to a shorter text, round by round.
        detail = [min(start, len(v) - 1) for v in variants]
        best: tuple[int, list[Placed]] | None = None
        reached = 0
        for _ in range(4 * max((len(v) for v in variants), default=1) + 4):
            result, top = self._greedy(detail, max_tiers)
            reached = max(reached, top)
            shown = sum(1 for r in result if r[0])
            if best is None or shown > best[0]:
                best = (shown, result)
            failed = [i for i, r in enumerate(result) if not r[0]]
            if not failed:
                break
            changed = False
            for i in failed:
                for j, xj in enumerate(xs):
                    if abs(xj - xs[i]) <= self.wrap and detail[j] < len(variants[j]) - 1:
                        detail[j] += 1
                        changed = True
            if not changed:
                break
        assert best is not None
        return best[0], best[1], reached

    def choice(self, index: int, level: int) -> Choice:
        """Label `index` showing variant `level`: its text, size, and the spots it may take at tier 0."""
        key = (index, level)
        if key not in self._choices:
            x = self.xs[index]
            text = self.variants[index][level]
            w = self.measure(text, self.size)[0]
            near = self._spots_at(index, [x - w / 2, x - 0.05, x + 0.05 - w], w)
            self._choices[key] = Choice(text, w, self.span(text), near)
        return self._choices[key]

    def anywhere(self, index: int, level: int) -> list[Spot]:
        """The spots label `index` showing variant `level` may take above tier 0.

        Made only when first needed: most labels on a sparse chart settle at tier 0.
        """
        key = (index, level)
        if key not in self._anywhere:
            x, (_, w, _, near) = self.xs[index], self.choice(index, level)
            # Raised labels may also slide sideways; their leaders then run at a slant.
            far = self._spots_at(index, [x + k * 0.35 - w / 2 for k in (1, -1, 2, -2, 3, -3)], w)
            self._anywhere[key] = near + far
        return self._anywhere[key]

    def _spots_at(self, index: int, starts: list[float], w: float) -> list[Spot]:
        """The spots a label `w` wide may take starting at `starts`, kept inside the plot."""
        x, xs = self.xs[index], self.xs
        spots = []
        for start in starts:
            bx0 = min(max(start, self.left + 0.02), self.right - 0.02 - w)
            if bx0 < self.left:
                continue
            bx1 = bx0 + w
            pad0, pad1 = bx0 - self.gap / 2, bx1 + self.gap / 2
            lx = leader_end(x, bx0, bx1)
            # Why: a label that covers a neighbour's marker forces that neighbour up and around
            # it, so among free spots prefer the one covering the fewest later markers (xs is
            # sorted, so they are counted by bisection).
            after = index + 1
            covered = bisect_right(xs, pad1 + 0.03, after) - bisect_left(xs, pad0 - 0.03, after)
            spots.append(Spot(bx0, bx1, pad0, pad1, lx, bx0 <= x <= bx1, covered, abs(lx - x)))
        return spots

    def _greedy(self, detail: list[int], max_tiers: int) -> tuple[list[Placed], int]:
        """Place labels left to right in the lowest free tier ('' where none fits); the top tier used.

        Coordinates here are inches across and tier lines up (0 = just above the markers). A
        raised or shifted label hangs on a leader from its marker; leaders may not cross labels.
        """
        # Padded x extents of the labels in each tier they take, the label boxes by their
        # lowest tier, and the leaders drawn so far with their x ranges. Box y extents run from
        # tier + 0.02 to tier + span - 0.02, so two boxes overlap vertically exactly when they
        # share a tier.
        rows: list[list[tuple[float, float]]] = [[] for _ in range(max(max_tiers, 0))]
        boxes: list[list[Quad]] = [[] for _ in range(max(max_tiers, 0))]
        leaders: list[tuple[Quad, float, float]] = []
        result: list[Placed] = []
        top = 0
        for index, x in enumerate(self.xs):
            text, _, span, near = self.choice(index, detail[index])
            best: tuple[int, float, int, Spot, Quad | None] | None = None
            for tier in range(max_tiers - span + 1):
                for spot in near if tier == 0 else self.anywhere(index, detail[index]):
                    _, _, pad0, pad1, lx, under, covered, reach = spot
                    needs_leader = tier > 0 or not under
                    if not needs_leader:
                        reach = 0.0
                    # Only a strictly better spot replaces the best, so skip checking the rest.
                    if best is not None and not (covered, reach) < (best[0], best[1]):
                        continue
                    if row_clash(rows, tier, span, pad0, pad1):
                        continue
                    box = (pad0, tier + 0.02, pad1, tier + span - 0.02)
                    leader = (x, self.foot, lx, float(tier)) if needs_leader else None
                    if leader is not None and leader_blocked(leader, boxes[:tier]):
                        continue
                    if box_cut(box, leaders, tier):
                        continue
                    if leader is not None and any(segments_cross(leader, other) for other, _, _ in leaders):
                        continue
                    best = (covered, reach, tier, spot, leader)
                if best is not None and best[0] == 0:
                    break
            if best is None:
                result.append(Placed("", 0, x, x))
                continue
            _, _, tier, spot, leader = best
            boxes[tier].append((spot.pad0, tier + 0.02, spot.pad1, tier + span - 0.02))
            for row in rows[tier : tier + span]:
                row.append((spot.pad0, spot.pad1))
            if leader is not None:
                leaders.append((leader, min(leader[0], leader[2]), max(leader[0], leader[2])))
            result.append(Placed(text, tier, spot.bx0, spot.bx1))
            top = max(top, tier + span)
        return result, top


def label_variants(texts: Sequence[str], s: Sizes, measure: Measure) -> list[str]:
    """Wrapped full text, one truncated line, the short form, then the shortest form."""
    full = texts[0]
    variants = [wrap_text(full, s.label_wrap, s.label, measure, 2)]
    variants.append(truncate(full, s.label_wrap, s.label, measure))
    variants.extend(truncate(t, s.label_wrap * 0.6, s.label, measure) for t in texts[1:])
    return [v for v in dict.fromkeys(variants) if v]
