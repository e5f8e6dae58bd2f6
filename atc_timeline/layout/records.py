"""Typed rows of the events frame, and the words each event puts on the chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

EPOCH = dt.date(1970, 1, 1)


def day_number(value: dt.date | pd.Timestamp) -> float:
    """A date or Timestamp as days since 1970-01-01 (matplotlib's default date unit)."""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return float((value - EPOCH).days)


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One row of the events frame (see EVENT_COLUMNS), with its dates as day numbers."""

    event_id: str
    parent_id: str  # the medication a phase belongs to; "" otherwise
    kind: str
    category: str
    lane: str
    label: str
    detail: str
    start_lo: float
    start_hi: float
    end_lo: float
    end_hi: float
    start_text: str
    end_text: str
    start_exact: bool
    end_exact: bool
    is_interval: bool
    end_status: str  # date | ongoing | unknown | point
    response: str
    grade: int | None
    immune_related: bool
    stop_reason: str
    outcome: str
    order: int  # position in the file, for stable ties
    phase: int = 0  # a dose phase's place among its drug's phases in the file, from 1; else 0
    start_precision: str = "day"  # day | month | year
    start_qualifier: str = ""  # "" | ~ (approximate) | ? (uncertain) | % (both)
    end_precision: str = "day"  # as start_precision; "" for an end that is no date
    end_qualifier: str = ""
    within_period: bool = False  # start and end in the same imprecise period
    after_cutoff: bool = False  # something of it is dated after the data cut-off

    @property
    def end_not_recorded(self) -> bool:
        """A bar whose end is unknown (it fades out over a bounded stretch)."""
        return self.is_interval and self.end_status == "unknown"

    def ends(self) -> list[tuple[str, str]]:
        """(precision, qualifier) of each date the chart draws: the start, and a dated end."""
        ends = [(self.start_precision, self.start_qualifier)]
        if self.is_interval and self.end_status == "date":
            ends.append((self.end_precision, self.end_qualifier))
        return ends

    @property
    def mid(self) -> float:
        """The middle of the days the event may have started on."""
        return (self.start_lo + self.start_hi) / 2

    def bar_text(self) -> str:
        """Name and dose for a bar; the lane label already names single-drug lanes."""
        parts = []
        if self.label != self.lane:
            parts.append(self.label)
        if self.detail:
            parts.append(self.detail)
        if self.kind == "adverse_event" and self.grade is not None:
            parts.insert(1 if parts else 0, f"G{self.grade}")
        return " \u00b7 ".join(parts)

    def point_texts(self) -> tuple[str, str, str]:
        """Label candidates for a point event, from most to least informative."""
        if self.kind == "imaging":
            head = self.label
            if self.response:
                head = f"{self.response} \u00b7 {head}"
            full = f"{head}: {self.detail}" if self.detail else head
            return (full, head, self.response or self.label)
        if self.kind == "adverse_event":
            grade = f"G{self.grade} " if self.grade is not None else ""
            full = f"{grade}{self.label}"
            if self.immune_related:
                full += " (irAE)"
            return (full, f"{grade}{self.label}", grade.strip() or self.label)
        full = f"{self.label}: {self.detail}" if self.detail else self.label
        return (full, self.label, self.label)

    def title(self) -> str:
        """The full, untruncated description of the event (SVG <title>)."""
        when = self.start_text
        if self.is_interval:
            when = f"{self.start_text} to {self.end_text}"
        if self.within_period:
            when += "; when within the period is unknown"
        elif self.end_status == "unknown":
            when = f"{'onset' if not self.is_interval else 'from'} {self.start_text}; end not recorded"
        if self.after_cutoff:
            when += "; after the data cut-off"
        text = self.point_texts()[0] if not self.is_interval else (self.bar_text() or self.label)
        if self.label not in text:
            text = f"{self.label}: {text}"
        if self.stop_reason:
            text += f"; stopped: {self.stop_reason}"
        return f"{text} ({when})"

    def marker_style(self) -> str:
        """The marker style key of a point event: surgery, imaging:<response>, ae:<grade>."""
        if self.kind == "imaging":
            return f"imaging:{self.response or 'finding'}"
        if self.kind == "adverse_event":
            return f"ae:{self.grade if self.grade is not None else 0}"
        return "surgery"


_TEXTS = (
    "event_id", "parent_id", "kind", "category", "lane", "label", "detail",
    "start_text", "end_text", "end_status", "response", "stop_reason", "outcome",
    "start_precision", "start_qualifier", "end_precision", "end_qualifier",
)  # fmt: skip
_DAYS = ("start_lo", "start_hi", "end_lo", "end_hi")
_FLAGS = ("start_exact", "end_exact", "is_interval", "immune_related", "within_period", "after_cutoff")


def event_records(events: pd.DataFrame) -> list[EventRecord]:
    """The frame's rows as records, built column by column (several times faster than by row).

    The frame's `source` column is left out: nothing on the chart shows it.
    """
    columns: dict[str, list[Any]] = {}
    for name in _TEXTS:
        columns[name] = ["" if v is pd.NA else str(v) for v in events[name].tolist()]
    for name in _DAYS:
        columns[name] = [day_number(v) for v in events[name].tolist()]
    for name in _FLAGS:
        columns[name] = [bool(v) for v in events[name].tolist()]
    columns["grade"] = [None if v is pd.NA else int(v) for v in events["grade"].tolist()]
    columns["order"] = [int(v) for v in events["order"].tolist()]
    names = tuple(columns)
    rows = zip(*columns.values(), strict=True)
    records = [EventRecord(**dict(zip(names, row, strict=True))) for row in rows]
    # Why from file order: the frame is sorted by start, and two phases with partial dates
    # may sort either way; the case file lists them in order.
    phases: dict[str, list[EventRecord]] = {}
    for record in records:
        if record.kind == "phase":
            phases.setdefault(record.parent_id, []).append(record)
    number = {
        r.event_id: n
        for sibs in phases.values()
        for n, r in enumerate(sorted(sibs, key=lambda r: r.order), 1)
    }
    return [replace(r, phase=number[r.event_id]) if r.kind == "phase" else r for r in records]
