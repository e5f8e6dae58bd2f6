"""SVG structure: real text, one element per event, full text kept in <title>."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from atc_timeline.events.normalize import normalize_events
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import CASES, FOUNDING

SVG = "{http://www.w3.org/2000/svg}"


def _svg(path):
    return ET.fromstring(render_case(path, "svg", ChartOptions(dpi=72)))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_one_group_per_event(path):
    root = _svg(path)
    ids = Counter(g.get("id") for g in root.iter(f"{SVG}g") if g.get("id"))
    events = normalize_events(load_case(path))["event_id"].tolist()
    for event_id in events:
        assert ids[f"event-{event_id}"] == 1, f"event-{event_id} appears {ids[f'event-{event_id}']} times"
    assert all(count == 1 for count in ids.values()), [k for k, v in ids.items() if v > 1]


def test_text_stays_text_and_is_searchable():
    raw = render_case(FOUNDING, "svg", ChartOptions(dpi=72)).decode()
    root = ET.fromstring(raw)
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for expected in ("Cabozantinib", "Nivolumab", "240 mg Q2W", "Arteriovenous thrombosis", "Surgery"):
        assert expected in texts
    # No glyphs converted to paths: svg.fonttype none leaves no glyph <defs> for text.
    assert "DejaVuSans-" not in raw


def test_truncated_labels_keep_full_text_in_title():
    root = _svg(FOUNDING)
    titles = {}
    for group in root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        if title is not None and group.get("id"):
            titles[group.get("id")] = title.text
    assert "(2017-09-14)" in titles["event-pet-ct-staging"]
    # A label shown shortened on the chart still carries the whole finding in its title.
    shown = {
        g.get("id"): " ".join(t for text in g.iter(f"{SVG}text") for t in text.itertext())
        for g in root.iter(f"{SVG}g")
        if (g.get("id") or "").startswith("point-")
    }
    assert shown, "no point labels in the SVG"
    shortened = {gid: text for gid, text in shown.items() if "\u2026" in text}
    assert shortened, "expected at least one label shortened on the chart"
    items = {item.id: item for item in load_case(FOUNDING).items()}
    for gid, text in shortened.items():
        title = titles[gid]
        # The title holds the whole text the chart cut short (finding, outcome), and every word shown.
        item = items[gid.removeprefix("point-")]
        for field in ("label", "finding", "outcome", "term"):
            value = getattr(item, field, None)
            if value:
                assert value in title, (gid, field, title)
        shown_words = text.replace("\u2026", " ").split()
        assert all(word in title for word in shown_words[:-1]), (text, title)


def test_svg_has_no_timestamp():
    raw = render_case(FOUNDING, "svg", ChartOptions(dpi=72)).decode()
    assert "<dc:date>" not in raw
