"""Free text that may identify a patient: dates, years, ages, names, record numbers (a pure scan).

A de-identified chart replaces the structured identifiers (dates, id, age, source) itself, but
the author's free text (titles, labels, findings, lane names) is drawn as written. This scan
finds what in that text looks like an identifier, so the chart can be refused before it is
written. It is a net, not a proof: a name without a title ("seen by Smith") passes.

Why patterns and not a list of clinical words: clinical text is full of numbers ("40 mg",
"2.0 Gy x 28", "q2w", "grade 3", "CTCAE v5.0", "T4bN1bM1"); each pattern below needs the
shape of a date, an age, a title before a name or a long number, which doses and stages lack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from atc_timeline.case.model import Case

KeyPath = tuple[str | int, ...]

_MONTHS = (
    "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
# Capitalised or upper case: "March", "MAR". Lower-case "may" and "march" are ordinary words.
_MONTH = rf"(?:{_MONTHS}|{_MONTHS.upper()})\.?"
_MONTH_ANY_CASE = rf"(?i:{_MONTHS})\.?"
# The years a case date may hold (1900-2100): nobody alive was born in the 1800s.
_YEAR = r"(?:19\d\d|20\d\d|2100)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# A number that is a quantity: a unit follows it ("2000 mg", "1950 cGy", "2012 IU").
_UNIT = (
    r"(?!\s*(?:mg|g\b|mcg|µg|μg|ug|microgram|mL|ml|L\b|dL|Gy|cGy|mGy|cc|IU|U\b|units?|%|mm|cm|kg"
    r"|GBq|MBq|mCi|ng|pg|pmol|nmol|mmol|µmol|mol|/|x\b|×|cells|copies|bp|kb|reads))"
)

# (kind, pattern): the kind is how the message names what was found.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an e-mail address", re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")),
    # 2018-03-14, 2018/03/14, 2018.03.14, 2018-03
    ("a calendar date", re.compile(
        rf"(?<![\w.]){_YEAR}[-/.](?:1[0-2]|0?[1-9])(?:[-/.](?:[12]\d|3[01]|0?[1-9]))?(?![\w.]?\d)"
    )),
    # 14/03/2018, 14.03.2018, 3-14-18 (day and month either way round)
    ("a calendar date", re.compile(
        r"(?<![\w.])(?:[12]\d|3[01]|0?[1-9])([-/.])(?:[12]\d|3[01]|0?[1-9])\1(?:\d{4}|\d{2})(?![\w.]?\d)"
    )),
    # 14 Mar 2018, 14th of March, 14 March
    ("a calendar date", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?(?!\w)")),
    # March 14, 2019; Mar 14
    ("a calendar date", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?{_UNIT}")),
    # March 2019, Mar 2018, mar. 2019, March '19
    ("a calendar date", re.compile(rf"\b{_MONTH_ANY_CASE},?\s+(?:{_YEAR}\b|'\d\d\b)")),
    # Ages: "aged 67", "age 67", "67-year-old", "67 years old", "67 yo", "67 y/o", "67 years of age"
    ("an age", re.compile(r"(?i)\bage[d:]?\s*:?\s*\d{1,3}\b")),
    ("an age", re.compile(r"(?i)\b[\w-]{1,30}[-\s](?:years?|yrs?|y)[-\s]old\b")),
    ("an age", re.compile(r"(?i)\b\d{1,3}[-\s]?(?:yo|y/o|y\.o\.?|yr\.?\s*old)(?!\w)")),
    ("an age", re.compile(r"(?i)\b\d{1,3}\s+years?\s+of\s+age\b")),
    # A title before a capitalised word: "Dr Smith", "Dr. Smith", "Prof Jones", "Mrs O'Neil".
    # Case-sensitive on purpose: "MR" (imaging) and "MS" are not titles.
    ("a name", re.compile(
        r"\b(?:Dr|Drs|Prof|Mr|Mrs|Ms|Mx|Miss|Sir|Dame)\b\.?\s+[A-Z][\w'’-]*"
    )),
    # A hospital or clinic by name: "Example Hospital", "Mayo Clinic", "Hôpital Necker".
    ("the name of a hospital", re.compile(
        r"(?:\b[A-Z][\w'’.-]*\s+){1,4}(?:Hospitals?|Infirmary|Clinics?|Klinikum|Medical Cent(?:er|re)"
        r"|Cancer Cent(?:er|re)|Health System)\b"
        r"|\b(?:Hospital|Hôpital|Ospedale|Klinikum|Krankenhaus|Clinic)\s+(?:of\s+|de\s+|di\s+)?[A-Z][\w'’-]+"
    )),
    ("a name", re.compile(r"\b(?:St|Saint)\.?\s+[A-Z][a-z][\w'’-]*")),
    # Record numbers: "MRN 1234567", "MRN: A12345", "#12345678", "NHS 943 476 5919", long digit runs.
    ("a record number", re.compile(
        r"(?i)\b(?:MRN|MR#|NHS|SSN|patient\s+(?:no|number|id)|record\s+(?:no|number)|hospital\s+(?:no|number))"
        r"\.?\s*[:#-]?\s*[A-Z]{0,3}\d[\d\s-]{2,}"
    )),
    ("a record number", re.compile(r"#\s*\d{4,}")),
    ("a record number", re.compile(r"(?<![\d.,])\d{7,}(?![\d.,]?\d)")),
    ("a record number", re.compile(r"(?<![\d.,])\d{3}[\s-]\d{3}[\s-]\d{4}(?![\d.,]?\d)")),
    # A bare year, as a whole word: "in 2019", "(2012-2021)"; not "2000 mg" or "v2019.1".
    ("a year", re.compile(rf"(?<![\w.,]){_YEAR}(?![\w]|[.,]\d){_UNIT}")),
)


# Text in which none of the patterns can match: no digit, no "@", none of these words.
# Why: most labels ("Lenvatinib", "Adverse events") are then cleared by one search.
_MAYBE = re.compile(
    r"\d|@|old|\b(?:Dr|Drs|Prof|Mr|Mrs|Ms|Mx|Miss|Sir|Dame|St|Saint)\b|Hospital|Hôpital|Ospedale"
    r"|Klinikum|Krankenhaus|Clinic|Infirmary|Medical Cent|Cancer Cent|Health System",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """Something in a text that looks like an identifier."""

    path: KeyPath  # where the text is in the case, e.g. ("imaging", 2, "finding")
    kind: str  # "a calendar date", "an age", ...
    text: str  # the part of the text that matched


def find_identifiers(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for each identifier-like part of `text`, in order, without overlaps."""
    return list(_find(text)) if _MAYBE.search(text) else []


@lru_cache(maxsize=4096)  # lane names and short labels repeat across a case and a batch
def _find(text: str) -> tuple[tuple[str, str], ...]:
    hits: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            # The first pattern to claim a stretch of text names it (a date before its year).
            if end > start and not any(s < end and start < e for s, e, _ in hits):
                hits.append((start, end, kind))
    return tuple((kind, text[start:end].strip()) for start, end, kind in sorted(hits))


def drawn_texts(case: Case) -> Iterator[tuple[KeyPath, str]]:
    """Every free text of the case a de-identified chart draws or stores, with its key path.

    Left out because the de-identified chart drops or replaces them: ids, sources, codes,
    dates and the age. Numbers (radiotherapy doses) are not text. The drug name and the
    histology are never drawn.
    """
    yield ("case", "title"), case.case.title
    yield ("diagnosis", "label"), case.diagnosis.label
    for index, entry in enumerate(case.diagnosis.molecular):
        yield ("diagnosis", "molecular", index), entry
    for index, metastasis in enumerate(case.diagnosis.metastases):
        yield ("diagnosis", "metastases", index, "site"), metastasis.site
    for index, lane in enumerate(case.display.lanes):
        yield ("display", "lanes", index), lane
    fields = ("label", "term", "modality", "site", "finding", "outcome", "stop_reason", "dose", "lane")
    for section in ("procedures", "radiotherapy", "medications", "imaging", "adverse_events"):
        for index, item in enumerate(getattr(case, section)):
            for field in fields:
                value = getattr(item, field, None)
                if isinstance(value, str):
                    yield (section, index, field), value
            for number, phase in enumerate(getattr(item, "phases", ())):
                if phase.dose:
                    yield (section, index, "phases", number, "dose"), phase.dose


def scan_case(case: Case, title: str | None = None) -> list[Found]:
    """Identifier-like text in what a de-identified chart of `case` shows.

    `title`: the title given instead of the case's (it is then scanned, under the path
    ("title",), and the case title is not, being drawn nowhere).
    """
    texts = list(drawn_texts(case))
    if title is not None:
        texts = [(("title",), title), *texts[1:]]
    return [
        Found(path, kind, match) for path, text in texts for kind, match in find_identifiers(text)
    ]


def describe(found: Found, allowed: bool = False) -> str:
    """A plain message for one finding (without its location); `allowed`: kept by the override."""
    shown = found.text if len(found.text) <= 60 else found.text[:59] + "\u2026"
    if allowed:
        return f"'{shown}' looks like {found.kind}; drawn on the de-identified chart as allowed"
    return (
        f"'{shown}' looks like {found.kind}, which a de-identified chart must not show; "
        "reword it, or allow it with --allow-identifiers (allow_identifiers=True) if it "
        "identifies no one"
    )
