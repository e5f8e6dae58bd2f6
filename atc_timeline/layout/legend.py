"""The legend: entries for what the chart shows, flowed into rows across the width."""

from __future__ import annotations

from atc_timeline.layout.model import LegendEntry, Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import Measure, truncate


def legend_entries(records: list[EventRecord]) -> list[LegendEntry]:
    """Only what is on the chart, in a fixed reading order."""
    entries: list[LegendEntry] = []
    bars = {r.category for r in records if r.is_interval and r.kind != "phase"}
    names = {
        "chemotherapy": "Chemotherapy",
        "radiotherapy": "Radiotherapy",
        "targeted": "Targeted therapy",
        "immunotherapy": "Immunotherapy",
        "hormonal": "Hormonal therapy",
        "other": "Other therapy",
        "adverse_event": "Adverse event (duration)",
    }
    for category, text in names.items():
        if category in bars:
            entries.append(LegendEntry(f"bar:{category}", text))
    if any(r.kind == "procedure" for r in records):
        entries.append(LegendEntry("surgery", "Surgery / procedure"))
    responses = {
        "baseline": "Baseline",
        "CR": "CR",
        "PR": "PR",
        "SD": "SD",
        "PD": "PD",
        "NE": "NE",
        "iCR": "iCR",
        "iPR": "iPR",
        "iSD": "iSD",
        "iUPD": "iUPD",
        "iCPD": "iCPD",
    }
    imaging = {r.response for r in records if r.kind == "imaging"}
    if "" in imaging:
        entries.append(LegendEntry("imaging:finding", "Imaging finding"))
    for code, text in responses.items():
        if code in imaging:
            entries.append(LegendEntry(f"imaging:{code}", text))
    ae_grades = [r.grade for r in records if r.kind == "adverse_event" and not r.is_interval]
    for grade in sorted({g for g in ae_grades if g is not None}):
        entries.append(LegendEntry(f"ae:{grade}", f"AE grade {grade}"))
    if any(g is None for g in ae_grades):
        entries.append(LegendEntry("ae:0", "AE, grade not reported"))
    entries += uncertainty_entries(records)
    if any(r.end_status == "ongoing" for r in records):
        entries.append(LegendEntry("ongoing", "Ongoing at data cut-off"))
    if any(r.stop_reason != "" for r in records):
        entries.append(LegendEntry("stop", "Stopped (reason)"))
    if any(r.after_cutoff for r in records):
        entries.append(LegendEntry("after_cutoff", "After data cut-off"))
    return entries


def uncertainty_entries(records: list[EventRecord]) -> list[LegendEntry]:
    """One entry for each way a date is imprecise on this chart, and only those present."""
    ends = [end for r in records for end in r.ends()]
    entries = []
    if any(precision in ("month", "year") for precision, _ in ends):
        entries.append(LegendEntry("fuzzy", "Faded edge / whisker: date known only to the month or year"))
    if any(q in ("~", "%") for _, q in ends):
        entries.append(LegendEntry("approximate", "Dotted: approximate date (~)"))
    if any(q in ("?", "%") for _, q in ends):
        entries.append(LegendEntry("uncertain", "Uncertain date (?)"))
    if any(r.within_period for r in records):
        entries.append(LegendEntry("within_period", "Block on whisker: timing within the period unknown"))
    if any(r.end_not_recorded for r in records):
        entries.append(LegendEntry("end_unknown", "Fading out: end not recorded"))
    return entries


def legend_rows(
    entries: list[LegendEntry], left: float, right: float, s: Sizes, measure: Measure
) -> tuple[tuple[tuple[LegendEntry, ...], ...], tuple[tuple[float, ...], ...], float]:
    """Flow legend entries into rows that fit the plot width; returns rows, x positions, height."""
    handle = legend_handle_width(s)
    gap = 0.25
    rows: list[list[LegendEntry]] = []
    xs: list[list[float]] = []
    x = left
    fitted = []
    for entry in entries:
        # A narrow chart (a journal column) shortens an entry rather than overflow.
        text = truncate(entry.text, right - left - handle, s.legend, measure) or entry.text[:1]
        fitted.append(LegendEntry(entry.key, text))
    for entry in fitted:
        w = handle + measure(entry.text, s.legend)[0]
        if rows and x + w <= right:
            rows[-1].append(entry)
            xs[-1].append(x)
        else:
            rows.append([entry])
            xs.append([left])
            x = left
        x = xs[-1][-1] + w + gap
    row_h = legend_row_height(s)
    return (
        tuple(tuple(r) for r in rows),
        tuple(tuple(v) for v in xs),
        len(rows) * row_h,
    )


def legend_row_height(s: Sizes) -> float:
    """Height of one legend row in inches."""
    return s.legend / 72 * 1.7


def legend_handle_width(s: Sizes) -> float:
    """Width reserved for a legend symbol in inches."""
    return s.legend / 72 * 2.2
