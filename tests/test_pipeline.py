"""The one render chain: Chart, plot_case, render_case and render_file give the command line's bytes."""

from __future__ import annotations

import pydoc
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from typer.testing import CliRunner

from atc_timeline import pipeline
from atc_timeline.cli import app
from atc_timeline.errors import OptionError
from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import Chart, plot_case, render_case, render_file
from atc_timeline.readers.yaml_case import load_case
from atc_timeline.writers.png import SIGNATURE
from tests.conftest import FOUNDING, ROOT

runner = CliRunner()
FORMATS = ("png", "svg", "pdf", "pptx")


@pytest.mark.parametrize("fmt", FORMATS)
def test_chart_save_gives_the_bytes_the_cli_writes(tmp_path, fmt):
    saved = plot_case(FOUNDING, theme="print", size="journal-2col", dpi=60).save(tmp_path / f"lib.{fmt}")
    args = ["render", str(FOUNDING), "-o", str(tmp_path / f"cli.{fmt}"), "--theme", "print"]
    result = runner.invoke(app, [*args, "--size", "journal-2col", "--dpi", "60", "-q"])
    assert result.exit_code == 0, result.stderr
    assert saved.read_bytes() == (tmp_path / f"cli.{fmt}").read_bytes()


def test_chart_shows_itself_in_a_notebook_without_pyplot():
    code = (
        "import sys\n"
        "from atc_timeline import plot_case\n"
        f"chart = plot_case({str(FOUNDING)!r}, dpi=40)\n"
        "png, svg = chart._repr_png_(), chart._repr_svg_()\n"
        "assert png.startswith(b'\\x89PNG'), png[:8]\n"
        "assert svg.lstrip().startswith('<?xml') and '<svg' in svg\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print(repr(chart))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Chart of case 'atc-2017-nivolumab-cabozantinib', 13.333 x 7.5 in at 40 dpi" in done.stdout


def test_chart_layout_and_figure_are_the_drawn_chart():
    chart = plot_case(load_case(FOUNDING), dpi=50)
    assert chart.layout.width == chart.figure.get_figwidth()
    gids = {artist.get_gid() for artist in chart.figure.get_children()}
    assert {f"event-{bar.event_id}" for bar in chart.layout.bars} <= gids
    assert chart._repr_png_().startswith(SIGNATURE)
    root = ET.fromstring(chart._repr_svg_())
    assert root.tag.endswith("svg")


def test_plot_case_refuses_unknown_options_and_themes_in_plain_words():
    with pytest.raises(OptionError, match="unknown option 'colour'") as caught:
        plot_case(FOUNDING, colour="red")
    assert caught.value.option == "colour"
    with pytest.raises(OptionError, match="unknown theme 'neon'; use one of: light, dark, print"):
        plot_case(FOUNDING, theme="neon")
    with pytest.raises(OptionError, match="unknown unit 'years'") as caught:
        plot_case(FOUNDING, unit="years")
    assert "--" not in str(caught.value)


def test_every_format_of_a_case_comes_from_one_drawn_figure(tmp_path, monkeypatch):
    drawn = []
    real = pipeline.draw_timeline
    monkeypatch.setattr(pipeline, "draw_timeline", lambda *a, **k: drawn.append(1) or real(*a, **k))
    targets = [(fmt, str(tmp_path / f"c.{fmt}")) for fmt in ("png", "svg", "pdf")]
    result = render_file(str(FOUNDING), targets, ChartOptions(dpi=40))
    assert result.status == "ok", result.error
    assert result.outputs == tuple(path for _, path in targets)
    assert len(drawn) == 1
    for fmt, path in targets:
        with open(path, "rb") as written:
            assert written.read() == render_case(FOUNDING, fmt, ChartOptions(dpi=40))


def test_render_file_reports_problems_instead_of_raising(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema: atc-timeline/1\ncase: {id: b, title: B}\ndiagnosis: {label: A, date: '2019-02-30'}\n"
    )
    result = render_file(str(bad), [("png", str(tmp_path / "bad.png"))])
    assert result.status == "failed"
    assert f"{bad}:3:" in result.error
    assert not (tmp_path / "bad.png").exists()
    elsewhere = render_file(str(FOUNDING), [("png", str(tmp_path / "none" / "x.png"))], ChartOptions(dpi=30))
    assert elsewhere.status == "failed"
    assert "does not exist" in elsewhere.error
    zero = render_file(str(FOUNDING), [("png", str(tmp_path / "z.png"))], ChartOptions(time_zero="lunch"))
    assert zero.error.startswith(f"{FOUNDING}: time zero 'lunch' is neither")


GLYPH_CASE = (
    "schema: atc-timeline/1\ncase: {id: h, title: 'Scan \U00013000'}\n"
    "diagnosis: {label: ATC, date: '2019-01-01'}\n"
)


def test_single_and_batch_renders_warn_about_missing_glyphs_the_same_way(tmp_path):
    case = tmp_path / "h.yaml"
    case.write_text(GLYPH_CASE)
    other = tmp_path / "h2.yaml"
    other.write_text(GLYPH_CASE)
    run = [sys.executable, "-m", "atc_timeline", "render", "--dpi", "30"]
    single = subprocess.run([*run, str(case), "-o", str(tmp_path / "h.png")], capture_output=True, text=True)
    batch = subprocess.run(
        [*run, str(case), str(other), "-o", f"{tmp_path}/out/", "--jobs", "2"], capture_output=True, text=True
    )
    assert single.returncode == batch.returncode == 0, single.stderr + batch.stderr
    for stderr in (single.stderr, batch.stderr):
        assert f"warning: {case}: 1 character has no glyph in the chart's fonts" in stderr
        assert "U+13000" in stderr
        assert "UserWarning" not in stderr, stderr
        assert "missing from font" not in stderr, stderr
    assert batch.stderr.count("U+13000") == 2, "one friendly warning per case"
    assert f"warning: {other}: 1 character has no glyph" in batch.stderr


def test_help_on_the_library_calls_reads():
    for function in (render_case, plot_case, render_file, pipeline.layout_case, Chart):
        text = pydoc.render_doc(function, renderer=pydoc.plaintext)
        # Before Theme and ChartOptions had short reprs, a signature ran to thousands of characters.
        assert max(len(line) for line in text.splitlines()) < 200, text
        assert len(text) < 3000, text
        assert "BarStyle(" not in text, "a Theme shows by name, not as every colour it holds"


def test_render_file_turns_a_bug_into_a_failed_result_with_its_traceback(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("injected bug")

    monkeypatch.setattr(pipeline, "normalize_events", broken)
    result = render_file(str(FOUNDING), [("png", str(tmp_path / "c.png"))], ChartOptions(dpi=30))
    assert result.status == "failed"
    assert result.error.startswith(f"{FOUNDING}: internal error in atc-timeline (ZeroDivisionError: injected")
    assert "--debug" in result.error
    assert "\n" not in result.error
    assert "Traceback (most recent call last)" in result.traceback
    assert "traceback" not in result.record(), "the summary stays plain"
    assert not (tmp_path / "c.png").exists()


def test_render_file_names_the_output_a_refused_write_was_for(tmp_path, monkeypatch):
    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "write_atomic", full_disk)
    target = str(tmp_path / "c.png")
    result = render_file(str(FOUNDING), [("png", target)], ChartOptions(dpi=30))
    assert (result.status, result.error) == ("failed", f"{target}: no space left on device")
    assert result.traceback == "", "a full disk is no bug of ours"


def test_render_file_lets_ctrl_c_through(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "check_source", interrupted)  # the check render_file runs
    with pytest.raises(KeyboardInterrupt):
        render_file(str(FOUNDING), [("png", "-")])


def test_render_file_never_writes_onto_its_case_file(tmp_path) -> None:
    from atc_timeline.pipeline import render_file

    case = tmp_path / "case.yaml"
    case.write_bytes(FOUNDING.read_bytes())
    link = tmp_path / "link.png"
    link.symlink_to(case)
    for target in (case, link):
        result = render_file(str(case), [("png", str(target))])
        assert result.status == "failed"
        assert "would replace it" in result.error
    assert case.read_bytes() == FOUNDING.read_bytes()


DENSE = ROOT / "cases" / "dtc-long-follow-up-imaging.yaml"
# A case too dense for a journal column that shows every label once grown. Why not DENSE: since
# point labels keep their whole text or a short form (never a stub), two of its 19 label groups
# find no room at any height (17 of 19 from 8.1 in to 20 in): a crowding across, which a
# taller chart cannot mend, so that case never completes.
GROWS = ROOT / "cases" / "atc-lenvatinib-dose-reductions-deceased.yaml"


def _named_height(message: str) -> float:
    """The height a fit warning names ("... a height of 6.2 in shows them all ...")."""
    match = re.search(r"a height of ([0-9.]+) in shows them all \(--height \1,", message)
    assert match, message
    return float(match.group(1))


def test_a_journal_preset_holds_its_size_and_names_the_height_that_fits():
    chart = plot_case(GROWS, size="journal-1col", dpi=30)
    assert chart.layout.height == 4.8, "a preset keeps its size"
    assert not chart.layout.complete, "too dense for the column (what this test is about)"
    assert chart.figure.get_size_inches()[1] == pytest.approx(4.8)
    (message,) = chart.warnings
    assert message.startswith("journal-1col (3.5 x 4.8 in): ")
    height = _named_height(message)
    assert 4.8 < height <= 9.0
    assert plot_case(GROWS, size="journal-1col", height=height).layout.complete, "the height named fits"
    grown = plot_case(GROWS, size="journal-1col", height="auto")
    assert grown.layout.height == height, "auto grows as far as the warning says, no further"
    assert grown.layout.complete
    assert grown.warnings == []
    assert grown.figure.get_size_inches()[1] == pytest.approx(height)


def test_a_chart_that_fits_has_no_fit_warning():
    assert plot_case(FOUNDING).warnings == []
    assert plot_case(FOUNDING, size="journal-1col", height="auto").warnings == []


def test_render_file_reports_what_did_not_fit_named_by_its_case_file(tmp_path):
    column = ChartOptions.for_size("journal-1col")
    result = render_file(str(GROWS), [("png", str(tmp_path / "d.png"))], column)
    assert result.status == "ok", result.error
    (message,) = [w for w in result.warnings if "event labels shown" in w]
    assert message.startswith(f"{GROWS}: journal-1col (3.5 x 4.8 in): ")
    # A deck is drawn from its own layout (the slide's title box takes the title).
    deck = render_file(str(GROWS), [("pptx", str(tmp_path / "d.pptx"))], column)
    assert any("event labels shown" in w for w in deck.warnings)
    grown = ChartOptions.for_size("journal-1col", height="auto")
    quiet = render_file(str(GROWS), [("png", str(tmp_path / "g.png"))], grown)
    assert not [w for w in quiet.warnings if "event labels shown" in w]


def test_the_command_line_warns_of_what_did_not_fit_and_grows_on_request(tmp_path):
    out = tmp_path / "d.png"
    kept = runner.invoke(app, ["render", str(GROWS), "-o", str(out), "--size", "journal-1col", "--dpi", "30"])
    assert kept.exit_code == 0, kept.stderr
    assert f"warning: {GROWS}: journal-1col (3.5 x 4.8 in): " in kept.stderr
    height = _named_height(" ".join(kept.stderr.split()))
    with Image.open(out) as image:
        assert image.size[1] == round(4.8 * 30)
    args = ["render", str(GROWS), "-o", str(out), "--size", "journal-1col", "--dpi", "30", "--height", "auto"]
    grown = runner.invoke(app, args)
    assert grown.exit_code == 0, grown.stderr
    assert "event labels shown" not in grown.stderr
    with Image.open(out) as image:
        assert image.size[1] == round(height * 30)
    bad = runner.invoke(app, ["render", str(GROWS), "-o", str(out), "--height", "tall"])
    assert bad.exit_code == 1
    assert "--height: a height of 'tall' is neither inches nor 'auto'" in bad.stderr


def test_a_batch_warns_of_each_case_that_did_not_fit_once(tmp_path):
    args = ["render", str(DENSE), str(FOUNDING), "-o", f"{tmp_path}/out/", "--size", "journal-2col"]
    done = runner.invoke(app, [*args, "--dpi", "30", "--jobs", "1"])
    assert done.exit_code == 0, done.stderr
    assert " ".join(done.stderr.split()).count(f"warning: {DENSE}: journal-2col (7.2 x 5 in): ") == 1
    assert f"{FOUNDING}: journal-2col" not in done.stderr


def test_skip_unchanged_tells_an_auto_height_from_the_preset_height(tmp_path):
    out = tmp_path / "f.png"
    args = ["render", str(FOUNDING), "-o", str(out), "--size", "journal-1col", "--dpi", "30"]
    args.append("--skip-unchanged")
    assert runner.invoke(app, args).exit_code == 0
    assert "up to date" in runner.invoke(app, args).stderr
    grown = runner.invoke(app, [*args, "--height", "auto"])
    assert "wrote" in grown.stderr, "another height option draws anew"


def test_a_deck_warns_with_its_own_heights_and_grows_on_request(tmp_path):
    from pptx import Presentation

    column = ChartOptions.for_size("journal-1col")
    kept = render_file(str(GROWS), [("pptx", str(tmp_path / "d.pptx"))], column)
    (message,) = [w for w in kept.warnings if "event labels shown" in w]
    assert "journal-1col (3.5 x 4.8 in)" in message, "the deck's size, not the chart's under its title"
    height = _named_height(message)
    taller = ChartOptions.for_size("journal-1col", height=height)
    fits = render_file(str(GROWS), [("pptx", str(tmp_path / "t.pptx"))], taller)
    assert not [w for w in fits.warnings if "event labels shown" in w], "the deck height named fits"
    grown = ChartOptions.for_size("journal-1col", height="auto")
    render_file(str(GROWS), [("pptx", str(tmp_path / "g.pptx"))], grown)
    deck = Presentation(str(tmp_path / "g.pptx"))
    assert 4.8 < deck.slide_height / 914400 <= height + 0.01, "the slide grows with its chart"
    (picture,) = [shape for shape in deck.slides[0].shapes if shape.shape_type == 13]
    assert picture.top + picture.height <= deck.slide_height + 12700
