"""One error boundary: every command ends a user's problem as `file: message`, a bug as one line."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from atc_timeline.cli import app
from atc_timeline.cli.app import BROKEN_PIPE
from tests.cli.injected import BUG_ID, bug_env, with_case_id
from tests.conftest import FOUNDING, ROOT

runner = CliRunner()

BAD = "schema: atc-timeline/1\ncase: {id: b, title: B}\ndiagnosis: {label: ATC, date: '2019-02-30'}\n"


def _boom(*args, **kwargs):
    raise ZeroDivisionError("injected bug")


# Each command, the arguments of a run that works, and a stage of it to break.
COMMANDS = {
    "render": (["render", str(FOUNDING), "-o", "{tmp}/c.png"], "atc_timeline.pipeline.Chart.to_bytes"),
    "validate": (["validate", str(FOUNDING)], "atc_timeline.readers.yaml_case.check_file"),
    "schema": (["schema"], "atc_timeline.case.schema.schema_text"),
    "summary": (["summary", str(FOUNDING)], "atc_timeline.writers.tables.summarize"),
}


def _invoke(args, tmp_path, **kwargs):
    return runner.invoke(app, [arg.replace("{tmp}", str(tmp_path)) for arg in args], **kwargs)


def test_every_command_is_tested_with_an_injected_bug():
    registered = set(typer.main.get_command(app).commands)
    assert registered == set(COMMANDS), "add the new command to COMMANDS"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_bug_is_one_line_and_its_traceback_is_one_flag_away(command, tmp_path, monkeypatch):
    args, stage = COMMANDS[command]
    monkeypatch.delenv("ATC_TIMELINE_DEBUG", raising=False)
    monkeypatch.setattr(stage, _boom)

    result = _invoke(args, tmp_path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "internal error in atc-timeline (ZeroDivisionError: injected bug)" in lines[0]
    assert "--debug" in lines[0]
    assert "ATC_TIMELINE_DEBUG=1" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)

    debug = _invoke(["--debug", *args], tmp_path)
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "ZeroDivisionError: injected bug" in debug.stderr
    assert debug.stderr.rstrip().splitlines()[-1] == lines[0], "the plain line still ends it"

    monkeypatch.setenv("ATC_TIMELINE_DEBUG", "1")
    assert "Traceback (most recent call last)" in _invoke(args, tmp_path).stderr


def test_a_bug_outside_the_render_chain_is_caught_too(tmp_path, monkeypatch):
    monkeypatch.setattr("atc_timeline.cli.render._chart_options", _boom)
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(tmp_path / "c.png")])
    assert result.exit_code == 1
    assert "internal error in atc-timeline" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied", "c.png"), "error: c.png: permission denied"),
        (OSError(errno.ENOSPC, "No space left on device", "c.png"), "error: c.png: no space left on device"),
        (OSError(errno.EIO, "Input/output error"), "error: input/output error"),
    ],
)
def test_a_refused_read_or_write_is_a_plain_message(tmp_path, monkeypatch, error, expected):
    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr("atc_timeline.case.schema.schema_text", refuse)
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 1
    assert result.stderr.strip() == expected
    assert "internal error" not in result.stderr


def test_a_write_the_system_refuses_while_rendering_names_the_output(tmp_path, monkeypatch):
    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("atc_timeline.pipeline.write_atomic", full_disk)
    out = tmp_path / "c.png"
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(out), "--dpi", "30"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {out}: no space left on device"


def test_ctrl_c_in_any_command_is_interrupted_and_130(monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("atc_timeline.readers.yaml_case.check_file", interrupt)
    result = runner.invoke(app, ["validate", str(FOUNDING)])
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted"


def test_usage_errors_still_exit_two():
    assert runner.invoke(app, ["render"]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2
    assert runner.invoke(app, ["summary", str(FOUNDING), "--format", "docx"]).exit_code == 2


def _run(args, **kwargs):
    return subprocess.run([sys.executable, "-m", "atc_timeline", *args], cwd=ROOT, check=False, **kwargs)


def test_a_real_process_with_a_bug_prints_no_traceback_unless_asked(tmp_path):
    case = tmp_path / "bug.yaml"
    case.write_text(with_case_id(FOUNDING.read_text(), BUG_ID))
    args = ["render", str(case), "-o", str(tmp_path / "c.png"), "--dpi", "30"]
    plain = _run(args, capture_output=True, text=True, env=bug_env(tmp_path / "site"))
    assert plain.returncode == 1
    assert plain.stderr.count("\n") == 1, plain.stderr
    assert "internal error in atc-timeline (RuntimeError: injected bug)" in plain.stderr
    debug = _run(args, capture_output=True, text=True, env=bug_env(tmp_path / "site", ATC_TIMELINE_DEBUG="1"))
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "RuntimeError: injected bug" in debug.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["schema"],
        ["render", str(FOUNDING), "-o", "-", "--format", "svg", "--dpi", "30"],
        ["summary", str(FOUNDING), "--format", "csv"],
    ],
    ids=["schema", "render", "summary"],
)
def test_a_reader_that_goes_away_is_one_plain_line(args):
    """`atc-timeline schema | head -c1`: the pipe closes before the output is written."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte: the write must fail
    try:
        done = _run(args, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    # Exit 1 (the output was cut short; Click's status for a broken pipe) and one line: no
    # traceback, no "Exception ignored ... BrokenPipeError" from the interpreter's last flush.
    assert done.returncode == 1
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: <stdout>: ")
    assert "pipe" in lines[0].lower()


def test_a_broken_pipe_anywhere_in_a_command_ends_the_same_way(monkeypatch):
    def closed(*args, **kwargs):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr("atc_timeline.case.schema.schema_text", closed)
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 1
    assert result.stderr == f"error: {BROKEN_PIPE}\n"


def test_help_for_a_reader_that_goes_away_is_no_traceback():
    read, write = os.pipe()
    os.close(read)
    try:
        done = _run(["--help"], stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode == 1  # Typer's own handling, before any command runs: silent
    assert done.stderr.decode() == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["render", str(FOUNDING), "-o", "-", "--format", "svg", "--dpi", "30"], "no space left"),
        (["--version"], "no space left"),
        (["schema"], "no space left"),
    ],
    ids=["render", "version", "schema"],
)
def test_a_full_stdout_is_a_plain_message(args, expected):
    with open("/dev/full", "wb") as full:
        done = _run(args, stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("error: <stdout>: ")
    assert expected in done.stderr.lower()
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_refusing_a_bad_case_does_not_import_the_drawing_stack(tmp_path):
    """render checks the case first: a refusal then takes a fraction of a drawing start-up."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    code = (
        "import sys\n"
        "from atc_timeline.cli import main\n"
        f"sys.argv = ['atc-timeline', 'render', {str(bad)!r}, '-o', {str(tmp_path / 'x.png')!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert done.code == 1, done.code\n"
        "print(sorted(m for m in ('matplotlib', 'pandas', 'atc_timeline.pipeline') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert "bad.yaml:3:" in done.stderr
    loaded = done.stdout.strip()
    assert "matplotlib" not in loaded, loaded
    assert "atc_timeline.pipeline" not in loaded, loaded
