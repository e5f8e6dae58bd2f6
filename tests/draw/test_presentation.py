"""Slides and journals: size presets, themes, house styles, relative time axes, PPTX, any script."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image
from typer.testing import CliRunner

from atc_timeline.cli import app
from atc_timeline.draw.themes import THEMES
from atc_timeline.options import SIZE_PRESETS, ChartOptions
from atc_timeline.pipeline import figure_for_case, layout_case, render_case
from atc_timeline.readers.yaml_case import load_case, load_case_text
from tests.conftest import FOUNDING
from tests.helpers import assert_clean

runner = CliRunner()


@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
def test_every_preset_has_its_real_size_and_no_overlaps(size):
    options = ChartOptions.for_size(size, dpi=72)
    fig = figure_for_case(load_case(FOUNDING), options)
    width, height, _ = SIZE_PRESETS[size]
    real_w, real_h = fig.get_size_inches()
    assert round(real_w, 2) == round(width, 2)
    assert round(real_h, 2) == round(height, 2), "a preset holds its size"
    assert_clean(fig)


def test_journal_text_is_smaller_than_slide_text_but_readable():
    case = load_case(FOUNDING)
    slide = layout_case(case, ChartOptions.for_size("slide-16x9"))
    column = layout_case(case, ChartOptions.for_size("journal-1col"))
    assert column.sizes.label < slide.sizes.label
    assert column.sizes.label >= 5.0, "journals print at 3.5 in; 5 pt is the floor"
    assert column.sizes.marker < slide.sizes.marker


def test_width_and_height_override_a_preset():
    options = ChartOptions.for_size("slide-4x3", width=8.0)
    assert (options.width, options.height) == (8.0, 7.5)


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_dark_theme_has_a_dark_background():
    pixels = _pixels(render_case(FOUNDING, "png", ChartOptions(dpi=40), THEMES["dark"]))
    corner = pixels[2, 2, :3]
    assert corner.max() < 60


def test_print_theme_is_grayscale():
    pixels = _pixels(render_case(FOUNDING, "png", ChartOptions(dpi=40), THEMES["print"])).astype(int)
    spread = pixels[..., :3].max(axis=2) - pixels[..., :3].min(axis=2)
    assert spread.max() <= 8, "every pixel is a shade of grey"


def test_transparent_background():
    pixels = _pixels(render_case(FOUNDING, "png", ChartOptions(dpi=40, transparent=True)))
    assert pixels[2, 2, 3] == 0


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_no_two_categories_differ_by_colour_alone(theme):
    # Bars: hatching tells every category apart without colour. Markers: shape and fill.
    bars = THEMES[theme].bars
    assert len({b.hatch for b in bars.values()}) == len(bars)
    markers = THEMES[theme].markers
    imaging = [m for k, m in markers.items() if k.startswith("imaging:") or k == "surgery"]
    assert len({(m.marker, m.filled) for m in imaging}) == len(imaging)


def test_png_svg_pdf_are_byte_identical_between_runs():
    for fmt in ("png", "svg", "pdf"):
        first = render_case(FOUNDING, fmt, ChartOptions(dpi=50))
        assert render_case(FOUNDING, fmt, ChartOptions(dpi=50)) == first, fmt


def test_pdf_embeds_its_fonts():
    data = render_case(FOUNDING, "pdf", ChartOptions(dpi=50))
    assert b"/FontFile2" in data, "TrueType fonts are embedded (pdf.fonttype 42)"


def test_house_style_file(tmp_path):
    style = tmp_path / "house.yaml"
    style.write_text("background: '#FFF8E7'\nbars: {targeted: '#AA3377'}\n")
    out = tmp_path / "s.png"
    result = runner.invoke(
        app, ["render", str(FOUNDING), "-o", str(out), "--dpi", "40", "--style", str(style)]
    )
    assert result.exit_code == 0, result.stderr
    assert tuple(_pixels(out.read_bytes())[2, 2, :3]) == (0xFF, 0xF8, 0xE7)
    style.write_text("backgrund: red\n")
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(out), "--style", str(style)])
    assert result.exit_code == 1
    assert "unknown style key 'backgrund'" in result.stderr


def test_relative_axis_hides_calendar_dates():
    options = ChartOptions(axis="relative", unit="weeks", time_zero="nivolumab", dpi=50)
    fig = figure_for_case(load_case(FOUNDING), options)
    texts = {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}
    ticks = [text for gid, text in texts.items() if gid.startswith("tick-")]
    assert "0" in ticks
    assert len(ticks) >= 4
    assert not any(year in " ".join(ticks) for year in ("2017", "2018", "2019", "2020"))
    # nivolumab started "2018-07": time zero is that month's middle, and the axis says so
    assert texts["axis-label"] == "Weeks since start of Nivolumab (approximate)"


def test_bad_time_zero_and_unit_are_plain_errors(tmp_path):
    result = runner.invoke(
        app, ["render", str(FOUNDING), "-o", str(tmp_path / "x.png"), "--time-zero", "lunch"]
    )
    assert result.exit_code == 1
    assert f"error: {FOUNDING}: time zero 'lunch' is neither 'diagnosis', an item id" in result.stderr
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(tmp_path / "x.png"), "--unit", "years"])
    assert result.exit_code == 1
    assert "error: --unit: unknown unit 'years'; use one of: days, weeks, months" in result.stderr


def test_pptx_output_from_the_cli(tmp_path):
    from pptx import Presentation

    out = tmp_path / "deck.pptx"
    result = runner.invoke(app, ["render", str(FOUNDING), "-o", str(out), "--dpi", "60"])
    assert result.exit_code == 0, result.stderr
    deck = Presentation(str(out))
    assert len(deck.slides) == 1
    slide = deck.slides[0]
    assert slide.shapes.title.text_frame.text.startswith("ATC with RET mutation")
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    assert abs(pictures[0].width - deck.slide_width) <= deck.slide_width * 0.01, "full slide width"
    assert pictures[0].top + pictures[0].height <= deck.slide_height + 12700


CJK_CASE = """schema: atc-timeline/1
case: {id: cjk, title: "间变性甲状腺癌：卡博替尼联合纳武利尤单抗", data_cutoff: "2020-11"}
diagnosis: {label: 间变性甲状腺癌, date: "2017-08-30"}
procedures: [{id: s, label: 甲状腺切除术, date: "2017-08-30"}]
medications:
  - {id: nivo, label: ニボルマブ, class: immunotherapy, start: "2018-07", end: ongoing, dose: 240 mg}
imaging:
  - {id: m1, date: "2018-10", modality: 뇌 MRI, finding: 소뇌 전이 감소, response: PR}
  - {id: m2, date: "2019-01", modality: КТ, finding: Стабильное заболевание, response: SD}
  - {id: m3, date: "2019-06", modality: ΜΡΙ, finding: Μερική ανταπόκριση, response: PR}
  - {id: m4, date: "2019-12", modality: IRM, finding: "Réponse partielle", response: PR}
"""


def test_cjk_and_other_scripts_render_without_missing_glyphs():
    pytest.importorskip("noto_cjk_sans_otc")
    from atc_timeline.pipeline import missing_glyph_warning

    case = load_case_text(CJK_CASE)
    assert missing_glyph_warning(case) is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fmt in ("png", "pdf"):
            render_case(case, fmt, ChartOptions(dpi=50))
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert_clean(figure_for_case(case, ChartOptions(dpi=72)))


def test_a_glyph_no_font_has_is_a_warning_with_the_fix(tmp_path):
    case = tmp_path / "h.yaml"
    case.write_text(
        "schema: atc-timeline/1\ncase: {id: h, title: 'Scan 𓀀'}\n"
        "diagnosis: {label: ATC, date: '2019-01-01'}\n"
    )
    result = runner.invoke(app, ["render", str(case), "-o", str(tmp_path / "h.png"), "--dpi", "40"])
    assert result.exit_code == 0
    assert "U+13000" in result.stderr
    assert "Fix:" in result.stderr


IDENTIFYING = """schema: atc-timeline/1
case:
  id: MRN-0048213
  title: Thyroid cancer case
  source: "Chart of Jane Smith, St Example Hospital, seen 2019-03-04"
  data_cutoff: "2020-11-15"
patient: {age: 67, sex: female, status: deceased, death_date: "2020-11-15"}
diagnosis: {label: ATC, date: "2019-03-04", molecular: [BRAF V600E]}
procedures: [{id: surgery-2019-03-04, label: Thyroidectomy, date: "2019-03-04"}]
medications:
  - {id: lenva, label: Lenvatinib, class: targeted, start: "2019-04-02", end: "2020-10-30", dose: 24 mg}
imaging:
  - {id: ct-2019-06, date: "2019-06-11", modality: CT, finding: smaller, response: PR}
"""

SECRETS = (
    "0048213",
    "MRN",
    "Smith",
    "Example Hospital",
    "2019",
    "2020",
    "67-year",
    "Mar 2019",
    "Nov 2020",
    "15 Nov",
)


def _drawn_text(case, options) -> str:
    """Every text the chart draws: the layout's texts and every Text artist of the Figure."""
    from matplotlib.text import Text

    layout = layout_case(case, options)
    texts = [layout.title, layout.subtitle, layout.footnote, layout.relative_label, layout.zero_label]
    texts += [label.text for label in layout.labels] + [label.full_text for label in layout.labels]
    texts += [entry.text for row in layout.legend_rows for entry in row]
    texts += [bar.title for bar in (*layout.bars, *layout.phases)] + [m.title for m in layout.markers]
    fig = figure_for_case(case, options)
    texts += [artist.get_text() for artist in fig.findobj(Text)]
    return "\n".join(texts)


def test_deidentified_chart_draws_no_identifying_text():
    case = load_case_text(IDENTIFYING)
    text = _drawn_text(case, ChartOptions(dpi=40, deidentify=True))
    assert [s for s in SECRETS if s in text] == []
    for expected in ("Months since diagnosis", "60-69 years", "Died month 20"):
        assert expected in text


def test_without_deidentify_the_same_chart_draws_the_identifying_text():
    # The check above means something only if the chart draws these strings otherwise.
    text = _drawn_text(load_case_text(IDENTIFYING), ChartOptions(dpi=40))
    assert [s for s in SECRETS if s in text] == [s for s in SECRETS if s not in ("MRN", "0048213")]


def _file_text(fmt: str, data: bytes) -> str:
    """What a file holds besides pixels: SVG and PDF as bytes, PNG text chunks, the deck's XML."""
    if fmt == "png":
        chunks, at = [], 8
        while at < len(data):
            size = int.from_bytes(data[at : at + 4], "big")
            kind = data[at + 4 : at + 8]
            if kind in (b"tEXt", b"iTXt", b"zTXt"):
                chunks.append(data[at + 8 : at + 8 + size])
            at += 12 + size
        return b"\n".join(chunks).decode("latin-1")
    if fmt == "pptx":
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as deck:
            data = b"".join(deck.read(name) for name in deck.namelist() if not name.endswith(".png"))
    if fmt == "pdf":
        # The cross-reference table is byte offsets ("0000020209"): digits that say nothing.
        data = data.split(b"\nxref\n")[0]
    return data.decode("latin-1")


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "pptx"])
def test_deidentified_files_hold_no_identifying_text_or_metadata(fmt):
    case = load_case_text(IDENTIFYING)
    data = render_case(case, fmt, ChartOptions(dpi=40, deidentify=True))
    text = _file_text(fmt, data)
    assert [s for s in SECRETS if s in text] == [], f"{fmt} leaks them"
    if fmt in ("png", "pdf"):
        assert "atc-timeline" in text, "the metadata names nothing but atc-timeline"
    if fmt == "pptx":
        # The deck's own text (title, notes) is XML, not pixels: it was checked above.
        assert "Thyroid cancer case" in text


def test_journal_charts_grow_taller_only_when_asked():
    from tests.conftest import ROOT

    # Not the dtc case: two of its label groups find no room at any height (a crowding across),
    # so it never completes; this one does once grown.
    dense = load_case(ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml")
    kept = layout_case(dense, ChartOptions.for_size("journal-2col"))
    assert kept.height == SIZE_PRESETS["journal-2col"][1], "a preset holds its size"
    assert not kept.complete, "the case is too dense for the preset (what this test is about)"
    grown = layout_case(dense, ChartOptions.for_size("journal-2col", height="auto"))
    assert SIZE_PRESETS["journal-2col"][1] < grown.height <= 9.0
    assert grown.complete
    fixed = layout_case(dense, ChartOptions.for_size("journal-2col", height=5.5))
    assert fixed.height == 5.5, "an explicit --height is kept"
