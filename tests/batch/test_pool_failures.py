"""A batch goes on past a bug in one case and past a worker process that dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from atc_timeline.batch.plan import Job
from atc_timeline.batch.pool import render_many
from atc_timeline.options import ChartOptions
from tests.batch.test_pool_interrupts import PNG_END, PNG_START, processes_in_session
from tests.cli.injected import BUG_ID, bug_env, with_case_id
from tests.conftest import FOUNDING, ROOT


class DiesWithExitCode(str):
    """A case path that ends the worker process unpickling it, as a crash in C code would."""

    def __reduce__(self):
        return (os._exit, (3,))


class KilledBySignal(str):
    """A case path whose worker is killed (SIGKILL: the out-of-memory killer's signal)."""

    def __reduce__(self):
        return (signal.raise_signal, (signal.SIGKILL,))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_worker_that_dies_fails_its_case_and_the_rest_go_on(tmp_path):
    case = str(FOUNDING)
    jobs = [Job(case, (("png", str(tmp_path / f"c{i}.png")),)) for i in range(5)]
    jobs[1] = Job(DiesWithExitCode(case), jobs[1].targets)
    jobs[3] = Job(KilledBySignal(case), jobs[3].targets)

    results = list(render_many(jobs, ChartOptions(dpi=30), workers=2))

    assert [r.status for r in results] == ["ok", "failed", "ok", "failed", "ok"]
    assert "internal error in atc-timeline" in results[1].error
    assert "stopped (exit code 3)" in results[1].error
    assert "stopped (killed by SIGKILL)" in results[3].error
    assert all("\n" not in r.error for r in results), "one line each"
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["c0.png", "c2.png", "c4.png"], "no temporary file of a dead worker is left"
    for name in made:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG_START)
        assert data.endswith(PNG_END)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_in_one_case_fails_that_case_alone(tmp_path, jobs):
    """The others are drawn and stamped, --summary json is printed, and the exit code is 1."""
    folder = tmp_path / "cases"
    folder.mkdir()
    names = ["a", "bug", "c", "d"]
    for name in names:
        text = FOUNDING.read_text()
        (folder / f"{name}.yaml").write_text(with_case_id(text, BUG_ID) if name == "bug" else text)
    inputs = [str(folder / f"{name}.yaml") for name in names]
    out = tmp_path / "out"
    args = [sys.executable, "-m", "atc_timeline", "render", *inputs, "-o", f"{out}/", "--dpi", "30",
            "--jobs", jobs, "--skip-unchanged", "--summary", "json"]  # fmt: skip
    env = bug_env(tmp_path / "site")

    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True, **pipes)
    stdout, stderr = proc.communicate(timeout=300)

    assert proc.returncode == 1
    assert processes_in_session(proc.pid) == []
    records = json.loads(stdout)
    assert [r["status"] for r in records] == ["ok", "failed", "ok", "ok"]
    error = records[1]["error"]
    assert error.startswith(f"{inputs[1]}: internal error in atc-timeline (RuntimeError: injected bug)")
    assert "--debug" in error
    assert "\n" not in error
    assert "Traceback" not in stderr
    assert stderr.strip() == f"error: {error}"
    stamped = json.loads((out / ".atc-timeline-stamps.json").read_text())["outputs"]
    assert sorted(stamped) == ["a.png", "c.png", "d.png"], "the others are stamped, the failed one is not"
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".png") == ["a.png", "c.png", "d.png"]

    again = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    assert [r["status"] for r in json.loads(again.stdout)] == ["skipped", "failed", "skipped", "skipped"]


def test_the_fork_server_and_resource_tracker_stop_with_the_batch(tmp_path):
    copies = []
    for i in range(3):
        copy = tmp_path / f"k{i}.yaml"
        copy.write_bytes(FOUNDING.read_bytes())
        copies.append(str(copy))
    proc = subprocess.Popen(
        [sys.executable, "-m", "atc_timeline", "render", *copies, "-o", f"{tmp_path}/out/", "--dpi", "30",
         "--jobs", "2", "-q"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()
    assert stderr.decode() == ""
    assert processes_in_session(proc.pid) == [], "nothing outlives the command, not even a zombie"
    assert len(list(Path(tmp_path / "out").glob("*.png"))) == 3
