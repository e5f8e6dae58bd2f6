"""Running a planned batch: jobs in worker processes, results in input order, Ctrl-C handled.

Each worker draws one job at a time, sent over its own pipe, so the parent always knows
which job a worker holds: a worker that dies (a crash in a C library, a kill) fails that job
alone, and a new worker takes over the rest.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from traceback import format_exc
from typing import TYPE_CHECKING, Any

from atc_timeline.batch.plan import Job
from atc_timeline.draw.themes import LIGHT, Theme
from atc_timeline.errors import internal_error_message
from atc_timeline.readers.bounded import STDIN
from atc_timeline.results import Result

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    # Why not at run time: the chain imports matplotlib and pandas, and a batch whose outputs
    # are all up to date (--skip-unchanged) must finish without them.
    from atc_timeline.options import ChartOptions

# Workers that may die one after another (each failing its case) before the batch stops starting
# new ones: past that, something is wrong with every worker, not with one case.
MAX_DEATHS_IN_A_ROW = 5


def run_job(job: Job, options: ChartOptions | None = None, theme: Theme = LIGHT) -> Result:
    """One job through the render chain: check, draw once, write each format atomically."""
    if job.error is not None:  # e.g. stdin that was not UTF-8: this input fails, the rest go on
        return Result(_name(job), status="failed", error=job.error)
    try:
        from atc_timeline.pipeline import render_file
    except Exception as exc:  # a broken install: every job fails, none raises
        return _internal_error(job, exc, format_exc())
    return render_file(job.source, job.targets, options, theme, job.text)


def render_many(
    jobs: Sequence[Job],
    options: ChartOptions | None = None,
    theme: Theme = LIGHT,
    workers: int | None = None,
) -> Generator[Result, None, None]:
    """Run jobs in `workers` processes (1: in this process); results come in input order.

    A job with nothing to write is reported as skipped at once, without starting a process.
    Every job gives a result: a job that breaks (even its whole worker) gives a failed one.
    Close the iterator (or use contextlib.closing) to stop early: queued work is dropped.
    """
    todo = [job for job in jobs if not job.skipped]
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    drawn = _draw(todo, options, theme, workers)
    try:
        for job in jobs:
            if job.skipped:
                yield Result(_name(job), status="skipped", current=job.current)
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
    yield from _Pool(_context(), workers, options, theme).run(jobs)


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


@dataclass
class _Worker:
    """A worker process, the parent's end of its pipe, and the job it is drawing (if any)."""

    process: BaseProcess
    conn: Connection
    index: int | None = None


class _Pool:
    """Worker processes that each draw one job at a time."""

    def __init__(self, context: Any, size: int, options: ChartOptions | None, theme: Theme) -> None:
        self._context = context
        self._size = size
        self._options = options
        self._theme = theme
        self._workers: list[_Worker] = []
        self._deaths_in_a_row = 0

    def run(self, jobs: list[Job]) -> Generator[Result, None, None]:
        """Every job's result, in input order."""
        self._jobs = jobs
        self._queue = iter(range(len(jobs)))
        self._results: dict[int, Result] = {}
        helpers = _helpers_running()
        try:
            self._start(min(self._size, len(jobs)))
            for worker in list(self._workers):
                self._give(worker)
            for index in range(len(jobs)):
                while index not in self._results:
                    self._collect(index)
                yield self._results.pop(index)
        except BaseException:
            # Ctrl-C (or a consumer that stopped reading): queued jobs are dropped and the
            # ones being drawn are finished, so every output is complete. A second Ctrl-C
            # while waiting stops the workers at once. Workers never see Ctrl-C: only this
            # process decides.
            try:
                self._finish_current()
            except KeyboardInterrupt:
                self._stop_now()
                raise
            raise
        finally:
            try:
                self._close()
            finally:
                _stop_helpers(helpers)

    def _start(self, count: int) -> None:
        """Start `count` workers; a Ctrl-C meanwhile is held back until they are up."""
        with _sigint_deferred(forkserver=self._context.get_start_method() == "forkserver"):
            for _ in range(count):
                parent, child = self._context.Pipe()
                process = self._context.Process(
                    target=_serve, args=(child, self._options, self._theme), daemon=True
                )
                try:
                    process.start()
                finally:
                    child.close()  # only the worker holds it now, so its death reads as EOF
                self._workers.append(_Worker(process, parent))

    def _give(self, worker: _Worker) -> None:
        """Send the worker the next queued job, or tell it to finish when none is left."""
        index = next(self._queue, None)
        worker.index = index
        with contextlib.suppress(OSError):  # a dead worker: its sentinel tells
            worker.conn.send(None if index is None else (index, self._jobs[index]))

    def _collect(self, awaited: int) -> None:
        """Wait for a worker to answer or die, and take what it gives."""
        busy = [worker for worker in self._workers if worker.index is not None]
        if not busy:  # cannot happen (every job given is answered or its worker buried), but never hang
            self._queue = iter([awaited, *(i for i in self._queue if i != awaited)])
            self._fail_queued("no worker process is left")
            return
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
        for worker in busy:
            if worker.conn not in ready and worker.process.sentinel not in ready:
                continue
            answer = _receive(worker.conn)
            if answer is None:
                self._bury(worker)
            else:
                index, result = answer
                self._results[index] = result
                self._deaths_in_a_row = 0
                self._give(worker)

    def _bury(self, worker: _Worker) -> None:
        """A worker died holding a job: that job fails, its temporary files go, and a new
        worker takes the next one."""
        worker.process.join(timeout=5)
        self._workers.remove(worker)
        worker.conn.close()
        if worker.index is None:
            return
        job = self._jobs[worker.index]
        _remove_temporary(job)
        self._results[worker.index] = Result(
            _name(job),
            status="failed",
            error=f"{_name(job)}: internal error in atc-timeline: the worker process drawing it "
            f"stopped ({_how(worker.process.exitcode)}); render it alone with --jobs 1 and "
            "atc-timeline --debug to see why",
        )
        self._deaths_in_a_row += 1
        if self._deaths_in_a_row > MAX_DEATHS_IN_A_ROW:
            self._fail_queued("worker processes keep stopping; try --jobs 1")
        elif self._more_queued():
            self._start(1)
            self._give(self._workers[-1])

    def _more_queued(self) -> bool:
        """True if jobs wait (peeks without losing one)."""
        index = next(self._queue, None)
        if index is None:
            return False
        self._queue = iter([index, *self._queue])
        return True

    def _fail_queued(self, why: str) -> None:
        """Every queued job fails with `why`."""
        for index in self._queue:
            name = _name(self._jobs[index])
            self._results[index] = Result(
                name, status="failed", error=f"{name}: internal error in atc-timeline: {why}"
            )

    def _finish_current(self) -> None:
        """Drop queued jobs and wait for the ones being drawn."""
        self._queue = iter(())
        for worker in self._workers:
            if worker.index is None:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        while busy := [w for w in self._workers if w.index is not None]:
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    answer = _receive(worker.conn)
                    if answer is None:
                        _remove_temporary(self._jobs[worker.index])  # type: ignore[index]
                    worker.index = None
                    with contextlib.suppress(OSError):
                        worker.conn.send(None)

    def _stop_now(self) -> None:
        """End the workers at once, then remove the temporary files their unfinished writes left."""
        with _sigint_deferred(forkserver=False):  # a third Ctrl-C must not cut this short
            for worker in self._workers:
                worker.process.terminate()
            for worker in self._workers:
                worker.process.join(timeout=5)
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join(timeout=5)
                if worker.index is not None:
                    _remove_temporary(self._jobs[worker.index])
                    worker.index = None

    def _close(self) -> None:
        """Tell every worker to finish, wait for it, and close its pipe (no process outlives us)."""
        with _sigint_deferred(forkserver=False):
            for worker in self._workers:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            for worker in self._workers:
                worker.process.join(timeout=10)
                if worker.process.is_alive():  # only if something went badly wrong
                    worker.process.kill()
                    worker.process.join(timeout=5)
                worker.conn.close()
            self._workers.clear()


def _serve(conn: Connection, options: ChartOptions | None, theme: Theme) -> None:
    """A worker: draw each job it is sent until told to finish (None) or the parent goes away."""
    # Ctrl-C reaches the whole process group, but only the parent acts on it. (Workers are
    # usually born with it blocked: see _sigint_deferred.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, job = task
        try:
            result = run_job(job, options, theme)
        except Exception as exc:  # run_job never raises; if it ever did, this job fails alone
            result = _internal_error(job, exc, format_exc())
        conn.send((index, result))


def _receive(conn: Connection) -> tuple[int, Result] | None:
    """A worker's answer, or None if it died (its pipe is closed)."""
    try:
        if conn.poll():
            answer: tuple[int, Result] = conn.recv()
            return answer
    except Exception:  # EOF, or a message cut short: either way nothing more comes from it
        pass
    return None


def _internal_error(job: Job, exc: BaseException, traceback: str) -> Result:
    name = _name(job)
    return Result(name, status="failed", error=f"{name}: {internal_error_message(exc)}", traceback=traceback)


def _name(job: Job) -> str:
    return STDIN if job.source == "-" else job.source


def _how(exitcode: int | None) -> str:
    """How a process ended, in words: 'killed by SIGKILL', 'exit code 3'."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def _remove_temporary(job: Job) -> None:
    """Remove the temporary files an unfinished write of this job left."""
    from atc_timeline.writers.atomic import temporary_files

    for _, target in job.targets:
        for tmp in temporary_files(target):
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _sigint_deferred(forkserver: bool) -> Iterator[None]:
    """Hold Ctrl-C back (not drop it) while processes start or stop; act on it afterwards.

    Why: a Ctrl-C in the middle of starting a worker would leave it half made. Why the
    signal mask and not SIG_IGN: a masked Ctrl-C waits and is delivered when unmasked, while
    an ignored one is lost. The fork server (started here with the first worker) and every
    worker it forks inherit the mask, so they never see Ctrl-C, from their first instant.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # installed outside Python: cannot be restored, so leave it
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    if forkserver:
        # The resource tracker masks and then unmasks SIGINT around its own start, which
        # would undo the mask below: start it first.
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a held Ctrl-C lands in `caught`
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)  # now handled as it would have been: KeyboardInterrupt


def _helpers_running() -> tuple[bool, bool]:
    """Whether multiprocessing's fork server and resource tracker are already running."""
    try:
        from multiprocessing import forkserver, resource_tracker
    except ImportError:  # a platform without them: nothing to stop
        return True, True
    server = getattr(forkserver, "_forkserver", None)
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    return getattr(server, "_forkserver_pid", None) is not None, getattr(tracker, "_fd", None) is not None


def _stop_helpers(before: tuple[bool, bool]) -> None:
    """Stop the fork server and resource tracker if this batch started them, and reap them.

    Why: left alone they exit only when this process does, outliving the command as
    orphans and then zombies. Doubt: `_stop()` is private, but it is what CPython's own
    tests use, and it has been there since 3.8; without it nothing is stopped.
    """
    server_was, tracker_was = before
    if server_was and tracker_was:
        return
    from multiprocessing import forkserver, resource_tracker

    with _sigint_deferred(forkserver=False):
        server = getattr(forkserver, "_forkserver", None)
        if not server_was and getattr(server, "_forkserver_pid", None) is not None:
            with contextlib.suppress(Exception):
                server._stop()  # type: ignore[union-attr]
        tracker = getattr(resource_tracker, "_resource_tracker", None)
        if not tracker_was and getattr(tracker, "_fd", None) is not None:
            with contextlib.suppress(Exception):
                tracker._stop()  # type: ignore[union-attr]
