"""What rendering one case file gave: outputs written, warnings, the error; light (no drawing stack)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What --summary json reports for an input: drawn (some output written), skipped (every output
# was up to date) or failed (nothing written, or an internal error part way).
STATUSES = ("ok", "skipped", "failed")


@dataclass(frozen=True)
class Result:
    """What happened to one input."""

    input: str
    outputs: tuple[str, ...] = ()  # written by this run
    status: str = "ok"  # ok (drawn) | skipped (every output up to date) | failed
    error: str = ""  # plain, located lines
    warnings: tuple[str, ...] = ()  # plain, located messages (without a "warning:" prefix)
    milliseconds: float = 0.0
    current: tuple[str, ...] = ()  # outputs left alone because they were up to date
    stdout: bytes | None = None  # the chart, when its target was "-"
    traceback: str = ""  # of an internal error: shown with --debug, never in the summary

    def __repr__(self) -> str:
        return f"Result({self.input!r}, {self.status}, outputs={list(self.outputs)!r})"

    @classmethod
    def refused(cls, name: str, report: Any, milliseconds: float = 0.0) -> Result:
        """The failed result of a case file its check refused (a readers.yaml_case Report)."""
        error = "\n".join(str(issue) for issue in report.errors)
        warnings = tuple(str(issue) for issue in report.warnings)
        return cls(name, status="failed", error=error, warnings=warnings, milliseconds=milliseconds)

    def record(self) -> dict[str, object]:
        """The --summary json record: `outputs` are all in place, `written` those this run wrote."""
        return {
            "input": self.input,
            "outputs": [*self.outputs, *self.current],
            "written": list(self.outputs),
            "status": self.status,
            "error": self.error or None,
            "milliseconds": round(self.milliseconds, 1),
        }
