"""Where a label finds no room, the marker alone is drawn and its SVG <title> carries the whole text."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import layout_case, render_case
from atc_timeline.readers.yaml_case import load_case_text

SVG = "{http://www.w3.org/2000/svg}"
BASE = dt.date(2014, 1, 1)


def _crowded_case() -> str:
    """Twelve procedures with long names, far apart: more text than a short journal column holds."""
    lines = [
        "schema: atc-timeline/1",
        "case: {id: crowd, title: Crowded, data_cutoff: '2017-06-01'}",
        "diagnosis: {label: PTC, date: '2014-01-01'}",
        "procedures:",
    ]
    for i in range(12):
        when = (BASE + dt.timedelta(days=100 * i)).isoformat()
        label = f"Procedure number {i} with nodes in the lung and the liver"
        lines.append(f"  - {{id: s{i}, date: '{when}', label: '{label}'}}")
    return "\n".join(lines) + "\n"


def test_markers_without_a_label_keep_their_whole_text_in_the_svg_title():
    case = load_case_text(_crowded_case())
    options = ChartOptions.for_size("journal-1col", height=2.2, dpi=72)
    layout = layout_case(case, options)
    labelled = set()
    for label in layout.labels:
        if label.role == "point":
            labelled.update(line for line in label.full_text.split("\n"))
    unlabelled = [m for m in layout.markers if m.title not in labelled]
    assert unlabelled, "expected some scans without a label of their own at this size"
    root = ET.fromstring(render_case(case, "svg", options))
    titles = {
        g.get("id"): g.find(f"{SVG}title").text
        for g in root.iter(f"{SVG}g")
        if g.get("id") and g.find(f"{SVG}title") is not None
    }
    shown = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for marker in unlabelled:
        number = marker.event_id.removeprefix("s")
        title = titles[f"event-{marker.event_id}"]
        assert f"Procedure number {number} with nodes in the lung and the liver" in title
        assert f"Procedure number {number} " not in shown  # not on the chart, only in the title
    # No label on the chart is a stub: what is shortened keeps whole words.
    for label in layout.labels:
        if label.role == "point" and label.text.endswith("\u2026"):
            kept = label.text.removesuffix("\u2026").replace("\n", " ").split()
            assert kept, label.text
            assert all(word in label.full_text for word in kept), label.text
