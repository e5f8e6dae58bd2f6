"""A warning that holds for every case of a batch (the house style's) is told once."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import CASES


def test_a_missing_house_font_is_warned_about_once_and_matplotlib_stays_quiet(tmp_path) -> None:
    style = tmp_path / "style.yaml"
    style.write_text("font_family: No Such Font Family\n")
    done = subprocess.run(
        [sys.executable, "-m", "atc_timeline", "render", *map(str, CASES), "-o", f"{tmp_path}/out/",
         "--style", str(style), "--jobs", "2"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("font 'No Such Font Family' is not installed") == 1
    assert "findfont" not in done.stderr
    assert len(list((tmp_path / "out").glob("*.png"))) == len(CASES)
