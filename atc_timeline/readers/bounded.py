"""Reading input behind guards: regular files only, never blocking, never past a limit; UTF-8 text."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from typing import IO, Any

from atc_timeline.errors import CaseValidationError, Issue

# Why: case files are a few kB; refusing big inputs early keeps a stray upload from
# eating memory. Documented in the README.
MAX_FILE_BYTES = 2 * 1024 * 1024
STDIN = "<stdin>"

# Why O_NONBLOCK: opening a named pipe waits for a writer, which may never come; with it the
# open returns at once and fstat tells what was opened. O_NOCTTY: opening a terminal must not
# make it ours. Flags missing on a platform count as 0.
_OPEN_FLAGS = os.O_RDONLY
for _flag in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
    _OPEN_FLAGS |= getattr(os, _flag, 0)
_CHUNK = 1 << 20
# Line breaks as YAML counts them, so a line found here matches the parser's lines.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def refusal(
    name: str, message: str, line: int | None = None, column: int | None = None
) -> CaseValidationError:
    """A problem reading `name`, located by line (and column) where it has one."""
    return CaseValidationError([Issue(name, line, column, "", message)])


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def _kind_problem(mode: int, what: str) -> str | None:
    """Why a file of this mode cannot be read as `what`; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return f"is a folder, not a {what}"
    if stat.S_ISFIFO(mode):
        hint = "; to read a case from a pipe, pass - and send it to stdin" if what == "case file" else ""
        return f"is a named pipe, not a {what}{hint}"
    if stat.S_ISSOCK(mode):
        return f"is a socket, not a {what}"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return f"is a device, not a {what}"
    return f"is not a regular file, so it cannot be a {what}"


def _too_big(name: str, what: str, limit: int, size: int | None = None) -> CaseValidationError:
    found = f"the file is {size / 1e6:.1f} MB" if size is not None else f"more than {_megabytes(limit)}"
    return refusal(name, f"{found}; a {what} is limited to {_megabytes(limit)}")


def read_file(path: str | os.PathLike[str], what: str = "case file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is refused, without waiting."""
    name = os.fspath(path)
    try:
        # Why stat first: a device or a pipe is refused without opening it at all (opening
        # some devices has effects). Why fstat again after opening: the path may have been
        # swapped in between, so only what was actually opened counts.
        problem = _kind_problem(os.stat(name).st_mode, what)
        if problem:
            raise refusal(name, problem)
        fd = os.open(name, _OPEN_FLAGS)
        try:
            info = os.fstat(fd)
            problem = _kind_problem(info.st_mode, what)
            if problem:
                raise refusal(name, problem)
            if info.st_size > limit:
                raise _too_big(name, what, limit, info.st_size)
            # Why read to the limit and not to st_size: the file may grow meanwhile, and
            # some files (/proc) report a size of 0.
            data = _read_fd(fd, limit + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise refusal(name, "no such file") from None
    except IsADirectoryError:
        raise refusal(name, f"is a folder, not a {what}") from None
    except PermissionError:
        raise refusal(name, "permission denied") from None
    except OSError as exc:
        raise refusal(name, f"cannot be read ({exc.strerror or exc})") from None
    except ValueError:  # a NUL in the name, or a name the file system cannot encode
        raise refusal(name, "is not a usable file name") from None
    if len(data) > limit:
        raise _too_big(name, what, limit)
    return data


def _read_fd(fd: int, most: int) -> bytes:
    """Up to `most` bytes from a descriptor, stopping at the end of the file."""
    chunks: list[bytes] = []
    size = 0
    while size < most:
        chunk = os.read(fd, min(most - size, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_stdin(limit: int = MAX_FILE_BYTES, stream: IO[Any] | None = None) -> bytes:
    """Up to `limit` bytes of standard input (a pipe is fine: it is what stdin is for); more is refused."""
    stream = sys.stdin if stream is None else stream
    if stream is None:  # no stdin at all (closed, or a windowed program)
        raise refusal(STDIN, "there is no standard input to read a case from")
    binary = getattr(stream, "buffer", stream)
    try:
        if stat.S_ISDIR(os.fstat(binary.fileno()).st_mode):
            raise refusal(STDIN, "is a folder, not a case file")
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's buffer, say): nothing to check
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            chunk = _read_some(binary, min(limit + 1 - size, _CHUNK))
            if not chunk:
                break
            if isinstance(chunk, str):  # a text stream without a byte buffer under it
                chunk = chunk.encode("utf-8", "surrogateescape")
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise refusal(STDIN, f"cannot be read ({exc.strerror or exc})") from None
    if size > limit:
        most = _megabytes(limit)
        raise refusal(STDIN, f"more than {most} of input; a case file is limited to {most}")
    return b"".join(chunks)


def _read_some(binary: Any, most: int) -> bytes | str:
    """One read of at most `most`; waits on a stdin left non-blocking by whoever started us."""
    while True:
        try:
            chunk = binary.read(most)
        except BlockingIOError:
            chunk = None
        if chunk is not None:
            return chunk  # type: ignore[no-any-return]
        import select

        select.select([binary], [], [])


def read_stdin_text(limit: int = MAX_FILE_BYTES) -> str:
    """Standard input as UTF-8 text, with the same limit and the same located errors as a case file."""
    return decode_bytes(read_stdin(limit), STDIN)


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of text[index], counting line breaks as YAML does."""
    line, start = 1, 0
    for brk in _BREAK.finditer(text, 0, index):
        line += 1
        start = brk.end()
    return line, index - start + 1


def decode_bytes(raw: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM), locating the first bad byte by line and column."""
    body = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Everything before the first bad byte is good UTF-8.
        before = body[: exc.start].decode("utf-8")
        line, column = line_and_column(before, len(before))
        raise refusal(
            name, "the file is not UTF-8 text (binary data or another encoding)", line, column
        ) from None
    if "\x00" in text:
        line, column = line_and_column(text, text.index("\x00"))
        raise refusal(name, "the file contains binary data (NUL bytes)", line, column)
    return text
