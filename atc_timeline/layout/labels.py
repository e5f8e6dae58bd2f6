"""Point labels of one lane: near points grouped, each label's text variants and spots, tiers chosen."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from atc_timeline.layout.dodge import MARKER_SIZE, ROW_GAP, row_offset
from atc_timeline.layout.geometry import (
    Quad,
    Scale,
    box_cut,
    leader_blocked,
    row_clash,
    segment_hits_box,
    segments_cross,
)
from atc_timeline.layout.model import Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import ELLIPSIS, Measure, fit_lines, line_height, truncate, wrap_lines

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
# Tries at giving shortened labels a fuller text again, per placement.
UPGRADE_TRIES = 16
# Labels left out of the greedy rounds given one more try, per placement.
RESCUE_TRIES = 3
# Room kept between a label's free stretch and the neighbouring markers, inches.
FREE_MARGIN = 0.12


@dataclass(frozen=True)
class PointGroup:
    """Point events of one lane close enough to share a label, and that label's candidates."""

    records: tuple[EventRecord, ...]  # by date, then file order
    texts: tuple[str, ...]  # label candidates, from most to least informative (a cluster: its count last)
    x_day: float  # where the label is anchored: the mean of the members' dates

    @property
    def first(self) -> EventRecord:
        """The earliest member, which names the label."""
        return self.records[0]


def group_points(records: list[EventRecord], scale: Scale, marker: float = 1.0) -> list[PointGroup]:
    """Point events of one lane, with near-coincident ones merged under one label.

    Markers that would touch always share a label: each label then has markers of its own
    to point at, never one half hidden under a neighbour's.
    """
    gap = max(GROUP_GAP, MARKER_SIZE * marker + ROW_GAP)
    ordered = sorted(records, key=lambda r: (r.mid, r.order))
    groups: list[list[EventRecord]] = []
    for record in ordered:
        x = scale.inch(record.mid)
        # Why a cap on a cluster's breadth: chained neighbour by neighbour, a year of monthly
        # scans at a column's width would make one label for twenty markers.
        if (
            groups
            and x - scale.inch(groups[-1][-1].mid) < gap
            and x - scale.inch(groups[-1][0].mid) < 2 * gap
        ):
            groups[-1].append(record)
        else:
            groups.append([record])
    points = []
    for group in groups:
        texts = [r.point_texts() for r in group]
        combined: tuple[str, ...] = texts[0]
        if len(group) > 1:
            # The last resort of a cluster is its count, which a reader can check against the
            # markers; its members' texts live in their SVG <title>s.
            noun = "scans" if all(r.kind == "imaging" for r in group) else "events"
            combined = (
                "; ".join(t[0] for t in texts),
                ", ".join(dict.fromkeys(t[1] for t in texts)),
                ", ".join(dict.fromkeys(t[-1] for t in texts)),
                f"{len(group)} {noun}",
            )
        x_day = sum(r.mid for r in group) / len(group)
        points.append(PointGroup(tuple(group), combined, x_day))
    return points


def foot_marker(point: PointGroup, levels: Mapping[str, int], scale: Scale) -> EventRecord:
    """The member of a group its label's leader starts from: the highest, then the nearest the middle."""
    middle = scale.inch(point.x_day)
    return min(
        point.records, key=lambda r: (-levels.get(r.event_id, 0), abs(scale.inch(r.mid) - middle), r.order)
    )


def marker_row(levels: Mapping[str, int], marker: float) -> float:
    """Height of a lane's row of point markers, inches: the same whatever rows the markers take."""
    return MARKER_ROW * marker


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
    before: int  # earlier markers the label would hide


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

    @staticmethod
    def shared(
        points: list[PointGroup], scale: Scale, s: Sizes, measure: Measure, levels: Mapping[str, int]
    ) -> PointLabels:
        """The PointLabels of these points at this text size, made once while recently used.

        Why: the layout search tries each text size with several bar spacings, and the labels
        of a lane, their text and room across, do not depend on bar spacing.
        """
        key = (
            tuple(
                (r.event_id, r.mid, r.order, levels.get(r.event_id, 0), p.texts)
                for p in points
                for r in p.records
            ),
            scale,
            s.label,
            s.label_wrap,
            s.marker,
            measure,
        )
        found = _SHARED.pop(key, None) or PointLabels(points, scale, s, measure, levels)
        _SHARED[key] = found  # most recently used last
        while len(_SHARED) > 64:
            del _SHARED[next(iter(_SHARED))]
        return found

    def __init__(
        self,
        points: list[PointGroup],
        scale: Scale,
        s: Sizes,
        measure: Measure,
        levels: Mapping[str, int] | None = None,
    ) -> None:
        self.measure, self.size, self.wrap = measure, s.label, s.label_wrap
        self.left, self.right = scale.left, scale.right
        self.line = line_height(s, measure)
        levels = levels or {}
        self.order = sorted(range(len(points)), key=lambda i: (points[i].x_day, points[i].first.order))
        # A label hangs from the top marker of its group: the leader rises from that marker
        # and so passes through none of its group.
        feet = [foot_marker(points[i], levels, scale) for i in self.order]
        self.xs = [scale.inch(record.mid) for record in feet]
        # Where leaders start, in tiers below the lowest label tier: the search tests the
        # leaders that are drawn (at full lane height; a squeezed layout may crowd).
        row = marker_row(levels, s.marker)
        # Every marker of the lane as a box in these units (x sorted), with its label's index:
        # a leader may not run through another group's marker, where it would seem to point.
        half = MARKER_SIZE * s.marker / 2
        boxes = []
        for index, i in enumerate(self.order):
            for r in points[i].records:
                x = scale.inch(r.mid)
                centre = -(row - MARKER_ROW * s.marker / 2 - row_offset(levels.get(r.event_id, 0)) * s.marker)
                centre = (centre - MARKER_GAP) / self.line
                boxes.append(
                    (x - half, centre - half / self.line, x + half, centre + half / self.line, index)
                )
        boxes.sort()
        self._marks = boxes
        self._through: dict[tuple[int, float, float], bool] = {}
        self._mark_x = [b[0] for b in boxes]
        self._half = half
        self.feet = [
            -(
                row
                - MARKER_ROW * s.marker / 2
                - row_offset(levels.get(r.event_id, 0)) * s.marker
                + MARKER_GAP
                - LEADER_FOOT * s.marker
            )
            / self.line
            for r in feet
        ]
        self.free = free_stretches([points[i] for i in self.order], scale)
        self.variants: list[list[str]] = []
        # Per label, the variant each start level begins at: full text, shortened, short form.
        self.starts: list[tuple[int, int, int]] = []
        for i, (lo, hi) in zip(self.order, self.free, strict=True):
            widest = self.right - self.left - 0.04
            variants, starts = label_variants(
                points[i].texts, s, measure, hi - lo, widest, len(points[i].records)
            )
            self.variants.append(variants)
            self.starts.append(starts)
        self._choices: dict[tuple[int, int], Choice] = {}
        self._anywhere: dict[tuple[int, int], list[Spot]] = {}
        # start level -> (tier cap, highest tier any round reached, result)
        self._placed: dict[int, list[tuple[int, int, tuple[int, list[Placed], int]]]] = {}

    def best(self, max_tiers: int, start: int) -> tuple[int, list[Placed], int]:
        """Labels shown, placements in the points' own order, and tiers used; remembered.

        Every label starts at its whole text (level `start` 0), its shortened text (1) or its
        short form (2) and steps down from there where crowded.

        Why remembered: attempts that differ only in bar spacing ask again with the same cap.
        And a lower cap only takes away each label's highest tiers, which its search tries
        last: if no round placed a label that high, every round, and so the result, is the
        same under any cap down to the highest tier reached.
        """
        for cap, reached, found in self._placed.get(start, []):
            if reached <= max_tiers <= cap:
                return found
        result, reached = self.place(max_tiers, start)
        # Why: greedy rounds are not monotone in the tiers they may use; with many tiers, early
        # labels climb high and their leaders fence a neighbour out, which fewer tiers avoid.
        # Only for a label or two: where many find no room, fewer tiers will not make it.
        for cap in (c for c in (4, 3, 2) if c < max_tiers):
            missing = sum(1 for r in result if not r.text)
            if not missing or missing > max(1, len(result) // 10):
                break
            fewer, fewer_reached = self.place(cap, start)
            reached = max(reached, fewer_reached)
            if sum(1 for r in fewer if r.text) > sum(1 for r in result if r.text):
                result = fewer
        placed = [Placed("", 0, 0.0, 0.0)] * len(result)
        used = shown = 0
        for index, found_at in zip(self.order, result, strict=True):
            placed[index] = found_at
            if found_at.text:
                used = max(used, found_at.tier + self.span(found_at.text))
                shown += 1
        found = (shown, placed, used)
        self._placed.setdefault(start, []).append((max_tiers, reached, found))
        return found

    def _class(self, index: int, level: int) -> int:
        """How much of its text label `index` shows at variant `level`: 0 whole, 1 shortened, 2 short form."""
        _, cut, short = self.starts[index]
        return 0 if level < cut else 1 if level < short else 2

    def span(self, text: str) -> int:
        """Tiers a label text takes (one per line)."""
        return 1 + text.count("\n") if text else 1

    def place(self, max_tiers: int, start: int) -> tuple[list[Placed], int]:
        """The best of several greedy rounds: where each label goes, and the top tier reached."""
        variants, xs = self.variants, self.xs
        # Why: crowding is local. Every label starts at full detail; only labels that could not
        # be placed, and their neighbours, step down to a shorter text, round by round.
        detail = [starts[min(start, 2)] for starts in self.starts]
        best: tuple[tuple[int, int, int], list[Placed], list[int], bool] | None = None
        reached = 0
        backwards = False
        for round_ in range(4 * max((len(v) for v in variants), default=1) + 4):
            result, top = self._greedy(detail, max_tiers, backwards)
            if round_ == 0 and any(not r[0] for r in result):
                # Why: left to right, each label takes the lowest tier and the next one must
                # climb over it, where its leader is blocked; right to left builds the
                # staircase the other way, earlier labels higher, their leaders clear. The
                # first round tells which way suits the lane.
                back, back_top = self._greedy(detail, max_tiers, backwards=True)
                reached = max(reached, back_top)
                if sum(1 for r in back if r[0]) > sum(1 for r in result if r[0]):
                    result, top, backwards = back, back_top, True
            reached = max(reached, top)
            score = self._score(result, detail)
            if best is None or score > best[0]:
                best = (score, result, detail[:], backwards)
            failed = [i for i, r in enumerate(result) if not r[0]]
            if not failed:
                break
            changed = False
            for i in failed:
                # Step down the label that found no room, its neighbours, and any label spread
                # over its marker (a wide one higher up fences its leader in); the pass below
                # gives back fuller texts where that took more than needed.
                for j, (xj, r) in enumerate(zip(xs, result, strict=True)):
                    near = abs(xj - xs[i]) <= self.wrap or (r.text and r.x0 <= xs[i] <= r.x1)
                    if near and detail[j] < len(variants[j]) - 1:
                        detail[j] += 1
                        changed = True
            if not changed:
                break
        assert best is not None
        score, result, detail, backwards = best
        # Why: stepping down is for whole neighbourhoods, so some labels end up shorter than
        # the room left around them allows; give each a few tries at a fuller text again.
        # Why: a label left out in the round chosen may still find room among the others as
        # they ended up (the rounds stepped its neighbours down after it failed).
        # A few: where many failed, the lane is crowded past what another try can mend.
        for i in [i for i, r in enumerate(result) if not r.text][:RESCUE_TRIES]:
            if not result[i].text:
                board = self._board(result, i, max_tiers)
                for level in range(self.starts[i][min(start, 2)], len(variants[i])):
                    found = self._fit(i, level, board, False)
                    if found is not None and found.text:
                        result = [*result[:i], found, *result[i + 1 :]]
                        detail = [*detail[:i], level, *detail[i + 1 :]]
                        reached = max(reached, found.tier + self.span(found.text))
                        break
        tries = UPGRADE_TRIES
        for i in sorted(range(len(detail)), key=lambda i: -detail[i]):
            levels = range(self.starts[i][min(start, 2)], detail[i]) if result[i].text else range(0)
            if not levels or tries == 0:
                continue
            board = self._board(result, i, max_tiers)
            for level in levels[:tries]:
                tries -= 1
                fuller = self._fit(i, level, board, False)
                if fuller is not None:
                    result = [*result[:i], fuller, *result[i + 1 :]]
                    detail = [*detail[:i], level, *detail[i + 1 :]]
                    reached = max(reached, fuller.tier + self.span(fuller.text))
                    break
        return result, reached

    def _score(self, result: list[Placed], detail: list[int]) -> tuple[int, int, int]:
        """How good placements are: labels shown, those with their fullest text, then detail overall."""
        shown = sum(1 for r in result if r.text)
        whole = sum(
            1 for i, r in enumerate(result) if r.text and self._class(i, detail[i]) == self._class(i, 0)
        )
        return shown, whole, -sum(detail)

    def choice(self, index: int, level: int) -> Choice:
        """Label `index` showing variant `level`: its text, size, and the spots it may take at tier 0."""
        key = (index, level)
        if key not in self._choices:
            x = self.xs[index]
            text = self.variants[index][level]
            w = self.measure(text, self.size)[0]
            lo, hi = self.free[index]
            # Centred, starting or ending at the marker, or slid within the free stretch
            # around it (where a label wider than usual covers no other marker).
            slid = min(max(x - w / 2, lo), hi - w)
            near = self._spots_at(index, list(dict.fromkeys([x - w / 2, x - 0.05, x + 0.05 - w, slid])), w)
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
            before = bisect_right(xs, pad1 + 0.03, 0, index) - bisect_left(xs, pad0 - 0.03, 0, index)
            spots.append(Spot(bx0, bx1, pad0, pad1, lx, bx0 <= x <= bx1, covered, abs(lx - x), before))
        return spots

    def _greedy(self, detail: list[int], max_tiers: int, backwards: bool = False) -> tuple[list[Placed], int]:
        """Place labels left to right in the lowest free tier ('' where none fits); the top tier used.

        Coordinates here are inches across and tier lines up (0 = just above the markers). A
        raised or shifted label hangs on a leader from its marker; leaders may not cross labels.
        """
        board = _Board(max_tiers)
        found: dict[int, Placed] = {}
        top = 0
        for index in range(len(self.xs) - 1, -1, -1) if backwards else range(len(self.xs)):
            placed = self._fit(index, detail[index], board, backwards)
            if placed is None:
                placed = Placed("", 0, self.xs[index], self.xs[index])
            elif placed.text:
                self._add(board, index, placed)
                top = max(top, placed.tier + self.span(placed.text))
            found[index] = placed
        return [found[index] for index in range(len(self.xs))], top

    def _board(self, result: list[Placed], index: int, max_tiers: int) -> _Board:
        """The room the labels as placed take, all but label `index`."""
        board = _Board(max_tiers)
        for other, placed in enumerate(result):
            if other != index and placed.text:
                self._add(board, other, placed)
        return board

    def _add(self, board: _Board, index: int, placed: Placed) -> None:
        """Take the room of label `index` as placed: its box, its tiers and its leader."""
        x, text, tier, bx0, bx1 = self.xs[index], placed.text, placed.tier, placed.x0, placed.x1
        span = self.span(text)
        pad0, pad1 = bx0 - self.gap / 2, bx1 + self.gap / 2
        board.boxes[tier].append((pad0, tier + 0.02, pad1, tier + span - 0.02))
        for row in board.rows[tier : tier + span]:
            row.append((pad0, pad1))
        if tier > 0 or not bx0 <= x <= bx1:
            lx = leader_end(x, bx0, bx1)
            board.leaders.append(((x, self.feet[index], lx, float(tier)), min(x, lx), max(x, lx)))

    def _fit(self, index: int, level: int, board: _Board, backwards: bool) -> Placed | None:
        """Label `index` showing variant `level` in its best free spot on the board; None if none is free."""
        rows, boxes, leaders, max_tiers = board.rows, board.boxes, board.leaders, board.tiers
        x = self.xs[index]
        text, _, span, near = self.choice(index, level)
        if not text:
            return Placed("", 0, x, x)
        best: tuple[int, float, int, Spot] | None = None
        for tier in range(max_tiers - span + 1):
            for spot in near if tier == 0 else self.anywhere(index, level):
                _, _, pad0, pad1, lx, under, after, reach, before = spot
                # The markers a label covers: those still to label must climb around it; and
                # right over other points' markers, a label reads as theirs.
                covered = after + before
                needs_leader = tier > 0 or not under
                if not needs_leader:
                    reach = 0.0
                # Only a strictly better spot replaces the best, so skip checking the rest.
                if best is not None and not (covered, reach) < (best[0], best[1]):
                    continue
                if row_clash(rows, tier, span, pad0, pad1):
                    continue
                box = (pad0, tier + 0.02, pad1, tier + span - 0.02)
                leader = (x, self.feet[index], lx, float(tier)) if needs_leader else None
                if leader is not None and (
                    leader_blocked(leader, boxes[:tier]) or self._through_marker(index, leader)
                ):
                    continue
                if box_cut(box, leaders, tier):
                    continue
                if leader is not None and any(segments_cross(leader, other) for other, _, _ in leaders):
                    continue
                best = (covered, reach, tier, spot)
            if best is not None and best[0] == 0:
                break
        if best is None:
            return None
        _, _, tier, spot = best
        return Placed(text, tier, spot.bx0, spot.bx1)

    def _through_marker(self, index: int, leader: Quad) -> bool:
        """True when a leader of label `index` runs through a marker of another label's group."""
        key = (index, leader[2], leader[3])  # a leader is its label's, to a given end
        found = self._through.get(key)
        if found is None:
            found = self._through[key] = self._crosses_marker(index, leader)
        return found

    def _crosses_marker(self, index: int, leader: Quad) -> bool:
        """_through_marker, worked out."""
        lo, hi = min(leader[0], leader[2]), max(leader[0], leader[2])
        start = bisect_left(self._mark_x, lo - 2 * self._half)
        for box in self._marks[start : bisect_right(self._mark_x, hi)]:
            if box[4] != index and segment_hits_box(leader, box[:4]):
                return True
        return False


class _Board:
    """The room labels have taken: per tier, their padded x extents and boxes (by lowest tier); leaders.

    Box y extents run from tier + 0.02 to tier + span - 0.02, so two boxes overlap vertically
    exactly when they share a tier.
    """

    def __init__(self, tiers: int) -> None:
        self.tiers = tiers
        self.rows: list[list[tuple[float, float]]] = [[] for _ in range(max(tiers, 0))]
        self.boxes: list[list[Quad]] = [[] for _ in range(max(tiers, 0))]
        self.leaders: list[tuple[Quad, float, float]] = []  # with their x ranges


_SHARED: dict[tuple[object, ...], PointLabels] = {}


def free_stretches(points: Sequence[PointGroup], scale: Scale) -> list[tuple[float, float]]:
    """For points in x order, the inches across around each that no other point's markers take."""
    spans = [(scale.inch(p.records[0].mid), scale.inch(max(r.mid for r in p.records))) for p in points]
    stretches = []
    for i in range(len(spans)):
        lo = spans[i - 1][1] + FREE_MARGIN if i > 0 else scale.left + 0.02
        hi = spans[i + 1][0] - FREE_MARGIN if i + 1 < len(spans) else scale.right - 0.02
        stretches.append((max(lo, scale.left + 0.02), min(hi, scale.right - 0.02)))
    return stretches


def label_variants(
    texts: Sequence[str], s: Sizes, measure: Measure, free: float = 0.0, widest: float = 0.0, members: int = 1
) -> tuple[list[str], tuple[int, int, int]]:
    """A label's text variants, most informative first, and where each start level begins.

    The whole text comes first: on one line or two as wide as the free stretch around the
    marker (`free` inches) allows, then on one line up to `widest` (a staircase of such
    lines takes the fewest tiers), then wrapped to the usual width in two or three lines;
    then the text shortened at a word, then the short forms that fit whole. Start level 0
    begins at the whole text, 1 at the shortened text, 2 at the short forms.
    """
    full, wrap = texts[0], s.label_wrap
    roomy = max(wrap, free)
    one = " ".join(full.split())
    width = measure(one, s.label)[0]
    by_wrap = wrap_lines(full, wrap, s.label, measure)
    whole = [one if width <= roomy else ""]
    if width > roomy:
        by_room = wrap_lines(full, roomy, s.label, measure)
        whole.append("\n".join(by_room) if len(by_room) == 2 else "")
    whole.append(one if width <= max(widest, roomy) else "")
    whole.append("\n".join(by_wrap) if len(by_wrap) <= 3 else "")
    complete = [v for v in whole if v and max(measure(v, s.label)[0], 0.0) <= max(widest, roomy)]
    cut = [fit_lines(by_wrap, wrap, s.label, measure, 2), truncate(full, roomy, s.label, measure)]
    cut.append(truncate(full, wrap * 0.6, s.label, measure))
    # Short forms whole if they fit, else cut at a word (a cluster's, whole or not at all).
    short = [
        t if measure(t, s.label)[0] <= wrap or members > 2 else truncate(t, wrap * 0.6, s.label, measure)
        for t in texts[1:]
    ]
    short = [t for t in short if measure(t, s.label)[0] <= wrap]
    # A cut that keeps no more than a short form says less than the short form itself; and a
    # cluster's text cut short shows its first member only, as if it were the cluster's.
    cut = [c for c in cut if c.removesuffix(ELLIPSIS) not in texts[1:] and members <= 2]
    variants: list[str] = []
    starts = []
    # Level 1 starts at the one-line shortened text (the two-line one comes before it).
    for kind in (complete, cut[:1], cut[1:], short):
        starts.append(len(variants))
        variants.extend(v for v in kind if v and v not in variants)
    if not variants:
        return [""], (0, 0, 0)  # nothing fits: the marker and its SVG <title> carry the text
    last = len(variants) - 1
    return variants, (0, min(starts[2], last), min(starts[3], last))
