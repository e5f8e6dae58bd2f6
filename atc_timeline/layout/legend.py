"""The legend: entries for what the chart shows, packed into as few rows as the width allows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from atc_timeline.layout.doses import ranked_by_dose
from atc_timeline.layout.model import LegendEntry, Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import Measure, truncate

# Why: a wide figure (a slide, a page) reads its legend at leisure and keeps the explaining
# wording while that costs at most this many rows more than the short one.
WIDE = 8.0  # inches: a figure this wide keeps the long wordings (journal columns are narrower)
WIDE_EXTRA_ROWS = 1

METASTASIS = LegendEntry("metastasis", "Metastasis (date found)", "Metastasis")

_BARS = {
    "chemotherapy": ("Chemotherapy", "Chemo"),
    "radiotherapy": ("Radiotherapy", ""),
    "targeted": ("Targeted therapy", "Targeted"),
    "immunotherapy": ("Immunotherapy", "Immuno"),
    "hormonal": ("Hormonal therapy", "Hormonal"),
    "other": ("Other therapy", "Other"),
    "adverse_event": ("Adverse event (duration)", "Adverse event"),
}
_RESPONSES = ("baseline", "CR", "PR", "SD", "PD", "NE", "iCR", "iPR", "iSD", "iUPD", "iCPD")


def legend_entries(
    records: list[EventRecord], phases: Mapping[str, list[EventRecord]] | None = None
) -> list[LegendEntry]:
    """Only what is on the chart, in a fixed reading order (the metastasis mark is the frame's to add)."""
    entries: list[LegendEntry] = []
    bars = {r.category for r in records if r.is_interval and r.kind != "phase"}
    for category, (text, short) in _BARS.items():
        if category in bars:
            entries.append(LegendEntry(f"bar:{category}", text, short))
    ranked = [ps for ps in (phases or {}).values() if ranked_by_dose(ps)]
    if ranked:  # the dose shading, in the colour of the first drug shaded by dose
        entries.append(LegendEntry(f"dose:{ranked[0][0].category}", "Paler: lower dose"))
    if any(r.kind == "procedure" for r in records):
        entries.append(LegendEntry("surgery", "Surgery / procedure", "Surgery"))
    imaging = {r.response for r in records if r.kind == "imaging"}
    if "" in imaging:
        entries.append(LegendEntry("imaging:finding", "Imaging finding", "Imaging"))
    for code in _RESPONSES:
        if code in imaging:
            text = "Baseline" if code == "baseline" else code
            entries.append(LegendEntry(f"imaging:{code}", text, group="response"))
    ae_grades = [r.grade for r in records if r.kind == "adverse_event" and not r.is_interval]
    # Short: "AE G1  G2  G3" in one cell, as the chart's own labels write a grade ("G3").
    for i, grade in enumerate(sorted({g for g in ae_grades if g is not None})):
        short = f"AE G{grade}" if i == 0 else f"G{grade}"
        entries.append(LegendEntry(f"ae:{grade}", f"AE grade {grade}", short, group="grade"))
    if any(g is None for g in ae_grades):
        graded = any(e.key.startswith("ae:") for e in entries)
        short = "no grade" if graded else "AE, no grade"
        entries.append(LegendEntry("ae:0", "AE, grade not reported", short, group="grade"))
    entries += uncertainty_entries(records)
    if any(r.end_status == "ongoing" for r in records):
        entries.append(LegendEntry("ongoing", "Ongoing at data cut-off", "Ongoing"))
    if any(r.stop_reason != "" for r in records):
        entries.append(LegendEntry("stop", "Stopped (reason)", "Stopped"))
    if any(r.after_cutoff for r in records):
        entries.append(LegendEntry("after_cutoff", "After data cut-off", "After cut-off"))
    return entries


def with_metastases(entries: list[LegendEntry]) -> list[LegendEntry]:
    """The entries with the dated-metastasis mark, after the findings (before how dates are known)."""
    keys = [e.key for e in entries]
    findings = ("bar:", "dose:", "surgery", "imaging:", "ae:")
    at = next((i for i, k in enumerate(keys) if not k.startswith(findings)), len(keys))
    return [*entries[:at], METASTASIS, *entries[at:]]


def uncertainty_entries(records: list[EventRecord]) -> list[LegendEntry]:
    """One entry for each way a date is imprecise on this chart, and only those present."""
    ends = [end for r in records for end in r.ends()]
    entries = []
    if any(precision in ("month", "year") for precision, _ in ends):
        entries.append(
            LegendEntry(
                "fuzzy", "Faded edge / whisker: date known only to the month or year", "Month or year only"
            )
        )
    if any(q in ("~", "%") for _, q in ends):
        entries.append(LegendEntry("approximate", "Dotted: approximate date (~)", "Approximate (~)"))
    if any(q in ("?", "%") for _, q in ends):
        entries.append(LegendEntry("uncertain", "Uncertain date (?)", "Uncertain (?)"))
    if any(r.within_period for r in records):
        entries.append(
            LegendEntry(
                "within_period",
                "Block on whisker: timing within the period unknown",
                "Timing in period unknown",
            )
        )
    if any(r.end_not_recorded for r in records):
        entries.append(LegendEntry("end_unknown", "Fading out: end not recorded", "End not recorded"))
    return entries


@dataclass(frozen=True)
class LegendBlock:
    """The legend as laid out: rows of entries (their texts as drawn), each entry's x, the height."""

    rows: tuple[tuple[LegendEntry, ...], ...]
    xs: tuple[tuple[float, ...], ...]
    height: float


def legend_rows(
    entries: list[LegendEntry], left: float, right: float, s: Sizes, measure: Measure, figure: float = 0.0
) -> tuple[tuple[tuple[LegendEntry, ...], ...], tuple[tuple[float, ...], ...], float]:
    """Entries packed into rows that fit left..right; returns rows, x positions, height."""
    block = legend_block(entries, left, right, s, measure, figure)
    return block.rows, block.xs, block.height


def legend_block(
    entries: list[LegendEntry], left: float, right: float, s: Sizes, measure: Measure, figure: float = 0.0
) -> LegendBlock:
    """The long wordings where they cost no row (a figure `figure` inches wide: one more), else the short.

    Each way packed in as many columns as fit; the entries keep the wording drawn as `text`.
    """
    if not entries:
        return LegendBlock((), (), 0.0)
    long = _pack(entries, left, right, s, measure)
    short = _pack([replace(e, text=e.short or e.text) for e in entries], left, right, s, measure)
    extra = WIDE_EXTRA_ROWS if figure >= WIDE else 0
    return long if len(long.rows) <= len(short.rows) + extra else short


def entry_width(entry: LegendEntry, s: Sizes, measure: Measure) -> float:
    """The width of one entry as drawn: its handle and its text."""
    return legend_handle_width(s) + measure(entry.text, s.legend)[0]


def _cells(entries: list[LegendEntry], width: float, s: Sizes, measure: Measure) -> list[list[LegendEntry]]:
    """Entries fitted to the width, a group's in one cell (split where a cell would be too wide)."""
    handle = legend_handle_width(s)
    cells: list[list[LegendEntry]] = []
    used = 0.0
    for entry in entries:
        # A text wider than the whole legend is cut after a whole word (never seen at the
        # presets: the short wordings fit a journal column).
        text = truncate(entry.text, width - handle, s.legend, measure) or entry.text
        entry = replace(entry, text=text)
        w = entry_width(entry, s, measure)
        inner = inner_gap(s)
        previous = cells[-1][-1] if cells else None
        if (
            previous is not None
            and entry.group
            and previous.group == entry.group
            and used + inner + w <= width
        ):
            cells[-1].append(entry)
            used += inner + w
        else:
            cells.append([entry])
            used = w
    return cells


def _cell_width(cell: Sequence[LegendEntry], s: Sizes, measure: Measure) -> float:
    return sum(entry_width(e, s, measure) for e in cell) + inner_gap(s) * (len(cell) - 1)


def _pack(entries: list[LegendEntry], left: float, right: float, s: Sizes, measure: Measure) -> LegendBlock:
    """As many aligned columns as fit by measured width, or a flowing row where that takes fewer rows."""
    width = right - left
    cells = _cells(entries, width, s, measure)
    widths = [_cell_width(c, s, measure) for c in cells]
    gap = cell_gap(s)
    grid: list[list[int]] = [[i] for i in range(len(cells))]
    for n in range(len(cells), 0, -1):
        columns = [max(widths[i::n]) for i in range(n)]
        if sum(columns) + gap * (n - 1) <= width + 1e-9 or n == 1:
            rows_n = math.ceil(len(cells) / n)
            grid = [list(range(r * n, min((r + 1) * n, len(cells)))) for r in range(rows_n)]
            starts = [left + sum(columns[:i]) + gap * i for i in range(n)]
            break
    # Flowing rows (each cell right after the one before) may take fewer rows than a grid.
    flow: list[list[int]] = []
    x = right + 1.0
    flow_x: list[list[float]] = []
    for i, w in enumerate(widths):
        if not flow or x + w > right + 1e-9:
            flow.append([])
            flow_x.append([])
            x = left
        flow[-1].append(i)
        flow_x[-1].append(x)
        x += w + gap
    if len(flow) < len(grid):
        placed = [(row, xs) for row, xs in zip(flow, flow_x, strict=True)]
    else:
        placed = [(row, [starts[j] for j in range(len(row))]) for row in grid]
    rows: list[tuple[LegendEntry, ...]] = []
    xs: list[tuple[float, ...]] = []
    for row, row_x in placed:
        entries_row: list[LegendEntry] = []
        entry_x: list[float] = []
        for i, x0 in zip(row, row_x, strict=True):
            for entry in cells[i]:
                entries_row.append(entry)
                entry_x.append(x0)
                x0 += entry_width(entry, s, measure) + inner_gap(s)
        rows.append(tuple(entries_row))
        xs.append(tuple(entry_x))
    return LegendBlock(tuple(rows), tuple(xs), len(rows) * legend_row_height(s))


def legend_row_height(s: Sizes) -> float:
    """Height of one legend row in inches."""
    return s.legend / 72 * 1.55


def legend_handle_width(s: Sizes) -> float:
    """Width reserved for a legend symbol in inches."""
    return s.legend / 72 * 2.2


def cell_gap(s: Sizes) -> float:
    """Room between two cells of the legend, inches: about two ems."""
    return s.legend / 72 * 1.8


def inner_gap(s: Sizes) -> float:
    """Room between the entries of one group (PR, SD, PD), inches."""
    return s.legend / 72 * 0.8
