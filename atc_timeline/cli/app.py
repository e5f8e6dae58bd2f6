"""The Typer app, its consoles and the error boundary every command runs inside."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

import typer

from atc_timeline import __version__
from atc_timeline.errors import CaseError, Issue, OptionError

app = typer.Typer(
    name="atc-timeline",
    help="Turn a cancer patient's treatment history (a YAML case file) into a swimlane chart.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


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


def handle_user_errors(func: F) -> F:
    """CaseError: a plain message on stderr, exit 1. Ctrl-C: "interrupted", exit 130. Bugs: a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OptionError as exc:
            print_error(f"{flag(exc.option)}: {exc}")
            raise typer.Exit(1) from None
        except CaseError as exc:
            print_error(str(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            console(True).print("interrupted", highlight=False)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(f"atc-timeline {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Turn a cancer patient's treatment history (a YAML case file) into a swimlane chart."""
