"""Reading a house-style file: its bytes, then plain data with the line of every key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from atc_timeline.errors import CaseError, CaseValidationError, Issue
from atc_timeline.readers.yaml_case import MAX_FILE_BYTES, LineMap, decode_bytes, parse_yaml


def read_style_bytes(path: str | Path) -> bytes:
    """A style file's bytes, refusing what cannot be read or is too large."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CaseError(f"{path}: a style file is limited to {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise CaseError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CaseError(f"{path}: is a folder, not a style file") from None
    except OSError as exc:
        raise CaseError(f"{path}: cannot be read ({exc.strerror})") from None


def parse_style(raw: bytes, file: str) -> tuple[dict[str, Any], LineMap]:
    """A style file's fields and where each sits; the same YAML guards as a case file."""
    data, lines = parse_yaml(decode_bytes(raw, file), file)
    if not isinstance(data, dict):
        where = lines.get((), (1, 1))
        raise CaseValidationError(
            [Issue(file, *where, "", "a style file is a block of fields (background, text, bars, ...)")]
        )
    return data, lines
