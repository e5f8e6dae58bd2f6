"""Many files at once: folders, several formats, failures that do not stop the rest, stdin."""

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
from typer.testing import CliRunner

from atc_timeline.batch.plan import plan_jobs
from atc_timeline.cli import app
from atc_timeline.errors import CaseError
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from tests.conftest import CASES, FOUNDING, ROOT

runner = CliRunner()

FORMATS = ("png", "svg", "pdf", "pptx")
BROKEN = "schema: atc-timeline/1\ncase: {id: b, title: B}\ndiagnosis: {label: ATC, date: '2019-02-30'}\n"


def test_many_files_several_formats_and_one_failure(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text(BROKEN)
    inputs = [str(CASES[0]), str(bad), str(CASES[1])]
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "render",
            *inputs,
            "-o",
            f"{out}/",
            "--format",
            "png,svg",
            "--dpi",
            "40",
            "--jobs",
            "2",
            "--summary",
            "json",
        ],
    )
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [r["input"] for r in records] == inputs, "results come in input order"
    assert [r["status"] for r in records] == ["ok", "failed", "ok"]
    assert "broken.yaml:3:" in records[1]["error"]
    assert "broken.yaml:3:" in result.stderr
    made = sorted(p.name for p in out.iterdir())
    assert made == sorted(f"{CASES[i].stem}.{f}" for i in (0, 1) for f in ("png", "svg"))
    assert not any(p.name.startswith("broken") for p in out.iterdir())


def test_all_good_exits_zero_and_prints_outputs_in_order(tmp_path):
    out = tmp_path / "charts"
    result = runner.invoke(
        app, ["render", *map(str, CASES[:2]), "-o", str(out) + "/", "--dpi", "40", "--jobs", "1"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == [str(out / f"{c.stem}.png") for c in CASES[:2]]


def test_quiet_prints_nothing(tmp_path):
    result = runner.invoke(
        app, ["render", *map(str, CASES[:2]), "-o", f"{tmp_path}/q/", "--dpi", "40", "--quiet", "--jobs", "1"]
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ""


def test_output_pattern_and_collisions(tmp_path):
    jobs = plan_jobs([str(FOUNDING)], tmp_path, ["png", "pdf"], "{stem}-{size}.{format}", "journal-1col")
    assert [t for _, t in jobs[0].targets] == [
        str(tmp_path / f"{FOUNDING.stem}-journal-1col.png"),
        str(tmp_path / f"{FOUNDING.stem}-journal-1col.pdf"),
    ]
    with pytest.raises(CaseError, match="add \\{format\\}"):
        plan_jobs([str(FOUNDING)], tmp_path, ["png", "svg"], "{stem}.out")
    with pytest.raises(CaseError, match="unknown field"):
        plan_jobs([str(FOUNDING)], tmp_path, ["png"], "{name}.{format}")


def test_several_inputs_need_a_folder():
    result = runner.invoke(app, ["render", *map(str, CASES[:2]), "-o", "-"])
    assert result.exit_code == 1
    assert "need a folder" in result.stderr


def test_stdin_case(tmp_path):
    out = tmp_path / "s.png"
    result = runner.invoke(app, ["render", "-", "-o", str(out), "--dpi", "40"], input=FOUNDING.read_text())
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    result = runner.invoke(app, ["render", "-", "-o", str(out)], input=BROKEN)
    assert result.exit_code == 1
    assert "<stdin>:3:" in result.stderr


def test_every_format_is_byte_identical_in_process_across_processes_and_jobs(tmp_path):
    # Drawing here first leaves fonts open in this process: workers must not share them.
    in_process = {
        (case.stem, fmt): render_case(case, fmt, ChartOptions(dpi=40)) for case in CASES for fmt in FORMATS
    }
    runs = {}
    for name, jobs in (("jobs-1", "1"), ("jobs-2", "2")):
        out = tmp_path / name
        args = ["render", *map(str, CASES), "-o", f"{out}/", "--format", ",".join(FORMATS), "--dpi", "40"]
        # A fresh process each time: nothing cached in this one carries over.
        done = subprocess.run(
            [sys.executable, "-m", "atc_timeline", *args, "--jobs", jobs, "-q"], capture_output=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr.decode()
        runs[name] = out
    for (stem, fmt), expected in in_process.items():
        for name, out in runs.items():
            assert (out / f"{stem}.{fmt}").read_bytes() == expected, f"{stem}.{fmt} differs in {name}"


PNG_START, PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"


def _processes_in_session(session: int) -> list[str]:
    """Every live process whose process group or session is `session` (from /proc/*/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            text = stat.read_text()
            fields = text[text.rindex(")") + 2 :].split()  # state ppid pgrp session ...
            if session in (int(fields[2]), int(fields[3])):
                found.append(text[: text.rindex(")") + 1])
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_leaves_complete_files_and_no_workers(tmp_path, presses):
    """Ctrl-C in a terminal: SIGINT to the whole process group, workers included.

    Once: queued charts are dropped and the ones being drawn are finished. Twice: the workers
    are stopped at once and their temporary files removed.
    """
    folder = tmp_path / "cases"
    folder.mkdir()
    copies = []
    for i in range(32):
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
    try:
        deadline = time.monotonic() + 120
        while not (out.is_dir() and any(out.glob("*.png"))):
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "no chart was written"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)
        if presses == 2:
            time.sleep(0.1)  # while the charts being drawn are finished (about a second)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # only on failure: never leave the batch running
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    # A second Ctrl-C landing after the message ends Python by the signal itself, which a
    # shell reports as 130 too.
    assert proc.returncode in (130, -signal.SIGINT)
    assert stderr.decode().strip() == "interrupted", "a short message and no traceback"
    charts = sorted(p for p in out.iterdir() if p.name != ".atc-timeline-stamps.json")
    assert charts, "the chart seen before Ctrl-C is still there"
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

    deadline = time.monotonic() + 5
    while _processes_in_session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_in_session(proc.pid) == [], "no worker outlives the batch"
