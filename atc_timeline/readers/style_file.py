"""Reading a house-style file: its bytes, then plain data with the line of every key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from atc_timeline.errors import CaseValidationError, Issue
from atc_timeline.readers.bounded import decode_bytes, read_file
from atc_timeline.readers.yaml_source import LineMap, parse_yaml


def read_style_bytes(path: str | Path) -> bytes:
    """A style file's bytes, with a case file's guards: a regular file, read to the size limit."""
    return read_file(path, "style file")


def parse_style(raw: bytes, file: str) -> tuple[dict[str, Any], LineMap]:
    """A style file's fields and where each sits; the same YAML guards as a case file."""
    data, lines = parse_yaml(decode_bytes(raw, file), file, "style file")
    if not isinstance(data, dict):
        where = lines.get((), (1, 1))
        raise CaseValidationError(
            [Issue(file, *where, "", "a style file is a block of fields (background, text, bars, ...)")]
        )
    return data, lines
