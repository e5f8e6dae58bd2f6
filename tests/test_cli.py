"""The command line, through Typer's CliRunner and as a real process."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from atc_timeline import __version__
from atc_timeline.cli import app
from tests.conftest import FOUNDING

runner = CliRunner()

BAD_CASE = """schema: atc-timeline/1
case: {id: x, title: T}
diagnosis: {label: ATC, date: '2017-08-30'}
medications:
  - id: cabo
    label: Cabozantinib
    start: '2018-05'
    end: '2018-03'
"""

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF", "svg": b"<?xml"}


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_render_writes_format_from_extension(tmp_path, fmt):
    out = tmp_path / f"chart.{fmt}"
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(out), "--dpi", "60"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(MAGIC[fmt])


def test_format_option_overrides_extension(tmp_path):
    out = tmp_path / "chart.png"
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(out), "--format", "svg"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml")


def test_stdout_output_is_the_chart_alone():
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", "-", "--format", "png", "--dpi", "40"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(MAGIC["png"])


def test_size_dpi_and_title(tmp_path):
    from PIL import Image

    out = tmp_path / "small.png"
    result = runner.invoke(
        app,
        [
            "render",
            str(FOUNDING),
            "-o",
            str(out),
            "--width",
            "10",
            "--height",
            "5",
            "--dpi",
            "50",
            "--title",
            "Tumour board 12 May",
        ],
    )
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (500, 250)
    svg = tmp_path / "t.svg"
    runner.invoke(app, ["render", str(FOUNDING), "-o", str(svg), "--title", "Tumour board 12 May"])
    assert "Tumour board 12 May" in svg.read_text()


def test_bad_case_is_located_on_stderr_and_writes_nothing(tmp_path):
    case = tmp_path / "bad.yaml"
    case.write_text(BAD_CASE)
    out = tmp_path / "chart.png"
    result = runner.invoke(app, ["render", str(case), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{case}:8:" in result.stderr
    assert "medications[0].end" in result.stderr
    assert "ends 2018-03 before it starts 2018-05" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [case], "no temporary files left behind"


def test_missing_file_and_unknown_format(tmp_path):
    result = runner.invoke(app, ["render", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "no such file" in result.stderr
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1
    assert "unknown format 'docx'" in result.stderr


def test_bad_option_values_are_refused(tmp_path):
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(tmp_path / "x.png"), "--width", "0.5"])
    assert result.exit_code == 1
    assert "--width" in result.stderr
    result = runner.invoke(app, ["render", str(FOUNDING), "--dpi", "lots"])
    assert result.exit_code == 2


def test_missing_output_folder_is_a_plain_error(tmp_path):
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(tmp_path / "no" / "x.png")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_version_and_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout
    result = runner.invoke(app, ["render", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_python_dash_m_runs(tmp_path):
    out = tmp_path / "m.png"
    proc = subprocess.run(
        [sys.executable, "-m", "atc_timeline", "render", str(FOUNDING), "-o", str(out), "--dpi", "40"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def test_output_gets_normal_permissions(tmp_path):
    import os
    import stat

    out = tmp_path / "perm.png"
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(out), "--dpi", "40"])
    assert result.exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
