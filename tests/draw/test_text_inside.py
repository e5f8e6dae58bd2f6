"""No text leaves the figure and none is drawn below 5 pt, whatever the title and the preset."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import figure_for_case
from atc_timeline.readers.yaml_case import load_case
from tests.conftest import CASES, FOUNDING
from tests.helpers import drawn_texts
from tests.layout.generated import dense_case

WORDS = st.sampled_from(
    ["BRAF", "V600E", "anaplastic", "thyroid", "carcinoma:", "neoadjuvant", "dabrafenib", "+", "trametinib,",
     "then", "chemoradiotherapy", "甲状腺未分化癌", "卡博替尼联合纳武利尤单抗", "Ωμέγα", "Жизнь",
     "Pneumonoultramicroscopicsilicovolcanoconiosis", "WWWWWWWWWW", "(2017–2021)"]
)
TITLES = st.one_of(
    st.lists(WORDS, min_size=1, max_size=60).map(" ".join),
    st.text(alphabet="甲状腺未分化癌卡博替尼，。", min_size=1, max_size=120),
    st.text(alphabet="MWmw", min_size=1, max_size=200),  # one unbreakable word
)


def _outside(fig) -> list[str]:
    width, height = fig.bbox.width, fig.bbox.height
    return [
        f"{gid} {text.get_text()[:40]!r} at {box}"
        for gid, text, box in drawn_texts(fig)
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5
    ]


@pytest.fixture(scope="module")
def founding():
    return load_case(FOUNDING)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TITLES, size=st.sampled_from(sorted(SIZE_PRESETS)))
def test_any_title_stays_inside_the_figure(founding, title, size):
    fig = figure_for_case(founding, ChartOptions.for_size(size, title=title, dpi=100))
    assert not _outside(fig)
    drawn = {gid: text for gid, text, _ in drawn_texts(fig)}
    assert "title" in drawn, "a title that fits nowhere whole is still shown in part"
    assert drawn["title"].get_text().count("\n") <= 1, "two lines at most"


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_cases_stay_inside_and_at_least_5_pt(path, size):
    fig = figure_for_case(load_case(path), ChartOptions.for_size(size, dpi=100))
    assert not _outside(fig)
    small = {(gid, round(t.get_fontsize(), 2)) for gid, t, _ in drawn_texts(fig) if t.get_fontsize() < 5}
    assert not small


@settings(max_examples=25, deadline=None)
@given(case=dense_case(max_points=45, max_drugs=6), size=st.sampled_from(sorted(SIZE_PRESETS)))
def test_crowded_cases_never_draw_text_below_5_pt(case, size):
    # Crowded: the layout shrinks text as far as it goes; the source line is the smallest.
    header = case.case.model_copy(update={"source": "A clinic's records " * 8})
    fig = figure_for_case(case.model_copy(update={"case": header}), ChartOptions.for_size(size, dpi=72))
    small = {(gid, t.get_fontsize()) for gid, t, _ in drawn_texts(fig) if t.get_fontsize() < 5.0 - 1e-9}
    assert not small
    assert not _outside(fig)
