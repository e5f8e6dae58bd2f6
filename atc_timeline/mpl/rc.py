"""matplotlib.rc_context for drawing, one thread at a time.

Why: rcParams are one dict for the whole process, and rc_context restores on exit what it
saw on entry. With two threads drawing, one thread's exit puts the defaults back while the
other is still creating artists, which read rcParams when they are made (a Patch takes its
hatch line width then): about 1 PNG in 100 to 500, drawn in 8 threads, had hatches of the
default 1.0 pt instead of the theme's 0.8. Entered through this lock, the themes' settings never interleave,
and when the last thread leaves, rcParams are what they were before. Drawing serialises (it
holds the GIL almost throughout anyway); reading and laying out cases still run in parallel.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

import matplotlib as mpl

_DRAWING = threading.RLock()  # re-entrant: a figure may be saved inside a caller's drawing_rc


@contextmanager
def drawing_rc(rc: Mapping[str, Any]) -> Iterator[None]:
    """``matplotlib.rc_context(rc)``, held by one thread at a time."""
    with _DRAWING, mpl.rc_context(cast(Any, dict(rc))):  # Any: its stubs list every rcParam name
        yield
