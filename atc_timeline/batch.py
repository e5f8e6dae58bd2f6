"""Render many case files: several formats per case from one layout, in parallel processes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from atc_timeline.api import ChartOptions, write_atomic
from atc_timeline.errors import CaseError
from atc_timeline.themes import LIGHT, Theme

DEFAULT_PATTERN = "{stem}.{format}"


@dataclass(frozen=True)
class Job:
    """One input and where its charts go."""

    source: str  # a path, or "-" for text already read from stdin
    targets: tuple[tuple[str, str], ...]  # (format, output path)
    text: str | None = None


@dataclass(frozen=True)
class Result:
    """What happened to one input."""

    input: str
    outputs: tuple[str, ...] = ()
    status: str = "ok"  # ok | failed
    error: str = ""
    warnings: tuple[str, ...] = ()
    milliseconds: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)

    def record(self) -> dict[str, object]:
        """The --summary json record."""
        return {
            "input": self.input,
            "outputs": list(self.outputs),
            "status": self.status,
            "error": self.error or None,
            "milliseconds": round(self.milliseconds, 1),
        }


def plan_jobs(
    inputs: Sequence[str],
    out_dir: Path,
    formats: Sequence[str],
    pattern: str = DEFAULT_PATTERN,
    size: str | None = None,
    theme: str = "light",
    stdin_text: str | None = None,
) -> list[Job]:
    """Output paths for every input and format; refuses patterns that would collide."""
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for source in inputs:
        stem = "stdin" if source == "-" else Path(source).stem
        targets = []
        for fmt in formats:
            try:
                name = pattern.format(stem=stem, format=fmt, size=size or "slide-16x9", theme=theme)
            except (KeyError, IndexError, ValueError) as exc:
                raise CaseError(
                    f"--output-pattern '{pattern}': unknown field {exc}; use {{stem}}, {{format}}, "
                    "{size} and {theme}"
                ) from None
            target = str(out_dir / name)
            if target in seen:
                raise CaseError(
                    f"--output-pattern '{pattern}' writes {target} for both {seen[target]} and "
                    f"{source}; add {{format}} or {{stem}}"
                )
            seen[target] = source
            targets.append((fmt, target))
        jobs.append(Job(source, tuple(targets), stdin_text if source == "-" else None))
    return jobs


def run_job(job: Job, options: ChartOptions, theme: Theme = LIGHT) -> Result:
    """Check, lay out and draw one case once, then write each requested format atomically."""
    from atc_timeline.api import layout_case, render_case
    from atc_timeline.loading import check_file, check_text
    from atc_timeline.render import draw_timeline, figure_to_bytes

    started = time.perf_counter()
    name = "<stdin>" if job.source == "-" else job.source
    try:
        report = check_text(job.text or "", name) if job.source == "-" else check_file(job.source)
        warnings = tuple(f"warning: {issue}" for issue in report.warnings)
        if report.case is None:
            error = "\n".join(str(issue) for issue in report.errors)
            return Result(name, status="failed", error=error, warnings=warnings, milliseconds=_ms(started))
        figure = None
        written = []
        for fmt, target in job.targets:
            if fmt == "pptx":
                data = render_case(report.case, fmt, options, theme)
            else:
                # One layout and one Figure serve every format of this case.
                if figure is None:
                    figure = draw_timeline(layout_case(report.case, options, theme), theme, options.dpi)
                data = figure_to_bytes(figure, fmt, options.dpi, options.transparent)
            write_atomic(target, data)
            written.append(target)
        return Result(name, tuple(written), warnings=warnings, milliseconds=_ms(started))
    except CaseError as exc:
        return Result(name, status="failed", error=str(exc), milliseconds=_ms(started))


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _run(args: tuple[Job, ChartOptions, Theme]) -> Result:
    return run_job(*args)


def render_many(
    jobs: Sequence[Job],
    options: ChartOptions,
    theme: Theme = LIGHT,
    workers: int | None = None,
) -> Iterator[Result]:
    """Run jobs in `workers` processes (1: in this process); results come in input order."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    if workers == 1:
        for job in jobs:
            yield run_job(job, options, theme)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            yield from pool.map(_run, [(job, options, theme) for job in jobs], chunksize=1)
        except BaseException:
            # Ctrl-C or a dying consumer: stop queued work; writes are atomic, so no file
            # is left half-written.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
