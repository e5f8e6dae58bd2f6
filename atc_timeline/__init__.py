"""atc-timeline: a cancer patient's treatment history, from a YAML case file to a swimlane chart."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # what type checkers and editors see; at run time names load on first use
    from atc_timeline.case.model import Case
    from atc_timeline.draw.figure import draw_timeline
    from atc_timeline.draw.themes import DARK, LIGHT, PRINT, THEMES, Theme
    from atc_timeline.errors import CaseError, CaseValidationError, Issue, OptionError
    from atc_timeline.events.normalize import CaseContext, case_context, normalize_events
    from atc_timeline.layout import (
        Bar,
        Box,
        Label,
        Lane,
        LayoutOptions,
        Leader,
        LegendEntry,
        Marker,
        Sizes,
        TimelineLayout,
        compute_layout,
    )
    from atc_timeline.options import SIZE_PRESETS, ChartOptions
    from atc_timeline.pipeline import Chart, figure_for_case, layout_case, plot_case, render_case, render_file
    from atc_timeline.readers.yaml_case import load_case, load_case_text
    from atc_timeline.results import Result
    from atc_timeline.writers.atomic import write_atomic
    from atc_timeline.writers.figure_bytes import figure_to_bytes

# Why lazy: `atc-timeline --help` should not pay for importing matplotlib and pandas.
_EXPORTS = {
    "Case": "atc_timeline.case.model",
    "draw_timeline": "atc_timeline.draw.figure",
    **dict.fromkeys(("DARK", "LIGHT", "PRINT", "THEMES", "Theme"), "atc_timeline.draw.themes"),
    **dict.fromkeys(("CaseError", "CaseValidationError", "Issue", "OptionError"), "atc_timeline.errors"),
    **dict.fromkeys(("CaseContext", "case_context", "normalize_events"), "atc_timeline.events.normalize"),
    **dict.fromkeys(
        (
            "Bar",
            "Box",
            "Label",
            "Lane",
            "LayoutOptions",
            "Leader",
            "LegendEntry",
            "Marker",
            "Sizes",
            "TimelineLayout",
            "compute_layout",
        ),
        "atc_timeline.layout",
    ),
    **dict.fromkeys(("SIZE_PRESETS", "ChartOptions"), "atc_timeline.options"),
    **dict.fromkeys(
        ("Chart", "figure_for_case", "layout_case", "plot_case", "render_case", "render_file"),
        "atc_timeline.pipeline",
    ),
    **dict.fromkeys(("load_case", "load_case_text"), "atc_timeline.readers.yaml_case"),
    "Result": "atc_timeline.results",
    "write_atomic": "atc_timeline.writers.atomic",
    "figure_to_bytes": "atc_timeline.writers.figure_bytes",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'atc_timeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
