"""The public library calls: one chained pipeline from case file to chart bytes."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from atc_timeline.errors import CaseError
from atc_timeline.layout import LayoutOptions, TimelineLayout, compute_layout
from atc_timeline.loading import load_case
from atc_timeline.model import Case
from atc_timeline.normalize import case_context, normalize_events
from atc_timeline.render import FORMATS, draw_timeline, figure_to_bytes, make_measure
from atc_timeline.themes import LIGHT, Theme

DEFAULT_WIDTH = 13.333  # a 16:9 slide, in inches
DEFAULT_HEIGHT = 7.5
DEFAULT_DPI = 150


@dataclass(frozen=True)
class ChartOptions:
    """What the user chose: size, resolution and title."""

    width: float = DEFAULT_WIDTH
    height: float = DEFAULT_HEIGHT
    dpi: float = DEFAULT_DPI
    title: str | None = None

    def check(self) -> None:
        """Refuse sizes that cannot hold a chart."""
        if not (2.0 <= self.width <= 60.0) or not (1.5 <= self.height <= 60.0):
            raise CaseError(
                f"--width/--height of {self.width:g} x {self.height:g} in is outside 2-60 x 1.5-60 inches"
            )
        if not 20 <= self.dpi <= 1200:
            raise CaseError(f"--dpi {self.dpi:g} is outside 20-1200")


def layout_case(case: Case, options: ChartOptions | None = None, theme: Theme = LIGHT) -> TimelineLayout:
    """Case -> layout (normalize, then place everything)."""
    options = options or ChartOptions()
    events = normalize_events(case)
    context = case_context(case, events)
    return compute_layout(
        events,
        context,
        make_measure(theme),
        LayoutOptions(width=options.width, height=options.height, title=options.title),
    )


def figure_for_case(case: Case, options: ChartOptions | None = None, theme: Theme = LIGHT) -> Figure:
    """Case -> matplotlib Figure."""
    options = options or ChartOptions()
    return draw_timeline(layout_case(case, options, theme), theme, dpi=options.dpi)


def format_for(path: str | Path, override: str | None = None) -> str:
    """The output format: --format if given, else the file extension."""
    if override:
        fmt = override.lower().lstrip(".")
    else:
        fmt = Path(path).suffix.lower().lstrip(".")
        if not fmt:
            raise CaseError(f"{path}: cannot tell the format; add .png, .svg or .pdf, or use --format")
    if fmt not in FORMATS:
        raise CaseError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    return fmt


def render_case(
    case: Case | str | Path,
    fmt: str = "png",
    options: ChartOptions | None = None,
    theme: Theme = LIGHT,
) -> bytes:
    """Render a case (a Case or a path to a case file) to PNG, SVG or PDF bytes."""
    options = options or ChartOptions()
    options.check()
    if fmt not in FORMATS:
        raise CaseError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    if not isinstance(case, Case):
        case = load_case(case)
    fig = figure_for_case(case, options, theme)
    return figure_to_bytes(fig, fmt, dpi=options.dpi)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write bytes to path via a temporary file and rename, so no half-written file remains."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise CaseError(f"{path}: the folder {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes 0600 files; a chart should get the usual permissions.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
