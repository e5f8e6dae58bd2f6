"""Read a YAML case file into a validated Case, with every problem located by line and column."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from atc_timeline.case.checks import MAX_EVENTS, check_case
from atc_timeline.case.model import (
    CODE_PATTERN,
    CODE_SYSTEMS,
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

KeyPath = tuple[str | int, ...]
LineMap = dict[KeyPath, tuple[int, int]]

# Why: case files are a few kB; refusing big inputs early keeps a stray upload from
# eating memory. Documented in the README.
MAX_FILE_BYTES = 2 * 1024 * 1024
# Why: YAML aliases can expand exponentially ("billion laughs"); no real case needs more.
MAX_NODES = 200_000
MAX_DEPTH = 32
# C0/C1 control characters other than tab, newline and carriage return: they cannot be
# drawn and are not allowed in SVG (XML 1.0).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _CaseLoader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps, so 2017-08-30 stays text like 2017-10 does."""


_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml parses several times faster; its nodes carry the same line marks.
_BaseFast: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_BaseFast):  # type: ignore[misc]
    """The same rules as _CaseLoader, parsed by libyaml where it is installed."""


_FastLoader.yaml_implicit_resolvers = _CaseLoader.yaml_implicit_resolvers


def _flow_depth(text: str) -> int:
    """Deepest nesting of [ ] and { } outside quotes: a cheap guard before parsing."""
    depth = deepest = 0
    quote = ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "\n":
            quote = ""
    return deepest


def _file_error(file: str, message: str) -> CaseValidationError:
    """A problem with the file as a whole, located by file name only."""
    return CaseValidationError([Issue(file, None, None, "", message)])


def format_path(path: KeyPath) -> str:
    """('medications', 2, 'end') -> 'medications[2].end'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Builder:
    """Turns a composed YAML node tree into plain Python, recording where each key sits."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: LineMap = {}
        self.issues: list[Issue] = []
        self.count = 0
        self._constructor = _CaseLoader("")

    def issue(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        mark = node.start_mark
        self.issues.append(Issue(self.file, mark.line + 1, mark.column + 1, format_path(path), message))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if len(path) > MAX_DEPTH:
            raise _file_error(self.file, f"blocks are nested too deeply (more than {MAX_DEPTH} levels)")
        self.count += 1
        if self.count > MAX_NODES:
            raise _file_error(
                self.file,
                f"the file expands to more than {MAX_NODES:,} values (too many YAML aliases?); "
                "refusing to read it",
            )
        self.lines.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _ALLOWED_TAGS:
            self.issue(node, path, f"YAML tag '{node.tag}' is not allowed in a case file; remove it")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if len(path) == 1 and path[0] in _SECTIONS and len(node.value) > MAX_EVENTS:
                raise CaseValidationError([Issue(
                    self.file, node.start_mark.line + 1, node.start_mark.column + 1, str(path[0]),
                    f"{len(node.value):,} events; a chart can show at most {MAX_EVENTS:,}",
                )])
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        try:
            value = self._constructor.construct_object(node, deep=True)
        except ValueError:
            # Python refuses to convert integers of more than 4300 digits.
            self.issue(node, path, "this number is too long to be a value in a case file")
            return None
        if isinstance(value, str):
            bad = _CONTROL.search(value)
            if bad:
                self.issue(
                    node, path,
                    f"contains the control character U+{ord(bad.group()):04X}; remove it",
                )
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                self.issue(key_node, path, "a key must be a plain name")
                continue
            key = str(self._constructor.construct_object(key_node))
            child = (*path, key)
            if key in result:
                first = self.lines.get(child, (0, 0))[0]
                message = f"'{key}' appears twice in the same block (first on line {first})"
                self.issue(key_node, child, message)
                continue
            self.lines[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        return result


def parse_yaml(text: str, file: str = "<case>") -> tuple[Any, LineMap]:
    """Parse YAML text into plain data and a key-path -> (line, column) map."""
    if "\t" in text:
        for number, row in enumerate(text.splitlines(), start=1):
            if "\t" in row[: len(row) - len(row.lstrip())]:
                raise CaseValidationError(
                    [Issue(file, number, 1, "", "indent with spaces, not tabs")]
                )
    if _flow_depth(text) > MAX_DEPTH:
        raise CaseValidationError(
            [Issue(file, None, None, "", f"blocks are nested too deeply (more than {MAX_DEPTH} levels)")]
        )
    try:
        node = yaml.compose(text, Loader=_FastLoader)
    except RecursionError:
        raise CaseValidationError(
            [Issue(file, None, None, "", f"blocks are nested too deeply (more than {MAX_DEPTH} levels)")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise CaseValidationError([Issue(file, line, col, "", f"not valid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise CaseValidationError([Issue(file, None, None, "", f"not valid YAML: {exc}")]) from None
    if node is None:
        raise CaseValidationError([Issue(file, 1, 1, "", "the file is empty")])
    builder = _Builder(file)
    data = builder.build(node, ())
    if builder.issues:
        raise CaseValidationError(builder.issues)
    return data, builder.lines


def read_text(path: Path) -> str:
    """Read a case file as UTF-8 text, refusing huge or binary files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _file_error(
                name,
                f"the file is {size / 1e6:.1f} MB; case files are limited to "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _file_error(name, "no such file") from None
    except IsADirectoryError:
        raise _file_error(name, "is a folder, not a case file") from None
    except PermissionError:
        raise _file_error(name, "permission denied") from None
    return decode_bytes(raw, name)


def decode_bytes(raw: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM), locating the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseValidationError(
            [Issue(name, line, None, "", "the file is not UTF-8 text (binary data or another encoding)")]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CaseValidationError([Issue(name, line, None, "", "the file contains binary data (NUL bytes)")])
    return text


def _closest(name: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _model_at(path: KeyPath) -> type[BaseModel] | None:
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


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _locate(path: KeyPath, lines: LineMap) -> tuple[int | None, int | None]:
    probe = path
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get((), (None, None))


def _explain(error: Mapping[str, Any], path: KeyPath) -> tuple[KeyPath, str]:
    """Rewrite one pydantic error in plain clinical language."""
    kind = error["type"]
    value = error.get("input")
    field = str(path[-1]) if path else "the file"
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        hint = _closest(field, _field_names(model)) if model else ""
        allowed = f" (allowed here: {', '.join(_field_names(model))})" if model and not hint else ""
        return path, f"unknown field '{field}'{hint}{allowed}"
    if kind == "missing":
        return path, f"required field '{field}' is missing"
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        return path, f"{_describe(value)} is not allowed; use one of: {expected.replace(chr(39), '')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return path, f"expected a block of fields (key: value), got {_describe(value)}"
    if kind == "list_type":
        return path, f"expected a list (lines starting with '- '), got {_describe(value)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return path, f"expected a whole number, got {_describe(value)}"
    if kind in ("float_parsing", "float_type"):
        return path, f"expected a number, got {_describe(value)}"
    if kind in ("bool_parsing", "bool_type"):
        return path, f"expected true or false, got {_describe(value)}"
    if kind in ("string_type",):
        return path, f"expected text, got {_describe(value)}"
    if kind == "string_too_short":
        return path, "must not be empty"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length", "")
        return path, (
            f"is {len(str(value)):,} characters long; keep it under {limit:,} "
            "(the chart shows about 60; put long text in `source`)"
        )
    if kind == "string_pattern_mismatch":
        if error.get("ctx", {}).get("pattern") == CODE_PATTERN:
            return path, (
                f"{_describe(value)} is not a code; write system:code, e.g. sct:13619001 "
                f"(systems: {', '.join(CODE_SYSTEMS)})"
            )
        return path, f"{_describe(value)} may only contain letters, digits, '-', '_' and '.'"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ctx = error.get("ctx", {})
        words = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}
        bound = " and ".join(f"{words.get(k, k)} {v}" for k, v in ctx.items())
        shown = f"{value:g}" if isinstance(value, float) else _describe(value).strip("'")
        return path, f"{shown} is out of range; it must be {bound}"
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        # Why: model-level checks name the field they are about as "field: message".
        head, sep, tail = message.partition(": ")
        if sep and head.isidentifier():
            return (*path, head), tail
        return path, message
    return path, str(error["msg"])


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
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


def _iter_issues(exc: ValidationError, file: str, lines: LineMap) -> Iterator[Issue]:
    for error in exc.errors():
        # Why: pydantic appends the union branch name ("function-after[...]") to loc.
        raw = tuple(p for p in error["loc"] if not (isinstance(p, str) and _PYDANTIC_STEP.match(p)))
        path, message = _explain(error, raw)
        line, col = _locate(path, lines)
        yield Issue(file, line, col, format_path(path), message)


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
        allowed = set(_field_names(model))
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
                        path, message = _explain(error, (name, index))
                        found.append(Issue(file, *_locate(path, lines), format_path(path), message))
    return found


def _collect(data: Any, lines: LineMap, file: str, today: dt.date | None) -> tuple[Case | None, list[Issue]]:
    if not isinstance(data, dict):
        return None, [
            Issue(file, *lines.get((), (1, 1)), "",
                  f"a case file must be a block of fields (schema, case, ...), got {_describe(data)}")
        ]
    count = sum(len(v) for k, v in data.items() if k in _SECTIONS and isinstance(v, list))
    if count > MAX_EVENTS:
        # Refuse before validating thousands of items one by one.
        message = f"the case has {count:,} events; a chart can show at most {MAX_EVENTS:,}"
        return None, [Issue(file, *lines.get((), (1, 1)), "", message)]
    case: Case | None
    checked: Case | None
    origin: dict[str, list[int]] = {}
    try:
        case = Case.model_validate(data)
        issues: list[Issue] = []
        checked = case
    except ValidationError as exc:
        case = None
        issues = list(_iter_issues(exc, file, lines)) + _item_rule_issues(data, file, lines)
        partial, origin = _partial_case(data)
        checked = partial
    if checked is not None:
        for path, message, severity in check_case(checked, today, origin):
            if origin and len(path) > 1 and path[0] in origin and isinstance(path[1], int):
                path = (path[0], origin[str(path[0])][path[1]], *path[2:])
            issues.append(Issue(file, *_locate(path, lines), format_path(path), message, severity))
    unique = list(dict.fromkeys(issues))
    unique.sort(key=lambda i: (i.line or 0, i.column or 0, i.severity))
    if any(i.severity == "error" for i in unique):
        case = None
    return case, unique


def check_text(text: str, file: str = "<case>", today: dt.date | None = None) -> Report:
    """Check YAML text: every error and warning, and the case when there are no errors."""
    try:
        data, lines = parse_yaml(text, file)
    except CaseValidationError as exc:
        return Report(file, None, tuple(exc.issues))
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


def validate_data(data: Any, lines: LineMap, file: str = "<case>") -> Case:
    """Validate parsed YAML data into a Case, raising CaseValidationError with every error."""
    case, issues = _collect(data, lines, file, None)
    if case is None:
        raise CaseValidationError([i for i in issues if i.severity == "error"])
    return case


def load_case_text(text: str, file: str = "<case>") -> Case:
    """Load a case from YAML text; raises CaseValidationError listing every error."""
    data, lines = parse_yaml(text, file)
    return validate_data(data, lines, file)


def load_case(path: str | Path) -> Case:
    """Load and validate a case file from disk."""
    path = Path(path)
    return load_case_text(read_text(path), str(path))
