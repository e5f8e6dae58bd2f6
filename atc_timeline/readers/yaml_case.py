"""Checking a case file: every error and warning, located, and the validated Case when it has none."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from atc_timeline.case.checks import MAX_EVENTS, check_case, too_many
from atc_timeline.case.model import (
    AdverseEvent,
    Case,
    CaseInfo,
    Diagnosis,
    Display,
    Imaging,
    Medication,
    Patient,
    Procedure,
    Radiotherapy,
)
from atc_timeline.errors import CaseValidationError, Issue
from atc_timeline.readers.bounded import STDIN
from atc_timeline.readers.messages import describe, explain, field_names, iter_issues, locate
from atc_timeline.readers.yaml_source import (
    MAX_FILE_BYTES,
    KeyPath,
    LineMap,
    decode_bytes,
    format_path,
    parse_yaml,
    read_text,
)

__all__ = [
    "MAX_FILE_BYTES",
    "KeyPath",
    "LineMap",
    "Report",
    "check_file",
    "check_text",
    "decode_bytes",
    "load_case",
    "load_case_text",
    "parse_yaml",
    "read_text",
    "validate_data",
]

# Why: a file with thousands of problems is the wrong file or a broken export; a few
# hundred messages say so, and printing 45,000 of them took seconds.
MAX_ISSUES = 200


@dataclass(frozen=True)
class Report:
    """Everything found in one case file: the case (when it has no errors) and every issue."""

    file: str
    case: Case | None
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> list[Issue]:
        """Issues that make the file invalid."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Doubtful things that do not stop rendering."""
        return [i for i in self.issues if i.severity == "warning"]


_SECTIONS: dict[str, type[BaseModel]] = {
    "procedures": Procedure,
    "radiotherapy": Radiotherapy,
    "medications": Medication,
    "imaging": Imaging,
    "adverse_events": AdverseEvent,
}
_BLOCKS: dict[str, type[BaseModel]] = {
    "case": CaseInfo,
    "patient": Patient,
    "diagnosis": Diagnosis,
    "display": Display,
}


def _partial_case(data: dict[str, Any]) -> tuple[Case | None, dict[str, list[int]]]:
    """The valid parts of an invalid file, so cross-field checks can still run on them.

    Returns the partial case and, per section, the original index of each item kept.
    """
    kept: dict[str, Any] = {"schema": "atc-timeline/1"}
    for name, model in _BLOCKS.items():
        if name not in data:
            continue
        try:
            model.model_validate(data[name])
        except ValidationError:
            if name in ("case", "diagnosis"):
                return None, {}
            continue
        kept[name] = data[name]
    if "case" not in kept or "diagnosis" not in kept:
        return None, {}
    origin: dict[str, list[int]] = {}
    for name, model in _SECTIONS.items():
        items = data.get(name)
        if not isinstance(items, list):
            continue
        good = []
        origin[name] = []
        for index, item in enumerate(items):
            try:
                model.model_validate(item)
            except ValidationError:
                continue
            good.append(item)
            origin[name].append(index)
        kept[name] = good
    try:
        return Case.model_validate(kept), origin
    except ValidationError:
        return None, {}


def _item_rule_issues(data: dict[str, Any], file: str, lines: LineMap) -> list[Issue]:
    """Rules inside an item (end before start) that pydantic skips when another field fails."""
    found: list[Issue] = []
    for name, model in _SECTIONS.items():
        items = data.get(name)
        if not isinstance(items, list):
            continue
        allowed = set(field_names(model))
        for index, item in enumerate(items):
            if not isinstance(item, dict) or set(item) <= allowed:
                continue
            # Unknown keys stopped validation; try again without them to reach the rules.
            trimmed = {k: v for k, v in item.items() if k in allowed}
            try:
                model.model_validate(trimmed)
            except ValidationError as exc:
                for error in exc.errors():
                    if error["type"] == "value_error" and not error["loc"]:
                        path, message = explain(error, (name, index))
                        found.append(Issue(file, *locate(path, lines), format_path(path), message))
    return found


def _collect(data: Any, lines: LineMap, file: str, today: dt.date | None) -> tuple[Case | None, list[Issue]]:
    if not isinstance(data, dict):
        return None, [
            Issue(file, *lines.get((), (1, 1)), "",
                  f"a case file must be a block of fields (schema, case, ...), got {describe(data)}")
        ]
    count = _entries(data)
    if count > MAX_EVENTS:
        # Refuse before validating thousands of items one by one.
        return None, [Issue(file, *lines.get((), (1, 1)), "", too_many(count))]
    case: Case | None
    checked: Case | None
    origin: dict[str, list[int]] = {}
    try:
        case = Case.model_validate(data)
        issues: list[Issue] = []
        checked = case
    except ValidationError as exc:
        case = None
        issues = list(itertools.islice(iter_issues(exc, file, lines), MAX_ISSUES + 1))
        if exc.error_count() > MAX_ISSUES:
            # Past the cap, neither the rules inside items nor the checks across them are
            # worth the time: the file needs fixing first.
            return None, _capped(_sorted(issues), file, exc.error_count())
        issues += _item_rule_issues(data, file, lines)
        partial, origin = _partial_case(data)
        checked = partial
    if checked is not None:
        for path, message, severity in check_case(checked, today, origin):
            if origin and len(path) > 1 and path[0] in origin and isinstance(path[1], int):
                path = (path[0], origin[str(path[0])][path[1]], *path[2:])
            issues.append(Issue(file, *locate(path, lines), format_path(path), message, severity))
    unique = _sorted(issues)
    if any(i.severity == "error" for i in unique):
        case = None
    return case, _capped(unique, file, len(unique))


def _entries(data: dict[str, Any]) -> int:
    """Entries of every list in the file's data, as checks.entry_count counts them in a Case."""
    count = 0
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            count += len(node)
            stack.extend(node)
    return count


def _sorted(issues: list[Issue]) -> list[Issue]:
    """Issues without repeats, in file order."""
    unique = list(dict.fromkeys(issues))
    unique.sort(key=lambda i: (i.line or 0, i.column or 0, i.severity))
    return unique


_STOPPED = "stopped after"


def _capped(issues: list[Issue], file: str, total: int) -> list[Issue]:
    """At most MAX_ISSUES issues, and a last one saying how many more there are."""
    if total <= MAX_ISSUES:
        return issues
    shown = issues[:MAX_ISSUES]
    more = max(total - MAX_ISSUES, 1)
    message = f"{_STOPPED} {MAX_ISSUES} problems; {more:,} more not shown"
    # A note, not one more error: validate counts "200 errors", not 201.
    return [*shown, Issue(file, None, None, "", message, severity="warning")]


def check_text(text: str, file: str = "<case>", today: dt.date | None = None) -> Report:
    """Check YAML text: every error and warning (up to MAX_ISSUES), and the case when there are no errors."""
    try:
        data, lines = parse_yaml(text, file)
    except CaseValidationError as exc:
        return Report(file, None, tuple(_capped(exc.issues, file, len(exc.issues))))
    case, issues = _collect(data, lines, file, today)
    return Report(file, case, tuple(issues))


def check_file(path: str | Path, today: dt.date | None = None) -> Report:
    """Check a case file on disk; an unreadable file gives a report with one error."""
    path = Path(path)
    try:
        text = read_text(path)
    except CaseValidationError as exc:
        return Report(str(path), None, tuple(exc.issues))
    return check_text(text, str(path), today)


def check_source(source: str | Path, text: str | None = None) -> Report:
    """Check a case file, or for the source "-" the `text` already read from stdin."""
    if str(source) == "-":
        return check_text(text or "", STDIN)
    return check_file(source)


def validate_data(data: Any, lines: LineMap, file: str = "<case>") -> Case:
    """Validate parsed YAML data into a Case, raising CaseValidationError with every error."""
    case, issues = _collect(data, lines, file, None)
    if case is None:
        # The errors, and the note that more were not shown (a warning, so not counted).
        kept = [i for i in issues if i.severity == "error" or i.message.startswith(_STOPPED)]
        raise CaseValidationError(kept)
    return case


def load_case_text(text: str, file: str = "<case>") -> Case:
    """Load a case from YAML text; raises CaseValidationError listing every error (up to MAX_ISSUES)."""
    try:
        data, lines = parse_yaml(text, file)
    except CaseValidationError as exc:
        raise CaseValidationError(_capped(exc.issues, file, len(exc.issues))) from None
    return validate_data(data, lines, file)


def load_case(path: str | Path) -> Case:
    """Load and validate a case file from disk."""
    path = Path(path)
    return load_case_text(read_text(path), str(path))
