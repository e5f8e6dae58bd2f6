"""Real read-only and full folders for the output-safety tests: small tmpfs mounts.

Why mounts: chmod does not stop root from writing, and only a file system that is really
read-only or full gives the errors a user meets. Tests skip, saying why, where mounting is
not allowed (no root, a container without CAP_SYS_ADMIN, not Linux).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False)


@contextmanager
def tmpfs(
    path: Path, size: str = "64k", fill: dict[str, bytes] | None = None, readonly: bool = False
) -> Iterator[Path]:
    """A tmpfs of `size` at `path`, holding the `fill` files, then made read-only if asked."""
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("needs Linux mount to make a real read-only or full folder")
    path.mkdir(parents=True, exist_ok=True)
    made = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or 'not allowed'})")
    try:
        for name, data in (fill or {}).items():
            (path / name).write_bytes(data)
        if readonly:
            again = _run("mount", "-o", "remount,ro", str(path))
            if again.returncode != 0:
                pytest.skip(f"cannot make the tmpfs read-only ({again.stderr.strip()})")
        yield path
    finally:
        if _run("umount", str(path)).returncode != 0:
            _run("umount", "-l", str(path))
