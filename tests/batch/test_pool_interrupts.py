"""Ctrl-C in a parallel batch, at each moment it can come: never lost, never a broken file or a stray process.

Each test runs a real batch in its own session (as a terminal's Ctrl-C reaches every process
of the foreground group, workers included) and waits for a condition, not a fixed time, so
it holds on a loaded machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CASES, ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")

PNG_START, PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"
COPIES = 24


def processes_in_session(session: int) -> list[tuple[str, str]]:
    """(state, command line) of every process, zombies included, whose group or session is `session`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            fields = text[text.rindex(")") + 2 :].split()  # state ppid pgrp session ...
            if session in (int(fields[2]), int(fields[3])):
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((fields[0], command))
    return found


def _pool_starting(proc: subprocess.Popen, out: Path) -> bool:
    """The fork server exists: the pool is starting (it imports the drawing stack, ~1 s)."""
    return any("forkserver" in command for _, command in processes_in_session(proc.pid))


def _chart_written(proc: subprocess.Popen, out: Path) -> bool:
    return out.is_dir() and any(out.glob("*.png"))


MOMENTS = {"pool start-up": _pool_starting, "first chart": _chart_written}


def _start_batch(tmp_path: Path) -> tuple[subprocess.Popen, Path, list[str]]:
    folder = tmp_path / "cases"
    folder.mkdir()
    copies = []
    for i in range(COPIES):
        copy = folder / f"case-{i:02d}.yaml"
        copy.write_bytes(CASES[i % len(CASES)].read_bytes())
        copies.append(str(copy))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "atc_timeline", "render", *copies, "-o", f"{out}/", "--jobs", "2",
         "-q", "--skip-unchanged"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    return proc, out, copies


@pytest.mark.parametrize("presses", [1, 2])
@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_ctrl_c_stops_the_batch_and_leaves_complete_files_and_no_process(tmp_path, moment, presses):
    """Once: queued charts are dropped and the ones being drawn are finished. Twice: the workers
    are stopped at once and their temporary files removed. During pool start-up: held back
    until the workers are up, then acted on (it used to be lost, and the batch ran to the end).
    """
    proc, out, copies = _start_batch(tmp_path)
    reached = MOMENTS[moment]
    try:
        deadline = time.monotonic() + 120
        while not reached(proc, out):
            assert proc.poll() is None, f"the batch ended before {moment}: {proc.communicate()[1].decode()}"
            assert time.monotonic() < deadline, f"no {moment} within two minutes"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGINT)
        if presses == 2:
            time.sleep(0.1)  # any moment is fine: every outcome below must hold whenever it lands
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # only on failure: never leave the batch running
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    # Taken at once: the fork server and resource tracker must not outlive the command, not
    # even as zombies for a moment.
    left = processes_in_session(proc.pid)
    assert proc.returncode == 130, "exit 130, never death by the signal (-2)"
    assert stderr.decode().strip() == "interrupted", "a short message: no traceback, no leaked semaphore"
    assert left == [], f"processes outlived the batch: {left}"
    files = sorted(out.iterdir()) if out.exists() else []
    charts = [p for p in files if p.name != ".atc-timeline-stamps.json"]
    assert len(charts) < len(copies), "the batch stopped early"
    assert [p.suffix for p in charts] == [".png"] * len(charts), f"partial files left: {charts}"
    for chart in charts:
        data = chart.read_bytes()
        assert data.startswith(PNG_START), chart
        assert data.endswith(PNG_END), chart
    # Results that reached the parent before Ctrl-C are stamped (a re-run resumes); perhaps none.
    manifest = out / ".atc-timeline-stamps.json"
    stamped = json.loads(manifest.read_text())["outputs"] if manifest.exists() else {}
    assert set(stamped) <= {p.name for p in charts}


def test_a_consumer_that_stops_reading_stops_the_pool_and_its_helpers(tmp_path):
    """Closing render_many early drops queued jobs, finishes the ones being drawn, and stops
    every process it started (workers, fork server, resource tracker)."""
    import multiprocessing

    from atc_timeline.batch.plan import Job
    from atc_timeline.batch.pool import _helpers_running, render_many
    from atc_timeline.options import ChartOptions

    before = _helpers_running()
    jobs = [Job(str(CASES[0]), (("png", str(tmp_path / f"c{i}.png")),)) for i in range(8)]
    results = render_many(jobs, ChartOptions(dpi=30), workers=2)
    first = next(results)
    results.close()

    assert first.status == "ok"
    assert multiprocessing.active_children() == []
    assert _helpers_running() == before
    made = sorted(p.name for p in tmp_path.iterdir())
    assert "c0.png" in made
    assert len(made) < len(jobs), "queued jobs were dropped"
    assert all(name.endswith(".png") and not name.startswith(".") for name in made), made
