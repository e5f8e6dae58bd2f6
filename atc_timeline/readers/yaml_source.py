"""YAML case text into plain data with the line and column of every key, behind guards for hostile input."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from atc_timeline.case.checks import MAX_EVENTS, SECTIONS
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
            if len(path) == 1 and path[0] in SECTIONS and len(node.value) > MAX_EVENTS:
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
