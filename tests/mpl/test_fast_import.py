"""The import speed-up is the command line's alone: importing the library leaves matplotlib as it was.

Each check runs in a fresh interpreter, as this test process has long imported matplotlib.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import matplotlib.artist

from atc_timeline.mpl import fast_import
from tests.conftest import FOUNDING, ROOT

# Prints what a program would notice of matplotlib after `prelude`, importing the library
# and drawing the founding case in every format.
PROBE = """
import hashlib, inspect, json, logging
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger("matplotlib").addHandler(Keep(logging.WARNING))
font_logger = logging.getLogger("matplotlib.font_manager")
level_before = font_logger.level
{prelude}
import atc_timeline.pipeline as pipeline
from atc_timeline.options import ChartOptions
from matplotlib.lines import Line2D
png = pipeline.render_case({case!r}, "png", ChartOptions(dpi=40))
for fmt in ("svg", "pdf"):
    pipeline.render_case({case!r}, fmt, ChartOptions(dpi=40))
print(json.dumps({{
    "enabled": enabled,
    "doc": Line2D.set.__doc__ or "",
    "parameters": list(inspect.signature(Line2D.set).parameters),
    "level": [level_before, font_logger.level],
    "filters": len(font_logger.filters),
    "logged": records,
    "png": hashlib.sha256(png).hexdigest(),
}}))
"""


def _probe(prelude: str = "enabled = None") -> dict:
    code = PROBE.format(prelude=textwrap.dedent(prelude), case=str(FOUNDING))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_library_leaves_matplotlib_as_it_was():
    seen = _probe()
    assert "linewidth" in seen["doc"]  # Artist.set's generated docstring lists the properties
    assert "linewidth" in seen["parameters"]
    assert seen["level"] == [0, 0]  # the font-manager logger's level is never set
    assert seen["filters"] == 0  # the drawing-time filter is gone once the drawing is done
    # ... yet drawing bold text with the CJK face (which has no bold) logged no fallback.
    assert not [m for m in seen["logged"] if "Failed to find font weight" in m], seen["logged"]


def test_the_command_line_skips_the_docstrings_and_draws_the_same():
    plain = _probe()
    fast = _probe(
        """
        from atc_timeline.mpl.fast_import import enable_for_command_line
        enabled = enable_for_command_line()
        """
    )
    assert fast["enabled"] is True
    assert "linewidth" not in fast["doc"]
    assert fast["png"] == plain["png"]


def test_without_matplotlibs_hook_the_import_is_plain():
    seen = _probe(
        """
        from atc_timeline.mpl import fast_import
        fast_import._HOOK = "_no_such_hook"  # as if matplotlib had renamed it
        enabled = fast_import.enable_for_command_line()
        """
    )
    assert seen["enabled"] is True
    assert "linewidth" in seen["doc"]


def test_too_late_once_matplotlib_artist_is_imported():
    finders = list(sys.meta_path)
    assert fast_import.enable_for_command_line() is False
    assert sys.meta_path == finders
    assert fast_import.install_flag_only(type("NotAnArtist", (), {})) is False
    assert isinstance(matplotlib.artist.Artist.__dict__["_update_set_signature_and_docstring"], classmethod)
