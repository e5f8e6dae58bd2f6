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


# --- validate, schema, summary ---------------------------------------------------------------

WARN_CASE = """schema: atc-timeline/1
case: {id: w, title: W, data_cutoff: '2018-01'}
diagnosis: {label: ATC, date: '2017-08-30'}
procedures: [{id: s, label: Surgery, date: '2018-03-01'}]
"""


def test_validate_valid_files_exit_zero(tmp_path):
    from tests.conftest import CASES

    result = runner.invoke(app, ["validate", *map(str, CASES)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": valid") == len(CASES)
    assert result.stderr == ""


def test_validate_reports_every_problem_on_stderr(tmp_path):
    case = tmp_path / "bad.yaml"
    case.write_text(BAD_CASE.replace("label: Cabozantinib", "label: Cabozantinib\n    clas: targeted"))
    result = runner.invoke(app, ["validate", str(case)])
    assert result.exit_code == 1
    assert "unknown field 'clas'; did you mean 'class'?" in result.stderr
    assert "ends 2018-03 before it starts 2018-05" in result.stderr
    assert "invalid (2 errors)" in result.stdout


def test_validate_warnings_pass_unless_strict(tmp_path):
    case = tmp_path / "warn.yaml"
    case.write_text(WARN_CASE)
    result = runner.invoke(app, ["validate", str(case)])
    assert result.exit_code == 0
    assert "warning:" in result.stderr
    assert "after the data cut-off" in result.stderr
    assert runner.invoke(app, ["validate", "--strict", str(case)]).exit_code == 1


def test_validate_json_is_machine_readable_on_stdout(tmp_path):
    import json

    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_CASE)
    result = runner.invoke(app, ["validate", "--format", "json", str(bad), str(FOUNDING)])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings == [{
        "file": str(bad), "line": 8, "column": 5, "path": "medications[0].end",
        "severity": "error", "message": "the medication ends 2018-03 before it starts 2018-05",
    }]


def test_validate_usage_errors_exit_two():
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["validate", "--format", "xml", str(FOUNDING)]).exit_code == 2


def test_render_refuses_an_invalid_file_with_validate_messages(tmp_path):
    case = tmp_path / "bad.yaml"
    case.write_text(BAD_CASE)
    render = runner.invoke(app, ["render", str(case), "-o", str(tmp_path / "x.png")])
    validate = runner.invoke(app, ["validate", str(case)])
    assert render.exit_code == validate.exit_code == 1
    assert render.stderr.strip() == validate.stderr.strip()


def test_render_shows_warnings_and_still_renders(tmp_path):
    case = tmp_path / "warn.yaml"
    case.write_text(WARN_CASE)
    out = tmp_path / "w.png"
    result = runner.invoke(app, ["render", str(case), "-o", str(out), "--dpi", "40"])
    assert result.exit_code == 0
    assert "after the data cut-off" in result.stderr
    assert out.exists()


def test_schema_command_prints_the_committed_schema():
    from tests.conftest import ROOT

    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "schema" / "case.schema.json").read_text()


def test_summary_formats(tmp_path):
    import csv
    import io
    import json

    table = runner.invoke(app, ["summary", str(FOUNDING)])
    assert table.exit_code == 0
    assert "Cabozantinib" in table.stdout
    assert "ongoing" in table.stdout
    markdown = runner.invoke(app, ["summary", str(FOUNDING), "--format", "markdown"])
    assert "| Surgery | 30 Aug 2017 |" in markdown.stdout
    rows = list(csv.DictReader(io.StringIO(
        runner.invoke(app, ["summary", str(FOUNDING), "-f", "csv"]).stdout, newline="")))
    assert any(r["treatment"] == "Nivolumab" for r in rows)
    data = json.loads(runner.invoke(app, ["summary", str(FOUNDING), "-f", "json"]).stdout)
    assert {"treatments", "imaging", "adverse_events"} <= set(data)
    assert "2017-10-01" not in json.dumps(data), "month-precision dates are never padded"


def test_every_command_has_an_example_in_its_help():
    for command in ("render", "validate", "schema", "summary"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.stdout, command
