"""Errors the user can fix (bad case files, bad options), kept apart from bugs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One located problem in a case file."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = f"{where}: "
        if self.path:
            prefix += f"{self.path}: "
        return prefix + self.message

    def as_dict(self) -> dict[str, object]:
        """The issue as plain data (for JSON): file, line, column, path, severity, message."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "severity": self.severity,
            "message": self.message,
        }


class CaseError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback."""

    def __init__(self, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.issues: list[Issue] = list(issues or [])

    def __str__(self) -> str:
        if self.issues:
            return "\n".join(str(issue) for issue in self.issues)
        return self.message


class CaseValidationError(CaseError):
    """A case file that does not follow the format; carries every issue found."""

    def __init__(self, issues: list[Issue]) -> None:
        count = len(issues)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the case file", issues)


class OptionError(CaseError):
    """A chart or batch setting that cannot be used; `option` names the setting (e.g. 'unit')."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


# Set to 1 (or pass `atc-timeline --debug`) to see the traceback of an internal error.
DEBUG_ENV = "ATC_TIMELINE_DEBUG"


def internal_error_message(exc: BaseException) -> str:
    """One line for a bug of ours: what broke, that it is a bug, and how to see its traceback."""
    lines = str(exc).strip().splitlines()
    what = type(exc).__name__ + (f": {lines[0][:200]}" if lines else "")
    return (
        f"internal error in atc-timeline ({what}); this is a bug, please report it. "
        f"To see the traceback, run atc-timeline --debug ... or set {DEBUG_ENV}=1"
    )


def os_error_message(exc: OSError, name: str | None = None) -> str:
    """`file: plain message` for a failed read or write ('out.png: permission denied')."""
    where = name or exc.filename
    text = exc.strerror or str(exc) or type(exc).__name__
    text = text[:1].lower() + text[1:]
    if exc.filename2 is not None:
        text += f" ({exc.filename2})"
    return f"{where}: {text}" if where is not None else text
