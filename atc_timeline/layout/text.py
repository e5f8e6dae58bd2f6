"""Text fitted with a measure callable: word wrap, truncation, text boxes and line heights."""

from __future__ import annotations

import re
from collections.abc import Callable

from atc_timeline.layout.model import Box, Sizes

# measure(text, points) -> (width_in, height_in); layout gets it from outside, so it never
# imports matplotlib.
Measure = Callable[[str, float], tuple[float, float]]

ELLIPSIS = "\u2026"
# Line spacing of multi-line text, in font sizes: measured with it here, drawn with it.
LINE_SPACING = 1.2


def wrap_text(text: str, width: float, size: float, measure: Measure, max_lines: int) -> str:
    """Greedy word wrap to `width` inches and at most `max_lines`, ending in an ellipsis if cut."""
    return fit_lines(wrap_lines(text, width, size, measure), width, size, measure, max_lines)


def wrap_lines(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Greedy word wrap to `width` inches, as many lines as it takes (a word too long stays whole)."""
    return greedy_lines(_words(text), width, size, measure)


def greedy_lines(
    words: list[tuple[str, str]], width: float, size: float, measure: Measure
) -> list[str]:
    """(joiner, word) pairs filled into lines of `width` inches, greedily; a word too long stays whole."""
    lines: list[str] = []
    current = ""
    for sep, word in words:
        candidate = f"{current}{sep}{word}" if current else word
        if current and measure(candidate, size)[0] > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def fit_lines(lines: list[str], width: float, size: float, measure: Measure, max_lines: int) -> str:
    """Wrapped lines kept to `max_lines` and `width` inches, ending in an ellipsis where cut."""
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _trimmed(lines[-1]) + ELLIPSIS
    fitted: list[str] = []
    for line in lines:
        cut = truncate(line, width, size, measure)
        if not cut:
            # Why: a word too long for the line, cut to a stub, reads worse than stopping
            # before it; the lines kept so far end in an ellipsis.
            if fitted and not fitted[-1].endswith(ELLIPSIS):
                fitted[-1] = truncate(_trimmed(fitted[-1]) + ELLIPSIS, width, size, measure)
            break
        fitted.append(cut)
        if cut.endswith(ELLIPSIS):
            break
    return "\n".join(line for line in fitted if line)


def truncate(text: str, width: float, size: float, measure: Measure) -> str:
    """Cut `text` at a word boundary to fit `width` inches, ending in an ellipsis.

    '' when not even its first two words (or one long word, at least MIN_STUB letters) fit: a stub
    such as "C…" or "14…" tells a reader nothing, and the full text lives in the
    SVG <title> anyway.
    """
    if measure(text, size)[0] <= width:
        return text
    cuts = _cuts(text)
    lo, hi = 0, len(cuts)  # how many of the cuts fit, found by bisection: widths grow with length
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(_trimmed(text[: cuts[mid - 1]]) + ELLIPSIS, size)[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return ""
    return _trimmed(text[: cuts[lo - 1]]) + ELLIPSIS


# The least a shortened text keeps, in letters (an ideograph counts two): "14 mg…", not "14…";
# and two words, unless the first is a long one ("Pneumonitis…", not "Total…").
MIN_STUB = 4
LONG_WORD = 8
_WORD_END = re.compile(r"(\S+)(?=\s|$)")
# Trailing marks that read badly before an ellipsis ("resected;…").
_TRAILING = " \t\n,;:·+/&-–—("


def _is_ideograph(char: str) -> bool:
    """True for CJK ideographs, kana and hangul: text that breaks between any two of them."""
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF


def _words(text: str) -> list[tuple[str, str]]:
    """The words of `text`, each with what joins it to the word before (' ' or '' between ideographs)."""
    if text.isascii():  # the common case, without a look at every character
        return [(" ", word) for word in text.split()]
    words: list[tuple[str, str]] = []
    for chunk in text.split():
        sep = " "
        word = ""
        for char in chunk:
            if _is_ideograph(char):
                if word:
                    words.append((sep, word))
                    sep = ""
                words.append((sep, char))
                sep, word = "", ""
            else:
                word += char
        if word:
            words.append((sep, word))
    return words


def _cuts(text: str) -> list[int]:
    """Where `text` may be cut (prefix lengths at word ends), keeping at least MIN_STUB letters."""
    cuts = []
    letters = 0
    words = 0
    if text.isascii():
        for match in _WORD_END.finditer(text):
            letters += len(match.group(1))
            words += 1
            if _enough(letters, words):
                cuts.append(match.end())
        return cuts
    for i, char in enumerate(text):
        if not char.isspace():
            letters += 2 if _is_ideograph(char) else 1
        end = i + 1 == len(text) or text[i + 1].isspace() or _is_ideograph(char) or _is_ideograph(text[i + 1])
        if end and not char.isspace():
            words += 1
            if _enough(letters, words):
                cuts.append(i + 1)
    return cuts


def _enough(letters: int, words: int) -> bool:
    """True when a shortened text keeps enough to say something: "Total…" does not, "Pneumonitis…" does."""
    return letters >= MIN_STUB and (words >= 2 or letters >= LONG_WORD)


def _trimmed(text: str) -> str:
    """The text without trailing spaces and joining marks."""
    return text.rstrip(_TRAILING) or text.rstrip()


def text_box(x_in: float, y_in: float, w: float, h: float, ha: str, va: str) -> Box:
    """The box of a w x h text anchored at (x_in, y_in) with this alignment."""
    x0 = {"left": x_in, "center": x_in - w / 2, "right": x_in - w}[ha]
    y0 = {"bottom": y_in, "center": y_in - h / 2, "top": y_in - h}[va]
    return Box(x0, y0, x0 + w, y0 + h)


def line_height(s: Sizes, measure: Measure) -> float:
    """Height of one tier of point labels: a line of label text plus leading."""
    return measure("Ag", s.label)[1] * 1.25
