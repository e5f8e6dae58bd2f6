"""The command's entry point: loads the command line inside a guard for an early Ctrl-C."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line; a Ctrl-C while it loads exits 130 with "interrupted", no traceback."""
    try:
        from atc_timeline.cli import main as run

        run()
    except KeyboardInterrupt:  # before the command line handles Ctrl-C itself
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("interrupted", file=sys.stderr)
        try:  # exit 130, not death by SIGINT: see cli.app._forget_caught_ctrl_c
            import ctypes

            ctypes.pythonapi.PyRun_SimpleString(b"")
        except Exception:
            pass
        sys.exit(130)
