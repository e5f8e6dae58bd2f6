"""The validated case model (case-file format version 1), built with pydantic v2."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from atc_timeline.case.dates import DATE_PATTERN, PartialDate, looks_like_date, parse_date, shown
from atc_timeline.case.text import MAX_TEXT as MAX_TEXT  # re-exported: options.py takes it from here
from atc_timeline.case.text import clean_text

SCHEMA_ID = "atc-timeline/1"

Sex = Literal["male", "female", "other", "unknown"]
Status = Literal["alive", "deceased", "unknown"]
Schedule = Literal["QD", "BID", "QW", "Q2W", "Q3W", "Q4W", "ONCE"]
DrugClass = Literal["chemotherapy", "targeted", "immunotherapy", "hormonal", "other"]
Response = Literal[
    "baseline", "CR", "PR", "SD", "PD", "NE", "iCR", "iPR", "iSD", "iUPD", "iCPD"
]
Action = Literal[
    "none", "dose_reduced", "drug_interrupted", "drug_withdrawn", "symptomatic_treatment", "unknown"
]
EndKeyword = Literal["ongoing", "unknown"]

SCHEDULE_TEXT: dict[str, str] = {
    "QD": "once daily",
    "BID": "twice daily",
    "QW": "weekly",
    "Q2W": "every 2 weeks",
    "Q3W": "every 3 weeks",
    "Q4W": "every 4 weeks",
    "ONCE": "single dose",
}


def _to_date(value: object) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    return parse_date(value)


def _to_end(value: object) -> PartialDate | str:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, str) and value.strip() in ("ongoing", "unknown"):
        return value.strip()
    try:
        return parse_date(value)
    except ValueError:
        if looks_like_date(value):
            raise  # written as a date, but not a possible one: say why
        raise ValueError(
            f"{shown(value)} is not an end date; write a date (2018-04), 'ongoing' or 'unknown'"
        ) from None


def _year_to_text(value: object) -> object:
    # Why: YAML reads an unquoted year (time_zero: 2019) as an int; dates elsewhere accept it.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _date_text(value: PartialDate | str) -> str:
    return value.iso() if isinstance(value, PartialDate) else value


_DATE_SCHEMA = {
    "type": "string",
    "pattern": DATE_PATTERN,
    "description": "2017-08-30, 2017-10 or 2017, optionally followed by ~ or ?",
}

Date = Annotated[
    PartialDate,
    BeforeValidator(_to_date),
    PlainSerializer(_date_text, return_type=str),
    WithJsonSchema(_DATE_SCHEMA),
]
EndDate = Annotated[
    PartialDate | EndKeyword,
    BeforeValidator(_to_end),
    PlainSerializer(_date_text, return_type=str),
    WithJsonSchema(
        {"anyOf": [_DATE_SCHEMA, {"type": "string", "enum": ["ongoing", "unknown"]}]}
    ),
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank (it holds only spaces)")
    return value


# Every text of a case goes through clean_text (case/text.py): U+FEFF dropped, characters
# that are not text refused, so a Case built in Python holds what a case file must.
_Clean = BeforeValidator(clean_text)
# (Constraints first: a validator before them would turn pydantic's string checks into
# generic ones with vaguer errors; the BeforeValidator still runs before them.)
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), _Clean, AfterValidator(_not_blank)]
ShortText = Annotated[str, Field(max_length=MAX_TEXT), _Clean]
PHASE_MARK = "--phase-"


def _not_a_phase_id(value: str) -> str:
    # Why: the chart names dose phases "<medication id>--phase-<n>"; an item named so would
    # share its SVG group and tooltip with a phase, and keep its id when de-identified.
    if PHASE_MARK in value:
        raise ValueError(
            f"contains '{PHASE_MARK}', which the chart keeps for naming dose phases; choose another id"
        )
    return value


Id = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TEXT, pattern=r"^[A-Za-z0-9_.\-]+$"),
    _Clean,
    AfterValidator(_not_a_phase_id),
]

# Bounds on numbers: wide enough for every real course (radioiodine dosimetry quotes a few
# hundred Gy to a remnant; hyperfractionation about 70 fractions), narrow enough that a
# slipped digit or a paste of 400 digits is refused instead of drawn or overflowing a float.
MAX_DOSE_GY = 1000
MIN_DOSE_GY = 0.01
MAX_FRACTIONS = 200
# Why strict: YAML writes a number or true/false; lax parsing would draw `age: true` as a
# 1-year-old and take grade '3' or 3.0 for 3.
# A dose as clinicians write it: a number of Gy, or a number with its unit ("2 Gy", "200 cGy",
# "1,8 Gy" with a decimal comma); stored in Gy.
DOSE_UNITS = {"gy": 1.0, "cgy": 0.01, "mgy": 0.001}
_DOSE_TEXT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([A-Za-z]+)\s*$")
_DOSE_PATTERN = r"^\s*[0-9]+([.,][0-9]+)?\s*(Gy|cGy|mGy|GY|CGY|MGY|gy|cgy|mgy)\s*$"


def _dose_in_gy(value: object) -> object:
    """'2 Gy', '200 cGy' or '1,8 Gy' -> Gy as a float; anything else passes to the number check."""
    if not isinstance(value, str):
        return value
    found = _DOSE_TEXT.match(value)
    if found is None:
        plain = value.strip()
        if _PLAIN_NUMBER.match(plain) and "," in plain:
            # Why: YAML reads an unquoted 1,8 as text too, so this need not have been quoted.
            point = plain.replace(",", ".")
            raise ValueError(
                f"{shown(value)} has a decimal comma but no unit: write {point}, or {plain} Gy"
            )
        if _PLAIN_NUMBER.match(plain):
            raise ValueError(f"{shown(value)} is quoted: write the number without quotes, or with a unit")
        raise ValueError(f"{shown(value)} is not a dose; write a number of Gy, or with a unit: 2 Gy, 200 cGy")
    number, unit = found.groups()
    factor = DOSE_UNITS.get(unit.lower())
    if factor is None:
        raise ValueError(f"unknown dose unit {shown(unit)}; use Gy, cGy or mGy (2 Gy, 200 cGy)")
    return round(float(number.replace(",", ".")) * factor, 6)


_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+([.,][0-9]*)?$")
Dose = Annotated[
    float,
    Field(strict=True, allow_inf_nan=False, ge=MIN_DOSE_GY, le=MAX_DOSE_GY),
    BeforeValidator(_dose_in_gy),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": MIN_DOSE_GY, "maximum": MAX_DOSE_GY},
                {"type": "string", "pattern": _DOSE_PATTERN},
            ],
            "description": "Gy, or a number with its unit: 2 Gy, 200 cGy",
        }
    ),
]

# Code systems by short alias (FHIR canonical URIs are in the README); codes are optional.
CODE_SYSTEMS = (
    "sct", "loinc", "rxnorm", "icd10cm", "icd10pcs", "icd11", "icdo3", "cpt", "ncit", "meddra",
    "dicom", "atc", "hgnc", "hgvs",
)
CODE_PATTERN = rf"^({'|'.join(CODE_SYSTEMS)}):\S+$"
Code = Annotated[
    str,
    Field(
        pattern=CODE_PATTERN,
        max_length=MAX_TEXT,
        description="system:code, e.g. sct:13619001 or rxnorm:1597876",
    ),
    _Clean,
]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_period(start: PartialDate, end: PartialDate | str | None, what: str) -> None:
    if isinstance(end, PartialDate) and end.upper() < start.lower():
        raise ValueError(f"end: {what} ends {end.iso()} before it starts {start.iso()}")


class CaseInfo(_Item):
    """Identification of the case and its follow-up."""

    id: Id
    title: Text
    source: ShortText | None = None
    data_cutoff: Date | None = None
    time_zero: Annotated[Text, BeforeValidator(_year_to_text)] | None = Field(
        default=None, description="'diagnosis' (default), an item id, or a date"
    )


class Patient(_Item):
    """Demographics and vital status at the data cut-off."""

    age: int | None = Field(default=None, strict=True, ge=0, le=130)
    sex: Sex = "unknown"
    status: Status = "unknown"
    death_date: Date | None = None

    @model_validator(mode="after")
    def _death(self) -> Patient:
        if self.death_date is not None and self.status != "deceased":
            raise ValueError("death_date: a death date is given but status is not 'deceased'")
        return self


class Metastasis(_Item):
    """A metastatic site and when it was found."""

    site: Text
    date: Date | None = None
    source: ShortText | None = None
    codes: list[Code] = Field(default_factory=list)


class Diagnosis(_Item):
    """The cancer diagnosis."""

    label: Text
    date: Date | None = None
    histology: ShortText | None = None
    molecular: list[Text] = Field(default_factory=list)
    metastases: list[Metastasis] = Field(default_factory=list)
    source: ShortText | None = None
    codes: list[Code] = Field(default_factory=list)


class Procedure(_Item):
    """A point-in-time procedure: surgery, biopsy."""

    id: Id
    label: Text
    date: Date
    outcome: ShortText | None = None
    lane: Text | None = None
    source: ShortText | None = None
    codes: list[Code] = Field(default_factory=list)


class Radiotherapy(_Item):
    """A radiotherapy course."""

    id: Id
    label: Text
    start: Date
    end: EndDate | None = None
    site: ShortText | None = None
    dose_per_fraction: Dose | None = Field(default=None, description="Gy per fraction")
    fractions: int | None = Field(default=None, strict=True, ge=1, le=MAX_FRACTIONS)
    total_dose: Dose | None = Field(default=None, description="Gy")
    lane: Text | None = None
    source: ShortText | None = None
    codes: list[Code] = Field(default_factory=list)

    @model_validator(mode="after")
    def _period(self) -> Radiotherapy:
        _check_period(self.start, self.end, "the course")
        if self.dose_per_fraction is not None and self.fractions is not None and self.total_dose is None:
            product = self.dose_per_fraction * self.fractions
            if product > MAX_DOSE_GY:
                raise ValueError(
                    f"fractions: {self.dose_per_fraction:g} Gy x {self.fractions} fractions is "
                    f"{product:g} Gy; a course can be at most {MAX_DOSE_GY:,} Gy"
                )
        return self

    def dose_text(self) -> str | None:
        """'2.0 Gy x 28 fractions (56 Gy)' from whatever dose fields are given."""
        if self.dose_per_fraction is not None and self.fractions is not None:
            total = self.total_dose or self.dose_per_fraction * self.fractions
            return f"{_gy(self.dose_per_fraction)} Gy \u00d7 {self.fractions} ({total:g} Gy)"
        if self.total_dose is not None:
            return f"{self.total_dose:g} Gy"
        return None


def _gy(dose: float) -> str:
    """A dose per fraction with one decimal (2.0), or as many as it has (2.25, not 2.2)."""
    one = f"{dose:.1f}"
    return one if float(one) == dose else f"{dose:g}"


class Phase(_Item):
    """A stretch of one drug at one dose and schedule."""

    start: Date
    dose: ShortText | None = None
    schedule: Schedule | None = None
    source: ShortText | None = None

    def dose_text(self) -> str:
        """'240 mg Q2W'."""
        return " ".join(part for part in (self.dose, self.schedule) if part)


class Medication(_Item):
    """A systemic therapy: one drug or regimen over one period."""

    id: Id
    label: Text
    drug: ShortText | None = None
    class_: DrugClass = Field(default="other", alias="class")
    start: Date
    end: EndDate | None = None
    dose: ShortText | None = None
    schedule: Schedule | None = None
    phases: list[Phase] = Field(default_factory=list)
    stop_reason: ShortText | None = None
    outcome: ShortText | None = None
    lane: Text | None = None
    source: ShortText | None = None
    codes: list[Code] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _period(self) -> Medication:
        _check_period(self.start, self.end, "the medication")
        for index, phase in enumerate(self.phases):
            if phase.start.upper() < self.start.lower():
                raise ValueError(
                    f"phases: phase {index + 1} starts {phase.start.iso()}, "
                    f"before the drug starts {self.start.iso()}"
                )
            if isinstance(self.end, PartialDate) and phase.start.lower() > self.end.upper():
                raise ValueError(
                    f"phases: phase {index + 1} starts {phase.start.iso()}, "
                    f"after the drug ends {self.end.iso()}"
                )
            if index and phase.start.upper() < self.phases[index - 1].start.lower():
                raise ValueError(
                    f"phases: phase {index + 1} starts before phase {index}; list them in order"
                )
        return self

    def dose_text(self) -> str:
        """'40 mg QD' for a single-phase drug."""
        return " ".join(part for part in (self.dose, self.schedule) if part)


class Imaging(_Item):
    """An imaging study and what it showed."""

    id: Id
    date: Date
    modality: Text
    site: ShortText | None = None
    finding: ShortText | None = None
    response: Response | None = None
    lane: Text | None = None
    source: ShortText | None = None
    codes: list[Code] = Field(default_factory=list)


class AdverseEvent(_Item):
    """An adverse event, graded by CTCAE."""

    id: Id
    term: Text
    grade: int | None = Field(default=None, strict=True, ge=1, le=5, description="CTCAE grade 1-5")
    start: Date
    end: EndDate | None = None
    suspect: list[Id] = Field(default_factory=list, description="medication ids")
    immune_related: bool = Field(default=False, strict=True)
    action: Action | None = None
    lane: Text | None = None
    source: ShortText | None = None
    codes: list[Code] = Field(default_factory=list)

    @model_validator(mode="after")
    def _period(self) -> AdverseEvent:
        _check_period(self.start, self.end, "the adverse event")
        return self


class Display(_Item):
    """Presentation choices kept with the case."""

    lanes: list[Text] = Field(default_factory=list)


class Case(_Item):
    """One patient's case file."""

    schema_: Literal["atc-timeline/1"] = Field(alias="schema")
    case: CaseInfo
    patient: Patient = Field(default_factory=Patient)
    diagnosis: Diagnosis
    procedures: list[Procedure] = Field(default_factory=list)
    radiotherapy: list[Radiotherapy] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    imaging: list[Imaging] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    display: Display = Field(default_factory=Display)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def items(self) -> list[Any]:
        """Every item that carries an id, in file order."""
        return [
            *self.procedures,
            *self.radiotherapy,
            *self.medications,
            *self.imaging,
            *self.adverse_events,
        ]
