"""atc-timeline: a cancer patient's treatment history, from a YAML case file to a swimlane chart."""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Why: `atc-timeline --help` should not pay for importing matplotlib and pandas, so the
# public names are resolved on first use.
_EXPORTS = {
    "ChartOptions": "atc_timeline.pipeline",
    "figure_for_case": "atc_timeline.pipeline",
    "layout_case": "atc_timeline.pipeline",
    "render_case": "atc_timeline.pipeline",
    "write_atomic": "atc_timeline.writers.atomic",
    "CaseError": "atc_timeline.errors",
    "CaseValidationError": "atc_timeline.errors",
    "Issue": "atc_timeline.errors",
    "compute_layout": "atc_timeline.layout",
    "load_case": "atc_timeline.readers.yaml_case",
    "load_case_text": "atc_timeline.readers.yaml_case",
    "case_context": "atc_timeline.events.normalize",
    "normalize_events": "atc_timeline.events.normalize",
    "draw_timeline": "atc_timeline.draw.figure",
    "figure_to_bytes": "atc_timeline.writers.figure_bytes",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'atc_timeline' has no attribute {name!r}")
