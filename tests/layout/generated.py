"""Hypothesis strategies for dense generated cases: many events crowded into a short follow-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from hypothesis import strategies as st

from atc_timeline.case.model import Case
from atc_timeline.readers.yaml_case import load_case_text

BASE = dt.date(2016, 1, 1)
TEXT = st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=60).map(str.strip).filter(bool)
RESPONSES = st.sampled_from([None, "baseline", "CR", "PR", "SD", "PD", "iUPD"])
MODALITIES = st.sampled_from(["CT", "MRI", "PET-CT", "Ultrasound", "X-ray"])
DRUGS = st.sampled_from(["Lenvatinib", "Pembrolizumab", "Dabrafenib", "Paclitaxel"])
CLASSES = st.sampled_from(["chemotherapy", "targeted", "immunotherapy", "hormonal", "other"])


@st.composite
def dense_case(draw: st.DrawFn, max_points: int = 30, max_drugs: int = 4) -> Case:
    """A case whose events all fall within a few months to a few years, most of them points."""
    span = draw(st.integers(60, 1500))

    def day() -> dt.date:
        return BASE + dt.timedelta(days=draw(st.integers(0, span)))

    def written(when: dt.date) -> str:
        # Some dates known only to the month: whiskers, and label anchors at the month's middle.
        return draw(st.sampled_from([when.isoformat(), when.isoformat()[:7]]))

    data: dict[str, Any] = {
        "schema": "atc-timeline/1",
        "case": {
            "id": "generated",
            "title": "Generated case",
            "data_cutoff": (BASE + dt.timedelta(span + 40)).isoformat(),
        },
        "diagnosis": {"label": "ATC", "date": BASE.isoformat()},
    }
    n = 0

    def ident() -> str:
        nonlocal n
        n += 1
        return f"e{n}"

    points = draw(st.integers(1, max_points))
    kinds = draw(
        st.lists(st.sampled_from(["imaging", "imaging", "procedure", "ae"]), min_size=points, max_size=points)
    )
    for kind in kinds:
        if kind == "imaging":
            scan = {"id": ident(), "date": written(day()), "modality": draw(MODALITIES)}
            if draw(st.booleans()):
                scan["finding"] = draw(TEXT)
            if (response := draw(RESPONSES)) is not None:
                scan["response"] = response
            data.setdefault("imaging", []).append(scan)
        elif kind == "procedure":
            data.setdefault("procedures", []).append(
                {"id": ident(), "label": draw(TEXT), "date": written(day())}
            )
        else:
            when = day()
            ae = {"id": ident(), "term": draw(TEXT), "start": written(when)}
            if (grade := draw(st.none() | st.integers(1, 5))) is not None:
                ae["grade"] = grade
            if draw(st.booleans()):  # with a duration, an adverse event is a bar
                ae["end"] = (when + dt.timedelta(days=31 + draw(st.integers(0, 200)))).isoformat()
            data.setdefault("adverse_events", []).append(ae)
    for _ in range(draw(st.integers(0, max_drugs))):
        start = day()
        # Short courses pack several to a row; long ones stack rows.
        end = draw(st.none() | st.integers(1, 120) | st.integers(1, max(1, (BASE - start).days + span)))
        medication = {
            "id": ident(),
            "label": draw(DRUGS),
            "class": draw(CLASSES),
            "start": start.isoformat(),
            "end": "ongoing" if end is None else (start + dt.timedelta(days=end)).isoformat(),
        }
        if draw(st.booleans()):
            medication["dose"] = draw(TEXT)[:20]
        data.setdefault("medications", []).append(medication)
    return load_case_text(yaml.safe_dump(data, sort_keys=False), "generated.yaml")
