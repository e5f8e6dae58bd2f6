"""Shared fixtures: headless matplotlib, fixed fonts, the repo's case files."""

from __future__ import annotations

import signal
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
# Why: a test run started in the background (`&`, nohup, some CI runners) inherits SIGINT
# ignored, and so would every command the tests start: the Ctrl-C tests would then test nothing.
signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "cases").glob("*.yaml"))
FOUNDING = ROOT / "cases" / "atc-2017-nivolumab-cabozantinib.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-baselines",
        action="store_true",
        default=False,
        help="Rewrite the PNG baselines in tests/draw/baseline instead of comparing against them.",
    )


@pytest.fixture(autouse=True)
def _matplotlib_defaults():
    """Every test starts from matplotlib's defaults, whatever a user's matplotlibrc says."""
    matplotlib.rcdefaults()
    return


@pytest.fixture
def founding_case():
    from atc_timeline import load_case

    return load_case(FOUNDING)


@pytest.fixture
def update_baselines(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-baselines"))
