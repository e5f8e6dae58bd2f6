"""Dated metastases along the bottom of the plot: a tick (a range if the date is imprecise) and "M: site"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from atc_timeline.layout.geometry import Scale
from atc_timeline.layout.model import Label, MetastasisMark, Sizes
from atc_timeline.layout.records import day_number
from atc_timeline.layout.text import Measure, line_height, text_box

MAX_TIERS = 2  # rows of metastasis labels; a third would take too much from the lanes
BARE = 0.07  # inches of a strip of ticks alone (no row of labels)
PAD = 0.03  # inches under the first row and above the last
_GAP = 0.08  # least room between two labels in a row, inches
_BESIDE = 0.04  # between a mark and its label, inches
_TICK = 0.012  # half the width an exact date's tick takes, inches

# (site, first day, last day, the date as shown), as CaseContext.metastases holds them
Dated = tuple[str, dt.date, dt.date, str]


@dataclass(frozen=True)
class Placed:
    """One mark in the strip: its day range, its x extent (inches), its label and row."""

    lo: float
    hi: float
    a: float  # left of the mark, figure inches
    b: float  # right of the mark
    text: str
    title: str
    tier: int  # the row its label sits in (its tick rises to it); -1 for a bare tick
    x0: float = 0.0  # label box, figure inches
    x1: float = 0.0
    ha: str = "left"


@dataclass(frozen=True)
class Strip:
    """The metastasis marks of one chart width and text size, and the height they take."""

    placed: tuple[Placed, ...]
    height: float  # inches at the bottom of the plot; 0 without dated metastases
    line: float
    size: float


def _groups(dated: Sequence[Dated]) -> list[tuple[float, float, list[str], str]]:
    """Metastases found on the same days, together, in date order."""
    groups: dict[tuple[float, float], tuple[list[str], str]] = {}
    for site, lo, hi, shown in dated:
        sites, _ = groups.setdefault((day_number(lo), day_number(hi)), ([], shown))
        if site not in sites:
            sites.append(site)
    return [(lo, hi, sites, shown) for (lo, hi), (sites, shown) in sorted(groups.items())]


def _texts(sites: list[str], note: str) -> list[str]:
    """Label candidates, fullest first and never a cut word: the sites, shorter sites, the first +n."""
    short = [site.split(" (")[0].strip() or site for site in sites]
    texts = [", ".join(sites), ", ".join(short)]
    if len(sites) > 1:
        texts += [f"{short[0]} +{len(sites) - 1}", f"{len(sites)} sites"]
    return [f"M: {t}{note}" for t in dict.fromkeys(texts)] + ["M"]


def plan_strip(dated: Sequence[Dated], g: Scale, s: Sizes, measure: Measure, rows: int = MAX_TIERS) -> Strip:
    """Each dated metastasis's mark and label, in up to `rows` rows that keep labels apart and ticks off text.

    With rows=0, ticks alone: their <title>s name the sites; with rows < 0, no strip.
    """
    line = line_height(s, measure)
    if not dated or rows < 0:  # rows < 0: no strip at all
        return Strip((), 0.0, line, s.label)
    marks: list[tuple[Placed, list[str]]] = []
    for lo, hi, sites, shown in _groups(dated):
        title = f"Metastasis: {', '.join(sites)} ({shown})"
        # A date outside the time axis is drawn at its edge, and the label says when it was.
        note = "" if g.x0 <= lo and hi <= g.x1 else f" ({shown})"
        clo, chi = min(max(lo, g.x0), g.x1), min(max(hi, g.x0), g.x1)
        a, b = g.inch(clo) - _TICK, g.inch(chi) + _TICK
        marks.append((Placed(lo, hi, a, b, "", title, -1), _texts(sites, note)))
    # Labels run right of their marks, so placing the latest first lets an earlier, longer
    # label rise to the row above them; the other order wins where it labels more.
    tries = [_place_all(list(reversed(marks)), g, s, measure, rows), _place_all(marks, g, s, measure, rows)]
    placed = max(tries, key=_score)
    tiers = max(p.tier for p in placed) + 1
    height = 2 * PAD + tiers * line if tiers else BARE
    return Strip(tuple(placed), height, line, s.label)


def _place_all(
    marks: list[tuple[Placed, list[str]]], g: Scale, s: Sizes, measure: Measure, rows: int
) -> list[Placed]:
    """The marks placed one after another in this order, then sorted by date."""
    placed: list[Placed] = []
    for mark, texts in marks:
        placed.append(_place(mark, texts, placed, g, s, measure, rows))
    return sorted(placed, key=lambda p: (p.lo, p.hi))


def _score(placed: list[Placed]) -> tuple[int, int, int]:
    """Better: more labels, then longer ones, then fewer rows."""
    return (
        sum(1 for p in placed if p.tier >= 0 and p.text != "M"),
        sum(len(p.text) for p in placed),
        -max(p.tier for p in placed),
    )


def _place(
    mark: Placed, texts: list[str], placed: list[Placed], g: Scale, s: Sizes, measure: Measure, rows: int
) -> Placed:
    """The mark with the fullest label that fits a row beside it (right first), or bare."""
    for text in texts:
        w = measure(text, s.label)[0]
        # Right of the mark in any row before left of it: a label on the left sits next to
        # the tick of the mark before it and reads as that one's.
        sides = (("left", mark.b + _BESIDE), ("right", mark.a - _BESIDE - w))
        for (ha, x0), tier in ((side, tier) for side in sides for tier in range(rows)):
            x1 = x0 + w
            inside = g.left + 0.02 <= x0 and x1 <= g.right - 0.02
            if inside and _free(mark, tier, x0, x1, placed):
                return Placed(mark.lo, mark.hi, mark.a, mark.b, text, mark.title, tier, x0, x1, ha)
    return mark  # no label fits: a bare tick under the first row, the <title> says the rest


def _free(mark: Placed, tier: int, x0: float, x1: float, placed: list[Placed]) -> bool:
    """True when a label at `tier` from x0 to x1, and the mark's tick up to it, touch nothing placed."""
    for other in placed:
        if other.tier == tier and x1 + _GAP > other.x0 and other.x1 + _GAP > x0:
            return False  # two labels in one row
        if other.tier >= tier and x1 + _BESIDE > other.a and other.b + _BESIDE > x0:
            return False  # the label over another's tick
        if 0 <= other.tier <= tier and mark.b > other.x0 - _BESIDE and other.x1 + _BESIDE > mark.a:
            return False  # this tick through another's label
    return True


def strip_layout(
    strip: Strip, g: Scale, axes_bottom: float
) -> tuple[tuple[MetastasisMark, ...], list[Label]]:
    """The strip's marks (plot inches) and labels (boxes in figure inches) above the plot's bottom."""
    marks: list[MetastasisMark] = []
    labels: list[Label] = []
    h = strip.line / 1.25  # a line of text, without the tier's leading
    for p in strip.placed:
        if p.tier < 0:
            top = PAD + (strip.line - h) / 2  # under the first row of labels
        else:
            y = PAD + (p.tier + 0.5) * strip.line
            top = y + h * 0.3
            x = p.x0 if p.ha == "left" else p.x1
            box = text_box(x, axes_bottom + y, p.x1 - p.x0, h, p.ha, "center")
            labels.append(
                Label(p.text, g.day(x), y, p.ha, "center", strip.size, "metastasis", box, full_text=p.title)
            )
        marks.append(MetastasisMark(p.lo, p.hi, top, p.lo == p.hi, p.text, p.title))
    return tuple(marks), labels
