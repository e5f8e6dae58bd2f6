"""Output formats and how one is chosen; light, so the command line can decide before importing matplotlib."""

from __future__ import annotations

from pathlib import Path

from atc_timeline.errors import CaseError, OptionError

FORMATS = ("png", "svg", "pdf")  # what a Figure is saved as
OUTPUT_FORMATS = (*FORMATS, "pptx")


def check_format(fmt: str) -> str:
    """The format, or a plain error naming the ones there are."""
    if fmt not in OUTPUT_FORMATS:
        raise OptionError("format", f"unknown format '{fmt}'; use one of: {', '.join(OUTPUT_FORMATS)}")
    return fmt


def format_for(path: str | Path, override: str | None = None) -> str:
    """The output format: `override` if given, else the file extension."""
    if override:
        return check_format(override.lower().lstrip("."))
    fmt = Path(path).suffix.lower().lstrip(".")
    if not fmt:
        raise CaseError(f"{path}: cannot tell the format; add .png, .svg, .pdf or .pptx, or name the format")
    if fmt not in OUTPUT_FORMATS:
        raise CaseError(f"{path}: unknown format '{fmt}'; use one of: {', '.join(OUTPUT_FORMATS)}")
    return fmt
