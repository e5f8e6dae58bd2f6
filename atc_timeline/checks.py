"""Checks across fields that the per-field model cannot see: ids, references, dates vs. follow-up."""

from __future__ import annotations

from collections.abc import Iterator

from atc_timeline.dates import PartialDate, parse_date
from atc_timeline.errors import Severity
from atc_timeline.model import Case

Finding = tuple[tuple[str | int, ...], str, Severity]

_SECTIONS = ("procedures", "radiotherapy", "medications", "imaging", "adverse_events")


def check_case(case: Case) -> list[Finding]:
    """Every cross-field problem in the case, as (key path, message, severity)."""
    return [*_ids(case), *_references(case), *_follow_up(case)]


def _ids(case: Case) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for section in _SECTIONS:
        for index, item in enumerate(getattr(case, section)):
            where = f"{section}[{index}]"
            if item.id in seen:
                yield (section, index, "id"), f"id '{item.id}' is already used by {seen[item.id]}", "error"
            else:
                seen[item.id] = where


def _references(case: Case) -> Iterator[Finding]:
    medication_ids = {m.id for m in case.medications}
    for index, ae in enumerate(case.adverse_events):
        for position, suspect in enumerate(ae.suspect):
            if suspect not in medication_ids:
                known = ", ".join(sorted(medication_ids)) or "none"
                yield (
                    ("adverse_events", index, "suspect", position),
                    f"'{suspect}' is not the id of a medication (medication ids: {known})",
                    "error",
                )
    time_zero = case.case.time_zero
    if time_zero and time_zero != "diagnosis" and time_zero not in {i.id for i in case.items()}:
        try:
            parse_date(time_zero)
        except ValueError:
            yield (
                ("case", "time_zero"),
                f"'{time_zero}' is neither 'diagnosis', an item id, nor a date",
                "error",
            )
    if (time_zero in (None, "diagnosis")) and case.diagnosis.date is None and not case.items():
        yield ("diagnosis",), "nothing is dated: give diagnosis.date or at least one event", "error"


def _follow_up(case: Case) -> Iterator[Finding]:
    cutoff = case.case.data_cutoff
    death = case.patient.death_date
    for section in _SECTIONS:
        for index, item in enumerate(getattr(case, section)):
            for field in ("date", "start"):
                value = getattr(item, field, None)
                if not isinstance(value, PartialDate):
                    continue
                if cutoff is not None and value.lower() > cutoff.upper():
                    yield (
                        (section, index, field),
                        f"{value.iso()} is after the data cut-off {cutoff.iso()}",
                        "warning",
                    )
                if death is not None and value.lower() > death.upper():
                    yield (
                        (section, index, field),
                        f"{value.iso()} is after the patient's death on {death.iso()}",
                        "error",
                    )
            if getattr(item, "end", None) == "ongoing" and case.patient.status == "deceased":
                yield (
                    (section, index, "end"),
                    "'ongoing' cannot apply to a deceased patient; give the end date or 'unknown'",
                    "error",
                )
