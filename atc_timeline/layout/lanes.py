"""Lanes: their contents at one text size, planned per attempt, then placed as bars, markers and labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from atc_timeline.layout.bars import BarSpec, Placing, bar_labels, bar_of, pack_bars, row_metrics
from atc_timeline.layout.dodge import dodge, row_offset
from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.labels import (
    LEADER_FOOT,
    MARKER_GAP,
    MARKER_ROW,
    Placed,
    PointGroup,
    PointLabels,
    foot_marker,
    group_points,
    leader_end,
    marker_row,
)
from atc_timeline.layout.lane_names import clear_of
from atc_timeline.layout.model import Bar, Box, Label, Lane, Leader, Marker, Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import Measure, line_height

BARE_GAP = 0.03  # inches between two bars without texts in one row


@dataclass(frozen=True)
class LanePlan:
    """A lane's bar rows and point labels for one attempt, and the height they need (inches)."""

    name: str
    bar_rows: list[list[BarSpec]]
    points: list[PointGroup]
    placed: list[Placed]  # one per point, in the order of `points`
    tiers: int
    height: float
    # Inches kept free at the lane's top for its name (0 with the names in a column); never
    # squeezed, and in place of the top padding.
    top: float = 0.0
    least: float = 0.0  # never squeezed below this: the height of a name beside the content
    levels: Mapping[str, int] = field(default_factory=dict)  # point event id -> its marker row
    named: bool = True  # False: the lane's name is left off (a chart too crowded for it)


@dataclass(frozen=True)
class LaneContent:
    """A lane's bars packed into rows and its grouped point events, at one text size."""

    name: str
    bar_rows: list[list[BarSpec]]
    points: list[PointGroup]
    labels: PointLabels
    line: float  # height of one tier of point labels
    band: float = 0.0  # height of the lane's name when it sits atop the lane (0: in a column)
    span: tuple[float, float] | None = None  # the inches across that name takes
    scale: Scale | None = None
    levels: Mapping[str, int] = field(default_factory=dict)  # point event id -> its marker row
    # The bars again with their texts kept to one row height, for the less detailed levels.
    compact_rows: list[list[BarSpec]] = field(default_factory=list)

    @staticmethod
    def of(
        name: str,
        records: list[EventRecord],
        phased: Mapping[str, list[EventRecord]],
        scale: Scale,
        s: Sizes,
        measure: Measure,
        band: float = 0.0,
        span: tuple[float, float] | None = None,
        rules: tuple[float, ...] = (),
    ) -> LaneContent:
        """Pack a lane's bars into rows and group its point events (both fixed for a text size).

        `band`: the height of the lane's name atop the lane (0 with the names in a column),
        `span` the inches across it takes; `rules`: where the cut-off and time-zero lines run
        (figure inches), which bar texts keep off.
        """
        rows = pack_bars(records, phased, scale, s, measure, rules=rules)
        compact = rows
        if any(p.under or "\n" in p.text for packed in rows for spec in packed for p in spec.pieces):
            compact = pack_bars(records, phased, scale, s, measure, lines=False, rules=rules)
        marks = [r for r in records if not r.is_interval]
        points = group_points(marks, scale, s.marker)
        levels = dodge(marks, scale, s.marker)
        labels = PointLabels.shared(points, scale, s, measure, levels)
        return LaneContent(
            name, rows, points, labels, line_height(s, measure), band, span, scale, levels, compact
        )

    def _meets_name(self, rows: list[list[BarSpec]], placed: list[Placed], s: Sizes) -> bool:
        """True when a bar (in `rows`), marker or label of the lane comes under its name's span."""
        if self.span is None or self.scale is None:
            return True
        extents = [(spec.x0, spec.x1) for row in rows for spec in row]
        half = MARKER_ROW * s.marker / 2
        for point in self.points:
            for r in point.records:
                extents.append((self.scale.inch(r.start_lo) - half, self.scale.inch(r.start_hi) + half))
        extents += [(p.x0, p.x1) for p in placed if p.text]
        return not clear_of(self.span, extents)

    def _bare_rows(self, rows: list[list[BarSpec]], s: Sizes) -> list[list[BarSpec]]:
        """The bars of `rows` without their texts, packed again by their own extents (fewer rows)."""
        specs = [replace(spec, pieces=(), tall=0.0, under=0.0) for packed in rows for spec in packed]
        if self.scale is None:
            return [specs] if specs else []
        g = self.scale

        def extent(spec: BarSpec) -> tuple[float, float]:
            r = spec.record
            arrow = s.arrow if r.end_status == "ongoing" else 0.0
            return g.inch(r.start_lo), g.inch(r.end_hi) + arrow

        bare: list[list[BarSpec]] = []
        spans: list[list[tuple[float, float]]] = []
        for spec in sorted(specs, key=lambda spec: extent(spec)[0]):
            a, b = extent(spec)
            for packed, taken in zip(bare, spans, strict=True):
                if all(b + BARE_GAP <= x0 or x1 + BARE_GAP <= a for x0, x1 in taken):
                    packed.append(spec)
                    taken.append((a, b))
                    break
            else:
                bare.append([spec])
                spans.append([(a, b)])
        return bare

    def plan(
        self, s: Sizes, max_tiers: int, allow_empty: bool, level: int | None = None, texts: bool = True
    ) -> LanePlan | None:
        """Place the point labels in at most `max_tiers` tiers; None if they cannot all fit.

        With `texts` False the bars go without their texts (a lane too crowded for any).
        """
        tiers = 0
        placed: list[Placed] = []
        if self.points and max_tiers <= 0:
            placed = [Placed("", 0, 0.0, 0.0)] * len(self.points)  # no tier: markers alone
            if not allow_empty:
                return None
        elif self.points:
            shown, placed, tiers = self.labels.best(max_tiers, 0 if level is None else level)
            if shown < len(self.points) and not allow_empty:
                return None
        # Whole bar texts on extra lines at the more detailed levels only, as for point labels.
        rows = self.bar_rows if level in (0, 1) else self.compact_rows
        if not texts:
            rows = self._bare_rows(rows, s)
        # A name atop the lane takes the place of the top padding, and more if it is taller.
        meets = bool(self.band) and self._meets_name(rows, placed, s)
        top = max(self.band, s.lane_pad) if meets else 0.0
        height = (top or s.lane_pad) + s.lane_pad + sum(row_metrics(packed, s)[1] for packed in rows)
        if self.points:
            height += marker_row(self.levels, s.marker) + MARKER_GAP + tiers * self.line
        return LanePlan(self.name, rows, self.points, placed, tiers, height, top, self.band, self.levels)


def squeeze(
    plans: list[LanePlan], available: float, text_h: float, line: float
) -> tuple[list[LanePlan], float]:
    """The plans and the factor their lanes are squeezed by to fit `available` inches (1: none).

    The room kept for a name atop its lane is never squeezed, nor a lane below the height of
    a name beside its content (`least`). Squeezed tiers are lower than the labels' text
    (`text_h`; `line` unsqueezed), so a lane that starts with labels keeps room for the top
    tier's text to rise above them, clear of the name.
    """
    if sum(p.height for p in plans) <= available:
        return plans, 1.0
    rising = [bool(p.top and p.points and p.tiers and not p.bar_rows) for p in plans]
    scale, rise = 1.0, 0.0
    for _ in range(6):  # the rise and the lanes held at `least` depend on the factor, and it on them
        rise = max(text_h + MARKER_GAP - line * scale, 0.0)
        fixed = pool = 0.0
        for plan, up in zip(plans, rising, strict=True):
            top = plan.top + rise * up
            if (plan.height - plan.top) * scale + top < plan.least:
                fixed += plan.least
            else:
                fixed += top
                pool += plan.height - plan.top
        scale = min(max(available - fixed, 0.0) / pool, 1.0) if pool else 1.0
    plans = [
        replace(p, top=p.top + rise, height=p.height + rise) if up else p
        for p, up in zip(plans, rising, strict=True)
    ]
    return plans, scale


@dataclass
class LanePlacer:
    """Lanes placed top to bottom; it collects their shapes and labels in drawing order."""

    p: Placing
    scale: float  # lane heights are squeezed by this when a forced layout overflows
    phased: Mapping[str, list[EventRecord]]  # a medication's dose phases, by its id
    line: float  # height of one tier of point labels, unsqueezed
    lanes: list[Lane] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    phases: list[Bar] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    leaders: list[Leader] = field(default_factory=list)
    arrows: list[tuple[str, float, float]] = field(default_factory=list)

    def lane(self, plan: LanePlan, y_top: float, lane_h: float, name: Label) -> None:
        """Place a lane `lane_h` tall from `y_top` down, its name label first."""
        s, scale = self.p.s, self.scale
        self.lanes.append(Lane(plan.name, y_top - lane_h, y_top, len(self.lanes)))
        if plan.named:
            self.labels.append(name)
        # Content sits centred in the lane below the room kept for its name (plan.top, never
        # squeezed); padding absorbs the spare height.
        spare = lane_h - plan.top - (plan.height - plan.top) * scale
        y = y_top - plan.top - spare / 2 - (0.0 if plan.top else s.lane_pad * scale)
        for packed in plan.bar_rows:
            centre, row_h = row_metrics(packed, s)
            for spec in packed:
                self._bar(spec, y - centre * scale, s.bar_height * scale)
            y -= row_h * scale
        if plan.points:
            self._points(plan, y)

    def _bar(self, spec: BarSpec, center: float, height: float) -> None:
        """A bar, its dose phases and their labels, centred at `center` plot inches."""
        record = spec.record
        bar = bar_of(record, center, height)
        self.bars.append(bar)
        if record.end_status == "ongoing":
            self.arrows.append((record.event_id, bar.end_hi, center))
        for phase in self.phased.get(record.event_id, []):
            self.phases.append(bar_of(phase, center, height))
        self.labels.extend(bar_labels(spec, bar, self.p))

    def _points(self, plan: LanePlan, y: float) -> None:
        """Markers in rows below `y`, their labels in the tiers between, leaders where displaced."""
        g, s, measure, scale = self.p.scale, self.p.s, self.p.measure, self.scale
        # Labels rise in tiers above the marker rows at the bottom of the points section;
        # markers that would touch sit in lifted rows.
        tier_h = self.line * scale
        row_bottom = y - plan.tiers * tier_h - marker_row(plan.levels, s.marker) * scale
        marker_top = row_bottom + marker_row(plan.levels, s.marker) * scale + MARKER_GAP

        def marker_y(record: EventRecord) -> float:
            level = plan.levels.get(record.event_id, 0)
            return row_bottom + (MARKER_ROW / 2 + row_offset(level)) * s.marker * scale

        for point, (text, tier, x_in, _) in zip(plan.points, plan.placed, strict=True):
            for m in point.records:
                self.markers.append(
                    Marker(
                        m.event_id,
                        m.kind,
                        m.marker_style(),
                        plan.name,
                        m.mid,
                        marker_y(m),
                        m.start_lo,
                        m.start_hi,
                        m.start_exact,
                        title=m.title(),
                        qualifier=m.start_qualifier,
                        after_cutoff=m.after_cutoff,
                    )
                )
            if not text:
                continue
            event_id = point.first.event_id
            w, h = measure(text, s.label)
            y_bottom = marker_top + tier * tier_h
            bottom = self.p.axes_bottom + y_bottom
            full = "\n".join(m.title() for m in point.records)
            self.labels.append(
                Label(
                    text,
                    g.day(x_in),
                    y_bottom,
                    "left",
                    "bottom",
                    s.label,
                    "point",
                    Box(x_in, bottom, x_in + w, bottom + h),
                    event_id=event_id,
                    full_text=full,
                )
            )
            # The leader starts at the group's top marker, the one PointLabels planned it from.
            foot_at = foot_marker(point, plan.levels, g)
            mx = g.inch(foot_at.mid)
            if tier > 0 or not (x_in - 0.01 <= mx <= x_in + w + 0.01):
                lx = leader_end(mx, x_in, x_in + w)
                foot = marker_y(foot_at) + LEADER_FOOT * s.marker * scale
                leader = Leader(event_id, foot_at.mid, foot, g.day(lx), y_bottom, marker_id=foot_at.event_id)
                self.leaders.append(leader)
