"""The Typer app, its consoles and the error boundary every command runs inside."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from atc_timeline import __version__
from atc_timeline.errors import (
    DEBUG_ENV,
    CaseError,
    Issue,
    OptionError,
    internal_error_message,
    os_error_message,
)

try:  # Typer 0.2x carries its own copy of Click
    from typer._click.exceptions import ClickException
except ImportError:  # older Typer runs on Click itself
    from click.exceptions import ClickException  # type: ignore[no-redef]


class _GuardedGroup(TyperGroup):
    """The app's command group: every command, whoever wrote it, runs inside the boundary."""

    def invoke(self, ctx: Any) -> Any:
        return run_guarded(lambda: super(_GuardedGroup, self).invoke(ctx))


class _App(typer.Typer):
    """The Typer app, which as the command line's process also ends cleanly around the commands."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as done:
            _ignore_ctrl_c()
            if done.code == 130:
                _forget_caught_ctrl_c()
            try:
                _flush_stdout()  # help or --version text for a reader that went away
            except OSError:
                _silence(sys.stdout)
                raise SystemExit(done.code or 1) from None
            raise
        except KeyboardInterrupt:  # while Typer builds the commands, before any of them runs
            _ignore_ctrl_c()
            _forget_caught_ctrl_c()
            _report(print, "interrupted", file=sys.stderr)
            raise SystemExit(130) from None
        except OSError as exc:  # outside every command: --help or --version to a full disk
            _silence(sys.stdout)
            _report(print_error, os_error_message(exc, None if exc.filename else "<stdout>"))
            raise SystemExit(1) from None
        except Exception as exc:  # outside every command: parsing the app's own options
            report_internal_error(exc)
            raise SystemExit(1) from None


def _forget_caught_ctrl_c() -> None:
    """Make sure a Ctrl-C we caught ends the process with our exit code (130), not by SIGINT.

    Why: CPython remembers a KeyboardInterrupt that escaped any PyRun_String call (extension
    modules make them, e.g. while being imported) even when Python code caught it later, and
    then ends the process by SIGINT at exit (-2 to its parent). Doubt: the only way to clear
    that flag is another PyRun_String call that succeeds; an empty one does nothing else.
    """
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.pythonapi.PyRun_SimpleString(b"")


def _ignore_ctrl_c() -> None:
    """The command is over: a Ctrl-C from now on could only turn its exit code into death by
    the signal (what a shell shows as 130 but Python's caller as -2), so it is ignored."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


app = _App(
    name="atc-timeline",
    cls=_GuardedGroup,
    help="Turn a cancer patient's treatment history (a YAML case file) into a swimlane chart.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])

BROKEN_PIPE = "<stdout>: the reader closed the pipe before all the output was written"


@functools.cache
def console(stderr: bool) -> Any:
    """rich Consoles, made on first use: importing rich costs ~50 ms that --help never needs."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def styled(*parts: Any) -> Any:
    """A rich Text from plain strings and (string, style) pairs (markup in them stays literal)."""
    from rich.text import Text

    return Text.assemble(*parts)


def flag(option: str) -> str:
    """The command-line flag of a library setting: 'time_zero' -> '--time-zero'."""
    return "--" + option.replace("_", "-")


def print_error(message: str) -> None:
    """Each line of a plain error message on stderr, after a red 'error:'."""
    for line in message.splitlines():
        console(True).print(styled(("error: ", "bold red"), line), soft_wrap=True)


def print_warning(message: str) -> None:
    """A warning on stderr, after a yellow 'warning:'."""
    console(True).print(styled(("warning: ", "bold yellow"), message), soft_wrap=True)


def print_issues(issues: Iterable[Issue]) -> None:
    """Errors and warnings on stderr, coloured on a terminal, plain when piped."""
    for issue in issues:
        if issue.severity == "error":
            print_error(str(issue))
        else:
            print_warning(str(issue))


def debug_wanted() -> bool:
    """True if internal errors should show their traceback (--debug or ATC_TIMELINE_DEBUG=1)."""
    return _debug or os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")


_debug = False  # set by --debug on each run


def print_traceback(text: str) -> None:
    """A traceback's text on stderr as it is (never read as rich markup)."""
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


def run_guarded(call: Callable[[], Any]) -> Any:
    """Run a command inside the error boundary every command shares.

    A problem the user can fix (a CaseError, an OptionError, a read or write the system
    refused, a reader that closed our stdout) ends as `file: plain message` on stderr and
    exit 1; Ctrl-C as "interrupted" and 130. Anything else is a bug of ours: one line saying
    so and how to see the traceback (exit 1).
    """
    try:
        try:
            result = call()
        except (typer.Exit, SystemExit):
            _flush_stdout()  # what the command printed may still be buffered
            raise
        _flush_stdout()
        return result
    except (typer.Exit, typer.Abort, ClickException):
        raise  # exit codes and usage errors (2) are Typer's to report
    except KeyboardInterrupt:
        _report(console(True).print, "interrupted", highlight=False)
        raise typer.Exit(130) from None
    except BrokenPipeError:
        # The reader of our output went away (`atc-timeline schema | head -c1`): the output
        # was cut short, so exit 1 and say so, once. Why /dev/null: Python flushes stdout
        # again at exit, and that would fail with "Exception ignored ... BrokenPipeError".
        _silence(sys.stdout)
        _report(print_error, BROKEN_PIPE)
        raise typer.Exit(1) from None
    except OptionError as exc:
        _report(print_error, f"{flag(exc.option)}: {exc}")
        raise typer.Exit(1) from None
    except CaseError as exc:
        _report(print_error, str(exc))
        raise typer.Exit(1) from None
    except OSError as exc:
        _report(print_error, os_error_message(exc))
        raise typer.Exit(1) from None
    except Exception as exc:
        report_internal_error(exc)
        raise typer.Exit(1) from None


def report_internal_error(exc: BaseException) -> None:
    """A bug of ours: its traceback first if wanted, then one plain line on stderr."""

    def show() -> None:
        if debug_wanted():
            print_traceback("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        print_error(internal_error_message(exc))

    _report(show)


def handle_user_errors(func: F) -> F:
    """Run a command function inside the error boundary (see run_guarded).

    Every command of the app already runs inside it (the app's group class); this is for a
    command function called some other way.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return run_guarded(lambda: func(*args, **kwargs))

    return wrapper  # type: ignore[return-value]


def _flush_stdout() -> None:
    """Flush stdout inside the boundary, so a full disk or a closed pipe is reported here."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, "<stdout>") from None


def _report(show: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Show a message on stderr (`show(*args, **kwargs)`); if stderr itself is gone, say nothing more."""
    try:
        show(*args, **kwargs)
        sys.stderr.flush()
    except OSError:
        _silence(sys.stderr)


def _silence(stream: Any) -> None:
    """Point a broken stream's file descriptor at /dev/null, so later flushes go nowhere quietly."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test runner's buffer)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _version(value: bool) -> None:
    if value:
        print(f"atc-timeline {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True)
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help=f"Show the traceback of an internal error (or set {DEBUG_ENV}=1)."
        ),
    ] = False,
) -> None:
    """Turn a cancer patient's treatment history (a YAML case file) into a swimlane chart."""
    global _debug
    _debug = debug
