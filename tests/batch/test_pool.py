"""Many files at once: folders, several formats, failures that do not stop the rest, stdin."""

from __future__ import annotations

import json
import subprocess
import sys

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
