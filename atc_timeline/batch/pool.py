"""Render many case files: several formats per case from one layout, in parallel processes."""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from atc_timeline.draw.themes import LIGHT, Theme
from atc_timeline.errors import CaseError

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event

    from atc_timeline.batch.stamps import Stamps

    # Why not at run time: api imports matplotlib and pandas, and a batch whose outputs are
    # all up to date (--skip-unchanged) must finish without them.
    from atc_timeline.pipeline import ChartOptions

DEFAULT_PATTERN = "{stem}.{format}"
# What --summary json reports for an input: drawn (some output written), skipped (every output
# was up to date; --skip-unchanged) or failed (nothing stamped). Workers may also answer
# "cancelled" to a batch that is stopping; that never reaches the caller.
STATUSES = ("ok", "skipped", "failed")


@dataclass(frozen=True)
class Job:
    """One input and where its charts go."""

    source: str  # a path, or "-" for text already read from stdin
    targets: tuple[tuple[str, str], ...]  # (format, output path) to write
    text: str | None = None
    keys: tuple[str, ...] = ()  # stamp key of each target (--skip-unchanged); "" for none
    current: tuple[str, ...] = ()  # outputs already up to date, left alone

    @property
    def skipped(self) -> bool:
        """Nothing to write: every output is up to date."""
        return not self.targets and bool(self.current)


@dataclass(frozen=True)
class Result:
    """What happened to one input."""

    input: str
    outputs: tuple[str, ...] = ()  # written by this run
    status: str = "ok"  # ok (drawn) | skipped (every output up to date) | failed
    error: str = ""
    warnings: tuple[str, ...] = ()
    milliseconds: float = 0.0
    current: tuple[str, ...] = ()  # outputs left alone because they were up to date

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


def run_job(job: Job, options: ChartOptions | None = None, theme: Theme = LIGHT) -> Result:
    """Check, lay out and draw one case once, then write each requested format atomically."""
    from atc_timeline.draw.figure import draw_timeline
    from atc_timeline.pipeline import ChartOptions, layout_case, render_case, write_atomic
    from atc_timeline.readers.yaml_case import check_file, check_text
    from atc_timeline.writers.figure_bytes import figure_to_bytes

    options = options or ChartOptions()
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


def render_many(
    jobs: Sequence[Job],
    options: ChartOptions | None = None,
    theme: Theme = LIGHT,
    workers: int | None = None,
) -> Generator[Result, None, None]:
    """Run jobs in `workers` processes (1: in this process); results come in input order.

    A job with nothing to write is reported as skipped at once, without starting a process.
    Close the iterator (or use contextlib.closing) to stop early: queued work is cancelled.
    """
    todo = [job for job in jobs if not job.skipped]
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    drawn = _draw(todo, options, theme, workers)
    try:
        for job in jobs:
            if job.skipped:
                name = "<stdin>" if job.source == "-" else job.source
                yield Result(name, status="skipped", current=job.current)
            else:
                result = next(drawn)
                yield replace(result, current=job.current) if job.current else result
        next(drawn, None)  # lets the pool shut down normally
    finally:
        drawn.close()


def _draw(
    jobs: list[Job], options: ChartOptions | None, theme: Theme, workers: int
) -> Generator[Result, None, None]:
    if not jobs:
        return
    if workers == 1:
        for job in jobs:
            yield run_job(job, options, theme)
        return
    context = _context()
    stop = context.Event()
    pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(stop,))
    futures: list[Future[Result]] = []
    try:
        with _sigint_ignored():
            # Workers start here; a Ctrl-C now would be lost rather than half-start a pool.
            futures = [pool.submit(_run_unless_stopped, job, options, theme) for job in jobs]
        for future in futures:
            yield future.result()
    except BaseException:
        # Ctrl-C (or a consumer that stopped reading): queued charts are dropped and the ones
        # being drawn are finished, so every output is complete. Workers ignore Ctrl-C; only
        # this process decides. A second Ctrl-C while waiting stops them at once.
        stop.set()
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except KeyboardInterrupt:
            _stop_now(pool, [job for job, future in zip(jobs, futures, strict=False) if not future.done()])
            raise
        raise
    pool.shutdown(wait=True)


def _context() -> multiprocessing.context.BaseContext:
    """Where workers come from: a fork server that has imported the drawing stack, if possible.

    Why not plain fork: a worker forked from a process that has drawn before inherits its
    open fonts, and two workers reading one font through a shared file offset get garbled
    glyphs. Why not spawn: each worker would import matplotlib and pandas itself (~1.5 s).
    Forked from a server that has only imported them, workers start clean and at once.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()  # Windows: spawn
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["atc_timeline.pipeline"])
    return context


_STOP: Event | None = None  # in a worker: set by the parent when the batch stops


def _start_worker(stop: Event) -> None:
    """Worker initializer: Ctrl-C reaches the whole process group, but only the parent acts on it."""
    global _STOP
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STOP = stop


def _run_unless_stopped(job: Job, options: ChartOptions | None, theme: Theme) -> Result:
    """run_job in a worker, unless the batch was stopped while the job waited in the queue.

    Why: the pool hands a few jobs to its queue ahead of time, and cancelling no longer
    reaches them; without this check they would all be drawn after Ctrl-C.
    """
    if _STOP is not None and _STOP.is_set():
        return Result(job.source, status="cancelled")
    return run_job(job, options, theme)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C for a moment in the main thread (a Ctrl-C in this instant is lost)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # installed outside Python: cannot be restored, so leave it
        yield
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_now(pool: ProcessPoolExecutor, unfinished: list[Job]) -> None:
    """End the workers at once, then remove the temporary files their unfinished writes left."""
    # Doubt: `_processes` is private (Python 3.14 adds terminate_workers()), but it has been
    # there since 3.2, and the alternative is orphaned workers still drawing after we exit.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
    pool.shutdown(wait=False, cancel_futures=True)
    for job in unfinished:
        for _, target in job.targets:
            path = Path(target)
            # The names atomic.write_atomic gives its temporary files.
            for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
                tmp.unlink(missing_ok=True)
