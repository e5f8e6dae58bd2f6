"""The cut-off (or death) and time-zero labels: beside their own lines, inside the figure, not crossed."""

from __future__ import annotations

import pytest

from atc_timeline.layout.rules import crosses
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case_text

SHORT = """
schema: atc-timeline/1
case:
  id: short
  title: Diagnosis, surgery and death within three weeks
  data_cutoff: "2020-03-20"
patient: {age: 80, sex: female, status: deceased, death_date: "2020-03-20"}
diagnosis: {label: Anaplastic thyroid carcinoma, date: "2020-03-02"}
procedures:
  - {id: s1, label: Tracheostomy and debulking, date: "2020-03-05"}
imaging:
  - {id: i1, date: "2020-03-18", modality: CT, finding: Rapid local progression}
"""


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
def test_close_lines_keep_each_others_labels_clear(size):
    # Death 18 days after diagnosis: left of its line, the death label would meet the
    # time-zero line, so it goes right; the time-zero label stays clear of the death line.
    layout = layout_case(load_case_text(SHORT, "short.yaml"), ChartOptions.for_size(size))
    cut = layout.day_to_inch(layout.cutoff_x)
    zero = layout.day_to_inch(layout.zero_x)
    by_role = {label.role: label for label in layout.labels if label.role in ("cutoff", "zero")}
    died = by_role["cutoff"]
    assert "Died" in died.text
    assert not crosses(died.box, zero), "the time-zero line would run through it"
    assert not crosses(died.box, cut), "it sits beside its own line"
    assert died.box.x0 >= 0
    assert died.box.x1 <= layout.width
    if "zero" in by_role:
        assert not crosses(by_role["zero"].box, cut)
        assert not crosses(by_role["zero"].box, zero)
        assert not by_role["zero"].box.intersects(died.box)
