"""House styles: a style file applied over a theme; every bad key or value located by line."""

from __future__ import annotations

import pytest

from atc_timeline.draw.style import load_theme, style_theme
from atc_timeline.draw.themes import LIGHT, PRINT
from atc_timeline.errors import CaseError, CaseValidationError, OptionError


def test_a_style_file_recolours_the_theme(tmp_path):
    style = tmp_path / "house.yaml"
    style.write_text("background: '#FFF8E7'\nfont_family: [DejaVu Sans]\nbars: {targeted: '#AA3377'}\n")
    theme = load_theme("print", style)
    assert theme.background == "#FFF8E7"
    assert theme.bar("targeted").color == "#AA3377"
    assert theme.bar("immunotherapy") == PRINT.bar("immunotherapy"), "other bars keep the base theme's look"
    assert repr(theme) == f"<Theme print + {style}>"


def test_every_problem_in_a_style_file_is_located(tmp_path):
    style = tmp_path / "house.yaml"
    style.write_text("background: '#FFF8E7'\nbackgrund: red\ntext: not-a-colour\nbars: {laser: red}\n")
    with pytest.raises(CaseValidationError) as caught:
        load_theme("light", style)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{style}:2:1: backgrund: unknown style key 'backgrund' (allowed: background")
    assert lines[1] == f"{style}:3:1: text: 'not-a-colour' is not a colour (e.g. '#1A1A1A' or 'navy')"
    assert lines[2].startswith(f"{style}:4:8: bars.laser: unknown category 'laser'")


def test_style_files_get_the_case_files_yaml_guards(tmp_path):
    style = tmp_path / "house.yaml"
    style.write_text("text: red\ntext: blue\n")
    with pytest.raises(CaseValidationError, match=r"house.yaml:2:1: text: 'text' appears twice"):
        load_theme("light", style)
    style.write_text("- red\n")
    with pytest.raises(CaseValidationError, match="a style file is a block of fields"):
        load_theme("light", style)
    with pytest.raises(CaseError, match="no such file"):
        load_theme("light", tmp_path / "missing.yaml")
    with pytest.raises(OptionError, match="unknown theme 'neon'"):
        load_theme("neon")


def test_style_theme_works_on_plain_data_without_a_file():
    theme = style_theme({"muted": "navy"}, LIGHT)
    assert theme.muted == "navy"
    assert theme.background == LIGHT.background


def test_a_house_font_that_is_not_installed_is_a_located_warning(tmp_path):
    style = tmp_path / "house.yaml"
    style.write_text("muted: navy\nfont_family: [No Such Font Sans, DejaVu Sans]\n")
    theme = load_theme("light", style)
    assert theme.warnings == (
        f"{style}:2:1: font_family: font 'No Such Font Sans' is not installed; text is drawn in DejaVu Sans "
        "instead (install the font and register it with matplotlib, or name one that is installed)",
    )
    assert load_theme("light").warnings == ()
    assert style_theme({"font_family": "DejaVu Sans"}, LIGHT).warnings == ()


def test_a_house_font_falls_back_to_dejavu_sans_for_what_it_lacks():
    # Why: with only an uninstalled font (or one without U+2715), the stop mark was an empty box.
    from atc_timeline.mpl.fonts import missing_glyphs

    theme = style_theme({"font_family": "No Such Font Sans"}, LIGHT)
    # The uninstalled font is left out of the list (matplotlib would log it on every chart).
    assert theme.font_family == ("DejaVu Sans",)
    kept = style_theme({"font_family": ["No Such Font Sans", "DejaVu Serif"]}, LIGHT)
    assert kept.font_family == ("DejaVu Serif", "DejaVu Sans")
    texts = ["\u2715 Disease progression", "2.0 Gy \u00d7 10", "\u2026"]
    assert missing_glyphs(texts, theme.families()) == {}


def test_the_font_warning_reaches_the_result_of_each_chart(tmp_path):
    from atc_timeline.pipeline import render_file

    case = tmp_path / "case.yaml"
    case.write_text(
        "schema: atc-timeline/1\ncase: {id: t, title: T}\ndiagnosis: {label: ATC, date: '2019-01-10'}\n"
        "medications: [{id: m, label: Drug, start: 2019-02, end: 2019-06, stop_reason: PD}]\n"
    )
    theme = style_theme({"font_family": "No Such Font Sans"}, LIGHT, "house.yaml", {("font_family",): (1, 1)})
    result = render_file(str(case), [("svg", str(tmp_path / "chart.svg"))], theme=theme)
    assert result.status == "ok", result.error
    assert [w for w in result.warnings if "No Such Font Sans" in w] == list(theme.warnings)
