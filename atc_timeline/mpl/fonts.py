"""Fonts for any script: DejaVu Sans first, then Noto Sans CJK, and a check for glyphs neither has.

Why: matplotlib draws a character that no font in ``font.family`` covers as an empty box and
only logs a warning per glyph. A case from a Chinese, Japanese or Korean hospital must render
with real glyphs after a plain ``pip install``, and anything still missing is named, with the fix.

The CJK font comes from the ``noto-cjk-sans-otc`` package (SIL OFL 1.1): one Regular-weight
OpenType collection with a face per region (JP, KR, SC, TC, HK). Simplified Chinese is preferred,
as the founding case is Chinese; the regions share one glyph set, so coverage is the same.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from matplotlib.font_manager import FontProperties, findfont, fontManager
from matplotlib.ft2font import FT2Font

BASE_FAMILY = "DejaVu Sans"
CJK_PACKAGE = "noto-cjk-sans-otc"
CJK_MODULE = "noto_cjk_sans_otc"
CJK_FILE = "NotoSansCJK-Regular.ttc"
# Faces of the collection, best first. matplotlib < 3.10 registers only face 0 (JP).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR")

# Blocks where the CJK package is the fix; for other scripts the fix is a font of one's own.
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x31FF),  # Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, ...
    (0x3200, 0x4DBF),  # enclosed CJK, compatibility, Extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x3FFFF),  # supplementary ideographic planes
)


@dataclass(frozen=True)
class FontFile:
    """One font face that text may be drawn with: its file, face in a collection, and coverage."""

    family: str
    path: str
    face_index: int
    charmap: frozenset[int] = field(repr=False, compare=False)

    def covers(self, char: str) -> bool:
        """Whether the face has a glyph for the character."""
        return ord(char) in self.charmap

    def ft2font(self) -> FT2Font:
        """A new, private FT2Font of this face (matplotlib's shared ones get resized by draws)."""
        return _open(self.path, self.face_index)


class _WeightFallbackFilter(logging.Filter):
    """Drops matplotlib's "Failed to find font weight" records logged by threads that are drawing."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.threads: dict[int, int] = {}  # thread id -> how many draws it is inside

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.thread in self.threads and str(record.msg).startswith(_WEIGHT_FALLBACK))


_WEIGHT_FALLBACK = "findfont: Failed to find font weight"
_FONT_LOGGER = logging.getLogger("matplotlib.font_manager")
_QUIET = _WeightFallbackFilter()


@contextmanager
def weight_fallbacks_unlogged() -> Iterator[None]:
    """While drawing: no log record for bold text drawn with a regular face (Noto Sans CJK has no bold).

    Why scoped: drawing regular for bold is what we want, and matplotlib logs a warning for
    each such font lookup; but the logger is the program's, so it is filtered only while
    this thread draws, and only that message (it used to be silenced for the whole process).
    """
    ident = threading.get_ident()
    with _QUIET.lock:
        if not _QUIET.threads:
            _FONT_LOGGER.addFilter(_QUIET)
        _QUIET.threads[ident] = _QUIET.threads.get(ident, 0) + 1
    try:
        yield
    finally:
        with _QUIET.lock:
            _QUIET.threads[ident] -= 1
            if not _QUIET.threads[ident]:
                del _QUIET.threads[ident]
            if not _QUIET.threads:
                _FONT_LOGGER.removeFilter(_QUIET)


class MissingGlyphWarning(UserWarning):
    """Some characters have no glyph in any font of the theme: they would be drawn as boxes."""


def cjk_font_path() -> Path | None:
    """The Noto Sans CJK collection shipped by the CJK font package, or None if not installed."""
    try:
        path = Path(str(resources.files(CJK_MODULE).joinpath(CJK_FILE)))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


_REGISTERING = threading.Lock()


@lru_cache(maxsize=1)
def _register_cjk() -> str | None:
    """Register the CJK collection with matplotlib once; the family name to use, or None."""
    path = cjk_font_path()
    if path is None:
        return None
    resolved = str(path.resolve())
    with _REGISTERING:  # two threads' first charts must not both add it
        registered = _families_from(resolved)
        if not registered:
            fontManager.addfont(resolved)
            registered = _families_from(resolved)
    for family in CJK_FAMILIES:
        if family in registered:
            return family
    return registered[0] if registered else None


def _families_from(path: str) -> list[str]:
    # Resolve only entries with the same file name: resolving every registered font cost
    # ~15 ms of each cold start.
    name = Path(path).name
    return [
        entry.name
        for entry in fontManager.ttflist
        if Path(entry.fname).name == name and str(Path(entry.fname).resolve()) == path
    ]


def font_families(base: Sequence[str] = (BASE_FAMILY,)) -> tuple[str, ...]:
    """The font.family fallback list: the base families, then Noto Sans CJK when installed."""
    families = tuple(base)
    cjk = _register_cjk()
    if cjk is not None and cjk not in families:
        families += (cjk,)
    return families


def font_paths(prop: FontProperties) -> list[Any]:
    """The font file of each family of `prop` that is installed, in order: text's fallback list.

    What matplotlib's private fontManager._find_fonts_by_props returns, from the public
    findfont: a family that matches no font is left out, and if none matches, the default
    family's font is used.
    """
    found = []
    for family in prop.get_family():
        one = prop.copy()
        one.set_family(family)
        try:
            found.append(fontManager.findfont(one, fallback_to_default=False))
        except ValueError:
            continue
    if not found:
        one = prop.copy()
        one.set_family(fontManager.defaultFamily["ttf"])
        found.append(fontManager.findfont(one))
    return found


def font_files(families: Iterable[str], weight: str = "normal") -> tuple[FontFile, ...]:
    """The installed face of each family at `weight`, in order; families matplotlib cannot find are left out.

    The face is the one matplotlib draws that weight with: DejaVu Sans Bold for bold, and the
    regular face of a family that has no bold (Noto Sans CJK), as text drawing falls back to it.
    """
    _register_cjk()  # so the CJK family resolves even if font_families() was not called first
    found: list[FontFile] = []
    for family in families:
        face = _font_file(family, weight)
        if face is not None and all(f.path != face.path or f.face_index != face.face_index for f in found):
            found.append(face)
    return tuple(found)


@lru_cache(maxsize=32)
def _font_file(family: str, weight: str = "normal") -> FontFile | None:
    try:
        # A bare family name only: a generic alias such as "sans-serif" resolves via rcParams.
        with weight_fallbacks_unlogged():  # a family without this weight gives its nearest
            path = findfont(FontProperties(family=[family], weight=weight), fallback_to_default=False)
    except ValueError:
        return None
    face_index = int(getattr(path, "face_index", 0))  # matplotlib >= 3.10 returns a FontPath
    return FontFile(family, str(path), face_index, _charmap(str(path), face_index))


@lru_cache(maxsize=16)
def _charmap(path: str, face_index: int) -> frozenset[int]:
    return frozenset(_open(path, face_index).get_charmap())


def _open(path: str, face_index: int) -> FT2Font:
    if face_index:
        return FT2Font(path, face_index=face_index)
    return FT2Font(path)  # matplotlib < 3.10 has no face_index argument


def missing_glyphs(texts: Iterable[str], families: Iterable[str]) -> dict[str, list[str]]:
    """Each character that no font of the families covers, with the texts it appears in.

    Characters are keyed in order of first appearance; whitespace is ignored, as matplotlib
    lays it out without drawing a glyph.
    """
    faces = font_files(families)
    missing: dict[str, list[str]] = {}
    covered: set[str] = set()
    for text in texts:
        for char in dict.fromkeys(text):
            if char.isspace() or char in covered:
                continue
            if char not in missing and any(face.covers(char) for face in faces):
                covered.add(char)
                continue
            holders = missing.setdefault(char, [])
            if text not in holders:
                holders.append(text)
    return missing


def is_cjk(char: str) -> bool:
    """Whether the character is in a Chinese, Japanese or Korean block."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def describe(char: str) -> str:
    """'U+4E2D 中 (CJK UNIFIED IDEOGRAPH-4E2D)': code point, the character, and its name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {char}" + (f" ({name})" if name else "")


def _shorten(text: str, limit: int = 60) -> str:
    """A text quoted for a message, cut to about `limit` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def glyph_warning(
    missing: dict[str, list[str]], *, cjk_installed: bool | None = None, limit: int = 10
) -> str:
    """A plain message naming the missing characters, where they appear, and how to fix it."""
    if not missing:
        return ""
    if cjk_installed is None:
        cjk_installed = cjk_font_path() is not None
    chars = list(missing)
    lines = [
        f"{len(chars)} character{'s' if len(chars) != 1 else ''} {'have' if len(chars) != 1 else 'has'} "
        "no glyph in the chart's fonts and would be drawn as empty boxes:"
    ]
    # One line per text, not per character: a long label in an unsupported script would
    # otherwise be repeated once for each of its letters.
    by_text: dict[str, list[str]] = {}
    for char in chars:
        by_text.setdefault(missing[char][0], []).append(char)
    for text, group in list(by_text.items())[:limit]:
        others = {t for c in group for t in missing[c][1:]}
        shown = ", ".join(describe(c) for c in group[:4])
        if len(group) > 4:
            shown += f" and {len(group) - 4} more"
        where = _shorten(text) + (f" and {len(others)} more text{'s' * (len(others) != 1)}" if others else "")
        lines.append(f"  {shown} in {where}")
    if len(by_text) > limit:
        lines.append(f"  ... and {len(by_text) - limit} more texts")
    if not cjk_installed and any(is_cjk(c) for c in chars):
        lines.append(
            f"Fix: pip install {CJK_PACKAGE}  (Noto Sans CJK, for Chinese, Japanese and Korean; "
            "it comes with atc-timeline unless installed with --no-deps)."
        )
    if cjk_installed or not all(is_cjk(c) for c in chars):
        lines.append(
            "Fix: install a font that covers these characters (for example a Noto Sans font for "
            "the script), register it with matplotlib.font_manager.fontManager.addfont(path), "
            "and add its family name to the theme's font_family."
        )
    return "\n".join(lines)
