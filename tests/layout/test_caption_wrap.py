"""Caption lines: whole words (and CJK characters) within the width, an ellipsis only after a whole word."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from atc_timeline.layout.caption import wrap_caption
from atc_timeline.layout.text import ELLIPSIS
from atc_timeline.mpl.fonts import is_cjk
from atc_timeline.mpl.measure import make_measure

MEASURE = make_measure()
WORDS = st.sampled_from(
    ["ATC", "BRAF", "V600E", "dabrafenib", "+", "trametinib,", "chemoradiotherapy", "neo-adjuvant",
     "甲状腺未分化癌", "卡博替尼（RET）", "2017–2021", "Supercalifragilisticexpialidocious"]
)
TITLES = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)


def _flat(text: str) -> str:
    """The text with its line breaks and spacing taken out, to compare what was kept."""
    return re.sub(r"\s+", "", text)


@settings(max_examples=300, deadline=None)
@given(TITLES, st.floats(0.3, 12.0), st.sampled_from([5.0, 11.6, 20.0]), st.integers(1, 3), st.booleans())
def test_lines_fit_and_keep_the_words_in_order(title, width, size, max_lines, bold):
    measure = MEASURE.bold if bold else MEASURE
    wrapped = wrap_caption(title, width, size, measure, max_lines)
    lines = wrapped.split("\n") if wrapped else []
    assert len(lines) <= max_lines
    for line in lines:
        assert measure(line, size)[0] <= width + 1e-9, f"{line!r} is wider than {width} in"
    kept = _flat(wrapped.removesuffix(ELLIPSIS))
    assert _flat(title).startswith(kept), "nothing reordered, nothing invented"
    if wrapped.endswith(ELLIPSIS):
        # Cut after a whole word: what is kept ends where a word of the title ends, after a
        # hyphen or dash, or at a CJK character (or is a word that even alone leaves no room
        # for the ellipsis, cut where the line ends).
        long_word = any(measure(w + ELLIPSIS, size)[0] > width for w in title.split())
        assert long_word or kept.rstrip(PUNCTUATION) in _breaks(title), f"{wrapped!r} cuts a word"


PUNCTUATION = ",;:-/\u2013\u00b7、，：；"


def _breaks(title: str) -> set[str]:
    """The title's beginnings (flattened) that end where a line may break."""
    found = set()
    for i in range(1, len(title) + 1):
        after = title[i] if i < len(title) else " "
        if after.isspace() or title[i - 1] in "-/\u2013" or is_cjk(title[i - 1]) or is_cjk(after):
            found.add(_flat(title[:i]).rstrip(PUNCTUATION))
    return found


def test_a_long_title_takes_two_lines_before_it_is_cut():
    title = "BRAF V600E anaplastic thyroid carcinoma: neoadjuvant dabrafenib and trametinib, then surgery"
    one = MEASURE.bold(title, 20.0)[0]
    wrapped = wrap_caption(title, one * 0.7, 20.0, MEASURE.bold, 2)
    assert wrapped.replace("\n", " ") == title, "two lines hold it whole"
    cut = wrap_caption(title, one * 0.4, 20.0, MEASURE.bold, 2)
    assert cut.endswith(ELLIPSIS)
    assert cut.count("\n") == 1
    assert cut.removesuffix(ELLIPSIS).replace("\n", " ") in {" ".join(title.split()[:n]) for n in range(20)}


def test_chinese_breaks_between_characters():
    title = "甲状腺未分化癌：卡博替尼联合纳武利尤单抗治疗后的长期随访"
    width = MEASURE.bold(title, 12.0)[0] * 0.6
    wrapped = wrap_caption(title, width, 12.0, MEASURE.bold, 2)
    assert wrapped.replace("\n", "") == title
    assert "\n" in wrapped
    assert not wrapped.split("\n")[1].startswith(("，", "：", "。")), "punctuation stays with its character"


def test_nothing_fits_gives_nothing_and_always_ends():
    assert wrap_caption("Anything at all", 0.01, 10.0, MEASURE, 2) == ""
    assert wrap_caption("Anything at all", -1.0, 10.0, MEASURE, 2) == ""
    assert wrap_caption("", 5.0, 10.0, MEASURE, 2) == ""
