"""The atc-timeline command line: a thin layer over the library; the only place that prints or exits."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from atc_timeline import __version__
from atc_timeline.errors import CaseError

app = typer.Typer(
    name="atc-timeline",
    help="Turn a cancer patient's treatment history (a YAML case file) into a swimlane chart.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
err = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])


def handle_user_errors(func: F) -> F:
    """Print CaseError as a plain message on stderr and exit 1; bugs keep their traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CaseError as exc:
            for line in str(exc).splitlines():
                err.print(f"[bold red]error:[/] {line}", markup=True, soft_wrap=True)
            raise typer.Exit(1) from None

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


@app.command()
@handle_user_errors
def render(
    case_file: Annotated[Path, typer.Argument(help="The YAML case file.", show_default=False)],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Output file (.png, .svg, .pdf), or - for stdout. "
            "Default: the case file's name with .png, in the current folder.",
        ),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="png, svg or pdf (overrides the extension).")
    ] = None,
    dpi: Annotated[float, typer.Option(help="Resolution of PNG output, dots per inch.")] = 150,
    width: Annotated[float, typer.Option(help="Chart width in inches (default: 16:9 slide).")] = 13.333,
    height: Annotated[float, typer.Option(help="Chart height in inches.")] = 7.5,
    title: Annotated[str | None, typer.Option(help="Title to use instead of the case title.")] = None,
) -> None:
    """Render a case file to a chart.

    Example: atc-timeline render cases/atc-2017-nivolumab-cabozantinib.yaml -o chart.png
    """
    from atc_timeline.api import ChartOptions, format_for, render_case, write_atomic

    target = output or f"{case_file.stem}.{fmt or 'png'}"
    chosen = format_for(target, fmt) if target != "-" else format_for("-.png", fmt or "png")
    options = ChartOptions(width=width, height=height, dpi=dpi, title=title)
    data = render_case(case_file, chosen, options)
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(target, data)
        err.print(f"wrote {target}", highlight=False)


def main() -> None:
    """Console-script entry point."""
    app()
