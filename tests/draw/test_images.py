"""A few pixel regressions with a tolerance; most visual checks live in the SVG and layout tests."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from matplotlib.testing.compare import compare_images

from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from tests.conftest import ROOT

BASELINES = Path(__file__).parent / "baseline"
OUTPUT = Path(__file__).parents[1] / "output"
TOLERANCE = 2.0  # RMS on 0-255; absorbs anti-aliasing noise, not a moved label

CHARTS = {
    "founding": ROOT / "cases" / "atc-2017-nivolumab-cabozantinib.yaml",
    "deceased": ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml",
    "dense": ROOT / "cases" / "dtc-long-follow-up-imaging.yaml",
}


# Why: FreeType and matplotlib releases move pixels; baselines are only meaningful with the
# matplotlib they were made with, which this file records. CI installs that one from
# .ci/constraints-newest.txt and sets ATC_REQUIRE_BASELINES=1 there, so that a skip is a failure.
VERSION_FILE = BASELINES / "MATPLOTLIB_VERSION"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def _check_version() -> None:
    made, running = VERSION_FILE.read_text().strip(), matplotlib.__version__
    if made == running:
        return
    reason = f"baselines are made with matplotlib {made}; " + (
        "this run checks the floor"
        if _version(running) < _version(made)
        else f"this run has {running}: install with -c .ci/constraints-newest.txt to compare pixels"
    )
    if os.environ.get("ATC_REQUIRE_BASELINES") == "1":
        pytest.fail(f"ATC_REQUIRE_BASELINES=1, but {reason}")
    pytest.skip(reason)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_png_matches_baseline(name, update_baselines):
    OUTPUT.mkdir(exist_ok=True)
    if not update_baselines:
        _check_version()
    actual = OUTPUT / f"{name}.png"
    actual.write_bytes(render_case(CHARTS[name], "png", ChartOptions(dpi=72)))
    expected = BASELINES / f"{name}.png"
    if update_baselines:
        BASELINES.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        VERSION_FILE.write_text(matplotlib.__version__ + "\n")
        pytest.skip("baseline updated")
    assert expected.exists(), f"no baseline {expected}; run pytest --update-baselines on purpose"
    result = compare_images(str(expected), str(actual), tol=TOLERANCE, in_decorator=True)
    assert result is None, (
        f"{name}: RMS {result['rms']:.2f} > {TOLERANCE}; expected {expected}, actual {actual}, "
        f"diff {result['diff']}"
    )
