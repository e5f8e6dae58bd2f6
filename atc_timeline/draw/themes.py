"""Colours, marker shapes and fonts: a colourblind-safe palette with shape as a second cue."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from atc_timeline.errors import OptionError

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


def _rgb(color: str) -> tuple[float, float, float]:
    """A '#RRGGBB' colour as three channels from 0 to 1."""
    h = color.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in rgb)


def luminance(color: str) -> float:
    """WCAG relative luminance of a '#RRGGBB' colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#RRGGBB' colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(color: str, other: str, t: float) -> str:
    """`t` of `color` and 1 - t of `other`, as '#RRGGBB'."""
    return _hex(tuple(t * c + (1 - t) * o for c, o in zip(_rgb(color), _rgb(other), strict=True)))  # type: ignore[arg-type]


def legible(color: str, background: str, ratio: float = 3.0) -> str:
    """`color`, moved toward black or white (away from `background`) until it stands out by `ratio`.

    Why 3:1: WCAG's least contrast for graphics; a hollow marker is only its outline, and a
    yellow or pale-grey outline on white all but vanishes.
    """
    far = "#000000" if luminance(background) > 0.18 else "#FFFFFF"
    t = 1.0
    while t > 0 and contrast(mix(color, far, t), background) < ratio:
        t -= 0.05
    return mix(color, far, max(t, 0.0))


def _legible_markers(markers: dict[str, MarkerStyle], background: str) -> dict[str, MarkerStyle]:
    """Hollow markers' outlines made legible on `background` (fills keep their colour)."""
    return {k: m if m.filled else replace(m, color=legible(m.color, background)) for k, m in markers.items()}


@dataclass(frozen=True)
class BarStyle:
    """Fill, edge and hatch for one therapy category."""

    color: str
    hatch: str = ""
    text_on_bar: str = "#000000"


# Markers of our own, by name, as a polygon's corners (matplotlib scales them to the marker
# size). "wedge", surgery's: a scalpel's cutting edge, a silhouette no other marker has, so it
# never passes for an imaging finding's hollow diamond, in colour, in grey or when small.
SHAPES: dict[str, tuple[tuple[float, float], ...]] = {"wedge": ((-1.0, -0.8), (1.0, -0.8), (1.0, 0.8))}


@dataclass(frozen=True)
class MarkerStyle:
    """Shape and colours for one kind of point event."""

    marker: str  # a matplotlib marker code ('D', 'o') or a name in SHAPES
    color: str
    edge: str = "#000000"
    size: float = 9.0
    filled: bool = True


# Hatching is the second cue for every bar category (colour alone never tells two apart);
# the same hatches serve the grayscale print theme.
_HATCHES = {
    "chemotherapy": "",
    "radiotherapy": "///",
    "targeted": "..",
    "immunotherapy": "--",
    "hormonal": "oo",
    "other": "xx",
    "adverse_event": "\\\\\\",
}


def _bars() -> dict[str, BarStyle]:
    o = OKABE_ITO
    return {
        "chemotherapy": BarStyle(o["sky"], hatch=_HATCHES["chemotherapy"]),
        "radiotherapy": BarStyle(o["purple"], hatch=_HATCHES["radiotherapy"]),
        "targeted": BarStyle(o["orange"], hatch=_HATCHES["targeted"]),
        "immunotherapy": BarStyle(o["green"], hatch=_HATCHES["immunotherapy"], text_on_bar="#FFFFFF"),
        "hormonal": BarStyle(o["yellow"], hatch=_HATCHES["hormonal"]),
        "other": BarStyle("#BBBBBB", hatch=_HATCHES["other"]),
        "adverse_event": BarStyle("#F4B183", hatch=_HATCHES["adverse_event"]),
    }


def _markers() -> dict[str, MarkerStyle]:
    o = OKABE_ITO
    return {
        # The wedge is flat (it fills the width of its box, not the height): a larger size
        # gives it about the ink of the diamonds beside it.
        "surgery": MarkerStyle("wedge", "#333333", size=13),
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
    markers: dict[str, MarkerStyle] = field(default_factory=lambda: _legible_markers(_markers(), "#FFFFFF"))
    # Plain, located warnings about the theme (a house style's font that is not installed),
    # reported with each chart drawn with it.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def __repr__(self) -> str:
        return f"<Theme {self.name}>"  # short, so help() on the functions that take one reads

    def bar(self, category: str) -> BarStyle:
        """The style of a bar category (unknown categories look like 'other')."""
        return self.bars.get(category, self.bars["other"])

    def marker(self, key: str) -> MarkerStyle:
        """The style of a marker key such as 'imaging:PR' or 'ae:3'."""
        return self.markers.get(key, self.markers["imaging:finding"])

    def families(self) -> tuple[str, ...]:
        """The theme's fonts followed by the bundled CJK font, when installed."""
        from atc_timeline.mpl.fonts import font_families

        return font_families(self.font_family)

    def rc(self) -> dict[str, object]:
        """matplotlib rcParams applied while drawing."""
        return {
            "font.family": list(self.families()),
            "svg.fonttype": "none",  # keep text as real, searchable <text> in SVG
            "pdf.fonttype": 42,  # embed TrueType so PDF text is selectable
            "svg.hashsalt": "atc-timeline",  # stable ids between runs
            "hatch.linewidth": 0.8,
        }


LIGHT = Theme()


def _recolour_markers(theme: Theme, edge: str, face_for_white: str) -> dict[str, MarkerStyle]:
    """The default markers with black edges (and white fills) swapped for a dark background."""
    result = {}
    for key, style in _markers().items():
        white = style.color.upper() == "#FFFFFF"
        color = face_for_white if white else style.color
        if not style.filled and style.color.upper() == "#333333":
            color = edge  # a hollow dark-grey outline would vanish on a dark background
        elif style.filled and not white and contrast(color, theme.background) < 1.6:
            # A near-black fill (surgery, grade 5) would read as hollow on a dark background.
            color = "#D9D9D9"
        result[key] = replace(style, edge=edge if style.edge == "#000000" else style.edge, color=color)
    return _legible_markers(result, theme.background)


DARK = Theme(
    name="dark",
    background="#1B1E23",
    text="#F2F2F2",
    muted="#A9B0BA",
    grid="#3A404A",
    lane_shade="#242830",
    cutoff="#FF7A7A",
    stop="#FFB380",
)
DARK = replace(DARK, markers=_recolour_markers(DARK, edge="#F2F2F2", face_for_white="#1B1E23"))


PRINT_AE_HATCH = "++"


def _print_bars() -> dict[str, BarStyle]:
    # Grey levels and hatching carry the category when the page is printed in black.
    grey = {
        "chemotherapy": "#C8C8C8",
        "radiotherapy": "#FFFFFF",
        "targeted": "#A6A6A6",
        "immunotherapy": "#5A5A5A",
        "hormonal": "#E6E6E6",
        "other": "#FFFFFF",
        "adverse_event": "#D9D9D9",
    }
    # Without colour, radiotherapy and adverse events (often side by side in time) must not
    # differ by hatch direction alone: adverse events get a square grid on a grey fill.
    hatches = {**_HATCHES, "adverse_event": PRINT_AE_HATCH}
    return {
        name: BarStyle(
            colour, hatch=hatches[name], text_on_bar="#FFFFFF" if colour == "#5A5A5A" else "#000000"
        )
        for name, colour in grey.items()
    }


def _print_markers() -> dict[str, MarkerStyle]:
    grey = {
        "#E69F00": "#8C8C8C",
        "#56B4E9": "#C8C8C8",
        "#009E73": "#4D4D4D",
        "#F0E442": "#C4C4C4",  # pale enough for yellow, dark enough that SD never looks hollow
        "#0072B2": "#333333",
        "#D55E00": "#000000",
        "#CC79A7": "#B0B0B0",
        "#999999": "#999999",
        "#8B1E00": "#1A1A1A",
    }
    markers = {k: replace(m, color=grey.get(m.color.upper(), m.color)) for k, m in _markers().items()}
    # Adverse-event grades as an even ramp of greys: mapped colour by colour, grades 3 to 5
    # all came out near black.
    for grade, colour in enumerate(("#FFFFFF", "#CCCCCC", "#999999", "#666666", "#333333", "#000000")):
        markers[f"ae:{grade}"] = replace(markers[f"ae:{grade}"], color=colour)
    return _legible_markers(markers, "#FFFFFF")


PRINT = Theme(
    name="print",
    muted="#555555",
    grid="#DDDDDD",
    lane_shade="#F2F2F2",
    cutoff="#000000",
    stop="#000000",
    bars=_print_bars(),
    markers=_print_markers(),
)

THEMES = {"light": LIGHT, "dark": DARK, "print": PRINT}


def theme_named(name: str) -> Theme:
    """A built-in theme by name, or a plain error naming the ones there are."""
    if name not in THEMES:
        raise OptionError("theme", f"unknown theme '{name}'; use one of: {', '.join(THEMES)}")
    return THEMES[name]
