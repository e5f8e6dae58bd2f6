"""Running a planned batch: jobs in parallel processes, results in input order, Ctrl-C handled."""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import signal
import threading
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from atc_timeline.batch.plan import Job
from atc_timeline.draw.themes import LIGHT, Theme
from atc_timeline.results import Result

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event

    # Why not at run time: the chain imports matplotlib and pandas, and a batch whose outputs
    # are all up to date (--skip-unchanged) must finish without them.
    from atc_timeline.options import ChartOptions


def run_job(job: Job, options: ChartOptions | None = None, theme: Theme = LIGHT) -> Result:
    """One job through the render chain: check, draw once, write each format atomically."""
    from atc_timeline.pipeline import render_file

    return render_file(job.source, job.targets, options, theme, job.text)


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
