"""Every case file renders in every format; the example scripts run as a user would run them."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from tests.conftest import CASES, ROOT

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF", "svg": b"<?xml"}


def test_there_are_at_least_four_cases():
    assert len(CASES) >= 4


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_renders(path, fmt):
    data = render_case(path, fmt, ChartOptions(dpi=60))
    assert data.startswith(MAGIC[fmt])
    assert len(data) > 5000


def test_library_example_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "render_one.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "atc-2017-nivolumab-cabozantinib.png").stat().st_size > 10000
    assert (tmp_path / "atc-2017-nivolumab-cabozantinib.svg").exists()


@pytest.mark.skipif(shutil.which("atc-timeline") is None, reason="console script not installed")
def test_shell_loop_example_renders_folder_and_reports_bad_files(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(CASES[0], cases / "good.yaml")
    (cases / "broken.yaml").write_text("schema: atc-timeline/1\ncase: [\n")
    out = tmp_path / "charts"
    proc = subprocess.run(
        ["bash", str(ROOT / "examples" / "render_folder.sh"), str(cases), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "broken.yaml:" in proc.stderr
    assert (out / "good.png").exists()
    assert (out / "good.pdf").exists()
    assert not (out / "broken.png").exists()
