"""Which lane an item is drawn in, shared by the chart and the summary table (no pandas)."""

from __future__ import annotations

from atc_timeline.case.model import Medication

DEFAULT_LANES = {
    "procedure": "Surgery",
    "radiotherapy": "Radiotherapy",
    "chemotherapy": "Chemotherapy",
    "imaging": "Imaging",
    "adverse_event": "Adverse events",
}
BOTTOM_LANES = ("Imaging", "Adverse events")


def medication_lane(med: Medication) -> str:
    """A drug's lane: its `lane`, else Chemotherapy for chemotherapy, else its own label."""
    if med.lane:
        return med.lane
    if med.class_ == "chemotherapy":
        return DEFAULT_LANES["chemotherapy"]
    return med.label
