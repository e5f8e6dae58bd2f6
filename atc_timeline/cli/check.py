"""`atc-timeline validate`, `schema` and `summary`: checking a case file and showing it as tables."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from atc_timeline.cli.app import app, handle_user_errors, print_issues, styled
from atc_timeline.cli.stdout import print_stdout, write_stdout


class OutputFormat(str, Enum):
    """How validate prints its findings."""

    text = "text"
    json = "json"


def _check(path: Path) -> Any:
    """The report on one case file, or on the case read from stdin for "-"."""
    from atc_timeline.errors import CaseValidationError
    from atc_timeline.readers.bounded import STDIN, read_stdin_text
    from atc_timeline.readers.yaml_case import Report, check_source

    try:
        text = read_stdin_text() if str(path) == "-" else None
    except CaseValidationError as exc:  # unreadable or not UTF-8: one located error
        return Report(STDIN, None, tuple(exc.issues))
    return check_source(path, text)


@app.command()
@handle_user_errors
def validate(
    case_files: Annotated[
        list[Path],
        typer.Argument(help="One or more YAML case files (- reads one from stdin).", show_default=False),
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
        from atc_timeline.writers.findings import findings_json

        write_stdout(findings_json(issue for report in reports for issue in report.issues) + "\n")
    else:
        for report in reports:
            print_issues(report.issues)
            errors, warnings = len(report.errors), len(report.warnings)
            detail = ", ".join(
                f"{n} {word}{'s' if n != 1 else ''}"
                for n, word in ((errors, "error"), (warnings, "warning"))
                if n
            )
            verdict = ("valid", "green") if not errors else ("invalid", "red")
            line = styled((f"{report.file}: ", "bold"), verdict, f" ({detail})" if detail else "")
            print_stdout(line, soft_wrap=True)
    failed = any(report.errors or (strict and report.warnings) for report in reports)
    raise typer.Exit(1 if failed else 0)


@app.command()
@handle_user_errors
def schema() -> None:
    """Print the JSON Schema of the case-file format (for editors and other tools).

    Example: atc-timeline schema > case.schema.json
    """
    from atc_timeline.case.schema import schema_text

    write_stdout(schema_text())


class SummaryFormat(str, Enum):
    """How summary prints the case."""

    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


@app.command()
@handle_user_errors
def summary(
    case_file: Annotated[
        Path, typer.Argument(help="The YAML case file (- reads it from stdin).", show_default=False)
    ],
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
    print_issues(report.issues)
    if report.case is None:
        raise typer.Exit(1)
    result = tables.summarize(report.case)
    if fmt is SummaryFormat.markdown:
        write_stdout(tables.to_markdown(result))
    elif fmt is SummaryFormat.csv:
        write_stdout(tables.to_csv(result))
    elif fmt is SummaryFormat.json:
        write_stdout(tables.to_json(result) + "\n")
    else:
        _print_tables(tables, result)


def _print_tables(tables: Any, result: Any) -> None:
    """The summary as rich tables on the terminal."""
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
            table.add_row(*(styled(cell) for cell in shown))
        print_stdout(table)
