"""Writing to stdout: a full disk or a closed pipe ends as one plain error, not a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Any

from atc_timeline.cli.app import console
from atc_timeline.errors import CaseError


def _drop_stdout() -> None:
    """Point stdout at the null device, so Python's own flush at exit fails no second time."""
    with contextlib.suppress(OSError, ValueError):  # no real descriptor (tests capture stdout)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _encoded(text: str) -> bytes:
    """Text as stdout's encoding would write it; characters it cannot hold are escaped."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, getattr(sys.stdout, "errors", None) or "strict")
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace")


def write_stdout(data: str | bytes) -> None:
    """Write text or bytes to stdout whole and flush; a failed write raises a plain CaseError."""
    raw = _encoded(data) if isinstance(data, str) else data
    try:
        sys.stdout.flush()  # text written before stays in front
        out = sys.stdout.buffer
        view = memoryview(raw)
        # Why a loop: with PYTHONUNBUFFERED (or -u) `buffer` is the raw file, whose write may
        # take only part (a pipe whose reader has gone), silently dropping the rest.
        while view:
            view = view[out.write(view) or 0 :]
        out.flush()
    except OSError as exc:  # ENOSPC (> /dev/full), EPIPE (| head -c1), EIO, ...
        _drop_stdout()
        raise CaseError(f"<stdout>: cannot write ({exc.strerror or exc})") from None


def print_stdout(*objects: Any, **options: Any) -> None:
    """Print rich renderables on stdout through write_stdout (colours kept on a terminal).

    Why a second Console writing to a string: rich's own writes turn a closed pipe into a
    silent exit and let a full disk through as a traceback.
    """
    from rich.console import Console

    out = console(False)
    buffer = io.StringIO()
    Console(
        file=buffer,
        width=out.width,
        color_system=out.color_system,
        force_terminal=out.is_terminal,
        no_color=out.no_color,
        highlight=False,
    ).print(*objects, **options)
    write_stdout(buffer.getvalue())
