"""Where charts may go: output name patterns, and the files a run never writes onto.

A chart never replaces one of the run's inputs (a case file, the house style, a file given on
stdin), also not through a symbolic or hard link, and never replaces a stamp manifest. A batch
output name pattern has plain fields only and names a file inside the output folder.
"""

from __future__ import annotations

import os
import stat
import string
from collections.abc import Iterable, Mapping
from pathlib import Path

from atc_timeline.batch.stamps import MANIFEST
from atc_timeline.errors import CaseError, OptionError
from atc_timeline.readers.bounded import STDIN
from atc_timeline.writers.atomic import check_name, check_replaceable

FIELDS = ("stem", "format", "size", "theme")
_PLAIN = ", ".join(f"{{{name}}}" for name in FIELDS)

Pattern = list[tuple[str, str | None]]  # (literal text, field name or None)


def parse_pattern(pattern: str) -> Pattern:
    """The pattern's pieces; refuses unknown fields, format specs and conversions.

    Why so strict: str.format would run a spec such as {stem:>2000000000} (gigabytes of
    padding) or reach attributes ({stem.__class__}); a file name needs none of that.
    """

    def refuse(why: str) -> OptionError:
        return OptionError("output_pattern", f"output name pattern '{pattern}': {why}")

    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:  # a lone { or }
        raise refuse(f"{exc}; write {{{{ or }}}} for a brace in the name") from None
    pieces: Pattern = []
    for literal, field, spec, conversion in parsed:
        if field is not None and field not in FIELDS:
            raise refuse(f"unknown field {{{field}}}; use {_PLAIN}")
        if field is not None and (spec or conversion):
            raise refuse(f"fields take no conversion or format (!r, :>10); use plain {_PLAIN}")
        pieces.append((literal, field))
    return pieces


def fill(pattern: str, pieces: Pattern, values: Mapping[str, str]) -> str:
    """The file name the pattern gives for these values; refuses one that leaves the folder."""
    name = "".join(literal + (values[field] if field else "") for literal, field in pieces)
    parts = name.replace(os.altsep or os.sep, os.sep).split(os.sep)
    if not name or any(part in ("", ".", "..") for part in parts) or Path(name).anchor:
        shown = repr(name) if name else "an empty name"
        raise OptionError(
            "output_pattern",
            f"output name pattern '{pattern}' gives {shown}, which is not a file inside the "
            "output folder; give a plain file name such as {stem}.{format}",
        )
    return name


class Protected:
    """The files a run must not write onto: its inputs, by name and by identity."""

    def __init__(self, sources: Iterable[str | Path], stdin: int | None = None) -> None:
        """`sources`: case files and other inputs ("-" is skipped); `stdin`: its fd, if a file."""
        self._names: dict[str, str] = {}
        self._ids: dict[tuple[int, int], str] = {}
        for source in sources:
            if str(source) == "-":
                continue
            self._names[os.path.realpath(source)] = str(source)
            try:
                found = os.stat(source)
            except (OSError, ValueError):
                continue
            self._ids[(found.st_dev, found.st_ino)] = str(source)
        if stdin is not None:
            # Why: `render - -o t.yaml < t.yaml` would read the case, then replace it.
            try:
                found = os.fstat(stdin)
            except (OSError, ValueError):
                return
            if stat.S_ISREG(found.st_mode):
                self._ids[(found.st_dev, found.st_ino)] = STDIN

    def owner(self, target: str | Path) -> str | None:
        """The input that `target` is (the same path, a link to it, or a hard link), else None."""
        source = self._names.get(os.path.realpath(target))
        if source is not None:
            return source
        try:
            found = os.stat(target)
        except (OSError, ValueError):
            return None
        return self._ids.get((found.st_dev, found.st_ino))


def check_target(target: str | Path, protected: Protected, option: str = "output") -> None:
    """Refuse writing a chart onto an input or a stamp manifest, or under a name too long."""
    if Path(target).name.casefold() == MANIFEST.casefold():
        raise OptionError(
            option,
            f"{target} is the name of the stamp manifest, which records up-to-date outputs; "
            "choose another name",
        )
    source = protected.owner(target)
    if source is not None:
        if os.path.islink(target):
            same = "is a link to"
        elif os.path.realpath(target) == os.path.realpath(source):
            same = "is"
        else:  # a hard link, or the file given on stdin
            same = "is the same file as"
        raise OptionError(
            option,
            f"{target} {same} the input {source}; a chart written there would replace it: "
            "choose another output name",
        )
    try:
        check_replaceable(target)
        check_name(target)
    except CaseError as exc:  # say which setting gave the name
        raise OptionError(option, str(exc)) from None
