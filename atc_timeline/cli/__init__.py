"""The atc-timeline command line: a thin layer over the library; the only place that prints or exits."""

from __future__ import annotations

from atc_timeline.cli import check, render  # noqa: F401  (register the commands)
from atc_timeline.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    from atc_timeline.mpl.fast_import import enable_for_command_line

    # Only the command line skips matplotlib's set() docstrings (~0.1 s of a cold start); a
    # program importing the library gets matplotlib unchanged.
    enable_for_command_line()
    app()
