"""Any script: the font fallback list covers CJK, Cyrillic, Greek and accented Latin; gaps are named."""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager

from atc_timeline.mpl.fonts import (
    BASE_FAMILY,
    CJK_PACKAGE,
    cjk_font_path,
    font_families,
    font_files,
    font_paths,
    glyph_warning,
    missing_glyphs,
)

needs_cjk = pytest.mark.skipif(cjk_font_path() is None, reason=f"{CJK_PACKAGE} is not installed")

LABELS = {
    "chinese": "甲状腺未分化癌 卡博替尼 纳武利尤单抗 颈部淋巴结清扫",
    "traditional": "甲狀腺未分化癌 頸部淋巴結",
    "japanese": "甲状腺未分化がん カボザンチニブ ニボルマブ",
    "korean": "역형성 갑상선암 니볼루맙 카보잔티닙",
    "cyrillic": "Анапластический рак щитовидной железы, Ёё",
    "greek": "καρκίνωμα θυρεοειδούς ΑΩ",
    "latin": "Carcinome anaplasique thyroïde, Ürün, ñ ø ł ő ț ş Å œ ß",
    "punctuation": "≥ ≤ × ± µ – — ‘’ “” … € ° →，。（）：",
}
EGYPTIAN = "\U00013000"  # EGYPTIAN HIEROGLYPH A001: in neither DejaVu Sans nor Noto Sans CJK
LINEAR_B = "\U00010000"  # LINEAR B SYLLABLE B008 A


def _glyph_warnings(text: str, families: tuple[str, ...], fmt: str = "png") -> tuple[list[str], bytes]:
    """Draw text on a Figure with Agg and return matplotlib's missing-glyph warnings and the bytes."""
    with warnings.catch_warnings(record=True) as caught, mpl.rc_context({"font.family": list(families)}):
        warnings.simplefilter("always")
        fig = Figure(figsize=(6, 1.5))
        fig.text(0.02, 0.5, text, fontsize=14)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=72)
    messages = [str(w.message) for w in caught]
    return [m for m in messages if "missing from font" in m], out.getvalue()


def test_dejavu_sans_comes_first() -> None:
    assert font_families()[0] == BASE_FAMILY


def test_families_keep_the_base_order_and_add_no_duplicates() -> None:
    families = font_families(("DejaVu Sans", "DejaVu Serif"))
    assert families[:2] == ("DejaVu Sans", "DejaVu Serif")
    assert len(set(families)) == len(families)


def test_unknown_families_are_left_out() -> None:
    faces = font_files(("No Such Font 12345", BASE_FAMILY))
    assert [f.family for f in faces] == [BASE_FAMILY]


@pytest.mark.parametrize(
    "prop",
    [
        {"family": "theme"},
        {"family": "theme", "weight": "bold"},
        {"family": ["No Such Font 12345", "serif"]},
        {"family": ["No Such Font 12345"]},
        {"family": "sans-serif", "style": "italic"},
        {"fname": "DejaVu Serif"},
    ],
    ids=["theme", "bold", "missing-then-serif", "none-found", "generic", "file"],
)
def test_font_paths_are_the_fallback_list_matplotlib_draws_with(prop) -> None:
    if prop.get("family") == "theme":
        prop = {**prop, "family": list(font_families())}
    if "fname" in prop:
        prop = {"fname": str(fontManager.findfont(prop["fname"]))}
    props = FontProperties(**prop)
    private = getattr(fontManager, "_find_fonts_by_props", None)  # what text drawing uses
    if private is None:
        pytest.skip("this matplotlib has no _find_fonts_by_props to compare with")
    assert font_paths(props) == private(props)


def test_whitespace_is_never_missing() -> None:
    assert missing_glyphs([" \t\n\u00a0\u3000\u2003"], (BASE_FAMILY,)) == {}


def test_a_script_no_font_covers_is_reported_with_its_code_point() -> None:
    texts = [f"Findings {EGYPTIAN}", "plain", f"{LINEAR_B} and {EGYPTIAN}"]
    missing = missing_glyphs(texts, font_families())
    assert missing == {EGYPTIAN: [texts[0], texts[2]], LINEAR_B: [texts[2]]}
    message = glyph_warning(missing)
    assert "U+13000" in message
    assert "U+10000" in message
    assert "EGYPTIAN HIEROGLYPH A001" in message
    assert "Fix:" in message
    assert "fontManager.addfont" in message


def test_without_the_cjk_font_the_fix_is_the_pip_command() -> None:
    missing = missing_glyphs([LABELS["chinese"]], (BASE_FAMILY,))
    assert "甲" in missing
    message = glyph_warning(missing, cjk_installed=False)
    assert "U+7532 甲" in message
    assert f"pip install {CJK_PACKAGE}" in message


def test_no_missing_characters_no_message() -> None:
    assert glyph_warning({}) == ""


@needs_cjk
def test_cjk_family_is_registered_once() -> None:
    families = font_families()
    assert families[1].startswith("Noto Sans CJK")
    before = len(fontManager.ttflist)
    assert font_families() == families
    assert len(fontManager.ttflist) == before


@needs_cjk
@pytest.mark.parametrize("script", sorted(LABELS))
def test_every_script_of_the_issue_is_covered(script: str) -> None:
    assert missing_glyphs([LABELS[script]], font_families()) == {}


@needs_cjk
def test_cjk_renders_without_the_missing_glyph_box() -> None:
    text = "  ".join(LABELS[s] for s in ("chinese", "japanese", "korean"))
    # Control: DejaVu Sans alone draws boxes, and matplotlib says so.
    boxed, _ = _glyph_warnings(text, (BASE_FAMILY,))
    assert boxed
    drawn, png = _glyph_warnings(text, font_families())
    assert drawn == []
    assert png.startswith(b"\x89PNG")


@needs_cjk
def test_pdf_embeds_the_simplified_chinese_face() -> None:
    with mpl.rc_context({"pdf.fonttype": 42}):
        drawn, pdf = _glyph_warnings(LABELS["chinese"], font_families(), fmt="pdf")
    assert drawn == []
    if "Noto Sans CJK SC" in font_families():  # matplotlib >= 3.10 reads every face of a collection
        assert b"NotoSansCJKsc-Regular" in pdf


def test_weight_fallbacks_go_unlogged_only_in_the_drawing_thread() -> None:
    import logging
    import threading

    from atc_timeline.mpl.fonts import weight_fallbacks_unlogged

    logger = logging.getLogger("matplotlib.font_manager")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Keep(logging.WARNING)
    logger.addHandler(handler)

    def lookup() -> None:  # what matplotlib >= 3.11 logs when a family has no bold face
        logger.warning("findfont: Failed to find font weight %s for %s, now using %s.", "bold", "X", 400)
        logger.warning("findfont: Font family %r not found.", "Y")  # other messages pass

    try:
        with weight_fallbacks_unlogged():
            lookup()
            assert seen == ["findfont: Font family 'Y' not found."]
            other = threading.Thread(target=lookup)  # a thread of the program, not drawing
            other.start()
            other.join()
            assert len(seen) == 3
        assert logger.filters == []
        lookup()
        assert len(seen) == 5
        assert sum("Failed to find font weight" in message for message in seen) == 2
    finally:
        logger.removeHandler(handler)


def test_a_long_text_in_a_missing_script_is_named_once_and_shortened() -> None:
    text = f"{EGYPTIAN}{LINEAR_B} " * 200
    message = glyph_warning(missing_glyphs([text], font_families()))
    lines = message.splitlines()
    assert lines[0].startswith("2 characters have no glyph")
    assert "U+13000" in lines[1]
    assert "U+10000" in lines[1]
    assert len(lines[1]) < 200
    assert sum("U+13000" in line for line in lines) == 1
