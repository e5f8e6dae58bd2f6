"""Charts held at a size too small for them: lanes and their content stay in place, texts never overlap."""

from __future__ import annotations

import random
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atc_timeline.layout import Box, TimelineLayout
from atc_timeline.layout.dodge import DODGE_STEP
from atc_timeline.layout.labels import MARKER_ROW
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus

EPS = 1e-6
CROWDED = frozenset({"lanes", "scans", "aes", "long", "stops"})
SIZES = ("journal-1col", "journal-2col", "slide-16x9")


def _lane_box(layout: TimelineLayout, name: str) -> Box:
    a = layout.axes
    lane = next(lane for lane in layout.lanes if lane.name == name)
    return Box(a.x0, a.y0 + lane.y0, a.x1, a.y0 + lane.y1)


def _shapes(layout: TimelineLayout) -> list[tuple[str, str, Box, str]]:
    """(event id, lane, box, <title>) of each bar, dose phase and marker, in figure inches."""
    a, s = layout.axes, layout.sizes
    shapes = []
    for bar in (*layout.bars, *layout.phases):
        y0 = a.y0 + bar.y - bar.height / 2
        box = Box(layout.day_to_inch(bar.start_lo), y0, layout.day_to_inch(bar.end_hi), y0 + bar.height)
        shapes.append((bar.event_id, bar.lane, box, bar.title))
    # A marker's glyph: inside its row (MARKER_ROW) in any of the dodged rows.
    half = (MARKER_ROW / 2 - DODGE_STEP) * s.marker
    for m in layout.markers:
        x = layout.day_to_inch(m.x)
        box = Box(x - half, a.y0 + m.y - half, x + half, a.y0 + m.y + half)
        shapes.append((m.event_id, m.lane, box, m.title))
    return shapes


def problems(layout: TimelineLayout) -> list[str]:
    """What breaks the crowded-chart rules: lanes off the plot, content off its lane, texts on others."""
    found = []
    a = layout.axes
    for lane in layout.lanes:
        if lane.y0 < -EPS or a.y0 + lane.y1 > a.y1 + EPS:
            found.append(f"lane {lane.name!r} leaves the plot")
    for event_id, lane, box, _ in _shapes(layout):
        own = _lane_box(layout, lane)
        if box.y0 < own.y0 - EPS or box.y1 > own.y1 + EPS:
            found.append(f"{event_id} leaves its lane {lane!r}")
        # Where the figure leaves less than a tenth of an inch of plot a lane, bars and markers
        # slim past what reads, in proportion, to stay in their lanes.
        if box.y1 - box.y0 <= 0.01 and (a.y1 - a.y0) / len(layout.lanes) >= 0.1:
            found.append(f"{event_id} is drawn too thin to see")
    # A drug, its dose phases and their texts are one family: a dose text sits on its drug's bar.
    family = {bar.event_id: bar.parent_id for bar in layout.phases}
    texts = [label for label in layout.labels if label.text]
    for i, label in enumerate(texts):
        for other in texts[i + 1 :]:
            if label.box.intersects(other.box, -EPS):
                found.append(f"{label.text!r} overlaps {other.text!r}")
        if label.role in ("point", "bar", "dose", "stop", "lane"):
            root = family.get(label.event_id, label.event_id)
            for event_id, _, box, title in _shapes(layout):
                # A label of several markers names each of them in its full text.
                own = family.get(event_id, event_id) == root or (title and title in label.full_text)
                if (not label.event_id or not own) and label.box.intersects(box, -EPS):
                    found.append(f"{label.role} {label.text!r} meets {event_id}")
    return found


def _case(number: int, seed: int, traits: frozenset[str]):
    data = corpus.case_data(number, random.Random(seed), traits)
    return load_case_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "crowded.yaml")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10_000),
    st.sets(st.sampled_from(sorted(CROWDED)), min_size=2, max_size=4),
    st.sampled_from(SIZES),
    st.floats(0.0, 1.0),
)
def test_a_crowded_chart_held_at_its_size_keeps_lanes_content_and_texts_apart(seed, traits, size, low):
    try:
        case = _case(50, seed, frozenset(traits))
    except Exception:  # the corpus draws again where the reader refuses a case; so do we
        return
    preset = ChartOptions.for_size(size)
    least = 2.4  # below this the title, axis and legend leave the lanes no plot at all
    height = preset.height - low * (preset.height - least)
    layout = layout_case(case, ChartOptions.for_size(size, height=round(height, 2)))
    assert not problems(layout)


@pytest.mark.parametrize(
    ("path", "size"),
    [
        (ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml", "journal-1col"),
        (ROOT / "cases" / "atc-2017-nivolumab-cabozantinib.yaml", "journal-1col"),
        (ROOT / "tests" / "data" / "many-lanes.yaml", "journal-1col"),
    ],
    ids=lambda p: getattr(p, "stem", p),
)
def test_cases_too_crowded_for_a_journal_column_stay_in_their_lanes(path, size):
    for height in (None, 4.0, 3.2):
        layout = layout_case(load_case(path), ChartOptions.for_size(size, height=height))
        assert not problems(layout), height
