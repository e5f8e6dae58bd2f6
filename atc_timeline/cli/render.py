"""`atc-timeline render`: one case file to one chart, or many into a folder."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from atc_timeline.cli.app import (
    app,
    console,
    debug_wanted,
    handle_user_errors,
    print_error,
    print_traceback,
    print_warning,
)
from atc_timeline.cli.stdout import write_stdout
from atc_timeline.errors import CaseError, OptionError


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
    height: Annotated[
        str | None,
        typer.Option(
            help="Chart height in inches (overrides --size), or auto: the size's height, grown "
            "(up to a page for journals) when labels would not fit.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help='Title to use instead of the case title ("" for none).')
    ] = None,
    subtitle: Annotated[
        bool, typer.Option("--subtitle/--no-subtitle", help="The patient and diagnosis line under the title.")
    ] = True,
    source_line: Annotated[
        bool, typer.Option("--source/--no-source", help='The "Source: ..." line at the foot.')
    ] = True,
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
    allow_identifiers: Annotated[
        bool,
        typer.Option(
            help="With --deidentify: draw free text that looks like a date, age, name or record number."
        ),
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
        "height": _height(height),
        "dpi": dpi,
        "title": title,
        "show_subtitle": subtitle,
        "show_source": source_line,
        "axis": axis,
        "unit": unit,
        "time_zero": time_zero,
        "transparent": transparent,
        "deidentify": deidentify,
        "allow_identifiers": allow_identifiers,
    }
    if summary not in (None, "json"):
        raise OptionError("summary", f"unknown summary format '{summary}'; use json")
    style_bytes = _style_bytes(theme, style)
    # Why later: a house style is checked with matplotlib's colour parser, which a run that
    # skips everything does not need.
    make_theme = functools.partial(_theme, theme, style, style_bytes)
    formats = [f.strip().lower() for f in (fmt or "").split(",") if f.strip()]
    from atc_timeline.readers.bounded import read_stdin_text

    single = len(case_files) == 1 and len(formats) <= 1 and not (output and _is_folder(output))
    stdin_text = stdin_error = None
    if "-" in case_files:
        try:
            stdin_text = read_stdin_text()
        except CaseError as exc:
            if single:
                raise
            stdin_error = str(exc)  # in a batch, only this input fails
    stamps = None
    if skip_unchanged:
        from atc_timeline.batch.stamps import Stamps

        # The options as given, not ChartOptions: they determine it (its code is in the key),
        # and building it imports the drawing stack, which a run that skips everything avoids.
        style_digest = None if style_bytes is None else hashlib.sha256(style_bytes).hexdigest()
        stamps = Stamps({"options": choices, "theme": theme, "style": style_digest})
    from atc_timeline.batch.targets import Protected, check_target

    # Never written onto: the case files, the house style, a file redirected to stdin.
    protected = Protected([*case_files, *([style] if style else [])], _stdin_fd(case_files))
    if single:
        source = case_files[0]
        default = f"{'stdin' if source == '-' else Path(source).stem}.{formats[0] if formats else 'png'}"
        target = output or default
        if target != "-":
            check_target(target, protected, "output")
        chosen = formats[0] if formats else None
        _render_one(source, stdin_text, target, chosen, choices, make_theme, quiet, stamps)
        return
    if output is None or output == "-":
        raise CaseError("several charts need a folder: add -o FOLDER/")
    from atc_timeline.batch.plan import plan_jobs

    formats = formats or ["png"]
    planned = plan_jobs(
        case_files, Path(output), formats, output_pattern, size, theme, stdin_text, protected, stdin_error
    )
    _make_folder(output)
    _render_batch(planned, Path(output), formats, choices, make_theme, jobs, quiet, summary, stamps)


def _height(text: str | None) -> float | str | None:
    """--height as inches or "auto"; refused in plain words otherwise (no drawing stack imported)."""
    if text is None or text.strip().lower() == "auto":
        return None if text is None else "auto"
    try:
        return float(text)
    except ValueError:
        raise OptionError("height", f"a height of {text!r} is neither inches nor 'auto'") from None


def _chart_options(choices: dict[str, Any]) -> Any:
    """The checked ChartOptions for the command-line choices (imports the drawing stack)."""
    from atc_timeline.options import ChartOptions

    return ChartOptions.for_size(**choices)


def _make_folder(output: str) -> None:
    """The batch's output folder, made if missing; a plain error where it cannot be."""
    if os.path.lexists(os.path.normpath(output)) and not os.path.isdir(output):
        raise CaseError(f"{output}: exists and is not a folder; several charts need a folder: add -o FOLDER/")
    try:
        os.makedirs(output, exist_ok=True)
    except OSError as exc:
        raise CaseError(f"{output}: cannot make the folder ({exc.strerror or exc})") from None


def _stdin_fd(case_files: list[str]) -> int | None:
    """Standard input's file descriptor when a case is read from it, else None."""
    if "-" not in case_files:
        return None
    try:
        return sys.stdin.fileno()
    except (OSError, ValueError):  # replaced by a stream without one (tests)
        return None


def _is_folder(output: str) -> bool:
    # os.path.isdir, not Path.is_dir: that one raises for a name too long (Python 3.11).
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def _print_result(result: Any, quiet: bool, seen: set[str] | None = None) -> None:
    """A result's warnings (unless quiet; each once per run with `seen`) and errors on stderr
    (an internal error's traceback first, with --debug)."""
    if not quiet:
        for message in result.warnings:
            if seen is not None:
                if message in seen:  # e.g. the house style's missing font, told for every case
                    continue
                seen.add(message)
            print_warning(message)
    if result.status == "failed":
        if result.traceback and debug_wanted():
            print_traceback(result.traceback)
        print_error(result.error)


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
                console(True).print(f"{target} is up to date (skipped)", markup=False, soft_wrap=True)
            return
    # Check first, then import the drawing stack (~0.5 s): a bad file is refused at once.
    from atc_timeline.readers.yaml_case import check_source  # readers only: no drawing stack

    report = check_source(source, stdin_text)
    if report.case is None:
        from atc_timeline.results import Result

        _print_result(Result.refused(report.file, report), quiet)
        raise typer.Exit(1)
    from atc_timeline.pipeline import render_checked

    options = _chart_options(choices)
    result = render_checked(report, [(fmt, target)], options, make_theme(), source=source, text=stdin_text)
    _print_result(result, quiet)
    if result.status == "failed":
        raise typer.Exit(1)
    if result.stdout is not None:
        write_stdout(result.stdout)
        return
    if key is not None and stamps.record(target, source, fmt, key):
        stamps.save()
    if not quiet:
        console(True).print(f"wrote {target}", markup=False, soft_wrap=True)


def _render_batch(
    planned: list[Any],
    out_dir: Path,
    formats: list[str],
    choices: dict[str, Any],
    make_theme: Callable[[], Any],
    jobs: int | None,
    quiet: bool,
    summary: str | None,
    stamps: Any = None,
) -> None:
    """Many cases into a folder; one bad file never stops the others; exit 1 if any failed."""
    from contextlib import closing

    from atc_timeline.batch.plan import set_aside_current
    from atc_timeline.batch.pool import render_many
    from atc_timeline.results import STATUSES

    if stamps is not None:
        planned = set_aside_current(planned, stamps)
    from atc_timeline.draw.themes import LIGHT

    options, theme = None, LIGHT  # made only if something is drawn
    if any(job.targets for job in planned):
        from atc_timeline.writers.formats import check_format

        options = _chart_options(choices)
        theme = make_theme()
        for chosen_format in formats:
            check_format(chosen_format)  # refuses unknown formats before any work starts
    out_dir.mkdir(parents=True, exist_ok=True)
    records = []
    told: set[str] = set()
    counts = dict.fromkeys(STATUSES, 0)
    progress = _progress(len(planned), stamps is not None) if not quiet and summary is None else None
    try:
        with closing(render_many(planned, options, theme, jobs)) as results:
            for job, result in zip(planned, results, strict=True):
                records.append(result.record())
                counts[result.status] += 1
                _print_result(result, quiet, told)
                if result.status != "failed":
                    # A failed case is never stamped: the next run tries it again. Input from
                    # stdin has no keys, so it is never stamped either.
                    if stamps is not None:
                        for (fmt, target), key in zip(job.targets, job.keys, strict=False):
                            if target in result.outputs:
                                stamps.record(target, job.source, fmt, key)
                    if not quiet and summary is None:
                        for path in result.outputs:
                            write_stdout(path + "\n")
                if progress is not None:
                    progress.advance(counts)
    finally:
        if progress is not None:
            progress.stop()
        if stamps is not None:
            # Also after Ctrl-C: what was finished stays stamped, so a re-run resumes.
            stamps.save()
    if summary == "json":
        write_stdout(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    elif not quiet:
        done = f"{counts['ok']} rendered, "
        if stamps is not None:
            done += f"{counts['skipped']} skipped (up to date), "
        console(True).print(f"done: {done}{counts['failed']} failed", highlight=False)
    raise typer.Exit(1 if counts["failed"] else 0)


class _Progress:
    """A transient progress bar on a terminal's stderr."""

    def __init__(self, total: int, skipping: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("rendering"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed" + (", {task.fields[skipped]} skipped" * skipping)),
            TimeRemainingColumn(),
            console=console(True),
            transient=True,
        )
        self._task = self._bar.add_task("render", total=total, failed=0, skipped=0)
        self._bar.start()

    def advance(self, counts: dict[str, int]) -> None:
        self._bar.update(self._task, advance=1, failed=counts["failed"], skipped=counts["skipped"])

    def stop(self) -> None:
        self._bar.stop()


def _progress(total: int, skipping: bool) -> _Progress | None:
    """A progress bar, only on a terminal."""
    return _Progress(total, skipping) if console(True).is_terminal else None


def _style_bytes(name: str, style: Path | None) -> bytes | None:
    """Refuse an unknown theme name; the house style file's bytes (None without --style)."""
    from atc_timeline.draw.themes import theme_named

    theme_named(name)
    if style is None:
        return None
    from atc_timeline.readers.style_file import read_style_bytes

    return read_style_bytes(style)


def _theme(name: str, style: Path | None, raw: bytes | None) -> Any:
    """The named theme, with the house style file (its bytes already read) applied over it."""
    from atc_timeline.draw.style import load_theme

    return load_theme(name, style, raw)
