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
WIDE_EXTRA_ROWS = 2

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
        # Why "fainter", not "paler": a lower dose is shaded toward the background, which is
        # paler on a white page but darker on a dark slide; fainter reads right on both.
        entries.append(LegendEntry(f"dose:{ranked[0][0].category}", "Fainter: lower dose"))
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


def legend_block(
    entries: list[LegendEntry], left: float, right: float, s: Sizes, measure: Measure, figure: float = 0.0
) -> LegendBlock:
    """The long wordings where they cost no row (on a wide figure: two more at most), else the short.

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
    """As many aligned columns as fit by measured width, or flowing rows where they take fewer rows."""
    cells = _cells(entries, right - left, s, measure)
    widths = [_cell_width(c, s, measure) for c in cells]
    grid, flow = _grid(widths, left, right, cell_gap(s)), _flow(widths, left, right, cell_gap(s))
    rows: list[tuple[LegendEntry, ...]] = []
    xs: list[tuple[float, ...]] = []
    for row in flow if len(flow) < len(grid) else grid:
        entries_row: list[LegendEntry] = []
        entry_x: list[float] = []
        for i, x in row:
            for entry in cells[i]:  # a group's entries side by side in its cell
                entries_row.append(entry)
                entry_x.append(x)
                x += entry_width(entry, s, measure) + inner_gap(s)
        rows.append(tuple(entries_row))
        xs.append(tuple(entry_x))
    return LegendBlock(tuple(rows), tuple(xs), len(rows) * legend_row_height(s))


Placed = list[list[tuple[int, float]]]  # rows of (cell index, left edge in inches)


def _grid(widths: list[float], left: float, right: float, gap: float) -> Placed:
    """Cells in reading order on the columns of the finest grid that takes the fewest rows.

    Why a grid with spans: columns as wide as the widest cell leave wide gaps beside the
    short ones; columns as wide as a typical cell, a long cell spanning two or three, keep
    the entries aligned row to row and the rows few.
    """
    best: Placed = []
    # Units of a cell's width, a half or a third of one: the widest grid of the fewest rows.
    for unit in sorted({w / k for w in widths for k in (1, 2, 3)}, reverse=True):
        rows = _on_columns(widths, left, right, gap, unit)
        if not best or len(rows) < len(best):
            best = rows
    return best


def _on_columns(widths: list[float], left: float, right: float, gap: float, unit: float) -> Placed:
    """Cells on columns `unit` inches wide, each spanning as many as its width needs."""
    pitch = unit + gap
    n = max(1, int((right - left + gap) / pitch + 1e-9))
    rows: Placed = []
    column = n
    for i, w in enumerate(widths):
        span = max(1, math.ceil((w + gap) / pitch - 1e-9))
        if column + span > n and not (column == 0 and rows):  # wider than n columns: a row alone
            rows.append([])
            column = 0
        rows[-1].append((i, left + column * pitch))
        column += span
    return rows


def _flow(widths: list[float], left: float, right: float, gap: float) -> Placed:
    """Cells in reading order, each right after the one before, a new row where one would overflow."""
    rows: Placed = []
    x = right
    for i, w in enumerate(widths):
        if not rows or x + w > right + 1e-9:
            rows.append([])
            x = left
        rows[-1].append((i, x))
        x += w + gap
    return rows


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
