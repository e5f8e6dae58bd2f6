"""Stamps for --skip-unchanged: is an output already up to date? Decided by hashing, never by drawing.

An output is up to date when a manifest beside it (`.atc-timeline-stamps.json`) records the key it
was drawn with, and the output still has the size and modification time recorded when it was
written. The key is a SHA-256 over the case file's bytes, the output format, every option that
changes the output (given by the caller), and the code and package versions that draw it.

Why content hashes and not mtimes for the inputs: `git checkout`, `cp` and unpacking an archive
set mtimes arbitrarily. The output's own size and mtime are only compared for equality, to notice
an output deleted, replaced or edited by hand since it was written.

This module is light on purpose (no matplotlib, pandas or pydantic): a re-run over hundreds of
unchanged cases must finish before the drawing stack would even have been imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from atc_timeline.errors import CaseError
from atc_timeline.readers.bounded import MAX_FILE_BYTES, read_file
from atc_timeline.writers.atomic import write_atomic

MANIFEST = ".atc-timeline-stamps.json"
MANIFEST_VERSION = 1
# Why larger than a case file's limit: a stamp takes about 250 bytes, so this holds some
# 30,000 outputs in one folder. A manifest past it counts as empty and is written anew.
MAX_MANIFEST_BYTES = 8 * 1024 * 1024

# Packages whose version can change an output's bytes: drawing and text (matplotlib, numpy),
# PNG encoding (numpy; zlib is added below), images (pillow), dates (pandas), the deck
# (python-pptx), the CJK font. Doubt: system fonts and a user's matplotlibrc can change pixels
# too and are not in the key; the README says to delete the manifest after changing them.
PIXEL_PACKAGES = ("matplotlib", "numpy", "pandas", "pillow", "python-pptx", "noto-cjk-sans-otc")


def file_digest(path: str | Path) -> str | None:
    """SHA-256 of a case file's bytes, or None when it cannot be read as one.

    Why the case file's guards: hashing a pipe or /dev/zero would wait or read forever before
    the case is even checked; refused here, the file is drawn, and its check says why not.
    """
    try:
        return bytes_digest(read_file(path, "case file", MAX_FILE_BYTES))
    except CaseError:
        return None


def bytes_digest(data: bytes) -> str:
    """SHA-256 of some bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def environment() -> dict[str, str]:
    """What draws the charts: atc-timeline's version and source code, Python, and the pixel packages."""
    import zlib
    from importlib import metadata

    from atc_timeline import __version__

    # Why the source as well as the version: a development install changes code without
    # changing the version, and a stale chart from older code must not be kept.
    package = Path(__file__).resolve().parent.parent
    code = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        code.update(source.relative_to(package).as_posix().encode() + b"\0")
        code.update(source.read_bytes() + b"\0")
    found = {
        "atc-timeline": __version__,
        "code": code.hexdigest(),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }
    for name in PIXEL_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


class Stamps:
    """Stamps of outputs, kept in a manifest in each output's folder.

    Only the process that runs the batch uses this: workers draw and write charts, and this
    process stamps what they wrote once their results arrive, then saves each manifest once.
    """

    def __init__(self, settings: Mapping[str, Any]) -> None:
        """`settings`: every choice besides the case file and format that changes an output."""
        text = json.dumps({**settings, "environment": environment()}, sort_keys=True, default=str)
        self._settings = bytes_digest(text.encode())
        self._digests: dict[str, str | None] = {}
        self._manifests: dict[Path, dict[str, dict[str, Any]]] = {}
        self._new: dict[Path, dict[str, dict[str, Any]]] = {}

    def key(self, source: str, fmt: str, fresh: bool = False) -> str | None:
        """The key of `source` drawn as `fmt`; None when the case file cannot be read."""
        if fresh or source not in self._digests:
            self._digests[source] = file_digest(source)
        digest = self._digests[source]
        if digest is None:
            return None
        return bytes_digest(f"{self._settings}\0{fmt.lower()}\0{digest}".encode())

    def is_current(self, target: str, key: str) -> bool:
        """True when `target` was written with `key` and is unchanged since."""
        folder, name = _split(target)
        entry = self._manifest(folder).get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        try:
            found = os.stat(target)
        except OSError:
            return False
        return (
            stat.S_ISREG(found.st_mode)
            and found.st_size == entry.get("size")
            and found.st_mtime_ns == entry.get("mtime_ns")
        )

    def record(self, target: str, source: str, fmt: str, key: str) -> bool:
        """Stamp a freshly written output; refused (False) if the case file changed meanwhile."""
        # Why hash again: if the case file was edited while it was drawn, the chart may come
        # from either version; leaving it unstamped makes the next run draw it again.
        if not key or self.key(source, fmt, fresh=True) != key:
            return False
        try:
            found = os.stat(target)
        except OSError:
            return False
        folder, name = _split(target)
        # Why the case file's hash and not its path: a path holds names and record numbers
        # more often than not, and the manifest sits beside charts that may be de-identified.
        self._new.setdefault(folder, {})[name] = {
            "key": key,
            "size": found.st_size,
            "mtime_ns": found.st_mtime_ns,
            "case_sha256": self._digests[source],
        }
        return True

    def save(self) -> None:
        """Merge the new stamps into each folder's manifest and write it atomically.

        Why read the manifest again: another run may have stamped other files in the same
        folder meanwhile. Two runs saving at the same instant can still lose a stamp; that only
        costs a re-render, never a wrong skip, because size and mtime must match too.
        """
        for folder, stamps in self._new.items():
            # Older manifests recorded each input's path: kept stamps lose it here.
            merged = {name: _without_path(entry) for name, entry in _read_manifest(folder).items()}
            merged.update(stamps)
            # Stamps of outputs that no longer exist are dead weight (renamed or removed charts).
            merged = {name: entry for name, entry in merged.items() if (folder / name).exists()}
            text = json.dumps(
                {"version": MANIFEST_VERSION, "outputs": dict(sorted(merged.items()))}, indent=1
            )
            # A failed write is a CaseError naming the manifest (write_atomic's message).
            write_atomic(folder / MANIFEST, text.encode() + b"\n", own=True)
            self._manifests[folder] = merged
        self._new.clear()

    def _manifest(self, folder: Path) -> dict[str, dict[str, Any]]:
        if folder not in self._manifests:
            self._manifests[folder] = _read_manifest(folder)
        return self._manifests[folder]


def _without_path(entry: dict[str, Any]) -> dict[str, Any]:
    """A stamp without the input path that earlier versions recorded."""
    return {field: value for field, value in entry.items() if field != "input"}


def _split(target: str) -> tuple[Path, str]:
    path = Path(os.path.abspath(target))
    return path.parent, path.name


def _read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """A folder's stamps; a missing, unreadable, corrupt or foreign manifest counts as empty.

    Corrupt means anything: not a regular file (a folder, a pipe, a device), too large, not
    UTF-8, not JSON, nested too deeply to parse, or the wrong type at any level. A stamp that
    is not exactly what `record` writes is dropped, so a damaged entry is drawn again.
    """
    try:
        raw = read_file(folder / MANIFEST, "stamp manifest", MAX_MANIFEST_BYTES)
        data = json.loads(raw)
    except (CaseError, ValueError, RecursionError):  # ValueError: bad JSON or bad UTF-8
        return {}
    if not isinstance(data, dict) or not _is_int(data.get("version"), MANIFEST_VERSION):
        return {}
    outputs = data.get("outputs")
    if not isinstance(outputs, dict):
        return {}
    return {name: entry for name, entry in outputs.items() if _plain_name(name) and _sound(entry)}


def _is_int(value: object, equal: int | None = None) -> bool:
    """An int that is not a bool (True == 1 in Python), equal to `equal` if given."""
    return isinstance(value, int) and not isinstance(value, bool) and (equal is None or value == equal)


def _plain_name(name: str) -> bool:
    """A file name alone: no folder part, not the manifest, usable on this system."""
    if name in ("", ".", "..", MANIFEST) or "\0" in name or "/" in name or os.sep in name:
        return False
    if os.altsep and os.altsep in name:
        return False
    try:
        os.fsencode(name)
    except UnicodeError:  # a lone surrogate from a \ud800 escape
        return False
    return True


def _sound(entry: object) -> bool:
    """A stamp as `record` writes it: a key, a size and an mtime, and only plain values besides."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and _is_int(entry.get("size"))
        and _is_int(entry.get("mtime_ns"))
        and all(value is None or isinstance(value, str | int | float) for value in entry.values())
    )
