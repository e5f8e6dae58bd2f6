"""Planning a batch: where each input's charts go, and which outputs are already up to date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from atc_timeline.batch.targets import Protected, check_target, fill, parse_pattern
from atc_timeline.errors import OptionError

if TYPE_CHECKING:
    from atc_timeline.batch.stamps import Stamps

DEFAULT_PATTERN = "{stem}.{format}"


@dataclass(frozen=True)
class Job:
    """One input and where its charts go."""

    source: str  # a path, or "-" for text already read from stdin
    targets: tuple[tuple[str, str], ...]  # (format, output path) to write
    text: str | None = None
    keys: tuple[str, ...] = ()  # stamp key of each target (--skip-unchanged); "" for none
    current: tuple[str, ...] = ()  # outputs already up to date, left alone
    error: str | None = None  # why the input cannot be drawn, known before drawing (bad stdin)

    @property
    def skipped(self) -> bool:
        """Nothing to write: every output is up to date."""
        return not self.targets and bool(self.current)


def plan_jobs(
    inputs: Sequence[str],
    out_dir: Path,
    formats: Sequence[str],
    pattern: str = DEFAULT_PATTERN,
    size: str | None = None,
    theme: str = "light",
    stdin_text: str | None = None,
    protected: Protected | None = None,
    stdin_error: str | None = None,
) -> list[Job]:
    """Output paths for every input and format.

    Refuses patterns that would collide, leave `out_dir`, or write onto an input (any of
    `inputs`, or what `protected` names) or a stamp manifest.
    """
    pieces = parse_pattern(pattern)
    protected = protected or Protected(inputs)
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for source in inputs:
        stem = "stdin" if source == "-" else Path(source).stem
        targets = []
        for fmt in formats:
            values = {"stem": stem, "format": fmt, "size": size or "slide-16x9", "theme": theme}
            target = str(out_dir / fill(pattern, pieces, values))
            if target in seen:
                raise OptionError(
                    "output_pattern",
                    f"output name pattern '{pattern}' writes {target} for both {seen[target]} and "
                    f"{source}; add {{format}} or {{stem}}",
                )
            check_target(target, protected, "output_pattern")
            seen[target] = source
            targets.append((fmt, target))
        if source == "-":
            jobs.append(Job(source, tuple(targets), stdin_text, error=stdin_error))
        else:
            jobs.append(Job(source, tuple(targets)))
    return jobs


def set_aside_current(jobs: Sequence[Job], stamps: Stamps) -> list[Job]:
    """Each job with its up-to-date outputs set aside, and a stamp key for the rest.

    Reads and hashes the case files, nothing more. Input from stdin is always drawn.
    """
    planned = []
    for job in jobs:
        if job.source == "-":
            planned.append(job)
            continue
        targets, keys, current = [], [], []
        for fmt, target in job.targets:
            key = stamps.key(job.source, fmt)
            if key is not None and stamps.is_current(target, key):
                current.append(target)
            else:
                targets.append((fmt, target))
                keys.append(key or "")
        planned.append(replace(job, targets=tuple(targets), keys=tuple(keys), current=tuple(current)))
    return planned
