"""De-identified charts: no calendar dates, case id, exact age or free-text source on the chart.

The free text that is still drawn (titles, labels, findings, lane names) is checked by
`identifier_issues`, and the SVG tooltips repeat only what the chart shows (`shown_titles_only`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd

from atc_timeline.case.model import Case
from atc_timeline.errors import CaseValidationError, Issue, Severity
from atc_timeline.events.identifiers import describe, scan_case
from atc_timeline.events.normalize import CaseContext
from atc_timeline.readers.messages import locate
from atc_timeline.readers.yaml_source import LineMap, format_path

if TYPE_CHECKING:
    from atc_timeline.layout.model import TimelineLayout

_MONTH = 30.4375


def _relative(day: pd.Timestamp, zero: pd.Timestamp) -> str:
    # Why as dates: a time zero far from the events (time_zero: '9999') is a valid Timestamp,
    # but subtracting two nanosecond Timestamps that far apart overflows.
    months = (day.date() - zero.date()).days / _MONTH
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
        time_zero_period="",  # "2016": a calendar date
        metastases=tuple((m[0], m[1], m[2], _relative(pd.Timestamp(m[1]), zero)) for m in context.metastases),
    )


def identifier_issues(
    case: Case,
    title: str | None = None,
    file: str = "<case>",
    lines: LineMap | None = None,
    title_field: str = "title",
    severity: Severity = "error",
) -> list[Issue]:
    """One issue per identifier-like text a de-identified chart of `case` would show.

    `title`: the title given instead of the case's, named `title_field` ("--title" on the
    command line). `lines` locates the others in the case file; without it (a Case built in
    Python) an issue names the field only.
    """
    found = []
    for hit in scan_case(case, title):
        line, column = locate(hit.path, lines) if lines and hit.path != ("title",) else (None, None)
        where = title_field if hit.path == ("title",) else format_path(hit.path)
        found.append(Issue(file, line, column, where, describe(hit, severity == "warning"), severity))
    return found


def refuse_identifiers(case: Case, title: str | None = None, title_field: str = "title") -> None:
    """Raise CaseValidationError naming each identifier-like text a de-identified chart would show."""
    found = identifier_issues(case, title, title_field=title_field)
    if found:
        raise CaseValidationError(found)


def title_warning(case: Case, file: str = "<case>", lines: LineMap | None = None) -> Issue:
    """The warning that the case title, free text the author wrote, heads a de-identified chart."""
    line, column = locate(("case", "title"), lines) if lines else (None, None)
    return Issue(
        file, line, column, "case.title",
        "the case title is shown on the de-identified chart (and in a deck's slide title); "
        "it is free text: make sure it identifies no one, or give another with --title",
        "warning",
    )


def shown_titles_only(layout: TimelineLayout) -> TimelineLayout:
    """The layout with tooltips (SVG <title>s) that repeat only the text the chart draws.

    Why: a tooltip holds an event's full text (label, dose, finding, stop reason), also where
    the chart shortens or drops it; a de-identified file must not carry more than it shows.
    """
    drawn: dict[str, list[str]] = {}
    for label in layout.labels:
        if label.event_id and label.role != "lane":
            drawn.setdefault(label.event_id, []).append(label.text)

    def shown(event_id: str) -> str:
        return "\n".join(drawn.get(event_id, ()))

    return dataclasses.replace(
        layout,
        labels=tuple(
            label if label.role == "lane" else dataclasses.replace(label, full_text="")
            for label in layout.labels
        ),
        bars=tuple(dataclasses.replace(bar, title=shown(bar.event_id)) for bar in layout.bars),
        phases=tuple(dataclasses.replace(bar, title=shown(bar.event_id)) for bar in layout.phases),
        markers=tuple(dataclasses.replace(m, title=shown(m.event_id)) for m in layout.markers),
        metastases=tuple(dataclasses.replace(m, title=m.text) for m in layout.metastases),
    )
