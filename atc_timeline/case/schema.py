"""The JSON Schema (draft 2020-12) of the case-file format, generated from the pydantic model."""

from __future__ import annotations

import json
import sys
from typing import Any

from atc_timeline.case.dates import DATE_PATTERN
from atc_timeline.case.model import SCHEMA_ID, Case

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_URL = "https://atc-timeline.example/schema/case.schema.json"

# Why: in Python's `re` (which the `jsonschema` package uses for "pattern"), \d also matches
# Arabic-Indic or full-width digits, which the loader refuses (dates.py matches with re.ASCII).
# [0-9] means the same in every regex dialect, so editors and the loader agree.
ASCII_DATE_PATTERN = DATE_PATTERN.replace(r"\d", "[0-9]")


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of a case file, as a fresh dict (callers may change it)."""
    schema: dict[str, Any] = _ascii_dates(Case.model_json_schema(by_alias=True, mode="validation"))
    schema.update(
        {
            "$schema": SCHEMA_URI,
            "$id": SCHEMA_URL,
            "title": f"atc-timeline case file ({SCHEMA_ID})",
            "description": (
                "One cancer patient's treatment history, drawn by atc-timeline as a swimlane "
                "chart. Dates keep the precision of the source: 2017, 2017-10 or 2017-08-30, "
                "optionally followed by ~ (approximate), ? (uncertain) or % (both). "
                "Checks across fields (unique ids, end after start, events before death, "
                "adverse-event suspects naming medications) are made by the loader, not here."
            ),
        }
    )
    return schema


def schema_text() -> str:
    """The schema as stable, diff-friendly JSON text: what schema/case.schema.json holds."""
    return json.dumps(case_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _ascii_dates(node: Any) -> Any:
    """Swap the date pattern for its ASCII-only spelling everywhere in the schema."""
    if isinstance(node, dict):
        return {
            key: ASCII_DATE_PATTERN if key == "pattern" and value == DATE_PATTERN else _ascii_dates(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_ascii_dates(value) for value in node]
    return node


if __name__ == "__main__":  # pragma: no cover - `python -m atc_timeline.case.schema > schema/...`
    sys.stdout.write(schema_text())
