"""House styles: colours, fonts and bar colours from a style file applied over a theme."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from atc_timeline.draw.themes import Theme, theme_named
from atc_timeline.errors import CaseValidationError, Issue
from atc_timeline.readers.style_file import parse_style, read_style_bytes

STYLE_COLOURS = ("background", "text", "muted", "grid", "lane_shade", "cutoff", "stop")
STYLE_KEYS = (*STYLE_COLOURS, "font_family", "bars")

KeyPath = tuple[str | int, ...]


def load_theme(name: str, style: str | Path | None = None, raw: bytes | None = None) -> Theme:
    """A built-in theme with a house-style file applied over it (`raw`: its bytes, if already read)."""
    base = theme_named(name)
    if style is None:
        return base
    raw = read_style_bytes(style) if raw is None else raw
    data, lines = parse_style(raw, str(style))
    return style_theme(data, base, str(style), lines)


def style_theme(
    style: dict[str, Any],
    base: Theme,
    where: str = "<style>",
    lines: dict[KeyPath, tuple[int, int]] | None = None,
) -> Theme:
    """A department house style (colours, fonts, bar colours) applied over a theme.

    Raises CaseValidationError with every bad key or value, located by line where known.
    """
    from matplotlib.colors import is_color_like

    lines = lines or {}
    issues: list[Issue] = []

    def problem(path: KeyPath, message: str) -> None:
        line, column = lines.get(path, lines.get(path[:1], (None, None)))
        issues.append(Issue(where, line, column, ".".join(str(p) for p in path), message))

    changes: dict[str, object] = {}
    notes: list[str] = []
    for key, value in style.items():
        if key not in STYLE_KEYS:
            problem((key,), f"unknown style key '{key}' (allowed: {', '.join(STYLE_KEYS)})")
        elif key in STYLE_COLOURS:
            if not isinstance(value, str) or not is_color_like(value):
                problem((key,), f"'{value}' is not a colour (e.g. '#1A1A1A' or 'navy')")
            else:
                changes[key] = value
        elif key == "font_family":
            families = [value] if isinstance(value, str) else value
            if not (isinstance(families, list) and families and all(isinstance(f, str) for f in families)):
                problem((key,), "must be a font name or a list of names")
            else:
                from atc_timeline.mpl.fonts import font_files

                installed = {face.family for face in font_files(_with_fallback(tuple(families)))}
                # A font that is not installed is left out (and warned about below): kept,
                # matplotlib would log its own "findfont" line for it on every chart.
                kept = _with_fallback(tuple(f for f in families if f in installed))
                changes[key] = kept
                notes += _missing_fonts(families, installed, kept[0], where, lines.get((key,)))
        elif not isinstance(value, dict):
            problem((key,), "must map a category to a colour")
        else:
            bars = dict(base.bars)
            for category, colour in value.items():
                if category not in bars:
                    problem((key, category), f"unknown category '{category}' ({', '.join(bars)})")
                elif not isinstance(colour, str) or not is_color_like(colour):
                    problem((key, category), f"'{colour}' is not a colour")
                else:
                    bars[category] = replace(bars[category], color=colour)
            changes["bars"] = bars
    if issues:
        raise CaseValidationError(issues)
    return replace(
        base,
        name=f"{base.name} + {where}",
        warnings=(*base.warnings, *notes),
        **changes,  # type: ignore[arg-type]
    )


def _with_fallback(families: tuple[str, ...]) -> tuple[str, ...]:
    """The house fonts, then DejaVu Sans for what they lack (the stop mark ✕, ×, …).

    Why: matplotlib draws a character no listed font has as an empty box; DejaVu Sans comes
    with matplotlib, so it is always there to fall back on.
    """
    from atc_timeline.mpl.fonts import BASE_FAMILY

    return families if BASE_FAMILY in families else (*families, BASE_FAMILY)


def _missing_fonts(
    families: list[str], installed: set[str], instead: str, where: str, at: tuple[int, int] | None
) -> list[str]:
    """A located warning for each named font that is not `installed` (text is drawn in `instead`)."""
    line, column = at or (None, None)
    return [
        str(
            Issue(
                where,
                line,
                column,
                "font_family",
                f"font '{family}' is not installed; text is drawn in {instead} instead (install the "
                "font and register it with matplotlib, or name one that is installed)",
                "warning",
            )
        )
        for family in families
        if family not in installed
    ]
