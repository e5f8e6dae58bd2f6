"""Bar texts, stop reasons and dose texts: whole where there is room, cut only after a whole word."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atc_timeline.layout.bars import STOP_MARK, bar_spec, dose_sequence, row_metrics, word_cut, wrap_whole
from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.model import Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import ELLIPSIS
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import layout_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import CASES, FOUNDING

CHAR = 0.1  # a stub measure: every character 0.1 in wide at any size, lines 0.15 in tall


def measure(text: str, size: float) -> tuple[float, float]:
    lines = text.split("\n")
    return max(len(line) for line in lines) * CHAR, 0.15 * (1 + 1.2 * (len(lines) - 1))


SCALE = Scale(left=1.0, right=11.0, x0=0.0, x1=1000.0)  # 100 days an inch, from 1 in to 11 in
SIZES = Sizes(bar_height=0.3)
WIDE = " ".join(f"word{i:02d}" for i in range(14))  # 9.7 in


def _record(start: float, end: float, **fields: object) -> EventRecord:
    """A medication bar with exact dates from day `start` to day `end`."""
    values: dict[str, object] = {
        "event_id": "drug",
        "parent_id": "",
        "kind": "medication",
        "category": "targeted",
        "lane": "Drug",
        "label": "Drug",
        "detail": "",
        "start_lo": start,
        "start_hi": start,
        "end_lo": end,
        "end_hi": end,
        "start_text": "2020-01-01",
        "end_text": "2020-06-01",
        "start_exact": True,
        "end_exact": True,
        "is_interval": True,
        "end_status": "date",
        "response": "",
        "grade": None,
        "immune_related": False,
        "stop_reason": "",
        "outcome": "",
        "order": 0,
    }
    values.update(fields)
    return EventRecord(**values)  # type: ignore[arg-type]


def _texts(spec, role):
    return [p for p in spec.pieces if p.role == role]


words = st.text(alphabet="abcdefghij", min_size=1, max_size=9)
phrases = st.lists(words, min_size=1, max_size=8).map(" ".join)


def test_word_cut_keeps_whole_words_and_a_letter():
    text = "Arteriovenous thrombosis of the jugular vein"
    assert word_cut(text, 10.0, 8, measure) == text
    assert word_cut(text, 2.5, 8, measure) == "Arteriovenous thrombosis" + ELLIPSIS
    assert word_cut(text, 1.6, 8, measure) == "Arteriovenous" + ELLIPSIS
    assert word_cut(text, 1.2, 8, measure) == "", "never a piece of a word"
    # A number keeps its unit, and a cut never leaves only a number.
    assert word_cut("20 mg QD", 0.7, 8, measure) == "20 mg" + ELLIPSIS
    assert word_cut("20 mg QD", 0.4, 8, measure) == ""
    assert word_cut("RT neck · 2.0 Gy × 33", 1.2, 8, measure) == "RT neck" + ELLIPSIS
    # Text written without spaces is cut between characters.
    assert word_cut("疾病进展伴气管食管瘘", 0.45, 8, measure) == "疾病进" + ELLIPSIS


@given(phrases, st.floats(0.0, 8.0))
def test_a_cut_is_a_run_of_whole_words_that_fits(text, width):
    cut = word_cut(text, width, 8, measure)
    if cut in ("", text):
        return
    assert cut.endswith(ELLIPSIS)
    head = cut[: -len(ELLIPSIS)]
    assert text.startswith(head)
    assert text[len(head)] == " ", "cut after a whole word"
    assert measure(cut, 8)[0] <= width


@given(phrases, st.floats(0.3, 6.0))
def test_wrapping_keeps_every_word_whole_on_at_most_two_lines(text, width):
    wrapped = wrap_whole(text, width, 8, measure)
    if not wrapped:
        return
    lines = wrapped.split("\n")
    assert len(lines) <= 2
    assert wrapped.split() == text.split()
    assert all(measure(line, 8)[0] <= width for line in lines)


def test_wrapping_never_parts_a_number_from_its_unit():
    wrapped = wrap_whole("Morphine modified release 30 mg BID", 2.8, 8, measure)
    assert wrapped == "Morphine modified release\n30 mg BID"


def test_a_stop_reason_beside_the_bar_on_one_line_when_it_fits():
    spec = bar_spec(_record(100, 300, stop_reason="Disease progression"), (), SCALE, SIZES, measure)
    (stop,) = _texts(spec, "stop")
    assert stop.text == f"{STOP_MARK} Disease progression"
    assert not stop.under
    assert stop.x0 > SCALE.inch(300)


def test_a_long_stop_reason_goes_on_two_lines_or_under_the_bar_whole():
    # The bar ends 2.4 in before the plot's right edge: the reason needs 3.4 in on one line.
    spec = bar_spec(_record(100, 860, stop_reason="Arteriovenous thrombosis"), (), SCALE, SIZES, measure)
    (stop,) = _texts(spec, "stop")
    assert stop.text.replace("\n", " ") == f"{STOP_MARK} Arteriovenous thrombosis"
    assert stop.full == "Stopped: Arteriovenous thrombosis"
    assert spec.tall > SIZES.bar_height or spec.under > 0, "the row makes room for it"


def test_where_nothing_fits_the_stop_mark_stands_alone_and_the_title_keeps_the_reason():
    spec = bar_spec(
        _record(100, 980, stop_reason="Clinical deterioration"), (), SCALE, SIZES, measure, lines=False
    )
    (stop,) = _texts(spec, "stop")
    assert stop.text == STOP_MARK
    assert stop.full == "Stopped: Clinical deterioration"


def test_a_text_with_no_room_beside_the_bar_takes_the_line_under_it():
    # A 1 in bar mid-plot: 4.4 in free either side, too little for the 9.7 in text even on
    # two lines; the whole line under the bar (10 in) holds it.
    record = _record(450, 550, label=WIDE, lane="Lane")
    text = record.bar_text()
    assert wrap_whole(text, 4.42, 8, measure) == ""
    spec = bar_spec(record, (), SCALE, SIZES, measure)
    (piece,) = _texts(spec, "bar")
    assert piece.under
    assert piece.text == text
    compact = bar_spec(record, (), SCALE, SIZES, measure, lines=False)
    assert compact.under == 0, "nothing under the bar"
    assert compact.tall <= measure("Ag", 8)[1] + 1e-9, "one line beside it"


def test_a_dose_text_too_long_for_its_phase_goes_under_it():
    parent = _record(100, 900)
    phases = [
        _record(a, b, event_id=f"drug#{i}", parent_id="drug", kind="phase", label=dose, phase=i)
        for i, (a, b, dose) in enumerate(
            [(100, 400, "24 mg QD"), (400, 420, "20 mg QD"), (420, 900, "14 mg QD")], 1
        )
    ]
    spec = bar_spec(parent, phases, SCALE, SIZES, measure)
    shown = {p.event_id: p for p in _texts(spec, "phase")}
    assert shown["drug#1"].text == "24 mg QD"
    assert shown["drug#1"].on_bar
    assert shown["drug#3"].text == "14 mg QD"
    assert shown["drug#3"].on_bar
    under = [p for p in shown.values() if p.under]
    assert under, "a short phase's text sits under it"
    for a, b in itertools.combinations(under, 2):
        assert a.x1 <= b.x0 or b.x1 <= a.x0, "texts under the bar do not overlap"
    for piece in under:
        phase = next(p for p in phases if p.event_id == piece.event_id)
        mid = SCALE.inch((phase.start_lo + phase.end_hi) / 2)
        assert piece.x0 <= mid <= piece.x1, "centred on its own segment"


def test_many_short_phases_show_their_doses_in_a_row_under_the_bar():
    assert dose_sequence(["24 mg QD", "20 mg QD", "14 mg QD"]) == "24 \u2192 20 \u2192 14 mg QD"
    assert dose_sequence(["200 mg Q3W", "400 mg Q4W"]) == "200 mg Q3W \u2192 400 mg Q4W"
    doses = ["24 mg QD", "20 mg QD", "18 mg QD", "14 mg QD", "10 mg QD"]
    days = [100, 130, 160, 190, 220, 300]
    phases = [
        _record(a, b, event_id=f"drug#{i}", parent_id="drug", kind="phase", label=dose, phase=i)
        for i, (a, b, dose) in enumerate(zip(days, days[1:], doses, strict=False), 1)
    ]
    spec = bar_spec(_record(100, 300), phases, SCALE, SIZES, measure)
    (row,) = [p for p in spec.pieces if p.role == "doses"]
    assert row.text == "24 \u2192 20 \u2192 18 \u2192 14 \u2192 10 mg QD"
    assert row.under
    assert not [p for p in spec.pieces if p.role == "phase"], "the row stands for every phase"
    assert all(dose in row.full for dose in doses), "its title names each phase"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.floats(0, 990),
    st.floats(1, 1000),
    phrases,
    st.one_of(st.just(""), phrases),
    st.booleans(),
)
def test_a_bar_text_or_stop_reason_is_whole_cut_after_a_word_or_the_mark(start, length, label, reason, lines):
    end = min(start + length, 1000.0)
    record = _record(start, end, label=label, lane="Lane", stop_reason=reason)
    spec = bar_spec(record, (), SCALE, SIZES, measure, lines)
    for piece in spec.pieces:
        full = label if piece.role == "bar" else f"{STOP_MARK} {reason}"
        shown = piece.text.replace("\n", " ")
        assert piece.x0 >= SCALE.left - 1e-9, "inside the plot"
        assert piece.x1 <= SCALE.right + 1e-9, "inside the plot"
        if shown in (full, STOP_MARK):
            continue
        assert shown.endswith(ELLIPSIS), f"{shown!r} of {full!r}"
        head = shown[: -len(ELLIPSIS)]
        assert full.startswith(head)
        assert full[len(head)] == " ", f"{shown!r}: a stub of a word"
        if not lines:
            assert "\n" not in piece.text
            assert not piece.under


def test_a_row_grows_by_what_its_texts_need():
    plain = bar_spec(_record(100, 300, label="A", lane="Lane"), (), SCALE, SIZES, measure)
    centre, height = row_metrics([plain], SIZES)
    assert height == pytest.approx(SIZES.bar_height + SIZES.row_gap)
    assert centre == pytest.approx(height / 2)
    under = bar_spec(_record(450, 550, label=WIDE, lane="Lane"), (), SCALE, SIZES, measure)
    centre, height = row_metrics([under], SIZES)
    assert height > SIZES.bar_height + SIZES.row_gap + 0.15, "a line under the bar"
    assert centre == pytest.approx((SIZES.bar_height + SIZES.row_gap) / 2), "the bar stays at the top"


def _shown_whole(layout, start):
    texts = [label.text.replace("\n", " ") for label in layout.labels]
    return [text for text in texts if text.startswith(start)]


def test_the_founding_case_shows_its_stop_reasons_and_radiotherapy_whole():
    case = load_case(FOUNDING)
    slide = layout_case(case, ChartOptions.for_size("slide-16x9"))
    assert _shown_whole(slide, f"{STOP_MARK} Arteriovenous") == [f"{STOP_MARK} Arteriovenous thrombosis"]
    column = layout_case(case, ChartOptions.for_size("journal-1col"))
    assert _shown_whole(column, "RT thyroid bed") == ["RT thyroid bed + metastases · 2.0 Gy × 28 (56 Gy)"]
    assert _shown_whole(column, f"{STOP_MARK} Disease") == [f"{STOP_MARK} Disease progression"]


@pytest.mark.parametrize("size", ["slide-16x9", "journal-2col", "journal-1col"])
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bar_texts_keep_to_their_lane_clear_of_each_other_and_of_other_bars(path, size):
    _assert_bar_texts_clear(layout_case(load_case(path), ChartOptions.for_size(size)))


def _assert_bar_texts_clear(layout):
    """Bar, stop and dose texts: in their lane, apart, off other bars, never a stub."""
    lanes = {lane.name: lane for lane in layout.lanes}
    owner = {b.event_id: b for b in (*layout.bars, *layout.phases)}
    texts = [label for label in layout.labels if label.role in ("bar", "stop", "phase", "doses")]
    figure = type(layout.axes)(0, 0, layout.width, layout.height)
    eps = 1e-6
    for label in texts:
        assert label.box.inside(figure), f"{label.text!r} leaves the figure"
        lane = lanes[owner[label.event_id].lane]
        assert lane.y0 - eps <= label.box.y0 - layout.axes.y0
        assert label.box.y1 - layout.axes.y0 <= lane.y1 + eps
        shortened = ELLIPSIS in label.text
        if shortened:
            head = label.text.replace("\n", " ")[: -len(ELLIPSIS)]
            assert any(c.isalpha() for c in head), f"{label.text!r} is a stub"
    if layout.crowded:
        return  # lanes squeezed to fit: texts may crowd, as the layout reports
    for a, b in itertools.combinations(texts, 2):
        assert not a.box.intersects(b.box), f"{a.text!r} overlaps {b.text!r}"
    for label in texts:
        mine = owner[label.event_id]
        parent = mine.parent_id or mine.event_id
        for bar in layout.bars:
            if bar.event_id == parent:
                continue
            y0 = layout.axes.y0 + bar.y - bar.height / 2
            x0, x1 = layout.day_to_inch(bar.start_lo), layout.day_to_inch(bar.end_hi)
            box = type(label.box)(x0, y0, x1, y0 + bar.height)
            assert not label.box.intersects(box), f"{label.text!r} over {bar.event_id}"


LONG = """schema: atc-timeline/1
case: {id: t, title: Long texts, data_cutoff: '2022-12-31'}
patient: {age: 60, sex: female, status: alive}
diagnosis: {label: ATC, date: '2020-01-10'}
medications:
  - id: dab
    label: Dabrafenib plus trametinib combination (BRAF and MEK inhibition)
    class: targeted
    start: '2020-02-01'
    end: '2020-06-10'
    stop_reason: Recurrent grade 3 pyrexia with rigors despite two dose interruptions
  - id: lenva
    label: Lenvatinib
    class: targeted
    start: '2020-07-01'
    end: '2021-03-01'
    phases:
      - {start: '2020-07-01', dose: 24 mg, schedule: QD}
      - {start: '2020-07-20', dose: 20 mg, schedule: QD}
      - {start: '2020-08-05', dose: 18 mg, schedule: QD}
      - {start: '2020-08-20', dose: 14 mg, schedule: QD}
      - {start: '2020-12-01', dose: 10 mg, schedule: QD}
    stop_reason: Tracheo-oesophageal fistula
adverse_events:
  - {id: ae1, term: Arteriovenous thrombosis of the left internal jugular vein, grade: 3,
     start: '2020-09-01', end: '2020-09-20', action: drug_withdrawn}
"""


@pytest.mark.parametrize("size", ["slide-16x9", "journal-2col", "journal-1col"])
def test_long_texts_are_never_stubs(size):
    layout = layout_case(load_case_text(LONG), ChartOptions.for_size(size))
    for label in layout.labels:
        if label.role not in ("bar", "stop", "phase"):
            continue
        if label.text == STOP_MARK:
            assert label.full_text.startswith("Stopped: ")
            continue
        shown = label.text.replace("\n", " ")
        if ELLIPSIS in shown:
            head = shown[: -len(ELLIPSIS)]
            whole = label.full_text.replace("Stopped: ", f"{STOP_MARK} ")
            assert any(c.isalpha() for c in head), shown
            assert whole.startswith(head), shown
            assert whole[len(head)] == " ", f"{shown!r} cuts a word"


WORDS = st.lists(
    st.sampled_from(
        [
            "Arteriovenous",
            "thrombosis",
            "of",
            "the",
            "left",
            "neck",
            "grade",
            "3",
            "pyrexia",
            "20 mg",
            "QD",
            "fistula",
            "progression",
        ]
    ),
    min_size=1,
    max_size=12,
)
BASE = dt.date(2019, 1, 1)


@st.composite
def bars_case(draw: st.DrawFn):
    """A case of drugs with dose phases and stop reasons, radiotherapy and adverse events, long texts."""
    span = draw(st.integers(90, 1500))

    def day(lo: int = 0, hi: int = span) -> dt.date:
        return BASE + dt.timedelta(days=draw(st.integers(lo, hi)))

    data: dict = {
        "schema": "atc-timeline/1",
        "case": {
            "id": "g",
            "title": "Generated",
            "data_cutoff": (BASE + dt.timedelta(span + 30)).isoformat(),
        },
        "diagnosis": {"label": "ATC", "date": BASE.isoformat()},
    }
    for n in range(draw(st.integers(1, 4))):
        start = day(0, span - 10)
        end = day((start - BASE).days + 5, span)
        med = {
            "id": f"m{n}",
            "label": " ".join(draw(WORDS)),
            "class": "targeted",
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        if draw(st.booleans()):
            med["stop_reason"] = " ".join(draw(WORDS))
        phases = draw(st.integers(0, 6))
        if phases:
            days = sorted(
                {
                    start + dt.timedelta(days=k)
                    for k in draw(
                        st.lists(st.integers(0, (end - start).days), min_size=phases, max_size=phases)
                    )
                }
            )
            days[0] = start
            med["phases"] = [
                {"start": d.isoformat(), "dose": f"{10 + 2 * i} mg", "schedule": "QD"}
                for i, d in enumerate(sorted(set(days)))
            ]
        data.setdefault("medications", []).append(med)
    for n in range(draw(st.integers(0, 3))):
        start = day(0, span - 5)
        data.setdefault("radiotherapy", []).append(
            {
                "id": f"r{n}",
                "label": " ".join(draw(WORDS)),
                "start": start.isoformat(),
                "end": (start + dt.timedelta(days=draw(st.integers(1, 60)))).isoformat(),
            }
        )
    for n in range(draw(st.integers(0, 4))):
        start = day(0, span - 5)
        data.setdefault("adverse_events", []).append(
            {
                "id": f"a{n}",
                "term": " ".join(draw(WORDS)),
                "grade": draw(st.integers(1, 4)),
                "start": start.isoformat(),
                "end": draw(st.sampled_from(["unknown", (start + dt.timedelta(days=40)).isoformat()])),
            }
        )
    return load_case_text(yaml.safe_dump(data, sort_keys=False), "generated.yaml")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bars_case(), st.sampled_from(sorted(SIZE_PRESETS)))
def test_generated_bar_texts_keep_clear_and_whole(case, size):
    _assert_bar_texts_clear(layout_case(case, ChartOptions.for_size(size)))
