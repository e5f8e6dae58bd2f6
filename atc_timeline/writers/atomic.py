"""Writing files whole or not at all: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from atc_timeline.errors import CaseError

NAME_MAX = 255  # bytes in one file name on the common file systems, when the folder cannot say
_RANDOM = 8  # characters mkstemp adds
_SHORT = 32  # characters of a long name kept in its temporary name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def name_max(directory: str | Path) -> int:
    """The longest file name, in bytes, the folder's file system allows."""
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no such folder, or no pathconf (Windows)
        return NAME_MAX


def check_name(path: str | Path) -> None:
    """Refuse a file name longer than its folder's file system allows, in plain words."""
    path = Path(path)
    size = len(os.fsencode(path.name))
    most = name_max(path.parent if str(path.parent) else ".")
    if size > most:
        raise CaseError(
            f"{path}: the file name is too long ({size} bytes; the file system allows {most}); "
            "choose a shorter name"
        )


_KINDS = {
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def check_replaceable(path: str | Path, own: bool = False) -> None:
    """Refuse a target that exists but is not a regular file (a device, a pipe, a folder).

    Why: the rename that makes a write atomic would replace the device or pipe itself; run as
    root, `-o /dev/null` would turn the system's /dev/null into a PNG. A file of our own (the
    stamp manifest, `own`) may replace a link or a pipe left in its place, never a device.
    """
    try:
        # A chart is written through a link, so what the link points to is what counts.
        found = os.lstat(path) if own else os.stat(path)
    except (OSError, ValueError):
        return
    if stat.S_ISREG(found.st_mode) or (own and (stat.S_ISLNK(found.st_mode) or stat.S_ISFIFO(found.st_mode))):
        return
    kind = _KINDS.get(stat.S_IFMT(found.st_mode), "not a regular file")
    hint = "; name a file to write" if kind == "a folder" else "; to write to stdout, use -o -"
    if own:
        hint = "; remove it, or write to another folder"
    raise CaseError(f"{path}: is {kind}, not a file that can be replaced{hint}")


def _prefix(path: Path, most: int) -> str:
    """The start of the temporary file's name: the target's own name, or a short form of it.

    Why the short form: `.NAME.XXXXXXXX.tmp` is 14 bytes longer than NAME, so a name near the
    file system's limit would leave no room for its temporary file. The hash keeps the short
    form particular to one target, so `temporary_files` never finds another output's.
    """
    name = path.name
    if len(os.fsencode(name)) + 2 + _RANDOM + len(".tmp") <= most:
        return f".{name}."
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:8]
    return f".{name[:_SHORT]}~{digest}."


def temporary_files(path: str | Path) -> list[Path]:
    """Temporary files that unfinished writes of `path` left (after a process was killed)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    return sorted(folder.glob(f"{glob.escape(_prefix(path, name_max(folder)))}*.tmp"))


def _error(path: Path, exc: OSError) -> CaseError:
    """An OSError of a write as a plain message naming the file."""
    reason = exc.strerror or str(exc)
    return CaseError(f"{path}: cannot write the file ({reason})")


def write_atomic(path: str | Path, data: bytes, own: bool = False) -> None:
    """Write bytes to path via a temporary file and rename, so no half-written file remains.

    A full disk, a read-only folder, a name too long or any other failed write raises a
    CaseError naming the file; an existing file at `path` is then left as it was. A link is
    written through, unless the file is our `own` (the stamp manifest): then the link itself
    is replaced, so a manifest linked elsewhere never writes into another file.
    """
    path = Path(path)
    check_replaceable(path, own)
    if not own and os.path.islink(path):
        # Write what the link points to, and keep the link (as writing the file in place would).
        path = Path(os.path.realpath(path))
    directory = path.parent if str(path.parent) else Path(".")
    # os.path.isdir, not Path.is_dir: that one raises for a name too long (Python 3.11).
    if not os.path.isdir(directory):
        raise CaseError(f"{path}: the folder {directory} does not exist")
    check_name(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_prefix(path, name_max(directory)), suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes 0600 files; a chart should get the usual permissions.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _error(path, exc) from None
        raise
