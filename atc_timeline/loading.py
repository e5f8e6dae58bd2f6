"""Read a YAML case file into a validated Case, with every problem located by line and column."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from atc_timeline.checks import check_case
from atc_timeline.errors import CaseError, CaseValidationError, Issue
from atc_timeline.model import CODE_PATTERN, CODE_SYSTEMS, Case

KeyPath = tuple[str | int, ...]
LineMap = dict[KeyPath, tuple[int, int]]

# Why: case files are a few kB; refusing big inputs early keeps a stray upload from
# eating memory. Documented in the README.
MAX_FILE_BYTES = 2 * 1024 * 1024
# Why: YAML aliases can expand exponentially ("billion laughs"); no real case needs more.
MAX_NODES = 200_000

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
        self.count += 1
        if self.count > MAX_NODES:
            raise CaseError(
                f"{self.file}: the file expands to more than {MAX_NODES:,} values "
                "(too many YAML aliases?); refusing to read it"
            )
        self.lines.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _ALLOWED_TAGS:
            self.issue(node, path, f"YAML tag '{node.tag}' is not allowed in a case file; remove it")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)

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
    try:
        node = yaml.compose(text, Loader=_CaseLoader)
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
            raise CaseError(
                f"{name}: the file is {size / 1e6:.1f} MB; case files are limited to "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise CaseError(f"{name}: is a directory, not a case file") from None
    except PermissionError:
        raise CaseError(f"{name}: permission denied") from None
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
        return path, f"'{value}' is not allowed; use one of: {expected.replace(chr(39), '')}"
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
    if kind == "string_pattern_mismatch":
        if error.get("ctx", {}).get("pattern") == CODE_PATTERN:
            return path, (
                f"'{value}' is not a code; write system:code, e.g. sct:13619001 "
                f"(systems: {', '.join(CODE_SYSTEMS)})"
            )
        return path, f"'{value}' may only contain letters, digits, '-', '_' and '.'"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ctx = error.get("ctx", {})
        words = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}
        bound = " and ".join(f"{words.get(k, k)} {v}" for k, v in ctx.items())
        return path, f"{value} is out of range; it must be {bound}"
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
    return f"'{value}'"


def _iter_issues(exc: ValidationError, file: str, lines: LineMap) -> Iterator[Issue]:
    for error in exc.errors():
        # Why: pydantic appends the union branch name ("function-after[...]") to loc.
        raw = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        path, message = _explain(error, raw)
        line, col = _locate(path, lines)
        yield Issue(file, line, col, format_path(path), message)


def validate_data(data: Any, lines: LineMap, file: str = "<case>") -> Case:
    """Validate parsed YAML data into a Case, raising CaseValidationError with every issue."""
    if not isinstance(data, dict):
        raise CaseValidationError(
            [Issue(file, *lines.get((), (1, 1)), "",
                   f"a case file must be a block of fields (schema, case, ...), got {_describe(data)}")]
        )
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        issues = list(_iter_issues(exc, file, lines))
        issues.sort(key=lambda i: (i.line or 0, i.column or 0))
        raise CaseValidationError(issues) from None
    problems = [
        Issue(file, *_locate(path, lines), format_path(path), message, severity)
        for path, message, severity in check_case(case)
    ]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CaseValidationError(errors)
    return case


def load_case_text(text: str, file: str = "<case>") -> Case:
    """Load a case from YAML text."""
    data, lines = parse_yaml(text, file)
    return validate_data(data, lines, file)


def load_case(path: str | Path) -> Case:
    """Load and validate a case file from disk."""
    path = Path(path)
    return load_case_text(read_text(path), str(path))
