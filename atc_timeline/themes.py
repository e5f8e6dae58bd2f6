"""Colours, marker shapes and fonts: a colourblind-safe palette with shape as a second cue."""

from __future__ import annotations

from dataclasses import dataclass, field

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour
# vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}


@dataclass(frozen=True)
class BarStyle:
    """Fill, edge and hatch for one therapy category."""

    color: str
    hatch: str = ""
    text_on_bar: str = "#000000"


@dataclass(frozen=True)
class MarkerStyle:
    """Shape and colours for one kind of point event."""

    marker: str
    color: str
    edge: str = "#000000"
    size: float = 9.0
    filled: bool = True


def _bars() -> dict[str, BarStyle]:
    o = OKABE_ITO
    return {
        "chemotherapy": BarStyle(o["sky"]),
        "radiotherapy": BarStyle(o["purple"], hatch="///"),
        "targeted": BarStyle(o["orange"]),
        "immunotherapy": BarStyle(o["green"], text_on_bar="#FFFFFF"),
        "hormonal": BarStyle(o["yellow"], hatch="..."),
        "other": BarStyle("#BBBBBB", hatch="xx"),
        "adverse_event": BarStyle("#F4B183", hatch="\\\\\\"),
    }


def _markers() -> dict[str, MarkerStyle]:
    o = OKABE_ITO
    return {
        "surgery": MarkerStyle("D", "#333333", size=10),
        "imaging:finding": MarkerStyle("d", "#333333", size=9, filled=False),
        "imaging:baseline": MarkerStyle("s", o["grey"], size=8.5),
        # Responses: shrinking points down, growing points up; colour repeats the meaning.
        "imaging:CR": MarkerStyle("*", o["blue"], size=13),
        "imaging:PR": MarkerStyle("v", o["blue"], size=10),
        "imaging:SD": MarkerStyle("o", o["yellow"], size=9),
        "imaging:PD": MarkerStyle("^", o["vermillion"], size=10),
        "imaging:NE": MarkerStyle("X", o["grey"], size=9),
        # iRECIST: same shapes, hollow, so "unconfirmed/immune" reads as a variant.
        "imaging:iCR": MarkerStyle("*", o["blue"], size=13, filled=False),
        "imaging:iPR": MarkerStyle("v", o["blue"], size=10, filled=False),
        "imaging:iSD": MarkerStyle("o", o["yellow"], size=9, filled=False),
        "imaging:iUPD": MarkerStyle("^", o["vermillion"], size=10, filled=False),
        # Confirmed progression gets its own shape: it must not pass for PD in grayscale.
        "imaging:iCPD": MarkerStyle("P", o["vermillion"], size=10),
        "ae:0": MarkerStyle("h", "#FFFFFF", size=10),
        "ae:1": MarkerStyle("h", o["yellow"], size=10),
        "ae:2": MarkerStyle("h", o["orange"], size=10),
        "ae:3": MarkerStyle("h", o["vermillion"], size=11),
        "ae:4": MarkerStyle("h", "#8B1E00", size=12),
        "ae:5": MarkerStyle("h", o["black"], size=12),
        "stop": MarkerStyle("X", o["vermillion"], size=9),
    }


@dataclass(frozen=True)
class Theme:
    """Everything about the look that is not geometry."""

    name: str = "light"
    font_family: tuple[str, ...] = ("DejaVu Sans",)
    background: str = "#FFFFFF"
    text: str = "#1A1A1A"
    muted: str = "#666666"
    grid: str = "#E6E6E6"
    lane_shade: str = "#F5F5F5"
    cutoff: str = "#B00020"
    stop: str = "#B03A00"
    bars: dict[str, BarStyle] = field(default_factory=_bars)
    markers: dict[str, MarkerStyle] = field(default_factory=_markers)

    def bar(self, category: str) -> BarStyle:
        """The style of a bar category (unknown categories look like 'other')."""
        return self.bars.get(category, self.bars["other"])

    def marker(self, key: str) -> MarkerStyle:
        """The style of a marker key such as 'imaging:PR' or 'ae:3'."""
        return self.markers.get(key, self.markers["imaging:finding"])

    def rc(self) -> dict[str, object]:
        """matplotlib rcParams applied while drawing."""
        return {
            "font.family": list(self.font_family),
            "svg.fonttype": "none",  # keep text as real, searchable <text> in SVG
            "pdf.fonttype": 42,  # embed TrueType so PDF text is selectable
            "svg.hashsalt": "atc-timeline",  # stable ids between runs
            "hatch.linewidth": 0.8,
        }


LIGHT = Theme()
