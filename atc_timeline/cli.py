"""The atc-timeline command line: a thin layer over the library; the only place that prints or exits."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import warnings
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from atc_timeline import __version__
from atc_timeline.errors import CaseError

app = typer.Typer(
    name="atc-timeline",
    help="Turn a cancer patient's treatment history (a YAML case file) into a swimlane chart.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@functools.cache
def _console(stderr: bool) -> Any:
    """rich Consoles, made on first use: importing rich costs ~50 ms that --help never needs."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _text(*parts: Any) -> Any:
    """A rich Text from plain strings and (string, style) pairs (markup in them stays literal)."""
    from rich.text import Text

    return Text.assemble(*parts)

F = TypeVar("F", bound=Callable[..., Any])


def handle_user_errors(func: F) -> F:
    """CaseError: a plain message on stderr, exit 1. Ctrl-C: "interrupted", exit 130. Bugs: a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CaseError as exc:
            for line in str(exc).splitlines():
                _console(True).print(f"[bold red]error:[/] {line}", markup=True, soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            _console(True).print("interrupted", highlight=False)
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


@app.command()
@handle_user_errors
def render(
    case_files: Annotated[
        list[str],
        typer.Argument(
            help="Case files (- reads one from stdin); several go to an -o folder.", show_default=False
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Output file (.png, .svg, .pdf, .pptx), or - for stdout. "
            "Default: the case file's name with .png, in the current folder.",
        ),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="png, svg, pdf or pptx (overrides the extension).")
    ] = None,
    dpi: Annotated[float, typer.Option(help="Resolution of PNG output, dots per inch.")] = 150,
    size: Annotated[
        str | None,
        typer.Option(
            help="slide-16x9 (default), slide-4x3, a4-landscape, journal-1col or journal-2col; "
            "text, markers and wrapping adapt to the real size."
        ),
    ] = None,
    width: Annotated[float | None, typer.Option(help="Chart width in inches (overrides --size).")] = None,
    height: Annotated[float | None, typer.Option(help="Chart height in inches (overrides --size).")] = None,
    title: Annotated[str | None, typer.Option(help="Title to use instead of the case title.")] = None,
    theme: Annotated[str, typer.Option(help="light, dark (dark slides) or print (grayscale).")] = "light",
    transparent: Annotated[bool, typer.Option(help="Transparent background.")] = False,
    style: Annotated[
        Path | None, typer.Option(help="A YAML house style: colours, font_family, bar colours.")
    ] = None,
    axis: Annotated[str, typer.Option(help="calendar, relative (time since --time-zero) or both.")] = "both",
    time_zero: Annotated[
        str | None, typer.Option(help="diagnosis, an item id (its start) or a date; default: the case's.")
    ] = None,
    unit: Annotated[str, typer.Option(help="Unit of relative time: days, weeks or months.")] = "months",
    deidentify: Annotated[
        bool,
        typer.Option(help="Relative time only; drop the case id, exact age and source; clean metadata."),
    ] = False,
    output_pattern: Annotated[
        str, typer.Option(help="Names of batch outputs: {stem}, {format}, {size}, {theme}.")
    ] = "{stem}.{format}",
    jobs: Annotated[
        int | None, typer.Option(help="Parallel processes for many files (default: CPUs).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    summary: Annotated[
        str | None,
        typer.Option(help="json: one record per input on stdout (outputs, written, status, error, ms)."),
    ] = None,
    skip_unchanged: Annotated[
        bool,
        typer.Option(
            help="Leave alone outputs whose case file and options are unchanged since they were "
            "written (stamps in .atc-timeline-stamps.json beside them)."
        ),
    ] = False,
) -> None:
    """Render a case file to a chart.

    Example: atc-timeline render cases/atc-2017-nivolumab-cabozantinib.yaml -o chart.png
    """
    choices: dict[str, Any] = {
        "size": size,
        "width": width,
        "height": height,
        "dpi": dpi,
        "title": title,
        "axis": axis,
        "unit": unit,
        "time_zero": time_zero,
        "transparent": transparent,
        "deidentify": deidentify,
    }
    style_bytes = _style_bytes(theme, style)
    # Why later: a house style is checked with matplotlib's colour parser, which a run that
    # skips everything does not need.
    make_theme = functools.partial(_theme, theme, style, style_bytes)
    formats = [f.strip().lower() for f in (fmt or "").split(",") if f.strip()]
    stdin_text = sys.stdin.read() if "-" in case_files else None
    stamps = None
    if skip_unchanged:
        from atc_timeline.batch.stamps import Stamps

        # The options as given, not ChartOptions: they determine it (its code is in the key),
        # and building it imports the drawing stack, which a run that skips everything avoids.
        style_digest = None if style_bytes is None else hashlib.sha256(style_bytes).hexdigest()
        stamps = Stamps({"options": choices, "theme": theme, "style": style_digest})
    single = len(case_files) == 1 and len(formats) <= 1 and not (output and _is_folder(output))
    if single:
        source = case_files[0]
        target = (
            output or f"{'stdin' if source == '-' else Path(source).stem}.{formats[0] if formats else 'png'}"
        )
        _render_one(
            source, stdin_text, target, formats[0] if formats else None, choices, make_theme, quiet, stamps
        )
        return
    if output is None or output == "-":
        raise CaseError("several charts need a folder: add -o FOLDER/")
    _render_batch(
        case_files,
        stdin_text,
        Path(output),
        formats or ["png"],
        output_pattern,
        choices,
        make_theme,
        theme,
        size,
        jobs,
        quiet,
        summary,
        stamps,
    )


def _chart_options(choices: dict[str, Any]) -> Any:
    """The checked ChartOptions for the command-line choices (imports the drawing stack)."""
    from atc_timeline.pipeline import ChartOptions

    options = ChartOptions.for_size(**choices)
    options.check()
    return options


def _is_folder(output: str) -> bool:
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def _render_one(
    source: str,
    stdin_text: str | None,
    target: str,
    override: str | None,
    choices: dict[str, Any],
    make_theme: Callable[[], Any],
    quiet: bool,
    stamps: Any = None,
) -> None:
    """One case to one file (or stdout), with warnings and errors on stderr."""
    from atc_timeline.writers.formats import format_for

    fmt = format_for("-.png" if target == "-" else target, override)
    key = None
    if stamps is not None and source != "-" and target != "-":
        key = stamps.key(source, fmt)
        if key is not None and stamps.is_current(target, key):
            if not quiet:
                _console(True).print(f"{target} is up to date (skipped)", highlight=False, soft_wrap=True)
            return
    from atc_timeline.pipeline import missing_glyph_warning, render_case, write_atomic
    from atc_timeline.readers.yaml_case import check_text

    options = _chart_options(choices)
    theme = make_theme()
    report = check_text(stdin_text or "", "<stdin>") if source == "-" else _check(Path(source))
    _print_issues(report.issues)
    if report.case is None:
        raise typer.Exit(1)
    glyphs = missing_glyph_warning(report.case, theme)
    if glyphs:
        _console(True).print(_text(("warning: ", "bold yellow"), glyphs), soft_wrap=True)
    with warnings.catch_warnings():
        # Missing glyphs were reported above, once, with the fix; matplotlib's own
        # per-glyph warnings would only repeat it.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        data = render_case(report.case, fmt, options, theme)
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(target, data)
        if key is not None and stamps.record(target, source, fmt, key):
            stamps.save()
        if not quiet:
            _console(True).print(f"wrote {target}", highlight=False)


def _render_batch(
    inputs: list[str],
    stdin_text: str | None,
    out_dir: Path,
    formats: list[str],
    pattern: str,
    choices: dict[str, Any],
    make_theme: Callable[[], Any],
    theme_name: str,
    size: str | None,
    jobs: int | None,
    quiet: bool,
    summary: str | None,
    stamps: Any = None,
) -> None:
    """Many cases into a folder; one bad file never stops the others; exit 1 if any failed."""
    from contextlib import closing

    from atc_timeline.batch.pool import STATUSES, plan_jobs, render_many, set_aside_current
    from atc_timeline.draw.themes import LIGHT

    if summary not in (None, "json"):
        raise CaseError(f"unknown --summary '{summary}'; use json")
    planned = plan_jobs(inputs, out_dir, formats, pattern, size, theme_name, stdin_text)
    if stamps is not None:
        planned = set_aside_current(planned, stamps)
    options, theme = None, LIGHT  # used only if something is drawn
    if any(job.targets for job in planned):
        from atc_timeline.writers.formats import format_for

        options = _chart_options(choices)
        theme = make_theme()
        for chosen_format in formats:
            format_for(f"x.{chosen_format}")  # refuses unknown formats before any work starts
    out_dir.mkdir(parents=True, exist_ok=True)
    records = []
    counts = dict.fromkeys(STATUSES, 0)
    show_progress = _console(True).is_terminal and not quiet and summary is None
    progress = None
    if show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        progress = Progress(
            TextColumn("rendering"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "{task.fields[failed]} failed" + (", {task.fields[skipped]} skipped" if stamps else "")
            ),
            TimeRemainingColumn(),
            console=_console(True),
            transient=True,
        )
        task = progress.add_task("render", total=len(planned), failed=0, skipped=0)
        progress.start()
    try:
        with closing(render_many(planned, options, theme, jobs)) as results:
            for job, result in zip(planned, results, strict=True):
                records.append(result.record())
                counts[result.status] += 1
                for line in result.warnings:
                    if not quiet:
                        _console(True).print(_text((line, "yellow")), soft_wrap=True)
                if result.status == "failed":
                    # A failed case is never stamped: the next run tries it again.
                    for line in result.error.splitlines():
                        _console(True).print(_text(("error: ", "bold red"), line), soft_wrap=True)
                else:
                    if stamps is not None:
                        # Input from stdin has no keys, so it is never stamped.
                        for (fmt, target), key in zip(job.targets, job.keys, strict=False):
                            if target in result.outputs:
                                stamps.record(target, job.source, fmt, key)
                    if not quiet and summary is None:
                        for path in result.outputs:
                            _console(False).print(path, highlight=False, soft_wrap=True)
                if progress is not None:
                    progress.update(task, advance=1, failed=counts["failed"], skipped=counts["skipped"])
    finally:
        if progress is not None:
            progress.stop()
        if stamps is not None:
            # Also after Ctrl-C: what was finished stays stamped, so a re-run resumes.
            stamps.save()
    if summary == "json":
        print(json.dumps(records, indent=2, ensure_ascii=False))
    elif not quiet:
        done = f"{counts['ok']} rendered, "
        if stamps is not None:
            done += f"{counts['skipped']} skipped (up to date), "
        _console(True).print(f"done: {done}{counts['failed']} failed", highlight=False)
    raise typer.Exit(1 if counts["failed"] else 0)


def _style_bytes(name: str, style: Path | None) -> bytes | None:
    """Refuse an unknown theme name; the house style file's bytes (None without --style)."""
    from atc_timeline.draw.themes import THEMES

    if name not in THEMES:
        raise CaseError(f"unknown --theme '{name}'; use one of: {', '.join(THEMES)}")
    if style is None:
        return None
    try:
        return style.read_bytes()
    except FileNotFoundError:
        raise CaseError(f"{style}: no such file") from None
    except OSError as exc:
        raise CaseError(f"{style}: cannot be read ({exc.strerror})") from None


def _theme(name: str, style: Path | None, raw: bytes | None) -> Any:
    """The named theme, with a house style file (its bytes already read) applied over it."""
    from atc_timeline.draw.themes import THEMES, style_theme

    theme = THEMES[name]
    if style is None or raw is None:
        return theme
    import yaml

    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CaseError(f"{style}: not a valid YAML style file ({exc})") from None
    if not isinstance(data, dict):
        raise CaseError(f"{style}: a style file is a block of fields (background, text, bars, ...)")
    try:
        return style_theme(data, theme, str(style))
    except ValueError as exc:
        raise CaseError(str(exc)) from None


class OutputFormat(str, Enum):
    """How validate prints its findings."""

    text = "text"
    json = "json"


@app.command()
def validate(
    case_files: Annotated[
        list[Path], typer.Argument(help="One or more YAML case files.", show_default=False)
    ],
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors (exit 1).")] = False,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text (for people) or json (for editors and CI).")
    ] = OutputFormat.text,
) -> None:
    """Check case files and report every problem, located by file, line and column.

    Exit code 0: valid (warnings allowed unless --strict); 1: invalid; 2: usage error.

    Example: atc-timeline validate cases/*.yaml --strict
    """
    reports = [_check(path) for path in case_files]
    if fmt is OutputFormat.json:
        findings = [
            {
                "file": issue.file,
                "line": issue.line,
                "column": issue.column,
                "path": issue.path,
                "severity": issue.severity,
                "message": issue.message,
            }
            for report in reports
            for issue in report.issues
        ]
        print(json.dumps(findings, indent=2, ensure_ascii=False))
    else:
        for report in reports:
            _print_issues(report.issues)
            errors, warnings = len(report.errors), len(report.warnings)
            verdict = "valid" if not errors else "invalid"
            detail = ", ".join(
                f"{n} {word}{'s' if n != 1 else ''}"
                for n, word in ((errors, "error"), (warnings, "warning"))
                if n
            )
            _console(False).print(
                _text(
                    (f"{report.file}: ", "bold"),
                    (verdict, "green" if not errors else "red"),
                    f" ({detail})" if detail else "",
                ),
                soft_wrap=True,
            )
    failed = any(report.errors or (strict and report.warnings) for report in reports)
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the case-file format (for editors and other tools).

    Example: atc-timeline schema > case.schema.json
    """
    from atc_timeline.case.schema import schema_text

    sys.stdout.write(schema_text())


class SummaryFormat(str, Enum):
    """How summary prints the case."""

    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


@app.command()
@handle_user_errors
def summary(
    case_file: Annotated[Path, typer.Argument(help="The YAML case file.", show_default=False)],
    fmt: Annotated[
        SummaryFormat,
        typer.Option("--format", "-f", help="table (for the terminal), markdown, csv or json."),
    ] = SummaryFormat.table,
) -> None:
    """Show the case as tables: treatments (like a case report's Table 1), imaging, adverse events.

    Example: atc-timeline summary cases/atc-2017-nivolumab-cabozantinib.yaml --format markdown
    """
    from atc_timeline.writers import tables

    report = _check(case_file)
    _print_issues(report.issues)
    if report.case is None:
        raise typer.Exit(1)
    result = tables.summarize(report.case)
    if fmt is SummaryFormat.markdown:
        sys.stdout.write(tables.to_markdown(result))
    elif fmt is SummaryFormat.csv:
        sys.stdout.write(tables.to_csv(result))
    elif fmt is SummaryFormat.json:
        sys.stdout.write(tables.to_json(result) + "\n")
    else:
        from rich.table import Table

        for name in tables.TABLES:
            headers, rows = tables.rows_for(result, name)
            table = Table(title=tables.TABLE_TITLES[name], title_justify="left", show_lines=False)
            for header in headers:
                table.add_column(header, overflow="fold")
            previous: list[str] = []
            for row in rows:
                # Like the report's Table 1: a lane's name and period are shown once.
                shown = [
                    "" if name == "treatments" and i < 2 and previous[i : i + 1] == [cell] else cell
                    for i, cell in enumerate(row)
                ]
                previous = row
                table.add_row(*(_text(cell) for cell in shown))
            _console(False).print(table)


def _check(path: Path) -> Any:
    """Check one file; a file that cannot be read becomes a report with one error."""
    from atc_timeline.errors import Issue
    from atc_timeline.readers.yaml_case import Report, check_file

    try:
        return check_file(path)
    except CaseError as exc:
        return Report(str(path), None, (Issue(str(path), None, None, "", exc.message),))


def _print_issues(issues: Any) -> None:
    """Errors and warnings on stderr, coloured on a terminal, plain when piped."""
    for issue in issues:
        style = "bold red" if issue.severity == "error" else "bold yellow"
        label = f"{issue.severity}: "
        _console(True).print(_text((label, style), str(issue)), soft_wrap=True)


def main() -> None:
    """Console-script entry point."""
    app()
