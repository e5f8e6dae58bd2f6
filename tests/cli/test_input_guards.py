"""What the commands read, as a hostile user would give it: pipes, devices, folders, stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from atc_timeline.cli import app
from tests.conftest import FOUNDING, ROOT

runner = CliRunner()
unix_only = pytest.mark.skipif(
    not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs named pipes and /dev"
)
LATIN1 = b"schema: atc-timeline/1\ncase: {id: x, title: caf\xe9}\n"


def atc(
    *args: str, stdin: int | bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The command as a real process; a hang fails the test at `timeout` instead of stalling it."""
    command = [sys.executable, "-m", "atc_timeline", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if isinstance(stdin, bytes):
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout, env=env)
    else:
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL if stdin is None else stdin,
            capture_output=True, timeout=timeout, env=env,
        )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def assert_refused(done: subprocess.CompletedProcess[str], message: str) -> None:
    assert done.returncode == 1, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def specials(tmp_path: Path) -> dict[str, Path]:
    """A named pipe, devices, links to them and a folder, each standing where a file should."""
    if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
        pytest.skip("needs named pipes and /dev")
    found = {"fifo": tmp_path / "pipe.yaml", "zero": Path("/dev/zero"), "urandom": Path("/dev/urandom")}
    os.mkfifo(found["fifo"])
    for name in ("zero", "urandom"):
        link = tmp_path / f"{name}-link.yaml"
        link.symlink_to(found[name])
        found[f"{name}-link"] = link
    found["fifo-link"] = tmp_path / "pipe-link.yaml"
    found["fifo-link"].symlink_to(found["fifo"])
    found["folder"] = tmp_path / "folder.yaml"
    found["folder"].mkdir()
    return found


EXPECTED = {
    "fifo": "is a named pipe", "fifo-link": "is a named pipe", "zero": "is a device",
    "urandom": "is a device", "zero-link": "is a device", "urandom-link": "is a device",
    "folder": "is a folder",
}


# --- case files and style files that are not files ---------------------------------------------


@unix_only
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_render_refuses_a_case_file_that_is_not_a_file_at_once(
    tmp_path: Path, specials: dict[str, Path], kind: str
) -> None:
    path = specials[kind]
    start = time.perf_counter()
    done = atc("render", str(path), "-o", str(tmp_path / "chart.png"))
    assert_refused(done, f"{path}: {EXPECTED[kind]}, not a case file")
    assert time.perf_counter() - start < 30  # a process start; the refusal itself takes < 1 ms
    assert not (tmp_path / "chart.png").exists()


@unix_only
@pytest.mark.parametrize("kind", ["fifo", "zero-link", "folder"])
def test_validate_and_skip_unchanged_refuse_them_too(
    tmp_path: Path, specials: dict[str, Path], kind: str
) -> None:
    path = specials[kind]
    assert_refused(atc("validate", str(path)), f"{path}: {EXPECTED[kind]}, not a case file")
    # --skip-unchanged hashes the case file before anything else: that read is guarded too.
    done = atc("render", str(path), "-o", str(tmp_path / "chart.png"), "--skip-unchanged")
    assert_refused(done, f"{path}: {EXPECTED[kind]}, not a case file")


@unix_only
def test_a_pipe_in_a_batch_fails_alone(tmp_path: Path, specials: dict[str, Path]) -> None:
    out = tmp_path / "out"
    done = atc("render", str(specials["fifo"]), str(FOUNDING), "-o", f"{out}/", "--dpi", "30",
               "--summary", "json", "--skip-unchanged")
    assert done.returncode == 1, done.stderr
    records = {Path(r["input"]).name: r["status"] for r in json.loads(done.stdout)}
    assert records == {"pipe.yaml": "failed", FOUNDING.name: "ok"}


@unix_only
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_render_refuses_a_style_file_that_is_not_a_file_at_once(
    tmp_path: Path, specials: dict[str, Path], kind: str
) -> None:
    path = specials[kind]
    done = atc("render", str(FOUNDING), "--style", str(path), "-o", str(tmp_path / "chart.png"))
    assert_refused(done, f"{path}: {EXPECTED[kind]}, not a style file")
    assert not (tmp_path / "chart.png").exists()


def test_style_file_problems_are_located_on_the_command_line(tmp_path: Path) -> None:
    style = tmp_path / "house.yaml"
    render = ["render", str(FOUNDING), "-o", str(tmp_path / "c.png")]
    style.write_text("text: navy\n" + "bars: " + "[" * 50 + "]" * 50 + "\n")
    result = runner.invoke(app, [*render, "--style", str(style)])
    assert result.exit_code == 1
    assert f"{style}:2:39: blocks are nested too deeply" in result.stderr
    style.write_text("text: navy\ntext: red\n")
    result = runner.invoke(app, [*render, "--style", str(style)])
    assert f"{style}:2:1: text: 'text' appears twice" in result.stderr


# --- standard input -----------------------------------------------------------------------------


def test_non_utf8_on_stdin_gets_the_same_located_error_as_by_path(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(LATIN1)
    by_path = runner.invoke(app, ["render", str(path), "-o", str(tmp_path / "a.png")])
    by_stdin = runner.invoke(app, ["render", "-", "-o", str(tmp_path / "b.png")], input=LATIN1)
    assert by_path.exit_code == by_stdin.exit_code == 1
    expected = "the file is not UTF-8 text (binary data or another encoding)"
    assert by_path.stderr == f"error: {path}:2:25: {expected}\n"
    assert by_stdin.stderr == by_path.stderr.replace(str(path), "<stdin>")


def test_non_utf8_on_a_real_stdin_pipe(tmp_path: Path) -> None:
    done = atc("render", "-", "-o", str(tmp_path / "chart.png"), stdin=LATIN1)
    assert_refused(done, "<stdin>:2:25: the file is not UTF-8 text")


def test_stdin_past_the_limit_is_refused(tmp_path: Path) -> None:
    big = b"# padding\n" * (2 * 1024 * 1024 // 10 + 1)
    result = runner.invoke(app, ["render", "-", "-o", str(tmp_path / "chart.png")], input=big)
    assert result.exit_code == 1
    assert result.stderr == "error: <stdin>: more than 2 MB of input; a case file is limited to 2 MB\n"


@unix_only
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_on_stdin_is_read_only_to_the_limit(tmp_path: Path, device: str) -> None:
    with open(device, "rb") as endless:
        done = atc("render", "-", "-o", str(tmp_path / "chart.png"), stdin=endless.fileno())
    assert_refused(done, "<stdin>: more than 2 MB of input")


def test_a_case_on_stdin_still_renders(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    result = runner.invoke(app, ["render", "-", "-o", str(out)], input=FOUNDING.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"<?xml")
