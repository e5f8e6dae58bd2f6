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
