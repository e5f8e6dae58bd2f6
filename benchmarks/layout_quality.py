"""Count layout defects over a corpus of cases, in every size preset and theme: target zero of each.

Renders every file in cases/ and --cases generated ones (benchmarks/corpus.py: long titles
and labels, CJK, 40+ scans, many adverse events, imprecise dates, deaths, one-day and
one-event cases, long stop reasons, many lanes, long spans) in each preset and theme, draws
each Figure with Agg, and checks the drawn texts (their extents from the renderer that drew
them) and the layout's own data:

    python benchmarks/layout_quality.py [--cases 200] [--seed 1] [--sizes ...] [--themes ...]
        [--jobs 2] [--json] [--save DIR] [--fail] [--grow] [--dpi 100] [--worst 3]

What counts, per chart (one defect per text, pair, marker or line):

    outside     a drawn text's extent leaves the figure
    clipped     a text is cut by its clip box (the plotting area)
    overlap     two drawn texts share more than 1 pt both ways (tick labels: `ticks`)
    over_bar    a text over a bar or dose phase on a plate (which breaks the bar), at a
                contrast under 4.5:1 with the fill (or its halo), or on hatching without a halo
    small       a text under 5 pt at the real (preset) size
    shortened   a label ending in an ellipsis whose whole text, measured as drawn, fits the
                free room across its row between its neighbours (labels, bars, markers)
    stub        a shortened text keeping under 4 letters or digits, or cut inside its first word
    ticks       neighbouring tick labels of a row less than 2 pt apart
    leader      a leader whose foot is nearer another marker than its own, or far from its
                own, or whose top is off its label
    line        a vertical line (cut-off, death, time zero) through a text
    markers     a marker hidden by one drawn less than half a marker's width from it
    size        the figure's width or height differs from the preset

The checks are pure functions of a TimelineLayout and its drawn Figure (check_chart runs
them all), so tests can call them on hand-made layouts and figures. Exit status 0, or with
--fail 1 when any defect is found.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from atc_timeline.layout import Box, Label, TimelineLayout  # noqa: E402

ELLIPSIS = "\u2026"
MIN_POINTS = 5.0  # the smallest text a printed figure may carry
# Two text boxes overlap when they share more than this (points) both across and up; a
# hair's overlap of line boxes is not a collision a reader sees.
OVERLAP_PT = 1.0
TICK_GAP_PT = 2.0  # neighbouring tick labels closer than this read as one number
INK_PT = 1.0  # a text box over a bar by more than this, both ways, covers its ink
CONTRAST = 4.5  # WCAG AA for text on a bar
FREE_GAP = 0.04  # inches a text needs beside its neighbours to count as fitting
STUB_CHARS = 4  # letters and digits a shortened text keeps at the least
LEADER_SLACK = 0.06  # inches: a leader's foot lies within this of its marker's column
STACKED = 0.5  # markers closer than this many marker widths hide each other

CLASSES = {
    "outside": "texts outside the figure",
    "clipped": "texts cut at the plot edge",
    "overlap": "overlapping text boxes",
    "over_bar": "text over bar ink",
    "small": "text under 5 pt",
    "shortened": "shortened with room to spare",
    "stub": "stubs",
    "ticks": "colliding tick labels",
    "leader": "leaders to the wrong marker",
    "line": "lines through text",
    "markers": "markers stacked on each other",
    "size": "size off the preset",
}
_TICK = re.compile(r"^tick-(top-)?\d+$")


@dataclass(frozen=True)
class Defect:
    """One defect found in one chart: its class, the text (or item) concerned and how bad."""

    kind: str
    text: str
    detail: str = ""
    amount: float = 0.0  # larger is worse (points out, points overlapped...)


@dataclass(frozen=True)
class Drawn:
    """A drawn, non-empty text: its artist, gid and extent in figure inches."""

    artist: Text
    text: str
    gid: str
    box: Box


# -- drawn texts -------------------------------------------------------------------------------


def drawn_texts(fig: Figure) -> list[Drawn]:
    """Every visible, non-empty text of a drawn figure with its extent from the renderer that drew it."""
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    found = []
    for artist in fig.findobj(Text):
        text = artist.get_text()
        if not text.strip() or not artist.get_visible() or artist.get_label() == "halo":
            continue  # a halo is drawn under its text, not a text of its own
        e = artist.get_window_extent(renderer)
        found.append(
            Drawn(artist, text, artist.get_gid() or "", Box(e.x0 / dpi, e.y0 / dpi, e.x1 / dpi, e.y1 / dpi))
        )
    return found


def _pt(inches: float) -> float:
    return inches * 72.0


def _short(text: str, n: int = 60) -> str:
    text = text.replace("\n", " / ")
    return text if len(text) <= n else text[: n - 1] + ELLIPSIS


def texts_outside(fig: Figure, texts: Sequence[Drawn]) -> list[Defect]:
    """Texts whose drawn extent leaves the figure, with how far (points)."""
    w, h = fig.get_size_inches()
    out = []
    for d in texts:
        b = d.box
        beyond = max(-b.x0, -b.y0, b.x1 - w, b.y1 - h)
        if _pt(beyond) > 0.5:
            out.append(Defect("outside", _short(d.text), f"{_pt(beyond):.1f} pt out ({d.gid})", _pt(beyond)))
    return out


def texts_clipped(fig: Figure, texts: Sequence[Drawn]) -> list[Defect]:
    """Texts cut by their clip box (the plotting area), with how much is cut (points)."""
    dpi = fig.dpi
    out = []
    for d in texts:
        clip = d.artist.get_clip_box()
        if clip is None or not d.artist.get_clip_on():
            continue
        c, b = clip, d.box
        cut = max(c.x0 / dpi - b.x0, c.y0 / dpi - b.y0, b.x1 - c.x1 / dpi, b.y1 - c.y1 / dpi)
        if _pt(cut) > 0.5:
            out.append(Defect("clipped", _short(d.text), f"{_pt(cut):.1f} pt cut ({d.gid})", _pt(cut)))
    return out


def _is_tick(d: Drawn) -> bool:
    return bool(_TICK.match(d.gid))


def _overlaps(boxes: Sequence[Box]) -> Iterator[tuple[int, int, float, float]]:
    """Pairs (i, j, across, up) of boxes sharing more than OVERLAP_PT points both ways."""
    if len(boxes) < 2:
        return
    a = np.array([(b.x0, b.y0, b.x1, b.y1) for b in boxes]) * 72.0
    across = np.minimum(a[:, None, 2], a[None, :, 2]) - np.maximum(a[:, None, 0], a[None, :, 0])
    up = np.minimum(a[:, None, 3], a[None, :, 3]) - np.maximum(a[:, None, 1], a[None, :, 1])
    hit = np.triu((across > OVERLAP_PT) & (up > OVERLAP_PT), 1)
    for i, j in zip(*np.nonzero(hit), strict=True):
        yield int(i), int(j), float(across[i, j]), float(up[i, j])


def overlapping_texts(texts: Sequence[Drawn]) -> list[Defect]:
    """Pairs of drawn texts whose boxes overlap (tick labels among themselves are `ticks`)."""
    out = []
    for i, j, across, up in _overlaps([d.box for d in texts]):
        a, b = texts[i], texts[j]
        if _is_tick(a) and _is_tick(b):
            continue
        detail = f"{across:.1f} x {up:.1f} pt with {_short(b.text, 40)!r} ({a.gid} / {b.gid})"
        out.append(Defect("overlap", _short(a.text), detail, min(across, up)))
    return out


def tick_collisions(texts: Sequence[Drawn]) -> list[Defect]:
    """Neighbouring tick labels of one row closer than TICK_GAP_PT (or overlapping)."""
    rows: dict[str, list[Drawn]] = defaultdict(list)
    for d in texts:
        if _is_tick(d):
            rows["top" if d.gid.startswith("tick-top") else "bottom"].append(d)
    out = []
    for row in rows.values():
        row.sort(key=lambda d: d.box.x0)
        for a, b in itertools.pairwise(row):
            gap = _pt(b.box.x0 - a.box.x1)
            if gap < TICK_GAP_PT:
                out.append(Defect("ticks", f"{a.text} | {b.text}", f"gap {gap:.1f} pt", TICK_GAP_PT - gap))
    return out


def small_texts(texts: Sequence[Drawn], scale: float = 1.0) -> list[Defect]:
    """Texts smaller than MIN_POINTS at the real size (`scale`: printed size / figure size)."""
    out = []
    for d in texts:
        size = d.artist.get_fontsize() * scale
        if size < MIN_POINTS - 1e-6:
            out.append(Defect("small", _short(d.text), f"{size:.2f} pt ({d.gid})", MIN_POINTS - size))
    return out


def size_defects(fig: Figure, preset: tuple[float, float]) -> list[Defect]:
    """The drawn figure against its preset: a grown or shrunk side (inches) is a defect."""
    w, h = (float(v) for v in fig.get_size_inches())
    out = []
    if abs(w - preset[0]) > 0.01:
        out.append(Defect("size", "width", f"{w:g} in, preset {preset[0]:g} in", abs(w - preset[0])))
    if abs(h - preset[1]) > 0.01:
        out.append(Defect("size", "height", f"{h:g} in, preset {preset[1]:g} in", abs(h - preset[1])))
    return out


# -- bars, lines and leaders -------------------------------------------------------------------


def _rgb(color: Any) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    return to_rgba(color)


def _over(color: Any, background: Any) -> tuple[float, float, float]:
    """A colour with alpha composited onto an opaque background."""
    r, g, b, a = _rgb(color)
    br, bg, bb, _ = _rgb(background)
    return (r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a))


def contrast(one: Sequence[float], two: Sequence[float]) -> float:
    """WCAG contrast ratio of two opaque RGB colours (1 to 21)."""

    def lum(c: Sequence[float]) -> float:
        ch = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c[:3]]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

    hi, lo = sorted((lum(one), lum(two)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def bar_boxes(layout: TimelineLayout) -> list[tuple[str, Box]]:
    """(event id, box in figure inches) of each drawn bar piece: phases, and bars without phases."""
    phased = {p.parent_id for p in layout.phases}
    arrow = layout.sizes.arrow
    out = []
    for bar in (*[b for b in layout.bars if b.event_id not in phased], *layout.phases):
        x0 = layout.day_to_inch(bar.start_lo)
        x1 = layout.day_to_inch(bar.end_hi)
        if bar.end_status == "ongoing" and bar.kind != "phase":
            x1 += arrow
        y = layout.axes.y0 + bar.y
        out.append((bar.event_id, Box(x0, y - bar.height / 2, x1, y + bar.height / 2)))
    return out


def _fills(fig: Figure, layout: TimelineLayout) -> dict[str, Any]:
    """The solid fill of each drawn bar or phase, by event id (phase 1: its drug's bar)."""
    fills: dict[str, Any] = {}
    for artist in fig.findobj(lambda a: (a.get_gid() or "").startswith("event-")):
        colors = getattr(artist, "get_facecolor", lambda: [])()
        colors = np.atleast_2d(colors) if len(colors) else []
        if len(colors):
            best = max(colors, key=lambda c: c[3])
            if best[3] > 0:
                fills[artist.get_gid()[6:]] = tuple(best)
    for phase in layout.phases:
        if phase.event_id not in fills and phase.parent_id in fills:
            fills[phase.event_id] = fills[phase.parent_id]
    return fills


def _halo(artist: Text) -> Any | None:
    """The colour of a text's halo (a stroke path effect), or None."""
    for effect in artist.get_path_effects():
        gc = getattr(effect, "_gc", {})
        color = gc.get("foreground") or gc.get("color")
        if color is not None:
            return color
    label = artist.get_label() or ""
    return label[len("on-halo:") :] if label.startswith("on-halo:") else None  # a halo drawn under it


def _family(layout: TimelineLayout, event_id: str) -> set[str]:
    """An event's id with its drug's (for a dose phase) and its phases' ids."""
    ids = {event_id}
    for p in layout.phases:
        if p.event_id == event_id:
            ids.add(p.parent_id)
        if p.parent_id == event_id:
            ids.add(p.event_id)
    return ids


def _owners(d: Drawn) -> set[str]:
    """The event ids a drawn text's gid may name ('bar-<id>', 'phase-<id>-2', ...)."""
    gid = d.gid
    for role in ("bar", "phase", "stop", "point"):
        if gid.startswith(role + "-"):
            rest = gid[len(role) + 1 :]
            return {rest, re.sub(r"-\d+$", "", rest)}
    return set()


def texts_over_bars(fig: Figure, layout: TimelineLayout, texts: Sequence[Drawn]) -> list[Defect]:
    """Texts over a bar's ink that break it (a plate) or do not read on it (contrast < 4.5, hatching).

    A text on a bar in a colour chosen for contrast (on hatching: on a halo) keeps the bar
    visibly continuous and stays legible; a plate, a low contrast or bare hatching does not.
    """
    background = fig.get_facecolor()
    fills = _fills(fig, layout)
    pieces = bar_boxes(layout)
    hatched = {
        (a.get_gid() or "")[6:] for a in fig.findobj(lambda a: (a.get_gid() or "").startswith("hatch-"))
    }
    out = []
    for d in texts:
        worst: tuple[float, str] | None = None
        cx, cy = (d.box.x0 + d.box.x1) / 2, (d.box.y0 + d.box.y1) / 2
        for event_id, box in pieces:
            across = _pt(min(d.box.x1, box.x1) - max(d.box.x0, box.x0))
            up = _pt(min(d.box.y1, box.y1) - max(d.box.y0, box.y0))
            if across <= INK_PT or up <= INK_PT:
                continue
            # A text's colour is chosen for the fill under its middle; where it spills a
            # little into its own bar's next phase, that phase is judged by its own text.
            centred = box.x0 <= cx <= box.x1 and box.y0 <= cy <= box.y1
            owners = set().union(*(_family(layout, o) for o in _owners(d)))
            if not centred and _family(layout, event_id) & owners and d.artist.get_bbox_patch() is None:
                continue
            fill = _over(fills.get(event_id, background), background)
            plate = d.artist.get_bbox_patch()
            if plate is not None and plate.get_visible() and _rgb(plate.get_facecolor())[3] >= 0.3:
                reason = (99.0, f"on a plate over {event_id}")
            else:
                under = _halo(d.artist)
                ratio = contrast(_over(d.artist.get_color(), fill), _over(under, fill) if under else fill)
                if ratio < CONTRAST:
                    reason = (CONTRAST - ratio, f"contrast {ratio:.1f}:1 on {event_id}")
                elif under is None and _family(layout, event_id) & hatched:
                    # Hatch lines cross the letters: legible only on a halo.
                    reason = (0.5, f"over the hatching of {event_id}, no halo")
                else:
                    continue
            if worst is None or reason[0] > worst[0]:
                worst = reason
        if worst is not None:
            out.append(Defect("over_bar", _short(d.text), f"{worst[1]} ({d.gid})", worst[0]))
    return out


def vertical_lines(fig: Figure) -> list[tuple[str, float, float, float]]:
    """(gid, x, y0, y1) in figure inches of each drawn vertical line (cut-off, death, time zero)."""
    out = []
    dpi = fig.dpi
    for line in fig.findobj(Line2D):
        xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        if not line.get_visible() or line.get_linestyle() == "None":
            continue
        if line.get_gid() == "leaders":  # a lone leader rising straight to its label
            continue
        # A rule broken under texts is one line with NaN between its pieces: check each piece.
        broken = len(xs) > 2 and bool(np.isnan(ys).any())
        if len(xs) != 2 and not broken:
            continue
        for k in range(0, len(xs) - 1, 3):
            piece = np.column_stack([xs[k : k + 2], ys[k : k + 2]])
            if len(piece) != 2 or np.isnan(piece).any():
                continue
            (x0, y0), (x1, y1) = line.get_transform().transform(piece)
            if abs(x0 - x1) < 0.5 and abs(y1 - y0) > 0.5 * dpi / (8 if broken else 1):
                out.append((line.get_gid() or "line", x0 / dpi, min(y0, y1) / dpi, max(y0, y1) / dpi))
    return out


def lines_through_text(fig: Figure, texts: Sequence[Drawn]) -> list[Defect]:
    """Texts a vertical line (cut-off, death, time zero) runs through."""
    out = []
    for gid, x, y0, y1 in vertical_lines(fig):
        for d in texts:
            b = d.box
            inside = min(x - b.x0, b.x1 - x)
            if _pt(inside) > 0.5 and _pt(min(b.y1, y1) - max(b.y0, y0)) > 0.5:
                plate = " (on a plate)" if d.artist.get_bbox_patch() is not None else ""
                out.append(Defect("line", _short(d.text), f"{gid}{plate} ({d.gid})", _pt(inside)))
    return out


def wrong_leaders(layout: TimelineLayout) -> list[Defect]:
    """Leaders whose foot is not at their own marker, or whose top is not at their own label.

    A grouped label's leader starts between its members; any member counts as its own
    marker (the group's members are the markers whose titles the label's full text lists).
    """
    out = []
    for leader in layout.leaders:
        label = next(
            (lb for lb in layout.labels if lb.role == "point" and lb.event_id == leader.event_id), None
        )
        own = [m for m in layout.markers if m.event_id == leader.event_id]
        if not own:
            out.append(Defect("leader", leader.event_id, "no marker with the leader's id", 99.0))
            continue
        members = set(label.full_text.split("\n")) if label is not None else set()
        mine = {m.event_id for m in layout.markers if m.lane == own[0].lane and m.title in members} | {
            leader.event_id
        }
        fx, fy = layout.day_to_inch(leader.x0), leader.y0

        def distance(m: Any, fx: float = fx, fy: float = fy) -> float:
            return math.hypot(layout.day_to_inch(m.x) - fx, m.y - fy)

        nearest = min(layout.markers, key=distance)
        reach = min(distance(m) for m in layout.markers if m.event_id in mine)
        span = max(abs(layout.day_to_inch(m.x) - fx) for m in layout.markers if m.event_id in mine)
        if nearest.event_id not in mine and distance(nearest) < reach - 1e-6:
            detail = (
                f"foot nearer {nearest.event_id} ({distance(nearest):.2f} in) than its own ({reach:.2f} in)"
            )
            out.append(Defect("leader", leader.event_id, detail, reach - distance(nearest)))
        elif abs(layout.day_to_inch(own[0].x) - fx) > span + LEADER_SLACK:
            out.append(Defect("leader", leader.event_id, f"foot {reach:.2f} in from its marker", reach))
        if label is None:
            out.append(Defect("leader", leader.event_id, "no label with the leader's id", 99.0))
            continue
        tx, ty = layout.day_to_inch(leader.x1), layout.axes.y0 + leader.y1
        b = label.box
        off = max(b.x0 - tx, tx - b.x1, b.y0 - ty, ty - b.y1, 0.0)
        if off > 0.05:
            out.append(Defect("leader", _short(label.text), f"top {off:.2f} in from its label", off))
    return out


def stacked_markers(fig: Figure) -> list[Defect]:
    """Drawn event markers closer than STACKED times their size to an earlier one, which they hide."""
    dpi = fig.dpi
    found = []
    for line in fig.findobj(Line2D):
        gid = line.get_gid() or ""
        if (
            not gid.startswith("event-")
            or line.get_marker() in (None, "None", "")
            or len(line.get_xdata()) != 1
        ):
            continue
        ((x, y),) = line.get_transform().transform([(line.get_xdata()[0], line.get_ydata()[0])])
        found.append((gid[6:], x / dpi * 72, y / dpi * 72, line.get_markersize()))
    found.sort(key=lambda m: m[1])
    out = []
    for i, (b, bx, by, bsize) in enumerate(found):
        # Each marker once, against the nearest earlier marker it overlaps.
        near = [
            (math.hypot(bx - ax, by - ay), a, STACKED * (asize + bsize) / 2)
            for a, ax, ay, asize in found[:i]
            if bx - ax < STACKED * (asize + bsize) / 2
        ]
        hits = [n for n in near if n[0] < n[2]]
        if hits:
            apart, a, reach = min(hits)
            out.append(Defect("markers", f"{a} / {b}", f"{apart:.1f} pt apart", reach - apart))
    return out


# -- shortened texts ---------------------------------------------------------------------------


def _kept(text: str) -> str:
    """What a shortened text keeps: everything before its ellipsis, lines joined."""
    return " ".join(text.split(ELLIPSIS)[0].split())


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def whole_text(label: Label) -> str | None:
    """The text a shortened label was cut from, as far as its full text (the tooltip) tells."""
    kept = _kept(label.text)
    full = label.full_text
    if not full:
        return None
    lines = full.split("\n")
    # Without the tooltip's dates: "MRI: Cerebellar metastasis (2019-01)" was drawn as
    # "MRI: Cerebellar metastasis"; a group's label joins its members' texts with "; ".
    plain = [re.sub(r" \([^()]*\)$", "", line) for line in lines]
    candidates = [line.split("; stopped: ")[0] for line in plain]
    candidates += [*plain, "; ".join(candidates), full, *lines]
    candidates += [
        "\u2715 " + line.removeprefix("Stopped: ") for line in lines if line.startswith("Stopped: ")
    ]
    norm = " ".join(kept.split())
    for candidate in candidates:
        whole = " ".join(candidate.split())
        if whole.startswith(norm) and len(whole) > len(norm):
            return whole
    return None


def is_stub(text: str, whole: str | None) -> bool:
    """True for a shortened text keeping less than one whole word (or under STUB_CHARS letters)."""
    if ELLIPSIS not in text:
        return False
    kept = _kept(text)
    letters = _alnum(kept)
    if len(letters) < STUB_CHARS:
        return True
    if whole is None:
        return False
    # A whole word is kept when the cut falls after the end of the first word.
    rest = whole[len(kept) :]
    first = re.match(r"\W*\w+", kept)
    if first is None:
        return True
    return first.end() == len(kept) and bool(rest) and rest[0].isalnum()


def stubs(layout: TimelineLayout, texts: Sequence[Drawn]) -> list[Defect]:
    """Shortened texts (layout labels and every drawn text) that keep less than a whole word."""
    wholes = {lb.text: whole_text(lb) for lb in layout.labels}
    out = []
    for d in texts:
        if ELLIPSIS in d.text and is_stub(d.text, wholes.get(d.text)):
            whole = wholes.get(d.text)
            out.append(
                Defect("stub", d.text.replace("\n", " / "), f"of {_short(whole or '?', 50)!r} ({d.gid})", 1.0)
            )
    return out


def _room(layout: TimelineLayout, label: Label, obstacles: Sequence[Box]) -> float:
    """Inches free across the label's row around its box's middle, between its neighbours."""
    b = label.box
    if label.role == "lane" and b.x0 < layout.axes.x0 - 0.01:  # a name in the column left of the plot
        left, right = 0.0, layout.axes.x0
    elif label.role in ("cutoff", "zero", "point", "bar", "phase", "stop", "lane"):  # lane: atop its lane
        left, right = layout.axes.x0, layout.axes.x1
    else:
        left, right = 0.0, layout.width
    middle = (b.x0 + b.x1) / 2
    for o in obstacles:
        if o.y1 <= b.y0 + 0.01 or o.y0 >= b.y1 - 0.01:
            continue
        if o.x1 <= middle:
            left = max(left, o.x1)
        elif o.x0 >= middle:
            right = min(right, o.x0)
        else:
            return 0.0
    return right - left


def shortened_with_room(layout: TimelineLayout, texts: Sequence[Drawn]) -> list[Defect]:
    """Shortened labels whose whole text, measured as drawn, fits the free room in their row."""
    renderer = texts[0].artist.figure.canvas.get_renderer() if texts else None
    by_text: dict[str, Drawn] = {d.text: d for d in texts}
    pieces = bar_boxes(layout)
    marks = [
        Box(
            layout.day_to_inch(m.x) - 0.06,
            layout.axes.y0 + m.y - 0.06,
            layout.day_to_inch(m.x) + 0.06,
            layout.axes.y0 + m.y + 0.06,
        )
        for m in layout.markers
    ]
    out = []
    for label in layout.labels:
        if ELLIPSIS not in label.text or label.text not in by_text or renderer is None:
            continue
        whole = whole_text(label)
        if whole is None:
            continue
        drawn = by_text[label.text].artist
        dpi = drawn.figure.dpi
        shown = drawn.get_text()
        drawn.set_text(whole)
        width = drawn.get_window_extent(renderer).width / dpi
        drawn.set_text(shown)
        # The label's own bar is room only for a text drawn on it (its middle on the bar).
        mx, my = (label.box.x0 + label.box.x1) / 2, (label.box.y0 + label.box.y1) / 2
        related = _family(layout, label.event_id) if label.event_id else set()
        on = [b for e, b in pieces if e in related and b.x0 <= mx <= b.x1 and b.y0 <= my <= b.y1]
        obstacles = [lb.box for lb in layout.labels if lb is not label]
        obstacles += [box for event_id, box in pieces if not on or event_id not in related] + marks
        room = _room(layout, label, obstacles)
        if width + 2 * FREE_GAP <= room:
            detail = f"{width:.2f} in needed, {room:.2f} in free: {_short(whole, 50)!r}"
            out.append(Defect("shortened", label.text.replace("\n", " / "), detail, room - width))
    return out


# -- one chart ---------------------------------------------------------------------------------


def check_chart(
    layout: TimelineLayout, fig: Figure, preset: tuple[float, float] | None = None, scale: float = 1.0
) -> list[Defect]:
    """Every check on one laid-out and drawn chart (the figure drawn already)."""
    texts = drawn_texts(fig)
    found = [
        *texts_outside(fig, texts),
        *texts_clipped(fig, texts),
        *overlapping_texts(texts),
        *texts_over_bars(fig, layout, texts),
        *small_texts(texts, scale),
        *shortened_with_room(layout, texts),
        *stubs(layout, texts),
        *tick_collisions(texts),
        *wrong_leaders(layout),
        *lines_through_text(fig, texts),
        *stacked_markers(fig),
    ]
    if preset is not None:
        found += size_defects(fig, preset)
    return found


def draw_and_check(
    case: Any,
    size: str,
    theme_name: str,
    dpi: float = 100.0,
    grow: bool = False,
    layouts: dict[Any, TimelineLayout] | None = None,
) -> tuple[list[Defect], Any]:
    """Lay out and draw a case at a size preset in a theme, and check it; (defects, chart).

    `grow` asks for a taller chart where the preset's height cannot show everything, as
    `--height auto` does; a grown height then is no defect.
    `layouts` keeps layouts between themes: a layout depends on a theme only through its text
    measure (its fonts), so themes with the same fonts share one.
    """
    from atc_timeline.draw.themes import LIGHT, theme_named
    from atc_timeline.mpl.measure import make_measure
    from atc_timeline.mpl.rc import drawing_rc
    from atc_timeline.options import SIZE_PRESETS, ChartOptions
    from atc_timeline.pipeline import Chart

    theme = theme_named(theme_name)
    height = "auto" if grow else None
    chart = Chart(case, ChartOptions.for_size(size, height=height, dpi=dpi), theme)
    if layouts is not None:
        key = (size, id(make_measure(theme)))
        if key not in layouts:
            layouts[key] = chart.layout
        chart.__dict__["layout"] = layouts[key]  # the cached_property's slot
    fig = chart.figure
    with warnings.catch_warnings(), drawing_rc(LIGHT.rc()):  # as the writers draw it
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.canvas.draw()
        w, h, _ = SIZE_PRESETS[size]
        fig_w, fig_h = (float(v) for v in fig.get_size_inches())
        asked = (w, max(h, fig_h) if grow else h)  # a height grown on request is what was asked
        return check_chart(chart.layout, fig, asked, w / fig_w), chart


# -- the corpus run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One case to check in some sizes and themes."""

    name: str
    text: str
    sizes: tuple[str, ...]
    themes: tuple[str, ...]
    dpi: float
    save: str | None
    grow: bool = False


@dataclass(frozen=True)
class Outcome:
    """What checking one chart found: its defects (or why it could not be drawn) and what was checked."""

    case: str
    size: str
    theme: str
    defects: list[Defect]
    error: str = ""
    checked: dict[str, int] | None = None  # texts, leaders, markers and labels looked at


def checked(layout: TimelineLayout, fig: Figure) -> dict[str, int]:
    """How much a chart gave the checks to look at, so a zero is seen not to be an empty check."""
    texts = sum(1 for t in fig.findobj(Text) if t.get_text().strip())
    shortened = sum(1 for lb in layout.labels if ELLIPSIS in lb.text)
    return {
        "texts": texts,
        "leaders": len(layout.leaders),
        "markers": len(layout.markers),
        "shortened": shortened,
    }


def run_task(task: Task) -> list[Outcome]:
    """The outcome of each size and theme of one case."""
    from atc_timeline.readers.yaml_case import load_case_text

    results = []
    case = load_case_text(task.text, task.name)
    layouts: dict[Any, TimelineLayout] = {}
    for size in task.sizes:
        for theme in task.themes:
            try:
                defects, chart = draw_and_check(case, size, theme, task.dpi, task.grow, layouts)
            except Exception as exc:  # a chart that cannot be drawn is reported, not fatal
                results.append(Outcome(task.name, size, theme, [], f"{type(exc).__name__}: {exc}"))
                continue
            if task.save and defects:
                folder = Path(task.save)
                folder.mkdir(parents=True, exist_ok=True)
                stem = Path(task.name).stem
                (folder / f"{stem}.yaml").write_text(task.text, encoding="utf-8")
                (folder / f"{stem}--{size}--{theme}.png").write_bytes(chart.to_bytes("png"))
            results.append(Outcome(task.name, size, theme, defects, "", checked(chart.layout, chart.figure)))
    return results


def corpus_cases(count: int, seed: int) -> list[tuple[str, str]]:
    """The files of cases/ and `count` generated cases, as (name, YAML text)."""
    from corpus import corpus

    found = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "cases").glob("*.yaml"))]
    return found + corpus(count, seed)


def run(
    cases: Sequence[tuple[str, str]],
    sizes: Sequence[str],
    themes: Sequence[str],
    jobs: int = 1,
    dpi: float = 100.0,
    save: str | None = None,
    grow: bool = False,
) -> Iterable[Outcome]:
    """Check every case in every size and theme, in `jobs` processes."""
    tasks = [Task(name, text, tuple(sizes), tuple(themes), dpi, save, grow) for name, text in cases]
    if jobs <= 1:
        for task in tasks:
            yield from run_task(task)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for results in pool.imap_unordered(run_task, tasks, chunksize=1):
            yield from results


def summarise(
    results: Iterable[Outcome],
    sizes: Sequence[str],
    worst: int = 3,
    themes: Sequence[str] = ("light", "dark", "print"),
) -> dict[str, Any]:
    """Counts per class and size (and theme), charts with defects, failures, what was checked, and
    the worst examples per class."""
    order = {theme: i for i, theme in enumerate(themes)}  # examples in the first theme asked for
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in CLASSES}
    by_theme: dict[str, Counter[str]] = {kind: Counter() for kind in CLASSES}
    charts: Counter[str] = Counter()
    flawed: Counter[str] = Counter()
    looked: Counter[str] = Counter()
    errors = []
    examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        charts[r.size] += 1
        if r.error:
            errors.append({"case": r.case, "size": r.size, "theme": r.theme, "error": r.error})
            continue
        looked.update(r.checked or {})
        if r.defects:
            flawed[r.size] += 1
        for d in r.defects:
            counts[d.kind][r.size] += 1
            by_theme[d.kind][r.theme] += 1
            examples[d.kind].append({"case": r.case, "size": r.size, "theme": r.theme, **asdict(d)})
    picked = {}
    for kind, found in examples.items():
        # The worst first, each a different chart and text, so the list shows different failures.
        seen: set[Any] = set()
        chosen = []
        for e in sorted(found, key=lambda e: (-e["amount"], e["case"], e["size"], order.get(e["theme"], 9))):
            if (e["case"], e["size"]) in seen or e["text"] in seen:
                continue
            seen.update({(e["case"], e["size"]), e["text"]})
            chosen.append(e)
            if len(chosen) == worst:
                break
        picked[kind] = chosen
    table = {kind: {size: counts[kind][size] for size in sizes} for kind in CLASSES}
    for kind in CLASSES:
        table[kind]["total"] = sum(counts[kind].values())
    return {
        "counts": table,
        "charts": {**{s: charts[s] for s in sizes}, "total": sum(charts.values())},
        "charts_with_defects": {**{s: flawed[s] for s in sizes}, "total": sum(flawed.values())},
        "by_theme": {kind: {t: by_theme[kind][t] for t in themes} for kind in CLASSES},
        "checked": dict(looked),
        "errors": errors,
        "examples": picked,
    }


def print_report(summary: dict[str, Any], sizes: Sequence[str], header: str) -> None:
    """The counts as a rich table (target: zero of each), then the worst examples."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 140))
    console.print(header)
    table = Table(title="Layout defects (target: 0 of each)")
    table.add_column("defect")
    for size in sizes:
        table.add_column(size, justify="right")
    table.add_column("total", justify="right")
    table.add_column("target", justify="right")
    for kind, label in CLASSES.items():
        row = summary["counts"][kind]
        table.add_row(label, *(str(row[s]) for s in sizes), str(row["total"]), "0")
    table.add_section()
    for key, label in (("charts_with_defects", "charts with a defect"), ("charts", "charts")):
        row = summary[key]
        table.add_row(label, *(str(row[s]) for s in sizes), str(row["total"]), "")
    console.print(table)
    themes = list(next(iter(summary["by_theme"].values()), {}))
    if len(themes) > 1:
        per_theme = Table(title="By theme, all sizes")
        per_theme.add_column("defect")
        for theme in themes:
            per_theme.add_column(theme, justify="right")
        for kind, label in CLASSES.items():
            per_theme.add_row(label, *(str(summary["by_theme"][kind][t]) for t in themes))
        console.print(per_theme)
    seen = summary["checked"]
    console.print(
        f"Checked: {seen.get('texts', 0):,} drawn texts, {seen.get('shortened', 0):,} shortened labels, "
        f"{seen.get('leaders', 0):,} leaders, {seen.get('markers', 0):,} markers."
    )
    if summary["errors"]:
        console.print(f"[red]{len(summary['errors'])} charts failed to draw[/red]")
        for e in summary["errors"][:10]:
            console.print(f"  {e['case']} {e['size']} {e['theme']}: {e['error']}")
    examples = Table(title="Worst examples (reproduce: --save DIR writes the case and its PNGs)")
    for column in ("defect", "case", "size", "theme", "text", "detail"):
        examples.add_column(column, overflow="fold")
    for kind in CLASSES:
        for e in summary["examples"].get(kind, []):
            examples.add_row(kind, e["case"], e["size"], e["theme"], e["text"], e["detail"])
    console.print(examples)


def main(argv: Sequence[str] | None = None) -> int:
    from atc_timeline.options import SIZE_PRESETS

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=200, help="generated cases besides cases/ (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", nargs="+", default=list(SIZE_PRESETS), choices=list(SIZE_PRESETS))
    parser.add_argument("--themes", nargs="+", default=["light", "dark", "print"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dpi", type=float, default=100.0, help="drawing resolution (extents in points)")
    parser.add_argument("--worst", type=int, default=3, help="examples listed per defect class")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--save", metavar="DIR", help="write the case and PNGs of every chart with a defect")
    parser.add_argument("--fail", action="store_true", help="exit 1 when any defect is found")
    parser.add_argument(
        "--grow",
        action="store_true",
        help="let charts grow taller, as --height auto does (no size defect then)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    cases = corpus_cases(args.cases, args.seed)
    summary = summarise(
        run(cases, args.sizes, args.themes, args.jobs, args.dpi, args.save, args.grow),
        args.sizes,
        args.worst,
        args.themes,
    )
    seconds = time.perf_counter() - started
    builtin = len(cases) - args.cases
    summary["corpus"] = {
        "cases": len(cases),
        "from_cases_dir": builtin,
        "generated": args.cases,
        "seed": args.seed,
        "sizes": list(args.sizes),
        "themes": list(args.themes),
        "dpi": args.dpi,
        "jobs": args.jobs,
        "grow": args.grow,
    }
    summary["seconds"] = round(seconds, 1)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        header = (
            f"{len(cases)} cases ({builtin} from cases/, {args.cases} generated, seed {args.seed}) x "
            f"{len(args.sizes)} sizes x {len(args.themes)} themes = {summary['charts']['total']} charts "
            f"in {seconds:.0f} s (--jobs {args.jobs}{', --grow' if args.grow else ''})"
        )
        print_report(summary, args.sizes, header)
    total = sum(row["total"] for row in summary["counts"].values())
    return 1 if args.fail and (total or summary["errors"]) else 0


if __name__ == "__main__":
    sys.exit(main())
