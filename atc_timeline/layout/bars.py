"""Bars of one lane: where each bar's text, stop reason and dose texts go, rows packed, labels placed."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.model import Bar, Label, Sizes
from atc_timeline.layout.records import EventRecord
from atc_timeline.layout.text import ELLIPSIS, Measure, greedy_lines, text_box

_PAD = 0.06  # between a bar and a text beside it, inches
_STOP_GAP = 0.1  # between a bar (or the text right of it) and its stop reason, inches
_ROW_GAP = 0.08  # the least room between two bars sharing a row, inches
_UNDER_GAP = 0.02  # between a bar's lower edge and the line of text under it, inches
_EDGE = 0.02  # texts keep this far inside the plot's left and right edges, inches
_RULE_GAP = 0.03  # between the cut-off or time-zero line and a text beside it, inches
STOP_MARK = "\u2715"
# What a text may not end on once cut: a dangling separator reads as if more were coming.
_TRAILING = " \u00b7:;,/+-\u2013(&"
_NUMBER = re.compile(r"^[(~<>\u2248\u2264\u2265]?\d[\d.,]*$")
# What may follow a number as its unit: letters (mg, Gy, mg/m2, weeks, BID), %, or µ-prefixed.
_UNIT = re.compile(r"^[(]?[%\u00b5\u03bcA-Za-z][A-Za-z0-9/\u00b2\u00b3%]*[)]?[,;]?$")


@dataclass(frozen=True)
class Piece:
    """One text of a bar, placed relative to it: on it, beside it or on the line under it."""

    role: str  # bar | stop | phase | doses (a drug's doses in a row)
    text: str
    x: float  # anchor, figure inches
    ha: str  # left | center | right
    w: float
    h: float
    event_id: str
    full: str  # the whole text, for the SVG <title>
    under: bool = False  # on the line under the bar (else centred on the bar)
    on_bar: bool = False  # drawn over the bar's fill

    @property
    def x0(self) -> float:
        """Left edge, figure inches."""
        return {"left": self.x, "center": self.x - self.w / 2, "right": self.x - self.w}[self.ha]

    @property
    def x1(self) -> float:
        """Right edge, figure inches."""
        return self.x0 + self.w


@dataclass(frozen=True)
class BarSpec:
    """A bar's texts and where they go, the inches across it all takes and the height its texts need."""

    record: EventRecord
    x0: float
    x1: float
    pieces: tuple[Piece, ...] = ()
    tall: float = 0.0  # the tallest text centred on the bar, inches
    under: float = 0.0  # the height of the text under the bar, inches (0: none)

    @property
    def text(self) -> str:
        """The bar's own text as shown ('' for none)."""
        return next((p.text for p in self.pieces if p.role == "bar"), "")

    @property
    def stop(self) -> str:
        """The stop reason as shown ('' for none)."""
        return next((p.text for p in self.pieces if p.role == "stop"), "")


@dataclass(frozen=True)
class Placing:
    """What placing labels in one chart needs: its time scale, sizes, measure and plot bottom."""

    scale: Scale
    s: Sizes
    measure: Measure
    axes_bottom: float  # figure inches of the plot's bottom edge


def pack_bars(
    records: list[EventRecord],
    phased: Mapping[str, Sequence[EventRecord]],
    scale: Scale,
    s: Sizes,
    measure: Measure,
    lines: bool = True,
    rules: tuple[float, ...] = (),
) -> list[list[BarSpec]]:
    """A lane's bars (not their phases) packed into rows, each bar in the first row it fits.

    `rules`: where the cut-off and time-zero lines run (figure inches); texts keep off them.
    """
    rows: list[list[BarSpec]] = []
    for record in records:
        if not record.is_interval or record.kind == "phase":
            continue
        spec = bar_spec(record, phased.get(record.event_id, ()), scale, s, measure, lines, rules)
        for packed in rows:
            if all(spec.x1 + _ROW_GAP <= o.x0 or o.x1 + _ROW_GAP <= spec.x0 for o in packed):
                packed.append(spec)
                break
        else:
            rows.append([spec])
    return rows


def row_metrics(packed: Sequence[BarSpec], s: Sizes) -> tuple[float, float]:
    """From a row's top, the inches down to its bars' centre line, and the row's whole height.

    A text of two lines beside a bar can stand taller than the bar, and a text on the line
    under a bar needs that line: the row grows by what its tallest texts need.
    """
    body = max([s.bar_height, *(spec.tall for spec in packed)])
    under = max((spec.under for spec in packed), default=0.0)
    under = under + _UNDER_GAP if under else 0.0
    # The text under a bar starts below the bar, not below a taller text beside it.
    under = max(under - (body - s.bar_height) / 2, 0.0)
    return s.row_gap / 2 + body / 2, s.row_gap + body + under


def word_cut(text: str, width: float, size: float, measure: Measure) -> str:
    """The text cut after its last whole word that fits with an ellipsis; '' if no word fits.

    Why whole words: "Arteriovenous thrombo…" and "C…" leave the reader guessing; a cut keeps
    at least one word with a letter in it ("20…" says nothing, "20 mg…" does), and a
    CJK character counts as a word.
    """
    if measure(text, size)[0] <= width:
        return text
    heads = [text[:end].rstrip(_TRAILING) for end in _word_ends(text)]
    heads = [head for head in heads if any(c.isalpha() for c in head)]
    # The heads grow with each word, so the longest that fits is found by bisection.
    lo, hi = 0, len(heads)
    while lo < hi:
        mid = (lo + hi) // 2
        if measure(heads[mid] + ELLIPSIS, size)[0] <= width:
            lo = mid + 1
        else:
            hi = mid
    return heads[lo - 1] + ELLIPSIS if lo else ""


def _word_ends(text: str) -> list[int]:
    """Where a cut may fall in the text: before a space, and on either side of a CJK character."""
    ends = []
    for i in range(1, len(text)):
        if text[i].isspace() and not text[i - 1].isspace():
            before, after = text[:i].split(), text[i:].split()
            if not (after and _UNIT.match(after[0]) and _NUMBER.search(before[-1])):
                ends.append(i)  # never between a number and its unit
        elif _cjk(text[i - 1]) or (_cjk(text[i]) and not text[i - 1].isspace()):
            ends.append(i)
    return ends


def _cjk(char: str) -> bool:
    """True for a character of a script written without spaces (CJK ideographs, kana, hangul)."""
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF


def wrap_whole(text: str, width: float, size: float, measure: Measure, lines: int = 2) -> str:
    """The text wrapped into at most `lines` lines of `width` inches, every word whole; '' if it cannot be.

    A number stays on the line of the unit after it ("30 mg", "2.0 Gy"): a dose split over
    two lines is misread.
    """
    words = _glued(text)
    if len(words) < 2:
        return ""
    out = greedy_lines([(" ", word) for word in words], width, size, measure)
    if len(out) > lines or any(measure(line, size)[0] > width for line in out):
        return ""
    return "\n".join(out)


def _glued(text: str) -> list[str]:
    """The text's words, a number joined to the word after it when that word names a unit."""
    words: list[str] = []
    for word in text.split():
        if words and _UNIT.match(word) and _NUMBER.search(words[-1]):
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    return words


class _Line:
    """The line of text under a bar: the stretches of it already taken, inches."""

    def __init__(self) -> None:
        self.taken: list[tuple[float, float]] = []

    def free(self, x0: float, x1: float) -> bool:
        """True when nothing on the line comes within _ROW_GAP of x0..x1."""
        return all(x1 + _ROW_GAP <= a or b + _ROW_GAP <= x0 for a, b in self.taken)

    def take(self, piece: Piece) -> None:
        """Mark the piece's stretch of the line as taken."""
        self.taken.append((piece.x0, piece.x1))


@dataclass(frozen=True)
class _Room:
    """A bar's ends and the plot's usable edges, figure inches, and the text size and measure."""

    bx0: float
    bx1: float
    solid0: float  # the stretch of the bar whose dates are certain
    solid1: float
    end: float  # where a text under the bar should end: the bar's last day, arrow aside
    left: float
    right: float
    size: float
    measure: Measure
    lines: bool  # texts may take more height: two lines, or the line under the bar
    bar: float  # the bar's height, inches
    rules: tuple[float, ...] = ()  # where the cut-off and time-zero lines run down the plot, inches

    def crossings(self, x0: float, x1: float) -> int:
        """How many of the plot's vertical lines run through a text from x0 to x1 off the bars."""
        return sum(1 for x in self.rules if x0 - _RULE_GAP < x < x1 + _RULE_GAP)

    def clear_right(self, x: float) -> float:
        """The width from x to the first line right of it (or to the plot's edge), inches."""
        return min([self.right, *(r - _RULE_GAP for r in self.rules if r > x)]) - x

    def clear_left(self, x: float) -> float:
        """The width from the last line left of x (or the plot's edge) to x, inches."""
        return x - max([self.left, *(r + _RULE_GAP for r in self.rules if r < x)])

    def stretches(self) -> list[float]:
        """The widths between the plot's edges and its lines, widest first."""
        cuts = sorted([self.left, *(r for r in self.rules if self.left < r < self.right), self.right])
        widths = [b - a - 2 * _RULE_GAP for a, b in itertools.pairwise(cuts)]
        return sorted((w for w in widths if w > 0), reverse=True)

    def clear_of_rules(self, x: float, w: float, lo: float, hi: float) -> float:
        """The left edge nearest x, within lo..hi, of a text `w` wide that no line runs through; else x."""
        if not self.crossings(x, x + w):
            return x
        spots = [r + _RULE_GAP for r in self.rules] + [r - _RULE_GAP - w for r in self.rules]
        spots = [c for c in spots if lo - 1e-9 <= c <= hi - w + 1e-9 and not self.crossings(c, c + w)]
        return min(spots, key=lambda c: abs(c - x), default=x)

    def width(self, text: str) -> tuple[float, float]:
        """Width and height of the text, inches."""
        return self.measure(text, self.size)


def _piece(
    room: _Room,
    role: str,
    shown: str,
    x: float,
    ha: str,
    event_id: str,
    full: str,
    under: bool = False,
    on_bar: bool = False,
) -> Piece:
    """A piece of text measured at the room's text size."""
    w, h = room.width(shown)
    return Piece(role, shown, x, ha, w, h, event_id, full, under, on_bar)


def bar_spec(
    record: EventRecord,
    phases: Sequence[EventRecord],
    g: Scale,
    s: Sizes,
    measure: Measure,
    lines: bool = True,
    rules: tuple[float, ...] = (),
) -> BarSpec:
    """Decide where a bar's texts go and how much room the bar and its texts take horizontally.

    With `lines` False, texts keep to the bar's own row height (cut to whole words instead).
    """
    bx0, bx1 = g.inch(record.start_lo), g.inch(record.end_hi)
    if record.end_status == "ongoing":
        bx1 += s.arrow
    solid0 = g.inch(record.start_hi)
    solid1 = bx1 if record.end_status == "ongoing" else g.inch(record.end_lo)
    end = g.inch(record.end_hi) - _EDGE
    left, right = g.left + _EDGE, g.right - _EDGE
    room = _Room(bx0, bx1, solid0, solid1, end, left, right, s.label, measure, lines, s.bar_height, rules)
    best: tuple[tuple[float, float, int, int], list[Piece]] | None = None
    # Dose texts under the bar may take the line a stop reason wants: try both ways.
    for rank, phase_under in enumerate((True, False, None) if phases and lines else (lines,)):
        line = _Line()
        if phase_under is None:
            # Many short phases: the doses in a row under the bar ("24 → 20 → 14 mg QD").
            pieces = _dose_sequence(record, phases, room, line)
            if not pieces:
                continue
        else:
            pieces = list(_phase_pieces(record, phases, g, room, line, phase_under))
        lost = sum(max(len(ph.label.replace(" ", "")) - _kept(p.text), 0) for ph, p in _shown(phases, pieces))
        rest, (rest_lost, height, crossed) = _text_and_stop(record, bool(phases), room, line, pieces)
        crossed += sum(room.crossings(p.x0, p.x1) for p in pieces if p.under)
        score = (lost + rest_lost, height, crossed, rank)
        if best is None or score < best[0]:
            best = (score, pieces + rest)
        if score[:3] == (0, 0, 0):
            break  # all whole, clear and in the bar's own height: nothing later does better
    pieces = best[1] if best is not None else []
    x0 = min([bx0, *(p.x0 for p in pieces)])
    x1 = max([bx1, *(p.x1 for p in pieces)])
    tall = max((p.h for p in pieces if not p.under), default=0.0)
    under = max((p.h for p in pieces if p.under), default=0.0)
    return BarSpec(record, x0, x1, tuple(pieces), tall, under)


def _shown(phases: Sequence[EventRecord], pieces: list[Piece]) -> list[tuple[EventRecord, Piece]]:
    """Each phase with its piece; a phase without one pairs with an empty piece.

    The dose sequence under the bar stands for every phase, whole.
    """
    by_id = {p.event_id: p for p in pieces if p.role == "phase"}
    empty = Piece("phase", "", 0.0, "left", 0.0, 0.0, "", "")
    if any(p.role == "doses" for p in pieces):
        return [(ph, replace(empty, text=ph.label)) for ph in phases]
    return [(ph, by_id.get(ph.event_id, empty)) for ph in phases]


def dose_sequence(labels: Sequence[str]) -> str:
    """Dose texts in a row: "24 → 20 → 14 mg QD" when they share a unit and schedule, else each whole."""
    heads = [label.split(" ", 1) for label in labels]
    tails = {head[1] if len(head) == 2 else "" for head in heads}
    if len(tails) == 1 and all(_NUMBER.match(head[0]) for head in heads):
        (tail,) = tails
        return " \u2192 ".join(head[0] for head in heads) + (f" {tail}" if tail else "")
    return " \u2192 ".join(labels)


def _dose_sequence(
    record: EventRecord, phases: Sequence[EventRecord], room: _Room, line: _Line
) -> list[Piece]:
    """The drug's doses as one text under its bar, if it fits on one line; [] otherwise."""
    if len(phases) < 3:
        return []  # two phases label themselves, or one goes under the bar
    text = dose_sequence([ph.label for ph in phases])
    w = room.width(text)[0]
    if w > room.right - room.left:
        return []
    full = "; ".join(f"{ph.label} {ph.detail} ({ph.start_text} to {ph.end_text})".strip() for ph in phases)
    piece = _piece(room, "doses", text, _under_x(room, w), "left", record.event_id, full, under=True)
    line.take(piece)
    return [piece]


def _growth(pieces: Sequence[Piece], bar: float) -> float:
    """How much taller than its bar a row with these texts must be, inches."""
    under = max((p.h + _UNDER_GAP for p in pieces if p.under), default=0.0)
    return under + max([0.0, *(p.h - bar for p in pieces if not p.under)])


def _text_and_stop(
    record: EventRecord, has_phases: bool, room: _Room, line: _Line, placed: list[Piece]
) -> tuple[list[Piece], tuple[float, float, int]]:
    """The bar's text and stop reason where they show most in least height; what is lost, the growth."""
    text = record.bar_text()
    # A range of unknown position (within_period) has no bar to carry its text.
    inner = max(room.bx1 - room.bx0 - 2 * _PAD, 0.0) if not record.within_period else 0.0
    if record.outcome and not has_phases:
        # Table 1 style: the outcome goes inside the bar when the bar is long enough.
        fuller = f"{text} \u00b7 {record.outcome}" if text else record.outcome
        if room.width(fuller)[0] <= inner:
            text = fuller
    stop = f"{STOP_MARK} {record.stop_reason}" if record.stop_reason else ""
    best: tuple[tuple[float, float, int, int], list[Piece]] | None = None
    rank = 0
    for text_piece in _text_options(record, text, has_phases, room, line):
        taken = _Line()
        taken.taken = [*line.taken]
        if text_piece is not None and text_piece.under:
            taken.take(text_piece)
        after = room.bx1
        if text_piece is not None and text_piece.ha == "left" and not text_piece.under:
            after = text_piece.x1
        for stop_piece in _stop_options(record, stop, after, room, taken) if stop else [None]:
            chosen = [p for p in (text_piece, stop_piece) if p is not None]
            shown = sum(_kept(p.text) for p in chosen)
            lost = len(text.replace(" ", "")) + len(stop.replace(" ", "")) - shown
            # The height the row grows by, against the bar's height of the first attempt (a
            # near enough guess: the spacing shrinks a little in later ones).
            # A line through a text off the bar costs less than a word lost or more height:
            # height the chart lacks is paid for in shortened texts elsewhere.
            crossed = sum(room.crossings(p.x0, p.x1) for p in chosen if not p.on_bar)
            growth = round(_growth([*placed, *chosen], room.bar), 4)
            score = (float(lost), growth, crossed, rank)
            if best is None or score < best[0]:
                best = (score, chosen)
            rank += 1
        if best is not None and best[0][:3] == (0, 0, 0):
            break  # whole, clear and in the bar's own height: the options after are never better
    if best is None:
        return [], (0.0, _growth(placed, room.bar), 0)
    for piece in best[1]:
        if piece.under:
            line.take(piece)
    return best[1], best[0][:3]


def _kept(text: str) -> int:
    """How many characters of the original a shown text keeps (spaces, breaks and ellipsis aside)."""
    return len(text.replace(ELLIPSIS, "").replace("\n", "").replace(" ", ""))


def _text_options(
    record: EventRecord, text: str, has_phases: bool, room: _Room, line: _Line
) -> Iterator[Piece | None]:
    """Places for the bar's text, from the most to the least direct: on it, beside it, under it, cut."""
    if not text:
        yield None
        return
    full = record.title()

    def piece(shown: str, x: float, ha: str, under: bool = False, on_bar: bool = False) -> Piece:
        return _piece(room, "bar", shown, x, ha, record.event_id, full, under, on_bar)

    w = room.width(text)[0]
    right_room = room.right - room.bx1 - _PAD
    left_room = room.bx0 - _PAD - room.left
    on_bar = not has_phases and not record.within_period  # a range of unknown position has no bar
    if on_bar:
        inside = _inside_x(room, w)
        if inside is not None:
            yield piece(text, inside, "center", on_bar=True)
    if w <= right_room:
        yield piece(text, room.bx1 + _PAD, "left")
    if w <= left_room:
        yield piece(text, room.bx0 - _PAD, "right")
    if room.lines:
        yield from _wrapped_and_under(text, right_room, left_room, room, line, piece)
    for width, x, ha in ((right_room, room.bx1 + _PAD, "left"), (left_room, room.bx0 - _PAD, "right")):
        cut = word_cut(text, width, room.size, room.measure)
        if cut:
            yield piece(cut, x, ha)
    if on_bar:
        cut = word_cut(text, max(room.bx1 - room.bx0 - 2 * _PAD, 0.0), room.size, room.measure)
        if cut:
            yield piece(cut, (room.bx0 + room.bx1) / 2, "center", on_bar=True)
    yield None  # the bar's SVG <title> carries the text


def _wrapped_and_under(
    text: str,
    right_room: float,
    left_room: float,
    room: _Room,
    line: _Line,
    piece: Callable[..., Piece],
) -> Iterator[Piece]:
    """The bar's text on two lines beside the bar, then under it on one line or two.

    Each also narrowed to keep clear of the cut-off and time-zero lines, where that still fits.
    """
    right_x, left_x = room.bx1 + _PAD, room.bx0 - _PAD
    beside = [(w, right_x, "left") for w in {right_room, min(right_room, room.clear_right(right_x))}]
    beside += [(w, left_x, "right") for w in {left_room, min(left_room, room.clear_left(left_x))}]
    for width, x, ha in beside:
        wrapped = wrap_whole(text, width, room.size, room.measure)
        if wrapped:
            option = piece(wrapped, x, ha)
            # Two lines stand taller than the bar, into the line under it.
            if line.free(option.x0, option.x1):
                yield option
    yield from _under_options(text, room, line, lambda shown, x: piece(shown, x, "left", under=True))


def _under_options(
    text: str, room: _Room, line: _Line, piece: Callable[[str, float], Piece]
) -> Iterator[Piece]:
    """The text under the bar on one line, else on two, across the plot or between its lines."""
    across = room.right - room.left
    seen = set()
    for width in (across, *room.stretches()):
        for shown in (text, wrap_whole(text, width, room.size, room.measure)):
            w = room.width(shown)[0] if shown else across + 1.0
            if not shown or w > width or shown in seen:
                continue
            seen.add(shown)
            x = _under_x(room, w)
            if line.free(x, x + w):
                yield piece(shown, x)
                break


def _under_x(room: _Room, w: float) -> float:
    """The left edge of a text `w` wide under the bar: from the bar's start, else ending at its end.

    Why not past its end: what lies right of a bar is later in time (the next line of
    treatment, the cut-off line); the space before a bar is more often empty.
    """
    x = room.bx0 if room.bx0 + w <= room.end else min(max(room.end - w, room.left), room.right - w)
    return room.clear_of_rules(x, w, room.left, room.right)


def _inside_x(room: _Room, w: float) -> float | None:
    """Where a text `w` wide sits centred on the bar: on its certain stretch if it fits there."""
    if w <= room.solid1 - room.solid0 - 2 * _PAD:
        return (room.solid0 + room.solid1) / 2
    if w <= room.bx1 - room.bx0 - 2 * _PAD:
        return (room.bx0 + room.bx1) / 2
    return None


def _stop_options(record: EventRecord, stop: str, after: float, room: _Room, line: _Line) -> Iterator[Piece]:
    """Places for the stop reason: after the bar, on two lines, under the bar's end, cut, the mark alone."""
    full = f"Stopped: {record.stop_reason}"

    def piece(shown: str, x: float, ha: str, under: bool = False) -> Piece:
        return _piece(room, "stop", shown, x, ha, record.event_id, full, under)

    start = after + _STOP_GAP
    width = room.right - start
    w = room.width(stop)[0]
    if w <= width:
        yield piece(stop, start, "left")
    for narrow in {width, min(width, room.clear_right(start))} if room.lines else ():
        wrapped = wrap_whole(stop, narrow, room.size, room.measure)
        if wrapped and line.free(start, start + room.width(wrapped)[0]):
            yield piece(wrapped, start, "left")
    across = room.right - room.left
    seen = set()
    for span in (across, *room.stretches()) if room.lines else ():
        for shown in (stop, wrap_whole(stop, span, room.size, room.measure)):
            sw = room.width(shown)[0] if shown else across + 1.0
            if not shown or sw > span or shown in seen:
                continue
            seen.add(shown)
            # Under the bar, ending where the bar ends (or starting at the plot's left edge).
            x = min(max(room.bx1, room.left + sw), room.right)
            x = room.clear_of_rules(x - sw, sw, room.left, room.right) + sw
            if line.free(x - sw, x):
                yield piece(shown, x, "right", under=True)
                break
    reason = word_cut(record.stop_reason, width - room.width(f"{STOP_MARK} ")[0], room.size, room.measure)
    if reason:
        yield piece(f"{STOP_MARK} {reason}", start, "left")
    # Where nothing fits, the mark alone; the SVG <title> carries the reason.
    yield piece(STOP_MARK, min(start, room.right - room.width(STOP_MARK)[0]), "left")


def _phase_pieces(
    record: EventRecord, phases: Sequence[EventRecord], g: Scale, room: _Room, line: _Line, under: bool
) -> Iterator[Piece]:
    """Each dose phase's text on its segment, else centred under it, else cut to whole words."""
    # The drug's outcome rides on its longest phase, if there is room.
    longest = max(range(len(phases)), key=lambda i: phases[i].end_lo - phases[i].start_hi, default=-1)
    for index, phase in enumerate(phases):
        x0, x1 = _phase_span(phase, g, room)
        full = f"{phase.label} {phase.detail} ({phase.start_text} to {phase.end_text})".strip()
        span = x1 - x0 - 2 * _PAD
        mid = (x0 + x1) / 2
        with_outcome = f"{phase.label} \u00b7 {record.outcome}" if index == longest and record.outcome else ""
        if with_outcome and room.width(with_outcome)[0] <= span:
            yield _piece(room, "phase", with_outcome, mid, "center", phase.event_id, full, on_bar=True)
            continue
        w = room.width(phase.label)[0]
        if w <= span:
            yield _piece(room, "phase", phase.label, mid, "center", phase.event_id, full, on_bar=True)
            continue
        # Under its segment, centred on it, if the line there is free and inside the plot
        # (and not past the bar's end, where the cut-off line may run).
        ux = min(max(mid, room.left + w / 2), room.end - w / 2)
        ux = room.clear_of_rules(ux - w / 2, w, room.left, room.end) + w / 2
        fits = under and room.left <= ux - w / 2 <= mid <= ux + w / 2
        if fits and line.free(ux - w / 2, ux + w / 2):
            below = _piece(room, "phase", phase.label, ux, "center", phase.event_id, full, under=True)
            line.take(below)
            yield below
            continue
        cut = word_cut(phase.label, span, room.size, room.measure)
        if cut:
            yield _piece(room, "phase", cut, mid, "center", phase.event_id, full, on_bar=True)


def _phase_span(phase: EventRecord, g: Scale, room: _Room) -> tuple[float, float]:
    """The stretch of a phase its text sits on: its certain part, or between its edges' middles."""
    ongoing = phase.end_status == "ongoing"
    x0 = g.inch(phase.start_hi)
    x1 = g.inch(phase.end_lo if not ongoing else phase.end_hi)
    w = room.width(phase.label)[0]
    if x1 - x0 - 2 * _PAD < w:
        x0 = g.inch((phase.start_lo + phase.start_hi) / 2)
        x1 = g.inch((phase.end_lo + phase.end_hi) / 2 if not ongoing else phase.end_hi)
    return x0, x1


def bar_of(record: EventRecord, center: float, height: float) -> Bar:
    """The bar (or phase segment) of an interval event, centred at `center` plot inches."""
    return Bar(
        event_id=record.event_id,
        kind=record.kind,
        category=record.category,
        lane=record.lane,
        start_lo=record.start_lo,
        start_hi=record.start_hi,
        end_lo=record.end_lo,
        end_hi=record.end_hi,
        y=center,
        height=height,
        end_status=record.end_status,
        start_exact=record.start_exact,
        end_exact=record.end_exact,
        grade=record.grade,
        title=record.title(),
        phase=record.phase,
        parent_id=record.parent_id,
        start_qualifier=record.start_qualifier,
        end_qualifier=record.end_qualifier,
        within_period=record.within_period,
        after_cutoff=record.after_cutoff,
    )


def bar_labels(spec: BarSpec, bar: Bar, p: Placing) -> list[Label]:
    """The bar's texts (its own, its stop reason, its dose phases') as the spec placed them."""
    g = p.scale
    labels = []
    for piece in spec.pieces:
        y = bar.y
        if piece.under:
            y = bar.y - bar.height / 2 - _UNDER_GAP - piece.h / 2
        box = text_box(piece.x, p.axes_bottom + y, piece.w, piece.h, piece.ha, "center")
        color = "on_bar" if piece.on_bar else "stop" if piece.role == "stop" else "text"
        labels.append(
            Label(
                piece.text,
                g.day(piece.x),
                y,
                piece.ha,
                "center",
                p.s.label,
                piece.role,
                box,
                event_id=piece.event_id,
                full_text=piece.full,
                color_key=color,
            )
        )
    return labels
