"""Caption text (title, subtitle, source line) wrapped to the figure: whole words, CJK, never a stub."""

from __future__ import annotations

import re
from collections.abc import Callable

from atc_timeline.layout.text import ELLIPSIS, Measure

# Where a line may break: between words, after a hyphen or slash inside a word, and between
# any two CJK characters (Chinese and Japanese are written without spaces). A closing mark
# (、。，」…) stays with the character before it, an opening one (「（…) with the one after it.
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u31ff\u3200-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
)
_CLOSING = "、。，．：；！？）」』】〉》〕〗〙〛ー々〜・,.:;!?)]}%"
_OPENING = "（「『【〈《〔〖〘〚([{"
_TRAILING = " ,;:-/\u2013\u00b7、，：；"  # left off before an ellipsis
_O, _C = re.escape(_OPENING), re.escape(_CLOSING)
_PIECE = re.compile(
    rf"[{_O}]*(?:"
    rf"(?![{_O}{_C}])[{_CJK}]"  # one CJK character
    rf"|[^\s{_CJK}{_O}]+?(?:[-/\u2010\u2013](?=[^\s{_CJK}])|(?=[\s{_CJK}{_O}])|$)"  # a word, or to a hyphen
    rf")[{_C}]*"  # with the punctuation that goes with it
    rf"|\S"  # anything else (a lone mark) on its own
)


def _pieces(line: str) -> list[tuple[str, str]]:
    """The unbreakable pieces of one line, each with what goes before it on a line ('' or ' ')."""
    found: list[tuple[str, str]] = []
    end = 0
    for match in _PIECE.finditer(line):
        gap = line[end : match.start()]
        found.append((match.group(), " " if gap and found else ""))
        end = match.end()
    return found


def wrap_caption(text: str, width: float, size: float, measure: Measure, max_lines: int) -> str:
    """`text` in at most `max_lines` lines of at most `width` inches, broken where a reader expects.

    Lines break between words (and CJK characters); a word wider than a whole line is split
    where the line ends, the one place a word is cut. Text that needs more lines ends, after
    its last whole word that fits, in an ellipsis.
    """

    def fits(candidate: str) -> bool:
        return measure(candidate, size)[0] <= width

    if not fits(ELLIPSIS):  # no room at all
        return ""
    lines: list[str] = []
    for paragraph in text.split("\n"):  # a line break the writer put in is kept
        lines += _wrapped(paragraph, fits, max_lines + 1 - len(lines))
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = _ended(lines[-1], fits)
            break
    return "\n".join(line for line in lines if line)


def _wrapped(paragraph: str, fits: Callable[[str], bool], limit: int) -> list[str]:
    """Greedy lines of one paragraph, at most `limit` of them (the last may be incomplete)."""
    lines: list[str] = []
    current = ""
    for piece, sep in _pieces(paragraph):
        candidate = current + sep + piece if current else piece
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        while piece and not fits(piece):  # a word longer than a line: split it where the line ends
            head = _longest_prefix(piece, fits)
            lines.append(head)
            piece = piece[len(head) :]
        current = piece
        if len(lines) >= limit:
            return lines[:limit]
    if current:
        lines.append(current)
    return lines[:limit]


def _ended(line: str, fits: Callable[[str], bool]) -> str:
    """The line cut after its last whole piece that leaves room for an ellipsis."""
    pieces = _pieces(line)
    while pieces:
        kept = "".join(sep + piece for piece, sep in pieces).rstrip(_TRAILING)
        if fits(kept + ELLIPSIS):
            return kept + ELLIPSIS
        if len(pieces) == 1:  # one piece as wide as the line (a split word): cut it for the ellipsis
            head = _longest_prefix(kept, lambda t: fits(t + ELLIPSIS))
            return head + ELLIPSIS if fits(head + ELLIPSIS) else ""
        pieces.pop()
    return ""


def _longest_prefix(text: str, fits: Callable[[str], bool]) -> str:
    """The longest prefix of `text` that fits (at least one character, so wrapping always ends)."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]
