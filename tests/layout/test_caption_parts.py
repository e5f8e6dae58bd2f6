"""A journal's caption carries the title, subtitle and source: each can be left off the chart."""

from __future__ import annotations

import subprocess
import sys

import pytest

from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import figure_for_case, layout_case
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import FOUNDING
from tests.helpers import drawn_texts


@pytest.fixture(scope="module")
def case():
    return load_case(FOUNDING)


def test_every_part_is_there_by_default(case) -> None:
    layout = layout_case(case, ChartOptions.for_size("journal-2col"))
    assert layout.title.startswith("ATC with RET mutation")
    assert "65-year-old man" in layout.subtitle
    assert layout.footnote.startswith("Source: ")


def test_each_part_can_be_left_off_and_the_plot_takes_the_room(case) -> None:
    # At one height; the text size may differ (a fuller chart may take smaller text).
    full = layout_case(case, ChartOptions.for_size("journal-2col", height=5.0))
    parts = {"title": "", "show_subtitle": False, "show_source": False}
    bare = layout_case(case, ChartOptions.for_size("journal-2col", height=5.0, **parts))
    assert (bare.title, bare.subtitle, bare.footnote) == ("", "", "")
    def tall(box):
        return box.y1 - box.y0

    assert tall(bare.axes) > tall(full.axes), "the room of the title block goes to the lanes"
    only_title = layout_case(case, ChartOptions.for_size("journal-2col", height=5.0, show_subtitle=False))
    # The same title and source words (wrapped and shortened to the text size each layout found).
    title = case.case.title
    for shown in (only_title.title, full.title):
        assert title.startswith(" ".join(shown.split()).removesuffix("\u2026").rstrip())
    assert only_title.subtitle == ""
    assert only_title.footnote.split() == full.footnote.split()


def test_nothing_of_a_left_off_part_is_drawn(case) -> None:
    fig = figure_for_case(case, ChartOptions(title="", show_subtitle=False, show_source=False, dpi=60))
    texts = " ".join(artist.get_text() for _, artist, _ in drawn_texts(fig))
    assert "ATC with RET mutation" not in texts
    assert "65-year-old" not in texts
    assert "Source:" not in texts
    assert "Cabozantinib" in texts


def test_the_command_line_flags(tmp_path) -> None:
    out = tmp_path / "bare.svg"
    done = subprocess.run(
        [sys.executable, "-m", "atc_timeline", "render", str(FOUNDING), "-o", str(out),
         "--title", "", "--no-subtitle", "--no-source"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    svg = out.read_text("utf-8")
    assert "65-year-old" not in svg
    assert "Source:" not in svg
    assert "Nivolumab" in svg
