"""YAML case text into plain data with the line and column of every key, behind guards for hostile input."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from atc_timeline.case.checks import MAX_EVENTS, SECTIONS
from atc_timeline.case.text import NOT_TEXT, describe_character
from atc_timeline.errors import CaseValidationError, Issue
from atc_timeline.readers.bounded import MAX_FILE_BYTES as MAX_FILE_BYTES
from atc_timeline.readers.bounded import decode_bytes as decode_bytes
from atc_timeline.readers.bounded import line_and_column, read_file

KeyPath = tuple[str | int, ...]
LineMap = dict[KeyPath, tuple[int, int]]

# Why: YAML aliases can expand exponentially ("billion laughs"); no real case needs more.
MAX_NODES = 200_000
MAX_DEPTH = 32
# Characters that are not text (controls, surrogates, noncharacters): the one rule of
# case/text.py, refused here already so the message can name the line.
_CONTROL = NOT_TEXT

# What YAML's reader refuses (the YAML 1.1 printable set): C0 and C1 controls, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NESTED = f"blocks are nested too deeply (more than {MAX_DEPTH} levels)"

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


def _bad_character(text: str, file: str) -> CaseValidationError | None:
    """The first character YAML refuses, located: PyYAML's own refusal of it carries no line."""
    bad = _NOT_YAML.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    if code < 0x20 or 0x7F <= code <= 0x9F:
        message = f"contains the control character U+{code:04X}; remove it"
    else:
        message = f"contains U+{code:04X}, which is not a character YAML allows; remove it"
    return CaseValidationError([Issue(file, *line_and_column(text, bad.start()), "", message)])


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

    def __init__(self, file: str, what: str = "case file") -> None:
        self.file = file
        self.what = what
        self.lines: LineMap = {}
        self.issues: list[Issue] = []
        self.count = 0
        self._constructor = _CaseLoader("")

    def issue(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        mark = node.start_mark
        self.issues.append(Issue(self.file, mark.line + 1, mark.column + 1, format_path(path), message))

    def refuse(self, node: yaml.Node, message: str) -> CaseValidationError:
        """A problem that stops reading at once, located at `node`."""
        mark = node.start_mark
        return CaseValidationError([Issue(self.file, mark.line + 1, mark.column + 1, "", message)])

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if len(path) > MAX_DEPTH:
            raise self.refuse(node, _NESTED)
        self.count += 1
        if self.count > MAX_NODES:
            # Located at the top-level key the expansion is under: an alias's node is the
            # anchored one, which may sit anywhere.
            line, column = self.lines.get(path[:1], (1, 1))
            raise CaseValidationError([Issue(
                self.file, line, column, format_path(path[:1]),
                f"the file expands to more than {MAX_NODES:,} values (too many YAML aliases?); "
                "refusing to read it",
            )])
        self.lines.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _ALLOWED_TAGS:
            self.issue(node, path, f"YAML tag '{node.tag}' is not allowed in a {self.what}; remove it")
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
            self.issue(node, path, f"this number is too long to be a value in a {self.what}")
            return None
        if isinstance(value, str):
            bad = _CONTROL.search(value)
            if bad:
                self.issue(node, path, f"contains {describe_character(bad.group())}; remove it")
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


def _char_index(text: str, position: int) -> int:
    """A reader error's position as an index into `text` (libyaml counts UTF-8 bytes)."""
    if _BaseFast is yaml.SafeLoader:
        return min(position, len(text))
    return len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))


def parse_yaml(text: str, file: str = "<case>", what: str = "case file") -> tuple[Any, LineMap]:
    """Parse YAML text into plain data and a key-path -> (line, column) map (`what`: for messages)."""
    bad = _bad_character(text, file)
    if bad is not None:
        raise bad
    if "\t" in text:
        for number, row in enumerate(text.splitlines(), start=1):
            if "\t" in row[: len(row) - len(row.lstrip())]:
                raise CaseValidationError(
                    [Issue(file, number, 1, "", "indent with spaces, not tabs")]
                )
    # Deep nesting needs no scan of its own: libyaml stops at 1,000 levels with a located
    # error, and the builder refuses more than MAX_DEPTH at the node where it happens. (A scan
    # for brackets could not tell them from brackets in wrapped quoted text.)
    try:
        node = yaml.compose(text, Loader=_FastLoader)
    except RecursionError:
        raise CaseValidationError([Issue(file, None, None, "", _NESTED)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise CaseValidationError([Issue(file, line, col, "", f"not valid YAML: {problem}")]) from None
    except yaml.reader.ReaderError as exc:
        # Not a MarkedYAMLError: it has a position, not a line. The scan above finds these
        # first; this stays in case the two sets ever differ.
        line, col = line_and_column(text, _char_index(text, exc.position))
        raise CaseValidationError([Issue(file, line, col, "", f"not valid YAML: {exc.reason}")]) from None
    except yaml.YAMLError as exc:
        raise CaseValidationError([Issue(file, None, None, "", f"not valid YAML: {exc}")]) from None
    if node is None:
        raise CaseValidationError([Issue(file, 1, 1, "", "the file is empty")])
    builder = _Builder(file, what)
    data = builder.build(node, ())
    if builder.issues:
        raise CaseValidationError(builder.issues)
    return data, builder.lines


def read_text(path: Path) -> str:
    """Read a case file as UTF-8 text, refusing what is not a regular file, huge or binary."""
    return decode_bytes(read_file(path, "case file"), str(path))
