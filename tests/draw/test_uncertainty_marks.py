"""How much is known, as drawn: ranges, '?' marks, dotted whiskers, faded-out ends, veils, bands."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from atc_timeline.draw.figure import draw_timeline
from atc_timeline.draw.themes import THEMES
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import figure_for_case, layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import FOUNDING

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "imprecise-dates.yaml"


def _gids(fig: Figure) -> set[str]:
    return {a.get_gid() for a in fig.findobj() if a.get_gid()}


def _one(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


@pytest.fixture(scope="module")
def fixture_figure() -> Figure:
    return figure_for_case(load_case(FIXTURE), ChartOptions(dpi=50))


def test_a_one_period_event_is_a_whisker_and_a_short_block(fixture_figure):
    layout = layout_case(load_case(FIXTURE), ChartOptions(dpi=50))
    (rai,) = [b for b in layout.bars if b.event_id == "rai"]
    whisker = _one(fixture_figure, "range-rai")
    xs = [x for x in whisker.get_xdata() if x == x]
    assert (min(xs), max(xs)) == (rai.start_lo, rai.end_hi)
    block = _one(fixture_figure, "event-rai")
    assert isinstance(block, PolyCollection)
    (corners,) = [path.vertices for path in block.get_paths()]
    # the block is a marker as wide as the bar is tall, not a year of treatment
    assert corners[:, 0].max() - corners[:, 0].min() < (rai.end_hi - rai.start_lo) / 5


def test_marks_for_each_kind_of_uncertainty_are_drawn(fixture_figure):
    gids = _gids(fixture_figure)
    # RT neck, "2016-07?" to "2016-08?", is too short for two '?': one stands for both
    marks = {g for g in gids if g.startswith("uncertain-") and g.endswith("-rt-neck")}
    assert marks == {"uncertain-start-rt-neck"}
    assert "end-unknown-paclitaxel" in gids
    assert {"after-cutoff", "time-zero-band", "whiskers-approximate"} <= gids
    for key in ("fuzzy", "approximate", "uncertain", "within_period", "end_unknown", "after_cutoff"):
        assert f"legend-handle-{key}" in gids, key
    assert "death-band" not in gids


def test_approximate_whiskers_are_dotted_and_the_others_solid(fixture_figure):
    assert _one(fixture_figure, "whiskers-approximate").get_linestyle() not in ("-", "solid")
    assert _one(fixture_figure, "whiskers").get_linestyle() == "-"


def test_the_founding_case_marks_each_uncertain_date_once():
    fig = figure_for_case(load_case(FOUNDING), ChartOptions(dpi=50))
    marks = {g for g in _gids(fig) if g.startswith("uncertain-")}
    # the report's inferred "?" dates; the two adverse events of "2019?" sit in rows of their
    # own (markers on one spot are moved apart), each with its mark
    assert marks == {
        "uncertain-us-thyroid", "uncertain-ct-during-chemo", "uncertain-mri-brain-metastasis",
        "uncertain-irae-gastrointestinal", "uncertain-irae-pneumonitis", "uncertain-start-rt-neck-metastases",
        "uncertain-end-rt-neck-metastases", "uncertain-start-rt-cerebellum",
        "uncertain-end-rt-cerebellum", "uncertain-start-nivolumab--phase-2",
    }  # fmt: skip
    assert all(isinstance(_one(fig, g), Line2D) for g in marks)  # symbols, not texts to measure
    gids = _gids(fig)
    assert not gids & {"after-cutoff", "time-zero-band", "death-band", "legend-handle-end_unknown"}
    # no adverse event of unknown end is drawn as a bar (a bar's hatch overlay) any more
    assert not gids & {"hatch-irae-gastrointestinal", "hatch-irae-pneumonitis", "hatch-av-thrombosis"}
    assert isinstance(_one(fig, "event-av-thrombosis"), Line2D)  # a marker


def test_an_imprecise_death_is_a_band():
    death = '  status: deceased\n  death_date: "2019-06~"\n'
    text = FIXTURE.read_text().replace("  status: unknown\n", death)
    text = text.replace('    end: "2019-08-01"\n', '    end: "2019-05"\n')
    text = text.replace('    date: "2019-07-20"\n', '    date: "2019-05-20"\n')
    fig = figure_for_case(load_case_text(text), ChartOptions(dpi=50))
    assert "death-band" in _gids(fig)


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("size", ["slide-16x9", "journal-1col"])
def test_every_theme_and_size_draws_the_marks(theme, size):
    layout = layout_case(load_case(FIXTURE), ChartOptions.for_size(size, dpi=50))
    fig = draw_timeline(layout, THEMES[theme], dpi=50)
    assert {"range-rai", "after-cutoff", "time-zero-band"} <= _gids(fig)
    fig.canvas.draw()


def test_a_death_before_the_cutoff_has_a_line_of_its_own():
    death = '  status: deceased\n  death_date: "2019-06-10"\n'
    text = FIXTURE.read_text().replace("  status: unknown\n", death)
    text = text.replace('    end: "2019-08-01"\n', '    end: "2019-05"\n')
    text = text.replace('    date: "2019-07-20"\n', '    date: "2019-05-20"\n')
    fig = figure_for_case(load_case_text(text), ChartOptions(dpi=50))
    line = _one(fig, "death-line")
    assert set(line.get_xdata()) == {layout_case(load_case_text(text)).death_x}
    assert "death-band" not in _gids(fig)
