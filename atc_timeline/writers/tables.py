"""Case -> three plain tables (treatments, imaging, adverse events) in the manner of a report's Table 1.

Pure: no printing, no file access. `summarize()` builds frozen row dataclasses; `to_markdown`,
`to_csv`, `to_json` and `rows_for` turn them into text or into (headers, rows) for a rich Table.
Every date is printed as written (`PartialDate.display()`), never padded to a fake day.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar

from atc_timeline.case.dates import PartialDate

# Why import from normalize: the table must name lanes exactly as the chart does. The lane rule
# for medications is private there; it should become public (e.g. `medication_lane`) one day.
from atc_timeline.case.lanes import DEFAULT_LANES, medication_lane
from atc_timeline.case.model import AdverseEvent, Case, Imaging, Medication, Procedure, Radiotherapy

TABLES: tuple[str, ...] = ("treatments", "imaging", "adverse_events")
TABLE_TITLES: dict[str, str] = {
    "treatments": "Treatments",
    "imaging": "Imaging",
    "adverse_events": "Adverse events",
}

_ACTION_TEXT: dict[str, str] = {
    "none": "none",
    "dose_reduced": "dose reduced",
    "drug_interrupted": "drug interrupted",
    "drug_withdrawn": "drug withdrawn",
    "symptomatic_treatment": "symptomatic treatment",
    "unknown": "unknown",
}
# Among items starting together, a procedure is listed before radiotherapy, then drugs.
_KIND_RANK = {"procedure": 0, "radiotherapy": 1, "medication": 2}


@dataclass(frozen=True)
class TreatmentRow:
    """One procedure, radiotherapy course or drug, with its lane's overall span (Table 1's grouping)."""

    lane: str
    lane_period: str
    treatment: str
    type: str
    period: str
    dose: str
    outcome: str
    stop_reason: str

    HEADERS: ClassVar[tuple[str, ...]] = (
        "Lane", "Lane period", "Treatment", "Type", "Start - end", "Dose / schedule", "Outcome",
        "Stop reason",
    )


@dataclass(frozen=True)
class ImagingRow:
    """One imaging study."""

    date: str
    modality: str
    site: str
    finding: str
    response: str

    HEADERS: ClassVar[tuple[str, ...]] = ("Date", "Modality", "Site", "Finding", "Response")


@dataclass(frozen=True)
class AdverseEventRow:
    """One adverse event."""

    term: str
    grade: str
    period: str
    suspects: str
    immune_related: str
    action: str

    HEADERS: ClassVar[tuple[str, ...]] = (
        "Adverse event", "Grade", "Start - end", "Suspect drugs", "irAE", "Action",
    )


@dataclass(frozen=True)
class Summary:
    """The three tables of a case, each in chronological order."""

    # Why tuples, not lists: a frozen dataclass holding lists could still be mutated in place.
    treatments: tuple[TreatmentRow, ...]
    imaging: tuple[ImagingRow, ...]
    adverse_events: tuple[AdverseEventRow, ...]


Row = TreatmentRow | ImagingRow | AdverseEventRow
End = PartialDate | str | None


# ---------------------------------------------------------------- dates


def period_text(start: PartialDate, end: End, point: bool = False) -> str:
    """'Oct 2017 - Apr 2018', 'Jul 2018 - ongoing', 'c. Nov 2020 - end unknown', or one date.

    A missing end reads as 'end unknown', as on the chart, unless `point` says the item is a
    point event (a procedure, or an adverse event with no end), which prints its date alone.
    """
    if isinstance(end, PartialDate):
        if end == start:
            return start.display()
        return f"{start.display()} - {end.display()}"
    if end is None and point:
        return start.display()
    if end == "ongoing":
        return f"{start.display()} - ongoing"
    return f"{start.display()} - end unknown"


def _earliest(dates: Sequence[PartialDate]) -> PartialDate:
    # On a tie, the unqualified date wins: "2017-10" over "2017-10?".
    return min(dates, key=lambda d: (d.lower(), d.qualified))


def _latest(dates: Sequence[PartialDate]) -> PartialDate:
    return max(dates, key=lambda d: (d.upper(), not d.qualified))


def _lane_period(starts: Sequence[PartialDate], ends: Sequence[End]) -> str:
    """The span of a whole lane: first start to last end (gaps between items are not shown)."""
    first = _earliest(starts)
    if "ongoing" in ends:
        return period_text(first, "ongoing")
    if any(not isinstance(end, PartialDate) for end in ends):
        return period_text(first, "unknown")
    return period_text(first, _latest([end for end in ends if isinstance(end, PartialDate)]))


# ---------------------------------------------------------------- treatments


@dataclass(frozen=True)
class _Treatment:
    lane: str
    start: PartialDate
    end: End
    rank: int
    order: int
    row: TreatmentRow


def _medication_dose(med: Medication) -> str:
    """'40 mg QD', or the phases: '240 mg Q2W; from Jul 2020?: 200 mg Q3W'."""
    if not med.phases:
        return med.dose_text()
    parts: list[str] = []
    for index, phase in enumerate(med.phases):
        text = phase.dose_text() or "dose not stated"
        if index or phase.start != med.start:
            text = f"from {phase.start.display()}: {text}"
        parts.append(text)
    return "; ".join(parts)


def _procedure(proc: Procedure, order: int) -> _Treatment:
    lane = proc.lane or DEFAULT_LANES["procedure"]
    row = TreatmentRow(
        lane=lane, lane_period="", treatment=proc.label, type="surgery",
        period=period_text(proc.date, None, point=True), dose="", outcome=proc.outcome or "",
        stop_reason="",
    )
    return _Treatment(lane, proc.date, proc.date, _KIND_RANK["procedure"], order, row)


def _radiotherapy(rt: Radiotherapy, order: int) -> _Treatment:
    lane = rt.lane or DEFAULT_LANES["radiotherapy"]
    row = TreatmentRow(
        lane=lane, lane_period="", treatment=rt.label, type="radiotherapy",
        period=period_text(rt.start, rt.end), dose=rt.dose_text() or "", outcome="", stop_reason="",
    )
    return _Treatment(lane, rt.start, rt.end, _KIND_RANK["radiotherapy"], order, row)


def _medication(med: Medication, order: int) -> _Treatment:
    lane = medication_lane(med)
    row = TreatmentRow(
        lane=lane, lane_period="", treatment=med.label, type=med.class_,
        period=period_text(med.start, med.end), dose=_medication_dose(med),
        outcome=med.outcome or "", stop_reason=med.stop_reason or "",
    )
    return _Treatment(lane, med.start, med.end, _KIND_RANK["medication"], order, row)


def _treatment_rows(case: Case) -> tuple[TreatmentRow, ...]:
    """Rows grouped by lane (lanes in order of first start), chronological inside each lane."""
    items = [
        *(_procedure(p, i) for i, p in enumerate(case.procedures)),
        *(_radiotherapy(r, i) for i, r in enumerate(case.radiotherapy)),
        *(_medication(m, i) for i, m in enumerate(case.medications)),
    ]
    items.sort(key=lambda t: (t.start.lower(), t.start.qualified, t.rank, t.order))
    lanes: dict[str, list[_Treatment]] = {}
    for item in items:
        lanes.setdefault(item.lane, []).append(item)
    rows: list[TreatmentRow] = []
    for members in lanes.values():
        span = _lane_period([m.start for m in members], [m.end for m in members])
        rows.extend(replace(m.row, lane_period=span) for m in members)
    return tuple(rows)


# ---------------------------------------------------------------- imaging and adverse events


def _imaging_row(image: Imaging) -> ImagingRow:
    return ImagingRow(
        date=image.date.display(), modality=image.modality, site=image.site or "",
        finding=image.finding or "", response=image.response or "",
    )


def _adverse_event_row(ae: AdverseEvent, drug_labels: dict[str, str]) -> AdverseEventRow:
    return AdverseEventRow(
        term=ae.term,
        grade=f"G{ae.grade}" if ae.grade is not None else "not reported",
        period=period_text(ae.start, ae.end, point=True),
        suspects=", ".join(drug_labels.get(s, s) for s in ae.suspect),
        immune_related="yes" if ae.immune_related else "no",
        action=_ACTION_TEXT.get(ae.action or "", ""),
    )


def summarize(case: Case) -> Summary:
    """Case -> Summary: treatments grouped by lane, imaging and adverse events by date."""
    images = sorted(enumerate(case.imaging), key=lambda p: (p[1].date.lower(), p[1].date.qualified, p[0]))
    events = sorted(
        enumerate(case.adverse_events), key=lambda p: (p[1].start.lower(), p[1].start.qualified, p[0])
    )
    drug_labels = {med.id: med.label for med in case.medications}
    return Summary(
        treatments=_treatment_rows(case),
        imaging=tuple(_imaging_row(image) for _, image in images),
        adverse_events=tuple(_adverse_event_row(ae, drug_labels) for _, ae in events),
    )


# ---------------------------------------------------------------- output


def _as_dict(row: Row) -> dict[str, str]:
    # Why not dataclasses.asdict: it deep-copies; the fields are all plain strings.
    return {f.name: getattr(row, f.name) for f in fields(row)}


_ROW_TYPES: dict[str, type[TreatmentRow] | type[ImagingRow] | type[AdverseEventRow]] = {
    "treatments": TreatmentRow,
    "imaging": ImagingRow,
    "adverse_events": AdverseEventRow,
}


def _table(summary: Summary, table: str) -> tuple[Row, ...]:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    rows: tuple[Row, ...] = getattr(summary, table)
    return rows


def columns(table: str) -> list[str]:
    """The machine names of a table's columns, as used by to_csv and to_json."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    return [f.name for f in fields(_ROW_TYPES[table])]


def rows_for(summary: Summary, table: str) -> tuple[list[str], list[list[str]]]:
    """(human headers, rows of cell text) for one table, e.g. to fill a rich Table."""
    rows = _table(summary, table)
    headers = list(_ROW_TYPES[table].HEADERS)
    return headers, [list(_as_dict(row).values()) for row in rows]


def _md_cell(text: str) -> str:
    # Why escape backslashes first: GFM splits cells on a pipe unless a backslash escapes it,
    # and "\\|" is an escaped backslash followed by a real delimiter.
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    # A line break inside a cell would end the table row; GFM cells take <br> instead.
    return text.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _md_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def to_markdown(summary: Summary) -> str:
    """GitHub pipe tables, one '## ' heading per table; pipes and line breaks in cells escaped."""
    blocks: list[str] = []
    for table in TABLES:
        headers, rows = rows_for(summary, table)
        lines = [f"## {TABLE_TITLES[table]}", ""]
        if rows:
            lines.append(_md_line([_md_cell(h) for h in headers]))
            lines.append(_md_line(["---"] * len(headers)))
            lines.extend(_md_line([_md_cell(c) for c in row]) for row in rows)
        else:
            lines.append("_None recorded._")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _csv_fieldnames() -> list[str]:
    names: dict[str, None] = {"table": None}
    for table in TABLES:
        names.update(dict.fromkeys(columns(table)))
    return list(names)


def to_csv(summary: Summary) -> str:
    """All three tables in one CSV; the `table` column names the table, other columns are shared.

    Columns a table lacks are empty. Lines end in CRLF (the csv module's default); read it back
    with `csv.DictReader(io.StringIO(text, newline=""))`.
    """
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=_csv_fieldnames(), restval="")
    writer.writeheader()
    for table in TABLES:
        for row in _table(summary, table):
            writer.writerow({"table": table, **_as_dict(row)})
    return buffer.getvalue()


def to_dict(summary: Summary) -> dict[str, list[dict[str, str]]]:
    """{table: [{column: text}]}, columns in declaration order."""
    return {table: [_as_dict(row) for row in _table(summary, table)] for table in TABLES}


def to_json(summary: Summary) -> str:
    """The three tables as JSON: an object of arrays of objects, keys in column order."""
    data: dict[str, Any] = to_dict(summary)
    return json.dumps(data, ensure_ascii=False, indent=2)
