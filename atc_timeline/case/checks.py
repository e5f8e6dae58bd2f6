"""Checks across fields that the per-field model cannot see: ids, references, dates vs. follow-up."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator

from atc_timeline.case.dates import PartialDate, looks_like_date, parse_date
from atc_timeline.case.model import Case
from atc_timeline.errors import Severity

Finding = tuple[tuple[str | int, ...], str, Severity]

SECTIONS = ("procedures", "radiotherapy", "medications", "imaging", "adverse_events")


# Why: a single patient's chart with more entries than this cannot be read, and laying it
# out would take minutes; refuse it with a message instead. Every entry of every list
# counts (events, dose phases, metastases, codes, molecular findings, suspects, listed
# lanes), so one total bounds the time a chart takes to draw: a few seconds at the limit.
MAX_EVENTS = 2000
LIMIT_WORDS = "events, dose phases, metastases, codes and other list entries"


def entry_count(case: Case) -> int:
    """Every entry of every list in the case: what MAX_EVENTS bounds."""
    diagnosis = case.diagnosis
    count = len(diagnosis.molecular) + len(diagnosis.codes) + len(case.display.lanes)
    count += sum(1 + len(m.codes) for m in diagnosis.metastases)
    for item in case.items():
        count += 1 + len(item.codes)
        count += len(getattr(item, "phases", ())) + len(getattr(item, "suspect", ()))
    return count


def check_case(
    case: Case, today: dt.date | None = None, origin: dict[str, list[int]] | None = None
) -> list[Finding]:
    """Every cross-field problem in the case, as (key path, message, severity).

    `origin` maps each section to the file index of each item, when the case holds only
    the valid items of a file; messages then name items by their place in the file.
    """
    today = today or dt.date.today()
    return [
        *_size(case),
        *_ids(case, origin or {}),
        *_references(case),
        *_lanes(case),
        *_follow_up(case),
        *_after_death(case),
        *_dates(case, today),
        *_radiotherapy(case),
        *_scripts(case),
    ]


def _size(case: Case) -> Iterator[Finding]:
    count = entry_count(case)
    if count > MAX_EVENTS:
        yield (), too_many(count), "error"


def too_many(count: int) -> str:
    """The message for a case over MAX_EVENTS entries."""
    return f"the case has {count:,} entries ({LIMIT_WORDS}); a chart can show at most {MAX_EVENTS:,}"


def _all_dates(case: Case) -> Iterator[tuple[tuple[str | int, ...], PartialDate]]:
    """Every date in the case with its key path."""
    if case.case.data_cutoff is not None:
        yield ("case", "data_cutoff"), case.case.data_cutoff
    if case.patient.death_date is not None:
        yield ("patient", "death_date"), case.patient.death_date
    if case.diagnosis.date is not None:
        yield ("diagnosis", "date"), case.diagnosis.date
    for index, metastasis in enumerate(case.diagnosis.metastases):
        if metastasis.date is not None:
            yield ("diagnosis", "metastases", index, "date"), metastasis.date
    for section in SECTIONS:
        for index, item in enumerate(getattr(case, section)):
            for field in ("date", "start", "end"):
                value = getattr(item, field, None)
                if isinstance(value, PartialDate):
                    yield (section, index, field), value
            for position, phase in enumerate(getattr(item, "phases", [])):
                yield (section, index, "phases", position, "start"), phase.start


def _dates(case: Case, today: dt.date) -> Iterator[Finding]:
    birth_year = None
    if case.patient.age is not None and case.diagnosis.date is not None:
        birth_year = case.diagnosis.date.year - case.patient.age - 1
    for path, value in _all_dates(case):
        if value.lower() > today:
            yield path, f"{value.iso()} is in the future (today is {today.isoformat()})", "error"
        if birth_year is not None and value.upper().year < birth_year:
            yield path, f"{value.iso()} is before the patient was born (about {birth_year})", "error"
    death, diagnosis = case.patient.death_date, case.diagnosis.date
    if death is not None and diagnosis is not None and death.upper() < diagnosis.lower():
        message = f"death {death.iso()} is before the diagnosis {diagnosis.iso()}"
        yield ("patient", "death_date"), message, "error"
    cutoff = case.case.data_cutoff
    if death is not None and cutoff is not None and cutoff.lower() > death.upper():
        yield (
            ("case", "data_cutoff"),
            f"the data cut-off {cutoff.iso()} is after the death on {death.iso()}",
            "warning",
        )


def _radiotherapy(case: Case) -> Iterator[Finding]:
    for index, rt in enumerate(case.radiotherapy):
        if rt.dose_per_fraction is None or rt.fractions is None or rt.total_dose is None:
            continue
        product = rt.dose_per_fraction * rt.fractions
        if abs(product - rt.total_dose) > max(0.05, 0.01 * rt.total_dose):
            yield (
                ("radiotherapy", index, "total_dose"),
                f"{rt.dose_per_fraction:g} Gy x {rt.fractions} fractions is {product:g} Gy, "
                f"not {rt.total_dose:g} Gy",
                "error",
            )


def _lanes(case: Case) -> Iterator[Finding]:
    named = list(case.display.lanes)
    if not named:
        return
    used: set[str] = set()
    for section in SECTIONS:
        for index, item in enumerate(getattr(case, section)):
            if item.lane is None:
                continue
            used.add(item.lane)
            if item.lane not in named:
                yield (
                    (section, index, "lane"),
                    f"lane '{item.lane}' is not listed in display.lanes; it will be drawn after them",
                    "warning",
                )
    seen: set[str] = set()
    for position, lane in enumerate(named):
        if lane in seen:
            yield ("display", "lanes", position), f"lane '{lane}' is listed twice", "error"
        seen.add(lane)


_RTL = ("R", "AL")


def _scripts(case: Case) -> Iterator[Finding]:
    """Warn about right-to-left text, which matplotlib draws without bidi reordering."""
    texts: list[tuple[tuple[str | int, ...], str]] = [(("case", "title"), case.case.title)]
    for section in SECTIONS:
        for index, item in enumerate(getattr(case, section)):
            for field in ("label", "term", "finding", "outcome", "stop_reason"):
                value = getattr(item, field, None)
                if isinstance(value, str):
                    texts.append(((section, index, field), value))
    for path, text in texts:
        if any(unicodedata.bidirectional(ch) in _RTL for ch in text):
            yield (
                path,
                "right-to-left text (Arabic, Hebrew) is drawn left to right, letter by letter; "
                "check the chart",
                "warning",
            )


def _ids(case: Case, origin: dict[str, list[int]]) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for section in SECTIONS:
        for index, item in enumerate(getattr(case, section)):
            where = f"{section}[{origin[section][index] if section in origin else index}]"
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
        except ValueError as exc:
            message = f"'{time_zero}' is neither 'diagnosis', an item id, nor a date"
            yield ("case", "time_zero"), str(exc) if looks_like_date(time_zero) else message, "error"
    if (time_zero in (None, "diagnosis")) and case.diagnosis.date is None and not case.items():
        yield ("diagnosis",), "nothing is dated: give diagnosis.date or at least one event", "error"


def _after_death(case: Case) -> Iterator[Finding]:
    """Any date of the case after the death: an end, a dose phase or a metastasis too."""
    death = case.patient.death_date
    if death is None:
        return
    for path, value in _all_dates(case):
        # The cut-off after death is a warning (_dates); a diagnosis after it has its own message.
        if path[0] in ("case", "patient") or path == ("diagnosis", "date"):
            continue
        if value.lower() > death.upper():
            yield path, f"{value.iso()} is after the patient's death on {death.iso()}", "error"


def _follow_up(case: Case) -> Iterator[Finding]:
    cutoff = case.case.data_cutoff
    for section in SECTIONS:
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
            if getattr(item, "end", None) == "ongoing" and case.patient.status == "deceased":
                yield (
                    (section, index, "end"),
                    "'ongoing' cannot apply to a deceased patient; give the end date or 'unknown'",
                    "error",
                )
