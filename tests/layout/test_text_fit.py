"""Shortened text: cut at a word, never to a stub; wrapping that keeps whole words and CJK text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from atc_timeline.layout.text import ELLIPSIS, LONG_WORD, MIN_STUB, truncate, wrap_lines, wrap_text


def measure(text, size):  # 0.1 in per character, 0.2 in per line
    lines = text.split("\n")
    return max(len(line) for line in lines) * 0.1, 0.2 * len(lines)


def test_truncate_cuts_at_a_word_and_drops_joining_marks():
    text = "Thyroidectomy: Tumour resected; disease progression"
    assert truncate(text, 3.3, 10, measure) == "Thyroidectomy: Tumour resected" + ELLIPSIS
    assert truncate(text, 1.6, 10, measure) == "Thyroidectomy" + ELLIPSIS  # one long word
    assert truncate(text, 1.2, 10, measure) == ""  # not even the first word
    assert truncate("Total thyroidectomy + neck dissection", 1.0, 10, measure) == ""  # not "Total…"


def test_truncate_refuses_stubs_of_short_first_words():
    # The stubs of the issue: "14…", "2…" and "✕ C…" say nothing.
    assert truncate("14 mg QD", 0.5, 10, measure) == ""
    assert truncate("14 mg QD", 0.7, 10, measure) == "14 mg" + ELLIPSIS
    assert truncate("200 mg Q3W", 0.5, 10, measure) == ""
    assert truncate("\u2715 Clinical deterioration", 0.6, 10, measure) == ""
    assert truncate("\u2715 Clinical deterioration", 1.2, 10, measure) == "\u2715 Clinical" + ELLIPSIS


def test_cjk_text_is_cut_and_wrapped_between_ideographs():
    text = "颈部巨大肿块伴纵隔淋巴结"
    assert truncate(text, 0.5, 10, measure) == "颈部巨大" + ELLIPSIS
    lines = wrap_lines(text, 0.5, 10, measure)
    assert "".join(lines) == text
    assert all(len(line) <= 5 for line in lines)


WORDS = st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=12), min_size=1, max_size=12)


@given(WORDS, st.floats(0.1, 5.0))
def test_truncate_keeps_whole_words_and_fits(words, width):
    text = " ".join(words)
    cut = truncate(text, width, 10, measure)
    if cut == text:
        assert measure(text, 10)[0] <= width
        return
    if not cut:
        return
    assert cut.endswith(ELLIPSIS)
    assert measure(cut, 10)[0] <= width
    kept = cut.removesuffix(ELLIPSIS).split()
    assert kept == words[: len(kept)], "cut inside a word"
    letters = sum(len(w) for w in kept)
    assert letters >= MIN_STUB
    assert len(kept) >= 2 or letters >= LONG_WORD, "a stub of one short word"


@given(WORDS, st.floats(0.5, 3.0), st.integers(1, 4))
def test_wrap_keeps_whole_words_within_width_and_lines(words, width, lines):
    text = " ".join(words)
    wrapped = wrap_text(text, width, 10, measure, lines)
    if not wrapped:
        return
    assert wrapped.count("\n") < lines
    assert all(measure(line, 10)[0] <= width for line in wrapped.split("\n"))
    shown = wrapped.replace(ELLIPSIS, "").split()
    assert shown == words[: len(shown)]
