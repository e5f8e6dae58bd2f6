"""Flatten a Case into one events DataFrame with a fixed column contract, plus case-level context."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from atc_timeline.case.dates import PartialDate, parse_date
from atc_timeline.case.lanes import BOTTOM_LANES, DEFAULT_LANES, medication_lane
from atc_timeline.case.model import PHASE_MARK, SCHEDULE_TEXT, Case, Medication

# The column contract of the events frame: one row per drawable event, sorted by
# (start_lo, order). Dates are the earliest/latest plausible day of each end, so a
# month-precision start "2017-10" has start_lo=2017-10-01 and start_hi=2017-10-31.
EVENT_COLUMNS: dict[str, str] = {
    "event_id": "string",  # unique; phases are "<medication id>--phase-<n>"
    "parent_id": "string",  # the medication a phase belongs to; "" otherwise
    "kind": "string",  # procedure | radiotherapy | medication | phase | imaging | adverse_event
    "category": "string",  # surgery, radiotherapy, chemotherapy, targeted, immunotherapy, ...
    "lane": "string",
    "label": "string",  # the item's name
    "detail": "string",  # dose, finding or outcome text shown next to the name
    "start_lo": "datetime64[ns]",
    "start_hi": "datetime64[ns]",
    "end_lo": "datetime64[ns]",  # for point events equal to start_lo
    "end_hi": "datetime64[ns]",
    "start_text": "string",  # the date as written, e.g. "2017-10~"
    "end_text": "string",  # a date, "ongoing", "unknown" or "" for point events
    "start_exact": "bool",  # day precision, not approximate or uncertain
    "end_exact": "bool",
    "is_interval": "bool",
    "end_status": "string",  # date | ongoing | unknown | point
    "response": "string",  # RECIST/iRECIST code or ""
    "grade": "Int64",  # CTCAE grade or <NA>
    "immune_related": "bool",
    "stop_reason": "string",
    "outcome": "string",  # efficacy or result as the record states it, e.g. Table 1's column
    "source": "string",
    "order": "int64",  # position in the file, for stable ties
    # How each end was written: precision day | month | year ("" for an end that is no date:
    # ongoing or unknown) and qualifier "" | "~" | "?" | "%", so the chart can tell a date
    # known to the month from an approximate or an uncertain one.
    "start_precision": "string",
    "start_qualifier": "string",
    "end_precision": "string",
    "end_qualifier": "string",
    # Start and end in the same imprecise period ("2012 - 2012"): when within it is unknown.
    "within_period": "bool",
    # Something of the item is dated after the data cut-off (validation warns about it).
    "after_cutoff": "bool",
}

# An end not recorded fades out over at most this many days (or to the next line of the same
# lane or class, or the cut-off). Why: fading to the cut-off drew years of treatment nobody
# recorded, overlapping the lines that followed.
UNKNOWN_END_DAYS = 91

# Only actions that change treatment are worth chart space; the rest stay in the title.
_ACTION_TEXT = {
    "dose_reduced": "dose reduced",
    "drug_interrupted": "drug interrupted",
    "drug_withdrawn": "drug withdrawn",
}


@dataclass(frozen=True)
class CaseContext:
    """Case-level facts the chart needs beyond the events: titles, cut-off, time zero."""

    case_id: str
    title: str
    subtitle: str
    source: str
    data_cutoff: dt.date
    cutoff_text: str
    status: str
    death_date: dt.date | None
    time_zero: dt.date
    time_zero_label: str
    lanes: tuple[str, ...]
    death_text: str = ""  # how the date of death is written on the chart
    # The period an imprecise time zero or death date may lie in (equal ends when exact);
    # time_zero and death_date are the middle of it, as for any imprecise date.
    time_zero_lo: dt.date | None = None
    time_zero_hi: dt.date | None = None
    time_zero_note: str = ""  # "approximate" or "uncertain" for an imprecise time zero, else ""
    time_zero_period: str = ""  # the period an imprecise time zero names, e.g. "2016"
    death_lo: dt.date | None = None
    death_hi: dt.date | None = None
    # Metastases with a date: (site, first day, last day, the date as shown), in file order.
    metastases: tuple[tuple[str, dt.date, dt.date, str], ...] = ()


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _span(value: PartialDate) -> tuple[dt.date, dt.date]:
    return value.bounds()


def _row(**values: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "parent_id": "",
        "detail": "",
        "end_text": "",
        "end_exact": True,
        "response": "",
        "grade": pd.NA,
        "immune_related": False,
        "stop_reason": "",
        "outcome": "",
        "source": "",
        "within_period": False,
        "after_cutoff": False,
    }
    return {**defaults, **values}


def _written(prefix: str, value: PartialDate | None) -> dict[str, str]:
    """The precision and qualifier columns of one end ('' for an end that is no date)."""
    if value is None:
        return {f"{prefix}_precision": "", f"{prefix}_qualifier": ""}
    return {f"{prefix}_precision": value.precision, f"{prefix}_qualifier": value.qualifier}


def _interval(
    start: PartialDate,
    end: PartialDate | str | None,
    cutoff: dt.date,
    point_if_open: bool = False,
) -> dict[str, Any]:
    """Start/end bounds for an item; 'ongoing' runs to the cut-off, 'unknown' fades to it."""
    start_lo, start_hi = _span(start)
    values: dict[str, Any] = {
        "start_lo": _ts(start_lo),
        "start_hi": _ts(start_hi),
        "start_text": start.iso(),
        "start_exact": start.exact,
        "after_cutoff": start.lower() > cutoff,
        **_written("start", start),
    }
    if end is None and point_if_open:
        return {**values, "end_lo": _ts(start_lo), "end_hi": _ts(start_hi), "end_text": "",
                "end_exact": start.exact, "is_interval": False, "end_status": "point",
                **_written("end", start)}
    if isinstance(end, PartialDate):
        end_lo, end_hi = _span(end)
        # Why: "2012 - 2012" says when within the year nothing; a year-long bar would claim
        # a year of treatment. The start and end ranges overlap with neither day-exact.
        within = end_lo <= start_lo and not (start.exact or end.exact)
        return {**values, "end_lo": _ts(max(end_lo, start_lo)), "end_hi": _ts(max(end_hi, start_hi)),
                "end_text": end.iso(), "end_exact": end.exact, "is_interval": True, "end_status": "date",
                "within_period": within, "after_cutoff": values["after_cutoff"] or end.lower() > cutoff,
                **_written("end", end)}
    if end == "ongoing":
        last = max(cutoff, start_hi)
        return {**values, "end_lo": _ts(last), "end_hi": _ts(last), "end_text": "ongoing",
                "end_exact": True, "is_interval": True, "end_status": "ongoing", **_written("end", None)}
    # "unknown" or missing: it ended somewhere after its start; _bound_unknown_ends decides
    # how far the chart fades it out.
    return {**values, "end_lo": _ts(start_hi), "end_hi": _ts(max(cutoff, start_hi)),
            "end_text": "unknown", "end_exact": False, "is_interval": True, "end_status": "unknown",
            **_written("end", None)}


def _dates(case: Case) -> list[PartialDate]:
    found: list[PartialDate] = []
    for item in case.items():
        for field in ("date", "start", "end"):
            value = getattr(item, field, None)
            if isinstance(value, PartialDate):
                found.append(value)
    if case.diagnosis.date is not None:
        found.append(case.diagnosis.date)
    return found


def data_cutoff(case: Case) -> dt.date:
    """The last day of follow-up: the cut-off, death, or the last dated fact."""
    if case.case.data_cutoff is not None:
        return case.case.data_cutoff.upper()
    if case.patient.death_date is not None:
        return case.patient.death_date.upper()
    dates = _dates(case)
    return max(d.upper() for d in dates) if dates else dt.date.today()


def _zero_date(case: Case) -> tuple[PartialDate | None, dt.date, str]:
    """The date case.time_zero names ('diagnosis', an item id or a date), or a day, and a label."""
    choice = case.case.time_zero or "diagnosis"
    if choice == "diagnosis":
        if case.diagnosis.date is not None:
            return case.diagnosis.date, case.diagnosis.date.midpoint(), "diagnosis"
        dates = _dates(case)
        if not dates:
            return None, data_cutoff(case), "first event"
        first = min(dates, key=lambda d: (d.lower(), d.upper()))
        return first, first.midpoint(), "first event"
    for item in case.items():
        if item.id == choice:
            start = getattr(item, "start", None) or item.date
            label = getattr(item, "label", None) or getattr(item, "term", None) or item.id
            return start, start.midpoint(), f"start of {label}"
    written = parse_date(choice)
    return written, written.midpoint(), written.display()


def _time_zero(case: Case) -> tuple[dt.date, str]:
    """Resolve case.time_zero to a day and a label; an imprecise date counts from its middle.

    Why the middle: every imprecise date is placed there (a "2016" scan at 1 July), so a
    relative axis from "2016~" counts from the same day the chart puts the diagnosis on.
    """
    _, day, label = _zero_date(case)
    return day, label


def _note(value: PartialDate | None) -> str:
    """'approximate' (or 'uncertain') for an imprecise date, '' for one known to the day."""
    if value is None or value.exact:
        return ""
    return "uncertain" if value.uncertain else "approximate"


def _subtitle(case: Case) -> str:
    parts: list[str] = []
    sex = {"male": "man", "female": "woman"}.get(case.patient.sex, "patient")
    if case.patient.age is not None:
        parts.append(f"{case.patient.age}-year-old {sex}")
    elif sex != "patient":
        parts.append(sex.capitalize())
    diagnosis = case.diagnosis.label
    if case.diagnosis.date is not None:
        diagnosis += f", diagnosed {case.diagnosis.date.display()}"
    parts.append(diagnosis)
    if case.diagnosis.molecular:
        parts.append(", ".join(case.diagnosis.molecular))
    if case.diagnosis.metastases:
        parts.append("metastases: " + ", ".join(m.site for m in case.diagnosis.metastases))
    return " \u00b7 ".join(parts)


def lane_order(events: pd.DataFrame, requested: list[str]) -> tuple[str, ...]:
    """Lanes named in display.lanes first, then treatment lanes by first event, then imaging and AEs."""
    present = list(dict.fromkeys(events.sort_values(["start_lo", "order"])["lane"].tolist()))
    ordered = [lane for lane in requested if lane in present]
    rest = [lane for lane in present if lane not in ordered]
    treatment = [lane for lane in rest if lane not in BOTTOM_LANES]
    bottom = [lane for lane in BOTTOM_LANES if lane in rest]
    return tuple(ordered + treatment + bottom)


def case_context(case: Case, events: pd.DataFrame) -> CaseContext:
    """Gather the case-level facts the layout needs."""
    cutoff = data_cutoff(case)
    written, zero, zero_label = _zero_date(case)
    zero_lo, zero_hi = written.bounds() if written is not None and not written.exact else (zero, zero)
    death = case.patient.death_date
    if case.case.data_cutoff is not None:
        cutoff_text = case.case.data_cutoff.display()
    else:
        cutoff_text = pd.Timestamp(cutoff).strftime("%b %Y")
    return CaseContext(
        case_id=case.case.id,
        title=case.case.title,
        subtitle=_subtitle(case),
        source=case.case.source or "",
        data_cutoff=cutoff,
        cutoff_text=cutoff_text,
        status=case.patient.status,
        death_date=death.midpoint() if death else None,
        time_zero=zero,
        time_zero_label=zero_label,
        lanes=lane_order(events, list(case.display.lanes)),
        death_text=death.display() if death else "",
        time_zero_lo=zero_lo,
        time_zero_hi=zero_hi,
        time_zero_note=_note(written),
        time_zero_period=written.plain() if written is not None and not written.exact else "",
        death_lo=death.bounds()[0] if death else None,
        death_hi=death.bounds()[1] if death else None,
        metastases=tuple(
            (m.site, *m.date.bounds(), m.date.display()) for m in case.diagnosis.metastases if m.date
        ),
    )


def normalize_events(case: Case) -> pd.DataFrame:
    """Case -> events DataFrame following EVENT_COLUMNS, sorted by start then file order."""
    cutoff = data_cutoff(case)
    rows: list[dict[str, Any]] = []
    for proc in case.procedures:
        rows.append(_row(
            event_id=proc.id, kind="procedure", category="surgery",
            lane=proc.lane or DEFAULT_LANES["procedure"], label=proc.label,
            detail=proc.outcome or "", outcome=proc.outcome or "", source=proc.source or "",
            **_interval(proc.date, None, cutoff, point_if_open=True),
        ))
    for rt in case.radiotherapy:
        detail = rt.dose_text() or rt.site or ""
        rows.append(_row(
            event_id=rt.id, kind="radiotherapy", category="radiotherapy",
            lane=rt.lane or DEFAULT_LANES["radiotherapy"], label=rt.label, detail=detail,
            source=rt.source or "", **_interval(rt.start, rt.end, cutoff),
        ))
    for med in case.medications:
        lane = medication_lane(med)
        bar = _interval(med.start, med.end, cutoff)
        rows.append(_row(
            event_id=med.id, kind="medication", category=med.class_, lane=lane, label=med.label,
            detail="" if med.phases else med.dose_text(), stop_reason=med.stop_reason or "",
            outcome=med.outcome or "", source=med.source or "", **bar,
        ))
        rows.extend(_phase_rows(med, lane, bar))
    for image in case.imaging:
        detail = (
            ", ".join(p for p in (image.site, image.finding) if p) if image.finding else (image.site or "")
        )
        rows.append(_row(
            event_id=image.id, kind="imaging", category="imaging",
            lane=image.lane or DEFAULT_LANES["imaging"], label=image.modality,
            detail=image.finding or detail, response=image.response or "", source=image.source or "",
            **_interval(image.date, None, cutoff, point_if_open=True),
        ))
    for ae in case.adverse_events:
        # Why a point for an unknown end: only the onset is recorded; a bar would invent a
        # time course (a thrombosis drawn as months of toxicity).
        when = _interval(ae.start, None if ae.end == "unknown" else ae.end, cutoff, point_if_open=True)
        if ae.end == "unknown":
            when = {**when, "end_text": "unknown", "end_status": "unknown"}
        rows.append(_row(
            event_id=ae.id, kind="adverse_event", category="adverse_event",
            lane=ae.lane or DEFAULT_LANES["adverse_event"], label=ae.term,
            detail=_ACTION_TEXT.get(ae.action or "", ""),
            grade=ae.grade if ae.grade is not None else pd.NA, immune_related=ae.immune_related,
            source=ae.source or "", **when,
        ))
    return _frame(_bound_unknown_ends(rows, cutoff))


def _bound_unknown_ends(rows: list[dict[str, Any]], cutoff: dt.date) -> list[dict[str, Any]]:
    """Unknown ends fade out from the last recorded fact, bounded (new rows; input untouched).

    The fade stops at the first of: UNKNOWN_END_DAYS after it, the start of the next bar in
    the same lane or of the same class, the cut-off.
    """
    bars = [r for r in rows if r["is_interval"] and r["kind"] != "phase"]
    # The last recorded fact of a drug: its start, or the latest a dose phase may start.
    known_by: dict[str, pd.Timestamp] = {}
    for r in rows:
        if r["kind"] == "phase":
            known_by[r["parent_id"]] = max(known_by.get(r["parent_id"], r["start_hi"]), r["start_hi"])
    ends: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    for bar in bars:
        if bar["end_status"] != "unknown":
            continue
        known = max(bar["start_hi"], known_by.get(bar["event_id"], bar["start_hi"]))
        later = [
            o["start_lo"] for o in bars
            if o is not bar and o["start_lo"] > known
            and (o["lane"] == bar["lane"] or o["category"] == bar["category"])
        ]
        stop = min([known + pd.Timedelta(days=UNKNOWN_END_DAYS), _ts(cutoff), *later])
        ends[bar["event_id"]] = (known, max(stop, known))
    result = []
    for r in rows:
        key = r["event_id"] if r["kind"] != "phase" else r["parent_id"]
        if key in ends and r["end_status"] == "unknown":
            lo, hi = ends[key]
            r = {**r, "end_lo": max(lo, r["start_hi"]), "end_hi": max(hi, r["start_hi"])}
        result.append(r)
    return result


def _phase_rows(med: Medication, lane: str, bar: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per dose phase; each runs from its start to the next phase (or the drug's end)."""
    rows: list[dict[str, Any]] = []
    for index, phase in enumerate(med.phases):
        start_lo, start_hi = _span(phase.start)
        if index + 1 < len(med.phases):
            nxt = med.phases[index + 1].start
            end_lo, end_hi = (_ts(d) for d in _span(nxt))
            end_text, end_exact, status = nxt.iso(), nxt.exact, "date"
            end_written = _written("end", nxt)
        else:
            end_lo, end_hi = bar["end_lo"], bar["end_hi"]
            end_text, end_exact, status = bar["end_text"], bar["end_exact"], bar["end_status"]
            end_written = {k: bar[k] for k in ("end_precision", "end_qualifier")}
        row_lo, row_hi = max(_ts(start_lo), bar["start_lo"]), max(_ts(start_hi), bar["start_lo"])
        if status == "unknown":
            # Why: an unknown end fades from this phase's start, not from the drug's start.
            end_lo = max(end_lo, row_hi)
        # As in _interval: a phase never ends before it starts, however imprecise the dates.
        end_lo, end_hi = max(end_lo, row_lo), max(end_hi, row_hi)
        schedule = SCHEDULE_TEXT.get(phase.schedule or "", "")
        rows.append(_row(
            event_id=f"{med.id}{PHASE_MARK}{index + 1}", parent_id=med.id, kind="phase",
            category=med.class_, lane=lane, label=phase.dose_text() or f"phase {index + 1}",
            detail=schedule, source=phase.source or "",
            start_lo=row_lo, start_hi=row_hi,
            end_lo=end_lo, end_hi=end_hi, start_text=phase.start.iso(), end_text=end_text,
            start_exact=phase.start.exact, end_exact=end_exact, is_interval=True, end_status=status,
            after_cutoff=bar["after_cutoff"], **_written("start", phase.start), **end_written,
        ))
    return rows


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows as a frame following EVENT_COLUMNS, sorted by start then file order."""
    # Why in Python: sorting the rows and building each typed column once is several times
    # faster than an object frame converted column by column and then sorted.
    ordered = sorted(range(len(rows)), key=lambda i: (rows[i]["start_lo"], i))
    columns = {
        name: _column(ordered if name == "order" else [rows[i][name] for i in ordered], dtype)
        for name, dtype in EVENT_COLUMNS.items()
    }
    return pd.DataFrame(columns, copy=False)


def _column(values: list[Any], dtype: Any) -> Any:
    """One typed column (`dtype` as Any: pandas-stubs types pd.array by literal dtype names)."""
    return pd.array(values, dtype=dtype)
