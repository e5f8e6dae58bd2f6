"""De-identified charts: no calendar dates, case id, exact age or free-text source on the chart."""

from __future__ import annotations

import dataclasses

import pandas as pd

from atc_timeline.case.model import Case
from atc_timeline.events.normalize import CaseContext

_MONTH = 30.4375


def _relative(day: pd.Timestamp, zero: pd.Timestamp) -> str:
    months = (day - zero).days / _MONTH
    return f"month {months:.0f}"


def deidentify_case(case: Case) -> Case:
    """The case without what identifies the patient outright: id, exact age, free-text source."""
    info = case.case.model_copy(update={"id": "deidentified", "source": None})
    patient = case.patient.model_copy(update={"age": None})
    return case.model_copy(update={"case": info, "patient": patient})


def age_band(age: int | None) -> str:
    """A ten-year band such as '60-69 years' ('' when the age is unknown)."""
    if age is None:
        return ""
    low = age // 10 * 10
    return f"{low}-{low + 9} years"


def deidentify_events(events: pd.DataFrame, zero: pd.Timestamp) -> pd.DataFrame:
    """Dates written as months from time zero, and no free-text sources (a new frame)."""
    result = events.copy()
    words = {"ongoing", "unknown", ""}
    result["start_text"] = [_relative(day, zero) for day in result["start_lo"]]
    result["end_text"] = [
        text if text in words else _relative(day, zero)
        for text, day in zip(events["end_text"], result["end_hi"], strict=True)
    ]
    result["source"] = ""
    # Ids are the author's words and often carry dates ("mri-2019-10"); the SVG keeps one
    # id per event, so opaque ones take their place.
    parents = [i for i in events["event_id"] if "--phase-" not in i]
    new_ids = {old: f"e{n + 1}" for n, old in enumerate(parents)}

    def rename(event_id: str) -> str:
        parent, sep, phase = event_id.partition("--phase-")
        return f"{new_ids.get(parent, parent)}{sep}{phase}"

    result["event_id"] = [rename(i) for i in events["event_id"]]
    result["parent_id"] = [new_ids.get(p, p) for p in events["parent_id"]]
    return result.astype(events.dtypes.to_dict())


def deidentify_context(context: CaseContext, original: Case) -> CaseContext:
    """Titles and labels of the chart without dates, id, exact age or source."""
    zero = pd.Timestamp(context.time_zero)
    sex = {"male": "man", "female": "woman"}.get(original.patient.sex, "patient")
    parts = [f"{sex.capitalize()}, {age_band(original.patient.age)}".rstrip(", ")]
    parts.append(original.diagnosis.label)
    parts.extend(original.diagnosis.molecular)
    if original.diagnosis.metastases:
        parts.append("metastases: " + ", ".join(m.site for m in original.diagnosis.metastases))
    death = ""
    if context.death_date is not None:
        death = _relative(pd.Timestamp(context.death_date), zero)
    label = context.time_zero_label
    if label not in ("diagnosis", "first event") and not label.startswith("start of "):
        label = "time zero"  # a calendar date chosen as time zero would identify
    return dataclasses.replace(
        context,
        case_id="deidentified",
        subtitle=" \u00b7 ".join(p for p in parts if p),
        source="",
        cutoff_text=_relative(pd.Timestamp(context.data_cutoff), zero),
        death_text=death,
        time_zero_label=label,
    )
