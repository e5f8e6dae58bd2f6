"""pydantic's validation errors rewritten in plain clinical language and located in the YAML."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from atc_timeline.case.model import CODE_PATTERN, CODE_SYSTEMS, Case
from atc_timeline.errors import Issue
from atc_timeline.readers.yaml_source import KeyPath, LineMap, format_path


def closest(name: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def model_at(path: KeyPath) -> type[BaseModel] | None:
    """The pydantic model that holds the mapping at `path`, for listing its fields."""
    model: Any = Case
    for part in path:
        if isinstance(part, int):
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        field = fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def locate(path: KeyPath, lines: LineMap) -> tuple[int | None, int | None]:
    probe = path
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get((), (None, None))


def explain(error: Mapping[str, Any], path: KeyPath) -> tuple[KeyPath, str]:
    """Rewrite one pydantic error in plain clinical language."""
    kind = error["type"]
    value = error.get("input")
    field = str(path[-1]) if path else "the file"
    if kind == "extra_forbidden":
        model = model_at(path[:-1])
        hint = closest(field, field_names(model)) if model else ""
        allowed = f" (allowed here: {', '.join(field_names(model))})" if model and not hint else ""
        return path, f"unknown field {describe(field)}{hint}{allowed}"
    if kind == "missing":
        return path, f"required field '{field}' is missing"
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        return path, f"{describe(value)} is not allowed; use one of: {expected.replace(chr(39), '')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return path, f"expected a block of fields (key: value), got {describe(value)}"
    if kind == "list_type":
        return path, f"expected a list (lines starting with '- '), got {describe(value)}"
    unquote = " (write it without quotes)" if _quoted_number(value) else ""
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return path, f"expected a whole number, got {describe(value)}{unquote}"
    if kind in ("float_parsing", "float_type") and _is_int(value):
        # A whole number too large to be a float (pydantic's strict float refuses it).
        return path, f"{describe(value).strip(chr(39))} is out of range{_bounds(path)}"
    if kind in ("float_parsing", "float_type"):
        return path, f"expected a number, got {describe(value)}{unquote}"
    if kind == "finite_number":
        return path, f"{describe(value)} is not a finite number{_bounds(path)}"
    if kind in ("bool_parsing", "bool_type"):
        return path, f"expected true or false, got {describe(value)}"
    if kind in ("string_type",):
        return path, f"expected text, got {describe(value)}"
    if kind == "string_too_short":
        return path, "must not be empty"
    if kind in ("string_too_long", "too_long") and isinstance(value, str):
        limit = error.get("ctx", {}).get("max_length", "")
        hint = "" if field == "source" else " (the chart shows about 60; put long text in `source`)"
        return path, f"is {len(value):,} characters long; it may have at most {limit:,}{hint}"
    if kind == "string_pattern_mismatch":
        if error.get("ctx", {}).get("pattern") == CODE_PATTERN:
            return path, (
                f"{describe(value)} is not a code; write system:code, e.g. sct:13619001 "
                f"(systems: {', '.join(CODE_SYSTEMS)})"
            )
        return path, f"{describe(value)} may only contain letters, digits, '-', '_' and '.'"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ctx = error.get("ctx", {})
        words = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}
        bound = _bounds(path) or "; it must be " + " and ".join(
            f"{words.get(k, k)} {v}" for k, v in ctx.items()
        )
        shown = f"{value:g}" if isinstance(value, float) else describe(value).strip("'")
        if path and path[-1] in _GY_FIELDS and shown.replace(".", "", 1).isdigit():
            shown += " Gy"
        return path, f"{shown} is out of range{bound}"
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        # Why: model-level checks name the field they are about as "field: message".
        head, sep, tail = message.partition(": ")
        if sep and head.isidentifier():
            return (*path, head), tail
        return path, message
    return path, str(error["msg"])


_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]*)?$")


def _quoted_number(value: Any) -> bool:
    """Whether `value` is text that YAML would have read as a number without quotes, such as '3'."""
    return isinstance(value, str) and _PLAIN_NUMBER.match(value.strip()) is not None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_GY_FIELDS = ("dose_per_fraction", "total_dose")


def _bounds(path: KeyPath) -> str:
    """'; it must be at least 0.01 and at most 1000' from the field's constraints ('' if none)."""
    model = model_at(path[:-1]) if path else None
    field = model.model_fields.get(str(path[-1])) if model else None
    if field is None:
        return ""
    words = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}
    unit = " Gy" if path[-1] in _GY_FIELDS else ""  # doses are read in Gy (or with a unit)
    found = [
        f"{words[name]} {getattr(rule, name):g}{unit}"
        for rule in _constraints(field.metadata, field.annotation)
        for name in words
        if hasattr(rule, name)
    ]
    return f"; it must be {' and '.join(found)}" if found else ""


def _constraints(metadata: list[Any], annotation: Any) -> Iterator[Any]:
    """The constraint objects of a field, also those inside Annotated aliases of its type."""
    for item in metadata:
        yield from getattr(item, "metadata", [item])
    for arg in getattr(annotation, "__args__", ()):
        yield from _constraints(list(getattr(arg, "__metadata__", ())), getattr(arg, "__origin__", None))


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return "a number with more than 60 digits"
    text = str(value)
    return f"'{text[:80]}…'" if len(text) > 80 else f"'{text}'"


# Steps pydantic adds to an error location for validators and unions, not keys of the file.
_PYDANTIC_STEP = re.compile(
    r"^(function-(after|before|wrap|plain)|union|tagged-union|lax-or-strict|json-or-python|nullable|chain)\["
)


def iter_issues(exc: ValidationError, file: str, lines: LineMap) -> Iterator[Issue]:
    for error in exc.errors():
        # Why: pydantic appends the union branch name ("function-after[...]") to loc.
        raw = tuple(p for p in error["loc"] if not (isinstance(p, str) and _PYDANTIC_STEP.match(p)))
        path, message = explain(error, raw)
        line, col = locate(path, lines)
        yield Issue(file, line, col, format_path(path), message)
