"""Bars of one lane: where each bar's text and stop reason go, rows packed, and their labels placed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.model import Bar, Label, Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import Measure, text_box, truncate

_PAD = 0.06  # between a bar and a text beside it, inches
_ROW_GAP = 0.08  # the least room between two bars sharing a row, inches


@dataclass(frozen=True)
class BarSpec:
    """A bar's text and stop reason, where they go, and the inches across it all takes."""

    record: EventRecord
    x0: float
    x1: float
    text: str = ""
    text_at: str = "inside"  # inside | right | left
    stop: str = ""  # the stop reason as shown ('' for none)


@dataclass(frozen=True)
class Placing:
    """What placing labels in one chart needs: its time scale, sizes, measure and plot bottom."""

    scale: Scale
    s: Sizes
    measure: Measure
    axes_bottom: float  # figure inches of the plot's bottom edge


def pack_bars(
    records: list[EventRecord], phased: Collection[str], scale: Scale, s: Sizes, measure: Measure
) -> list[list[BarSpec]]:
    """A lane's bars (not their phases) packed into rows, each bar in the first row it fits."""
    rows: list[list[BarSpec]] = []
    for record in records:
        if not record.is_interval or record.kind == "phase":
            continue
        spec = bar_spec(record, record.event_id in phased, scale, s, measure)
        for packed in rows:
            if all(spec.x1 + _ROW_GAP <= o.x0 or o.x1 + _ROW_GAP <= spec.x0 for o in packed):
                packed.append(spec)
                break
        else:
            rows.append([spec])
    return rows


def bar_spec(record: EventRecord, has_phases: bool, g: Scale, s: Sizes, measure: Measure) -> BarSpec:
    """Decide where a bar's text goes and how much room the bar takes horizontally."""
    x0 = g.inch(record.start_lo)
    x1 = g.inch(record.end_hi)
    if record.end_status == "ongoing":
        x1 += s.arrow
    pad = _PAD
    text = record.bar_text()
    shown, at = "", "inside"
    # A range of unknown position (within_period) has no bar to carry its text.
    inner = max(x1 - x0 - 2 * pad, 0.0) if not record.within_period else 0.0
    if record.outcome and not has_phases:
        # Table 1 style: the outcome goes inside the bar when the bar is long enough.
        fuller = f"{text} \u00b7 {record.outcome}" if text else record.outcome
        if measure(fuller, s.label)[0] <= inner:
            text = fuller
    if text:
        w = measure(text, s.label)[0]
        if w <= inner and not has_phases:
            shown = text
        else:
            # Outside: right of the bar if it fits in the axes, else left of it.
            if x1 + pad + w <= g.right - 0.02:
                shown, at = text, "right"
            elif x0 - pad - w >= g.left + 0.02:
                shown, at = text, "left"
            else:
                room = max(g.right - 0.02 - x1 - pad, x0 - pad - g.left - 0.02, inner)
                cut = truncate(text, room, s.label, measure)
                side = "right" if room == g.right - 0.02 - x1 - pad else "left" if room != inner else "inside"
                shown, at = cut, side if not has_phases or side != "inside" else "right"
                if has_phases and side == "inside":
                    shown = ""
            w = measure(shown, s.label)[0] if shown else 0.0
            if at == "right":
                x1 = x1 + pad + w
            elif at == "left":
                x0 = x0 - pad - w
    stop = ""
    if record.stop_reason:
        stop = f"\u2715 {record.stop_reason}"
        w = measure(stop, s.label)[0]
        start = x1 + 0.1
        if start + w > g.right - 0.02:
            stop = truncate(stop, max(g.right - 0.02 - start, 0.0), s.label, measure)
            w = measure(stop, s.label)[0] if stop else 0.0
        if stop:
            x1 = start + w
    return BarSpec(record, x0, x1, shown, at, stop)


def bar_of(record: EventRecord, center: float, height: float) -> Bar:
    """The bar (or phase segment) of an interval event, centred at `center` plot inches."""
    return Bar(
        event_id=record.event_id,
        kind=record.kind,
        category=record.category,
        lane=record.lane,
        start_lo=record.start_lo,
        start_hi=record.start_hi,
        end_lo=record.end_lo,
        end_hi=record.end_hi,
        y=center,
        height=height,
        end_status=record.end_status,
        start_exact=record.start_exact,
        end_exact=record.end_exact,
        grade=record.grade,
        title=record.title(),
        phase=record.phase,
        parent_id=record.parent_id,
        start_qualifier=record.start_qualifier,
        end_qualifier=record.end_qualifier,
        within_period=record.within_period,
        after_cutoff=record.after_cutoff,
    )


def bar_labels(spec: BarSpec, bar: Bar, p: Placing) -> list[Label]:
    """The bar's text (inside or beside it) and its stop reason, as the spec placed them."""
    g, s, measure = p.scale, p.s, p.measure
    record, pad, y = spec.record, _PAD, bar.y
    labels = []
    bx0, bx1 = g.inch(bar.start_lo), g.inch(bar.end_hi)
    if bar.end_status == "ongoing":
        bx1 += s.arrow
    if spec.text:
        w, h = measure(spec.text, s.label)
        if spec.text_at == "inside":
            x_in, ha = (bx0 + bx1) / 2, "center"
        elif spec.text_at == "right":
            x_in, ha = bx1 + pad, "left"
        else:
            x_in, ha = bx0 - pad, "right"
        box = text_box(x_in, p.axes_bottom + y, w, h, ha, "center")
        color = "on_bar" if spec.text_at == "inside" else "text"
        labels.append(
            Label(
                spec.text,
                g.day(x_in),
                y,
                ha,
                "center",
                s.label,
                "bar",
                box,
                event_id=record.event_id,
                full_text=bar.title,
                color_key=color,
            )
        )
    if spec.stop:
        stop_x = bx1 + 0.1
        if spec.text_at == "right" and spec.text:
            stop_x = bx1 + pad + measure(spec.text, s.label)[0] + 0.1
        w, h = measure(spec.stop, s.label)
        box = text_box(stop_x, p.axes_bottom + y, w, h, "left", "center")
        full = f"Stopped: {record.stop_reason}"
        labels.append(
            Label(
                spec.stop,
                g.day(stop_x),
                y,
                "left",
                "center",
                s.label,
                "stop",
                box,
                event_id=record.event_id,
                full_text=full,
                color_key="stop",
            )
        )
    return labels


def phase_label(record: EventRecord, bar: Bar, p: Placing, outcome: str = "") -> Label | None:
    """A dose phase's text on its segment (with the drug's outcome if it fits); None if no room."""
    g, s, measure = p.scale, p.s, p.measure
    # Dose text sits on the part of the segment whose dates are certain, or failing that
    # between the middles of its two uncertain edges.
    x0 = g.inch(bar.start_hi)
    x1 = g.inch(bar.end_lo if bar.end_status != "ongoing" else bar.end_hi)
    w_needed = measure(record.label, s.label)[0]
    if x1 - x0 - 0.12 < w_needed:
        x0 = g.inch((bar.start_lo + bar.start_hi) / 2)
        x1 = g.inch((bar.end_lo + bar.end_hi) / 2 if bar.end_status != "ongoing" else bar.end_hi)
    room = x1 - x0 - 0.12
    with_outcome = f"{record.label} \u00b7 {outcome}" if outcome else ""
    if with_outcome and measure(with_outcome, s.label)[0] <= room:
        text = with_outcome
    else:
        text = truncate(record.label, room, s.label, measure) if room > 0 else ""
    if not text:
        return None
    w, h = measure(text, s.label)
    x_in = (x0 + x1) / 2
    box = text_box(x_in, p.axes_bottom + bar.y, w, h, "center", "center")
    full = f"{record.label} {record.detail} ({record.start_text} to {record.end_text})".strip()
    return Label(
        text,
        g.day(x_in),
        bar.y,
        "center",
        "center",
        s.label,
        "phase",
        box,
        event_id=record.event_id,
        full_text=full,
        color_key="on_bar",
    )
