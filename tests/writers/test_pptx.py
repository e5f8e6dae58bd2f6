"""PowerPoint export: one slide with the title, the chart picture and the case source as notes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile

import pptx
import pytest
from PIL import Image

from atc_timeline.options import ChartOptions
from atc_timeline.pipeline import render_case
from atc_timeline.writers.pptx import EMU_PER_INCH, pptx_bytes
from tests.conftest import FOUNDING, ROOT

WIDTH, HEIGHT = 13.333, 7.5


@pytest.fixture(scope="module")
def chart_png() -> bytes:
    return render_case(FOUNDING, "png", ChartOptions(dpi=60))


@pytest.fixture(scope="module")
def source() -> str:
    return FOUNDING.read_text(encoding="utf-8")


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _open(data: bytes):
    return pptx.Presentation(io.BytesIO(data))


def _pictures(slide):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_deck_has_one_slide_with_title_picture_and_notes(chart_png, source):
    title = "ATC: the founding case"
    data = pptx_bytes(chart_png, width_in=WIDTH, height_in=HEIGHT, title=title, notes=source)
    deck = _open(data)

    assert len(deck.slides) == 1
    assert deck.slide_width == round(WIDTH * EMU_PER_INCH)
    assert deck.slide_height == round(HEIGHT * EMU_PER_INCH)
    slide = deck.slides[0]
    assert slide.slide_layout.name == "Title Only"
    assert slide.shapes.title.text_frame.text == title
    assert slide.has_notes_slide
    assert slide.notes_slide.notes_text_frame.text == source
    assert deck.core_properties.title == title
    assert deck.core_properties.author == "atc-timeline"

    (picture,) = _pictures(slide)
    assert picture.image.blob == chart_png
    # The chart has the slide's own aspect ratio, so under the title it is limited by height:
    # it must then fill the height below the title, keep its aspect ratio and be centred.
    title_bottom = slide.shapes.title.top + slide.shapes.title.height
    assert picture.top >= title_bottom
    assert picture.top + picture.height <= deck.slide_height
    assert picture.width < deck.slide_width
    assert abs(picture.left - (deck.slide_width - picture.left - picture.width)) <= 1
    px_w, px_h = Image.open(io.BytesIO(chart_png)).size
    assert picture.width / picture.height == pytest.approx(px_w / px_h, rel=1e-3)


def test_wide_picture_takes_the_full_slide_width():
    deck = _open(pptx_bytes(_png(400, 100), width_in=10, height_in=7.5, title="Wide", notes=""))
    (picture,) = _pictures(deck.slides[0])
    assert picture.left == 0
    assert picture.width == deck.slide_width
    assert picture.height == round(deck.slide_width / 4)
    title = deck.slides[0].shapes.title
    assert picture.top >= title.top + title.height


def test_windows_line_endings_in_the_notes_become_plain_newlines():
    deck = _open(pptx_bytes(_png(40, 30), width_in=4, height_in=3, title="", notes="a: 1\r\nb: 2\r\n"))
    assert deck.slides[0].notes_slide.notes_text_frame.text == "a: 1\nb: 2\n"


def test_same_input_gives_identical_bytes(chart_png, source):
    # python-pptx alone stamps each zip entry with the current time, so this would fail
    # whenever the two calls straddle a 2-second boundary without the zip rewrite.
    first = pptx_bytes(chart_png, width_in=WIDTH, height_in=HEIGHT, title="T", notes=source)
    second = pptx_bytes(chart_png, width_in=WIDTH, height_in=HEIGHT, title="T", notes=source)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert archive.testzip() is None
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in {info.filename for info in infos}


def test_importing_the_module_does_not_import_python_pptx():
    code = "import sys, atc_timeline.writers.pptx; sys.exit('pptx' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_deck_to_a_pdf_with_the_picture(tmp_path, chart_png, source):
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(pptx_bytes(chart_png, width_in=WIDTH, height_in=HEIGHT, title="T", notes=source))
    # A private profile: a shared one makes parallel or concurrent soffice runs fail silently.
    profile = f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}"
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "deck.pdf"
    assert pdf.is_file()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfimages"):
        listing = subprocess.run(
            ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        rows = [line.split() for line in listing.splitlines()[2:]]
        images = [row for row in rows if row[2] == "image"]
        assert len(images) == 1
        assert {row[0] for row in images} == {"1"}  # on page 1
    else:
        assert re.search(rb"/Subtype\s*/Image", data)
